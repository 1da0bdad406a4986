"""The GitHub side of `collect`: which commit counts for a team, and only the blobs kept.

The commit that counts is the ledger's (its late commit when the work was late; every shard's
ledger, merged by `checks.judgment.load_ledgers`), else the `submission/<milestone>` tag (an
annotated tag is peeled to its commit), else the team never submitted. Students can move the tag,
so with a ledger the tag is only compared with the judged commit (one more read per team) and a
moved or deleted tag is reported, never followed. Files are read with one recursive tree
listing and one blob request per kept file; sizes are checked on the listing before any
download, and again after it.

A PDF is collected only if a reader can open it: not a Git LFS pointer, not damaged, and not
encrypted (a password-protected file is useless in a gallery, and its permissions are not ours to
republish). The team's *report* is the file named by the first PDF entry of `archive.include`;
when that file is refused, the team has no report -- another PDF of theirs never stands in.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import datetime

from ..adapter import GitHubAPI
from ..checks.judgment import Judgments, NotACommit, counted_commit, is_current, peel
from ..errors import GitHubError
from ..ghdata import RepoInfo, TreeEntry
from ..model import Course, Milestone, Team
from ..rules.pdf import openable
from ..rules.text import plain
from .layout import PROJECT, UnsafePath, safe_rel
from .project import MAX_BYTES as PROJECT_MAX
from .project import ProjectInfo, parse_project

MB = 1_000_000
LFS_POINTER = b"version https://git-lfs"


@dataclass
class Limits:
    per_file: int = 50 * MB
    per_team: int = 200 * MB
    total: int = 2000 * MB
    used: int = 0  # bytes downloaded so far in this run

    def fits(self, size: int, team_used: int) -> str | None:
        if size > self.per_file:
            return f"larger than the {self.per_file // MB} MB limit per file"
        if team_used + size > self.per_team:
            return f"over the {self.per_team // MB} MB limit per team"
        if self.used + size > self.total:
            return f"over the {self.total // MB} MB limit for the whole collection"
        return None


@dataclass
class Snapshot:
    commit: str
    status: str  # on_time, late, missing (judged by check), submitted (a tag, no push found)
    pushed_at: str | None
    late_by_seconds: int | None
    source: str  # ledger or tag
    tag_note: str | None = None  # the submission tag no longer names the judged commit


@dataclass
class TeamRecord:
    team: Team
    repo: str  # owner/name
    repo_url: str = ""
    snapshot: Snapshot | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # repository path -> bytes
    project: ProjectInfo = field(default_factory=ProjectInfo)
    problems: list[str] = field(default_factory=list)
    error: str | None = None  # GitHub failed: nothing new is known about this team
    report: str | None = None  # path of the report: the first PDF entry of archive.include
    excused: bool = False  # the ledger excused the team from the milestone (no repository then)

    @property
    def pdf(self) -> str | None:
        return self.report if self.report in self.files else None


def find_snapshot(gh: GitHubAPI, course: Course, team: Team, milestone: Milestone, repo: RepoInfo,
                  ledger: Judgments | None) -> Snapshot | None:
    entry = ledger.get(team.slug, milestone.id) if ledger is not None else None
    if entry is not None and not is_current(course, team, milestone, entry):
        entry = None  # judged against another deadline or rules: no longer counts
    if entry is not None:  # the commit that counts, as checks.judgment defines it
        counted = counted_commit(entry)
        if counted is None:
            return None
        return Snapshot(counted.commit, counted.status, counted.pushed_at,
                        counted.late_by_seconds, "ledger",
                        _tag_note(gh, repo.full_name, milestone.id, entry.commit))
    sha = submission_commit(gh, repo.full_name, f"tags/submission/{milestone.id}")
    if not sha:
        return None
    pushes = gh.list_pushes(repo.full_name, f"refs/heads/{repo.default_branch}")
    when = next((p.timestamp for p in pushes if p.after == sha), None)
    if when is None:
        return Snapshot(sha, "submitted", None, None, "tag")
    late = when > course.deadline_for(team, milestone)
    late_by = int((when - course.due_for(team, milestone)).total_seconds()) if late else None
    return Snapshot(sha, "late" if late else "on_time", _iso(when), late_by, "tag")


def _why_nothing(course: Course, team: Team, milestone: Milestone,
                 ledger: Judgments | None) -> str:
    """Why there is nothing to collect, as the ledger says it (an excused team is not one that
    never submitted)."""
    entry = ledger.get(team.slug, milestone.id) if ledger is not None else None
    if entry is not None and is_current(course, team, milestone, entry):
        if entry.status == "excused":
            return (f"excused from {milestone.title} (its repository did not exist at the "
                    "deadline); nothing to collect")
        return f"never submitted {milestone.title}: the ledger records it {entry.status}"
    return (f"never submitted {milestone.title}: no record in the ledger and no "
            f"submission/{milestone.id} tag")


def _tag_note(gh: GitHubAPI, full_name: str, mid: str, judged: str | None) -> str | None:
    """What became of the tag the check set on the judged commit (the deadline's), if it moved."""
    if not judged:  # nothing at the deadline: the check set no tag
        return None
    try:
        sha = submission_commit(gh, full_name, f"tags/submission/{mid}")
    except NotACommit:
        sha = "not a commit"
    if sha == judged:
        return None
    where = "was deleted" if sha is None else f"was moved to {plain(sha[:7], 12)}"
    return (f"tag submission/{mid} {where} after the check; the ledger's commit "
            f"{judged[:7]} is collected (the next `check` restores the tag)")


def submission_commit(gh: GitHubAPI, full_name: str, ref: str) -> str | None:
    """The commit `ref` names: an annotated tag (a tag object) is peeled to its commit."""
    found = gh.get_ref_object(full_name, ref)
    if found is None:
        return None
    try:
        return peel(gh, full_name, *found)
    except NotACommit as e:
        raise NotACommit(f"{ref.removeprefix('tags/')} points at a {plain(str(e), 20)}, "
                         "not a commit; nothing collected") from None


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def _is_pdf(path: str) -> bool:
    return path.lower().endswith(".pdf")


def _is_glob(pattern: str) -> bool:
    return any(c in pattern for c in "*?[")


def _matches(pattern: str, entries: dict[str, TreeEntry]) -> list[TreeEntry]:
    if _is_glob(pattern):
        return [e for p, e in sorted(entries.items())
                if e.type == "blob" and fnmatch.fnmatchcase(p, pattern)]
    return [entries[pattern]] if pattern in entries else []


def fetch_team(gh: GitHubAPI, course: Course, team: Team, milestone: Milestone, repo: RepoInfo,
               ledger: Judgments | None, limits: Limits) -> TeamRecord:
    rec = TeamRecord(team, repo.full_name, repo.html_url)
    try:
        rec.snapshot = find_snapshot(gh, course, team, milestone, repo, ledger)
        if rec.snapshot is None:
            why = _why_nothing(course, team, milestone, ledger)
            rec.excused = why.startswith("excused")
            rec.problems.append(why)
            rec.project = parse_project(None, course.areas)
            rec.project.problems.clear()
            return rec
        if rec.snapshot.tag_note:
            rec.problems.append(rec.snapshot.tag_note)
        entries = {e.path: e for e in gh.get_tree(repo.full_name, rec.snapshot.commit)}
        used = 0
        for pattern in course.archive_include:
            found = _matches(pattern, entries)
            if not found and not _is_glob(pattern):  # a pattern may match nothing
                rec.problems.append(f"{pattern} is missing at {rec.snapshot.commit[:7]}")
            first = next((e.path for e in found if _is_pdf(e.path)), None)
            if rec.report is None and (_is_pdf(pattern) or first):
                rec.report = first or ""  # "": named but missing; never another PDF
            for e in found:
                data = _read(gh, rec, e, limits, used)
                if data is not None:
                    used += len(data)
                    rec.files[e.path] = data
        raw = None
        meta = entries.get("project.yml")
        if meta is not None:
            if meta.size is not None and meta.size > PROJECT_MAX:
                raw = b"x" * (PROJECT_MAX + 1)  # parse_project reports the size
            else:
                raw = _read(gh, rec, meta, limits, used)
        rec.project = parse_project(raw, course.areas)
        if raw is not None and len(raw) <= PROJECT_MAX:
            rec.files["project.yml"] = raw
    except NotACommit as e:
        rec.snapshot = None
        rec.problems.append(str(e))
    except GitHubError as e:
        rec.error = plain(str(e), 300)
    return rec


def _read(gh: GitHubAPI, rec: TeamRecord, e: TreeEntry, limits: Limits, used: int) -> bytes | None:
    """The blob of `e`, or None with a problem recorded for the instructors."""
    name = plain(e.path, 120)
    try:
        safe_rel(e.path)
    except UnsafePath:
        rec.problems.append(f"{name}: unsafe file name, not collected")
        return None
    if e.path == PROJECT:
        rec.problems.append(f"{name}: the name is reserved for the archive's record, not collected")
        return None
    if e.mode == "120000":
        rec.problems.append(f"{name} is a symbolic link, not a file; not collected")
        return None
    if e.type != "blob":
        rec.problems.append(f"{name} is a {'submodule' if e.type == 'commit' else 'folder'}, "
                            "not a file; not collected")
        return None
    if e.size is not None:
        why = limits.fits(e.size, used)
        if why:
            rec.problems.append(f"{name} ({e.size} bytes) is {why}; not collected")
            return None
    data = gh.get_blob(rec.repo, e.sha)
    why = limits.fits(len(data), used)
    if why:
        rec.problems.append(f"{name} ({len(data)} bytes) is {why}; not collected")
        return None
    limits.used += len(data)
    if _is_pdf(e.path):
        if not data.startswith(b"%PDF-"):
            kind = "a Git LFS pointer" if data.startswith(LFS_POINTER) else "not a PDF"
            rec.problems.append(f"{name} is {kind}; not collected")
            return None
        why = openable(data)
        if why == "encrypted":
            rec.problems.append(f"{name} is encrypted (password-protected); not collected. Ask "
                                "the team for a PDF without a password")
            return None
        if why:
            rec.problems.append(f"{name} cannot be opened as a PDF ({why}); not collected")
            return None
    return data
