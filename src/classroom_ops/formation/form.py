"""The "Register your team" issue form: its fields and how GitHub renders a submission.

GitHub renders an issue form's answers into the issue body as `### <label>` headings followed by
the answer (`_No response_` when left empty; checkboxes as `- [X] option`). Students can edit the
body afterwards, so every field is parsed defensively and bounded.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from ..names import is_login

# Field ids (the contract) -> the labels GitHub puts in the body as headings.
LABELS = {
    "team_name": "Team name",
    "teammates": "Teammates",
    "interests": "Project areas",
    "interests_other": "Other interests",
}
NO_RESPONSE = "_No response_"
MAX_BODY = 20_000
MAX_NAME = 60
MAX_TEAMMATES = 10
MAX_OTHER = 500

_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_CHECKBOX = re.compile(r"^\s*[-*]\s+\[([ xX])\]\s+(.+?)\s*$")
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Form:
    """What a registration says (before any check against the roster or other teams)."""

    team_name: str = ""
    teammates: tuple[str, ...] = ()  # as typed, '@' removed, in order, without duplicates
    areas: tuple[str, ...] = ()  # checked options, as written
    other: str = ""
    errors: tuple[str, ...] = field(default=())  # why the body could not be read as asked

    def fingerprint(self) -> str:
        """Changes whenever what teammates confirm changes (name, members, interests)."""
        data = json.dumps([self.team_name.casefold(), sorted(t.lower() for t in self.teammates),
                           sorted(self.areas), self.other.strip()], ensure_ascii=True)
        return hashlib.sha256(data.encode()).hexdigest()[:12]


def sections(body: str) -> dict[str, str]:
    """`### Label` -> the text under it, for the labels the form knows."""
    known = {v.casefold(): k for k, v in LABELS.items()}
    out: dict[str, str] = {}
    matches = list(_HEADING.finditer(body))
    for n, m in enumerate(matches):
        fid = known.get(m.group(1).strip().casefold())
        if fid is None or fid in out:
            continue
        end = matches[n + 1].start() if n + 1 < len(matches) else len(body)
        text = body[m.end():end].strip()
        out[fid] = "" if text == NO_RESPONSE else text
    return out


def is_registration(body: str) -> bool:
    """An issue is a registration when its body has the form's team-name and teammates
    headings (whoever opened it and whatever labels it carries)."""
    found = sections(body or "")
    return "team_name" in found and "teammates" in found


def parse(body: str) -> Form:
    body = (body or "").replace("\r\n", "\n")
    errors: list[str] = []
    if len(body) > MAX_BODY:
        errors.append(f"the issue is longer than {MAX_BODY:,} characters; shorten it")
        body = body[:MAX_BODY]
    found = sections(body)
    name = " ".join(found.get("team_name", "").split())
    if not name:
        errors.append("the team name is empty")
    elif len(name) > MAX_NAME:
        errors.append(f"the team name is longer than {MAX_NAME} characters")
    teammates: list[str] = []
    bad: list[str] = []
    for word in _SEPARATORS.split(found.get("teammates", "")):
        word = word.strip().removeprefix("@")
        if not word:
            continue
        if not is_login(word):
            bad.append(word)
        elif word.lower() not in {t.lower() for t in teammates}:
            teammates.append(word)
    if bad:
        errors.append(f"{len(bad)} teammate entr{'y is' if len(bad) == 1 else 'ies are'} not "
                      "a GitHub login (letters, digits and single hyphens): "
                      + ", ".join(bad[:5]))
    if len(teammates) > MAX_TEAMMATES:
        errors.append(f"more than {MAX_TEAMMATES} teammates")
        teammates = teammates[:MAX_TEAMMATES]
    areas: list[str] = []
    for line in found.get("interests", "").splitlines():
        m = _CHECKBOX.match(line)
        if m and m.group(1) in "xX" and m.group(2) not in areas:
            areas.append(m.group(2))
    other = found.get("interests_other", "").strip()
    if len(other) > MAX_OTHER:
        errors.append(f"the other interests are longer than {MAX_OTHER} characters")
        other = other[:MAX_OTHER]
    return Form(name, tuple(teammates), tuple(areas), other, tuple(errors))


def body_for(team_name: str, teammates: list[str], areas: list[str], all_areas: list[str],
             other: str = "") -> str:
    """A body as GitHub renders the form (for staff-made teams and for tests)."""
    boxes = "\n".join(f"- [{'X' if a in areas else ' '}] {a}" for a in all_areas)
    return (f"### {LABELS['team_name']}\n\n{team_name}\n\n"
            f"### {LABELS['teammates']}\n\n{chr(10).join(teammates) or NO_RESPONSE}\n\n"
            f"### {LABELS['interests']}\n\n{boxes or NO_RESPONSE}\n\n"
            f"### {LABELS['interests_other']}\n\n{other or NO_RESPONSE}\n")
