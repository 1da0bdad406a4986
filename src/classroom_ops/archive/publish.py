"""`collect --publish OWNER/REPO[:PATH]`: the gallery folder, committed into the course website's
repository in one commit on its default branch, and only when something differs.

What is there is compared by git blob ids computed locally (one tree listing, no downloads), so
a rerun with nothing new writes nothing.

The gallery touches only files it owns. PATH is usually a folder of a course website that people
also edit by hand (an `index.md`, a `_config.yml`), so each publish writes a manifest,
`PATH/.classroom-ops-gallery.json`, listing the files it wrote. A later publish removes only
files listed there that the gallery no longer has (a project the instructors took out of a past
term's index.json, a team removed from the course file), and refuses to overwrite a file under
PATH that it did not write: it says which, and nothing is committed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from ..adapter import GitHubAPI
from ..errors import UsageError
from .layout import UnsafePath, safe_rel

DEFAULT_PATH = "past-projects"
OWNED = ".classroom-ops-gallery.json"  # the manifest of what the gallery wrote under PATH
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


def manifest_bytes(files: dict[str, bytes]) -> bytes:
    data = {"generator": "classroom-ops collect",
            "note": "The files of the past-projects gallery under this folder; collect --publish "
                    "changes or removes only these. Do not edit.",
            "files": {rel: git_blob_id(b) for rel, b in sorted(files.items())}}
    return (json.dumps(data, indent=2, sort_keys=False) + "\n").encode()


def _owned(gh: GitHubAPI, full: str, sha: str | None) -> set[str]:
    """The files an earlier publish wrote, from its manifest; nothing if there is none."""
    if sha is None:
        return set()
    try:
        data = json.loads(gh.get_blob(full, sha))
        names = data["files"]
    except (ValueError, KeyError, TypeError):
        raise UsageError(f"{full}: the gallery's manifest {OWNED} is not valid JSON; restore "
                         "it from the repository's history") from None
    out = set()
    for rel in names if isinstance(names, (dict, list)) else ():
        try:
            if isinstance(rel, str) and rel != OWNED:
                safe_rel(rel)
                out.add(rel)
        except UnsafePath:
            continue
    return out


def publish(gh: GitHubAPI, target: str, files: dict[str, bytes], message: str,
            dry_run: bool = False) -> PublishResult:
    full, prefix = parse_target(target)
    repo = gh.get_repo(full)
    branch = repo.default_branch
    parent = gh.get_branch_sha(full, branch)
    there = {e.path[len(prefix) + 1:]: e.sha for e in gh.get_tree(full, parent)
             if e.type == "blob" and e.path.startswith(prefix + "/")}
    owned = _owned(gh, full, there.get(OWNED))
    changed = {rel: data for rel, data in sorted(files.items())
               if there.get(rel) != git_blob_id(data)}
    foreign = sorted(rel for rel in changed if rel in there and rel not in owned)
    if foreign:
        shown = ", ".join(f"{prefix}/{r}" for r in foreign[:5])
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        raise UsageError(f"--publish {target}: {shown}{more} already exist and were not written "
                         "by classroom-ops; nothing was committed. Publish to a folder of its "
                         "own (OWNER/REPO:PATH), or move those files away")
    gone = sorted(rel for rel in owned if rel not in files and rel in there)
    write = {f"{prefix}/{rel}": data for rel, data in changed.items()}
    delete = [f"{prefix}/{rel}" for rel in gone]
    manifest = manifest_bytes(files)
    result = PublishResult(full, prefix, None, len(write), len(delete))
    if there.get(OWNED) != git_blob_id(manifest):
        write[f"{prefix}/{OWNED}"] = manifest
    if dry_run or (not write and not delete):
        return result
    result.commit = gh.commit_files(full, branch, write, message, parent=parent, delete=delete)
    return result
