"""action.yml run the way the runner runs it: inputs, environment, files, outputs, annotations.

The action's steps run with bash, in order, as the runner would run them. CLASSROOM_OPS_PYTHON
points the action at this test run's interpreter (classroom-ops installed), so the tests stay
offline and fast; the install-from-the-action-folder path runs in CI (`uses: ./` in ci.yml).
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
import yaml

from classroom_ops.sandbox import Sandbox

from . import teamrepo
from .runner import ActionRunner

ROOT = teamrepo.ROOT
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
TOKEN = "ghs_" + "T0ken" * 8


def make_runner(tmp_path: Path, workspace: Path | None = None, **kw) -> ActionRunner:
    workspace = workspace or tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    env = {"CLASSROOM_OPS_PYTHON": sys.executable, **kw.pop("env", {})}
    return ActionRunner(ROOT, workspace, temp, token=kw.pop("token", TOKEN), env=env, **kw)


def command_line(log: str) -> list[str]:
    """The classroom-ops command line the action printed before running it."""
    lines = [ln for ln in log.splitlines() if ln.startswith("classroom-ops ")]
    assert len(lines) == 1, log
    return shlex.split(lines[0])[1:]


# -- the metadata itself ------------------------------------------------------------------------

def test_every_input_reaches_the_scripts_through_env_only():
    steps = ACTION["runs"]["steps"]
    for step in steps:
        assert "${{" not in step["run"], f"expression inside run: of step {step.get('name')}"
    env_values = [str(v) for s in steps for v in (s.get("env") or {}).values()]
    for name in ACTION["inputs"]:
        assert any(f"inputs.{name} }}}}" in v for v in env_values), f"input {name} is not mapped"
    assert set(ACTION["inputs"]) == {"command", "config", "token", "milestone", "team", "local",
                                     "shard", "api-url", "args"}
    assert ACTION["inputs"]["token"]["default"] == "${{ github.token }}"
    assert ACTION["inputs"]["api-url"]["default"] == "${{ github.api_url }}"
    assert ACTION["inputs"]["command"]["default"] == "check"
    assert set(ACTION["outputs"]) == {"findings", "report", "summary", "dashboard"}
    for name, spec in ACTION["outputs"].items():  # each from the step that runs the CLI
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}", name


# -- mapping of inputs to flags -----------------------------------------------------------------

@pytest.mark.parametrize("with_, expected", [
    ({"local": "."}, ["check", "--local", "."]),
    ({"local": "true", "milestone": "proposal"}, ["check", "--local", ".", "--milestone", "proposal"]),
    ({"local": "false", "config": "course/classroom.yml"},
     ["check", "-c", "course/classroom.yml", "--api-url", "https://api.github.com"]),
    ({"milestone": "proposal", "team": "kv-cachers", "shard": "2/4",
      "api-url": "http://127.0.0.1:9/api", "args": "--no-issues --at '2026-10-10 00:00'"},
     ["check", "-c", "classroom.yml", "--api-url", "http://127.0.0.1:9/api", "--milestone",
      "proposal", "--team", "kv-cachers", "--shard", "2/4", "--no-issues", "--at",
      "2026-10-10 00:00"]),
    ({"command": "status", "args": "--html dashboard.html"},
     ["status", "-c", "classroom.yml", "--api-url", "https://api.github.com", "--html",
      "dashboard.html"]),
])
def test_inputs_map_to_flags(tmp_path, with_, expected):
    res = make_runner(tmp_path).run(with_)
    assert command_line(res.log) == expected


def test_hostile_inputs_are_data_not_code(tmp_path):
    runner = make_runner(tmp_path)
    ws = runner.workspace
    res = runner.run({"command": "provision", "config": "nope.yml",
                      "team": "$(touch pwned-team)",
                      "args": "--dry-run '$(touch pwned-args)' \"`touch pwned-tick`\" ; x"})
    assert command_line(res.log) == [
        "provision", "-c", "nope.yml", "--api-url", "https://api.github.com", "--team",
        "$(touch pwned-team)", "--dry-run", "$(touch pwned-args)", "`touch pwned-tick`", ";", "x"]
    assert not list(ws.glob("pwned*")) and not list(ROOT.glob("pwned*"))
    assert res.code == 2  # click refuses the stray arguments: a usage error, not a shell


def test_token_is_masked_first_and_never_printed(tmp_path):
    res = make_runner(tmp_path).run({"command": "provision", "config": "missing.yml"})
    first = res.log.splitlines()[0]
    assert first == f"::add-mask::{TOKEN}"
    assert TOKEN in res.masks
    assert res.log.count(TOKEN) == res.log.count("::add-mask::"), res.log
    assert res.code == 2


def test_unknown_command_is_an_error_annotation(tmp_path):
    res = make_runner(tmp_path).run({"command": "delete-everything"})
    assert res.code == 2
    [err] = res.errors()
    assert "delete-everything" in err.message and "check, provision, collect, status" in err.message
    assert err.properties.get("title") == "classroom-ops action"


def test_local_mode_is_for_check_only(tmp_path):
    res = make_runner(tmp_path).run({"command": "provision", "local": "."})
    assert res.code == 2
    assert "only for command check" in res.errors()[0].message


def test_unsplittable_args_are_an_error_annotation(tmp_path):
    res = make_runner(tmp_path).run({"args": "--at 'unterminated"})
    assert res.code == 2
    assert "args cannot be split" in res.errors()[0].message


def test_a_python_without_classroom_ops_is_refused(tmp_path):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    res = make_runner(tmp_path, env={"CLASSROOM_OPS_PYTHON": str(fake)}).run({})
    assert res.code == 2
    assert "cannot import classroom_ops" in res.errors()[0].message


# -- org mode against the sandbox ---------------------------------------------------------------

COURSE = """\
course: {{name: Deep Learning at Scale, term: fall-2026, org: dls, timezone: America/New_York,
          start: 2026-08-31}}
staff: {{team: staff, members: [prof-lee]}}
repos: {{template: {template}, name: "final-{{team}}"}}
teams:
  - {{name: Sparse Squad, members: [alice, bob, carol]}}
  - {{name: KV Cachers, members: [gina, hal, ivy]}}
milestones:
  - id: proposal
    title: Project Proposal
    due: week 6
    deliverables:
      - {{path: proposal.md, sections: [Problem Statement, Motivation], min_words: 250}}
"""


@pytest.mark.integration
def test_provision_dry_run_through_the_action_against_the_sandbox(tmp_path):
    from classroom_ops.commands.sandbox_cmd import seed_for
    from classroom_ops.config import load_course

    course_file = tmp_path / "workspace" / "course" / "classroom.yml"
    course_file.parent.mkdir(parents=True)
    course_file.write_text(COURSE.format(template=ROOT / "templates" / "repo"))
    with Sandbox() as sb:
        tokens = sb.seed(seed_for(load_course(course_file)))
        runner = make_runner(tmp_path, token=tokens["prof-lee"], api_url=sb.api_url)
        res = runner.run({"command": "provision", "config": "course/classroom.yml",
                          "team": "kv-cachers", "args": "--dry-run"})
        writes = [r for r in sb.requests() if r["method"] != "GET"]
    assert res.code == 0, res.log
    assert command_line(res.log)[:5] == ["provision", "-c", "course/classroom.yml", "--api-url",
                                         sb.api_url]
    assert "kv-cachers" in res.log and "sparse-squad" not in res.log.replace("-c ", "")
    assert "dry run: nothing written" in res.log
    assert writes == []
    assert tokens["prof-lee"] not in res.log.replace(f"::add-mask::{tokens['prof-lee']}", "")


# -- local mode on a rendered team repository (needs `classroom-ops check`) ---------------------

def test_local_mode_on_the_starter_repository_reports_every_missing_piece(tmp_path):
    ws = teamrepo.render(tmp_path / "workspace")
    res = make_runner(tmp_path, workspace=ws).run({"local": "."})
    assert res.code == 1, res.log
    # One finding per file deliverable: each untouched file is "still the starter file" (the
    # rules file carries provisioning's starter map); the meetings ask for no file.
    assert int(res.outputs["findings"]) == 5
    report = Path(res.outputs["report"])
    summary = Path(res.outputs["summary"])
    assert report.is_file() and summary.is_file()
    data = json.loads(report.read_text())
    text = json.dumps(data)
    # the rules file carries provisioning's starter map: an untouched file is one finding
    assert "proposal.md is still the starter file" in text
    for path in ("TEAM.md", "proposal.md", "report/draft.pdf",
                 "report/final.pdf", "README.md"):
        assert path in text, path
    # the job summary holds the Markdown status table, one row per milestone
    for title in ("Team Formation", "Project Proposal", "Midpoint Check-in", "Draft Report",
                  "Presentation", "Final Report"):
        assert title in res.summary, title
    assert summary.read_text().strip() in res.summary
    files = {a.properties.get("file", "") for a in res.errors()}
    for path in ("TEAM.md", "proposal.md"):  # the example's midpoint is a meeting: no file
        assert any(f.endswith(path) for f in files), (path, files)


def test_local_mode_on_a_finished_repository_is_green(tmp_path):
    ws = teamrepo.fill(teamrepo.render(tmp_path / "workspace"))
    res = make_runner(tmp_path, workspace=ws).run({"local": ".", "args": ""})
    assert res.code == 0, res.log
    assert res.outputs["findings"] == "0"
    assert res.errors() == []
    assert Path(res.outputs["report"]).is_file()
    assert "Final Report" in res.summary


@pytest.mark.integration
def test_org_wide_check_through_the_action_against_the_sandbox(tmp_path):
    """Provision and check the course through the action, as the instructors' workflows do."""
    from datetime import datetime

    from classroom_ops.commands.sandbox_cmd import seed_for
    from classroom_ops.config import load_course

    course_file = tmp_path / "workspace" / "classroom.yml"
    course_file.parent.mkdir(parents=True)
    course_file.write_text(COURSE.format(template=ROOT / "templates" / "repo"))
    with Sandbox() as sb:
        tokens = sb.seed(seed_for(load_course(course_file)))
        sb.set_clock(datetime.fromisoformat("2026-09-01T12:00:00-04:00"))
        runner = make_runner(tmp_path, token=tokens["prof-lee"], api_url=sb.api_url)
        res = runner.run({"command": "provision", "args": "--yes"})
        assert res.code == 0, res.log
        sb.set_clock(datetime.fromisoformat("2026-10-10T12:00:00-04:00"))  # proposal is due
        ledger = tmp_path / "ledger.json"
        res = runner.run({"milestone": "proposal", "shard": "1/1",
                          "args": f"--ledger {shlex.quote(str(ledger))}"})
    assert res.code == 1, res.log
    assert command_line(res.log)[:5] == ["check", "-c", "classroom.yml", "--api-url", sb.api_url]
    assert int(res.outputs["findings"]) >= 2  # neither team pushed a proposal
    report = json.loads(Path(res.outputs["report"]).read_text())
    assert "sparse-squad" in json.dumps(report) and "kv-cachers" in json.dumps(report)
    assert Path(res.outputs["summary"]).read_text().strip() in res.summary
    assert "Project Proposal" in res.summary or "proposal" in res.summary
    assert ledger.is_file()
    assert res.errors(), res.log
    assert tokens["prof-lee"] not in res.log.replace(f"::add-mask::{tokens['prof-lee']}", "")


@pytest.mark.integration
def test_status_through_the_action_sets_the_dashboard_output(tmp_path):
    """The dashboard workflow: check, then status; every path status writes is an output."""
    from datetime import datetime

    from classroom_ops.commands.sandbox_cmd import seed_for
    from classroom_ops.config import load_course

    course_file = tmp_path / "workspace" / "classroom.yml"
    course_file.parent.mkdir(parents=True)
    course_file.write_text(COURSE.format(template=ROOT / "templates" / "repo"))
    ledger = shlex.quote(str(tmp_path / "ledger.json"))
    with Sandbox() as sb:
        tokens = sb.seed(seed_for(load_course(course_file)))
        sb.set_clock(datetime.fromisoformat("2026-09-01T12:00:00-04:00"))
        runner = make_runner(tmp_path, token=tokens["prof-lee"], api_url=sb.api_url)
        assert runner.run({"command": "provision", "args": "--yes"}).code == 0
        sb.set_clock(datetime.fromisoformat("2026-10-10T12:00:00-04:00"))  # proposal is due
        assert runner.run({"args": f"--ledger {ledger} --no-issues"}).code == 1
        sb.clear_requests()
        res = runner.run({"command": "status", "args": f"--ledger {ledger}"})
        writes = [r for r in sb.requests() if r["method"] != "GET"]
    assert res.code == 0, res.log
    assert command_line(res.log)[:5] == ["status", "-c", "classroom.yml", "--api-url", sb.api_url]
    dashboard = Path(res.outputs["dashboard"])
    assert dashboard.name == "classroom-ops-status.html" and dashboard.parent == runner.temp
    page = dashboard.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "sparse-squad" in page and "kv-cachers" in page
    report = json.loads(Path(res.outputs["report"]).read_text())
    assert report["counts"]["missing"] == 2  # neither team pushed a proposal
    assert Path(res.outputs["summary"]).read_text().strip() in res.summary
    assert writes == []  # status only reads
    assert tokens["prof-lee"] not in res.log.replace(f"::add-mask::{tokens['prof-lee']}", "")


def test_args_reach_check_fail_on_never_reports_but_stays_green(tmp_path):
    """Extra flags pass through: the findings are still counted, but the step succeeds."""
    ws = teamrepo.render(tmp_path / "workspace")
    res = make_runner(tmp_path, workspace=ws).run({"local": ".", "args": "--fail-on never"})
    assert command_line(res.log) == ["check", "--local", ".", "--fail-on", "never"]
    assert res.code == 0, res.log
    assert int(res.outputs["findings"]) > 0
    assert res.errors()
