"""Who has not joined yet: students the course names who are not active members of the
organization, per team, with their invitation's date (or its failure). Three list reads for the
whole organization, whatever its size: members, pending invitations, failed invitations (the last
only when someone is neither a member nor invited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..adapter import GitHubAPI
from ..model import Course


@dataclass(frozen=True)
class NotJoined:
    team: str  # the course's team slug
    login: str
    state: str  # "invited", "expired" (or another failure) or "not invited"
    since: datetime | None = None  # when the pending invitation was sent
    failed_at: datetime | None = None
    reason: str = ""

    def text(self) -> str:
        if self.state == "invited":
            return f"{self.login} (invited {self.since:%Y-%m-%d})" if self.since else \
                f"{self.login} (invited)"
        if self.state == "not invited":
            return f"{self.login} (not invited yet: run provision)"
        when = f" {self.failed_at:%Y-%m-%d}" if self.failed_at else ""
        return f"{self.login} (invitation {self.state}{when}: a provision rerun invites again)"


def not_joined(gh: GitHubAPI, course: Course) -> list[NotJoined]:
    members = {m.lower() for m in gh.list_org_members(course.org)}
    waiting = [(t.slug, m) for t in course.teams for m in t.members if m.lower() not in members]
    if not waiting:
        return []
    pending = {i.login.lower(): i for i in gh.list_org_invitations(course.org)}
    failed = {}
    if any(m.lower() not in pending for _, m in waiting):
        for inv in gh.list_failed_invitations(course.org):
            old = failed.get(inv.login.lower())
            if old is None or (inv.failed_at and old.failed_at and inv.failed_at > old.failed_at):
                failed[inv.login.lower()] = inv
    out = []
    for slug, login in waiting:
        inv = pending.get(login.lower())
        if inv is not None:
            out.append(NotJoined(slug, login, "invited", since=inv.created_at))
            continue
        inv = failed.get(login.lower())
        if inv is not None:
            reason = inv.failed_reason or "failed"
            state = "expired" if "expired" in reason.lower() else "failed"
            out.append(NotJoined(slug, login, state, since=inv.created_at,
                                 failed_at=inv.failed_at, reason=reason))
            continue
        out.append(NotJoined(slug, login, "not invited"))
    return out


def by_team(people: list[NotJoined]) -> dict[str, list[NotJoined]]:
    out: dict[str, list[NotJoined]] = {}
    for p in people:
        out.setdefault(p.team, []).append(p)
    return out


def people_json(people: list[NotJoined]) -> list[dict]:
    return [{"team": p.team, "login": p.login, "state": p.state,
             "invited_at": p.since.isoformat() if p.since else None,
             "failed_at": p.failed_at.isoformat() if p.failed_at else None,
             "reason": p.reason} for p in people]


def people_lines(people: list[NotJoined]) -> list[str]:
    """One line per team with someone who has not joined (terminal and Markdown)."""
    return [f"{team}: " + ", ".join(p.text() for p in ps) for team, ps in by_team(people).items()]
