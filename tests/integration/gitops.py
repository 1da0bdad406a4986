"""Students' side in tests: real git clones and pushes over the sandbox's smart HTTP."""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path


def git(*args: str, cwd: Path, env: dict | None = None) -> str:
    full_env = dict(os.environ, GIT_TERMINAL_PROMPT="0", **(env or {}))
    token = _tokens.get(cwd.resolve()) or _tokens.get(cwd.parent.resolve())
    if token:  # as a header from the environment: never in a URL or .git/config
        auth = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        full_env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraHeader",
                        GIT_CONFIG_VALUE_0=f"Authorization: Basic {auth}")
    proc = subprocess.run(["git", *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=60)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args[:2])} failed: {proc.stderr}")
    return proc.stdout


_tokens: dict[Path, str] = {}


def clone(sandbox, token: str, repo: str, dest: Path) -> Path:
    url = sandbox.git_url + f"/{repo}.git"
    _tokens[dest.resolve()] = token
    _tokens[dest.parent.resolve()] = token
    git("clone", "-q", url, str(dest), cwd=dest.parent)
    git("config", "user.name", "Student", cwd=dest)
    git("config", "user.email", "student@example.edu", cwd=dest)
    return dest


def push_files(sandbox, token: str, repo: str, workdir: Path, files: dict[str, bytes | str],
               message: str = "work", date: str | None = None, remove: tuple[str, ...] = ()) -> str:
    """Clone (or reuse), write `files`, commit (optionally backdated), push; return the SHA."""
    dest = workdir / repo.replace("/", "__")
    _tokens[dest.resolve()] = token  # whoever pushes this time
    if not dest.exists():
        clone(sandbox, token, repo, dest)
    else:
        git("pull", "-q", "--ff-only", cwd=dest)
    for path, data in files.items():
        p = dest / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
    for path in remove:
        git("rm", "-q", path, cwd=dest)
    git("add", "-A", cwd=dest)
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else None
    git("commit", "-q", "-m", message, cwd=dest, env=env)
    git("push", "-q", "origin", "HEAD", cwd=dest)
    return git("rev-parse", "HEAD", cwd=dest).strip()
