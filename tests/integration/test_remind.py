"""Reminders before a deadline, end to end on the sandbox: the teams that would miss something
are told once, ready teams (and teams that fixed their work) are not, reruns write nothing."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from .gitops import push_files
from .test_check import SECTIONS, proposal

pytestmark = pytest.mark.integration


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def push(env, login, team, files):
    return push_files(env.sandbox, env.tokens[login], f"dls/final-{team}", env.work, files)


def remind(env, *args):
    return env.run("remind", "--ledger", str(env.dir / "ledger.json"),
                   "--json", str(env.dir / "remind.json"), *args)


def results(env) -> dict:
    data = json.loads((env.dir / "remind.json").read_text())
    return {(r["team"], r["milestone"]): r for r in data["reminders"]}


def reminders(env, team):
    repo = env.gh().get_repo(f"dls/final-{team}")
    return [i for i in repo.get_issues(state="all") if "deadline-reminder" in
            [lb.name for lb in i.labels]]


def per_team(requests, method="GET") -> Counter:
    """(team, what) for each request to a team repository: /repos/dls/final-<team>/<what>/..."""
    out = Counter()
    for r in requests:
        parts = r["path"].split("?")[0].split("/")
        if r["method"] == method and len(parts) > 3 and parts[1] == "repos":
            out[(parts[3].removeprefix("final-"), parts[4] if len(parts) > 4 else "")] += 1
    return out


def test_reminded_once_ready_and_fixed_teams_not_reminded(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-07T10:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": proposal(SECTIONS[:2])})
    push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:5])})
    # sparse-squad fixes its work before any reminder goes out
    sb.set_clock(at("2026-10-07T10:30:00-04:00"))
    push(env, "bob", "sparse-squad", {"proposal.md": proposal()})

    # Outside the window (due Fri 9 Oct 23:59 EDT, 61 h ahead): nothing at all.
    sb.set_clock(at("2026-10-07T11:00:00-04:00"))
    sb.clear_requests()
    res = remind(env, "--before", "48h")
    assert res.code == 0, res
    assert "nothing to do" in res.out
    assert env.writes() == []

    sb.set_clock(at("2026-10-08T08:00:00-04:00"))  # 40 h ahead
    sb.clear_requests()
    res = remind(env, "--before", "48h")
    spent = sb.requests()
    assert res.code == 0, res
    r = results(env)
    assert r[("sparse-squad", "proposal")]["state"] == "ready"
    assert r[("dense-crew", "proposal")]["state"] == "reminded"
    assert r[("kv-cachers", "proposal")]["state"] == "reminded"  # only the starter file
    assert "2 reminders sent" in res.out
    assert reminders(env, "sparse-squad") == []
    [issue] = reminders(env, "dense-crew")
    assert issue.title == "Reminder: Project Proposal is due Fri 9 Oct 23:59 EDT"
    assert "no 'Resources' section" in issue.body and "(1 days" not in issue.body
    assert "is due Fri 9 Oct 23:59 EDT (39 h from now)" in issue.body
    # Cost: per team one push log, one tree and the blob the rules read; a team with work of
    # its own, the tree provisioning pushed too (the deadline check's starter judgment, kept
    # in the ledger); the untouched starter, no blob. Per team reminded, one list of its
    # reminder issues (no record yet) and one issue.
    assert per_team(spent) == Counter({
        ("sparse-squad", "activity"): 1, ("sparse-squad", "git"): 3,
        ("dense-crew", "activity"): 1, ("dense-crew", "git"): 3, ("dense-crew", "issues"): 1,
        ("kv-cachers", "activity"): 1, ("kv-cachers", "git"): 1, ("kv-cachers", "issues"): 1})
    assert per_team(spent, "POST") == Counter({("dense-crew", "issues"): 1,
                                                       ("kv-cachers", "issues"): 1})

    # A rerun, hours later: nothing is sent twice, nothing written on GitHub.
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    sb.clear_requests()
    res = remind(env, "--before", "48h")
    assert res.code == 0, res
    assert env.writes() == []
    assert results(env)[("dense-crew", "proposal")]["state"] == "already"
    assert len(reminders(env, "kv-cachers")) == 1

    # The ledger lost (a fresh runner): GitHub's issues still say it was sent.
    (env.dir / "ledger.json").unlink()
    sb.clear_requests()
    assert remind(env, "--before", "48h").code == 0
    assert env.writes() == []
    assert results(env)[("kv-cachers", "proposal")]["state"] == "already"

    # dense-crew fixes its work: its reminder is closed with a comment, once.
    push(env, "erin", "dense-crew", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-09T09:00:00-04:00"))
    res = remind(env, "--before", "48h")
    assert res.code == 0, res
    assert results(env)[("dense-crew", "proposal")]["state"] == "closed"
    [issue] = reminders(env, "dense-crew")
    assert issue.state == "closed"
    [comment] = [c.body for c in issue.get_comments()]
    assert "is in place as of" in comment and "closing this reminder" in comment
    sb.clear_requests()
    assert remind(env, "--before", "48h").code == 0
    assert env.writes() == []
    assert len(list(reminders(env, "dense-crew")[0].get_comments())) == 1

    # The deadline passes with kv-cachers still reminded: its reminder is closed (the deadline
    # check's own issue takes over), once.
    sb.set_clock(at("2026-10-10T08:00:00-04:00"))
    res = remind(env, "--before", "48h")
    assert res.code == 0, res
    assert results(env)[("kv-cachers", "proposal")]["state"] == "expired"
    [issue] = reminders(env, "kv-cachers")
    assert issue.state == "closed" and issue.state_reason == "not_planned"
    [comment] = [c.body for c in issue.get_comments()]
    assert "has passed: the deadline check judges what was pushed by then" in comment
    sb.clear_requests()
    res = remind(env, "--before", "48h")
    assert res.code == 0 and "nothing to do" in res.out
    assert env.writes() == []


def test_dry_run_writes_nothing_and_extension_moves_the_window(semester):
    env, sb = semester, semester.sandbox
    text = env.config.read_text().replace(
        "policy:\n  grace: 15m",
        "policy:\n  grace: 15m\n  extensions:\n"
        "    - {team: kv-cachers, milestone: proposal, until: 2026-10-16 23:59}")
    env.config.write_text(text)
    sb.set_clock(at("2026-10-09T08:00:00-04:00"))
    sb.clear_requests()
    res = remind(env, "--dry-run")
    assert res.code == 0, res
    r = results(env)
    assert r[("dense-crew", "proposal")]["state"] == "would-remind"
    assert ("kv-cachers", "proposal") not in r  # its deadline is a week later
    assert env.writes() == [] and not (env.dir / "ledger.json").exists()
    res = remind(env, "--at", "2026-10-15 12:00")
    assert res.code == 2 and "--at only with --dry-run" in res.err
    res = remind(env, "--before", "soon")
    assert res.code == 2 and "--before" in res.err and "Traceback" not in res.err


def test_the_untouched_starter_is_reminded_as_the_check_will_judge_it(semester):
    """A course whose starter proposal already has every heading (sections, no word counts):
    the team that pushed nothing is not "ready", as the deadline check will judge it."""
    from .test_check_judgment import sections_only

    env, sb = semester, semester.sandbox
    sections_only(env)
    sb.set_clock(at("2026-10-07T10:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-08T08:00:00-04:00"))  # 40 h before the proposal deadline
    sb.clear_requests()
    res = remind(env, "--before", "48h", "--milestone", "proposal")
    assert res.code == 0, res
    r = results(env)
    assert r[("sparse-squad", "proposal")]["state"] == "ready"
    kv = r[("kv-cachers", "proposal")]
    assert kv["state"] == "reminded"
    assert [f["rule"] for f in kv["findings"]] == ["starter"]
    [issue] = reminders(env, "kv-cachers")
    assert "proposal.md is still the starter file" in issue.body
    # The starter is rendered from the template: no extra read for it.
    assert per_team(sb.requests())[("kv-cachers", "git")] == 1
