"""Check results as people and machines read them: a terminal table, JSON, and Markdown (the
GitHub Actions job summary). Pure: values in, text out."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from ..model import Course, Finding, Milestone
from ..rules import neutralize
from ..timeline import format_deadline, zone
from .issue_text import human_delta
from .org import Cell

LABELS = {"pending": "pending", "on_time": "on time", "late": "late", "missing": "missing",
          "excused": "excused", "error": "error", "ready": "ready", "incomplete": "incomplete"}


def cell_text(c: Cell) -> str:
    if c.status == "late" and c.late_by_seconds is not None:
        from datetime import timedelta

        return f"late {human_delta(timedelta(seconds=c.late_by_seconds))}"
    if c.status == "missing":
        return f"missing ({len(c.findings)})"
    text = LABELS.get(c.status, c.status)
    return text + (" (ext)" if c.extended and c.status == "pending" else "")


def table(course: Course, milestones: list[Milestone], cells: list[Cell]) -> list[str]:
    by = {(c.team, c.milestone): c for c in cells}
    teams = sorted({c.team for c in cells}, key=[t.slug for t in course.teams].index)
    head = ["team"] + [m.id for m in milestones]
    rows = [head] + [[t] + [cell_text(by[(t, m.id)]) for m in milestones] for t in teams]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def counts(cells: list[Cell]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in cells:
        out[c.status] = out.get(c.status, 0) + 1
    return out


def to_json(course: Course, cells: list[Cell], at: datetime, warnings: list[str],
            notes: list[str] = ()) -> dict:
    return {
        "course": course.name, "term": course.term, "org": course.org, "at": at.isoformat(),
        "counts": counts(cells),
        "missing": sum(1 for c in cells if c.status == "missing"),
        "findings": sum(len(c.findings) for c in cells if c.status in ("missing",)),
        "errors": sum(1 for c in cells if c.status == "error" or c.error),
        "warnings": warnings, "notes": list(notes),
        "cells": [{**asdict(c), "deadline": c.deadline.isoformat()} for c in cells],
    }


def markdown(course: Course, milestones: list[Milestone], cells: list[Cell], at: datetime,
             warnings: list[str], notes: list[str] = ()) -> str:
    tz = zone(course.timezone)
    by = {(c.team, c.milestone): c for c in cells}
    teams = sorted({c.team for c in cells}, key=[t.slug for t in course.teams].index)
    lines = [f"## {neutralize(course.name)}: deadline check",
             f"As of {format_deadline(at, tz)} (GitHub's clock).", ""]
    lines.append("| team | " + " | ".join(neutralize(m.title) for m in milestones) + " |")
    lines.append("|---" * (len(milestones) + 1) + "|")
    for t in teams:
        lines.append(f"| {t} | " + " | ".join(cell_text(by[(t, m.id)]) for m in milestones)
                     + " |")
    c = counts(cells)
    lines += ["", ", ".join(f"{LABELS.get(k, k)}: {v}" for k, v in sorted(c.items())), ""]
    missing = [x for x in cells if x.status == "missing"]
    if missing:
        lines.append("### Findings")
        for x in missing:
            issue = f" (issue #{x.issue})" if x.issue else ""
            lines.append(f"- **{x.team}** / {x.milestone}{issue}:")
            lines.extend(f"  - {neutralize(f['message'], 400)}" for f in x.findings)
    errors = [x for x in cells if x.status == "error" or x.error]
    for x in errors:
        lines.append(f"- error: {x.team} / {x.milestone}: {neutralize(x.error or x.note, 400)}")
    for n in notes:
        lines.append(f"- note: {neutralize(n, 400)}")
    for w in warnings:
        lines.append(f"- warning: {neutralize(w, 400)}")
    return "\n".join(lines) + "\n"


# -- local mode ------------------------------------------------------------------------------
def local_lines(results: list[tuple[Milestone, list[Finding]]], now: datetime) -> list[str]:
    out = []
    for m, findings in results:
        state = "ready" if not findings else f"incomplete ({len(findings)})"
        when = "due" if m.due > now else "was due"
        out.append(f"{m.id}: {state}; {when} {m.due_text}")
        out.extend(f"  - {f.message}" for f in findings)
    return out


def local_markdown(title: str, results: list[tuple[Milestone, list[Finding]]],
                   now: datetime) -> str:
    lines = [f"## {neutralize(title) or 'Deliverables'}: progress", "",
             "| milestone | due | state |", "|---|---|---|"]
    for m, findings in results:
        state = "ready" if not findings else f"{len(findings)} to do"
        lines.append(f"| {neutralize(m.title)} | {m.due_text} | {state} |")
    for m, findings in results:
        if findings:
            lines += ["", f"### {neutralize(m.title)}"]
            lines.extend(f"- {neutralize(f.message, 400)}" for f in findings)
    return "\n".join(lines) + "\n"


def local_json(results: list[tuple[Milestone, list[Finding]]], now: datetime) -> dict:
    return {
        "at": now.isoformat(),
        "findings": sum(len(f) for _, f in results),
        "milestones": [
            {"id": m.id, "title": m.title, "due": m.due.isoformat(), "ready": not f,
             "findings": [{"path": x.path, "rule": x.rule, "message": x.message, "line": x.line}
                          for x in f]}
            for m, f in results
        ],
    }
