"""Booking rules and the calendar, pure: commands in, results, bookings and text out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from classroom_ops.meetings.booking import Board, Command, parse_command
from classroom_ops.meetings.text import answer, body, calendar
from classroom_ops.model import Milestone, Slot

T0 = datetime(2026, 10, 12, 14, 0, tzinfo=UTC)
SLOTS = tuple(Slot(datetime(2026, 10, 26, 14 + i, 0, tzinfo=UTC), timedelta(minutes=30),
                   "Room 1", ("ta",)) for i in range(3))
M = Milestone("midpoint", "Midpoint", datetime(2026, 10, 30, 21, tzinfo=UTC), "x",
              kind="meeting", slots=SLOTS)
MEMBERS = {"a": {"alice", "Bob"}, "b": {"carol"}}


def board() -> Board:
    return Board(M, {"TA"}, MEMBERS)


def cmd(n: int, team: str, author: str, body_text: str, minutes: int = 0, edited=False):
    verb, rest = parse_command(body_text)
    return Command(n, team, author, T0 + timedelta(minutes=minutes), verb, rest, edited)


def test_parse_only_a_first_line_command():
    assert parse_command("\n  /BOOK 2 please\nmore") == ("book", "2 please")
    assert parse_command("/met Great work\x1b[31m") == ("met", "Great work[31m")
    assert parse_command("I will /book 2") is None
    assert parse_command("/booking 2") is None and parse_command("/book-2") is None
    assert parse_command("") is None
    assert len(parse_command("/met " + "x" * 5000)[1]) <= 200


def test_first_come_first_served_and_moves_cancels():
    b = board()
    assert b.apply(cmd(11, "b", "carol", "/book 2")).result == "booked"
    assert b.apply(cmd(10 + 2, "a", "alice", "/book 2")).result == "taken"
    assert b.apply(cmd(13, "a", "bob", "/book 3")).result == "booked"  # logins: any case
    assert b.apply(cmd(14, "a", "alice", "/book 3")).result == "already-yours"
    moved = b.apply(cmd(15, "a", "alice", "/book 1"))
    assert (moved.result, moved.slot, moved.previous) == ("moved", 1, 3)
    assert b.free(T0) == [3]
    assert b.apply(cmd(16, "b", "carol", "/cancel")).result == "cancelled"
    assert b.free(T0) == [2, 3]
    assert b.apply(cmd(17, "b", "carol", "/cancel")).result == "nothing-to-cancel"
    assert b.apply(cmd(18, "b", "carol", "/book 0")).result == "no-such-slot"
    assert b.apply(cmd(19, "b", "carol", "/book two")).result == "no-slot-number"


def test_only_members_book_only_staff_sign_off_and_edits_never_count():
    b = board()
    assert b.apply(cmd(1, "a", "carol", "/book 1")).result == "not-member"  # another team
    assert b.apply(cmd(2, "a", "alice", "/met")).result == "not-staff"
    assert b.apply(cmd(3, "a", "alice", "/book 1", edited=True)).result == "edited"
    assert b.apply(cmd(4, "a", "ta", "/met", edited=True)).result == "edited"
    assert b.apply(cmd(5, "a", "ta", "/book 1")).result == "booked"  # staff may book for a team
    signed = b.apply(cmd(6, "a", "ta", "/presented fine @x"))
    assert (signed.result, signed.slot, signed.note) == ("signed-off", 1, "fine @x")
    assert b.apply(cmd(7, "a", "ta", "/met")).result == "already-signed"
    assert b.apply(cmd(8, "a", "alice", "/cancel")).result == "already-signed"


def test_a_started_slot_cannot_be_booked_moved_or_cancelled():
    b = board()
    b.apply(cmd(1, "a", "alice", "/book 1"))
    late = (SLOTS[0].at - T0) // timedelta(minutes=1) + 1
    assert b.apply(cmd(2, "a", "alice", "/cancel", late)).result == "started"
    assert b.apply(cmd(3, "a", "alice", "/book 2", late)).result == "started"
    assert b.apply(cmd(4, "b", "carol", "/book 1", late)).result == "started"


def test_recorded_outcomes_rebuild_the_same_board():
    b = board()
    records = [b.apply(c).record() for c in (
        cmd(1, "b", "carol", "/book 2"), cmd(2, "a", "alice", "/book 2"),
        cmd(3, "a", "alice", "/book 3"), cmd(4, "a", "alice", "/book 1"),
        cmd(5, "b", "carol", "/cancel"), cmd(6, "a", "ta", "/met"))]
    again = board()
    for r in records:
        again.restore(r)
    assert (again.slot_of, again.team_at, set(again.signed)) == (
        b.slot_of, b.team_at, set(b.signed)) == ({"a": 1}, {1: "a"}, {"a"})


def test_answers_and_body_ping_no_one_and_quote_no_student_text():
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("America/New_York")
    b = board()
    o = b.apply(cmd(1, "a", "ta", "/met see @alice #3 [x](http://evil.example)"))
    text = answer(o, M, b, T0, tz)
    assert "@alice" not in text and "@&#8203;alice" in text
    assert "](http" not in text and "#3" not in text
    o = b.apply(cmd(2, "b", "carol", "/book 7 <img src=x>"))
    assert "<img" not in answer(o, M, b, T0, tz)
    page = body(M, "b", b, T0, tz, "Fri 30 Oct 17:00 EDT")
    assert "| 1 | Mon 26 Oct 10:00 EDT, 30 min, Room 1, with ta | free |" in page


def test_calendar_lists_booked_and_cancelled_slots_escaped_and_folded():
    b = board()
    b.apply(cmd(1, "a", "alice", "/book 1"))
    b.apply(cmd(2, "b", "carol", "/book 2"))
    b.apply(cmd(3, "b", "carol", "/cancel"))
    ics = calendar("C", "t1", [(M, b)], {"a": "Ünïcode; Team, \"A\"\nX" * 4, "b": "B"}, T0)
    lines = ics.split("\r\n")
    assert ics.endswith("END:VCALENDAR\r\n")
    assert all(len(x.encode()) <= 75 for x in lines)
    unfolded = ics.replace("\r\n ", "")
    assert "SUMMARY:Midpoint: Ünïcode\\; Team\\, \"A\" X" in unfolded  # one line, escaped
    assert "UID:t1-midpoint-slot1@classroom-ops" in unfolded
    assert unfolded.count("STATUS:CONFIRMED") == 1 and unfolded.count("STATUS:CANCELLED") == 1
    assert "SEQUENCE:2" in unfolded  # slot 2: booked, then cancelled
    assert "slot3" not in unfolded
