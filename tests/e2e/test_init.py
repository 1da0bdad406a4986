"""`classroom-ops init`, plain and from a course page shaped like the course's own page."""

from __future__ import annotations

import shutil

import pytest
import yaml

from support import COURSE_PAGE, ROOT

PAGE_COPY = ROOT / "tests" / "data" / "course-page.md"


def _init_from(page, tmp_path, run_cli):
    (tmp_path / "templates" / "repo").mkdir(parents=True)
    out = tmp_path / "classroom.yml"
    res = run_cli("init", "--from-syllabus", str(page), "-o", str(out))
    assert res.code == 0, res
    return out, res


def _check_plan(out, res, tmp_path, run_cli):
    data = yaml.safe_load(out.read_text())
    ms = data["milestones"]
    assert [(m["id"], m["due"]) for m in ms] == [
        ("team-formation", "week 4"), ("proposal", "week 6"), ("midpoint-check-in", "week 9"),
        ("draft-report", "week 12"), ("presentations", "week 14 monday 09:00"),
        ("final-report", "TODO: Last day of class")]
    proposal = ms[1]["deliverables"][0]
    assert proposal == {"path": "proposal.md", "max_words": 800, "sections": [
        "Problem Statement", "Motivation", "Related Work", "Approach", "Evaluation", "Resources"]}
    final = ms[5]["deliverables"][0]
    assert final["max_pages"] == 8 and final["sections"][0] == "Abstract"
    assert len(data["archive"]["areas"]) == 9 and data["archive"]["milestone"] == "final-report"
    assert "TODO: Final Report: could not turn \"Last day of class\" into a date" in res.out
    assert "'Week 14-15' is a range" in res.out

    # As written it is not a valid course yet: the TODO deadline is an error at its line.
    res = run_cli("validate", "-c", str(out))
    assert res.code == 2 and "cannot read the deadline 'TODO: Last day of class'" in res.err

    # Once the instructor fills in the TODOs, it validates.
    text = out.read_text().replace('"TODO: Last day of class"', "2026-12-11 23:59")
    text = text.replace("TODO-your-org", "dls-fall-2026").replace("TODO: course name", "DLS")
    out.write_text(text)
    res = run_cli("validate", "-c", str(out))
    assert res.code == 0, res
    assert "final-report" in res.out and "Fri 11 Dec 2026 23:59 EST" in res.out


@pytest.mark.e2e
def test_init_from_a_page_shaped_like_the_course_page(tmp_path, run_cli):
    out, res = _init_from(PAGE_COPY, tmp_path, run_cli)
    _check_plan(out, res, tmp_path, run_cli)


@pytest.mark.e2e
def test_init_from_the_course_page_itself(tmp_path, run_cli):
    if not COURSE_PAGE.exists():
        pytest.skip(f"{COURSE_PAGE} is absent (a clone outside the workspace)")
    out, res = _init_from(COURSE_PAGE, tmp_path, run_cli)
    _check_plan(out, res, tmp_path, run_cli)


@pytest.mark.e2e
def test_plain_init_validates_with_placeholder_warnings(tmp_path, run_cli):
    (tmp_path / "templates" / "repo").mkdir(parents=True)
    out = tmp_path / "classroom.yml"
    assert run_cli("init", "-o", str(out)).code == 0
    res = run_cli("validate", "-c", str(out))
    assert res.code == 0, res
    assert "warning: course.org is still a placeholder" in res.err


@pytest.mark.e2e
def test_init_never_overwrites_without_force(tmp_path, run_cli):
    out = tmp_path / "classroom.yml"
    out.write_text("mine")
    res = run_cli("init", "-o", str(out))
    assert res.code == 2 and "already exists; pass --force" in res.err
    assert out.read_text() == "mine"
    assert run_cli("init", "-o", str(out), "--force").code == 0
    assert out.read_text().startswith("# classroom-ops course file")


@pytest.mark.e2e
def test_init_from_a_page_without_timeline(tmp_path, run_cli):
    page = tmp_path / "page.md"
    page.write_text("# Course\n\nNo table here.\n")
    res = run_cli("init", "--from-syllabus", str(page), "-o", str(tmp_path / "c.yml"))
    assert res.code == 2 and "found no timeline table" in res.err
    assert not (tmp_path / "c.yml").exists()


@pytest.mark.e2e
def test_subprocess_as_typed(tmp_path):
    """The installed console script, as a user types it."""
    import subprocess

    exe = shutil.which("classroom-ops") or str(ROOT / ".venv" / "bin" / "classroom-ops")
    proc = subprocess.run([exe, "validate", "-c", str(ROOT / "examples" / "deep-learning-at-scale"
                                                      / "classroom.yml")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "12 teams, 36 students, 6 milestones" in proc.stdout
    bad = tmp_path / "bad.yml"
    bad.write_text("course: [\n")
    proc = subprocess.run([exe, "validate", "-c", str(bad)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert f"{bad}:2:1: YAML syntax error" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "classroom-ops, version 0.1.0" in proc.stdout
