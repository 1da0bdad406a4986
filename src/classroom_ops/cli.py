"""The command line: thin commands over the course model and the GitHub adapter.

One error boundary (`main`) turns every `ClassroomOpsError` into its message and exit code, and
anything unexpected into a one-line internal error; `--debug` adds the traceback (redacted, like
every other line) and keeps the exit code, so a script behaves the same with and without it.
"""

from __future__ import annotations

import sys
import traceback

import click

from . import __version__
from .errors import EXIT_PROBLEMS, EXIT_USAGE, ClassroomOpsError
from .output import Reporter, begin_run, redact, writes_done
from .session import Settings, default_settings

EPILOG = """\b
Examples:
  classroom-ops init --from-syllabus final-project-page.md course/
  classroom-ops validate -c course/classroom.yml
  classroom-ops sandbox --port 8765 --config classroom.yml

\b
The token comes from GITHUB_TOKEN or GH_TOKEN, never from a flag.
Exit codes: 0 success, 1 problems found or items failed, 2 usage or configuration error.
"""


def _set(name: str):
    def callback(ctx: click.Context, _param, value):
        if value is not None and value != 0 and value is not False:
            settings = ctx.find_object(Settings)
            setattr(settings, name, value.rstrip("/") if name == "api_url" else value)
        return value

    return callback


def common_options(f):
    """The global options, accepted before or after the command name (`validate -c FILE`)."""
    opts = [
        click.option("-c", "--config", expose_value=False, callback=_set("config"),
                     help="The course file [default: classroom.yml]."),
        click.option("--api-url", expose_value=False, callback=_set("api_url"),
                     help="GitHub's REST API or a sandbox's [default: $GITHUB_API_URL, else "
                          "https://api.github.com]."),
        click.option("--cache-dir", expose_value=False, callback=_set("cache_dir"),
                     envvar="CLASSROOM_OPS_CACHE", metavar="DIR",
                     help="Keep ETags here between runs: unchanged answers then cost no rate "
                          "limit [env CLASSROOM_OPS_CACHE]."),
        click.option("-v", "--verbose", count=True, expose_value=False, callback=_set("verbose"),
                     help="Say more; repeat for more."),
        click.option("--debug", is_flag=True, expose_value=False, callback=_set("debug"),
                     help="Show tracebacks for unexpected errors."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


class _Group(click.Group):
    def make_context(self, info_name, args, parent=None, **extra):
        extra.setdefault("obj", default_settings())
        return super().make_context(info_name, args, parent=parent, **extra)


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.version_option(__version__, prog_name="classroom-ops")
def cli() -> None:
    """classroom-ops: run team projects on plain GitHub."""


def _register() -> None:
    from .commands import check_cmd, course_cmds, demo_cmd, provision_cmd, sandbox_cmd, status_cmd

    for cmd in (course_cmds.validate, course_cmds.init, course_cmds.schema_cmd,
                provision_cmd.provision, check_cmd.check, status_cmd.status, sandbox_cmd.sandbox,
                demo_cmd.demo):
        cli.add_command(cmd if cmd.name in ("sandbox", "demo") else common_options(cmd))
    from .commands import collect_cmd  # collect and archive-repos

    for cmd in (collect_cmd.collect, collect_cmd.archive_repos):
        cli.add_command(common_options(cmd))
    from .commands import grades_cmd, meetings_cmd, remind_cmd  # issue 16

    for cmd in (grades_cmd.grades, remind_cmd.remind, meetings_cmd.signoff):
        cli.add_command(common_options(cmd))
    common_options(meetings_cmd.sync)
    cli.add_command(common_options(meetings_cmd.meetings))

    from .commands import teams_cmd  # team formation: sync, status, match

    for cmd in teams_cmd.teams.commands.values():
        common_options(cmd)
    cli.add_command(teams_cmd.teams)


_register()


def _interrupted(rep: Reporter) -> int:
    """Ctrl-C: say what had been done, so nobody guesses whether to clean up."""
    n = writes_done()
    if n:
        rep.line(f"interrupted after {n} write{'s' if n != 1 else ''} to GitHub; rerun the "
                 "same command to finish the job (it picks up where this run stopped and is "
                 "safe to run twice)")
    else:
        rep.line("interrupted before anything was written to GitHub; rerun the same command "
                 "when ready")
    return 130


def _traceback(rep: Reporter, e: BaseException) -> None:
    for chunk in traceback.format_exception(e):
        for line in chunk.rstrip("\n").split("\n"):
            rep.line(line)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    rep = Reporter(err=True)
    begin_run()
    try:
        code = cli.main(args=args, prog_name="classroom-ops", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        code = _interrupted(rep)
    except click.exceptions.Exit as e:
        code = e.exit_code
    except click.ClickException as e:
        e.show()
        code = EXIT_USAGE if isinstance(e, click.UsageError) else e.exit_code
    except ClassroomOpsError as e:
        if debug:
            _traceback(rep, e)
        for line in e.lines():
            rep.line(line)
        code = e.exit_code
    except Exception as e:  # the boundary: never a traceback unless asked
        if debug:
            _traceback(rep, e)
        rep.line(f"internal error: {type(e).__name__}: {redact(str(e))}")
        rep.line("this is a bug in classroom-ops; rerun with --debug for the traceback and "
                 "report it")
        code = EXIT_PROBLEMS
    sys.exit(code if isinstance(code, int) else 0)

