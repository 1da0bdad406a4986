"""Booking slots and signing off, as pure rules: commands in, results and bookings out.

A command is the first line of an issue comment: `/book N`, `/cancel` (a member of the team, or
staff), `/met` or `/presented` (staff only). Who wrote it is the author GitHub records, never a
name in the text. Commands from every team are applied in one order, by GitHub's creation time
and then comment id (ids grow with time across a whole GitHub instance), so when two teams ask
for one slot at once the earlier request wins, the same way on every run.

Each command is decided once; its result is recorded (the ledger's `meeting_command` events) and
later runs rebuild the board from those records, so editing or deleting a comment afterwards
changes nothing. A comment edited before it was first read does not count either (anyone with
write access to a repository can edit others' comments, so an edited comment's author is not
necessarily who wrote its text).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from ..model import Milestone
from ..rules.text import plain

_COMMAND = re.compile(r"^/(book|cancel|met|presented)(?![\w-])[ \t]*(.*)$", re.I)
_SLOT = re.compile(r"^#?(\d{1,4})(?!\S)")
NOTE_LIMIT = 200

# Results, and whether each changes the board.
BOOKED, MOVED, CANCELLED, SIGNED = "booked", "moved", "cancelled", "signed-off"
REFUSED = ("taken", "no-such-slot", "no-slot-number", "started", "already-yours",
           "nothing-to-cancel", "not-staff", "not-member", "edited", "already-signed")


@dataclass(frozen=True)
class Command:
    comment: int
    team: str  # slug of the team whose issue holds the comment
    author: str
    at: datetime  # GitHub's creation time of the comment
    verb: str  # book, cancel, met, presented
    rest: str  # the rest of the line, bounded, control characters removed
    edited: bool = False


@dataclass(frozen=True)
class Outcome:
    """A decided command, as recorded in the ledger (plain values only)."""

    comment: int
    team: str
    milestone: str
    author: str
    at: str  # ISO
    verb: str
    result: str
    slot: int | None = None  # 1-based
    previous: int | None = None  # the slot given up by a move or a cancel
    note: str = ""

    def record(self) -> dict:
        return {"kind": "meeting_command", **asdict(self)}


def parse_command(body: str) -> tuple[str, str] | None:
    """(verb, rest of the line) if the comment's first non-empty line is a command."""
    for line in (body or "").splitlines():
        line = line.strip()
        if not line:
            continue
        m = _COMMAND.match(line[:500])
        return (m[1].lower(), plain(m[2], NOTE_LIMIT)) if m else None
    return None


class Board:
    """One milestone's bookings and sign-offs."""

    def __init__(self, milestone: Milestone, staff: set[str], members: dict[str, set[str]]):
        self.m = milestone
        self.staff = {s.lower() for s in staff}
        self.members = {t: {x.lower() for x in ms} for t, ms in members.items()}
        self.slot_of: dict[str, int] = {}  # team -> slot (1-based)
        self.team_at: dict[int, str] = {}  # slot -> team
        self.signed: dict[str, Outcome] = {}
        self.ever_booked: dict[int, int] = {}  # slot -> how many changes (calendar SEQUENCE)

    # -- state ------------------------------------------------------------------------------
    def free(self, now: datetime) -> list[int]:
        return [i for i, s in enumerate(self.m.slots, 1)
                if i not in self.team_at and s.at > now]

    def _take(self, team: str, slot: int) -> None:
        self._release(team)
        self.slot_of[team], self.team_at[slot] = slot, team
        self.ever_booked[slot] = self.ever_booked.get(slot, 0) + 1

    def _release(self, team: str) -> None:
        old = self.slot_of.pop(team, None)
        if old is not None:
            self.team_at.pop(old, None)
            self.ever_booked[old] = self.ever_booked.get(old, 0) + 1

    def restore(self, event: dict) -> None:
        """Replay a recorded outcome: the decision stands, whatever the comments say now."""
        known = {f.name for f in fields(Outcome)}  # the event also keeps the answer's words
        o = Outcome(**{k: v for k, v in event.items() if k in known})
        if o.result in (BOOKED, MOVED) and o.slot is not None:
            self._take(o.team, o.slot)
        elif o.result == CANCELLED:
            self._release(o.team)
        elif o.result == SIGNED:
            self.signed.setdefault(o.team, o)

    # -- deciding ---------------------------------------------------------------------------
    def apply(self, cmd: Command) -> Outcome:
        result, slot, previous, note = self._decide(cmd)
        out = Outcome(cmd.comment, cmd.team, self.m.id, cmd.author, cmd.at.isoformat(),
                      cmd.verb, result, slot, previous, note)
        if result in (BOOKED, MOVED):
            self._take(cmd.team, slot)
        elif result == CANCELLED:
            self._release(cmd.team)
        elif result == SIGNED:
            self.signed[cmd.team] = out
        return out

    def _decide(self, cmd: Command):
        author = cmd.author.lower()
        is_staff = author in self.staff
        if cmd.verb in ("met", "presented"):
            if not is_staff:
                return "not-staff", None, None, ""
            if cmd.edited:
                return "edited", None, None, ""
            if cmd.team in self.signed:
                return "already-signed", None, None, ""
            return SIGNED, self.slot_of.get(cmd.team), None, cmd.rest
        if not is_staff and author not in self.members.get(cmd.team, set()):
            return "not-member", None, None, ""
        if cmd.edited:
            return "edited", None, None, ""
        if cmd.team in self.signed:
            return "already-signed", None, None, ""
        mine = self.slot_of.get(cmd.team)
        if cmd.verb == "cancel":
            if mine is None:
                return "nothing-to-cancel", None, None, ""
            if self.m.slots[mine - 1].at <= cmd.at:
                return "started", mine, None, ""
            return CANCELLED, None, mine, ""
        m = _SLOT.match(cmd.rest)
        if not m:
            return "no-slot-number", None, None, ""
        n = int(m[1])
        if not 1 <= n <= len(self.m.slots):
            return "no-such-slot", n, None, ""
        if mine == n:
            return "already-yours", n, None, ""
        if self.m.slots[n - 1].at <= cmd.at:
            return "started", n, None, ""
        if n in self.team_at:
            return "taken", n, None, ""
        if mine is not None and self.m.slots[mine - 1].at <= cmd.at:
            return "started", mine, None, ""  # the team's own slot has begun: no moving now
        return (MOVED if mine is not None else BOOKED), n, mine, ""
