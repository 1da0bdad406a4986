"""Pre-flight checks and reading GitHub's current state for a plan, in as few requests as
possible: list reads for the whole organization, one read per existing team, and more only for a
team whose access looks wrong, whose setup was interrupted, or whose students are new.

Names come from GitHub: a course team is the organization's team with the same name (GitHub
compares names without case) and its slug is the one GitHub gave it. A team or repository is
adopted only when it carries the marks provisioning leaves, which only organization owners and
team maintainers can write (the description); anything else with the name is refused by the plan.
"""

from __future__ import annotations

from ..adapter import GitHubAPI
from ..errors import GitHubError, NotFound, UsageError
from ..model import Course, Team
from ..names import slugify
from ..preflight import require_owner
from .plan import Observed, needs_details
from .render import RULES_PATH, TemplateSource, kept_starter, rules_with_starter
from .rules_files import RulesRecord, rules_digest

SETUP_MESSAGE = "classroom-ops: set up the team repository"
OPEN_BASE = ("read", "write", "admin")  # base permissions that let members read every repo


def mark(course: Course, team: Team) -> str:
    """The description provisioning gives a team's repository and GitHub team: its mark."""
    return f"{course.name}: {team.name}"


def preflight(gh: GitHubAPI, course: Course, source: TemplateSource) -> str:
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


def _match_teams(course: Course, teams: list[Team], obs: Observed) -> None:
    by_name = {t.name.lower(): t for t in obs.teams.values()}
    staff = by_name.get(course.staff_team.lower())
    obs.staff_slug = staff.slug if staff else ""
    for team in teams:
        found = by_name.get(team.name.lower())
        if found is not None:
            if found.description == mark(course, team) and found.slug != obs.staff_slug:
                obs.gh_slug[team.slug] = found.slug
            else:
                obs.refused.append(
                    f"{team.slug}: the organization already has a team '{found.name}' that "
                    f"classroom-ops did not make for this course (its description is not "
                    f"'{mark(course, team)}'); rename the team in the course file, or rename or "
                    "delete that team on GitHub")
            continue
        guess = slugify(team.name)
        other = obs.teams.get(guess)
        if other is not None:
            obs.refused.append(
                f"{team.slug}: a new team '{team.name}' would collide with the existing team "
                f"'{other.name}' (slug '{guess}'); rename the team in the course file")


def _match_repos(course: Course, teams: list[Team], obs: Observed) -> None:
    for team in teams:
        repo = course.repo_for(team)
        info = obs.repos.get(repo)
        if info is not None and info.description != mark(course, team):
            obs.refused.append(
                f"{team.slug}: repository {course.org}/{repo} exists and classroom-ops did not "
                f"make it for this team (its description is not '{mark(course, team)}'); "
                "choose another name pattern (repos.name), or rename or delete that "
                "repository on GitHub")


def _rules_files(gh: GitHubAPI, course: Course, teams: list[Team], obs: Observed,
                 record: RulesRecord | None) -> None:
    """Which set-up repositories' rules files differ from the course: read only where the
    record does not already say the file is current (see rules_files.py)."""
    for team in teams:
        repo = course.repo_for(team)
        if repo not in obs.repos or team.slug not in obs.gh_slug or obs.repos[repo].archived:
            continue  # not set up yet (write_files writes it), or read-only at end of term
        full = f"{course.org}/{repo}"
        digest = rules_digest(course, team)
        if record is not None and record.current(full, digest):
            continue
        found = gh.get_file(full, RULES_PATH)
        current, sha = found if found else (None, "")
        want = rules_with_starter(course, team, kept_starter(current))
        if want == current:
            obs.rules_ok[team.slug] = digest
        else:
            obs.rules_update[team.slug] = (want, sha)


def observe(gh: GitHubAPI, course: Course, teams: list[Team], me: str,
            record: RulesRecord | None = None) -> Observed:
    org = course.org
    obs = Observed()
    obs.me = me
    obs.ignore = {me} if me else set()
    settings = gh.get_org_settings(org)
    obs.base_permission = settings.get("default_repository_permission")
    obs.repos = gh.list_org_repos(org)
    obs.teams = gh.list_teams(org)
    _match_teams(course, teams, obs)
    _match_repos(course, teams, obs)
    if obs.refused:
        return obs
    owners_read = False
    for team in teams:
        repo = course.repo_for(team)
        full = f"{org}/{repo}"
        slug = obs.gh_slug.get(team.slug)
        if repo in obs.repos and slug:
            obs.access[team.slug] = gh.list_collaborators(full)
        elif repo in obs.repos:
            state = setup_state(gh, full)
            obs.rendered[team.slug] = state == "set up"
            if state == "empty":
                obs.empty.add(team.slug)
        elif slug:  # a new repository for a team that exists (renamed?)
            obs.team_members[team.slug] = gh.list_team_members(org, slug)
            obs.team_permission[team.slug] = ""
    _rules_files(gh, course, teams, obs, record)
    _people(gh, course, teams, obs)
    for team in teams:
        slug = obs.gh_slug.get(team.slug)
        full = f"{org}/{course.repo_for(team)}"
        if team.slug in obs.access and needs_details(course, obs, team):
            if not owners_read:  # owners are never removed from a team; read them once
                obs.ignore |= gh.list_org_owners(org)
                owners_read = True
            obs.team_members[team.slug] = gh.list_team_members(org, slug)
            obs.team_permission[team.slug] = gh.list_team_repos(org, slug).get(full, "")
    if course.staff_members and obs.staff_slug:
        if staff_reaches_every_repo(course, obs):
            # Who can reach each repository already shows every staff member with maintain:
            # no need to read the staff team itself.
            obs.staff_members = set(course.staff_members)
            obs.staff_repos = {f"{org}/{course.repo_for(t)}": "maintain" for t in teams
                               if t.slug in obs.access}
        else:
            obs.staff_members = gh.list_team_members(org, obs.staff_slug)
            obs.staff_repos = gh.list_team_repos(org, obs.staff_slug)
            _check_staff(gh, course, obs, owners_read)
    return obs


def _check_staff(gh: GitHubAPI, course: Course, obs: Observed, owners_read: bool) -> None:
    """The staff team gets maintain on every team repository: anyone in it who is not course
    staff (say, a member who created a team called 'staff' before provisioning) would reach
    every team's work. Refused, never adopted silently."""
    known = {m.lower() for m in course.staff_members} | {obs.me.lower()}
    extra = [m for m in obs.staff_members if m.lower() not in known]
    if extra and not owners_read:
        obs.ignore |= gh.list_org_owners(course.org)
    extra = sorted(m for m in extra if m.lower() not in {i.lower() for i in obs.ignore})
    if extra:
        obs.refused.append(
            f"the staff team '{course.staff_team}' has members the course file does not list "
            f"as staff: {', '.join(extra)}; it would give them maintain on every team "
            "repository: add them to staff.members, or remove them from the team on GitHub")


def _people(gh: GitHubAPI, course: Course, teams: list[Team], obs: Observed) -> None:
    """Who has joined, who is invited, whose invitation failed, and which logins GitHub does not
    know. Lists of the whole organization, read only when someone is missing somewhere; then
    one `GET /users/{login}` per login still unaccounted for."""
    seen = {login.lower() for access in obs.access.values() for login in access}
    wanted = {m for t in teams for m in t.members} | set(course.staff_members)
    missing = sorted(m for m in wanted if m.lower() not in seen)
    if not missing:
        return
    obs.pending = {i.login.lower(): i for i in gh.list_org_invitations(course.org)}
    missing = [m for m in missing if m.lower() not in obs.pending]
    if not missing:
        return
    obs.failed = {}
    for inv in gh.list_failed_invitations(course.org):  # the newest failure of each login
        old = obs.failed.get(inv.login.lower())
        if old is None or (inv.failed_at and old.failed_at and inv.failed_at > old.failed_at):
            obs.failed[inv.login.lower()] = inv
    members = {m.lower() for m in gh.list_org_members(course.org)}
    unknown = [m for m in missing if m.lower() not in members and m.lower() not in obs.failed
               and not gh.get_user_exists(m)]
    refuse_unknown(course, unknown)


def refuse_unknown(course: Course, unknown: list[str]) -> None:
    """Stop the run, before anything is written, on logins GitHub does not know: one line per
    login with where it is written (course file, team roster or class roster)."""
    if unknown:
        lines = [f"{course.origins.get(m.lower(), course.source)}: GitHub has no user "
                 f"'{m}'" for m in unknown]
        raise UsageError("\n".join(lines) + f"\n{len(unknown)} unknown login"
                         f"{'s' if len(unknown) != 1 else ''}: fix the course file or roster "
                         "(a typo? a renamed account?) and rerun; nothing was written")


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


def setup_state(gh: GitHubAPI, full: str) -> str:
    """'set up' (the team's files need no writing, see needs_starter_files), 'empty' (no commit
    at all: filled at once) or 'initial' (only its first commit)."""
    try:
        info = gh.get_repo(full)
        sha = gh.get_branch_sha(full, info.default_branch)
    except GitHubError as e:
        if isinstance(e, NotFound) or e.status == 409:  # GitHub: "Git Repository is empty."
            return "empty"
        return "initial"
    try:
        return "initial" if needs_starter_files(gh.get_commit(full, sha)) else "set up"
    except GitHubError:
        return "initial"


def was_set_up(gh: GitHubAPI, full: str) -> bool:
    return setup_state(gh, full) == "set up"
