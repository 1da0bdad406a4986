"""`classroom-ops check`: deadline checks across the course, or `--local` on one checkout."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from ..checks.lease import JOB_TIMEOUT_MINUTES as lease_minutes
from ..checks.lease import Lease
from ..checks.ledger import Ledger
from ..checks.local import check_local
from ..checks.org import OrgCheck, in_shard, parse_shard
from ..checks.report import local_json, local_lines, local_markdown, to_json
from ..checks.starter import load_starters
from ..ci_env import Actions
from ..config import load_course
from ..dashboard.markdown import markdown, table
from ..dashboard.model import formation_json, from_cells
from ..errors import EXIT_PROBLEMS, UsageError
from ..fileio import write_atomic
from ..formation.provisioning import record_registered, registered
from ..meetings.cells import meeting_cells
from ..output import Reporter, json_report
from ..preflight import require_owner
from ..session import Settings, chosen_milestones, config_path, connect, known_teams
from ..timeline import DeadlineError, resolve, zone

DEFAULT_LEDGER = ".classroom-ops/ledger.json"


def _write_reports(actions: Actions, stem: str, json_path, md_path, data: dict, md: str):
    if actions.active:
        default_json, default_md = actions.report_paths(stem)
        json_path = json_path or default_json
        md_path = md_path or default_md
    if json_path:
        write_atomic(json_path, json_report(data))
        actions.output("report", json_path)
    if md_path:
        write_atomic(md_path, md)
        actions.output("summary", md_path)
    actions.summary(md)


@click.command()
@click.option("--milestone", help="Only this milestone (its id).")
@click.option("--team", "teams", multiple=True, metavar="SLUG", help="Only these teams.")
@click.option("--at", "at_text", metavar="TIME",
              help="Judge as of this moment instead of GitHub's clock (any deadline form).")
@click.option("--no-issues", is_flag=True, help="Open, update and close no issues (tags and "
              "the ledger are still written).")
@click.option("--dry-run", is_flag=True, help="Judge and report only: no tag, no issue, no "
              "ledger update.")
@click.option("--shard", metavar="K/N", help="Check only shard K of N (for a workflow matrix).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.option("--markdown", "md_path", type=click.Path(dir_okay=False),
              help="Write a Markdown report (what the Action puts in the job summary).")
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False),
              default=DEFAULT_LEDGER, show_default=True, help="The instructors' record.")
@click.option("--local", "local_dir", type=click.Path(file_okay=False, exists=True),
              help="Check a checkout of a team repository, with no token and no network.")
@click.option("--fail-on", type=click.Choice(["any", "due", "errors", "never"]), default=None,
              help="What makes the exit code 1. Course check: any (findings or errors, the "
                   "default) or errors (only a check that failed). With --local: any "
                   "(default), due (only milestones already due) or never.")
@click.option("--lease", "lease_repo", metavar="OWNER/REPO",
              help="Take a lease in this repository (the instructors') for the run, so two "
                   "checks of the same teams never run at once.")
@click.option("--break-lease", "break_lease", is_flag=True,
              help="With --lease: first delete the leases of these teams, printing each; only "
                   "when the run that holds one is dead (the Actions tab shows no check "
                   "running), since two checks at once can open two issues per team.")
@click.pass_context
def check(ctx, milestone, teams, at_text, no_issues, dry_run, shard, json_path, md_path,
          ledger_path, local_dir, fail_on, lease_repo, break_lease) -> int:
    """Record and judge what each team had pushed by each deadline; open issues for gaps."""
    actions = Actions()
    if local_dir:
        return _local(Path(local_dir), milestone, json_path, md_path, fail_on or "any", actions,
                      at_text)
    if break_lease and not lease_repo:
        raise UsageError("--break-lease goes with --lease OWNER/REPO (the repository that "
                         "holds the lease)")
    if break_lease and dry_run:
        raise UsageError("--break-lease deletes leases, and a dry run writes nothing: drop "
                         "--dry-run (a dry run takes no lease, so none is in its way)")
    if fail_on not in (None, "any", "errors"):
        raise UsageError(f"--fail-on {fail_on} is for --local; the course check takes any or "
                         "errors")
    settings = ctx.find_object(Settings)
    course = load_course(config_path(ctx))
    milestones = chosen_milestones(course, milestone)
    out = Reporter()
    gh = connect(settings)
    actions.mask(settings.token())
    course = registered(gh, course)  # formation: the teams students registered in the hub
    formation_ms = course.formation.milestone if course.formation else None
    # With formation, the team-formation milestone is judged per student (below), not per team.
    team_milestones = [m for m in milestones if m.id != formation_ms]
    known_teams(course, teams)
    sh = parse_shard(shard)
    chosen = [t for t in course.teams if (not teams or t.slug in teams) and in_shard(t.slug, sh)]
    me = require_owner(gh, course.org, "the deadline check reads every team repository and "
                                       "writes tags and issues, which")
    now = server_now = gh.get_server_time()
    if at_text:
        try:
            now = resolve(at_text, tz=zone(course.timezone), start=course.start)
        except DeadlineError as e:
            raise UsageError(f"--at: {e}") from None
        if now > server_now and not dry_run:
            # Judgments are final: a moment GitHub has not reached yet would judge pushes that
            # can still come. Previewing is fine.
            raise UsageError(f"--at {at_text} is later than GitHub's clock "
                             f"({server_now:%Y-%m-%d %H:%M} UTC); add --dry-run to preview "
                             "a future check without recording it")
    ledger = Ledger.load(ledger_path)
    ledger.require_course(course.org, course.term)
    record_registered(course, ledger)  # for `grades`, which reads no hub
    starters, why = load_starters(course)
    # Meetings and presentations are signed off by staff (`meetings sync`, `signoff`), not
    # judged from files: their cells come from the ledger.
    runner = OrgCheck(gh, course, ledger, now=now,
                      milestones=[m for m in team_milestones if not m.signed_off], teams=chosen,
                      issues=not no_issues, log=out.line if settings.verbose else lambda s: None,
                      dry_run=dry_run, starters=starters, me=me)
    if why:
        runner.warnings.append(f"{why}; the starter is taken from what provisioning pushed")
    lease = None
    if lease_repo and not dry_run:
        lease = Lease(gh, lease_repo, scope=shard or "all", now=server_now)
        if break_lease:
            broken = lease.break_all()
            for line in broken:
                out.line(line)
            if not broken:
                out.line(f"--break-lease: no lease of these teams in {lease_repo}")
        lease.acquire()
    try:
        with actions.group(f"Checking {len(chosen)} teams"):
            cells = runner.run()
    finally:
        if lease is not None and not lease.release():
            out.line(f"warning: the lease {lease.ref} in {lease_repo} could not be given back; "
                     f"it expires within {lease_minutes} minutes")
    cells += meeting_cells(course, ledger, [m for m in team_milestones if m.signed_off], chosen, now)
    order = {m.id: i for i, m in enumerate(team_milestones)}
    cells.sort(key=lambda c: order[c.milestone])  # stable: teams stay in their order
    cells.sort(key=lambda c: [t.slug for t in chosen].index(c.team))
    view = from_cells(course, team_milestones, cells, now, runner.warnings, runner.notes)
    for line in table(view):
        out.line(line)
    for w in runner.warnings:
        out.line(f"warning: {w}")
    for n in runner.notes:
        out.line(f"note: {n}")
    data = to_json(course, cells, now, runner.warnings, runner.notes)
    no_team = []
    if formation_ms in {m.id for m in milestones} and (sh is None or sh[0] == 1):
        from ..formation.provisioning import formation_findings

        no_team = formation_findings(gh, course, now)
        for f in no_team:
            out.line(f"{formation_ms}: {f.message} ({f.found})")
        view.formation, view.no_team = formation_ms, no_team
        data["formation"] = formation_json(view)
    md = markdown(view)
    _write_reports(actions, "classroom-ops-check", json_path, md_path, data, md)
    repo_of = {t.slug: course.repo_for(t) for t in course.teams}
    notes = [(f"{repo_of[c.team]}/{f['path']}", f"{c.team}: {c.milestone}", f.get("line"),
              f["message"]) for c in cells if c.status == "missing" for f in c.findings
             if f["path"]]
    actions.annotate(notes)
    n_findings = sum(len(c.findings) for c in cells if c.status == "missing") + len(no_team)
    n_missing = sum(1 for c in cells if c.status == "missing") + len(no_team)
    errors = [c for c in cells if c.status == "error" or c.error]
    for c in errors:
        out.line(f"error: {c.team} {c.milestone}: {c.error or c.note}")
    actions.output("findings", n_findings)
    actions.output("missing", n_missing)
    actions.output("errors", len(errors))
    st = gh.stats
    out.line(f"{n_missing} missing ({n_findings} findings), {len(errors)} errors; {st.reads} "
             f"reads, {st.writes} writes; ledger {ledger_path}")
    if errors:
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if n_findings and fail_on != "errors" else 0


def _local(folder: Path, milestone, json_path, md_path, fail_on, actions: Actions,
           at_text: str | None) -> int:
    rules, results = check_local(folder, milestone)
    now = datetime.now(UTC)
    if at_text:  # the rules file holds exact moments, so only an exact moment makes sense here
        try:
            now = datetime.fromisoformat(at_text.replace("Z", "+00:00"))
        except ValueError:
            now = None
        if now is None or now.tzinfo is None:
            raise UsageError(f"--at {at_text}: with --local, give an ISO time with its offset, "
                             "like 2026-10-10T12:00:00-04:00")
    out = Reporter()
    for line in local_lines(results, now):
        out.line(line)
    md = local_markdown(rules.team or rules.course, results, now)
    _write_reports(actions, "classroom-ops-local", json_path, md_path,
                   local_json(results, now), md)
    actions.annotate([(f.path, f"{m.title}: {f.rule}", f.line, f.message)
                      for m, fs in results for f in fs if m.due <= now or fail_on == "any"])
    total = sum(len(f) for _, f in results)
    actions.output("findings", total)
    counted = sum(len(f) for m, f in results if fail_on == "any" or
                  (fail_on == "due" and m.due <= now))
    return EXIT_PROBLEMS if counted else 0
