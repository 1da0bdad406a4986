"""Organization invitations over REST: pending, failed, create, cancel, and per team."""

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


def body(ctx: Ctx, inv: dict) -> dict:
    """GitHub's `organization-invitation` shape."""
    o = ctx.state.orgs[inv["org"]]
    user = ctx.state.users.get(inv["login"]) if inv["login"] else None
    inviter = ctx.state.users.get(inv["inviter"]) or {"login": inv["inviter"], "id": 0}
    teams = _teams(ctx, inv)
    return {
        "id": inv["id"], "node_id": shapes.node_id("OrganizationInvitation", inv["id"]),
        "login": user["login"] if user else None, "email": inv["email"], "role": inv["role"],
        "created_at": inv["created_at"], "failed_at": inv["failed_at"],
        "failed_reason": inv["failed_reason"], "inviter": shapes.account(ctx.base, inviter),
        "team_count": len(teams),
        # GitHub writes /organizations/{org_id}/invitations/{id}/teams; the sandbox points at
        # the equivalent /orgs/ path, which its token-permission table already maps.
        "invitation_teams_url": f"{ctx.base}/orgs/{o['login']}/invitations/{inv['id']}/teams",
        "invitation_source": "member",
    }


def _teams(ctx: Ctx, inv: dict) -> list[dict]:
    wanted = set(inv["team_ids"])
    return sorted((t for t in ctx.state.teams(inv["org"]).values() if t["id"] in wanted),
                  key=lambda t: t["id"])


@route("GET", "/orgs/{org}/invitations")
def list_pending(ctx: Ctx, org: str) -> Response:
    o = _org(ctx, org)
    _owner(ctx, o)
    role = ctx.arg("role", "all")
    found = [i for i in invitations.of_org(ctx.state, o["login"])
             if role == "all" or i["role"] == role]
    return ctx.paginate([body(ctx, i) for i in found])


@route("GET", "/orgs/{org}/failed_invitations")
def list_failed(ctx: Ctx, org: str) -> Response:
    o = _org(ctx, org)
    _owner(ctx, o)
    return ctx.paginate([body(ctx, i) for i in invitations.of_org(ctx.state, o["login"],
                                                                  failed=True)])


@route("POST", "/orgs/{org}/invitations")
def create(ctx: Ctx, org: str) -> Response:
    o = _org(ctx, org)
    _owner(ctx, o)
    data = ctx.json()
    invitee_id, email = data.get("invitee_id"), data.get("email")
    if invitee_id is None and not email:
        raise validation("OrganizationInvitation", "invitee_id", "missing_field",
                         message="Either invitee_id or email is required")
    role = data.get("role") or "direct_member"
    if role not in invitations.ROLES:
        raise validation("OrganizationInvitation", "role", "invalid", value=role)
    team_ids = data.get("team_ids") or []
    teams = {t["id"] for t in ctx.state.teams(o["login"]).values()}
    for tid in team_ids:
        if tid not in teams:
            raise validation("OrganizationInvitation", "team_ids", "invalid", value=tid)
    user = None
    if invitee_id is not None:
        user = next((u for u in ctx.state.users.values() if u["id"] == invitee_id), None)
        if user is None or user.get("app"):
            raise validation("OrganizationInvitation", "invitee_id", "invalid",
                             value=invitee_id)
        if key(user["login"]) in o["members"]:
            raise validation("OrganizationInvitation", "invitee_id", "unprocessable",
                             message="Invitee is already a part of this organization")
        if invitations.pending_for(ctx.state, o["login"], user["login"]):
            # The sandbox's wording; GitHub refuses a second pending invitation too.
            raise validation("OrganizationInvitation", "invitee_id", "unprocessable",
                             message="Invitee has already been invited")
    inv = invitations.invite(ctx.state, o, user["login"] if user else None, ctx.login,
                             ctx.now_iso(), role=role, team_ids=team_ids, email=email)
    answer = body(ctx, inv)
    if user and invitations.friendly(o):
        invitations.accept(ctx.state, o, user["login"])
    return Response(201, answer)


@route("DELETE", "/orgs/{org}/invitations/{inv_id}")
def cancel(ctx: Ctx, org: str, inv_id: str) -> Response:
    o = _org(ctx, org)
    _owner(ctx, o)
    inv = invitations.table(ctx.state).get(inv_id)
    if not inv or inv["org"] != key(o["login"]) or inv["failed_at"] is not None:
        raise ApiError(404)
    invitations.cancel(ctx.state, inv)
    return Response(204)


@route("GET", "/orgs/{org}/invitations/{inv_id}/teams")
def invitation_teams(ctx: Ctx, org: str, inv_id: str) -> Response:
    o = _org(ctx, org)
    _owner(ctx, o)
    inv = invitations.table(ctx.state).get(inv_id)
    if not inv or inv["org"] != key(o["login"]):
        raise ApiError(404)
    return ctx.paginate([shapes.team(ctx.base, ctx.state, o, t) for t in _teams(ctx, inv)])


@route("GET", "/orgs/{org}/teams/{slug}/invitations")
def team_invitations(ctx: Ctx, org: str, slug: str) -> Response:
    o = _org(ctx, org)
    me = ctx.need_user()
    t = ctx.state.teams(o["login"]).get(slug.lower())
    if not t:
        raise ApiError(404)
    maintainer = t["members"].get(key(me["login"]), {}).get("role") == "maintainer"
    if not maintainer and not access.is_owner(ctx.state, o["login"], me):
        raise ApiError(403, "You must be an organization owner or team maintainer to do that.")
    found = [i for i in invitations.of_org(ctx.state, o["login"]) if t["id"] in i["team_ids"]]
    return ctx.paginate([body(ctx, i) for i in found])
