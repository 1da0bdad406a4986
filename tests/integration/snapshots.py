"""Read an organization's end state through PyGithub, to compare runs (clean vs faulty)."""

from __future__ import annotations


def org_state(gh, org_login: str) -> dict:
    org = gh.get_organization(org_login)
    state: dict = {"repos": {}, "teams": {}}
    for repo in org.get_repos():
        head = repo.get_branch(repo.default_branch)
        tree = repo.get_git_tree(head.commit.sha, recursive=True)
        state["repos"][repo.name] = {
            "private": repo.private,
            "commits": repo.get_commits().totalCount,
            "files": sorted(e.path for e in tree.tree if e.type == "blob"),
        }
    for team in org.get_teams():
        state["teams"][team.slug] = {
            "name": team.name,
            "members": sorted(m.login for m in team.get_members()),
            "repos": sorted((r.full_name, r.permissions.push, r.permissions.maintain)
                            for r in team.get_repos()),
        }
    return state
