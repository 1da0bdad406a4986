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
    missing = st.missing()
    log(f"  hub: {len(added)} confirmed team{'s' if len(added) != 1 else ''} from the hub"
        + (f"; {len(missing)} student{'s' if len(missing) != 1 else ''} in no confirmed team "
           "(run `classroom-ops teams match`)" if missing else ""))
    return dataclasses.replace(course, teams=tuple(course.teams) + tuple(added))


def registered(gh, course: Course, log: Callable[[str], None] = lambda s: None) -> Course:
    """For the commands that work on teams (check, status, collect, archive-repos): the course
    with the hub's confirmed teams once registration has closed; unchanged without formation."""
    return with_registered_teams(gh, course, log) if course.formation is not None else course


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
