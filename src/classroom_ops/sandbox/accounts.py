"""Accounts the sandbox's operator makes: users and their tokens, App installations,
organizations, a seed of both, and accepting invitations as a student would.

Used by the control routes (`/_sandbox/...`) and by `Sandbox`; it needs only the running `App`'s
state and clock, so it imports neither the server nor the service.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from . import invitations
from .clock import iso
from .permissions import APP_PERMISSIONS
from .state import ADMIN_LOGIN, key

if TYPE_CHECKING:
    from .server import App

BASE_PERMISSIONS = ("read", "write", "admin", "none")


def create_user(app: App, login: str, permissions: dict | None = None,
                scopes: list[str] | None = None) -> str:
    """The user's classic token (full scopes, idempotent: the same login keeps it); with
    `permissions`, a NEW fine-grained personal access token holding exactly those; with
    `scopes`, a new classic token with only those scopes."""
    user = app.state.ensure_user(login, iso(app.clock.now()))
    token = user["token"]
    if permissions is not None:
        token = app.state.add_token(login, "fine_grained", permissions=check_grant(permissions))
    elif scopes is not None:
        token = app.state.add_token(login, "classic", scopes=sorted(scopes))
    app.save()
    return token


INSTALLATION_LIFETIME = timedelta(hours=1)


def check_grant(permissions: dict) -> dict:
    for name, level in permissions.items():
        if name not in APP_PERMISSIONS:
            raise ValueError(f"unknown permission {name!r}; use {', '.join(APP_PERMISSIONS)}")
        if level not in ("read", "write"):
            raise ValueError(f"permission {name} must be read or write, not {level!r}")
    return dict(permissions)


def create_installation(app: App, org_login: str, permissions: dict | None = None) -> str:
    """Mint a token of a GitHub App installed on `org_login` (all its repositories): a new token
    on every call, valid one hour of sandbox clock. `permissions=None` is the App's full grant
    (every permission write, metadata read). The App acts with owner reach on the organization
    but has no user (`GET /user` is refused), is not listed as a member and joins no team."""
    now = app.clock.now()
    org = app.state.org(org_login)
    if org is None:
        raise ValueError(f"no organization {org_login}")
    bot = app.state.ensure_user(f"classroom-ops-{org_login}[bot]", iso(now))
    bot["app"] = True
    bot["type"] = "Bot"
    bot["installed_on"] = key(org_login)
    with app.state.lock:
        # Owner reach comes from this role; member lists leave Apps out.
        org["members"][key(bot["login"])] = "admin"
    if permissions is None:
        permissions = {p: "write" for p in APP_PERMISSIONS}
        permissions["metadata"] = "read"
    token = app.state.add_token(bot["login"], "installation",
                                permissions=check_grant(permissions),
                                expires_at=iso(now + INSTALLATION_LIFETIME), org=org_login)
    app.save()
    return token


def create_org(app: App, login: str, owners: list[str] = (), members: list[str] = (),
               base_permission: str = "read") -> dict:
    """A new org gets `base_permission` (GitHub's default for a new organization is "read");
    an existing one keeps its own."""
    if base_permission not in BASE_PERMISSIONS:
        raise ValueError(f"base_permission must be one of {', '.join(BASE_PERMISSIONS)}")
    now = iso(app.clock.now())
    org = app.state.ensure_org(login, now, base_permission=base_permission)
    with app.state.lock:
        for name in owners:
            app.state.ensure_user(name, now)
            org["members"][key(name)] = "admin"
        for name in members:
            app.state.ensure_user(name, now)
            org["members"].setdefault(key(name), "member")
    app.save()
    return org


# A seed's "profile": what a fresh github.com organization does, or the easy path for tests
# that do not care about invitations and base permissions.
PROFILES = {"github.com": {"base_permission": "read"}, "friendly": {"base_permission": "none"}}


def seed(app: App, spec: dict) -> dict[str, str]:
    profile = spec.get("profile", "github.com")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    tokens = {}
    for login in spec.get("users", []):
        tokens[login] = create_user(app, login)
    for spec_org in spec.get("orgs", []):
        owners, members = spec_org.get("owners", []), spec_org.get("members", [])
        invited = spec_org.get("invited", [])
        base = spec_org.get("base_permission", PROFILES[profile]["base_permission"])
        existed = app.state.org(spec_org["login"]) is not None
        org = create_org(app, spec_org["login"], owners, members, base_permission=base)
        with app.state.lock:
            if existed and "base_permission" in spec_org:
                org["base_permission"] = base
            org["profile"] = profile
            now = iso(app.clock.now())
            inviter = owners[0] if owners else ADMIN_LOGIN
            for login in invited:
                app.state.ensure_user(login, now)
                if key(login) in org["members"]:
                    continue
                if profile == "friendly":
                    org["members"][key(login)] = "member"
                else:
                    invitations.invite(app.state, org, login, inviter, now)
        for login in [*owners, *members, *invited]:
            tokens[login] = app.state.user(login)["token"]
    app.save()
    return tokens


def accept_invitations(app: App, login: str) -> int:
    """What a student does by clicking "Join": their pending (unexpired) org invitations, with
    the team memberships they carry, and their repository invitations apply."""
    count = 0
    k = key(login)
    with app.state.lock:
        invitations.sweep(app.state, app.clock.now())
        for org in app.state.orgs.values():
            if invitations.accept(app.state, org, login):
                count += 1
        for inv_id, inv in list(app.state.data["invitations"].items()):
            if inv["invitee"] == k:
                repo = app.state.repos.get(inv["repo"])
                if repo:
                    repo["collaborators"][k] = inv["permission"]
                del app.state.data["invitations"][inv_id]
                count += 1
    app.save()
    return count
