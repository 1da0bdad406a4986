"""`classroom-ops meetings sync` (booking issues, commands, sign-offs) and `classroom-ops
signoff` (a sign-off from the command line)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from ..checks.ledger import Ledger
from ..config import load_course
from ..errors import EXIT_PROBLEMS, UsageError
from ..fileio import write_atomic
from ..formation.provisioning import registered
from ..meetings import text
from ..meetings.sync import MeetingSync, booking_issue_of, record_signoff
from ..output import Reporter
from ..preflight import require_owner
from ..rules.text import plain
from ..session import Settings, config_path, connect, known_teams
from ..timeline import format_deadline, zone

DEFAULT_LEDGER = ".classroom-ops/ledger.json"


def _meeting_milestones(course, milestone: str | None):
    meetings = [m for m in course.milestones if m.signed_off]
    if milestone:
        if milestone not in {m.id for m in meetings}:
            raise UsageError(f"{milestone!r} is not a meeting or presentation milestone; those "
                             f"are: {', '.join(m.id for m in meetings) or 'none'}")
        meetings = [m for m in meetings if m.id == milestone]
    return meetings


@click.group()
def meetings() -> None:
    """Milestones that are meetings or presentations: booking and sign-off."""


@meetings.command("sync")
@click.option("--milestone", help="Only this meeting milestone (its id).")
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False),
              default=DEFAULT_LEDGER, show_default=True, help="The instructors' record.")
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False),
              help="Write a calendar (.ics) of the booked slots.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.option("--dry-run", is_flag=True, help="Read and decide, write nothing (no issue, no "
              "answer, no ledger).")
@click.pass_context
def sync(ctx, milestone, ledger_path, ics_path, json_path, dry_run) -> int:
    """Open booking issues, apply /book, /cancel and staff's /met, record sign-offs."""
    settings = ctx.find_object(Settings)
    course = load_course(config_path(ctx))
    chosen = _meeting_milestones(course, milestone)
    gh = connect(settings)
    require_owner(gh, course.org, "meetings sync opens and answers issues, which")
    course = registered(gh, course)  # formation: the teams students registered in the hub
    now = gh.get_server_time()
    out = Reporter()
    runner = MeetingSync(gh, course, Ledger.load(ledger_path), now=now, milestones=chosen,
                         teams=list(course.teams), dry_run=dry_run,
                         log=out.line if settings.verbose else lambda s: None)
    results = runner.run()
    tz = zone(course.timezone)
    for r in results:
        slot = f", slot {r.slot}" if r.slot else ""
        issue = f" (issue #{r.issue})" if r.issue else ""
        note = f": {plain(r.note)}" if r.note else ""
        out.line(f"{r.team} {r.milestone}: {r.status.replace('_', ' ')}{slot}{issue}{note}")
    if not chosen:
        out.line("the course has no meeting or presentation milestones; nothing to do")
    if ics_path:
        names = {t.slug: t.name for t in course.teams}
        write_atomic(ics_path, text.calendar(course.name, course.term, runner.boards, names, now))
        out.line(f"calendar: {ics_path}")
    if json_path:
        write_atomic(json_path, json.dumps({"at": now.isoformat(), "dry_run": dry_run,
                                            "meetings": [asdict(r) for r in results]},
                                           indent=2) + "\n")
    st = gh.stats
    out.line(f"as of {format_deadline(now, tz)}: {st.reads} reads, {st.writes} writes; "
             f"ledger {ledger_path}")
    return EXIT_PROBLEMS if any(r.status == "error" for r in results) else 0


@click.command()
@click.option("--team", required=True, metavar="SLUG", help="The team (its slug).")
@click.option("--milestone", required=True, help="The meeting or presentation milestone.")
@click.option("--note", default="", help="A note kept with the sign-off (and shown to the team).")
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False),
              default=DEFAULT_LEDGER, show_default=True, help="The instructors' record.")
@click.option("--dry-run", is_flag=True, help="Say what would be recorded; write nothing.")
@click.pass_context
def signoff(ctx, team, milestone, note, ledger_path, dry_run) -> int:
    """Record that staff met the team (or saw its presentation), now by GitHub's clock."""
    settings = ctx.find_object(Settings)
    course = load_course(config_path(ctx))
    [m] = _meeting_milestones(course, milestone)
    [t] = known_teams(course, (team,))
    gh = connect(settings)
    me = require_owner(gh, course.org, "a sign-off")
    now = gh.get_server_time()
    ledger = Ledger.load(ledger_path)
    out = Reporter()
    old = ledger.get(t.slug, m.id)
    if old is not None and old.status in ("on_time", "late"):
        out.line(f"{t.slug} {m.id}: already signed off ({old.status.replace('_', ' ')}); "
                 "nothing changes")
        return 0
    note = plain(note)
    issue = booking_issue_of(ledger, t.slug, m.id)
    if dry_run:
        late = now > course.deadline_for(t, m)
        out.line(f"{t.slug} {m.id}: would be signed off {'late' if late else 'on time'} "
                 f"({format_deadline(now, zone(course.timezone))}); nothing written")
        return 0
    record_signoff(ledger, course, t, m, now, me or "staff", note, issue, "command line")
    ledger.save()
    entry = ledger.get(t.slug, m.id)
    out.line(f"{t.slug} {m.id}: signed off, {entry.status.replace('_', ' ')}; ledger "
             f"{ledger_path}" + (f"; `meetings sync` updates issue #{issue}" if issue else ""))
    return 0
