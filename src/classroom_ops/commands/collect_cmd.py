"""`classroom-ops collect` (final reports into the past-projects archive, and the gallery) and
`classroom-ops archive-repos` (every team repository read-only at the end of term)."""

from __future__ import annotations

from pathlib import Path

import click

from ..archive.collect import collect_term, rebuild_outputs
from ..archive.fetch import Limits, TeamRecord
from ..archive.layout import GALLERY_DIR, RESERVED, UnsafePath, check_term, walk_files
from ..archive.publish import parse_target, publish
from ..checks.judgment import Judgments, ledger_paths, load_ledgers
from ..config import load_course
from ..errors import EXIT_PROBLEMS, ClassroomOpsError, UsageError
from ..formation.provisioning import registered
from ..output import Reporter
from ..rules.text import plain
from ..session import Settings, config_path, connect
from .check_cmd import DEFAULT_LEDGER


def _describe(rec: TeamRecord) -> str:
    if rec.error:
        return f"failed: {rec.error}"
    s = rec.snapshot
    if s is None:
        return "excused: nothing to collect" if rec.excused else "never submitted"
    when = {"on_time": "on time", "late": "late", "missing": "incomplete at the deadline",
            "submitted": "tagged"}.get(s.status, s.status)
    files = ", ".join(plain(p, 80) for p in sorted(rec.files)) or "no files"
    return f"{s.commit[:7]} ({when}, from the {s.source}): {files}"


@click.command()
@click.option("--milestone", help="The milestone whose submission is collected "
              "[default: the course file's archive.milestone].")
@click.option("-o", "--output", "output", required=True, type=click.Path(file_okay=False),
              metavar="ARCHIVE_DIR", help="The archive folder; other terms in it are kept.")
@click.option("--public", is_flag=True,
              help="Gallery of consenting teams only (share_report), names only with "
                   "share_names [the default with --publish]. Without it, the gallery is the "
                   "internal one, named and marked 'internal, not for publication'.")
@click.option("--ledger", "ledger_paths", multiple=True, type=click.Path(),
              help=f"The instructors' record from `check`: a ledger file or a folder of them "
                   f"(every shard's, like records/ledger/); repeat to add more [default: "
                   f"{DEFAULT_LEDGER} if it exists; else the submission tags, which students "
                   "can move].")
@click.option("--dry-run", is_flag=True,
              help="Only with --publish: say what would change on the site; commit nothing "
                   "(ARCHIVE_DIR is still written).")
@click.option("--publish", "publish_to", metavar="OWNER/REPO[:PATH]",
              help="Commit the public gallery into the course website's repository (PATH "
                   "defaults to past-projects); only files an earlier publish wrote are changed "
                   "or removed.")
@click.pass_context
def collect(ctx, milestone, output, public, ledger_paths, dry_run, publish_to) -> int:
    """Collect every team's final report into ARCHIVE_DIR and build the past-projects gallery."""
    settings = ctx.find_object(Settings)
    course = load_course(config_path(ctx))
    if dry_run and not publish_to:
        raise UsageError("--dry-run goes with --publish (it says what would change on the "
                         "site); without --publish, collect writes only ARCHIVE_DIR")
    try:
        check_term(course.term)
    except UnsafePath:
        raise UsageError(f"course.term {course.term!r} cannot name an archive folder: "
                         f"{', '.join(sorted(RESERVED))} are reserved in ARCHIVE_DIR; "
                         "choose another term name") from None
    if publish_to:
        public = True  # a website gets the public gallery, never the internal one
        parse_target(publish_to)
    mid = milestone or course.archive_milestone
    if not mid:
        raise UsageError("no milestone to collect: pass --milestone or set archive.milestone "
                         "in the course file")
    try:
        ms = course.milestone(mid)
    except KeyError:
        raise UsageError(f"unknown milestone {mid!r}; milestones are: "
                         f"{', '.join(m.id for m in course.milestones)}") from None
    if not course.archive_include:
        raise UsageError("the course file's archive.include lists no files to collect")
    out = Reporter()
    gh = connect(settings)
    course = registered(gh, course)  # formation: the teams students registered in the hub
    ledger = _ledgers(ledger_paths, course)
    for w in ledger.warnings if ledger is not None else []:
        out.line(f"warning: {w}")
    from ..archive.layout import Archive

    archive = Archive(output)
    try:
        done = collect_term(gh, course, ms, ledger, archive, Limits(),
                            on_team=lambda r: out.line(f"{r.team.slug}: {_describe(r)}"))
        shared = rebuild_outputs(archive, public, list(course.areas))
    except UnsafePath as e:
        raise ClassroomOpsError(f"{output}: {e}") from None
    for slug in done.kept:
        out.line(f"{slug}: kept the copy collected earlier")
    out.line(f"archive {output}: term {course.term}, {len(done.records)} teams; gallery of "
             f"{shared.listed} projects from {len(shared.terms)} term"
             f"{'s' if len(shared.terms) != 1 else ''} "
             f"({'public' if public else 'INTERNAL, not for publication: every listed project, with names'})")
    if publish_to:
        files = {rel: p.read_bytes() for rel, p in walk_files(Path(output) / GALLERY_DIR)}
        res = publish(gh, publish_to, files, f"Past projects: {course.term} ({course.name})",
                      dry_run=dry_run)
        if dry_run:
            out.line(f"dry run: publishing to {res.repo}:{res.path} would write {res.written} "
                     f"and remove {res.removed} files; nothing committed")
        elif res.commit:
            out.line(f"published to {res.repo}:{res.path} in {res.commit[:7]} "
                     f"({res.written} written, {res.removed} removed)")
        else:
            out.line(f"published: {res.repo}:{res.path} is already up to date")
    troubled = [r for r in done.records if r.error or r.problems or r.project.problems]
    if troubled:
        out.line(f"problems ({len(troubled)} teams):")
        for r in troubled:
            for p in ([r.error] if r.error else []) + r.problems + r.project.problems:
                out.line(f"  {r.team.slug}: {p}")
    st = gh.stats
    out.line(f"{st.reads} reads, {st.writes} writes")
    return EXIT_PROBLEMS if troubled else 0


def _ledgers(given: tuple[str, ...], course) -> Judgments | None:
    """Every judgment of the given ledgers (files and folders of shard ledgers, merged), or
    None: no ledger given and none at the default path, so the submission tags count."""
    if not given:
        if not Path(DEFAULT_LEDGER).is_file():
            return None
        given = (DEFAULT_LEDGER,)
    for g in given:
        if Path(g).is_dir() and not ledger_paths(g):
            raise UsageError(f"--ledger {g}: no ledger (*.json) in this folder; give the folder "
                             "the deadline-check workflow commits (records/ledger/)")
    return load_ledgers(list(given), course)


@click.command(name="archive-repos")
@click.option("--dry-run", is_flag=True, help="Say what would be archived; change nothing.")
@click.pass_context
def archive_repos(ctx, dry_run) -> int:
    """Make every team repository read-only (archived) at the end of term; safe to rerun."""
    settings = ctx.find_object(Settings)
    course = load_course(config_path(ctx))
    out = Reporter()
    gh = connect(settings)
    course = registered(gh, course)  # formation: the teams students registered in the hub
    repos = gh.list_org_repos(course.org)
    counts = {"archived": 0, "already": 0, "missing": 0, "failed": 0}
    for team in course.teams:
        name = course.repo_for(team)
        full = f"{course.org}/{name}"
        repo = repos.get(name)
        if repo is None:
            counts["missing"] += 1
            out.line(f"{full}: not found")
        elif repo.archived:
            counts["already"] += 1
            out.line(f"{full}: already archived")
        elif dry_run:
            counts["archived"] += 1
            out.line(f"{full}: would archive")
        else:
            try:
                gh.update_repo(full, archived=True)
            except ClassroomOpsError as e:
                counts["failed"] += 1
                out.line(f"{full}: failed: {e}")
                continue
            counts["archived"] += 1
            out.line(f"{full}: archived")
    verb = "would archive" if dry_run else "archived"
    out.line(f"{counts['archived']} {verb}, {counts['already']} already archived, "
             f"{counts['missing']} not found, {counts['failed']} failed"
             + ("; dry run: nothing written" if dry_run else ""))
    return EXIT_PROBLEMS if counts["missing"] or counts["failed"] else 0
