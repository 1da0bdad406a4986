"""What provisioning wrote into each team repository, as git blob SHAs by path (pure but for the
template read once per run).

A deliverable whose blob is still the starter's is not a submission: the starter proposal
already has the six headings a course asks for, so judging its content would call an untouched
repository "on time". Comparing blob SHAs costs no request: the tree listing carries them.

The SHAs come from what the tool itself knows, never from a file a student can edit: rendering
the template for the team exactly as `provision` does (`render_team_files`), and, when the
course file changed since, the trees provisioning pushed (GitHub's push log names who pushed).
For `check --local`, provisioning writes the map into the team's `.github/classroom.yml`
(`starter:`, from `starter_manifest`); that is feedback only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ..errors import ClassroomOpsError
from ..model import Course, Team
from ..provision.render import (  # noqa: F401  (git_blob_sha, starter_manifest: used from here)
    git_blob_sha,
    kept_starter,
    read_template_dir,
    render_team_files,
    rules_with_starter,
    starter_manifest,
    template_source,
)


class Starters:
    """The starter's blob SHAs per team, rendered from a template folder."""

    def __init__(self, sources: dict[str, bytes]):
        self.sources = sources
        self._cache: dict[str, dict[str, str]] = {}

    def for_team(self, course: Course, team: Team) -> dict[str, str]:
        if team.slug not in self._cache:
            try:
                files = render_team_files(self.sources, course, team)
            except ClassroomOpsError:  # the template changed and breaks: what was pushed counts
                files = {}
            self._cache[team.slug] = starter_manifest(files)
        return self._cache[team.slug]


def load_starters(course: Course) -> tuple[Starters | None, str]:
    """The course's starter from its template folder, or (None, why not). A GitHub template
    repository is not read: what provisioning pushed (the push log) says the same, once per
    team, and the App token may not reach a template kept elsewhere."""
    source = template_source(course, Path(course.source).parent)
    if source.folder is None:
        return None, ""
    try:
        return Starters(read_template_dir(source.folder)), ""
    except ClassroomOpsError as e:
        return None, f"the starter ({source.label}) could not be read: {e}"


MAX_SETUP_PUSHES = 3


class TeamStarter:
    """Is this blob, at this path, the starter's? First by rendering the template for the team
    now (no request); else by the trees provisioning pushed before any student did, read from
    GitHub's push log only when needed (the course file may have changed since provisioning,
    and the rendered README or deadline table with it)."""

    def __init__(self, rendered: Mapping[str, str] | None,
                 setup_trees: Callable[[], list[dict[str, str]]] | None = None,
                 known: dict[str, list[str]] | None = None,
                 remember: Callable[[dict[str, list[str]]], None] | None = None):
        self.rendered = rendered or {}
        self._setup_trees = setup_trees
        self._setup: dict[str, list[str]] | None = known  # kept from an earlier run
        self._remember = remember

    def matches(self, path: str, sha: str) -> bool:
        if self.rendered.get(path) == sha:
            return True
        if self._setup is None:
            self._setup = {}
            for tree in self._setup_trees() if self._setup_trees else []:
                for p, s in tree.items():
                    if s not in self._setup.setdefault(p, []):
                        self._setup[p].append(s)
            if self._remember:
                self._remember(self._setup)
        return sha in self._setup.get(path, ())


def setup_trees(pushes, ref: str, members, tree: Callable[[str], list]) -> list[dict[str, str]]:
    """The trees pushed to `ref` before any student of the team pushed, by someone else: what
    provisioning wrote (the push log names who pushed; students cannot push as the tool).
    `tree(commit)` reads a tree; used by the deadline check and by reminders alike."""
    members = {x.lower() for x in members}
    out: list[dict[str, str]] = []
    for p in pushes:
        if p.ref != ref:
            continue
        if p.actor.lower() in members or len(out) >= MAX_SETUP_PUSHES:
            break
        if p.after and set(p.after) != {"0"}:
            out.append({e.path: e.sha for e in tree(p.after) if e.type == "blob"})
    return out


def team_starter(starters: Starters | None, course: Course, team: Team,
                 trees: Callable[[], list[dict[str, str]]], ledger=None,
                 dry_run: bool = False) -> TeamStarter:
    """The team's TeamStarter as the deadline check builds it: rendered now, else the setup
    trees (remembered in the ledger's `starters` so a rerun reads no push log for it)."""
    rendered = starters.for_team(course, team) if starters else None
    known = ledger.starters.get(team.slug) if ledger is not None else None

    def remember(found: dict[str, list[str]]) -> None:
        if ledger is not None and not dry_run and found:  # none found: look again next run
            ledger.starters[team.slug] = found
    return TeamStarter(rendered, trees, known=known, remember=remember)


def is_starter(starter, path: str, sha: str) -> bool:
    """`starter` is a TeamStarter, or a plain path -> SHA map (a rules file's `starter:`)."""
    if isinstance(starter, TeamStarter):
        return starter.matches(path, sha)
    return bool(sha) and starter.get(path) == sha


def rules_file(course: Course, team: Team, current: bytes | None,
               starter: Mapping[str, str] | None = None) -> bytes | None:
    """The team's `.github/classroom.yml` as it should be now (milestones, deadlines with the
    team's extensions, rules), or None when `current` already says it, for `provision` to write
    only where it differs. The `starter:` map is the one written at setup (`starter`, or kept
    from `current`): it records what provisioning wrote then, whatever the course says now."""
    if starter is None:
        starter = kept_starter(current)
    text = rules_with_starter(course, team, starter)
    return None if text == current else text
