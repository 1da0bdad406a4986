"""`classroom-ops status` on the sandbox: a small term with every state a cell can be in.

The term: three teams, four milestones. By 13 Oct (GitHub's clock) the check has judged team
formation and the proposal, kv-cachers is on an extension, midpoint and final report are ahead.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from .gitops import push_files

pytestmark = pytest.mark.integration

SECTIONS = ["Problem Statement", "Motivation", "Related Work", "Approach", "Evaluation",
            "Resources"]
WORDS = " ".join(["We study how sharding and pipelining interact at scale."] * 6)
# a heading that reads as an HTML tag once Markdown decodes its entities
HOSTILE = "&lt;img src=x onerror=alert(1)&gt; @prof-lee #1"

MILESTONES = """\
  - id: team-formation
    title: Team Formation
    due: week 4
    deliverables:
      - path: TEAM.md
        sections: [Members]
  - id: proposal
"""
MIDPOINT = """\
  - id: midpoint
    title: Midpoint <Check-in>
    due: week 9
    deliverables:
      - path: midpoint.md
        sections: [Progress, Next Steps]
        min_words: 12
      - path: RESULTS.md
        min_words: 5
  - id: final-report
"""
EXTENSION = """\
policy:
  grace: 15m
  extensions:
    - {team: kv-cachers, milestone: proposal, until: 2026-10-16 23:59}
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def proposal(sections=SECTIONS) -> str:
    return "# Proposal\n\n" + "\n\n".join(f"## {s}\n\n{WORDS}" for s in sections) + "\n"


def push(env, login, team, files, when):
    """Push at `when` on the sandbox clock, committed with that date (stable SHAs)."""
    env.sandbox.set_clock(at(when))
    return push_files(env.sandbox, env.tokens[login], f"dls/final-{team}", env.work, files,
                      date=when)


def build_term(env, tmp_path) -> dict:
    """Provision the four-milestone term, push a term's work, check on 13 Oct in three shards."""
    text = env.config.read_text()
    text = text.replace("  - id: proposal\n", MILESTONES, 1)
    text = text.replace("  - id: final-report\n", MIDPOINT, 1)
    text = text.replace("policy:\n  grace: 15m\n", EXTENSION)
    env.config.write_text(text)
    env.sandbox.set_clock(at("2026-09-01T12:00:00-04:00"))
    assert env.run("provision", "--yes").code == 0
    env.join()  # in the first days every student accepts the invitation
    env.work = tmp_path / "work"
    env.work.mkdir()
    sha = {}
    team_md = "# Team\n\n## Members\n\nAlice, Bob and Carol.\n"
    sha["sparse-tf"] = push(env, "alice", "sparse-squad", {"TEAM.md": team_md},
                            "2026-09-20T12:00:00-04:00")
    push(env, "gina", "kv-cachers", {"TEAM.md": team_md}, "2026-09-24T22:00:00-04:00")
    push(env, "dave", "dense-crew", {"TEAM.md": f"# {HOSTILE}\n\nwe are three\n"},
         "2026-09-25T18:00:00-04:00")
    sha["sparse-prop"] = push(env, "alice", "sparse-squad", {"proposal.md": proposal()},
                              "2026-10-08T20:00:00-04:00")
    push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:4])},
         "2026-10-09T21:00:00-04:00")
    push(env, "gina", "kv-cachers", {"proposal.md": proposal(SECTIONS[:3])},
         "2026-10-09T23:00:00-04:00")
    # dense-crew's shard is checked once before its fix, so the fix closes an open issue
    env.sandbox.set_clock(at("2026-10-10T12:00:00-04:00"))
    assert env.run("check", "--shard", "2/3", "--ledger", str(env.dir / "ledger-2.json")).code == 1
    sha["dense-fix"] = push(env, "erin", "dense-crew", {"proposal.md": proposal()},
                            "2026-10-11T09:30:00-04:00")
    sha["sparse-head"] = push(env, "bob", "sparse-squad", {
        "midpoint.md": "# Midpoint\n\n## Progress\n\nThe pipeline runs on two nodes.\n\n"
                       "## Next Steps\n\nScale it to eight nodes.\n",
        "RESULTS.md": "Throughput doubled with two stage pipelining.\n"},
        "2026-10-12T10:00:00-04:00")
    push(env, "frank", "dense-crew", {
        "midpoint.md": "# Midpoint\n\n## Progress\n\nThe kernels compile and pass tests.\n\n"
                       "## Next Steps\n\nProfile them on real data.\n"},
        "2026-10-12T11:00:00-04:00")
    env.sandbox.set_clock(at("2026-10-13T12:00:00-04:00"))
    env.ledgers = []
    for k in (1, 2, 3):  # one team per shard: status merges the three ledgers
        ledger = env.dir / f"ledger-{k}.json"
        res = env.run("check", "--shard", f"{k}/3", "--ledger", str(ledger))
        assert res.code in (0, 1), res
        env.ledgers += ["--ledger", str(ledger)]
    return sha


@pytest.fixture
def term(course_env, tmp_path):
    course_env.sha = build_term(course_env, tmp_path)
    return course_env


def status(env, *args):
    out = env.dir / "out"
    res = env.run("status", *env.ledgers, "--json", str(out / "status.json"),
                  "--markdown", str(out / "status.md"), "--html", str(out / "status.html"),
                  *args)
    data = json.loads((out / "status.json").read_text()) if res.code == 0 else None
    return res, data


def grid(data) -> dict:
    return {(c["team"], c["milestone"]): c for c in data["cells"]}


def test_every_state_from_the_ledgers_and_the_branch_heads(term):
    env, sb, sha = term, term.sandbox, term.sha
    sb.clear_requests()
    res, data = status(env)
    assert res.code == 0, res

    # status writes nothing to GitHub: every request is a read
    reqs = sb.requests()
    assert reqs and [r for r in reqs if r["method"] != "GET"] == []
    # one branch-ref read and one recursive tree per team with open milestones, shared by them
    trees = [r["path"] for r in reqs if "/git/trees/" in r["path"]]
    assert len(trees) == 3 and len({t.split("/")[3] for t in trees}) == 3
    assert len([r for r in reqs if "/git/ref/heads/" in r["path"]]) == 3
    # only the blobs the rules read: sparse midpoint.md, RESULTS.md; dense midpoint.md; kv
    # proposal.md and the starter midpoint.md from the template
    assert len([r for r in reqs if "/git/blobs/" in r["path"]]) == 5
    assert not [r for r in reqs if r["path"].endswith("/activity")]

    c = grid(data)
    label = {k: v["label"] for k, v in c.items()}
    state = {k: v["state"] for k, v in c.items()}
    assert state == {
        ("sparse-squad", "team-formation"): "on_time",
        ("sparse-squad", "proposal"): "on_time",
        ("sparse-squad", "midpoint"): "pending",
        ("sparse-squad", "final-report"): "pending",
        ("dense-crew", "team-formation"): "missing",
        ("dense-crew", "proposal"): "late",
        ("dense-crew", "midpoint"): "pending",
        ("dense-crew", "final-report"): "pending",
        ("kv-cachers", "team-formation"): "on_time",
        ("kv-cachers", "proposal"): "extension",
        ("kv-cachers", "midpoint"): "pending",
        ("kv-cachers", "final-report"): "pending",
    }
    assert label[("dense-crew", "proposal")] == "late 1 day 9 h"
    assert label[("dense-crew", "team-formation")] == "missing (1 finding)"
    assert label[("kv-cachers", "proposal")] == "extension: 0/1 ready"
    assert label[("sparse-squad", "midpoint")] == "pending: 2/2 ready"
    assert label[("dense-crew", "midpoint")] == "pending: 1/2 ready"
    assert label[("kv-cachers", "midpoint")] == "pending: 0/2 ready"
    assert label[("sparse-squad", "final-report")] == "pending: 0/1 ready"

    repo = "http://127.0.0.1"  # the sandbox's html_url host
    sp = c[("sparse-squad", "proposal")]
    assert sp["commit"] == sha["sparse-prop"]
    assert sp["commit_url"].startswith(repo) and sp["commit_url"].endswith(
        f"/dls/final-sparse-squad/commit/{sha['sparse-prop']}")
    assert sp["offset_hours"] == pytest.approx(-(27 + 59 / 60), abs=0.01)  # Thu 20:00 vs Fri 23:59
    late = c[("dense-crew", "proposal")]
    assert late["commit"] == sha["dense-fix"] and late["late_by_seconds"] == 86400 + 9 * 3600 + 31 * 60
    assert late["issue"] == 2 and late["issue_state"] == "closed"
    assert late["issue_url"].endswith("/dls/final-dense-crew/issues/2")
    missing = c[("dense-crew", "team-formation")]
    assert missing["issue"] == 1 and missing["issue_state"] == "open"
    assert missing["issue_url"].endswith("/dls/final-dense-crew/issues/1")
    assert "no 'Members' section" in missing["findings"][0]["message"]
    ext = c[("kv-cachers", "proposal")]
    assert ext["extended"] is True and ext["due"] == "2026-10-16T23:59:00-04:00"
    assert "no 'Approach' section" in ext["findings"][0]["message"]
    head = c[("sparse-squad", "midpoint")]
    assert head["commit"] == sha["sparse-head"] and head["ready"] == 2 and head["total"] == 2
    assert c[("sparse-squad", "final-report")]["commit"] == sha["sparse-head"]

    cols = {m["id"]: m for m in data["milestones"]}
    assert cols["proposal"]["counts"]["on_time"] == 1 and cols["proposal"]["counts"]["late"] == 1
    assert cols["proposal"]["counts"]["extension"] == 1 and cols["proposal"]["extended"] == 1
    assert cols["midpoint"]["counts"]["pending"] == 3
    assert data["counts"] == {"missing": 1, "not_checked": 0, "error": 0, "late": 1,
                              "extension": 1, "pending": 6, "excused": 0, "on_time": 3}
    assert {t["slug"]: t["repo_url"].split("/")[-1] for t in data["teams"]} == {
        "sparse-squad": "final-sparse-squad", "dense-crew": "final-dense-crew",
        "kv-cachers": "final-kv-cachers"}

    md = (env.dir / "out" / "status.md").read_text()
    assert "| team | Team Formation | Project Proposal | Midpoint &lt;Check-in&gt; | Final Report |" \
        in md
    dense = next(line for line in md.splitlines() if line.startswith("| [Dense Crew]("))
    assert "❌ missing (1 finding)" in dense and "/dls/final-dense-crew/issues/1)" in dense
    assert f"⏰ late 1 day 9 h [{sha['dense-fix'][:7]}](" in dense
    kv = next(line for line in md.splitlines() if line.startswith("| [KV Cachers]("))
    assert "➕ extension: 0/1 ready" in kv and "⏳ pending: 0/2 ready" in kv
    assert "| milestone | due | missing | late | extension | pending | on time |" in md
    assert "| Project Proposal | Fri 9 Oct 23:59 EDT (1 extended) | 0 | 1 | 1 | 0 | 1 |" in md
    # the student's heading is quoted inert: no tag, no mention, no issue reference
    assert "<img" not in md and "@prof-lee" not in md and "@&#8203;prof-lee" in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md

    html = (env.dir / "out" / "status.html").read_text()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Midpoint &lt;Check-in&gt;" in html
    assert not re.search(r"""(?:src|href)=["']?(?!https?:|data:|#)[a-z]+:""", html)
    assert 'rel="stylesheet"' not in html and "<script src" not in html

    # the terminal table
    assert re.search(r"dense-crew\s+missing \(1 finding\)\s+late 1 day 9 h\s+pending: 1/2 ready",
                     res.out)


def test_deadline_passed_without_a_check_and_bad_ledgers(term):
    env, sb = term, term.sandbox
    sb.set_clock(at("2026-10-17T12:00:00-04:00"))  # kv-cachers' extension is over, unchecked
    res, data = status(env)
    assert res.code == 0, res
    c = grid(data)
    assert c[("kv-cachers", "proposal")]["state"] == "not_checked"
    assert c[("kv-cachers", "proposal")]["label"] == "not checked yet"
    assert "classroom-ops check" in c[("kv-cachers", "proposal")]["note"]
    md = (env.dir / "out" / "status.md").read_text()
    assert "1 deadline(s) passed without a check in the ledger" in md

    # no ledger at all (the default path, nothing checked yet): every passed deadline unchecked
    env.monkeypatch.chdir(env.dir)  # no .classroom-ops/ledger.json here
    res = env.run("status", "--json", str(env.dir / "none.json"))
    assert res.code == 0, res
    data = json.loads((env.dir / "none.json").read_text())
    assert data["counts"]["not_checked"] == 6 and data["counts"]["pending"] == 6
    assert any("no ledger at" in w for w in data["warnings"])

    # a ledger named on the command line must exist, and be this course's
    res = env.run("status", "--ledger", str(env.dir / "nope.json"))
    assert res.code == 2 and "no such ledger" in res.err
    other = json.loads((env.dir / "ledger-1.json").read_text())
    other["org"] = "another-org"
    (env.dir / "other.json").write_text(json.dumps(other))
    res = env.run("status", "--ledger", str(env.dir / "other.json"))
    assert res.code == 2 and "records organization another-org" in res.err
    (env.dir / "broken.json").write_text("{not json")
    res = env.run("status", "--ledger", str(env.dir / "broken.json"))
    assert res.code == 2 and "not readable" in res.err
    # a ledger edited by hand: refused where it is wrong, not an internal error
    bad = json.loads((env.dir / "ledger-1.json").read_text())
    slug, ms = next(iter(bad["teams"].items()))
    mid = next(iter(ms))
    ms[mid]["pushed_at"] = "last friday"
    (env.dir / "bad.json").write_text(json.dumps(bad))
    res = env.run("status", "--ledger", str(env.dir / "bad.json"))
    assert res.code == 2, res
    for part in ("bad.json", slug, mid, "pushed_at", "'last friday'",
                 "restore it from the last artifact or commit"):
        assert part in res.err, (part, res.err)
    assert "internal error" not in res.err


def test_under_actions_the_markdown_goes_to_the_job_summary(term, monkeypatch):
    env = term
    summary = env.dir / "summary.md"
    outputs = env.dir / "outputs.txt"
    summary.write_text("")
    outputs.write_text("")
    for k, v in {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                 "GITHUB_OUTPUT": str(outputs), "RUNNER_TEMP": str(env.dir / "runner")}.items():
        monkeypatch.setenv(k, v)
    res = env.run("status", *env.ledgers)
    assert res.code == 0, res
    text = summary.read_text()
    assert "## Deep Learning at Scale (fall-2026): status" in text
    assert text.strip() == (env.dir / "runner" / "classroom-ops-status.md").read_text().strip()
    assert (env.dir / "runner" / "classroom-ops-status.html").read_text().startswith(
        "<!DOCTYPE html>")
    assert "dashboard" in outputs.read_text()


def test_who_has_not_joined_is_shown_per_team_with_the_invitation_date(course_env):
    env, sb = course_env, course_env.sandbox
    sb.set_clock(at("2026-09-01T12:00:00-04:00"))
    assert env.run("provision", "--yes").code == 0
    env.join(*[s for s in env.students() if s not in ("carol", "hal")])
    sb.set_clock(at("2026-09-06T12:00:00-04:00"))
    env.join("hal")  # hal joins late; carol never does
    env.ledgers = []
    res, data = status(env)
    assert res.code == 0, res
    assert "not joined yet (1):\n  sparse-squad: carol (invited 2026-09-01)\n" in res.out
    assert [p["login"] for p in data["not_joined"]] == ["carol"]
    env.config.write_text(env.config.read_text().replace("[dave, erin, frank]",
                                                        "[dave, erin, frank, jo]"))
    env.tokens.update(sb.seed({"users": ["jo"]}))  # added to the roster, not provisioned yet
    sb.set_clock(at("2026-09-09T12:00:00-04:00"))  # carol's invitation expired on the 8th
    sb.clear_requests()
    res, data = status(env)
    assert res.code == 0, res
    assert "not joined yet (2):" in res.out
    assert "  sparse-squad: carol (invitation expired 2026-09-08: a provision rerun invites " \
           "again)" in res.out
    assert "  dense-crew: jo (not invited yet: run provision)" in res.out
    carol = data["not_joined"][0]
    # the sandbox clock runs: the invitation was sent within seconds of 12:00 EDT
    assert carol["invited_at"].startswith("2026-09-01T16:00:")
    assert carol["failed_at"].startswith("2026-09-08T16:00:")
    assert data["not_joined"] == [
        {"team": "sparse-squad", "login": "carol", "state": "expired",
         "invited_at": carol["invited_at"], "failed_at": carol["failed_at"],
         "reason": "Invitation expired. User did not accept this invite for 7 days."},
        {"team": "dense-crew", "login": "jo", "state": "not invited", "invited_at": None,
         "failed_at": None, "reason": ""}]
    page = (env.dir / "out" / "status.html").read_text()
    assert 'data-login="carol"' in page and "Not joined yet" in page
    assert "### Not joined yet" in (env.dir / "out" / "status.md").read_text()
    paths = [r["path"] for r in sb.requests()]
    # three organization-wide lists, whatever the number of teams
    assert [p for p in paths if "invitations" in p or p.endswith("/members")] == [
        "/orgs/dls/members", "/orgs/dls/invitations", "/orgs/dls/failed_invitations"]

