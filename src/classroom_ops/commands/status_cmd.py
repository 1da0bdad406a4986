"""`classroom-ops status`: every team on every milestone, as a table, a dashboard page, JSON and
Markdown. Reads the ledger and the organization; writes nothing to GitHub."""

from __future__ import annotations

from pathlib import Path

import click

from ..checks.judgment import load_ledgers
from ..ci_env import Actions
from ..config import load_course
from ..dashboard import build_status, to_json
from ..dashboard.html import render
from ..dashboard.markdown import markdown, table, totals_line
from ..dashboard.people import not_joined, people_lines
from ..fileio import write_atomic
from ..formation.provisioning import registered
from ..meetings.sync import ledger_calendar
from ..output import Reporter, json_report
from ..session import Settings, config_path, connect

DEFAULT_LEDGER = ".classroom-ops/ledger.json"


@click.command()
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write the dashboard: one self-contained HTML page.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.option("--markdown", "md_path", type=click.Path(dir_okay=False),
              help="Write a Markdown report (what the Action puts in the job summary).")
@click.option("--ledger", "ledger_paths", multiple=True, type=click.Path(dir_okay=False),
              help=f"The instructors' record; repeat to merge shard ledgers "
                   f"[default: {DEFAULT_LEDGER}].")
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False),
              help="Write the calendar (.ics) of the booked meeting and presentation slots, "
                   "from the ledgers (the meetings ledger among them).")
@click.pass_context
def status(ctx, html_path, json_path, md_path, ledger_paths, ics_path) -> int:
    """Show where every team stands on every milestone; writes nothing to GitHub."""
    actions = Actions()
    settings = ctx.find_object(Settings)
    course = load_course(config_path(ctx))
    gh = connect(settings)
    course = registered(gh, course)  # formation: the teams students registered in the hub
    paths = [Path(p) for p in ledger_paths] or [Path(DEFAULT_LEDGER)]
    judgments = load_ledgers(paths, course, required=bool(ledger_paths))
    out = Reporter()
    actions.mask(settings.token())
    now = gh.get_server_time()
    st = build_status(gh, course, judgments, now, warnings=judgments.warnings,
                      ledgers=[str(p) for p in paths],
                      log=out.line if settings.verbose else lambda s: None)

    st.not_joined = not_joined(gh, course)
    for line in table(st):
        out.line(line)
    out.line(totals_line(st))
    if st.formation:  # the team-formation milestone: no column, one line per student
        out.line(f"{st.formation}: judged per student from the course hub, not per team"
                 + (f"; {len(st.no_team)} in no confirmed team:" if st.no_team else ""))
    for f in st.no_team:
        out.line(f"{st.formation}: {f.message} ({f.found})")
    if st.not_joined:
        out.line(f"not joined yet ({len(st.not_joined)}):")
        for line in people_lines(st.not_joined):
            out.line(f"  {line}")
    for w in st.warnings:
        out.line(f"warning: {w}")

    md = markdown(st)
    if actions.active:
        default_json, default_md = actions.report_paths("classroom-ops-status")
        json_path, md_path = json_path or default_json, md_path or default_md
        html_path = html_path or actions.temp / "classroom-ops-status.html"
    if json_path:
        write_atomic(json_path, json_report(to_json(st)))
        actions.output("report", json_path)
    if md_path:
        write_atomic(md_path, md)
        actions.output("summary", md_path)
    if ics_path:
        cal = ledger_calendar(course, judgments, now)  # bookings from every ledger's events
        write_atomic(ics_path, cal)
        out.line(f"calendar: {ics_path} ({cal.count('BEGIN:VEVENT')} booked slots)")
    if html_path:
        write_atomic(html_path, render(st))
        actions.output("dashboard", html_path)
        out.line(f"dashboard: {html_path}")
    actions.summary(md)
    s = gh.stats
    out.line(f"{s.reads} reads, {s.writes} writes")
    return 0

