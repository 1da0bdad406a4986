"""Users, organizations, org memberships and /rate_limit."""

from __future__ import annotations

from . import access, invitations, shapes
from .errors import ApiError, validation
from .routing import Ctx, Response, route
from .state import key


def _org(ctx: Ctx, org: str) -> dict:
    found = ctx.state.org(org)
    if not found:
        raise ApiError(404)
    invitations.sweep(ctx.state, ctx.now())
    return found


def _owner(ctx: Ctx, org: dict) -> None:
    if not access.is_owner(ctx.state, org["login"], ctx.need_user()):
        raise ApiError(403, "You must be an admin to do that.")


def membership(ctx: Ctx, org: dict, login: str) -> dict | None:
    k = key(login)
    role, state = org["members"].get(k), "active"
    if role is None:
        inv = invitations.pending_for(ctx.state, org["login"], login)
        role, state = (invitations.org_role(inv) if inv else None), "pending"
    if role is None:
        return None
    user = ctx.state.user(login)
    return {
        "url": f"{ctx.base}/orgs/{org['login']}/memberships/{user['login']}",
        "state": state, "role": role,
        "organization_url": f"{ctx.base}/orgs/{org['login']}",
        "organization": shapes.org_simple(ctx.base, org),
        "user": shapes.account(ctx.base, user),
    }


@route("GET", "/user")
def get_user(ctx: Ctx) -> Response:
    me = ctx.need_user()
    if me.get("app"):  # an installation token has no user behind it
        raise ApiError(403, "Resource not accessible by integration")
    return Response(200, shapes.private_user(ctx.base, me, ctx.state))


@route("GET", "/users/{login}")
def get_account(ctx: Ctx, login: str) -> Response:
    acct = ctx.state.user(login) or ctx.state.org(login)
    if not acct:
        raise ApiError(404)
    return Response(200, shapes.public_user(ctx.base, acct, ctx.state))


@route("GET", "/user/orgs")
def my_orgs(ctx: Ctx) -> Response:
    me = key(ctx.need_user()["login"])
    orgs = [shapes.org_simple(ctx.base, o) for o in ctx.state.orgs.values()
            if me in o["members"]]
    return ctx.paginate(orgs)


@route("GET", "/user/memberships/orgs/{org}")
def my_membership(ctx: Ctx, org: str) -> Response:
    found = membership(ctx, _org(ctx, org), ctx.need_user()["login"])
    if not found:
        raise ApiError(404)
    return Response(200, found)


@route("PATCH", "/user/memberships/orgs/{org}")
def accept_membership(ctx: Ctx, org: str) -> Response:
    o = _org(ctx, org)
    me = key(ctx.need_user()["login"])
    if ctx.json().get("state") != "active":
        raise validation("Membership", "state", "invalid")
    invitations.accept(ctx.state, o, me)
    found = membership(ctx, o, me)
    if not found:
        raise ApiError(404)
    return Response(200, found)


@route("GET", "/orgs/{org}")
def get_org(ctx: Ctx, org: str) -> Response:
    o = _org(ctx, org)
    owner_view = access.is_owner(ctx.state, o["login"], ctx.user)
    return Response(200, shapes.org_full(ctx.base, o, ctx.state, owner_view))


BASE_PERMISSIONS = ("read", "write", "admin", "none")


@route("PATCH", "/orgs/{org}")
def edit_org(ctx: Ctx, org: str) -> Response:
    """Owners change the org's settings; `default_repository_permission` is the base permission
    every active member has on every repository of the org."""
    o = _org(ctx, org)
    me = ctx.need_user()
    if not access.is_owner(ctx.state, o["login"], me):
        if key(me["login"]) not in o["members"]:
            raise ApiError(404)
        raise ApiError(403, "You must be an admin to do that.")
    data = ctx.json()
    if "default_repository_permission" in data:
        base = data["default_repository_permission"]
        if base not in BASE_PERMISSIONS:
            raise validation("Organization", "default_repository_permission", "invalid",
                             value=base)
        o["base_permission"] = base
    if data.get("members_can_create_repositories") is not None:
        o["members_can_create_repositories"] = bool(data["members_can_create_repositories"])
    for fld in ("name", "description", "email", "blog", "company", "location"):
        if fld in data:
            o[fld] = data[fld]
    o["updated_at"] = ctx.now_iso()
    return Response(200, shapes.org_full(ctx.base, o, ctx.state, True))


@route("GET", "/orgs/{org}/members")
def list_members(ctx: Ctx, org: str) -> Response:
    o = _org(ctx, org)
    if not ctx.user or (key(ctx.user["login"]) not in o["members"]
                        and not ctx.user.get("site_admin")):
        # Outsiders only see public members, and the sandbox has no public memberships.
        return ctx.paginate([])
    role = ctx.arg("role", "all")
    if role not in ("all", "admin", "member"):
        raise validation("Organization", "role", "invalid")
    # A GitHub App's installation holds owner reach but is no member (sb-tokens).
    logins = sorted((k for k, r in o["members"].items()
                     if (role == "all" or r == role) and not ctx.state.users[k].get("app")),
                    key=lambda k: ctx.state.users[k]["id"])
    return ctx.paginate([shapes.account(ctx.base, ctx.state.users[k]) for k in logins])


@route("GET", "/orgs/{org}/members/{login}")
def check_member(ctx: Ctx, org: str, login: str) -> Response:
    o = _org(ctx, org)
    if key(login) in o["members"]:
        return Response(204)
    raise ApiError(404, "User does not exist or is not a member of the organization")


@route("DELETE", "/orgs/{org}/members/{login}")
def remove_member(ctx: Ctx, org: str, login: str) -> Response:
    return remove_membership(ctx, org, login)


@route("GET", "/orgs/{org}/memberships/{login}")
def get_membership(ctx: Ctx, org: str, login: str) -> Response:
    o = _org(ctx, org)
    me = ctx.need_user()
    if key(me["login"]) != key(login) and not access.is_owner(ctx.state, o["login"], me):
        if key(me["login"]) not in o["members"]:
            raise ApiError(403, "You must be a member of the organization to do that.")
    found = membership(ctx, o, login) if ctx.state.user(login) else None
    if not found:
        raise ApiError(404)
    return Response(200, found)


@route("PUT", "/orgs/{org}/memberships/{login}")
def set_membership(ctx: Ctx, org: str, login: str) -> Response:
    o = _org(ctx, org)
    _owner(ctx, o)
    user = ctx.state.user(login)
    if not user:
        raise ApiError(404)
    role = ctx.json().get("role", "member")
    if role not in ("admin", "member"):
        raise validation("Membership", "role", "invalid")
    k = key(login)
    if k in o["members"] or invitations.friendly(o):
        o["members"][k] = role
    else:
        # Like github.com: adding someone sends an invitation they still have to accept.
        invitations.invite(ctx.state, o, login, ctx.login, ctx.now_iso(),
                           role="admin" if role == "admin" else "direct_member")
    return Response(200, membership(ctx, o, login))


@route("DELETE", "/orgs/{org}/memberships/{login}")
def remove_membership(ctx: Ctx, org: str, login: str) -> Response:
    o = _org(ctx, org)
    _owner(ctx, o)
    k = key(login)
    o["members"].pop(k, None)
    invitations.cancel_for(ctx.state, o["login"], login)
    for team in ctx.state.teams(o["login"]).values():
        team["members"].pop(k, None)
    return Response(204)


@route("GET", "/rate_limit")
def rate_limit(ctx: Ctx) -> Response:
    return Response(200, ctx.app.limits.overview(ctx.login))


from . import routes_invitations  # noqa: E402,F401  (registers its routes with this module)
