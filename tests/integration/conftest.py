"""A fresh sandbox per test, and a small course provisioned against it through the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from github import Auth, Github

from classroom_ops.commands.sandbox_cmd import seed_for
from classroom_ops.config import load_course
from classroom_ops.sandbox import Sandbox
from support import ROOT

COURSE = """\
course:
  name: Deep Learning at Scale
  term: fall-2026
  org: dls
  timezone: America/New_York
  start: 2026-08-31
staff:
  team: staff
  members: [prof-lee, ta-kim]
repos:
  template: {template}
  name: "final-{{team}}"
  private: true
  permission: push
teams:
  - {{name: Sparse Squad, members: [alice, bob, carol]}}
  - {{name: Dense Crew, members: [dave, erin, frank]}}
  - {{name: KV Cachers, members: [gina, hal, ivy]}}
milestones:
  - id: proposal
    title: Project Proposal
    due: week 6
    deliverables:
      - path: proposal.md
        sections: [Problem Statement, Motivation, Related Work, Approach, Evaluation, Resources]
        min_words: 250
        max_words: 800
  - id: final-report
    title: Final Report
    due: 2026-12-11 23:59
    deliverables:
      - path: report/final.pdf
        max_pages: 8
policy:
  grace: 15m
archive:
  milestone: final-report
  include: [report/final.pdf, README.md]
  areas: [Training Efficiency, Quantization]
"""


@dataclass
class CourseEnv:
    sandbox: Sandbox
    dir: Path
    config: Path
    tokens: dict
    run_cli: object
    monkeypatch: object

    def run(self, *args: str, as_user: str = "prof-lee"):
        self.monkeypatch.setenv("GITHUB_TOKEN", self.tokens[as_user])
        return self.run_cli(*args, "-c", str(self.config), "--api-url", self.sandbox.api_url)

    def gh(self, login: str = "prof-lee") -> Github:
        return Github(base_url=self.sandbox.api_url, auth=Auth.Token(self.tokens[login]),
                      retry=None, seconds_between_requests=0, seconds_between_writes=0)

    def students(self) -> list[str]:
        return [m for t in self.course().teams for m in t.members]

    def join(self, *logins: str) -> None:
        """What students do after provisioning: accept the organization's e-mail invitation
        (every student of the course when no login is given)."""
        for login in logins or self.students():
            self.sandbox.accept_invitations(login)

    def writes(self) -> list[dict]:
        return [r for r in self.sandbox.requests() if r["method"] != "GET"]

    def course(self):
        return load_course(self.config)


@pytest.fixture
def sandbox():
    # These tests provision whole courses under a clock that barely moves (or is frozen): GitHub's
    # content-creation limit (80 a minute) would refuse them; tests/sandbox checks that limit.
    with Sandbox(content_limit=False) as sb:
        yield sb


def make_course_env(sandbox, tmp_path, run_cli, monkeypatch, template=None,
                    profile: str = "github.com") -> CourseEnv:
    config = tmp_path / "classroom.yml"
    config.write_text(COURSE.format(template=template or (ROOT / "templates" / "repo")))
    tokens = sandbox.seed(seed_for(load_course(config), profile))
    return CourseEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)


@pytest.fixture
def course_env(sandbox, tmp_path, run_cli, monkeypatch) -> CourseEnv:
    return make_course_env(sandbox, tmp_path, run_cli, monkeypatch)


@pytest.fixture
def semester(course_env, tmp_path):
    """A course provisioned at the start of term on the sandbox clock, with a folder for the
    students' clones."""
    from datetime import datetime

    course_env.sandbox.set_clock(datetime.fromisoformat("2026-09-01T12:00:00-04:00"))
    assert course_env.run("provision", "--yes").code == 0
    course_env.join()  # the students accept their invitations in the first days
    course_env.work = tmp_path / "work"
    course_env.work.mkdir()
    return course_env
