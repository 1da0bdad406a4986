"""What the tool may ask GitHub, written down: the adapter's interface as a `typing.Protocol`.

Every workflow receives a `GitHubAPI` and nothing else that talks to GitHub; `client.GitHub` is
the one implementation (tests check that it has every method here with the same signature, and
that any test double is a subset of it). Names say whether a call reaches GitHub: each method
that makes a request starts with a verb (get_, list_, create_, update_, delete_, add_, remove_,
set_, put_, generate_, commit_, check_); `stats` and `api_url` make none.

Each method's docstring is its cost, per call ({repo} is /repos/{full_name}, "..." the path so
far): "1 GET" is one request; "N pages" is one GET per 100 items (`per_page=100`,
following GitHub's `Link` header). Writes are paced (`write_delay`) and never retried blindly:
a create is retried only after its `probe` found nothing. GET answers may come back 304 from
the ETag cache (`--cache-dir`), which costs no primary rate limit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from ..ghdata import (
    Comment,
    Invitation,
    Issue,
    Push,
    RepoInfo,
    RequestStats,
    TeamInfo,
    Thread,
    TreeEntry,
)


@runtime_checkable
class GitHubAPI(Protocol):
    api_url: str  # the REST API's root (no request)

    @property
    def stats(self) -> RequestStats:
        """What this client has cost so far (no request)."""

    # -- identity and organization -----------------------------------------------------------------
    def get_login(self) -> str | None:
        """1 GET /user; None for an installation token."""
    def get_user_exists(self, login: str) -> bool:
        """1 GET /users/{login}."""
    def get_org_settings(self, org: str) -> dict:
        """1 GET /orgs/{org}."""
    def set_base_permission(self, org: str, permission: str) -> None:
        """1 PATCH /orgs/{org}."""
    def list_org_members(self, org: str) -> set[str]:
        """Pages of /orgs/{org}/members."""
    def list_org_owners(self, org: str) -> set[str]:
        """Pages of /orgs/{org}/members?role=admin."""
    def list_org_invitations(self, org: str) -> list[Invitation]:
        """Pages of /orgs/{org}/invitations."""
    def list_pending_invitations(self, org: str) -> list[dict]:
        """Pages of /orgs/{org}/invitations (login, email)."""
    def list_failed_invitations(self, org: str) -> list[Invitation]:
        """Pages of /orgs/{org}/failed_invitations."""
    def create_email_invitation(self, org: str, email: str, team_ids: list[int]) -> None:
        """1 POST /orgs/{org}/invitations."""
    def get_server_time(self) -> datetime:
        """1 GET /rate_limit (its Date header; free of rate limit)."""
    def get_org_role(self, org: str, login: str) -> str | None:
        """1 GET /orgs/{org}/memberships/{login}."""

    # -- repositories ------------------------------------------------------------------------------
    def list_org_repos(self, org: str) -> dict[str, RepoInfo]:
        """Pages of /orgs/{org}/repos."""
    def get_repo(self, full_name: str) -> RepoInfo:
        """1 GET {repo}."""
    def create_repo(self, org: str, name: str, *, private: bool, description: str,
                    auto_init: bool) -> RepoInfo:
        """1 POST /orgs/{org}/repos (+1 GET probe after a failure)."""
    def generate_repo(self, template: str, org: str, name: str, *, private: bool,
                      description: str) -> RepoInfo:
        """1 POST /repos/{template}/generate (+1 GET probe after a failure)."""
    def update_repo(self, full_name: str, **fields: Any) -> RepoInfo:
        """1 PATCH {repo}."""
    def list_collaborators(self, full_name: str) -> dict[str, str]:
        """Pages of {repo}/collaborators."""

    # -- teams -------------------------------------------------------------------------------------
    def list_teams(self, org: str) -> dict[str, TeamInfo]:
        """Pages of /orgs/{org}/teams."""
    def get_team(self, org: str, slug: str) -> TeamInfo:
        """1 GET /orgs/{org}/teams/{slug}."""
    def check_teams_readable(self, org: str) -> None:
        """1 GET /orgs/{org}/teams?per_page=1; raises when refused."""
    def get_team_named(self, org: str, name: str) -> TeamInfo | None:
        """Pages of /orgs/{org}/teams."""
    def create_team(self, org: str, name: str, *, description: str = "",
                    repo: str | None = None, permission: str = "pull") -> TeamInfo:
        """1 POST /orgs/{org}/teams (+ list probe after a failure)."""
    def list_team_members(self, org: str, slug: str) -> set[str]:
        """Pages of /orgs/{org}/teams/{slug}/members."""
    def get_team_membership_state(self, org: str, slug: str, login: str) -> str | None:
        """1 GET .../memberships/{login}."""
    def add_team_member(self, org: str, slug: str, login: str,
                        role: str = "member") -> str:
        """1 PUT .../memberships/{login}."""
    def remove_team_member(self, org: str, slug: str, login: str) -> None:
        """1 DELETE .../memberships/{login}."""
    def list_team_repos(self, org: str, slug: str) -> dict[str, str]:
        """Pages of /orgs/{org}/teams/{slug}/repos."""
    def set_team_repo(self, org: str, slug: str, full_name: str,
                      permission: str) -> None:
        """1 PUT /orgs/{org}/teams/{slug}{repo}."""

    # -- git data ----------------------------------------------------------------------------------
    def get_branch_sha(self, full_name: str, branch: str) -> str:
        """1 GET .../git/ref/heads/{branch}."""
    def get_commit(self, full_name: str, sha: str) -> dict:
        """1 GET .../git/commits/{sha}."""
    def commit_files(self, full_name: str, branch: str, files: dict[str, bytes], message: str,
                     *, parent: str, delete: list[str] = (),
                     base_tree: str | None = None) -> str:
        """POST tree, POST commit, PATCH ref (+1 GET commit without base_tree, +1 POST per binary file)."""
    def put_file(self, full_name: str, path: str, data: bytes, message: str, *, branch: str,
                 sha: str | None = None) -> str:
        """1 PUT .../contents/{path}."""
    def get_file(self, full_name: str, path: str) -> tuple[bytes, str] | None:
        """1 GET {repo}/contents/{path} (the default branch)."""
    def get_tree(self, full_name: str, sha: str) -> list[TreeEntry]:
        """1 GET .../git/trees/{sha}?recursive=1."""
    def get_blob(self, full_name: str, sha: str) -> bytes:
        """1 GET .../git/blobs/{sha}."""
    def list_pushes(self, full_name: str, ref: str) -> list[Push]:
        """Pages of .../activity?ref=."""
    def get_ref(self, full_name: str, ref: str) -> str | None:
        """1 GET .../git/ref/{ref}."""
    def get_ref_object(self, full_name: str, ref: str) -> tuple[str, str] | None:
        """1 GET .../git/ref/{ref}."""
    def list_matching_refs(self, full_name: str,
                           prefix: str) -> dict[str, tuple[str, str]]:
        """Pages of .../git/matching-refs/{prefix}."""
    def set_ref(self, full_name: str, ref: str, sha: str, *, exists: bool) -> None:
        """1 PATCH, or 1 POST .../git/refs."""
    def delete_ref(self, full_name: str, ref: str) -> None:
        """1 DELETE .../git/refs/{ref}."""
    def get_tag_target(self, full_name: str, sha: str) -> tuple[str, str]:
        """1 GET .../git/tags/{sha}."""

    # -- issues and comments -----------------------------------------------------------------------
    def list_issues(self, full_name: str, *, labels: list[str] | None = None,
                    creator: str | None = None, state: str = "all") -> list[Issue]:
        """Pages of .../issues."""
    def list_threads(self, full_name: str, *, state: str = "all") -> list[Thread]:
        """Pages of .../issues (oldest first)."""
    def get_issue(self, full_name: str, number: int) -> Issue | None:
        """1 GET .../issues/{number}."""
    def list_assignees(self, full_name: str) -> set[str]:
        """Pages of .../assignees."""
    def create_issue(self, full_name: str, *, title: str, body: str, labels: list[str],
                     assignees: list[str],
                     probe: Callable[[], Issue | None]) -> Issue:
        """1 POST .../issues (+ probe after a failure)."""
    def update_issue(self, full_name: str, number: int, **fields: Any) -> Issue:
        """1 PATCH .../issues/{number}."""
    def list_comments(self, full_name: str, number: int) -> list[Comment]:
        """Pages of .../issues/{number}/comments."""
    def list_repo_comments(self, full_name: str) -> dict[int, list[Comment]]:
        """Pages of .../issues/comments."""
    def create_comment(self, full_name: str, number: int, body: str, *,
                       probe: Callable[[], Any]) -> Comment:
        """1 POST .../issues/{number}/comments (+ probe after a failure)."""
    def update_comment(self, full_name: str, comment_id: int, body: str) -> Comment:
        """1 PATCH .../issues/comments/{id}."""
    def list_labels(self, full_name: str) -> dict[str, str]:
        """Pages of .../labels."""
    def create_label(self, full_name: str, name: str, color: str,
                     description: str) -> None:
        """1 POST .../labels (+ list probe after a failure)."""
