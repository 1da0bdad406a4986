"""A hostile student against team formation (the review's attacks, each performed on the
sandbox with the student's own token): nothing a student does after registration closes changes
the official record without a staff `/approve`, and no student can take a staff-made team's
place."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from classroom_ops.formation.form import body_for
from support import ROOT

from .formation_env import AREAS, STUDENTS, WORKFLOW_TOKEN, HubEnv, start, write_course

CLOSE = timedelta(days=26)  # from 2026-09-01: registration (week 4) has closed


@pytest.fixture
def env(sandbox, tmp_path, run_cli, monkeypatch):
    config = write_course(tmp_path, ROOT / "templates" / "repo")
    tokens = sandbox.seed({"orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["ta-kim"]}], "users": STUDENTS})
    start(sandbox)
    e = HubEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    assert e.run("provision", "--yes").code == 0
    for s in STUDENTS:
        sandbox.accept_invitations(s)
    (tmp_path / "formation.json").write_bytes(
        e.gh("prof-lee").get_repo(e.hub).get_contents(".classroom-ops/formation.json")
        .decoded_content)

    def workflow():
        monkeypatch.setenv("GITHUB_TOKEN", sandbox.create_installation("dls", WORKFLOW_TOKEN))
        res = run_cli("teams", "sync", "--settings", str(tmp_path / "formation.json"),
                      "--api-url", sandbox.api_url)
        assert res.code == 0, res.err
        return res
    e.workflow = workflow
    return e


def status(env) -> dict:
    res = env.run("teams", "status", "--json", str(env.dir / "teams.json"))
    assert res.code in (0, 1), res.err
    d = json.loads((env.dir / "teams.json").read_text())
    return {t["slug"]: (t["state"], sorted(t["members"])) for t in d["teams"]}


def confirmed_team(env, author, name, mates) -> int:
    n = env.register(author, name, mates)
    for m in mates:
        env.say(m, n, "/confirm")
    env.workflow()
    assert env.team_labels(n) == ["team: confirmed"]
    return n


def test_a_withdrawn_registration_reopened_after_closing_takes_nobody(env):
    ghost = env.register("quinn", "Ghost", ["rosa", "sam"])
    env.say("rosa", ghost, "/confirm")
    env.say("sam", ghost, "/confirm")
    env.workflow()
    env.gh("quinn").get_repo(env.hub).get_issue(ghost).edit(state="closed")
    env.workflow()
    confirmed_team(env, "alice", "Legit", ["rosa", "sam"])
    env.sandbox.advance(CLOSE)
    assert status(env)["legit"] == ("confirmed", ["alice", "rosa", "sam"])
    env.gh("quinn").get_repo(env.hub).get_issue(ghost).edit(state="open")
    env.workflow()
    teams = status(env)
    assert teams["legit"] == ("confirmed", ["alice", "rosa", "sam"])
    assert teams["ghost"][0] == "problem"
    assert "/approve" in env.answers(ghost)[0].body


def test_an_old_issue_edited_into_a_registration_after_closing_takes_nobody(env):
    confirmed_team(env, "alice", "Legit", ["bob", "carol"])
    q = env.gh("bob").get_repo(env.hub).create_issue(title="question",
                                                     body="when is the deadline?").number
    env.sandbox.advance(CLOSE)
    env.gh("bob").get_repo(env.hub).get_issue(q).edit(
        body=body_for("Mine", ["dave", "erin"], ["Data"], AREAS))
    env.workflow()
    teams = status(env)
    assert teams["legit"] == ("confirmed", ["alice", "bob", "carol"])
    assert teams["mine"][0] == "problem"


def test_a_looking_issue_edited_into_a_team_after_closing_takes_nobody(env):
    confirmed_team(env, "alice", "Legit", ["bob", "carol"])
    solo = env.register("bob", "Anyone?", [])
    env.workflow()
    env.sandbox.advance(CLOSE)
    env.gh("bob").get_repo(env.hub).get_issue(solo).edit(
        body=body_for("Mine", ["dave", "erin"], ["Data"], AREAS))
    env.workflow()
    teams = status(env)
    assert teams["legit"] == ("confirmed", ["alice", "bob", "carol"])
    assert teams["mine"][0] == "problem"


@pytest.mark.parametrize("attack", ["close", "delete", "edit", "edit-body"])
def test_a_confirmed_team_stays_after_closing_whatever_its_members_do(env, attack):
    a = confirmed_team(env, "alice", "Legit", ["bob", "carol"])
    confirmed_team(env, "dave", "Other", ["erin", "frank"])
    env.sandbox.advance(CLOSE)
    env.workflow()  # the first run after closing
    res = env.run("provision", "--yes")
    assert res.code == 0, res.out + res.err
    issue = env.gh("bob" if attack in ("delete", "edit") else "alice").get_repo(env.hub) \
        .get_issue(a)
    if attack == "close":
        issue.edit(state="closed")
    elif attack == "edit-body":
        issue.edit(body=body_for("Legit", ["bob", "gina"], ["Data"], AREAS))
    else:
        for c in issue.get_comments():
            if c.user.login == "bob":
                c.delete() if attack == "delete" else c.edit("never mind")
    env.workflow()
    teams = status(env)
    assert teams["legit"] == ("confirmed", ["alice", "bob", "carol"])
    assert teams["other"] == ("confirmed", ["dave", "erin", "frank"])


def test_an_approval_counts_only_for_the_version_it_followed(env):
    n = env.register("mateo", "Big Four", ["nora", "omar", "priya"])
    for s in ("nora", "omar", "priya"):
        env.say(s, n, "/confirm")
    env.workflow()
    env.say("ta-kim", n, "/approve")
    # before the workflow answers the approval, mateo makes the team bigger
    env.gh("mateo").get_repo(env.hub).get_issue(n).edit(
        body=body_for("Big Four", ["nora", "omar", "priya", "quinn", "rosa"], ["Data"], AREAS))
    for s in ("nora", "omar", "priya", "quinn", "rosa"):
        env.say(s, n, "/confirm")
    env.workflow()
    env.workflow()
    assert status(env)["big-four"][0] == "problem"  # 6 members, and no approval of that
    assert "Approved by staff" not in env.answers(n)[0].body
    env.say("ta-kim", n, "/approve")  # staff approve the version they now see
    env.workflow()
    assert status(env)["big-four"][0] == "confirmed"


def test_a_student_issue_titled_like_a_matched_team_does_not_take_its_place(env):
    for s in ["quinn", "rosa", "sam", "tara", "omar", "priya"]:
        env.register(s, "Anyone?", [], areas=["Data"])
    env.workflow()
    fake = env.gh("hal").get_repo(env.hub).create_issue(
        title="Team registration: Matched Team 1 (placed by staff)", body="hello").number
    res = env.run("teams", "match", "--apply")
    assert res.code == 0, res.out + res.err
    hub = env.gh("prof-lee").get_repo(env.hub)
    placed = [i for i in hub.get_issues(state="all")
              if i.title == "Team registration: Matched Team 1 (placed by staff)"]
    assert sorted(i.user.login for i in placed) == ["hal", "prof-lee"]
    assert f"(#{fake})" not in res.out
    env.workflow()
    teams = status(env)
    assert teams["matched-team-1"][0] == "confirmed"


def test_remind_sees_the_teams_registered_in_the_hub(env):
    confirmed_team(env, "alice", "Legit", ["bob", "carol"])
    env.sandbox.advance(CLOSE)
    env.workflow()
    assert env.run("provision", "--yes").code == 0
    env.sandbox.advance(timedelta(days=12))  # two days before the proposal is due
    res = env.run("remind", "--dry-run", "--ledger", str(env.dir / "l.json"))
    assert res.code == 0, res.out + res.err
    assert "legit" in res.out
    res = env.run("remind", "--dry-run", "--team", "legit", "--ledger", str(env.dir / "l.json"))
    assert res.code == 0, res.out + res.err


def test_a_team_named_like_an_existing_org_team_is_refused_alone(env):
    org = env.gh("prof-lee").get_organization("dls")
    secret = org.create_repo("exam-solutions", private=True)
    admins = org.create_team("Admins", privacy="closed")
    admins.update_team_repository(secret, "admin")
    confirmed_team(env, "alice", "Admins", ["bob", "carol"])
    confirmed_team(env, "dave", "Other", ["erin", "frank"])
    env.sandbox.advance(CLOSE)
    env.workflow()
    res = env.run("provision", "--yes")
    assert res.code == 0, res.out + res.err
    assert "team 'Admins' (#" in res.out and "not provisioned" in res.out
    assert "course file" not in res.out
    assert [m.login for m in org.get_team_by_slug("admins").get_members()] == ["prof-lee"]
    assert not [i for i in org.invitations() if i.login in ("alice", "bob", "carol")]
    assert "final-other" in {r.name for r in org.get_repos()}
    assert "final-admins" not in {r.name for r in org.get_repos()}


def test_grades_have_the_hub_teams_the_check_recorded(env):
    confirmed_team(env, "alice", "Légit", ["bob", "carol"])
    env.sandbox.advance(CLOSE)
    env.workflow()
    assert env.run("provision", "--yes").code == 0
    env.sandbox.advance(timedelta(days=20))  # past the proposal's deadline
    ledger = str(env.dir / "l.json")
    res = env.run("check", "--ledger", ledger)
    assert res.code in (0, 1), res.out + res.err
    assert json.loads((env.dir / "l.json").read_text())["registered"]["legit"]["members"] == [
        "alice", "bob", "carol"]
    res = env.run("grades", "-o", str(env.dir / "g.csv"), "--ledger", ledger)
    assert res.code == 0, res.out + res.err
    rows = {line.split(",")[0]: line for line in
            (env.dir / "g.csv").read_text(encoding="utf-8").splitlines()[1:]}
    assert {"alice", "bob", "carol"} <= set(rows) and "Légit" in rows["bob"]
