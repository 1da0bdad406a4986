"""The team's issue for a milestone: open it, keep it true, close it once the work is in.

Which issue is the tool's is decided by what the tool recorded, never by what a student can
copy: the ledger keeps the number of every issue the tool opened (and the login that opened
them). An issue is adopted without a recorded number only when it carries the hidden marker
*and* was opened by that login (a student cannot open an issue as someone else), which covers a
run killed between opening an issue and saving the ledger. So a student's issue with a copied
marker is ignored, and the tool's own issue is still found after a student strips its marker or
its labels (both are put back).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..errors import GitHubError
from ..ghdata import Issue
from ..model import Finding, Milestone
from ..team_issues import close_with_comment, comment_once
from ..timeline import format_deadline
from . import issue_text
from .judge import digest
from .ledger import Entry

if TYPE_CHECKING:
    from .org import OrgCheck, _TeamCtx


class IssueKeeper:
    def __init__(self, check: OrgCheck, me: str):
        self.c = check
        self.me = me  # the token's user ("" for an App token: learnt from its first issue)

    @property
    def gh(self):
        return self.c.gh

    # -- finding the tool's issues ------------------------------------------------------------
    def _proven(self, issue: Issue) -> bool:
        who = {x.lower() for x in (self.me, self.c.ledger.issuer) if x}
        return bool(issue.author) and issue.author.lower() in who

    def ours(self, ctx: _TeamCtx, *, fresh: bool = False) -> dict[str, Issue]:
        """The tool's issue per milestone in the team's repository (one listing per team)."""
        if ctx.issues is not None and not fresh:
            return ctx.issues
        slug, full = ctx.team.slug, ctx.repo.full_name
        # Only issues the tool's login opened (whatever their labels: students can remove
        # ours), so a flood of student issues costs nothing.
        listing = self.gh.list_issues(full, creator=self.c.ledger.issuer or self.me or None)
        by_number = {i.number: i for i in listing}
        known = dict(self.c.ledger.issues.get(slug, {}))
        for mid, e in self.c.ledger.teams.get(slug, {}).items():
            if e.issue:  # a ledger written before issue numbers were kept apart
                known.setdefault(mid, e.issue)
        for n in sorted(set(known.values()) - set(by_number)):
            issue = self.gh.get_issue(full, n)  # opened with another login (a TA's token)
            if issue is not None:
                by_number[n] = issue
        found = {mid: by_number[n] for mid, n in known.items() if n in by_number}
        for issue in sorted(listing, key=lambda i: i.number):
            mk = issue_text.parse_marker(issue.body)
            if mk and mk[0] not in found and self._proven(issue):
                found[mk[0]] = issue
        ctx.issues = found
        return found

    # -- keeping it true ----------------------------------------------------------------------
    def sync(self, ctx: _TeamCtx, m: Milestone, entry: Entry) -> None:
        if entry.status == "excused" or (entry.status == "on_time" and not entry.issue):
            return
        if entry.status in ("late", "on_time"):
            self._fixed(ctx, m, entry)
        else:
            self._missing(ctx, m, entry)

    def _texts(self, ctx: _TeamCtx, m: Milestone, entry: Entry):
        due_text = format_deadline(self.c.course.due_for(ctx.team, m), self.c.tz)
        findings = [Finding(f["path"], f["rule"], f["message"], line=f.get("line"),
                            milestone=m.id) for f in entry.findings]
        dig = digest(findings)
        pushed_text = (format_deadline(datetime.fromisoformat(entry.pushed_at), self.c.tz)
                       if entry.pushed_at else "")

        def body(unassigned: list[str]) -> str:
            return issue_text.body(m, due_text, findings, entry.commit,
                                   f"{ctx.repo.html_url}/commit/{entry.commit}", pushed_text, dig,
                                   unassigned=unassigned)
        return issue_text.title(m, due_text), body, dig

    def _missing(self, ctx: _TeamCtx, m: Milestone, entry: Entry) -> None:
        full = ctx.repo.full_name
        title, body, dig = self._texts(ctx, m, entry)
        issue = self.ours(ctx).get(m.id)
        if issue is None:
            issue = self._create(ctx, m, title, body)
        else:
            fields: dict = {}
            mk = issue_text.parse_marker(issue.body)
            assigned = {a.lower() for a in issue.assignees}
            unassigned = [x for x in ctx.team.members if x.lower() not in assigned]
            joined = self._joined(ctx, unassigned)
            if joined:  # invited when the issue opened, in the organization now
                fields["assignees"] = list(issue.assignees) + joined
                unassigned = [x for x in unassigned if x not in joined]
            if mk != (m.id, dig) or issue.state != "open" or joined:
                fields.update(title=title, body=body(unassigned), state="open")
            labels = self._labels(m, issue)
            if labels is not None:
                fields["labels"] = labels
            if fields:
                issue = self.gh.update_issue(full, issue.number, **fields)
                ctx.issues[m.id] = issue
        self.c.ledger.record_issue(ctx.team.slug, m.id, issue.number)
        entry.issue, entry.issue_digest, entry.issue_state = issue.number, dig, "open"

    def _joined(self, ctx: _TeamCtx, unassigned: list[str]) -> list[str]:
        """Members the open issue does not name as assignees who GitHub now accepts (they
        accepted the invitation since): one read of the repository's assignable users, only for
        a team whose issue lacks someone, at most once per team and run."""
        if not unassigned:
            return []
        if ctx.assignable is None:
            ctx.assignable = {x.lower() for x in self.gh.list_assignees(ctx.repo.full_name)}
        return [x for x in unassigned if x.lower() in ctx.assignable]

    @staticmethod
    def _labels(m: Milestone, issue: Issue) -> list[str] | None:
        """The issue's labels with ours put back, or None when none is missing."""
        want = [issue_text.LABEL, issue_text.milestone_label(m.id)]
        have = list(issue.labels)
        if all(w in have for w in want):
            return None
        return have + [w for w in want if w not in have]

    def _create(self, ctx: _TeamCtx, m: Milestone, title: str, body) -> Issue:
        """Open the issue, assigned to every member GitHub accepts: a student who has not
        accepted the invitation yet cannot be assigned, and GitHub then refuses the whole
        issue (422, nothing created); it is opened again with the others, naming the rest."""
        full = ctx.repo.full_name
        labels = [issue_text.LABEL, issue_text.milestone_label(m.id)]
        members = list(ctx.team.members)

        def probe():
            return self.ours(ctx, fresh=True).get(m.id)

        def create(assignees: list[str]) -> Issue:
            return self.gh.create_issue(
                full, title=title, body=body([x for x in members if x not in assignees]),
                labels=labels, assignees=assignees, probe=probe)

        if ctx.assignable is not None:  # learnt from an earlier refusal in this run
            issue = create([x for x in members if x.lower() in ctx.assignable])
        else:
            try:
                issue = create(members)
            except GitHubError as e:
                if e.status != 422 or "assignee" not in str(e).lower():
                    raise
                ctx.assignable = {x.lower() for x in self.gh.list_assignees(full)}
                issue = create([x for x in members if x.lower() in ctx.assignable])
        if ctx.issues is None:
            ctx.issues = {}
        ctx.issues[m.id] = issue
        self.c.ledger.record_issue(ctx.team.slug, m.id, issue.number)
        if not self.c.ledger.issuer and issue.author:
            self.c.ledger.issuer = issue.author
        self.c.log(f"{ctx.team.slug} {m.id}: opened issue #{issue.number}")
        return issue

    def _fixed(self, ctx: _TeamCtx, m: Milestone, entry: Entry) -> None:
        """Fixed late, or on time after all (the deadline moved): say so once, and close."""
        if entry.issue_state == "closed":
            return  # the tool closed it after saying so
        full = ctx.repo.full_name
        late = entry.status == "late"
        commit = entry.late_commit if late else entry.commit
        issue = self.ours(ctx).get(m.id)
        if issue is None:
            if not late or entry.issue or self.c.ledger.issue_of(ctx.team.slug, m.id):
                entry.issue_state = "closed" if entry.issue else entry.issue_state
                return
            # Fixed late before any check saw it missing: the team still hears it was late.
            title, body, dig = self._texts(ctx, m, entry)
            issue = self._create(ctx, m, title, body)
            entry.issue_digest = dig
        if entry.fixed_noted != commit:
            pushed = datetime.fromisoformat(entry.late_pushed_at if late else entry.pushed_at)
            text = issue_text.fixed_comment(
                m, commit, f"{ctx.repo.html_url}/commit/{commit}", pushed,
                format_deadline(pushed, self.c.tz),
                timedelta(seconds=entry.late_by_seconds or 0) if late else timedelta(0),
                rules_changed="rules changed" in entry.note)
            mark = issue_text.fixed_marker(m.id, commit)
            # Also when students closed the issue before fixing: the comment is the record.
            comment_once(self.gh, full, issue.number, text, mark)
            entry.fixed_noted = commit
        if issue.state != "closed":
            self.gh.update_issue(full, issue.number, state="closed", state_reason="completed")
        entry.issue, entry.issue_state = issue.number, "closed"

    def withdraw(self, ctx: _TeamCtx, m: Milestone, due_text: str) -> None:
        full = ctx.repo.full_name
        issue = self.ours(ctx).get(m.id)
        if issue is not None and issue.state == "open":
            close_with_comment(self.gh, full, issue.number,
                               issue_text.extended_comment(m, due_text),
                               issue_text.extended_marker(m.id, due_text), reason="not_planned")
