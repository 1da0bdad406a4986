"""The README's first command: the whole semester on a sandbox, checked for what it must show."""

from __future__ import annotations

import json

import pytest

from classroom_ops.config import load_course
from classroom_ops.demo.runner import pattern_for


@pytest.mark.e2e
def test_demo_plays_the_semester(tmp_path, run_cli):
    out = tmp_path / "demo"
    res = run_cli("demo", "-o", str(out), "--teams", "6")
    assert res.code == 0, res
    course = load_course(out / "course" / "classroom.yml")
    patterns = {t.slug: pattern_for(course, t, i) for i, t in enumerate(course.teams)}
    assert patterns == {"sparse-squad": "extension", "gradient-descenders": "fixer",
                        "mixture-of-experts": "backdater", "flash-attention": "ghost",
                        "quantized": "bad-pdf", "kv-cachers": "on-time"}
    ledger = json.loads((out / "ledger.json").read_text())["teams"]
    status = {(t, m): e["status"] for t, ms in ledger.items() for m, e in ms.items()}
    assert len(status) == 6 * 6
    assert {m for (t, m), s in status.items() if t == "flash-attention" and s == "missing"} == {
        "proposal", "midpoint"}
    assert all(status[("gradient-descenders", m.id)] == "late" for m in course.milestones)
    assert all(status[("mixture-of-experts", m.id)] == "late" for m in course.milestones)
    assert status[("quantized", "draft-report")] == "missing"
    assert all(s == "on_time" for (t, _), s in status.items()
               if t in ("sparse-squad", "kv-cachers"))
    # issues: opened for exactly the team-milestones that missed a deadline
    opened = {(t, m) for t, ms in ledger.items() for m, e in ms.items() if e.get("issue")}
    assert opened == {k for k, s in status.items() if s in ("missing", "late")}
    closed = {(t, m) for t, ms in ledger.items() for m, e in ms.items()
              if e.get("issue_state") == "closed"}
    assert closed == {k for k, s in status.items() if s == "late"}
    assert "6 teams" in res.out and "issues opened: 15, closed after late fixes: 12" in res.out
    assert (out / "logs" / "provision.log").read_text().count("6 teams done, 0 failed") == 1

    # the dashboard shows the same states as the ledger
    dash = json.loads((out / "status.json").read_text())
    assert {(c["team"], c["milestone"]): c["state"] for c in dash["cells"]} == status
    html = (out / "dashboard.html").read_text()
    assert "<script src=" not in html and "flash-attention" in html
    # every team's final report is in the archive, with its record
    term = out / "archive" / "fall-2026"
    index = json.loads((term / "index.json").read_text())
    assert sorted(p["slug"] for p in index["teams"]) == sorted(patterns)
    for slug in patterns:
        project = json.loads((term / slug / "project.json").read_text())
        assert project["status"] == status[(slug, "final-report")]
        assert (term / slug / "report" / "final.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "archive" / "MANIFEST.sha256").exists()


@pytest.mark.e2e
def test_demo_refuses_to_wipe_a_folder_it_did_not_write(tmp_path, run_cli):
    (tmp_path / "mine.txt").write_text("keep")
    res = run_cli("demo", "-o", str(tmp_path))
    assert res.code == 1 and "was not written by the demo" in res.err
    assert (tmp_path / "mine.txt").read_text() == "keep"
