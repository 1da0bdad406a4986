"""Reminders before a deadline: judge each team's branch head now with the milestone's rules, and
tell the teams that would miss something what is missing, once per team and deadline.

One issue per team and milestone deadline, labelled `deadline-reminder`, marked with the
milestone and the deadline; it is closed (with a comment) when a later run finds the team ready.
The ledger records each reminder (events `reminded`, `reminder_closed`), so a rerun needs no
GitHub read to know; without that record (a lost ledger), the team's reminder issues are listed
and the marker found before anything is opened, so a reminder is never sent twice. A deadline
moved by an extension is a new deadline: the team may be reminded of it once more.

Cost per team with a milestone due in the window: one read of the push log, then the tree and
the blobs the rules read, and (the deadline check's starter judgment) the tree provisioning
pushed when the team has files of its own, kept in the ledger; ready teams cost nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .adapter import GitHubAPI
from .checks.judge import Blobs, judge_files, latest
from .checks.ledger import Ledger
from .checks.starter import Starters, setup_trees, team_starter
from .errors import ClassroomOpsError, StopRun
from .ghdata import Issue, RepoInfo, TreeEntry
from .model import Course, Finding, Milestone, Team
from .rules import neutralize, render_finding_markdown
from .team_issues import close_with_comment, find_marked
from .timeline import format_deadline, zone

LABEL = "deadline-reminder"
_MARKER = re.compile(r"<!-- classroom-ops:reminder milestone=([a-z0-9-]+) due=(\S+) -->")


def marker(milestone_id: str, due: datetime) -> str:
    return f"<!-- classroom-ops:reminder milestone={milestone_id} due={due.isoformat()} -->"


def parse_marker(body: str) -> tuple[str, str] | None:
    m = _MARKER.search(body or "")
    return (m[1], m[2]) if m else None


@dataclass
class Reminder:
    """What a run did for one team and one milestone due in the window."""

    team: str
    milestone: str
    due: datetime
    state: str  # ready, reminded, already, closed, expired, error (would-...: dry run)
    commit: str | None = None
    findings: list[Finding] = field(default_factory=list)
    issue: int | None = None
    note: str = ""


def reminder_title(m: Milestone, due_text: str) -> str:
    return f"Reminder: {m.title} is due {due_text}"


def reminder_body(m: Milestone, due: datetime, due_text: str, left: str,
                  findings: list[Finding], commit: str | None, commit_url: str) -> str:
    lines = [marker(m.id, due), ""]
    if commit:
        lines.append(f"**{neutralize(m.title)}** is due {due_text} ({left} from now). The "
                     f"branch head right now, [`{commit[:7]}`]({commit_url}), is missing:")
    else:
        lines.append(f"**{neutralize(m.title)}** is due {due_text} ({left} from now), and "
                     "nothing has been pushed to the default branch yet. Missing:")
    lines += [""] + [f"- {render_finding_markdown(f)}" for f in findings] + [
        "",
        "Push the missing work to the default branch before the deadline. This reminder is "
        "sent once; it is closed when a later run finds everything in place.",
        "",
        "<sub>Sent by classroom-ops for the course staff. The deadline check judges what was "
        "pushed by the deadline, by the time GitHub received it.</sub>",
    ]
    return "\n".join(lines)


def _left(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours >= 48:
        return f"{hours // 24} days"
    if hours >= 1:
        return f"{hours} h"
    return f"{max(int(delta.total_seconds() // 60), 1)} min"


class Remind:
    def __init__(self, gh: GitHubAPI, course: Course, ledger: Ledger, *, now: datetime,
                 before: timedelta, teams: list[Team], milestones: list[Milestone],
                 dry_run: bool = False, log: Callable[[str], None] = lambda s: None,
                 starters: Starters | None = None):
        self.gh, self.course, self.ledger, self.now = gh, course, ledger, now
        self.before, self.teams, self.milestones = before, teams, milestones
        self.dry_run, self.log = dry_run, log
        self.tz = zone(course.timezone)
        self._blobs = Blobs(gh)
        # The deadline check's own starter judgment (checks/starter.py): an untouched starter
        # file is missing now exactly as it will be at the deadline.
        self.starters = starters

    def due_soon(self, team: Team) -> list[tuple[Milestone, datetime]]:
        """Milestones whose deadline for this team (extension included, grace not: students
        are told the deadline) falls within the window."""
        out = []
        for m in self.milestones:
            if not m.deliverables:
                continue  # nothing a push can fix (a meeting, a presentation)
            due = self.course.due_for(team, m)
            if self.now < due <= self.now + self.before:
                out.append((m, due))
        return out

    def expired(self, team: Team) -> list[tuple[Milestone, datetime, int]]:
        """Reminders still open whose deadline has passed: the deadline check takes over."""
        out = []
        by_id = {m.id: m for m in self.milestones}
        for e in self.ledger.events:
            if e.get("kind") != "reminded" or e.get("team") != team.slug or \
                    e.get("milestone") not in by_id or not e.get("issue"):
                continue
            due = datetime.fromisoformat(e["due"])
            if due <= self.now and not self._recorded(team.slug, e["milestone"], due,
                                                      "reminder_closed"):
                out.append((by_id[e["milestone"]], due, e["issue"]))
        return out

    def run(self) -> list[Reminder]:
        self.ledger.course, self.ledger.term, self.ledger.org = (
            self.course.name, self.course.term, self.course.org)
        work = [(t, self.due_soon(t), self.expired(t)) for t in self.teams]
        if not any(due or old for _, due, old in work):
            return []
        repos = self.gh.list_org_repos(self.course.org)
        out: list[Reminder] = []
        for team, due, old in work:
            if not (due or old):
                continue
            repo = repos.get(self.course.repo_for(team))
            try:
                if due:
                    out.extend(self._team(team, due, repo))
                for m, d, number in old if repo is not None else ():
                    self._close(repo, team, m, d, number, None)
                    out.append(Reminder(team.slug, m.id, d, "would-expire" if self.dry_run
                                        else "expired", issue=number))
            except StopRun:  # a rate limit or a missing permission stops the run
                raise
            except ClassroomOpsError as e:
                out.extend(Reminder(team.slug, m.id, d, "error", note=str(e)) for m, d in due)
            finally:
                if not self.dry_run:
                    self.ledger.save()
        return out

    # -- one team ---------------------------------------------------------------------------
    def _team(self, team: Team, due: list[tuple[Milestone, datetime]],
              repo: RepoInfo | None) -> list[Reminder]:
        if repo is None:
            note = f"repository {self.course.org}/{self.course.repo_for(team)} not found"
            return [Reminder(team.slug, m.id, d, "error", note=note) for m, d in due]
        ref = f"refs/heads/{repo.default_branch}"
        pushes = self.gh.list_pushes(repo.full_name, ref)
        head = latest(pushes, ref)
        trees: dict[str, list[TreeEntry]] = {}

        def read_tree(commit: str) -> list[TreeEntry]:
            if commit not in trees:
                trees[commit] = self.gh.get_tree(repo.full_name, commit)
            return trees[commit]
        tree: list[TreeEntry] = read_tree(head.commit) if head else []
        starter = team_starter(self.starters, self.course, team,
                               lambda: setup_trees(pushes, ref, team.members, read_tree),
                               self.ledger, self.dry_run)
        ours: dict[tuple[str, str], Issue] | None = None
        out = []
        for m, d in due:
            findings = judge_files(m, tree, self._blobs.fetcher(repo.full_name), starter)
            r = Reminder(team.slug, m.id, d, "ready", head.commit if head else None, findings)
            sent = self._recorded(team.slug, m.id, d)
            if not findings:
                if sent and sent.get("issue") and not self._recorded(team.slug, m.id, d,
                                                                     "reminder_closed"):
                    self._close(repo, team, m, d, sent["issue"], head.commit)
                    r.state = "would-close" if self.dry_run else "closed"
                    r.issue = sent["issue"]
                out.append(r)
                continue
            if sent:
                r.state, r.issue = "already", sent.get("issue")
                out.append(r)
                continue
            if self.dry_run:
                r.state = "would-remind"
                out.append(r)
                continue
            if ours is None:  # no record: GitHub's issues are the fallback, before any write
                ours = self._ours(repo.full_name)
            issue = ours.get((m.id, d.isoformat()))
            if issue is None:
                issue = self._open(repo, m, d, r)
                r.state = "reminded"
            else:
                r.state = "already"
            r.issue = issue.number
            self.ledger.event(kind="reminded", team=team.slug, milestone=m.id,
                              due=d.isoformat(), issue=issue.number, commit=r.commit,
                              at=self.now.isoformat())
            out.append(r)
        return out

    def _recorded(self, team: str, mid: str, due: datetime, kind: str = "reminded"):
        for e in reversed(self.ledger.events):
            if (e.get("kind") == kind and e.get("team") == team and e.get("milestone") == mid
                    and e.get("due") == due.isoformat()):
                return e
        return None

    def _ours(self, full: str) -> dict[tuple[str, str], Issue]:
        return find_marked(self.gh, full, LABEL, parse_marker)

    def _open(self, repo: RepoInfo, m: Milestone, due: datetime, r: Reminder) -> Issue:
        due_text = format_deadline(due, self.tz)
        body = reminder_body(m, due, due_text, _left(due - self.now), r.findings, r.commit,
                             f"{repo.html_url}/commit/{r.commit}")
        issue = self.gh.create_issue(
            repo.full_name, title=reminder_title(m, due_text), body=body, labels=[LABEL],
            assignees=[], probe=lambda: self._ours(repo.full_name).get((m.id, due.isoformat())))
        self.log(f"{r.team} {m.id}: reminded in issue #{issue.number}")
        return issue

    def _close(self, repo: RepoInfo, team: Team, m: Milestone, due: datetime, number: int,
               commit: str | None) -> None:
        """Close a reminder: the team is ready (`commit`), or the deadline has passed (None)."""
        if self.dry_run:
            return
        mark = f"<!-- classroom-ops:reminder-done milestone={m.id} due={due.isoformat()} -->"
        due_text = format_deadline(due, self.tz)
        if commit:
            text = (f"{mark}\nEverything for **{neutralize(m.title)}** is in place as of "
                    f"[`{commit[:7]}`]({repo.html_url}/commit/{commit}); closing this reminder. "
                    f"The deadline check still judges what is pushed by {due_text}.")
        else:
            text = (f"{mark}\nThe deadline, {due_text}, has passed: the deadline check judges "
                    "what was pushed by then, and opens an issue of its own if anything is "
                    "missing. Closing this reminder.")
        # After a crash between the comment and the close, the rerun must not comment twice.
        close_with_comment(self.gh, repo.full_name, number, text, mark,
                           reason="completed" if commit else "not_planned")
        self.ledger.event(kind="reminder_closed", team=team.slug,
                          milestone=m.id, due=due.isoformat(), issue=number,
                          at=self.now.isoformat())
