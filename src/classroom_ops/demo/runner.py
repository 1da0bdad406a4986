"""Play a semester on the sandbox clock, through the same commands an instructor types.

Each team follows a pattern, so the outcome is known in advance (and tested):
  on-time     pushes good work a day before every deadline;
  fixer       pushes flawed work before the deadline, fixes it a day late;
  backdater   pushes a day late with commit dates set before the deadline (judged late);
  ghost       pushes nothing for the proposal and the midpoint, catches up on time afterwards;
  bad-pdf     pushes an unreadable PDF for the draft report and never fixes it;
  extension   (the team with an extension) pushes the proposal after the deadline, inside it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from .. import bundled
from ..config import load_course
from ..errors import ClassroomOpsError
from ..model import Course, Milestone, Team
from ..output import Reporter
from ..timeline import format_deadline, zone
from .content import flawed_files, good_files
from .gitwork import GitWork

PATTERNS = ["on-time", "fixer", "backdater", "ghost", "bad-pdf", "on-time"]


def pattern_for(course: Course, team: Team, index: int) -> str:
    if any(e.team == team.slug for e in course.extensions):
        return "extension"
    return PATTERNS[index % len(PATTERNS)]


def plan_push(pattern: str, m: Milestone) -> list[tuple[str, str]]:
    """(what, when) pushes for a milestone: what in good/flawed; when in before/after/late-
    backdated/extension."""
    if pattern == "on-time":
        return [("good", "before")]
    if pattern == "fixer":
        return [("flawed", "before"), ("good", "after")]
    if pattern == "backdater":
        return [("good", "backdated")]
    if pattern == "ghost":
        return [] if m.id in ("proposal", "midpoint") else [("good", "before")]
    if pattern == "bad-pdf":
        if any(d.paths[0].endswith(".pdf") for d in m.deliverables) and m.id == "draft-report":
            return [("flawed", "before")]
        return [("good", "before")]
    if pattern == "extension":
        return [("good", "extension")] if m.id == "proposal" else [("good", "before")]
    raise AssertionError(pattern)


@dataclass
class DemoResult:
    out_dir: Path
    teams: int
    pushes: int = 0
    requests: int = 0
    writes: int = 0
    issues_opened: int = 0
    issues_closed: int = 0
    statuses: dict = field(default_factory=dict)


def write_course(out: Path, teams: int) -> Path:
    """The example course with its first `teams` teams, pointing at the starter folder."""
    data = yaml.safe_load((bundled.example_course() / "classroom.yml").read_text(encoding="utf-8"))
    if not 1 <= teams <= len(data["teams"]):
        raise ClassroomOpsError(f"--teams must be between 1 and {len(data['teams'])}")
    data["teams"] = data["teams"][:teams]
    data["repos"]["template"] = str(bundled.starter_repo())
    path = out / "course" / "classroom.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


class Demo:
    def __init__(self, out: Path, teams: int, say=None):
        self.out = out
        self.say = say or Reporter().line
        self.config = write_course(out, teams)
        self.course = load_course(self.config)
        self.logs = out / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.result = DemoResult(out, teams)
        self.ledger = out / "ledger.json"

    # -- running the CLI in-process, its output into a log ------------------------------------
    def cli(self, name: str, *args: str) -> int:
        from ..cli import cli

        log = self.logs / f"{name}.log"
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            try:
                code = cli.main(args=["-c", str(self.config), "--api-url", self.api_url, *args],
                                prog_name="classroom-ops", standalone_mode=False)
            except ClassroomOpsError as e:
                buf.write("\n".join(e.lines()) + "\n")
                code = e.exit_code
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"$ classroom-ops {' '.join(args)}\n{buf.getvalue()}\n")
        if code not in (0, 1):
            raise ClassroomOpsError(f"demo: `classroom-ops {' '.join(args)}` exited {code}; "
                                    f"see {log}")
        return code or 0

    def run(self, sandbox) -> DemoResult:
        sb = self.sandbox = sandbox
        self.api_url = sb.api_url
        c = self.course
        students = [m for t in c.teams for m in t.members]
        tokens = sb.seed({"users": list(c.staff_members) + students,
                          "orgs": [{"login": c.org, "owners": list(c.staff_members[:1]),
                                    "members": list(c.staff_members[1:]) + students}]})
        for s in students:  # students accept the organization's invitation
            sb.accept_invitations(s)
        old_token = os.environ.get("GITHUB_TOKEN")
        os.environ["GITHUB_TOKEN"] = tokens[c.staff_members[0]]
        try:
            return self._semester(sb, tokens)
        finally:
            if old_token is None:
                os.environ.pop("GITHUB_TOKEN", None)
            else:
                os.environ["GITHUB_TOKEN"] = old_token

    def _semester(self, sb, tokens) -> DemoResult:
        c, say = self.course, self.say
        git = GitWork(sb.git_url, self.out / "work")
        start = datetime.combine(c.start, datetime.min.time(), UTC) + timedelta(hours=14)
        sb.set_clock(start)
        sb.clear_requests()
        self.cli("provision", "provision", "--yes")
        say(f"week 1: provisioned {len(c.teams)} team repositories in {c.org} from "
            f"templates/repo/ ({self._writes()} writes)")
        patterns = {t.slug: pattern_for(c, t, i) for i, t in enumerate(c.teams)}
        areas = list(c.areas)
        for m in c.milestones:
            due = m.due
            late_work = []
            for i, team in enumerate(c.teams):
                token = tokens[team.members[i % len(team.members)]]
                repo = f"{c.org}/{c.repo_for(team)}"
                share = i % 3 != 2
                for what, when in plan_push(patterns[team.slug], m):
                    files = (good_files(m, team, areas, share) if what == "good"
                             else flawed_files(m, team, areas))
                    if when == "before":
                        sb.set_clock(due - timedelta(days=1, minutes=i))
                        git.push(repo, token, files, f"{m.title}: {what} work")
                    elif when == "extension":
                        ext = c.due_for(team, m)
                        sb.set_clock(ext - timedelta(hours=2))
                        git.push(repo, token, files, f"{m.title} (extension)")
                    else:
                        late_work.append((repo, token, files, what, when))
            sb.set_clock(max(c.deadline_for(t, m) for t in c.teams) + timedelta(hours=1))
            self.cli(f"check-{m.id}", "check", "--ledger", str(self.ledger),
                     "--json", str(self.out / "reports" / f"check-{m.id}.json"))
            self._narrate(m)
            for repo, token, files, _what, when in late_work:
                sb.set_clock(due + timedelta(days=1, hours=3))
                backdate = (due - timedelta(days=2)).isoformat() if when == "backdated" else None
                git.push(repo, token, files, f"{m.title}: late work", date=backdate)
        sb.set_clock(c.milestones[-1].due + timedelta(days=3))
        self.cli("check-final", "check", "--ledger", str(self.ledger),
                 "--json", str(self.out / "reports" / "check-final.json"))
        self.result.pushes = git.pushes
        self._collect_and_status()
        self._totals()
        return self.result

    def _writes(self) -> int:
        return sum(1 for r in self.sandbox.requests() if r["method"] != "GET")

    def _narrate(self, m: Milestone) -> None:
        data = json.loads((self.out / "reports" / f"check-{m.id}.json").read_text())
        mine = [x for x in data["cells"] if x["milestone"] == m.id]
        counts: dict[str, int] = {}
        for x in mine:
            counts[x["status"]] = counts.get(x["status"], 0) + 1
        text = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts.items()))
        due = format_deadline(m.due, zone(self.course.timezone))
        self.say(f"{m.title} (due {due}), checked an hour after: {text}")

    def _collect_and_status(self) -> None:
        self.cli("collect", "collect", "--ledger", str(self.ledger), "-o",
                 str(self.out / "archive"))
        self.say(f"collected the final reports into {self.out / 'archive'} (gallery: "
                 f"{self.out / 'archive' / 'gallery' / 'index.internal-not-for-publication.html'})")
        self.cli("status", "status", "--ledger", str(self.ledger), "--html",
                 str(self.out / "dashboard.html"), "--json", str(self.out / "status.json"))
        self.say(f"dashboard: {self.out / 'dashboard.html'}")

    def _totals(self) -> None:
        ledger = json.loads(self.ledger.read_text())
        statuses: dict[str, int] = {}
        opened = closed = 0
        for ms in ledger["teams"].values():
            for e in ms.values():
                statuses[e["status"]] = statuses.get(e["status"], 0) + 1
                if e.get("issue"):
                    opened += 1
                    closed += e.get("issue_state") == "closed"
        reqs = self.sandbox.requests()
        self.result.statuses = statuses
        self.result.issues_opened, self.result.issues_closed = opened, closed
        self.result.requests = len(reqs)
        self.result.writes = sum(1 for r in reqs if r["method"] != "GET")


def prepare_output(out: Path) -> None:
    """Start from an empty output folder; refuse to wipe anything the demo did not write."""
    if out.exists() and any(out.iterdir()):
        if not (out / "course" / "classroom.yml").exists():
            raise ClassroomOpsError(f"{out} is not empty and was not written by the demo; "
                                    "choose another folder with -o")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
