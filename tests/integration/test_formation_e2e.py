"""A whole registration period on the sandbox (issue 15's "Done when").

20 students on the class roster; provision sets the hub up and invites them; they register
through the issue form with their own tokens; the hub's workflow is played by `teams sync` with
an App installation token after each event; staff approve a team of 4 and match the students
left over; then registration closes, the milestone is judged, and provision creates exactly the
confirmed teams' repositories, with each team's area in its project.yml.
"""

from __future__ import annotations

import json
from datetime import timedelta

import yaml

from classroom_ops.formation.form import body_for
from support import ROOT

from .formation_env import AREAS, STUDENTS, WORKFLOW_TOKEN, HubEnv, start, write_course


def test_a_registration_period(sandbox, tmp_path, run_cli, monkeypatch):
    config = write_course(tmp_path, ROOT / "templates" / "repo")
    tokens = sandbox.seed({"orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["ta-kim"]}], "users": STUDENTS})
    start(sandbox)  # 2026-09-01; registration closes with week 4: Fri 2026-09-25 23:59 EDT
    env = HubEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    assert env.run("provision", "--yes").code == 0
    for s in STUDENTS:
        sandbox.accept_invitations(s)
    (tmp_path / "formation.json").write_bytes(
        env.gh("prof-lee").get_repo(env.hub).get_contents(".classroom-ops/formation.json")
        .decoded_content)

    def workflow():
        """What the hub's workflow runs on every issue and comment event: a fresh token per
        run, with only the job's permissions (issues: write, contents: read)."""
        monkeypatch.setenv("GITHUB_TOKEN", sandbox.create_installation("dls", WORKFLOW_TOKEN))
        res = run_cli("teams", "sync", "--settings", str(tmp_path / "formation.json"),
                      "--api-url", sandbox.api_url)
        assert res.code == 0, res.err
        return res

    def state(n):
        return env.team_labels(n)

    # a complete team
    sparse = env.register("alice", "Sparse Squad", ["bob", "carol"], areas=["Quantization"])
    workflow()
    env.say("bob", sparse, "/confirm")
    workflow()
    env.say("carol", sparse, "/confirm")
    workflow()
    assert state(sparse) == ["team: confirmed"]

    # a team waiting for a confirmation that never comes in time
    dense = env.register("dave", "Dense Crew", ["erin", "frank"], areas=["Data"])
    env.say("erin", dense, "/confirm")
    workflow()
    assert state(dense) == ["team: pending"] and "`frank` | waiting" in env.answers(dense)[0].body

    # a student named in two registrations: bob already confirmed Sparse Squad
    kv = env.register("gina", "KV Cachers", ["hal", "bob"], areas=["Inference"])
    env.say("hal", kv, "/confirm")
    workflow()
    assert state(kv) == ["team: problem"]
    assert "bob is already in team 'Sparse Squad' (\\#" in env.answers(kv)[0].body
    # gina fixes it: the edit re-opens confirmation, so hal confirms again
    env.gh("gina").get_repo(env.hub).get_issue(kv).edit(
        body=body_for("KV Cachers", ["hal", "ivy"], ["Inference"], AREAS))
    workflow()
    assert state(kv) == ["team: pending"]
    assert "confirms again" in env.answers(kv)[0].body
    env.say("hal", kv, "/confirm")
    env.say("ivy", kv, "/confirm")
    workflow()
    assert state(kv) == ["team: confirmed"]

    # an unknown login, then fixed
    typo = env.register("jun", "Typo Team", ["kofi", "lenna"], areas=["Training Efficiency"])
    workflow()
    assert "there is no GitHub user lenna" in env.answers(typo)[0].body
    env.gh("jun").get_repo(env.hub).get_issue(typo).edit(
        body=body_for("Typo Team", ["kofi", "lena"], ["Training Efficiency"], AREAS))
    env.say("kofi", typo, "/confirm")
    env.say("lena", typo, "/confirm")
    workflow()
    assert state(typo) == ["team: confirmed"]

    # a team of 4: only a staff member's /approve makes it
    big = env.register("mateo", "Big Four", ["nora", "omar", "priya"], areas=["Quantization"])
    for s in ("nora", "omar", "priya"):
        env.say(s, big, "/confirm")
    env.say("nora", big, "/approve")
    workflow()
    assert state(big) == ["team: problem"]
    env.say("ta-kim", big, "/approve")
    workflow()
    assert state(big) == ["team: confirmed"]

    # a withdrawn registration: its students are free again
    gone = env.register("quinn", "Withdrawn", ["rosa", "sam"], areas=["Data"])
    env.say("rosa", gone, "/confirm")
    workflow()
    env.gh("quinn").get_repo(env.hub).get_issue(gone).edit(state="closed")
    workflow()
    assert state(gone) == []
    assert "withdrawn" in env.answers(gone)[0].body

    # a student looking for a team
    solo = env.register("tara", "Anyone?", [], areas=["Data"])
    workflow()
    assert state(solo) == ["team: looking"]

    res = env.run("teams", "status", "--json", str(tmp_path / "teams.json"))
    assert res.code == 0, res.err
    data = json.loads((tmp_path / "teams.json").read_text())
    assert {t["slug"]: t["state"] for t in data["teams"]} == {
        "sparse-squad": "confirmed", "dense-crew": "pending", "kv-cachers": "confirmed",
        "typo-team": "confirmed", "big-four": "confirmed"}
    assert data["unteamed"] == ["quinn", "rosa", "sam", "tara"]

    # the leftovers, matched by staff
    res = env.run("teams", "match")
    assert "Matched Team 1: quinn, rosa, sam, tara (all 4 chose Data)" in res.out, res.out
    sandbox.clear_requests()
    res = env.run("teams", "match", "--apply", "--dry-run")
    assert "dry run: nothing written" in res.out and env.writes() == []
    res = env.run("teams", "match", "--apply")
    assert res.code == 0, res.err
    matched = max(i.number for i in env.gh("prof-lee").get_repo(env.hub).get_issues(state="all"))
    assert state(matched) == ["team: confirmed"]
    assert env.issue(solo).state == "closed"
    res = env.run("teams", "match", "--apply")
    assert "nothing to match" in res.out  # rerun: nothing more

    # registration closes; frank's confirmation comes too late
    sandbox.advance(timedelta(days=25))
    env.say("frank", dense, "/confirm")
    workflow()
    assert state(dense) == ["team: pending"]
    assert "Registration closed" in env.answers(dense)[0].body
    late = env.register("erin", "Too Late", ["frank", "dave"], areas=["Data"])
    workflow()
    assert state(late) == ["team: problem"]

    # the judgment: students in no confirmed team are what the milestone lacks
    res = env.run("teams", "status", "--json", str(tmp_path / "teams.json"))
    data = json.loads((tmp_path / "teams.json").read_text())
    assert data["closed"] is True and data["missing"] == ["dave", "erin", "frank"]
    assert "3 students in no confirmed team: dave, erin, frank" in res.out
    assert "dave is in no confirmed team (named in #2 (pending))" in res.out

    # provision: exactly the confirmed teams get repositories, with their area
    res = env.run("provision", "--dry-run", "--team", "dense-crew")
    assert res.code == 2 and "unknown team dense-crew" in res.err  # pending: no repository
    res = env.run("provision", "--yes")
    assert res.code == 0, res.out + res.err
    repos = {r.name for r in env.gh("prof-lee").get_organization("dls").get_repos()}
    assert repos == {"course-hub", "final-sparse-squad", "final-kv-cachers", "final-typo-team",
                     "final-big-four", "final-matched-team-1"}
    project = yaml.safe_load(env.gh("prof-lee").get_repo("dls/final-sparse-squad")
                             .get_contents("project.yml").decoded_content)
    assert project["area"] == "Quantization"
    readme = env.gh("prof-lee").get_repo("dls/final-sparse-squad").get_contents(
        "README.md").decoded_content.decode()
    row = next(x for x in readme.splitlines() if x.startswith("| Team Formation |"))
    assert "registration in the course hub (dls/course-hub)" in row, row
    team = env.gh("prof-lee").get_organization("dls").get_team_by_slug("big-four")
    assert sorted(m.login for m in team.get_members()) == ["mateo", "nora", "omar", "priya"]

    # check judges the team-formation milestone per student; the teams are the registered ones
    res = env.run("check", "--json", str(tmp_path / "check.json"),
                  "--ledger", str(tmp_path / "ledger.json"))
    assert res.code == 1, res.out + res.err
    assert "team-formation: frank is in no confirmed team (named in #2 (pending))" in res.out
    report = json.loads((tmp_path / "check.json").read_text())
    assert [m["student"] for m in report["formation"]["missing"]] == ["dave", "erin", "frank"]
    res = env.run("status", "--json", str(tmp_path / "status.json"),
                  "--ledger", str(tmp_path / "ledger.json"))
    assert res.code == 0, res.err
    shown = json.dumps(json.loads((tmp_path / "status.json").read_text()))
    assert "big-four" in shown and "matched-team-1" in shown and "dense-crew" not in shown
    # the formation milestone is formation's: never a per-team "not checked yet"
    assert "team-formation" not in res.out.splitlines()[0] and "not checked" not in res.out
    assert "team-formation: judged per student from the course hub" in res.out
