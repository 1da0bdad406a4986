"""The team-formation milestone, judged per student: once registration has closed, a student
in no confirmed team is what the milestone lacks (whatever pending or broken registration
they are named in)."""

from __future__ import annotations

from ..model import Finding
from .standing import CONFIRMED, Standing


def judge(st: Standing, milestone: str | None) -> list[Finding]:
    if not st.closed:
        return []
    where: dict = {}
    for r in st.teams():
        if r.state != CONFIRMED:
            for m in r.members:
                where.setdefault(m.lower(), r)  # the earliest registration naming them
    out = []
    unjoined = set(st.unjoined)
    for login in st.missing():
        r = where.get(login.lower())
        found = f"named in #{r.number} ({r.state})" if r else "in no registration"
        if login in unjoined:
            found = "invited by e-mail; has not joined the organization yet"
        out.append(Finding(path="", rule="no_team", milestone=milestone or "",
                           message=f"{login} is in no confirmed team", found=found,
                           expected="a confirmed team"))
    return out
