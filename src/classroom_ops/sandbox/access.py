"""Who may do what: GitHub's permission model reduced to what team-project courses rely on.

Effective permission on a repository is the highest of: site admin or org owner (admin), a direct
collaborator grant, every team the user actively belongs to that holds the repository, the org's
base permission for members, and read on any public repository.
"""

from __future__ import annotations

from .errors import ApiError
from .state import LEVELS, State, level, repo_key


def org_role(state: State, org_login: str, login: str | None) -> str | None:
    if not login:
        return None
    org = state.org(org_login)
    if not org:
        return None
    return org["members"].get(login.lower())


def is_owner(state: State, org_login: str, user: dict | None) -> bool:
    if not user:
        return False
    return bool(user.get("site_admin")) or org_role(state, org_login, user["login"]) == "admin"


def team_perms(state: State, repo: dict, login: str) -> list[str]:
    k = repo_key(repo["owner"], repo["name"])
    found = []
    for team in state.teams(repo["owner"]).values():
        member = team["members"].get(login.lower())
        if member and member.get("state", "active") == "active" and k in team["repos"]:
            found.append(team["repos"][k])
    return found


def permission(state: State, repo: dict, user: dict | None) -> str:
    """One of none, pull, triage, push, maintain, admin."""
    best = "pull" if not repo["private"] else "none"
    if not user:
        return best
    if user.get("site_admin"):
        return "admin"
    owner = repo["owner"]
    if owner.lower() == user["login"].lower():
        return "admin"
    role = org_role(state, owner, user["login"])
    candidates = [best, repo["collaborators"].get(user["login"].lower(), "none")]
    if role == "admin":
        return "admin"
    if role == "member":
        org = state.org(owner)
        candidates.append({"read": "pull", "write": "push"}.get(org["base_permission"],
                                                                 org["base_permission"]))
        candidates.extend(team_perms(state, repo, user["login"]))
    return max(candidates, key=level)


def perm_flags(perm: str) -> dict:
    n = level(perm)
    return {"admin": n >= 5, "maintain": n >= 4, "push": n >= 3, "triage": n >= 2, "pull": n >= 1}


def require(state: State, repo: dict, user: dict | None, needed: str, write: bool = False) -> str:
    """Raise as GitHub does: 404 when the repository is invisible, 403 when visible but short."""
    perm = permission(state, repo, user)
    if level(perm) < 1:
        raise ApiError(404, "Not Found")
    if level(perm) < LEVELS.index(needed):
        if needed == "admin":
            raise ApiError(403, "Must have admin rights to Repository.")
        if not user:
            raise ApiError(401, "Requires authentication")
        raise ApiError(403, f"Must have {needed} access to repository.")
    if write and repo["archived"]:
        raise ApiError(403, "Repository was archived so is read-only.")
    return perm
