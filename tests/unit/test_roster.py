from classroom_ops.config import load_course
from classroom_ops.roster import read_roster

CLASSROOM = """\ufeffidentifier,github_username,github_id,name,group_name
alice@uni.edu,alice,101,Alice A,Sparse Squad
bob@uni.edu,bob,102,Bob B,Sparse Squad
pending@uni.edu,,,Pat Pending,Sparse Squad
carol@uni.edu,carol,103,Carol C,Dense Crew
"""


def test_github_classroom_export_with_unlinked_student():
    rows, problems = read_roster(CLASSROOM.lstrip("\ufeff"), "r.csv")
    assert [(r.team, r.login, r.line) for r in rows] == [
        ("Sparse Squad", "alice", 2), ("Sparse Squad", "bob", 3), ("Dense Crew", "carol", 5)]
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert str(problems[0]).startswith("r.csv:4: warning: student 'pending@uni.edu' has no GitHub")


def test_plain_roster_and_student_without_team():
    rows, problems = read_roster("team,github_username\nA,alice\n,bob\n\nB,carol\n", "r.csv")
    assert [(r.team, r.login) for r in rows] == [("A", "alice"), ("B", "carol")]
    assert [str(p) for p in problems] == [
        "r.csv:3: student 'bob' is in no team; add a team or remove the row"]


def test_unknown_header():
    rows, problems = read_roster("name,email\nx,y\n", "r.csv")
    assert rows == [] and "unrecognised roster header" in problems[0].message


COURSE = """\
course: {name: C, term: t1, org: o, timezone: UTC, start: 2026-08-31}
repos: {template: owner/tpl}
roster: roster.csv
milestones:
  - {id: m, title: M, due: "week 1"}
"""


def test_course_with_roster_file(tmp_path, run_cli):
    (tmp_path / "classroom.yml").write_text(COURSE)
    (tmp_path / "roster.csv").write_text(CLASSROOM, encoding="utf-8")
    course = load_course(tmp_path / "classroom.yml")
    assert [(t.slug, t.members) for t in course.teams] == [
        ("sparse-squad", ("alice", "bob")), ("dense-crew", ("carol",))]
    res = run_cli("validate", "-c", str(tmp_path / "classroom.yml"))
    assert res.code == 0
    assert "roster.csv:4: warning: student 'pending@uni.edu' has no GitHub username" in res.err


def test_roster_errors_point_at_csv_lines(tmp_path, run_cli):
    (tmp_path / "classroom.yml").write_text(COURSE)
    (tmp_path / "roster.csv").write_text(
        "team,github_username\nA,alice\nB,Alice\nC,not_a_login\n")
    res = run_cli("validate", "-c", str(tmp_path / "classroom.yml"))
    assert res.code == 2
    assert "roster.csv:3: 'Alice' is in two teams: 'A' and 'B'" in res.err
    assert "roster.csv:4: 'not_a_login' is not a possible GitHub login" in res.err


def test_missing_roster_file(tmp_path, run_cli):
    (tmp_path / "classroom.yml").write_text(COURSE)
    res = run_cli("validate", "-c", str(tmp_path / "classroom.yml"))
    assert res.code == 2
    assert "classroom.yml:3:9: cannot read the roster 'roster.csv': no such file" in res.err
