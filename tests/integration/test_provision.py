"""Provisioning end to end: the CLI as typed, the sandbox as GitHub, PyGithub to look."""

from __future__ import annotations

import base64

import pytest
import yaml
from github import GithubException

pytestmark = pytest.mark.integration

def test_fresh_course_from_the_starter_folder(course_env):
    res = course_env.run("provision", "--yes")
    assert res.code == 0, res
    assert "3 teams done, 0 failed" in res.out
    assert "9 students invited to dls" in res.out
    course_env.join()  # the students accept GitHub's e-mail invitation

    gh = course_env.gh()
    repo = gh.get_repo("dls/final-sparse-squad")
    assert repo.private is True
    readme = repo.get_contents("README.md").decoded_content.decode()
    assert "Sparse Squad" in readme and "alice" in readme
    assert "Fri 9 Oct 23:59 EDT" in readme
    rules = yaml.safe_load(repo.get_contents(".github/classroom.yml").decoded_content)
    assert rules["team"] == {"name": "Sparse Squad", "slug": "sparse-squad",
                             "members": ["alice", "bob", "carol"]}
    assert [m["id"] for m in rules["milestones"]] == ["proposal", "final-report"]
    assert rules["milestones"][0]["due"] == "2026-10-09T23:59:00-04:00"
    assert rules["grace_minutes"] == 15
    assert rules["milestones"][0]["deliverables"][0]["path"] == "proposal.md"
    assert not any(c.path.endswith(".jinja") for c in repo.get_contents(""))

    org = gh.get_organization("dls")
    team = org.get_team_by_slug("sparse-squad")
    assert sorted(m.login for m in team.get_members()) == ["alice", "bob", "carol"]
    perms = {r.full_name: r.permissions for r in team.get_repos()}
    assert list(perms) == ["dls/final-sparse-squad"]
    assert perms["dls/final-sparse-squad"].push and not perms["dls/final-sparse-squad"].admin
    staff = org.get_team_by_slug("staff")
    assert sorted(m.login for m in staff.get_members()) == ["prof-lee", "ta-kim"]
    staff_perms = {r.full_name: r.permissions.maintain for r in staff.get_repos()}
    assert staff_perms == {f"dls/final-{s}": True for s in ("sparse-squad", "dense-crew",
                                                             "kv-cachers")}


def test_students_push_to_their_own_repository_only(course_env):
    assert course_env.run("provision", "--yes").code == 0
    course_env.join("alice")
    alice = course_env.gh("alice")
    own = alice.get_repo("dls/final-sparse-squad")
    own.create_file("notes.md", "add notes", "hello")
    assert own.get_contents("notes.md").decoded_content == b"hello"
    with pytest.raises(GithubException) as e:
        alice.get_repo("dls/final-dense-crew").create_file("x.md", "nope", "x")
    assert e.value.status == 404  # a private repository it cannot see


def test_rerun_writes_nothing_and_reads_little(course_env):
    assert course_env.run("provision", "--yes").code == 0
    course_env.sandbox.clear_requests()
    res = course_env.run("provision", "--yes")
    assert res.code == 0 and "nothing to do: up to date" in res.out
    assert course_env.writes() == []
    reads = [(r["method"], r["path"].split("?")[0]) for r in course_env.sandbox.requests()]
    # the token's user and role, the org, its repositories and teams (org-wide lists), one read
    # per team, and the pending invitations (the students have not joined yet)
    assert reads == [("GET", "/user"), ("GET", "/orgs/dls/memberships/prof-lee"),
                     ("GET", "/orgs/dls"), ("GET", "/orgs/dls/repos"), ("GET", "/orgs/dls/teams"),
                     ("GET", "/repos/dls/final-sparse-squad/collaborators"),
                     ("GET", "/repos/dls/final-dense-crew/collaborators"),
                     ("GET", "/repos/dls/final-kv-cachers/collaborators"),
                     ("GET", "/orgs/dls/invitations")]


def test_dry_run_writes_nothing(course_env):
    res = course_env.run("provision", "--dry-run")
    assert res.code == 0, res
    assert "sparse-squad: create repository dls/final-sparse-squad" in res.out
    assert "dry run: nothing written" in res.out
    assert course_env.writes() == []


def test_without_yes_outside_a_terminal_it_refuses(course_env):
    res = course_env.run("provision")
    assert res.code == 2 and "pass --yes" in res.err
    assert course_env.writes() == []


def test_roster_change_touches_only_what_changed(course_env):
    assert course_env.run("provision", "--yes").code == 0
    course_env.join()  # weeks later: everyone joined
    # carol leaves Sparse Squad for Dense Crew; jo joins KV Cachers.
    text = course_env.config.read_text()
    text = text.replace("[alice, bob, carol]", "[alice, bob]")
    text = text.replace("[dave, erin, frank]", "[dave, erin, frank, carol]")
    text = text.replace("[gina, hal, ivy]", "[gina, hal, ivy, jo]")
    course_env.config.write_text(text)
    course_env.tokens.update(course_env.sandbox.seed({"users": ["jo"]}))
    course_env.sandbox.clear_requests()

    plan = course_env.run("provision", "--dry-run")
    assert "sparse-squad: remove member carol" in plan.out
    assert "dense-crew: add member carol" in plan.out
    assert "kv-cachers: add member jo" in plan.out
    # the rules file names the team's members (check --local reads it): each one changed
    assert plan.out.count("update .github/classroom.yml") == 3
    assert "6 changes for 3 teams" in plan.out

    res = course_env.run("provision", "--yes")
    assert res.code == 0, res
    writes = course_env.writes()
    assert sorted((w["method"], w["path"]) for w in writes) == [
        ("DELETE", "/orgs/dls/teams/sparse-squad/memberships/carol"),
        ("PUT", "/orgs/dls/teams/dense-crew/memberships/carol"),
        ("PUT", "/orgs/dls/teams/kv-cachers/memberships/jo"),
        ("PUT", "/repos/dls/final-dense-crew/contents/.github/classroom.yml"),
        ("PUT", "/repos/dls/final-kv-cachers/contents/.github/classroom.yml"),
        ("PUT", "/repos/dls/final-sparse-squad/contents/.github/classroom.yml"),
    ]
    course_env.join("jo")
    carol = course_env.gh("carol")
    with pytest.raises(GithubException) as e:
        carol.get_repo("dls/final-sparse-squad").get_contents("README.md")
    assert e.value.status == 404
    assert carol.get_repo("dls/final-dense-crew").get_contents("README.md")


def test_from_a_github_template_repository(sandbox, tmp_path, run_cli, monkeypatch):
    from .conftest import make_course_env

    env = make_course_env(sandbox, tmp_path, run_cli, monkeypatch, template="dls/starter")
    gh = env.gh()
    tpl = gh.get_organization("dls").create_repo("starter", private=True, auto_init=True)
    tpl.create_file("README.md.jinja", "template", "# {{ team.name }}\n\n{{ course.name }}\n")
    tpl.create_file("docs/guide.md", "guide", "Read me ${{ not.rendered }}\n")
    sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 2 and "is not a template repository" in res.err  # pre-flight
    assert env.writes() == []
    tpl.edit(is_template=True)
    sandbox.generate_delay = 0.5  # generated repositories stay empty for a while
    sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0, res
    repo = gh.get_repo("dls/final-kv-cachers")
    assert repo.get_contents("README.md").decoded_content.decode().startswith("# KV Cachers")
    assert repo.get_contents("docs/guide.md").decoded_content == b"Read me ${{ not.rendered }}\n"
    names = {c.path for c in repo.get_contents("")}
    assert "README.md.jinja" not in names and ".github" in names
    rules = yaml.safe_load(base64.b64decode(repo.get_contents(".github/classroom.yml").content))
    # the starter map names the rendered file and the copied one, as git hashes them
    assert rules["starter"]["README.md"] == repo.get_contents("README.md").sha
    assert rules["starter"]["docs/guide.md"] == repo.get_contents("docs/guide.md").sha
    assert "README.md.jinja" not in rules["starter"]
    writes = [(w["method"], w["path"].split("?")[0]) for w in env.writes()]
    # The base permission, the staff team and its two members; then ten writes per team (the
    # generate request names the template, not the team: so the list, not a path filter).
    assert writes[:4] == [("PATCH", "/orgs/dls"), ("POST", "/orgs/dls/teams"),
                          ("PUT", "/orgs/dls/teams/staff/memberships/prof-lee"),
                          ("PUT", "/orgs/dls/teams/staff/memberships/ta-kim")]
    assert len(writes) == 4 + 3 * 10
    assert writes[-10:] == [
        ("POST", "/repos/dls/starter/generate"),
        ("POST", "/repos/dls/final-kv-cachers/git/trees"),
        ("POST", "/repos/dls/final-kv-cachers/git/commits"),
        ("PATCH", "/repos/dls/final-kv-cachers/git/refs/heads/main"),
        ("POST", "/orgs/dls/teams"),
        ("DELETE", "/orgs/dls/teams/kv-cachers/memberships/prof-lee"),  # GitHub added the creator
        ("PUT", "/orgs/dls/teams/kv-cachers/memberships/gina"),
        ("PUT", "/orgs/dls/teams/kv-cachers/memberships/hal"),
        ("PUT", "/orgs/dls/teams/kv-cachers/memberships/ivy"),
        ("PUT", "/orgs/dls/teams/staff/repos/dls/final-kv-cachers")]


def test_from_a_plain_github_template_only_the_rules_file_is_written(sandbox, tmp_path, run_cli,
                                                                     monkeypatch):
    from .conftest import make_course_env

    env = make_course_env(sandbox, tmp_path, run_cli, monkeypatch, template="dls/plain")
    gh = env.gh()
    tpl = gh.get_organization("dls").create_repo("plain", private=True, auto_init=True)
    tpl.create_file("proposal.md", "template", "# Proposal\n")
    tpl.edit(is_template=True)
    sandbox.clear_requests()
    assert env.run("provision", "--yes").code == 0
    repo = gh.get_repo("dls/final-dense-crew")
    assert repo.get_contents("proposal.md").decoded_content == b"# Proposal\n"
    rules = yaml.safe_load(repo.get_contents(".github/classroom.yml").decoded_content)
    assert rules["team"]["slug"] == "dense-crew"
    assert rules["starter"]["proposal.md"] == repo.get_contents("proposal.md").sha
    per_team = [(w["method"], w["path"]) for w in env.writes() if "dense-crew" in w["path"]]
    assert ("PUT", "/repos/dls/final-dense-crew/contents/.github/classroom.yml") in per_team
    assert not [p for p in per_team if "/git/" in p[1]]
    sandbox.clear_requests()
    assert env.run("provision", "--yes").code == 0 and env.writes() == []


def test_rerun_reads_one_request_per_team_when_tas_are_not_owners(sandbox, tmp_path, run_cli,
                                                                  monkeypatch):
    from support import ROOT

    from .conftest import COURSE, CourseEnv

    config = tmp_path / "classroom.yml"
    config.write_text(COURSE.format(template=ROOT / "templates" / "repo"))
    students = ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "hal", "ivy"]
    tokens = sandbox.seed({"users": ["prof-lee", "ta-kim", *students],
                           "orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["ta-kim", *students]}]})
    for login in ["ta-kim", *students]:
        sandbox.accept_invitations(login)
    env = CourseEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    assert env.run("provision", "--yes").code == 0
    ta = env.gh("ta-kim").get_repo("dls/final-kv-cachers")
    assert ta.permissions.maintain and not ta.permissions.admin

    sandbox.clear_requests()
    assert env.run("provision", "--yes").code == 0 and env.writes() == []
    paths = [r["path"] for r in sandbox.requests()]
    # the token's user and role, the org (base permission), its repositories and teams, then
    # one read per team; nobody is missing, so no invitation list is read
    assert len(paths) == 5 + 3, paths
    assert sum(p.endswith("/collaborators") for p in paths) == 3

    # the TA drops out of the staff team by hand: the rerun notices and puts them back
    env.gh().get_organization("dls").get_team_by_slug("staff").remove_membership(
        env.gh().get_user("ta-kim"))
    sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0 and "add staff member ta-kim" in res.out
    assert [(w["method"], w["path"]) for w in env.writes()] == [
        ("PUT", "/orgs/dls/teams/staff/memberships/ta-kim")]


def test_with_a_github_app_installation_token(course_env):
    env, sb = course_env, course_env.sandbox
    sb.set_clock(sb.now().replace(year=2026, month=9, day=1))  # before the deadlines
    env.tokens["app"] = sb.create_installation("dls")
    res = env.run("provision", "--yes", as_user="app")
    assert res.code == 0, res
    env.join()
    team = env.gh().get_organization("dls").get_team_by_slug("dense-crew")
    assert sorted(m.login for m in team.get_members()) == ["dave", "erin", "frank"]
    # no creator to remove: one write fewer per team than with a user's token
    writes = env.writes()
    assert not [w for w in writes if w["method"] == "DELETE"]
    # the base permission, the staff team and its 2 members, then 9 per team
    assert len(writes) == 1 + 3 + 3 * 9
    sb.clear_requests()
    assert env.run("provision", "--yes", as_user="app").code == 0 and env.writes() == []
    sb.set_clock(sb.now().replace(year=2026, month=10, day=11))
    env.tokens["app"] = sb.create_installation("dls")  # each job mints its own (valid 1 h)
    res = env.run("check", "--milestone", "proposal", "--ledger", str(env.dir / "l.json"),
                  as_user="app")
    assert res.code == 1 and "Traceback" not in res.err
    [issue] = env.gh().get_repo("dls/final-dense-crew").get_issues()
    assert issue.user.login == "classroom-ops-dls[bot]"
