"""The sandbox clock: the one time source for commits, pushes, issues, headers and rate limits.

It runs at real speed from an offset so that timestamps stay ordered, unless frozen, in which case
it only moves when told to (tests that compare exact timestamps want that).
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str | int | float) -> timedelta:
    """Accept "90s", "15m", "2h", "3d", "1d12h" or a bare number of seconds."""
    if isinstance(text, int | float):
        return timedelta(seconds=text)
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return sign * timedelta(seconds=float(text))
    parts = re.findall(r"(\d+(?:\.\d+)?)([smhdw])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"bad duration {text!r}: use a number and a unit among s, m, h, d, w")
    return sign * timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in parts))


def parse_time(text: str) -> datetime:
    """ISO 8601 with or without zone; a naive time is taken as UTC (as GitHub does)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC).replace(microsecond=0), usegmt=True)


class Clock:
    def __init__(self, start: datetime | None = None, frozen: bool = False):
        self._lock = threading.Lock()
        self._frozen = frozen
        self._base = (start or datetime.now(UTC)).astimezone(UTC)
        self._mono = time.monotonic()

    def now(self) -> datetime:
        with self._lock:
            if self._frozen:
                return self._base
            return self._base + timedelta(seconds=time.monotonic() - self._mono)

    def set(self, value: datetime, frozen: bool | None = None) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        with self._lock:
            if frozen is not None:
                self._frozen = frozen
            self._base = value.astimezone(UTC)
            self._mono = time.monotonic()
        return self.now()

    def advance(self, delta: timedelta) -> datetime:
        return self.set(self.now() + delta)

    @property
    def frozen(self) -> bool:
        return self._frozen

    def state(self) -> dict:
        return {"now": iso(self.now()), "frozen": self._frozen}
