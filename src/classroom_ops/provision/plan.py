"""What provisioning must change: desired state (from the course) minus observed state (from
GitHub). Pure functions, so the plan is printed, tested and applied from the same values.

Order of steps per team matters for crash safety: repository, its files, the team (created with
its permission on the repository), members, staff access. A rerun finds the first missing step
from cheap list reads: a team that exists implies its repository's files were written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Course, Team

PERMISSION_RANK = {"pull": 0, "triage": 1, "push": 2, "maintain": 3, "admin": 4}


@dataclass(frozen=True)
class Step:
    kind: str  # create_repo, write_files, create_team, add_member, remove_member, set_permission,
    #            staff_access, create_staff_team, add_staff_member
    team: str  # team slug, or "" for course-wide steps
    detail: str = ""

    def describe(self) -> str:
        words = {
            "create_repo": "create repository",
            "write_files": "write starter files",
            "create_team": "create team",
            "add_member": "add member",
            "remove_member": "remove member",
            "set_permission": "set team permission",
            "staff_access": "give staff access",
            "create_staff_team": "create staff team",
            "add_staff_member": "add staff member",
        }[self.kind]
        return f"{words} {self.detail}".strip()


@dataclass
class Observed:
    """What GitHub has now, as far as the plan needs to know."""

    repos: set[str] = field(default_factory=set)  # repository names in the org
    teams: set[str] = field(default_factory=set)  # team slugs in the org
    staff_members: set[str] = field(default_factory=set)
    staff_repos: dict[str, str] = field(default_factory=dict)  # full name -> permission
    # per team slug, only where repo and team exist: login -> effective role on the repo
    access: dict[str, dict[str, str]] = field(default_factory=dict)
    # per team slug, only where asked for (access looked wrong): members of the team
    team_members: dict[str, set[str]] = field(default_factory=dict)
    team_permission: dict[str, str] = field(default_factory=dict)
    rendered: dict[str, bool] = field(default_factory=dict)  # repo exists, team missing
    ignore: set[str] = field(default_factory=set)  # owners, the token's user: never removed
    me: str = ""  # the token's user: removed from student teams (GitHub adds a team's creator)


@dataclass
class Plan:
    steps: list[Step]
    notes: list[str] = field(default_factory=list)  # drift we saw but leave alone

    def for_team(self, slug: str) -> list[Step]:
        return [s for s in self.steps if s.team == slug]

    @property
    def course_steps(self) -> list[Step]:
        return [s for s in self.steps if not s.team]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.steps:
            out[s.kind] = out.get(s.kind, 0) + 1
        return out


def needs_details(course: Course, obs: Observed, team: Team) -> bool:
    """Whether a team's access looks wrong, so its membership must be read to plan a fix."""
    if team.slug not in obs.access:
        return False
    access = obs.access[team.slug]
    want = PERMISSION_RANK[course.permission]
    for login in team.members:
        role = access.get(login) or access.get(_ci(access, login) or "")
        if role is None or PERMISSION_RANK.get(role, -1) < want:
            return True
    return bool(_extras(course, obs, team))


def _ci(d: dict, login: str) -> str | None:
    low = login.lower()
    return next((k for k in d if k.lower() == low), None)


def _extras(course: Course, obs: Observed, team: Team) -> list[str]:
    known = {m.lower() for m in team.members} | {s.lower() for s in course.staff_members}
    known |= {i.lower() for i in obs.ignore}
    # Admins of a repository are the organization's owners (or were made so on purpose):
    # provisioning never gives anyone admin, so it leaves them alone.
    return sorted(x for x, role in obs.access.get(team.slug, {}).items()
                  if x.lower() not in known and role != "admin")


def make_plan(course: Course, obs: Observed, teams: list[Team] | None = None) -> Plan:
    steps: list[Step] = []
    notes: list[str] = []
    staff = course.staff_team_slug
    if course.staff_members:
        if staff not in obs.teams:
            steps.append(Step("create_staff_team", "", course.staff_team))
        for login in course.staff_members:
            if login.lower() not in {m.lower() for m in obs.staff_members}:
                steps.append(Step("add_staff_member", "", login))
    for team in teams if teams is not None else course.teams:
        repo = course.repo_for(team)
        full = f"{course.org}/{repo}"
        new_repo = repo not in obs.repos
        if new_repo:
            steps.append(Step("create_repo", team.slug, full))
        if new_repo or (team.slug not in obs.teams and not obs.rendered.get(team.slug, False)):
            steps.append(Step("write_files", team.slug, full))
        if team.slug not in obs.teams:
            steps.append(Step("create_team", team.slug, f"{team.name} ({course.permission})"))
            for login in team.members:
                steps.append(Step("add_member", team.slug, login))
        elif team.slug in obs.team_members:
            have = {m.lower(): m for m in obs.team_members[team.slug]}
            want = {m.lower() for m in team.members}
            for login in team.members:
                if login.lower() not in have:
                    steps.append(Step("add_member", team.slug, login))
            # Owners may have joined a team on purpose; the token's user only as its creator.
            ignore = {i.lower() for i in obs.ignore} - {obs.me.lower()}
            for low, login in sorted(have.items()):
                if low not in want and low not in ignore:
                    steps.append(Step("remove_member", team.slug, login))
            perm = obs.team_permission.get(team.slug)
            if perm != course.permission:
                steps.append(Step("set_permission", team.slug, f"{course.permission} on {full}"))
            members_lower = {m.lower() for m in obs.team_members[team.slug]}
            for extra in _extras(course, obs, team):
                if extra.lower() not in members_lower:
                    notes.append(f"{team.slug}: {extra} can reach {full} outside the team "
                                 "(a direct collaborator?); left alone")
        if course.staff_members and \
                obs.staff_repos.get(full) not in ("maintain", "admin"):
            steps.append(Step("staff_access", team.slug, f"maintain on {full}"))
    return Plan(steps, notes)
