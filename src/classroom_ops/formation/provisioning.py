"""What `provision` does for a course with `formation:` (kept apart from provision/ so the
two evolve separately): set the hub up, and once registration has closed, add the confirmed
teams to the ones the course file lists."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..errors import NotFound
from ..model import Course, Team
from .hub import setup_hub
from .settings import STUDENTS_TEAM, Settings
from .standing import CONFIRMED
from .sync import read_hub, standing_of


def hub_plan(gh, course: Course, log: Callable[[str], None]) -> list[str]:
    """What setting the hub up would do (reads only); printed with the plan."""
    res = setup_hub(gh, course, dry_run=True)
    for s in res.steps:
        log(f"  hub: {s}")
    for n in res.notes:
        log(f"  note: {n}")
    return res.steps


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
        log(f"  hub: registration is open until {f.closes_text}; registered teams are "
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
