"""Contents, blobs, trees, commits, refs, tags, branches and archives, through PyGithub."""

from __future__ import annotations

import base64
import io
import tarfile
import urllib.request
import zipfile
from datetime import UTC, datetime

import pytest
from github import GithubException, InputGitAuthor, InputGitTreeElement, UnknownObjectException

from .conftest import ORG, PROF, raw

pytestmark = pytest.mark.integration


@pytest.fixture
def repo(gh, uid):
    return gh(PROF).get_organization(ORG).create_repo(f"data-{uid}", auto_init=True)


def test_contents_create_update_delete_with_sha_checks(repo, sandbox, tokens):
    created = repo.create_file("docs/plan.md", "add plan", b"v1\n", branch="main")
    first_sha = created["content"].sha
    got = repo.get_contents("docs/plan.md")
    assert got.decoded_content == b"v1\n" and got.sha == first_sha
    assert got.url.startswith(sandbox.api_url)
    # Creating again without sha: 422; updating with a stale sha: 409.
    status, _, body = raw(sandbox, "PUT", f"/repos/{repo.full_name}/contents/docs/plan.md",
                          tokens[PROF], {"message": "m", "content": "eA=="})
    assert status == 422 and b"sha" in body
    status, _, _ = raw(sandbox, "PUT", f"/repos/{repo.full_name}/contents/docs/plan.md",
                       tokens[PROF], {"message": "m", "content": "eA==", "sha": "0" * 40})
    assert status == 409
    updated = repo.update_file("docs/plan.md", "edit", b"v2\n", first_sha)
    assert repo.get_contents("docs/plan.md").decoded_content == b"v2\n"
    listing = repo.get_contents("docs")
    assert [(c.name, c.type) for c in listing] == [("plan.md", "file")]
    status, headers, body = raw(sandbox, "GET", f"/repos/{repo.full_name}/contents/docs/plan.md",
                                tokens[PROF], headers={"Accept": "application/vnd.github.raw"})
    assert status == 200 and body == b"v2\n"
    with urllib.request.urlopen(urllib.request.Request(
            listing[0].download_url, headers={"Authorization": f"token {tokens[PROF]}"})) as f:
        assert f.read() == b"v2\n"
    repo.delete_file("docs/plan.md", "remove", updated["content"].sha)
    with pytest.raises(UnknownObjectException):
        repo.get_contents("docs/plan.md")
    old = repo.get_contents("docs/plan.md", ref=created["commit"].sha)
    assert old.decoded_content == b"v1\n"


def test_blobs_trees_commits_refs(repo):
    base = repo.get_git_ref("heads/main")
    parent = repo.get_git_commit(base.object.sha)
    blob = repo.create_git_blob(base64.b64encode(b"\x00binary\xff").decode(), "base64")
    assert repo.get_git_blob(blob.sha).content.replace("\n", "") == \
        base64.b64encode(b"\x00binary\xff").decode()
    tree = repo.create_git_tree(
        [InputGitTreeElement("data/bin.dat", "100644", "blob", sha=blob.sha),
         InputGitTreeElement("src/deep/main.py", "100644", "blob", content="print(2)\n")],
        base_tree=parent.tree)
    full = repo.get_git_tree(tree.sha, recursive=True)
    paths = {e.path: e.type for e in full.tree}
    assert paths["README.md"] == "blob" and paths["src/deep"] == "tree"
    assert paths["src/deep/main.py"] == "blob" and paths["data/bin.dat"] == "blob"
    assert full.raw_data["truncated"] is False
    when = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    author = InputGitAuthor("Alice", "alice@example.edu", when.isoformat())
    commit = repo.create_git_commit("two files", tree, [parent], author=author)
    assert commit.author.date == when and commit.committer.date == when
    assert [p.sha for p in commit.parents] == [parent.sha]
    base.edit(commit.sha)
    assert repo.get_branch("main").commit.sha == commit.sha
    # A non-fast-forward update needs force.
    orphan = repo.create_git_commit("orphan", tree, [])
    with pytest.raises(GithubException) as exc:
        base.edit(orphan.sha)
    assert exc.value.status == 422
    base.edit(orphan.sha, force=True)
    assert repo.get_git_ref("heads/main").object.sha == orphan.sha
    ref = repo.create_git_ref("refs/heads/topic/x", commit.sha)
    assert ref.ref == "refs/heads/topic/x"
    with pytest.raises(GithubException) as exc:
        repo.create_git_ref("refs/heads/topic/x", commit.sha)
    assert exc.value.status == 422
    assert [r.ref for r in repo.get_git_matching_refs("heads/topic")] == ["refs/heads/topic/x"]
    assert repo.get_branch("topic/x").commit.sha == commit.sha
    assert {b.name for b in repo.get_branches()} == {"main", "topic/x"}
    ref.delete()
    with pytest.raises(UnknownObjectException):
        repo.get_git_ref("heads/topic/x")


def test_annotated_tags_and_tag_list(repo):
    head = repo.get_branch("main").commit.sha
    tagger = InputGitAuthor("Prof", "prof@example.edu", "2026-12-01T00:00:00Z")
    tag = repo.create_git_tag("v1.0", "final submission", head, "commit", tagger=tagger)
    assert tag.tag == "v1.0" and tag.object.sha == head
    repo.create_git_ref("refs/tags/v1.0", tag.sha)
    tags = list(repo.get_tags())
    assert [(t.name, t.commit.sha) for t in tags] == [("v1.0", head)]
    assert repo.get_git_ref("tags/v1.0").object.type == "tag"


def test_commit_list_filters_and_single_commit(repo, sandbox):
    sandbox.set_clock(datetime(2026, 9, 1, tzinfo=UTC))
    repo.create_file("a.txt", "a", b"a\n")
    sandbox.set_clock(datetime(2026, 9, 15, tzinfo=UTC))
    repo.create_file("b.txt", "b", b"b\n")
    repo.create_git_ref("refs/heads/side", repo.get_branch("main").commit.sha)
    sandbox.set_clock(datetime(2026, 10, 1, tzinfo=UTC))
    repo.update_file("a.txt", "a again", b"aa\n", repo.get_contents("a.txt").sha)
    all_msgs = [c.commit.message for c in repo.get_commits()]
    assert all_msgs[:3] == ["a again", "b", "a"]
    assert [c.commit.message for c in repo.get_commits(path="a.txt")] == ["a again", "a"]
    since = [c.commit.message for c in repo.get_commits(
        since=datetime(2026, 9, 10, tzinfo=UTC), until=datetime(2026, 9, 20, tzinfo=UTC))]
    assert since == ["b"]
    assert [c.commit.message for c in repo.get_commits(sha="side")][0] == "b"
    single = repo.get_commit("main")
    assert single.commit.message == "a again"
    assert [(f.filename, f.status, f.additions, f.deletions) for f in single.files] == \
        [("a.txt", "modified", 1, 1)]
    assert single.stats.total == 2
    assert single.author.login == PROF


def test_tarball_and_zipball(repo, sandbox):
    repo.create_file("src/x.py", "x", b"x = 1\n")
    link = repo.get_archive_link("tarball")
    assert link.startswith(sandbox.api_url)
    with urllib.request.urlopen(link) as f:
        names = tarfile.open(fileobj=io.BytesIO(f.read()), mode="r:gz").getnames()
    assert any(n.endswith("/src/x.py") for n in names)
    with urllib.request.urlopen(repo.get_archive_link("zipball", "main")) as f:
        names = zipfile.ZipFile(io.BytesIO(f.read())).namelist()
    assert any(n.endswith("/README.md") for n in names)


def test_empty_repo_answers_409_and_accepts_a_first_file(gh, sandbox, tokens, uid):
    repo = gh(PROF).get_organization(ORG).create_repo(f"empty-{uid}")
    status, _, body = raw(sandbox, "GET", f"/repos/{repo.full_name}/commits", tokens[PROF])
    assert status == 409 and b"Git Repository is empty." in body
    repo.create_file("first.txt", "first", b"1\n")
    assert repo.get_branch("main").commit.commit.message == "first"
