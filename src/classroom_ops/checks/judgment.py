"""The one judgment model `check`, `status` and `collect` share (pure, but for tag peeling).

- A ledger entry counts only while it was judged against the team's deadline as the course sets
  it now *and* against the milestone's rules as they are now (`rules_digest`); otherwise the
  next check judges again, and meanwhile `status` shows the cell as not checked.
- The commit that counts is the late commit when the work was fixed late, else the commit at
  the deadline; an excused cell has none.
- A `submission/<id>` tag is peeled (annotated tags, at most a few levels) to a commit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import UsageError
from ..model import Course, Milestone, Team
from .issue_text import human_delta
from .ledger import Entry, Ledger

# Judged states a ledger records, and the states a cell can show besides.
JUDGED = ("on_time", "late", "missing", "excused")
CELL_STATES = ("missing", "not_checked", "error", "late", "extension", "pending", "excused",
               "on_time")
# Every state in words, said once for the terminal, Markdown, HTML and JSON readers alike.
LABELS = {"on_time": "on time", "late": "late", "missing": "missing", "extension": "extension",
          "pending": "pending", "not_checked": "not checked yet", "error": "error",
          "excused": "excused"}
MAX_TAG_DEPTH = 5


def judged_label(state: str, late_by_seconds: int | None = None, findings: int = 0) -> str:
    """A judged cell in words: how late, how many findings; the state's label otherwise."""
    if state == "late":
        return f"late {human_delta(timedelta(seconds=late_by_seconds or 0))}"
    if state == "missing":
        return f"missing ({findings} finding{'s' if findings != 1 else ''})"
    return LABELS.get(state, state)


def rules_digest(milestone: Milestone) -> str:
    """A fingerprint of what a milestone asks (its deliverables and their rules): recorded with
    each judgment, so a rule changed after a deadline gets the milestone judged again."""
    data = [asdict(d) for d in milestone.deliverables]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def is_current(course: Course, team: Team, milestone: Milestone, entry: Entry) -> bool:
    """Whether `entry` still counts: judged against this deadline and these rules."""
    return not stale_reason(course, team, milestone, entry)


def stale_reason(course: Course, team: Team, milestone: Milestone, entry: Entry) -> str:
    """Why a judgment no longer counts ("" if it does)."""
    if entry.deadline != course.deadline_for(team, milestone).isoformat():
        return "the deadline changed"
    # Ledgers written before rules were recorded carry none: they count as they are.
    if entry.rules is not None and entry.rules != rules_digest(milestone):
        return "the rules changed"
    return ""


def entry_is_current(course: Course, slug: str, mid: str, entry: Entry) -> bool:
    try:
        return is_current(course, course.team(slug), course.milestone(mid), entry)
    except KeyError:  # a team or milestone no longer in the course
        return False


@dataclass(frozen=True)
class Counted:
    commit: str
    status: str  # on_time, late, missing
    pushed_at: str | None
    late_by_seconds: int | None


def counted_commit(entry: Entry) -> Counted | None:
    """The commit that counts for a judgment, or None (nothing pushed, or excused)."""
    if entry.status == "excused":
        return None
    if entry.status == "late" and entry.late_commit:
        return Counted(entry.late_commit, "late", entry.late_pushed_at, entry.late_by_seconds)
    if entry.commit:
        return Counted(entry.commit, entry.status, entry.pushed_at, None)
    return None


def progress(e: Entry) -> tuple[int, datetime]:
    """How far a judgment went: missing can still become late, never the other way; then the
    later look at the branch."""
    times = [datetime.fromisoformat(t) for t in (e.judged_at, e.head_checked) if t]
    return (0 if e.status == "missing" else 1,
            max(times) if times else datetime.min.replace(tzinfo=UTC))


class NotACommit(Exception):
    pass


def peel(gh, full_name: str, kind: str, sha: str) -> str:
    """The commit an object is or points at (annotated tags peeled)."""
    for _ in range(MAX_TAG_DEPTH):
        if kind != "tag":
            break
        kind, sha = gh.get_tag_target(full_name, sha)
    if kind != "commit":
        raise NotACommit(kind)
    return sha


# -- reading the record: every shard's ledger, merged -----------------------------------------
class Judgments:
    """Every judgment of a course, merged from its shard ledgers, keyed by (team, milestone).
    `get` answers like `Ledger.get` with the judgment that counts (see `load_ledgers`)."""

    def __init__(self, entries: dict[tuple[str, str], Entry], warnings: list[str],
                 paths: list[Path], events: list[dict] | None = None):
        self.entries, self.warnings, self.paths = entries, warnings, paths
        self.events = events or []  # every ledger's events, each once (bookings, sign-offs)

    def get(self, team: str, milestone: str) -> Entry | None:
        return self.entries.get((team, milestone))


def ledger_paths(paths_or_dir) -> list[Path]:
    """Ledger files from paths and folders (a folder: every `*.json` in it, like the shards'
    `ledger-1-of-4.json` ... that the workflow commits under `records/ledger/`)."""
    if isinstance(paths_or_dir, (str, Path)):
        paths_or_dir = [paths_or_dir]
    out: list[Path] = []
    for p in map(Path, paths_or_dir):
        out.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    return out


def load_ledgers(paths_or_dir, course: Course, *, required: bool = True) -> Judgments:
    """Every judgment in the ledgers (shards merge), refusing a ledger of another organization
    or term. A path that does not exist is an error when `required`. Two ledgers that judged
    the same cell differently keep the one that still counts (current deadline and rules), then
    the one that went further (late over missing, else the later look)."""
    paths = ledger_paths(paths_or_dir)
    merged: dict[tuple[str, str], Entry] = {}
    warnings: list[str] = []
    events: list[dict] = []
    seen: set[str] = set()
    for path in paths:
        if not path.exists():
            if required:
                raise UsageError(f"{path}: no such ledger; `classroom-ops check` writes it "
                                 "(the deadline-check workflow commits it under records/ledger/)")
            warnings.append(f"no ledger at {path}: no deadline has been checked yet")
            continue
        ledger = Ledger.load(path)
        ledger.require_course(course.org, course.term)
        for e in ledger.events:  # a shard's ledger repeats what it was copied from
            k = json.dumps(e, sort_keys=True, default=str)
            if k not in seen:
                seen.add(k)
                events.append(e)
        for slug, ms in ledger.teams.items():
            for mid, entry in ms.items():
                old = merged.get((slug, mid))
                if old is not None and old != entry:
                    warnings.append(f"{slug} {mid}: the ledgers disagree; showing the judgment "
                                    "checked last")
                    if _rank(course, slug, mid, entry) < _rank(course, slug, mid, old):
                        continue
                merged[(slug, mid)] = entry
    return Judgments(merged, warnings, paths, events)


def _rank(course: Course, slug: str, mid: str, e: Entry) -> tuple[bool, int, datetime]:
    return (entry_is_current(course, slug, mid, e), *progress(e))
