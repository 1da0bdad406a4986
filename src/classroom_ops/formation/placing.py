"""`teams match --apply`: register proposed teams in the hub as staff-made teams.

Each team is an issue written by staff in the form's own format, so `standing` reads it like
any registration (confirmed without `/confirm`: staff placed the students). Its first lines
mention the students, which is how GitHub tells them. A student's "looking for a team" issue
is closed with a pointer to their team.
"""

from __future__ import annotations

from collections.abc import Callable

from ..team_issues import close_with_comment
from .form import body_for
from .match import Proposal
from .settings import Settings
from .standing import LOOKING, Standing


def title_for(p: Proposal) -> str:
    return f"Team registration: {p.name} (placed by staff)"


def _ours(issue, settings: Settings, me: str | None) -> bool:
    """Opened by staff, by this token's user, or by an App/bot: what `standing` counts as
    staff-made."""
    a = issue.author or ""
    return settings.is_staff(a) or a.endswith("[bot]") or issue.author_type == "Bot" \
        or (me is not None and a.lower() == me.lower())


def place(gh, settings: Settings, st: Standing, proposals: list[Proposal],
          log: Callable[[str], None] = lambda s: None, me: str | None = None) -> None:
    full = settings.full_name
    for p in proposals:
        title = title_for(p)
        note = ("Staff placed you in this team: " + " ".join(f"@{m}" for m in p.members)
                + f" ({p.why}). Say hello to each other here; ask staff if something is "
                "wrong.\n\n")
        body = note + body_for(p.name, list(p.members), list(p.areas), list(settings.areas))

        def probe(title=title):
            # Proven by author, never by title alone: any student can open an issue with this
            # title, and it must not take the staff-made registration's place.
            found = [i for i in gh.list_issues(full, labels=[], state="open")
                     if i.title == title and _ours(i, settings, me)]
            return found[0] if found else None

        issue = probe() or gh.create_issue(full, title=title, body=body, labels=[],
                                           assignees=[], probe=probe)
        log(f"#{issue.number}: {p.name} registered for {', '.join(p.members)}")
        placed = {m.lower() for m in p.members}
        for r in st.registrations:
            if r.state == LOOKING and r.author.lower() in placed:
                close_with_comment(gh, full, r.number, f"Staff placed you in {p.name} "
                                   f"(#{issue.number}); this issue is closed.",
                                   f"(#{issue.number}); this issue", reason="completed")
