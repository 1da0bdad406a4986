"""Repositories: create, list, get, edit (rename, archive, template), delete, generate, and
collaborators with their invitations."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from . import access, invitations, shapes
from .errors import ApiError, validation
from .gitstore import ZERO
from .routing import Ctx, Response, route
from .slugs import repo_name
from .state import FROM_ROLE, ROLE_NAMES, key, level, repo_key

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def name_taken() -> ApiError:
    return ApiError(422, "Repository creation failed.",
                    [{"resource": "Repository", "code": "custom", "field": "name",
                      "message": "name already exists on this account"}])


def _check_name(ctx: Ctx, owner: str, name) -> str:
    if not isinstance(name, str) or not name:
        raise validation("Repository", "name", "missing_field")
    # GitHub replaces characters it does not allow with dashes rather than refusing.
    name = repo_name(name)
    if name in (".", "..") or not NAME_RE.match(name):
        raise validation("Repository", "name", "invalid")
    if ctx.state.repo(owner, name):
        raise name_taken()
    return name


def _may_create(ctx: Ctx, owner: str) -> dict:
    me = ctx.need_user()
    org = ctx.state.org(owner)
    if org is None:
        if ctx.state.user(owner) and key(owner) == key(me["login"]):
            return me
        raise ApiError(404)
    role = org["members"].get(key(me["login"]))
    if me.get("site_admin") or role == "admin":
        return me
    if role == "member" and org["members_can_create_repositories"]:
        return me
    raise ApiError(403, "You must be an admin to create a repository in this organization."
                   if role else "Not Found")


def _visibility(data: dict, default: bool = False) -> bool:
    if "visibility" in data and data["visibility"]:
        return data["visibility"] != "public"
    return bool(data.get("private", default))


def initial_commit(ctx: Ctx, r: dict, files: dict[str, bytes], message: str) -> str:
    path = ctx.git.path(r["owner"], r["name"])
    changes = [{"path": p, "sha": ctx.git.hash_blob(path, data)} for p, data in files.items()]
    tree = ctx.git.build_tree(path, None, changes)
    ident = ident_of(ctx)
    sha = ctx.git.commit_tree(path, tree, [], message, ident, ident)
    ctx.git.update_ref(path, f"refs/heads/{r['default_branch']}", sha, ZERO)
    return sha


def ident_of(ctx: Ctx, user: dict | None = None) -> dict:
    user = user or ctx.user
    if not user:
        return {"name": "GitHub", "email": "noreply@github.com", "date": ctx.now()}
    return {"name": user.get("name") or user["login"], "email": shapes.noreply(user),
            "date": ctx.now()}


def make_repo(ctx: Ctx, owner: str, name: str, data: dict, creator: dict) -> dict:
    now = ctx.now_iso()
    org = ctx.state.org(owner)
    private = _visibility(data)
    r = ctx.state.new_repo(
        org["login"] if org else ctx.state.user(owner)["login"], name, now,
        description=data.get("description"), homepage=data.get("homepage"),
        private=private, visibility="private" if private else "public",
        is_template=bool(data.get("is_template", False)),
        has_issues=data.get("has_issues", True) is not False,
        has_wiki=data.get("has_wiki", True) is not False,
        has_projects=data.get("has_projects", True) is not False)
    if org and org["members"].get(key(creator["login"])) != "admin" and \
            not creator.get("site_admin"):
        # A member who creates an org repository gets admin on it.
        r["collaborators"][key(creator["login"])] = "admin"
    ctx.git.init(r["owner"], r["name"], r["default_branch"])
    from .routes_issues import add_default_labels
    add_default_labels(ctx.state, r)
    ctx.state.add_repo(r)
    if data.get("team_id") and org:
        found = ctx.state.team_by_id(int(data["team_id"]))
        if found and found[0] == key(owner):
            found[1]["repos"][repo_key(r["owner"], r["name"])] = "pull"
    return r


@route("GET", "/orgs/{org}/repos")
def list_org_repos(ctx: Ctx, org: str) -> Response:
    o = ctx.state.org(org)
    if not o:
        raise ApiError(404)
    kind = ctx.arg("type", "all")
    repos = []
    for r in ctx.state.repos.values():
        if r["owner"].lower() != o["login"].lower():
            continue
        perm = ctx.perm(r)
        if level(perm) < 1:
            continue
        if kind == "public" and r["private"] or kind == "private" and not r["private"]:
            continue
        if kind == "forks":
            continue
        repos.append((r, perm))
    sort = ctx.arg("sort", "created")
    direction = ctx.arg("direction", "asc" if sort == "full_name" else "desc")
    field = {"created": "created_at", "updated": "updated_at", "pushed": "pushed_at",
             "full_name": "name"}.get(sort, "created_at")
    repos.sort(key=lambda rp: ((rp[0].get(field) or "").lower() if field == "name"
                               else rp[0].get(field) or "", rp[0]["id"]),
               reverse=direction == "desc")
    return ctx.paginate([shapes.repo(ctx.base, ctx.state, r, perm=p, minimal=True)
                         for r, p in repos])


@route("POST", "/orgs/{org}/repos")
def create_org_repo(ctx: Ctx, org: str) -> Response:
    if not ctx.state.org(org):
        raise ApiError(404)
    me = _may_create(ctx, org)
    data = ctx.json()
    name = _check_name(ctx, org, data.get("name"))
    r = make_repo(ctx, org, name, data, me)
    if data.get("auto_init"):
        initial_commit(ctx, r, {"README.md": f"# {name}\n".encode()}, "Initial commit")
        r["pushed_at"] = ctx.now_iso()
    return Response(201, shapes.repo(ctx.base, ctx.state, r, perm="admin", full=True))


@route("POST", "/user/repos")
def create_user_repo(ctx: Ctx) -> Response:
    me = ctx.need_user()
    data = ctx.json()
    name = _check_name(ctx, me["login"], data.get("name"))
    r = make_repo(ctx, me["login"], name, data, me)
    if data.get("auto_init"):
        initial_commit(ctx, r, {"README.md": f"# {name}\n".encode()}, "Initial commit")
    return Response(201, shapes.repo(ctx.base, ctx.state, r, perm="admin", full=True))


@route("GET", "/repositories/{rid}")
def repo_by_id(ctx: Ctx, rid: str) -> Response:
    for r in ctx.state.repos.values():
        if str(r["id"]) == rid:
            return get_repo(ctx, r["owner"], r["name"])
    raise ApiError(404)


@route("GET", "/repos/{owner}/{repo}")
def get_repo(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    perm = ctx.perm(r) if ctx.user else None
    return Response(200, shapes.repo(ctx.base, ctx.state, r, perm=perm, full=True))


@route("PATCH", "/repos/{owner}/{repo}")
def edit_repo(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="admin")
    data = ctx.json()
    if r["archived"] and data.get("archived") is not False:
        if set(data) - {"archived"}:
            raise ApiError(403, "Repository was archived so is read-only.")
    new = repo_name(str(data["name"])) if data.get("name") else r["name"]
    if new != r["name"]:
        if new in (".", "..") or not NAME_RE.match(new):
            raise validation("Repository", "name", "invalid")
        if ctx.state.repo(r["owner"], new) and key(new) != key(r["name"]):
            raise name_taken()
        old_key = repo_key(r["owner"], r["name"])
        ctx.git.move(r["owner"], r["name"], r["owner"], new)
        del ctx.state.repos[old_key]
        for teams in ctx.state.data["teams"].values():
            for t in teams.values():
                if old_key in t["repos"]:
                    t["repos"][repo_key(r["owner"], new)] = t["repos"].pop(old_key)
        for inv in ctx.state.data["invitations"].values():
            if inv["repo"] == old_key:
                inv["repo"] = repo_key(r["owner"], new)
        r["name"] = new
        ctx.state.add_repo(r)
        ctx.state.data["redirects"][old_key] = repo_key(r["owner"], new)
    for fld in ("description", "homepage"):
        if fld in data:
            r[fld] = data[fld]
    for fld in ("has_issues", "has_wiki", "has_projects", "is_template", "archived"):
        if fld in data and data[fld] is not None:
            r[fld] = bool(data[fld])
    if "private" in data or "visibility" in data:
        r["private"] = _visibility(data, r["private"])
        r["visibility"] = "private" if r["private"] else "public"
    if data.get("default_branch") and data["default_branch"] != r["default_branch"]:
        path = ctx.git.path(r["owner"], r["name"])
        if not ctx.git.resolve(path, f"refs/heads/{data['default_branch']}"):
            raise validation("Repository", "default_branch", "invalid",
                             message=f"The branch {data['default_branch']} was not found.")
        r["default_branch"] = data["default_branch"]
        ctx.git.set_head(path, r["default_branch"])
    r["updated_at"] = ctx.now_iso()
    return Response(200, shapes.repo(ctx.base, ctx.state, r, perm=ctx.perm(r), full=True))


@route("DELETE", "/repos/{owner}/{repo}")
def delete_repo(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="admin")
    org = ctx.state.org(r["owner"])
    if org and not access.is_owner(ctx.state, org["login"], ctx.user):
        raise ApiError(403, "Must have admin rights to Repository.")
    ctx.state.drop_repo(r["owner"], r["name"])
    ctx.git.delete(r["owner"], r["name"])
    return Response(204)


@route("POST", "/repos/{owner}/{repo}/generate")
def generate(ctx: Ctx, owner: str, repo: str) -> Response:
    t = ctx.repo(owner, repo)
    if not t["is_template"]:
        raise ApiError(422, f"{t['owner']}/{t['name']} is not a template repository.")
    data = ctx.json()
    target_owner = data.get("owner") or ctx.need_user()["login"]
    me = _may_create(ctx, target_owner)
    name = _check_name(ctx, target_owner, data.get("name"))
    spec = {"description": data.get("description"), "private": bool(data.get("private"))}
    r = make_repo(ctx, target_owner, name, spec, me)
    r["template"] = f"{t['owner']}/{t['name']}"
    src = ctx.git.path(t["owner"], t["name"])
    dst = ctx.git.path(r["owner"], r["name"])
    branches = ctx.git.refs(src, "refs/heads/")
    if not data.get("include_all_branches"):
        branches = {k: v for k, v in branches.items()
                    if k == f"refs/heads/{t['default_branch']}"}
    r["default_branch"] = t["default_branch"]
    ctx.git.set_head(dst, r["default_branch"])
    ident = ident_of(ctx, me)
    for ref, sha in branches.items():
        tree = ctx.git.resolve(src, sha, "tree")
        # Objects come across by fetch; the history does not: each branch restarts from one
        # fresh commit with the same tree, as GitHub's template copies do.
        ctx.git.run(dst, "fetch", "-q", "--no-tags", str(src), f"{sha}:refs/sbx-tmp")
        commit = ctx.git.commit_tree(dst, tree, [], "Initial commit", ident, ident)
        ctx.git.update_ref(dst, ref, commit)
        ctx.git.delete_ref(dst, "refs/sbx-tmp")
    ctx.git.run(dst, "gc", "--prune=now", "-q")
    if branches:
        r["pushed_at"] = ctx.now_iso()
    if ctx.app.generate_delay > 0:
        r["ready_at"] = (ctx.now() + timedelta(seconds=ctx.app.generate_delay)).isoformat()
        r["ready_at_real"] = time.time() + ctx.app.generate_delay
    return Response(201, shapes.repo(ctx.base, ctx.state, r, perm="admin", full=True))


# -- collaborators ------------------------------------------------------------------------------
def granted(ctx: Ctx, r: dict, user: dict | None) -> bool:
    """Access given to this person, not the read everyone has on a public repository."""
    if not user or user.get("site_admin"):
        return False
    return level(access.permission(ctx.state, dict(r, private=True), user)) >= 1


def collaborator(ctx: Ctx, r: dict, user: dict) -> dict:
    perm = access.permission(ctx.state, r, user)
    body = shapes.account(ctx.base, user)
    body["permissions"] = access.perm_flags(perm)
    body["role_name"] = ROLE_NAMES[perm]
    return body


@route("GET", "/repos/{owner}/{repo}/collaborators")
def list_collaborators(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    if level(ctx.perm(r)) < 3:
        raise ApiError(403, "Must have push access to view repository collaborators.")
    affiliation = ctx.arg("affiliation", "all")
    org = ctx.state.org(r["owner"])
    found = []
    for k, user in ctx.state.users.items():
        if user.get("app"):  # an App installation is no collaborator (sb-tokens)
            continue
        direct = k in r["collaborators"]
        if affiliation == "direct" and not direct:
            continue
        if affiliation == "outside" and (not direct or (org and k in org["members"])):
            continue
        if granted(ctx, r, user):
            found.append(user)
    found.sort(key=lambda u: u["id"])
    return ctx.paginate([collaborator(ctx, r, u) for u in found])


@route("GET", "/repos/{owner}/{repo}/collaborators/{login}")
def check_collaborator(ctx: Ctx, owner: str, repo: str, login: str) -> Response:
    r = ctx.repo(owner, repo)
    if granted(ctx, r, ctx.state.user(login)):
        return Response(204)
    raise ApiError(404)


@route("GET", "/repos/{owner}/{repo}/collaborators/{login}/permission")
def collaborator_permission(ctx: Ctx, owner: str, repo: str, login: str) -> Response:
    r = ctx.repo(owner, repo)
    user = ctx.state.user(login)
    if not user:
        raise ApiError(404)
    perm = access.permission(ctx.state, r, user)
    # The legacy "permission" field folds maintain into write and triage into read.
    legacy = {"admin": "admin", "maintain": "write", "push": "write", "triage": "read",
              "pull": "read", "none": "none"}[perm]
    return Response(200, {"permission": legacy, "role_name": ROLE_NAMES[perm],
                          "user": collaborator(ctx, r, user)})


@route("PUT", "/repos/{owner}/{repo}/collaborators/{login}")
def add_collaborator(ctx: Ctx, owner: str, repo: str, login: str) -> Response:
    r = ctx.repo(owner, repo, need="admin")
    user = ctx.state.user(login)
    if not user:
        raise ApiError(404)
    perm = FROM_ROLE.get(ctx.json().get("permission") or "push")
    if perm is None or perm == "none":
        raise validation("Repository", "permission", "invalid")
    k = key(login)
    org = ctx.state.org(r["owner"])
    if k in r["collaborators"] or (org and (k in org["members"] or invitations.friendly(org))):
        # Members are added directly; in a "friendly" org the invitation is accepted at once.
        r["collaborators"][k] = perm
        return Response(204)
    for inv in ctx.state.data["invitations"].values():
        if inv["repo"] == repo_key(r["owner"], r["name"]) and inv["invitee"] == k:
            inv["permission"] = perm
            return Response(201, invitation(ctx, inv))
    inv = {"id": ctx.state.new_id(), "repo": repo_key(r["owner"], r["name"]), "invitee": k,
           "inviter": key(ctx.user["login"]), "permission": perm, "created_at": ctx.now_iso()}
    ctx.state.data["invitations"][str(inv["id"])] = inv
    return Response(201, invitation(ctx, inv))


def invitation(ctx: Ctx, inv: dict) -> dict:
    r = ctx.state.repos[inv["repo"]]
    return {
        "id": inv["id"], "node_id": shapes.node_id("RepositoryInvitation", inv["id"]),
        "repository": shapes.repo(ctx.base, ctx.state, r, minimal=True),
        "invitee": shapes.account(ctx.base, ctx.state.users[inv["invitee"]]),
        "inviter": shapes.account(ctx.base, ctx.state.users[inv["inviter"]]),
        "permissions": ROLE_NAMES[inv["permission"]], "created_at": inv["created_at"],
        "expired": False,
        "url": f"{ctx.base}/user/repository_invitations/{inv['id']}",
        "html_url": f"{ctx.base}/{r['owner']}/{r['name']}/invitations",
    }


@route("DELETE", "/repos/{owner}/{repo}/collaborators/{login}")
def remove_collaborator(ctx: Ctx, owner: str, repo: str, login: str) -> Response:
    r = ctx.repo(owner, repo, need="admin")
    r["collaborators"].pop(key(login), None)
    return Response(204)


@route("GET", "/user/repository_invitations")
def my_invitations(ctx: Ctx) -> Response:
    me = key(ctx.need_user()["login"])
    return ctx.paginate([invitation(ctx, i) for i in ctx.state.data["invitations"].values()
                         if i["invitee"] == me])


@route("PATCH", "/user/repository_invitations/{inv_id}")
def accept_invitation(ctx: Ctx, inv_id: str) -> Response:
    me = key(ctx.need_user()["login"])
    inv = ctx.state.data["invitations"].get(inv_id)
    if not inv or inv["invitee"] != me:
        raise ApiError(404)
    r = ctx.state.repos.get(inv["repo"])
    if r:
        r["collaborators"][me] = inv["permission"]
    del ctx.state.data["invitations"][inv_id]
    return Response(204)
