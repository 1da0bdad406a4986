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
from datetime import datetime, timedelta

from ..adapter import GitHub
from ..errors import ClassroomOpsError, StopRun, UsageError
from ..ghdata import Issue, Push, RepoInfo, TreeEntry
from ..model import Course, Finding, Milestone, Team
from ..timeline import format_deadline, zone
from . import issue_text
from .judge import digest, head_at, judge_files, latest
from .ledger import Entry, Ledger

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
    def __init__(self, gh: GitHub, course: Course, ledger: Ledger, *, now: datetime,
                 milestones: list[Milestone], teams: list[Team], issues: bool,
                 log: Callable[[str], None] = lambda s: None, dry_run: bool = False):
        self.gh, self.course, self.ledger, self.now = gh, course, ledger, now
        self.milestones, self.teams, self.log = milestones, teams, log
        self.dry_run = dry_run  # judge and report; write no tag, no issue, no ledger
        self.issues_on = issues and not dry_run
        self.tz = zone(course.timezone)
        self._blobs: dict[str, bytes] = {}
        self.warnings: list[str] = []

    def run(self) -> list[Cell]:
        self.ledger.course, self.ledger.term, self.ledger.org = (
            self.course.name, self.course.term, self.course.org)
        due = [m for m in self.milestones if any(
            self.course.deadline_for(t, m) <= self.now for t in self.teams)]
        judged = any(self.ledger.get(t.slug, m.id) for t in self.teams for m in self.milestones)
        repos = self.gh.org_repos(self.course.org) if due or judged else {}
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
                cell.status, cell.note = "error", str(e)
            cells.append(cell)
        return cells

    def _pushes(self, ctx: _TeamCtx) -> list[Push]:
        if ctx.pushes is None:
            ctx.pushes = self.gh.pushes(ctx.repo.full_name, ctx.branch_ref)
        return ctx.pushes

    def _judge(self, ctx: _TeamCtx, m: Milestone, commit: str | None) -> list[Finding]:
        if commit is None:
            return judge_files(m, [], self._fetch(ctx))
        if commit not in ctx.trees:
            ctx.trees[commit] = self.gh.tree(ctx.repo.full_name, commit)
        return judge_files(m, ctx.trees[commit], self._fetch(ctx))

    def _fetch(self, ctx: _TeamCtx):
        def fetch(entry: TreeEntry) -> bytes:
            if entry.sha not in self._blobs:  # content-addressed: fetched once per run
                self._blobs[entry.sha] = self.gh.blob(ctx.repo.full_name, entry.sha)
            return self._blobs[entry.sha]
        return fetch

    def _milestone(self, ctx: _TeamCtx, m: Milestone, deadline: datetime, cell: Cell) -> None:
        entry = self.ledger.get(ctx.team.slug, m.id)
        previous = None
        if entry is not None and entry.deadline != deadline.isoformat():
            # The team's deadline moved since the judgment (an extension granted later, or a
            # changed grace): judge again, keeping the issue it may have.
            previous, entry = entry, None
        if entry is None:
            snap = head_at(self._pushes(ctx), deadline, ctx.branch_ref)
            findings = self._judge(ctx, m, snap.commit if snap else None)
            entry = Entry(
                status="missing" if findings else "on_time", deadline=deadline.isoformat(),
                judged_at=self.now.isoformat(), commit=snap.commit if snap else None,
                pushed_at=snap.pushed_at.isoformat() if snap else None,
                findings=[Entry.finding_dict(f) for f in findings])
            if previous is not None:
                entry.issue, entry.issue_state = previous.issue, previous.issue_state
                entry.issue_digest = previous.issue_digest
            self.ledger.put(ctx.team.slug, m.id, entry)
            self.log(f"{ctx.team.slug} {m.id}: judged {entry.commit and entry.commit[:7]}: "
                     f"{entry.status}")
        self._tag(ctx, m, entry)
        if entry.status == "missing":
            self._late_work(ctx, m, deadline, entry)
        if self.issues_on:
            self._issue(ctx, m, entry)
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
        ref = f"tags/submission/{m.id}"
        if ctx.tags is None:  # one list per team covers every milestone's tag
            ctx.tags = self.gh.matching_refs(ctx.repo.full_name, "tags/submission/")
        kind, found = ctx.tags.get(f"refs/{ref}", ("", None))
        if kind == "tag" and found:  # a student's annotated tag: judge where it points
            kind, target = self.gh.tag_target(ctx.repo.full_name, found)
            if target == entry.commit:
                return
        if found == entry.commit:
            return
        if found is not None:
            msg = (f"{ctx.team.slug}: tag submission/{m.id} was moved to {found[:7]}; the ledger "
                   f"records {entry.commit[:7]}; tag restored")
            self.warnings.append(msg)
            self.ledger.event(kind="tag_moved", team=ctx.team.slug, milestone=m.id,
                              found=found, expected=entry.commit, at=self.now.isoformat())
        if self.dry_run:
            return
        self.gh.set_ref(ctx.repo.full_name, ref, entry.commit, exists=found is not None)
        ctx.tags[f"refs/{ref}"] = ("commit", entry.commit)

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
            full = ctx.repo.full_name
            issue = self._issues(ctx).get(m.id)
            if issue is not None and issue.state == "open":
                mark = issue_text.extended_marker(m.id, due_text)
                if not any(mark in c for c in self.gh.comments(full, issue.number)):
                    self.gh.comment(full, issue.number,
                                    issue_text.extended_comment(m, due_text), marker=mark)
                self.gh.edit_issue(full, issue.number, state="closed",
                                   state_reason="not_planned")
        self.ledger.drop(ctx.team.slug, m.id)
        self.log(f"{ctx.team.slug} {m.id}: deadline moved to {due_text}; judgment withdrawn")

    # -- issues -----------------------------------------------------------------------------
    def _ours(self, full: str) -> dict[str, Issue]:
        """The issues this tool opened in a repository, by milestone (the newest if several)."""
        found: dict[str, Issue] = {}
        for issue in self.gh.issues(full, labels=[issue_text.LABEL]):
            mk = issue_text.parse_marker(issue.body)
            if mk and (mk[0] not in found or issue.number > found[mk[0]].number):
                found[mk[0]] = issue
        return found

    def _issues(self, ctx: _TeamCtx) -> dict[str, Issue]:
        if ctx.issues is None:
            ctx.issues = self._ours(ctx.repo.full_name)
        return ctx.issues

    def _issue(self, ctx: _TeamCtx, m: Milestone, entry: Entry) -> None:
        full = ctx.repo.full_name
        due_text = format_deadline(self.course.due_for(ctx.team, m), self.tz)
        if entry.status == "on_time" and not entry.issue:
            return
        if entry.status in ("late", "on_time"):
            # Fixed late, or on time after all (the deadline moved): close the issue once.
            issue = self._issues(ctx).get(m.id) if entry.issue_state != "closed" else None
            if issue is None or issue.state == "closed":
                entry.issue_state = "closed" if issue or entry.issue else entry.issue_state
                return
            late = entry.status == "late"
            commit = entry.late_commit if late else entry.commit
            pushed = datetime.fromisoformat(entry.late_pushed_at if late else entry.pushed_at)
            text = issue_text.fixed_comment(
                m, commit, f"{ctx.repo.html_url}/commit/{commit}", pushed,
                format_deadline(pushed, self.tz),
                timedelta(seconds=entry.late_by_seconds or 0) if late else timedelta(0))
            mark = issue_text.fixed_marker(m.id, commit)
            if not any(mark in c for c in self.gh.comments(full, issue.number)):
                self.gh.comment(full, issue.number, text, marker=mark)
            self.gh.edit_issue(full, issue.number, state="closed", state_reason="completed")
            entry.issue, entry.issue_state = issue.number, "closed"
            return
        findings = [Finding(f["path"], f["rule"], f["message"], line=f.get("line"),
                            milestone=m.id) for f in entry.findings]
        dig = digest(findings)
        pushed_text = (format_deadline(datetime.fromisoformat(entry.pushed_at), self.tz)
                       if entry.pushed_at else "")
        title = issue_text.title(m, due_text)
        body = issue_text.body(m, due_text, findings, entry.commit,
                               f"{ctx.repo.html_url}/commit/{entry.commit}", pushed_text, dig)
        issue = self._issues(ctx).get(m.id)
        if issue is None:
            labels = [issue_text.LABEL, issue_text.milestone_label(m.id)]

            issue = self.gh.create_issue(full, title=title, body=body, labels=labels,
                                         assignees=list(ctx.team.members),
                                         probe=lambda: self._ours(full).get(m.id))
            ctx.issues[m.id] = issue
            self.log(f"{ctx.team.slug} {m.id}: opened issue #{issue.number}")
        elif issue_text.parse_marker(issue.body)[1] != dig or issue.state != "open":
            issue = self.gh.edit_issue(full, issue.number, title=title, body=body, state="open")
            ctx.issues[m.id] = issue
        entry.issue, entry.issue_digest, entry.issue_state = issue.number, dig, "open"


class _TeamCtx:
    def __init__(self, team: Team, repo: RepoInfo | None):
        self.team, self.repo = team, repo
        self.branch_ref = f"refs/heads/{repo.default_branch}" if repo else ""
        self.pushes: list[Push] | None = None
        self.trees: dict[str, list[TreeEntry]] = {}
        self.issues: dict[str, Issue] | None = None
        self.tags: dict[str, tuple[str, str]] | None = None
