"""Students pushing with real git over the sandbox's smart HTTP.

The token travels in an HTTP header given through git's environment (GIT_CONFIG_*), never in a
URL, a command line or a .git/config, so it cannot end up in a file or a process listing.
"""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

from ..errors import ClassroomOpsError


class GitWork:
    def __init__(self, git_url: str, workdir: Path):
        self.git_url = git_url.rstrip("/")
        self.workdir = workdir
        self.pushes = 0

    def _env(self, token: str, date: str | None) -> dict:
        auth = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_CONFIG_COUNT="1",
                   GIT_CONFIG_KEY_0="http.extraHeader",
                   GIT_CONFIG_VALUE_0=f"Authorization: Basic {auth}",
                   GIT_AUTHOR_NAME="Demo Student", GIT_AUTHOR_EMAIL="student@example.edu",
                   GIT_COMMITTER_NAME="Demo Student", GIT_COMMITTER_EMAIL="student@example.edu")
        if date:
            env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        return env

    def _git(self, env: dict, *args: str, cwd: Path) -> str:
        proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=120)
        if proc.returncode != 0:
            raise ClassroomOpsError(f"demo: git {args[0]} failed in {cwd.name}: "
                                    f"{proc.stderr.strip()[:300]}")
        return proc.stdout

    def push(self, repo: str, token: str, files: dict[str, bytes], message: str,
             date: str | None = None) -> str:
        """Write `files` into a clone of `repo` (owner/name), commit and push; the new SHA."""
        env = self._env(token, date)
        dest = self.workdir / repo.replace("/", "__")
        if not dest.exists():
            self.workdir.mkdir(parents=True, exist_ok=True)
            self._git(env, "clone", "-q", f"{self.git_url}/{repo}.git", str(dest),
                      cwd=self.workdir)
        else:
            self._git(env, "pull", "-q", "--ff-only", cwd=dest)
        for path, data in files.items():
            p = dest / path
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        self._git(env, "add", "-A", cwd=dest)
        self._git(env, "commit", "-q", "--allow-empty", "-m", message, cwd=dest)
        self._git(env, "push", "-q", "origin", "HEAD", cwd=dest)
        self.pushes += 1
        return self._git(env, "rev-parse", "HEAD", cwd=dest).strip()
