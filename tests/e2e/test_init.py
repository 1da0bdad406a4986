"""`classroom-ops init`: an instructors' repository from a course page, that works as written."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from classroom_ops import bundled, published
from support import ROOT, settle_scaffold

# the course's own page (a byte-for-byte copy of final-project-page.md), so no test needs ../shared
PAGE_COPY = ROOT / "tests" / "data" / "course-page.md"
WORKFLOWS = ["collect.yml", "deadline-check.yml", "provision.yml"]


def _check_plan(config: Path, out: str) -> None:
    data = yaml.safe_load(config.read_text())
    ms = data["milestones"]
    assert [(m["id"], m["due"]) for m in ms] == [
        ("team-formation", "week 4"), ("proposal", "week 6"), ("midpoint-check-in", "week 9"),
        ("draft-report", "week 12"), ("presentations", "week 14 monday 09:00"),
        ("final-report", "TODO: Last day of class")]
    proposal = ms[1]["deliverables"][0]
    # the word counts the starter's proposal.md tells students ("1-page" on the page)
    assert proposal == {"path": "proposal.md", "min_words": 250, "max_words": 800, "sections": [
        "Problem Statement", "Motivation", "Related Work", "Approach", "Evaluation", "Resources"]}
    starter = (bundled.starter_repo() / "proposal.md").read_text()
    assert "at least 250 and at most 800 words" in starter
    assert ms[0]["deliverables"][0]["min_words"] == 40
    assert "40 words or more" in (bundled.starter_repo() / "TEAM.md.jinja").read_text()
    # "meet with TA and/or professor": a meeting, its slot a TODO that validate refuses
    assert ms[2]["kind"] == "meeting" and "deliverables" not in ms[2]
    assert ms[2]["slots"][0]["at"].startswith("TODO")
    # every guess not on the page is marked TODO in the file, and listed by init
    text = config.read_text()
    assert '"report/draft.pdf"  # TODO: the page names no deliverable' in text
    assert "add `formation:` and drop these deliverables" in text
    for todo in ("course.name", "Team Formation: TEAM.md per team, or `formation:`",
                 "Midpoint Check-in: a meeting; list its slots", "Draft Report: the page names "
                 "no deliverable", "Presentations: the page says TBD"):
        assert f"TODO: {todo}" in out, todo
    final = ms[5]["deliverables"][0]
    assert final["max_pages"] == 8 and final["sections"][0] == "Abstract"
    assert len(data["archive"]["areas"]) == 9 and data["archive"]["milestone"] == "final-report"
    assert "TODO: Final Report: could not turn \"Last day of class\" into a date" in out
    assert "'Week 14-15' is a range" in out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.e2e
def test_init_scaffolds_a_repository_that_validate_refuses_until_the_todos_are_settled(
        tmp_path, run_cli):
    course = tmp_path / "course"
    res = run_cli("init", "--from-syllabus", str(PAGE_COPY), str(course))
    assert res.code == 0, res
    config = course / "classroom.yml"
    _check_plan(config, res.out)

    # the whole repository: course file, roster, starter template, workflows, README
    assert sorted(p.name for p in (course / ".github" / "workflows").iterdir()) == WORKFLOWS
    assert (course / "roster.csv").read_text() == "team,github_username\n"
    assert _files(course / "templates" / "repo") == _files(bundled.starter_repo())
    readme = (course / "README.md").read_text()
    for needed in ("CLASSROOM_APP_ID", "CLASSROOM_APP_PRIVATE_KEY", "CLASSROOM_TOKEN",
                   "GITHUB_TOKEN", published.pip_requirement(), published.RELEASE_TAG):
        assert needed in readme, needed
    data = yaml.safe_load(config.read_text())
    assert data["repos"]["template"] == "templates/repo" and data["roster"] == "roster.csv"
    assert "teams" not in data

    # the next steps, in order: validate, then a dry run of provisioning
    lines = res.out.splitlines()
    steps = lines[lines.index("next:") + 1:]
    assert steps == [f"  classroom-ops validate -c {config}",
                     f"  classroom-ops provision -c {config} --dry-run"]
    assert "TODO: settle course.term, course.org, course.timezone and course.start" in res.out

    # as written, every guess is refused at its line
    res = run_cli("validate", "-c", str(config))
    assert res.code == 2, res
    for key in ("course.term", "course.org", "course.start"):
        assert f"{key} 'TODO: " in res.err, key
    as_written = config.read_text()
    partly = (as_written.replace('"TODO: the term, like fall-2026"', "fall-2026")
              .replace('"TODO: your GitHub organization"', "dls-fall-2026")
              .replace('"TODO: the Monday of week 1, like 2026-08-31"', "2026-08-31"))
    config.write_text(partly)
    res = run_cli("validate", "-c", str(config))  # the time zone is a guess too
    assert res.code == 2 and "unknown time zone 'TODO: a time zone" in res.err, res

    # settled but for the meeting's slot: refused there
    config.write_text(as_written)
    settle_scaffold(course)
    settled = config.read_text()
    config.write_text(settled.replace('"2026-10-26 10:00"',
                                      '"TODO: a slot\'s start, like 2026-10-26 10:00"'))
    line = next(i for i, x in enumerate(config.read_text().splitlines(), 1) if "slot's" in x)
    res = run_cli("validate", "-c", str(config))
    assert res.code == 2 and f"classroom.yml:{line}:" in res.err, res
    assert "cannot read the deadline 'TODO: a slot's start" in res.err, res
    # settled (and the roster filled): it validates, with the teams from the roster
    config.write_text(settled)
    res = run_cli("validate", "-c", str(config))
    assert res.code == 0, res
    assert "2 teams, 6 students, 6 milestones" in res.out
    assert "Fri 11 Dec 2026 23:59 EST" in res.out
    rows = list(csv.reader((course / "roster.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["team", "github_username"] and rows[1][0] == "Équipe Été"


@pytest.mark.e2e
def test_the_scaffold_workflows_pass_actionlint_and_zizmor(tmp_path, run_cli):
    course = tmp_path / "course"
    assert run_cli("init", str(course)).code == 0
    files = sorted(str(p) for p in (course / ".github" / "workflows").glob("*.yml"))
    for wf in files:
        data = yaml.safe_load(Path(wf).read_text())
        [job] = data["jobs"].values()
        name = Path(wf).stem
        assert job["uses"] == published.reusable_workflow(name)
        # what the caller passes exists in the reusable workflow of this repository
        called = yaml.safe_load((ROOT / ".github" / "workflows" / f"{name}.yml").read_text())
        call = called[True]["workflow_call"]
        assert set(job.get("with", {})) <= set(call["inputs"]), name
        assert set(job.get("secrets", {})) <= set(call["secrets"]), name
    # the durable record: the deadline check commits its ledger, and the README says where
    check = yaml.safe_load((course / ".github/workflows/deadline-check.yml").read_text())
    [job] = check["jobs"].values()
    assert job["with"]["publish"] == "commit" and job["permissions"] == {"contents": "write"}
    text = (course / ".github/workflows/deadline-check.yml").read_text()
    assert "# meetings: true" in text and "# remind-before: 48h" in text
    readme = (course / "README.md").read_text()
    for needed in ("records/ledger/ledger-1-of-1.json", "classroom-ops grades -c classroom.yml "
                   "--ledger records/ledger/ledger-1-of-1.json", "classroom-ops collect",
                   "ledger-meetings.json", "`meetings:\ntrue`", "remind-before: 48h"):
        assert needed.replace("\n", "\n") in readme or needed.replace("\n", " ") in \
            readme.replace("\n", " "), needed
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               NO_COLOR="1")
    for tool, args in (("actionlint", ["-no-color"]), ("zizmor", ["--offline", "--no-progress"])):
        exe = shutil.which(tool, path=env["PATH"])
        if not exe:
            pytest.skip(f"{tool} is not installed (pip install -e '.[test]' installs it)")
        proc = subprocess.run([exe, *args, *files], capture_output=True, text=True, timeout=120,
                              env=env)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.e2e
def test_init_never_writes_into_a_folder_that_is_not_empty_without_force(tmp_path, run_cli):
    course = tmp_path / "course"
    course.mkdir()
    (course / "classroom.yml").write_text("mine")
    (course / "roster.csv").write_text("team,github_username\nÉquipe Été,alice-ng\n")
    res = run_cli("init", str(course))
    assert res.code == 2 and "is not empty; pass a new folder, or --force" in res.err
    assert sorted(p.name for p in course.iterdir()) == ["classroom.yml", "roster.csv"]
    assert (course / "classroom.yml").read_text() == "mine"
    assert run_cli("init", str(course), "--force").code == 0
    assert "Équipe Été,alice-ng" in (course / "roster.csv").read_text()  # students kept
    assert (course / "classroom.yml").read_text().startswith("# classroom-ops course file")
    assert (course / "templates" / "repo" / ".github" / "workflows" / "deliverables.yml").is_file()


@pytest.mark.e2e
def test_the_old_form_writes_the_course_file_and_the_template_it_names(tmp_path, run_cli):
    out = tmp_path / "classroom.yml"
    res = run_cli("init", "-o", str(out))
    assert res.code == 0, res
    assert _files(tmp_path / "templates" / "repo") == _files(bundled.starter_repo())
    res = run_cli("validate", "-c", str(out))
    assert res.code == 2 and "course.org 'TODO: your GitHub organization'" in res.err
    text = out.read_text()
    for todo, value in [('"TODO: the term, like fall-2026"', "fall-2026"),
                        ('"TODO: your GitHub organization"', "dls-fall-2026"),
                        ('"TODO: a time zone, like America/New_York"', "Europe/Berlin"),
                        ('"TODO: the Monday of week 1, like 2026-08-31"', "2026-08-31")]:
        text = text.replace(todo, value)
    out.write_text(text)
    res = run_cli("validate", "-c", str(out))
    assert res.code == 0, res  # the example team stays a warning-free placeholder list
    res = run_cli("init", "-o", str(out))
    assert res.code == 2 and "already exists; pass --force" in res.err


@pytest.mark.e2e
def test_init_says_where_to_write(tmp_path, run_cli):
    res = run_cli("init")
    assert res.code == 2 and "classroom-ops init DIR" in res.err and "-o classroom.yml" in res.err
    res = run_cli("init", str(tmp_path / "a"), "-o", str(tmp_path / "b.yml"))
    assert res.code == 2 and "not both" in res.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.e2e
def test_init_from_a_page_without_timeline_writes_nothing(tmp_path, run_cli):
    page = tmp_path / "page.md"
    page.write_text("# Course\n\nNo table here.\n")
    res = run_cli("init", "--from-syllabus", str(page), str(tmp_path / "course"))
    assert res.code == 2 and "found no timeline table" in res.err
    assert not (tmp_path / "course").exists()


@pytest.mark.e2e
def test_subprocess_as_typed(tmp_path):
    """The installed console script, as a user types it."""
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
    assert proc.returncode == 0 and f"classroom-ops, version {published.VERSION}" in proc.stdout
