"""The team starter repository: what a team finds on day one, and how the rules judge it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from classroom_ops import published
from classroom_ops.config import load_course
from classroom_ops.rules import evaluate
from classroom_ops.rules.markdown import find_section, headings

from . import teamrepo

COURSE = load_course(teamrepo.EXAMPLE)
PROPOSAL_SECTIONS = ["Problem Statement", "Motivation", "Related Work", "Approach", "Evaluation",
                     "Resources"]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def findings(files: dict[str, bytes]):
    return [(m.id, d.label, f) for m in COURSE.milestones for d in m.deliverables
            for f in evaluate(d, files, milestone=m.id)]


def test_template_ships_the_starter_files_and_no_rules_of_its_own():
    names = {p.relative_to(teamrepo.TEMPLATE).as_posix()
             for p in teamrepo.TEMPLATE.rglob("*") if p.is_file()}
    assert ".github/classroom.yml" not in names  # provisioning writes the team's rules
    assert {"README.md.jinja", "TEAM.md.jinja", "proposal.md", "midpoint.md", "report/README.md",
            "slides/README.md", "project.yml.jinja", ".gitignore",
            ".github/workflows/deliverables.yml"} <= names


@pytest.mark.parametrize("team", [t.slug for t in COURSE.teams])
def test_every_team_of_the_example_renders(team):
    files = teamrepo.rendered_files(team)
    assert not any(p.endswith(".jinja") for p in files)
    t = COURSE.team(team)
    readme = files["README.md"].decode()
    assert t.name in readme and all(m in readme for m in t.members)
    team_md = files["TEAM.md"].decode()
    assert all(m in team_md for m in t.members)


def test_readme_holds_the_deadline_table():
    readme = teamrepo.rendered_files()["README.md"].decode()
    for m in COURSE.milestones:
        row = next((ln for ln in readme.splitlines() if ln.startswith(f"| {m.title} |")), None)
        assert row, m.title
        for d in m.deliverables:
            assert d.label in row
    assert "Mon 12 Oct 23:59 EDT" in readme  # sparse-squad's extended proposal deadline
    assert "Fri 11 Dec 23:59 EST" in readme


def test_project_yml_keys_and_consent_default_to_false():
    text = teamrepo.rendered_files()["project.yml"].decode()
    data = yaml.safe_load(text)
    assert list(data) == ["title", "area", "abstract", "share_report", "share_names"]
    assert data["share_report"] is False and data["share_names"] is False
    for area in COURSE.areas:
        assert f"#   {area}\n" in text


def test_proposal_ships_the_six_headings_with_guidance_that_does_not_count():
    text = teamrepo.rendered_files()["proposal.md"].decode()
    hs = headings(text)
    for s in PROPOSAL_SECTIONS:
        assert find_section(hs, s), s
    assert "What question are you trying to answer?" in text


def test_workflow_is_copied_verbatim_and_runs_the_pinned_release_in_local_mode():
    src = (teamrepo.TEMPLATE / ".github/workflows/deliverables.yml").read_bytes()
    assert teamrepo.rendered_files()[".github/workflows/deliverables.yml"] == src
    wf = yaml.safe_load(src)
    assert set(wf[True]) == {"push", "pull_request", "workflow_dispatch"}  # `on:` is YAML 1.1 True
    assert wf["permissions"] == {}
    job = wf["jobs"]["check"]
    assert job["permissions"] == {"contents": "read"}
    runs = [s["run"] for s in job["steps"] if "run" in s]
    # the package from PyPI at this release, not an action that has to resolve
    assert runs == [f'python -m pip install --disable-pip-version-check --no-input '
                    f'"{published.pip_requirement()}"',
                    "classroom-ops check --local . --fail-on due"]
    assert all(s["uses"].startswith("actions/") for s in job["steps"] if "uses" in s)


def test_rules_fail_every_deliverable_as_shipped(tmp_path):
    got = findings(tree(teamrepo.render(tmp_path)))
    by_deliverable = {(m, label) for m, label, _ in got}
    expected = {(m.id, d.label) for m in COURSE.milestones for d in m.deliverables}
    assert by_deliverable == expected
    rules = {(label, f.rule) for _, label, f in got}
    assert {("TEAM.md", "min_words"), ("proposal.md", "min_words"),
            ("README.md", "sections")} <= rules
    # the headings are there: only the words are missing (the example's midpoint is a meeting:
    # no file)
    assert ("proposal.md", "sections") not in rules
    assert not any(label == "midpoint.md" for label, _ in rules)


def test_rules_pass_once_filled_with_good_content(tmp_path):
    assert findings(tree(teamrepo.fill(teamrepo.render(tmp_path)))) == []


def test_rules_document_written_for_the_team_matches_the_course(tmp_path):
    rules = yaml.safe_load(teamrepo.rendered_files()[".github/classroom.yml"])
    assert [m["id"] for m in rules["milestones"]] == [m.id for m in COURSE.milestones]
    assert rules["areas"] == list(COURSE.areas)


# -- the same through `classroom-ops check --local` (the command being written) ----------------

def check_local(folder: Path, tmp_path: Path):
    report = tmp_path / "report.json"
    md = tmp_path / "report.md"
    exe = Path(sys.executable).parent / "classroom-ops"
    proc = subprocess.run([str(exe), "check", "--local",
                           str(folder), "--json", str(report), "--markdown", str(md)],
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    return proc, report, md


def test_check_local_reports_every_missing_piece_as_shipped(tmp_path):
    repo = teamrepo.render(tmp_path / "repo")
    proc, report, md = check_local(repo, tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    text = json.dumps(json.loads(report.read_text()))
    for m in COURSE.milestones:
        for d in m.deliverables:
            assert d.paths[0] in text, d.label
    for m in COURSE.milestones:
        assert m.title in md.read_text()


def test_check_local_passes_a_finished_repository(tmp_path):
    repo = teamrepo.fill(teamrepo.render(tmp_path / "repo"))
    proc, report, _ = check_local(repo, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report.is_file()
