"""Org invitations as github.com makes them: pending team memberships that grant nothing, the
pending and failed lists, expiry after 7 days of sandbox clock, sending again, assignees."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from github import GithubException, UnknownObjectException

from classroom_ops.sandbox import Sandbox

from .conftest import client, raw

pytestmark = pytest.mark.integration

ORG = "course-inv"
PROF = "prof-ito"
START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sandbox():
    # Its own sandbox: these tests move the clock by days. Named `sandbox` so the OpenAPI
    # conformance fixture checks its answers too.
    sb = Sandbox(capture=True).start()
    sb.set_clock(START, frozen=True)
    sb.seed({"orgs": [{"login": ORG, "owners": [PROF], "members": ["ana", "ben"]}]})
    yield sb
    sb.stop()


@pytest.fixture
def prof(sandbox):
    return client(sandbox, sandbox.token(PROF))


def _team_with_repo(prof, name: str):
    org = prof.get_organization(ORG)
    repo = org.create_repo(name, private=True, auto_init=True)
    team = org.create_team(f"Team {name}", repo_names=[repo], permission="push",
                           privacy="closed")
    return org, team, repo


def _json(sb: Sandbox, path: str, token: str):
    status, _, body = raw(sb, "GET", path, token)
    assert status == 200, body
    return json.loads(body)


def test_a_non_member_added_to_a_team_is_invited_and_gets_nothing_until_accepting(
        sandbox, prof, uid):
    student = f"stu-{uid}"
    token = sandbox.create_user(student)
    org, team, repo = _team_with_repo(prof, f"inv-{uid}")
    team.add_membership(prof.get_user(student), "member")
    me = client(sandbox, token)

    assert team.get_team_membership(student).state == "pending"
    assert student not in {m.login for m in team.get_members()}
    assert student not in {m.login for m in org.get_members()}
    pending = [i for i in org.invitations() if i.login == student]
    assert len(pending) == 1
    inv = pending[0]
    assert inv.role == "direct_member" and inv.team_count == 1
    assert inv.inviter.login == PROF and inv.created_at == START
    listed = _json(sandbox, f"/orgs/{ORG}/teams/{team.slug}/invitations", sandbox.token(PROF))
    assert [i["login"] for i in listed] == [student]
    assert listed[0]["failed_at"] is None and listed[0]["failed_reason"] is None
    teams = _json(sandbox, listed[0]["invitation_teams_url"].removeprefix(sandbox.api_url),
                  sandbox.token(PROF))
    assert [t["slug"] for t in teams] == [team.slug]
    # A pending membership grants nothing: the private team repository stays invisible...
    with pytest.raises(UnknownObjectException):
        me.get_repo(repo.full_name)
    # ...and the invitee cannot be assigned an issue (GitHub's 422, exactly).
    status, _, body = raw(sandbox, "POST", f"/repos/{repo.full_name}/issues",
                          sandbox.token(PROF), {"title": "Week 1", "assignees": [student]})
    assert status == 422
    assert json.loads(body)["errors"] == [{"resource": "Issue", "field": "assignees",
                                           "code": "invalid", "value": student}]
    assert raw(sandbox, "GET", f"/repos/{repo.full_name}/assignees/{student}",
               sandbox.token(PROF))[0] == 404
    assert student not in {u.login for u in repo.get_assignees()}

    assert sandbox.accept_invitations(student) == 1
    assert team.get_team_membership(student).state == "active"
    assert student in {m.login for m in team.get_members()}
    assert student in {m.login for m in org.get_members()}
    assert [i for i in org.invitations() if i.login == student] == []
    assert me.get_repo(repo.full_name).permissions.push
    issue = repo.create_issue("Week 1", assignees=[student])
    assert [a.login for a in issue.assignees] == [student]
    assert raw(sandbox, "GET", f"/repos/{repo.full_name}/assignees/{student}",
               sandbox.token(PROF))[0] == 204
    assert student in {u.login for u in repo.get_assignees()}


def test_an_invitation_expires_after_seven_days_and_can_be_sent_again(sandbox, prof, uid):
    student = f"late-{uid}"
    sandbox.create_user(student)
    _, team, _ = _team_with_repo(prof, f"exp-{uid}")
    created = sandbox.now()
    team.add_membership(prof.get_user(student), "member")
    org = prof.get_organization(ORG)

    sandbox.advance(timedelta(days=7) - timedelta(seconds=1))
    assert team.get_team_membership(student).state == "pending"
    assert student in {i.login for i in org.invitations()}

    sandbox.advance(timedelta(seconds=1))
    assert student not in {i.login for i in org.invitations()}
    assert _json(sandbox, f"/orgs/{ORG}/teams/{team.slug}/invitations",
                 sandbox.token(PROF)) == []
    failed = [i for i in _json(sandbox, f"/orgs/{ORG}/failed_invitations", sandbox.token(PROF))
              if i["login"] == student]
    assert len(failed) == 1
    assert failed[0]["failed_at"] == (created + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert failed[0]["failed_reason"].startswith("Invitation expired")
    # The pending team membership went with it; accepting is no longer possible.
    with pytest.raises(UnknownObjectException):
        team.get_team_membership(student)
    assert raw(sandbox, "GET", f"/orgs/{ORG}/memberships/{student}", sandbox.token(PROF))[0] \
        == 404
    assert sandbox.accept_invitations(student) == 0
    assert student not in {m.login for m in team.get_members()}

    # Inviting again works: a new pending invitation, which can be accepted.
    team.add_membership(prof.get_user(student), "member")
    assert team.get_team_membership(student).state == "pending"
    again = [i for i in org.invitations() if i.login == student]
    assert len(again) == 1 and again[0].id != failed[0]["id"]
    assert again[0].created_at == sandbox.now()
    assert sandbox.accept_invitations(student) == 1
    assert team.get_team_membership(student).state == "active"


def test_org_invitations_by_id_with_teams_and_cancelling(sandbox, prof, uid):
    student = f"pick-{uid}"
    sandbox.create_user(student)
    org, team, _ = _team_with_repo(prof, f"post-{uid}")
    user = prof.get_user(student)
    org.invite_user(user=user, role="direct_member", teams=[team])
    assert team.get_team_membership(student).state == "pending"
    inv = next(i for i in org.invitations() if i.login == student)
    assert inv.team_count == 1
    # A second invitation for the same pending person is refused.
    with pytest.raises(GithubException) as err:
        org.invite_user(user=user)
    assert err.value.status == 422
    # An active member cannot be invited.
    with pytest.raises(GithubException) as err:
        org.invite_user(user=prof.get_user("ana"))
    assert err.value.status == 422
    # By e-mail: no login yet.
    org.invite_user(email=f"{uid}@example.edu")
    by_mail = [i for i in org.invitations() if i.email == f"{uid}@example.edu"]
    assert len(by_mail) == 1 and by_mail[0].login is None
    # Cancelling (DELETE /orgs/{org}/invitations/{id}) takes the pending team membership too.
    assert org.cancel_invitation(inv)
    assert student not in {i.login for i in org.invitations()}
    with pytest.raises(UnknownObjectException):
        team.get_team_membership(student)
    assert sandbox.accept_invitations(student) == 0
    assert raw(sandbox, "DELETE", f"/orgs/{ORG}/invitations/{inv.id}",
               sandbox.token(PROF))[0] == 404


def test_adding_to_the_org_invites_and_the_invitee_accepts_through_the_api(sandbox, prof, uid):
    student = f"join-{uid}"
    token = sandbox.create_user(student)
    org = prof.get_organization(ORG)
    org.add_to_members(prof.get_user(student), "member")
    assert raw(sandbox, "GET", f"/orgs/{ORG}/memberships/{student}", sandbox.token(PROF))[0] \
        == 200
    assert student in {i.login for i in org.invitations()}
    assert not org.has_in_members(prof.get_user(student))
    status, _, body = raw(sandbox, "PATCH", f"/user/memberships/orgs/{ORG}", token,
                          {"state": "active"})
    assert status == 200 and json.loads(body)["state"] == "active"
    assert org.has_in_members(prof.get_user(student))
    assert student not in {i.login for i in org.invitations()}


def test_only_owners_see_invitations(sandbox, prof, uid):
    for path in (f"/orgs/{ORG}/invitations", f"/orgs/{ORG}/failed_invitations"):
        assert raw(sandbox, "GET", path, sandbox.token("ana"))[0] == 403
        assert raw(sandbox, "GET", path, sandbox.token(PROF))[0] == 200
    status, _, _ = raw(sandbox, "POST", f"/orgs/{ORG}/invitations", sandbox.token("ana"),
                       {"email": "x@example.edu"})
    assert status == 403


def test_assignees_are_dropped_for_callers_without_push(sandbox, prof, uid):
    org, team, repo = _team_with_repo(prof, f"drop-{uid}")
    team.add_membership(prof.get_user("ana"), "member")
    # ben is an org member with the base permission only (read): he may open an issue, and
    # the assignees he names are dropped rather than refused.
    ben = client(sandbox, sandbox.token("ben"))
    issue = ben.get_repo(repo.full_name).create_issue("help", assignees=["ana"])
    assert issue.assignees == []
    assert raw(sandbox, "GET", f"/repos/{repo.full_name}/assignees/ben",
               sandbox.token(PROF))[0] == 404
    assert {u.login for u in repo.get_assignees()} == {PROF, "ana"}
    # ana, with push, may assign herself; naming ben (no push) is refused with 422.
    ana = client(sandbox, sandbox.token("ana")).get_repo(repo.full_name)
    assert [a.login for a in ana.create_issue("mine", assignees=["ana"]).assignees] == ["ana"]
    with pytest.raises(GithubException) as err:
        ana.get_issue(issue.number).edit(assignees=["ben"])
    assert err.value.status == 422
    assert err.value.data["errors"][0]["field"] == "assignees"
