"""The gallery against careless publishing and hostile team names: `--publish` touches only
files it wrote (its manifest says which), opaque folders cannot be a team's folder, and the same
archive gives the same bytes whatever Python's hash seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from classroom_ops.adapter import GitHub
from classroom_ops.archive.gallery import build, opaque_folder
from classroom_ops.archive.publish import OWNED, git_blob_id, publish
from classroom_ops.errors import UsageError
from classroom_ops.names import slugify


@pytest.fixture
def site(course_env):
    gh = course_env.gh()
    repo = gh.get_organization("dls").create_repo("course-site", auto_init=True)
    repo.create_file("past-projects/index.md", "site", b"---\ntitle: Past\n---\nHand-written.\n")
    repo.create_file("past-projects/_config.yml", "site", b"theme: minima\n")
    client = GitHub(course_env.sandbox.api_url, course_env.tokens["prof-lee"], write_delay=0)
    return course_env, repo, client


def tree(repo) -> dict[str, str]:
    return {e.path: e.sha for e in repo.get_git_tree("main", recursive=True).tree
            if e.type == "blob"}


@pytest.mark.integration
def test_publishing_never_touches_the_sites_own_files(site):
    env, repo, gh = site
    before = tree(repo)
    first = {"index.html": b"<p>v1</p>", "past-projects.md": b"v1\n",
             "files/fall-2026/a/final.pdf": b"%PDF-a", "files/fall-2026/b/final.pdf": b"%PDF-b"}
    res = publish(gh, "dls/course-site", first, "publish 1")
    assert (res.written, res.removed) == (4, 0) and res.commit
    after = tree(repo)
    assert {p: after[p] for p in before} == before  # index.md, _config.yml: untouched
    manifest = json.loads(repo.get_contents(f"past-projects/{OWNED}").decoded_content)
    assert manifest["files"] == {k: git_blob_id(v) for k, v in sorted(first.items())}

    # a project withdrawn: its PDF goes; the site's files stay
    second = {k: v for k, v in first.items() if "/b/" not in k}
    res = publish(gh, "dls/course-site", second, "publish 2")
    assert (res.written, res.removed) == (0, 1)
    paths = set(tree(repo))
    assert "past-projects/files/fall-2026/b/final.pdf" not in paths
    assert {"past-projects/index.md", "past-projects/_config.yml",
            "past-projects/files/fall-2026/a/final.pdf"} <= paths

    # a file someone added under PATH by hand is not the gallery's either
    repo.create_file("past-projects/files/notes.txt", "hand", b"mine\n")
    res = publish(gh, "dls/course-site", second, "publish 3")
    assert res.commit is None and "past-projects/files/notes.txt" in tree(repo)


@pytest.mark.integration
def test_publishing_over_a_file_it_did_not_write_is_refused_and_commits_nothing(site):
    env, repo, gh = site
    repo.create_file("past-projects/index.html", "site", b"<p>the site's own page</p>")
    commits = len(list(repo.get_commits()))
    env.sandbox.clear_requests()
    with pytest.raises(UsageError) as e:
        publish(gh, "dls/course-site", {"index.html": b"<p>gallery</p>"}, "publish")
    assert str(e.value) == (
        "--publish dls/course-site: past-projects/index.html already exist and were not "
        "written by classroom-ops; nothing was committed. Publish to a folder of its own "
        "(OWNER/REPO:PATH), or move those files away")
    assert env.writes() == [] and len(list(repo.get_commits())) == commits
    assert repo.get_contents("past-projects/index.html").decoded_content \
        == b"<p>the site's own page</p>"


def _index(term, start, teams):
    return {"term": term, "start": start, "teams": teams}


def _team(slug, names=True, title="T", area="Quantization"):
    return {"listed": True, "share_report": True, "share_names": names, "title": title,
            "area": area, "abstract": "A", "team": slug, "members": [], "slug": slug,
            "report": "report/final.pdf"}


def test_an_opaque_folder_is_never_a_team_slug():
    hidden = "sparse-squad"
    opaque = opaque_folder("fall-2026", hidden)
    assert "." in opaque and "." not in slugify(opaque)  # no team name can make it
    twin = slugify(opaque.replace("p.", ""))  # a team named like the old opaque folder
    idx = _index("fall-2026", "2026-08-31", [_team(hidden, names=False, title="Hidden"),
                                             _team(twin, title="Twin")])
    files = build([idx], True, ["Quantization"], lambda rel: rel.encode())
    pdfs = sorted(k for k in files if k.endswith(".pdf"))
    assert pdfs == sorted([f"files/fall-2026/{opaque}/report.pdf",
                           f"files/fall-2026/{twin}/final.pdf"])
    assert files[f"files/fall-2026/{opaque}/report.pdf"] == \
        b"fall-2026/sparse-squad/report/final.pdf"


GALLERY_SCRIPT = """
import json, sys
from classroom_ops.archive.gallery import build
idx = json.loads(sys.argv[1])
files = build(idx, True, [], lambda rel: rel.encode())
import hashlib
print(hashlib.sha256(b"".join(k.encode() + v for k, v in sorted(files.items()))).hexdigest())
"""


def test_the_gallery_does_not_depend_on_the_hash_seed():
    # terms with the same start, areas that differ only in case: every tie is broken by name
    idx = [_index(t, "2026-08-31", [_team(f"{t}-{a}", area=a, title=a)
                                    for a in ("Quantization", "quantization", "MoE", "moe")])
           for t in ("fall-2026", "fall-2026b", "fall-2026a", "fall-2026z")]
    outs = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = subprocess.run([sys.executable, "-c", GALLERY_SCRIPT, json.dumps(idx)], env=env,
                           capture_output=True, text=True, check=True)
        outs.add(r.stdout)
    assert len(outs) == 1
