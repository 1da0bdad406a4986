"""The deadline-check workflow serialises itself, keeps its record in the repository and fails
only when the check failed (issues 14 and 19)."""

from __future__ import annotations

import yaml

from support import ROOT

WF = ROOT / ".github" / "workflows" / "deadline-check.yml"


def load() -> dict:
    wf = yaml.safe_load(WF.read_text())
    wf["on"] = wf.pop(True, None) or wf.get("on")  # YAML 1.1 reads the key `on` as true
    return wf


def test_two_runs_never_overlap_from_the_first_check_to_the_committed_record():
    wf = load()
    group = wf["concurrency"]["group"]
    assert group == "classroom-ops-deadline-check-${{ github.repository }}"
    assert wf["concurrency"]["cancel-in-progress"] is False  # a queued run is not dropped
    [step] = [s for s in wf["jobs"]["check"]["steps"] if s.get("id") == "check"]
    assert "--lease {0}', github.repository" in step["with"]["args"]
    assert load()["on"]["workflow_call"]["inputs"]["lease"]["default"] is True


def test_the_record_is_committed_by_default_and_missing_work_does_not_fail_the_job():
    inputs = load()["on"]["workflow_call"]["inputs"]
    assert inputs["publish"]["default"] == "commit"
    assert inputs["fail-on"]["default"] == "errors"
    [step] = [s for s in load()["jobs"]["check"]["steps"] if s.get("id") == "check"]
    assert "--fail-on ${{ inputs.fail-on }}" in step["with"]["args"]


def test_the_lease_lasts_as_long_as_the_check_job_may_run():
    """A run killed holding the lease blocks others only until its job would have timed out."""
    from classroom_ops.checks.lease import DURATION, JOB_TIMEOUT_MINUTES

    assert load()["jobs"]["check"]["timeout-minutes"] == JOB_TIMEOUT_MINUTES
    assert DURATION.total_seconds() == JOB_TIMEOUT_MINUTES * 60
