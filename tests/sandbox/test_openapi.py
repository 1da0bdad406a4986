"""The OpenAPI check itself: it must catch a wrong shape, and it must cover the endpoints."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest

from . import openapi_check
from .conftest import ORG, PROF, make_team_repo, raw

pytestmark = pytest.mark.integration


def exchange(method, path, status, body, query=None):
    return {"method": method, "path": path, "query": query or {}, "request_headers": {},
            "status": status, "headers": {}, "content_type": "application/json",
            "body": json.dumps(body).encode(), "fault": None}


def test_validator_rejects_a_wrong_shape():
    checked, failures = openapi_check.validate([
        exchange("GET", "/repos/o/r/labels/bug", 200, {"id": "not-an-int", "name": "bug"}),
        exchange("GET", "/rate_limit", 200, {"rate": {}}),
    ])
    assert checked == 2 and len(failures) == 2


def test_validator_rejects_a_request_github_would_refuse():
    def sent(method, path, status, body, request_body):
        ex = exchange(method, path, status, body)
        ex["request_body"] = json.dumps(request_body).encode()
        return ex

    team = {"id": 1, "name": "x"}
    _, failures = openapi_check.validate([
        sent("POST", "/repos/o/r/issues", 422, {"message": "Validation Failed"}, {"body": "x"}),
        sent("POST", "/orgs/o/teams", 201, team, {"name": "x", "privacy": "hidden"}),
        sent("POST", "/repos/o/r/issues", 201, {}, {"body": "no title"}),
    ])
    requests = [f for f in failures if f.startswith("request ")]
    # an accepted request without a title or with an unknown enum is caught; a refused one not
    assert len(requests) == 2
    assert "POST /orgs/o/teams" in requests[0] and "POST /repos/o/r/issues" in requests[1]


def test_tour_of_every_group_validates(sandbox, gh, uid):
    sandbox.clear_exchanges()
    repo, team = make_team_repo(gh, f"tour-{uid}", ["alice"])
    prof = gh(PROF)
    prof.get_user().login  # noqa: B018
    prof.get_user("alice").login  # noqa: B018
    org = prof.get_organization(ORG)
    list(org.get_members())
    list(org.get_repos())
    list(org.get_teams())
    list(team.get_repos())
    team.get_team_membership("alice")
    repo.get_collaborator_permission("alice")
    list(repo.get_collaborators())
    repo.create_file("a.md", "a", b"a")
    repo.get_contents("a.md")
    list(repo.get_commits())
    repo.get_commit("main")
    list(repo.get_branches())
    repo.get_branch("main")
    repo.get_git_tree("main", recursive=True)
    repo.get_git_ref("heads/main")
    issue = repo.create_issue("t", labels=["x"])
    issue.create_comment("c")
    list(issue.get_comments())
    list(repo.get_labels())
    list(prof.search_issues(f"repo:{repo.full_name}"))
    prof.get_rate_limit()
    prof.requester.requestJsonAndCheck("GET", f"/repos/{repo.full_name}/activity")
    checked, failures = openapi_check.validate(sandbox.exchanges())
    assert failures == []
    assert checked >= 30
    operations = {(e["method"], openapi_check.find(e["method"], e["path"])[0])
                  for e in sandbox.exchanges() if openapi_check.find(e["method"], e["path"])}
    assert len(operations) >= 25


# -- the subset covers the router ----------------------------------------------------------------
# Routes the sandbox serves that GitHub's description does not document, each with its reason.
# (/_sandbox/ and /_codeload/ never reach the router: server.py answers them first.)
UNDOCUMENTED = {
    # the root directory: GitHub documents /contents/{path} only, and answers an empty path
    ("GET", "/repos/{owner}/{repo}/contents"),
    # list forms GitHub still answers but dropped from its description (matching-refs replaced
    # them); PyGithub's get_git_refs and older get_git_ref call them
    ("GET", "/repos/{owner}/{repo}/git/refs"),
    ("GET", "/repos/{owner}/{repo}/git/refs/{ref+}"),
    ("GET", "/repos/{owner}/{repo}/git/matching-refs"),
    # an archive of the default branch: the description requires {ref}, GitHub accepts none
    ("GET", "/repos/{owner}/{repo}/tarball"),
    ("GET", "/repos/{owner}/{repo}/zipball"),
    # a repository by id: undocumented, but where GitHub redirects a renamed repository
    ("GET", "/repositories/{rid}"),
    # a raw file from the web host (a contents entry's download_url), not the REST API
    ("GET", "/{owner}/{repo}/raw/{sha}/{path+}"),
}


def _extract_module():
    spec = importlib.util.spec_from_file_location(
        "openapi_extract", openapi_check.SPEC_PATH.parent / "extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _router_routes() -> list[tuple[str, str]]:
    import classroom_ops.sandbox.server  # noqa: F401  (importing it registers every route)
    from classroom_ops.sandbox.routing import ROUTER

    return ROUTER.patterns


def _documented(method: str, pattern: str):
    # The router's own pattern is a path the description's templates match ({path+} -> {path}).
    return openapi_check.find(method, re.sub(r"\{(\w+)\+\}", r"{\1}", pattern))


def test_every_router_route_has_an_operation_in_the_subset():
    routes = _router_routes()
    assert len(routes) > 90
    missing = [f"{m} {p}" for m, p in routes
               if (m, p) not in UNDOCUMENTED and not _documented(m, p)]
    assert missing == [], "add these to OPERATIONS in openapi/extract.py and regenerate"
    # and the allowlist holds nothing stale: each entry is served and really undocumented
    stale = [f"{m} {p}" for m, p in UNDOCUMENTED
             if (m, p) not in routes or _documented(m, p)]
    assert stale == []


def test_every_subset_operation_is_served_and_listed_for_regeneration():
    _, spec, _ = openapi_check._load()
    in_file = {(m, p) for p, item in spec["paths"].items() for m in item if m != "parameters"}
    assert in_file == set(_extract_module().operations())
    served = {(m.lower(), _documented(m, p)[0]) for m, p in _router_routes()
              if (m, p) not in UNDOCUMENTED}
    assert sorted(in_file - served) == []


def test_validator_checks_org_invitations_against_githubs_schema(sandbox, uid):
    """A real invitation from the sandbox passes; the same with a field GitHub requires
    missing, or of the wrong type, does not (so the new schemas are really in force)."""
    student = f"inv-{uid}"
    sandbox.create_user(student)
    token = sandbox.token(PROF)
    user_id = json.loads(raw(sandbox, "GET", f"/users/{student}", token)[2])["id"]
    status, _, sent = raw(sandbox, "POST", f"/orgs/{ORG}/invitations", token,
                          {"invitee_id": user_id, "role": "direct_member"})
    assert status == 201
    good = json.loads(sent)
    no_count = {k: v for k, v in good.items() if k != "team_count"}
    _, failures = openapi_check.validate([
        exchange("GET", f"/orgs/{ORG}/invitations", 200, [good]),
        exchange("GET", f"/orgs/{ORG}/invitations", 200, [no_count]),
        exchange("GET", f"/orgs/{ORG}/failed_invitations", 200, [dict(good, id=str(good["id"]))]),
    ])
    assert len(failures) == 2, failures
    assert "team_count" in failures[0] and "failed_invitations" in failures[1]


def test_tour_of_the_operations_the_subset_gained(sandbox, gh, uid):
    """Each operation added to the subset for the sandbox's routes, answered with success and
    checked (request and response) against GitHub's description."""
    sandbox.clear_exchanges()
    repo, team = make_team_repo(gh, f"tour2-{uid}", ["alice"])
    full = repo.full_name
    prof = sandbox.token(PROF)
    outsider = sandbox.token("outsider")

    def call(method, path, token=prof, body=None, expect=(200,)):
        status, _, data = raw(sandbox, method, path, token, body)
        assert status in expect, (method, path, status, data[:300])
        return json.loads(data) if data.strip() else None

    # the caller's own orgs and membership; editing the org (to the value it already has)
    call("GET", "/user/orgs", sandbox.token("alice"))
    call("GET", f"/user/memberships/orgs/{ORG}", sandbox.token("alice"))
    org = call("GET", f"/orgs/{ORG}")
    call("PATCH", f"/orgs/{ORG}", body={
        "default_repository_permission": org["default_repository_permission"]})
    # org invitations: create, list, its teams, the team's, cancel, failed ones
    ana = f"ana-{uid}"
    ana_token = sandbox.create_user(ana)
    ana_id = call("GET", f"/users/{ana}")["id"]
    inv = call("POST", f"/orgs/{ORG}/invitations", expect=(201,),
               body={"invitee_id": ana_id, "role": "direct_member", "team_ids": [team.id]})
    call("GET", f"/orgs/{ORG}/invitations")
    call("GET", f"/orgs/{ORG}/invitations/{inv['id']}/teams")
    call("GET", f"/orgs/{ORG}/teams/{team.slug}/invitations")
    call("DELETE", f"/orgs/{ORG}/invitations/{inv['id']}", expect=(204,))
    by_mail = call("POST", f"/orgs/{ORG}/invitations", expect=(201,),
                   body={"email": f"{uid}@students.example.edu"})
    assert by_mail["login"] is None  # nullable in GitHub's schema: checked below
    call("DELETE", f"/orgs/{ORG}/invitations/{by_mail['id']}", expect=(204,))
    call("GET", f"/orgs/{ORG}/failed_invitations")
    # membership by the invitee's own acceptance, then removal both ways
    call("PUT", f"/orgs/{ORG}/memberships/{ana}", body={"role": "member"})
    call("PATCH", f"/user/memberships/orgs/{ORG}", ana_token, body={"state": "active"})
    call("GET", f"/orgs/{ORG}/members/{ana}", expect=(204,))
    call("DELETE", f"/orgs/{ORG}/members/{ana}", expect=(204,))
    call("PUT", f"/orgs/{ORG}/memberships/{ana}", body={"role": "member"})
    call("DELETE", f"/orgs/{ORG}/memberships/{ana}", expect=(204,))
    # a repository invitation for an outside collaborator, accepted; a personal repository
    call("PUT", f"/repos/{full}/collaborators/outsider", expect=(201,),
         body={"permission": "pull"})
    mine = call("GET", "/user/repository_invitations", outsider)
    call("PATCH", f"/user/repository_invitations/{mine[0]['id']}", outsider, expect=(204,))
    call("POST", "/user/repos", outsider, expect=(201,), body={"name": f"own-{uid}"})
    # assignees
    call("GET", f"/repos/{full}/assignees")
    call("GET", f"/repos/{full}/assignees/alice", expect=(204,))
    # issues: a comment by id, labels replaced and removed, a milestone deleted
    issue = call("POST", f"/repos/{full}/issues", expect=(201,), body={"title": "Week 1"})
    comment = call("POST", f"/repos/{full}/issues/{issue['number']}/comments", expect=(201,),
                   body={"body": "hello"})
    call("GET", f"/repos/{full}/issues/comments/{comment['id']}")
    call("PUT", f"/repos/{full}/issues/{issue['number']}/labels",
         body={"labels": ["bug", "week-1"]})
    call("DELETE", f"/repos/{full}/issues/{issue['number']}/labels/bug")
    milestone = call("POST", f"/repos/{full}/milestones", expect=(201,), body={"title": "M1"})
    call("DELETE", f"/repos/{full}/milestones/{milestone['number']}", expect=(204,))
    # an annotated tag read back; an archive link
    head = call("GET", f"/repos/{full}/git/ref/heads/main")["object"]["sha"]
    tag = call("POST", f"/repos/{full}/git/tags", expect=(201,), body={
        "tag": "v1", "message": "v1", "object": head, "type": "commit"})
    call("GET", f"/repos/{full}/git/tags/{tag['sha']}")
    call("GET", f"/repos/{full}/tarball/main", expect=(302,))

    checked, failures = openapi_check.validate(sandbox.exchanges())
    assert failures == []
    answered = {(e["method"].lower(), openapi_check.find(e["method"], e["path"])[0])
                for e in sandbox.exchanges()
                if e["status"] < 400 and openapi_check.find(e["method"], e["path"])}
    assert GAINED <= set(_extract_module().operations())
    assert sorted(GAINED - answered) == []
    assert checked >= len(GAINED)


# The operations the subset gained when it was made to cover every router route (they were
# served unchecked before): the tour above must answer each of them with success.
GAINED = {
    ("patch", "/orgs/{org}"),
    ("get", "/orgs/{org}/failed_invitations"),
    ("get", "/orgs/{org}/invitations"),
    ("post", "/orgs/{org}/invitations"),
    ("delete", "/orgs/{org}/invitations/{invitation_id}"),
    ("get", "/orgs/{org}/invitations/{invitation_id}/teams"),
    ("delete", "/orgs/{org}/members/{username}"),
    ("get", "/orgs/{org}/members/{username}"),
    ("delete", "/orgs/{org}/memberships/{username}"),
    ("get", "/orgs/{org}/teams/{team_slug}/invitations"),
    ("get", "/repos/{owner}/{repo}/assignees"),
    ("get", "/repos/{owner}/{repo}/assignees/{assignee}"),
    ("get", "/repos/{owner}/{repo}/git/tags/{tag_sha}"),
    ("get", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("put", "/repos/{owner}/{repo}/issues/{issue_number}/labels"),
    ("delete", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}"),
    ("delete", "/repos/{owner}/{repo}/milestones/{milestone_number}"),
    ("get", "/user/memberships/orgs/{org}"),
    ("patch", "/user/memberships/orgs/{org}"),
    ("get", "/user/orgs"),
    ("post", "/user/repos"),
    ("get", "/user/repository_invitations"),
    ("patch", "/user/repository_invitations/{invitation_id}"),
}
