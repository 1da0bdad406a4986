"""Issues, comments, and issue search (labels and milestones are in routes_labels.py)."""

from __future__ import annotations

import shlex
from datetime import datetime

from . import access, shapes
from .clock import parse_time
from .errors import ApiError, validation
from .routing import Ctx, Response, route
from .state import level

DEFAULT_LABELS = [
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("help wanted", "008672", "Extra attention is needed"),
    ("invalid", "e4e669", "This doesn't seem right"),
    ("question", "d876e3", "Further information is requested"),
    ("wontfix", "ffffff", "This will not be worked on"),
]


def add_default_labels(state, repo: dict) -> None:
    # New repositories come with GitHub's default labels; generating from a template does not
    # bring the template's own labels, only these.
    for name, color, desc in DEFAULT_LABELS:
        repo["labels"][name] = {"id": state.new_id(), "name": name, "color": color,
                                "description": desc, "default": True}


def _issues_on(ctx: Ctx, r: dict) -> None:
    if not r["has_issues"]:
        raise ApiError(410, "Issues are disabled for this repo")


def issue_at(ctx: Ctx, r: dict, number: str) -> dict:
    i = r["issues"].get(str(number))
    if not i:
        raise ApiError(404)
    return i


def _association(ctx: Ctx, r: dict) -> str:
    # An App's bot account is no member or collaborator (it is listed as neither).
    if not ctx.user or ctx.user.get("app"):
        return "NONE"
    if access.org_role(ctx.state, r["owner"], ctx.user["login"]):
        return "MEMBER"
    if r["owner"].lower() == ctx.user["login"].lower():
        return "OWNER"
    if ctx.user["login"].lower() in r["collaborators"]:
        return "COLLABORATOR"
    return "NONE"


def ensure_labels(ctx: Ctx, r: dict, names: list) -> list[str]:
    result = []
    for name in names:
        if isinstance(name, dict):
            name = name.get("name")
        if not isinstance(name, str) or not name.strip():
            raise validation("Label", "name", "invalid")
        lab = r["labels"].get(name.lower())
        if lab is None:
            # Unknown labels are created on the fly, as GitHub does, in its neutral grey.
            lab = {"id": ctx.state.new_id(), "name": name, "color": "ededed",
                   "description": None, "default": False}
            r["labels"][name.lower()] = lab
        if lab["name"] not in result:
            result.append(lab["name"])
    return result


def assignable(ctx: Ctx, r: dict, user: dict | None) -> bool:
    """GitHub's "available assignees": people with push access to the repository (owners,
    collaborators, active members of a team with push, members under a write base permission).
    Invited people are not, until they accept; neither are Apps nor the sandbox's admin."""
    if not user or user.get("app") or user.get("site_admin"):
        return False
    return level(access.permission(ctx.state, dict(r, private=True), user)) >= 3


def _assignees(ctx: Ctx, r: dict, logins: list) -> list[str]:
    result = []
    errors = []
    for login in logins:
        user = ctx.state.user(login) if isinstance(login, str) else None
        if not assignable(ctx, r, user):
            errors.append({"value": login, "resource": "Issue", "field": "assignees",
                           "code": "invalid"})
            continue
        if user["login"] not in result:
            result.append(user["login"])
    if errors:
        raise ApiError(422, "Validation Failed", errors)
    return result[:10]


def _milestone(r: dict, number) -> int | None:
    if number is None:
        return None
    if str(number) not in r["milestones"]:
        raise validation("Issue", "milestone", "invalid", value=number)
    return int(number)


def render(ctx: Ctx, r: dict, i: dict) -> dict:
    return shapes.issue(ctx.base, ctx.state, r, i)


# -- issues ---------------------------------------------------------------------------------------
def _filter_issues(ctx: Ctx, r: dict, issues: list[dict]) -> list[dict]:
    state = ctx.arg("state", "open")
    if state not in ("open", "closed", "all"):
        raise validation("Issue", "state", "invalid")
    out = [i for i in issues if state == "all" or i["state"] == state]
    if ctx.arg("labels"):
        wanted = [x.strip().lower() for x in ctx.arg("labels").split(",") if x.strip()]
        out = [i for i in out if all(w in [n.lower() for n in i["labels"]] for w in wanted)]
    ms = ctx.arg("milestone")
    if ms == "*":
        out = [i for i in out if i.get("milestone")]
    elif ms == "none":
        out = [i for i in out if not i.get("milestone")]
    elif ms:
        out = [i for i in out if str(i.get("milestone")) == ms]
    who = ctx.arg("assignee")
    if who == "*":
        out = [i for i in out if i["assignees"]]
    elif who == "none":
        out = [i for i in out if not i["assignees"]]
    elif who:
        out = [i for i in out if who.lower() in [a.lower() for a in i["assignees"]]]
    creator = ctx.arg("creator")
    if creator:
        out = [i for i in out if i["user"].lower() == creator.lower()]
    since = ctx.time_arg("since")
    if since:
        out = [i for i in out if parse_time(i["updated_at"]) >= since]
    sort = ctx.arg("sort", "created")
    field = {"created": "created_at", "updated": "updated_at", "comments": "comments"}.get(sort)
    if field is None:
        raise validation("Issue", "sort", "invalid")
    out.sort(key=lambda i: (i[field], i["number"]), reverse=ctx.arg("direction", "desc") != "asc")
    return out


@route("GET", "/repos/{owner}/{repo}/issues")
def list_issues(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    _issues_on(ctx, r)
    items = _filter_issues(ctx, r, list(r["issues"].values()))
    resp = ctx.paginate(items)
    resp.body = [render(ctx, r, i) for i in resp.body]
    return resp


@route("POST", "/repos/{owner}/{repo}/issues")
def create_issue(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="pull", write=True)
    ctx.need_user()
    _issues_on(ctx, r)
    data = ctx.json()
    title = data.get("title")
    if isinstance(title, int):
        title = str(title)
    if not isinstance(title, str) or not title.strip():
        raise validation("Issue", "title", "missing_field")
    triage = level(ctx.perm(r)) >= 2
    now = ctx.now_iso()
    number = r["next_number"]
    i = {"id": ctx.state.new_id(), "number": number, "title": title,
         "body": data.get("body"), "user": ctx.login, "labels": [], "assignees": [],
         "milestone": None, "state": "open", "state_reason": None, "comments": 0,
         "created_at": now, "updated_at": now, "closed_at": None, "closed_by": None,
         "author_association": _association(ctx, r)}
    # Without push access GitHub silently drops assignees, and without triage labels and
    # milestone (OpenAPI description of this endpoint).
    if level(ctx.perm(r)) >= 3:
        assignees = list(data.get("assignees") or [])
        if data.get("assignee"):
            assignees.insert(0, data["assignee"])
        i["assignees"] = _assignees(ctx, r, assignees)
    if triage:
        i["milestone"] = _milestone(r, data.get("milestone"))
        i["labels"] = ensure_labels(ctx, r, data.get("labels") or [])
    r["next_number"] = number + 1
    r["issues"][str(number)] = i
    return Response(201, render(ctx, r, i),
                    {"Location": f"{ctx.base}/repos/{r['owner']}/{r['name']}/issues/{number}"})


# Registered before `/issues/{number}`: the first matching route wins, and `comments` would
# otherwise be read as an issue number.
@route("GET", "/repos/{owner}/{repo}/issues/comments")
def list_repo_comments(ctx: Ctx, owner: str, repo: str) -> Response:
    """GitHub's "List issue comments for a repository": every comment of every issue, by
    ascending id unless `sort` (created, updated) is given; `direction` (asc, desc) counts only
    with `sort`; `since` keeps comments updated at or after that time."""
    r = ctx.repo(owner, repo)
    sort, direction = ctx.arg("sort"), ctx.arg("direction")
    if sort is not None and sort not in ("created", "updated"):
        raise validation("IssueComment", "sort", "invalid", value=sort)
    if direction is not None and direction not in ("asc", "desc"):
        raise validation("IssueComment", "direction", "invalid", value=direction)
    items = list(r["comments"].values())
    since = ctx.time_arg("since")
    if since:
        items = [c for c in items if parse_time(c["updated_at"]) >= since]
    if sort:
        field = f"{sort}_at"
        items.sort(key=lambda c: (c[field], c["id"]), reverse=direction == "desc")
    else:
        items.sort(key=lambda c: c["id"])
    resp = ctx.paginate(items)
    resp.body = [shapes.comment(ctx.base, ctx.state, r, c) for c in resp.body]
    return resp


@route("GET", "/repos/{owner}/{repo}/issues/{number}")
def get_issue(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo)
    _issues_on(ctx, r)
    return Response(200, render(ctx, r, issue_at(ctx, r, number)))


@route("PATCH", "/repos/{owner}/{repo}/issues/{number}")
def edit_issue(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo, need="pull", write=True)
    me = ctx.need_user()
    i = issue_at(ctx, r, number)
    triage = level(ctx.perm(r)) >= 2
    if not triage and i["user"].lower() != me["login"].lower():
        raise ApiError(403, "Must have triage access to edit this issue.")
    data = ctx.json()
    if "title" in data:
        if not data["title"]:
            raise validation("Issue", "title", "missing_field")
        i["title"] = str(data["title"])
    if "body" in data:
        i["body"] = data["body"]
    if "state" in data and data["state"] is not None:
        if data["state"] not in ("open", "closed"):
            raise validation("Issue", "state", "invalid")
        if data["state"] == "closed" and i["state"] != "closed":
            i["closed_at"] = ctx.now_iso()
            i["closed_by"] = me["login"]
            i["state_reason"] = data.get("state_reason") or "completed"
        elif data["state"] == "open" and i["state"] != "open":
            i["closed_at"] = None
            i["closed_by"] = None
            i["state_reason"] = "reopened"
        i["state"] = data["state"]
    if data.get("state_reason") and i["state"] == "closed":
        if data["state_reason"] not in ("completed", "not_planned", "duplicate"):
            raise validation("Issue", "state_reason", "invalid")
        i["state_reason"] = data["state_reason"]
    if triage:
        if "labels" in data:
            i["labels"] = ensure_labels(ctx, r, data["labels"] or [])
        if level(ctx.perm(r)) < 3:
            pass  # assignees need push access; without it they are dropped
        elif "assignees" in data:
            i["assignees"] = _assignees(ctx, r, data["assignees"] or [])
        elif "assignee" in data:
            i["assignees"] = _assignees(ctx, r, [data["assignee"]] if data["assignee"] else [])
        if "milestone" in data:
            i["milestone"] = _milestone(r, data["milestone"])
    i["updated_at"] = ctx.now_iso()
    return Response(200, render(ctx, r, i))


@route("GET", "/repos/{owner}/{repo}/assignees")
def list_assignees(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    users = sorted((u for u in ctx.state.users.values() if assignable(ctx, r, u)),
                   key=lambda u: u["id"])
    return ctx.paginate([shapes.account(ctx.base, u) for u in users])


@route("GET", "/repos/{owner}/{repo}/assignees/{login}")
def check_assignee(ctx: Ctx, owner: str, repo: str, login: str) -> Response:
    r = ctx.repo(owner, repo)
    if assignable(ctx, r, ctx.state.user(login)):
        return Response(204)
    raise ApiError(404)


# -- comments -------------------------------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/issues/{number}/comments")
def list_comments(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo)
    i = issue_at(ctx, r, number)
    items = [c for c in r["comments"].values() if c["issue"] == i["number"]]
    since = ctx.time_arg("since")
    if since:
        items = [c for c in items if parse_time(c["updated_at"]) >= since]
    items.sort(key=lambda c: c["id"])
    resp = ctx.paginate(items)
    resp.body = [shapes.comment(ctx.base, ctx.state, r, c) for c in resp.body]
    return resp


@route("POST", "/repos/{owner}/{repo}/issues/{number}/comments")
def create_comment(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo, need="pull", write=True)
    ctx.need_user()
    i = issue_at(ctx, r, number)
    body = ctx.json().get("body")
    if not isinstance(body, str) or not body:
        raise validation("IssueComment", "body", "missing_field")
    now = ctx.now_iso()
    c = {"id": ctx.state.new_id(), "issue": i["number"], "body": body, "user": ctx.login,
         "created_at": now, "updated_at": now, "author_association": _association(ctx, r)}
    r["comments"][str(c["id"])] = c
    i["comments"] += 1
    i["updated_at"] = now
    return Response(201, shapes.comment(ctx.base, ctx.state, r, c))


def _comment(r: dict, cid: str) -> dict:
    c = r["comments"].get(cid)
    if not c:
        raise ApiError(404)
    return c


def _may_change(ctx: Ctx, r: dict, c: dict) -> None:
    """Everyone with read access edits and deletes their own comments; anyone's takes the write
    role (docs: "Repository roles for an organization": "Edit and delete anyone's comments on
    commits, pull requests, and issues" is write, maintain, admin; triage cannot)."""
    me = ctx.need_user()
    if c["user"].lower() != me["login"].lower() and level(ctx.perm(r)) < 3:
        raise ApiError(403, "Must have admin rights to Repository.")


@route("GET", "/repos/{owner}/{repo}/issues/comments/{cid}")
def get_comment(ctx: Ctx, owner: str, repo: str, cid: str) -> Response:
    r = ctx.repo(owner, repo)
    return Response(200, shapes.comment(ctx.base, ctx.state, r, _comment(r, cid)))


@route("PATCH", "/repos/{owner}/{repo}/issues/comments/{cid}")
def edit_comment(ctx: Ctx, owner: str, repo: str, cid: str) -> Response:
    r = ctx.repo(owner, repo, need="pull", write=True)
    ctx.need_user()
    c = _comment(r, cid)
    _may_change(ctx, r, c)
    body = ctx.json().get("body")
    if not isinstance(body, str) or not body:
        raise validation("IssueComment", "body", "missing_field")
    c["body"] = body
    c["updated_at"] = ctx.now_iso()
    return Response(200, shapes.comment(ctx.base, ctx.state, r, c))


@route("DELETE", "/repos/{owner}/{repo}/issues/comments/{cid}")
def delete_comment(ctx: Ctx, owner: str, repo: str, cid: str) -> Response:
    r = ctx.repo(owner, repo, need="pull", write=True)
    ctx.need_user()
    c = _comment(r, cid)
    _may_change(ctx, r, c)
    del r["comments"][cid]
    i = r["issues"].get(str(c["issue"]))
    if i:
        i["comments"] = max(0, i["comments"] - 1)
    return Response(204)


# -- search ---------------------------------------------------------------------------------------
def _when(text: str) -> datetime:
    return parse_time(text if "T" in text else text + "T00:00:00Z")


def _date_ok(expr: str, value: datetime) -> bool:
    """created:>2024-01-01, >=, <, <=, a..b, or an exact day."""
    if ".." in expr:
        lo, hi = expr.split("..", 1)
        return (lo in ("", "*") or value >= _when(lo)) and (hi in ("", "*") or
                                                           value <= _when(hi))
    for op in (">=", "<=", ">", "<"):
        if expr.startswith(op):
            t = _when(expr[len(op):])
            return {">=": value >= t, "<=": value <= t, ">": value > t, "<": value < t}[op]
    return value.date() == _when(expr).date()


def _qualifier_ok(r: dict, i: dict, qual: str, value: str) -> bool:
    v = value.lower()
    if qual == "label":
        return any(n in [x.lower() for x in i["labels"]] for n in v.split(","))
    if qual in ("is", "state") and v in ("open", "closed"):
        return i["state"] == v
    if qual == "author":
        return i["user"].lower() == v
    if qual == "assignee":
        return v in [a.lower() for a in i["assignees"]]
    if qual == "no":
        return not i["assignees"] if v == "assignee" else (not i["labels"] if v == "label"
                                                            else not i.get("milestone"))
    if qual == "milestone":
        return bool(i.get("milestone")) and \
            r["milestones"][str(i["milestone"])]["title"].lower() == v
    if qual in ("created", "updated", "closed"):
        stamp = i.get(qual + "_at")
        return bool(stamp) and _date_ok(value, parse_time(stamp))
    return True


SCOPE = {"repo", "org", "user", "owner", "in", "is", "type"}
FILTERS = {"label", "state", "author", "assignee", "no", "milestone", "created", "updated",
           "closed"}


@route("GET", "/search/issues")
def search_issues(ctx: Ctx) -> Response:
    q = ctx.arg("q")
    if not q:
        raise ApiError(422, "Validation Failed", [{"resource": "Search", "field": "q",
                                                   "code": "missing"}])
    try:
        tokens = shlex.split(q)
    except ValueError:
        tokens = q.split()
    repos, owners, where, terms, filters = [], [], [], [], []
    only_prs = False
    for tok in tokens:
        negate = tok.startswith("-")
        qual, sep, value = tok.lstrip("-").partition(":")
        qual = qual.lower()
        if not sep or qual not in SCOPE | FILTERS:
            terms.append(tok.lower())
        elif qual == "repo":
            repos.append(value.lower())
        elif qual in ("org", "user", "owner"):
            owners.append(value.lower())
        elif qual == "in":
            where.extend(value.lower().split(","))
        elif qual in ("is", "type") and value.lower() in ("pr", "pull-request"):
            only_prs = True
        elif qual in ("is", "type") and value.lower() == "issue":
            pass
        else:
            filters.append((qual, value, negate))
    where = where or ["title", "body"]
    results = []
    for r in [] if only_prs else list(ctx.state.repos.values()):
        if repos and f"{r['owner']}/{r['name']}".lower() not in repos:
            continue
        if owners and r["owner"].lower() not in owners:
            continue
        if level(access.permission(ctx.state, r, ctx.user)) < 1:
            continue
        for i in r["issues"].values():
            if any(_qualifier_ok(r, i, q_, v) == neg for q_, v, neg in filters):
                continue
            fields = []
            if "title" in where:
                fields.append(i["title"] or "")
            if "body" in where:
                fields.append(i.get("body") or "")
            if "comments" in where:
                fields += [c["body"] for c in r["comments"].values()
                           if c["issue"] == i["number"]]
            text = "\n".join(fields).lower()
            if all(term in text for term in terms):
                results.append((r, i))
    field = {"created": "created_at", "updated": "updated_at", "comments": "comments"}.get(
        ctx.arg("sort") or "", "created_at")
    results.sort(key=lambda ri: (ri[1][field], ri[1]["id"]),
                 reverse=ctx.arg("order", "desc") != "asc")
    results = results[:1000]  # GitHub never returns more than 1,000 search results
    resp = ctx.paginate(results)
    items = []
    for r, i in resp.body:
        body = render(ctx, r, i)
        body["score"] = 1.0
        if body["body"] is None:
            del body["body"]  # the search item schema has no null body
        items.append(body)
    resp.body = {"total_count": len(results), "incomplete_results": False, "items": items,
                 "search_type": "lexical"}
    return resp
