"""The words of the issues opened in team repositories (pure).

A hidden marker in each body ties an issue to its milestone and to the findings it lists, so a
rerun finds its own issue and rewrites it only when the findings change.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ..model import Finding, Milestone
from ..rules import neutralize, render_finding_markdown

LABEL = "deliverable-missing"
_MARKER = re.compile(r"<!-- classroom-ops:issue milestone=([a-z0-9-]+) digest=([0-9a-f]+) -->")


def milestone_label(milestone_id: str) -> str:
    return f"milestone:{milestone_id}"


def marker(milestone_id: str, digest: str) -> str:
    return f"<!-- classroom-ops:issue milestone={milestone_id} digest={digest} -->"


def parse_marker(body: str) -> tuple[str, str] | None:
    m = _MARKER.search(body or "")
    return (m[1], m[2]) if m else None


def fixed_marker(milestone_id: str, commit: str) -> str:
    return f"<!-- classroom-ops:fixed milestone={milestone_id} commit={commit} -->"


def extended_marker(milestone_id: str, due_text: str) -> str:
    return f"<!-- classroom-ops:extended milestone={milestone_id} until={due_text} -->"


def extended_comment(milestone: Milestone, due_text: str) -> str:
    return "\n".join([
        extended_marker(milestone.id, due_text),
        f"The deadline for **{neutralize(milestone.title)}** was extended to {due_text}. Closing "
        "this issue: the check judges the milestone again once the new deadline has passed.",
    ])


def title(milestone: Milestone, due_text: str) -> str:
    return f"Missing deliverables: {milestone.title} (due {due_text})"


def body(milestone: Milestone, due_text: str, findings: list[Finding], commit: str | None,
         commit_url: str, pushed_text: str, digest: str, *, unassigned: list[str] = ()) -> str:
    lines = [marker(milestone.id, digest), ""]
    if commit:
        lines.append(
            f"The deadline for **{neutralize(milestone.title)}** was {due_text}. The course's "
            f"check looked at the commit that counts, [`{commit[:7]}`]({commit_url}) (the branch "
            f"head after the last push before the deadline, pushed {pushed_text}), and found:")
    else:
        lines.append(f"The deadline for **{neutralize(milestone.title)}** was {due_text}, and "
                     "nothing had been pushed to the default branch by then. Missing:")
    lines.append("")
    lines.extend(render_finding_markdown(f) for f in findings)  # each is one list item
    lines += [
        "",
        "Push a fix to the default branch: the check runs again, records when the fix was "
        "pushed, and closes this issue once everything is in place.",
    ]
    if unassigned:
        names = ", ".join(f"`{neutralize(x, 40)}`" for x in unassigned)
        lines += ["", f"Not assigned: {names}. GitHub assigns only people who have access to "
                  "this repository; accept the invitation to the organization to get it."]
    lines += [
        "",
        "<sub>Opened by classroom-ops for the course staff. Pushes are judged by the time "
        "GitHub received them, not by commit dates.</sub>",
    ]
    return "\n".join(lines)


def human_delta(delta: timedelta) -> str:
    secs = int(delta.total_seconds())
    if secs <= 0:
        return "on time"
    days, rem = divmod(secs, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    return " ".join(parts) or "under a minute"


def fixed_comment(milestone: Milestone, commit: str, commit_url: str, pushed: datetime,
                  pushed_text: str, late_by: timedelta, *, rules_changed: bool = False) -> str:
    if late_by.total_seconds() <= 0 and rules_changed:  # judged again under changed rules
        verdict = "it meets the milestone's rules as the course changed them. Recorded as on time"
    elif late_by.total_seconds() <= 0:  # judged again after the deadline moved (an extension)
        verdict = "before the team's deadline, which was extended. Recorded as on time"
    else:
        verdict = f"{human_delta(late_by)} after the deadline. Recorded as late"
    return "\n".join([
        fixed_marker(milestone.id, commit),
        f"Everything for **{neutralize(milestone.title)}** is in place as of "
        f"[`{commit[:7]}`]({commit_url}), pushed {pushed_text}: {verdict}; closing this issue.",
    ])
