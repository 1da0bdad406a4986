"""Deadlines as instructors write them, turned into exact moments.

Accepted forms (case-insensitive):
- `week 6`                     -> the course's default weekday of week 6, at the default time
- `week 14 monday`, `week 14 monday 09:00`
- `2026-10-09`                 -> that date at the default time, in the course zone
- `2026-10-09 23:59`           -> that wall-clock time in the course zone
- `2026-10-09T23:59:00-04:00`  -> an ISO 8601 moment with its own offset (or `Z`)
- `2026-10-09 AoE`, `2026-10-09 18:00 AoE` -> Anywhere on Earth (UTC-12), 23:59 by default

Wall-clock times that fall in a daylight-saving gap (02:30 on a spring-forward night) move forward
by the gap, and times that occur twice take the first occurrence: the deadline is then never earlier
than the instructor could have meant.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
AOE = timezone(timedelta(hours=-12), "AoE")

_WEEK = re.compile(
    r"^week\s+(?P<n>\d{1,2})(?:\s+(?P<day>[a-z]+))?(?:\s+(?P<time>\d{1,2}:\d{2}))?$", re.I
)
_DATE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[ T](?P<time>\d{1,2}:\d{2}(?::\d{2})?))?(?:\s+(?P<aoe>aoe))?$",
    re.I,
)
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")


class DeadlineError(ValueError):
    """A due expression that cannot be resolved; the message says what would work."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DeadlineError(
            f"unknown time zone '{name}'; use an IANA name like America/New_York or Europe/Berlin"
        ) from None


def parse_hhmm(text: str) -> time:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59 or int(m[3] or 0) > 59:
        raise DeadlineError(f"'{text}' is not a time of day like 23:59")
    return time(int(m[1]), int(m[2]), int(m[3] or 0))


def localize(d: date, t: time, tz: ZoneInfo) -> datetime:
    """Wall-clock time in `tz`, moved past a DST gap and taking the first of a repeated hour."""
    naive = datetime.combine(d, t)
    aware = naive.replace(tzinfo=tz, fold=0)
    # A time in a spring-forward gap does not survive a round trip through UTC.
    roundtrip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if roundtrip != naive:
        # fold=0 read the wall time with the offset from before the jump, which is the same
        # instant as the wall time moved forward by the gap: normalise it to the new offset.
        return aware.astimezone(UTC).astimezone(tz)
    return aware


def week_start(start: date) -> date:
    """The Monday of the week that holds `start`."""
    return start - timedelta(days=start.weekday())


def resolve(text: str, **kw) -> datetime:
    """The moment a due expression names, timezone-aware (see the module's docstring)."""
    try:
        return _resolve(text, **kw)
    except DeadlineError as e:
        if str(text) in str(e):
            raise
        raise DeadlineError(f"'{text}': {e}") from None


def _resolve(
    text: str,
    *,
    tz: ZoneInfo,
    start: date,
    due_time: time = time(23, 59),
    due_weekday: str = "friday",
) -> datetime:
    s = " ".join(str(text).split())
    m = _WEEK.match(s)
    if m:
        n = int(m["n"])
        if n < 1:
            raise DeadlineError(f"'{text}': weeks count from 1")
        day = (m["day"] or due_weekday).lower()
        if day not in WEEKDAYS:
            raise DeadlineError(f"'{text}': '{m['day']}' is not a weekday; write e.g. 'week 14 monday'")
        d = week_start(start) + timedelta(weeks=n - 1, days=WEEKDAYS.index(day))
        t = parse_hhmm(m["time"]) if m["time"] else due_time
        return localize(d, t, tz)
    m = _DATE.match(s)
    if m:
        try:
            d = date.fromisoformat(m["date"])
        except ValueError:
            raise DeadlineError(f"'{text}': {m['date']} is not a calendar date") from None
        if m["aoe"]:
            t = parse_hhmm(m["time"]) if m["time"] else time(23, 59, 59)
            return datetime.combine(d, t, AOE)
        t = parse_hhmm(m["time"]) if m["time"] else due_time
        return localize(d, t, tz)
    try:
        moment = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is not None:
        return moment.astimezone(tz)
    raise DeadlineError(
        f"cannot read the deadline '{text}'; write 'week 6', 'week 14 monday 09:00', "
        "'2026-10-09', '2026-10-09 23:59', '2026-10-09 AoE' or an ISO 8601 time with offset"
    )


def parse_duration(value: str | int) -> timedelta:
    """`15m`, `2h`, `1d`, `30s`; a bare number is minutes."""
    m = _DURATION.match(str(value))
    if not m:
        raise DeadlineError(f"'{value}' is not a duration like 15m, 2h or 1d")
    n, unit = int(m[1]), m[2] or "m"
    return timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[unit]: n})


def format_deadline(moment: datetime, tz: ZoneInfo) -> str:
    """How a deadline reads for students: 'Fri 9 Oct 23:59 EDT'."""
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %H:%M} {local.tzname()}"
