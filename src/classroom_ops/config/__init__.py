"""Load `classroom.yml`: YAML with positions -> schema check -> meaning check -> `Course`.

Every problem found is collected, so one `validate` run shows them all, each with file:line:col.
Nothing downstream ever sees an unvalidated course.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path

from .. import bundled
from ..errors import ConfigError, Problem, UsageError
from ..model import (
    MEETING_KINDS,
    Course,
    Deliverable,
    Extension,
    Formation,
    LatePolicy,
    Milestone,
    Slot,
    Student,
    Team,
)
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
        starter_ok=bool(dv.get("starter_ok", False)),
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


# GitHub's rule for repository names: ASCII letters, digits, '.', '-', '_' (anything else it
# silently turns into '-'), at most 100 characters, and not '.' or '..'.
_REPO_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
MAX_GRACE = timedelta(days=7)  # longer than a week is an extension, not a grace period
EARLIEST_START, LATEST_START = date(2000, 1, 1), date(2100, 12, 31)
MAX_SPAN = timedelta(days=3 * 366)  # no deadline is further than this from the course start


def text_problems(src: Source) -> list[Problem]:
    """Every text value must be one line of visible text: a trailing newline in a login or a
    term passes a regular expression's `$` and then names something that does not exist."""
    out: list[Problem] = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + (i,))
        elif isinstance(node, str):
            bad = next((c for c in node if unicodedata.category(c) in ("Cc", "Cf", "Cs")), None)
            if bad is not None:
                kind = "a line break" if bad in "\r\n" else "a control character"
                out.append(src.problem(path, f"{_schema.dotted(path)} contains the invisible "
                                             f"character U+{ord(bad):04X} ({kind}); write it "
                                             "on one line, without control characters"))
            elif node != node.strip():
                out.append(src.problem(path, f"{_schema.dotted(path)} {node!r} starts or ends "
                                             "with spaces; remove them"))

    walk(src.data, ())
    return out


def course_root(base_dir: Path) -> Path:
    """The folder a course file may name files in: the git work tree holding it (the
    instructors' repository, which is what reviewers see), else the course file's folder."""
    here = base_dir.resolve()
    for d in (here, *here.parents):
        if (d / ".git").exists():
            return d
    return here


def shipped_templates() -> list[Path]:
    """The starter template that comes with classroom-ops: trusted like the tool itself.
    Where it lives (package data in a wheel, the source tree in a checkout) is bundled.py's
    to say, so the two never disagree."""
    try:
        return [bundled.starter_repo()]
    except UsageError:  # installed without it: nothing shipped to trust
        return []


def inside(path: Path, roots: list[Path]) -> bool:
    real = path.resolve()
    return any(real == r or r in real.parents for r in (x.resolve() for x in roots))


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
    problems = _schema.check(src) + text_problems(src)
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
        self.roster_rows: dict[str, object] = {}  # login (lower case) -> RosterRow
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
        if start is not None and not EARLIEST_START <= start <= LATEST_START:
            self.err(("course", "start"), f"course.start {start} is not a plausible start of "
                                          f"term (between {EARLIEST_START.year} and "
                                          f"{LATEST_START.year})")
            start = None
        due_time = parse_hhmm(c.get("due_time", "23:59"))
        weekday = c.get("due_weekday", "friday")

        def when(text, path):
            if tz is None or start is None:
                return None
            try:
                moment = resolve(text, tz=tz, start=start, due_time=due_time,
                                 due_weekday=weekday)
            except DeadlineError as e:
                self.err(path, str(e))
                return None
            except (OverflowError, ValueError):  # a year like 9999 plus an offset
                self.err(path, f"'{text}' is not a date this course can have")
                return None
            if abs(moment.date() - start) > MAX_SPAN:
                self.err(path, f"'{text}' ({moment.date()}) is more than 3 years from the "
                               f"course start ({start}); check the year")
                return None
            return moment

        teams = self._teams()
        milestones = self._milestones(when)
        staff = self.d.get("staff") or {}
        for j, login in enumerate(staff.get("members", [])):
            self.origins.setdefault(str(login).lower(),
                                    self._where_text(("staff", "members", j)))
        repos = self.d["repos"]
        policy = self.d.get("policy") or {}
        grace = self._grace(policy)
        extensions = self._extensions(policy, teams, milestones, when)
        late_policy = self._late_policy(policy)
        archive = self.d.get("archive")
        if archive:
            if archive["milestone"] not in {m.id for m in milestones}:
                self.err(("archive", "milestone"), self._unknown(
                    "milestone", archive["milestone"], [m.id for m in milestones]))
            for i, p in enumerate(archive.get("include", [])):
                why = bad_repo_path(p)
                if why:
                    self.err(("archive", "include", i), f"archive path '{p}' {why}")
        self._repo_names(repos.get("name", "{team}"), teams)
        template = repos["template"]
        if not re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", template):
            folder = self.base_dir / template
            root = course_root(self.base_dir)
            if not folder.is_dir():
                self.err(("repos", "template"),
                         f"template '{template}' is neither a folder next to the course file nor "
                         "owner/name of a GitHub template repository")
            elif not inside(folder, [root, *shipped_templates()]):
                self.err(("repos", "template"),
                         f"template '{template}' is outside the course's folder ({root}); every "
                         "file of it goes into every team's repository, so keep it next to the "
                         "course file, where it is reviewed with it")
        staff_team = staff.get("team", "staff")
        if not slugify(staff_team):
            self.err(("staff", "team"), f"staff.team {staff_team!r} has no letters or digits to "
                                        "make a GitHub team slug from; name it like 'staff'")
        members = {login.lower() for t in teams for login in t.members}
        for i, login in enumerate(staff.get("members", [])):
            if login.lower() in members:
                self.err(("staff", "members", i), f"'{login}' is both staff and a student")

        formation = self._formation(when, milestones, members, staff) \
            if "formation" in self.d else None
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
            students=tuple(self._student(login) for t in teams for login in t.members),
            late_policy=late_policy,
            before_repository=policy.get("before_repository", "excused"),
            source=self.src.file, raw=self.d,
            warnings=tuple(p for p in self.problems if p.severity == "warning"),
            formation=formation,
            private_between_teams=repos.get("private_between_teams", True),
            origins=self.origins,
        )

    def _formation(self, when, milestones, members, staff) -> Formation | None:
        from ..formation.roster import read_class_roster

        f = self.d["formation"]
        mids = [m.id for m in milestones]
        mid = f.get("milestone") or (mids[0] if mids else None)
        if mid not in mids:
            self.err(("formation", "milestone"), self._unknown("milestone", str(mid), mids))
            return None
        ms = milestones[mids.index(mid)]
        if ms.deliverables:
            # Judged per student from the hub (check's formation.missing), never from files:
            # a deliverable would never be judged, yet team repositories would ask for it.
            raw = next((i for i, m in enumerate(self.d.get("milestones") or [])
                        if isinstance(m, dict) and m.get("id") == mid), None)
            self.err(("milestones", raw, "deliverables") if raw is not None else
                     ("formation",),
                     f"milestone '{mid}' is formation's (formation.milestone): it is judged per "
                     "student from the course hub (each student in a confirmed team), not from "
                     "the team's files; remove its deliverables, or make the files a milestone "
                     "of their own")
        if "closes" in f:
            closes, closes_text = when(f["closes"], ("formation", "closes")), str(f["closes"])
        else:
            closes, closes_text = ms.due, ms.due_text
        rel = f["roster"]
        try:
            text = (self.base_dir / rel).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            reason = "no such file" if isinstance(e, FileNotFoundError) else str(e)
            self.err(("formation", "roster"), f"cannot read the class roster '{rel}': {reason}")
            return None
        students, problems = read_class_roster(text, str(self.base_dir / rel), self.origins)
        self.problems.extend(problems)
        staff_lower = {s.lower() for s in staff.get("members", [])}
        for s in students:
            if s.login and s.login.lower() in staff_lower:
                self.err(("formation", "roster"), f"'{s.login}' is both staff and on the "
                                                  f"class roster '{rel}'")
        if closes is None:
            return None
        return Formation(repo=f.get("repo", "course-hub"), size=f["size"],
                         roster=tuple(students), closes=closes, closes_text=closes_text,
                         milestone=mid)

    def _grace(self, policy: dict) -> timedelta:
        raw = policy.get("grace", 0)
        try:
            grace = parse_duration(raw)
        except (DeadlineError, OverflowError, ValueError):
            grace = MAX_GRACE * 2
        if grace > MAX_GRACE:
            self.err(("policy", "grace"), f"policy.grace {raw!r} is longer than 7 days; a later "
                                          "deadline for one team is an extension "
                                          "(policy.extensions)")
            return timedelta(0)
        return grace

    def _repo_names(self, pattern: str, teams: list[Team]) -> None:
        """Every repository name the pattern makes must be one GitHub accepts as it is."""
        try:
            pattern.format(team="x")
        except (KeyError, IndexError, ValueError, AttributeError):
            self.err(("repos", "name"), f"repos.name {pattern!r} may use only {{team}} "
                                        "as a placeholder (the team's slug)")
            return
        for slug in ["x", *(t.slug for t in teams)]:
            name = pattern.format(team=slug)
            if not _REPO_NAME.match(name) or name in (".", "..") or \
                    name.lower().endswith(".git"):
                why = ("is longer than 100 characters" if len(name) > 100 else
                       "may hold only letters, digits, '.', '-' and '_' (no '/' or '..'), and "
                       "not end in .git")
                self.err(("repos", "name"), f"repos.name {pattern!r} makes the repository name "
                                            f"{name!r}, which {why}")
                return

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
        if not has_teams and not has_roster and "formation" in self.d:
            return []  # students register their teams in the hub (formation:)
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
        if not inside(path, [course_root(self.base_dir)]):
            self.err(("roster",), f"roster '{rel}' is outside the course's folder; keep it next "
                                  "to the course file")
            return []
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
            self.roster_rows[row.login.lower()] = row
            here = Problem(str(path), row.line, None, "")
            entry = by_team.setdefault(row.team, (here, []))
            entry[1].append((row.login, here))
        return [(name, where, logins) for name, (where, logins) in by_team.items()]

    def _milestones(self, when) -> list[Milestone]:
        out: list[Milestone] = []
        seen: set[str] = set()
        previous = None
        previous_due = None  # a meeting's booking opens when the milestone before it is due
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
            kind = m.get("kind", "files")
            slots, opens = self._meeting(m, i, kind, due, when, previous_due)
            previous_due = due if due is not None else previous_due
            out.append(Milestone(m["id"], m["title"], due, str(m["due"]),
                                 tuple(d for d in dels if d), kind, slots, opens))
        return out

    def _meeting(self, m: dict, i: int, kind: str, due, when, previous_due):
        """Slots and opening of a meeting or presentation (and none for files)."""
        here = ("milestones", i)
        if kind not in MEETING_KINDS:
            for key in ("slots", "opens"):
                if key in m:
                    self.err(here + (key,), f"'{key}' is only for milestones of kind meeting or "
                                            "presentation; add `kind: meeting` or remove it")
            return (), None
        if m.get("deliverables"):
            self.err(here + ("deliverables",), f"a {kind} is signed off by staff and has no "
                     "deliverables; make the files a milestone of their own")
        if not m.get("slots"):
            self.err(here + ("id",), f"milestone '{m['id']}' is a {kind}: list its `slots` "
                     "(at, length, where, staff) for teams to book")
        staff = {x.lower() for x in (self.d.get("staff") or {}).get("members", [])}
        slots = []
        for j, sd in enumerate(m.get("slots") or []):
            at = when(sd["at"], here + ("slots", j, "at"))
            try:
                length = parse_duration(sd.get("length", "30m"))
            except DeadlineError as e:
                self.err(here + ("slots", j, "length"), str(e))
                continue
            for k, login in enumerate(sd.get("staff", [])):
                if login.lower() not in staff:
                    self.err(here + ("slots", j, "staff", k), f"'{login}' is not in "
                             "staff.members; only course staff hold meetings")
            if at is None:
                continue
            if due is not None and at > due:
                self.err(here + ("slots", j, "at"), f"slot {j + 1} starts after the deadline "
                         f"of '{m['id']}'; a team could not be signed off in time")
            slots.append(Slot(at, length, sd.get("where", ""), tuple(sd.get("staff", []))))
        starts = [s.at for s in slots]
        for j, s in enumerate(slots):
            if starts.count(s.at) > 1 and s.where and [t.where for t in slots
                                                       if t.at == s.at].count(s.where) > 1:
                self.err(here + ("slots", j, "at"), f"slot {j + 1} is listed twice (same time "
                         "and place)")
        opens = when(m["opens"], here + ("opens",)) if "opens" in m else previous_due
        if opens is not None and due is not None and opens >= due:
            self.err(here + ("opens",), f"milestone '{m['id']}' opens after its deadline")
        return tuple(slots), opens

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

    def _student(self, login: str) -> Student:
        row = self.roster_rows.get(login.lower())
        if row is None:
            return Student(login)
        return Student(login, row.name, row.student_id, row.email)

    def _late_policy(self, policy) -> LatePolicy | None:
        late = policy.get("late")
        if not late:
            return None
        try:
            penalty = float(str(late["penalty"]).strip().rstrip("%"))
        except ValueError:
            penalty = -1.0
        if not 0 <= penalty <= 100:
            self.err(("policy", "late", "penalty"), f"policy.late.penalty {late['penalty']!r} "
                     "must be a percentage between 0 and 100, like 10%")
            return None
        try:
            per = parse_duration(late.get("per", "1d"))
            zero = parse_duration(late["zero_after"]) if "zero_after" in late else None
        except DeadlineError as e:
            self.err(("policy", "late"), f"policy.late: {e}")
            return None
        if per.total_seconds() <= 0:
            self.err(("policy", "late", "per"), "policy.late.per must be longer than 0")
            return None
        return LatePolicy(penalty, per, zero)

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
