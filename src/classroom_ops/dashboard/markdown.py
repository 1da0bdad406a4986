"""The one Markdown renderer of a status grid: what `status` and `check` put in the job summary
(both build a `Status`: dashboard.model.build_status, from_cells). Also the one terminal table.

Team names, milestone titles and findings pass through `neutralize` (they are written by people,
and findings quote students' files); links are built only from GitHub's own URLs.
"""

from __future__ import annotations

from ..rules import neutralize
from .model import LABELS, STATES, Status, StatusCell
from .people import people_lines

SYMBOLS = {"on_time": "✅", "late": "⏰", "missing": "❌", "extension": "➕", "pending": "⏳",
           "not_checked": "❔", "error": "⚠️", "excused": "➖"}


def _link(text: str, url: str) -> str:
    return f"[{text}]({url})" if url.startswith(("https://", "http://")) else text


def cell_text(c: StatusCell) -> str:
    """A cell in a terminal: its label, and "(ext)" when the team has an extension."""
    return c.label + (" (ext)" if c.extended and c.state != "extension" else "")


def table(status: Status) -> list[str]:
    """The terminal grid: one row a team, one column a milestone."""
    head = ["team"] + [m.id for m in status.milestones]
    rows = [head] + [[r.slug] + [cell_text(c) for c in r.cells] for r in status.teams]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def totals_line(status: Status) -> str:
    total = status.counts()
    return ", ".join(f"{LABELS[s]}: {total[s]}" for s in STATES if total[s])


def cell_markdown(c: StatusCell) -> str:
    parts = [f"{SYMBOLS[c.state]} {neutralize(c.label)}"]
    if c.extended and c.state != "extension":
        parts.append("(ext)")
    if c.commit and c.state not in ("pending", "extension"):
        parts.append(_link(c.commit[:7], c.commit_url))
    if c.issue:
        parts.append(_link(f"issue {c.issue}", c.issue_url))
    return " ".join(parts)


def no_team_lines(status: Status) -> list[str]:
    """Team formation's judgment: the students in no confirmed team once registration closed."""
    n = len(status.no_team)
    if not n:
        return []
    return ([f"### {neutralize(status.formation)}: {n} student{'s' if n != 1 else ''} in no "
             "confirmed team", ""]
            + [f"- {neutralize(f.message, 400)} ({neutralize(f.found, 200)})"
               for f in status.no_team])


def markdown(status: Status) -> str:
    course = status.course
    lines = [f"## {neutralize(course.name)} ({neutralize(course.term)}): {status.title}",
             f"As of {status.when(status.at)} (GitHub's clock).", ""]
    lines.append("| team | " + " | ".join(neutralize(m.title) for m in status.milestones) + " |")
    lines.append("|---" * (len(status.milestones) + 1) + "|")
    for row in status.teams:
        lines.append(f"| {_link(neutralize(row.name), row.repo_url)} | "
                     + " | ".join(cell_markdown(c) for c in row.cells) + " |")
    shown = [s for s in STATES if any(m.counts[s] for m in status.milestones)]
    lines += ["", "| milestone | due | " + " | ".join(LABELS[s] for s in shown) + " |",
              "|---|---" + "|---" * len(shown) + "|"]
    for m in status.milestones:
        ext = f" ({m.extended} extended)" if m.extended else ""
        lines.append(f"| {neutralize(m.title)} | {status.when(m.due)}{ext} | "
                     + " | ".join(str(m.counts[s]) for s in shown) + " |")
    lines += ["", totals_line(status), ""]
    missing = [c for c in status.cells if c.state == "missing" and c.findings]
    if missing:
        lines.append("### Missing")
        for c in missing:
            issue = f" ({_link(f'issue {c.issue}', c.issue_url)})" if c.issue else ""
            lines.append(f"- **{neutralize(c.team)}** / {neutralize(c.milestone)}{issue}:")
            lines.extend(f"  - {neutralize(f['message'], 400)}" for f in c.findings)
    if status.no_team:
        lines += ["", *no_team_lines(status)]
    unchecked = [c for c in status.cells if c.state == "not_checked"]
    if unchecked:
        lines += ["", f"{len(unchecked)} deadline(s) passed without a check in the ledger: run "
                  "`classroom-ops check` (or the deadline-check workflow)."]
    if status.not_joined:
        lines += ["", "### Not joined yet"]
        lines.extend(f"- {neutralize(line, 400)}" for line in people_lines(status.not_joined))
    for c in status.cells:
        if c.state == "error" or c.error:
            lines.append(f"- error: {neutralize(c.team)} / {neutralize(c.milestone)}: "
                         f"{neutralize(c.error or c.note, 400)}")
    for n in status.notes:
        lines.append(f"- note: {neutralize(n, 400)}")
    for w in status.warnings:
        lines.append(f"- warning: {neutralize(w, 400)}")
    return "\n".join(lines) + "\n"
