"""Deadline checks end to end: students push with git, the sandbox clock moves, the CLI judges."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from .gitops import git, push_files

pytestmark = pytest.mark.integration

SECTIONS = ["Problem Statement", "Motivation", "Related Work", "Approach", "Evaluation",
            "Resources"]
WORDS = " ".join(["We study how sharding and pipelining interact at scale."] * 6)


def proposal(sections=SECTIONS) -> str:
    return "# Proposal\n\n" + "\n\n".join(f"## {s}\n\n{WORDS}" for s in sections) + "\n"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def push(env, login, team, files, **kw):
    return push_files(env.sandbox, env.tokens[login], f"dls/final-{team}", env.work, files, **kw)


def check(env, *args):
    return env.run("check", "--ledger", str(env.dir / "ledger.json"),
                   "--json", str(env.dir / "report.json"), *args)


def cells(env) -> dict:
    data = json.loads((env.dir / "report.json").read_text())
    return {(c["team"], c["milestone"]): c for c in data["cells"]}


def issues(env, team):
    repo = env.gh().get_repo(f"dls/final-{team}")
    return list(repo.get_issues(state="all"))


def test_on_time_late_missing_and_backdated(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    good = push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:4] + SECTIONS[5:])})

    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    res = check(env)
    assert res.code == 1, res
    c = cells(env)
    assert c[("sparse-squad", "proposal")]["status"] == "on_time"
    assert c[("sparse-squad", "proposal")]["commit"] == good
    dense = c[("dense-crew", "proposal")]
    assert dense["status"] == "missing"
    assert [f["message"] for f in dense["findings"]] == [
        "proposal.md has no 'Evaluation' section; found: Proposal, Problem Statement, "
        "Motivation, Related Work, Approach, Resources."]
    assert c[("kv-cachers", "proposal")]["status"] == "missing"
    assert c[("sparse-squad", "final-report")]["status"] == "pending"

    # one issue per failing team, labelled, assigned, listing the findings and the commit
    [issue] = issues(env, "dense-crew")
    assert issue.title == "Missing deliverables: Project Proposal (due Fri 9 Oct 23:59 EDT)"
    assert sorted(lb.name for lb in issue.labels) == ["deliverable-missing", "milestone:proposal"]
    assert sorted(a.login for a in issue.assignees) == ["dave", "erin", "frank"]
    assert "no 'Evaluation' section" in issue.body and dense["commit"][:7] in issue.body
    assert issues(env, "sparse-squad") == []
    repo = env.gh().get_repo("dls/final-sparse-squad")
    assert repo.get_git_ref("tags/submission/proposal").object.sha == good

    # nothing changed: a rerun writes nothing
    sb.clear_requests()
    assert check(env, "--milestone", "proposal").code == 1
    assert env.writes() == []

    # dense-crew fixes it late; kv-cachers pushes a commit backdated to before the deadline
    sb.set_clock(at("2026-10-11T09:30:00-04:00"))
    fix = push(env, "erin", "dense-crew", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-12T10:00:00-04:00"))
    back = push(env, "gina", "kv-cachers", {"proposal.md": proposal()},
                date="2026-10-01T12:00:00-04:00")
    sb.set_clock(at("2026-10-13T08:00:00-04:00"))
    res = check(env, "--milestone", "proposal")
    assert res.code == 0, res
    c = cells(env)
    assert c[("dense-crew", "proposal")]["status"] == "late"
    assert c[("dense-crew", "proposal")]["commit"] == fix
    # measured from the deadline students were given (Fri 23:59), not from the end of grace
    assert c[("dense-crew", "proposal")]["late_by_seconds"] == 86400 + 9 * 3600 + 31 * 60
    kv = c[("kv-cachers", "proposal")]
    assert kv["status"] == "late" and kv["commit"] == back  # backdated, still late
    assert kv["late_by_seconds"] > 2 * 86400
    [issue] = issues(env, "dense-crew")
    assert issue.state == "closed"
    comments = [cm.body for cm in issue.get_comments()]
    assert len(comments) == 1 and "pushed Sun 11 Oct 09:30 EDT: 1 day 9 h after" in comments[0]
    assert "after the deadline. Recorded as late" in comments[0]

    sb.clear_requests()
    assert check(env, "--milestone", "proposal").code == 0
    assert env.writes() == []


def test_grace_extension_and_a_check_long_after(semester):
    env, sb = semester, semester.sandbox
    text = env.config.read_text().replace(
        "policy:\n  grace: 15m",
        "policy:\n  grace: 15m\n  extensions:\n"
        "    - {team: kv-cachers, milestone: proposal, until: 2026-10-12 23:59}")
    env.config.write_text(text)
    sb.set_clock(at("2026-10-10T00:10:00-04:00"))  # 11 minutes late: inside the grace
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-10T00:20:00-04:00"))  # past the grace
    push(env, "dave", "dense-crew", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-12T20:00:00-04:00"))  # inside kv-cachers' extension
    push(env, "gina", "kv-cachers", {"proposal.md": proposal()})
    sb.set_clock(at("2026-12-25T12:00:00-05:00"))  # the check runs weeks later
    check(env, "--milestone", "proposal", "--no-issues")
    c = cells(env)
    assert c[("sparse-squad", "proposal")]["status"] == "on_time"
    assert c[("dense-crew", "proposal")]["status"] == "late"
    assert c[("dense-crew", "proposal")]["late_by_seconds"] == 21 * 60
    assert c[("kv-cachers", "proposal")]["status"] == "on_time"
    assert c[("kv-cachers", "proposal")]["extended"] is True
    assert all(issues(env, t) == [] for t in ("sparse-squad", "dense-crew", "kv-cachers"))


def test_a_moved_tag_is_reported_and_restored(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    good = push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal", "--team", "sparse-squad")
    # a student points the tag at a later commit
    sb.set_clock(at("2026-10-11T12:00:00-04:00"))
    later = push(env, "bob", "sparse-squad", {"notes.md": "more"})
    dest = env.work / "dls__final-sparse-squad"
    git("tag", "-f", "submission/proposal", later, cwd=dest)
    git("push", "-q", "-f", "origin", "refs/tags/submission/proposal", cwd=dest)
    res = check(env, "--milestone", "proposal", "--team", "sparse-squad")
    assert res.code == 0
    assert f"tag submission/proposal was moved to {later[:7]}" in res.out
    repo = env.gh().get_repo("dls/final-sparse-squad")
    assert repo.get_git_ref("tags/submission/proposal").object.sha == good
    ledger = json.loads((env.dir / "ledger.json").read_text())
    assert ledger["events"][0]["kind"] == "tag_moved"
    assert ledger["teams"]["sparse-squad"]["proposal"]["commit"] == good


def test_shards_cover_the_course_exactly_once(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    seen = []
    for k in (1, 2, 3):
        check(env, "--milestone", "proposal", "--no-issues", "--shard", f"{k}/3")
        seen += sorted({c["team"] for c in json.loads((env.dir / "report.json").read_text())
                        ["cells"]})
    assert sorted(seen) == ["dense-crew", "kv-cachers", "sparse-squad"]
    res = check(env, "--shard", "4/3")
    assert res.code == 2 and "K must be between 1 and N" in res.err


def test_a_recheck_with_nothing_new_costs_almost_no_rate_limit(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    cache = str(env.dir / "etags")
    assert check(env, "--cache-dir", cache).code == 1  # judges, tags, opens issues
    assert check(env, "--cache-dir", cache).code == 1  # sees its own writes once
    sb.clear_requests()
    assert check(env, "--cache-dir", cache).code == 1  # the scheduled recheck: nothing new
    reqs = sb.requests()
    assert [r for r in reqs if r["method"] != "GET"] == []
    conditional = [r for r in reqs if r["status"] == 304]
    assert [r["path"] for r in reqs if r["status"] != 304] == ["/rate_limit"]  # GitHub's clock
    assert sum(r["cost"] for r in reqs) == 0  # 304s and GitHub's clock cost no rate limit
    # without the cache the same recheck pays for every read
    sb.clear_requests()
    assert check(env).code == 1
    assert sum(r["cost"] for r in sb.requests()) == len(conditional)  # one point a read


def test_an_issue_closed_by_students_while_work_is_missing_is_reopened(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    assert check(env, "--milestone", "proposal", "--team", "kv-cachers").code == 1
    [issue] = issues(env, "kv-cachers")
    env.gh("gina").get_repo("dls/final-kv-cachers").get_issue(issue.number).edit(state="closed")
    assert check(env, "--milestone", "proposal", "--team", "kv-cachers").code == 1
    [issue] = issues(env, "kv-cachers")
    assert issue.state == "open"


def test_at_judges_as_of_another_moment(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-20T12:00:00-04:00"))
    res = check(env, "--no-issues", "--at", "2026-10-09 12:00")
    assert res.code == 0, res
    assert cells(env)[("sparse-squad", "proposal")]["status"] == "pending"
    res = check(env, "--no-issues", "--at", "next week")
    assert res.code == 2 and "--at: cannot read the deadline 'next week'" in res.err


def test_dry_run_judges_and_writes_nothing(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    sb.clear_requests()
    res = check(env, "--dry-run")
    assert res.code == 1, res
    assert cells(env)[("kv-cachers", "proposal")]["status"] == "missing"
    assert [r for r in sb.requests() if r["method"] != "GET"] == []
    assert not (env.dir / "ledger.json").exists()



def test_an_etag_from_another_token_is_checked_by_the_server(semester):
    # The cache is shared by whoever runs the check (a GitHub App token is new in every job);
    # the server decides whether a cached answer still holds for this token.
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    cache = str(env.dir / "etags")
    check(env, "--cache-dir", cache, "--no-issues")
    ta = sb.seed({"users": ["ta-lee"], "orgs": [{"login": "dls", "owners": ["ta-lee"]}]})
    env.tokens.update(ta)
    res = env.run("check", "--ledger", str(env.dir / "other.json"), "--cache-dir", cache,
                  "--no-issues", "--json", str(env.dir / "other-report.json"), as_user="ta-lee")
    assert res.code == 1, res
    first = json.loads((env.dir / "report.json").read_text())["cells"]
    other = json.loads((env.dir / "other-report.json").read_text())["cells"]
    assert [(c["team"], c["status"]) for c in other] == [(c["team"], c["status"]) for c in first]
    assert not [p for p in (env.dir / "etags").iterdir() if env.tokens["prof-lee"] in p.read_text()]
