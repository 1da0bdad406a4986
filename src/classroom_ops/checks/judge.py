"""Judging a submission: which commit counts, and what its files say. Pure functions.

The commit that counts is the head of the default branch after the last push at or before the
deadline, by GitHub's own push timestamps. Commit dates are chosen by whoever commits
(`git commit --date`), so they are never consulted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ..ghdata import Push, TreeEntry
from ..model import Deliverable, Finding, Milestone
from ..provision.render import RULES_PATH
from ..rules import evaluate, paths_needed
from .starter import TeamStarter, git_blob_sha, is_starter


class Blobs:
    """File contents by blob SHA for one run. Blobs are content-addressed, so each is fetched
    once whichever team, milestone or command reads it (check, status and reminders share this).
    `gh` is anything with the adapter's `get_blob(full_name, sha)` (one read per blob)."""

    def __init__(self, gh):
        self.gh = gh
        self.data: dict[str, bytes] = {}

    def fetcher(self, full_name: str) -> Callable[[TreeEntry], bytes]:
        def fetch(entry: TreeEntry) -> bytes:
            if entry.sha not in self.data:
                self.data[entry.sha] = self.gh.get_blob(full_name, entry.sha)
            return self.data[entry.sha]
        return fetch


# Blobs larger than this are judged on their listed size only (the rules' max_size still
# applies); nothing a student commits can make a check download gigabytes.
MAX_FETCH = 60_000_000


@dataclass(frozen=True)
class Snapshot:
    commit: str
    pushed_at: datetime
    actor: str = ""


def head_at(pushes: Iterable[Push], moment: datetime, branch_ref: str) -> Snapshot | None:
    """The branch head as it stood at `moment`: after the last push at or before it."""
    best = None
    for p in pushes:
        if p.ref != branch_ref or p.timestamp > moment:
            continue
        if best is None or p.timestamp >= best.timestamp:
            best = p
    if best is None or not best.after or set(best.after) == {"0"}:
        return None  # never pushed by then, or the branch was deleted
    return Snapshot(best.after, best.timestamp, best.actor)


def latest(pushes: Iterable[Push], branch_ref: str) -> Snapshot | None:
    """The branch head now."""
    mine = [p for p in pushes if p.ref == branch_ref]
    if not mine:
        return None
    last = max(mine, key=lambda p: p.timestamp)
    if not last.after or set(last.after) == {"0"}:
        return None
    return Snapshot(last.after, last.timestamp, last.actor)


def judge_files(
    milestone: Milestone,
    tree: list[TreeEntry],
    fetch: Callable[[TreeEntry], bytes],
    starter: TeamStarter | Mapping[str, str] | None = None,
) -> list[Finding]:
    """Every finding for `milestone` against a tree, fetching only the blobs rules read.
    `starter` (path -> blob SHA provisioning wrote) makes an untouched starter file missing."""
    blobs = {e.path: e for e in tree if e.type == "blob"}
    shas = {p: e.sha for p, e in blobs.items()}
    files: dict[str, bytes | None] = dict.fromkeys(blobs)
    sizes = {p: e.size for p, e in blobs.items() if e.size is not None}
    findings: list[Finding] = []
    untouched = nothing_of_their_own(shas, starter)
    for d in milestone.deliverables:
        found = starter_finding(d, shas, starter, untouched, milestone.id)
        if found:
            findings.append(found)
            continue
        for path in paths_needed(d, blobs):
            entry = blobs[path]
            size = entry.size or 0
            # Over the deliverable's own limit, the size alone is the finding: not downloaded.
            if files[path] is None and size <= MAX_FETCH and size <= (d.max_size or size):
                files[path] = fetch(entry)
        findings.extend(evaluate(d, files, milestone=milestone.id, sizes=sizes))
    return findings


def nothing_of_their_own(shas: Mapping[str, str], starter) -> bool:
    """Whether a tree holds nothing but the starter's files (the team committed nothing of its
    own since provisioning, or only deleted files)."""
    if starter is None:
        return False
    return all(is_starter(starter, p, sha) for p, sha in shas.items() if p != RULES_PATH)


def starter_finding(d: Deliverable, shas: Mapping[str, str], starter, untouched: bool,
                    milestone: str) -> Finding | None:
    """The finding for a deliverable whose file is still the starter's, or None."""
    if starter is None:
        return None
    path = next((p for p in d.paths if p in shas), None)
    if path is None or not is_starter(starter, path, shas[path]):
        return None
    if not d.starter_ok:
        return Finding(path, "starter", f"{path} is still the starter file; write the "
                       "deliverable in it (the template's text does not count).",
                       "the starter file", "the team's own work", None, milestone)
    if untouched:
        return Finding(path, "starter", "Nothing of the team's own has been pushed since the "
                       f"repository was set up; {path} is the starter's.",
                       "the starter repository", "a commit of the team's own", None, milestone)
    return None


def judge_local(milestone: Milestone, files: dict[str, bytes | None],
                sizes: dict[str, int], starter: Mapping[str, str] | None = None
                ) -> list[Finding]:
    shas: dict[str, str] = {}
    if starter is not None:  # hashed only to compare; a file too large to read is not the starter's
        shas = {p: git_blob_sha(b) if b is not None else "" for p, b in files.items()}
    untouched = nothing_of_their_own(shas, starter)
    out: list[Finding] = []
    for d in milestone.deliverables:
        found = starter_finding(d, shas, starter, untouched, milestone.id)
        if found:
            out.append(found)
            continue
        out.extend(evaluate(d, files, milestone=milestone.id, sizes=sizes))
    return out


def digest(findings: Iterable[Finding]) -> str:
    """A short fingerprint of findings, so an issue is rewritten only when they change."""
    h = hashlib.sha256()
    for f in findings:
        h.update(f"{f.path}\0{f.rule}\0{f.message}\n".encode())
    return h.hexdigest()[:12]
