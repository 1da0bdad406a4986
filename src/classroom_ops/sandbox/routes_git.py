"""Git data (blobs, trees, commits, refs, annotated tags) and the contents API, all writing real
objects into the repository's bare git directory."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from . import activity, permissions, shapes
from .clock import iso
from .errors import ApiError
from .gitstore import ZERO, GitError
from .routes_repos import ident_of
from .routing import Ctx, Response, contents_ready, git_ready, route

SHA_RE = re.compile(r"^[0-9a-f]{40}$")
MODES = {"100644", "100755", "040000", "160000", "120000"}
MAX_CONTENT = 1024 * 1024


def gpath(ctx: Ctx, r: dict) -> Path:
    return ctx.git.path(r["owner"], r["name"])


def api(ctx: Ctx, r: dict) -> str:
    return f"{ctx.base}/repos/{r['owner']}/{r['name']}"


def html(ctx: Ctx, r: dict) -> str:
    return f"{shapes.web(ctx.base)}/{r['owner']}/{r['name']}"


def not_empty(ctx: Ctx, r: dict) -> None:
    git_ready(ctx, r)
    if not ctx.git.refs(gpath(ctx, r), "refs/heads/"):
        raise ApiError(409, "Git Repository is empty.")


def b64(data: bytes) -> str:
    # GitHub wraps base64 content at 60 characters per line.
    text = base64.b64encode(data).decode()
    return "".join(text[i:i + 60] + "\n" for i in range(0, len(text), 60))


def unb64(text: str, field: str = "content") -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, f"{field} is not valid Base64") from exc


def ident_in(ctx: Ctx, data: dict | None, default: dict) -> dict:
    if not data:
        return default
    if not data.get("name") or not data.get("email"):
        raise ApiError(422, "Invalid request.\n\n\"name\" and \"email\" are required.")
    when = default["date"]
    if data.get("date"):
        try:
            when = datetime.fromisoformat(str(data["date"]).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ApiError(422, "Invalid request.\n\nInvalid date.") from exc
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    return {"name": data["name"], "email": data["email"], "date": when}


def ident_json(ident: dict) -> dict:
    return {"name": ident["name"], "email": ident["email"], "date": iso(ident["date"])}


def unsigned() -> dict:
    return {"verified": False, "reason": "unsigned", "signature": None, "payload": None,
            "verified_at": None}


def git_commit_json(ctx: Ctx, r: dict, info: dict) -> dict:
    sha = info["sha"]
    return {
        "sha": sha, "node_id": shapes.node_id("Commit", sha[:12]),
        "url": f"{api(ctx, r)}/git/commits/{sha}", "html_url": f"{html(ctx, r)}/commit/{sha}",
        "author": ident_json(info["author"]), "committer": ident_json(info["committer"]),
        "tree": {"sha": info["tree"], "url": f"{api(ctx, r)}/git/trees/{info['tree']}"},
        "message": info["message"].rstrip("\n") if info["message"].count("\n") <= 1
        else info["message"],
        "parents": [{"sha": p, "url": f"{api(ctx, r)}/git/commits/{p}",
                     "html_url": f"{html(ctx, r)}/commit/{p}"} for p in info["parents"]],
        "verification": unsigned(),
    }


def ref_json(ctx: Ctx, r: dict, ref: str, sha: str) -> dict:
    kind = ctx.git.object_type(gpath(ctx, r), sha) or "commit"
    plural = {"commit": "commits", "tag": "tags", "tree": "trees", "blob": "blobs"}[kind]
    return {"ref": ref, "node_id": shapes.node_id("Ref", f"{r['id']}:{ref}"),
            "url": f"{api(ctx, r)}/git/{ref}",
            "object": {"type": kind, "sha": sha, "url": f"{api(ctx, r)}/git/{plural}/{sha}"}}


# -- blobs ----------------------------------------------------------------------------------------

def new_workflow_files(ctx: Ctx, gp: Path, sha: str) -> list[str]:
    """Files under .github/workflows/ that commits new to the repository (reachable from `sha`,
    from no ref yet) add, change or delete. A ref pointing at commits the repository already
    has changes no workflow, which is why a tag on a student's commit needs no workflows
    permission while a commit made through the API that edits one does."""
    out = ctx.git.run(gp, "log", "--format=", "--name-only", "--no-renames", sha, "--not",
                      "--all", "--", permissions.WORKFLOW_DIR, check=False)
    return sorted({line for line in out.decode(errors="replace").splitlines() if line})


@route("POST", "/repos/{owner}/{repo}/git/blobs")
def create_blob(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    data = ctx.json()
    if not isinstance(data.get("content"), str):
        raise ApiError(422, "Invalid request.\n\n\"content\" wasn't supplied.")
    enc = data.get("encoding", "utf-8")
    if enc not in ("utf-8", "base64"):
        raise ApiError(422, f"Invalid request.\n\nencoding {enc} is not supported.")
    raw = unb64(data["content"]) if enc == "base64" else data["content"].encode()
    sha = ctx.git.hash_blob(gpath(ctx, r), raw)
    return Response(201, {"sha": sha, "url": f"{api(ctx, r)}/git/blobs/{sha}"})


@route("GET", "/repos/{owner}/{repo}/git/blobs/{sha}")
def get_blob(ctx: Ctx, owner: str, repo: str, sha: str) -> Response:
    r = ctx.repo(owner, repo)
    git_ready(ctx, r)
    path = gpath(ctx, r)
    if not SHA_RE.match(sha) or ctx.git.object_type(path, sha) != "blob":
        raise ApiError(404)
    data = ctx.git.read_object(path, sha)
    if "raw" in ctx.accept():
        return Response(200, data, {}, "application/vnd.github.raw")
    return Response(200, {"sha": sha, "node_id": shapes.node_id("Blob", sha[:12]),
                          "size": len(data), "url": f"{api(ctx, r)}/git/blobs/{sha}",
                          "content": b64(data), "encoding": "base64"})


# -- trees ----------------------------------------------------------------------------------------
def tree_json(ctx: Ctx, r: dict, sha: str, recursive: bool) -> dict:
    entries = []
    for e in ctx.git.ls_tree(gpath(ctx, r), sha, recursive=recursive):
        item = {"path": e["path"], "mode": e["mode"], "type": e["type"], "sha": e["sha"]}
        if e["type"] == "blob":
            item["size"] = e["size"]
            item["url"] = f"{api(ctx, r)}/git/blobs/{e['sha']}"
        elif e["type"] == "tree":
            item["url"] = f"{api(ctx, r)}/git/trees/{e['sha']}"
        entries.append(item)
    return {"sha": sha, "url": f"{api(ctx, r)}/git/trees/{sha}", "tree": entries,
            "truncated": False}


@route("POST", "/repos/{owner}/{repo}/git/trees")
def create_tree(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    git_ready(ctx, r)
    path = gpath(ctx, r)
    data = ctx.json()
    items = data.get("tree")
    if not isinstance(items, list):
        raise ApiError(422, "Invalid request.\n\n\"tree\" wasn't supplied.")
    base = data.get("base_tree")
    if base:
        base = ctx.git.resolve(path, base, "tree")
        if not base:
            raise ApiError(422, "Invalid request.\n\nbase_tree is not a valid tree.")
    changes = []
    for item in items:
        p, mode = item.get("path"), str(item.get("mode", ""))
        if not p or mode not in MODES:
            raise ApiError(422, "Invalid tree info", [{"resource": "Tree", "field": "tree",
                                                       "code": "invalid"}])
        kind = item.get("type") or ("tree" if mode == "040000" else "blob")
        if "content" in item and item["content"] is not None:
            sha = ctx.git.hash_blob(path, item["content"].encode())
        else:
            sha = item.get("sha")
            if sha is not None:
                expected = {"blob": "blob", "tree": "tree", "commit": None}.get(kind)
                if expected and ctx.git.object_type(path, sha) != expected:
                    raise ApiError(422, "Invalid tree info",
                                   [{"resource": "Tree", "field": "sha", "code": "invalid",
                                     "value": sha}])
            elif not base:
                raise ApiError(422, "Invalid request.\n\nsha or content is required.")
        changes.append({"path": p, "mode": mode, "type": kind, "sha": sha})
    sha = ctx.git.build_tree(path, base, changes)
    return Response(201, tree_json(ctx, r, sha, recursive=False))


@route("GET", "/repos/{owner}/{repo}/git/trees/{sha+}")
def get_tree(ctx: Ctx, owner: str, repo: str, sha: str) -> Response:
    r = ctx.repo(owner, repo)
    not_empty(ctx, r)
    tree = ctx.git.resolve(gpath(ctx, r), sha, "tree")
    if not tree:
        raise ApiError(404)
    recursive = ctx.arg("recursive") not in (None, "", "0", "false")
    return Response(200, tree_json(ctx, r, tree, recursive))


# -- commits --------------------------------------------------------------------------------------
@route("POST", "/repos/{owner}/{repo}/git/commits")
def create_commit(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    git_ready(ctx, r)
    path = gpath(ctx, r)
    data = ctx.json()
    if not isinstance(data.get("message"), str) or not data.get("tree"):
        raise ApiError(422, "Invalid request.\n\n\"message\" and \"tree\" are required.")
    if ctx.git.object_type(path, data["tree"]) != "tree":
        raise ApiError(422, "Tree SHA does not exist")
    parents = data.get("parents") or []
    for p in parents:
        if ctx.git.object_type(path, p) != "commit":
            raise ApiError(422, "Parent SHA does not exist or is not a commit object")
    author = ident_in(ctx, data.get("author"), ident_of(ctx))
    committer = ident_in(ctx, data.get("committer"), author)
    sha = ctx.git.commit_tree(path, data["tree"], parents, data["message"], author, committer)
    return Response(201, git_commit_json(ctx, r, ctx.git.read_commit(path, sha)))


@route("GET", "/repos/{owner}/{repo}/git/commits/{sha}")
def get_git_commit(ctx: Ctx, owner: str, repo: str, sha: str) -> Response:
    r = ctx.repo(owner, repo)
    not_empty(ctx, r)
    path = gpath(ctx, r)
    if not SHA_RE.match(sha) or ctx.git.object_type(path, sha) != "commit":
        raise ApiError(404)
    return Response(200, git_commit_json(ctx, r, ctx.git.read_commit(path, sha)))


# -- refs -----------------------------------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/git/ref/{ref+}")
def get_ref(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    r = ctx.repo(owner, repo)
    not_empty(ctx, r)
    full = "refs/" + ref.removeprefix("refs/")
    sha = ctx.git.refs(gpath(ctx, r), full).get(full)
    if not sha:
        raise ApiError(404)
    return Response(200, ref_json(ctx, r, full, sha))


def _list_refs(ctx: Ctx, r: dict, prefix: str) -> list[dict]:
    not_empty(ctx, r)
    refs = ctx.git.refs(gpath(ctx, r))
    return [ref_json(ctx, r, ref, sha) for ref, sha in sorted(refs.items())
            if ref.startswith(prefix) and not ref.startswith("refs/sbx-")]


@route("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref+}")
def matching_refs(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    r = ctx.repo(owner, repo)
    return Response(200, _list_refs(ctx, r, "refs/" + ref.removeprefix("refs/")))


@route("GET", "/repos/{owner}/{repo}/git/matching-refs")
def matching_refs_all(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    return Response(200, _list_refs(ctx, r, "refs/"))


@route("GET", "/repos/{owner}/{repo}/git/refs")
def list_refs(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo)
    return ctx.paginate(_list_refs(ctx, r, "refs/"))


@route("GET", "/repos/{owner}/{repo}/git/refs/{ref+}")
def list_refs_prefix(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    r = ctx.repo(owner, repo)
    full = "refs/" + ref.removeprefix("refs/")
    found = _list_refs(ctx, r, full)
    exact = [x for x in found if x["ref"] == full]
    if exact:
        return Response(200, exact[0])
    return ctx.paginate([x for x in found if x["ref"].startswith(full.rstrip("/") + "/")])


def _valid_ref(ref) -> str:
    if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2 or \
            ".." in ref or ref.endswith(("/", ".lock")) or " " in ref:
        raise ApiError(422, f"Reference name '{ref}' is not valid" if isinstance(ref, str)
                       else "Invalid request.\n\n\"ref\" wasn't supplied.")
    return ref


@route("POST", "/repos/{owner}/{repo}/git/refs")
def create_ref(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    git_ready(ctx, r)
    path = gpath(ctx, r)
    data = ctx.json()
    ref = _valid_ref(data.get("ref"))
    sha = data.get("sha")
    if not isinstance(sha, str) or not SHA_RE.match(sha) or not ctx.git.object_type(path, sha):
        raise ApiError(422, "Object does not exist")
    if ctx.git.refs(path, ref).get(ref):
        raise ApiError(422, "Reference already exists")
    permissions.require_workflows(ctx.grant, new_workflow_files(ctx, path, sha))
    ctx.git.update_ref(path, ref, sha, ZERO)
    activity.record(ctx.app, r, ref, None, sha, ctx.login)
    return Response(201, ref_json(ctx, r, ref, sha),
                    {"Location": f"{api(ctx, r)}/git/{ref}"})


@route("PATCH", "/repos/{owner}/{repo}/git/refs/{ref+}")
def update_ref(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    not_empty(ctx, r)
    path = gpath(ctx, r)
    full = "refs/" + ref.removeprefix("refs/")
    data = ctx.json()
    sha = data.get("sha")
    old = ctx.git.refs(path, full).get(full)
    if not old:
        raise ApiError(422, "Reference does not exist")
    if not isinstance(sha, str) or not SHA_RE.match(sha) or not ctx.git.object_type(path, sha):
        raise ApiError(422, "Object does not exist")
    if not data.get("force") and full.startswith("refs/heads/") and \
            not ctx.git.is_ancestor(path, old, sha):
        raise ApiError(422, "Update is not a fast forward")
    permissions.require_workflows(ctx.grant, new_workflow_files(ctx, path, sha))
    try:
        ctx.git.update_ref(path, full, sha, old)
    except GitError as exc:
        raise ApiError(422, "Reference cannot be updated") from exc
    activity.record(ctx.app, r, full, old, sha, ctx.login)
    return Response(200, ref_json(ctx, r, full, sha))


@route("DELETE", "/repos/{owner}/{repo}/git/refs/{ref+}")
def delete_ref(ctx: Ctx, owner: str, repo: str, ref: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    not_empty(ctx, r)
    path = gpath(ctx, r)
    full = "refs/" + ref.removeprefix("refs/")
    old = ctx.git.refs(path, full).get(full)
    if not old:
        raise ApiError(422, "Reference does not exist")
    ctx.git.delete_ref(path, full)
    activity.record(ctx.app, r, full, old, None, ctx.login)
    return Response(204)


# -- annotated tags -------------------------------------------------------------------------------
def tag_json(ctx: Ctx, r: dict, info: dict) -> dict:
    plural = {"commit": "commits", "tag": "tags", "tree": "trees", "blob": "blobs"}
    return {
        "node_id": shapes.node_id("Tag", info["sha"][:12]), "tag": info["tag"],
        "sha": info["sha"], "url": f"{api(ctx, r)}/git/tags/{info['sha']}",
        "message": info["message"], "tagger": ident_json(info["tagger"]),
        "object": {"type": info["type"], "sha": info["object"],
                   "url": f"{api(ctx, r)}/git/{plural[info['type']]}/{info['object']}"},
        "verification": unsigned(),
    }


@route("POST", "/repos/{owner}/{repo}/git/tags")
def create_tag(ctx: Ctx, owner: str, repo: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    git_ready(ctx, r)
    path = gpath(ctx, r)
    data = ctx.json()
    for fld in ("tag", "message", "object", "type"):
        if not isinstance(data.get(fld), str):
            raise ApiError(422, f"Invalid request.\n\n\"{fld}\" wasn't supplied.")
    actual = ctx.git.object_type(path, data["object"]) if SHA_RE.match(data["object"]) else None
    if actual is None or actual != data["type"]:
        raise ApiError(422, "Object does not exist")
    tagger = ident_in(ctx, data.get("tagger"), ident_of(ctx))
    sha = ctx.git.make_tag(path, data["object"], data["type"], data["tag"], data["message"],
                           tagger)
    return Response(201, tag_json(ctx, r, ctx.git.read_tag(path, sha)))


@route("GET", "/repos/{owner}/{repo}/git/tags/{sha}")
def get_tag(ctx: Ctx, owner: str, repo: str, sha: str) -> Response:
    r = ctx.repo(owner, repo)
    path = gpath(ctx, r)
    if not SHA_RE.match(sha) or ctx.git.object_type(path, sha) != "tag":
        raise ApiError(404)
    return Response(200, tag_json(ctx, r, ctx.git.read_tag(path, sha)))


# -- contents -------------------------------------------------------------------------------------
def _links(ctx: Ctx, r: dict, kind: str, p: str, sha: str, ref: str) -> dict:
    qp = quote(p)
    url = f"{api(ctx, r)}/contents/{qp}?ref={quote(ref, safe='')}"
    git_url = f"{api(ctx, r)}/git/{'trees' if kind == 'dir' else 'blobs'}/{sha}"
    html_url = f"{html(ctx, r)}/{'tree' if kind == 'dir' else 'blob'}/{ref}/{qp}"
    return {"url": url, "git_url": git_url, "html_url": html_url,
            "_links": {"self": url, "git": git_url, "html": html_url}}


def content_entry(ctx: Ctx, r: dict, e: dict, ref: str, commit: str) -> dict:
    kind = {"blob": "file", "tree": "dir", "commit": "submodule"}[e["type"]]
    if e["mode"] == "120000":
        kind = "symlink"
    name = e["path"].rsplit("/", 1)[-1]
    body = {"type": kind, "size": e["size"] or 0, "name": name, "path": e["path"],
            "sha": e["sha"],
            "download_url": (f"{html(ctx, r)}/raw/{commit}/{quote(e['path'])}"
                             if kind == "file" else None)}
    body.update(_links(ctx, r, kind, e["path"], e["sha"], ref))
    return body


def _resolve_ref(ctx: Ctx, r: dict, ref: str | None) -> tuple[str, str]:
    path = gpath(ctx, r)
    ref = ref or r["default_branch"]
    commit = ctx.git.resolve(path, ref)
    if not commit:
        if not ctx.git.refs(path, "refs/heads/"):
            raise ApiError(404, "This repository is empty.")
        raise ApiError(404, f"No commit found for the ref {ref}")
    return ref, commit


@route("GET", "/repos/{owner}/{repo}/contents")
def get_root(ctx: Ctx, owner: str, repo: str) -> Response:
    return get_contents(ctx, owner, repo, "")


@route("GET", "/repos/{owner}/{repo}/contents/{path+}")
def get_contents(ctx: Ctx, owner: str, repo: str, path: str) -> Response:
    r = ctx.repo(owner, repo)
    contents_ready(ctx, r)
    ref, commit = _resolve_ref(ctx, r, ctx.arg("ref"))
    gp = gpath(ctx, r)
    e = ctx.git.entry(gp, commit, path)
    if e is None:
        raise ApiError(404)
    raw = "raw" in ctx.accept()
    if e["type"] == "tree":
        if raw:
            raise ApiError(404)
        children = ctx.git.ls_tree(gp, e["sha"])
        items = []
        for c in children[:1000]:  # GitHub lists at most 1,000 entries per directory
            c = dict(c, path=(e["path"] + "/" + c["path"]).lstrip("/"))
            items.append(content_entry(ctx, r, c, ref, commit))
        return Response(200, items)
    data = ctx.git.read_object(gp, e["sha"])
    if raw:
        return Response(200, data, {}, "application/vnd.github.raw; charset=utf-8")
    body = content_entry(ctx, r, e, ref, commit)
    if body["type"] == "symlink":
        body["target"] = data.decode(errors="replace")
    elif body["type"] == "submodule":
        body["submodule_git_url"] = ""
    else:
        big = len(data) > MAX_CONTENT
        body["content"] = "" if big else b64(data)
        body["encoding"] = "none" if big else "base64"
    return Response(200, body)


@route("GET", "/{owner}/{repo}/raw/{sha}/{path+}")
def raw_download(ctx: Ctx, owner: str, repo: str, sha: str, path: str) -> Response:
    r = ctx.repo(owner, repo)
    gp = gpath(ctx, r)
    commit = ctx.git.resolve(gp, sha)
    e = ctx.git.entry(gp, commit, path) if commit else None
    if not e or e["type"] != "blob":
        raise ApiError(404)
    return Response(200, ctx.git.read_object(gp, e["sha"]), {}, "text/plain; charset=utf-8")


def _commit_for_contents(ctx: Ctx, r: dict, info: dict) -> dict:
    body = git_commit_json(ctx, r, info)
    return body


def _write_file(ctx: Ctx, r: dict, path: str, data: dict, new_blob: str | None) -> Response:
    gp = gpath(ctx, r)
    message = data.get("message")
    if not isinstance(message, str):
        raise ApiError(422, "Invalid request.\n\n\"message\" wasn't supplied.")
    path = path.strip("/")
    permissions.require_workflows(ctx.grant, [path])
    branch = data.get("branch") or r["default_branch"]
    ref = f"refs/heads/{branch}"
    heads = ctx.git.refs(gp, "refs/heads/")
    old = heads.get(ref)
    if old is None and heads:
        raise ApiError(404, f"Branch {branch} not found")
    existing = ctx.git.entry(gp, old, path) if old else None
    if existing and existing["type"] == "tree":
        raise ApiError(422, "Invalid request.\n\npath is a directory.")
    given = data.get("sha")
    if new_blob is None:  # delete
        if not existing:
            raise ApiError(404)
        if not given:
            raise ApiError(422, "Invalid request.\n\n\"sha\" wasn't supplied.")
    elif existing and not given:
        raise ApiError(422, "Invalid request.\n\n\"sha\" wasn't supplied.")
    if existing and given and given != existing["sha"]:
        raise ApiError(409, f"{path} does not match {given}")
    base_tree = ctx.git.resolve(gp, old, "tree") if old else None
    change = {"path": path, "mode": existing["mode"] if existing else "100644",
              "sha": new_blob}
    tree = ctx.git.build_tree(gp, base_tree, [change])
    author = ident_in(ctx, data.get("author"), ident_of(ctx))
    committer = ident_in(ctx, data.get("committer"), author if data.get("author")
                         else ident_of(ctx))
    if not data.get("author") and data.get("committer"):
        author = committer
    sha = ctx.git.commit_tree(gp, tree, [old] if old else [], message, author, committer)
    try:
        ctx.git.update_ref(gp, ref, sha, old or ZERO)
    except GitError as exc:
        raise ApiError(409, f"{ref} was updated concurrently") from exc
    activity.record(ctx.app, r, ref, old, sha, ctx.login)
    info = ctx.git.read_commit(gp, sha)
    content = None
    if new_blob is not None:
        e = ctx.git.entry(gp, sha, path)
        content = content_entry(ctx, r, e, branch, sha)
    status = 200 if existing or new_blob is None else 201
    return Response(status, {"content": content, "commit": _commit_for_contents(ctx, r, info)})


@route("PUT", "/repos/{owner}/{repo}/contents/{path+}")
def put_contents(ctx: Ctx, owner: str, repo: str, path: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    contents_ready(ctx, r)
    data = ctx.json()
    if not isinstance(data.get("content"), str):
        raise ApiError(422, "Invalid request.\n\n\"content\" wasn't supplied.")
    blob = ctx.git.hash_blob(gpath(ctx, r), unb64(data["content"]))
    return _write_file(ctx, r, path, data, blob)


@route("DELETE", "/repos/{owner}/{repo}/contents/{path+}")
def delete_contents(ctx: Ctx, owner: str, repo: str, path: str) -> Response:
    r = ctx.repo(owner, repo, need="push", write=True)
    contents_ready(ctx, r)
    return _write_file(ctx, r, path, ctx.json(), None)
