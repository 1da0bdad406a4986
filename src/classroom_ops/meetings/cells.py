"""What `check` reports for meetings and presentations: read from the ledger, where
`meetings sync` and `signoff` record them (no GitHub request). Without a record, a cell stays
`pending` with a note, even after the deadline: only `meetings sync` decides `missing`."""

from __future__ import annotations

from datetime import datetime

from ..checks.ledger import Ledger
from ..checks.org import Cell
from ..model import Course, Milestone, Team


def meeting_cells(course: Course, ledger: Ledger, milestones: list[Milestone],
                  teams: list[Team], now: datetime) -> list[Cell]:
    cells = []
    for t in teams:
        for m in milestones:
            deadline = course.deadline_for(t, m)
            cell = Cell(t.slug, m.id, "pending", deadline,
                        extended=course.due_for(t, m) != m.due)
            entry = ledger.get(t.slug, m.id)
            if entry is not None:
                cell.status, cell.findings = entry.status, entry.findings
                cell.late_by_seconds, cell.issue = entry.late_by_seconds, entry.issue
            elif deadline <= now:
                # Not recorded in this ledger (`meetings sync` keeps its own in a sharded
                # workflow): say so rather than call the team missing.
                cell.note = "no sign-off recorded in this ledger; run `classroom-ops meetings sync`"
            cells.append(cell)
    return cells
