"""`teams sync` on the sandbox: one answer per registration kept up to date, labels as output,
idempotent, and safe when two events race. Students act with their own tokens (PyGithub);
the sync runs with an App installation token, as the hub's workflow would."""

from __future__ import annotations

import threading

import pytest

from classroom_ops.adapter import GitHub
from classroom_ops.config import load_course
from classroom_ops.formation.settings import Settings
from classroom_ops.formation.sync import sync
from support import ROOT

from .formation_env import (
    STAFF,
    STUDENTS,
    WORKFLOW_TOKEN,
    HubEnv,
    make_hub_by_hand,
    start,
    write_course,
)


@pytest.fixture
def hub(sandbox, tmp_path, run_cli, monkeypatch) -> HubEnv:
    config = write_course(tmp_path, ROOT / "templates" / "repo")
    tokens = sandbox.seed({"orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["ta-kim", *STUDENTS]}]})
    start(sandbox)
    make_hub_by_hand(sandbox, tokens)
    tokens["bot"] = sandbox.create_installation("dls", WORKFLOW_TOKEN)
    env = HubEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    settings = Settings.from_course(load_course(config))
    env.settings = settings
    (tmp_path / "formation.json").write_text(settings.to_json())
    return env


def bot_sync(env: HubEnv, *extra: str):
    env.monkeypatch.setenv("GITHUB_TOKEN", env.tokens["bot"])
    return env.run_cli("teams", "sync", "--settings", str(env.dir / "formation.json"),
                       "--api-url", env.sandbox.api_url, *extra)


def test_answer_then_confirmations_then_nothing_to_do(hub):
    n = hub.register("alice", "Sparse Squad", ["bob", "@carol"])
    res = bot_sync(hub)
    assert res.code == 0, res.err
    [ans] = hub.answers(n)
    assert ans.user.login == "classroom-ops-dls[bot]"
    assert "waiting for teammates" in ans.body and "`carol` | waiting" in ans.body
    assert hub.team_labels(n) == ["team: pending"]
    hub.say("bob", n, "/confirm")
    hub.say("carol", n, "/confirm")
    hub.sandbox.clear_requests()
    res = bot_sync(hub)
    assert "#1: confirmed: answer updated, label team: confirmed" in res.out
    [again] = hub.answers(n)
    assert again.id == ans.id and "### Team registration: confirmed" in again.body
    assert hub.team_labels(n) == ["team: confirmed"]
    assert [(w["method"], w["path"]) for w in hub.writes()] == [
        ("PATCH", f"/repos/dls/course-hub/issues/comments/{ans.id}"),
        ("PATCH", f"/repos/dls/course-hub/issues/{n}")]
    hub.sandbox.clear_requests()
    res = bot_sync(hub)
    assert "0 registrations changed" in res.out and hub.writes() == []
    # who am I (refused to an App), GitHub's clock, the issues, the one registration's comments
    gets = [r["path"] for r in hub.sandbox.requests()]
    assert gets == ["/user", "/rate_limit", "/repos/dls/course-hub/issues",
                    "/repos/dls/course-hub/issues/comments"]


def test_labels_are_output_only(hub):
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    bot_sync(hub)
    # a TA (or anyone with triage) sets the label by hand: the state does not follow it
    hub.issue(n, "prof-lee").set_labels("team: confirmed", "team registration")
    res = bot_sync(hub, "--dry-run")
    assert "label team: pending" in res.out and "dry run: nothing written" in res.out
    assert hub.team_labels(n) == ["team: confirmed"]
    bot_sync(hub)
    assert hub.team_labels(n) == ["team: pending"]
    assert "team registration" in [lb.name for lb in hub.issue(n).labels]


def test_a_forged_answer_and_a_students_approve_change_nothing(hub):
    n = hub.register("alice", "Big Four", ["bob", "carol", "dave"])
    bot_sync(hub)
    [ans] = hub.answers(n)
    forged = ans.body.replace('"after":0', '"after":1').replace(
        "needs a fix", "confirmed")
    hub.say("bob", n, forged)
    hub.say("bob", n, "/approve")
    for s in ("bob", "carol", "dave"):
        hub.say(s, n, "/confirm")
    bot_sync(hub)
    assert hub.team_labels(n) == ["team: problem"]
    mine = [c for c in hub.answers(n) if c.user.login.endswith("[bot]")]
    assert len(mine) == 1 and "teams have 3" in mine[0].body
    hub.say("ta-kim", n, "/approve")
    bot_sync(hub)
    assert hub.team_labels(n) == ["team: confirmed"]
    assert "Approved by staff (`ta-kim`)" in hub.answers(n)[0].body


def test_student_text_pings_nobody_and_renders_nothing(hub):
    n = hub.register("alice", "@everyone <img src=x> **Bold**", ["bob", "carol"],
                     other="cc @prof-lee #1 https://evil.example [x](javascript:alert(1))")
    bot_sync(hub)
    [ans] = hub.answers(n)
    for bad in ("@everyone", "@prof-lee", "<img", "**Bold**", "https://", "[x](javascript",
                "#1 "):
        assert bad not in ans.body, bad


def _sync_in_thread(env, results):
    gh = GitHub(env.sandbox.api_url, env.tokens["bot"], write_delay=0)
    results.append(sync(gh, env.settings, me=None))


def test_two_confirmations_synced_at_once_end_in_one_state(hub):
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    bot_sync(hub)
    hub.say("bob", n, "/confirm")
    hub.say("carol", n, "/confirm")
    results: list = []
    threads = [threading.Thread(target=_sync_in_thread, args=(hub, results)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    assert len(hub.answers(n)) == 1 and hub.team_labels(n) == ["team: confirmed"]
    before = hub.answers(n)[0].body
    hub.sandbox.clear_requests()
    bot_sync(hub)
    assert hub.answers(n)[0].body == before
    assert hub.writes() == []


def test_a_race_on_the_first_answer_leaves_one_answer(hub):
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    results: list = []
    threads = [threading.Thread(target=_sync_in_thread, args=(hub, results)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bot_sync(hub)
    live = [c for c in hub.issue(n).get_comments() if "classroom-ops:team-registration" in c.body]
    assert len(live) == 1
    hub.sandbox.clear_requests()
    bot_sync(hub)
    assert hub.writes() == []


def test_instructor_runs_it_from_the_course_file_too(hub):
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    res = hub.run("teams", "sync")
    assert res.code == 0, res.err
    [ans] = hub.answers(n)
    assert ans.user.login == "prof-lee"
    # and the workflow's bot then takes over the same answer, not a second one
    hub.say("bob", n, "/confirm")
    bot_sync(hub)
    assert len(hub.answers(n)) == 1 and "`bob` | confirmed" in hub.answers(n)[0].body
    assert STAFF[0] == "prof-lee"


def test_status_json_follows_the_contract_and_writes_nothing(hub):
    a = hub.register("alice", "Sparse Squad", ["bob", "carol"], areas=["Quantization", "Data"])
    hub.say("bob", a, "/confirm")
    hub.say("carol", a, "/confirm")
    d = hub.register("dave", "Dense Crew", ["erin", "nobody-here"])
    hub.sandbox.clear_requests()
    out = hub.dir / "teams.json"
    res = hub.run("teams", "status", "--json", str(out))
    assert res.code == 0, res.err
    assert hub.writes() == []
    import json

    data = json.loads(out.read_text())
    assert set(data) >= {"teams", "unteamed"}
    t1, t2 = data["teams"]
    assert {k: t1[k] for k in ("name", "slug", "members", "state", "issue", "interests")} == {
        "name": "Sparse Squad", "slug": "sparse-squad", "members": ["alice", "bob", "carol"],
        "state": "confirmed", "issue": a, "interests": ["Quantization", "Data"]}
    assert (t2["state"], t2["issue"]) == ("problem", d)
    assert data["unteamed"] == sorted(set(STUDENTS) - {"alice", "bob", "carol", "dave", "erin"})
    assert "there is no GitHub user nobody-here" in res.out


def test_what_one_event_costs(hub):
    """Per workflow run: 4 reads (who, clock, issues, comments: a page each up to 100 issues
    and 100 comments); writes only where something changed."""
    teams = [("alice", ["bob", "carol"]), ("dave", ["erin", "frank"]), ("gina", ["hal", "ivy"]),
             ("jun", ["kofi", "lena"]), ("mateo", ["nora", "omar"])]
    numbers = [hub.register(a, f"Team {a.title()}", mates) for a, mates in teams]
    bot_sync(hub)
    hub.say("bob", numbers[0], "/confirm")  # still waiting for carol: the answer changes only
    hub.sandbox.clear_requests()
    bot_sync(hub)
    reqs = hub.sandbox.requests()
    assert len([r for r in reqs if r["method"] == "GET"]) == 4
    assert [(w["method"], w["path"]) for w in hub.writes()] == [
        ("PATCH", f"/repos/dls/course-hub/issues/comments/{hub.answers(numbers[0])[0].id}")]
    hub.say("carol", numbers[0], "/confirm")  # now confirmed: the answer and the label
    hub.sandbox.clear_requests()
    bot_sync(hub)
    assert len(hub.writes()) == 2


def test_status_prints_a_hostile_team_name_as_plain_text(hub):
    hub.register("alice", "Students\u202e\x1b", ["bob", "carol"])
    res = hub.run("teams", "status")
    assert res.code == 0 and "\x1b" not in res.out and "\u202e" not in res.out
    assert "the team name 'Students' is taken" in res.out  # readable, escapes gone


def test_the_hub_workflow_step_through_the_action(hub, tmp_path):
    """The workflow's last step, `uses: classroom-ops/classroom-ops` with command teams-sync,
    run as the Actions runner runs a composite action, with the job's token."""
    import sys

    from action.runner import ActionRunner

    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    ws = tmp_path / "workspace"
    (ws / ".classroom-ops").mkdir(parents=True)
    (ws / ".classroom-ops" / "formation.json").write_text(hub.settings.to_json())
    (tmp_path / "runner-temp").mkdir()
    token = hub.sandbox.create_installation("dls", WORKFLOW_TOKEN)
    runner = ActionRunner(ROOT, ws, tmp_path / "runner-temp", token=token,
                          env={"CLASSROOM_OPS_PYTHON": sys.executable},
                          api_url=hub.sandbox.api_url)
    res = runner.run({"command": "teams-sync", "args": "--settings .classroom-ops/formation.json"})
    assert res.code == 0, res.log
    assert "classroom-ops teams sync --api-url" in res.log
    assert token not in res.log.replace(f"::add-mask::{token}", "")
    assert hub.team_labels(n) == ["team: pending"] and len(hub.answers(n)) == 1


def test_a_duplicate_answer_left_by_a_race_is_emptied_and_the_oldest_kept(hub):
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    bot_sync(hub)
    [first] = hub.answers(n)
    # what a second run racing the first would have posted: the same answer, later
    hub.gh("prof-lee").get_repo(hub.hub).get_issue(n).create_comment(first.body)
    hub.say("bob", n, "/confirm")
    res = bot_sync(hub)
    assert "duplicate answer emptied" in res.out
    [kept] = hub.answers(n)
    assert kept.id == first.id and "`bob` | confirmed" in kept.body
    hub.sandbox.clear_requests()
    bot_sync(hub)
    assert hub.writes() == []


def test_no_hub_yet_is_one_clear_message(sandbox, tmp_path, run_cli, monkeypatch):
    config = write_course(tmp_path, ROOT / "templates" / "repo")
    tokens = sandbox.seed({"orgs": [{"login": "dls", "owners": ["prof-lee"]}]})
    env = HubEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    for cmd in (("teams", "status"), ("teams", "sync"), ("teams", "match")):
        res = env.run(*cmd)
        assert res.code == 2 and "Traceback" not in res.err
        assert "no course hub dls/course-hub" in res.err and "provision" in res.err
