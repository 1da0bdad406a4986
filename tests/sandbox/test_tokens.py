"""Tokens bite as on GitHub: App installation tokens expire and hold exactly their permissions,
fine-grained tokens too, classic tokens carry scopes, and workflow files need `workflows`."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from github import GithubException

from classroom_ops.sandbox import permissions
from classroom_ops.sandbox.routing import ROUTER

from .conftest import ORG, PROF, client, make_team_repo, raw
from .gitcli import authed, git

pytestmark = pytest.mark.integration

APP_REFUSAL = "Resource not accessible by integration"
PAT_REFUSAL = "Resource not accessible by personal access token"
CI = "name: ci\non: push\njobs: {}\n"


def test_every_route_the_sandbox_serves_names_its_permission():
    unmapped = [f"{m} {p}" for m, p in ROUTER.patterns if permissions.requirement(m, p) is None]
    assert unmapped == []
    names = {p for sets in permissions.TABLE.values() for s in sets for p in s}
    assert names <= set(permissions.APP_PERMISSIONS)
    # the check refuses an unmapped route rather than letting it through
    with pytest.raises(Exception, match="no permission mapped"):
        permissions.check({"kind": "installation", "permissions": {}}, "GET", "/nowhere", False)


def test_an_installation_token_is_new_at_each_mint_and_lasts_one_hour(fresh):
    sb = fresh()
    sb.set_clock(datetime(2026, 10, 1, 9, 0, tzinfo=UTC), frozen=True)
    sb.create_org("acme", owners=["prof"])
    first, second = sb.create_installation("acme"), sb.create_installation("acme")
    assert first != second and first.startswith("ghs_")
    assert raw(sb, "GET", "/orgs/acme/repos", first)[0] == 200
    sb.advance(timedelta(minutes=59))
    assert raw(sb, "GET", "/orgs/acme/repos", first)[0] == 200
    sb.advance(timedelta(minutes=1))
    status, _, body = raw(sb, "GET", "/orgs/acme/repos", first)
    assert (status, json.loads(body)["message"]) == (401, "Bad credentials")
    minted = sb.create_installation("acme")  # what the next Actions job does
    assert raw(sb, "GET", "/orgs/acme/repos", minted)[0] == 200
    # the control API mints them too and says when they expire
    status, _, body = raw(sb, "POST", "/_sandbox/installations", sb.admin_token,
                          {"org": "acme", "permissions": {"contents": "read"}})
    assert status == 201 and json.loads(body)["expires_at"] == "2026-10-01T11:00:00Z"
    status, _, body = raw(sb, "POST", "/_sandbox/installations", sb.admin_token,
                          {"org": "acme", "permissions": {"contents": "admin"}})
    assert status == 422 and "read or write" in json.loads(body)["message"]


def test_an_expired_installation_token_cannot_clone(fresh, tmp_path):
    sb = fresh()
    sb.set_clock(datetime(2026, 10, 1, 9, 0, tzinfo=UTC), frozen=True)
    sb.create_org("acme", owners=["prof"])
    client(sb, sb.token("prof")).get_organization("acme").create_repo(
        "r", private=True, auto_init=True)
    token = sb.create_installation("acme")
    url = authed(f"{sb.git_url}/acme/r.git", token)
    git("clone", "-q", url, str(tmp_path / "a"))
    sb.advance(timedelta(hours=1))
    proc = git("clone", "-q", url, str(tmp_path / "b"), check=False)
    assert proc.returncode != 0 and "Invalid username or token" in proc.stderr


def test_the_app_has_exactly_the_permissions_it_was_minted_with(sandbox, gh, uid):
    repo, _ = make_team_repo(gh, f"scoped-{uid}", ["alice"])
    reader = client(sandbox, sandbox.create_installation(ORG, {"contents": "read"}))
    mine = reader.get_repo(repo.full_name)
    assert mine.get_contents("README.md").decoded_content  # contents: read reads
    head = mine.get_branch("main").commit.sha
    with pytest.raises(GithubException) as e:  # the deadline check's submission tag
        mine.create_git_ref("refs/tags/submission/proposal", head)
    assert (e.value.status, e.value.data["message"]) == (403, APP_REFUSAL)
    assert e.value.headers["x-accepted-github-permissions"] == "contents=write"
    with pytest.raises(GithubException) as e:
        mine.create_issue("late")
    assert e.value.status == 403
    assert e.value.headers["x-accepted-github-permissions"] == "issues=write"
    with pytest.raises(GithubException) as e:
        reader.get_organization(ORG).create_team(f"nope-{uid}", privacy="closed")
    assert e.value.headers["x-accepted-github-permissions"] == "members=write"
    with pytest.raises(GithubException) as e:
        reader.get_organization(ORG).create_repo(f"nope-{uid}")
    assert e.value.headers["x-accepted-github-permissions"] == "administration=write"
    with pytest.raises(GithubException) as e:
        list(reader.get_organization(ORG).get_members())
    assert e.value.headers["x-accepted-github-permissions"] == "members=read"
    # labels belong to issues and pull requests alike: either permission will do
    status, headers, _ = raw(sandbox, "POST", f"/repos/{repo.full_name}/labels",
                             sandbox.create_installation(ORG, {"contents": "write"}),
                             {"name": "x", "color": "ededed"})
    assert status == 403
    assert headers["x-accepted-github-permissions"] == "issues=write; pull_requests=write"
    writer = client(sandbox, sandbox.create_installation(
        ORG, {"contents": "write", "issues": "write"})).get_repo(repo.full_name)
    assert writer.create_git_ref("refs/tags/submission/proposal", head).ref
    assert writer.create_issue("late").number


def test_the_apps_bot_is_no_member_owner_or_collaborator(sandbox, gh, uid):
    repo, _ = make_team_repo(gh, f"nobot-{uid}", ["alice"])
    app = client(sandbox, sandbox.create_installation(ORG))
    for who in (app, gh(PROF)):
        org = who.get_organization(ORG)
        logins = [m.login for m in org.get_members()]
        assert PROF in logins and not [x for x in logins if x.endswith("[bot]")]
        assert not [m for m in org.get_members(role="admin") if m.login.endswith("[bot]")]
    assert not [c for c in repo.get_collaborators() if c.login.endswith("[bot]")]


def test_a_fine_grained_token_holds_its_permissions_within_its_users_reach(sandbox, gh, uid):
    repo, _ = make_team_repo(gh, f"pat-{uid}", ["alice"])
    other, _ = make_team_repo(gh, f"pat-other-{uid}", ["bob"])
    reader = client(sandbox, sandbox.create_user("alice", permissions={"contents": "read"}))
    mine = reader.get_repo(repo.full_name)
    assert mine.get_contents("README.md").sha
    with pytest.raises(GithubException) as e:
        mine.create_file("notes.md", "notes", b"hi")
    assert (e.value.status, e.value.data["message"]) == (403, PAT_REFUSAL)
    assert e.value.headers["x-accepted-github-permissions"] == "contents=write"
    assert "x-oauth-scopes" not in e.value.headers
    # the classic token of the same student still writes
    assert gh("alice").get_repo(repo.full_name).create_file("notes.md", "notes", b"hi")
    # a permission never widens what the user may reach: bob's private repo stays invisible
    # (with the github.com base permission `read` it is readable, but never writable)
    writer = client(sandbox, sandbox.create_user("alice", permissions={"contents": "write"}))
    with pytest.raises(GithubException) as e:
        writer.get_repo(other.full_name).create_file("x.md", "x", b"x")
    assert e.value.status in (403, 404)


def test_a_classic_token_says_its_scopes_and_needs_workflow_for_workflow_files(sandbox, gh,
                                                                              uid, tokens):
    repo, _ = make_team_repo(gh, f"classic-{uid}", ["alice"])
    status, headers, _ = raw(sandbox, "GET", f"/repos/{repo.full_name}", tokens["alice"])
    assert status == 200
    assert headers["x-oauth-scopes"] == "admin:org, delete_repo, repo, workflow"
    narrow = sandbox.create_user("alice", scopes=["repo"])
    status, headers, body = raw(
        sandbox, "PUT", f"/repos/{repo.full_name}/contents/.github/workflows/ci.yml", narrow,
        {"message": "ci", "content": base64.b64encode(CI.encode()).decode()})
    assert headers["x-oauth-scopes"] == "repo"
    assert (status, json.loads(body)["message"]) == (
        403, "refusing to allow a Personal Access Token to create or update workflow "
             "`.github/workflows/ci.yml` without `workflow` scope")
    # other files are fine with `repo`
    status, _, _ = raw(sandbox, "PUT", f"/repos/{repo.full_name}/contents/ci.yml", narrow,
                       {"message": "ci", "content": base64.b64encode(CI.encode()).decode()})
    assert status == 201
    # and without admin:org a classic token cannot see team management
    status, headers, _ = raw(sandbox, "GET", f"/orgs/{ORG}/teams", narrow)
    assert status == 404 and headers["x-accepted-oauth-scopes"] == "read:org"


def test_workflow_files_through_contents_need_the_workflows_permission(sandbox, gh, uid):
    repo, _ = make_team_repo(gh, f"wf-{uid}", ["alice"])
    app = client(sandbox, sandbox.create_installation(ORG, {"contents": "write"}))
    mine = app.get_repo(repo.full_name)
    with pytest.raises(GithubException) as e:
        mine.create_file(".github/workflows/ci.yml", "ci", CI)
    assert e.value.status == 403
    assert e.value.data["message"] == (
        "refusing to allow a GitHub App to create or update workflow "
        "`.github/workflows/ci.yml` without `workflows` permission")
    assert e.value.headers["x-accepted-github-permissions"] == "contents=write,workflows=write"
    assert mine.create_file(".github/other/ci.yml", "not a workflow", CI)
    full = client(sandbox, sandbox.create_installation(
        ORG, {"contents": "write", "workflows": "write"})).get_repo(repo.full_name)
    created = full.create_file(".github/workflows/ci.yml", "ci", CI)["content"]
    with pytest.raises(GithubException) as e:  # deleting one is a change too
        mine.delete_file(".github/workflows/ci.yml", "rm", created.sha)
    assert e.value.status == 403
    pat = client(sandbox, sandbox.create_user("alice", permissions={"contents": "write"}))
    with pytest.raises(GithubException) as e:
        pat.get_repo(repo.full_name).update_file(".github/workflows/ci.yml", "x", "x",
                                                 created.sha)
    assert "a Personal Access Token" in e.value.data["message"]


def test_workflow_files_through_git_data_need_the_workflows_permission(sandbox, gh, uid):
    repo, _ = make_team_repo(gh, f"wfdata-{uid}", ["alice"])
    repo.create_file(".github/workflows/ci.yml", "ci", CI)  # the owner's classic token may
    app = client(sandbox, sandbox.create_installation(ORG, {"contents": "write"}))
    mine = app.get_repo(repo.full_name)
    head = mine.get_branch("main").commit
    # a tag on a commit the repository already has changes no workflow: allowed
    assert mine.create_git_ref("refs/tags/submission/proposal", head.sha).ref
    from github import InputGitTreeElement

    def commit_with(path: str, text: str):
        blob = mine.create_git_blob(text, "utf-8")
        tree = mine.create_git_tree([InputGitTreeElement(path, "100644", "blob",
                                                         sha=blob.sha)],
                                    base_tree=mine.get_git_tree(head.sha))
        return mine.create_git_commit("change", tree, [mine.get_git_commit(head.sha)])

    changed = commit_with(".github/workflows/ci.yml", CI + "# changed\n")
    with pytest.raises(GithubException) as e:
        mine.get_git_ref("heads/main").edit(changed.sha)
    assert e.value.status == 403 and "`.github/workflows/ci.yml`" in e.value.data["message"]
    with pytest.raises(GithubException) as e:
        mine.create_git_ref("refs/heads/sneaky", changed.sha)
    assert e.value.status == 403
    plain = commit_with("notes.md", "notes")
    mine.get_git_ref("heads/main").edit(plain.sha)
    assert mine.get_git_ref("heads/main").object.sha == plain.sha


def test_workflow_files_through_git_push_need_the_workflows_permission(sandbox, gh, uid,
                                                                      tmp_path):
    repo, _ = make_team_repo(gh, f"wfpush-{uid}", ["alice"])
    token = sandbox.create_installation(ORG, {"contents": "write"})
    url = authed(f"{sandbox.git_url}/{repo.full_name}.git", token)
    work = tmp_path / "w"
    git("clone", "-q", url, str(work))
    (work / "notes.md").write_text("notes\n")
    git("add", "-A", cwd=work)
    git("commit", "-qm", "notes", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)  # no workflow touched: accepted
    (work / ".github" / "workflows").mkdir(parents=True)
    (work / ".github" / "workflows" / "ci.yml").write_text(CI)
    git("add", "-A", cwd=work)
    git("commit", "-qm", "ci", cwd=work)
    proc = git("push", "origin", "main", cwd=work, check=False)
    assert proc.returncode != 0
    assert ("refusing to allow a GitHub App to create or update workflow "
            "`.github/workflows/ci.yml` without `workflows` permission") in proc.stderr
    assert repo.get_branch("main").commit.commit.message == "notes"
    # a student's classic token has the workflow scope, as GitHub's default for `gh auth`
    student = authed(f"{sandbox.git_url}/{repo.full_name}.git", sandbox.token("alice"))
    git("push", "-q", student, "main", cwd=work)
    assert repo.get_branch("main").commit.commit.message == "ci"
