"""Grades for a semester on the sandbox: students push, `check` records, `grades` writes every
format from the ledger with no GitHub request and no token."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from classroom_ops.pdfgen import sample_report

from .gitops import push_files
from .test_check import proposal

pytestmark = pytest.mark.integration


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def push(env, login, team, files):
    return push_files(env.sandbox, env.tokens[login], f"dls/final-{team}", env.work, files)


def test_grades_for_a_semester_in_every_format_without_github(semester, monkeypatch):
    env, sb = semester, semester.sandbox
    # The roster keeps names and ids; the late policy scores late work.
    (env.dir / "roster.csv").write_text(
        "team,github_username,name,id\n"
        "Sparse Squad,alice,Alice Martin,s1\nSparse Squad,bob,=Bob(),s2\n"
        "Sparse Squad,carol,Carol Chen,s3\nDense Crew,dave,Dave Diaz,s4\n"
        "Dense Crew,erin,Erin Eng,s5\nDense Crew,frank,Frank Fu,s6\n"
        "KV Cachers,gina,Gina Gil,s7\nKV Cachers,hal,Hal Ho,s8\nKV Cachers,ivy,Ivy Ito,s9\n")
    text = env.config.read_text()
    start, end = text.index("teams:\n"), text.index("milestones:\n")
    text = text[:start] + "roster: roster.csv\n" + text[end:]
    text = text.replace("policy:\n  grace: 15m",
                        "policy:\n  grace: 15m\n  late: {penalty: 10%, per: 1d, zero_after: 3d}")
    env.config.write_text(text)
    ledger = str(env.dir / "ledger.json")

    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    good = push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-11T09:00:00-04:00"))  # 33 h 1 min late: two started days
    late = push(env, "dave", "dense-crew", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-12T12:00:00-04:00"))
    assert env.run("check", "--ledger", ledger).code == 1  # kv-cachers missing
    sb.set_clock(at("2026-12-10T12:00:00-05:00"))
    final = push(env, "gina", "kv-cachers", {"report/final.pdf": sample_report()})
    sb.set_clock(at("2026-12-12T12:00:00-05:00"))
    assert env.run("check", "--ledger", ledger).code == 1

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    sb.clear_requests()
    files = {}
    for fmt in ("csv", "canvas", "moodle", "markdown"):
        out = env.dir / f"grades.{fmt}"
        res = env.run_cli("grades", "-c", str(env.config), "--ledger", ledger, "-o", str(out),
                          "--format", fmt, "--api-url", sb.api_url)
        assert res.code == 0, res
        assert "9 students in 3 teams, 2 milestones" in res.out
        files[fmt] = out.read_text(encoding="utf-8")
    assert sb.requests() == []  # read from the ledger and the course file only

    rows = {r["login"]: r for r in csv.DictReader(io.StringIO(files["csv"]))}
    assert list(rows["alice"])[:4] == ["login", "name", "id", "team"]
    assert rows["alice"]["proposal:state"] == "on_time"
    assert rows["alice"]["proposal:commit"] == good[:7]
    assert rows["alice"]["proposal:score"] == "100"
    assert rows["bob"]["name"] == "'=Bob()"  # a formula turned into text
    assert rows["dave"]["proposal:state"] == "late"
    assert rows["dave"]["proposal:late_hours"] == "33.02"
    assert rows["dave"]["proposal:commit"] == late[:7]
    assert rows["dave"]["proposal:score"] == "80"
    assert rows["ivy"]["proposal:state"] == "missing" and rows["ivy"]["proposal:score"] == "0"
    assert rows["ivy"]["final-report:state"] == "on_time"
    assert rows["ivy"]["final-report:commit"] == final[:7]
    assert rows["alice"]["final-report:state"] == "missing"

    canvas = {r["SIS User ID"]: r for r in csv.DictReader(io.StringIO(files["canvas"]))}
    assert canvas["s4"]["Student"] == "Dave Diaz"
    assert (canvas["s4"]["Project Proposal"], canvas["s4"]["Final Report"]) == ("80", "0")
    moodle = {r["ID number"]: r for r in csv.DictReader(io.StringIO(files["moodle"]))}
    assert moodle["s7"]["Final Report"] == "100"
    assert moodle["s7"]["Feedback: Final Report"] == f"on time; commit {final[:7]}"
    assert f"[{late[:7]}](https://github.com/dls/final-dense-crew/commit/{late})" in \
        files["markdown"]
    assert "- **KV Cachers** / Project Proposal:\n  - " in files["markdown"]
    kv = files["markdown"].split("- **KV Cachers** / Project Proposal:\n", 1)[1].split("\n- **")[0]
    assert "no commit of its own" in kv or "still the starter file" in kv, kv


def test_grades_without_a_ledger_is_one_clear_error(course_env):
    res = course_env.run_cli("grades", "-c", str(course_env.config), "-o", "g.csv")
    assert res.code == 2
    assert "no ledger there; run `classroom-ops check` first" in res.err
    assert "Traceback" not in res.err
