"""`classroom-ops teams`: team formation in the course hub (sync, status, match)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..ci_env import Actions
from ..config import load_course
from ..errors import NotFound, UsageError
from ..fileio import write_atomic
from ..formation.judgment import judge
from ..formation.settings import STUDENTS_TEAM, Settings
from ..formation.standing import CONFIRMED, PENDING, PROBLEM, Standing
from ..output import Reporter
from ..rules.text import plain
from ..session import Settings as CliSettings
from ..session import config_path, connect


@click.group()
def teams() -> None:
    """Team formation: students register teams in the course hub (docs/team-formation.md)."""


def _settings(ctx, gh, settings_file: str | None) -> Settings:
    """The hub's settings file (in the hub's workflow), else the course file plus the students
    who have joined the org (e-mail invitees have a login only once they accept)."""
    if settings_file:
        try:
            text = Path(settings_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"cannot read {settings_file}: {e}") from None
        return Settings.from_json(text, settings_file)
    course = load_course(config_path(ctx))
    if course.formation is None:
        return Settings.from_course(course)  # raises the explanation
    try:
        joined = tuple(sorted(gh.list_team_members(course.org, STUDENTS_TEAM)))
    except NotFound:
        joined = ()  # not provisioned yet
    return Settings.from_course(course, extra_students=joined)


def standing_json(st: Standing) -> dict:
    return {
        "teams": [{"name": r.name, "slug": r.slug, "members": list(r.members), "state": r.state,
                   "issue": r.number, "interests": r.interests,
                   "interests_other": r.form.other, "waiting": r.waiting,
                   "approved_by": r.approved_by, "staff_made": r.staff_made}
                  for r in st.teams()],
        "unteamed": list(st.unteamed),
        "closed": st.closed,
        # after registration closes: the team-formation milestone's judgment, per student
        "missing": [f.message.split(" ", 1)[0] for f in judge(st, None)],
    }


def read_hub_or_explain(gh, settings: Settings):
    from ..formation.sync import read_hub

    try:
        return read_hub(gh, settings)
    except NotFound:
        raise UsageError(f"no course hub {settings.full_name} (or this token cannot see it): "
                         "`classroom-ops provision` creates it") from None


def read(gh, settings: Settings, me: str | None):
    """The hub's standing, or one clear message when the hub is not there (yet)."""
    from ..formation.sync import standing_of

    return standing_of(gh, settings, read_hub_or_explain(gh, settings), me)


settings_option = click.option(
    "--settings", "settings_file", type=click.Path(dir_okay=False), metavar="FILE",
    help="The hub's formation settings (what the hub's workflow passes) instead of the course "
         "file.")


@teams.command()
@settings_option
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.pass_context
def sync(ctx, settings_file, dry_run) -> int:
    """Answer every registration in the hub and set its label; safe to run at any time."""
    from ..formation.sync import sync as run_sync

    cli = ctx.find_object(CliSettings)
    out = Reporter()
    gh = connect(cli)
    Actions().mask(cli.token())
    settings = _settings(ctx, gh, settings_file)
    me = gh.get_login()
    hub = read_hub_or_explain(gh, settings)
    st, changes = run_sync(gh, settings, me=me, dry_run=dry_run, log=out.line, hub=hub)
    _summary(out, st)
    out.line(f"{len(changes)} registration{'s' if len(changes) != 1 else ''} "
             f"{'would change' if dry_run else 'changed'}; {gh.stats.reads} reads, "
             f"{gh.stats.writes} writes" + ("; dry run: nothing written" if dry_run else ""))
    return 0


@teams.command()
@settings_option
@click.option("--json", "json_path", type=click.Path(dir_okay=False),
              help="Write the teams and the students in no team as JSON.")
@click.pass_context
def status(ctx, settings_file, json_path) -> int:
    """List confirmed and pending teams and the students in no team; writes nothing."""

    cli = ctx.find_object(CliSettings)
    out = Reporter()
    gh = connect(cli)
    settings = _settings(ctx, gh, settings_file)
    st = read(gh, settings, gh.get_login())
    for r in st.teams():
        extra = f" (waiting for {', '.join(r.waiting)})" if r.state == PENDING and r.waiting \
            else ""
        out.line(f"#{r.number:<4} {r.state:9} {r.slug or '-':24} {', '.join(r.members)}{extra}")
        if r.state == PROBLEM:
            for p in r.problems:  # may quote a student's team name: printable text only
                out.line(f"      - {plain(p, 300)}")
    _summary(out, st)
    if st.unteamed or st.unjoined:
        n = len(st.unjoined)
        out.line("in no team: " + ", ".join(st.unteamed + (
            [f"{n} student{'s' if n != 1 else ''} invited by e-mail who "
             f"{'have' if n != 1 else 'has'} not joined yet"] if n else [])))
    findings = judge(st, None)
    if findings:
        out.line(f"registration has closed: {len(findings)} student"
                 f"{'s' if len(findings) != 1 else ''} in no confirmed team: "
                 + ", ".join(f.message.split(" ", 1)[0] for f in findings))
        for f in findings:
            out.line(f"  - {f.message} ({f.found})")
    if json_path:
        write_atomic(json_path, json.dumps(standing_json(st), indent=2, ensure_ascii=False)
                     + "\n")
        out.line(f"wrote {json_path}")
    return 0


def _summary(out: Reporter, st: Standing) -> None:
    n = {s: len(st.teams(s)) for s in (CONFIRMED, PENDING, PROBLEM)}
    out.line(f"{n[CONFIRMED]} confirmed, {n[PENDING]} pending, {n[PROBLEM]} with a problem; "
             f"{len(st.unteamed) + len(st.unjoined)} of {len(st.students) + len(st.unjoined)} "
             "students in no team"
             + ("; registration is closed" if st.closed else ""))


@teams.command()
@click.option("--apply", is_flag=True, help="Register the proposed teams as staff-made teams "
              "and tell the students in the hub.")
@click.option("--dry-run", is_flag=True, help="With --apply: say what would be written.")
@click.pass_context
def match(ctx, apply, dry_run) -> int:
    """Propose teams of the course's size for the students in no team, by shared interests."""
    from ..formation.match import propose

    cli = ctx.find_object(CliSettings)
    out = Reporter()
    gh = connect(cli)
    settings = _settings(ctx, gh, None)
    me = gh.get_login()
    st = read(gh, settings, me)
    proposals = propose(st, settings)
    if not proposals:
        out.line("every student is in a team (confirmed, pending or with a problem to fix): "
                 "nothing to match")
        return 0
    for p in proposals:
        out.line(f"{p.name}: {', '.join(p.members)} ({p.why})")
    if not apply or dry_run:
        out.line(f"{len(proposals)} team{'s' if len(proposals) != 1 else ''} proposed; "
                 + ("dry run: nothing written" if apply else "rerun with --apply to register "
                    "them"))
        return 0
    if me is not None and not settings.is_staff(me):
        raise UsageError(f"{me} is not in the course's staff.members, so teams registered by "
                         "this token would count as a student's: run it as staff")
    from ..formation.placing import place

    place(gh, settings, st, proposals, log=out.line, me=me)
    from ..formation.sync import sync as run_sync

    run_sync(gh, settings, me=me, log=out.line)
    out.line(f"{len(proposals)} staff-made team{'s' if len(proposals) != 1 else ''} "
             f"registered; {gh.stats.writes} writes")
    return 0
