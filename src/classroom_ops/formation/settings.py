"""What the registration rules need, from the course file or from the hub.

The instructors' side builds `Settings` from `classroom.yml` (and its roster). The hub's workflow
cannot read the instructors' repository, so `provision` writes the same settings into the hub as
`.classroom-ops/formation.json`: logins only, never the roster's e-mail addresses or names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import UsageError
from ..names import is_login, slugify

SETTINGS_PATH = ".classroom-ops/formation.json"
STUDENTS_TEAM = "students"


@dataclass(frozen=True)
class Settings:
    org: str
    hub: str  # repository name in the org
    size: int
    areas: tuple[str, ...]
    staff: tuple[str, ...]
    roster: tuple[str, ...]  # every student login known (e-mail-only students join later)
    closes: datetime
    course: str = ""
    timezone: str = "UTC"  # how times are shown to students
    reserved: tuple[str, ...] = (STUDENTS_TEAM,)  # team slugs a registration cannot take
    # students the course file already puts in a team: login -> that team's name
    assigned: tuple[tuple[str, str], ...] = ()
    # Students known only by e-mail who have not joined yet, by neutral labels (never their
    # address: the standing is printed in CI logs and reports). Not in the hub's settings file.
    unjoined: tuple[str, ...] = ()

    def assigned_to(self, login: str) -> str | None:
        return next((t for s, t in self.assigned if s.lower() == login.lower()), None)

    def local(self, t: datetime) -> datetime:
        try:
            return t.astimezone(ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError):
            return t

    @property
    def full_name(self) -> str:
        return f"{self.org}/{self.hub}"

    def is_staff(self, login: str) -> bool:
        return login.lower() in {s.lower() for s in self.staff}

    def to_json(self) -> str:
        return json.dumps({
            "version": 1, "org": self.org, "hub": self.hub, "course": self.course,
            "size": self.size, "areas": list(self.areas), "staff": list(self.staff),
            "roster": sorted(self.roster, key=str.lower), "closes": self.closes.isoformat(),
            "timezone": self.timezone,
            "reserved": list(self.reserved),
            "assigned": {s: t for s, t in self.assigned},
        }, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> Settings:
        try:
            d = json.loads(text)
            closes = datetime.fromisoformat(d["closes"])
            if closes.tzinfo is None:
                raise ValueError("closes has no UTC offset")
            s = cls(org=str(d["org"]), hub=str(d["hub"]), size=int(d["size"]),
                    areas=tuple(str(a) for a in d.get("areas", [])),
                    staff=tuple(str(x) for x in d.get("staff", [])),
                    roster=tuple(str(x) for x in d.get("roster", [])), closes=closes,
                    course=str(d.get("course", "")), timezone=str(d.get("timezone", "UTC")),
                    reserved=tuple(str(x) for x in d.get("reserved", [STUDENTS_TEAM])),
                    assigned=tuple((str(k), str(v))
                                   for k, v in (d.get("assigned") or {}).items()))
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise UsageError(f"{where}: not a formation settings file ({e}); provision writes "
                             "it into the hub: rerun `classroom-ops provision`") from None
        if s.size < 1 or not all(is_login(x) for x in s.roster + s.staff
                                 + tuple(k for k, _ in s.assigned)):
            raise UsageError(f"{where}: a size below 1 or a roster entry that is not a login")
        return s

    @classmethod
    def from_course(cls, course, extra_students: tuple[str, ...] = ()) -> Settings:
        """From the course file; `extra_students` are logins learned from the org (students who
        joined from an e-mail invitation), merged into the roster."""
        f = course.formation
        if f is None:
            raise UsageError(f"{course.source}: the course file has no 'formation:' section; "
                             "add one to let students register their teams (see "
                             "docs/team-formation.md)")
        known = {s.login.lower(): s.login for s in f.roster if s.login}
        for login in extra_students:
            known.setdefault(login.lower(), login)
        staff_lower = {s.lower() for s in course.staff_members}
        roster = tuple(v for k, v in known.items() if k not in staff_lower)
        # Who of them joined cannot be told apart (GitHub does not say which invitation a login
        # accepted): the e-mail students not accounted for by logins learned from the org.
        listed = {s.login.lower() for s in f.roster if s.login}
        came = sum(1 for x in {x.lower() for x in extra_students}
                   if x not in listed and x not in staff_lower)
        left = max(0, sum(1 for s in f.roster if not s.login) - came)
        unjoined = tuple(f"invited-by-e-mail-{i}" for i in range(1, left + 1))
        return cls(org=course.org, hub=f.repo, size=f.size, areas=course.areas,
                   staff=course.staff_members, roster=roster, closes=f.closes,
                   course=course.name, timezone=course.timezone,
                   reserved=(STUDENTS_TEAM, slugify(course.staff_team),
                             *(t.slug for t in course.teams if t.issue is None)),
                   assigned=tuple((m, t.name) for t in course.teams if t.issue is None
                                  for m in t.members),
                   unjoined=unjoined)
