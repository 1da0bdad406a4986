"""The org's base permission ("Setting base permissions for an organization"): "read" for a new
github.com organization, changed by owners with PATCH /orgs/{org}, and followed by access."""

from __future__ import annotations

import json

import pytest
from github import UnknownObjectException

from classroom_ops.sandbox import Sandbox

from .conftest import client, raw

pytestmark = pytest.mark.integration

ORG = "course-base"
PROF = "prof-bas"


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(capture=True).start()
    sb.seed({"orgs": [{"login": ORG, "owners": [PROF], "members": ["amy", "bo"],
                       "invited": ["cy"]}], "users": ["outsider"]})
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def repos(sandbox):
    """Team A (amy) and team B (bo), each with a private repository."""
    prof = client(sandbox, sandbox.token(PROF))
    org = prof.get_organization(ORG)
    made = {}
    for letter, login in (("a", "amy"), ("b", "bo")):
        repo = org.create_repo(f"team-{letter}", private=True, auto_init=True)
        team = org.create_team(f"Team {letter.upper()}", repo_names=[repo], permission="push",
                               privacy="closed")
        team.add_membership(prof.get_user(login), "member")
        made[letter] = repo
    return made


def _set(sandbox, value: str) -> int:
    # PyGithub's Organization.edit has no default_repository_permission: raw PATCH /orgs/{org}.
    status, _, body = raw(sandbox, "PATCH", f"/orgs/{ORG}", sandbox.token(PROF),
                          {"default_repository_permission": value})
    if status == 200:
        assert json.loads(body)["default_repository_permission"] == value
    return status


def _write(sandbox, login: str, repo, path: str) -> int:
    return raw(sandbox, "PUT", f"/repos/{repo.full_name}/contents/{path}",
               sandbox.token(login), {"message": "m", "content": "aGk="})[0]


def test_default_is_read_and_owners_see_it(sandbox, repos):
    prof = client(sandbox, sandbox.token(PROF))
    assert prof.get_organization(ORG).default_repository_permission == "read"
    # Members who are not owners are not shown the setting.
    status, _, body = raw(sandbox, "GET", f"/orgs/{ORG}", sandbox.token("amy"))
    assert status == 200 and "default_repository_permission" not in json.loads(body)


def test_a_member_of_team_a_reads_team_b_repo_under_read_and_not_under_none(sandbox, repos):
    amy = client(sandbox, sandbox.token("amy"))
    try:
        theirs = amy.get_repo(repos["b"].full_name)
        assert theirs.permissions.pull and not theirs.permissions.push
        assert theirs.get_contents("README.md").decoded_content
        assert _write(sandbox, "amy", repos["b"], "x.md") == 403
        assert repos["b"].full_name in {r.full_name for r in
                                        amy.get_organization(ORG).get_repos()}
        _set(sandbox, "none")
        with pytest.raises(UnknownObjectException):
            amy.get_repo(repos["b"].full_name)
        assert _write(sandbox, "amy", repos["b"], "x.md") == 404
        assert repos["b"].full_name not in {r.full_name for r in
                                            amy.get_organization(ORG).get_repos()}
        # Her own team's repository is unaffected.
        assert amy.get_repo(repos["a"].full_name).permissions.push
    finally:
        _set(sandbox, "read")


def test_write_and_admin_base_permissions(sandbox, repos):
    try:
        _set(sandbox, "write")
        assert _write(sandbox, "amy", repos["b"], "amy.md") == 201
        # With push, every member becomes assignable in every repository.
        assert raw(sandbox, "GET", f"/repos/{repos['b'].full_name}/assignees/amy",
                   sandbox.token(PROF))[0] == 204
        _set(sandbox, "admin")
        assert client(sandbox, sandbox.token("bo")).get_repo(repos["a"].full_name) \
            .permissions.admin
    finally:
        _set(sandbox, "read")


def test_invited_people_and_outsiders_get_no_base_permission(sandbox, repos):
    for login in ("cy", "outsider"):
        with pytest.raises(UnknownObjectException):
            client(sandbox, sandbox.token(login)).get_repo(repos["a"].full_name)


def test_only_owners_change_it_and_only_to_a_known_value(sandbox, repos):
    status, _, _ = raw(sandbox, "PATCH", f"/orgs/{ORG}", sandbox.token("amy"),
                       {"default_repository_permission": "admin"})
    assert status == 403
    status, _, _ = raw(sandbox, "PATCH", f"/orgs/{ORG}", sandbox.token("outsider"),
                       {"default_repository_permission": "admin"})
    assert status == 404
    assert _set(sandbox, "maintain") == 422
    assert client(sandbox, sandbox.token(PROF)).get_organization(ORG) \
        .default_repository_permission == "read"


def test_create_org_and_the_control_api_default_to_read(sandbox):
    sandbox.create_org("course-fresh", owners=[PROF])
    status, _, _ = raw(sandbox, "POST", "/_sandbox/orgs", sandbox.admin_token,
                       {"login": "course-fresh2", "owners": [PROF]})
    assert status == 201
    prof = client(sandbox, sandbox.token(PROF))
    for login in ("course-fresh", "course-fresh2"):
        assert prof.get_organization(login).default_repository_permission == "read"
