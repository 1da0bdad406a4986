"""Ledger.load: a ledger someone edited by hand (or a broken artifact) is refused with a message
that says where, not read half-way into a crash later."""

from __future__ import annotations

import json

import pytest

from classroom_ops.checks.ledger import Entry, Ledger
from classroom_ops.errors import UsageError

GOOD = dict(status="late", deadline="2026-10-09T23:59:00-04:00",
            judged_at="2026-10-10T04:00:00+00:00", commit="a" * 40,
            pushed_at="2026-10-09T20:00:00-04:00", late_commit="b" * 40,
            late_pushed_at="2026-10-11T09:00:00+00:00", late_by_seconds=3600,
            head_checked="2026-10-11T09:00:00+00:00")


def write(tmp_path, **changes):
    path = tmp_path / "ledger.json"
    e = {**GOOD, **changes}
    path.write_text(json.dumps({"org": "o", "teams": {"kv-cachers": {"proposal": e}}}))
    return path


def test_a_well_formed_ledger_loads_and_saves_unchanged(tmp_path):
    path = write(tmp_path)
    ledger = Ledger.load(path)
    assert ledger.get("kv-cachers", "proposal") == Entry(**GOOD)
    # optional times may be absent (never pushed, never late)
    path = write(tmp_path, status="missing", pushed_at=None, commit=None, late_commit=None,
                 late_pushed_at=None, late_by_seconds=None, head_checked=None)
    assert Ledger.load(path).get("kv-cachers", "proposal").pushed_at is None


@pytest.mark.parametrize("field, value", [
    ("deadline", "last friday"),
    ("judged_at", "2026-10-10T04:00:00"),  # no offset: which zone?
    ("pushed_at", "last friday"),
    ("late_pushed_at", 1760000000),
    ("head_checked", ""),
    ("deadline", None),
    ("judged_at", None),
])
def test_a_malformed_time_is_refused_naming_the_place(tmp_path, field, value):
    path = write(tmp_path, **{field: value})
    with pytest.raises(UsageError) as e:
        Ledger.load(path)
    msg = str(e.value)
    for part in (str(path), "kv-cachers", "proposal", field, "restore it from the last artifact"):
        assert part in msg, (part, msg)


@pytest.mark.parametrize("value", ["pending", "error", "", None, 3])
def test_an_unknown_status_is_refused(tmp_path, value):
    path = write(tmp_path, status=value)
    with pytest.raises(UsageError) as e:
        Ledger.load(path)
    msg = str(e.value)
    for part in (str(path), "kv-cachers", "proposal", "status", "on_time, late, missing",
                 "restore it from the last artifact"):
        assert part in msg, (part, msg)


def test_a_missing_ledger_is_an_empty_one(tmp_path):
    assert Ledger.load(tmp_path / "none.json").teams == {}


# -- the record of what the tool did, and the course it belongs to ------------------------------
def test_issues_tags_and_issuer_are_kept(tmp_path):
    path = write(tmp_path)
    ledger = Ledger.load(path)
    ledger.record_issue("kv-cachers", "proposal", 7)
    ledger.record_tag("kv-cachers", "proposal", "a" * 40)
    ledger.issuer = "prof-lee"
    ledger.save()
    again = Ledger.load(path)
    assert again.issue_of("kv-cachers", "proposal") == 7
    assert again.tag_of("kv-cachers", "proposal") == "a" * 40
    assert again.issuer == "prof-lee"
    path.write_text(json.dumps({"org": "o", "issues": {"kv-cachers": {"proposal": "seven"}}}))
    with pytest.raises(UsageError, match="issues, tags or starters are not readable"):
        Ledger.load(path)


@pytest.mark.parametrize("org, term, refused", [
    ("o", "fall-2026", None), ("", "", None),  # a new ledger has no header yet
    ("other", "fall-2026", "organization other"), ("o", "spring-2026", "term spring-2026")])
def test_a_ledger_of_another_org_or_term_is_refused(tmp_path, org, term, refused):
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps({"org": org, "term": term, "teams": {}}))
    ledger = Ledger.load(path)
    if refused is None:
        ledger.require_course("o", "fall-2026")
        return
    with pytest.raises(UsageError) as e:
        ledger.require_course("o", "fall-2026")
    assert f"this ledger records {refused}" in str(e.value) and "--ledger" in str(e.value)


def test_excused_is_a_judgment(tmp_path):
    path = write(tmp_path, status="excused", commit=None, pushed_at=None, late_commit=None,
                 late_pushed_at=None, late_by_seconds=None, head_checked=None)
    assert Ledger.load(path).get("kv-cachers", "proposal").status == "excused"
