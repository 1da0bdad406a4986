"""The instructors' record of every judgment: a JSON file that counts, whatever happens to tags
in the team repositories (students can move those).

Written atomically after every team, so a crash loses at most the team in progress, and a rerun
picks up from the record instead of judging again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from ..errors import UsageError
from ..fileio import write_atomic
from ..model import Finding

VERSION = 1
STATUSES = ("on_time", "late", "missing", "excused")
REQUIRED_TIMES = ("deadline", "judged_at")
OPTIONAL_TIMES = ("pushed_at", "late_pushed_at", "head_checked")


@dataclass
class Entry:
    """One team's judgment for one milestone."""

    status: str  # on_time, late, missing, excused (no repository at the deadline)
    deadline: str  # ISO, with grace and extension
    judged_at: str  # GitHub's time when first judged
    commit: str | None  # the commit that counts, at the deadline
    pushed_at: str | None
    findings: list[dict] = field(default_factory=list)
    late_commit: str | None = None
    late_pushed_at: str | None = None
    late_by_seconds: int | None = None
    head_checked: str | None = None  # the newest head already judged after the deadline
    issue: int | None = None
    issue_digest: str | None = None
    issue_state: str | None = None
    rules: str | None = None  # digest of the milestone's rules this judgment applied
    fixed_noted: str | None = None  # the fixed commit the issue was told about
    note: str = ""  # why the cell is as it is, when that is not obvious (excused, judged again)

    @staticmethod
    def finding_dict(f: Finding) -> dict:
        return {"path": f.path, "rule": f.rule, "message": f.message, "line": f.line}


@dataclass
class Ledger:
    path: Path
    course: str = ""
    term: str = ""
    org: str = ""
    teams: dict[str, dict[str, Entry]] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    # What the tool itself did, so it never mistakes a student's doing for its own: the issues
    # it opened (team -> milestone -> number), the login that opened them, and the commit each
    # submission tag was last set to.
    issues: dict[str, dict[str, int]] = field(default_factory=dict)
    issuer: str = ""
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    # The blobs provisioning pushed into each team repository (path -> SHAs), read once from
    # GitHub's push log and kept, so later runs judge the starter rule without reading it again.
    starters: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # Formation: the teams registered in the course hub as `check` last read them (slug ->
    # name, members, interests, issue), so `grades`, which makes no GitHub request, has them.
    registered: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> Ledger:
        path = Path(path)
        if not path.exists():
            return cls(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            teams = {
                slug: {mid: Entry(**e) for mid, e in ms.items()}
                for slug, ms in raw.get("teams", {}).items()
            }
        except (OSError, ValueError, TypeError, AttributeError) as e:
            raise UsageError(f"{path}: the ledger is not readable ({e}); restore it from the "
                             "last artifact or commit, or move it away to start a new one") from None
        for slug, ms in teams.items():
            for mid, e in ms.items():
                problem = _problem(e)
                if problem:
                    raise UsageError(f"{path}: team {slug}, milestone {mid}: {problem}; restore it "
                                     "from the last artifact or commit")
        try:
            issues = {t: {m: int(n) for m, n in ms.items()}
                      for t, ms in (raw.get("issues") or {}).items()}
            tags = {t: {m: str(c) for m, c in ms.items()}
                    for t, ms in (raw.get("tags") or {}).items()}
            starters = {t: {p: [str(x) for x in shas] for p, shas in files.items()}
                        for t, files in (raw.get("starters") or {}).items()}
            registered = {str(s): {"name": str(d["name"]),
                                   "members": [str(m) for m in d["members"]],
                                   "interests": [str(a) for a in d.get("interests", [])],
                                   "issue": int(d["issue"])}
                          for s, d in (raw.get("registered") or {}).items()}
        except (TypeError, ValueError, AttributeError, KeyError) as e:
            raise UsageError(f"{path}: the ledger's issues, tags or starters are not readable ({e}); "
                             "restore it from the last artifact or commit") from None
        return cls(path, raw.get("course", ""), raw.get("term", ""), raw.get("org", ""), teams,
                   raw.get("events", []), issues, str(raw.get("issuer") or ""), tags, starters,
                   registered)

    def require_course(self, org: str, term: str) -> None:
        """Refuse a ledger written for another organization or term: its judgments would be
        taken for this course's, and its header rewritten."""
        for what, mine, theirs in (("organization", org, self.org), ("term", term, self.term)):
            if theirs and theirs != mine:
                raise UsageError(
                    f"{self.path}: this ledger records {what} {theirs}, but the course file "
                    f"says {mine}; pass this course's ledger with --ledger (or a new path to "
                    "start one), or fix course.org / course.term")

    def get(self, team: str, milestone: str) -> Entry | None:
        return self.teams.get(team, {}).get(milestone)

    def put(self, team: str, milestone: str, entry: Entry) -> None:
        self.teams.setdefault(team, {})[milestone] = entry

    def drop(self, team: str, milestone: str) -> None:
        self.teams.get(team, {}).pop(milestone, None)

    def issue_of(self, team: str, milestone: str) -> int | None:
        return self.issues.get(team, {}).get(milestone)

    def record_issue(self, team: str, milestone: str, number: int) -> None:
        self.issues.setdefault(team, {})[milestone] = number

    def tag_of(self, team: str, milestone: str) -> str | None:
        return self.tags.get(team, {}).get(milestone)

    def record_tag(self, team: str, milestone: str, commit: str) -> None:
        self.tags.setdefault(team, {})[milestone] = commit

    def event(self, **fields) -> None:
        self.events.append(fields)

    def save(self) -> None:
        data = {
            "version": VERSION, "course": self.course, "term": self.term, "org": self.org,
            "teams": {slug: {mid: asdict(e) for mid, e in sorted(ms.items())}
                      for slug, ms in sorted(self.teams.items())},
            "events": self.events,
            "issuer": self.issuer,
            "issues": {t: dict(sorted(ms.items())) for t, ms in sorted(self.issues.items())},
            "tags": {t: dict(sorted(ms.items())) for t, ms in sorted(self.tags.items())},
            "starters": {t: dict(sorted(fs.items())) for t, fs in sorted(self.starters.items())},
        }
        if self.registered:
            data["registered"] = dict(sorted(self.registered.items()))
        text = json.dumps(data, indent=2, sort_keys=False) + "\n"
        if self.path.exists() and self.path.read_text(encoding="utf-8") == text:
            return  # unchanged: keep the file (and its timestamp) as it is
        write_atomic(self.path, text)


def _problem(e: Entry) -> str:
    """What is wrong with an entry read from a file, or "" (every time an ISO time with an offset,
    as `check` writes them; a known status)."""
    if e.status not in STATUSES:
        return f"status is {e.status!r}, not one of {', '.join(STATUSES)}"
    for name in REQUIRED_TIMES + OPTIONAL_TIMES:
        value = getattr(e, name)
        if value is None and name in OPTIONAL_TIMES:
            continue
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return f"{name} is {value!r}, not an ISO time"
        if moment.utcoffset() is None:
            return f"{name} is {value!r}, a time without a UTC offset"
    return ""
