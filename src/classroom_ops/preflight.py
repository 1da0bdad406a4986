"""Checks before a command writes anything: one clear message instead of a half-done job."""

from __future__ import annotations

from .adapter import GitHub
from .errors import NotFound, UsageError


def require_owner(gh: GitHub, org: str, why: str) -> str:
    """The token's login, after checking it may administer `org` (one clear message if not).
    A GitHub App installation token has no user: its permissions are the installation's."""
    me = gh.whoami()
    try:
        role = gh.org_role(org, me) if me else gh.org_exists(org) and "admin"
    except NotFound:
        who = f"{me} is not a member of it" if me else "the token cannot see it"
        raise UsageError(f"organization '{org}' does not exist, or {who}; check course.org "
                         "and that the token belongs to an owner") from None
    if role != "admin":
        raise UsageError(
            f"{me} is {'a member' if role else 'not a member'} of {org}, not an owner; {why} "
            "needs an owner's token (or a GitHub App installation token)")
    return me or ""
