"""Keeping every team repository's `.github/classroom.yml` up to date on `provision` reruns.

The file says the team's milestones, deadlines (with extensions) and rules, for the students'
`check --local`; its `starter:` map was written at setup and is kept. When the course changes,
each repository whose file differs gets one write (the contents API), and nothing happens
elsewhere.

Budget: a rerun must not read every repository's file (60 teams would cost 60 reads more than
the rerun's whole budget of 1.5 per team). So provisioning keeps a record beside the course file,
`.classroom-ops/rules-files.json`: for each repository, the git blob SHA of the rules part it last
wrote or found current (`rules_yaml`, computed locally as git does, without the starter map,
which never changes). A rerun whose expected SHA equals the record reads nothing; only a team
whose rules changed (or with no record: a new machine, a fresh workflow runner) costs one read
of its current file, and one write if it differs. The record is a cache, never the truth: losing
it costs reads, never a wrong write, since the file itself is compared before writing.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..fileio import write_atomic
from ..model import Course, Team
from .render import git_blob_sha, rules_yaml

RECORD = Path(".classroom-ops") / "rules-files.json"


def rules_digest(course: Course, team: Team) -> str:
    return git_blob_sha(rules_yaml(course, team))


class RulesRecord:
    def __init__(self, path: Path | None):
        self.path = path
        self.data: dict[str, str] = {}
        self.dirty = False
        if path is not None and path.is_file():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                self.data = {str(k): str(v) for k, v in (raw.get("repositories") or {}).items()}
            except (OSError, ValueError, AttributeError):
                self.data = {}  # damaged: only costs one read per team, then rewritten

    @classmethod
    def beside(cls, course_dir: Path) -> RulesRecord:
        return cls(course_dir / RECORD)

    def current(self, full: str, digest: str) -> bool:
        return self.data.get(full) == digest

    def put(self, full: str, digest: str) -> None:
        if self.data.get(full) != digest:
            self.data[full] = digest
            self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps({"repositories": dict(sorted(self.data.items()))},
                                               indent=1) + "\n")
        except OSError:
            pass  # a record that cannot be kept only costs reads next time
        self.dirty = False
