"""Hostile student repositories give findings, never crashes, and cannot ping anyone."""

from __future__ import annotations

import json
import os

import pytest

from .test_check import at, cells, check, issues, proposal, push

pytestmark = pytest.mark.integration


def test_binary_invalid_utf8_and_mentions(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": os.urandom(4096)})
    bad_utf8 = proposal().encode().replace(b"We study", b"We \xff\xfe study", 1)
    push(env, "dave", "dense-crew", {"proposal.md": bad_utf8})
    hostile = proposal(["Problem Statement @dls/staff", "Motivation <script>x</script>",
                        "Related Work"]).replace("We study", "cc @prof-lee and #1")
    push(env, "gina", "kv-cachers", {"proposal.md": hostile})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    res = check(env, "--milestone", "proposal")
    assert res.code == 1 and "Traceback" not in res.err
    c = cells(env)
    assert [f["rule"] for f in c[("sparse-squad", "proposal")]["findings"]] == ["binary"]
    assert "encoding" in [f["rule"] for f in c[("dense-crew", "proposal")]["findings"]]
    kv = c[("kv-cachers", "proposal")]["findings"]
    assert {f["rule"] for f in kv} >= {"sections"}
    [issue] = issues(env, "kv-cachers")
    # the student's headings are quoted in the issue, but cannot mention or inject
    assert "@dls/staff" not in issue.body and "<script>" not in issue.body
    assert "staff" in issue.body


def test_lfs_pointer_and_a_50_mb_file(semester):
    env, sb = semester, semester.sandbox
    text = env.config.read_text().replace("        max_pages: 8", "        max_pages: 8\n"
                                          "        max_size: 20MB")
    env.config.write_text(text)
    sb.set_clock(at("2026-12-10T20:00:00-05:00"))
    pointer = ("version https://git-lfs.github.com/spec/v1\n"
               "oid sha256:" + "a" * 64 + "\nsize 123456\n")
    push(env, "alice", "sparse-squad", {"report/final.pdf": pointer})
    push(env, "dave", "dense-crew", {"report/final.pdf": b"%PDF-1.4\n" + os.urandom(50_000_000)})
    sb.set_clock(at("2026-12-12T12:00:00-05:00"))
    sb.clear_requests()
    res = check(env, "--milestone", "final-report", "--no-issues")
    assert res.code == 1 and "Traceback" not in res.err
    c = cells(env)
    assert [f["rule"] for f in c[("sparse-squad", "final-report")]["findings"]] == ["lfs_pointer"]
    big = c[("dense-crew", "final-report")]["findings"]
    assert [f["message"] for f in big] == [
        "report/final.pdf is 50.0 MB; the limit is 20.0 MB."]
    # judged on its listed size: the 50 MB blob was never downloaded
    assert not [r for r in sb.requests() if "final-dense-crew/git/blobs" in r["path"]]


def test_thousands_of_files_and_a_deep_tree(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    files = {f"data/shard-{i:04d}.txt": f"{i}\n" for i in range(3000)}
    files["/".join(f"d{i}" for i in range(60)) + "/proposal.md"] = proposal()
    files["proposal.md"] = proposal()
    push(env, "alice", "sparse-squad", files)
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    sb.clear_requests()
    res = check(env, "--milestone", "proposal", "--team", "sparse-squad", "--no-issues")
    assert res.code == 0, res
    assert cells(env)[("sparse-squad", "proposal")]["status"] == "on_time"
    mine = [r["path"] for r in sb.requests() if "final-sparse-squad" in r["path"]]
    # one tree listing and one blob, whatever the size of the repository; plus, once per team,
    # the tree provisioning pushed (the starter, kept in the ledger for later runs)
    assert sum("/git/trees/" in p for p in mine) == 2
    assert sum("/git/blobs/" in p for p in mine) == 1
    starters = json.loads((env.dir / "ledger.json").read_text())["starters"]["sparse-squad"]
    assert "proposal.md" in starters and "data/shard-0000.txt" not in starters
