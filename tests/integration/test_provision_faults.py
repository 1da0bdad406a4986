"""Provisioning under GitHub's bad minutes, and killed halfway: the end state must equal a clean
run's, with nothing created twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from classroom_ops.adapter import GitHub
from classroom_ops.errors import Unavailable
from classroom_ops.provision import prepare
from classroom_ops.sandbox import Sandbox

from .conftest import make_course_env
from .snapshots import org_state

pytestmark = [pytest.mark.integration, pytest.mark.resilience]


@pytest.fixture(scope="module")
def clean_state(tmp_path_factory):
    """The end state of an undisturbed run, computed once through the library."""
    with Sandbox() as sb:
        env = make_course_env(sb, tmp_path_factory.mktemp("clean"), None, None)
        course = env.course()
        gh = GitHub(sb.api_url, env.tokens["prof-lee"], write_delay=0)
        results = prepare(gh, course, env.dir, None).apply()
        assert not [r.error for r in results if r.error]
        return org_state(env.gh(), "dls")


def test_rate_limits_5xx_and_drops_end_in_the_clean_state(clean_state, course_env):
    sb = course_env.sandbox
    sb.add_fault(match={"method": "POST", "path": "/orgs/dls/repos"},
                 kind="secondary_rate_limit", retry_after=1, times=1)
    sb.add_fault(match={"method": "POST", "path": "/orgs/dls/repos"}, kind="status",
                 status=502, after_write=True, times=1)
    sb.add_fault(match={"method": "POST", "path": "/orgs/dls/teams"}, kind="status",
                 status=502, after_write=True, times=2)
    sb.add_fault(match={"method": "PUT", "path_regex": r"/memberships/"}, kind="drop", times=2)
    sb.add_fault(match={"method": "POST", "path_regex": r"/git/commits$"}, kind="status",
                 status=502, after_write=True, times=1)
    sb.add_fault(match={"method": "GET", "path": "/orgs/dls/teams"}, kind="primary_rate_limit",
                 retry_after=1, times=1)
    sb.add_fault(match={"method": "PUT", "path_regex": r"/teams/staff/repos/"}, kind="status",
                 status=503, times=2)
    started = time.monotonic()
    res = course_env.run("provision", "--yes")
    elapsed = time.monotonic() - started
    assert res.code == 0, res
    assert org_state(course_env.gh(), "dls") == clean_state
    # It waited as told (1 s secondary + about 2 s primary), instead of hammering.
    assert elapsed >= 2.0
    posts = [r for r in sb.requests() if r["method"] == "POST" and r["path"] == "/orgs/dls/repos"]
    # one refused by the secondary limit, one that failed after creating, then the other two
    assert len(posts) == 4
    # the repository that failed after being created was looked up, not created again
    assert sum(1 for r in posts if r["status"] == 201) == 2


def test_a_create_that_keeps_failing_is_looked_up_and_bounded(course_env):
    sb = course_env.sandbox
    sleeps: list[float] = []
    gh = GitHub(sb.api_url, course_env.tokens["prof-lee"], write_delay=0, sleep=sleeps.append)
    sb.add_fault(match={"method": "POST", "path": "/orgs/dls/repos"}, kind="status", status=502)
    with pytest.raises(Unavailable) as e:
        gh.create_repo("dls", "x", private=True, description="", auto_init=True)
    assert "GitHub answered 502" in str(e.value)
    log = [(r["method"], r["path"]) for r in sb.requests()]
    creates = [i for i, r in enumerate(log) if r == ("POST", "/orgs/dls/repos")]
    assert len(creates) == 6
    # before every new attempt, a look-up of what the failed one may have created
    for i in creates[:-1]:
        assert log[i + 1] == ("GET", "/repos/dls/x")
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0]  # backing off, not hammering


def test_a_team_whose_create_fails_is_reported_and_the_rest_go_on(course_env):
    sb = course_env.sandbox
    assert course_env.run("provision", "--yes", "--team", "sparse-squad").code == 0
    sb.add_fault(match={"method": "POST", "path": "/orgs/dls/repos"}, kind="status", status=502,
                 times=1)
    sb.add_fault(match={"method": "POST", "path": "/orgs/dls/teams"}, kind="status", status=422,
                 times=1, message="Validation Failed")
    res = course_env.run("provision", "--yes")
    assert res.code == 1
    assert "1 teams done, 1 failed" in res.out
    assert "error: dense-crew: creating team Dense Crew: GitHub says 422 Validation Failed" \
        in res.out
    assert "rerun the same command to finish" in res.out
    assert course_env.run("provision", "--yes").code == 0
    assert course_env.run("provision", "--dry-run").out.count("nothing to do") == 1


def _run_until_killed(env, k: int) -> int:
    """Start provision in a child process; SIGKILL it once the sandbox saw k writes."""
    sb = env.sandbox
    sb.clear_requests()
    # Slow every write a little so the kill lands close to the k-th write.
    sb.add_fault(match={"path_regex": "."}, kind="latency", latency_ms=40)
    child_env = dict(os.environ, GITHUB_TOKEN=env.tokens["prof-lee"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "classroom_ops", "provision", "--yes", "-c", str(env.config),
         "--api-url", sb.api_url],
        env=child_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if sum(1 for r in sb.requests() if r["method"] != "GET") >= k:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        proc.wait(timeout=30)
        sb.clear_faults()
    return proc.returncode


@pytest.mark.parametrize("k", [1, 3, 6, 9, 10, 12, 20])
def test_killed_after_k_writes_then_rerun(k, clean_state, course_env):
    code = _run_until_killed(course_env, k)
    assert code == -signal.SIGKILL
    res = course_env.run("provision", "--yes")
    assert res.code == 0, res
    state = org_state(course_env.gh(), "dls")
    for kind in ("repos", "teams"):  # compared piece by piece so a failure says where
        for name in clean_state[kind]:
            assert state[kind].get(name) == clean_state[kind][name], (kind, name, res.out)
    assert state == clean_state
