"""Regressions found in review: each scenario an instructor could hit, with what must happen."""

from __future__ import annotations

import json

import pytest

from .test_check import SECTIONS, at, cells, check, issues, proposal, push

pytestmark = pytest.mark.integration


def test_an_extension_granted_after_the_judgment_is_honoured(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:4])})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal")
    assert cells(env)[("dense-crew", "proposal")]["status"] == "missing"
    env.config.write_text(env.config.read_text().replace(
        "  grace: 15m\n", "  grace: 15m\n  extensions:\n"
        "    - {team: dense-crew, milestone: proposal, until: 2026-10-16 23:59}\n"))
    sb.set_clock(at("2026-10-12T12:00:00-04:00"))
    push(env, "dave", "dense-crew", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-20T12:00:00-04:00"))
    check(env, "--milestone", "proposal")
    c = cells(env)[("dense-crew", "proposal")]
    assert c["status"] == "on_time" and c["extended"] is True
    [issue] = issues(env, "dense-crew")  # the issue of the first judgment is closed, once
    assert issue.state == "closed"
    [comment] = [cm.body for cm in issue.get_comments()]
    assert "before the team's deadline, which was extended. Recorded as on time" in comment


def test_a_future_at_is_refused_unless_it_is_a_dry_run(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-09-02T12:00:00-04:00"))
    res = check(env, "--at", "2026-12-31")
    assert res.code == 2 and "later than GitHub's clock" in res.err
    assert not (env.dir / "ledger.json").exists()
    assert check(env, "--at", "2026-12-31", "--dry-run").code == 1  # a preview is fine
    assert issues(env, "sparse-squad") == []
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal")
    assert cells(env)[("sparse-squad", "proposal")]["status"] == "on_time"


def test_one_fixed_comment_even_when_closing_failed_once(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:4])})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal")
    push(env, "dave", "dense-crew", {"proposal.md": proposal()})
    sb.add_fault(match={"method": "PATCH", "path": "/repos/dls/final-dense-crew/issues/1"},
                 kind="status", status=403, times=1, message="Forbidden")
    check(env, "--milestone", "proposal")
    check(env, "--milestone", "proposal")
    issue = env.gh().get_repo("dls/final-dense-crew").get_issue(1)
    assert issue.state == "closed"
    assert sum("classroom-ops:fixed" in c.body for c in issue.get_comments()) == 1


def test_an_extension_into_the_future_withdraws_the_judgment_and_its_issue(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal", "--team", "kv-cachers")
    [issue] = issues(env, "kv-cachers")
    assert issue.state == "open"
    env.config.write_text(env.config.read_text().replace(
        "  grace: 15m\n", "  grace: 15m\n  extensions:\n"
        "    - {team: kv-cachers, milestone: proposal, until: 2026-10-16 23:59}\n"))
    sb.set_clock(at("2026-10-11T12:00:00-04:00"))
    check(env, "--milestone", "proposal", "--team", "kv-cachers")
    assert cells(env)[("kv-cachers", "proposal")]["status"] == "pending"
    [issue] = issues(env, "kv-cachers")
    assert issue.state == "closed"
    [comment] = [c.body for c in issue.get_comments()]
    assert "extended to Fri 16 Oct 23:59 EDT" in comment
    ledger = json.loads((env.dir / "ledger.json").read_text())
    assert "proposal" not in ledger["teams"].get("kv-cachers", {})
    sb.clear_requests()
    check(env, "--milestone", "proposal", "--team", "kv-cachers")  # nothing more to do
    assert [r for r in sb.requests() if r["method"] != "GET"] == []


def test_an_annotated_tag_on_the_right_commit_is_not_a_moved_tag(semester):
    from .gitops import git

    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    good = push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    dest = env.work / "dls__final-sparse-squad"
    git("tag", "-a", "-m", "our proposal", "submission/proposal", good, cwd=dest)
    git("push", "-q", "origin", "refs/tags/submission/proposal", cwd=dest)
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    sb.clear_requests()
    res = check(env, "--milestone", "proposal", "--team", "sparse-squad")
    assert res.code == 0 and "was moved" not in res.out
    assert [r for r in sb.requests() if r["method"] != "GET"] == []
