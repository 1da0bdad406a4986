"""`status --ics FILE` (issue 16): the calendar of booked meeting slots, from the ledgers alone,
the same calendar `meetings sync --ics` writes."""

from __future__ import annotations

import pytest

from classroom_ops.checks.ledger import Ledger
from classroom_ops.meetings.sync import ledger_calendar

from .test_meetings import at, course, say, sync  # noqa: F401  (course is a fixture)

pytestmark = pytest.mark.integration


def test_status_writes_the_calendar_of_booked_slots(course):  # noqa: F811
    env, sb = course, course.sandbox
    ledger = str(env.dir / "ledger.json")
    sb.set_clock(at("2026-10-12T09:00:00-04:00"))
    assert sync(env).code == 0  # the booking issues open
    ics = env.dir / "status.ics"
    res = env.run("status", "--ledger", ledger, "--ics", str(ics))
    assert res.code == 0, res
    assert "calendar: " in res.out and "(0 booked slots)" in res.out
    assert "BEGIN:VCALENDAR" in ics.read_text() and "BEGIN:VEVENT" not in ics.read_text()

    say(env, "dave", "dense-crew", "/book 2")
    say(env, "alice", "sparse-squad", "/book 1")
    sb.set_clock(at("2026-10-12T10:01:00-04:00"))
    assert sync(env, "--ics", str(env.dir / "meetings.ics")).code == 0
    sb.clear_requests()
    res = env.run("status", "--ledger", ledger, "--ics", str(ics))
    assert res.code == 0, res
    assert "(2 booked slots)" in res.out
    assert env.writes() == []  # status writes nothing to GitHub
    text = ics.read_bytes().decode()
    assert text.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Midpoint Check-in: Dense Crew" in text
    assert "DTSTART:20261026T143000Z" in text  # slot 2, 10:30 EDT
    assert "SUMMARY:Midpoint Check-in: Sparse Squad" in text
    # the same calendar as ledger_calendar's, stamped at the same moment (GitHub's clock)
    again = ledger_calendar(env.course(), Ledger.load(ledger), _stamp(text))
    assert again == text


def _stamp(text: str):
    from datetime import UTC, datetime

    line = next(ln for ln in text.split("\r\n") if ln.startswith("DTSTAMP:"))
    return datetime.strptime(line.removeprefix("DTSTAMP:"), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
