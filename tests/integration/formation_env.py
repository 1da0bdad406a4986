"""A registration period on the sandbox: a course with a class roster, its hub, and students
who open the issue form and comment, each with their own token through PyGithub."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from github import Auth, Github

from classroom_ops.formation.form import body_for

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
