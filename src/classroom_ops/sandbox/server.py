"""The HTTP front: authentication, faults, rate limits, ETags, logging, then a route handler.

One App per sandbox. Route handlers run under the state lock, one at a time, which keeps the
fake simple and linearizable; git transfers over smart HTTP run outside it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socket
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

# Importing the route modules registers their handlers on ROUTER.
from . import (  # noqa: E402,F401,I001
    control,
    git_http,
    permissions,
    ratelimit,
    routes_commits,
    routes_git,
    routes_issues,
    routes_labels,
    routes_orgs,
    routes_repos,
    routes_teams,  # noqa: E402,F401
)
from .clock import Clock, http_date, iso, parse_time
from .errors import ApiError
from .faults import Faults
from .gitstore import GitStore
from .routing import ROUTER, Ctx, Response
from .state import ADMIN_LOGIN, State

SECONDARY_MESSAGE = ("You have exceeded a secondary rate limit. Please wait a few minutes before "
                     "you try again. If you reach out to GitHub Support for help, please include "
                     "the request ID {rid}.")
SECONDARY_DOC = ("https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                 "#about-secondary-rate-limits")
PRIMARY_DOC = ("https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
               "#about-rate-limits")
WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
# GitHub Enterprise Server serves the REST API under /api/v3 (git stays at the host root).
GHES_PREFIX = "/api/v3"
LEGACY_TEAM = re.compile(r"^/organizations/(\d+)/team/(\d+)(/.*)?$")


class App:
    def __init__(self, data_dir: Path, persistent: bool, generate_delay: float = 0.0,
                 capture: bool = False, clock: Clock | None = None, content_limit: bool = True):
        self.data_dir = data_dir
        self.state = State(data_dir / "state.json" if persistent else None)
        self.git = GitStore(data_dir / "git")
        self.clock = clock or Clock()
        if self.state.data.get("clock"):
            # A restarted sandbox resumes its clock where it stopped rather than jumping to now.
            from .clock import parse_time
            self.clock.set(parse_time(self.state.data["clock"]["now"]),
                           frozen=self.state.data["clock"].get("frozen", False))
        self.limits = ratelimit.RateLimiter(self.clock)
        self.content = ratelimit.ContentLimiter(self.clock, enabled=content_limit)
        self.faults = Faults()
        self.generate_delay = generate_delay
        self.capture = capture
        self.base_url = ""
        self.log: list[dict] = []
        self.exchanges: list[dict] = []
        self.log_lock = threading.Lock()
        self.downloads: dict[str, tuple[str, str, str, str]] = {}
        admin = self.state.ensure_user(ADMIN_LOGIN, iso(self.clock.now()), site_admin=True)
        self.admin_token = admin["token"]

    # -- persistence -------------------------------------------------------------------------
    def save(self) -> None:
        with self.state.lock:
            self.state.data["clock"] = self.clock.state()
        self.state.save()

    def record(self, entry: dict, exchange: dict | None = None) -> None:
        with self.log_lock:
            self.log.append(entry)
            if exchange is not None and self.capture:
                self.exchanges.append(exchange)

    # -- main entry ----------------------------------------------------------------------------
    def handle(self, h: BaseHTTPRequestHandler) -> None:
        method = h.command
        split = urlsplit(h.path)
        path = unquote(split.path) or "/"
        query = parse_qs(split.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in h.headers.items()}
        body = read_body(h, headers)

        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            resp = control.handle(self, method, path, query, headers, body)
            return self.send(h, resp, method)
        prefix = ""
        if path == GHES_PREFIX or path.startswith(GHES_PREFIX + "/"):
            prefix, path = GHES_PREFIX, path[len(GHES_PREFIX):] or "/"
        if path.startswith("/_codeload/"):
            resp = self.download(path, query)
            self.record({"method": method, "path": path, "status": resp.status, "login": None,
                         "cost": 0, "points": 0, "download": True, "time": iso(self.clock.now())})
            return self.send(h, resp, method)
        if not prefix and git_http.is_git_path(path):
            return git_http.handle(self, h, method, path, split.query, headers, body)
        return self.handle_api(h, method, path, query, headers, body, prefix)

    def token_of(self, headers: dict) -> tuple[str | None, bool]:
        """(token, malformed) from the Authorization header."""
        auth = headers.get("authorization")
        if not auth:
            return None, False
        scheme, _, value = auth.strip().partition(" ")
        token = value.strip()
        if scheme.lower() == "basic":
            try:
                token = base64.b64decode(token).decode().partition(":")[2]
            except ValueError:
                return None, True
        elif scheme.lower() not in ("token", "bearer"):
            return None, True
        return token, False

    def resolve(self, token: str | None) -> tuple[dict | None, dict | None]:
        """(user, token record) for a token, or (None, None) when it is unknown or expired."""
        if not token:
            return None, None
        record = self.state.token_record(token)
        if record is None:
            return None, None
        # Installation tokens live one hour of sandbox clock, as on GitHub.
        if record.get("expires_at") and self.clock.now() >= parse_time(record["expires_at"]):
            return None, None
        return self.state.users.get(record["user"]), record

    def authenticate(self, headers: dict) -> tuple[dict | None, bool]:
        """(user, bad): an Authorization header that names no valid token is an error."""
        user, _, bad = self.credentials(headers)
        return user, bad

    def credentials(self, headers: dict) -> tuple[dict | None, dict | None, bool]:
        token, malformed = self.token_of(headers)
        if malformed:
            return None, None, True
        if token is None:
            return None, None, False
        user, record = self.resolve(token)
        if record is not None:
            record = dict(record, token=token)
        return user, record, user is None

    def handle_api(self, h, method, path, query, headers, body, prefix: str = "") -> None:
        rid = uuid.uuid4().hex[:20].upper()
        user, grant, bad = self.credentials(headers)
        login = user["login"] if user else None
        resource = "search" if path.startswith("/search/") else "core"
        points = 1 if method in ("GET", "HEAD", "OPTIONS") else 5
        entry = {"method": method, "path": path, "query": {k: v for k, v in query.items()},
                 "status": 0, "login": login, "cost": 0, "points": points,
                 "time": iso(self.clock.now())}
        if prefix:
            entry["api_v3"] = True  # the path is logged as the router saw it, without /api/v3
        extra = {"X-GitHub-Request-Id": rid}
        fault = self.faults.take(method, path)
        if fault:
            entry["fault"] = fault["kind"]
        after_write = None
        if fault and fault["after_write"]:
            after_write, fault = fault, None
        if fault and fault["kind"] == "latency":
            time.sleep(fault["latency_ms"] / 1000)
            fault = None
        if fault and fault["kind"] == "drop":
            entry["status"] = 0
            self.record(entry)
            return drop(h)

        cost = 0
        route_path = path
        token_headers = {}
        content_creating = False
        if grant is not None and grant.get("kind") == "classic":
            # Classic tokens tell what they can do on every answer.
            scopes = grant.get("scopes")
            token_headers["X-OAuth-Scopes"] = ", ".join(
                permissions.FULL_SCOPES if scopes is None else scopes)
        try:
            if bad:
                raise ApiError(401, "Bad credentials")
            if fault:
                raise self.fault_error(fault, rid, user, resource)
            status = self.limits.status(login, resource)
            # An empty budget refuses everything, conditional requests included.
            if status["remaining"] <= 0 and path != "/rate_limit":
                raise ApiError(403, f"API rate limit exceeded for user ID {user['id']}."
                               if user else "API rate limit exceeded.", doc=PRIMARY_DOC)
            route_path = self.legacy_team_path(path)
            fn, params, pattern = ROUTER.resolve(method, route_path)
            token_headers.update(permissions.check(grant, method, pattern,
                                                   self.public_read(method, params)))
            content_creating = (method, permissions.normalize(pattern)) in \
                ratelimit.CONTENT_CREATING
            if content_creating:
                wait = self.content.wait(login)
                if wait:
                    entry["limited"] = "content_creation"
                    raise ApiError(403, SECONDARY_MESSAGE.format(rid=rid), doc=SECONDARY_DOC,
                                   headers={"retry-after": str(wait)})
            ctx = Ctx(self, method, route_path, query, headers, body, user, grant=grant,
                      base=self.base_url + prefix)
            with self.state.lock:
                resp = fn(ctx, **params)
                if method in WRITE_METHODS and resp.status < 400:
                    self.save()
            if content_creating and resp.status < 400:
                self.content.count(login)
        except ApiError as err:
            resp = Response(err.status, err.body(), dict(err.headers))
        except Exception as exc:  # a bug in the sandbox must still answer like a server
            traceback.print_exc(file=sys.stderr)
            resp = Response(500, {"message": f"sandbox error: {exc}",
                                  "documentation_url": "https://docs.github.com/rest"})
        for k, v in token_headers.items():
            resp.headers.setdefault(k, v)

        payload = encode(resp)
        if method in ("GET", "HEAD") and resp.status == 200:
            # GitHub validates an ETag for the token that received it: another token (a new
            # App token in every Actions job) gets a 200, not a 304.
            who = (grant or {}).get("token") or ""
            etag = 'W/"' + hashlib.sha256(payload + who.encode()).hexdigest()[:40] + '"'
            resp.headers["ETag"] = etag
            if etag_matches(headers.get("if-none-match", ""), etag):
                resp = Response(304, None, {"ETag": etag})
                payload = b""
        if resp.status not in (304, 401) and path != "/rate_limit":
            cost = 1
        limit = (self.limits.charge(login, resource, cost) if cost
                 else self.limits.status(login, resource))
        if after_write is not None:
            err = ApiError(after_write["status"] if after_write["kind"] == "status" else 502,
                           after_write.get("message") or "Server Error")
            resp = Response(err.status, err.body(), {})
            payload = encode(resp)
        resp.headers.update(extra)
        for k, v in ratelimit.headers(limit).items():
            resp.headers.setdefault(k, v)
        entry["status"] = resp.status
        entry["cost"] = cost
        exchange = None
        if self.capture:
            exchange = {"method": method, "path": path, "route_path": route_path,
                        "query": query,
                        "request_headers": headers, "request_body": body,
                        "status": resp.status, "headers": dict(resp.headers),
                        "content_type": resp.content_type, "body": payload,
                        "fault": entry.get("fault")}
        self.record(entry, exchange)
        self.send(h, resp, method, payload)

    def fault_error(self, fault: dict, rid: str, user: dict | None, resource: str) -> ApiError:
        login = user["login"] if user else None
        kind = fault["kind"]
        if kind == "secondary_rate_limit":
            # Without retry_after the answer has no retry-after header, as GitHub sometimes
            # answers; the client must then wait at least a minute (GitHub's docs).
            hdrs = ({} if fault.get("retry_after") is None
                    else {"retry-after": str(fault["retry_after"])})
            return ApiError(fault["status"], fault.get("message") or
                            SECONDARY_MESSAGE.format(rid=rid), doc=SECONDARY_DOC,
                            headers=hdrs)
        if kind == "primary_rate_limit":
            status = self.limits.status(login, resource)
            reset = int(self.clock.now().timestamp()) + int(fault["retry_after"] or 1)
            hdrs = ratelimit.headers(dict(status, remaining=0, used=status["limit"],
                                          reset=reset))
            who = f"for user ID {user['id']}." if user else "for 127.0.0.1."
            return ApiError(fault["status"], fault.get("message") or
                            f"API rate limit exceeded {who}", doc=PRIMARY_DOC,
                            headers=hdrs)
        return ApiError(fault["status"], fault.get("message"))

    def legacy_team_path(self, path: str) -> str:
        """`/organizations/{org_id}/team/{team_id}/...`, the `url` GitHub gives a team, served as
        `/orgs/{org}/teams/{slug}/...`."""
        m = LEGACY_TEAM.match(path)
        if not m:
            return path
        with self.state.lock:
            found = self.state.team_by_id(int(m.group(2)))
            org = self.state.orgs.get(found[0]) if found else None
            if not found or not org or org["id"] != int(m.group(1)):
                raise ApiError(404, "Not Found")
            return f"/orgs/{org['login']}/teams/{found[1]['slug']}{m.group(3) or ''}"

    def public_read(self, method: str, params: dict) -> bool:
        """A read of a public repository, which needs no permission from any token."""
        if method not in ("GET", "HEAD"):
            return False
        with self.state.lock:
            if "rid" in params:
                repo = next((r for r in self.state.repos.values()
                             if str(r["id"]) == params["rid"]), None)
            elif "owner" in params and "repo" in params:
                repo = self.state.repo(params["owner"], params["repo"])
            else:
                return False
            return bool(repo) and not repo["private"]

    # -- downloads -------------------------------------------------------------------------------
    def download(self, path: str, query: dict) -> Response:
        token = (query.get("token") or [""])[0]
        found = self.downloads.get(token)
        if not found:
            return Response(404, b"Not Found", {}, "text/plain")
        owner, name, sha, fmt = found
        prefix = f"{owner}-{name}-{sha[:7]}"
        git_fmt = "tar.gz" if fmt == "tarball" else "zip"
        data = self.git.archive(self.git.path(owner, name), sha, git_fmt, prefix)
        ctype = "application/x-gzip" if fmt == "tarball" else "application/zip"
        ext = "tar.gz" if fmt == "tarball" else "zip"
        return Response(200, data, {"Content-Disposition":
                                    f"attachment; filename={prefix}.{ext}"}, ctype)

    # -- output ------------------------------------------------------------------------------
    def send(self, h: BaseHTTPRequestHandler, resp: Response, method: str,
             payload: bytes | None = None) -> None:
        if payload is None:
            payload = encode(resp)
        # send_response_only: the stdlib's send_response would add its own Server and real-time
        # Date headers, and the Date must come from the sandbox clock.
        h.send_response_only(resp.status)
        h.send_header("Date", http_date(self.clock.now()))
        h.send_header("Server", "classroom-ops-sandbox")
        if resp.status not in (204, 304) and (payload or resp.body is not None):
            h.send_header("Content-Type", resp.content_type)
        h.send_header("X-GitHub-Media-Type", "github.v3; format=json")
        h.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
        h.send_header("Cache-Control", "private, max-age=60, s-maxage=60")
        h.send_header("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
        for k, v in resp.headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        if method != "HEAD" and payload:
            h.wfile.write(payload)


def encode(resp: Response) -> bytes:
    if resp.status in (204, 304) or resp.body is None:
        return b""
    if isinstance(resp.body, bytes):
        return resp.body
    if isinstance(resp.body, str):
        return resp.body.encode()
    return json.dumps(resp.body).encode()


def etag_matches(header: str, etag: str) -> bool:
    if not header:
        return False
    strip = etag.removeprefix("W/")
    for cand in header.split(","):
        cand = cand.strip()
        if cand == "*" or cand.removeprefix("W/") == strip:
            return True
    return False


def read_body(h: BaseHTTPRequestHandler, headers: dict) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            line = h.rfile.readline()
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while h.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                break
            chunks.append(h.rfile.read(size))
            h.rfile.readline()
        return b"".join(chunks)
    length = int(headers.get("content-length") or 0)
    return h.rfile.read(length) if length else b""


def drop(h: BaseHTTPRequestHandler) -> None:
    h.close_connection = True
    try:
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "classroom-ops-sandbox"
    # Headers and body leave in one segment; otherwise Nagle and delayed ACKs add ~40 ms to
    # every keep-alive request.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    def _any(self) -> None:
        try:
            self.server.app.handle(self)  # type: ignore[attr-defined]
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _any

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass  # the request log is the record; stderr noise would drown test output


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], app: App):
        self.app = app
        super().__init__(addr, Handler)
