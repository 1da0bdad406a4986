"""`collect --publish OWNER/REPO[:PATH]`: the gallery folder, committed into the course website's
repository in one commit on its default branch, and only when something differs.

What is there is compared by git blob ids computed locally (one tree listing, no downloads), so
a rerun with nothing new writes nothing. Files under PATH that the gallery no longer has (a
project the instructors took out of a past term's index.json, a team removed from the course
file: consent itself is read once, at the commit that counts) are removed in the same commit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..adapter import GitHub
from ..errors import UsageError
from .layout import UnsafePath, safe_rel

DEFAULT_PATH = "past-projects"
_TARGET = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9-]*)/[A-Za-z0-9._-]+)(?::(.*))?$")


@dataclass
class PublishResult:
    repo: str
    path: str
    commit: str | None  # None: nothing to change
    written: int = 0
    removed: int = 0


def parse_target(text: str) -> tuple[str, str]:
    m = _TARGET.match(text or "")
    if not m:
        raise UsageError(f"--publish {text!r}: write OWNER/REPO or OWNER/REPO:PATH")
    path = (m.group(2) or DEFAULT_PATH).rstrip("/")
    try:
        safe_rel(path)
    except UnsafePath as e:
        raise UsageError(f"--publish {text!r}: {e}") from None
    return m.group(1), path


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()


def publish(gh: GitHub, target: str, files: dict[str, bytes], message: str,
            dry_run: bool = False) -> PublishResult:
    full, prefix = parse_target(target)
    repo = gh.get_repo(full)
    branch = repo.default_branch
    parent = gh.get_branch_sha(full, branch)
    there = {e.path[len(prefix) + 1:]: e.sha for e in gh.tree(full, parent)
             if e.type == "blob" and e.path.startswith(prefix + "/")}
    write = {f"{prefix}/{rel}": data for rel, data in sorted(files.items())
             if there.get(rel) != git_blob_id(data)}
    delete = [f"{prefix}/{rel}" for rel in sorted(there) if rel not in files]
    result = PublishResult(full, prefix, None, len(write), len(delete))
    if dry_run or (not write and not delete):
        return result
    result.commit = gh.commit_files(full, branch, write, message, parent=parent, delete=delete)
    return result
