"""Running the real git client against the sandbox, isolated from the user's git config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(*args: str, cwd: Path | None = None, check: bool = True,
        env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    full_env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                     "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "LC_ALL": "C"})
    full_env.update(env or {})
    proc = subprocess.run(["git", "-c", "user.name=Student", "-c", "user.email=s@example.edu",
                           "-c", "init.defaultBranch=main", "-c", "protocol.version=2", *args],
                          cwd=cwd, capture_output=True, text=True, env=full_env, timeout=60)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc


def authed(url: str, token: str, user: str = "x-access-token") -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{token}@{rest}"
