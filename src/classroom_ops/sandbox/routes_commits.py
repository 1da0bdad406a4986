"""Commits, branches, tags, repository activity and archive downloads."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta
from urllib.parse import quote, urlencode

from . import shapes
from .clock import parse_time
from .errors import ApiError
from .routes_git import api, git_commit_json, gpath, html, not_empty
from .routing import Ctx, Response, git_ready, route


def _user_for_email(ctx: Ctx, email: str) -> dict | None:
    local, _, domain = email.partition("@")
    if domain == "users.noreply.github.com":
        login = local.split("+", 1)[-1]
        user = ctx.state.user(login)
        return user
    for user in ctx.state.users.values():
        if user.get("email") and user["email"].lower() == email.lower():
            return user
    return None


def commit_json(ctx: Ctx, r: dict, sha: str, detail: bool = False) -> dict:
    path = gpath(ctx, r)
    info = ctx.git.read_commit(path, sha)
    git = git_commit_json(ctx, r, info)
    git.pop("sha")
    git.pop("node_id")
    git.pop("html_url")
    git.pop("parents")
    git["comment_count"] = 0
    author = _user_for_email(ctx, info["author"]["email"])
    committer = _user_for_email(ctx, info["committer"]["email"])
    body = {
        "sha": sha, "node_id": shapes.node_id("Commit", sha[:12]),
        "commit": git, "url": f"{api(ctx, r)}/commits/{sha}",
        "html_url": f"{html(ctx, r)}/commit/{sha}",
        "comments_url": f"{api(ctx, r)}/commits/{sha}/comments",
        "author": shapes.account(ctx.base, author) if author else None,
        "committer": shapes.account(ctx.base, committer) if committer else None,
        "parents": [{"sha": p, "url": f"{api(ctx, r)}/commits/{p}",
                     "html_url": f"{html(ctx, r)}/commit/{p}"} for p in info["parents"]],
    }
    if detail:
        files = ctx.git.diff_files(path, sha, info["parents"][0] if info["parents"] else None)
        for f in files:
            q = quote(f["filename"])
            f["blob_url"] = f"{html(ctx, r)}/blob/{sha}/{q}"
            f["raw_url"] = f"{html(ctx, r)}/raw/{sha}/{q}"
            f["contents_url"] = f"{api(ctx, r)}/contents/{q}?ref={sha}"
        adds = sum(f["additions"] for f in files)
        dels = sum(f["deletions"] for f in files)
        body["stats"] = {"total": adds + dels, "additions": adds, "deletions": dels}
        body["files"] = files
    return body


@route("GET", "/repos/{owner}/{repo}/commits")
def list_commits(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    not_empty(ctx, r)
    path = gpath(ctx, r)
    rev = ctx.arg("sha") or r["default_branch"]
    start = ctx.git.resolve(path, rev)
    if not start:
        raise ApiError(404, f"No commit found for SHA: {rev}")
    shas = ctx.git.log(path, start, ctx.arg("path"), ctx.time_arg("since"),
                       ctx.time_arg("until"))
    author = ctx.arg("author")
    if author:
        wanted = author.lower()
        kept = []
        for sha in shas:
            ident = ctx.git.read_commit(path, sha)["author"]
            user = _user_for_email(ctx, ident["email"])
            if ident["email"].lower() == wanted or (user and user["login"].lower() == wanted):
                kept.append(sha)
        shas = kept
    resp = ctx.paginate(shas)
    resp.body = [commit_json(ctx, r, sha) for sha in resp.body]
    return resp


@route("GET", "/repos/{owner}/{repo}/commits/{ref+}")
def get_commit(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    r = ctx.repo(owner, repo)
    not_empty(ctx, r)
    sha = ctx.git.resolve(gpath(ctx, r), ref)
    if not sha:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return Response(200, commit_json(ctx, r, sha, detail=True))


# -- branches -------------------------------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/branches")
def list_branches(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    git_ready(ctx, r)
    heads = ctx.git.refs(gpath(ctx, r), "refs/heads/")
    items = [{"name": ref.removeprefix("refs/heads/"),
              "commit": {"sha": sha, "url": f"{api(ctx, r)}/commits/{sha}"},
              "protected": False} for ref, sha in sorted(heads.items())]
    return ctx.paginate(items)


@route("GET", "/repos/{owner}/{repo}/branches/{branch+}")
def get_branch(ctx: Ctx, owner: str, repo: str, branch: str) -> Response:
    r = ctx.repo(owner, repo)
    git_ready(ctx, r)
    sha = ctx.git.refs(gpath(ctx, r), f"refs/heads/{branch}").get(f"refs/heads/{branch}")
    if not sha:
        raise ApiError(404, "Branch not found")
    url = f"{api(ctx, r)}/branches/{quote(branch)}"
    return Response(200, {
        "name": branch, "commit": commit_json(ctx, r, sha),
        "_links": {"self": url, "html": f"{html(ctx, r)}/tree/{quote(branch)}"},
        "protected": False,
        "protection": {"enabled": False, "required_status_checks": {
            "enforcement_level": "off", "contexts": [], "checks": []}},
        "protection_url": f"{url}/protection",
    })


@route("GET", "/repos/{owner}/{repo}/tags")
def list_tags(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    path = gpath(ctx, r)
    items = []
    for ref in sorted(ctx.git.refs(path, "refs/tags/"), reverse=True):
        name = ref.removeprefix("refs/tags/")
        sha = ctx.git.resolve(path, ref)
        if not sha:
            continue
        items.append({"name": name, "commit": {"sha": sha, "url": f"{api(ctx, r)}/commits/{sha}"},
                      "zipball_url": f"{api(ctx, r)}/zipball/refs/tags/{quote(name)}",
                      "tarball_url": f"{api(ctx, r)}/tarball/refs/tags/{quote(name)}",
                      "node_id": shapes.node_id("Ref", f"{r['id']}:{ref}")})
    return ctx.paginate(items)


# -- activity -------------------------------------------------------------------------------------
PERIODS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}
TYPES = {"push", "force_push", "branch_creation", "branch_deletion", "pr_merge",
         "merge_queue_merge"}


def _cursor(entry_id: int) -> str:
    return base64.urlsafe_b64encode(f"cursor:{entry_id}".encode()).decode().rstrip("=")


def _uncursor(text: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        return int(raw.split(":", 1)[1])
    except (ValueError, IndexError) as exc:
        raise ApiError(422, "Invalid cursor") from exc


@route("GET", "/repos/{owner}/{repo}/activity")
def list_activity(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    items = list(r["activity"])
    ref = ctx.arg("ref")
    if ref:
        full = ref if ref.startswith("refs/") else f"refs/heads/{ref}"
        items = [a for a in items if a["ref"] == full]
    actor = ctx.arg("actor")
    if actor:
        items = [a for a in items if (a["actor"] or "").lower() == actor.lower()]
    kind = ctx.arg("activity_type")
    if kind:
        if kind not in TYPES:
            raise ApiError(422, f"Invalid activity_type: {kind}")
        items = [a for a in items if a["activity_type"] == kind]
    period = ctx.arg("time_period")
    if period:
        if period not in PERIODS:
            raise ApiError(422, f"Invalid time_period: {period}")
        floor = ctx.now() - timedelta(days=PERIODS[period])
        items = [a for a in items if parse_time(a["timestamp"]) >= floor]
    direction = ctx.arg("direction", "desc")
    items.sort(key=lambda a: (a["timestamp"], a["id"]), reverse=direction != "asc")
    per_page = max(1, min(100, ctx.int_arg("per_page", 30)))
    start = 0
    if ctx.arg("after"):
        after = _uncursor(ctx.arg("after"))
        start = next((i + 1 for i, a in enumerate(items) if a["id"] == after), len(items))
    elif ctx.arg("before"):
        before = _uncursor(ctx.arg("before"))
        end = next((i for i, a in enumerate(items) if a["id"] == before), 0)
        start = max(0, end - per_page)
    page = items[start:start + per_page]
    links = []
    base_q = [(k, v) for k, vs in ctx.query.items() if k not in ("after", "before")
              for v in vs]
    def link(cursor: str, entry: dict, rel: str) -> str:
        query = urlencode(base_q + [(cursor, _cursor(entry["id"]))])
        return f'<{ctx.base}{ctx.path}?{query}>; rel="{rel}"'

    if start > 0 and page:
        links.append(link("before", page[0], "prev"))
    if start + per_page < len(items) and page:
        links.append(link("after", page[-1], "next"))
    body = []
    for a in page:
        user = ctx.state.user(a["actor"]) if a["actor"] else None
        body.append({"id": a["id"], "node_id": shapes.node_id("RepositoryActivity", a["id"]),
                     "before": a["before"], "after": a["after"], "ref": a["ref"],
                     "timestamp": a["timestamp"], "activity_type": a["activity_type"],
                     "actor": shapes.account(ctx.base, user) if user else None})
    return Response(200, body, {"Link": ", ".join(links)} if links else {})


# -- archives -------------------------------------------------------------------------------------
def _archive(ctx: Ctx, owner: str, repo: str, fmt: str, ref: str | None) -> Response:
    r = ctx.repo(owner, repo)
    not_empty(ctx, r)
    sha = ctx.git.resolve(gpath(ctx, r), ref or r["default_branch"])
    if not sha:
        raise ApiError(404)
    token = secrets.token_urlsafe(16)
    ctx.app.downloads[token] = (r["owner"], r["name"], sha, fmt)
    ext = "tar.gz" if fmt == "tarball" else "zip"
    location = (f"{ctx.base}/_codeload/{r['owner']}/{r['name']}/legacy.{ext}/"
                f"{quote(ref or r['default_branch'])}?token={token}")
    # Like codeload.github.com: a short-lived link that needs no Authorization header.
    return Response(302, None, {"Location": location})


@route("GET", "/repos/{owner}/{repo}/tarball")
def tarball_default(ctx: Ctx, owner: str, repo: str) -> Response:
    return _archive(ctx, owner, repo, "tarball", None)


@route("GET", "/repos/{owner}/{repo}/tarball/{ref+}")
def tarball(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    return _archive(ctx, owner, repo, "tarball", ref)


@route("GET", "/repos/{owner}/{repo}/zipball")
def zipball_default(ctx: Ctx, owner: str, repo: str) -> Response:
    return _archive(ctx, owner, repo, "zipball", None)


@route("GET", "/repos/{owner}/{repo}/zipball/{ref+}")
def zipball(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    return _archive(ctx, owner, repo, "zipball", ref)
