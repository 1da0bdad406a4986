"""What provisioning must change: desired state (from the course) minus observed state (from
GitHub). Pure functions, so the plan is printed, tested and applied from the same values.

Order of steps per team matters for crash safety: repository, its files, the team (created with
its permission on the repository), members, staff access. A rerun finds the first missing step
from cheap list reads: a team that exists implies its repository's files were written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ghdata import Invitation, RepoInfo, TeamInfo
from ..model import Course, Team

PERMISSION_RANK = {"pull": 0, "triage": 1, "push": 2, "maintain": 3, "admin": 4}
BASE_ROLE = {"read": "pull", "write": "push", "admin": "admin"}  # org base permission -> role


@dataclass(frozen=True)
class Step:
    kind: str  # create_repo, write_files, create_team, add_member, remove_member, set_permission,
    #            staff_access, create_staff_team, add_staff_member, set_base_permission,
    #            update_rules
    team: str  # the course's team slug, or "" for course-wide steps
    detail: str = ""
    why: str = ""  # shown after the step in the plan

    def describe(self) -> str:
        why = f" ({self.why})" if self.why else ""
        if self.kind == "add_member" and self.why.startswith("invitation"):
            return f"invite again {self.detail}{why}"
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
            "set_base_permission": "set the organization's base permission to",
            "update_rules": "update",
        }[self.kind]
        return f"{words} {self.detail}".strip() + why


@dataclass
class Observed:
    """What GitHub has now, as far as the plan needs to know."""

    repos: dict[str, RepoInfo] = field(default_factory=dict)  # repositories in the org by name
    teams: dict[str, TeamInfo] = field(default_factory=dict)  # teams in the org by GitHub slug
    # course team slug -> GitHub's slug of its team (found by name, carrying provisioning's mark)
    gh_slug: dict[str, str] = field(default_factory=dict)
    staff_slug: str = ""  # GitHub's slug of the staff team, "" when it does not exist
    refused: list[str] = field(default_factory=list)  # teams/repositories that are not ours
    base_permission: str | None = None  # the org's default repository permission, if readable
    pending: dict[str, Invitation] = field(default_factory=dict)  # login (lower) -> invitation
    failed: dict[str, Invitation] = field(default_factory=dict)  # login (lower) -> failure
    empty: set[str] = field(default_factory=set)  # course team slugs whose repo has no commit
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
    # rules files (.github/classroom.yml): per team slug, the bytes it should hold and the blob
    # SHA it holds ("" when it is missing), only where they differ; and the rules digest of
    # those found current (recorded, so the next rerun reads nothing: rules_files.py)
    rules_update: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    rules_ok: dict[str, str] = field(default_factory=dict)


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
        if role is None and login.lower() in obs.pending:
            continue  # invited, not joined yet: nothing to do until they accept
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
    # provisioning never gives anyone admin, so it leaves them alone. Under an open base
    # permission every org member reaches every repository at that level: not a stray grant
    # (the plan deals with the base permission itself).
    base = PERMISSION_RANK.get(BASE_ROLE.get(obs.base_permission or "", ""), -1)
    return sorted(x for x, role in obs.access.get(team.slug, {}).items()
                  if x.lower() not in known and role != "admin"
                  and PERMISSION_RANK.get(role, -1) > base)


def make_plan(course: Course, obs: Observed, teams: list[Team] | None = None) -> Plan:
    steps: list[Step] = []
    notes: list[str] = []
    teams = list(teams if teams is not None else course.teams)
    if course.private_between_teams and obs.base_permission in ("read", "write", "admin"):
        steps.append(Step("set_base_permission", "", "none",
                          f"it is '{obs.base_permission}': every student who joined could "
                          f"{'read' if obs.base_permission == 'read' else 'change'} every "
                          "team's repository; repos.private_between_teams: false keeps it"))
    elif obs.base_permission is None and course.private_between_teams:
        notes.append("could not read the organization's base permission (the token needs "
                     "organization administration): make sure it is 'none' so that teams "
                     "cannot read each other's repositories")
    if course.staff_members:
        if not obs.staff_slug:
            steps.append(Step("create_staff_team", "", course.staff_team))
        for login in course.staff_members:
            if login.lower() in {m.lower() for m in obs.staff_members}:
                continue
            if login.lower() in obs.pending and obs.staff_slug:
                continue  # invited to the staff team, not joined yet
            steps.append(Step("add_staff_member", "", login, _again(obs, login)))
    waiting = 0
    for team in teams:
        repo = course.repo_for(team)
        full = f"{course.org}/{repo}"
        new_repo = repo not in obs.repos
        has_team = team.slug in obs.gh_slug
        if new_repo:
            steps.append(Step("create_repo", team.slug, full))
        if new_repo or (not has_team and not obs.rendered.get(team.slug, False)):
            steps.append(Step("write_files", team.slug, full,
                              "empty repository" if team.slug in obs.empty else ""))
        if not has_team:
            steps.append(Step("create_team", team.slug, f"{team.name} ({course.permission})"))
            for login in team.members:
                if login.lower() in obs.pending:
                    waiting += 1
                steps.append(Step("add_member", team.slug, login, _again(obs, login)))
        elif team.slug in obs.team_members:
            have = {m.lower(): m for m in obs.team_members[team.slug]}
            want = {m.lower() for m in team.members}
            for login in team.members:
                if login.lower() in have:
                    continue
                if login.lower() in obs.pending:
                    waiting += 1
                    continue
                steps.append(Step("add_member", team.slug, login, _again(obs, login)))
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
        else:
            access = {k.lower() for k in obs.access.get(team.slug, {})}
            waiting += sum(1 for m in team.members
                           if m.lower() not in access and m.lower() in obs.pending)
        if course.staff_members and \
                obs.staff_repos.get(full) not in ("maintain", "admin"):
            steps.append(Step("staff_access", team.slug, f"maintain on {full}"))
        if team.slug in obs.rules_update:
            steps.append(Step("update_rules", team.slug, ".github/classroom.yml",
                              "the course's milestones, deadlines or rules changed"))
    if waiting:
        notes.append(f"{waiting} student{'s' if waiting != 1 else ''} invited and not joined "
                     "yet (they join on accepting; `classroom-ops status` lists them)")
    return Plan(steps, notes)


def _again(obs: Observed, login: str) -> str:
    inv = obs.failed.get(login.lower())
    if inv is None:
        return ""
    when = f" on {inv.failed_at:%Y-%m-%d}" if inv.failed_at else ""
    # GitHub's reason is a sentence or two ("Invitation expired. User did not accept ..."):
    # the first says enough in a plan line.
    reason = (inv.failed_reason or "failed").split(".")[0].strip().lower() or "failed"
    if not reason.startswith("invitation"):
        reason = f"invitation {reason}"
    return f"{reason}{when}"
