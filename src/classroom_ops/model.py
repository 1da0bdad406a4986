"""The course model's value types: what a validated course file turns into.

Pure data, no I/O. Everything downstream (provisioning plans, deadline checks, reports) takes these
objects, never the raw YAML, so a hand-edited file is checked once, at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Deliverable:
    """One file a milestone requires, with the rules it must pass.

    Exactly one of `path` and `any_of` is set; `paths` gives the candidates either way.
    """

    path: str | None = None
    any_of: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    min_words: int | None = None
    max_words: int | None = None
    min_pages: int | None = None
    max_pages: int | None = None
    max_size: int | None = None  # bytes
    starter_ok: bool = False  # the starter's own file counts (a file meant to be kept as is)

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,) if self.path else self.any_of

    @property
    def label(self) -> str:
        """How the deliverable is named to students."""
        return self.path if self.path else " or ".join(self.any_of)


@dataclass(frozen=True)
class Slot:
    """A time a team can book for a meeting or a presentation (numbered from 1 for students)."""

    at: datetime  # timezone-aware
    length: timedelta
    where: str = ""
    staff: tuple[str, ...] = ()


MEETING_KINDS = ("meeting", "presentation")


@dataclass(frozen=True)
class Milestone:
    id: str
    title: str
    due: datetime  # timezone-aware, in the course zone
    due_text: str  # as written in the course file, for messages
    deliverables: tuple[Deliverable, ...] = ()
    kind: str = "files"  # files (judged from the repository), meeting or presentation
    slots: tuple[Slot, ...] = ()
    opens: datetime | None = None  # meetings: when the booking issues open

    @property
    def signed_off(self) -> bool:
        """A meeting or presentation: done when staff sign it off, not by files."""
        return self.kind in MEETING_KINDS


@dataclass(frozen=True)
class Team:
    name: str
    slug: str
    members: tuple[str, ...]
    interests: tuple[str, ...] = ()  # project areas a registered team chose (formation)
    issue: int | None = None  # a registered team's registration in the course hub


@dataclass(frozen=True)
class Extension:
    team: str  # slug
    milestone: str  # id
    until: datetime


@dataclass(frozen=True)
class Student:
    """A student as a roster gives them: name, id and e-mail only when the roster has those
    columns. A formation roster may name a student by e-mail alone until they have a login."""

    login: str | None
    name: str = ""
    student_id: str = ""
    email: str | None = None


@dataclass(frozen=True)
class LatePolicy:
    """Credit for late work (`policy.late`): `penalty` percent off per started `per` period late,
    nothing at all once later than `zero_after`."""

    penalty: float  # percent
    per: timedelta = timedelta(days=1)
    zero_after: timedelta | None = None

    def score(self, late: timedelta) -> float:
        """The percentage of the milestone's credit left for work this late."""
        if late <= timedelta(0):
            return 100.0
        if self.zero_after is not None and late > self.zero_after:
            return 0.0
        periods = -(-late // self.per)  # started periods: a minute late is one period
        return max(0.0, round(100.0 - self.penalty * periods, 2))


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a submission, written for the student who must fix it.

    `rule` is a short machine name (missing, empty, max_size, sections, min_words, max_words,
    min_pages, max_pages, unreadable, ...); `message` is the sentence shown to people.
    """

    path: str
    rule: str
    message: str
    found: str = ""
    expected: str = ""
    line: int | None = None
    milestone: str = ""


@dataclass(frozen=True)
class Formation:
    """`formation:`: students register their own teams in a hub repository (team-formation.md)."""

    repo: str
    size: int
    roster: tuple[Student, ...]
    closes: datetime
    closes_text: str
    milestone: str | None  # the team-formation milestone, judged on who is in a confirmed team


@dataclass(frozen=True)
class Course:
    name: str
    term: str
    org: str
    timezone: str
    start: date
    due_time: str
    due_weekday: str
    staff_team: str
    staff_members: tuple[str, ...]
    template: str
    repo_name: str  # pattern with {team}
    private: bool
    permission: str
    teams: tuple[Team, ...]
    milestones: tuple[Milestone, ...]
    grace: timedelta = timedelta(0)
    extensions: tuple[Extension, ...] = ()
    archive_milestone: str | None = None
    archive_include: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    students: tuple[Student, ...] = ()  # every team member, with roster names and ids if given
    late_policy: LatePolicy | None = None
    # A deadline that passed before the team's repository existed: excused, or judged missing.
    before_repository: str = "excused"
    source: str = "classroom.yml"
    raw: dict = field(default_factory=dict, compare=False, repr=False)
    warnings: tuple = ()  # Problems of severity 'warning', shown by validate
    formation: Formation | None = None
    # repos.private_between_teams: false leaves the organization's base permission alone
    private_between_teams: bool = True
    # login (lower case) -> "FILE:LINE" where the course file or roster names it, for errors
    origins: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def staff_team_slug(self) -> str:
        from .names import slugify

        return slugify(self.staff_team)

    def repo_for(self, team: Team) -> str:
        return self.repo_name.format(team=team.slug)

    def team(self, slug: str) -> Team:
        for t in self.teams:
            if t.slug == slug:
                return t
        raise KeyError(slug)

    def student(self, login: str) -> Student:
        for s in self.students:
            if s.login.lower() == login.lower():
                return s
        return Student(login)

    def milestone(self, mid: str) -> Milestone:
        for m in self.milestones:
            if m.id == mid:
                return m
        raise KeyError(mid)

    def due_for(self, team: Team, milestone: Milestone) -> datetime:
        """The deadline students are told: the milestone's, or the team's extension."""
        for ext in self.extensions:
            if ext.team == team.slug and ext.milestone == milestone.id:
                return max(ext.until, milestone.due)
        return milestone.due

    def deadline_for(self, team: Team, milestone: Milestone) -> datetime:
        """The moment after which pushes are late for this team: its due time plus grace."""
        return self.due_for(team, milestone) + self.grace
