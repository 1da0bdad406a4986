"""Labels and milestones, and the labels of an issue."""

from __future__ import annotations

import re

from . import shapes
from .clock import parse_time
from .errors import ApiError, validation
from .routes_issues import ensure_labels, issue_at
from .routing import Ctx, Response, route

COLOR_RE = re.compile(r"^[0-9a-fA-F]{6}$")


# -- labels ---------------------------------------------------------------------------------------
def _label(r: dict, name: str) -> dict:
    lab = r["labels"].get(name.lower())
    if not lab:
        raise ApiError(404)
    return lab


@route("GET", "/repos/{owner}/{repo}/labels")
def list_labels(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    labels = sorted(r["labels"].values(), key=lambda x: x["id"])
    return ctx.paginate([shapes.label(ctx.base, r, x) for x in labels])


@route("POST", "/repos/{owner}/{repo}/labels")
def create_label(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    data = ctx.json()
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise validation("Label", "name", "missing_field")
    color = (data.get("color") or "ededed").lstrip("#")
    if not COLOR_RE.match(color):
        raise validation("Label", "color", "invalid")
    if name.lower() in r["labels"]:
        raise validation("Label", "name", "already_exists")
    lab = {"id": ctx.state.new_id(), "name": name, "color": color.lower(),
           "description": data.get("description"), "default": False}
    r["labels"][name.lower()] = lab
    return Response(201, shapes.label(ctx.base, r, lab))


@route("GET", "/repos/{owner}/{repo}/labels/{name}")
def get_label(ctx: Ctx, owner: str, repo: str, name: str) -> Response:
    r = ctx.repo(owner, repo)
    return Response(200, shapes.label(ctx.base, r, _label(r, name)))


@route("PATCH", "/repos/{owner}/{repo}/labels/{name}")
def edit_label(ctx: Ctx, owner: str, repo: str, name: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    lab = _label(r, name)
    data = ctx.json()
    new = data.get("new_name") or data.get("name")
    if new and new != lab["name"]:
        if new.lower() in r["labels"] and new.lower() != lab["name"].lower():
            raise validation("Label", "name", "already_exists")
        del r["labels"][lab["name"].lower()]
        for i in r["issues"].values():
            i["labels"] = [new if n.lower() == lab["name"].lower() else n for n in i["labels"]]
        lab["name"] = new
        r["labels"][new.lower()] = lab
    if data.get("color"):
        if not COLOR_RE.match(data["color"].lstrip("#")):
            raise validation("Label", "color", "invalid")
        lab["color"] = data["color"].lstrip("#").lower()
    if "description" in data:
        lab["description"] = data["description"]
    return Response(200, shapes.label(ctx.base, r, lab))


@route("DELETE", "/repos/{owner}/{repo}/labels/{name}")
def delete_label(ctx: Ctx, owner: str, repo: str, name: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    lab = _label(r, name)
    del r["labels"][lab["name"].lower()]
    for i in r["issues"].values():
        i["labels"] = [n for n in i["labels"] if n.lower() != lab["name"].lower()]
    return Response(204)


@route("GET", "/repos/{owner}/{repo}/issues/{number}/labels")
def issue_labels(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo)
    i = issue_at(ctx, r, number)
    return ctx.paginate([shapes.label(ctx.base, r, r["labels"][n.lower()]) for n in i["labels"]
                         if n.lower() in r["labels"]])


def _label_names(data) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        return data.get("labels") or []
    return []


@route("POST", "/repos/{owner}/{repo}/issues/{number}/labels")
def add_issue_labels(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo, need="triage", write=True)
    i = issue_at(ctx, r, number)
    names = ensure_labels(ctx, r, _label_names(_body_any(ctx)))
    i["labels"] = i["labels"] + [n for n in names if n not in i["labels"]]
    i["updated_at"] = ctx.now_iso()
    return Response(200, [shapes.label(ctx.base, r, r["labels"][n.lower()]) for n in i["labels"]])


@route("PUT", "/repos/{owner}/{repo}/issues/{number}/labels")
def set_issue_labels(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo, need="triage", write=True)
    i = issue_at(ctx, r, number)
    i["labels"] = ensure_labels(ctx, r, _label_names(_body_any(ctx)))
    i["updated_at"] = ctx.now_iso()
    return Response(200, [shapes.label(ctx.base, r, r["labels"][n.lower()]) for n in i["labels"]])


@route("DELETE", "/repos/{owner}/{repo}/issues/{number}/labels/{name}")
def remove_issue_label(ctx: Ctx, owner: str, repo: str, number: str, name: str) -> Response:
    r = ctx.repo(owner, repo, need="triage", write=True)
    i = issue_at(ctx, r, number)
    if name.lower() not in [n.lower() for n in i["labels"]]:
        raise ApiError(404, "Label does not exist")
    i["labels"] = [n for n in i["labels"] if n.lower() != name.lower()]
    i["updated_at"] = ctx.now_iso()
    return Response(200, [shapes.label(ctx.base, r, r["labels"][n.lower()]) for n in i["labels"]])


def _body_any(ctx: Ctx):
    import json
    try:
        return json.loads(ctx.raw) if ctx.raw.strip() else []
    except ValueError as exc:
        raise ApiError(400, "Problems parsing JSON") from exc


# -- milestones -----------------------------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/milestones")
def list_milestones(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    state = ctx.arg("state", "open")
    items = [m for m in r["milestones"].values() if state == "all" or m["state"] == state]
    sort = ctx.arg("sort", "due_on")
    direction = ctx.arg("direction", "asc")
    if sort == "completeness":
        items.sort(key=lambda m: m["number"], reverse=direction == "desc")
    else:
        items.sort(key=lambda m: (m.get("due_on") or "9999", m["number"]),
                   reverse=direction == "desc")
    resp = ctx.paginate(items)
    resp.body = [shapes.milestone(ctx.base, ctx.state, r, m) for m in resp.body]
    return resp


def _due(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        return parse_time(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, AttributeError) as exc:
        raise validation("Milestone", "due_on", "invalid") from exc


@route("POST", "/repos/{owner}/{repo}/milestones")
def create_milestone(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    data = ctx.json()
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise validation("Milestone", "title", "missing_field")
    if any(m["title"] == title for m in r["milestones"].values()):
        raise validation("Milestone", "title", "already_exists")
    now = ctx.now_iso()
    number = r["next_milestone"]
    r["next_milestone"] = number + 1
    m = {"id": ctx.state.new_id(), "number": number, "title": title,
         "description": data.get("description"), "state": data.get("state") or "open",
         "due_on": _due(data.get("due_on")), "creator": ctx.login, "created_at": now,
         "updated_at": now, "closed_at": now if data.get("state") == "closed" else None}
    r["milestones"][str(number)] = m
    return Response(201, shapes.milestone(ctx.base, ctx.state, r, m))


@route("GET", "/repos/{owner}/{repo}/milestones/{number}")
def get_milestone(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo)
    m = r["milestones"].get(number)
    if not m:
        raise ApiError(404)
    return Response(200, shapes.milestone(ctx.base, ctx.state, r, m))


@route("PATCH", "/repos/{owner}/{repo}/milestones/{number}")
def edit_milestone(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    m = r["milestones"].get(number)
    if not m:
        raise ApiError(404)
    data = ctx.json()
    for fld in ("title", "description"):
        if fld in data and data[fld] is not None:
            m[fld] = data[fld]
    if "due_on" in data:
        m["due_on"] = _due(data["due_on"])
    if data.get("state") in ("open", "closed") and data["state"] != m["state"]:
        m["state"] = data["state"]
        m["closed_at"] = ctx.now_iso() if m["state"] == "closed" else None
    m["updated_at"] = ctx.now_iso()
    return Response(200, shapes.milestone(ctx.base, ctx.state, r, m))


@route("DELETE", "/repos/{owner}/{repo}/milestones/{number}")
def delete_milestone(ctx: Ctx, owner: str, repo: str, number: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    if number not in r["milestones"]:
        raise ApiError(404)
    del r["milestones"][number]
    for i in r["issues"].values():
        if str(i.get("milestone")) == number:
            i["milestone"] = None
    return Response(204)

