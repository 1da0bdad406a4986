"""Grade rows as files gradebooks import: our CSV, Canvas's and Moodle's import shapes, and
Markdown for people. Pure: rows in, text out.

Names, ids and team names come from rosters and students; a spreadsheet runs a cell that starts
with `=`, `+`, `-`, `@` (or a tab or carriage return) as a formula when the file is opened
(OWASP's "CSV injection"), so every text cell that could start so gets a leading apostrophe,
which spreadsheets show as text and do not run. Numbers we write ourselves are left as numbers.
"""

from __future__ import annotations

import csv
import io

from ..model import Course, Milestone
from ..rules import neutralize
from ..rules.text import plain
from . import Grade, StudentRow

FORMATS = ("csv", "canvas", "moodle", "markdown")
# What spreadsheets treat as the start of a formula, and their full-width forms (some
# spreadsheets normalise those before parsing).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
SHORT_SHA = 7


def cell(text: str | None, limit: int = 200) -> str:
    """A text cell that a spreadsheet shows as text: one printable line, never a formula."""
    if not text:
        return ""
    s = plain(str(text), limit)
    if s.startswith(_FORMULA_START):
        s = "'" + s
    return s


def number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def state_text(g: Grade) -> str:
    if g.state == "late":
        return f"late {number(g.late_hours)} h"
    if g.state == "missing":
        n = len(g.findings)
        return f"missing ({n} finding{'s' if n != 1 else ''})" if n else "missing"
    return g.state.replace("_", " ")


def _csv(header: list[str], records: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180, what every gradebook reads
    w.writerow([cell(h) for h in header])
    w.writerows(records)
    return buf.getvalue()


def csv_text(course: Course, rows: list[StudentRow], milestones: list[Milestone]) -> str:
    """`login,name,id,team`, then per milestone state, late_hours, commit (and score)."""
    scored = course.late_policy is not None
    header = ["login", "name", "id", "team"]
    for m in milestones:
        header += [f"{m.id}:state", f"{m.id}:late_hours", f"{m.id}:commit"]
        header += [f"{m.id}:score"] if scored else []
    records = []
    for r in rows:
        rec = [cell(r.student.login), cell(r.student.name), cell(r.student.student_id),
               cell(r.team.name)]
        for m in milestones:
            g = r.grades[m.id]
            rec += [g.state, number(g.late_hours), (g.commit or "")[:SHORT_SHA]]
            rec += [number(g.score)] if scored else []
        records.append(rec)
    return _csv(header, records)


def canvas_text(course: Course, rows: list[StudentRow], milestones: list[Milestone]) -> str:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one
    column per assignment (created by the import when no assignment has that name). Canvas
    finds students by the SIS ids (ID is Canvas's own number, which the roster does not have).
    Scores are out of 100."""
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    header += [m.title for m in milestones]
    records = []
    for r in rows:
        s = r.student
        rec = [cell(s.name or s.login), "", cell(s.student_id), cell(s.email), ""]
        rec += [number(r.grades[m.id].score) for m in milestones]
        records.append(rec)
    return _csv(header, records)


def canvas_warnings(rows: list[StudentRow]) -> list[str]:
    """One warning when students have no SIS id: Canvas matches rows by *SIS User ID* (the
    roster's `id` column) or *SIS Login ID* (its `email` column), and skips the others."""
    lost = [r.student.login or r.student.name for r in rows
            if not r.student.student_id and not r.student.email]
    if not lost:
        return []
    return [f"{len(lost)} of {len(rows)} students have no SIS id (first: {lost[0]}): Canvas "
            "matches students by SIS User ID or SIS Login ID, filled from the roster's `id` "
            "and `email` columns; add those columns to the roster, or Canvas skips these rows"]


def moodle_text(course: Course, rows: list[StudentRow], milestones: list[Milestone]) -> str:
    """Moodle's "Import grades: CSV file": map `ID number` (or `Email address`) to the user
    field of the same name, each milestone column to a grade item, and each `Feedback:` column
    to that item's feedback. Scores are out of 100."""
    header = ["Full name", "ID number", "Email address", "GitHub username", "Team"]
    for m in milestones:
        header += [m.title, f"Feedback: {m.title}"]
    records = []
    for r in rows:
        s = r.student
        rec = [cell(s.name), cell(s.student_id), cell(s.email), cell(s.login), cell(r.team.name)]
        for m in milestones:
            g = r.grades[m.id]
            note = state_text(g) + (f"; commit {g.commit[:SHORT_SHA]}" if g.commit else "")
            rec += [number(g.score), cell(note)]
        records.append(rec)
    return _csv(header, records)


def markdown_text(course: Course, rows: list[StudentRow], milestones: list[Milestone],
                  server_url: str) -> str:
    """For people: the table with each commit that counts linked, then the findings per team."""
    scored = course.late_policy is not None
    lines = [f"# {neutralize(course.name)} ({neutralize(course.term)}): grades", ""]
    lines.append("| login | name | id | team | " + " | ".join(neutralize(m.title)
                                                           for m in milestones) + " |")
    lines.append("|---" * (4 + len(milestones)) + "|")
    for r in rows:
        s = r.student
        cells = [neutralize(s.login), neutralize(s.name), neutralize(s.student_id),
                 neutralize(r.team.name)]
        for m in milestones:
            g = r.grades[m.id]
            text = state_text(g)
            if g.commit:
                url = f"{server_url}/{course.org}/{course.repo_for(r.team)}/commit/{g.commit}"
                text += f" [{g.commit[:SHORT_SHA]}]({url})"
            if scored and g.score is not None:
                text += f", {number(g.score)}%"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    seen = set()
    findings = []
    for r in rows:
        for m in milestones:
            g = r.grades[m.id]
            if g.state == "missing" and g.findings and (r.team.slug, m.id) not in seen:
                seen.add((r.team.slug, m.id))
                findings.append(f"- **{neutralize(r.team.name)}** / {neutralize(m.title)}:")
                findings.extend(f"  - {neutralize(f.get('message', ''), 400)}"
                                for f in g.findings)
    if findings:
        lines += ["", "## Findings", ""] + findings
    if course.late_policy:
        p = course.late_policy
        per = _period(p.per)
        rule = f"{number(p.penalty)}% off per started {per.removeprefix('1 ')} late"
        if p.zero_after is not None:
            rule += f", 0 after {_period(p.zero_after)}"
        lines += ["", f"Late policy: {rule}; missing work scores 0."]
    return "\n".join(lines) + "\n"


def _period(d) -> str:
    secs = int(d.total_seconds())
    for unit, n in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if secs % n == 0:
            k = secs // n
            return f"{k} {unit}{'s' if k != 1 else ''}"
    return f"{secs} seconds"


def render(fmt: str, course: Course, rows: list[StudentRow], milestones: list[Milestone],
           server_url: str = "https://github.com") -> str:
    if fmt == "csv":
        return csv_text(course, rows, milestones)
    if fmt == "canvas":
        return canvas_text(course, rows, milestones)
    if fmt == "moodle":
        return moodle_text(course, rows, milestones)
    return markdown_text(course, rows, milestones, server_url.rstrip("/"))
