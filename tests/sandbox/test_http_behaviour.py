"""What GitHub's HTTP layer does: ETags, rate-limit headers, Date, error bodies, own URLs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
from github import RateLimitExceededException

from .conftest import ORG, PROF, client, raw

pytestmark = pytest.mark.integration


def test_etag_and_304_cost_nothing(sandbox, tokens, gh):
    status, headers, _ = raw(sandbox, "GET", f"/orgs/{ORG}", tokens["dave"])
    assert status == 200
    etag = headers["etag"]
    assert etag.startswith('W/"') and etag.endswith('"')
    used = int(headers["x-ratelimit-used"])
    status, headers, body = raw(sandbox, "GET", f"/orgs/{ORG}", tokens["dave"],
                                headers={"If-None-Match": etag})
    assert status == 304 and body == b""
    assert int(headers["x-ratelimit-used"]) == used
    log = [r for r in sandbox.requests() if r["login"] == "dave" and r["path"] == f"/orgs/{ORG}"]
    assert [(r["status"], r["cost"], r["points"]) for r in log[-2:]] == [(200, 1, 1), (304, 0, 1)]
    # PyGithub's update() sends If-None-Match and reports "not modified" as False.
    org = gh("dave").get_organization(ORG)
    assert org.update() is False


def test_rate_limit_headers_count_down_and_reset_on_the_clock(sandbox, tokens):
    sandbox.create_user("counter")
    token = sandbox.token("counter")
    first = raw(sandbox, "GET", "/user", token)[1]
    second = raw(sandbox, "GET", "/user", token)[1]
    assert first["x-ratelimit-limit"] == "5000" and first["x-ratelimit-resource"] == "core"
    assert int(second["x-ratelimit-remaining"]) == int(first["x-ratelimit-remaining"]) - 1
    assert int(second["x-ratelimit-used"]) == 2
    reset = int(second["x-ratelimit-reset"])
    assert reset - sandbox.now().timestamp() == pytest.approx(3600, abs=5)
    sandbox.set_clock(datetime.fromtimestamp(reset + 1, UTC))
    after = raw(sandbox, "GET", "/user", token)[1]
    assert after["x-ratelimit-used"] == "1"


def test_exhausted_budget_answers_403_with_remaining_zero(sandbox):
    token = sandbox.create_user("spender")
    sandbox.set_rate_limit("spender", 0)
    status, headers, body = raw(sandbox, "GET", "/user", token)
    assert status == 403 and headers["x-ratelimit-remaining"] == "0"
    assert b"API rate limit exceeded" in body
    with pytest.raises(RateLimitExceededException):
        client(sandbox, token).get_user().login  # noqa: B018
    # /rate_limit itself still answers, and costs nothing.
    status, _, body = raw(sandbox, "GET", "/rate_limit", token)
    assert status == 200 and json.loads(body)["resources"]["core"]["remaining"] == 0


def test_date_header_follows_the_sandbox_clock(sandbox, tokens):
    sandbox.set_clock(datetime(2027, 1, 15, 8, 30, tzinfo=UTC))
    headers = raw(sandbox, "GET", "/user", tokens[PROF])[1]
    assert abs((parsedate_to_datetime(headers["date"]) -
                datetime(2027, 1, 15, 8, 30, tzinfo=UTC)).total_seconds()) < 5


def test_error_bodies_are_githubs(sandbox, tokens):
    status, _, body = raw(sandbox, "GET", "/repos/nobody/nothing", tokens[PROF])
    data = json.loads(body)
    assert status == 404
    assert data == {"message": "Not Found", "documentation_url": data["documentation_url"],
                    "status": "404"}
    status, _, body = raw(sandbox, "POST", f"/orgs/{ORG}/repos", tokens[PROF], {"nope": 1})
    data = json.loads(body)
    assert status == 422 and data["message"] == "Validation Failed"
    assert data["errors"][0]["field"] == "name"
    status, _, body = raw(sandbox, "GET", "/user")
    assert status == 401 and json.loads(body)["message"] == "Requires authentication"


def test_every_url_points_back_at_the_sandbox(sandbox, gh, uid):
    repo = gh(PROF).get_organization(ORG).create_repo(f"urls-{uid}", auto_init=True)
    issue = repo.create_issue("x")
    found = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if (k == "url" or k.endswith("_url")) and isinstance(v, str) and v:
                    found.append(v)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(repo.raw_data)
    walk(issue.raw_data)
    walk(repo.get_branch("main").raw_data)
    assert len(found) > 50
    # ssh_url and git_url name other protocols on the same host; the sandbox serves neither.
    foreign = [u for u in found
               if not u.startswith((sandbox.api_url, "git://127.0.0.1", "git@127.0.0.1:"))]
    assert foreign == []
