"""Accounts, orgs, repositories, templates, teams and permissions, through real PyGithub."""

from __future__ import annotations

import time

import pytest
from github import GithubException, UnknownObjectException

from .conftest import ORG, PROF, client, make_team_repo, raw

pytestmark = pytest.mark.integration


def test_bad_token_gets_github_401(sandbox):
    status, _, body = raw(sandbox, "GET", "/user", token="ghs_nope")
    assert status == 401
    assert b'"Bad credentials"' in body
    with pytest.raises(GithubException) as exc:
        client(sandbox, "ghs_nope").get_user().login  # noqa: B018
    assert exc.value.status == 401


def test_bearer_token_and_user_endpoints(sandbox, tokens, gh):
    status, _, body = raw(sandbox, "GET", "/user",
                          headers={"Authorization": f"Bearer {tokens['alice']}"})
    assert status == 200 and b'"login": "alice"' in body
    me = gh("alice").get_user()
    assert me.login == "alice"
    other = gh("alice").get_user("bob")
    assert other.login == "bob" and other.type == "User"
    assert other.url == f"{sandbox.api_url}/users/bob"
    with pytest.raises(UnknownObjectException):
        gh("alice").get_user("nobody-here")


def test_org_and_members(gh):
    org = gh(PROF).get_organization(ORG)
    assert org.login == ORG
    logins = {m.login for m in org.get_members()}
    assert {"prof-lee", "alice", "bob"} <= logins
    admins = {m.login for m in org.get_members(role="admin")}
    assert admins == {"prof-lee"}
    assert org.has_in_members(gh(PROF).get_user("alice"))
    assert not org.has_in_members(gh(PROF).get_user("outsider"))


def test_org_membership_is_pending_until_accepted(sandbox, gh, tokens, uid):
    login = f"late-{uid}"
    token = sandbox.create_user(login)
    assert sandbox.create_user(login) == token  # idempotent
    org = gh(PROF).get_organization(ORG)
    user = gh(PROF).get_user(login)
    org.add_to_members(user, "member")
    membership = gh(PROF).get_user(login).get_organization_membership(ORG)
    assert membership.state == "pending" and membership.role == "member"
    # The invitee accepts through the real endpoint.
    status, _, body = raw(sandbox, "PATCH", f"/user/memberships/orgs/{ORG}", token=token,
                          body={"state": "active"})
    assert status == 200 and b'"state": "active"' in body
    assert gh(PROF).get_user(login).get_organization_membership(ORG).state == "active"


def test_create_list_get_repo_and_name_clash(gh, sandbox, uid):
    org = gh(PROF).get_organization(ORG)
    repo = org.create_repo(f"proj-{uid}", description="d", private=True, auto_init=True)
    assert repo.full_name == f"{ORG}/proj-{uid}"
    assert repo.clone_url == f"{sandbox.git_url}/{ORG}/proj-{uid}.git"
    assert repo.private and repo.default_branch == "main"
    assert f"proj-{uid}" in [r.name for r in org.get_repos()]
    again = gh(PROF).get_repo(f"{ORG}/proj-{uid}")
    assert again.id == repo.id and again.permissions.admin
    with pytest.raises(GithubException) as exc:
        org.create_repo(f"proj-{uid}")
    assert exc.value.status == 422
    assert exc.value.data["errors"][0]["message"] == "name already exists on this account"


def test_edit_archive_template_private_and_delete(gh, uid):
    org = gh(PROF).get_organization(ORG)
    repo = org.create_repo(f"edit-{uid}", private=False, auto_init=True)
    repo.edit(private=True, is_template=True, description="new")
    fresh = gh(PROF).get_repo(repo.full_name)
    assert fresh.private and fresh.is_template and fresh.description == "new"
    repo.edit(archived=True)
    assert gh(PROF).get_repo(repo.full_name).archived
    with pytest.raises(GithubException) as exc:
        repo.create_issue("after archive")
    assert exc.value.status == 403
    repo.edit(archived=False)
    assert not gh(PROF).get_repo(repo.full_name).archived
    repo.delete()
    with pytest.raises(UnknownObjectException):
        gh(PROF).get_repo(repo.full_name)


def test_rename_redirects(gh, uid):
    org = gh(PROF).get_organization(ORG)
    repo = org.create_repo(f"old-{uid}", auto_init=True)
    repo.edit(name=f"new-{uid}")
    moved = gh(PROF).get_repo(f"{ORG}/old-{uid}")
    assert moved.name == f"new-{uid}"


def test_generate_from_template_copies_files_not_labels_or_history(gh, uid):
    org = gh(PROF).get_organization(ORG)
    tpl = org.create_repo(f"tpl-{uid}", private=True, auto_init=True)
    tpl.create_file("src/app.py", "add app", b"print(1)\n")
    tpl.create_label("graded", "ff0000")
    tpl.create_issue("template issue")
    with pytest.raises(GithubException) as exc:
        org.create_repo_from_template(f"gen-{uid}-x", tpl)
    assert exc.value.status == 422  # not a template yet
    tpl.edit(is_template=True)
    repo = org.create_repo_from_template(f"gen-{uid}", tpl, private=True)
    assert repo.template_repository.full_name == tpl.full_name
    paths = sorted(c.path for c in repo.get_contents(""))
    assert paths == ["README.md", "src"]
    commits = list(repo.get_commits())
    assert len(commits) == 1 and commits[0].parents == []
    assert commits[0].commit.tree.sha == tpl.get_branch("main").commit.commit.tree.sha
    labels = {lab.name for lab in repo.get_labels()}
    assert "graded" not in labels and "bug" in labels
    assert repo.get_issues(state="all").totalCount == 0


def test_generated_repo_is_empty_for_a_while(gh, sandbox, tokens, uid):
    org = gh(PROF).get_organization(ORG)
    tpl = org.create_repo(f"slowtpl-{uid}", auto_init=True)
    tpl.edit(is_template=True)
    sandbox.generate_delay = 0.6
    try:
        repo = org.create_repo_from_template(f"slow-{uid}", tpl)
        status, _, _ = raw(sandbox, "GET", f"/repos/{repo.full_name}/contents/README.md",
                           tokens[PROF])
        assert status == 404
        status, _, body = raw(sandbox, "GET", f"/repos/{repo.full_name}/git/ref/heads/main",
                              tokens[PROF])
        assert status == 409 and b"Git Repository is empty." in body
        time.sleep(0.7)
        assert repo.get_contents("README.md").decoded_content.startswith(b"# slowtpl")
    finally:
        sandbox.generate_delay = 0.0


def test_teams_crud_and_memberships(gh, uid):
    org = gh(PROF).get_organization(ORG)
    repo = org.create_repo(f"teamrepo-{uid}", private=True, auto_init=True)
    team = org.create_team(f"Team {uid}", repo_names=[repo], permission="push",
                           privacy="closed", maintainers=["alice"], description="d")
    assert team.slug == f"team-{uid}" and team.privacy == "closed"
    assert team.permission == "push"
    team.add_membership(gh(PROF).get_user("bob"), "member")
    members = {m.login: team.get_team_membership(m.login).role for m in team.get_members()}
    # The creator is made a maintainer, as on github.com.
    assert members == {"prof-lee": "maintainer", "alice": "maintainer", "bob": "member"}
    assert [r.full_name for r in team.get_repos()] == [repo.full_name]
    assert org.get_team_by_slug(team.slug).id == team.id
    team.edit(f"Team {uid} renamed", description="x", privacy="secret")
    assert org.get_team_by_slug(f"team-{uid}-renamed").description == "x"
    assert f"team-{uid}-renamed" in [t.slug for t in org.get_teams()]
    team.remove_membership(gh(PROF).get_user("bob"))
    assert "bob" not in {m.login for m in team.get_members()}
    team.delete()
    with pytest.raises(UnknownObjectException):
        org.get_team_by_slug(f"team-{uid}-renamed")


def test_team_repository_permission(gh, sandbox, tokens, uid):
    org = gh(PROF).get_organization(ORG)
    repo = org.create_repo(f"perm-{uid}", private=True, auto_init=True)
    team = org.create_team(f"perm-{uid}", privacy="closed")
    slug = team.slug
    path = f"/orgs/{ORG}/teams/{slug}/repos/{ORG}/perm-{uid}"
    assert raw(sandbox, "GET", path, tokens[PROF])[0] == 404
    team.update_team_repository(repo, "maintain")
    assert raw(sandbox, "GET", path, tokens[PROF])[0] == 204
    status, _, body = raw(sandbox, "GET", path, tokens[PROF],
                          headers={"Accept": "application/vnd.github.v3.repository+json"})
    assert status == 200 and b'"maintain": true' in body and b'"admin": false' in body
    perms = team.get_repo_permission(repo)
    assert perms.maintain and not perms.admin
    team.remove_from_repos(repo)
    assert raw(sandbox, "GET", path, tokens[PROF])[0] == 404


def test_student_permissions_follow_teams(gh, tokens, sandbox, uid):
    mine, _ = make_team_repo(gh, f"own-{uid}", ["alice"])
    theirs, _ = make_team_repo(gh, f"other-{uid}", ["bob"])
    alice = gh("alice")
    repo = alice.get_repo(mine.full_name)
    assert repo.permissions.push and not repo.permissions.admin
    repo.create_file("notes.md", "notes", b"hi\n")
    # The session's org has GitHub's default base permission, read: another team's private
    # repository is readable, and a write to it is refused with 403 (test_base_permission.py
    # covers "none", where it is invisible: 404).
    assert alice.get_repo(theirs.full_name).permissions.push is False
    status, _, _ = raw(sandbox, "PUT", f"/repos/{theirs.full_name}/contents/x.md",
                       tokens["alice"], {"message": "m", "content": "aGk="})
    assert status == 403
    # Visible but read-only: the write is refused with 403.
    public, _ = make_team_repo(gh, f"pub-{uid}", ["bob"], private=False)
    status, _, body = raw(sandbox, "PUT", f"/repos/{public.full_name}/contents/x.md",
                          tokens["alice"], {"message": "m", "content": "aGk="})
    assert status == 403, body
    assert alice.get_repo(public.full_name).permissions.push is False
    # Outside collaborators see nothing of private repositories.
    with pytest.raises(UnknownObjectException):
        gh("outsider").get_repo(mine.full_name)


def test_collaborators_and_permission_levels(gh, sandbox, tokens, uid):
    repo, _ = make_team_repo(gh, f"collab-{uid}", ["alice"], permission="triage")
    perm = repo.get_collaborator_permission("alice")
    assert perm == "read"  # the legacy field folds triage into read
    status, _, body = raw(sandbox, "GET",
                          f"/repos/{repo.full_name}/collaborators/alice/permission",
                          tokens[PROF])
    assert status == 200 and b'"role_name": "triage"' in body
    repo.add_to_collaborators("bob", "maintain")
    assert repo.get_collaborator_permission("bob") == "write"
    assert repo.has_in_collaborators("bob")
    # Org members with access through the base permission (read here) are collaborators too
    # (GitHub's description of "List repository collaborators"); outsiders are not.
    assert repo.has_in_collaborators("carol")
    assert repo.get_collaborator_permission("carol") == "read"
    assert not repo.has_in_collaborators("outsider")
    logins = {c.login for c in repo.get_collaborators()}
    assert {"prof-lee", "alice", "bob", "carol"} <= logins and "outsider" not in logins
    # An outsider is invited, and gets access only once the invitation is accepted.
    repo.add_to_collaborators("outsider", "push")
    assert not repo.has_in_collaborators("outsider")
    assert sandbox.accept_invitations("outsider") == 1
    assert gh("outsider").get_repo(repo.full_name).permissions.push
    repo.remove_from_collaborators("bob")
    assert repo.get_collaborator_permission("bob") == "read"  # the base permission remains


def test_rate_limit_endpoint(gh):
    limits = gh("carol").get_rate_limit()
    assert limits.resources.core.limit == 5000
    assert 0 < limits.resources.core.remaining <= 5000
    assert limits.resources.search.limit == 30


def test_creating_a_team_takes_only_pull_or_push(gh, uid):
    from github import GithubException

    org = gh(PROF).get_organization(ORG)
    with pytest.raises(GithubException) as e:
        org.create_team(f"maintainers-{uid}", permission="maintain", privacy="closed")
    assert e.value.status == 422
    assert org.create_team(f"pushers-{uid}", permission="push", privacy="closed").slug


def test_an_app_installation_token_has_no_user_and_joins_no_team(sandbox, uid):
    from github import Auth, Github, GithubException

    token = sandbox.create_installation(ORG)
    app = Github(base_url=sandbox.api_url, auth=Auth.Token(token), retry=None)
    with pytest.raises(GithubException) as e:
        assert app.get_user().login is None
    assert e.value.status == 403
    team = app.get_organization(ORG).create_team(f"by-app-{uid}", privacy="closed")
    assert list(team.get_members()) == []
