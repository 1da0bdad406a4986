"""Play a semester on the sandbox clock, through the same commands an instructor types.

Each team follows a pattern, so the outcome is known in advance (and tested):
  on-time     pushes good work a day before every deadline;
  fixer       pushes flawed work before the deadline, fixes it a day late;
  backdater   pushes a day late with commit dates set before the deadline (judged late);
  ghost       pushes nothing for the proposal and the midpoint, catches up on time afterwards;
  bad-pdf     pushes an unreadable PDF for the draft report and never fixes it;
  extension   (the team with an extension) pushes the proposal after the deadline, inside it.

The midpoint check-in is a meeting and the presentation a presentation: teams book a slot in
their booking issue (`/book N`; for the midpoint the first two teams race for slot 1), staff
answer `/met` or `/presented`; the fixer is signed off late from the command line, the ghost
never books the midpoint (missing). Students join the organization when they accept
its invitation: most at once, two a few days later, one never (a teammate pushes).

Every command runs as an instructor types it: `classroom-ops ...` through the console entry
point (click's CliRunner isolation), never by importing the commands (issue 18).
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from click.testing import CliRunner

from .. import bundled
from ..adapter.client import GitHub
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


# Who joins the organization late (3 days after provisioning) and who never does: never the
# teammate who pushes for the team (team i's pusher is members[i % 3]).
LATE_JOINERS = {"kofi-mensah", "lena-vogt"}
NEVER_JOINS = "grace-ho"


def pusher(team: Team, index: int) -> str:
    return team.members[index % len(team.members)]


def meeting_plan(pattern: str, m: Milestone) -> str:
    """How a team's meeting or presentation goes: met (staff's /met or /presented before the
    deadline), cli-late (signed off from the command line after the deadline), none (never
    books: missing; the ghost skips the midpoint check-in)."""
    if pattern == "ghost" and m.kind == "meeting":
        return "none"
    return "cli-late" if pattern == "fixer" else "met"


def plan_push(pattern: str, m: Milestone) -> list[tuple[str, str]]:
    """(what, when) pushes for a milestone: what in good/flawed; when in before/after/late-
    backdated/extension."""
    if m.signed_off:
        return []
    if pattern == "on-time":
        return [("good", "before")]
    if pattern == "fixer":
        return [("flawed", "before"), ("good", "after")]
    if pattern == "backdater":
        return [("good", "backdated")]
    if pattern == "ghost":
        return [] if m.id == "proposal" else [("good", "before")]
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
    """The example course with its first `teams` teams (its roster's rows for them), pointing
    at the starter folder."""
    example = bundled.example_course()
    data = yaml.safe_load((example / "classroom.yml").read_text(encoding="utf-8"))
    with open(example / data["roster"], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = list(dict.fromkeys(r["team"] for r in rows))
    if not 1 <= teams <= len(names):
        raise ClassroomOpsError(f"--teams must be between 1 and {len(names)}")
    data["repos"]["template"] = str(bundled.starter_repo())
    path = out / "course" / "classroom.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / data["roster"], "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(r for r in rows if r["team"] in names[:teams])
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def entry_point():
    """The `classroom-ops` console script, as installed: what a shell runs."""
    from importlib.metadata import entry_points

    [ep] = entry_points(group="console_scripts", name="classroom-ops")
    return ep.load()


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
        self.main = entry_point()

    # -- the CLI as a user runs it, its output into a log ----------------------------------
    def cli(self, name: str, *args: str, as_user: str | None = None,
            token: str | None = None) -> int:
        """`classroom-ops -c COURSE --api-url URL ARGS` with GITHUB_TOKEN of `as_user` (the
        professor by default; or `token`), through the console entry point in click's isolation: its own
        environment, stdout and stderr, and exit code."""
        token = token or self.tokens[as_user or self.course.staff_members[0]]
        argv = ["-c", str(self.config), "--api-url", self.api_url, *args]
        code = 0
        with CliRunner().isolation(env={"GITHUB_TOKEN": token}) as (out, err, *_):
            try:
                self.main(argv)
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            text = out.getvalue().decode() + err.getvalue().decode()
        log = self.logs / f"{name}.log"
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"$ classroom-ops {' '.join(args)}\n{text}\n")
        if code not in (0, 1):
            raise ClassroomOpsError(f"demo: `classroom-ops {' '.join(args)}` exited {code}; "
                                    f"see {log}")
        return code

    def comment(self, login: str, repo: str, number: int, text: str) -> None:
        """`login` comments on an issue, as on GitHub's issue page, with their own token (over
        the project's HTTP adapter: only it talks to GitHub)."""
        gh = GitHub(self.api_url, self.tokens[login], write_delay=0)
        gh.create_comment(repo, number, text, probe=lambda: next(
            (c for c in gh.list_comments(repo, number) if c.body == text), None))

    def run(self, sandbox) -> DemoResult:
        sb = self.sandbox = sandbox
        self.api_url = sb.api_url
        c = self.course
        students = [m for t in c.teams for m in t.members]
        # Students are GitHub users, not yet in the organization: provision invites them.
        self.tokens = sb.seed({"users": list(c.staff_members) + students,
                               "orgs": [{"login": c.org, "owners": list(c.staff_members[:1]),
                                         "members": list(c.staff_members[1:])}]})
        return self._semester(sb)

    def _semester(self, sb) -> DemoResult:
        c, say = self.course, self.say
        git = GitWork(sb.git_url, self.out / "work")
        start = datetime.combine(c.start, datetime.min.time(), UTC) + timedelta(hours=14)
        sb.set_clock(start)
        sb.clear_requests()
        self.cli("provision", "provision", "--yes")
        say(f"week 1: provisioned {len(c.teams)} team repositories in {c.org} from "
            f"templates/repo/ ({self._writes()} writes); students are invited")
        students = [m for t in c.teams for m in t.members]
        late = [s for s in students if s in LATE_JOINERS]
        never = [s for s in students if s == NEVER_JOINS]
        for s in students:
            if s not in LATE_JOINERS and s != NEVER_JOINS:
                sb.accept_invitations(s)
        sb.set_clock(start + timedelta(days=3))
        for s in late:
            sb.accept_invitations(s)
        self.cli("provision-rerun", "provision", "--yes")
        say(f"week 1: {len(students) - len(late) - len(never)} students accepted at once, "
            f"{len(late)} three days later ({', '.join(late) or 'none'}), "
            f"{len(never)} never ({', '.join(never) or 'none'}); provision rerun: logs/"
            "provision-rerun.log")
        patterns = {t.slug: pattern_for(c, t, i) for i, t in enumerate(c.teams)}
        areas = list(c.areas)
        for m in c.milestones:
            if m.signed_off:
                self._meeting(m, patterns)
                continue
            due = m.due
            late_work = []
            for i, team in enumerate(c.teams):
                who = pusher(team, i)
                repo = f"{c.org}/{c.repo_for(team)}"
                share = i % 3 != 2
                for what, when in plan_push(patterns[team.slug], m):
                    files = (good_files(m, team, areas, share) if what == "good"
                             else flawed_files(m, team, areas))
                    if when == "before":
                        sb.set_clock(due - timedelta(days=1, minutes=i))
                        git.push(repo, self.tokens[who], files, f"{m.title}: {what} work")
                    elif when == "extension":
                        ext = c.due_for(team, m)
                        sb.set_clock(ext - timedelta(hours=2))
                        git.push(repo, self.tokens[who], files, f"{m.title} (extension)")
                    else:
                        late_work.append((repo, self.tokens[who], files, what, when))
            if m.id == "proposal":
                sb.set_clock(due - timedelta(hours=12))
                self.cli("remind", "remind", "--before", "48h", "--ledger", str(self.ledger),
                         "--json", str(self.out / "reports" / "remind-proposal.json"))
                self._narrate_remind()
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
        self.cli("meetings", "meetings", "sync", "--ledger", str(self.ledger),
                 "--ics", str(self.out / "meetings.ics"))
        say(f"calendar of every booked slot: {self.out / 'meetings.ics'}")
        self._collect_and_status()
        self._grades()
        self._totals()
        return self.result

    # -- the midpoint meeting ----------------------------------------------------------------
    def _meeting(self, m: Milestone, patterns: dict[str, str]) -> None:
        c, sb, say = self.course, self.sandbox, self.say
        sync = ("meetings", "sync", "--milestone", m.id, "--ledger", str(self.ledger))
        opens = m.opens or m.due - timedelta(days=14)
        sb.set_clock(opens + timedelta(hours=10))
        self.cli(f"meetings-{m.id}", *sync)
        issues = {t.slug: self._booking_issue(t, i, m) for i, t in enumerate(c.teams)}
        say(f"{m.title}: {len(issues)} booking issues opened "
            f"(due {format_deadline(m.due, zone(c.timezone))})")
        # Two teams ask for slot 1 one second apart; the others book slots of their own.
        booked: dict[str, int] = {}
        racers = ([t for t in c.teams if meeting_plan(patterns[t.slug], m) != "none"][:2]
                  if m.kind == "meeting" else [])
        next_slot = 2 if racers else 1
        sb.set_clock(opens + timedelta(days=1))
        for team in c.teams:
            if meeting_plan(patterns[team.slug], m) == "none":
                continue
            if team in racers:
                slot = 1
                sb.set_clock(opens + timedelta(days=1, seconds=racers.index(team)))
            else:
                slot, next_slot = next_slot, next_slot + 1
            self._say_in(team, issues, pusher(team, c.teams.index(team)), f"/book {slot}")
            booked[team.slug] = slot
        self.cli(f"meetings-{m.id}", *sync)
        if len(racers) == 2:  # the loser books the next free slot
            loser = racers[1].slug
            sb.set_clock(opens + timedelta(days=1, hours=2))
            loser_team = racers[1]
            self._say_in(loser_team, issues, pusher(loser_team, c.teams.index(loser_team)),
                         f"/book {next_slot}")
            booked[loser] = next_slot
            self.cli(f"meetings-{m.id}", *sync)
            say(f"{m.title}: {racers[0].slug} and {loser} both asked for slot 1 within a "
                f"second; {racers[0].slug} got it, {loser} booked slot {next_slot}")
        # The meetings happen; who holds each slot writes /met (/presented) on the team's issue.
        word = "/met good progress" if m.kind == "meeting" else "/presented clear talk"
        for team in c.teams:
            if meeting_plan(patterns[team.slug], m) != "met":
                continue
            slot = m.slots[booked[team.slug] - 1]
            sb.set_clock(max(sb.now(), slot.at + timedelta(minutes=30)))
            staff = (slot.staff or c.staff_members[1:2])[0]
            self._say_in(team, issues, staff, word)
        sb.set_clock(max(c.deadline_for(t, m) for t in c.teams) + timedelta(hours=1))
        self.cli(f"meetings-{m.id}", *sync)
        # The fixer's meeting is moved past the deadline: the professor signs it off by hand.
        for team in c.teams:
            if meeting_plan(patterns[team.slug], m) == "cli-late":
                sb.set_clock(c.deadline_for(team, m) + timedelta(days=2))
                self.cli(f"signoff-{m.id}", "signoff", "--team", team.slug, "--milestone", m.id,
                         "--ledger", str(self.ledger), "--note", "met on Monday")
        self.cli(f"meetings-{m.id}", *sync, "--json",
                 str(self.out / "reports" / f"meetings-{m.id}.json"))
        self.cli(f"check-{m.id}", "check", "--ledger", str(self.ledger), "--milestone", m.id,
                 "--json", str(self.out / "reports" / f"check-{m.id}.json"))
        self._narrate(m, "after the sign-offs")

    def _booking_issue(self, team: Team, index: int, m: Milestone) -> int:
        """The number of the team's booking issue, found as a student finds it: the open
        `booking` issue titled for the milestone."""
        gh = GitHub(self.api_url, self.tokens[pusher(team, index)], write_delay=0)
        [number] = [i.number for i in gh.list_issues(
                        f"{self.course.org}/{self.course.repo_for(team)}", labels=["booking"],
                        state="open")
                    if i.title.startswith(f"Book your {m.title} ")]
        return number

    def _say_in(self, team: Team, issues: dict[str, int], login: str, text: str) -> None:
        self.comment(login, f"{self.course.org}/{self.course.repo_for(team)}",
                     issues[team.slug], text)

    def _narrate_remind(self) -> None:
        data = json.loads((self.out / "reports" / "remind-proposal.json").read_text())
        told = [r["team"] for r in data["reminders"] if r["state"] == "reminded"]
        self.say(f"remind --before 48h, 12 h before the proposal deadline: reminded "
                 f"{', '.join(told) or 'nobody'}")

    def _grades(self) -> None:
        self.cli("grades", "grades", "-o", str(self.out / "grades.csv"),
                 "--ledger", str(self.ledger))
        self.cli("grades", "grades", "-o", str(self.out / "grades.md"), "--format", "markdown",
                 "--ledger", str(self.ledger))
        self.say(f"grades: {self.out / 'grades.csv'} (late work: 10% off per started day), "
                 f"{self.out / 'grades.md'}")

    def _writes(self) -> int:
        return sum(1 for r in self.sandbox.requests() if r["method"] != "GET")

    def _narrate(self, m: Milestone, when: str = "an hour after") -> None:
        data = json.loads((self.out / "reports" / f"check-{m.id}.json").read_text())
        mine = [x for x in data["cells"] if x["milestone"] == m.id]
        counts: dict[str, int] = {}
        for x in mine:
            counts[x["status"]] = counts.get(x["status"], 0) + 1
        text = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts.items()))
        due = format_deadline(m.due, zone(self.course.timezone))
        self.say(f"{m.title} (due {due}), checked {when}: {text}")

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
        meetings = {m.id for m in self.course.milestones if m.signed_off}
        for ms in ledger["teams"].values():
            for mid, e in ms.items():
                statuses[e["status"]] = statuses.get(e["status"], 0) + 1
                if e.get("issue") and mid not in meetings:  # a meeting's is its booking issue
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
