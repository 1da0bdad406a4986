"""Everything the fake GitHub knows except git objects: accounts, orgs, teams, repos, issues.

Plain dicts so the whole thing dumps to one JSON file. Names are case-insensitive on GitHub, so
every map is keyed by the lower-cased name and the record keeps the spelling it was created with.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from pathlib import Path

LEVELS = ["none", "pull", "triage", "push", "maintain", "admin"]
# The REST API speaks two vocabularies for the same levels depending on the endpoint.
ROLE_NAMES = {"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain",
              "admin": "admin", "none": "none"}
FROM_ROLE = {"read": "pull", "write": "push", "triage": "triage", "maintain": "maintain",
             "admin": "admin", "pull": "pull", "push": "push", "none": "none"}

ADMIN_LOGIN = "sandbox-admin"


def level(perm: str | None) -> int:
    return LEVELS.index(FROM_ROLE.get(perm or "none", "none"))


def key(name: str) -> str:
    return name.lower()


def repo_key(owner: str, name: str) -> str:
    return f"{owner.lower()}/{name.lower()}"


class State:
    def __init__(self, path: Path | None):
        self.lock = threading.RLock()
        self.path = path
        self.data: dict = {}
        if path and path.exists():
            self.data = json.loads(path.read_text())
        self.data.setdefault("next_id", 1000)
        for section in ("users", "tokens", "orgs", "teams", "repos", "redirects", "invitations",
                        "org_invitations"):
            self.data.setdefault(section, {})

    # -- persistence -------------------------------------------------------------------------
    def save(self) -> None:
        if not self.path:
            return
        with self.lock:
            text = json.dumps(self.data, sort_keys=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(text)
        os.replace(tmp, self.path)

    def new_id(self) -> int:
        with self.lock:
            self.data["next_id"] += 1
            return self.data["next_id"]

    # -- accounts ------------------------------------------------------------------------------
    @property
    def users(self) -> dict:
        return self.data["users"]

    @property
    def orgs(self) -> dict:
        return self.data["orgs"]

    @property
    def repos(self) -> dict:
        return self.data["repos"]

    def ensure_user(self, login: str, now: str, site_admin: bool = False,
                    token: str | None = None) -> dict:
        with self.lock:
            if key(login) in self.orgs:
                raise ValueError(f"{login} is an organization")
            user = self.users.get(key(login))
            if user is None:
                token = token or "ghs_" + secrets.token_hex(18)
                user = {"login": login, "id": self.new_id(), "token": token,
                        "created_at": now, "site_admin": site_admin, "name": None}
                self.users[key(login)] = user
                self.data["tokens"][token] = key(login)
            return user

    # -- tokens ----------------------------------------------------------------------------------
    # data["tokens"] maps a token to its record: {"user", "kind": "classic" | "fine_grained" |
    # "installation", "permissions" (fine-grained kinds), "scopes" (classic), "expires_at"
    # (installation tokens: ISO time or None), "org" (installation)}. A bare string is a record
    # from an older state file: a classic token of that user with full scopes.
    def token_record(self, token: str) -> dict | None:
        record = self.data["tokens"].get(token)
        if isinstance(record, str):
            return {"user": record, "kind": "classic", "scopes": None, "permissions": None,
                    "expires_at": None, "org": None}
        return record

    def add_token(self, login: str, kind: str, permissions: dict | None = None,
                  scopes: list[str] | None = None, expires_at: str | None = None,
                  org: str | None = None) -> str:
        # GitHub's prefixes: ghp_ classic, github_pat_ fine-grained, ghs_ installation.
        prefix = {"classic": "ghp_", "fine_grained": "github_pat_", "installation": "ghs_"}[kind]
        token = prefix + secrets.token_hex(18)
        with self.lock:
            self.data["tokens"][token] = {
                "user": key(login), "kind": kind, "permissions": permissions,
                "scopes": scopes, "expires_at": expires_at, "org": key(org) if org else None}
        return token

    def user(self, login: str) -> dict | None:
        return self.users.get(key(login))

    def ensure_org(self, login: str, now: str, base_permission: str = "read") -> dict:
        with self.lock:
            if key(login) in self.users:
                raise ValueError(f"{login} is a user")
            org = self.orgs.get(key(login))
            if org is None:
                org = {"login": login, "id": self.new_id(), "created_at": now,
                       "updated_at": now, "members": {},
                       "base_permission": base_permission,
                       "members_can_create_repositories": True}
                self.orgs[key(login)] = org
                self.data["teams"][key(login)] = {}
            return org

    def org(self, login: str) -> dict | None:
        return self.orgs.get(key(login))

    def teams(self, org: str) -> dict:
        return self.data["teams"].setdefault(key(org), {})

    def team_by_id(self, team_id: int) -> tuple[str, dict] | None:
        for org, teams in self.data["teams"].items():
            for team in teams.values():
                if team["id"] == team_id:
                    return org, team
        return None

    # -- repositories -------------------------------------------------------------------------
    def repo(self, owner: str, name: str) -> dict | None:
        return self.repos.get(repo_key(owner, name))

    def add_repo(self, repo: dict) -> dict:
        with self.lock:
            self.repos[repo_key(repo["owner"], repo["name"])] = repo
            return repo

    def new_repo(self, owner: str, name: str, now: str, **fields) -> dict:
        repo = {
            "id": self.new_id(), "owner": owner, "name": name, "description": None,
            "homepage": None, "private": False, "visibility": "public", "is_template": False,
            "archived": False, "default_branch": "main", "has_issues": True,
            "has_projects": True, "has_wiki": True, "created_at": now, "updated_at": now,
            "pushed_at": None, "template": None, "ready_at": None, "ready_at_real": None,
            "collaborators": {}, "issues": {}, "labels": {}, "milestones": {},
            "comments": {}, "activity": [], "next_number": 1, "next_milestone": 1,
        }
        repo.update(fields)
        return repo

    def drop_repo(self, owner: str, name: str) -> None:
        with self.lock:
            self.repos.pop(repo_key(owner, name), None)
            for teams in self.data["teams"].values():
                for team in teams.values():
                    team["repos"].pop(repo_key(owner, name), None)
