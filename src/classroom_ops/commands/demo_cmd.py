"""`classroom-ops demo`: rehearse a whole semester on a local sandbox."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..output import Reporter


@click.command()
@click.option("-o", "--output", "out", default="demo-output", show_default=True,
              type=click.Path(file_okay=False), help="Where the results go (emptied first).")
@click.option("--teams", default=12, show_default=True, type=int,
              help="How many of the example course's teams take part.")
@click.option("--keep-running", is_flag=True,
              help="Keep the sandbox up afterwards, to explore it with PyGithub, git or curl.")
@click.option("--formation", is_flag=True,
              help="Play the team-registration period instead: a small course whose students "
                   "register their teams in the course hub.")
def demo(out: str, teams: int, keep_running: bool, formation: bool) -> int:
    """Provision the example course on a local sandbox and play its semester."""
    from ..demo.formation import FormationDemo
    from ..demo.runner import Demo, prepare_output
    from ..sandbox import Sandbox

    say = Reporter().line
    started = time.monotonic()
    out_dir = Path(out).resolve()
    prepare_output(out_dir)
    # The rehearsal provisions a dozen teams and plays a semester in seconds of real time: GitHub's
    # content-creation limit (80 a minute) would stall it for minutes, so it is off here.
    sandbox = Sandbox(state_dir=out_dir / "sandbox-state" if keep_running else None,
                      content_limit=False)
    sandbox.start()
    try:
        say(f"sandbox: a local GitHub at {sandbox.api_url} (no network, no account)")
        if formation:
            summary = FormationDemo(out_dir, say).run(sandbox)
            say("")
            say(f"{len(summary['repos'])} confirmed teams provisioned, "
                f"{len(summary['missing'])} student(s) in no team; API requests: "
                f"{summary['requests']}, {time.monotonic() - started:.0f} s")
            say(f"results in {out_dir}: formation-summary.json, reports/, logs/")
            if keep_running:
                say(f"sandbox still running at {sandbox.api_url}; admin token "
                    f"{sandbox.admin_token}; Ctrl-C to stop")
                while True:
                    time.sleep(3600)
            return 0
        result = Demo(out_dir, teams, say).run(sandbox)
        st = result.statuses
        say("")
        say(f"{result.teams} teams, {result.pushes} pushes with git, "
            f"{sum(st.values())} submissions judged: " +
            ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(st.items())))
        say(f"issues opened: {result.issues_opened}, closed after late fixes: "
            f"{result.issues_closed}")
        say(f"API requests: {result.requests} ({result.writes} writes), "
            f"{time.monotonic() - started:.0f} s")
        say(f"results in {out_dir}: dashboard.html, archive/, ledger.json, reports/, logs/")
        if keep_running:
            say(f"sandbox still running at {sandbox.api_url}; admin token {sandbox.admin_token}"
                "; Ctrl-C to stop")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0
