"""JSON representations, field for field as GitHub's OpenAPI description requires them.

Every URL is built from the sandbox's own base URL: PyGithub follows the `url` fields it is given
and refuses any host, port or path prefix other than its base_url.
"""

from __future__ import annotations

import base64

from .state import ROLE_NAMES, State


def web(base: str) -> str:
    """The web root for an API base: on GitHub Enterprise Server the API is HOST/api/v3 and
    pages, clone URLs and avatars live at HOST."""
    return base.removesuffix("/api/v3")


def node_id(kind: str, ident: int | str) -> str:
    # GitHub's legacy global ids are base64 of "0<len>:<Type><id>"; clients treat them as opaque.
    raw = f"0{len(kind)}:{kind}{ident}"
    return base64.b64encode(raw.encode()).decode()


def noreply(user: dict) -> str:
    return f"{user['id']}+{user['login']}@users.noreply.github.com"


def account(base: str, acct: dict, is_org: bool = False) -> dict:
    login = acct["login"]
    u = f"{base}/users/{login}"
    return {
        "login": login, "id": acct["id"],
        "node_id": node_id("Organization" if is_org else "User", acct["id"]),
        "avatar_url": f"{web(base)}/_avatars/{acct['id']}", "gravatar_id": "",
        "url": u, "html_url": f"{web(base)}/{login}",
        "followers_url": f"{u}/followers", "following_url": f"{u}/following{{/other_user}}",
        "gists_url": f"{u}/gists{{/gist_id}}", "starred_url": f"{u}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{u}/subscriptions", "organizations_url": f"{u}/orgs",
        "repos_url": f"{u}/repos", "events_url": f"{u}/events{{/privacy}}",
        "received_events_url": f"{u}/received_events",
        "type": "Organization" if is_org else "User", "user_view_type": "public",
        "site_admin": bool(acct.get("site_admin")),
    }


def public_user(base: str, user: dict, state: State) -> dict:
    is_org = "members" in user
    body = account(base, user, is_org)
    public_repos = sum(1 for r in state.repos.values()
                       if r["owner"].lower() == user["login"].lower() and not r["private"])
    body.update({
        "name": user.get("name"), "company": None, "blog": "", "location": None,
        "email": None, "hireable": None, "bio": None, "twitter_username": None,
        "public_repos": public_repos, "public_gists": 0, "followers": 0, "following": 0,
        "created_at": user["created_at"], "updated_at": user.get("updated_at",
                                                                 user["created_at"]),
    })
    return body


def private_user(base: str, user: dict, state: State) -> dict:
    body = public_user(base, user, state)
    body.update({
        "private_gists": 0, "total_private_repos": 0, "owned_private_repos": 0,
        "disk_usage": 0, "collaborators": 0, "two_factor_authentication": True,
        "email": noreply(user), "user_view_type": "private",
    })
    return body


def org_simple(base: str, org: dict) -> dict:
    o = f"{base}/orgs/{org['login']}"
    return {
        "login": org["login"], "id": org["id"], "node_id": node_id("Organization", org["id"]),
        "url": o, "repos_url": f"{o}/repos", "events_url": f"{o}/events",
        "hooks_url": f"{o}/hooks", "issues_url": f"{o}/issues",
        "members_url": f"{o}/members{{/member}}",
        "public_members_url": f"{o}/public_members{{/member}}",
        "avatar_url": f"{web(base)}/_avatars/{org['id']}",
        "description": org.get("description"),
    }


def org_full(base: str, org: dict, state: State, owner_view: bool) -> dict:
    body = org_simple(base, org)
    public = sum(1 for r in state.repos.values()
                 if r["owner"].lower() == org["login"].lower() and not r["private"])
    body.update({
        "name": org.get("name") or org["login"], "company": "", "blog": "",
        "location": "", "twitter_username": None, "is_verified": False,
        "has_organization_projects": True, "has_repository_projects": True,
        "public_repos": public, "public_gists": 0, "followers": 0, "following": 0,
        "html_url": f"{web(base)}/{org['login']}", "type": "Organization",
        "created_at": org["created_at"], "updated_at": org["updated_at"], "archived_at": None,
    })
    if owner_view:
        private = sum(1 for r in state.repos.values()
                      if r["owner"].lower() == org["login"].lower() and r["private"])
        body.update({
            "total_private_repos": private, "owned_private_repos": private,
            "default_repository_permission": {"pull": "read", "push": "write"}.get(
                org["base_permission"], org["base_permission"]),
            "members_can_create_repositories": org["members_can_create_repositories"],
            "two_factor_requirement_enabled": False,
        })
    return body


def owner_of(base: str, state: State, login: str) -> dict:
    org = state.org(login)
    if org:
        return account(base, org, is_org=True)
    user = state.user(login)
    return account(base, user or {"login": login, "id": 0})


def repo(base: str, state: State, r: dict, perm: str | None = None, full: bool = False,
         minimal: bool = False) -> dict:
    full_name = f"{r['owner']}/{r['name']}"
    a = f"{base}/repos/{full_name}"
    body = {
        "id": r["id"], "node_id": node_id("Repository", r["id"]), "name": r["name"],
        "full_name": full_name, "private": r["private"], "owner": owner_of(base, state,
                                                                             r["owner"]),
        "html_url": f"{web(base)}/{full_name}", "description": r["description"],
        "fork": False,
        "url": a, "forks_url": f"{a}/forks", "keys_url": f"{a}/keys{{/key_id}}",
        "collaborators_url": f"{a}/collaborators{{/collaborator}}", "teams_url": f"{a}/teams",
        "hooks_url": f"{a}/hooks", "issue_events_url": f"{a}/issues/events{{/number}}",
        "events_url": f"{a}/events", "assignees_url": f"{a}/assignees{{/user}}",
        "branches_url": f"{a}/branches{{/branch}}", "tags_url": f"{a}/tags",
        "blobs_url": f"{a}/git/blobs{{/sha}}", "git_tags_url": f"{a}/git/tags{{/sha}}",
        "git_refs_url": f"{a}/git/refs{{/sha}}", "trees_url": f"{a}/git/trees{{/sha}}",
        "statuses_url": f"{a}/statuses/{{sha}}", "languages_url": f"{a}/languages",
        "stargazers_url": f"{a}/stargazers", "contributors_url": f"{a}/contributors",
        "subscribers_url": f"{a}/subscribers", "subscription_url": f"{a}/subscription",
        "commits_url": f"{a}/commits{{/sha}}", "git_commits_url": f"{a}/git/commits{{/sha}}",
        "comments_url": f"{a}/comments{{/number}}",
        "issue_comment_url": f"{a}/issues/comments{{/number}}",
        "contents_url": f"{a}/contents/{{+path}}",
        "compare_url": f"{a}/compare/{{base}}...{{head}}", "merges_url": f"{a}/merges",
        "archive_url": f"{a}/{{archive_format}}{{/ref}}", "downloads_url": f"{a}/downloads",
        "issues_url": f"{a}/issues{{/number}}", "pulls_url": f"{a}/pulls{{/number}}",
        "milestones_url": f"{a}/milestones{{/number}}",
        "notifications_url": f"{a}/notifications{{?since,all,participating}}",
        "labels_url": f"{a}/labels{{/name}}", "releases_url": f"{a}/releases{{/id}}",
        "deployments_url": f"{a}/deployments",
    }
    open_issues = sum(1 for i in r["issues"].values() if i["state"] == "open")
    body.update({
        "git_url": f"{web(base).replace('http', 'git', 1)}/{full_name}.git",
        "ssh_url": f"git@{base.split('://', 1)[1].split(':')[0].split('/')[0]}:{full_name}.git",
        "clone_url": f"{web(base)}/{full_name}.git", "svn_url": f"{web(base)}/{full_name}",
        "mirror_url": None, "homepage": r["homepage"], "language": None,
        "forks_count": 0, "forks": 0, "stargazers_count": 0, "watchers_count": 0,
        "watchers": 0, "size": 0, "default_branch": r["default_branch"],
        "open_issues_count": open_issues, "open_issues": open_issues,
        "is_template": r["is_template"], "topics": [], "has_issues": r["has_issues"],
        "has_projects": r["has_projects"], "has_wiki": r["has_wiki"], "has_pages": False,
        "has_downloads": True, "has_discussions": False, "archived": r["archived"],
        "disabled": False, "visibility": "private" if r["private"] else "public",
        "pushed_at": r["pushed_at"] or r["created_at"], "created_at": r["created_at"],
        "updated_at": r["updated_at"], "allow_forking": True, "web_commit_signoff_required":
        False, "license": None,
    })
    if perm is not None:
        from .access import perm_flags
        body["permissions"] = perm_flags(perm)
        body["role_name"] = ROLE_NAMES.get(perm, perm)
    if minimal:
        return body
    if full:
        body.update({"network_count": 0, "subscribers_count": 0,
                     "temp_clone_token": None, "allow_squash_merge": True,
                     "allow_merge_commit": True, "allow_rebase_merge": True,
                     "delete_branch_on_merge": False})
        org = state.org(r["owner"])
        if org:
            body["organization"] = account(base, org, is_org=True)
        if r.get("template"):
            t_owner, t_name = r["template"].split("/", 1)
            t = state.repo(t_owner, t_name)
            if t:
                body["template_repository"] = repo(base, state, t)
    return body


def team(base: str, state: State, org: dict, t: dict, full: bool = False) -> dict:
    o = org["login"]
    # GitHub's team `url` is by ids; PyGithub's Team methods call it and its sub-paths.
    u = f"{base}/organizations/{org['id']}/team/{t['id']}"
    parent = None
    if t.get("parent_id"):
        found = state.team_by_id(t["parent_id"])
        if found:
            parent = team(base, state, org, found[1])
            parent.pop("parent", None)
            parent = {k: v for k, v in parent.items()
                      if k in ("id", "node_id", "url", "members_url", "name", "description",
                               "permission", "privacy", "notification_setting", "html_url",
                               "repositories_url", "slug", "type")}
    body = {
        "id": t["id"], "node_id": node_id("Team", t["id"]), "url": u,
        "html_url": f"{web(base)}/orgs/{o}/teams/{t['slug']}", "name": t["name"],
        "slug": t["slug"],
        "description": t["description"], "privacy": t["privacy"],
        "notification_setting": "notifications_enabled", "permission": t["permission"],
        "members_url": f"{u}/members{{/member}}", "repositories_url": f"{u}/repos",
        "type": "organization", "organization_id": org["id"], "parent": parent,
    }
    if full:
        body.pop("organization_id")
        body.update({
            "members_count": sum(1 for m in t["members"].values() if m["state"] == "active"),
            "repos_count": len(t["repos"]), "created_at": t["created_at"],
            "updated_at": t["updated_at"], "organization": org_full(base, org, state, False),
        })
        if parent is None:
            body.pop("parent")
    return body


def label(base: str, r: dict, lab: dict) -> dict:
    from urllib.parse import quote
    return {
        "id": lab["id"], "node_id": node_id("Label", lab["id"]),
        "url": f"{base}/repos/{r['owner']}/{r['name']}/labels/{quote(lab['name'])}",
        "name": lab["name"], "color": lab["color"], "default": lab.get("default", False),
        "description": lab.get("description"),
    }


def milestone(base: str, state: State, r: dict, m: dict) -> dict:
    a = f"{base}/repos/{r['owner']}/{r['name']}"
    issues = [i for i in r["issues"].values() if i.get("milestone") == m["number"]]
    creator = state.user(m["creator"])
    return {
        "url": f"{a}/milestones/{m['number']}",
        "html_url": f"{web(base)}/{r['owner']}/{r['name']}"
        f"/milestone/{m['number']}", "labels_url": f"{a}/milestones/{m['number']}/labels",
        "id": m["id"], "node_id": node_id("Milestone", m["id"]), "number": m["number"],
        "state": m["state"], "title": m["title"], "description": m.get("description"),
        "creator": account(base, creator) if creator else None,
        "open_issues": sum(1 for i in issues if i["state"] == "open"),
        "closed_issues": sum(1 for i in issues if i["state"] == "closed"),
        "created_at": m["created_at"], "updated_at": m["updated_at"],
        "closed_at": m.get("closed_at"), "due_on": m.get("due_on"),
    }


def issue(base: str, state: State, r: dict, i: dict) -> dict:
    a = f"{base}/repos/{r['owner']}/{r['name']}"
    u = f"{a}/issues/{i['number']}"
    user = state.user(i["user"])
    assignees = [account(base, state.user(x)) for x in i["assignees"] if state.user(x)]
    labels = [label(base, r, r["labels"][n.lower()]) for n in i["labels"]
              if n.lower() in r["labels"]]
    ms = r["milestones"].get(str(i["milestone"])) if i.get("milestone") else None
    closed_by = state.user(i["closed_by"]) if i.get("closed_by") else None
    return {
        "id": i["id"], "node_id": node_id("Issue", i["id"]), "url": u,
        "repository_url": a, "labels_url": f"{u}/labels{{/name}}",
        "comments_url": f"{u}/comments", "events_url": f"{u}/events",
        "html_url": f"{web(base)}/{r['owner']}/{r['name']}/issues/{i['number']}",
        "number": i["number"], "state": i["state"],
        "title": i["title"], "body": i.get("body"),
        "user": account(base, user) if user else None, "labels": labels,
        "assignee": assignees[0] if assignees else None, "assignees": assignees,
        "milestone": milestone(base, state, r, ms) if ms else None, "locked": False,
        "active_lock_reason": None, "comments": i["comments"],
        "created_at": i["created_at"], "updated_at": i["updated_at"],
        "closed_at": i.get("closed_at"),
        "closed_by": account(base, closed_by) if closed_by else None,
        "author_association": i.get("author_association", "MEMBER"),
        "reactions": {"url": f"{u}/reactions", "total_count": 0, "+1": 0, "-1": 0,
                      "laugh": 0, "hooray": 0, "confused": 0, "heart": 0, "rocket": 0,
                      "eyes": 0},
        "timeline_url": f"{u}/timeline",
        # GitHub sends null for an open issue, but the description's enum has no null in it.
        **({"state_reason": i["state_reason"]} if i.get("state_reason") else {}),
    }


def comment(base: str, state: State, r: dict, c: dict) -> dict:
    a = f"{base}/repos/{r['owner']}/{r['name']}"
    user = state.user(c["user"])
    return {
        "id": c["id"], "node_id": node_id("IssueComment", c["id"]),
        "url": f"{a}/issues/comments/{c['id']}",
        "html_url": f"{web(base)}/{r['owner']}/{r['name']}/issues/{c['issue']}#issuecomment-"
        f"{c['id']}",
        "issue_url": f"{a}/issues/{c['issue']}", "body": c["body"],
        "user": account(base, user) if user else None, "created_at": c["created_at"],
        "updated_at": c["updated_at"], "author_association": c.get("author_association",
                                                                    "MEMBER"),
        "reactions": {"url": f"{a}/issues/comments/{c['id']}/reactions", "total_count": 0,
                      "+1": 0, "-1": 0, "laugh": 0, "hooray": 0, "confused": 0, "heart": 0,
                      "rocket": 0, "eyes": 0},
    }
