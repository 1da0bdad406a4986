"""Shared fixtures: one sandbox for the session, PyGithub clients per user, OpenAPI checks."""

from __future__ import annotations

import itertools
import json
import urllib.request
from collections.abc import Callable

import pytest
from github import Auth, Github

from classroom_ops.sandbox import Sandbox

from . import openapi_check

ORG = "dls-fall-2026"
PROF = "prof-lee"
STUDENTS = ["alice", "bob", "carol", "dave"]

_ids = itertools.count(1)


@pytest.fixture(scope="session")
def sandbox():
    # One sandbox for the whole session makes far more than 80 writes a minute on a clock that
    # barely moves: the content-creation limit has its own tests (test_tokens_limits.py).
    sb = Sandbox(capture=True, content_limit=False).start()
    sb.seed({"orgs": [{"login": ORG, "owners": [PROF], "members": STUDENTS}],
             "users": ["outsider"]})
    yield sb
    sb.stop()


@pytest.fixture(scope="session")
def tokens(sandbox) -> dict[str, str]:
    return {login: sandbox.token(login) for login in [PROF, *STUDENTS, "outsider"]}


def client(sb: Sandbox, token: str | None, **kw) -> Github:
    kw.setdefault("retry", None)
    kw.setdefault("seconds_between_requests", 0)
    kw.setdefault("seconds_between_writes", 0)
    auth = Auth.Token(token) if token else None
    return Github(base_url=sb.api_url, auth=auth, **kw)


@pytest.fixture(scope="session")
def gh(sandbox, tokens) -> Callable[[str], Github]:
    """gh("alice") -> a PyGithub client acting as alice (cached per login)."""
    cache: dict[str, Github] = {}

    def make(login: str) -> Github:
        if login not in cache:
            cache[login] = client(sandbox, tokens[login])
        return cache[login]

    return make


@pytest.fixture
def uid() -> str:
    return f"t{next(_ids):03d}"


@pytest.fixture(autouse=True)
def openapi_conformance(request):
    """Every response a test provoked must match GitHub's OpenAPI description."""
    if "sandbox" not in request.fixturenames:
        yield
        return
    sb = request.getfixturevalue("sandbox")
    sb.clear_exchanges()
    yield
    _, failures = openapi_check.validate(sb.exchanges())
    sb.clear_exchanges()
    if failures:
        pytest.fail("responses not matching GitHub's OpenAPI description:\n" +
                    "\n".join(failures[:20]), pytrace=False)


@pytest.fixture
def fresh():
    """fresh(**options) -> a started Sandbox of the test's own (for clock jumps and limits),
    stopped afterwards; its exchanges are checked against the OpenAPI description too."""
    made: list[Sandbox] = []

    def make(**options) -> Sandbox:
        sb = Sandbox(capture=True, **options).start()
        made.append(sb)
        return sb

    yield make
    failures = []
    for sb in made:
        failures += openapi_check.validate(sb.exchanges())[1]
        sb.stop()
    if failures:
        pytest.fail("responses not matching GitHub's OpenAPI description:\n" +
                    "\n".join(failures[:20]), pytrace=False)


def raw(sb: Sandbox, method: str, path: str, token: str | None = None, body=None,
        headers: dict | None = None) -> tuple[int, dict, bytes]:
    """A plain HTTP call, for what PyGithub hides (status codes, headers, 304s)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(sb.api_url + path, data=data, method=method)
    if token:
        req.add_header("Authorization", f"token {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def make_team_repo(gh: Callable[[str], Github], name: str, members: list[str],
                   permission: str = "push", private: bool = True, auto_init: bool = True):
    """An org repository with a team of students holding `permission` on it."""
    org = gh(PROF).get_organization(ORG)
    repo = org.create_repo(name, private=private, auto_init=auto_init)
    # Creating a team takes only pull or push (GitHub's description); other roles go per repo.
    simple = permission in ("pull", "push")
    team = org.create_team(f"team-{name}", repo_names=[repo],
                           permission=permission if simple else "pull", privacy="closed")
    if not simple:
        team.update_team_repository(repo, permission)
    for login in members:
        team.add_membership(gh(PROF).get_user(login), "member")
    return repo, team
