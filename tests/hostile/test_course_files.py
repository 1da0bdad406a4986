"""Hostile and careless course files and rosters: each is refused by `validate` with one
FILE:LINE:COL message and exit 2 -- never a crash, never a hang, never "valid"."""

from __future__ import annotations

import time

import pytest
from e2e.test_validate_errors import GOOD

pytestmark = pytest.mark.e2e


def _validate(run_cli, tmp_path, text: str, **files):
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    f = tmp_path / "classroom.yml"
    f.write_text(text)
    t0 = time.monotonic()
    res = run_cli("validate", "-c", str(f))
    return res, time.monotonic() - t0, f


# (id, (old, new) in GOOD, the exact message after "classroom.yml:")
CASES = [
    ("trailing-newline-in-org", ("org: dls-fall-2026", 'org: "dls-fall-2026\\n"'),
     "4:8: course.org contains the invisible character U+000A (a line break); write it on "
     "one line, without control characters"),
    ("trailing-newline-in-term", ("term: fall-2026", 'term: "fall-2026\\n"'),
     "3:9: course.term contains the invisible character U+000A (a line break); write it on "
     "one line, without control characters"),
    ("newline-in-a-login", ("[alice, bob, carol]", '[alice, "bob\\n", carol]'),
     "14:22: teams[0].members[1] contains the invisible character U+000A (a line break); "
     "write it on one line, without control characters"),
    ("bidi-override-in-a-team-name", ("name: Sparse Squad", 'name: "Sparse \\u202eSquad"'),
     "13:11: teams[0].name contains the invisible character U+202E (a control character); "
     "write it on one line, without control characters"),
    ("trailing-space-in-a-milestone-id", ("id: proposal", 'id: "proposal "'),
     "18:9: milestones[0].id 'proposal ' starts or ends with spaces; remove them"),
    ("staff-team-without-a-slug", ("staff:\n", 'staff:\n  team: "!!!"\n'),
     "8:9: staff.team '!!!' has no letters or digits to make a GitHub team slug from; name "
     "it like 'staff'"),
    ("repo-name-escapes", ('name: "final-{team}"', 'name: "../{team}"'),
     "11:9: repos.name '../{team}' makes the repository name '../x', which may hold only "
     "letters, digits, '.', '-' and '_' (no '/' or '..'), and not end in .git"),
    ("repo-name-in-another-owner", ('name: "final-{team}"', 'name: "other-org/{team}"'),
     "11:9: repos.name 'other-org/{team}' makes the repository name 'other-org/x', which may "
     "hold only letters, digits, '.', '-' and '_' (no '/' or '..'), and not end in .git"),
    ("repo-name-too-long", ('name: "final-{team}"', 'name: "' + "x" * 95 + '-{team}"'),
     "11:9: repos.name '" + "x" * 95 + "-{team}' makes the repository name '" + "x" * 95
     + "-sparse-squad', which is longer than 100 characters"),
    ("template-outside-the-course-folder", ("template: dls/template", "template: /etc"),
     "10:13: template '/etc' is outside the course's folder"),
    ("huge-grace", ("grace: 15m", "grace: 99999999999999999d"),
     "31:10: policy.grace '99999999999999999d' is longer than 7 days; a later deadline for "
     "one team is an extension (policy.extensions)"),
    ("year-9999-deadline", ("due: 2026-12-11 23:59", "due: 9999-12-31 23:59"),
     "26:10: '9999-12-31 23:59' is not a date this course can have"),
    ("far-future-deadline", ("due: 2026-12-11 23:59", "due: 2036-12-11 23:59"),
     "26:10: '2036-12-11 23:59' (2036-12-11) is more than 3 years from the course start "
     "(2026-08-31); check the year"),
    ("milestone-id-too-long-for-its-label", ("id: proposal", "id: " + "p" * 41),
     "18:9: milestones[0].id is longer than 40 characters"),
    ("far-future-start", ("start: 2026-08-31", "start: 9999-12-27"),
     "6:10: course.start 9999-12-27 is not a plausible start of term (between 2000 and 2100)"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_value_gives_its_message(case, tmp_path, run_cli):
    _, (old, new), expected = case
    assert old in GOOD, f"test case does not apply: {old!r}"
    res, _, f = _validate(run_cli, tmp_path, GOOD.replace(old, new, 1))
    assert res.code == 2 and res.out == "", res
    assert "Traceback" not in res.err and "internal error" not in res.err
    assert f"{f}:{expected}" in res.err, res.err


def test_template_reached_through_a_symlink_is_outside_too(tmp_path, run_cli):
    (tmp_path / "templates").symlink_to("/etc")
    res, _, f = _validate(run_cli, tmp_path, GOOD.replace("template: dls/template",
                                                           "template: templates"))
    assert res.code == 2 and f"{f}:10:13: template 'templates' is outside" in res.err


def test_template_inside_the_course_folder_is_fine(tmp_path, run_cli):
    (tmp_path / "templates" / "repo").mkdir(parents=True)
    (tmp_path / "templates" / "repo" / "README.md").write_text("hi\n")
    res, _, _ = _validate(run_cli, tmp_path, GOOD.replace("template: dls/template",
                                                           "template: templates/repo"))
    assert res.code == 0, res


def _billion_laughs() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    return text


def test_a_1kb_alias_bomb_is_refused_in_well_under_a_second(tmp_path, run_cli):
    bomb = _billion_laughs()
    assert len(bomb) < 1024
    res, took, f = _validate(run_cli, tmp_path, bomb)
    assert res.code == 2 and took < 5, (took, res)
    assert (f"{f}:1:56: the YAML aliases here expand to more than 200,000 values (or 32 "
            "levels); write the values out") in res.err


def test_more_than_100_aliases_are_refused(tmp_path, run_cli):
    text = "x: &x 1\ny: [" + ", ".join(["*x"] * 101) + "]\n"
    res, _, f = _validate(run_cli, tmp_path, text)
    assert res.code == 2
    assert f"{f}:2:" in res.err and "more than 100 YAML aliases (*name); write the values out" \
        in res.err


def test_deep_nesting_is_refused_before_it_recurses(tmp_path, run_cli):
    res, took, f = _validate(run_cli, tmp_path, "x: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert res.code == 2 and took < 5
    assert f"{f}:1:35: nested more than 32 levels deep; a course file needs at most 6" in res.err


def test_a_huge_file_is_refused_unread(tmp_path, run_cli):
    res, _, f = _validate(run_cli, tmp_path, GOOD + "#" * 1_100_000 + "\n")
    assert res.code == 2
    assert f"{f}: the file is larger than 1 MB; a course file is never that large" in res.err


ROSTER_COURSE = GOOD.replace(
    "teams:\n  - name: Sparse Squad\n    members: [alice, bob, carol]\n"
    "  - name: Dense Crew\n    members: [dave, erin, frank]\n", "roster: roster.csv\n")


def test_roster_with_an_unclosed_quote_points_at_its_line(tmp_path, run_cli):
    assert "roster: roster.csv" in ROSTER_COURSE
    roster = 'team,github_username\nSparse Squad,alice\nSparse Squad,"bob\nDense Crew,dave\n'
    res, _, _ = _validate(run_cli, tmp_path, ROSTER_COURSE, **{"roster.csv": roster})
    assert res.code == 2
    assert (f"{tmp_path / 'roster.csv'}:3: not a readable CSV row: unexpected end of data; a "
            "quote (\") opened here is not closed, or stands inside a value") in res.err


def test_roster_with_only_a_header_is_an_error(tmp_path, run_cli):
    res, _, _ = _validate(run_cli, tmp_path, ROSTER_COURSE,
                          **{"roster.csv": "team,github_username\n"})
    assert res.code == 2
    assert (f"{tmp_path / 'roster.csv'}:1: the roster has a header but no students; add one "
            "row per student") in res.err


def test_roster_outside_the_course_folder_is_refused(tmp_path, run_cli):
    res, _, f = _validate(run_cli, tmp_path, ROSTER_COURSE.replace("roster.csv", "/etc/passwd"))
    assert res.code == 2
    assert f"{f}:12:9: roster '/etc/passwd' is outside the course's folder" in res.err


def test_debug_keeps_the_exit_code_of_a_configuration_error(tmp_path, run_cli):
    f = tmp_path / "classroom.yml"
    f.write_text(GOOD.replace("org: dls-fall-2026", 'org: "dls\\n"'))
    res = run_cli("validate", "-c", str(f), "--debug")
    assert res.code == 2  # as without --debug
    assert "Traceback (most recent call last):" in res.err
    assert f"{f}:4:8: course.org contains the invisible character U+000A" in res.err
