"""Commands on the course file alone: validate, init (and its scaffold), schema. No token, no network."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import click

from ..config import load_course
from ..config.schema import schema
from ..errors import UsageError
from ..fileio import write_atomic
from ..model import Course, Deliverable
from ..output import Reporter
from ..session import config_path
from ..starter import render_starter
from ..starter.scaffold import copy_starter_repo, scaffold
from ..syllabus import read_syllabus
from ..timeline import zone


def describe(d: Deliverable) -> str:
    rules = []
    if d.sections:
        rules.append(f"{len(d.sections)} sections")
    if d.min_words is not None:
        rules.append(f">= {d.min_words} words")
    if d.max_words is not None:
        rules.append(f"<= {d.max_words} words")
    if d.min_pages is not None:
        rules.append(f">= {d.min_pages} pages")
    if d.max_pages is not None:
        rules.append(f"<= {d.max_pages} pages before References")
    if d.max_size is not None:
        rules.append(f"<= {d.max_size / 1e6:g} MB")
    return d.label + (f" ({', '.join(rules)})" if rules else "")


def timeline_lines(course: Course) -> list[str]:
    tz = zone(course.timezone)
    rows = [("milestone", f"due ({course.timezone})", "due (UTC)", "deliverables")]
    for m in course.milestones:
        local = m.due.astimezone(tz)
        utc = m.due.astimezone(UTC)
        rows.append((
            m.id,
            f"{local:%a %d %b %Y %H:%M} {local.tzname()}",
            f"{utc:%Y-%m-%d %H:%M}Z",
            "; ".join(describe(d) for d in m.deliverables) or "-",
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return ["  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
            for r in rows]


@click.command()
@click.pass_context
def validate(ctx: click.Context) -> int:
    """Check the course file and print the resolved timeline."""
    course = load_course(config_path(ctx))
    out, err = Reporter(), Reporter(err=True)
    for w in course.warnings:
        err.line(str(w))
    tz = zone(course.timezone)
    out.line(f"{course.name} ({course.term}): org {course.org}, {len(course.teams)} teams, "
             f"{sum(len(t.members) for t in course.teams)} students, "
             f"{len(course.milestones)} milestones")
    for line in timeline_lines(course):
        out.line("  " + line)
    grace = int(course.grace.total_seconds() // 60)
    out.line(f"grace: {grace} min after each deadline")
    for e in course.extensions:
        out.line(f"extension: {e.team} / {e.milestone} until "
                 f"{e.until.astimezone(tz):%a %d %b %Y %H:%M %Z}")
    out.line(f"{course.source}: valid")
    return 0


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--from-syllabus", "syllabus", type=click.Path(dir_okay=False),
              help="A course page in Markdown whose timeline table becomes the milestones.")
@click.option("-o", "--output", metavar="FILE",
              help="Write only the course file (and templates/repo/ beside it if missing).")
@click.option("--force", is_flag=True, help="Write into a folder that is not empty, or over FILE.")
def init(directory: str | None, syllabus: str | None, output: str | None, force: bool) -> int:
    """Scaffold an instructors' repository in DIRECTORY: classroom.yml, roster.csv,
    templates/repo/, the workflows, and a README for the course staff."""
    if directory and output:
        raise UsageError("give either a folder (init DIR, the whole repository) or -o FILE "
                         "(the course file alone), not both")
    if not directory and not output:
        raise UsageError("say where: `classroom-ops init DIR` writes an instructors' repository "
                         "(course file, roster, starter template, workflows); "
                         "`classroom-ops init -o classroom.yml` writes the course file alone")
    plan = None
    if syllabus:
        try:
            text = Path(syllabus).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"{syllabus}: cannot read the course page: {e}") from None
        plan = read_syllabus(text, syllabus)
    out = Reporter()
    if directory:
        target = Path(directory)
        written = scaffold(target, plan, force=force)
        config = target / "classroom.yml"
        out.line(f"wrote {directory}: {', '.join(written)}")
    else:
        config = Path(output)
        if config.exists() and not force:
            raise UsageError(f"{output} already exists; pass --force to overwrite it or -o NEWFILE")
        write_atomic(config, render_starter(plan))
        out.line(f"wrote {output}")
        template = config.parent / "templates" / "repo"
        if not template.exists():
            copy_starter_repo(template)
            out.line(f"wrote {template}/: the team starter repository (repos.template)")
    if plan:
        out.line(f"{len(plan.milestones)} milestones from {syllabus}")
    out.line("TODO: settle course.term, course.org, course.timezone and course.start in "
             f"{config}; validate refuses the file until then")
    for todo in plan.todos if plan else []:
        out.line(f"TODO: {todo}")
    if directory:
        out.line(f"TODO: add the teams to {target / 'roster.csv'} (team,github_username)")
    out.line("next:")
    out.line(f"  classroom-ops validate -c {config}")
    out.line(f"  classroom-ops provision -c {config} --dry-run")
    return 0


@click.command("schema")
def schema_cmd() -> int:
    """Print the course file's JSON Schema (for editors)."""
    click.echo(json.dumps(schema(), indent=2))
    return 0
