"""Every workflow and action file: the project's security rules, zizmor and actionlint."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from . import teamrepo

ROOT = teamrepo.ROOT
WORKFLOWS = sorted([*ROOT.glob(".github/workflows/*.yml"),
                    *ROOT.glob("templates/repo/.github/workflows/*.yml"),
                    *ROOT.glob("examples/instructor-repo/.github/workflows/*.yml"),
                    # the course hub's workflow, which provision writes into the hub
                    ROOT / "src/classroom_ops/formation/templates/team-registration.yml"])
ACTION = ROOT / "action.yml"
ALL = [*WORKFLOWS, ACTION]
IDS = [p.relative_to(ROOT).as_posix() for p in WORKFLOWS]

SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")
# classroom-ops' own action and reusable workflows, at a release tag (tests/action/test_published.py
# checks it is the release classroom_ops/published.py names)
OWN = re.compile(r"^classroom-ops/classroom-ops(/\.github/workflows/[\w-]+\.yml)?@v\d+\.\d+\.\d+ "
                 r"# zizmor: ignore\[unpinned-uses\] .+$")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    if True in data:  # YAML 1.1 reads `on:` as True
        data["on"] = data.pop(True)
    return data


def uses_lines(path: Path) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^\s*(?:-\s+)?uses:\s*(.+)$",
                                                      path.read_text(), re.M)]


def test_the_expected_workflows_exist():
    names = set(IDS)
    assert {".github/workflows/ci.yml", ".github/workflows/deadline-check.yml",
            ".github/workflows/provision.yml", ".github/workflows/collect.yml",
            ".github/workflows/release.yml",
            "templates/repo/.github/workflows/deliverables.yml",
            "examples/instructor-repo/.github/workflows/deadline-check.yml",
            "examples/instructor-repo/.github/workflows/provision.yml",
            "examples/instructor-repo/.github/workflows/collect.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=IDS)
def test_permissions_are_empty_at_the_top_and_granted_per_job(path):
    wf = load(path)
    assert wf.get("permissions") == {}, "top-level permissions: {} missing"
    for name, job in wf["jobs"].items():
        assert "permissions" in job, f"job {name} has no permissions of its own"
        for scope, level in (job["permissions"] or {}).items():
            assert level in ("read", "write", "none"), (name, scope, level)


@pytest.mark.parametrize("path", ALL, ids=[*IDS, "action.yml"])
def test_actions_are_pinned_and_credentials_not_persisted(path):
    text = path.read_text()
    assert "pull_request_target" not in text
    for line in uses_lines(path):
        if line.startswith("./"):
            continue
        if line.startswith(("actions/", "github/")) or "/" in line.split("@")[0]:
            assert SHA_PIN.match(line) or OWN.match(line), f"not pinned to a full SHA: {line}"
    data = load(path)
    steps = [s for job in (data.get("jobs") or {}).values() for s in job.get("steps", [])]
    steps += (data.get("runs") or {}).get("steps", [])
    for step in steps:
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, step


@pytest.mark.parametrize("path", ALL, ids=[*IDS, "action.yml"])
def test_no_expressions_inside_run_scripts(path):
    data = load(path)
    steps = [s for job in (data.get("jobs") or {}).values() for s in job.get("steps", [])]
    steps += (data.get("runs") or {}).get("steps", [])
    for step in steps:
        assert "${{" not in step.get("run", ""), step.get("name") or step["run"][:60]


def test_reusable_workflows_are_called_with_one_uses_line():
    for name in ("deadline-check", "provision", "collect"):
        wf = load(ROOT / ".github/workflows" / f"{name}.yml")
        assert set(wf["on"]) == {"workflow_call"}, name
        example = load(ROOT / "examples/instructor-repo/.github/workflows" / f"{name}.yml")
        callers = [j for j in example["jobs"].values() if "uses" in j]
        assert len(callers) == 1 and callers[0]["uses"].startswith(
            f"classroom-ops/classroom-ops/.github/workflows/{name}.yml@"), name
        # what the caller passes exists in the reusable workflow
        assert set(callers[0].get("with", {})) <= set(wf["on"]["workflow_call"]["inputs"])
        assert set(callers[0].get("secrets", {})) <= set(wf["on"]["workflow_call"]["secrets"])


def test_deadline_check_is_sharded_and_only_the_commit_job_writes():
    wf = load(ROOT / ".github/workflows/deadline-check.yml")
    jobs = wf["jobs"]
    assert jobs["check"]["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.plan.outputs.shards) }}"
    writers = {n for n, j in jobs.items() if "write" in (j["permissions"] or {}).values()}
    assert writers == {"commit"}
    example = load(ROOT / "examples/instructor-repo/.github/workflows/deadline-check.yml")
    assert example["on"]["schedule"] and "workflow_dispatch" in example["on"]


def test_provision_defaults_to_a_dry_run():
    wf = load(ROOT / ".github/workflows/provision.yml")
    assert wf["on"]["workflow_call"]["inputs"]["dry-run"]["default"] is True
    example = load(ROOT / "examples/instructor-repo/.github/workflows/provision.yml")
    assert example["on"]["workflow_dispatch"]["inputs"]["dry-run"]["default"] is True


# -- the linters ---------------------------------------------------------------------------------

def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]' installs it)")
    return found


def tool_env() -> dict[str, str]:
    # actionlint runs shellcheck on every run: script when shellcheck is on PATH
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                NO_COLOR="1")


def test_zizmor_reports_nothing():
    exe = tool("zizmor")
    proc = subprocess.run([exe, "--offline", "--no-progress", *map(str, ALL)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=tool_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout + proc.stderr


def test_actionlint_reports_nothing():
    exe = tool("actionlint")
    proc = subprocess.run([exe, "-no-color", *map(str, WORKFLOWS)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=tool_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_shellcheck_passes_the_action_scripts(tmp_path):
    """actionlint reads workflows only; the action's own bash steps get shellcheck directly."""
    exe = tool("shellcheck")
    for n, step in enumerate(yaml.safe_load(ACTION.read_text())["runs"]["steps"]):
        script = tmp_path / f"step{n}.sh"
        script.write_text(step["run"])
        proc = subprocess.run([exe, "--shell=bash", str(script)], capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 0, proc.stdout
