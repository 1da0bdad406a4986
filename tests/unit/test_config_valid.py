from datetime import UTC, datetime, timedelta

from classroom_ops.config import course_from_text, load_course
from support import EXAMPLE


def test_example_course_loads_with_six_milestones_and_a_dozen_teams():
    course = load_course(EXAMPLE)
    assert [m.id for m in course.milestones] == [
        "team-formation", "proposal", "midpoint", "draft-report", "presentation", "final-report"]
    assert len(course.teams) == 12
    assert all(len(t.members) == 3 for t in course.teams)
    assert course.team("sparse-squad").name == "Sparse Squad"
    assert course.repo_for(course.team("kv-cachers")) == "final-kv-cachers"


def test_week_deadlines_land_on_the_default_weekday_and_time():
    course = load_course(EXAMPLE)
    proposal = course.milestone("proposal")
    assert proposal.due.astimezone(UTC) == datetime(2026, 10, 10, 3, 59, tzinfo=UTC)
    presentation = course.milestone("presentation")
    assert presentation.due.isoformat() == "2026-12-09T17:00:00-05:00"  # week 15 wednesday 17:00


def test_extension_and_grace_move_the_team_deadline_only():
    course = load_course(EXAMPLE)
    proposal = course.milestone("proposal")
    squad, other = course.team("sparse-squad"), course.team("kv-cachers")
    assert course.grace == timedelta(minutes=15)
    assert course.deadline_for(other, proposal) == proposal.due + timedelta(minutes=15)
    assert course.deadline_for(squad, proposal).isoformat() == "2026-10-13T00:14:00-04:00"


BASE = """\
course: {name: C, term: t1, org: o, timezone: UTC, start: 2026-08-31}
repos: {template: owner/tpl}
teams:
  - {name: "Team A!", members: ["no", on]}
milestones:
  - {id: m, title: M, due: "week 1"}
"""


def test_yaml_11_traps_stay_strings():
    # `no` and `on` are booleans in YAML 1.1; they are (possible) GitHub logins here.
    course = course_from_text(BASE, "c.yml")
    assert course.teams[0].members == ("no", "on")
    assert course.teams[0].slug == "team-a"


def test_unquoted_time_of_day_is_not_sexagesimal():
    text = BASE.replace("start: 2026-08-31}", "start: 2026-08-31, due_time: 17:00}")
    course = course_from_text(text, "c.yml")
    assert course.milestones[0].due.isoformat() == "2026-09-04T17:00:00+00:00"
