"""The /_sandbox/ control API and fault injection."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from github import GithubException, GithubRetry

from .conftest import ORG, PROF, client, raw

pytestmark = pytest.mark.integration


def control(sb, method, path, body=None, token=None):
    return raw(sb, method, f"/_sandbox/{path}", token or sb.admin_token, body)


def fault(sb, **spec):
    status, _, body = control(sb, "POST", "faults", spec)
    assert status == 201, body
    return json.loads(body)


@pytest.fixture
def clean_faults(sandbox):
    yield
    control(sandbox, "DELETE", "faults")


def test_control_api_is_invisible_without_admin_token(sandbox, tokens):
    assert control(sandbox, "GET", "clock", token=tokens[PROF])[0] == 404
    assert raw(sandbox, "GET", "/_sandbox/clock")[0] == 404
    assert control(sandbox, "GET", "clock")[0] == 200


def test_clock_users_orgs_over_http(sandbox):
    status, _, body = control(sandbox, "POST", "clock", {"now": "2026-11-01T09:00:00Z"})
    assert status == 200 and json.loads(body)["now"].startswith("2026-11-01T09:00")
    body = control(sandbox, "POST", "clock", {"advance": "2d"})[2]
    assert json.loads(body)["now"].startswith("2026-11-03T09:00")
    sandbox.advance(timedelta(hours=1))
    assert sandbox.now().hour == 10
    status, _, body = control(sandbox, "POST", "users", {"login": "erin"})
    token = json.loads(body)["token"]
    assert status == 201 and token == sandbox.token("erin")
    assert json.loads(control(sandbox, "POST", "users", {"login": "erin"})[2])["token"] == token
    status, _, _ = control(sandbox, "POST", "orgs",
                           {"login": "other-course", "owners": ["erin"], "members": ["frank"]})
    assert status == 201
    org = client(sandbox, token).get_organization("other-course")
    assert {m.login for m in org.get_members()} == {"erin", "frank"}
    assert control(sandbox, "POST", "clock", {"advance": "2 weeks"})[0] == 422


def test_request_log(sandbox, tokens):
    assert control(sandbox, "DELETE", "requests")[0] == 204
    raw(sandbox, "GET", f"/orgs/{ORG}", tokens["bob"])
    raw(sandbox, "POST", f"/orgs/{ORG}/repos", tokens["bob"], {"name": "log-probe"})
    log = json.loads(control(sandbox, "GET", "requests")[2])["requests"]
    assert [(r["method"], r["path"], r["status"], r["login"], r["cost"], r["points"])
            for r in log] == [("GET", f"/orgs/{ORG}", 200, "bob", 1, 1),
                              ("POST", f"/orgs/{ORG}/repos", 201, "bob", 1, 5)]
    assert sandbox.requests()[-1]["path"] == f"/orgs/{ORG}/repos"


@pytest.mark.resilience
def test_secondary_rate_limit_fault(sandbox, tokens, clean_faults):
    fault(sandbox, match={"method": "GET", "path": f"/orgs/{ORG}"},
          kind="secondary_rate_limit", retry_after=7, times=1)
    status, headers, body = raw(sandbox, "GET", f"/orgs/{ORG}", tokens[PROF])
    assert status == 403 and headers["retry-after"] == "7"
    assert b"secondary rate limit" in body
    assert raw(sandbox, "GET", f"/orgs/{ORG}", tokens[PROF])[0] == 200  # times=1 used up


@pytest.mark.resilience
def test_primary_rate_limit_fault(sandbox, tokens, clean_faults):
    fault(sandbox, match={"path_regex": "^/user$"}, kind="primary_rate_limit", retry_after=3,
          times=1)
    status, headers, body = raw(sandbox, "GET", "/user", tokens[PROF])
    assert status == 403 and headers["x-ratelimit-remaining"] == "0"
    ahead = int(headers["x-ratelimit-reset"]) - sandbox.now().timestamp()
    assert 0 < ahead <= 5
    assert b"API rate limit exceeded" in body


@pytest.mark.resilience
def test_status_fault_and_pygithub_retry(sandbox, tokens, clean_faults):
    fault(sandbox, match={"path": f"/orgs/{ORG}"}, kind="status", status=502, times=2)
    with pytest.raises(GithubException) as exc:
        client(sandbox, tokens[PROF]).get_organization(ORG)
    assert exc.value.status == 502 and exc.value.data["message"] == "Server Error"
    retrying = client(sandbox, tokens[PROF], retry=GithubRetry(total=3, backoff_factor=0.01))
    assert retrying.get_organization(ORG).login == ORG
    statuses = [r["status"] for r in sandbox.requests() if r["path"] == f"/orgs/{ORG}"]
    assert statuses[-3:] == [502, 502, 200]


@pytest.mark.resilience
def test_drop_fault_closes_the_connection(sandbox, tokens, clean_faults):
    fault(sandbox, match={"path": "/user"}, kind="drop", times=1)
    req = urllib.request.Request(f"{sandbox.api_url}/user",
                                 headers={"Authorization": f"token {tokens[PROF]}"})
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        urllib.request.urlopen(req, timeout=5)
    assert raw(sandbox, "GET", "/user", tokens[PROF])[0] == 200


@pytest.mark.resilience
def test_latency_fault(sandbox, tokens, clean_faults):
    fault(sandbox, match={"path": "/user"}, kind="latency", latency_ms=300, times=1)
    start = time.monotonic()
    assert raw(sandbox, "GET", "/user", tokens[PROF])[0] == 200
    assert time.monotonic() - start >= 0.3


@pytest.mark.resilience
def test_after_write_fault_creates_then_fails(sandbox, gh, tokens, clean_faults, uid):
    repo = gh(PROF).get_organization(ORG).create_repo(f"aw-{uid}")
    fault(sandbox, match={"method": "POST", "path": f"/repos/{repo.full_name}/issues"},
          kind="status", status=502, after_write=True, times=1)
    with pytest.raises(GithubException) as exc:
        repo.create_issue("created despite the 502")
    assert exc.value.status == 502
    assert [i.title for i in repo.get_issues()] == ["created despite the 502"]
    faults = json.loads(control(sandbox, "GET", "faults")[2])["faults"]
    assert faults == []
    assert control(sandbox, "POST", "faults", {"kind": "nonsense"})[0] == 422
