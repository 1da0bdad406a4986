"""Requests through PyGithub with GitHub's rules for waiting and retrying.

This and `client.py` are the only modules that import PyGithub. Every request goes through
`Transport.call`, which:
- waits as GitHub says when a rate limit answers (`retry-after`, else the primary reset, else a
  minute with exponential backoff), and never hammers;
- retries reads and idempotent writes (PUT, PATCH, DELETE) after 5xx answers and dropped
  connections, with backoff;
- never retries a create blindly: after a 5xx or a dropped connection on a POST it first asks the
  caller's `probe` whether the object exists (GitHub may have created it before failing);
- translates `GithubException` into our own errors.
PyGithub's own retries are switched off (`retry=None`) so that this is the only policy.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests
from github import Auth, Github, GithubException

from ..errors import (
    AlreadyExists,
    AuthError,
    GitHubError,
    MissingPermission,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
)
from ..ghdata import RequestStats
from .etags import EtagCache

_NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, ConnectionError)


class Transport:
    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        write_delay: float = 1.0,
        max_attempts: int = 6,
        max_wait: float = 900.0,
        sleep: Callable[[float], None] = time.sleep,
        cache_dir: str | None = None,
    ):
        self.api_url = api_url.rstrip("/")
        self.gh = Github(
            base_url=self.api_url,
            auth=Auth.Token(token),
            retry=None,
            per_page=100,
            timeout=30,
            seconds_between_requests=0,
            seconds_between_writes=write_delay,
            lazy=True,
        )
        self.requester = self.gh.requester
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.sleep = sleep
        self.stats = RequestStats()
        self.etags = EtagCache(cache_dir, self.api_url) if cache_dir else None

    # -- the one way requests are made -------------------------------------------------------
    def call(
        self,
        method: str,
        url: str,
        *,
        params: dict | None = None,
        body: Any = None,
        headers: dict | None = None,
        probe: Callable[[], Any] | None = None,
        what: str = "",
    ) -> tuple[dict, Any]:
        """One logical request; returns (headers, data). `probe` makes a POST safe to retry."""
        is_write = method != "GET"
        attempt = 0
        backoff = 1.0
        while True:
            attempt += 1
            if is_write:
                self.stats.writes += 1
            else:
                self.stats.reads += 1
            try:
                return self._once(method, url, params, body, headers)
            except GithubException as e:
                hdrs = {k.lower(): v for k, v in (e.headers or {}).items()}
                status = e.status
                self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
                wait = self._rate_limit_wait(status, hdrs, e, backoff)
                if wait is not None:
                    # A rate-limited request was refused before any work: safe to repeat.
                    if attempt >= self.max_attempts or wait > self.max_wait:
                        raise RateLimited(
                            f"GitHub's rate limit is used up ({what or url}; it lifts in about "
                            f"{int(wait // 60) + 1} min); stopped here: rerun then, the command "
                            "goes on from where it stopped", status) from None
                    self._wait(wait)
                    backoff = min(backoff * 2, 300)
                    continue
                if status >= 500:
                    if attempt >= self.max_attempts:
                        raise Unavailable(f"GitHub answered {status} for {what or url} "
                                          f"{attempt} times; rerun later", status) from None
                    if method == "POST" and probe is not None:
                        found = self._probe(probe)
                        if found is not None:
                            return {}, found
                    elif method == "POST" and probe is None:
                        raise Unavailable(f"GitHub answered {status} for {what or url}; not "
                                          "retried because it may have been done", status) from None
                    self._wait(backoff)
                    backoff = min(backoff * 2, 60)
                    continue
                if status == 403 and hdrs.get("x-accepted-github-permissions"):
                    err = missing_permission(hdrs["x-accepted-github-permissions"], method,
                                             url, what)
                    data = e.data if isinstance(e.data, dict) else {}
                    err.github_message = str(data.get("message") or "")
                    raise err from None
                raise translate(e, what or url) from None
            except _NETWORK_ERRORS as e:
                if attempt >= self.max_attempts:
                    raise Unavailable(f"cannot reach GitHub at {self.api_url} ({what or url}): "
                                      f"{type(e).__name__}; check --api-url or rerun later"
                                      ) from None
                if method == "POST":
                    if probe is None:
                        raise Unavailable(f"the connection dropped during {what or url}; not "
                                          "retried because it may have been done") from None
                    found = self._probe(probe)
                    if found is not None:
                        return {}, found
                self._wait(backoff)
                backoff = min(backoff * 2, 60)

    def _once(self, method: str, url: str, params, body, headers) -> tuple[dict, Any]:
        cached = self.etags.get(url, params) if self.etags and method == "GET" else None
        if cached:
            headers = {**(headers or {}), "If-None-Match": cached[0]}
        status, hdrs, text = self.requester.requestJson(method, url, params, headers, body)
        hdrs = {k.lower(): v for k, v in (hdrs or {}).items()}
        if status == 304 and cached:
            self.etags.hits += 1
            return {**hdrs, **cached[1]}, cached[2]
        try:
            data = json.loads(text) if text else None
        except ValueError:  # a proxy's or GitHub's HTML error page: keep a little of it
            data = {"message": " ".join(text.split())[:200]}
        if status >= 400:
            raise self.requester.createException(status, hdrs, data)
        if self.etags and method == "GET" and hdrs.get("etag") and status == 200:
            self.etags.put(url, params, hdrs["etag"], hdrs, data)
        return hdrs, data

    def _probe(self, probe: Callable[[], Any]):
        try:
            return probe()
        except NotFound:
            return None

    def _wait(self, seconds: float) -> None:
        self.stats.retries += 1
        self.stats.waited += seconds
        self.sleep(seconds)

    def _rate_limit_wait(self, status: int, hdrs: dict, e: GithubException, backoff: float):
        """Seconds to wait if this answer is a rate limit, else None."""
        if status not in (403, 429):
            return None
        message = str((e.data or {}).get("message", "")) if isinstance(e.data, dict) else ""
        retry_after = hdrs.get("retry-after")
        if retry_after is not None:
            try:
                return max(float(retry_after), 0.0)
            except ValueError:
                pass
        if hdrs.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in hdrs:
            try:
                reset = float(hdrs["x-ratelimit-reset"])
            except ValueError:
                reset = None
            if reset is not None:
                # Measure against the server's clock, not ours: they may disagree.
                return max(reset - self._server_epoch(hdrs), 0.0) + 1.0
        if status == 429 or "rate limit" in message.lower():
            return max(60.0, backoff)
        return None

    @staticmethod
    def _server_epoch(hdrs: dict) -> float:
        date = hdrs.get("date")
        if date:
            try:
                return email.utils.parsedate_to_datetime(date).timestamp()
            except (TypeError, ValueError):
                pass
        return time.time()

    def server_time(self) -> datetime:
        """GitHub's clock (the `Date` header): deadlines are judged by it, not by ours."""
        hdrs, _ = self.call("GET", "/rate_limit", what="the server's time")
        date = hdrs.get("date")
        if not date:
            return datetime.now(UTC)
        return email.utils.parsedate_to_datetime(date).astimezone(UTC)

    def paginate(self, url: str, params: dict | None = None, *, key: str | None = None,
                 what: str = "") -> list:
        """Every item of a list, following `Link: rel="next"` as GitHub asks (never built)."""
        params = dict(params or {})
        params.setdefault("per_page", 100)
        items: list = []
        hdrs, data = self.call("GET", url, params=params, what=what)
        while True:
            page = data.get(key, []) if key else data
            items.extend(page or [])
            nxt = _next_link(hdrs.get("link", ""))
            if not nxt:
                return items
            hdrs, data = self.call("GET", nxt, what=what)


def _next_link(link: str) -> str | None:
    for part in link.split(","):
        section = part.split(";")
        if len(section) >= 2 and section[1].strip() == 'rel="next"':
            return section[0].strip()[1:-1]
    return None


def missing_permission(accepted: str, method: str, url: str, what: str) -> MissingPermission:
    """One line: which permission, for what request, and where to grant it. GitHub lists every
    set of permissions that would do, sets separated by ';', permissions in a set by ','."""
    sets = [[p.strip().replace("=", ": ") for p in s.split(",") if p.strip()]
            for s in accepted.split(";")]
    sets = [s for s in sets if s]
    need = " or ".join(" and ".join(s) for s in sets) or accepted.strip()
    inputs = " ".join(f"`permission-{p.split(':')[0].replace('_', '-')}: {p.split(': ')[-1]}`"
                      for p in (sets[0] if sets else []))
    path = url.split("?")[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
    return MissingPermission(
        f"the token lacks a GitHub permission: {what or path} ({method} {path}) needs {need}; "
        f"grant it in the GitHub App's permissions (Settings > Developer "
        f"settings > GitHub Apps) and in the workflow's create-github-app-token step "
        f"({inputs}), or for a fine-grained token in its settings; then rerun", 403)


def translate(e: GithubException, what: str) -> GitHubError:
    data = e.data if isinstance(e.data, dict) else {}
    message = str(data.get("message") or e.message or "").strip()
    errors = data.get("errors") or []
    details = "; ".join(
        str(x.get("message") or f"{x.get('field', '')} {x.get('code', '')}".strip())
        for x in errors if isinstance(x, dict)
    )
    text = f"{what}: GitHub says {e.status} {message}" + (f" ({details})" if details else "")
    if e.status == 401:
        return AuthError("the token was refused (401 Bad credentials): check GITHUB_TOKEN; it may "
                         "have expired or been revoked", 401)
    if e.status == 404:
        return NotFound(text + " (missing, or the token cannot see it)", 404)
    if e.status == 403:
        return PermissionDenied(text + " (the token lacks a permission)", 403)
    # GitHub says "name already exists on this account" for a repository and "Name must be
    # unique for this org" for a team: both mean a create that (perhaps) a killed run made.
    said = (message + details).lower()
    if e.status == 422 and ("already" in said or "must be unique" in said):
        return AlreadyExists(text, 422)
    return GitHubError(text, e.status)
