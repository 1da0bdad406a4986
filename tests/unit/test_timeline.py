from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classroom_ops.timeline import (
    DeadlineError,
    format_deadline,
    parse_duration,
    resolve,
    week_start,
)

NY = ZoneInfo("America/New_York")
START = date(2026, 8, 31)


def r(text, tz=NY, **kw):
    return resolve(text, tz=tz, start=START, **kw)


def test_week_n_is_the_default_weekday_of_that_week():
    assert r("week 1").isoformat() == "2026-09-04T23:59:00-04:00"
    assert r("Week 6").isoformat() == "2026-10-09T23:59:00-04:00"
    assert r("week 14 monday 09:00").isoformat() == "2026-11-30T09:00:00-05:00"
    assert r("week 2", due_weekday="sunday", due_time=time(12, 0)).isoformat() == \
        "2026-09-13T12:00:00-04:00"


def test_dates_and_times_in_the_course_zone():
    assert r("2026-10-09").isoformat() == "2026-10-09T23:59:00-04:00"
    assert r("2026-12-11 23:59").isoformat() == "2026-12-11T23:59:00-05:00"
    assert r("2026-12-11T08:30").isoformat() == "2026-12-11T08:30:00-05:00"


def test_iso_with_offset_keeps_the_moment():
    moment = r("2026-10-09T23:59:00+02:00")
    assert moment.astimezone(UTC) == datetime(2026, 10, 9, 21, 59, tzinfo=UTC)
    assert r("2026-10-09T12:00:00Z").astimezone(UTC).hour == 12


def test_anywhere_on_earth_is_the_end_of_the_day_at_utc_minus_12():
    aoe = r("2026-10-09 AoE")
    assert aoe.astimezone(UTC) == datetime(2026, 10, 10, 11, 59, 59, tzinfo=UTC)
    assert r("2026-10-09 18:00 aoe").astimezone(UTC).hour == 6


def test_dst_end_week_uses_standard_time():
    # 2026-11-01 is the fall-back Sunday in New York: week 9 Friday is EDT, week 10 Friday EST.
    assert r("week 9").utcoffset() == timedelta(hours=-4)
    assert r("week 10").utcoffset() == timedelta(hours=-5)


def test_time_in_spring_forward_gap_moves_later():
    moment = resolve("2027-03-14 02:30", tz=NY, start=START)
    assert moment.astimezone(UTC) == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    assert moment.astimezone(NY).hour == 3


def test_repeated_hour_takes_the_first_occurrence():
    moment = resolve("2026-11-01 01:30", tz=NY, start=START)
    assert moment.utcoffset() == timedelta(hours=-4)


FORMS = ("write 'week 6', 'week 14 monday 09:00', '2026-10-09', '2026-10-09 23:59', "
         "'2026-10-09 AoE' or an ISO 8601 time with offset")


@pytest.mark.parametrize("text, message", [
    ("next friday", f"cannot read the deadline 'next friday'; {FORMS}"),
    ("week 0", "'week 0': weeks count from 1"),
    ("week 3 funday", "'week 3 funday': 'funday' is not a weekday; write e.g. 'week 14 monday'"),
    ("2026-02-30", "'2026-02-30': 2026-02-30 is not a calendar date"),
    ("2026-10-09 25:00", "'2026-10-09 25:00': '25:00' is not a time of day like 23:59"),
    ("", f"cannot read the deadline ''; {FORMS}"),
])
def test_unreadable_deadlines_say_what_would_work(text, message):
    """The whole message, exactly: what was written, and what would work."""
    with pytest.raises(DeadlineError) as e:
        r(text)
    assert str(e.value) == message


def test_durations():
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("2h") == timedelta(hours=2)
    assert parse_duration(0) == timedelta(0)
    with pytest.raises(DeadlineError):
        parse_duration("soon")


def test_format_for_students():
    assert format_deadline(r("week 6"), NY) == "Fri 9 Oct 23:59 EDT"


ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "UTC",
         "America/St_Johns", "Pacific/Chatham"]


@settings(max_examples=300, deadline=None)
@given(
    zname=st.sampled_from(ZONES),
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    hh=st.integers(0, 23), mm=st.integers(0, 59),
)
def test_wall_clock_deadlines_are_never_earlier_than_written(zname, day, hh, mm):
    tz = ZoneInfo(zname)
    moment = resolve(f"{day} {hh:02d}:{mm:02d}", tz=tz, start=START)
    assert moment.tzinfo is not None
    local = moment.astimezone(tz).replace(tzinfo=None)
    written = datetime.combine(day, time(hh, mm))
    # Equal except in a DST gap, where the deadline moves later by at most the gap.
    assert timedelta(0) <= local - written <= timedelta(hours=1)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 30), start=st.dates(min_value=date(2024, 1, 1),
                                             max_value=date(2030, 12, 31)))
def test_week_deadlines_are_seven_days_apart_in_wall_time(n, start):
    a = resolve(f"week {n}", tz=NY, start=start).astimezone(NY)
    b = resolve(f"week {n + 1}", tz=NY, start=start).astimezone(NY)
    assert b.date() - a.date() == timedelta(days=7)
    assert a.weekday() == 4 and (a.hour, a.minute) == (23, 59)
    assert week_start(start) <= a.date()
