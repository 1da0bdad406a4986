"""Check and collect under GitHub's bad minutes, killed halfway, and with the wrong token.

The end state must be the one a clean run reaches: the same judgments, one issue per failing team
and milestone, one comment per fix, tags where the ledger says; and no token anywhere.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_check import at, proposal, push

pytestmark = [pytest.mark.integration, pytest.mark.resilience]

EXPECTED = {("sparse-squad", "proposal"): "on_time", ("dense-crew", "proposal"): "missing",
            ("kv-cachers", "proposal"): "missing"}


@pytest.fixture
def after_deadline(course_env, tmp_path):
    """Provisioned; one team on time, one partial, one silent; the clock past the deadline."""
    env, sb = course_env, course_env.sandbox
    sb.set_clock(at("2026-09-01T12:00:00-04:00"))
    assert env.run("provision", "--yes").code == 0
    env.join()  # the students accept their invitations
    env.work = tmp_path / "work"
    env.work.mkdir()
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    push(env, "dave", "dense-crew", {"proposal.md": proposal(["Problem Statement"])})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    sb.clear_requests()
    return env


def end_state(env) -> dict:
    gh = env.gh()
    ledger = json.loads((env.dir / "ledger.json").read_text())
    state = {"ledger": {(t, m): e["status"] for t, ms in ledger["teams"].items()
                        for m, e in ms.items()}, "issues": {}, "tags": {}}
    for slug in ("sparse-squad", "dense-crew", "kv-cachers"):
        repo = gh.get_repo(f"dls/final-{slug}")
        issues = list(repo.get_issues(state="all"))
        state["issues"][slug] = sorted((i.title, i.state, i.comments) for i in issues)
        tags = [r.ref for r in repo.get_git_matching_refs("tags/submission/")]
        state["tags"][slug] = tags
    return state


def run_check(env, *extra):
    return env.run("check", "--milestone", "proposal", "--ledger", str(env.dir / "ledger.json"),
                   *extra)


CLEAN = {
    "ledger": EXPECTED,
    "issues": {"sparse-squad": [], "dense-crew": [
        ("Missing deliverables: Project Proposal (due Fri 9 Oct 23:59 EDT)", "open", 0)],
        "kv-cachers": [
        ("Missing deliverables: Project Proposal (due Fri 9 Oct 23:59 EDT)", "open", 0)]},
    "tags": {s: ["refs/tags/submission/proposal"] for s in ("sparse-squad", "dense-crew",
                                                            "kv-cachers")},
}


def test_check_under_faults_ends_like_a_clean_run(after_deadline):
    env, sb = after_deadline, after_deadline.sandbox
    sb.add_fault(match={"method": "POST", "path_regex": r"/issues$"}, kind="status", status=502,
                 after_write=True, times=2)
    sb.add_fault(match={"method": "POST", "path_regex": r"/git/refs$"}, kind="drop", times=2)
    sb.add_fault(match={"method": "GET", "path_regex": r"/activity$"},
                 kind="secondary_rate_limit", retry_after=1, times=1)
    sb.add_fault(match={"method": "GET", "path_regex": r"/git/trees/"}, kind="status",
                 status=502, times=2)
    sb.add_fault(match={"method": "GET", "path_regex": r"/git/blobs/"},
                 kind="primary_rate_limit", retry_after=1, times=1)
    res = run_check(env)
    assert res.code == 1, res
    assert end_state(env) == CLEAN
    sb.clear_requests()
    assert run_check(env).code == 1
    assert [r for r in sb.requests() if r["method"] != "GET"] == []


def test_check_killed_after_k_writes_then_rerun(after_deadline):
    env, sb = after_deadline, after_deadline.sandbox
    for k in (1, 2, 3, 4):
        if (env.dir / "ledger.json").exists():
            (env.dir / "ledger.json").unlink()  # a crash can also lose the whole record
        sb.add_fault(match={"path_regex": "."}, kind="latency", latency_ms=30)
        child = dict(os.environ, GITHUB_TOKEN=env.tokens["prof-lee"])
        proc = subprocess.Popen(
            [sys.executable, "-m", "classroom_ops", "check", "--milestone", "proposal",
             "--ledger", str(env.dir / "ledger.json"), "-c", str(env.config),
             "--api-url", sb.api_url], env=child, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        base = sum(1 for r in sb.requests() if r["method"] != "GET")
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if sum(1 for r in sb.requests() if r["method"] != "GET") - base >= k:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
        proc.wait(timeout=30)
        sb.clear_faults()
        time.sleep(0.1)  # let a request the killed run left in flight land
    assert run_check(env).code == 1
    assert end_state(env) == CLEAN


def test_fixes_after_faults_close_issues_once(after_deadline):
    env, sb = after_deadline, after_deadline.sandbox
    assert run_check(env).code == 1
    sb.set_clock(at("2026-10-11T10:00:00-04:00"))
    push(env, "erin", "dense-crew", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-12T10:00:00-04:00"))
    sb.add_fault(match={"method": "POST", "path_regex": r"/comments$"}, kind="status",
                 status=502, after_write=True, times=1)
    sb.add_fault(match={"method": "PATCH", "path_regex": r"/issues/\d+$"}, kind="drop", times=1)
    run_check(env)
    state = end_state(env)
    assert state["ledger"][("dense-crew", "proposal")] == "late"
    assert state["issues"]["dense-crew"] == [
        ("Missing deliverables: Project Proposal (due Fri 9 Oct 23:59 EDT)", "closed", 1)]


def test_tokens_never_leak(after_deadline, tmp_path):
    env = after_deadline
    outputs = []
    for args in (("check", "--ledger", str(env.dir / "ledger.json"), "--json",
                  str(env.dir / "r.json"), "--markdown", str(env.dir / "r.md"), "-v"),
                 ("status", "--ledger", str(env.dir / "ledger.json"), "--html",
                  str(env.dir / "d.html"), "--json", str(env.dir / "d.json")),
                 ("collect", "--ledger", str(env.dir / "ledger.json"), "-o",
                  str(env.dir / "archive")),
                 ("provision", "--dry-run")):
        res = env.run(*args)
        outputs += [res.out, res.err]
    # an error that quotes the request must not quote the token either
    res = env.run("check", "--api-url", env.sandbox.api_url + "/nope", "--no-issues")
    outputs += [res.out, res.err]
    texts = outputs + [p.read_text(errors="replace") for p in Path(env.dir).rglob("*")
                       if p.is_file() and p.stat().st_size < 5_000_000]
    for login, token in env.tokens.items():
        assert not [t for t in texts if token in t], f"{login}'s token leaked"


def test_a_token_with_too_few_permissions(after_deadline):
    env, sb = after_deadline, after_deadline.sandbox
    res = env.run("provision", "--yes", as_user="alice")
    assert res.code == 2 and "alice is a member of dls, not an owner" in res.err
    assert [r for r in sb.requests() if r["method"] != "GET"] == []
    res = env.run("check", "--ledger", str(env.dir / "l.json"), as_user="alice")
    assert res.code == 2 and "Traceback" not in res.err
    assert "alice is a member of dls, not an owner; the deadline check" in res.err
    assert [r for r in sb.requests() if r["method"] != "GET"] == []
    assert not (env.dir / "l.json").exists()
    env.monkeypatch.setenv("GITHUB_TOKEN", "ghp_" + "x" * 36)
    res = env.run_cli("check", "-c", str(env.config), "--api-url", sb.api_url)
    assert res.code == 2 and "the token was refused (401 Bad credentials)" in res.err
    assert "ghp_xxxx" not in res.err


def test_collect_under_faults_equals_a_clean_collect(after_deadline):
    env, sb = after_deadline, after_deadline.sandbox
    assert run_check(env, "--no-issues").code == 1
    args = ("collect", "--milestone", "proposal", "--ledger", str(env.dir / "ledger.json"))
    sb.add_fault(match={"method": "GET", "path_regex": r"/git/blobs/"}, kind="status",
                 status=502, times=3)
    sb.add_fault(match={"method": "GET", "path_regex": r"/git/trees/"}, kind="drop", times=2)
    sb.add_fault(match={"method": "GET", "path_regex": r"/repos/dls/final-[a-z-]+$"},
                 kind="secondary_rate_limit", retry_after=1, times=1)
    faulty = env.run(*args, "-o", str(env.dir / "faulty"))
    sb.clear_faults()
    clean = env.run(*args, "-o", str(env.dir / "clean"))
    assert faulty.code == clean.code
    tree = {}
    for name in ("faulty", "clean"):
        root = env.dir / name
        tree[name] = {p.relative_to(root).as_posix(): p.read_bytes()
                      for p in sorted(root.rglob("*")) if p.is_file()}
    assert tree["faulty"].keys() == tree["clean"].keys()
    assert tree["faulty"] == tree["clean"]


def test_a_rate_limit_that_cannot_be_waited_out_stops_the_run(after_deadline):
    env, sb = after_deadline, after_deadline.sandbox
    sb.add_fault(match={"method": "GET", "path_regex": r"/activity$"},
                 kind="primary_rate_limit", retry_after=3600)
    res = run_check(env)
    assert res.code == 1 and "Traceback" not in res.err
    assert "GitHub's rate limit is used up" in res.err and "rerun then" in res.err
    hits = [r for r in sb.requests() if r["path"].endswith("/activity")]
    assert len(hits) == 1  # stopped at once, instead of trying every other team
    sb.clear_faults()
    assert run_check(env).code == 1  # the rerun goes on
    assert end_state(env) == CLEAN


def _kill_holding_the_lease(env, sb):
    env.gh().get_organization("dls").create_repo("instructors", private=True, auto_init=True)
    sb.clear_requests()
    child = dict(os.environ, GITHUB_TOKEN=env.tokens["prof-lee"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "classroom_ops", "check", "--milestone", "proposal",
         "--ledger", str(env.dir / "ledger.json"), "--lease", "dls/instructors",
         "-c", str(env.config), "--api-url", sb.api_url], env=child,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sb.add_fault(match={"path_regex": "/repos/dls/final-"}, kind="latency", latency_ms=200)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if any(r["method"] == "POST" and r["path"] == "/repos/dls/instructors/git/refs"
               for r in sb.requests()):
            proc.send_signal(signal.SIGKILL)  # holding the lease
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    sb.clear_faults()
    time.sleep(0.1)
    res = run_check(env, "--lease", "dls/instructors")
    assert res.code == 1 and "another deadline check of these teams is running" in res.err
    assert "--break-lease" in res.err  # what to do if that run is dead


def lease_refs(env) -> list[str]:
    return [r.ref for r in
            env.gh().get_repo("dls/instructors").get_git_matching_refs("classroom-ops/")]


def test_a_check_killed_holding_the_lease_blocks_only_until_it_expires(after_deadline):
    env, sb = after_deadline, after_deadline.sandbox
    _kill_holding_the_lease(env, sb)
    sb.set_clock(at("2026-10-10T12:55:00-04:00"))
    assert "another deadline check" in run_check(env, "--lease", "dls/instructors").err
    # the check job's timeout-minutes (60) after the lease was taken, not 2 hours
    sb.set_clock(at("2026-10-10T13:05:00-04:00"))
    res = run_check(env, "--lease", "dls/instructors")
    assert "another deadline check" not in res.err and res.code == 1
    assert end_state(env) == CLEAN
    assert lease_refs(env) == []  # the dead run's expired lease was tidied away, ours given back


def test_a_person_breaks_a_dead_runs_lease_at_once(after_deadline):
    env, sb = after_deadline, after_deadline.sandbox
    _kill_holding_the_lease(env, sb)
    [dead] = lease_refs(env)
    sb.clear_requests()
    res = run_check(env, "--lease", "dls/instructors", "--break-lease")
    assert res.code == 1 and "another deadline check" not in res.err, res.err
    assert f"broke the lease {dead} in dls/instructors, taken " in res.out
    assert "(0 min ago)" in res.out
    deletes = [r["path"] for r in sb.requests() if r["method"] == "DELETE"
               and r["path"].startswith("/repos/dls/instructors/")]
    assert len(deletes) == 2 and dead.removeprefix("refs/") in deletes[0]  # the dead one, ours
    assert end_state(env) == CLEAN
    assert lease_refs(env) == []
    res = run_check(env, "--lease", "dls/instructors", "--break-lease")  # nothing left to break
    assert "no lease of these teams in dls/instructors" in res.out
    res = run_check(env, "--break-lease")
    assert res.code == 2 and "--break-lease goes with --lease OWNER/REPO" in res.err
    res = run_check(env, "--lease", "dls/instructors", "--break-lease", "--dry-run")
    assert res.code == 2 and "a dry run writes nothing" in res.err




def test_a_lease_that_cannot_be_given_back_expires(after_deadline):
    env, sb = after_deadline, after_deadline.sandbox
    env.gh().get_organization("dls").create_repo("instructors", private=True, auto_init=True)
    sb.add_fault(match={"method": "DELETE", "path_regex": "/repos/dls/instructors/git/refs/"},
                 kind="primary_rate_limit", retry_after=3600)
    res = run_check(env, "--lease", "dls/instructors")
    assert res.code == 1 and "Traceback" not in res.err
    assert "could not be given back; it expires within 60 minutes" in res.out
    assert end_state(env) == CLEAN
