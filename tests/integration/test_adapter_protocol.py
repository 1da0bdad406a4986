"""Every call of the adapter's Protocol, on the sandbox, costs what its docstring says: the exact
requests, in order (a story: an organization, a repository, a team, files, refs, an issue and
its comments). A Protocol method this story does not call fails the coverage test, so a new call
comes with its measured cost."""

from __future__ import annotations

import inspect

import pytest

from classroom_ops.adapter import GitHub
from classroom_ops.adapter.protocol import GitHubAPI

pytestmark = pytest.mark.integration


def story(gh: GitHubAPI, raw) -> tuple[list[tuple[str, object, list[tuple[str, str]]]], dict]:
    """(method, call, the requests it must make), in an order where each step can run."""
    R = "/repos/dls/work"
    state: dict = {}

    def commit(g):
        state["head"] = g.commit_files("dls/work", "main", {"a.md": b"# A\n"}, "files",
                                       parent=state["base"])

    def tag(g):  # an annotated tag, made outside the adapter, for get_ref_object/get_tag_target
        d = raw("POST", f"{R}/git/tags", {"tag": "t", "message": "t", "object": state["head"],
                                          "type": "commit"})
        state["tag"] = d["sha"]

    def issue(g):
        state["issue"] = g.create_issue("dls/work", title="t", body="b", labels=["x"],
                                        assignees=[], probe=lambda: None).number

    def comment(g):
        state["comment"] = g.create_comment("dls/work", 1, "hello", probe=lambda: None).id

    return [
        ("get_login", lambda g: g.get_login(), [("GET", "/user")]),
        ("get_user_exists", lambda g: g.get_user_exists("alice"), [("GET", "/users/alice")]),
        ("get_org_settings", lambda g: g.get_org_settings("dls"), [("GET", "/orgs/dls")]),
        ("set_base_permission", lambda g: g.set_base_permission("dls", "none"),
         [("PATCH", "/orgs/dls")]),
        ("get_org_role", lambda g: g.get_org_role("dls", "prof-lee"),
         [("GET", "/orgs/dls/memberships/prof-lee")]),
        ("list_org_members", lambda g: g.list_org_members("dls"), [("GET", "/orgs/dls/members")]),
        ("list_org_owners", lambda g: g.list_org_owners("dls"), [("GET", "/orgs/dls/members")]),
        ("create_email_invitation",
         lambda g: g.create_email_invitation("dls", "zoe@example.org", []),
         [("POST", "/orgs/dls/invitations")]),
        ("list_org_invitations", lambda g: g.list_org_invitations("dls"),
         [("GET", "/orgs/dls/invitations")]),
        ("list_pending_invitations", lambda g: g.list_pending_invitations("dls"),
         [("GET", "/orgs/dls/invitations")]),
        ("list_failed_invitations", lambda g: g.list_failed_invitations("dls"),
         [("GET", "/orgs/dls/failed_invitations")]),
        ("get_server_time", lambda g: g.get_server_time(), [("GET", "/rate_limit")]),
        ("create_repo", lambda g: g.create_repo("dls", "tpl", private=True, description="",
                                                auto_init=True), [("POST", "/orgs/dls/repos")]),
        ("update_repo", lambda g: g.update_repo("dls/tpl", is_template=True),
         [("PATCH", "/repos/dls/tpl")]),
        ("generate_repo", lambda g: g.generate_repo("dls/tpl", "dls", "work", private=True,
                                                    description=""),
         [("POST", "/repos/dls/tpl/generate")]),
        ("list_org_repos", lambda g: g.list_org_repos("dls"), [("GET", "/orgs/dls/repos")]),
        ("get_repo", lambda g: g.get_repo("dls/work"), [("GET", R)]),
        ("list_collaborators", lambda g: g.list_collaborators("dls/work"),
         [("GET", f"{R}/collaborators")]),
        ("create_team", lambda g: g.create_team("dls", "Team A"), [("POST", "/orgs/dls/teams")]),
        ("list_teams", lambda g: g.list_teams("dls"), [("GET", "/orgs/dls/teams")]),
        ("get_team", lambda g: g.get_team("dls", "team-a"), [("GET", "/orgs/dls/teams/team-a")]),
        ("check_teams_readable", lambda g: g.check_teams_readable("dls"),
         [("GET", "/orgs/dls/teams")]),
        ("get_team_named", lambda g: g.get_team_named("dls", "team a"),
         [("GET", "/orgs/dls/teams")]),
        ("add_team_member", lambda g: g.add_team_member("dls", "team-a", "alice"),
         [("PUT", "/orgs/dls/teams/team-a/memberships/alice")]),
        ("list_team_members", lambda g: g.list_team_members("dls", "team-a"),
         [("GET", "/orgs/dls/teams/team-a/members")]),
        ("get_team_membership_state",
         lambda g: g.get_team_membership_state("dls", "team-a", "alice"),
         [("GET", "/orgs/dls/teams/team-a/memberships/alice")]),
        ("remove_team_member", lambda g: g.remove_team_member("dls", "team-a", "prof-lee"),
         [("DELETE", "/orgs/dls/teams/team-a/memberships/prof-lee")]),
        ("set_team_repo", lambda g: g.set_team_repo("dls", "team-a", "dls/work", "push"),
         [("PUT", "/orgs/dls/teams/team-a/repos/dls/work")]),
        ("list_team_repos", lambda g: g.list_team_repos("dls", "team-a"),
         [("GET", "/orgs/dls/teams/team-a/repos")]),
        ("get_branch_sha", lambda g: state.__setitem__("base", g.get_branch_sha("dls/work",
                                                                               "main")),
         [("GET", f"{R}/git/ref/heads/main")]),
        ("get_commit", lambda g: g.get_commit("dls/work", state["base"]),
         [("GET", f"{R}/git/commits/BASE")]),
        ("commit_files", commit,  # no base_tree given: the parent's tree is read first
         [("GET", f"{R}/git/commits/BASE"), ("POST", f"{R}/git/trees"),
          ("POST", f"{R}/git/commits"), ("PATCH", f"{R}/git/refs/heads/main")]),
        ("put_file", lambda g: state.__setitem__("head", g.put_file(
            "dls/work", "b.md", b"b\n", "b", branch="main")), [("PUT", f"{R}/contents/b.md")]),
        ("get_file", lambda g: g.get_file("dls/work", "b.md"), [("GET", f"{R}/contents/b.md")]),
        ("get_tree", lambda g: state.__setitem__("tree", g.get_tree("dls/work", state["head"])),
         [("GET", f"{R}/git/trees/HEAD")]),
        ("get_blob", lambda g: g.get_blob("dls/work", next(
            e.sha for e in state["tree"] if e.path == "a.md")), [("GET", f"{R}/git/blobs/A")]),
        ("list_pushes", lambda g: g.list_pushes("dls/work", "refs/heads/main"),
         [("GET", f"{R}/activity")]),
        ("set_ref", lambda g: g.set_ref("dls/work", "tags/v1", state["head"], exists=False),
         [("POST", f"{R}/git/refs")]),
        ("get_ref", lambda g: g.get_ref("dls/work", "tags/v1"), [("GET", f"{R}/git/ref/tags/v1")]),
        ("list_matching_refs", lambda g: g.list_matching_refs("dls/work", "tags/"),
         [("GET", f"{R}/git/matching-refs/tags/")]),
        ("delete_ref", lambda g: g.delete_ref("dls/work", "tags/v1"),
         [("DELETE", f"{R}/git/refs/tags/v1")]),
        ("get_ref_object", lambda g: (tag(g), g.get_ref_object("dls/work", "heads/main")),
         [("GET", f"{R}/git/ref/heads/main")]),
        ("get_tag_target", lambda g: g.get_tag_target("dls/work", state["tag"]),
         [("GET", f"{R}/git/tags/TAG")]),
        ("create_label", lambda g: g.create_label("dls/work", "x", "ededed", ""),
         [("POST", f"{R}/labels")]),
        ("list_labels", lambda g: g.list_labels("dls/work"), [("GET", f"{R}/labels")]),
        ("create_issue", issue, [("POST", f"{R}/issues")]),
        ("list_issues", lambda g: g.list_issues("dls/work", labels=["x"]),
         [("GET", f"{R}/issues")]),
        ("list_threads", lambda g: g.list_threads("dls/work"), [("GET", f"{R}/issues")]),
        ("get_issue", lambda g: g.get_issue("dls/work", 1), [("GET", f"{R}/issues/1")]),
        ("update_issue", lambda g: g.update_issue("dls/work", 1, title="u"),
         [("PATCH", f"{R}/issues/1")]),
        ("list_assignees", lambda g: g.list_assignees("dls/work"), [("GET", f"{R}/assignees")]),
        ("create_comment", comment, [("POST", f"{R}/issues/1/comments")]),
        ("list_comments", lambda g: g.list_comments("dls/work", 1),
         [("GET", f"{R}/issues/1/comments")]),
        ("update_comment", lambda g: g.update_comment("dls/work", state["comment"], "edited"),
         [("PATCH", f"{R}/issues/comments/COMMENT")]),
        ("list_repo_comments", lambda g: g.list_repo_comments("dls/work"),
         [("GET", f"{R}/issues/comments")]),
    ], state


def _placeholders(path: str, state: dict) -> str:
    for key, name in (("base", "BASE"), ("head", "HEAD"), ("tag", "TAG")):
        if state.get(key):
            path = path.replace(state[key], name)
    if state.get("comment"):
        path = path.replace(f"/comments/{state['comment']}", "/comments/COMMENT")
    if state.get("tree"):
        a = next((e.sha for e in state["tree"] if e.path == "a.md"), None)
        path = path.replace(a, "A") if a else path
    return path


def test_every_call_costs_what_the_protocol_says(sandbox):
    tokens = sandbox.seed({"users": ["prof-lee", "alice"],
                           "orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["alice"]}]})
    gh: GitHubAPI = GitHub(sandbox.api_url, tokens["prof-lee"], write_delay=0)

    def raw(method, path, body):
        return gh.t.call(method, path, body=body, what="test setup")[1]

    steps, state = story(gh, raw)
    wrong = []
    for name, call, expected in steps:
        sandbox.clear_requests()
        call(gh)
        made = [(r["method"], _placeholders(r["path"].split("?")[0], state))
                for r in sandbox.requests()]
        if name == "get_ref_object":  # the tag made for the next step is setup, not cost
            made = [m for m in made if m[0] == "GET"]
        if made != expected:
            wrong.append((name, made, expected))
        doc = inspect.getdoc(getattr(GitHubAPI, name)) or ""
        for method, _ in expected:  # the docstring names each kind of request the call makes
            if method not in doc and "Pages of" not in doc:
                wrong.append((name, "docstring does not say", method))
    assert wrong == []


def test_the_story_calls_every_method_of_the_protocol():
    steps, _ = story(None, None)
    protocol = {n for n, f in vars(GitHubAPI).items()
                if inspect.isfunction(f) and not n.startswith("_")}
    assert sorted(protocol - {name for name, _, _ in steps}) == []
