"""Teams, team memberships and team repository permissions."""

from __future__ import annotations

from . import access, invitations, shapes
from .errors import ApiError, validation
from .routing import Ctx, Response, route
from .slugs import team_slug
from .state import FROM_ROLE, key, repo_key

PERMS = ("pull", "triage", "push", "maintain", "admin")


def _org(ctx: Ctx, org: str) -> dict:
    o = ctx.state.org(org)
    if not o:
        raise ApiError(404)
    invitations.sweep(ctx.state, ctx.now())
    return o


def _team(ctx: Ctx, org: dict, slug: str) -> dict:
    t = ctx.state.teams(org["login"]).get(slug.lower())
    if not t:
        raise ApiError(404)
    if t["privacy"] == "secret" and not _can_see_secret(ctx, org, t):
        raise ApiError(404)
    return t


def _can_see_secret(ctx: Ctx, org: dict, t: dict) -> bool:
    if not ctx.user:
        return False
    return access.is_owner(ctx.state, org["login"], ctx.user) or key(ctx.user["login"]) in \
        t["members"]


def _may_manage(ctx: Ctx, org: dict, t: dict | None = None) -> None:
    me = ctx.need_user()
    if access.is_owner(ctx.state, org["login"], me):
        return
    if t and t["members"].get(key(me["login"]), {}).get("role") == "maintainer":
        return
    raise ApiError(403, "You must be an organization owner or team maintainer to do that.")


def _member(ctx: Ctx, org: dict, t: dict, login: str, role: str) -> dict:
    """A new team membership: active for an org member, otherwise pending on an org invitation
    (GitHub: "Add or update team membership for a user")."""
    k = key(login)
    if k not in org["members"] and invitations.friendly(org):
        org["members"][k] = "member"
    if k in org["members"]:
        return {"role": role, "state": "active"}
    invitations.invite(ctx.state, org, login, ctx.login, ctx.now_iso(), team_ids=[t["id"]])
    return {"role": role, "state": "pending"}


@route("GET", "/orgs/{org}/teams")
def list_teams(ctx: Ctx, org: str) -> Response:
    o = _org(ctx, org)
    me = ctx.need_user()
    if key(me["login"]) not in o["members"] and not me.get("site_admin"):
        raise ApiError(403, "You must be a member of the organization to do that.")
    teams = [t for t in ctx.state.teams(o["login"]).values()
             if t["privacy"] != "secret" or _can_see_secret(ctx, o, t)]
    teams.sort(key=lambda t: t["name"].lower())
    return ctx.paginate([shapes.team(ctx.base, ctx.state, o, t) for t in teams])


@route("POST", "/orgs/{org}/teams")
def create_team(ctx: Ctx, org: str) -> Response:
    o = _org(ctx, org)
    me = ctx.need_user()
    if key(me["login"]) not in o["members"] and not me.get("site_admin"):
        raise ApiError(403, "You must be a member of the organization to do that.")
    data = ctx.json()
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise validation("Team", "name", "missing_field")
    slug = team_slug(name)
    teams = ctx.state.teams(o["login"])
    if slug in teams or any(t["name"].lower() == name.lower() for t in teams.values()):
        raise ApiError(422, "Validation Failed", [{"resource": "Team", "code": "custom",
                                                   "field": "name",
                                                   "message": "Name must be unique for this "
                                                   "org"}])
    privacy = data.get("privacy") or "secret"
    if privacy not in ("secret", "closed"):
        raise validation("Team", "privacy", "invalid")
    # GitHub's description of this endpoint allows only pull and push here (a closing-down
    # parameter); other roles are given per repository afterwards.
    if (data.get("permission") or "pull") not in ("pull", "push"):
        raise validation("Team", "permission", "invalid")
    permission = FROM_ROLE.get(data.get("permission") or "pull")
    parent = data.get("parent_team_id")
    if parent is not None:
        if not ctx.state.team_by_id(parent):
            raise validation("Team", "parent_team_id", "invalid")
        privacy = "closed"  # nested teams cannot be secret
    now = ctx.now_iso()
    t = {"id": ctx.state.new_id(), "name": name, "slug": slug,
         "description": data.get("description"), "privacy": privacy,
         "permission": permission, "parent_id": parent, "members": {}, "repos": {},
         "created_at": now, "updated_at": now}
    # On github.com whoever creates a team becomes its maintainer, org owners included; a GitHub
    # App installation is no user and cannot be a team member.
    if not me.get("site_admin") and not me.get("app"):
        t["members"][key(me["login"])] = {"role": "maintainer", "state": "active"}
    for login in data.get("maintainers") or []:
        if not ctx.state.user(login):
            raise validation("Team", "maintainers", "invalid", value=login)
        t["members"][key(login)] = _member(ctx, o, t, login, "maintainer")
    for full in data.get("repo_names") or []:
        owner, _, rname = full.partition("/")
        r = ctx.state.repo(owner, rname)
        if not r or r["owner"].lower() != o["login"].lower():
            raise validation("Team", "repo_names", "invalid", value=full)
        t["repos"][repo_key(owner, rname)] = permission
    teams[slug] = t
    return Response(201, shapes.team(ctx.base, ctx.state, o, t, full=True))


@route("GET", "/orgs/{org}/teams/{slug}")
def get_team(ctx: Ctx, org: str, slug: str) -> Response:
    o = _org(ctx, org)
    ctx.need_user()
    return Response(200, shapes.team(ctx.base, ctx.state, o, _team(ctx, o, slug), full=True))


@route("PATCH", "/orgs/{org}/teams/{slug}")
def edit_team(ctx: Ctx, org: str, slug: str) -> Response:
    o = _org(ctx, org)
    t = _team(ctx, o, slug)
    _may_manage(ctx, o, t)
    data = ctx.json()
    teams = ctx.state.teams(o["login"])
    if data.get("name") and data["name"] != t["name"]:
        new_slug = team_slug(data["name"])
        if new_slug != t["slug"] and new_slug in teams:
            raise validation("Team", "name", "already_exists")
        del teams[t["slug"]]
        t["name"], t["slug"] = data["name"], new_slug
        teams[new_slug] = t
    if "description" in data:
        t["description"] = data["description"]
    if data.get("privacy"):
        if data["privacy"] not in ("secret", "closed"):
            raise validation("Team", "privacy", "invalid")
        t["privacy"] = data["privacy"]
    if data.get("permission"):
        t["permission"] = FROM_ROLE.get(data["permission"], "pull")
    if "parent_team_id" in data:
        t["parent_id"] = data["parent_team_id"]
    t["updated_at"] = ctx.now_iso()
    return Response(200, shapes.team(ctx.base, ctx.state, o, t, full=True))


@route("DELETE", "/orgs/{org}/teams/{slug}")
def delete_team(ctx: Ctx, org: str, slug: str) -> Response:
    o = _org(ctx, org)
    t = _team(ctx, o, slug)
    _may_manage(ctx, o, t)
    del ctx.state.teams(o["login"])[t["slug"]]
    return Response(204)


@route("GET", "/orgs/{org}/teams/{slug}/members")
def team_members(ctx: Ctx, org: str, slug: str) -> Response:
    o = _org(ctx, org)
    ctx.need_user()
    t = _team(ctx, o, slug)
    role = ctx.arg("role", "all")
    logins = [k for k, m in t["members"].items()
              if m["state"] == "active" and (role == "all" or m["role"] == role)]
    logins.sort(key=lambda k: ctx.state.users[k]["id"])
    return ctx.paginate([shapes.account(ctx.base, ctx.state.users[k]) for k in logins])


def _membership_body(ctx: Ctx, o: dict, t: dict, login: str) -> dict:
    m = t["members"][key(login)]
    user = ctx.state.user(login)
    return {"url": f"{ctx.base}/organizations/{o['id']}/team/{t['id']}/memberships/"
                   f"{user['login']}", "role": m["role"], "state": m["state"]}


@route("GET", "/orgs/{org}/teams/{slug}/memberships/{login}")
def get_team_membership(ctx: Ctx, org: str, slug: str, login: str) -> Response:
    o = _org(ctx, org)
    ctx.need_user()
    t = _team(ctx, o, slug)
    if key(login) not in t["members"]:
        raise ApiError(404)
    return Response(200, _membership_body(ctx, o, t, login))


@route("PUT", "/orgs/{org}/teams/{slug}/memberships/{login}")
def put_team_membership(ctx: Ctx, org: str, slug: str, login: str) -> Response:
    o = _org(ctx, org)
    t = _team(ctx, o, slug)
    _may_manage(ctx, o, t)
    if not ctx.state.user(login):
        raise ApiError(404)
    role = ctx.json().get("role", "member")
    if role not in ("member", "maintainer"):
        raise validation("TeamMember", "role", "invalid")
    existing = t["members"].get(key(login))
    if existing:
        existing["role"] = role
    else:
        t["members"][key(login)] = _member(ctx, o, t, login, role)
    return Response(200, _membership_body(ctx, o, t, login))


@route("DELETE", "/orgs/{org}/teams/{slug}/memberships/{login}")
def delete_team_membership(ctx: Ctx, org: str, slug: str, login: str) -> Response:
    o = _org(ctx, org)
    t = _team(ctx, o, slug)
    _may_manage(ctx, o, t)
    gone = t["members"].pop(key(login), None)
    inv = invitations.pending_for(ctx.state, o["login"], login)
    if gone and gone["state"] == "pending" and inv and t["id"] in inv["team_ids"]:
        inv["team_ids"].remove(t["id"])
    return Response(204)


def _team_repo_body(ctx: Ctx, t: dict, r: dict) -> dict:
    body = shapes.repo(ctx.base, ctx.state, r, perm=t["repos"][repo_key(r["owner"], r["name"])])
    return body


@route("GET", "/orgs/{org}/teams/{slug}/repos")
def team_repos(ctx: Ctx, org: str, slug: str) -> Response:
    o = _org(ctx, org)
    ctx.need_user()
    t = _team(ctx, o, slug)
    repos = [ctx.state.repos[k] for k in t["repos"] if k in ctx.state.repos]
    repos.sort(key=lambda r: r["id"])
    return ctx.paginate([_team_repo_body(ctx, t, r) for r in repos])


def _team_and_repo(ctx: Ctx, org: str, slug: str, owner: str, repo: str):
    o = _org(ctx, org)
    ctx.need_user()
    t = _team(ctx, o, slug)
    r = ctx.state.repo(owner, repo)
    if not r:
        raise ApiError(404)
    return o, t, r


@route("GET", "/orgs/{org}/teams/{slug}/repos/{owner}/{repo}")
def check_team_repo(ctx: Ctx, org: str, slug: str, owner: str, repo: str) -> Response:
    _, t, r = _team_and_repo(ctx, org, slug, owner, repo)
    if repo_key(r["owner"], r["name"]) not in t["repos"]:
        raise ApiError(404, "Not Found")
    if "application/vnd.github.v3.repository+json" in ctx.accept() or \
            "application/vnd.github.repository+json" in ctx.accept():
        return Response(200, _team_repo_body(ctx, t, r))
    return Response(204)


@route("PUT", "/orgs/{org}/teams/{slug}/repos/{owner}/{repo}")
def put_team_repo(ctx: Ctx, org: str, slug: str, owner: str, repo: str) -> Response:
    o, t, r = _team_and_repo(ctx, org, slug, owner, repo)
    if not access.is_owner(ctx.state, o["login"], ctx.user) and \
            access.permission(ctx.state, r, ctx.user) != "admin":
        raise ApiError(403, "You must have administrative rights on this repository.")
    if r["owner"].lower() != o["login"].lower():
        raise ApiError(422, "Validation Failed",
                       [{"resource": "TeamRepository", "code": "custom", "field": "repo",
                         "message": "Repository must be owned by the organization"}])
    perm = ctx.json().get("permission") or t["permission"] or "push"
    perm = FROM_ROLE.get(perm, perm)
    if perm not in PERMS:
        raise validation("TeamRepository", "permission", "invalid", value=perm)
    t["repos"][repo_key(r["owner"], r["name"])] = perm
    return Response(204)


@route("DELETE", "/orgs/{org}/teams/{slug}/repos/{owner}/{repo}")
def delete_team_repo(ctx: Ctx, org: str, slug: str, owner: str, repo: str) -> Response:
    o, t, r = _team_and_repo(ctx, org, slug, owner, repo)
    if not access.is_owner(ctx.state, o["login"], ctx.user) and \
            access.permission(ctx.state, r, ctx.user) != "admin":
        raise ApiError(403, "You must have administrative rights on this repository.")
    t["repos"].pop(repo_key(r["owner"], r["name"]), None)
    return Response(204)
