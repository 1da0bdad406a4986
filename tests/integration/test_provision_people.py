"""Provisioning on a fresh github.com-like organization: students who have not accepted their
invitations, expired invitations, the base permission, logins GitHub does not know, and team
names GitHub makes its own slugs for."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from github import GithubException

pytestmark = pytest.mark.integration


def _paths(sb) -> list[str]:
    return [r["path"] for r in sb.requests()]


def test_a_rerun_with_every_student_still_invited_writes_nothing(course_env):
    env, sb = course_env, course_env.sandbox
    assert env.run("provision", "--yes").code == 0
    sb.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0, res
    assert "nothing to do: up to date" in res.out
    assert "9 students invited and not joined yet" in res.out
    assert env.writes() == []
    # fixed: the token's user and role, the org, its repositories, teams and pending
    # invitations; then one read per team
    assert _paths(sb) == [
        "/user", "/orgs/dls/memberships/prof-lee", "/orgs/dls", "/orgs/dls/repos",
        "/orgs/dls/teams",
        "/repos/dls/final-sparse-squad/collaborators",
        "/repos/dls/final-dense-crew/collaborators",
        "/repos/dls/final-kv-cachers/collaborators",
        "/orgs/dls/invitations",
    ]


def test_an_expired_invitation_is_sent_again_and_shown_in_the_plan(course_env):
    env, sb = course_env, course_env.sandbox
    assert env.run("provision", "--yes").code == 0
    env.join(*[s for s in env.students() if s != "carol"])
    sb.advance(timedelta(days=8))  # carol never clicked: GitHub expires it after 7 days
    sb.clear_requests()
    plan = env.run("provision", "--dry-run")
    assert plan.code == 0, plan
    assert "sparse-squad: invite again carol (invitation expired on 2026-" in plan.out
    assert "1 changes for 1 teams" in plan.out
    res = env.run("provision", "--yes")
    assert res.code == 0, res
    assert [(w["method"], w["path"]) for w in env.writes()] == [
        ("PUT", "/orgs/dls/teams/sparse-squad/memberships/carol")]
    assert "1 student invited to dls" in res.out
    env.join("carol")
    carol = env.gh("carol").get_repo("dls/final-sparse-squad")
    assert carol.get_contents("README.md")
    sb.clear_requests()
    assert env.run("provision", "--yes").code == 0 and env.writes() == []


def test_students_of_one_team_cannot_read_another_teams_repository(course_env):
    env = course_env
    assert env.gh().get_organization("dls").default_repository_permission == "read"  # GitHub's
    plan = env.run("provision", "--dry-run")
    assert "course: set the organization's base permission to none (it is 'read'" in plan.out
    assert env.run("provision", "--yes").code == 0
    env.join()
    assert env.gh().get_organization("dls").default_repository_permission == "none"
    alice = env.gh("alice")
    assert alice.get_repo("dls/final-sparse-squad").get_contents("README.md")
    with pytest.raises(GithubException) as e:
        alice.get_repo("dls/final-dense-crew").get_contents("README.md")
    assert e.value.status == 404


def test_an_open_course_keeps_the_base_permission(course_env):
    env = course_env
    env.config.write_text(env.config.read_text().replace(
        "  permission: push\n", "  permission: push\n  private_between_teams: false\n"))
    plan = env.run("provision", "--dry-run")
    assert plan.code == 0, plan
    assert "base permission" not in plan.out
    assert env.run("provision", "--yes").code == 0
    env.join()
    assert env.gh().get_organization("dls").default_repository_permission == "read"
    # what the setting means: every student reads every team's repository
    assert env.gh("alice").get_repo("dls/final-dense-crew").get_contents("README.md")
    # and a rerun neither mistakes the class for stray collaborators nor reads more
    env.sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0 and "nothing to do: up to date" in res.out, res
    assert "note:" not in res.out and env.writes() == []
    assert len(env.sandbox.requests()) == 5 + 3


def test_an_unknown_login_is_one_error_with_its_line_and_nothing_is_written(course_env):
    env, sb = course_env, course_env.sandbox
    env.config.write_text(env.config.read_text().replace("[dave, erin, frank]",
                                                        "[dave, erin, frnak]"))
    line = next(i for i, text in enumerate(env.config.read_text().splitlines(), 1)
                if "frnak" in text)
    sb.clear_requests()
    res = env.run("provision", "--dry-run")
    assert res.code == 2, res
    assert f"classroom.yml:{line}: GitHub has no user 'frnak'" in res.err
    assert "1 unknown login" in res.err and "Traceback" not in res.err
    assert env.writes() == []
    # one look-up per login GitHub was asked about, none twice
    users = [p for p in _paths(sb) if p.startswith("/users/")]
    assert len(users) == len(set(users)) == 9
    res = env.run("provision", "--yes")
    assert res.code == 2 and env.writes() == []


def test_a_known_member_costs_no_user_look_up(course_env):
    env, sb = course_env, course_env.sandbox
    assert env.run("provision", "--yes").code == 0
    env.join()
    text = env.config.read_text().replace("[gina, hal, ivy]", "[gina, hal, ivy, jo]")
    env.config.write_text(text)
    env.tokens.update(sb.seed({"users": ["jo"]}))
    sb.clear_requests()
    plan = env.run("provision", "--dry-run")
    assert "kv-cachers: add member jo" in plan.out
    assert [p for p in _paths(sb) if p.startswith("/users/")] == ["/users/jo"]


UNICODE_TEAMS = """\
teams:
  - {name: "Équipe Ünïcode 🚀", members: [alice, bob, carol]}
  - {name: "My TEam Näme", members: [dave, erin, frank]}
  - {name: KV Cachers, members: [gina, hal, ivy]}
"""


def test_team_names_with_accents_and_emoji_work_end_to_end(course_env):
    env, sb = course_env, course_env.sandbox
    text = env.config.read_text()
    start, end = text.index("teams:\n"), text.index("milestones:\n")
    env.config.write_text(text[:start] + UNICODE_TEAMS + text[end:])
    sb.set_clock(datetime.fromisoformat("2026-09-01T12:00:00-04:00"))  # the start of term
    res = env.run("provision", "--yes")
    assert res.code == 0, res
    env.join()
    org = env.gh().get_organization("dls")
    slugs = {t.name: t.slug for t in org.get_teams()}
    assert slugs["My TEam Näme"] == "my-team-name"  # GitHub's, from its answer
    team = org.get_team_by_slug(slugs["Équipe Ünïcode 🚀"])
    assert sorted(m.login for m in team.get_members()) == ["alice", "bob", "carol"]
    assert env.gh("dave").get_repo("dls/final-my-team-name").permissions.push
    sb.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0 and "nothing to do: up to date" in res.out, res
    assert env.writes() == []
    # the deadline check finds the teams and their members: issues assigned to them
    sb.set_clock(datetime.fromisoformat("2026-10-11T12:00:00-04:00"))  # past the proposal deadline
    res = env.run("check", "--milestone", "proposal", "--ledger", str(env.dir / "l.json"))
    assert res.code == 1, res
    [issue] = env.gh().get_repo("dls/final-my-team-name").get_issues()
    assert sorted(a.login for a in issue.assignees) == ["dave", "erin", "frank"]
    assert env.gh().get_repo("dls/final-equipe-unicode").get_issues().totalCount == 1


def test_a_new_ta_who_has_not_joined_is_invited_once(course_env):
    env, sb = course_env, course_env.sandbox
    env.config.write_text(env.config.read_text().replace("[prof-lee, ta-kim]",
                                                        "[prof-lee, ta-kim, ta-lin]"))
    env.tokens.update(sb.seed({"users": ["ta-lin"]}))  # a GitHub user, not in the org yet
    assert env.run("provision", "--yes").code == 0
    sb.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0 and "nothing to do: up to date" in res.out, res
    assert env.writes() == []
    env.join("ta-lin", *env.students())
    assert env.gh("ta-lin").get_repo("dls/final-kv-cachers").permissions.maintain
    sb.clear_requests()
    assert env.run("provision", "--yes").code == 0 and env.writes() == []
