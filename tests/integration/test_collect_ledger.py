"""`collect` trusts the ledger, never the tag students can move (issue 19): every shard's ledger
is read (a folder, as the deadline-check workflow commits it), and a moved tag is reported."""

from __future__ import annotations

import json

import pytest
import yaml

from classroom_ops.pdfgen import sample_report
from support import ROOT

from .gitops import git
from .test_collect import at, collect, project_yml, push, term  # noqa: F401  (a fixture)
from .test_collect_regressions import record

pytestmark = pytest.mark.integration


def test_a_moved_submission_tag_does_not_change_what_is_collected(term):  # noqa: F811
    env, sb = term, term.sandbox
    sb.set_clock(at("2026-12-10T20:00:00-05:00"))
    judged = push(env, "alice", "final-sparse-squad", {
        "report/final.pdf": sample_report(title="Sparse"),
        "project.yml": project_yml("Sparse attention", "Training Efficiency")})
    kv = push(env, "gina", "final-kv-cachers", {
        "report/final.pdf": sample_report(title="KV"),
        "project.yml": project_yml("Paged KV", "Quantization")})
    # The workflow's shards each write their ledger; it commits them under records/ledger/.
    sb.set_clock(at("2026-12-14T09:00:00-05:00"))
    folder = env.dir / "records" / "ledger"
    folder.mkdir(parents=True)
    for k in (1, 2, 3):
        env.run("check", "--milestone", "final-report", "--no-issues", "--shard", f"{k}/3",
                "--ledger", str(folder / f"ledger-{k}-of-3.json"))
    shards = {k: json.loads((folder / f"ledger-{k}-of-3.json").read_text())["teams"]
              for k in (1, 2, 3)}
    assert "sparse-squad" in shards[1] and "kv-cachers" in shards[3]  # two shards' ledgers

    # After the deadline a student pushes another report and moves the tag onto it.
    sb.set_clock(at("2026-12-15T09:00:00-05:00"))
    other = push(env, "alice", "final-sparse-squad", {
        "report/final.pdf": sample_report(title="Someone else's paper"),
        "project.yml": project_yml("A better title", "Training Efficiency")})
    dest = env.work / "dls__final-sparse-squad"
    git("tag", "-f", "submission/final-report", other, cwd=dest)
    git("push", "-q", "-f", "origin", "refs/tags/submission/final-report", cwd=dest)

    sb.clear_requests()
    res = collect(env, "--ledger", str(folder))
    assert res.code == 1, res  # the moved tag is a problem to look at; lazy-llamas has nothing
    s = record(env, "sparse-squad")
    assert (s["commit"], s["source"], s["title"]) == (judged, "ledger", "Sparse attention")
    assert f"sparse-squad: tag submission/final-report was moved to {other[:7]} after the " \
           f"check; the ledger's commit {judged[:7]} is collected" in res.out
    assert record(env, "kv-cachers")["commit"] == kv  # from the other shard's ledger
    assert record(env, "kv-cachers")["source"] == "ledger"
    assert "kv-cachers: tag" not in res.out
    assert env.writes() == []

    res = collect(env, "--ledger", str(folder / "ledger-1-of-3.json"), "--ledger",
                  str(folder / "ledger-3-of-3.json"))
    assert record(env, "sparse-squad")["commit"] == judged  # repeated --ledger merges too
    assert record(env, "kv-cachers")["source"] == "ledger"
    empty = env.dir / "empty"
    empty.mkdir()
    res = collect(env, "--ledger", str(empty))
    assert res.code == 2 and "no ledger (*.json) in this folder" in res.err


def test_the_collect_workflow_passes_the_committed_ledger_folder():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "collect.yml").read_text())
    [step] = [s for s in wf["jobs"]["collect"]["steps"] if s.get("name") == "Collect"]
    assert "--ledger ${{ inputs.publish-dir }}/ledger" in step["with"]["args"]
    deadline = (ROOT / ".github" / "workflows" / "deadline-check.yml").read_text()
    assert 'cp {} "$DEST/ledger/"' in deadline  # where the deadline check commits them
    inputs = wf[True]["workflow_call"]["inputs"]
    assert inputs["publish-dir"]["default"] == "records"


def test_a_team_excused_from_the_milestone_is_not_called_one_that_never_submitted(term):  # noqa: F811
    """A team added after the final report's deadline is excused (policy.before_repository):
    collect says so rather than "never submitted ... no record in the ledger"."""
    env, sb = term, term.sandbox
    env.tokens["zoe"] = sb.create_user("zoe")
    text = env.config.read_text()
    i = text.index("\n", text.index("teams:\n") + len("teams:\n"))
    env.config.write_text(text[:i] + "\n  - {name: Late Larks, members: [zoe]}" + text[i:])
    sb.set_clock(at("2026-12-14T09:00:00-05:00"))  # after the final report's deadline
    assert env.run("provision", "--yes").code == 0
    ledger = env.dir / "ledger.json"
    env.run("check", "--milestone", "final-report", "--no-issues", "--ledger", str(ledger))
    assert json.loads(ledger.read_text())["teams"]["late-larks"]["final-report"]["status"] \
        == "excused"
    res = collect(env, "--ledger", str(ledger))
    assert "late-larks: excused from Final Report (its repository did not exist at the " \
           "deadline); nothing to collect" in res.out, res
    assert "late-larks: never submitted" not in res.out
