"""Request context, route table and the helpers every REST handler shares."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from . import access
from .clock import iso, parse_time
from .errors import ApiError

if TYPE_CHECKING:
    from .server import App


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


class Router:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern, Callable, str]] = []

    def route(self, method: str, pattern: str) -> Callable:
        # "{name}" matches one segment, "{name+}" the rest of the path (contents paths, refs).
        regex = re.sub(r"\{(\w+)\+\}", r"(?P<\1>.+)", pattern)
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", regex)
        compiled = re.compile(f"^{regex}$")

        def deco(fn: Callable) -> Callable:
            self.routes.append((method, compiled, fn, pattern))
            return fn

        return deco

    @property
    def patterns(self) -> list[tuple[str, str]]:
        """(method, pattern) of every route, as registered (permissions are checked on these)."""
        return [(m, p) for m, _, _, p in self.routes]

    def match(self, method: str, path: str) -> tuple[Callable, dict]:
        fn, params, _ = self.resolve(method, path)
        return fn, params

    def resolve(self, method: str, path: str) -> tuple[Callable, dict, str]:
        lookup = "GET" if method == "HEAD" else method
        if len(path) > 1:
            path = path.rstrip("/")
        for m, regex, fn, pattern in self.routes:
            found = regex.match(path) if m == lookup else None
            if found:
                return fn, found.groupdict(), pattern
        # GitHub answers an unknown path and a known path with the wrong verb alike.
        raise ApiError(404, "Not Found")


ROUTER = Router()
route = ROUTER.route


class Ctx:
    def __init__(self, app: App, method: str, path: str, query: dict[str, list[str]],
                 headers: dict[str, str], body: bytes, user: dict | None,
                 grant: dict | None = None, base: str | None = None):
        self.app = app
        self.state = app.state
        self.git = app.git
        # The API's base URL for this request: the host root, or HOST/api/v3 (GHES shape).
        self.base = base if base is not None else app.base_url
        # The token's record (kind, permissions, scopes): see permissions.py.
        self.grant = grant
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.raw = body
        self.user = user
        self._json: Any = None

    # -- input ---------------------------------------------------------------------------------
    def json(self) -> dict:
        if self._json is None:
            if not self.raw.strip():
                self._json = {}
            else:
                try:
                    self._json = json.loads(self.raw)
                except ValueError as exc:
                    raise ApiError(400, "Problems parsing JSON") from exc
            if not isinstance(self._json, dict):
                raise ApiError(400, "Problems parsing JSON")
        return self._json

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name: str, default: int) -> int:
        value = self.arg(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError as exc:
            raise ApiError(422, f"Invalid value for {name}") from exc

    def time_arg(self, name: str) -> datetime | None:
        value = self.arg(name)
        if not value:
            return None
        try:
            return parse_time(value)
        except ValueError as exc:
            raise ApiError(422, f"Invalid value for {name}: {value!r}") from exc

    def accept(self) -> str:
        return self.headers.get("accept", "")

    # -- time ----------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.app.clock.now()

    def now_iso(self) -> str:
        return iso(self.app.clock.now())  # type: ignore[return-value]

    # -- auth ----------------------------------------------------------------------------------
    def need_user(self) -> dict:
        if not self.user:
            raise ApiError(401, "Requires authentication")
        return self.user

    @property
    def login(self) -> str | None:
        return self.user["login"] if self.user else None

    def repo(self, owner: str, name: str, need: str = "pull", write: bool = False) -> dict:
        r = self.state.repo(owner, name)
        if r is None:
            moved = self.state.data["redirects"].get(f"{owner}/{name}".lower())
            if moved and self.state.repos.get(moved):
                target = self.state.repos[moved]
                rest = self.path.split("/", 4)[4:]
                location = f"{self.base}/repositories/{target['id']}"
                if rest:
                    location += "/" + rest[0]
                # GitHub answers a renamed repository with a permanent redirect.
                raise ApiError(301, "Moved Permanently", headers={"Location": location})
            raise ApiError(404, "Not Found")
        access.require(self.state, r, self.user, need, write)
        return r

    def perm(self, r: dict) -> str:
        return access.permission(self.state, r, self.user)

    # -- output --------------------------------------------------------------------------------
    def paginate(self, items: list, default: int = 30) -> Response:
        per_page = max(1, min(100, self.int_arg("per_page", default)))
        page = max(1, self.int_arg("page", 1))
        start = (page - 1) * per_page
        chunk = items[start:start + per_page]
        last = max(1, -(-len(items) // per_page))
        headers = {}
        link = self.link_header(page, last)
        if link:
            headers["Link"] = link
        return Response(200, chunk, headers)

    def link_header(self, page: int, last: int) -> str:
        def page_url(n: int) -> str:
            q = {k: v for k, v in self.query.items() if k != "page"}
            pairs = [(k, x) for k, vs in q.items() for x in vs] + [("page", str(n))]
            return f"{self.base}{self.path}?{urlencode(pairs)}"

        parts = []
        if page > 1:
            parts.append(f'<{page_url(page - 1)}>; rel="prev"')
        if page < last:
            parts.append(f'<{page_url(page + 1)}>; rel="next"')
            parts.append(f'<{page_url(last)}>; rel="last"')
        if page > 1:
            parts.append(f'<{page_url(1)}>; rel="first"')
        return ", ".join(parts)


def ready(ctx: Ctx, r: dict) -> bool:
    """A generated repository exists at once but its content arrives a little later."""
    if not r.get("ready_at"):
        return True
    if time.time() >= (r.get("ready_at_real") or 0):
        return True
    return ctx.now() >= parse_time(r["ready_at"])


def git_ready(ctx: Ctx, r: dict) -> None:
    if not ready(ctx, r):
        raise ApiError(409, "Git Repository is empty.")


def contents_ready(ctx: Ctx, r: dict) -> None:
    if not ready(ctx, r):
        raise ApiError(404, "Not Found")
