"""Check results for machines: the JSON report (the terminal table and the Markdown summary are
the status grid's own, dashboard.markdown, over dashboard.model.from_cells); and `--local`'s
lines, Markdown and JSON. Pure: values in, text out."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from ..model import Course, Finding, Milestone
from ..rules import neutralize
from .org import Cell


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
