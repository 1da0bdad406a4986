"""`collect` regressions from review: hostile project files and file names, annotated submission
tags, write failures, consent in public paths, and usage errors."""

from __future__ import annotations

import errno
import hashlib
import json
import subprocess
import zipfile

import pytest

from classroom_ops.pdfgen import sample_report

from .gitops import git
from .test_collect import at, collect, project_yml, push, term  # noqa: F401  (a fixture)

pytestmark = pytest.mark.integration


@pytest.fixture
def fall(term):  # noqa: F811  (test_collect's provisioned fall term)
    return term


def two_teams(env, sparse_files: dict) -> None:
    env.sandbox.set_clock(at("2026-12-10T20:00:00-05:00"))
    push(env, "alice", "final-sparse-squad",
         {"report/final.pdf": sample_report(title="S"), **sparse_files})
    push(env, "gina", "final-kv-cachers", {"report/final.pdf": sample_report(title="KV"),
                                           "project.yml": project_yml("Paged KV", "Quantization")})


def ledger(env) -> str:
    env.sandbox.set_clock(at("2026-12-14T09:00:00-05:00"))
    path = str(env.dir / "ledger.json")
    env.run("check", "--milestone", "final-report", "--no-issues", "--ledger", path)
    return path


def record(env, slug: str) -> dict:
    idx = json.loads((env.archive / "fall-2026" / "index.json").read_text())
    return next(r for r in idx["teams"] if r["slug"] == slug)


def test_deeply_nested_project_file_is_a_problem_of_that_team_only(fall):
    env = fall
    two_teams(env, {"project.yml": "title: " + "[" * 5000 + "]" * 5000 + "\n"})
    res = collect(env, "--ledger", ledger(env))
    assert res.code == 1, res
    assert "sparse-squad: project.yml is too deeply nested" in res.out
    assert record(env, "sparse-squad")["listed"] is False
    assert record(env, "kv-cachers")["listed"] is True


def test_control_characters_in_file_names_are_refused(fall):
    env = fall
    two_teams(env, {"project.yml": project_yml("T", "Quantization"),
                    "extra/a\n0000  b.txt": "x", "extra/ok.txt": "ok"})
    res = collect(env, "--ledger", ledger(env))
    assert res.code == 1, res
    assert "sparse-squad: extra/a" in res.out and "b.txt: unsafe file name, not collected" in res.out
    files = [f["path"] for f in record(env, "sparse-squad")["files"]]
    assert "extra/ok.txt" in files and not any("\n" in f for f in files)
    r = subprocess.run(["sha256sum", "-c", "--quiet", "MANIFEST.sha256"], cwd=env.archive,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_an_annotated_submission_tag_counts_as_its_commit(fall):
    env = fall
    env.sandbox.set_clock(at("2026-12-10T20:00:00-05:00"))
    sha = push(env, "alice", "final-sparse-squad", {
        "report/final.pdf": sample_report(title="S"),
        "project.yml": project_yml("T", "Quantization")})
    dest = env.work / "dls__final-sparse-squad"
    git("tag", "-a", "-m", "done", "submission/final-report", sha, cwd=dest)
    git("push", "-q", "origin", "refs/tags/submission/final-report", cwd=dest)
    env.sandbox.set_clock(at("2026-12-14T09:00:00-05:00"))
    collect(env)
    r = record(env, "sparse-squad")
    assert (r["commit"], r["status"], r["source"], r["listed"]) == (sha, "on_time", "tag", True)


def test_a_file_that_cannot_be_written_is_a_problem_of_that_team(fall, monkeypatch):
    from classroom_ops.archive import collect as collect_mod

    env = fall
    two_teams(env, {"project.yml": project_yml("T", "Quantization"), "extra/ok.txt": "ok",
                    "extra/dup.txt": "dup", "README.md": "# S\n"})
    path = ledger(env)
    real = collect_mod.write_file

    def failing(base, rel, data):
        if base.name == "sparse-squad" and rel == "report/final.pdf":
            raise OSError(errno.ENAMETOOLONG, "File name too long")
        if base.name == "sparse-squad" and rel == "extra/dup.txt":
            raise FileExistsError(errno.EEXIST, "File exists")
        return real(base, rel, data)

    monkeypatch.setattr(collect_mod, "write_file", failing)
    res = collect(env, "--ledger", path)
    assert res.code == 1, res
    assert "sparse-squad: report/final.pdf: " in res.out and "File name too long" in res.out
    assert "sparse-squad: extra/dup.txt: " in res.out
    r = record(env, "sparse-squad")
    assert [f["path"] for f in r["files"]] == ["README.md", "extra/ok.txt", "project.yml"]
    assert (r["report"], r["listed"]) == (None, False)
    assert any("report/final.pdf" in p for p in r["problems"])
    assert record(env, "kv-cachers")["listed"] is True
    assert (env.archive / "gallery" / "files" / "fall-2026" / "kv-cachers" / "final.pdf").is_file()


def test_public_gallery_without_names_hides_the_team_slug(fall):
    env = fall
    two_teams(env, {"project.yml": project_yml("T", "Quantization", names=False)})
    res = collect(env, "--ledger", ledger(env), "--public")
    assert res.code == 1, res  # the other teams never submitted
    gallery = env.archive / "gallery"
    opaque = "p." + hashlib.sha256(b"fall-2026/sparse-squad").hexdigest()[:12]
    assert (gallery / "files" / "fall-2026" / opaque / "report.pdf").is_file()
    assert (gallery / "files" / "fall-2026" / "kv-cachers" / "final.pdf").is_file()
    for name in ("past-projects.md", "index.html"):
        text = (gallery / name).read_text()
        assert "sparse" not in text.lower(), name
        assert f"files/fall-2026/{opaque}/report.pdf" in text
    assert not any("sparse" in p.as_posix() for p in gallery.rglob("*"))
    # the internal gallery (no --public) still uses the team's folder name
    collect(env, "--ledger", str(env.dir / "ledger.json"))
    assert (gallery / "files" / "fall-2026" / "sparse-squad" / "final.pdf").is_file()


def test_student_files_named_like_staging_folders_are_archived(fall):
    env = fall
    two_teams(env, {"project.yml": project_yml("T", "Quantization"),
                    "extra/.tmp-run/log.txt": "a", "extra/.old-x/b.txt": "b",
                    "extra/.notes.tmp": "c"})
    collect(env, "--ledger", ledger(env))
    names = {"extra/.tmp-run/log.txt", "extra/.old-x/b.txt", "extra/.notes.tmp"}
    with zipfile.ZipFile(env.archive / "fall-2026.zip") as z:
        assert {f"fall-2026/sparse-squad/{n}" for n in names} <= set(z.namelist())
    manifest = (env.archive / "MANIFEST.sha256").read_text()
    for n in names:
        assert f"  fall-2026/sparse-squad/{n}\n" in manifest


def test_dry_run_without_publish_is_a_usage_error(fall):
    env = fall
    res = collect(env, "--dry-run")
    assert res.code == 2, res
    assert "--dry-run" in res.err and "--publish" in res.err
    assert not env.archive.exists()


def test_a_term_named_like_the_gallery_is_a_usage_error(fall):
    env = fall
    config = env.dir / "gallery.yml"
    config.write_text(env.config.read_text().replace("term: fall-2026", "term: gallery"))
    res = collect(env, config=config)
    assert res.code == 2, res
    assert "gallery" in res.err and "reserved" in res.err
    assert not env.archive.exists()


def test_instructors_take_a_past_terms_project_out_of_the_public_gallery(fall):
    """What docs/archive.md tells instructors to do when a team of a past term withdraws."""
    from support import ROOT

    from .test_collect import SPRING

    env = fall
    two_teams(env, {"project.yml": project_yml("Sparse things", "Quantization")})
    collect(env, "--ledger", ledger(env), "--public")
    gallery = env.archive / "gallery"
    assert "Sparse things" in (gallery / "index.html").read_text()
    index = env.archive / "fall-2026" / "index.json"
    idx = json.loads(index.read_text())
    next(r for r in idx["teams"] if r["slug"] == "sparse-squad")["share_report"] = False
    index.write_text(json.dumps(idx))
    spring = env.dir / "spring.yml"
    spring.write_text(SPRING.format(template=ROOT / "templates" / "repo"))
    collect(env, "--public", config=spring)  # the next term's run rebuilds the gallery
    for name in ("index.html", "past-projects.md"):
        text = (gallery / name).read_text()
        assert "Sparse things" not in text and "Paged KV" in text
    assert not (gallery / "files" / "fall-2026" / "sparse-squad").exists()
    # rerunning the fall term itself reads the same commit again: the edit is undone
    collect(env, "--ledger", str(env.dir / "ledger.json"), "--public")
    assert "Sparse things" in (gallery / "index.html").read_text()
