"""What each route needs from a token, as GitHub's docs name it.

Source: "Permissions required for GitHub Apps" and "Permissions required for fine-grained
personal access tokens" (docs.github.com/rest/authentication/...), and each endpoint's
"Fine-grained access tokens" section. A requirement is a list of alternative sets; a token passes
if it holds every permission of one set (GitHub's `X-Accepted-GitHub-Permissions` header writes
the sets the same way: `a=read,b=write; c=write`). `write` includes `read`; `metadata: read` is
part of every grant, as GitHub makes it mandatory.

Classic tokens have scopes instead: `repo` for repositories, `admin:org` (or `write:org` /
`read:org`) for organization members and teams, `delete_repo` to delete, `workflow` for files under
`.github/workflows/`.

Every route the router serves must appear in TABLE (a test enumerates the router), so nothing is
silently allowed; NONE marks the few that need no permission at all.
"""

from __future__ import annotations

import re

from .errors import ApiError

READ, WRITE = "read", "write"
NONE: list[dict] = []
FULL_SCOPES = ["admin:org", "delete_repo", "repo", "workflow"]
APP_PERMISSIONS = ("administration", "contents", "issues", "members",
                   "organization_administration", "workflows", "metadata", "pull_requests")
WORKFLOW_DIR = ".github/workflows/"


def one(**perms: str) -> list[dict]:
    return [dict(perms)]


META = one(metadata=READ)
CONTENTS_R, CONTENTS_W = one(contents=READ), one(contents=WRITE)
ADMIN_W = one(administration=WRITE)
MEMBERS_R, MEMBERS_W = one(members=READ), one(members=WRITE)
# Labels, milestones, comments and issue edits are shared with pull requests on GitHub.
ISSUES_R = [{"issues": READ}, {"pull_requests": READ}]
ISSUES_W = [{"issues": WRITE}, {"pull_requests": WRITE}]

R = "/repos/{}/{}"
T = "/orgs/{}/teams/{}"
TABLE: dict[tuple[str, str], list[dict]] = {
    # accounts
    ("GET", "/user"): NONE,  # an installation is refused by the handler: it has no user
    ("GET", "/users/{}"): NONE,
    ("GET", "/user/orgs"): NONE,
    ("GET", "/user/memberships/orgs/{}"): MEMBERS_R,
    ("PATCH", "/user/memberships/orgs/{}"): MEMBERS_W,
    ("GET", "/user/repository_invitations"): one(administration=READ),
    ("PATCH", "/user/repository_invitations/{}"): ADMIN_W,
    ("DELETE", "/user/repository_invitations/{}"): ADMIN_W,
    ("POST", "/user/repos"): ADMIN_W,
    ("GET", "/rate_limit"): NONE,
    ("GET", "/search/issues"): META,
    # organizations
    ("GET", "/orgs/{}"): META,
    ("PATCH", "/orgs/{}"): one(organization_administration=WRITE),
    ("GET", "/orgs/{}/members"): MEMBERS_R,
    ("GET", "/orgs/{}/members/{}"): MEMBERS_R,
    ("DELETE", "/orgs/{}/members/{}"): MEMBERS_W,
    ("GET", "/orgs/{}/memberships/{}"): MEMBERS_R,
    ("PUT", "/orgs/{}/memberships/{}"): MEMBERS_W,
    ("DELETE", "/orgs/{}/memberships/{}"): MEMBERS_W,
    ("GET", "/orgs/{}/invitations"): MEMBERS_R,
    ("POST", "/orgs/{}/invitations"): MEMBERS_W,
    ("DELETE", "/orgs/{}/invitations/{}"): MEMBERS_W,
    ("GET", "/orgs/{}/invitations/{}/teams"): MEMBERS_R,
    ("GET", "/orgs/{}/failed_invitations"): MEMBERS_R,
    ("GET", "/orgs/{}/repos"): META,
    ("POST", "/orgs/{}/repos"): ADMIN_W,
    # teams
    ("GET", "/orgs/{}/teams"): MEMBERS_R,
    ("POST", "/orgs/{}/teams"): MEMBERS_W,
    ("GET", T): MEMBERS_R,
    ("PATCH", T): MEMBERS_W,
    ("DELETE", T): MEMBERS_W,
    ("GET", T + "/members"): MEMBERS_R,
    ("GET", T + "/invitations"): MEMBERS_R,
    ("GET", T + "/memberships/{}"): MEMBERS_R,
    ("PUT", T + "/memberships/{}"): MEMBERS_W,
    ("DELETE", T + "/memberships/{}"): MEMBERS_W,
    ("GET", T + "/repos"): MEMBERS_R,
    ("GET", T + "/repos/{}/{}"): MEMBERS_R,
    # Giving a team access to a repository administers the repository.
    ("PUT", T + "/repos/{}/{}"): one(administration=WRITE, members=READ),
    ("DELETE", T + "/repos/{}/{}"): one(administration=WRITE, members=READ),
    # repositories
    ("GET", R): META,
    ("PATCH", R): ADMIN_W,
    ("DELETE", R): ADMIN_W,
    ("GET", "/repositories/{}"): META,
    # Generating creates a repository in the target owner: administration there.
    ("POST", R + "/generate"): one(administration=WRITE, metadata=READ),
    ("GET", R + "/collaborators"): META,
    ("GET", R + "/collaborators/{}"): META,
    ("GET", R + "/collaborators/{}/permission"): META,
    ("PUT", R + "/collaborators/{}"): ADMIN_W,
    ("DELETE", R + "/collaborators/{}"): ADMIN_W,
    ("GET", R + "/assignees"): ISSUES_R,
    ("GET", R + "/assignees/{}"): ISSUES_R,
    # contents and git data
    ("GET", R + "/contents"): CONTENTS_R,
    ("GET", R + "/contents/{}"): CONTENTS_R,
    ("PUT", R + "/contents/{}"): CONTENTS_W,
    ("DELETE", R + "/contents/{}"): CONTENTS_W,
    ("GET", "/{}/{}/raw/{}/{}"): CONTENTS_R,
    ("GET", R + "/git/blobs/{}"): CONTENTS_R,
    ("POST", R + "/git/blobs"): CONTENTS_W,
    ("GET", R + "/git/trees/{}"): CONTENTS_R,
    ("POST", R + "/git/trees"): CONTENTS_W,
    ("GET", R + "/git/commits/{}"): CONTENTS_R,
    ("POST", R + "/git/commits"): CONTENTS_W,
    ("GET", R + "/git/ref/{}"): CONTENTS_R,
    ("GET", R + "/git/refs"): CONTENTS_R,
    ("GET", R + "/git/refs/{}"): CONTENTS_R,
    ("GET", R + "/git/matching-refs"): CONTENTS_R,
    ("GET", R + "/git/matching-refs/{}"): CONTENTS_R,
    ("POST", R + "/git/refs"): CONTENTS_W,  # and workflows: write when the tree touches them
    ("PATCH", R + "/git/refs/{}"): CONTENTS_W,
    ("DELETE", R + "/git/refs/{}"): CONTENTS_W,
    ("GET", R + "/git/tags/{}"): CONTENTS_R,
    ("POST", R + "/git/tags"): CONTENTS_W,
    ("GET", R + "/commits"): CONTENTS_R,
    ("GET", R + "/commits/{}"): CONTENTS_R,
    ("GET", R + "/branches"): CONTENTS_R,
    ("GET", R + "/branches/{}"): CONTENTS_R,
    ("GET", R + "/tags"): META,
    ("GET", R + "/activity"): CONTENTS_R,
    ("GET", R + "/tarball"): CONTENTS_R,
    ("GET", R + "/tarball/{}"): CONTENTS_R,
    ("GET", R + "/zipball"): CONTENTS_R,
    ("GET", R + "/zipball/{}"): CONTENTS_R,
    # issues, comments, labels, milestones
    ("GET", R + "/issues"): one(issues=READ),
    ("POST", R + "/issues"): one(issues=WRITE),
    ("GET", R + "/issues/{}"): one(issues=READ),
    ("PATCH", R + "/issues/{}"): ISSUES_W,
    ("GET", R + "/issues/{}/comments"): ISSUES_R,
    ("POST", R + "/issues/{}/comments"): ISSUES_W,
    ("GET", R + "/issues/comments/{}"): ISSUES_R,
    ("GET", R + "/issues/{}/labels"): ISSUES_R,
    ("POST", R + "/issues/{}/labels"): ISSUES_W,
    ("PUT", R + "/issues/{}/labels"): ISSUES_W,
    ("DELETE", R + "/issues/{}/labels"): ISSUES_W,
    ("DELETE", R + "/issues/{}/labels/{}"): ISSUES_W,
    ("GET", R + "/labels"): ISSUES_R,
    ("POST", R + "/labels"): ISSUES_W,
    ("GET", R + "/labels/{}"): ISSUES_R,
    ("PATCH", R + "/labels/{}"): ISSUES_W,
    ("DELETE", R + "/labels/{}"): ISSUES_W,
    ("GET", R + "/milestones"): ISSUES_R,
    ("POST", R + "/milestones"): ISSUES_W,
    ("GET", R + "/milestones/{}"): ISSUES_R,
    ("PATCH", R + "/milestones/{}"): ISSUES_W,
    ("DELETE", R + "/milestones/{}"): ISSUES_W,
}

# Classic scopes per permission. Organization permissions: admin:org covers write:org covers
# read:org. Everything about repositories is `repo`.
ORG_PERMISSIONS = {"members", "organization_administration"}


def normalize(pattern: str) -> str:
    """`/repos/{owner}/{repo}/contents/{path+}` -> `/repos/{}/{}/contents/{}`."""
    return re.sub(r"\{\w+\+?\}", "{}", pattern)


def requirement(method: str, pattern: str) -> list[dict] | None:
    return TABLE.get(("GET" if method == "HEAD" else method, normalize(pattern)))


def header_value(sets: list[dict]) -> str:
    return "; ".join(",".join(f"{k}={v}" for k, v in s.items()) for s in sets)


def _holds(grant: dict, perm: str, need: str) -> bool:
    have = "read" if perm == "metadata" else None  # mandatory for every App and token
    have = grant.get(perm) or have
    if have is None:
        return False
    return need == "read" or have in ("write", "admin")


def satisfied(grant: dict, sets: list[dict]) -> bool:
    return not sets or any(all(_holds(grant, p, n) for p, n in s.items()) for s in sets)


def _scope_ok(scopes: list[str], perm: str, need: str, method: str, pattern: str) -> bool:
    if perm in ORG_PERMISSIONS:
        ok = {"admin:org", "write:org"} | ({"read:org"} if need == "read" else set())
        return bool(ok & set(scopes))
    if method == "DELETE" and normalize(pattern) == "/repos/{}/{}":
        return "delete_repo" in scopes
    return "repo" in scopes or "public_repo" in scopes


def refusal(kind: str) -> str:
    return ("Resource not accessible by personal access token" if kind == "fine_grained"
            else "Resource not accessible by integration")


def check(record: dict | None, method: str, pattern: str, public_read: bool) -> dict:
    """Raise GitHub's refusal when the token lacks what the route needs; else return headers
    for the answer (`X-Accepted-GitHub-Permissions` for fine-grained tokens). `public_read`: the
    route reads a public repository, which GitHub lets any token do."""
    sets = requirement(method, pattern)
    if sets is None:  # a route missing from the table is a sandbox bug, never a pass
        raise ApiError(500, f"sandbox: no permission mapped for {method} {pattern}")
    if record is None or not sets:
        return {}
    kind = record.get("kind", "classic")
    if kind == "classic":
        scopes = record.get("scopes")
        if scopes is None or public_read:
            return {}
        for s in sets:
            if all(_scope_ok(scopes, p, n, method, pattern) for p, n in s.items()):
                return {}
        # GitHub hides from a classic token what its scopes do not reach.
        raise ApiError(404, "Not Found", headers={"X-Accepted-OAuth-Scopes": ", ".join(
            sorted({_scope_name(p, n, method, pattern) for s in sets for p, n in s.items()}))})
    headers = {"X-Accepted-GitHub-Permissions": header_value(sets)}
    grant = record.get("permissions") or {}
    read_only = all(n == READ for s in sets for n in s.values())
    if satisfied(grant, sets) or (public_read and read_only):
        return headers
    raise ApiError(403, refusal(kind), headers=headers)


def _scope_name(perm: str, need: str, method: str, pattern: str) -> str:
    if perm in ORG_PERMISSIONS:
        return "admin:org" if need == "write" else "read:org"
    if method == "DELETE" and normalize(pattern) == "/repos/{}/{}":
        return "delete_repo"
    return "repo"


def touches_workflows(paths) -> list[str]:
    return sorted(p for p in paths if p.startswith(WORKFLOW_DIR))


def workflow_refusal(record: dict | None, path: str) -> str | None:
    """GitHub's refusal text when this token may not create, change or delete `path` (a file
    under .github/workflows/), else None."""
    if record is None:
        return None
    kind = record.get("kind", "classic")
    if kind == "classic":
        scopes = record.get("scopes")
        if scopes is None or "workflow" in scopes:
            return None
        return (f"refusing to allow a Personal Access Token to create or update workflow "
                f"`{path}` without `workflow` scope")
    if _holds(record.get("permissions") or {}, "workflows", WRITE):
        return None
    who = "a Personal Access Token" if kind == "fine_grained" else "a GitHub App"
    return (f"refusing to allow {who} to create or update workflow `{path}` without "
            f"`workflows` permission")


def require_workflows(record: dict | None, paths) -> None:
    """For the REST writes (contents, refs): 403 with GitHub's refusal text."""
    for path in touches_workflows(paths):
        message = workflow_refusal(record, path)
        if message:
            headers = {}
            if record and record.get("kind") != "classic":
                headers["X-Accepted-GitHub-Permissions"] = "contents=write,workflows=write"
            raise ApiError(403, message, headers=headers)
