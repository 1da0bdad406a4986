"""Meetings end to end on the sandbox: booking issues, two teams racing for one slot, staff's
sign-off (and students' refused), the command-line sign-off, missing after the deadline, the
calendar, and `check --json` showing the meeting like any milestone."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from github import UnknownObjectException

pytestmark = pytest.mark.integration

MIDPOINT = """\
  - id: midpoint
    title: Midpoint Check-in
    kind: meeting
    due: 2026-10-30 17:00
    slots:
      - {at: "2026-10-26 10:00", length: 30m, where: "Room 3.14", staff: [ta-kim]}
      - {at: "2026-10-26 10:30", length: 30m, where: "https://meet.example/dls", staff: [prof-lee]}
      - {at: "2026-10-27 14:00", length: 45m, where: "Room 3.14", staff: [ta-kim, prof-lee]}
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def course(semester):
    text = semester.config.read_text()
    text = text.replace("  - id: final-report\n", MIDPOINT + "  - id: final-report\n")
    semester.config.write_text(text)
    return semester


def sync(env, *args, as_user="prof-lee"):
    return env.run("meetings", "sync", "--ledger", str(env.dir / "ledger.json"),
                   "--json", str(env.dir / "meetings.json"), *args, as_user=as_user)


def states(env) -> dict:
    data = json.loads((env.dir / "meetings.json").read_text())
    return {m["team"]: m for m in data["meetings"]}


def booking(env, team, login="prof-lee"):
    repo = env.gh(login).get_repo(f"dls/final-{team}")
    [issue] = [i for i in repo.get_issues(state="all")
               if "booking" in [lb.name for lb in i.labels]]
    return issue


def say(env, login, team, body):
    env.sandbox.accept_invitations(login)  # as a student does before taking part
    return booking(env, team, login).create_comment(body)


def answers(issue) -> list[str]:
    """The answers in the tool's one answers comment (there is exactly one, kept up to date)."""
    ours = [c.body for c in issue.get_comments()
            if c.body.startswith("<!-- classroom-ops:answers") and c.user.login == "prof-lee"]
    if not ours:
        return []
    [body] = ours
    return [line.split("): ", 1)[1] for line in body.splitlines() if line.startswith("- ")]


def test_booking_race_signoff_and_missing(course):
    env, sb = course, course.sandbox
    # Before the milestone opens (the proposal's deadline): nothing happens.
    sb.set_clock(at("2026-10-05T12:00:00-04:00"))
    sb.clear_requests()
    assert sync(env).code == 0
    assert env.writes() == []

    sb.set_clock(at("2026-10-12T09:00:00-04:00"))
    res = sync(env)
    assert res.code == 0, res
    issue = booking(env, "sparse-squad")
    assert issue.title == "Book your Midpoint Check-in (due Fri 30 Oct 17:00 EDT)"
    assert "| 2 | Mon 26 Oct 10:30 EDT, 30 min, <https://meet.example/dls>, with prof-lee | " \
           "free |" in issue.body
    assert "`/book N`" in issue.body

    # Two teams ask for slot 2 in the same second; dense-crew's comment came first, though
    # sparse-squad's issue is read first.
    sb.set_clock(at("2026-10-12T10:00:00-04:00"))
    say(env, "dave", "dense-crew", "/book 2")
    say(env, "alice", "sparse-squad", "/book 2\nwe prefer the call")
    say(env, "gina", "kv-cachers", "/met")  # a student cannot sign off
    say(env, "hal", "kv-cachers", "/book 9")
    # Provisioning made the teams private from each other (base permission none): a student of
    # another team cannot even see kv-cachers' issue ...
    with pytest.raises(UnknownObjectException):
        say(env, "erin", "kv-cachers", "/book 3")
    # ... but a course may keep every repository open to the class (private_between_teams:
    # false, base permission read, GitHub's default): erin can comment, and cannot book for them.
    env.config.write_text(env.config.read_text().replace(
        "  permission: push\n", "  permission: push\n  private_between_teams: false\n", 1))
    env.gh().requester.requestJsonAndCheck("PATCH", "/orgs/dls",
                                           input={"default_repository_permission": "read"})
    say(env, "erin", "kv-cachers", "/book 3")
    sb.set_clock(at("2026-10-12T10:01:00-04:00"))
    sb.clear_requests()
    res = sync(env)
    assert res.code == 0, res
    assert answers(booking(env, "dense-crew")) == [
        "Booked: slot 2, Mon 26 Oct 10:30 EDT, 30 min, <https://meet.example/dls>, with "
        "prof-lee."]
    assert answers(booking(env, "sparse-squad")) == [
        "Slot 2 was booked by another team first. Free slots now: 1, 3."]
    assert answers(booking(env, "kv-cachers")) == [
        "Only course staff can sign off; this comment does not count.",
        "There is no slot 9; the slots are numbered 1 to 3.",
        "Only members of this team (or course staff) can book for it; this comment does not "
        "count."]
    assert states(env)["kv-cachers"]["status"] == "pending"
    assert "| 2 | Mon 26 Oct 10:30 EDT, 30 min, <https://meet.example/dls>, with prof-lee | " \
           "taken |" in booking(env, "sparse-squad").body

    say(env, "bob", "sparse-squad", "/book 1")
    # A teammate pastes the marker of the tool's answers comment: it is not taken for ours.
    say(env, "carol", "sparse-squad", "<!-- classroom-ops:answers milestone=midpoint -->\nok")
    sb.set_clock(at("2026-10-12T10:02:00-04:00"))
    sb.clear_requests()
    assert sync(env).code == 0
    assert states(env)["sparse-squad"]["slot"] == 1
    assert answers(booking(env, "sparse-squad")) == [
        "Slot 2 was booked by another team first. Free slots now: 1, 3.",
        "Booked: slot 1, Mon 26 Oct 10:00 EDT, 30 min, Room 3.14, with ta-kim."]
    # The answer is the same comment, edited (the team's one answers comment, kept up to date).
    comment_writes = [(r["method"], r["path"].rsplit("/", 1)[0]) for r in env.writes()
                      if "/comments" in r["path"]]
    assert comment_writes == [("PATCH", "/repos/dls/final-sparse-squad/issues/comments")]
    # Nothing new: a rerun writes nothing.
    sb.set_clock(at("2026-10-12T11:00:00-04:00"))
    sb.clear_requests()
    assert sync(env).code == 0
    assert env.writes() == []
    # Cost of a rerun: one list of comments per team (the issue is known from the ledger).
    per_repo = sorted(r["path"].split("?")[0] for r in sb.requests()
                      if r["path"].startswith("/repos/"))
    assert per_repo == [f"/repos/dls/final-{t}/issues/{booking(env, t).number}/comments"
                        for t in ("dense-crew", "kv-cachers", "sparse-squad")]

    # Staff sign off in the issue; the note reaches the team inertly.
    sb.set_clock(at("2026-10-26T10:50:00-04:00"))
    say(env, "prof-lee", "dense-crew", "/met Good progress, ask @alice about the data")
    # Not a command: no answer. (Edited comments are refused: see tests/unit/test_meetings.py;
    # the sandbox cannot edit comments yet.)
    sb.set_clock(at("2026-10-26T10:51:00-04:00"))
    say(env, "ta-kim", "kv-cachers", "see you on Tuesday, /met comes after")
    sb.set_clock(at("2026-10-26T10:52:00-04:00"))
    assert sync(env).code == 0
    dense = booking(env, "dense-crew")
    assert dense.state == "closed"
    assert answers(dense)[-1] == ("Signed off by prof-lee on Mon 26 Oct 10:50 EDT. Note: Good "
                                  "progress, ask @&#8203;alice about the data")
    assert len(answers(booking(env, "kv-cachers"))) == 3
    assert states(env)["dense-crew"]["status"] == "on_time"
    assert states(env)["kv-cachers"]["status"] == "pending"

    # The command line: refused for a student's token, recorded for staff's.
    res = env.run("signoff", "--team", "sparse-squad", "--milestone", "midpoint", "--ledger",
                  str(env.dir / "ledger.json"), as_user="alice")
    assert res.code == 2 and "not an owner" in res.err
    res = env.run("signoff", "--team", "sparse-squad", "--milestone", "midpoint", "--note",
                  "met in office hours", "--ledger", str(env.dir / "ledger.json"))
    assert res.code == 0, res
    assert "signed off, on time" in res.out

    # After the deadline (17:00 + 15 min grace): kv-cachers is missing, the others on time.
    sb.set_clock(at("2026-10-31T09:00:00-04:00"))
    res = sync(env, "--ics", str(env.dir / "meetings.ics"))
    assert res.code == 0, res
    s = states(env)
    assert {t: s[t]["status"] for t in s} == {
        "sparse-squad": "on_time", "dense-crew": "on_time", "kv-cachers": "missing"}
    assert booking(env, "sparse-squad").state == "closed"
    ics = (env.dir / "meetings.ics").read_bytes().decode()
    assert ics.count("BEGIN:VEVENT") == 2 and ics.count("STATUS:CONFIRMED") == 2
    assert "SUMMARY:Midpoint Check-in: Dense Crew" in ics
    assert "DTSTART:20261026T143000Z" in ics  # 10:30 EDT
    assert "\r\n" in ics and all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    # The same calendar from the ledger alone (what `status` can attach, with no request).
    from classroom_ops.checks.ledger import Ledger
    from classroom_ops.meetings.sync import ledger_calendar

    again = ledger_calendar(env.course(), Ledger.load(env.dir / "ledger.json"),
                            at("2026-10-31T09:00:00-04:00"))
    assert again == ics

    res = env.run("check", "--ledger", str(env.dir / "ledger.json"), "--json",
                  str(env.dir / "report.json"), "--milestone", "midpoint")
    cells = {c["team"]: c for c in json.loads((env.dir / "report.json").read_text())["cells"]}
    assert {t: c["status"] for t, c in cells.items()} == {
        "sparse-squad": "on_time", "dense-crew": "on_time", "kv-cachers": "missing"}
    assert res.code == 1  # a missing sign-off is a finding

    # Signed off late by a TA: late, by the time since the deadline students were given.
    sb.set_clock(at("2026-11-02T12:00:00-05:00"))
    say(env, "ta-kim", "kv-cachers", "/met")
    sb.set_clock(at("2026-11-02T12:01:00-05:00"))
    assert sync(env).code == 0
    assert states(env)["kv-cachers"]["status"] == "late"
    ledger = json.loads((env.dir / "ledger.json").read_text())
    kv = ledger["teams"]["kv-cachers"]["midpoint"]
    assert kv["status"] == "late" and kv["late_by_seconds"] == 2 * 86400 + 20 * 3600


def test_meeting_milestone_validation(tmp_path):
    from classroom_ops.config import course_from_text
    from classroom_ops.errors import ConfigError

    base = ("course: {name: C, term: t1, org: o, timezone: UTC, start: 2026-08-31}\n"
            "staff: {members: [ta]}\nrepos: {template: owner/tpl}\n"
            "teams: [{name: A, members: [alice]}]\nmilestones:\n")
    ok = base + ("  - {id: m, title: M, kind: meeting, due: 2026-10-30 17:00,\n"
                 "     slots: [{at: 2026-10-26 10:00, staff: [ta]}]}\n")
    m = course_from_text(ok, "c.yml").milestones[0]
    assert m.signed_off and m.slots[0].length.total_seconds() == 1800 and m.opens is None
    bad = base + ("  - {id: m, title: M, kind: meeting, due: 2026-10-30 17:00,\n"
                  "     deliverables: [{path: a.md}],\n"
                  "     slots: [{at: 2026-11-26 10:00, staff: [bob]}]}\n")
    with pytest.raises(ConfigError) as e:
        course_from_text(bad, "c.yml")
    text = str(e.value)
    assert "has no deliverables" in text
    assert "slot 1 starts after the deadline" in text
    assert "'bob' is not in staff.members" in text


def test_invited_students_book_once_they_accept(sandbox, tmp_path, run_cli, monkeypatch):
    """github.com as it is: students are invited to the organization, not members, until they
    click "Join"; provisioning invites them to their team; then they book."""
    from classroom_ops.config import load_course
    from support import ROOT

    from .conftest import COURSE, CourseEnv

    config = tmp_path / "classroom.yml"
    config.write_text(COURSE.format(template=ROOT / "templates" / "repo").replace(
        "  - id: final-report\n", MIDPOINT + "  - id: final-report\n"))
    course = load_course(config)
    students = [x for t in course.teams for x in t.members]
    tokens = sandbox.seed({"profile": "github.com", "users": ["prof-lee", "ta-kim", *students],
                           "orgs": [{"login": "dls", "owners": ["prof-lee"],
                                     "members": ["ta-kim"], "invited": students}]})
    env = CourseEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    sandbox.set_clock(at("2026-09-01T12:00:00-04:00"))
    assert env.run("provision", "--yes").code == 0
    sandbox.set_clock(at("2026-10-12T09:00:00-04:00"))
    assert sync(env).code == 0
    say(env, "ivy", "kv-cachers", "/book 3")  # accepts the invitations first
    sandbox.set_clock(at("2026-10-12T09:05:00-04:00"))
    assert sync(env).code == 0
    assert answers(booking(env, "kv-cachers")) == [
        "Booked: slot 3, Tue 27 Oct 14:00 EDT, 45 min, Room 3.14, with ta-kim, prof-lee."]
    assert states(env)["kv-cachers"]["slot"] == 3
