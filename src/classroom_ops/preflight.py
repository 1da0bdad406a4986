"""Checks before a command writes anything: one clear message instead of a half-done job."""

from __future__ import annotations

from .adapter import GitHubAPI
from .errors import MissingPermission, NotFound, PermissionDenied, UsageError


def require_owner(gh: GitHubAPI, org: str, why: str) -> str:
    """The token's login, after checking it may administer `org` (one clear message if not).

    A token without a user (403 "Resource not accessible by integration" on `GET /user`) is an
    installation token: a GitHub App's, or a workflow's own GITHUB_TOKEN, which GitHub limits to
    the workflow's repository and never gives organization permissions. Only the first can list
    the organization's teams (organization permission `members`), so that read tells them apart;
    GitHub offers no cheaper proof a workflow token could not also pass."""
    me = gh.get_login()
    if not me:
        try:
            gh.check_teams_readable(org)
        except (NotFound, PermissionDenied, MissingPermission) as e:
            app = (f"; if it is the course's GitHub App token, {e}"
                   if isinstance(e, MissingPermission) else "")
            raise UsageError(
                f"the token has no user (an installation token) and cannot list the teams of "
                f"'{org}': a workflow's own GITHUB_TOKEN cannot act on an organization; use the "
                "course's GitHub App token (actions/create-github-app-token with owner: "
                f"{org}) or an owner's token{app}") from None
        return ""
    try:
        role = gh.get_org_role(org, me)
    except NotFound:
        raise UsageError(f"organization '{org}' does not exist, or {me} is not a member of it; "
                         "check course.org and that the token belongs to an owner") from None
    if role != "admin":
        raise UsageError(
            f"{me} is {'a member' if role else 'not a member'} of {org}, not an owner; {why} "
            "needs an owner's token (or a GitHub App installation token)")
    return me
