"""Load `classroom.yml`: YAML with positions -> schema check -> meaning check -> `Course`.

Every problem found is collected, so one `validate` run shows them all, each with file:line:col.
Nothing downstream ever sees an unvalidated course.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from datetime import date
from pathlib import Path

from ..errors import ConfigError, Problem
from ..model import Course, Deliverable, Extension, Milestone, Team
from ..names import is_login, slugify
from ..roster import read_roster
from ..timeline import DeadlineError, parse_duration, parse_hhmm, resolve, zone
from . import schema as _schema
from .yamlsrc import Source, parse

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?\s*$", re.I)
_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2,
          "gib": 1024**3}


def parse_size(value) -> int:
    if isinstance(value, int):
        return value
    m = _SIZE.match(str(value))
    if not m:
        raise ValueError(f"'{value}' is not a size like 20MB")
    return int(float(m[1]) * _UNITS[(m[2] or "B").lower()])


def deliverable_from_dict(dv: dict) -> Deliverable:
    """A Deliverable from an already validated mapping (the course file's, or a rules file's)."""
    return Deliverable(
        path=dv.get("path"), any_of=tuple(dv.get("any_of", ())),
        sections=tuple(dv.get("sections", ())),
        min_words=dv.get("min_words"), max_words=dv.get("max_words"),
        min_pages=dv.get("min_pages"), max_pages=dv.get("max_pages"),
        max_size=parse_size(dv["max_size"]) if "max_size" in dv else None,
    )


def bad_repo_path(p: str) -> str | None:
    """Why a deliverable path cannot name a file inside the repository, or None if it can."""
    if p.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", p):
        return "is absolute; write it relative to the repository root, like report/final.pdf"
    parts = p.replace("\\", "/").split("/")
    if ".." in parts:
        return "escapes the repository ('..'); write it relative to the repository root"
    if posixpath.normpath(p) in (".", "") or p.endswith("/"):
        return "must name a file, not a folder"
    return None


def load_course(path: str | Path) -> Course:
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(file, None, None, "no such file; write one with "
                                   "`classroom-ops init` or pass -c PATH")]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([Problem(file, None, None, f"cannot read the file: {e}")]) from None
    return course_from_text(text, file, base_dir=path.parent)


def course_from_text(text: str, file: str, base_dir: Path | None = None) -> Course:
    src = parse(text, file)
    problems = _schema.check(src)
    if problems:
        raise ConfigError(problems)
    return _Builder(src, base_dir or Path(".")).build()


class _Builder:
    """Checks what a schema cannot say (cross-references, order, uniqueness) and builds Course."""

    def __init__(self, src: Source, base_dir: Path):
        self.src = src
        self.d: dict = src.data  # type: ignore[assignment]
        self.base_dir = base_dir
        self.problems: list[Problem] = []
        self.origins: dict[str, str] = {}

    def err(self, path, message, **kw):
        self.problems.append(self.src.problem(path, message, **kw))

    def build(self) -> Course:
        c = self.d["course"]
        try:
            tz = zone(c["timezone"])
        except DeadlineError as e:
            self.err(("course", "timezone"), str(e))
            tz = None
        try:
            start = date.fromisoformat(c["start"])
        except ValueError:
            self.err(("course", "start"), f"course.start '{c['start']}' is not a calendar date")
            start = None
        due_time = parse_hhmm(c.get("due_time", "23:59"))
        weekday = c.get("due_weekday", "friday")

        def when(text, path):
            if tz is None or start is None:
                return None
            try:
                return resolve(text, tz=tz, start=start, due_time=due_time, due_weekday=weekday)
            except DeadlineError as e:
                self.err(path, str(e))
                return None

        teams = self._teams()
        milestones = self._milestones(when)
        staff = self.d.get("staff") or {}
        for j, login in enumerate(staff.get("members", [])):
            self.origins.setdefault(str(login).lower(),
                                    self._where_text(("staff", "members", j)))
        repos = self.d["repos"]
        policy = self.d.get("policy") or {}
        grace = parse_duration(policy.get("grace", 0))
        extensions = self._extensions(policy, teams, milestones, when)
        archive = self.d.get("archive")
        if archive:
            if archive["milestone"] not in {m.id for m in milestones}:
                self.err(("archive", "milestone"), self._unknown(
                    "milestone", archive["milestone"], [m.id for m in milestones]))
            for i, p in enumerate(archive.get("include", [])):
                why = bad_repo_path(p)
                if why:
                    self.err(("archive", "include", i), f"archive path '{p}' {why}")
        try:
            repos.get("name", "{team}").format(team="x")
        except (KeyError, IndexError, ValueError):
            self.err(("repos", "name"), f"repos.name {repos['name']!r} may use only {{team}} "
                                         "as a placeholder (the team's slug)")
        template = repos["template"]
        if not re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", template):
            if not (self.base_dir / template).is_dir():
                self.err(("repos", "template"),
                         f"template '{template}' is neither a folder next to the course file nor "
                         "owner/name of a GitHub template repository")
        members = {login.lower() for t in teams for login in t.members}
        for i, login in enumerate(staff.get("members", [])):
            if login.lower() in members:
                self.err(("staff", "members", i), f"'{login}' is both staff and a student")

        self._todos(self.d, ())
        if any(p.severity == "error" for p in self.problems):
            raise ConfigError(self.problems)
        return Course(
            name=c["name"], term=c["term"], org=c["org"], timezone=c["timezone"],
            start=start, due_time=c.get("due_time", "23:59"), due_weekday=weekday,
            staff_team=staff.get("team", "staff"),
            staff_members=tuple(staff.get("members", [])),
            template=template, repo_name=repos.get("name", "{team}"),
            private=repos.get("private", True), permission=repos.get("permission", "push"),
            teams=tuple(teams), milestones=tuple(milestones), grace=grace,
            extensions=tuple(extensions),
            archive_milestone=archive["milestone"] if archive else None,
            archive_include=tuple(archive.get("include", [])) if archive else (),
            areas=tuple(archive.get("areas", [])) if archive else (),
            source=self.src.file, raw=self.d,
            warnings=tuple(p for p in self.problems if p.severity == "warning"),
            private_between_teams=repos.get("private_between_teams", True),
            origins=self.origins,
        )

    def _todos(self, node, path) -> None:
        """`init` leaves TODO placeholders; say where any are left, without failing."""
        if isinstance(node, dict):
            for k, v in node.items():
                self._todos(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self._todos(v, path + (i,))
        elif isinstance(node, str) and "TODO" in node:
            line, col = self.src.where(path)
            if any((p.line, p.col) == (line, col) for p in self.problems):
                return  # already an error there; one message is enough
            self.problems.append(self.src.problem(
                path, f"{_schema.dotted(path)} is still a placeholder ({node!r})",
                severity="warning"))

    @staticmethod
    def _unknown(kind: str, value: str, known: list[str]) -> str:
        near = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        return f"unknown {kind} '{value}'; known: {', '.join(known) or 'none'}{hint}"

    def _teams(self) -> list[Team]:
        has_teams, has_roster = "teams" in self.d, "roster" in self.d
        if has_teams == has_roster:
            self.err((), "give the teams either inline under 'teams:' or as a CSV under "
                         "'roster:', " + ("not both" if has_teams else "none is given"))
            return []
        # (team name, [(login, position path or roster Problem factory)])
        entries: list[tuple[str, object, list[tuple[str, object]]]] = []
        if has_teams:
            for i, t in enumerate(self.d["teams"]):
                logins = [(m, ("teams", i, "members", j)) for j, m in enumerate(t["members"])]
                entries.append((t["name"], ("teams", i, "name"), logins))
        else:
            entries = self._roster_entries()
        teams: list[Team] = []
        seen_slug: dict[str, str] = {}
        staff_slug = slugify((self.d.get("staff") or {}).get("team", "staff"))
        seen_login: dict[str, str] = {}
        for name, where, logins in entries:
            slug = slugify(name)
            if not slug:
                self._at(where, f"team name '{name}' has no letters or digits to make a slug from")
                continue
            if slug in seen_slug:
                self._at(where, f"teams '{seen_slug[slug]}' and '{name}' both have the slug "
                                f"'{slug}'; rename one")
                continue
            if slug == staff_slug:
                # Provisioning would otherwise manage the staff team's members as a course team.
                self._at(where, f"team '{name}' has the slug '{slug}' of the staff team "
                                "(staff.team); rename the team")
                continue
            seen_slug[slug] = name
            if not logins:
                self._at(where, f"team '{name}' has no members")
            for login, lwhere in logins:
                if not is_login(login):
                    self._at(lwhere, f"'{login}' is not a possible GitHub login (letters, digits "
                                     "and single hyphens, at most 39 characters)")
                key = login.lower()  # GitHub logins are case-insensitive
                if key in seen_login and seen_login[key] != name:
                    self._at(lwhere, f"'{login}' is in two teams: '{seen_login[key]}' and '{name}'")
                elif key in seen_login:
                    self._at(lwhere, f"'{login}' is listed twice in team '{name}'")
                seen_login[key] = name
                self.origins.setdefault(key, self._where_text(lwhere))
            teams.append(Team(name, slug, tuple(login for login, _ in logins)))
        return teams

    def _where_text(self, where) -> str:
        p = where if isinstance(where, Problem) else self.src.problem(where, "")
        return f"{p.file}:{p.line}" if p.line else p.file

    def _at(self, where, message: str) -> None:
        if isinstance(where, Problem):  # a roster row: its own file and line
            self.problems.append(Problem(where.file, where.line, None, message))
        else:
            self.err(where, message)

    def _roster_entries(self):
        rel = self.d["roster"]
        path = self.base_dir / rel
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            reason = "no such file" if isinstance(e, FileNotFoundError) else str(e)
            self.err(("roster",), f"cannot read the roster '{rel}': {reason}")
            return []
        rows, problems = read_roster(text, str(path))
        self.problems.extend(problems)
        by_team: dict[str, tuple[Problem, list]] = {}
        for row in rows:
            here = Problem(str(path), row.line, None, "")
            entry = by_team.setdefault(row.team, (here, []))
            entry[1].append((row.login, here))
        return [(name, where, logins) for name, (where, logins) in by_team.items()]

    def _milestones(self, when) -> list[Milestone]:
        out: list[Milestone] = []
        seen: set[str] = set()
        previous = None
        for i, m in enumerate(self.d["milestones"]):
            if m["id"] in seen:
                self.err(("milestones", i, "id"), f"milestone id '{m['id']}' is used twice")
            seen.add(m["id"])
            due = when(m["due"], ("milestones", i, "due"))
            if due is not None and previous is not None and due < previous[1]:
                self.err(("milestones", i, "due"),
                         f"milestone '{m['id']}' is due before '{previous[0]}', which comes "
                         "earlier in the list; list milestones in deadline order")
            if due is not None:
                previous = (m["id"], due)
            dels = [self._deliverable(dv, ("milestones", i, "deliverables", j))
                    for j, dv in enumerate(m.get("deliverables", []))]
            out.append(Milestone(m["id"], m["title"], due, str(m["due"]),
                                 tuple(d for d in dels if d)))
        return out

    def _deliverable(self, dv: dict, path) -> Deliverable | None:
        if ("path" in dv) == ("any_of" in dv):
            self.err(path, "a deliverable needs either 'path' or 'any_of' (not both)")
            return None
        paths = [dv["path"]] if "path" in dv else dv["any_of"]
        for k, p in enumerate(paths):
            why = bad_repo_path(p)
            if why:
                self.err(path + (("path",) if "path" in dv else ("any_of", k)),
                         f"deliverable path '{p}' {why}")
        for lo, hi in (("min_words", "max_words"), ("min_pages", "max_pages")):
            if lo in dv and hi in dv and dv[lo] > dv[hi]:
                self.err(path + (lo,), f"{lo} ({dv[lo]}) is more than {hi} ({dv[hi]})")
        return deliverable_from_dict(dv)

    def _extensions(self, policy, teams, milestones, when) -> list[Extension]:
        out = []
        slugs = [t.slug for t in teams]
        mids = [m.id for m in milestones]
        for i, e in enumerate(policy.get("extensions", [])):
            ok = True
            team = e["team"]
            if team not in slugs and slugify(team) in slugs:
                team = slugify(team)  # accept the team's name where its slug was meant
            if team not in slugs:
                self.err(("policy", "extensions", i, "team"), self._unknown("team", team, slugs))
                ok = False
            if e["milestone"] not in mids:
                self.err(("policy", "extensions", i, "milestone"),
                         self._unknown("milestone", e["milestone"], mids))
                ok = False
            until = when(e["until"], ("policy", "extensions", i, "until"))
            if ok and until is not None:
                out.append(Extension(team, e["milestone"], until))
        return out
