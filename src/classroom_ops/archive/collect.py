"""`collect` from end to end: fetch every team, write the term, rebuild the shared outputs.

The term folder is staged and swapped in whole; the gallery folder too. The zip and the
manifest are rewritten only when their bytes change, so a rerun with nothing new changes no
file at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from ..adapter import GitHubAPI
from ..checks.issue_text import human_delta
from ..checks.judgment import Judgments
from ..model import Course, Milestone
from ..rules.text import plain
from . import gallery
from .fetch import Limits, TeamRecord, fetch_team
from .layout import (
    DIR_MODE,
    GALLERY_DIR,
    INDEX,
    PROJECT,
    Archive,
    UnsafePath,
    check_term,
    dump_json,
    safe_join,
    walk_files,
    write_file,
)


@dataclass
class Outcome:
    records: list[TeamRecord] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # teams whose earlier copy was kept
    listed: int = 0
    terms: list[str] = field(default_factory=list)


def project_record(course: Course, milestone: Milestone, rec: TeamRecord) -> dict:
    snap, info = rec.snapshot, rec.project
    if snap is None:
        status, timing = "never_submitted", "never submitted"
    elif snap.status == "late" and snap.late_by_seconds is not None:
        status, timing = "late", "late by " + human_delta(timedelta(seconds=snap.late_by_seconds))
    else:
        status = snap.status
        timing = {"on_time": "on time", "late": "late",
                  "missing": "incomplete at the deadline",
                  "submitted": "tagged; push time unknown"}.get(status, status)
    problems = list(rec.problems) + list(info.problems)
    listed = bool(info.title and info.area and not info.problems and rec.pdf)
    return {
        "course": course.name, "term": course.term, "milestone": milestone.id,
        "slug": rec.team.slug, "team": rec.team.name, "members": list(rec.team.members),
        "title": info.title, "area": info.area, "abstract": info.abstract,
        "share_report": info.share_report, "share_names": info.share_names,
        "repository": rec.repo_url, "commit": snap.commit if snap else None,
        "pushed_at": snap.pushed_at if snap else None, "status": status, "timing": timing,
        "late_by_seconds": snap.late_by_seconds if snap else None,
        "source": snap.source if snap else None,
        "report": rec.pdf,
        "files": [{"path": p, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                  for p, d in sorted(rec.files.items())],
        "listed": listed, "problems": problems,
    }


def collect_term(gh: GitHubAPI, course: Course, milestone: Milestone, ledger: Judgments | None,
                 archive: Archive, limits: Limits,
                 on_team: Callable[[TeamRecord], None] = lambda r: None) -> Outcome:
    term = check_term(course.term)
    archive.prepare()
    repos = gh.list_org_repos(course.org)
    out = Outcome()
    staged = archive.staging(term)
    try:
        records = []
        for team in course.teams:
            name = course.repo_for(team)
            repo = repos.get(name)
            if repo is None:
                rec = TeamRecord(team, f"{course.org}/{name}",
                                 error=f"repository {course.org}/{name} not found")
            else:
                rec = fetch_team(gh, course, team, milestone, repo, ledger, limits)
            out.records.append(rec)
            on_team(rec)
            old = archive.root / term / team.slug
            if rec.error:
                if (old / PROJECT).is_file() and not old.is_symlink():
                    shutil.copytree(old, staged / team.slug, symlinks=True)
                    records.append(_old_record(old))
                    out.kept.append(team.slug)
                continue
            folder = staged / team.slug
            folder.mkdir()
            os.chmod(folder, DIR_MODE)  # served and shared: not the umask's 0700
            for path, blob in sorted(rec.files.items()):
                try:
                    write_file(folder, path, blob)
                except (UnsafePath, OSError) as e:  # a duplicate, a name too long, ...
                    why = plain(e.strerror if isinstance(e, OSError) and e.strerror else str(e),
                                200)
                    rec.problems.append(f"{plain(path, 120)}: cannot be written ({why}); "
                                        "not collected")
                    del rec.files[path]
            data = project_record(course, milestone, rec)  # after the writes: only what is there
            write_file(folder, PROJECT, dump_json(data).encode())
            records.append(data)
        index = {"course": course.name, "term": term, "start": course.start.isoformat(),
                 "milestone": milestone.id, "areas": list(course.areas),
                 "teams": sorted(records, key=lambda r: r["slug"])}
        write_file(staged, INDEX, dump_json(index).encode())
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    _replace(archive, staged, term)
    archive.write_zip(term)
    return out


def _old_record(folder: Path) -> dict:
    return json.loads((folder / PROJECT).read_text(encoding="utf-8"))


def _replace(archive: Archive, staged: Path, name: str) -> None:
    """Swap the staged folder in for `name`, unless it holds the same files (then nothing
    changes on disk, so a rerun leaves the archive's times and the zip alone)."""
    try:
        if _same_tree(staged, archive.root / name):
            shutil.rmtree(staged)
        else:
            archive.swap(staged, name)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def _same_tree(a: Path, b: Path) -> bool:
    if not b.is_dir() or b.is_symlink():
        return False
    fa, fb = walk_files(a), walk_files(b)
    if [r for r, _ in fa] != [r for r, _ in fb]:
        return False
    return all(pa.read_bytes() == pb.read_bytes() for (_, pa), (_, pb) in zip(fa, fb, strict=True))


def rebuild_outputs(archive: Archive, public: bool, area_order: list[str]) -> Outcome:
    """The gallery folder from every term in the archive, then the manifest."""
    archive.prepare()
    indexes = [archive.index(t) for t in archive.terms()]
    order = list(area_order)
    for idx in sorted(indexes, key=lambda i: i.get("start") or "", reverse=True):
        order += [a for a in idx.get("areas", []) if a not in order]

    def read(rel: str) -> bytes:
        return safe_join(archive.root, rel).read_bytes()

    files = gallery.build(indexes, public, order, read)
    staged = archive.staging(GALLERY_DIR)
    try:
        for rel, data in sorted(files.items()):
            write_file(staged, rel, data)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    _replace(archive, staged, GALLERY_DIR)
    archive.write_manifest()
    out = Outcome(terms=[i["term"] for i in indexes])
    out.listed = sum(1 for k in files if k.startswith("files/"))
    return out
