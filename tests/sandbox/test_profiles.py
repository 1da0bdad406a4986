"""Seeding presets: "github.com" (the default: invited students, base permission read) and
"friendly" (invitations accepted at once, base permission none), in-process, over the control
API, and from a seed file given to the sandbox process; both survive a restart."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from classroom_ops.sandbox import Sandbox

from .conftest import client, raw
from .test_process import start, stop

pytestmark = pytest.mark.integration

START = datetime(2026, 9, 7, 8, 30, tzinfo=UTC)
SPEC = {"users": ["ta"], "orgs": [{"login": "course", "owners": ["prof"],
                                   "members": ["ta", "sam"], "invited": ["ivy", "ike"]}]}


@pytest.fixture
def sandbox():
    sb = Sandbox(capture=True).start()
    sb.set_clock(START, frozen=True)
    yield sb
    sb.stop()


def _org(sb: Sandbox) -> dict:
    status, _, body = raw(sb, "GET", "/orgs/course", sb.token("prof"))
    assert status == 200
    return json.loads(body)


def _pending(sb: Sandbox) -> list[dict]:
    status, _, body = raw(sb, "GET", "/orgs/course/invitations", sb.token("prof"))
    assert status == 200
    return json.loads(body)


def test_github_com_is_the_default_profile(sandbox):
    tokens = sandbox.seed(SPEC)
    assert set(tokens) == {"ta", "prof", "sam", "ivy", "ike"}
    assert _org(sandbox)["default_repository_permission"] == "read"
    org = client(sandbox, tokens["prof"]).get_organization("course")
    assert {m.login for m in org.get_members()} == {"prof", "ta", "sam"}
    pending = _pending(sandbox)
    assert sorted(i["login"] for i in pending) == ["ike", "ivy"]
    assert {i["created_at"] for i in pending} == {"2026-09-07T08:30:00Z"}
    assert {i["inviter"]["login"] for i in pending} == {"prof"}
    # Invitations made by the seed expire like any other, 7 days later.
    sandbox.advance(timedelta(days=7))
    assert _pending(sandbox) == []
    assert sandbox.accept_invitations("ivy") == 0


def test_an_explicit_base_permission_wins(sandbox):
    spec = {"profile": "github.com",
            "orgs": [{"login": "course", "owners": ["prof"], "base_permission": "none"}]}
    sandbox.seed(spec)
    assert _org(sandbox)["default_repository_permission"] == "none"


def test_friendly_accepts_everything_at_once(sandbox):
    tokens = sandbox.seed({**SPEC, "profile": "friendly"})
    assert _org(sandbox)["default_repository_permission"] == "none"
    prof = client(sandbox, tokens["prof"])
    org = prof.get_organization("course")
    assert {m.login for m in org.get_members()} == {"prof", "ta", "sam", "ivy", "ike"}
    assert _pending(sandbox) == []
    # Later invitations through the API are accepted at once too.
    for login in ("newt", "nell", "ned", "nia"):
        sandbox.create_user(login)
    repo = org.create_repo("proj", private=True, auto_init=True)
    team = org.create_team("Team Friendly", repo_names=[repo], permission="push",
                           privacy="closed")
    team.add_membership(prof.get_user("newt"), "member")
    assert team.get_team_membership("newt").state == "active"
    assert client(sandbox, sandbox.token("newt")).get_repo(repo.full_name).permissions.push
    org.add_to_members(prof.get_user("nell"), "member")
    assert org.has_in_members(prof.get_user("nell"))
    org.invite_user(user=prof.get_user("nia"), teams=[team])
    assert team.get_team_membership("nia").state == "active"
    repo.add_to_collaborators("ned", "push")
    assert repo.has_in_collaborators("ned")
    assert _pending(sandbox) == []


def test_seed_over_the_control_api(sandbox):
    status, _, body = raw(sandbox, "POST", "/_sandbox/seed", sandbox.admin_token,
                          {**SPEC, "profile": "friendly"})
    assert status == 200 and set(json.loads(body)["tokens"]) >= {"ivy", "ike"}
    assert _pending(sandbox) == []
    status, _, body = raw(sandbox, "POST", "/_sandbox/seed", sandbox.admin_token,
                          {**SPEC, "profile": "gitlab"})
    assert status == 422 and b"profile" in body


def test_profiles_survive_a_restart_of_the_process(tmp_path):
    state_dir, info = tmp_path / "state", tmp_path / "info.json"
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"orgs": [
        {"login": "course", "owners": ["prof"], "invited": ["ivy"]},
        {"login": "easy", "owners": ["prof"]}]}))
    proc, first = start(state_dir, info, seed)
    try:
        prof = first["tokens"]["prof"]
        admin = first["admin_token"]

        def call(method, path, token=prof, body=None):
            class Box:
                api_url = first["api_url"]
            return raw(Box, method, path, token, body)

        assert call("POST", "/_sandbox/seed", admin,
                    {"profile": "friendly", "orgs": [{"login": "easy", "owners": ["prof"]}]}
                    )[0] == 200
    finally:
        stop(proc)
    proc, second = start(state_dir, info)
    try:
        class Box:
            api_url = second["api_url"]
        status, _, body = raw(Box, "GET", "/orgs/course/invitations", prof)
        assert status == 200 and [i["login"] for i in json.loads(body)] == ["ivy"]
        course = json.loads(raw(Box, "GET", "/orgs/course", prof)[2])
        assert course["default_repository_permission"] == "read"
        # "easy" was re-seeded friendly; its own base permission stays what it was made with,
        # and its invitations are now accepted at once.
        raw(Box, "POST", "/_sandbox/users", second["admin_token"], {"login": "late"})
        status, _, body = raw(Box, "PUT", "/orgs/easy/memberships/late", prof, {"role": "member"})
        assert status == 200 and json.loads(body)["state"] == "active"
    finally:
        stop(proc)
