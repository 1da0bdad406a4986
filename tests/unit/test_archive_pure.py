"""The archive's pure parts: project.yml as untrusted input, safe paths, reproducible zips,
inert Markdown, size limits, publish targets."""

from __future__ import annotations

import hashlib
import os

import pytest

from classroom_ops.archive.fetch import MB, Limits
from classroom_ops.archive.gallery import Card, build, markdown_page
from classroom_ops.archive.layout import (
    Archive,
    UnsafePath,
    safe_join,
    safe_rel,
    walk_files,
    write_file,
    zip_bytes,
)
from classroom_ops.archive.project import parse_project
from classroom_ops.archive.publish import git_blob_id, parse_target
from classroom_ops.errors import UsageError

AREAS = ("Training Efficiency", "Quantization")


def test_a_valid_project_file():
    info = parse_project(b"title: Int4\narea: quantization\nabstract: We quantize.\n"
                         b"share_report: true\nshare_names: true\n", AREAS)
    assert (info.title, info.area, info.share_report, info.share_names, info.problems) == (
        "Int4", "Quantization", True, True, [])


@pytest.mark.parametrize("raw, problem", [
    (None, "project.yml is missing"),
    (b"title: [unclosed", "project.yml is not valid YAML at line 1"),
    (b"\xff\xfe", "project.yml is not UTF-8 text"),
    (b"- a list\n", "project.yml must be a mapping"),
    (b"title: 5\narea: Quantization\nabstract: x\n", "project.yml: title must be text"),
    (b"title: t\narea: Quantization\nabstract: x\nshare_report: 'true'\n",
     "project.yml: share_report must be true or false"),
    (b"title: t\narea: Crypto\nabstract: x\n", "area 'Crypto' is not one of the course's areas"),
    (b"title: " + b"x" * 300 + b"\narea: Quantization\nabstract: x\n",
     "project.yml: title is longer than 200 characters"),
    (b"title: t\n" + b"#" * (70 * 1024), "project.yml is larger than 64 KiB"),
    (b"a: &a [1]\nb: *a\ntitle: t\narea: Quantization\nabstract: x\n", "unknown keys: a, b"),
    (b"title: " + b"[" * 5000 + b"]" * 5000 + b"\n", "project.yml is too deeply nested"),
    (b"title: " + b"{a: " * 3000 + b"1" + b"}" * 3000 + b"\n", "project.yml is too deeply nested"),
    (b"title: 2026-13-45 10:00:00\n", "project.yml has a value that cannot be read"),
])
def test_bad_project_files_are_reported(raw, problem):
    info = parse_project(raw, AREAS)
    assert any(problem in p for p in info.problems), info.problems


def test_names_are_never_shared_without_the_report_and_controls_are_removed():
    info = parse_project(b"title: \"A\\u202eB\\x1b[31m\"\narea: Quantization\nabstract: x\n"
                         b"share_names: true\n", AREAS)
    assert info.share_names is False and info.title == "AB[31m"


@pytest.mark.parametrize("path", ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\..\\x", "",
                                  "a//b", "./a", "a/\x00", "x" * 300, "a\n0000  b.txt",
                                  "a\rb", "a\tb", "a\x7fb", "a\x85b", "a\u202eb", "a\u200bb",
                                  "a\ue000b", "a\ud800b"])
def test_unsafe_paths_are_refused(path):
    with pytest.raises(UnsafePath):
        safe_rel(path)


def test_no_write_through_a_symlink(tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, base / "link")
    with pytest.raises(UnsafePath):
        write_file(base, "link/x.txt", b"x")
    with pytest.raises(UnsafePath):
        safe_join(base, "link/x.txt")
    assert list(outside.iterdir()) == []
    write_file(base, "a/b/c.txt", b"ok")
    with pytest.raises(FileExistsError):  # a duplicate path in one collection
        write_file(base, "a/b/c.txt", b"again")
    assert (base / "a" / "b" / "c.txt").read_bytes() == b"ok"


def test_only_the_archives_own_staging_names_are_skipped(tmp_path):
    for rel in (".tmp-fall-2026.x/a", ".old-gallery.y/b", ".MANIFEST.sha256.z.tmp",
                "fall-2026/t/.tmp-run/log.txt", "fall-2026/t/.old-x/b.txt",
                "fall-2026/t/.notes.tmp", "fall-2026/index.json"):
        write_file(tmp_path, rel, b"x")
    assert [r for r, _ in walk_files(tmp_path)] == [
        "fall-2026/index.json", "fall-2026/t/.notes.tmp", "fall-2026/t/.old-x/b.txt",
        "fall-2026/t/.tmp-run/log.txt"]


def test_the_public_gallery_hides_team_folders_without_share_names():
    team = {"listed": True, "share_report": True, "title": "T", "area": "Quantization",
            "abstract": "A", "team": "Sparse Squad", "members": ["alice"],
            "report": "report/sparse-squad-final.pdf"}
    idx = {"term": "fall-2026", "start": "2026-08-31", "teams": [
        {**team, "slug": "sparse-squad", "share_names": False},
        {**team, "slug": "kv-cachers", "share_names": True, "report": "report/final.pdf",
         "team": "KV Cachers", "members": ["gina"]}]}
    opaque = "p." + hashlib.sha256(b"fall-2026/sparse-squad").hexdigest()[:12]
    files = build([idx], True, ["Quantization"], lambda rel: rel.encode())
    assert sorted(files) == ["files/fall-2026/kv-cachers/final.pdf",
                             f"files/fall-2026/{opaque}/report.pdf", "index.html",
                             "past-projects.md"]
    assert files[f"files/fall-2026/{opaque}/report.pdf"] == (
        b"fall-2026/sparse-squad/report/sparse-squad-final.pdf")
    for page in ("index.html", "past-projects.md"):
        assert b"sparse" not in files[page].lower()
    internal = build([idx], False, ["Quantization"], lambda rel: rel.encode())
    assert "files/fall-2026/sparse-squad/sparse-squad-final.pdf" in internal


def test_a_report_that_cannot_be_read_is_left_out_of_the_gallery():
    team = {"listed": True, "share_report": True, "share_names": True, "title": "T",
            "area": "Quantization", "abstract": "A", "team": "Gone", "members": [],
            "report": "report/final.pdf", "slug": "gone"}
    idx = {"term": "fall-2026", "start": "2026-08-31", "teams": [team]}

    def read(rel):
        raise FileNotFoundError(rel)

    files = build([idx], False, ["Quantization"], read)
    assert sorted(files) == ["index.internal-not-for-publication.html",
                             "past-projects.internal-not-for-publication.md"]
    assert b"Gone" not in files["index.internal-not-for-publication.html"]


def test_the_zip_is_reproducible(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, order in ((a, ["z.txt", "m/n.pdf", "a.md"]), (b, ["a.md", "m/n.pdf", "z.txt"])):
        for name in order:
            write_file(folder, name, name.encode() * 100)
    os.utime(a / "a.md", (0, 0))
    assert zip_bytes(a, "fall-2026") == zip_bytes(b, "fall-2026")
    (b / "a.md").write_bytes(b"changed")
    assert zip_bytes(a, "fall-2026") != zip_bytes(b, "fall-2026")


def test_an_interrupted_swap_is_finished_on_the_next_run(tmp_path):
    arch = Archive(tmp_path)
    arch.prepare()
    staged = arch.staging("fall-2026")
    (staged / "index.json").write_text("{}")
    arch.swap(staged, "fall-2026")
    os.replace(tmp_path / "fall-2026", tmp_path / ".old-fall-2026.abc")  # crash mid-swap
    (tmp_path / ".tmp-fall-2026.xyz").mkdir()
    arch.prepare()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fall-2026"]
    assert arch.terms() == ["fall-2026"]


def test_markdown_keeps_student_text_inert():
    card = Card(title="[x](https://e.example) <b>@all</b> {{ site }} #1", area="Quantization",
                term="fall-2026", abstract="- item\n{% include x %}", team="T", members=["@a"],
                href="files/fall-2026/t/final.pdf", pdf_source="", order=("", "x", "t"))
    md = markdown_page([card], ["Quantization"])
    body = md.split("---\n", 2)[2]
    for bad in ("](https", "<b>", "@all", "{{", "{%", " #1", "\n- item"):
        assert bad not in body, bad
    assert "\\#&#8203;1" in body
    assert "#### [\\[x\\](h&#8203;ttps://e.example)" in body


def test_limits():
    lim = Limits(per_file=2 * MB, per_team=3 * MB, total=4 * MB)
    assert lim.fits(MB, 0) is None
    assert "per file" in lim.fits(3 * MB, 0)
    assert "per team" in lim.fits(2 * MB, 2 * MB)
    lim.used = 3 * MB
    assert "whole collection" in lim.fits(2 * MB, 0)


def test_publish_targets_and_blob_ids():
    assert parse_target("dls/site") == ("dls/site", "past-projects")
    assert parse_target("dls/site:_pages/past/") == ("dls/site", "_pages/past")
    for bad in ("dls", "dls/site:../x", "dls/site:/abs", "a b/c"):
        with pytest.raises(UsageError):
            parse_target(bad)
    assert git_blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
