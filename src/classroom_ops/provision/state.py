"""Pre-flight checks and reading GitHub's current state for a plan, in as few requests as
possible: list reads for the whole organization, one read per existing team, and more only for a
team whose access looks wrong or whose setup was interrupted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..adapter import GitHub
from ..errors import GitHubError, NotFound, UsageError
from ..model import Course, Team
from ..preflight import require_owner
from .plan import Observed, needs_details

SETUP_MESSAGE = "classroom-ops: set up the team repository"


@dataclass
class TemplateSource:
    folder: Path | None = None  # a local folder
    repo: str | None = None  # owner/name of a GitHub template repository

    @property
    def label(self) -> str:
        return str(self.folder) if self.folder else f"{self.repo} (GitHub template)"


def template_source(course: Course, course_dir: Path) -> TemplateSource:
    if re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", course.template) and \
            not (course_dir / course.template).is_dir():
        return TemplateSource(repo=course.template)
    return TemplateSource(folder=(course_dir / course.template).resolve())


def preflight(gh: GitHub, course: Course, source: TemplateSource) -> str:
    """Fail early, with one clear message, before any write. Returns the token's login."""
    me = require_owner(gh, course.org, "provisioning creates repositories and teams, which")
    if source.repo:
        try:
            tpl = gh.get_repo(source.repo)
        except NotFound:
            raise UsageError(f"template repository {source.repo} does not exist or the token "
                             "cannot see it (repos.template)") from None
        if not tpl.is_template:
            raise UsageError(f"{source.repo} is not a template repository; tick 'Template "
                             "repository' in its settings (or PATCH is_template: true)")
    elif not source.folder or not source.folder.is_dir():
        raise UsageError(f"template folder {source.folder} does not exist (repos.template)")
    return me


def observe(gh: GitHub, course: Course, teams: list[Team], me: str) -> Observed:
    org = course.org
    obs = Observed()
    obs.repos = set(gh.org_repos(org))
    obs.teams = set(gh.teams(org))
    obs.ignore = {me} if me else set()
    obs.me = me
    owners_read = False
    for team in teams:
        repo = course.repo_for(team)
        full = f"{org}/{repo}"
        if repo in obs.repos and team.slug in obs.teams:
            obs.access[team.slug] = gh.collaborators(full)
            if needs_details(course, obs, team):
                if not owners_read:  # owners are never removed from a team; read them once
                    obs.ignore |= gh.org_owners(org)
                    owners_read = True
                obs.team_members[team.slug] = gh.team_members(org, team.slug)
                obs.team_permission[team.slug] = gh.team_repos(org, team.slug).get(full, "")
        elif repo in obs.repos:
            obs.rendered[team.slug] = was_set_up(gh, full)
        elif team.slug in obs.teams:  # a new repository for a team that exists (renamed?)
            obs.team_members[team.slug] = gh.team_members(org, team.slug)
            obs.team_permission[team.slug] = ""
    staff = course.staff_team_slug
    if course.staff_members and staff in obs.teams:
        if staff_reaches_every_repo(course, obs):
            # Who can reach each repository already shows every staff member with maintain:
            # no need to read the staff team itself.
            obs.staff_members = set(course.staff_members)
            obs.staff_repos = {f"{org}/{course.repo_for(t)}": "maintain" for t in teams
                               if t.slug in obs.access}
        else:
            obs.staff_members = gh.team_members(org, staff)
            obs.staff_repos = gh.team_repos(org, staff)
    return obs


def staff_reaches_every_repo(course: Course, obs: Observed) -> bool:
    """True when every team repository read shows every staff member with maintain or more,
    and at least one of them with exactly maintain (owners are admins everywhere, so staff who
    are all owners prove nothing about the staff team): no evidence, no shortcut."""
    if not obs.access:
        return False
    for access in obs.access.values():
        roles = {k.lower(): v for k, v in access.items()}
        staff = [roles.get(s.lower()) for s in course.staff_members]
        if any(r not in ("maintain", "admin") for r in staff) or "maintain" not in staff:
            return False
    return True


def needs_starter_files(commit: dict) -> bool:
    """Only a repository that still holds nothing but its first commit (GitHub's initial commit,
    or the copy of a template) gets the starter files: once anything was committed on top, the
    files were written, or students work there, and nothing may be written over their work."""
    return not commit.get("parents") and not commit.get("message", "").startswith(SETUP_MESSAGE)


def was_set_up(gh: GitHub, full: str) -> bool:
    """Whether the team's files need no writing (see needs_starter_files)."""
    try:
        info = gh.get_repo(full)
        sha = gh.get_branch_sha(full, info.default_branch)
        return not needs_starter_files(gh.get_commit(full, sha))
    except GitHubError:
        return False
