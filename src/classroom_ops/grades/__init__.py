"""Grades out: one row per student and one group of values per milestone, from the ledger and
the course file alone (no GitHub request), for gradebooks to import.

The ledger is the record that counts; a milestone the ledger has no judgment for is `pending`
(its deadline is ahead) or `unchecked` (the deadline passed but `check` has not recorded it yet),
and neither has a score, so a gradebook import never turns "not judged yet" into a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..checks.ledger import Ledger
from ..model import Course, Milestone, Student, Team

STATES = ("on_time", "late", "missing", "pending", "unchecked")


@dataclass(frozen=True)
class Grade:
    """One team's result for one milestone, as every student of the team gets it."""

    state: str  # one of STATES
    late_hours: float | None  # 0 when on time; None when missing, pending or unchecked
    commit: str | None  # the commit that counts (the late fix, for late work)
    findings: tuple[dict, ...] = ()
    score: float | None = None  # percent of the milestone's credit; None when not judged


@dataclass(frozen=True)
class StudentRow:
    student: Student
    team: Team
    grades: dict[str, Grade] = field(default_factory=dict)  # milestone id -> grade


def grade_for(course: Course, ledger: Ledger, team: Team, m: Milestone, now: datetime) -> Grade:
    entry = ledger.get(team.slug, m.id)
    if entry is None:
        due = course.deadline_for(team, m)
        return Grade("pending" if due > now else "unchecked", None, None)
    if entry.status == "missing":
        return Grade("missing", None, entry.commit, tuple(entry.findings), 0.0)
    late = timedelta(0)
    commit = entry.commit
    if entry.status == "late":
        late = timedelta(seconds=entry.late_by_seconds or 0)
        commit = entry.late_commit
    policy = course.late_policy
    score = policy.score(late) if policy else 100.0
    return Grade(entry.status, round(late.total_seconds() / 3600, 2), commit,
                 tuple(entry.findings), score)


def build_rows(course: Course, ledger: Ledger, milestones: list[Milestone],
               now: datetime) -> list[StudentRow]:
    """Every student of every team, in the course file's team order, then by login."""
    rows = []
    for team in course.teams:
        grades = {m.id: grade_for(course, ledger, team, m, now) for m in milestones}
        for login in sorted(team.members, key=str.lower):
            rows.append(StudentRow(course.student(login), team, grades))
    return rows


def ledger_warnings(course: Course, ledger: Ledger) -> list[str]:
    """What in the ledger the course file no longer explains (a renamed team or milestone)."""
    slugs = {t.slug for t in course.teams}
    mids = {m.id for m in course.milestones}
    out = []
    for slug, entries in sorted(ledger.teams.items()):
        if slug not in slugs:
            out.append(f"the ledger has judgments for team '{slug}', which is not in the course "
                       "file; its students get no row")
            continue
        for mid in sorted(entries):
            if mid not in mids:
                out.append(f"the ledger has a judgment of team '{slug}' for milestone '{mid}', "
                           "which is not in the course file; it is left out")
    return out
