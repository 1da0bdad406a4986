"""`teams sync`: bring every registration's answer comment and label up to date.

Reads the hub (the list of issues, the list of all its comments, one user lookup per login
nobody knows), recomputes the standing from scratch, then writes only what differs: so a
rerun writes nothing, and two runs racing end in the same state (the oldest answer wins; a
duplicate a race left behind is emptied into a pointer to it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..ghdata import Comment, Thread
from .answer import MARKER, find_answer, previous, render, trusted_author
from .form import is_registration
from .settings import Settings
from .standing import WITHDRAWN, Standing, compute

LABEL_PREFIX = "team: "
DUPLICATE = ("<!-- classroom-ops:duplicate -->\n(An earlier copy of this registration's answer "
             "is kept up to date above.)\n")


def label_for(state: str) -> str | None:
    return None if state == WITHDRAWN else LABEL_PREFIX + state


@dataclass
class Hub:
    """The hub's registrations as read: threads with their comments."""

    threads: list[tuple[Thread, list[Comment]]]
    now: datetime


def read_hub(gh, settings: Settings) -> Hub:
    now = gh.get_server_time()
    threads = [t for t in gh.list_threads(settings.full_name) if is_registration(t.body)]
    comments = gh.list_repo_comments(settings.full_name) if threads else {}
    return Hub([(t, comments.get(t.number, [])) for t in threads], now)


def standing_of(gh, settings: Settings, hub: Hub, me: str | None) -> Standing:
    prev = {t.number: previous(find_answer(cs, settings, me)) for t, cs in hub.threads}
    prev = {n: p for n, p in prev.items() if p is not None}
    first = compute(hub.threads, settings, hub.now, prev)
    # Logins nobody knows may be typos: ask GitHub once each, to say which.
    known = {s.lower() for s in first.students}
    unknown = {m.lower() for r in first.teams() for m in r.members
               if m.lower() not in known and not settings.is_staff(m)}
    missing = {u for u in sorted(unknown) if not gh.get_user_exists(u)}
    return compute(hub.threads, settings, hub.now, prev, no_such_user=missing) if missing \
        else first


@dataclass
class Change:
    number: int
    what: list[str] = field(default_factory=list)


def sync(gh, settings: Settings, *, me: str | None, dry_run: bool = False,
         log: Callable[[str], None] = lambda s: None,
         hub: Hub | None = None) -> tuple[Standing, list[Change]]:
    hub = hub or read_hub(gh, settings)
    st = standing_of(gh, settings, hub, me)
    by_number = {t.number: (t, cs) for t, cs in hub.threads}
    changes: list[Change] = []
    for r in st.registrations:
        t, comments = by_number[r.number]
        ch = Change(r.number)
        ans = find_answer(comments, settings, me)
        if r.state == WITHDRAWN and ans is None:
            pass  # closed before it was ever answered: nothing to say
        else:
            body = render(r, settings, st.closed)
            if ans is None:
                ch.what.append("answer posted")
                if not dry_run:
                    _post(gh, settings, r.number, body, me)
            elif ans.body != body:
                ch.what.append("answer updated")
                if not dry_run:
                    gh.update_comment(settings.full_name, ans.id, body)
        for dup in comments:
            if ans is not None and dup.id != ans.id and dup.body.startswith(MARKER) \
                    and trusted_author(dup, settings, me):
                ch.what.append("duplicate answer emptied")
                if not dry_run:
                    gh.update_comment(settings.full_name, dup.id, DUPLICATE)
        want = label_for(r.state)
        ours = [lb for lb in t.labels if lb.startswith(LABEL_PREFIX)]
        if ours != ([want] if want else []):
            others = [lb for lb in t.labels if not lb.startswith(LABEL_PREFIX)]
            ch.what.append(f"label {want}" if want else "team label removed")
            if not dry_run:
                gh.update_issue(settings.full_name, r.number,
                              labels=others + ([want] if want else []))
        if ch.what:
            changes.append(ch)
            log(f"#{r.number}: {r.state}: " + ", ".join(ch.what))
    return st, changes


def _post(gh, settings: Settings, number: int, body: str, me: str | None) -> None:
    def probe():
        return find_answer(gh.list_comments(settings.full_name, number), settings, me)

    gh.create_comment(settings.full_name, number, body, probe=probe)
