"""The README's first command: the whole semester on a sandbox, checked for what it must show."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

import classroom_ops.demo as demo_pkg

MILESTONES = ["team-formation", "proposal", "midpoint", "draft-report", "presentation",
              "final-report"]
# What the demo's script makes each team do (runner.py's patterns), as the outcome it must have:
# sparse-squad has the proposal extension, gradient-descenders fixes everything a day late (its
# midpoint and presentation signed off late from the command line), mixture-of-experts pushes
# late with backdated commits (its meeting and talk are on time), flash-attention leaves the
# starter proposal and never books the midpoint meeting, quantized pushes a broken draft PDF,
# kv-cachers is on time throughout.
ALL_ON_TIME = dict.fromkeys(MILESTONES, "on_time")
EXPECTED = {
    "sparse-squad": ALL_ON_TIME,
    "gradient-descenders": dict.fromkeys(MILESTONES, "late"),
    "mixture-of-experts": {**dict.fromkeys(MILESTONES, "late"), "midpoint": "on_time",
                           "presentation": "on_time"},
    "flash-attention": {**ALL_ON_TIME, "proposal": "missing", "midpoint": "missing"},
    "quantized": {**ALL_ON_TIME, "draft-report": "missing"},
    "kv-cachers": ALL_ON_TIME,
}


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {r["login"]: r for r in csv.DictReader(f)}


@pytest.mark.e2e
def test_demo_plays_the_semester(tmp_path, run_cli):
    out = tmp_path / "demo"
    res = run_cli("demo", "-o", str(out), "--teams", "6")
    assert res.code == 0, res
    ledger = json.loads((out / "ledger.json").read_text())["teams"]
    status = {t: {m: e["status"] for m, e in ms.items()} for t, ms in ledger.items()}
    assert status == EXPECTED

    # the ghost's proposal is the untouched starter file
    report = json.loads((out / "reports" / "check-proposal.json").read_text())
    ghost = [c for c in report["cells"]
             if (c["team"], c["milestone"]) == ("flash-attention", "proposal")][0]
    assert [f["rule"] for f in ghost["findings"]] == ["starter"]
    assert "still the starter file" in ghost["findings"][0]["message"]

    # invitations: one student never accepted, and provision's rerun says so
    assert "1 student invited and not joined yet" in (out / "logs" / "provision-rerun.log"
                                                      ).read_text()
    assert (out / "logs" / "provision.log").read_text().count("6 teams done, 0 failed") == 1

    # remind, 12 hours before the proposal deadline: the teams not ready then (the extension
    # team's deadline is three days later, outside the 48 h window)
    remind = json.loads((out / "reports" / "remind-proposal.json").read_text())
    assert sorted(r["team"] for r in remind["reminders"] if r["state"] == "reminded") == [
        "flash-attention", "gradient-descenders", "mixture-of-experts"]

    # the midpoint meeting: sparse-squad won the race for slot 1, gradient-descenders took the
    # next free slot (5, after the four teams that booked 2-4), flash-attention never booked
    meetings = json.loads((out / "reports" / "meetings-midpoint.json").read_text())["meetings"]
    slots = {r["team"]: r["slot"] for r in meetings}
    assert slots == {"sparse-squad": 1, "gradient-descenders": 5, "mixture-of-experts": 2,
                     "flash-attention": None, "quantized": 3, "kv-cachers": 4}
    assert "sparse-squad got it, gradient-descenders booked slot 5" in res.out
    talks = json.loads((out / "reports" / "meetings-presentation.json").read_text())["meetings"]
    assert [(r["team"], r["slot"]) for r in talks] == [
        ("sparse-squad", 1), ("gradient-descenders", 2), ("mixture-of-experts", 3),
        ("flash-attention", 4), ("quantized", 5), ("kv-cachers", 6)]
    ics = (out / "meetings.ics").read_text()
    assert ics.count("STATUS:CONFIRMED") == 5 + 6
    assert ("DTSTART:20261026T140000Z\nDTEND:20261026T143000Z\n"
            "SUMMARY:Midpoint Check-in: Sparse Squad") in ics.replace("\r\n", "\n")

    # grades: one row per student; 10% off per started day late (27 h late: 80; the late
    # sign-off 49 h after the deadline: 70); missing 0
    rows = csv_rows(out / "grades.csv")
    assert len(rows) == 18
    assert [rows["alice-ng"][f"{m}:score"] for m in MILESTONES] == ["100"] * 6
    assert (rows["alice-ng"]["name"], rows["alice-ng"]["id"]) == ("Alice Ng", "U260001")
    assert (rows["kofi-mensah"]["name"], rows["kofi-mensah"]["team"]) == (
        "Kofi Mensah", "Flash Attention")
    assert rows["dev-patel"]["proposal:state"] == "late"
    assert rows["dev-patel"]["proposal:score"] == "80"
    assert (rows["dev-patel"]["midpoint:state"], rows["dev-patel"]["midpoint:score"]) == (
        "late", "70")
    assert (rows["jun-park"]["proposal:state"], rows["jun-park"]["proposal:score"]) == (
        "missing", "0")
    assert rows["jun-park"]["midpoint:score"] == "0"
    assert rows["nora-haddad"]["draft-report:score"] == "0"
    assert {r["team"] for r in rows.values()} == {
        "Sparse Squad", "Gradient Descenders", "Mixture of Experts", "Flash Attention",
        "Quantized", "KV Cachers"}
    md = (out / "grades.md").read_text()
    assert "jun-park" in md and "Flash Attention" in md

    # deadline issues: opened for the file milestones missed at a deadline, closed once fixed
    files = [m for m in MILESTONES if m not in ("midpoint", "presentation")]
    opened = {(t, m) for t, ms in ledger.items() for m, e in ms.items()
              if m in files and e.get("issue")}
    assert opened == {(t, m) for t in EXPECTED for m in files
                      if EXPECTED[t][m] in ("missing", "late")}
    closed = {(t, m) for t, ms in ledger.items() for m, e in ms.items()
              if m in files and e.get("issue_state") == "closed"}
    assert closed == {(t, m) for t in EXPECTED for m in files if EXPECTED[t][m] == "late"}
    assert "6 teams" in res.out and "issues opened: 10, closed after late fixes: 8" in res.out

    # the dashboard shows the same states
    dash = json.loads((out / "status.json").read_text())
    assert {(c["team"], c["milestone"]): c["state"] for c in dash["cells"]} == {
        (t, m): s for t, ms in EXPECTED.items() for m, s in ms.items()}
    # the student who never accepted: their invitation expired after 7 days, and status says so
    assert [(x["team"], x["login"], x["state"]) for x in dash["not_joined"]] == [
        ("mixture-of-experts", "grace-ho", "expired")]
    html = (out / "dashboard.html").read_text()
    assert "<script src=" not in html and "flash-attention" in html
    # every team's final report is in the archive, with its record
    term = out / "archive" / "fall-2026"
    index = json.loads((term / "index.json").read_text())
    assert sorted(p["slug"] for p in index["teams"]) == sorted(EXPECTED)
    for slug in EXPECTED:
        project = json.loads((term / slug / "project.json").read_text())
        assert project["status"] == EXPECTED[slug]["final-report"]
        assert (term / slug / "report" / "final.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "archive" / "MANIFEST.sha256").exists()


def test_the_demo_drives_the_cli_without_importing_it():
    """Issue 18: the demo runs `classroom-ops` as a user does, never its commands by import."""
    imports = re.compile(r"^\s*(from|import)\s+(\.\.|classroom_ops\.)(cli|commands)\b", re.M)
    files = sorted(Path(demo_pkg.__file__).parent.glob("*.py"))
    assert files and not [p.name for p in files if imports.search(p.read_text())]
    assert imports.search("    from ..cli import cli\n")  # the pattern finds what it must


@pytest.mark.e2e
def test_demo_refuses_to_wipe_a_folder_it_did_not_write(tmp_path, run_cli):
    (tmp_path / "mine.txt").write_text("keep")
    res = run_cli("demo", "-o", str(tmp_path))
    assert res.code == 1 and "was not written by the demo" in res.err
    assert (tmp_path / "mine.txt").read_text() == "keep"
