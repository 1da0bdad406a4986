"""The tool's issues and comments in team repositories, one way for every feature that writes
them: the deadline check (checks/issues.py), reminders and meetings.

- An issue of ours is found by its label and the hidden marker in its body (`find_marked`);
  features that record issue numbers in the ledger look there first, and this is the fallback.
- A comment that must be said once (a fix noted, a reminder closed) carries a marker and is
  posted only when no comment holds it, also after a crash between posting and recording
  (`comment_once`).
- A comment kept up to date (meetings' answers) is one comment per issue, found by its marker
  and an author who is not a student (a student can paste a marker, not post as the tool), and
  edited only when its text changes (`keep_comment`): a rerun with nothing new writes nothing.
- Closing says why first (`close_with_comment`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from .adapter import GitHubAPI
from .ghdata import Comment, Issue

K = TypeVar("K")


def find_marked(gh: GitHubAPI, full_name: str, label: str, parse: Callable[[str], K | None],
                proven: Callable[[Issue], bool] = lambda issue: True) -> dict[K, Issue]:
    """Our issues with `label`, by what `parse` reads from their marker, among those `proven`
    ours (by author: a student can paste a marker, not open an issue as the tool); two issues
    with the same marker keep the older (lower number): the one a crashed run opened first. One
    listing."""
    found: dict[K, Issue] = {}
    for issue in gh.list_issues(full_name, labels=[label]):
        key = parse(issue.body)
        if key is not None and (key not in found or issue.number < found[key].number) \
                and proven(issue):
            found[key] = issue
    return found


def comment_once(gh: GitHubAPI, full_name: str, number: int, text: str, mark: str) -> bool:
    """Post `text` (which holds `mark`) unless a comment already holds `mark`. One listing of the
    issue's comments, and one POST when it is new. Returns whether it posted."""
    def said() -> Comment | None:  # also the probe after a failed POST: never said twice
        return next((c for c in gh.list_comments(full_name, number) if mark in c.body), None)

    if said() is not None:
        return False
    gh.create_comment(full_name, number, text, probe=said)
    return True


def close_with_comment(gh: GitHubAPI, full_name: str, number: int, text: str, mark: str, *,
                       reason: str) -> None:
    """Say why (once), then close with `reason` (completed or not_planned)."""
    comment_once(gh, full_name, number, text, mark)
    gh.update_issue(full_name, number, state="closed", state_reason=reason)


def kept_comment(comments: Iterable[Comment], mark: str, students: set[str]) -> Comment | None:
    """Our comment holding `mark` among `comments`: the first whose author is no student."""
    for c in comments:
        if mark in c.body and c.author.lower() not in students:
            return c
    return None


def keep_comment(gh: GitHubAPI, full_name: str, number: int, comments: list[Comment], mark: str,
                 body: str, students: set[str]) -> Comment:
    """The one comment of ours holding `mark` says `body`: posted when there is none (never
    twice: a failed POST is looked for before it is retried), edited when it says something
    else, left alone when it already says it. `comments` are the issue's comments as read."""
    ours = kept_comment(comments, mark, students)
    if ours is None:
        def probe() -> Comment | None:
            return kept_comment(gh.list_comments(full_name, number), mark, students)

        return gh.create_comment(full_name, number, body, probe=probe)
    if ours.body != body:
        return gh.update_comment(full_name, ours.id, body)
    return ours
