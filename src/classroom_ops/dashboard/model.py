"""Where every team stands: the ledger's judgments, plus what is already in place for what is
still ahead. Reads only: the ledger files, one listing of the organization's repositories, and,
per team with a milestone still open, its branch head, one recursive tree and the blobs the rules
read (the tree is shared by all of that team's open milestones).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from ..adapter import GitHubAPI
from ..checks.judge import Blobs, judge_files
from ..checks.judgment import CELL_STATES, LABELS, Judgments, is_current, judged_label
from ..checks.ledger import Entry
from ..errors import ClassroomOpsError, StopRun
from ..ghdata import RepoInfo
from ..model import Course, Finding, Milestone, Team
from ..timeline import format_deadline, zone
from .people import people_json

# Worst first: the order a "sort by this milestone" puts teams in (defined with the judgments).
STATES = CELL_STATES
__all__ = ["LABELS", "STATES", "Status", "StatusCell", "build_status", "from_cells", "to_json"]


@dataclass
class StatusCell:
    team: str
    milestone: str
    state: str  # one of STATES
    label: str  # the state in words, with what matters about it ("late 1 day 9 h")
    due: datetime  # what the team was told, with its extension
    deadline: datetime  # due plus grace: after it pushes are late
    extended: bool = False
    commit: str | None = None
    commit_url: str = ""
    pushed_at: datetime | None = None
    late_by_seconds: int | None = None
    issue: int | None = None
    issue_url: str = ""
    issue_state: str | None = None
    findings: list[dict] = field(default_factory=list)
    ready: int | None = None  # open milestones: deliverables already passing their rules
    total: int | None = None
    note: str = ""
    error: str = ""  # judged, but a later step (the tag, the issue) failed

    @property
    def offset_hours(self) -> float | None:
        """When the commit that counts was pushed, relative to the due time (negative: early)."""
        if self.pushed_at is None:
            return None
        return (self.pushed_at - self.due).total_seconds() / 3600

    @property
    def sort_key(self) -> int:
        """Worst first; among late cells, the latest first; among open ones, the least ready."""
        rank = STATES.index(self.state) * 10_000_000
        if self.state == "late":
            return rank + 9_999_999 - min(self.late_by_seconds or 0, 9_999_999)
        if self.ready is not None and self.total:
            return rank + int(1_000_000 * self.ready / self.total)
        return rank


@dataclass
class TeamRow:
    slug: str
    name: str
    repo: str
    repo_url: str
    cells: list[StatusCell]


@dataclass
class MilestoneCol:
    id: str
    title: str
    due: datetime
    due_text: str
    counts: dict[str, int]
    extended: int


@dataclass
class Status:
    course: Course
    at: datetime
    teams: list[TeamRow]
    milestones: list[MilestoneCol]
    warnings: list[str]
    ledgers: list[str]
    not_joined: list = field(default_factory=list)  # people.NotJoined, set by the status command
    title: str = "status"  # what the run was: "status", "deadline check"
    notes: list[str] = field(default_factory=list)
    formation: str = ""  # the team-formation milestone's id, when the course has one
    no_team: list[Finding] = field(default_factory=list)  # its judgment: one finding a student

    @property
    def cells(self) -> list[StatusCell]:
        return [c for row in self.teams for c in row.cells]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATES, 0)
        for c in self.cells:
            out[c.state] += 1
        return out

    def when(self, moment: datetime) -> str:
        return format_deadline(moment, zone(self.course.timezone))


# -- building the grid -------------------------------------------------------------------------
def build_status(gh: GitHubAPI, course: Course, judgments: Judgments, now: datetime,
                 *, warnings: list[str] | None = None, ledgers: list[str] | None = None,
                 log: Callable[[str], None] = lambda s: None) -> Status:
    """Every team's row from `judgments` (checks.judgment.load_ledgers: every shard merged).
    Meetings and presentations show their booked slot or sign-off (from the ledgers' events, no
    request); team formation is judged per student (formation.provisioning), not per team."""
    from ..meetings.sync import board_from_ledger

    repos = gh.list_org_repos(course.org)
    blobs = Blobs(gh)
    rows: list[TeamRow] = []
    warnings = list(warnings or [])
    formation = course.formation.milestone if course.formation is not None else ""
    milestones = [m for m in course.milestones if m.id != formation]
    boards = {m.id: board_from_ledger(course, judgments, m) for m in milestones if m.signed_off}
    for team in course.teams:
        repo = repos.get(course.repo_for(team))
        if repo is None:
            warnings.append(f"{team.slug}: repository {course.org}/{course.repo_for(team)} not "
                            "found; run provision")
        cells = [_judged_or_open(course, team, m, judgments.get(team.slug, m.id), now, repo)
                 for m in milestones]
        for c in cells:
            if c.milestone in boards:
                _meeting(course, boards[c.milestone], c, now)
        open_cells = [c for c in cells if c.state in ("pending", "extension")
                      and c.milestone not in boards]
        if open_cells and repo is not None:
            try:
                _in_place(gh, blobs, course, repo, open_cells)
            except StopRun:
                raise
            except ClassroomOpsError as e:
                for c in open_cells:
                    c.note = f"could not read the repository: {e}"
                warnings.append(f"{team.slug}: could not read {repo.full_name}: {e}")
            log(f"{team.slug}: " + ", ".join(f"{c.milestone} {c.label}" for c in open_cells))
        rows.append(TeamRow(team.slug, team.name, repo.full_name if repo else
                            f"{course.org}/{course.repo_for(team)}",
                            repo.html_url if repo else "", cells))
    status = Status(course, now, rows, _columns(milestones, rows), warnings, list(ledgers or []),
                    formation=formation)
    if formation:
        from ..formation.provisioning import formation_findings

        status.no_team = formation_findings(gh, course, now)
    return status


def from_cells(course: Course, milestones: list[Milestone], cells: list, at: datetime,
               warnings: list[str], notes: list[str] = ()) -> Status:
    """The status of what `check` just judged (its `checks.org.Cell`s), for the same renderers:
    one model, one table, one Markdown page."""
    by = {(c.team, c.milestone): c for c in cells}
    slugs = [t.slug for t in course.teams if any(c.team == t.slug for c in cells)]
    rows = []
    for slug in slugs:
        team = course.team(slug)
        row_cells = []
        for m in milestones:
            c = by[(slug, m.id)]
            base = c.repo_url
            commit = c.commit
            sc = StatusCell(slug, m.id, c.status if c.status in STATES else "error", "",
                            course.due_for(team, m), c.deadline, c.extended, commit=commit,
                            commit_url=f"{base}/commit/{commit}" if base and commit else "",
                            pushed_at=datetime.fromisoformat(c.pushed_at) if c.pushed_at
                            else None, late_by_seconds=c.late_by_seconds, issue=c.issue,
                            issue_url=f"{base}/issues/{c.issue}" if base and c.issue else "",
                            findings=list(c.findings), note=c.note, error=c.error)
            sc.label = judged_label(sc.state, sc.late_by_seconds, len(sc.findings))
            row_cells.append(sc)
        rows.append(TeamRow(slug, team.name, f"{course.org}/{course.repo_for(team)}",
                            by[(slug, milestones[0].id)].repo_url if milestones else "",
                            row_cells))
    return Status(course, at, rows, _columns(milestones, rows), list(warnings), [],
                  title="deadline check", notes=list(notes))


def _columns(milestones: list[Milestone], rows: list[TeamRow]) -> list[MilestoneCol]:
    cols = []
    for i, m in enumerate(milestones):
        mine = [row.cells[i] for row in rows]
        counts = dict.fromkeys(STATES, 0)
        for c in mine:
            counts[c.state] += 1
        cols.append(MilestoneCol(m.id, m.title, m.due, m.due_text, counts,
                                 sum(1 for c in mine if c.extended)))
    return cols


def _meeting(course: Course, board, c: StatusCell, now: datetime) -> None:
    """A meeting's cell: signed off (when, by the ledger), else the slot the team booked."""
    if c.state in ("on_time", "late"):
        c.label = "signed off" + (f", {c.label}" if c.state == "late" else "")
        return
    if c.state not in ("pending", "extension", "not_checked"):
        return
    slot = board.slot_of.get(c.team)
    if slot is not None:
        at = board.m.slots[slot - 1].at
        c.label = f"slot booked: {format_deadline(at, zone(course.timezone))}"
    else:
        c.label = "no slot booked"
    if c.state == "not_checked":
        c.note = ("no sign-off recorded in these ledgers: run `classroom-ops meetings sync` "
                  "(or `signoff`)")


def _judged_or_open(course: Course, team: Team, m: Milestone, entry: Entry | None,
                    now: datetime, repo: RepoInfo | None) -> StatusCell:
    due, deadline = course.due_for(team, m), course.deadline_for(team, m)
    extended = due != m.due
    cell = StatusCell(team.slug, m.id, "pending", "pending", due, deadline, extended)
    base = repo.html_url if repo else ""
    stale = entry is not None and not is_current(course, team, m, entry)
    if stale:
        # Judged against another deadline or other rules: the check judges again, so the old
        # judgment no longer counts (checks.judgment).
        entry = None
    if entry is not None:
        cell.state = entry.status if entry.status in STATES else "error"
        cell.findings = list(entry.findings)
        commit, pushed = entry.commit, entry.pushed_at
        if entry.status == "late":
            commit, pushed = entry.late_commit, entry.late_pushed_at
            cell.late_by_seconds = entry.late_by_seconds
            cell.findings = []  # fixed: what was missing at the deadline no longer is
        cell.commit = commit
        cell.pushed_at = datetime.fromisoformat(pushed) if pushed else None
        cell.issue, cell.issue_state = entry.issue, entry.issue_state
        if base and commit:
            cell.commit_url = f"{base}/commit/{commit}"
        if base and entry.issue:
            cell.issue_url = f"{base}/issues/{entry.issue}"
        cell.label = judged_label(cell.state, cell.late_by_seconds, len(cell.findings))
        if entry.status not in STATES:
            cell.note = f"the ledger says {entry.status!r}"
        if entry.status == "excused":
            cell.note = entry.note
        return cell
    if deadline <= now and repo is None:
        cell.state, cell.label = "error", f"{LABELS['error']}: no repository"
        cell.note = "repository not found; run classroom-ops provision"
        return cell
    if deadline <= now:
        cell.state, cell.label = "not_checked", LABELS["not_checked"]
        cell.note = ("the deadline has passed but no ledger records a check: run "
                     "`classroom-ops check`")
        if stale:
            cell.note = ("the ledger's judgment was against another deadline or other rules "
                         "(changed since), and no check has judged against these: run "
                         "`classroom-ops check`")
        return cell
    if extended and m.due + course.grace <= now:
        cell.state = "extension"
        cell.note = f"extended to {format_deadline(due, zone(course.timezone))}"
    cell.label = LABELS[cell.state]
    if repo is None:
        cell.label += ": no repository"
    return cell


def _in_place(gh: GitHubAPI, blobs: Blobs, course: Course, repo: RepoInfo,
              cells: list[StatusCell]) -> None:
    """Judge the branch head now for each open milestone, one deliverable at a time."""
    full = repo.full_name
    head = gh.get_ref(full, f"heads/{repo.default_branch}")
    tree = gh.get_tree(full, head) if head else []
    fetch = blobs.fetcher(full)
    for c in cells:
        m = course.milestone(c.milestone)
        ready, todo = 0, []
        for d in m.deliverables:
            found = judge_files(replace(m, deliverables=(d,)), tree, fetch)
            ready += not found
            todo.extend(Entry.finding_dict(f) for f in found)
        c.ready, c.total, c.findings = ready, len(m.deliverables), todo
        c.commit = head
        c.commit_url = f"{repo.html_url}/commit/{head}" if head and repo.html_url else ""
        c.label = f"{LABELS[c.state]}: {ready}/{len(m.deliverables)} ready"


# -- JSON --------------------------------------------------------------------------------------
def to_json(status: Status) -> dict:
    course = status.course
    return {
        "course": course.name, "term": course.term, "org": course.org,
        "at": status.at.isoformat(), "ledgers": status.ledgers,
        "counts": status.counts(),
        "milestones": [{"id": m.id, "title": m.title, "due": m.due.isoformat(),
                        "counts": m.counts, "extended": m.extended} for m in status.milestones],
        "teams": [{"slug": r.slug, "name": r.name, "repo": r.repo, "repo_url": r.repo_url}
                  for r in status.teams],
        "cells": [_cell_json(c) for c in status.cells],
        "not_joined": people_json(status.not_joined),
        "formation": formation_json(status),
        "warnings": status.warnings,
    }


def formation_json(status: Status) -> dict | None:
    """Team formation's per-student judgment (the same in `check`'s report and `status`'s)."""
    if not status.formation:
        return None
    return {"milestone": status.formation,
            "missing": [{"student": f.message.split(" ", 1)[0], "found": f.found}
                        for f in status.no_team]}


def _cell_json(c: StatusCell) -> dict:
    d = asdict(c)
    d["due"], d["deadline"] = c.due.isoformat(), c.deadline.isoformat()
    d["pushed_at"] = c.pushed_at.isoformat() if c.pushed_at else None
    off = c.offset_hours
    d["offset_hours"] = round(off, 2) if off is not None else None
    return d
