"""`classroom-ops grades`: the ledger as a gradebook file. Reads the course file and the
ledger(s) only: no token, no GitHub request."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from ..checks.ledger import Ledger
from ..config import load_course
from ..errors import UsageError
from ..fileio import write_atomic
from ..formation.provisioning import registered_from_ledger
from ..grades import build_rows, ledger_warnings
from ..grades.formats import FORMATS, canvas_warnings, render
from ..output import Reporter
from ..session import config_path
from ..timeline import DeadlineError, resolve, zone

DEFAULT_LEDGER = ".classroom-ops/ledger.json"


def load_ledgers(paths: list[Path], org: str) -> Ledger:
    """One ledger from several (the shards of a sharded check); every file must exist."""
    merged = Ledger(paths[0])
    for p in paths:
        if not p.exists():
            raise UsageError(f"{p}: no ledger there; run `classroom-ops check` first, or pass "
                             "--ledger with the ledger's path (repeat it for shard ledgers)")
        one = Ledger.load(p)
        if one.org and one.org.lower() != org.lower():
            raise UsageError(f"{p}: this ledger is for organization '{one.org}', the course "
                             f"file for '{org}'; pass the ledger of this course")
        for slug, entries in one.teams.items():
            for mid, entry in entries.items():
                merged.put(slug, mid, entry)
        merged.registered.update(one.registered)
    return merged


@click.command()
@click.option("-o", "--output", "out_path", required=True, type=click.Path(dir_okay=False),
              help="The file to write (replaced atomically).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv: login,name,id,team and per milestone state, late_hours, commit (and "
                   "score); canvas, moodle: their gradebook imports; markdown: for people.")
@click.option("--milestone", "milestone_ids", multiple=True, metavar="ID",
              help="Only this milestone; repeat for several [default: all].")
@click.option("--ledger", "ledger_paths", multiple=True, type=click.Path(dir_okay=False),
              help=f"The instructors' record; repeat to merge shard ledgers "
                   f"[default: {DEFAULT_LEDGER}].")
@click.option("--at", "at_text", metavar="TIME",
              help="Judgments not recorded yet count as pending before this moment and "
                   "unchecked after it [default: now].")
@click.option("--server-url", default=None, metavar="URL",
              help="Where commit links in the Markdown form point [default: $GITHUB_SERVER_URL, "
                   "else https://github.com].")
@click.pass_context
def grades(ctx, out_path, fmt, milestone_ids, ledger_paths, at_text, server_url) -> int:
    """Write grades from the ledger: one row per student; no GitHub request."""
    course = load_course(config_path(ctx))
    known = [m.id for m in course.milestones]
    unknown = [m for m in milestone_ids if m not in known]
    if unknown:
        raise UsageError(f"unknown milestone {', '.join(unknown)}; milestones are: "
                         f"{', '.join(known)}")
    milestones = [m for m in course.milestones if not milestone_ids or m.id in milestone_ids]
    paths = [Path(p) for p in ledger_paths] or [Path(DEFAULT_LEDGER)]
    ledger = load_ledgers(paths, course.org)
    now = datetime.now(UTC)
    if at_text:
        try:
            now = resolve(at_text, tz=zone(course.timezone), start=course.start)
        except DeadlineError as e:
            raise UsageError(f"--at: {e}") from None
    # formation: the hub's registered teams as the last `check` recorded them (no request here)
    course = registered_from_ledger(course, ledger)
    rows = build_rows(course, ledger, milestones, now)
    url = server_url or os.environ.get("GITHUB_SERVER_URL") or "https://github.com"
    write_atomic(out_path, render(fmt, course, rows, milestones, url))
    out = Reporter()
    for w in ledger_warnings(course, ledger):
        out.line(f"warning: {w}")
    for w in canvas_warnings(rows) if fmt == "canvas" else ():
        out.line(f"warning: {w}")
    unchecked = sorted({(r.team.slug, mid) for r in rows for mid, g in r.grades.items()
                        if g.state == "unchecked"})
    if unchecked:
        out.line(f"warning: {len(unchecked)} team x milestone past the deadline but not in the "
                 f"ledger (first: {unchecked[0][0]} {unchecked[0][1]}); run `classroom-ops "
                 "check`, then grades again; they have no score")
    teams = len({r.team.slug for r in rows})
    out.line(f"wrote {out_path}: {len(rows)} students in {teams} teams, {len(milestones)} "
             f"milestones, {fmt}; no GitHub request")
    return 0
