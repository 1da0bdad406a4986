"""The words of booking issues and answers, and the calendar of booked slots (pure).

Nothing a student wrote is quoted back: answers name the slot number the tool parsed, and notes
from staff pass through `neutralize` (no mentions, links or markup). Logins are written without
`@`, so answers ping no one; GitHub notifies the issue's participants anyway.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from ..model import Milestone, Slot
from ..rules import neutralize
from ..rules.text import plain
from ..timeline import format_deadline
from .booking import BOOKED, CANCELLED, MOVED, SIGNED, Board, Outcome

LABEL = "booking"
_MARKER = re.compile(r"<!-- classroom-ops:booking milestone=([a-z0-9-]+) digest=([0-9a-f]*) -->")
_LINK = re.compile(r"^https://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~%/?#=&+-]*)?$")
VERB = {"meeting": "/met", "presentation": "/presented"}


def marker(mid: str, digest: str) -> str:
    return f"<!-- classroom-ops:booking milestone={mid} digest={digest} -->"


def parse_marker(body: str) -> tuple[str, str] | None:
    m = _MARKER.search(body or "")
    return (m[1], m[2]) if m else None


def answers_marker(mid: str) -> str:
    """The one comment per booking issue that answers every command (kept up to date)."""
    return f"<!-- classroom-ops:answers milestone={mid} -->"


def answers_comment(mid: str, answered: list[dict], tz) -> str:
    """The answers comment from the ledger's recorded outcomes (`meeting_command` events with
    their `answer`), oldest first: the same events give the same text, so a rerun edits nothing."""
    lines = [answers_marker(mid), "Answers to this team's commands, oldest first:", ""]
    lines += [f"- {plain(e['author'], 39)}, /{e['verb']} ({_when(e['at'], tz)}): {e['answer']}"
              for e in answered]
    return "\n".join(lines)


def where_text(where: str) -> str:
    """A room as inert text; a plain https link stays a link (the course file is staff's)."""
    w = where.strip()
    if _LINK.match(w):
        return f"<{w}>"
    return neutralize(w) if w else "(place to be announced)"


def slot_text(slot: Slot, tz) -> str:
    minutes = int(slot.length.total_seconds() // 60)
    staff = ", ".join(slot.staff)
    return (f"{format_deadline(slot.at, tz)}, {minutes} min, {where_text(slot.where)}"
            + (f", with {staff}" if staff else ""))


def title(m: Milestone, due_text: str) -> str:
    return f"Book your {m.title} (due {due_text})"


def body(m: Milestone, team: str, board: Board, now: datetime, tz, due_text: str) -> str:
    """The booking issue: every slot and its state for this team, and how to book. Rewritten
    when that changes (the digest in the marker says whether it did)."""
    mine = board.slot_of.get(team)
    rows = []
    for i, s in enumerate(m.slots, 1):
        if i == mine:
            state = "**booked by your team**"
        elif s.at <= now:
            state = "past"
        elif i in board.team_at:
            state = "taken"
        else:
            state = "free"
        rows.append(f"| {i} | {slot_text(s, tz)} | {state} |")
    kind = "presentation" if m.kind == "presentation" else "meeting"
    if team in board.signed:
        o = board.signed[team]
        status = f"Signed off by course staff ({o.author}) on {_when(o.at, tz)}. Nothing more to do."
    elif mine:
        status = f"Your team has slot {mine}: {slot_text(m.slots[mine - 1], tz)}."
    else:
        status = "Your team has not booked a slot yet."
    lines = [
        f"**{neutralize(m.title)}** is a {kind} with course staff, due {due_text}: it counts "
        f"once staff sign it off, by the deadline.",
        "",
        f"**Status:** {status}",
        "",
        "| # | slot | state |", "|---|---|---|", *rows,
        "",
        "**How to book:** a member of the team comments `/book N` (N is the slot's number) to "
        "book or move to a free slot, or `/cancel` to give it up before it starts. First come, "
        "first served: the earlier comment wins; every command gets an answer below. Comments "
        "edited after writing do not count; write a new one.",
        "",
        f"**Staff:** comment `{VERB[kind]}` (a note may follow on the same line) to sign the "
        f"{kind} off. Only course staff's sign-off counts.",
    ]
    text = "\n".join(lines)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return marker(m.id, digest) + "\n\n" + text


def _when(iso: str, tz) -> str:
    return format_deadline(datetime.fromisoformat(iso), tz)


def answer(o: Outcome, m: Milestone, board: Board, now: datetime, tz) -> str:
    free = board.free(now)
    free_text = (", ".join(str(i) for i in free) if free else "none")
    n = o.slot
    if o.result in (BOOKED, MOVED):
        what = f"slot {n}, {slot_text(m.slots[n - 1], tz)}."
        text = (f"Booked: {what}" if o.result == BOOKED else
                f"Moved from slot {o.previous} to {what}")
        return text
    text = {
        CANCELLED: f"Cancelled: slot {o.previous} is free again. Free slots now: {free_text}.",
        SIGNED: f"Signed off by {o.author} on {_when(o.at, tz)}."
                + (f" Note: {neutralize(o.note)}" if o.note else ""),
        "taken": f"Slot {n} was booked by another team first. Free slots now: {free_text}.",
        "no-such-slot": f"There is no slot {n}; the slots are numbered 1 to {len(m.slots)}.",
        "no-slot-number": "Write the slot's number after `/book`, like `/book 2`.",
        "started": f"Slot {n} has already started; it cannot be booked, moved or cancelled now.",
        "already-yours": f"Slot {n} is already your team's.",
        "nothing-to-cancel": "Your team has no slot booked; nothing to cancel.",
        "not-staff": "Only course staff can sign off; this comment does not count.",
        "not-member": "Only members of this team (or course staff) can book for it; this "
                      "comment does not count.",
        "edited": "This comment was edited before it was read, so it does not count; write the "
                  "command in a new comment.",
        "already-signed": "Already signed off; nothing changes.",
    }[o.result]
    return text


# -- calendar (RFC 5545) ---------------------------------------------------------------------------
def _ics_text(s: str) -> str:
    s = s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"[\r\n]+", "\\\\n", s)


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, cur = [], ""
    for ch in line:
        limit = 75 if not out else 74
        if len((cur + ch).encode()) > limit:
            out.append(cur)
            cur = ""
        cur += ch
    out.append(cur)
    return [out[0]] + [" " + x for x in out[1:]]


def _utc(d: datetime) -> str:
    return d.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(course_name: str, term: str, boards: list[tuple[Milestone, Board]],
             team_names: dict[str, str], now: datetime) -> str:
    """Every slot ever booked: CONFIRMED with its team, or CANCELLED once given up (calendar
    apps then drop it). A slot's UID is stable and its SEQUENCE grows with each change."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//classroom-ops//meetings//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_ics_text(f'{course_name} meetings')}"]
    for m, board in boards:
        for i, s in enumerate(m.slots, 1):
            if i not in board.ever_booked:
                continue
            team = board.team_at.get(i)
            status = "CONFIRMED" if team else "CANCELLED"
            who = plain(team_names.get(team, team), 100) if team else ""
            summary = f"{m.title}: {who}" if team else f"{m.title} (free)"
            desc = f"Slot {i}" + (f"; staff: {', '.join(s.staff)}" if s.staff else "")
            lines += ["BEGIN:VEVENT", f"UID:{term}-{m.id}-slot{i}@classroom-ops",
                      f"SEQUENCE:{board.ever_booked[i]}", f"DTSTAMP:{_utc(now)}",
                      f"DTSTART:{_utc(s.at)}", f"DTEND:{_utc(s.at + s.length)}",
                      f"SUMMARY:{_ics_text(summary)}", f"LOCATION:{_ics_text(s.where)}",
                      f"DESCRIPTION:{_ics_text(desc)}", f"STATUS:{status}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(x + "\r\n" for line in lines for x in _fold(line))
