"""The command line: thin commands over the course model and the GitHub adapter.

One error boundary (`main`) turns every `ClassroomOpsError` into its message and exit code, and
anything unexpected into a one-line internal error; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_PROBLEMS, EXIT_USAGE, ClassroomOpsError, UsageError
from .output import Reporter, redact

EPILOG = """\b
Examples:
  classroom-ops init --from-syllabus final-project-page.md course/
  classroom-ops validate -c course/classroom.yml
  classroom-ops sandbox --port 8765 --config classroom.yml

\b
The token comes from GITHUB_TOKEN or GH_TOKEN, never from a flag.
Exit codes: 0 success, 1 problems found or items failed, 2 usage or configuration error.
"""


@dataclass
class Settings:
    config: str
    api_url: str
    verbose: int
    debug: bool
    cache_dir: str | None = None

    def token(self) -> str:
        tok = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
        if not tok:
            raise UsageError("no token: set GITHUB_TOKEN (or GH_TOKEN) to a token that can "
                             "administer the course's organization")
        return tok


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


def _default_settings() -> Settings:
    api = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    return Settings(config="classroom.yml", api_url=api.rstrip("/"), verbose=0, debug=False)


class _Group(click.Group):
    def make_context(self, info_name, args, parent=None, **extra):
        extra.setdefault("obj", _default_settings())
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
    from .commands import teams_cmd  # team formation: sync, status, match

    for cmd in teams_cmd.teams.commands.values():
        common_options(cmd)
    cli.add_command(teams_cmd.teams)


_register()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    rep = Reporter(err=True)
    try:
        code = cli.main(args=args, prog_name="classroom-ops", standalone_mode=False)
    except click.exceptions.Abort:
        rep.line("aborted; nothing more was done")
        code = 130
    except click.exceptions.Exit as e:
        code = e.exit_code
    except click.ClickException as e:
        e.show()
        code = EXIT_USAGE if isinstance(e, click.UsageError) else e.exit_code
    except ClassroomOpsError as e:
        if debug:
            raise
        for line in e.lines():
            rep.line(line)
        code = e.exit_code
    except KeyboardInterrupt:
        rep.line("interrupted; rerun the same command to finish (it is safe to run twice)")
        code = 130
    except Exception as e:  # the boundary: never a traceback unless asked
        if debug:
            raise
        rep.line(f"internal error: {type(e).__name__}: {redact(str(e))}")
        rep.line("this is a bug in classroom-ops; rerun with --debug for the traceback and "
                 "report it")
        code = EXIT_PROBLEMS
    sys.exit(code if isinstance(code, int) else 0)


def config_path(ctx: click.Context) -> Path:
    return Path(ctx.find_object(Settings).config)
