"""git clone/fetch/push over smart HTTP, and the activity log that pushes leave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from .conftest import ORG, PROF, make_team_repo
from .gitcli import authed, git

pytestmark = pytest.mark.integration


def activity(gh, full_name: str, **params) -> list[dict]:
    _, data = gh(PROF).requester.requestJsonAndCheck(
        "GET", f"/repos/{full_name}/activity", parameters=params or None)
    return data


def test_clone_commit_push_shows_in_activity_with_sandbox_time(sandbox, gh, tokens, tmp_path,
                                                               uid):
    repo, _ = make_team_repo(gh, f"git-{uid}", ["alice"])
    url = authed(f"{sandbox.git_url}/{repo.full_name}.git", tokens["alice"])
    work = tmp_path / "w"
    git("clone", "-q", url, str(work))
    assert (work / "README.md").read_text().startswith("# git-")
    (work / "report.md").write_text("late work\n")
    git("add", "report.md", cwd=work)
    # The commit claims 2020; the push time must still be the server's.
    git("commit", "-q", "-m", "backdated", "--date", "2020-01-01T00:00:00Z", cwd=work,
        env={"GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z"})
    pushed_at = datetime(2026, 11, 20, 23, 59, 30, tzinfo=UTC)
    sandbox.set_clock(pushed_at)
    git("push", "-q", "origin", "main", cwd=work)
    head = git("rev-parse", "HEAD", cwd=work).stdout.strip()

    events = activity(gh, repo.full_name)
    assert events[0]["after"] == head
    assert events[0]["activity_type"] == "push"
    assert events[0]["actor"]["login"] == "alice"
    assert events[0]["ref"] == "refs/heads/main"
    stamp = datetime.fromisoformat(events[0]["timestamp"].replace("Z", "+00:00"))
    assert abs((stamp - pushed_at).total_seconds()) < 5
    commit = gh(PROF).get_repo(repo.full_name).get_commit(head)
    assert commit.commit.author.date.year == 2020
    assert commit.commit.message == "backdated"

    # Branch creation, force push and deletion are told apart.
    git("checkout", "-q", "-b", "feature", cwd=work)
    git("push", "-q", "origin", "feature", cwd=work)
    git("commit", "-q", "--amend", "-m", "rewritten", cwd=work)
    git("push", "-q", "--force", "origin", "feature", cwd=work)
    git("push", "-q", "origin", "--delete", "feature", cwd=work)
    kinds = [e["activity_type"] for e in activity(gh, repo.full_name, ref="feature")]
    assert kinds == ["branch_deletion", "force_push", "branch_creation"]
    oldest_first = activity(gh, repo.full_name, direction="asc")
    assert oldest_first[-1]["activity_type"] == "branch_deletion"
    assert [e["activity_type"] for e in activity(gh, repo.full_name,
                                                 activity_type="force_push")] == ["force_push"]
    assert all(e["actor"]["login"] == "alice"
               for e in activity(gh, repo.full_name, actor="alice"))


def test_push_to_another_teams_repo_is_refused(sandbox, gh, tokens, tmp_path, uid):
    theirs, _ = make_team_repo(gh, f"theirs-{uid}", ["bob"])
    public, _ = make_team_repo(gh, f"theirs-pub-{uid}", ["bob"], private=False)
    # Private and invisible (to someone outside the org; members see it under the org's read
    # base permission): GitHub says the repository does not exist.
    url = authed(f"{sandbox.git_url}/{theirs.full_name}.git", tokens["outsider"])
    proc = git("clone", "-q", url, str(tmp_path / "a"), check=False)
    assert proc.returncode != 0 and "not found" in proc.stderr.lower()
    # Readable but not writable: the clone works and the push gets 403.
    url = authed(f"{sandbox.git_url}/{public.full_name}.git", tokens["alice"])
    work = tmp_path / "b"
    git("clone", "-q", url, str(work))
    (work / "x.txt").write_text("x\n")
    git("add", "x.txt", cwd=work)
    git("commit", "-q", "-m", "sneaky", cwd=work)
    proc = git("push", "origin", "main", cwd=work, check=False)
    assert proc.returncode != 0
    assert "403" in proc.stderr or "denied" in proc.stderr
    assert not any(e["actor"] and e["actor"]["login"] == "alice"
                   for e in activity(gh, public.full_name))
    log = [r for r in sandbox.requests() if r.get("git") and r["path"].startswith(
        f"/{public.full_name}")]
    assert any(r["status"] == 403 and r["login"] == "alice" for r in log)


def test_anonymous_clone_of_private_repo_asks_for_credentials(sandbox, gh, tmp_path, uid):
    repo, _ = make_team_repo(gh, f"anon-{uid}", [])
    proc = git("clone", "-q", f"{sandbox.git_url}/{repo.full_name}.git", str(tmp_path / "c"),
               check=False)
    assert proc.returncode != 0
    assert any(r.get("git") and r["status"] == 401 for r in sandbox.requests())


def test_push_to_archived_repo_is_refused(sandbox, gh, tokens, tmp_path, uid):
    repo, _ = make_team_repo(gh, f"arch-{uid}", ["alice"])
    work = tmp_path / "w"
    git("clone", "-q", authed(f"{sandbox.git_url}/{repo.full_name}.git", tokens["alice"]),
        str(work))
    repo.edit(archived=True)
    (work / "f").write_text("f\n")
    git("add", "f", cwd=work)
    git("commit", "-q", "-m", "too late", cwd=work)
    proc = git("push", "origin", "main", cwd=work, check=False)
    assert proc.returncode != 0 and "archived" in proc.stderr


def test_api_ref_changes_are_in_activity_and_time_period_filters(sandbox, gh, uid):
    org = gh(PROF).get_organization(ORG)
    repo = org.create_repo(f"act-{uid}", auto_init=True)
    head = repo.get_branch("main").commit.sha
    sandbox.advance(timedelta(days=10))
    repo.create_git_ref("refs/heads/review", head)
    recent = activity(gh, repo.full_name, time_period="day")
    assert [e["activity_type"] for e in recent] == ["branch_creation"]
    assert recent[0]["actor"]["login"] == PROF


def test_activity_cursor_pagination(sandbox, gh, uid):
    org = gh(PROF).get_organization(ORG)
    repo = org.create_repo(f"actpage-{uid}", auto_init=True)
    head = repo.get_branch("main").commit.sha
    for n in range(5):
        repo.create_git_ref(f"refs/heads/b{n}", head)
    seen = []
    url = f"/repos/{repo.full_name}/activity?per_page=2"
    while url:
        headers, data = gh(PROF).requester.requestJsonAndCheck("GET", url)
        seen += [e["ref"] for e in data]
        links = {part.split("; ")[1]: part.split("; ")[0].strip("<>")
                 for part in headers.get("link", "").split(", ") if part}
        url = links.get('rel="next"')
    assert seen == [f"refs/heads/b{n}" for n in reversed(range(5))]
