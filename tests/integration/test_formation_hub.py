"""`provision` with `formation:` sets up the course hub: private, readable by the students
team, with the issue form, the workflow and the settings it reads; a rerun writes nothing."""

from __future__ import annotations

import json

import pytest
import yaml

from classroom_ops.formation.form import LABELS
from classroom_ops.formation.hub import FORM_PATH, WORKFLOW_PATH
from support import ROOT

from .formation_env import AREAS, STUDENTS, HubEnv, start, write_course


@pytest.fixture
def env(sandbox, tmp_path, run_cli, monkeypatch) -> HubEnv:
    config = write_course(tmp_path, ROOT / "templates" / "repo")
    tokens = sandbox.seed({"orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["ta-kim"]}], "users": STUDENTS})
    start(sandbox)
    return HubEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)


def test_dry_run_then_setup_then_nothing_to_do(env):
    res = env.run("provision", "--dry-run")
    assert res.code == 0, res.err
    assert "hub: create the private hub repository dls/course-hub" in res.out
    assert "hub: invite alice to students" in res.out
    assert [w for w in env.writes()] == []

    res = env.run("provision", "--yes")
    assert res.code == 0, res.out + res.err
    owner = env.gh("prof-lee")
    repo = owner.get_repo("dls/course-hub")
    assert repo.private
    org = owner.get_organization("dls")
    students = org.get_team_by_slug("students")
    assert students.get_repo_permission(repo).pull and not students.get_repo_permission(repo).push
    assert org.get_team_by_slug("staff").get_repo_permission(repo).maintain

    form = yaml.safe_load(repo.get_contents(FORM_PATH).decoded_content)
    fields = {b["id"]: b["attributes"] for b in form["body"] if "id" in b}
    assert {k: v["label"] for k, v in fields.items()} == LABELS  # the parser reads these
    assert [o["label"] for o in fields["interests"]["options"]] == AREAS
    settings = json.loads(repo.get_contents(".classroom-ops/formation.json").decoded_content)
    assert sorted(settings["roster"]) == sorted(STUDENTS) and settings["size"] == 3
    assert "email" not in json.dumps(settings)
    colours = {lb.name: lb.color for lb in repo.get_labels()}
    assert colours["team: confirmed"] == "0e8a16" and colours["team: problem"] == "d93f0b"
    wf = yaml.safe_load(repo.get_contents(WORKFLOW_PATH).decoded_content)
    assert wf["permissions"] == {}
    assert wf["jobs"]["sync"]["permissions"] == {"contents": "read", "issues": "write"}

    # every student was invited to the students team (they are not org members yet)
    env.sandbox.accept_invitations("alice")
    as_alice = env.gh("alice").get_repo("dls/course-hub")
    assert as_alice.create_issue(title="Team registration", body="x").user.login == "alice"

    env.sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0, res.err
    assert "nothing to do: up to date" in res.out
    assert env.writes() == []


def test_students_without_a_login_are_invited_by_email_once(sandbox, tmp_path, run_cli,
                                                            monkeypatch):
    config = write_course(tmp_path, ROOT / "templates" / "repo", students=STUDENTS[:3],
                          emails=["dana@uni.example", "eli@uni.example"])
    tokens = sandbox.seed({"orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["ta-kim"]}], "users": STUDENTS[:3]})
    start(sandbox)
    env = HubEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    res = env.run("provision", "--yes")
    assert res.code == 0, res.out + res.err
    assert "dana@uni.example" not in res.out and "invite a student by e-mail (d…@uni.example)" \
        in res.out
    org = env.gh("prof-lee").get_organization("dls")
    pending = list(org.invitations())
    assert sorted(i.email for i in pending if i.email) == ["dana@uni.example", "eli@uni.example"]
    assert sorted(i.login for i in pending if i.login) == sorted(STUDENTS[:3])
    assert all(i.team_count == 1 for i in pending)  # into the students team once accepted
    hub = env.gh("prof-lee").get_repo("dls/course-hub")
    assert b"uni.example" not in hub.get_contents(".classroom-ops/formation.json").decoded_content
    env.sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0 and "nothing to do: up to date" in res.out, res.out
    assert env.writes() == []  # pending invitations (by login or e-mail) are not made again
    # a week later unanswered invitations have expired: the next run invites again
    from datetime import timedelta

    sandbox.advance(timedelta(days=8))
    res = env.run("provision", "--dry-run")
    assert "hub: invite alice to students" in res.out
    assert "invite a student by e-mail (d…@uni.example)" in res.out


def test_a_class_roster_login_github_does_not_know_is_refused_with_its_line(
        sandbox, tmp_path, run_cli, monkeypatch):
    """As the `roster:` path does (provision/state.py): one error per unknown login, with its
    line in the class roster, exit 2, nothing written; the rerun says the same."""
    config = write_course(tmp_path, ROOT / "templates" / "repo",
                          students=STUDENTS[:3] + ["ghost-student"])
    tokens = sandbox.seed({"orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["ta-kim"]}], "users": STUDENTS[:3]})
    start(sandbox)
    env = HubEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    for args in (["--dry-run"], ["--yes"]):
        res = env.run("provision", *args)
        assert res.code == 2, res
        assert "roster.csv:5: GitHub has no user 'ghost-student'" in res.err
        assert "1 unknown login" in res.err and "Traceback" not in res.err
        assert env.writes() == []
    # the roster fixed: the hub is set up, everyone invited
    write_course(tmp_path, ROOT / "templates" / "repo", students=STUDENTS[:3])
    sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0, res.out + res.err
    users = [p for p in (r["path"] for r in sandbox.requests()) if p.startswith("/users/")]
    assert len(users) == len(set(users))  # one look-up per login, none twice


def test_the_sandbox_seeded_from_a_formation_course_knows_its_students(
        sandbox, tmp_path, run_cli, monkeypatch):
    """`classroom-ops sandbox --config` seeds the class roster's logins as GitHub users, so a
    rehearsal's provision invites them (an e-mail-only student has no account to seed)."""
    from classroom_ops.commands.sandbox_cmd import seed_for
    from classroom_ops.config import load_course

    config = write_course(tmp_path, ROOT / "templates" / "repo", students=STUDENTS[:4],
                          emails=["dana@uni.example"])
    seed = seed_for(load_course(config))
    assert sorted(seed["users"]) == sorted(["prof-lee", "ta-kim", *STUDENTS[:4]])
    tokens = sandbox.seed(seed)
    start(sandbox)
    env = HubEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    res = env.run("provision", "--yes")
    assert res.code == 0, res.out + res.err
    sandbox.accept_invitations("dave")
    assert env.gh("dave").get_repo("dls/course-hub").private


def test_students_known_only_by_email_count_in_the_standing_without_their_address(
        sandbox, tmp_path, run_cli, monkeypatch):
    from datetime import timedelta

    config = write_course(tmp_path, ROOT / "templates" / "repo", students=STUDENTS[:3],
                          emails=["dana@uni.example", "eli@uni.example"])
    tokens = sandbox.seed({"orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["ta-kim"]}], "users": STUDENTS[:3]})
    start(sandbox)
    env = HubEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    assert env.run("provision", "--yes").code == 0
    res = env.run("teams", "status")
    assert res.code == 0, res
    assert "5 of 5 students in no team" in res.out
    assert "2 students invited by e-mail who have not joined yet" in res.out
    sandbox.advance(timedelta(days=40))  # registration has closed
    res = env.run("teams", "status", "--json", str(tmp_path / "teams.json"))
    assert "5 students in no confirmed team" in res.out, res.out
    assert "invited-by-e-mail-1 is in no confirmed team (invited by e-mail; has not joined " \
        "the organization yet)" in res.out
    missing = json.loads((tmp_path / "teams.json").read_text())["missing"]
    assert missing == ["alice", "bob", "carol", "invited-by-e-mail-1", "invited-by-e-mail-2"]
    res = env.run("check", "--no-issues", "--milestone", "team-formation",
                  "--ledger", str(tmp_path / "ledger.json"), "--json", str(tmp_path / "c.json"))
    data = json.loads((tmp_path / "c.json").read_text())
    assert [m["student"] for m in data["formation"]["missing"]][-2:] == [
        "invited-by-e-mail-1", "invited-by-e-mail-2"]
    assert "uni.example" not in res.out + res.err + (tmp_path / "c.json").read_text()


def test_the_plan_lists_exactly_what_apply_does_and_counts_it(env):
    plan = env.run("provision", "--dry-run")
    assert plan.code == 0, plan.err
    lines = plan.out.splitlines()
    assert lines[0].startswith("plan for dls ")  # the header comes first
    planned = [x.strip().removeprefix("hub: ") for x in lines if x.startswith("  hub: ")]
    assert "give staff maintain access to the hub" in planned  # given in this same run
    assert "create 4 labels (team: pending, team: confirmed, team: problem, team: looking)" \
        in planned
    assert not any("next run" in x for x in lines)
    count = next(x for x in lines if " changes for " in x)
    course_steps = sum(1 for x in lines if x.startswith("  course: "))
    assert count.startswith(f"{len(planned) + course_steps} changes for 0 teams"), count
    assert f"{len(planned)} hub" in count

    res = env.run("provision", "--yes")
    assert res.code == 0, res.out + res.err
    done = [x.removeprefix("hub: ") for x in res.out.splitlines() if x.startswith("hub: ")]
    assert done == planned
    # registration open: the plan says until when, as a date
    res = env.run("provision", "--dry-run")
    assert "registration is open until week 4" not in res.out
    assert "registration is open until Fri 25 Sep 23:59 EDT" in res.out, res.out
