"""`classroom-ops provision`: create and reconcile every team's repository and team."""

from __future__ import annotations

import sys

import click

from ..config import load_course
from ..errors import EXIT_PROBLEMS, UsageError
from ..output import Reporter
from ..provision import prepare
from ..session import Settings, config_path, connect, known_teams


@click.command()
@click.option("--dry-run", is_flag=True, help="Print the plan and stop; write nothing.")
@click.option("--team", "teams", multiple=True, metavar="SLUG",
              help="Only these teams (repeatable).")
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--write-delay", type=float, default=None, metavar="SECONDS",
              help="Pause between writes [default: 1.0 against GitHub, 0 against a local "
                   "sandbox].")
@click.pass_context
def provision(ctx, dry_run: bool, teams: tuple[str, ...], yes: bool,
              write_delay: float | None) -> int:
    """Create every team's repository, team and access; rerun to reconcile roster changes."""
    settings = ctx.find_object(Settings)
    path = config_path(ctx)
    course = load_course(path)
    if course.formation is None:
        known_teams(course, teams)
    out = Reporter()
    gh = connect(settings, write_delay)
    hub_steps: list[str] = []
    hub_notes: list[str] = []
    early: list[str] = []  # what the hub's reading says, printed under the plan's header
    if course.formation is not None:  # team formation: the hub, then the registered teams
        from ..formation.provisioning import (
            hub_plan,
            refuse_unknown_students,
            with_registered_teams,
        )

        refuse_unknown_students(gh, course)
        course = with_registered_teams(gh, course, early.append)
        hub_steps, hub_notes = hub_plan(gh, course)
        known_teams(course, teams)  # registered teams count once registration has closed
    run = prepare(gh, course, path.parent, list(teams) or None)
    plan = run.plan

    out.line(f"plan for {course.org} ({len(run.teams)} teams):")
    for line in early:
        out.line(line)
    for step in hub_steps:
        out.line(f"  hub: {step}")
    for note in hub_notes:
        out.line(f"  note: {note}")
    for step in plan.course_steps:
        out.line(f"  course: {step.describe()}")
    changed = 0
    for team in run.teams:
        steps = plan.for_team(team.slug)
        if steps:
            changed += 1
            out.line(f"  {team.slug}: " + "; ".join(s.describe() for s in steps))
    for note in plan.notes:
        out.line(f"  note: {note}")
    counts = plan.counts()
    if hub_steps:
        counts["hub"] = len(hub_steps)
    summary = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items()))
    out.line(f"{len(plan.steps) + len(hub_steps)} changes for {changed} teams" + (f" ({summary})" if summary
                                                                  else ""))
    if not plan.steps and not hub_steps:
        out.line("nothing to do: up to date")
        if not dry_run:
            run.remember()
        return 0
    if dry_run:
        out.line("dry run: nothing written")
        return 0
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("not a terminal, so cannot ask for confirmation: pass --yes to "
                             "apply, or --dry-run to only see the plan")
        click.confirm("apply these changes?", abort=True)

    progress = _Progress(out, sum(1 for t in run.teams if plan.for_team(t.slug)))
    try:
        results = run.apply(on_team=progress.team_done)
    finally:
        progress.close()
    if hub_steps:  # after the teams: the staff team exists by now
        from ..formation.hub import setup_hub

        setup_hub(gh, course, log=lambda s: out.line(f"hub: {s}"))
    failed = [r for r in results if r.error]
    invited = sum(len(r.invited) for r in results)
    out.line("")
    out.line(f"{'team':24} {'result':8} changes")
    for r in results:
        out.line(f"{r.slug:24} {'FAILED' if r.error else 'ok':8} {len(r.done)}")
    st = gh.stats
    out.line(f"{len(results) - len(failed)} teams done, {len(failed)} failed; "
             f"{st.reads} reads, {st.writes} writes, {st.retries} retries")
    if invited:
        out.line(f"{invited} student{'s' if invited != 1 else ''} invited to {course.org}: each "
                 "joins their team on accepting GitHub's e-mail invitation (valid 7 days); "
                 "`classroom-ops status` lists who has not, a rerun invites again when one "
                 "expired")
    if failed:
        for r in failed:
            out.line(f"error: {r.slug}: {r.error}")
        out.line("rerun the same command to finish: it only does what is still missing")
        return EXIT_PROBLEMS
    return 0


class _Progress:
    """A progress bar on a terminal; plain lines, one per team, in CI logs and pipes."""

    def __init__(self, out: Reporter, total: int):
        self.out, self.total, self.n = out, total, 0
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("provisioning"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.description}"), transient=True)
            self.task = self.bar.add_task("", total=total)
            self.bar.start()

    def team_done(self, team, result) -> None:
        self.n += 1
        status = f"failed: {result.error}" if result.error else \
            ", ".join(s.describe() for s in result.done)
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=team.slug)
        self.out.line(f"[{self.n}/{self.total}] {team.slug}: {status}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
