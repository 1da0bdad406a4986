"""`meetings sync`: open each team's booking issue, apply the new commands of every team in one
order, answer each once, keep the issues up to date, and record sign-offs in the ledger.

Per meeting milestone that has opened, by GitHub's clock:
1. every team's booking issue is found (the ledger's `booking_issue` event, else its label and
   marker on an issue the tool's own login opened: a student can paste the marker, not open an
   issue as someone else) or opened, and its comments listed: all of them before any command is
   applied, so a slot two teams ask for goes to the earlier comment whichever team's issue is
   read first;
2. only comments created after booking opened and before this run began count (one written
   while the run lists issues waits for the next run, which sees it in its place in time);
3. each new command is decided once (booking.Board), recorded in the ledger and answered;
4. a sign-off becomes the team's ledger entry (on time by the deadline, else late); after the
   deadline a team without one is recorded missing, until staff sign it off late.
A rerun with nothing new lists comments and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..adapter import GitHubAPI
from ..checks.judgment import Judgments
from ..checks.ledger import Entry, Ledger
from ..errors import ClassroomOpsError, StopRun
from ..ghdata import Comment, Issue, RepoInfo
from ..model import Course, Milestone, Team
from ..team_issues import find_marked, keep_comment
from ..timeline import format_deadline, zone
from . import text
from .booking import SIGNED, Board, Command, Outcome, parse_command


@dataclass
class TeamMeeting:
    """One team x meeting milestone after a run."""

    team: str
    milestone: str
    status: str  # pending, on_time, late, missing, error
    slot: int | None = None
    issue: int | None = None
    answered: int = 0
    note: str = ""


@dataclass
class _Ctx:
    team: Team
    repo: RepoInfo | None
    number: int | None = None  # the booking issue
    digest: str = ""  # of the body as last written
    state: str = "open"
    comments: list[Comment] = field(default_factory=list)
    read: bool = False  # the comments were listed this run


def signoff_entry(course: Course, team: Team, m: Milestone, at: datetime,
                  issue: int | None) -> Entry:
    """The ledger entry of a sign-off at `at`: on time by the team's deadline (grace and
    extension included), else late by the time since the deadline students were given."""
    deadline = course.deadline_for(team, m)
    late = at > deadline
    return Entry(status="late" if late else "on_time", deadline=deadline.isoformat(),
                 judged_at=at.isoformat(), commit=None, pushed_at=None, findings=[],
                 late_by_seconds=int((at - course.due_for(team, m)).total_seconds())
                 if late else None, issue=issue)


def missing_entry(course: Course, team: Team, m: Milestone, now: datetime,
                  issue: int | None) -> Entry:
    kind = "presentation" if m.kind == "presentation" else "meeting"
    return Entry(status="missing", deadline=course.deadline_for(team, m).isoformat(),
                 judged_at=now.isoformat(), commit=None, pushed_at=None, issue=issue,
                 findings=[{"path": "", "rule": "signoff", "line": None,
                            "message": f"No sign-off by course staff for the {kind} "
                                       f"'{m.title}' by the deadline."}])


def record_signoff(ledger: Ledger, course: Course, team: Team, m: Milestone, at: datetime,
                   by: str, note: str, issue: int | None, how: str) -> bool:
    """Record a sign-off unless one is recorded already (the first one counts). True if new."""
    old = ledger.get(team.slug, m.id)
    if old is not None and old.status in ("on_time", "late"):
        return False
    ledger.put(team.slug, m.id, signoff_entry(course, team, m, at, issue))
    ledger.event(kind="signoff", team=team.slug, milestone=m.id, by=by, note=note,
                 at=at.isoformat(), via=how)
    return True


def booking_issue_of(ledger: Ledger, team: str, mid: str) -> int | None:
    for e in reversed(ledger.events):
        if e.get("kind") == "booking_issue" and e.get("team") == team and \
                e.get("milestone") == mid:
            return e.get("issue")
    return None


def board_from_ledger(course: Course, ledger: Ledger | Judgments, m: Milestone) -> Board:
    """The milestone's bookings and sign-offs from one ledger, or every shard's merged."""
    board = Board(m, set(course.staff_members), {t.slug: set(t.members) for t in course.teams})
    for e in ledger.events:
        if e.get("kind") == "meeting_command" and e.get("milestone") == m.id:
            board.restore(e)
    for t in course.teams:  # sign-offs from the command line close booking too
        entry = ledger.get(t.slug, m.id)
        if entry is not None and entry.status in ("on_time", "late") and t.slug not in board.signed:
            board.signed[t.slug] = Outcome(0, t.slug, m.id, _signer(ledger, t.slug, m.id),
                                           entry.judged_at, "signoff", SIGNED)
    return board


def ledger_calendar(course: Course, ledger: Ledger | Judgments, now: datetime) -> str:
    """The .ics of booked slots from the ledger alone (for `status` or a script; no request)."""
    boards = [(m, board_from_ledger(course, ledger, m)) for m in course.milestones
              if m.signed_off]
    return text.calendar(course.name, course.term, boards,
                         {t.slug: t.name for t in course.teams}, now)


def _signer(ledger: Ledger | Judgments, team: str, mid: str) -> str:
    for e in ledger.events:
        if e.get("kind") == "signoff" and e.get("team") == team and e.get("milestone") == mid:
            return e.get("by") or "staff"
    return "staff"


class MeetingSync:
    def __init__(self, gh: GitHubAPI, course: Course, ledger: Ledger, *, now: datetime,
                 milestones: list[Milestone], teams: list[Team], dry_run: bool = False,
                 log: Callable[[str], None] = lambda s: None):
        self.gh, self.course, self.ledger, self.now = gh, course, ledger, now
        self.milestones = [m for m in milestones if m.signed_off]
        self.teams, self.dry_run, self.log = teams, dry_run, log
        self.tz = zone(course.timezone)
        self.boards: list[tuple[Milestone, Board]] = []
        self.students = {x.lower() for t in course.teams for x in t.members}
        self._me: str | None = None  # the token's login, asked only to prove an issue is ours

    def run(self) -> list[TeamMeeting]:
        self.ledger.course, self.ledger.term, self.ledger.org = (
            self.course.name, self.course.term, self.course.org)
        open_now = [m for m in self.milestones if m.opens is None or m.opens <= self.now]
        out: list[TeamMeeting] = []
        repos = self.gh.list_org_repos(self.course.org) if open_now else {}
        for m in self.milestones:
            board = board_from_ledger(self.course, self.ledger, m)
            self.boards.append((m, board))
            if m not in open_now:
                out.extend(TeamMeeting(t.slug, m.id, "pending") for t in self.teams)
                continue
            try:
                out.extend(self._milestone(m, board, repos))
            finally:
                if not self.dry_run:
                    self.ledger.save()
        return out

    def _milestone(self, m: Milestone, board: Board, repos) -> list[TeamMeeting]:
        ctxs: list[_Ctx] = []
        results: dict[str, TeamMeeting] = {}
        for t in self.teams:
            ctx = _Ctx(t, repos.get(self.course.repo_for(t)))
            res = results[t.slug] = TeamMeeting(t.slug, m.id, "pending")
            if ctx.repo is None:
                res.status = "error"
                res.note = f"repository {self.course.org}/{self.course.repo_for(t)} not found"
                continue
            try:
                self._read(ctx, m, board)
            except StopRun:  # a rate limit or a missing permission stops the run
                raise
            except ClassroomOpsError as e:
                res.status, res.note = "error", str(e)
                continue
            ctxs.append(ctx)
        # Every team's comments are read; now the new commands, in one order for all teams.
        done = {e.get("comment") for e in self.ledger.events
                if e.get("kind") == "meeting_command" and e.get("milestone") == m.id}
        commands = []
        for ctx in ctxs:
            for c in ctx.comments:
                if c.id in done or c.created_at >= self.now or self._ours_comment(c):
                    continue
                if m.opens is not None and c.created_at < m.opens:
                    continue  # written before booking opened: not a command
                parsed = parse_command(c.body)
                if parsed:
                    commands.append((ctx, Command(c.id, ctx.team.slug, c.author, c.created_at,
                                                     parsed[0], parsed[1],
                                                     edited=c.updated_at != c.created_at)))
        commands.sort(key=lambda x: (x[1].at, x[1].comment))
        for ctx, cmd in commands:
            o = board.apply(cmd)
            results[ctx.team.slug].answered += 1
            if not self.dry_run:  # the answer's words as of now, kept with the decision
                self.ledger.event(**o.record(), answer=text.answer(o, m, board, self.now,
                                                                   self.tz))
            if o.result == SIGNED and not self.dry_run:
                record_signoff(self.ledger, self.course, ctx.team, m, cmd.at, cmd.author, o.note,
                               ctx.number, "comment")
            self.log(f"{ctx.team.slug} {m.id}: {cmd.verb} by {cmd.author}: {o.result}")
        for ctx in ctxs:
            self._answer(ctx, m)
        for ctx in ctxs:
            self._finish(ctx, m, board, results[ctx.team.slug])
        return [results[t.slug] for t in self.teams]

    # -- per team ---------------------------------------------------------------------------
    def _read(self, ctx: _Ctx, m: Milestone, board: Board) -> None:
        full = ctx.repo.full_name
        known = self._last(ctx.team.slug, m.id)
        if known is None:
            issue = self._ours(full).get(m.id)
            if issue is None and not self.dry_run:
                due_text = format_deadline(self.course.due_for(ctx.team, m), self.tz)
                issue = self.gh.create_issue(
                    full, title=text.title(m, due_text),
                    body=text.body(m, ctx.team.slug, board, self.now, self.tz, due_text),
                    labels=[text.LABEL], assignees=[], probe=lambda: self._ours(full).get(m.id))
                self.log(f"{ctx.team.slug} {m.id}: opened booking issue #{issue.number}")
            if issue is None:
                return
            mk = text.parse_marker(issue.body)
            known = (issue.number, mk[1] if mk else "", issue.state)
            self._remember(ctx.team.slug, m.id, *known)
        ctx.number, ctx.digest, ctx.state = known
        entry = self.ledger.get(ctx.team.slug, m.id)
        if ctx.state == "closed" and entry is not None and entry.status in ("on_time", "late"):
            return  # signed off, recorded and closed: nothing more to read
        ctx.comments, ctx.read = self.gh.list_comments(full, ctx.number), True

    def _last(self, team: str, mid: str) -> tuple[int, str, str] | None:
        """(issue, body digest, state) as the last run left the booking issue."""
        for e in reversed(self.ledger.events):
            if e.get("kind") == "booking_issue" and e.get("team") == team and \
                    e.get("milestone") == mid:
                return e["issue"], e.get("digest", ""), e.get("state", "open")
        return None

    def _remember(self, team: str, mid: str, number: int, digest: str, state: str) -> None:
        if not self.dry_run:
            self.ledger.event(kind="booking_issue", team=team, milestone=mid, issue=number,
                              digest=digest, state=state)

    def _ours(self, full: str) -> dict[str, Issue]:
        return find_marked(self.gh, full, text.LABEL,
                           lambda body: (text.parse_marker(body) or (None,))[0],
                           proven=self._proven)

    def _proven(self, issue: Issue) -> bool:
        """Opened by the tool's login (the ledger's issuer, else the token's user, asked once
        and only when a marked issue needs it): a student's issue with a pasted marker is not
        the booking issue, as checks/issues.py decides for deadline issues."""
        author = (issue.author or "").lower()
        if not author or author in self.students:
            return False
        if self.ledger.issuer and author == self.ledger.issuer.lower():
            return True
        if self._me is None:
            self._me = self.gh.get_login() or ""
        return bool(self._me) and author == self._me.lower()

    def _ours_comment(self, c: Comment) -> bool:
        """Written by this tool: our marker, from an author who is not a student (a student
        could paste a marker to silence the answer to a teammate's command)."""
        return "<!-- classroom-ops:" in c.body and c.author.lower() not in self.students

    def _answer(self, ctx: _Ctx, m: Milestone) -> None:
        """The team's one answers comment says every recorded answer (edited, never another
        comment): also after a run that recorded answers and stopped before writing them."""
        if self.dry_run or ctx.number is None or not ctx.read:
            return
        answered = [e for e in self.ledger.events
                    if e.get("kind") == "meeting_command" and e.get("milestone") == m.id
                    and e.get("team") == ctx.team.slug and e.get("answer")]
        if not answered:
            return
        keep_comment(self.gh, ctx.repo.full_name, ctx.number, ctx.comments,
                     text.answers_marker(m.id), text.answers_comment(m.id, answered, self.tz),
                     self.students)

    def _finish(self, ctx: _Ctx, m: Milestone, board: Board, res: TeamMeeting) -> None:
        team = ctx.team
        res.issue, res.slot = ctx.number, board.slot_of.get(team.slug)
        entry = self.ledger.get(team.slug, m.id)
        if entry is None and self.course.deadline_for(team, m) < self.now and not self.dry_run:
            entry = missing_entry(self.course, team, m, self.now, ctx.number)
            self.ledger.put(team.slug, m.id, entry)
        if entry is not None:
            res.status = entry.status
        elif team.slug in board.signed:
            res.status = "on_time"  # a dry run: not recorded
        if self.dry_run or ctx.number is None:
            return
        due_text = format_deadline(self.course.due_for(team, m), self.tz)
        new_body = text.body(m, team.slug, board, self.now, self.tz, due_text)
        digest = text.parse_marker(new_body)[1]
        signed = entry is not None and entry.status in ("on_time", "late")
        fields: dict = {}
        if digest != ctx.digest:
            fields["body"] = new_body
        if signed and ctx.state == "open":
            fields.update(state="closed", state_reason="completed")
        if fields:
            self.gh.update_issue(ctx.repo.full_name, ctx.number, **fields)
            self._remember(team.slug, m.id, ctx.number, digest,
                           "closed" if signed else ctx.state)
