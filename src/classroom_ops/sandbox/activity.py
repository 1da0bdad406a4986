"""The repository activity log: every ref change, stamped with the sandbox clock.

Commit dates are whatever the committer wrote; these timestamps are the server's, which is what a
deadline check must trust.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .clock import iso
from .gitstore import ZERO

if TYPE_CHECKING:
    from .server import App


def kind(app: App, repo: dict, before: str, after: str) -> str:
    if before == ZERO:
        return "branch_creation"
    if after == ZERO:
        return "branch_deletion"
    path = app.git.path(repo["owner"], repo["name"])
    return "push" if app.git.is_ancestor(path, before, after) else "force_push"


def record(app: App, repo: dict, ref: str, before: str | None, after: str | None,
           login: str | None, via: str = "api") -> dict | None:
    before, after = before or ZERO, after or ZERO
    if before == after or not ref.startswith("refs/heads/"):
        # GitHub's activity API covers branches only; tags are not in it.
        return None
    now = iso(app.clock.now())
    with app.state.lock:
        entry = {"id": app.state.new_id(), "before": before, "after": after, "ref": ref,
                 "timestamp": now, "activity_type": kind(app, repo, before, after),
                 "actor": login, "via": via}
        repo["activity"].append(entry)
        repo["pushed_at"] = now
    return entry
