"""`classroom-ops remind`: before a deadline, tell the teams that would miss something what is
missing, once per team and deadline; safe to run at any time."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from ..checks.org import in_shard, parse_shard
from ..checks.starter import load_starters
from ..ci_env import Actions
from ..config import load_course
from ..errors import EXIT_PROBLEMS, UsageError
from ..fileio import write_atomic
from ..formation.provisioning import registered
from ..output import Reporter
from ..preflight import require_owner
from ..reminders import Remind
from ..session import Settings, chosen_milestones, config_path, connect, known_teams
from ..timeline import DeadlineError, format_deadline, parse_duration, resolve, zone

DEFAULT_LEDGER = ".classroom-ops/ledger.json"
WORDS = {"ready": "ready", "reminded": "reminded", "already": "reminded before",
         "closed": "ready now; reminder closed", "would-remind": "would be reminded",
         "would-close": "ready now; reminder would be closed",
         "expired": "deadline passed; reminder closed",
         "would-expire": "deadline passed; reminder would be closed", "error": "error"}


@click.command()
@click.option("--before", "before_text", default="48h", show_default=True, metavar="DURATION",
              help="Remind about deadlines this close: 48h, 2d, 90m.")
@click.option("--milestone", help="Only this milestone (its id).")
@click.option("--team", "teams", multiple=True, metavar="SLUG", help="Only these teams.")
@click.option("--shard", metavar="K/N", help="Only shard K of N of the teams (as check).")
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False),
              default=DEFAULT_LEDGER, show_default=True,
              help="The instructors' record; reminders sent are recorded there.")
@click.option("--at", "at_text", metavar="TIME",
              help="With --dry-run: preview as of this moment (any deadline form).")
@click.option("--dry-run", is_flag=True, help="Judge and say who would be reminded; write "
              "nothing (no issue, no ledger).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.pass_context
def remind(ctx, before_text, milestone, teams, shard, ledger_path, at_text, dry_run, json_path) -> int:
    """Remind teams, before a deadline, of what they are still missing."""
    from ..checks.ledger import Ledger
    settings = ctx.find_object(Settings)
    course = load_course(config_path(ctx))
    try:
        before = parse_duration(before_text)
    except DeadlineError as e:
        raise UsageError(f"--before: {e}") from None
    if before.total_seconds() <= 0:
        raise UsageError("--before must be longer than 0, like 48h")
    milestones = chosen_milestones(course, milestone)
    sh = parse_shard(shard)
    if at_text and not dry_run:
        raise UsageError("--at only with --dry-run: reminders go out by GitHub's clock")
    actions = Actions()
    gh = connect(settings)
    actions.mask(settings.token())
    require_owner(gh, course.org, "sending reminders reads every team repository and opens "
                                  "issues, which")
    course = registered(gh, course)  # formation: the teams students registered in the hub
    known_teams(course, teams)
    chosen = [t for t in course.teams if (not teams or t.slug in teams) and in_shard(t.slug, sh)]
    now = gh.get_server_time()
    if at_text:
        try:
            now = resolve(at_text, tz=zone(course.timezone), start=course.start)
        except DeadlineError as e:
            raise UsageError(f"--at: {e}") from None
    out = Reporter()
    starters, why = load_starters(course)
    if why:
        out.line(f"warning: {why}; the starter is taken from what provisioning pushed")
    runner = Remind(gh, course, Ledger.load(ledger_path), now=now, before=before, teams=chosen,
                    milestones=milestones, dry_run=dry_run,
                    log=out.line if settings.verbose else lambda s: None, starters=starters)
    results = runner.run()
    tz = zone(course.timezone)
    if not results:
        out.line(f"no deadline within {before_text} of {format_deadline(now, tz)}; "
                 "nothing to do")
    for r in results:
        issue = f" (issue #{r.issue})" if r.issue else ""
        extra = f": {len(r.findings)} missing" if r.findings and r.state != "ready" else ""
        note = f": {r.note}" if r.note else ""
        out.line(f"{r.team} {r.milestone} (due {format_deadline(r.due, tz)}): "
                 f"{WORDS[r.state]}{extra}{issue}{note}")
    st = gh.stats
    sent = sum(r.state == "reminded" for r in results)
    out.line(f"{sent} reminders sent; {st.reads} reads, {st.writes} writes")
    if json_path:
        data = {"at": now.isoformat(), "before": before_text, "dry_run": dry_run,
                "reminders": [{**asdict(r), "due": r.due.isoformat(),
                               "findings": [{"path": f.path, "rule": f.rule,
                                             "message": f.message} for f in r.findings]}
                              for r in results]}
        write_atomic(json_path, json.dumps(data, indent=2) + "\n")
    return EXIT_PROBLEMS if any(r.state == "error" for r in results) else 0
