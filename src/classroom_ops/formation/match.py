"""`teams match`: teams of the course's size for the students left over, by shared interests.

Deterministic: the same standing always gives the same proposal. Students are ordered by their
first project area (in the course's order; no area last), then by login, and cut into teams of
the course's size; a remainder is spread so that sizes differ by one at most.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..names import slugify
from .settings import Settings
from .standing import LOOKING, WITHDRAWN, Standing


@dataclass(frozen=True)
class Proposal:
    name: str
    members: tuple[str, ...]
    areas: tuple[str, ...]  # areas every member chose (or the most shared ones)
    why: str


def interests_of(st: Standing) -> dict[str, tuple[str, ...]]:
    """A student's areas: from their "looking for a team" issue, else from the latest withdrawn
    registration that named them."""
    out: dict[str, tuple[str, ...]] = {}
    for r in st.registrations:  # by issue number: a later one wins
        if r.state == WITHDRAWN:
            for m in r.members:
                out[m.lower()] = tuple(r.form.areas)
    for r in st.registrations:
        if r.state == LOOKING:
            out[r.author.lower()] = tuple(r.form.areas)
    return out


def sizes(n: int, size: int) -> list[int]:
    """Team sizes for n students: size or size+1 when the remainder allows, else size and
    size-1."""
    if n == 0:
        return []
    if n <= size:
        return [n]
    k = n // size
    if n % size > k:
        k += 1
    base, extra = divmod(n, k)
    return [base + 1] * extra + [base] * (k - extra)


def propose(st: Standing, settings: Settings) -> list[Proposal]:
    pool = list(st.unteamed)
    interests = interests_of(st)
    order = {a.casefold(): i for i, a in enumerate(settings.areas)}

    def key(login: str):
        areas = interests.get(login.lower(), ())
        ranks = sorted(order.get(a.casefold(), len(order)) for a in areas) or [len(order) + 1]
        return (ranks[0], ranks, login.lower())

    pool.sort(key=key)
    taken = {r.slug for r in st.teams()} | {slugify(x) for x in settings.reserved}
    out: list[Proposal] = []
    start = 0
    n = 0
    for k in sizes(len(pool), settings.size):
        members = pool[start:start + k]
        start += k
        n += 1
        name = f"Matched Team {n}"
        while slugify(name) in taken:
            n += 1
            name = f"Matched Team {n}"
        taken.add(slugify(name))
        sets = [set(a.casefold() for a in interests.get(m.lower(), ())) for m in members]
        shared = set.intersection(*sets) if sets and all(sets) else set()
        areas = tuple(a for a in settings.areas if a.casefold() in shared)
        if areas:
            why = f"all {len(members)} chose {', '.join(areas)}"
        else:
            counted = {a: sum(a.casefold() in s for s in sets) for a in settings.areas}
            best = max(counted.values(), default=0)
            if best > 1:
                top = [a for a, c in counted.items() if c == best]
                areas = (top[0],)
                why = f"{best} of {len(members)} chose {top[0]}"
            else:
                why = "no area chosen by two of them"
        out.append(Proposal(name, tuple(members), areas, why))
    return out
