"""What `provision` does for a course with `formation:` (kept apart from provision/ so the
two evolve separately): set the hub up, and once registration has closed, add the confirmed
teams to the ones the course file lists."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..errors import NotFound
from ..model import Course, Team
from ..timeline import format_deadline, zone
from .hub import setup_hub
from .settings import STUDENTS_TEAM, Settings
from .standing import CONFIRMED
from .sync import read_hub, standing_of


def refuse_unknown_students(gh, course: Course) -> None:
    """The class roster's logins GitHub does not know stop provisioning before anything is
    written, as the team roster's do (provision/state.py). Students already in the students
    team, invited or in the organization cost nothing; one `GET /users/{login}` per other."""
    from ..provision.state import refuse_unknown

    f = course.formation
    assert f is not None
    logins = [s.login for s in f.roster if s.login]
    try:
        known = {m.lower() for m in gh.list_team_members(course.org, STUDENTS_TEAM)}
    except NotFound:
        known = set()
    left = [x for x in logins if x.lower() not in known]
    if left:
        known |= {i.login.lower() for i in gh.list_org_invitations(course.org) if i.login}
        left = [x for x in left if x.lower() not in known]
    if left:
        known |= {m.lower() for m in gh.list_org_members(course.org)}
        left = [x for x in left if x.lower() not in known]
    refuse_unknown(course, [x for x in left if not gh.get_user_exists(x)])


def hub_plan(gh, course: Course) -> tuple[list[str], list[str]]:
    """What setting the hub up would do (reads only), as (steps, notes), for the plan to print
    under its header and count: exactly the steps apply then does."""
    res = setup_hub(gh, course, dry_run=True)
    return res.steps, res.notes


def with_registered_teams(gh, course: Course, log: Callable[[str], None]) -> Course:
    """The course with the hub's confirmed teams added, once registration has closed (before
    then a team could still change, and its repository would have to follow)."""
    f = course.formation
    assert f is not None
    try:
        gh.get_repo(f"{course.org}/{f.repo}")
    except NotFound:
        return course  # no hub yet: this run creates it
    now = gh.get_server_time()
    if now <= f.closes:
        closes = format_deadline(f.closes, zone(course.timezone))
        log(f"  hub: registration is open until {closes}; registered teams are "
            "provisioned after it closes (see `classroom-ops teams status`)")
        return course
    try:
        joined = tuple(sorted(gh.list_team_members(course.org, STUDENTS_TEAM)))
    except NotFound:
        joined = ()
    settings = Settings.from_course(course, extra_students=joined)
    st = standing_of(gh, settings, read_hub(gh, settings), gh.get_login())
    if any(t.issue is not None for t in course.teams):
        return course  # already added
    listed = {t.slug for t in course.teams}
    added = [Team(r.name, r.slug, tuple(r.members), interests=tuple(r.interests), issue=r.number)
             for r in st.teams(CONFIRMED) if r.slug not in listed]
    added = _not_taken(gh, course, added, log)
    missing = st.missing()
    log(f"  hub: {len(added)} confirmed team{'s' if len(added) != 1 else ''} from the hub"
        + (f"; {len(missing)} student{'s' if len(missing) != 1 else ''} in no confirmed team "
           "(run `classroom-ops teams match`)" if missing else ""))
    return dataclasses.replace(course, teams=tuple(course.teams) + tuple(added))


def _not_taken(gh, course: Course, added: list[Team], log: Callable[[str], None]) -> list[Team]:
    """The hub's teams whose name (team or repository) nothing else in the organization has.
    A student can name their team like an existing org team ("Admins") or a repository that is
    not theirs: that team alone is left out, with what to do, and never blocks the others (nor
    gets the existing team's access). Two reads, only when there are hub teams to add."""
    if not added:
        return added
    from ..names import slugify
    from ..provision.state import mark

    teams = gh.list_teams(course.org)
    repos = gh.list_org_repos(course.org)
    by_name = {t.name.lower(): t for t in teams.values()}
    keep = []
    for t in added:
        ours = mark(course, t)
        found = by_name.get(t.name.lower()) or teams.get(slugify(t.name)) or teams.get(t.slug)
        repo = repos.get(course.repo_for(t))
        if (found is not None and found.description != ours) \
                or (repo is not None and repo.description != ours):
            what = f"team '{found.name}'" if found is not None and found.description != ours \
                else f"repository {course.org}/{course.repo_for(t)}"
            log(f"  hub: team '{t.name}' (#{t.issue}) is not provisioned: the organization "
                f"already has a {what} that is not this team's; ask its students to choose "
                "another team name (edit the registration), then /approve it")
            continue
        keep.append(t)
    return keep


def registered(gh, course: Course, log: Callable[[str], None] = lambda s: None) -> Course:
    """For the commands that work on teams (check, status, collect, archive-repos): the course
    with the hub's confirmed teams once registration has closed; unchanged without formation."""
    return with_registered_teams(gh, course, log) if course.formation is not None else course


def record_registered(course: Course, ledger) -> None:
    """`check` keeps the hub's teams it worked on in the ledger, for `grades` (no request)."""
    if course.formation is not None:
        ledger.registered = {t.slug: {"name": t.name, "members": list(t.members),
                                      "interests": list(t.interests), "issue": t.issue}
                             for t in course.teams if t.issue is not None}


def registered_from_ledger(course: Course, ledger) -> Course:
    """For `grades`: the course with the hub's teams the last `check` recorded in the ledger
    (the course file's own teams win a slug they share)."""
    listed = {t.slug for t in course.teams}
    added = tuple(Team(d["name"], slug, tuple(d["members"]), interests=tuple(d["interests"]),
                       issue=d["issue"])
                  for slug, d in sorted(ledger.registered.items()) if slug not in listed)
    return dataclasses.replace(course, teams=tuple(course.teams) + added) if added else course


def formation_findings(gh, course: Course, now) -> list:
    """`check`'s judgment of the team-formation milestone as of `now`: one finding per student
    in no confirmed team, once registration has closed (none before)."""
    from .judgment import judge
    from .sync import Hub

    f = course.formation
    assert f is not None
    try:
        joined = tuple(sorted(gh.list_team_members(course.org, STUDENTS_TEAM)))
    except NotFound:
        joined = ()
    settings = Settings.from_course(course, extra_students=joined)
    try:
        hub = read_hub(gh, settings)
    except NotFound:
        hub = Hub([], now)  # no hub: nobody registered
    hub.now = now
    return judge(standing_of(gh, settings, hub, gh.get_login()), f.milestone)
