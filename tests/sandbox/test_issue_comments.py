"""Issue comments: get, edit and delete one, list a repository's, and comments an App makes.

Rules from GitHub's REST "Issue comments" page and its OpenAPI description, and from "Repository
roles for an organization" (everyone edits and deletes their own comments; anyone's takes write).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from github import GithubException

from .conftest import ORG, PROF, client, make_team_repo, raw

pytestmark = pytest.mark.integration


def comment(gh_client, full_name: str, cid: int):
    """One comment through PyGithub (Issue.get_comment: GET .../issues/comments/{id})."""
    repo = gh_client.get_repo(full_name)
    return repo.get_issue(1).get_comment(cid)


def refused(call) -> GithubException:
    with pytest.raises(GithubException) as exc:
        call()
    return exc.value


def test_everyone_edits_their_own_comment_only_write_edits_anyone_s(gh, sandbox, uid):
    # alice and bob push to their team's private repository; carol reads it through the org's
    # base permission (a fresh github.com organization's "read"); dave triages it.
    repo, _ = make_team_repo(gh, f"cm-{uid}", ["alice", "bob"])
    gh(PROF).get_organization(ORG).create_team(f"triage-{uid}", privacy="closed")
    triage = gh(PROF).get_organization(ORG).get_team_by_slug(f"triage-{uid}")
    triage.update_team_repository(repo, "triage")
    triage.add_membership(gh(PROF).get_user("dave"), "member")
    issue = repo.create_issue("Team name")
    as_ = {login: gh(login).get_repo(repo.full_name).get_issue(issue.number)
           for login in ("alice", "bob", "carol", "dave")}

    mine = as_["carol"].create_comment("I'd like to join")
    before = mine.updated_at
    sandbox.advance(timedelta(minutes=5))
    mine.edit("I'd like to join, if there is room")
    assert mine.body == "I'd like to join, if there is room" and mine.user.login == "carol"
    assert mine.updated_at > before and mine.created_at == before
    assert repo.get_issue(issue.number).get_comments()[0].body == mine.body

    alices = as_["alice"].create_comment("Tea-m Ünïcode")
    # read and triage: not someone else's comment
    for login in ("carol", "dave"):
        theirs = comment(gh(login), repo.full_name, alices.id)
        err = refused(lambda theirs=theirs: theirs.edit("hijacked"))
        assert err.status == 403
        err = refused(lambda theirs=theirs: theirs.delete())
        assert err.status == 403
    assert comment(gh(PROF), repo.full_name, alices.id).body == "Tea-m Ünïcode"
    # write (bob, her teammate) and admin (the professor): anyone's
    comment(gh("bob"), repo.full_name, alices.id).edit("Team Unicode")
    assert comment(gh(PROF), repo.full_name, alices.id).body == "Team Unicode"
    comment(gh(PROF), repo.full_name, mine.id).edit("edited by staff")
    assert comment(gh(PROF), repo.full_name, mine.id).user.login == "carol"

    # an empty body is refused, the comment unchanged
    err = refused(lambda: mine.edit(""))
    assert err.status == 422 and err.data["errors"][0]["field"] == "body"
    # someone the private repository is invisible to: 404, as for the repository itself
    err = refused(lambda: gh("outsider").get_repo(repo.full_name))
    assert err.status == 404
    status, _, _ = raw(sandbox, "PATCH", f"/repos/{repo.full_name}/issues/comments/{mine.id}",
                       sandbox.token("outsider"), {"body": "x"})
    assert status == 404
    status, _, _ = raw(sandbox, "PATCH", f"/repos/{repo.full_name}/issues/comments/999999",
                       sandbox.token(PROF), {"body": "x"})
    assert status == 404


def test_deleting_a_comment(gh, sandbox, uid):
    repo, _ = make_team_repo(gh, f"cd-{uid}", ["alice"])
    issue = repo.create_issue("Registration")
    keep = issue.create_comment("keep")
    gone = gh("carol").get_repo(repo.full_name).get_issue(issue.number).create_comment("oops")
    assert repo.get_issue(issue.number).comments == 2
    status, _, body = raw(sandbox, "DELETE",
                          f"/repos/{repo.full_name}/issues/comments/{gone.id}",
                          sandbox.token("carol"))
    assert status == 204 and body == b""
    assert repo.get_issue(issue.number).comments == 1
    assert [c.id for c in repo.get_issue(issue.number).get_comments()] == [keep.id]
    assert [c.id for c in repo.get_issues_comments()] == [keep.id]
    assert refused(lambda: comment(gh(PROF), repo.full_name, gone.id).body).status == 404
    assert refused(lambda: gone.delete()).status == 404  # a second delete
    # the author with write deletes through PyGithub too
    keep.delete()
    assert repo.get_issue(issue.number).comments == 0


def test_an_archived_repository_s_comments_cannot_change(gh, uid):
    repo, _ = make_team_repo(gh, f"ca-{uid}", ["alice"])
    c = repo.create_issue("x").create_comment("final")
    repo.edit(archived=True)
    assert refused(lambda: c.edit("after the deadline")).status == 403
    assert refused(lambda: c.delete()).status == 403
    assert comment(gh(PROF), repo.full_name, c.id).body == "final"


def test_a_repository_s_comments_in_one_list(gh, sandbox, tokens, uid):
    repo, _ = make_team_repo(gh, f"cl-{uid}", ["alice"])
    first, second = repo.create_issue("first"), repo.create_issue("second")
    start = sandbox.now()
    made = []
    for n, (issue, text) in enumerate([(first, "a"), (second, "b"), (first, "c"),
                                       (second, "d"), (first, "e")]):
        sandbox.advance(timedelta(minutes=1))
        made.append(issue.create_comment(f"{text}{n}"))
    other = repo.create_issue("unrelated")  # no comments: nothing listed for it
    assert other.comments == 0
    sandbox.advance(timedelta(minutes=1))
    made[0].edit("a0, edited last")
    ids = [c.id for c in made]

    # by ascending id by default, across issues, following the Link header over 3 pages
    paged = client(sandbox, tokens[PROF], per_page=2).get_repo(repo.full_name)
    got = list(paged.get_issues_comments())
    assert [c.id for c in got] == ids
    assert [c.issue_url.rsplit("/", 1)[1] for c in got] == ["1", "2", "1", "2", "1"]
    # sort and direction
    assert [c.id for c in repo.get_issues_comments(sort="updated", direction="desc")] == \
        [ids[0], ids[4], ids[3], ids[2], ids[1]]
    assert [c.id for c in repo.get_issues_comments(sort="created", direction="desc")] == \
        ids[::-1]
    # direction is ignored without sort
    assert [c.id for c in repo.get_issues_comments(direction="desc")] == ids
    # since: updated at or after
    since = start + timedelta(minutes=3, seconds=30)
    assert [c.id for c in repo.get_issues_comments(since=since)] == [ids[0], ids[3], ids[4]]
    # a student reading the repository sees the same list
    assert [c.id for c in gh("carol").get_repo(repo.full_name).get_issues_comments()] == ids
    # values outside the description's enums are refused
    for query in ("sort=comments", "direction=up"):
        status, _, body = raw(sandbox, "GET", f"/repos/{repo.full_name}/issues/comments?{query}",
                              tokens[PROF])
        assert status == 422, query
    # invisible to an outsider
    status, _, _ = raw(sandbox, "GET", f"/repos/{repo.full_name}/issues/comments",
                       tokens["outsider"])
    assert status == 404


def test_comments_list_route_is_not_read_as_an_issue_number(sandbox, gh, tokens, uid):
    repo, _ = make_team_repo(gh, f"cr-{uid}", [])
    repo.create_issue("only").create_comment("hello")
    status, headers, body = raw(sandbox, "GET", f"/repos/{repo.full_name}/issues/comments",
                                tokens[PROF])
    assert status == 200 and [c["body"] for c in json.loads(body)] == ["hello"]
    status, _, _ = raw(sandbox, "GET", f"/repos/{repo.full_name}/issues/1", tokens[PROF])
    assert status == 200


def test_an_app_comments_as_its_bot_and_needs_issues_write_to_edit(gh, sandbox, uid):
    repo, _ = make_team_repo(gh, f"cb-{uid}", ["alice"])
    issue = gh("alice").get_repo(repo.full_name).create_issue("Register team Ñandú")
    students = issue.create_comment("please confirm")
    # what the hub's workflow job holds
    app = client(sandbox, sandbox.create_installation(ORG, {"issues": "write",
                                                            "contents": "read"}))
    bot_issue = app.get_repo(repo.full_name).get_issue(issue.number)
    answer = bot_issue.create_comment("Registered.")
    bot = f"classroom-ops-{ORG}[bot]"
    assert answer.user.login == bot and answer.user.type == "Bot"
    assert answer.author_association == "NONE"  # an App is no member of the organization
    assert answer.user.html_url == f"{sandbox.api_url}/apps/classroom-ops-{ORG}"
    listed = {c.id: c for c in repo.get_issues_comments()}
    assert listed[answer.id].user.type == "Bot" and listed[students.id].user.type == "User"
    # an issue the App opens is the bot's too
    opened = app.get_repo(repo.full_name).create_issue("Formation closed")
    assert opened.user.login == bot and opened.user.type == "Bot"
    # it keeps its answer up to date, and may edit a student's comment (issues: write)
    answer.edit("Registered: alice, bob, carol.")
    assert comment(gh(PROF), repo.full_name, answer.id).body == "Registered: alice, bob, carol."
    comment(app, repo.full_name, students.id).edit("please confirm (moved)")

    # a token holding issues: read only cannot
    reader = client(sandbox, sandbox.create_installation(ORG, {"issues": "read"}))
    err = refused(lambda: comment(reader, repo.full_name, answer.id).edit("x"))
    assert err.status == 403 and err.data["message"] == "Resource not accessible by integration"
    status, headers, _ = raw(sandbox, "DELETE",
                             f"/repos/{repo.full_name}/issues/comments/{answer.id}",
                             sandbox.create_installation(ORG, {"issues": "read"}))
    assert status == 403
    assert headers["x-accepted-github-permissions"] == "issues=write; pull_requests=write"
    assert [c.id for c in reader.get_repo(repo.full_name).get_issues_comments()] == \
        [students.id, answer.id]
    # and without issues at all, not even the list
    blind = client(sandbox, sandbox.create_installation(ORG, {"contents": "read"}))
    assert refused(lambda: list(blind.get_repo(repo.full_name).get_issues_comments())) \
        .status == 403
