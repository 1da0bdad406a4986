"""git smart HTTP: `git clone/fetch/push http://HOST:PORT/OWNER/REPO.git`, via git http-backend.

Authentication is HTTP Basic with a token as password (any user name, `x-access-token` included),
as on github.com. A push is detected by comparing the refs before and after receive-pack, which
needs no hook installed in the repository and sees force pushes and deletions alike.
"""

from __future__ import annotations

import base64
import re
import subprocess
from typing import TYPE_CHECKING

from . import access, activity, permissions
from .clock import iso
from .gitstore import git_env
from .routing import Response
from .state import level

if TYPE_CHECKING:
    from .server import App

BACKEND = "/usr/lib/git-core/git-http-backend"
# receive-pack runs this hook before any ref moves (objects still in quarantine): commits new to
# the repository that touch .github/workflows/ are refused when the pusher's token may not write
# workflows. The refusal text comes from the sandbox through the environment ({path} filled in).
PRE_RECEIVE = """#!/bin/sh
[ -z "$SANDBOX_WORKFLOW_REFUSAL" ] && exit 0
zero=0000000000000000000000000000000000000000
while read old new ref; do
  [ "$new" = "$zero" ] && continue
  file=$(git log --format= --name-only --no-renames "$new" --not --all -- .github/workflows/ \
         | grep -v '^$' | sort | head -n 1)
  if [ -n "$file" ]; then
    printf '%s\\n' "$SANDBOX_WORKFLOW_REFUSAL" | sed "s|{path}|$file|" >&2
    exit 1
  fi
done
exit 0
"""
GIT_PATH = re.compile(
    r"^/(?P<owner>[A-Za-z0-9][A-Za-z0-9_.-]*)/(?P<repo>[A-Za-z0-9_.-]+?)(?:\.git)?"
    r"/(?P<rest>info/refs|git-upload-pack|git-receive-pack|HEAD)$")


def is_git_path(path: str) -> bool:
    return GIT_PATH.match(path) is not None


def _token(headers: dict) -> str | None:
    auth = headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(value.strip()).decode().partition(":")
        except ValueError:
            return ""
        # Some clients put the token in the user name and leave the password empty.
        return password or user
    if scheme.lower() in ("bearer", "token"):
        return value.strip()
    return None


def _text(status: int, message: str, extra: dict | None = None) -> Response:
    return Response(status, (message + "\n").encode(), extra or {}, "text/plain; charset=utf-8")


def handle(app: App, h, method: str, path: str, query: str, headers: dict, body: bytes) -> None:
    m = GIT_PATH.match(path)
    assert m
    owner, name, rest = m.group("owner"), m.group("repo"), m.group("rest")
    service = rest if rest != "info/refs" else (re.search(r"service=([\w-]+)", query) or [0, ""])[1]
    writing = service == "git-receive-pack"
    token = _token(headers)
    user, record = app.resolve(token)  # expired installation tokens are refused like unknown
    login = user["login"] if user else None
    entry = {"method": method, "path": path, "status": 0, "login": login, "cost": 0,
             "points": 0, "git": True, "service": service, "time": iso(app.clock.now())}
    challenge = {"WWW-Authenticate": 'Basic realm="GitHub"'}

    with app.state.lock:
        repo = app.state.repo(owner, name)
        perm = access.permission(app.state, repo, user) if repo else "none"
        archived = bool(repo and repo["archived"])
    if token and not user:
        resp = _text(401, "Invalid username or token. Password authentication is not "
                     "supported for Git operations.", challenge)
    elif service not in ("git-upload-pack", "git-receive-pack"):
        resp = _text(403, "Please upgrade your git client (smart HTTP only).")
    elif level(perm) < 1:
        # Unauthenticated: ask for credentials, as git only sends them after a 401.
        resp = (_text(401, "Authentication required", challenge) if not user
                else _text(404, "Repository not found."))
    elif writing and not user:
        resp = _text(401, "Authentication required", challenge)
    elif (writing and level(perm) < 3) or not _token_reaches(record, repo, writing):
        resp = _text(403, f"Permission to {repo['owner']}/{repo['name']}.git denied to "
                     f"{login}.")
    elif writing and archived:
        resp = _text(403, "This repository was archived so it is read-only.")
    else:
        resp = None

    if resp is None:
        repo_path = app.git.path(repo["owner"], repo["name"])
        if writing and method == "POST":
            with app.git.lock(repo["owner"], repo["name"]):
                before = app.git.refs(repo_path)
                refusal = permissions.workflow_refusal(record, "{path}")
                resp = _cgi(app, method, f"/{repo_path.parent.name}/{repo_path.name}/{rest}",
                            query, headers, body, login, _hook_env(app, refusal))
                after = app.git.refs(repo_path)
                for ref in sorted(set(before) | set(after)):
                    if before.get(ref) != after.get(ref):
                        activity.record(app, repo, ref, before.get(ref), after.get(ref), login,
                                        via="git")
                if before != after:
                    app.save()
        else:
            resp = _cgi(app, method, f"/{repo_path.parent.name}/{repo_path.name}/{rest}",
                        query, headers, body, login)
    entry["status"] = resp.status
    app.record(entry)
    app.send(h, resp, method)


def _token_reaches(record: dict | None, repo: dict | None, writing: bool) -> bool:
    """A token's own limits over git: contents read to fetch (any token may read a public
    repository), contents write to push; for a classic token, the `repo` scope."""
    if record is None or repo is None:
        return True
    if not writing and not repo["private"]:
        return True
    if record.get("kind", "classic") == "classic":
        scopes = record.get("scopes")
        return scopes is None or "repo" in scopes or (not repo["private"] and
                                                        "public_repo" in scopes)
    need = "write" if writing else "read"
    return permissions.satisfied(record.get("permissions") or {}, [{"contents": need}])


def _hook_env(app: App, refusal: str | None) -> dict:
    hooks = app.data_dir / "hooks"
    hook = hooks / "pre-receive"
    if not hook.exists() or hook.read_text() != PRE_RECEIVE:  # a state dir from an older run
        hooks.mkdir(parents=True, exist_ok=True)
        hook.write_text(PRE_RECEIVE)
        hook.chmod(0o755)
    env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "core.hooksPath",
           "GIT_CONFIG_VALUE_0": str(hooks)}
    if refusal:
        env["SANDBOX_WORKFLOW_REFUSAL"] = refusal
    return env


def _cgi(app: App, method: str, path_info: str, query: str, headers: dict, body: bytes,
         login: str | None, extra_env: dict | None = None) -> Response:
    env = git_env({
        "GIT_PROJECT_ROOT": str(app.git.root), "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": path_info, "REQUEST_METHOD": method, "QUERY_STRING": query,
        "CONTENT_TYPE": headers.get("content-type", ""), "CONTENT_LENGTH": str(len(body)),
        "REMOTE_USER": login or "", "REMOTE_ADDR": "127.0.0.1",
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
        **(extra_env or {}),
    })
    for header in ("content-encoding", "git-protocol"):
        if header in headers:
            env["HTTP_" + header.upper().replace("-", "_")] = headers[header]
    if "git-protocol" in headers:
        env["GIT_PROTOCOL"] = headers["git-protocol"]
    proc = subprocess.run([BACKEND], input=body, capture_output=True, env=env)
    out = proc.stdout
    sep = out.find(b"\r\n\r\n")
    skip = 4
    if sep < 0:
        sep, skip = out.find(b"\n\n"), 2
    if sep < 0:
        return _text(500, "git http-backend failed: " + proc.stderr.decode(errors="replace"))
    head, payload = out[:sep].decode(errors="replace"), out[sep + skip:]
    status, hdrs, ctype = 200, {}, "application/octet-stream"
    for line in head.splitlines():
        k, _, v = line.partition(":")
        k, v = k.strip(), v.strip()
        if k.lower() == "status":
            status = int(v.split()[0])
        elif k.lower() == "content-type":
            ctype = v
        elif k:
            hdrs[k] = v
    return Response(status, payload, hdrs, ctype)
