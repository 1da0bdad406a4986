"""The one judgment model (checks/judgment.py) and the starter rule (checks/judge.py), pure."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from classroom_ops.checks.judge import judge_files, judge_local
from classroom_ops.checks.judgment import (
    counted_commit,
    is_current,
    load_ledgers,
    rules_digest,
    stale_reason,
)
from classroom_ops.checks.ledger import Entry
from classroom_ops.checks.starter import TeamStarter, git_blob_sha, starter_manifest
from classroom_ops.config import load_course
from classroom_ops.errors import UsageError
from classroom_ops.ghdata import TreeEntry
from classroom_ops.model import Deliverable, Milestone
from support import ROOT

EXAMPLE = ROOT / "examples" / "deep-learning-at-scale" / "classroom.yml"


@pytest.fixture(scope="module")
def course():
    return load_course(EXAMPLE)


def entry(course, slug="sparse-squad", mid="proposal", **kw) -> Entry:
    team, m = course.team(slug), course.milestone(mid)
    base = dict(status="missing", deadline=course.deadline_for(team, m).isoformat(),
                judged_at="2026-10-13T12:00:00+00:00", commit="a" * 40,
                pushed_at="2026-10-09T12:00:00+00:00", rules=rules_digest(m))
    return Entry(**{**base, **kw})


def test_git_blob_sha_is_gits():
    assert git_blob_sha(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
    assert git_blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_a_judgment_counts_while_its_deadline_and_rules_hold(course):
    team, m = course.team("sparse-squad"), course.milestone("proposal")
    e = entry(course)
    assert is_current(course, team, m, e)
    assert stale_reason(course, team, m, replace(e, deadline="2026-10-09T23:59:00-04:00")) \
        == "the deadline changed"
    changed = replace(m, deliverables=(replace(m.deliverables[0], min_words=100),))
    assert stale_reason(course, team, changed, e) == "the rules changed"
    assert rules_digest(changed) != rules_digest(m)
    assert is_current(course, team, m, replace(e, rules=None))  # an older ledger: as it is


def test_the_commit_that_counts(course):
    assert counted_commit(entry(course)).commit == "a" * 40
    late = entry(course, status="late", late_commit="b" * 40, late_by_seconds=60,
                 late_pushed_at="2026-10-11T12:00:00+00:00")
    assert (counted_commit(late).commit, counted_commit(late).status) == ("b" * 40, "late")
    assert counted_commit(entry(course, status="excused", commit=None)) is None
    assert counted_commit(entry(course, commit=None)) is None


def test_load_ledgers_merges_every_shard_of_a_folder(course, tmp_path):
    folder = tmp_path / "ledger"
    folder.mkdir()
    for k, slug in ((1, "sparse-squad"), (2, "kv-cachers")):
        e = entry(course, slug)
        (folder / f"ledger-{k}-of-2.json").write_text(json.dumps({
            "org": course.org, "term": course.term,
            "teams": {slug: {"proposal": e.__dict__}}}))
    found = load_ledgers(folder, course)
    assert sorted(found.entries) == [("kv-cachers", "proposal"), ("sparse-squad", "proposal")]
    assert found.get("kv-cachers", "proposal").commit == "a" * 40
    assert len(found.paths) == 2
    (folder / "ledger-3-of-3.json").write_text(json.dumps({"org": course.org, "term": "x"}))
    with pytest.raises(UsageError, match="records term x"):
        load_ledgers(folder, course)
    with pytest.raises(UsageError, match="no such ledger"):
        load_ledgers([tmp_path / "none.json"], course)


def tree(files: dict[str, bytes]) -> list[TreeEntry]:
    return [TreeEntry(p, "blob", git_blob_sha(b), len(b)) for p, b in files.items()]


def test_the_starter_is_not_a_submission_unless_it_may_be_kept():
    starter = {"proposal.md": b"# Proposal\n\n## Problem\n", "README.md": b"# Team\n"}
    m = Milestone("proposal", "Proposal", None, "", (
        Deliverable(path="proposal.md", sections=("Problem",)),
        Deliverable(path="README.md", starter_ok=True)))
    manifest = starter_manifest(starter)
    fetch = {git_blob_sha(b): b for b in starter.values()}
    got = judge_files(m, tree(starter), lambda e: fetch[e.sha], TeamStarter(manifest))
    assert [(f.path, f.rule) for f in got] == [("proposal.md", "starter"), ("README.md", "starter")]
    assert got[1].message.startswith("Nothing of the team's own has been pushed")
    own = {**starter, "proposal.md": b"# Proposal\n\n## Problem\n\nOurs.\n"}
    fetch.update({git_blob_sha(b): b for b in own.values()})
    assert judge_files(m, tree(own), lambda e: fetch[e.sha], TeamStarter(manifest)) == []
    # the same rule on a checkout, from the rules file's map
    assert [f.rule for f in judge_local(m, dict(starter), {}, manifest)] == ["starter", "starter"]
    assert judge_local(m, dict(own), {}, manifest) == []
    # without a starter, content alone
    assert judge_files(m, tree(starter), lambda e: fetch[e.sha]) == []


def test_a_starter_rendered_before_the_course_changed_is_found_in_what_provisioning_pushed():
    m = Milestone("p", "P", None, "", (Deliverable(path="README.md"),))
    old = {"README.md": b"deadlines: Friday\n"}
    calls = []

    def setup():
        calls.append(1)
        return [{"README.md": git_blob_sha(b"deadlines: Friday\n")}]

    starter = TeamStarter({"README.md": git_blob_sha(b"deadlines: Monday\n")}, setup)
    got = judge_files(m, tree(old), lambda e: b"", starter)
    assert [f.rule for f in got] == ["starter"] and calls == [1]
    judge_files(m, tree(old), lambda e: b"", starter)
    assert calls == [1]  # read once per team


def test_the_rules_file_provision_keeps_up_to_date(course, tmp_path):
    from classroom_ops.checks.local import load_rules
    from classroom_ops.checks.starter import rules_file
    from classroom_ops.provision.render import RULES_PATH

    team = course.team("sparse-squad")
    first = rules_file(course, team, None, {"proposal.md": "b" * 40})
    assert rules_file(course, team, first) is None  # up to date: nothing to write
    later = replace(course, grace=course.grace * 2)
    updated = rules_file(later, team, first)
    assert updated is not None and b"grace_minutes: 30" in updated
    assert updated.endswith(b"starter:\n  proposal.md: " + b"b" * 40 + b"\n")  # kept
    (tmp_path / RULES_PATH).parent.mkdir(parents=True)
    (tmp_path / RULES_PATH).write_bytes(updated)
    assert load_rules(tmp_path).starter == {"proposal.md": "b" * 40}  # what --local reads
