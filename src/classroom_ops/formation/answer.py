"""The one comment the tool keeps up to date on each registration.

Everything a student typed is shown through `neutralize` (no mention, no link, no markup); logins
are shown in code spans only after `is_login` accepted them, so nobody is pinged by an answer.
The comment starts with a hidden marker carrying what `standing` needs next time (the version
teammates confirmed), and is trusted only when a bot or a staff member wrote it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from ..ghdata import Comment
from ..names import is_login
from ..rules.text import neutralize
from .settings import Settings
from .standing import (
    CONFIRMED,
    LOOKING,
    PENDING,
    PROBLEM,
    WITHDRAWN,
    Previous,
    Record,
    Registration,
)

MARKER = "<!-- classroom-ops:team-registration "
# Long enough for a recorded team (its name and up to 11 logins); `<` and `>` are escaped.
_MARK = re.compile(r"<!-- classroom-ops:team-registration (\{[^<>]{0,2000}\}) -->")
HEADLINES = {
    CONFIRMED: "confirmed",
    PENDING: "waiting for teammates to confirm",
    PROBLEM: "needs a fix",
    WITHDRAWN: "withdrawn (the issue is closed)",
    LOOKING: "looking for teammates",
}


def trusted_author(c: Comment, settings: Settings, me: str | None) -> bool:
    """Bots (the workflow's token, an App) and staff: no student can post as either; GitHub
    logins cannot contain '[', so '[bot]' marks an App's account."""
    return (c.author_type == "Bot" or c.author.endswith("[bot]") or settings.is_staff(c.author)
            or (me is not None and c.author.lower() == me.lower()))


def find_answer(comments: list[Comment], settings: Settings, me: str | None) -> Comment | None:
    """The tool's answer: the oldest trusted comment with the marker (a second one can only come
    from two runs racing; the oldest always wins, so both runs agree)."""
    mine = [c for c in comments if c.body.startswith(MARKER) and trusted_author(c, settings, me)]
    return min(mine, key=lambda c: c.id) if mine else None


def previous(answer: Comment | None) -> Previous | None:
    if answer is None:
        return None
    m = _MARK.match(answer.body)
    if not m:
        return None
    try:
        d = json.loads(m.group(1))
        rec = d.get("rec")
        record = None if rec is None else Record(
            str(rec["n"]), tuple(str(x) for x in rec["m"]), tuple(str(x) for x in rec["a"]))
        return Previous(str(d["fp"]), int(d["after"]), int(d.get("seen", d["after"])),
                        int(d.get("ap", 0)), d.get("k") if isinstance(d.get("k"), str)
                        else None, record)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _who(login: str) -> str:
    return f"`{login}`" if is_login(login) else neutralize(login, 40)


def render(r: Registration, settings: Settings, closed: bool) -> str:
    d = {"fp": r.fingerprint, "after": r.after, "seen": r.seen}
    if r.approve_after:
        d["ap"] = r.approve_after
    if r.at_close:
        d["k"] = r.at_close  # the state before closing, carried by every later answer
    if r.record is not None:
        d["rec"] = {"n": r.record.name, "m": list(r.record.members), "a": list(r.record.areas)}
    mark = json.dumps(d, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")
    lines = [f"{MARKER}{mark} -->", f"### Team registration: {HEADLINES[r.state]}", ""]
    if r.form.team_name:
        slug = f" (`{r.slug}`)" if r.slug else ""
        lines.append(f"**Team:** {neutralize(r.name, 80)}{slug}")
        lines.append("")
    if r.state not in (WITHDRAWN, LOOKING) and r.members:
        lines += ["| member | |", "| --- | --- |"]
        for m in r.members:
            if r.staff_made:
                status = "placed by staff"
            elif m.lower() == r.author.lower():
                status = "registered the team"
            elif r.has_confirmed(m):
                status = "confirmed"
            elif closed and not r.approved_by:
                status = "did not confirm before registration closed"
            else:
                status = "waiting: comment `/confirm` on this issue"
            lines.append(f"| {_who(m)} | {status} |")
        lines.append("")
    areas = [neutralize(a, 80) for a in r.form.areas]
    if r.form.other:
        areas.append("other: " + neutralize(r.form.other, 200))
    if areas:
        lines += ["**Interests:** " + "; ".join(areas), ""]
    if r.approved_by:
        lines += [f"Approved by staff ({_who(r.approved_by)}).", ""]
    for note in r.notes:
        lines += [f"Note: {neutralize(note, 300)}.", ""]
    if r.problems:
        lines.append("**To fix** (edit the issue; this comment updates itself):")
        lines += [f"- {neutralize(p, 400)}" for p in r.problems]
        lines.append("")
    lines += [_next(r, settings, closed), "",
              "<sub>Kept up to date by classroom-ops from this issue and its comments "
              "(labels are not read). Closing the issue withdraws the team.</sub>"]
    return "\n".join(lines) + "\n"


def _next(r: Registration, settings: Settings, closed: bool) -> str:
    when = _when(settings.local(settings.closes))
    if r.state == WITHDRAWN:
        return "This registration is withdrawn. Reopen the issue to register the team again."
    if r.state == LOOKING:
        return ("No teammates are named, so this registers no team: it tells staff you are "
                "looking for one, and your interests. Edit the issue to name teammates, or wait: "
                "staff place students in no team into teams after registration closes.")
    if r.state == CONFIRMED:
        return ("The team is confirmed. Staff create its repository after registration closes "
                f"({when}).")
    if closed:
        return (f"Registration closed at {when}: only a staff member's `/approve` can still "
                "change this team.")
    if r.state == PENDING:
        return ("Each teammate named above confirms by commenting `/confirm` on this issue. "
                f"Registration closes at {when}.")
    return f"Registration closes at {when}."


def _when(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M %Z").strip()
