"""Where every registration stands, recomputed from scratch on every run.

Inputs are only what students and staff cannot forge: each issue's body and author, each
comment's body, author and time, the course's settings, and what the tool itself recorded in its
own answer comment (written by a bot or staff account, which no student can post as). Labels are
output only: anyone with triage access could set them.

After registration closes, the answers' record of each team confirmed at closing is the official
one (see `_as_recorded`); anything else a student does counts only with a staff `/approve`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ..ghdata import Comment, Thread
from ..names import slugify
from .form import Form, parse
from .settings import Settings

CONFIRMED, PENDING, PROBLEM, WITHDRAWN = "confirmed", "pending", "problem", "withdrawn"
# A registration naming no teammate: a student looking for a team, with their interests, for
# `teams match`. It forms no team and claims nobody.
LOOKING = "looking"


@dataclass(frozen=True)
class Previous:
    """What the tool's last answer on an issue recorded: the version teammates confirmed, the
    last comment id before that version (earlier `/confirm`s were for an older version), and
    the last comment id it had read. When the version changes, confirmations read by the last
    answer were for the old version; later ones count (a confirmation written between an edit
    and the answer to the edit counts for the new version)."""

    fingerprint: str
    after: int = 0
    seen: int = 0  # the last comment id that answer had read
    # A staff `/approve` counts only after this comment id: one written before the tool saw an
    # edit may have been for the version before it.
    approve_after: int = 0
    # The state the last answer written before registration closed gave (carried unchanged by
    # every later answer), and the team as confirmed then: after closing, that is the record.
    at_close: str | None = None
    record: Record | None = None


@dataclass(frozen=True)
class Record:
    """A team as it stood confirmed when registration closed: name, members, interests."""

    name: str
    members: tuple[str, ...]
    areas: tuple[str, ...] = ()


def command(body: str) -> str | None:
    """`confirm` or `approve` when a comment's first line is that slash command."""
    for line in (body or "").splitlines():
        word = line.strip().split(maxsplit=1)[0].lower() if line.strip() else ""
        if not word:
            continue
        return {"/confirm": "confirm", "/approve": "approve"}.get(word)
    return None


@dataclass
class Registration:
    number: int
    author: str
    html_url: str
    form: Form
    slug: str
    members: list[str]
    staff_made: bool
    fingerprint: str
    after: int
    created_at: datetime
    seen: int = 0
    approve_after: int = 0
    at_close: str | None = None  # see Previous
    record: Record | None = None
    late: bool = False  # takes part only with a staff /approve: registration had closed
    open: bool = True
    elsewhere: dict[str, Registration] = field(default_factory=dict)  # lower login -> their team
    confirmed_at: dict[str, int] = field(default_factory=dict)  # lower login -> comment id
    approved_by: str | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    state: str = PENDING

    @property
    def name(self) -> str:
        return self.form.team_name

    def has_confirmed(self, login: str) -> bool:
        return self.staff_made or login.lower() == self.author.lower() \
            or login.lower() in self.confirmed_at

    @property
    def waiting(self) -> list[str]:
        return [m for m in self.members if not self.has_confirmed(m)]

    @property
    def interests(self) -> list[str]:
        return list(self.form.areas)


@dataclass
class Standing:
    registrations: list[Registration]  # by issue number, withdrawn ones included
    students: list[str]  # every student login known (roster and hub participants)
    unteamed: list[str]  # students named in no open registration
    closed: bool  # registration has closed
    unjoined: list[str] = field(default_factory=list)  # e-mail students not joined (labels)

    def teams(self, *states: str) -> list[Registration]:
        states = states or (CONFIRMED, PENDING, PROBLEM)
        return [r for r in self.registrations if r.state in states]

    def missing(self) -> list[str]:
        """Students in no confirmed team: what the team-formation milestone lacks."""
        done = {m.lower() for r in self.teams(CONFIRMED) for m in r.members}
        return [s for s in self.students if s.lower() not in done] + list(self.unjoined)


def compute(threads: list[tuple[Thread, list[Comment]]], settings: Settings, now: datetime,
            previous: dict[int, Previous] | None = None,
            no_such_user: set[str] = frozenset()) -> Standing:
    """Every registration's members, confirmations, problems and state.

    `threads` are the hub's registration issues with their comments; `previous` maps an issue
    number to the tool's last answer on it; `no_such_user` holds logins GitHub says do not exist
    (lower case)."""
    previous = previous or {}
    closed = now > settings.closes
    staff = {s.lower() for s in settings.staff}
    # Students the course file already puts in a team are not part of team formation.
    assigned = {s.lower() for s, _ in settings.assigned}
    known = {s.lower(): s for s in settings.roster
             if s.lower() not in staff and s.lower() not in assigned}
    # Whoever opened a registration or commented in the private hub can read it: a student
    # (e-mail invitees are on the roster only by address) unless staff or a bot.
    for t, comments in threads:
        for who, kind in [(t.author, "User")] + [(c.author, c.author_type) for c in comments]:
            if who.lower() not in staff | assigned and kind != "Bot" \
                    and not who.endswith("[bot]"):
                known.setdefault(who.lower(), who)

    regs: list[Registration] = []
    for t, comments in sorted(threads, key=lambda tc: tc[0].number):
        regs.append(_one(t, comments, settings, staff, known, previous.get(t.number), closed))
    for r in regs:
        if r.open and not r.staff_made and not r.form.teammates and not r.form.errors:
            r.state = LOOKING
            if not closed:
                r.at_close, r.record = LOOKING, None
    live = [r for r in regs if r.open and r.state != LOOKING]
    # A late registration (see `_one`) takes nobody from a team until staff approve it.
    _claims([r for r in live if not (r.late and not r.approved_by)])
    _names(live, settings)
    for r in live:
        _check_people(r, staff, known, no_such_user, settings)
        _check_rest(r, settings, closed)
        r.state = PROBLEM if r.problems else PENDING if r.waiting else CONFIRMED
        if not closed:
            r.at_close = r.state
            r.record = Record(r.name, tuple(r.members), tuple(r.form.areas)) \
                if r.state == CONFIRMED else None
    for r in regs:
        if not r.open:
            r.state = WITHDRAWN
            if not closed:
                r.at_close, r.record = WITHDRAWN, None
    named = {m.lower() for r in live for m in r.members if _chosen(r, m)}
    students = sorted(known.values(), key=str.lower)
    for r in regs:
        if r.state == LOOKING and r.author.lower() in named:
            r.notes.append("you are in a team now (see its registration); close this issue")
    return Standing(regs, students, [s for s in students if s.lower() not in named], closed,
                    list(settings.unjoined))


def _one(t: Thread, comments: list[Comment], settings: Settings, staff: set[str],
         known: dict[str, str], prev: Previous | None, closed: bool) -> Registration:
    form = parse(t.body)
    # Staff (or the tool's App, for `teams match --apply`) register teams for students.
    staff_made = t.author.lower() in staff or t.author.endswith("[bot]")
    members: list[str] = [] if staff_made else [known.get(t.author.lower(), t.author)]
    for login in form.teammates:
        if login.lower() not in {m.lower() for m in members}:
            members.append(known.get(login.lower(), login))
    fp = form.fingerprint()
    # Only commands matter here; counting every comment would rewrite answers for chatter.
    last = max((c.id for c in comments if command(c.body)), default=0)
    if prev is None:
        after = approve_after = 0
    elif prev.fingerprint == fp:
        after, approve_after = prev.after, prev.approve_after
    else:
        after = prev.seen  # edited since the last answer: what it had read was for the old one
        # An /approve the last answer had not read may have followed the old version: only
        # one written after the tool shows the edited version counts.
        approve_after = last
    r = Registration(t.number, t.author, t.html_url, form, slugify(form.team_name), members,
                     staff_made, fp, after, t.created_at, open=t.state == "open", seen=last,
                     approve_after=approve_after)
    if prev is not None:
        r.at_close, r.record = prev.at_close, prev.record
    if prev is not None and prev.fingerprint != fp:
        r.notes.append("the registration was edited: every teammate confirms again")
    approved_late = False
    for c in sorted(comments, key=lambda c: c.id):
        if c.id <= max(after, approve_after):
            continue
        cmd = command(c.body)
        if cmd == "approve" and c.author.lower() in staff:
            r.approved_by = c.author
            approved_late = approved_late or c.created_at > settings.closes
    if closed and not staff_made and r.record is not None and not approved_late:
        return _as_recorded(r, known, prev is not None and prev.fingerprint != fp)
    if closed and not staff_made and not r.approved_by:
        # Nothing a student does after closing counts without staff: a registration opened
        # after it, one the tool never answered before it (an old issue edited into a form),
        # one withdrawn or looking at closing (reopened or edited since), one edited since.
        r.late = (t.created_at > settings.closes or r.at_close in (None, WITHDRAWN, LOOKING)
                  or (prev is not None and prev.fingerprint != fp))
    lower = {m.lower() for m in members}
    for c in sorted(comments, key=lambda c: c.id):
        if c.id <= after or command(c.body) != "confirm" or c.author.lower() not in lower:
            continue
        if closed and c.created_at > settings.closes and not r.approved_by:
            continue  # too late, unless staff approve the team as it is
        r.confirmed_at.setdefault(c.author.lower(), c.id)
    if prev is not None and prev.fingerprint != fp and closed and not r.approved_by \
            and not staff_made:
        r.problems.append("the registration changed after registration closed; a staff member "
                          "must /approve it")
    return r


def _as_recorded(r: Registration, known: dict[str, str], changed: bool) -> Registration:
    """A team confirmed when registration closed stays exactly as it was then, whatever its
    issue, body or comments say now (closed, edited, a `/confirm` deleted): only a staff
    `/approve` of the issue as it now reads replaces it."""
    rec = r.record
    assert rec is not None
    r.form = Form(team_name=rec.name, teammates=tuple(m for m in rec.members
                                                         if m.lower() != r.author.lower()),
                  areas=rec.areas)
    r.slug = slugify(rec.name)
    r.members = [known.get(m.lower(), m) for m in rec.members]
    r.confirmed_at = {m.lower(): 0 for m in rec.members}
    if changed or not r.open:
        r.notes = ["the team stays as it was confirmed when registration closed; a change "
                   "needs a staff member's /approve"]
    else:
        r.notes = []
    r.open = True  # closing the issue after closing withdraws nothing
    return r


def _chosen(r: Registration, login: str) -> bool:
    return login.lower() not in r.elsewhere


def _claims(live: list[Registration]) -> None:
    """Nobody is in two teams. A student belongs to the team they registered, else the one they
    confirmed first, else a staff-made one, else the earliest registration naming them."""
    claims: dict[str, list[Registration]] = defaultdict(list)
    for r in live:
        for m in r.members:
            claims[m.lower()].append(r)
    for login, regs in claims.items():
        if len(regs) < 2:
            continue
        authored = [r for r in regs if not r.staff_made and r.author.lower() == login]
        confirmed = sorted((r for r in regs if login in r.confirmed_at),
                           key=lambda r: r.confirmed_at[login])
        staff_made = [r for r in regs if r.staff_made]
        home = (authored or confirmed or staff_made or regs)[0]
        for r in regs:
            if r is not home:
                r.elsewhere[login] = home
                who = next(m for m in r.members if m.lower() == login)
                r.problems.append(f"{who} is already in team '{home.name}' (#{home.number}); "
                                  "a student can be in one team only")


def _names(live: list[Registration], settings: Settings) -> None:
    seen: dict[str, Registration] = {}
    reserved = {x.lower() for x in settings.reserved}
    for r in live:
        if r.form.errors:
            r.problems.extend(r.form.errors)
        if not r.form.team_name:
            continue
        if not r.slug:
            r.problems.append("the team name has no letters or digits to make a name from")
        elif r.slug in reserved:
            r.problems.append(f"the team name '{r.name}' is taken; choose another")
        elif r.slug in seen:
            first = seen[r.slug]
            r.problems.append(f"the team name '{r.name}' is too close to '{first.name}' "
                              f"(#{first.number}), registered first; choose another")
        else:
            seen[r.slug] = r


def _check_people(r: Registration, staff: set[str], known: dict[str, str],
                  no_such_user: set[str], settings: Settings) -> None:
    for m in r.members:
        if settings.assigned_to(m):
            r.problems.append(f"{m} is already in team '{settings.assigned_to(m)}' (the course "
                              "file)")
        elif m.lower() in staff:
            r.problems.append(f"{m} is on the course staff, not a student")
        elif m.lower() in no_such_user:
            r.problems.append(f"there is no GitHub user {m}; check the spelling")
        elif m.lower() not in known:
            r.problems.append(f"{m} is not on the course roster; check the login, or ask staff "
                              "to add them")


def _check_rest(r: Registration, settings: Settings, closed: bool) -> None:
    if len(r.members) != settings.size and not r.approved_by and not r.staff_made:
        r.problems.append(f"the team has {len(r.members)} member"
                          f"{'s' if len(r.members) != 1 else ''}; teams have {settings.size} "
                          "(another size needs a staff member's /approve)")
    if settings.areas:
        allowed = {a.casefold() for a in settings.areas}
        unknown = [a for a in r.form.areas if a.casefold() not in allowed]
        if unknown:
            r.problems.append("unknown project area: " + ", ".join(unknown)
                              + "; the areas are: " + ", ".join(settings.areas))
        elif not r.form.areas and not r.staff_made:
            r.problems.append("choose at least one project area")
    if r.late and not r.approved_by:
        if r.created_at > settings.closes:
            r.problems.append("registration had closed when this was opened; a staff member "
                              "must /approve it")
        elif not any("changed after registration closed" in p for p in r.problems):
            r.problems.append("this was not a registration the tool had answered as it now "
                              "reads when registration closed; a staff member must /approve it")
