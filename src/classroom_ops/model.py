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

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,) if self.path else self.any_of

    @property
    def label(self) -> str:
        """How the deliverable is named to students."""
        return self.path if self.path else " or ".join(self.any_of)


@dataclass(frozen=True)
class Milestone:
    id: str
    title: str
    due: datetime  # timezone-aware, in the course zone
    due_text: str  # as written in the course file, for messages
    deliverables: tuple[Deliverable, ...] = ()


@dataclass(frozen=True)
class Team:
    name: str
    slug: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Extension:
    team: str  # slug
    milestone: str  # id
    until: datetime


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
    source: str = "classroom.yml"
    raw: dict = field(default_factory=dict, compare=False, repr=False)
    warnings: tuple = ()  # Problems of severity 'warning', shown by validate
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
