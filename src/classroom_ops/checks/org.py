"""Deadline checks across the organization: snapshot, judge, record, tag, and issues.

Per team and milestone whose deadline (plus grace, plus extension) has passed by GitHub's clock:
1. the first time, find the commit that counts from the push log, judge its files, record the
   judgment in the ledger and tag it `submission/<milestone>`;
2. every time, verify the tag (students can move it; the ledger is the record that counts);
3. while the judgment has findings, judge pushes made after the deadline, oldest first, and
   record the first one that passes as late work;
4. open, update or close the team's issue for the milestone.
A rerun with nothing new reads a little and writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..adapter import GitHubAPI
from ..errors import ClassroomOpsError, StopRun, UsageError
from ..ghdata import Issue, Push, RepoInfo, TreeEntry
from ..model import Course, Finding, Milestone, Team
from ..timeline import format_deadline, zone
from .issues import IssueKeeper
from .judge import Blobs, head_at, judge_files, latest
from .judgment import NotACommit, peel, rules_digest, stale_reason
from .ledger import Entry, Ledger
from .starter import Starters, TeamStarter, setup_trees, team_starter

MAX_LATE_EVALUATIONS = 10  # per team and milestone per run; the next run goes on from there


@dataclass
class Cell:
    """One team x milestone result, for the terminal table, JSON and Markdown."""

    team: str
    milestone: str
    status: str  # pending, on_time, late, missing, error
    deadline: datetime
    extended: bool = False
    commit: str | None = None
    pushed_at: str | None = None
    late_by_seconds: int | None = None
    findings: list[dict] = field(default_factory=list)
    issue: int | None = None
    repo_url: str = ""
    note: str = ""
    error: str = ""  # judged, but a later step (the tag, the issue) failed; the run reports it


def parse_shard(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UsageError(f"--shard {text}: write K/N, like 2/4 (shard 2 of 4)") from None
    if not (n >= 1 and 1 <= k <= n):
        raise UsageError(f"--shard {text}: K must be between 1 and N")
    return k, n


def in_shard(slug: str, shard: tuple[int, int] | None) -> bool:
    """Stable across runs and roster changes: a team's shard depends on its slug alone."""
    if shard is None:
        return True
    k, n = shard
    return int(hashlib.sha256(slug.encode()).hexdigest(), 16) % n == k - 1


class OrgCheck:
    def __init__(self, gh: GitHubAPI, course: Course, ledger: Ledger, *, now: datetime,
                 milestones: list[Milestone], teams: list[Team], issues: bool,
                 log: Callable[[str], None] = lambda s: None, dry_run: bool = False,
                 starters: Starters | None = None, me: str = ""):
        self.gh, self.course, self.ledger, self.now = gh, course, ledger, now
        self.milestones, self.teams, self.log = milestones, teams, log
        self.dry_run = dry_run  # judge and report; write no tag, no issue, no ledger
        self.issues_on = issues and not dry_run
        self.tz = zone(course.timezone)
        self.starters = starters
        self._blobs = Blobs(gh)
        self.warnings: list[str] = []
        self.notes: list[str] = []  # judged again, excused: said in the report
        self.keeper = IssueKeeper(self, me)

    def run(self) -> list[Cell]:
        self.ledger.require_course(self.course.org, self.course.term)
        self.ledger.course, self.ledger.term, self.ledger.org = (
            self.course.name, self.course.term, self.course.org)
        due = [m for m in self.milestones if any(
            self.course.deadline_for(t, m) <= self.now for t in self.teams)]
        judged = any(self.ledger.get(t.slug, m.id) for t in self.teams for m in self.milestones)
        repos = self.gh.list_org_repos(self.course.org) if due or judged else {}
        cells: list[Cell] = []
        for team in self.teams:
            try:
                cells.extend(self._team(team, repos))
            finally:  # what was judged before a crash or a rate limit stays on record
                if not self.dry_run:
                    self.ledger.save()
        return cells

    # -- one team ---------------------------------------------------------------------------
    def _team(self, team: Team, repos: dict[str, RepoInfo]) -> list[Cell]:
        name = self.course.repo_for(team)
        repo = repos.get(name)
        ctx = _TeamCtx(team, repo)
        cells = []
        for m in self.milestones:
            deadline = self.course.deadline_for(team, m)
            cell = Cell(team.slug, m.id, "pending", deadline,
                        extended=self.course.due_for(team, m) != m.due,
                        repo_url=repo.html_url if repo else "")
            if deadline > self.now:
                stale = self.ledger.get(team.slug, m.id)
                if stale is not None and repo is not None:
                    # Judged, then the deadline moved into the future (an extension granted
                    # later): the judgment no longer holds until the new deadline passes.
                    self._withdraw(ctx, m, stale)
                cells.append(cell)
                continue
            if repo is None:
                cell.status, cell.note = "error", f"repository {self.course.org}/{name} not found"
                cells.append(cell)
                continue
            try:
                self._milestone(ctx, m, deadline, cell)
            except StopRun:
                raise
            except ClassroomOpsError as e:
                if cell.status == "pending":  # not judged: the cell is an error
                    cell.status = "error"
                cell.note = str(e) if cell.status == "error" else f"{cell.note} {e}".strip()
                cell.error = str(e)
            cells.append(cell)
        return cells

    def _pushes(self, ctx: _TeamCtx) -> list[Push]:
        if ctx.pushes is None:
            ctx.pushes = self.gh.list_pushes(ctx.repo.full_name, ctx.branch_ref)
        return ctx.pushes

    def _starter(self, ctx: _TeamCtx) -> TeamStarter:
        if ctx.starter is None:
            ctx.starter = team_starter(self.starters, self.course, ctx.team,
                                       lambda: self._setup_trees(ctx), self.ledger, self.dry_run)
        return ctx.starter

    def _setup_trees(self, ctx: _TeamCtx) -> list[dict[str, str]]:
        def tree(commit: str):
            if commit not in ctx.trees:
                ctx.trees[commit] = self.gh.get_tree(ctx.repo.full_name, commit)
            return ctx.trees[commit]
        return setup_trees(self._pushes(ctx), ctx.branch_ref, ctx.team.members, tree)

    def _judge(self, ctx: _TeamCtx, m: Milestone, commit: str | None) -> list[Finding]:
        if commit is None:
            return judge_files(m, [], self._fetch(ctx), self._starter(ctx))
        if commit not in ctx.trees:
            ctx.trees[commit] = self.gh.get_tree(ctx.repo.full_name, commit)
        return judge_files(m, ctx.trees[commit], self._fetch(ctx), self._starter(ctx))

    def _fetch(self, ctx: _TeamCtx):
        return self._blobs.fetcher(ctx.repo.full_name)

    def _absent_at(self, ctx: _TeamCtx, deadline: datetime) -> bool:
        """Whether the team's repository did not exist yet at `deadline` (a team added in
        mid-term), by GitHub's own creation time."""
        if not ctx.repo.created_at:
            return False
        created = datetime.fromisoformat(ctx.repo.created_at.replace("Z", "+00:00"))
        return created > deadline

    def _milestone(self, ctx: _TeamCtx, m: Milestone, deadline: datetime, cell: Cell) -> None:
        slug = ctx.team.slug
        entry = self.ledger.get(slug, m.id)
        previous, why = None, ""
        if entry is not None:
            why = stale_reason(self.course, ctx.team, m, entry)
            if why:
                # Judged against another deadline (an extension granted later, a changed
                # grace) or other rules: judge again, keeping the issue it may have.
                previous, entry = entry, None
        if entry is None:
            entry = self._first_judgment(ctx, m, deadline)
            if previous is not None:
                entry.issue, entry.issue_state = previous.issue, previous.issue_state
                entry.issue_digest, entry.fixed_noted = previous.issue_digest, previous.fixed_noted
                entry.note = f"judged again: {why}"
                self.notes.append(f"{slug} {m.id}: judged again ({why}): {entry.status}")
            self.ledger.put(slug, m.id, entry)
            self.log(f"{slug} {m.id}: judged {entry.commit and entry.commit[:7]}: "
                     f"{entry.status}")
        cell.status, cell.note = entry.status, entry.note
        self._fill(cell, entry)
        if entry.status == "excused":
            return
        self._tag(ctx, m, entry)
        if entry.status == "missing":
            self._late_work(ctx, m, deadline, entry)
        self._fill(cell, entry)  # the judgment stands whatever happens to the issue
        if self.issues_on:
            self.keeper.sync(ctx, m, entry)
            cell.issue = entry.issue

    def _first_judgment(self, ctx: _TeamCtx, m: Milestone, deadline: datetime) -> Entry:
        base = dict(deadline=deadline.isoformat(), judged_at=self.now.isoformat(),
                    rules=rules_digest(m))
        if self._absent_at(ctx, deadline) and self.course.before_repository == "excused":
            note = "excused: the repository did not exist at the deadline"
            self.notes.append(f"{ctx.team.slug} {m.id}: {note}")
            return Entry(status="excused", commit=None, pushed_at=None, note=note, **base)
        snap = head_at(self._pushes(ctx), deadline, ctx.branch_ref)
        findings = self._judge(ctx, m, snap.commit if snap else None)
        return Entry(status="missing" if findings else "on_time",
                     commit=snap.commit if snap else None,
                     pushed_at=snap.pushed_at.isoformat() if snap else None,
                     findings=[Entry.finding_dict(f) for f in findings], **base)

    @staticmethod
    def _fill(cell: Cell, entry: Entry) -> None:
        cell.status = entry.status
        cell.commit, cell.pushed_at = entry.commit, entry.pushed_at
        cell.findings = entry.findings
        cell.late_by_seconds = entry.late_by_seconds
        cell.issue = entry.issue
        if entry.status == "late":
            cell.commit, cell.pushed_at = entry.late_commit, entry.late_pushed_at

    def _tag(self, ctx: _TeamCtx, m: Milestone, entry: Entry) -> None:
        if not entry.commit:
            return
        slug, ref = ctx.team.slug, f"tags/submission/{m.id}"
        if ctx.tags is None:  # one list per team covers every milestone's tag
            ctx.tags = self.gh.list_matching_refs(ctx.repo.full_name, "tags/submission/")
        kind, found = ctx.tags.get(f"refs/{ref}", ("", None))
        if kind == "tag" and found:  # a student's annotated tag: judge where it points
            try:
                if peel(self.gh, ctx.repo.full_name, kind, found) == entry.commit:
                    return
            except NotACommit:
                pass
        if found == entry.commit:
            self._remember_tag(slug, m.id, entry.commit)
            return
        # What the tool set last (a ledger from before tags were recorded: the judged commit).
        mine = self.ledger.tag_of(slug, m.id)
        if found is None and mine is not None:
            msg = (f"{slug}: tag submission/{m.id} was deleted; the ledger records "
                   f"{entry.commit[:7]}; tag restored")
            self.warnings.append(msg)
            self.ledger.event(kind="tag_deleted", team=slug, milestone=m.id,
                              expected=entry.commit, at=self.now.isoformat())
        elif found is not None and found != mine:
            msg = (f"{slug}: tag submission/{m.id} was moved to {found[:7]}; the ledger "
                   f"records {entry.commit[:7]}; tag restored")
            self.warnings.append(msg)
            self.ledger.event(kind="tag_moved", team=slug, milestone=m.id,
                              found=found, expected=entry.commit, at=self.now.isoformat())
        # else: the tool's own earlier tag (the milestone was judged again): moved silently
        if self.dry_run:
            return
        self.gh.set_ref(ctx.repo.full_name, ref, entry.commit, exists=found is not None)
        ctx.tags[f"refs/{ref}"] = ("commit", entry.commit)
        self._remember_tag(slug, m.id, entry.commit)

    def _remember_tag(self, slug: str, mid: str, commit: str) -> None:
        if not self.dry_run:
            self.ledger.record_tag(slug, mid, commit)

    def _late_work(self, ctx: _TeamCtx, m: Milestone, deadline: datetime, entry: Entry) -> None:
        pushes = self._pushes(ctx)
        head = latest(pushes, ctx.branch_ref)
        if head is None or head.commit == entry.commit:
            return
        after = datetime.fromisoformat(entry.head_checked) if entry.head_checked else deadline
        later = sorted((p for p in pushes if p.ref == ctx.branch_ref and p.timestamp > after
                        and p.after and set(p.after) != {"0"}), key=lambda p: p.timestamp)
        for p in later[:MAX_LATE_EVALUATIONS]:
            entry.head_checked = p.timestamp.isoformat()
            if not self._judge(ctx, m, p.after):
                entry.status = "late"
                entry.late_commit, entry.late_pushed_at = p.after, p.timestamp.isoformat()
                # Lateness counts from the deadline students were given; grace only decides
                # whether a push is late at all.
                due = self.course.due_for(ctx.team, m)
                entry.late_by_seconds = int((p.timestamp - due).total_seconds())
                self.log(f"{ctx.team.slug} {m.id}: fixed late by {p.after[:7]}")
                return

    def _withdraw(self, ctx: _TeamCtx, m: Milestone, entry: Entry) -> None:
        if self.dry_run:
            return
        due_text = format_deadline(self.course.due_for(ctx.team, m), self.tz)
        if entry.issue and entry.issue_state != "closed" and self.issues_on:
            self.keeper.withdraw(ctx, m, due_text)
        self.ledger.drop(ctx.team.slug, m.id)
        self.log(f"{ctx.team.slug} {m.id}: deadline moved to {due_text}; judgment withdrawn")


class _TeamCtx:
    def __init__(self, team: Team, repo: RepoInfo | None):
        self.team, self.repo = team, repo
        self.branch_ref = f"refs/heads/{repo.default_branch}" if repo else ""
        self.pushes: list[Push] | None = None
        self.trees: dict[str, list[TreeEntry]] = {}
        self.issues: dict[str, Issue] | None = None
        self.tags: dict[str, tuple[str, str]] | None = None
        self.assignable: set[str] | None = None  # read only when GitHub refuses an assignee
        self.starter: TeamStarter | None = None
