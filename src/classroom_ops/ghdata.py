"""Plain values the GitHub adapter hands back: no PyGithub objects leak past the adapter, and
the pure layers can use these without importing the adapter (or PyGithub) at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class RepoInfo:
    name: str
    full_name: str
    private: bool
    archived: bool
    default_branch: str
    html_url: str
    is_template: bool = False
    description: str = ""
    created_at: str = ""  # ISO, GitHub's time: a deadline before it passed with no repository


@dataclass(frozen=True)
class TeamInfo:
    slug: str
    name: str
    id: int
    description: str = ""


@dataclass(frozen=True)
class Invitation:
    """An organization invitation: pending (`failed_at` None) or failed (expired, refused)."""

    login: str
    created_at: datetime | None
    failed_at: datetime | None = None
    failed_reason: str = ""


@dataclass(frozen=True)
class Push:
    """One push as GitHub recorded it: `timestamp` is the server's, never the commit's date."""

    timestamp: datetime
    ref: str
    before: str
    after: str
    actor: str


@dataclass(frozen=True)
class TreeEntry:
    path: str
    type: str  # blob, tree, commit
    sha: str
    size: int | None
    mode: str = "100644"


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str
    state: str
    labels: tuple[str, ...]
    html_url: str
    assignees: tuple[str, ...] = ()
    author: str = ""  # who opened it: students cannot open an issue as someone else
    author_type: str = ""  # User or Bot


@dataclass
class RequestStats:
    """What this run cost: counted here so commands can report it without the sandbox."""

    reads: int = 0
    writes: int = 0
    retries: int = 0
    waited: float = 0.0
    by_status: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Comment:
    """An issue comment with its author and GitHub's times (meetings and team formation read
    commands from these)."""

    id: int
    author: str  # the login GitHub records, never a name written in the text
    body: str
    created_at: datetime
    updated_at: datetime | None = None
    author_type: str = "User"  # "Bot" for an App or the Actions token


@dataclass(frozen=True)
class Thread:
    """An issue with who opened it and when (Issue leaves those out)."""

    number: int
    title: str
    body: str
    state: str
    author: str
    created_at: datetime
    labels: tuple[str, ...] = ()
    html_url: str = ""
