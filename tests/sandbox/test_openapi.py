"""The OpenAPI check itself: it must catch a wrong shape, and it must cover the endpoints."""

from __future__ import annotations

import json

import pytest

from . import openapi_check
from .conftest import ORG, PROF, make_team_repo

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
