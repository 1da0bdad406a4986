"""The course file's `formation:` section and the class roster."""

from __future__ import annotations

import dataclasses

import pytest

from classroom_ops.config import load_course
from classroom_ops.errors import ConfigError
from classroom_ops.formation.settings import Settings

COURSE = """\
course: {{name: DLS, term: fall-2026, org: dls, timezone: America/New_York, start: 2026-08-31}}
staff: {{team: staff, members: [prof-lee]}}
repos: {{template: tmpl, name: "final-{{team}}"}}
milestones:
  - {{id: team-formation, title: Team Formation, due: week 4}}
  - {{id: proposal, title: Proposal, due: week 6}}
archive: {{milestone: proposal, areas: [Quantization, Inference]}}
formation: {formation}
"""


def course(tmp_path, formation, roster="login,email,name\nalice,,Alice Ng\n,bo@uni.edu,Bo\n"):
    (tmp_path / "tmpl").mkdir(exist_ok=True)
    (tmp_path / "roster.csv").write_text(roster, encoding="utf-8")
    p = tmp_path / "classroom.yml"
    p.write_text(COURSE.format(formation=formation))
    return load_course(p)


def test_formation_without_teams_closes_at_the_first_milestone(tmp_path):
    c = course(tmp_path, "{size: 3, roster: roster.csv}")
    assert c.teams == () and c.formation.repo == "course-hub"
    assert c.formation.closes == c.milestones[0].due and c.formation.milestone == "team-formation"
    assert [(s.login, s.email) for s in c.formation.roster] == [("alice", None),
                                                                 (None, "bo@uni.edu")]
    s = Settings.from_course(c)
    assert s.roster == ("alice",) and s.areas == ("Quantization", "Inference")
    assert "staff" in s.reserved
    assert s.unjoined == ("invited-by-e-mail-1",)  # bo, by a label, never the address
    again = Settings.from_json(s.to_json(), "x.json")
    # the hub's copy has no e-mail students at all (its workflow only sees logins)
    assert again == dataclasses.replace(s, unjoined=())
    assert "bo@uni.edu" not in s.to_json()  # e-mail addresses never go into the hub


def test_closes_and_milestone_can_be_given(tmp_path):
    c = course(tmp_path, "{size: 2, roster: roster.csv, closes: 2026-09-20 12:00, "
                         "milestone: proposal, repo: hub}")
    assert c.formation.closes.isoformat() == "2026-09-20T12:00:00-04:00"
    assert (c.formation.milestone, c.formation.repo, c.formation.size) == ("proposal", "hub", 2)


@pytest.mark.parametrize("formation,roster,message", [
    ("{size: 3, roster: nope.csv}", None, "cannot read the class roster 'nope.csv'"),
    ("{size: 3, roster: roster.csv, milestone: exam}", None, "unknown milestone 'exam'"),
    ("{size: 0, roster: roster.csv}", None, "formation.size"),
    ("{size: 3, roster: roster.csv}", "login\nalice\nAlice\n", "listed twice"),
    ("{size: 3, roster: roster.csv}", "login\nprof-lee\n", "both staff and on the class roster"),
    ("{size: 3, roster: roster.csv}", "name\nAlice\n", "needs a 'login' and/or an 'email'"),
    ("{size: 3, roster: roster.csv}", "email\nnot-an-address\n", "is not an e-mail address"),
])
def test_bad_formation_is_one_clear_error(tmp_path, formation, roster, message):
    with pytest.raises(ConfigError) as e:
        course(tmp_path, formation, **({"roster": roster} if roster else {}))
    assert message in str(e.value)


@pytest.mark.parametrize("text,why", [
    ("not json", "not a formation settings file"),
    ('{"org": "dls", "hub": "h", "size": 3, "closes": "2026-09-25T23:59:00"}', "UTC offset"),
    ('{"org": "dls", "hub": "h", "size": 0, "closes": "2026-09-25T23:59:00+00:00"}', "size"),
    ('{"org": "dls", "hub": "h", "size": 3, "closes": "2026-09-25T23:59:00+00:00", '
     '"roster": ["not a login"]}', "not a login"),
])
def test_a_broken_hub_settings_file_is_one_clear_error(text, why):
    from classroom_ops.errors import UsageError

    with pytest.raises(UsageError) as e:
        Settings.from_json(text, ".classroom-ops/formation.json")
    assert ".classroom-ops/formation.json" in str(e.value) and why in str(e.value)


def test_teams_listed_beside_formation_are_reserved_with_their_students(tmp_path):
    (tmp_path / "tmpl").mkdir()
    (tmp_path / "roster.csv").write_text("login\nalice\nbob\n")
    p = tmp_path / "classroom.yml"
    p.write_text(COURSE.format(formation="{size: 3, roster: roster.csv}")
                 + "teams:\n  - {name: KV Cachers, members: [gina, hal]}\n")
    s = Settings.from_course(load_course(p))
    assert "kv-cachers" in s.reserved
    assert s.assigned == (("gina", "KV Cachers"), ("hal", "KV Cachers"))


def test_the_formation_milestone_has_no_files_to_hand_in(tmp_path):
    """It is judged per student from the hub (a confirmed team each), never from a team's
    files: a deliverable on it would never be judged, and a repository made after registration
    closes would ask for it."""
    (tmp_path / "tmpl").mkdir()
    (tmp_path / "roster.csv").write_text("login\nalice\n", encoding="utf-8")
    p = tmp_path / "classroom.yml"
    p.write_text(COURSE.format(formation="{size: 3, roster: roster.csv}").replace(
        "{id: team-formation, title: Team Formation, due: week 4}",
        "{id: team-formation, title: Team Formation, due: week 4, "
        "deliverables: [{path: TEAM.md}]}"))
    with pytest.raises(ConfigError) as e:
        load_course(p)
    text = str(e.value)
    assert "classroom.yml:5" in text and "milestone 'team-formation' is formation's" in text
    assert "remove its deliverables" in text
