"""Rate limits as GitHub applies them (ETags per token, an empty budget refuses everything,
content creation limited) and the GitHub Enterprise Server shape (/api/v3, team URLs by id)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from github import Auth, Github

from classroom_ops.sandbox import Sandbox

from .conftest import ORG, PROF, STUDENTS, client, make_team_repo, raw
from .gitcli import authed, git

pytestmark = pytest.mark.integration


def test_an_etag_is_valid_only_for_the_token_that_received_it(sandbox, gh, uid):
    repo, _ = make_team_repo(gh, f"etag-{uid}", ["alice"])
    path = f"/repos/{repo.full_name}"
    first, second = sandbox.create_installation(ORG), sandbox.create_installation(ORG)
    status, headers, _ = raw(sandbox, "GET", path, first)
    etag = headers["etag"]
    # the next Actions job mints a new token: the ETag it kept is no good to it
    status, headers, body = raw(sandbox, "GET", path, second, headers={"If-None-Match": etag})
    assert status == 200 and json.loads(body)["full_name"] == repo.full_name
    assert headers["etag"] != etag
    assert raw(sandbox, "GET", path, first, headers={"If-None-Match": etag})[0] == 304


def test_an_empty_budget_refuses_conditional_requests_too(sandbox, gh, uid, tokens):
    repo, _ = make_team_repo(gh, f"empty-{uid}", ["bob"])
    path = f"/repos/{repo.full_name}"
    _, headers, _ = raw(sandbox, "GET", path, tokens["bob"])
    sandbox.set_rate_limit("bob", 0)
    try:
        status, headers2, body = raw(sandbox, "GET", path, tokens["bob"],
                                     headers={"If-None-Match": headers["etag"]})
        assert status == 403 and json.loads(body)["message"].startswith(
            "API rate limit exceeded")
        assert headers2["x-ratelimit-remaining"] == "0"
    finally:
        sandbox.set_rate_limit("bob", 5000)
    assert raw(sandbox, "GET", path, tokens["bob"],
               headers={"If-None-Match": headers["etag"]})[0] == 304


def test_a_secondary_limit_without_retry_after_sends_no_retry_after(sandbox, tokens):
    sandbox.add_fault(match={"path": "/rate_limit"}, kind="secondary_rate_limit",
                      retry_after=None, times=1)
    status, headers, body = raw(sandbox, "GET", "/rate_limit", tokens[PROF])
    assert status == 403 and "secondary rate limit" in json.loads(body)["message"]
    assert "retry-after" not in headers
    sandbox.add_fault(match={"path": "/rate_limit"}, kind="secondary_rate_limit",
                      retry_after=7, times=1)
    assert raw(sandbox, "GET", "/rate_limit", tokens[PROF])[1]["retry-after"] == "7"


def _issue(sb: Sandbox, token: str, n: int) -> tuple[int, dict, dict]:
    status, headers, body = raw(sb, "POST", "/repos/acme/r/issues", token, {"title": f"#{n}"})
    return status, headers, json.loads(body)


def _acme(sb: Sandbox) -> str:
    sb.set_clock(datetime(2026, 10, 1, 9, 0, tzinfo=UTC), frozen=True)
    sb.create_org("acme", owners=["prof"])
    token = sb.token("prof")
    assert raw(sb, "POST", "/orgs/acme/repos", token, {"name": "r"})[0] == 201
    return token


def test_content_creation_is_limited_to_80_a_minute_on_the_sandbox_clock(fresh):
    sb = fresh()
    token = _acme(sb)
    for n in range(79):  # the repository was the first content-creating request
        assert _issue(sb, token, n)[0] == 201
    status, headers, body = _issue(sb, token, 80)
    assert status == 403
    assert body["message"].startswith("You have exceeded a secondary rate limit")
    assert headers["retry-after"] == "60"
    assert sb.requests()[-1]["limited"] == "content_creation"
    # reads and edits are not content creation
    assert raw(sb, "GET", "/repos/acme/r/issues/1", token)[0] == 200
    assert raw(sb, "PATCH", "/repos/acme/r/issues/1", token, {"state": "closed"})[0] == 200
    sb.advance(timedelta(seconds=30))
    assert _issue(sb, token, 81)[1]["retry-after"] == "30"
    sb.advance(timedelta(seconds=30))
    assert _issue(sb, token, 82)[0] == 201
    # the limit is per account: another user is not held back
    sb.create_org("other", owners=["someone"])
    assert raw(sb, "POST", "/orgs/other/repos", sb.token("someone"), {"name": "x"})[0] == 201


def test_content_creation_is_limited_to_500_an_hour(fresh):
    sb = fresh()
    token = _acme(sb)
    for n in range(499):
        sb.advance(timedelta(seconds=1))  # 60 a minute, under the per-minute limit
        assert _issue(sb, token, n)[0] == 201, n
    status, headers, _ = _issue(sb, token, 500)
    assert status == 403 and int(headers["retry-after"]) == 3600 - 499


def test_the_content_limit_can_be_switched_off(fresh):
    sb = fresh(content_limit=False)
    token = _acme(sb)
    assert all(_issue(sb, token, n)[0] == 201 for n in range(120))


def test_the_api_also_answers_under_api_v3_as_on_enterprise_server(sandbox, gh, uid, tokens,
                                                                    tmp_path):
    repo, team = make_team_repo(gh, f"ghes-{uid}", ["alice"])
    ghes = Github(base_url=sandbox.api_url + "/api/v3", auth=Auth.Token(tokens[PROF]),
                  retry=None, per_page=2)
    r = ghes.get_repo(repo.full_name)
    assert r.url == f"{sandbox.api_url}/api/v3/repos/{repo.full_name}"
    assert r.html_url == f"{sandbox.api_url}/{repo.full_name}"
    assert r.clone_url == f"{sandbox.api_url}/{repo.full_name}.git"
    assert r.get_contents("README.md").sha
    org = ghes.get_organization(ORG)
    assert len(list(org.get_members())) >= len(STUDENTS) + 1  # pages through /api/v3 links
    t = org.get_team_by_slug(team.slug)
    assert t.url.startswith(f"{sandbox.api_url}/api/v3/organizations/")
    assert sorted(m.login for m in t.get_members()) == ["alice", PROF]  # creator maintains
    # git stays at the host root
    git("clone", "-q", authed(r.clone_url, tokens["alice"]), str(tmp_path / "c"))
    assert (tmp_path / "c" / "README.md").exists()
    sandbox.clear_requests()
    status, _, _ = raw(sandbox, "GET", "/api/v3/rate_limit", tokens[PROF])
    assert status == 200
    assert [(e["path"], e.get("api_v3")) for e in sandbox.requests()] == [("/rate_limit", True)]


def test_a_teams_url_is_githubs_and_answers_with_its_sub_paths(sandbox, gh, uid, tokens):
    repo, team = make_team_repo(gh, f"teamurl-{uid}", ["alice"])
    org = gh(PROF).get_organization(ORG)
    assert team.url == f"{sandbox.api_url}/organizations/{org.id}/team/{team.id}"
    status, _, body = raw(sandbox, "GET", team.url.removeprefix(sandbox.api_url), tokens[PROF])
    assert status == 200 and json.loads(body)["slug"] == team.slug
    # PyGithub's Team methods all go through that url
    team.add_membership(gh(PROF).get_user("bob"), "member")
    assert sorted(m.login for m in team.get_members()) == ["alice", "bob", PROF]
    assert team.get_team_membership("bob").state == "active"
    other = org.create_repo(f"teamurl-more-{uid}", private=True)
    team.update_team_repository(other, "push")
    assert team.has_in_repos(other)
    assert {r.name for r in team.get_repos()} == {repo.name, other.name}
    team.remove_membership(gh(PROF).get_user("bob"))
    team.edit(team.name, description="renamed by url")
    assert org.get_team_by_slug(team.slug).description == "renamed by url"
    status, _, _ = raw(sandbox, "GET", f"/organizations/{org.id}/team/999999", tokens[PROF])
    assert status == 404
    # an App token with members: read may read a team by its url, not change it
    app = client(sandbox, sandbox.create_installation(ORG, {"members": "read"}))
    assert app.get_organization(ORG).get_team_by_slug(team.slug).url == team.url


def test_the_content_creating_list_names_routes_the_sandbox_serves():
    from classroom_ops.sandbox import permissions, ratelimit
    from classroom_ops.sandbox.routing import ROUTER

    served = {(m, permissions.normalize(p)) for m, p in ROUTER.patterns}
    # org invitations are the contract's (SANDBOX-CONTRACT.md), built on the sb-people branch
    assert ratelimit.CONTENT_CREATING - served <= {("POST", "/orgs/{}/invitations")}
    assert len(ratelimit.CONTENT_CREATING) == 15
    assert all(m in ("POST", "PUT") for m, _ in ratelimit.CONTENT_CREATING)
