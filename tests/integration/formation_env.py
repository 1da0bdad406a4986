"""A registration period on the sandbox: a course with a class roster, its hub, and students
who open the issue form and comment, each with their own token through PyGithub.

STAND-INS (remove when the sandbox has them): the sandbox cannot yet edit an issue comment
(`PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}`, GitHub's "Update an issue comment").
`_patch_comment` below adds that one route to the sandbox's route table for these tests only,
written from GitHub's documentation (the author, or anyone with push access, may edit; the
answer is the comment; `updated_at` moves). It must move into the sandbox (branch sb-people).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from github import Auth, Github

from classroom_ops.formation.form import body_for
from classroom_ops.sandbox import permissions, shapes
from classroom_ops.sandbox.clock import parse_time
from classroom_ops.sandbox.errors import ApiError, validation
from classroom_ops.sandbox.routing import ROUTER, Response, route
from classroom_ops.sandbox.state import level

_PATCH_PATTERN = "/repos/{owner}/{repo}/issues/comments/{cid}"
# GitHub's docs: "Update an issue comment" needs issues (or pull requests) write.
permissions.TABLE.setdefault(("PATCH", "/repos/{}/{}/issues/comments/{}"), permissions.ISSUES_W)
if ("PATCH", _PATCH_PATTERN) not in ROUTER.patterns:
    @route("PATCH", _PATCH_PATTERN)
    def _patch_comment(ctx, owner: str, repo: str, cid: str) -> Response:
        r = ctx.repo(owner, repo, need="pull", write=True)
        me = ctx.need_user()
        c = r["comments"].get(cid)
        if not c:
            raise ApiError(404)
        if c["user"].lower() != me["login"].lower() and level(ctx.perm(r)) < 3:
            raise ApiError(403, "Must have push access to edit another user's comment.")
        body = ctx.json().get("body")
        if not isinstance(body, str) or not body:
            raise validation("IssueComment", "body", "missing_field")
        c["body"] = body
        c["updated_at"] = ctx.now_iso()
        return Response(200, shapes.comment(ctx.base, ctx.state, r, c))


# Second stand-in: "List issue comments for a repository" (GET /repos/{owner}/{repo}/issues/
# comments: every comment of every issue, oldest first, paginated; `since` filters by update),
# so one sync reads the hub in a few pages instead of one request per registration. Put first:
# the sandbox's `/issues/{number}` would otherwise take `comments` for an issue number.
_LIST_PATTERN = "/repos/{owner}/{repo}/issues/comments"
permissions.TABLE.setdefault(("GET", "/repos/{}/{}/issues/comments"), permissions.ISSUES_R)
if ("GET", _LIST_PATTERN) not in ROUTER.patterns:
    def _list_comments(ctx, owner: str, repo: str) -> Response:
        r = ctx.repo(owner, repo)
        items = sorted(r["comments"].values(), key=lambda c: c["id"])
        since = ctx.time_arg("since")
        if since:
            items = [c for c in items if parse_time(c["updated_at"]) >= since]
        resp = ctx.paginate(items)
        resp.body = [shapes.comment(ctx.base, ctx.state, r, c) for c in resp.body]
        return resp

    route("GET", _LIST_PATTERN)(_list_comments)
    ROUTER.routes.insert(0, ROUTER.routes.pop())


AREAS = ["Training Efficiency", "Quantization", "Inference", "Data"]
STUDENTS = ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "hal", "ivy", "jun",
            "kofi", "lena", "mateo", "nora", "omar", "priya", "quinn", "rosa", "sam", "tara"]
STAFF = ["prof-lee", "ta-kim"]
# What the hub's workflow grants its job (team-registration.yml), as an App installation's.
WORKFLOW_TOKEN = {"issues": "write", "contents": "read"}

COURSE = """\
course:
  name: Deep Learning at Scale
  term: fall-2026
  org: dls
  timezone: America/New_York
  start: 2026-08-31
staff: {{team: staff, members: [prof-lee, ta-kim]}}
repos:
  template: {template}
  name: "final-{{team}}"
milestones:
  - id: team-formation
    title: Team Formation
    due: week 4
  - id: proposal
    title: Project Proposal
    due: week 6
    deliverables:
      - path: proposal.md
archive:
  milestone: proposal
  areas: [{areas}]
formation: {{repo: course-hub, size: 3, roster: roster.csv}}
"""


@dataclass
class HubEnv:
    sandbox: object
    dir: Path
    config: Path
    tokens: dict
    run_cli: object
    monkeypatch: object
    hub: str = "dls/course-hub"

    def gh(self, login: str) -> Github:
        return Github(base_url=self.sandbox.api_url, auth=Auth.Token(self.tokens[login]),
                      retry=None, seconds_between_requests=0, seconds_between_writes=0)

    def run(self, *args: str, as_user: str = "prof-lee"):
        self.monkeypatch.setenv("GITHUB_TOKEN", self.tokens[as_user])
        return self.run_cli(*args, "-c", str(self.config), "--api-url", self.sandbox.api_url)

    def register(self, author: str, name: str, mates: list[str], areas=("Quantization",),
                 other: str = "") -> int:
        repo = self.gh(author).get_repo(self.hub)
        issue = repo.create_issue(title=f"Team: {name}",
                                  body=body_for(name, mates, list(areas), AREAS, other),
                                  labels=["team registration"])
        return issue.number

    def say(self, login: str, number: int, text: str) -> None:
        self.gh(login).get_repo(self.hub).get_issue(number).create_comment(text)

    def issue(self, number: int, login: str = "prof-lee"):
        return self.gh(login).get_repo(self.hub).get_issue(number)

    def answers(self, number: int) -> list:
        return [c for c in self.issue(number).get_comments()
                if c.body.startswith("<!-- classroom-ops:team-registration ")]

    def team_labels(self, number: int) -> list[str]:
        return sorted(lb.name for lb in self.issue(number).labels if lb.name.startswith("team: "))

    def writes(self) -> list[dict]:
        return [r for r in self.sandbox.requests() if r["method"] != "GET"]


def write_course(tmp_path: Path, template: Path, students=STUDENTS, emails=()) -> Path:
    rows = ["login,email,name"] + [f"{s},,{s.title()}" for s in students] + \
        [f",{e},{e.split('@')[0]}" for e in emails]
    (tmp_path / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = tmp_path / "classroom.yml"
    config.write_text(COURSE.format(template=template, areas=", ".join(AREAS)))
    return config


def make_hub_by_hand(sandbox, tokens) -> None:
    """The hub as provision makes it (tested on its own): private, students team reads it."""
    owner = Github(base_url=sandbox.api_url, auth=Auth.Token(tokens["prof-lee"]), retry=None,
                   seconds_between_requests=0, seconds_between_writes=0)
    org = owner.get_organization("dls")
    repo = org.create_repo("course-hub", private=True, auto_init=True)
    team = org.create_team("students", privacy="closed")
    for s in STUDENTS:
        team.add_membership(owner.get_user(s))
    team.update_team_repository(repo, "pull")
    staff = org.create_team("staff", privacy="closed")
    for s in STAFF:
        staff.add_membership(owner.get_user(s))
    staff.update_team_repository(repo, "maintain")


def start(sandbox, when: str = "2026-09-01T12:00:00-04:00") -> None:
    sandbox.set_clock(datetime.fromisoformat(when), frozen=True)
