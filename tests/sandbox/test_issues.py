"""Issues, comments, labels, milestones and issue search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from github import GithubException

from .conftest import ORG, PROF, make_team_repo, raw

pytestmark = pytest.mark.integration


def test_issue_lifecycle_labels_assignees_comments(gh, sandbox, uid):
    repo, _ = make_team_repo(gh, f"iss-{uid}", ["alice"])
    ms = repo.create_milestone("Sprint 1", description="first",
                               due_on=datetime(2026, 12, 1, tzinfo=UTC))
    issue = repo.create_issue("Deadline missed", body="Report not found",
                              labels=["late", "bug"], assignees=["alice"], milestone=ms)
    assert issue.number == 1 and issue.state == "open"
    assert sorted(lab.name for lab in issue.labels) == ["bug", "late"]
    assert repo.get_label("late").color == "ededed"  # created on the fly
    assert [a.login for a in issue.assignees] == ["alice"]
    assert issue.milestone.number == ms.number and issue.user.login == PROF
    assert issue.html_url == f"{sandbox.api_url}/{repo.full_name}/issues/1"
    # Someone without access to the repository cannot be assigned.
    with pytest.raises(GithubException) as exc:
        repo.create_issue("bad", assignees=["carol"])
    assert exc.value.status == 422
    comment = issue.create_comment("Please push your report.")
    assert comment.body == "Please push your report." and comment.user.login == PROF
    assert [c.body for c in issue.get_comments()] == ["Please push your report."]
    issue.edit(state="closed", state_reason="not_planned", title="Deadline missed (closed)",
               labels=["late"], assignees=[])
    got = repo.get_issue(1)
    assert got.state == "closed" and got.state_reason == "not_planned"
    assert got.closed_by.login == PROF and got.closed_at is not None
    assert [lab.name for lab in got.labels] == ["late"] and got.assignees == []
    assert got.comments == 1
    got.add_to_labels("graded")
    assert {lab.name for lab in got.get_labels()} == {"late", "graded"}
    got.remove_from_labels("late")
    assert [lab.name for lab in repo.get_issue(1).labels] == ["graded"]
    assert repo.get_milestone(ms.number).closed_issues == 1
    # A student can open issues; labels she passes without triage access are dropped.
    student_issue = gh("alice").get_repo(repo.full_name).create_issue("question", body="?")
    assert student_issue.user.login == "alice"


def test_issue_list_filters_and_sort(gh, sandbox, uid):
    repo, _ = make_team_repo(gh, f"filt-{uid}", ["alice"])
    ms = repo.create_milestone("M")
    sandbox.set_clock(datetime(2026, 3, 1, tzinfo=UTC))
    a = repo.create_issue("a", labels=["x"], assignees=["alice"])
    sandbox.advance(timedelta(days=1))
    b = repo.create_issue("b", labels=["x", "y"], milestone=ms)
    sandbox.advance(timedelta(days=1))
    c = gh("alice").get_repo(repo.full_name).create_issue("c")
    c.edit(state="closed")

    def numbers(**kw):
        return [i.number for i in repo.get_issues(**kw)]

    assert numbers() == [b.number, a.number]
    assert numbers(state="all") == [c.number, b.number, a.number]
    assert numbers(state="all", direction="asc") == [a.number, b.number, c.number]
    assert numbers(labels=[repo.get_label("x"), repo.get_label("y")]) == [b.number]
    assert numbers(milestone=ms) == [b.number]
    assert numbers(milestone="none", state="all") == [c.number, a.number]
    assert numbers(assignee="alice") == [a.number]
    assert numbers(assignee="none") == [b.number]
    assert numbers(creator="alice", state="all") == [c.number]
    assert numbers(state="all", since=datetime(2026, 3, 2, 12, tzinfo=UTC)) == [c.number]


def test_labels_crud(gh, uid):
    repo = gh(PROF).get_organization(ORG).create_repo(f"lab-{uid}")
    label = repo.create_label("needs-review", "0e8a16", "waiting for TA")
    assert label.description == "waiting for TA"
    with pytest.raises(GithubException) as exc:
        repo.create_label("Needs-Review", "000000")
    assert exc.value.status == 422
    label.edit("reviewed", "d4c5f9", "done")
    got = repo.get_label("reviewed")
    assert (got.color, got.description) == ("d4c5f9", "done")
    got.delete()
    assert "reviewed" not in {lab.name for lab in repo.get_labels()}


def test_milestones(gh, uid):
    repo = gh(PROF).get_organization(ORG).create_repo(f"ms-{uid}")
    m1 = repo.create_milestone("Week 1", due_on=datetime(2026, 10, 1, tzinfo=UTC))
    repo.create_milestone("Week 2", due_on=datetime(2026, 10, 8, tzinfo=UTC))
    assert [m.title for m in repo.get_milestones()] == ["Week 1", "Week 2"]
    m1.edit("Week 1", state="closed")
    assert [m.title for m in repo.get_milestones()] == ["Week 2"]
    assert [m.title for m in repo.get_milestones(state="closed")] == ["Week 1"]
    assert repo.get_milestone(m1.number).due_on.date().isoformat() == "2026-10-01"


def test_search_issues(gh, uid):
    org = gh(PROF).get_organization(ORG)
    r1 = org.create_repo(f"srch-a-{uid}", private=True)
    r2 = org.create_repo(f"srch-b-{uid}", private=True)
    r1.create_issue("Late report", body=f"marker-{uid} needs pdf", labels=["late"])
    r1.create_issue("Build broken", body=f"marker-{uid} ci red").edit(state="closed")
    r2.create_issue("Late slides", body=f"marker-{uid}", labels=["late"])

    def titles(q):
        return sorted(i.title for i in gh(PROF).search_issues(q))

    assert titles(f"marker-{uid} in:body") == ["Build broken", "Late report", "Late slides"]
    assert titles(f"repo:{r1.full_name} is:open is:issue") == ["Late report"]
    assert titles(f"org:{ORG} label:late marker-{uid}") == ["Late report", "Late slides"]
    assert titles(f"repo:{r1.full_name} state:closed") == ["Build broken"]
    assert titles(f"marker-{uid} pdf") == ["Late report"]
    assert gh(PROF).search_issues(f"repo:{r2.full_name}").totalCount == 1
    # Students only find what they can see.
    assert titles(f"marker-{uid} in:body") != [] and \
        [i.title for i in gh("outsider").search_issues(f"marker-{uid}")] == []


def test_pagination_over_250_issues_with_github_link_headers(gh, sandbox, tokens, uid):
    repo = gh(PROF).get_organization(ORG).create_repo(f"many-{uid}")
    for n in range(250):
        status, _, _ = raw(sandbox, "POST", f"/repos/{repo.full_name}/issues", tokens[PROF],
                           {"title": f"issue {n}"})
        assert status == 201
    issues = repo.get_issues()
    assert issues.totalCount == 250
    assert [i.number for i in issues] == list(range(250, 0, -1))
    status, headers, _ = raw(sandbox, "GET",
                             f"/repos/{repo.full_name}/issues?per_page=100&page=2",
                             tokens[PROF])
    base = f"{sandbox.api_url}/repos/{repo.full_name}/issues?per_page=100"
    assert headers["link"] == (f'<{base}&page=1>; rel="prev", <{base}&page=3>; rel="next", '
                               f'<{base}&page=3>; rel="last", <{base}&page=1>; rel="first"')
    status, headers, body = raw(sandbox, "GET",
                                f"/repos/{repo.full_name}/issues?per_page=500", tokens[PROF])
    assert body.count(b'"number"') == 100  # per_page is capped at 100
    status, headers, body = raw(sandbox, "GET", f"/repos/{repo.full_name}/issues", tokens[PROF])
    assert body.count(b'"number"') == 30 and 'page=9>; rel="last"' in headers["link"]
