"""Judging a submission: which commit counts, and what its files say. Pure functions.

The commit that counts is the head of the default branch after the last push at or before the
deadline, by GitHub's own push timestamps. Commit dates are chosen by whoever commits
(`git commit --date`), so they are never consulted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from ..ghdata import Push, TreeEntry
from ..model import Finding, Milestone
from ..rules import evaluate, paths_needed

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
) -> list[Finding]:
    """Every finding for `milestone` against a tree, fetching only the blobs rules read."""
    blobs = {e.path: e for e in tree if e.type == "blob"}
    files: dict[str, bytes | None] = dict.fromkeys(blobs)
    sizes = {p: e.size for p, e in blobs.items() if e.size is not None}
    findings: list[Finding] = []
    for d in milestone.deliverables:
        for path in paths_needed(d, blobs):
            entry = blobs[path]
            size = entry.size or 0
            # Over the deliverable's own limit, the size alone is the finding: not downloaded.
            if files[path] is None and size <= MAX_FETCH and size <= (d.max_size or size):
                files[path] = fetch(entry)
        findings.extend(evaluate(d, files, milestone=milestone.id, sizes=sizes))
    return findings


def judge_local(milestone: Milestone, files: dict[str, bytes | None],
                sizes: dict[str, int]) -> list[Finding]:
    out: list[Finding] = []
    for d in milestone.deliverables:
        out.extend(evaluate(d, files, milestone=milestone.id, sizes=sizes))
    return out


def digest(findings: Iterable[Finding]) -> str:
    """A short fingerprint of findings, so an issue is rewritten only when they change."""
    h = hashlib.sha256()
    for f in findings:
        h.update(f"{f.path}\0{f.rule}\0{f.message}\n".encode())
    return h.hexdigest()[:12]
