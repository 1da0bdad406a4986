"""`classroom-ops demo --formation`: the registration period (issue 15) on a small course.

Fourteen students on a class roster register their teams in the course hub as students do on
GitHub (the issue form's body, `/confirm` comments, with their own tokens over the project's
HTTP adapter); the hub's workflow is played by `teams sync` with an installation token that has
only the workflow's permissions. The outcome is fixed by the script (and tested):

  Sparse Squad   alice-ng registers bo-chen and carla-diaz; both confirm at once: confirmed.
  Dense Crew     dev-patel registers emma-wu and farid-khan; farid confirms two days later.
  Big Four       gia-rossi first names bo-chen (already in Sparse Squad: a problem), then edits
                 him out for jamal-reed; a team of 4 needs a TA's `/approve`, which comes.
  matched        kai-mueller and lea-martin are "looking for a team" (Training Efficiency);
                 mo-said never registers; `teams match --apply` makes them Matched Team 1.
  Night Owls     nia-brown names carla-diaz (already in Sparse Squad) and never fixes it: she
                 is in an open registration, so not matched, and in no confirmed team at closing.

Registration closes, `check` judges the team-formation milestone (nia-brown missing) and
`provision` creates exactly the four confirmed teams' repositories, each with its area.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import bundled
from ..adapter.client import GitHub
from ..config import load_course
from ..formation.form import body_for
from ..output import Reporter
from .runner import Demo, entry_point

AREAS = ["Training Efficiency", "Quantization", "Inference", "Data"]
STUDENTS = {
    "alice-ng": "Alice Ng", "bo-chen": "Bo Chen", "carla-diaz": "Carla Díaz",
    "dev-patel": "Dev Patel", "emma-wu": "Emma Wu", "farid-khan": "Farid Khan",
    "gia-rossi": "Gia Rossi", "hiro-tanaka": "Hiro Tanaka", "ines-lopez": "Inés López",
    "jamal-reed": "Jamal Reed", "kai-mueller": "Kai Müller", "lea-martin": "Léa Martin",
    "mo-said": "Mo Said", "nia-brown": "Nia Brown",
}
STAFF = ["prof-lee", "ta-kim"]
# What the hub's workflow grants its job (templates: team-registration.yml).
WORKFLOW_PERMISSIONS = {"issues": "write", "contents": "read"}

COURSE = """\
course:
  name: Deep Learning at Scale
  term: fall-2026
  org: dls-formation
  timezone: America/New_York
  start: 2026-08-31
staff: {{team: staff, members: [prof-lee, ta-kim]}}
repos:
  template: {template}
  name: "final-{{team}}"
milestones:
  - id: team-formation
    title: Team Formation
    due: week 2
  - id: proposal
    title: Project Proposal
    due: week 5
    deliverables:
      - path: proposal.md
archive:
  milestone: proposal
  areas: [{areas}]
formation: {{repo: course-hub, size: 3, roster: roster.csv}}
"""


def write_course(out: Path) -> Path:
    folder = out / "course"
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["login,email,name"] + [f"{login},,{name}" for login, name in STUDENTS.items()]
    (folder / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = folder / "classroom.yml"
    path.write_text(COURSE.format(template=bundled.starter_repo(), areas=", ".join(AREAS)),
                    encoding="utf-8")
    return path


class FormationDemo(Demo):
    def __init__(self, out: Path, say=None):  # noqa: D107 - the parent's, on its own course
        self.out = out
        self.say = say or Reporter().line
        self.config = write_course(out)
        self.course = load_course(self.config)
        self.logs = out / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.ledger = out / "ledger.json"
        self.main = entry_point()
        self.hub = f"{self.course.org}/course-hub"
        self.summary: dict = {}

    # -- students, on GitHub's issue page ----------------------------------------------------
    def _gh(self, login: str) -> GitHub:
        return GitHub(self.api_url, self.tokens[login], write_delay=0)

    def register(self, author: str, name: str, mates: list[str], areas: list[str]) -> int:
        issue = self._gh(author).create_issue(
            self.hub, title=f"Team: {name}", body=body_for(name, mates, areas, AREAS),
            labels=["team registration"], assignees=[], probe=lambda: None)
        return issue.number

    def edit(self, author: str, number: int, name: str, mates: list[str],
             areas: list[str]) -> None:
        self._gh(author).update_issue(self.hub, number, body=body_for(name, mates, areas, AREAS))

    def say_on(self, login: str, number: int, text: str) -> None:
        self.comment(login, self.hub, number, text)

    def workflow(self) -> None:
        """What the hub's workflow runs on each issue or comment event: `teams sync` with the
        hub's settings file and a fresh token holding only the job's permissions."""
        token = self.sandbox.create_installation(self.course.org, WORKFLOW_PERMISSIONS)
        self.cli("workflow", "teams", "sync", "--settings", str(self.settings), token=token)

    def status(self, name: str) -> dict:
        path = self.out / "reports" / f"{name}.json"
        self.cli(name, "teams", "status", "--json", str(path))
        return json.loads(path.read_text(encoding="utf-8"))

    # -- the registration period -------------------------------------------------------------
    def run(self, sandbox) -> dict:
        sb = self.sandbox = sandbox
        self.api_url = sb.api_url
        c, say = self.course, self.say
        self.tokens = sb.seed({"users": STAFF + list(STUDENTS),
                               "orgs": [{"login": c.org, "owners": STAFF[:1],
                                         "members": STAFF[1:]}]})
        start = datetime.combine(c.start, datetime.min.time(), UTC) + timedelta(hours=14)
        sb.set_clock(start, frozen=True)
        self.cli("provision", "provision", "--yes")
        for s in STUDENTS:
            sb.accept_invitations(s)
        data, _ = self._gh(STAFF[0]).get_file(self.hub, ".classroom-ops/formation.json")
        self.settings = self.out / "hub-formation.json"
        self.settings.write_bytes(data)
        say(f"day 1: provision made the private course hub {self.hub} and invited the "
            f"{len(STUDENTS)} students of roster.csv; they accept")

        sb.advance(timedelta(hours=2))
        sparse = self.register("alice-ng", "Sparse Squad", ["bo-chen", "carla-diaz"],
                               ["Quantization"])
        self.workflow()
        for s in ("bo-chen", "carla-diaz"):
            self.say_on(s, sparse, "/confirm")
        self.workflow()
        dense = self.register("dev-patel", "Dense Crew", ["emma-wu", "farid-khan"], ["Data"])
        self.say_on("emma-wu", dense, "/confirm")
        self.workflow()
        big = self.register("gia-rossi", "Big Four", ["hiro-tanaka", "ines-lopez", "bo-chen"],
                            ["Inference"])
        self.workflow()
        self.register("nia-brown", "Night Owls", ["carla-diaz"], ["Data"])
        self.workflow()
        for s in ("kai-mueller", "lea-martin"):
            self.register(s, "Looking for a team", [], ["Training Efficiency"])
            self.workflow()
        st = self.status("teams-status-day-1")
        say("day 1: registrations: " + ", ".join(
            f"{t['name']} ({t['state']})" for t in st["teams"]) +
            "; Big Four named bo-chen and Night Owls carla-diaz, already in Sparse Squad")

        sb.advance(timedelta(days=1))
        self.edit("gia-rossi", big, "Big Four", ["hiro-tanaka", "ines-lopez", "jamal-reed"],
                  ["Inference"])
        self.workflow()
        for s in ("hiro-tanaka", "ines-lopez", "jamal-reed"):
            self.say_on(s, big, "/confirm")
        self.workflow()
        self.say_on("ta-kim", big, "/approve")
        self.workflow()
        sb.advance(timedelta(days=1))
        self.say_on("farid-khan", dense, "/confirm")
        self.workflow()
        st = self.status("teams-status-day-3")
        state = {t["slug"]: t["state"] for t in st["teams"]}
        say(f"day 3: gia-rossi replaced bo-chen by jamal-reed, the four confirmed and ta-kim "
            f"approved the size: Big Four {state['big-four']}; farid-khan's /confirm: Dense "
            f"Crew {state['dense-crew']}; in no team yet: "
            f"{', '.join(st['unteamed']) or 'nobody'}")

        sb.advance(timedelta(days=1))
        self.cli("teams-match", "teams", "match")
        self.cli("teams-match", "teams", "match", "--apply")
        self.workflow()
        matched = next(t for t in self.status("teams-status-day-4")["teams"]
                       if t["slug"].startswith("matched-"))
        say(f"day 4: teams match --apply made {matched['name']} of the students in no "
            f"team: {', '.join(matched['members'])} (logs/teams-match.log)")

        closes = c.milestone("team-formation").due
        sb.set_clock(closes + timedelta(hours=1))
        self.workflow()
        st = self.status("teams-status-closed")
        self.cli("check", "check", "--ledger", str(self.ledger),
                 "--json", str(self.out / "reports" / "check.json"))
        say(f"registration closed; check: in no confirmed team: "
            f"{', '.join(st['missing']) or 'nobody'} (logs/check.log)")
        self.cli("provision-teams", "provision", "--yes")
        repos = sorted(n for n in self._gh(STAFF[0]).list_org_repos(c.org) if n != "course-hub")
        say(f"provision created the confirmed teams' repositories: {', '.join(repos)}")
        self.summary = {"teams": [{k: t[k] for k in ("name", "slug", "members", "state")}
                                  for t in st["teams"]],
                        "missing": st["missing"], "repos": repos,
                        "requests": len(sb.requests())}
        (self.out / "formation-summary.json").write_text(
            json.dumps(self.summary, indent=2) + "\n", encoding="utf-8")
        return self.summary
