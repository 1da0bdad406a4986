"""Primary rate limits: a budget per account and resource, in windows of the sandbox clock."""

from __future__ import annotations

import threading

from .clock import Clock

# (limit for a token, limit without one, window seconds), as documented for user tokens.
RESOURCES = {
    "core": (5000, 60, 3600),
    "search": (30, 10, 60),
    "graphql": (5000, 0, 3600),
    "integration_manifest": (5000, 0, 3600),
    "code_search": (10, 0, 60),
}


class RateLimiter:
    def __init__(self, clock: Clock):
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], list[int]] = {}  # -> [reset_epoch, used, limit]

    def _bucket(self, who: str | None, resource: str) -> list[int]:
        limit, anon, window = RESOURCES[resource]
        now = int(self.clock.now().timestamp())
        key = (who or "", resource)
        bucket = self._buckets.get(key)
        if bucket is None or now >= bucket[0]:
            bucket = [now + window, 0, limit if who else anon]
            self._buckets[key] = bucket
        return bucket

    def status(self, who: str | None, resource: str) -> dict:
        with self._lock:
            reset, used, limit = self._bucket(who, resource)
        return {"limit": limit, "used": used, "remaining": max(0, limit - used),
                "reset": reset, "resource": resource}

    def charge(self, who: str | None, resource: str, cost: int) -> dict:
        with self._lock:
            bucket = self._bucket(who, resource)
            bucket[1] += cost
        return self.status(who, resource)

    def set(self, who: str | None, resource: str, remaining: int | None = None,
            limit: int | None = None) -> dict:
        with self._lock:
            bucket = self._bucket(who, resource)
            if limit is not None:
                bucket[2] = limit
            if remaining is not None:
                bucket[1] = max(0, bucket[2] - remaining)
        return self.status(who, resource)

    def reset_all(self) -> None:
        with self._lock:
            self._buckets.clear()

    def overview(self, who: str | None) -> dict:
        resources = {name: self.status(who, name) for name in RESOURCES}
        for value in resources.values():
            value.pop("resource")
        return {"resources": resources, "rate": dict(resources["core"])}


def headers(status: dict) -> dict:
    return {
        "x-ratelimit-limit": str(status["limit"]),
        "x-ratelimit-remaining": str(status["remaining"]),
        "x-ratelimit-used": str(status["used"]),
        "x-ratelimit-reset": str(status["reset"]),
        "x-ratelimit-resource": status["resource"],
    }


# Requests that create content, for GitHub's secondary limit on content creation ("no more than
# 80 content-generating requests per minute and no more than 500 per hour", docs: rate limits for
# the REST API). GitHub does not publish its list; this one holds every request here that makes a
# new object: repositories, teams, issues, comments, labels, milestones, invitations, git objects
# and refs, and files written through the contents API.
CONTENT_CREATING = {
    ("POST", "/orgs/{}/repos"), ("POST", "/user/repos"), ("POST", "/repos/{}/{}/generate"),
    ("POST", "/orgs/{}/teams"), ("POST", "/orgs/{}/invitations"),
    ("POST", "/repos/{}/{}/issues"), ("POST", "/repos/{}/{}/issues/{}/comments"),
    ("POST", "/repos/{}/{}/labels"), ("POST", "/repos/{}/{}/milestones"),
    ("POST", "/repos/{}/{}/git/blobs"), ("POST", "/repos/{}/{}/git/trees"),
    ("POST", "/repos/{}/{}/git/commits"), ("POST", "/repos/{}/{}/git/refs"),
    ("POST", "/repos/{}/{}/git/tags"), ("PUT", "/repos/{}/{}/contents/{}"),
}
CONTENT_WINDOWS = ((60, 80), (3600, 500))  # (seconds, requests)


class ContentLimiter:
    """Content-creating requests per account in sliding windows of the sandbox clock."""

    def __init__(self, clock: Clock, enabled: bool = True):
        self.clock = clock
        self.enabled = enabled
        self._lock = threading.Lock()
        self._times: dict[str, list[float]] = {}

    def wait(self, who: str | None) -> int:
        """0 if one more content-creating request may go now, else the seconds until it may."""
        if not self.enabled:
            return 0
        now = self.clock.now().timestamp()
        with self._lock:
            times = [t for t in self._times.get(who or "", []) if t > now - 3600]
            self._times[who or ""] = times
            waits = []
            for window, limit in CONTENT_WINDOWS:
                recent = [t for t in times if t > now - window]
                if len(recent) >= limit:
                    waits.append(recent[len(recent) - limit] + window - now)
            return max(1, int(max(waits) + 0.999)) if waits else 0

    def count(self, who: str | None) -> None:
        if self.enabled:
            with self._lock:
                self._times.setdefault(who or "", []).append(self.clock.now().timestamp())

    def reset(self) -> None:
        with self._lock:
            self._times.clear()
