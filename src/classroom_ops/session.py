"""What every command receives from the command line: the settings, the course file's path and a
connected GitHub client.

The CLI builds `Settings` once per run and click hands it down; commands read it from here, so no
command imports the CLI (the CLI imports the commands, never the other way round).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import click

from .adapter import GitHub
from .errors import UsageError
from .model import Course, Milestone, Team
from .output import secret, track


@dataclass
class Settings:
    config: str
    api_url: str
    verbose: int
    debug: bool
    cache_dir: str | None = None

    def token(self) -> str:
        # Stripped: a token pasted into a secret often keeps its newline, which no header may
        # hold (and an error quoting the header would then print the token).
        tok = secret(os.environ.get("GITHUB_TOKEN") or "") or secret(
            os.environ.get("GH_TOKEN") or "")
        if not tok:
            raise UsageError("no token: set GITHUB_TOKEN (or GH_TOKEN) to a token that can "
                             "administer the course's organization")
        return tok


def default_settings() -> Settings:
    api = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    return Settings(config="classroom.yml", api_url=api.rstrip("/"), verbose=0, debug=False)


def settings_of(ctx: click.Context) -> Settings:
    return ctx.find_object(Settings)


def config_path(ctx: click.Context) -> Path:
    return Path(settings_of(ctx).config)


def is_local_api(api_url: str) -> bool:
    return (urlparse(api_url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def connect(settings: Settings, write_delay: float | None = None) -> GitHub:
    if write_delay is None:
        # GitHub asks for a pause between writes; a local sandbox needs none.
        write_delay = 0.0 if is_local_api(settings.api_url) else 1.0
    return track(GitHub(settings.api_url, settings.token(), write_delay=write_delay,
                        cache_dir=settings.cache_dir))


# -- what the options choose (said once, so every command refuses a typo the same way) ---------
def chosen_milestones(course: Course, milestone: str | None) -> list[Milestone]:
    """`--milestone ID` (every milestone when None); an unknown id is a usage error."""
    if milestone is None:
        return list(course.milestones)
    if milestone not in {m.id for m in course.milestones}:
        raise UsageError(f"unknown milestone {milestone!r}; milestones are: "
                         f"{', '.join(m.id for m in course.milestones)}")
    return [m for m in course.milestones if m.id == milestone]


def known_teams(course: Course, slugs) -> list[Team]:
    """`--team SLUG`... (every team when none); an unknown slug is a usage error."""
    unknown = [t for t in slugs if t not in {x.slug for x in course.teams}]
    if unknown:
        raise UsageError(f"unknown team {', '.join(unknown)}; teams are: "
                         f"{', '.join(t.slug for t in course.teams) or 'none yet'}")
    return [t for t in course.teams if not slugs or t.slug in slugs]
