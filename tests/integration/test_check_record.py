"""The check's issues and record hold against students and against a second run (issues 13 and
19): assignees GitHub refuses, labels and markers students remove or copy, deleted tags, issues
closed before the fix, two runs at once."""

from __future__ import annotations

import json

import pytest

from classroom_ops.adapter import GitHub
from classroom_ops.checks.issue_text import marker
from classroom_ops.checks.lease import Lease, LeaseHeld
from classroom_ops.commands.sandbox_cmd import seed_for
from classroom_ops.config import load_course

from .conftest import COURSE, CourseEnv
from .gitops import git
from .test_check import SECTIONS, at, cells, check, issues, proposal, push

pytestmark = pytest.mark.integration


def report(env) -> dict:
    return json.loads((env.dir / "report.json").read_text())


def ledger(env) -> dict:
    return json.loads((env.dir / "ledger.json").read_text())


def after_deadline(env, team="dense-crew", login="dave", sections=SECTIONS[:4]):
    env.sandbox.set_clock(at("2026-10-08T20:00:00-04:00"))
    sha = push(env, login, team, {"proposal.md": proposal(sections)})
    env.sandbox.set_clock(at("2026-10-10T12:00:00-04:00"))
    return sha


# -- assignees ---------------------------------------------------------------------------------
@pytest.fixture
def pending_student(sandbox, tmp_path, run_cli, monkeypatch):
    """Provisioning invited every student; all but frank accepted (GitHub's default path)."""
    from support import ROOT

    config = tmp_path / "classroom.yml"
    config.write_text(COURSE.format(template=ROOT / "templates" / "repo"))
    tokens = sandbox.seed(seed_for(load_course(config)))
    env = CourseEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    sandbox.set_clock(at("2026-09-01T12:00:00-04:00"))
    res = env.run("provision", "--yes")
    assert res.code == 0, res
    env.join(*[s for s in env.students() if s != "frank"])
    env.work = tmp_path / "work"
    env.work.mkdir()
    return env


def test_a_student_who_has_not_joined_does_not_stop_the_issue(pending_student):
    env, sb = pending_student, pending_student.sandbox
    after_deadline(env)
    sb.clear_requests()
    res = check(env, "--milestone", "proposal", "--team", "dense-crew")
    assert res.code == 1, res
    c = cells(env)[("dense-crew", "proposal")]
    assert c["status"] == "missing" and c["issue"] == 1
    assert report(env)["errors"] == 0
    assert "1 missing (3 findings), 0 errors" in res.out
    # GitHub refused the first create (nothing was made), the tool read who can be assigned
    # once, and opened the issue once
    reqs = [(r["method"], r["path"], r["status"]) for r in sb.requests()
            if "/issues" in r["path"] or "/assignees" in r["path"]]
    [issue] = issues(env, "dense-crew")
    assert sorted(a.login for a in issue.assignees) == ["dave", "erin"]
    assert "Not assigned: `frank`" in issue.body
    assert reqs == [
        ("GET", "/repos/dls/final-dense-crew/issues", 200),
        ("POST", "/repos/dls/final-dense-crew/issues", 422),
        ("GET", "/repos/dls/final-dense-crew/assignees", 200),
        ("POST", "/repos/dls/final-dense-crew/issues", 201),
    ]


def test_who_can_be_assigned_is_read_once_per_team_and_run(pending_student):
    env, sb = pending_student, pending_student.sandbox
    sb.set_clock(at("2026-12-20T12:00:00-05:00"))  # proposal and final report both missing
    sb.clear_requests()
    check(env, "--team", "dense-crew")
    reqs = [(r["method"], r["path"].rsplit("/", 1)[1], r["status"]) for r in sb.requests()
            if r["method"] == "POST" and r["path"].endswith("/issues")
            or r["path"].endswith("/assignees")]
    assert reqs == [("POST", "issues", 422), ("GET", "assignees", 200),
                    ("POST", "issues", 201), ("POST", "issues", 201)]
    assert all("Not assigned: `frank`" in i.body for i in issues(env, "dense-crew"))


def test_a_student_who_joins_later_is_assigned_by_the_next_check(pending_student):
    env, sb = pending_student, pending_student.sandbox
    after_deadline(env)
    assert check(env, "--milestone", "proposal", "--team", "dense-crew").code == 1
    [issue] = issues(env, "dense-crew")
    assert "Not assigned: `frank`" in issue.body

    def traffic():
        return [(r["method"], r["path"].rsplit("/", 1)[1]) for r in sb.requests()
                if r["path"].startswith("/repos/dls/final-dense-crew/")
                and ("/issues" in r["path"] or r["path"].endswith("/assignees"))]

    # still invited: one read of who can be assigned, no write
    sb.clear_requests()
    assert check(env, "--milestone", "proposal", "--team", "dense-crew").code == 1
    assert traffic() == [("GET", "issues"), ("GET", "assignees")]
    assert env.writes() == []
    # frank's invitation expired after 7 days: a provision rerun invites him again; he accepts
    assert env.run("provision", "--yes").code == 0
    assert env.sandbox.accept_invitations("frank") == 1
    sb.clear_requests()
    assert check(env, "--milestone", "proposal", "--team", "dense-crew").code == 1
    assert traffic() == [("GET", "issues"), ("GET", "assignees"), ("PATCH", str(issue.number))]
    [issue] = issues(env, "dense-crew")
    assert sorted(a.login for a in issue.assignees) == ["dave", "erin", "frank"]
    assert "Not assigned" not in issue.body and issue.state == "open"
    assert "<!-- classroom-ops:issue milestone=proposal digest=" in issue.body  # the marker kept
    # everyone assigned: the issue costs its listing alone
    sb.clear_requests()
    assert check(env, "--milestone", "proposal", "--team", "dense-crew").code == 1
    assert traffic() == [("GET", "issues")]
    assert env.writes() == []


# -- which issue is the tool's -----------------------------------------------------------------
def test_a_removed_label_is_put_back_and_no_second_issue_opens(semester):
    env = semester
    after_deadline(env)
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    [issue] = issues(env, "dense-crew")
    student = env.gh("erin").get_repo("dls/final-dense-crew").get_issue(issue.number)
    student.remove_from_labels("deliverable-missing")
    student.remove_from_labels("milestone:proposal")
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    [issue] = issues(env, "dense-crew")
    assert sorted(lb.name for lb in issue.labels) == ["deliverable-missing", "milestone:proposal"]
    assert ledger(env)["issues"] == {"dense-crew": {"proposal": issue.number}}


def test_a_stripped_marker_does_not_open_another_issue(semester):
    env = semester
    after_deadline(env)
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    [issue] = issues(env, "dense-crew")
    env.gh("erin").get_repo("dls/final-dense-crew").get_issue(issue.number).edit(
        body="we are on it")
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    [issue] = issues(env, "dense-crew")
    assert issue.body.startswith("<!-- classroom-ops:issue milestone=proposal digest=")
    assert "no 'Evaluation' section" in issue.body


def test_a_student_issue_with_a_copied_marker_is_not_adopted(semester):
    env = semester
    after_deadline(env)
    fake = env.gh("erin").get_repo("dls/final-dense-crew").create_issue(
        "Missing deliverables: Project Proposal",
        body=marker("proposal", "0" * 12) + "\nnothing to see",
        labels=["deliverable-missing", "milestone:proposal"])
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    c = cells(env)[("dense-crew", "proposal")]
    assert c["issue"] == fake.number + 1
    assert ledger(env)["issues"] == {"dense-crew": {"proposal": fake.number + 1}}
    assert ledger(env)["issuer"] == "prof-lee"
    fake = env.gh().get_repo("dls/final-dense-crew").get_issue(fake.number)
    assert fake.body.endswith("nothing to see") and fake.state == "open"  # left alone
    # the fix closes the tool's issue only
    push(env, "dave", "dense-crew", {"proposal.md": proposal()})
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    states = {i.number: i.state for i in issues(env, "dense-crew")}
    assert states == {fake.number: "open", fake.number + 1: "closed"}


# -- tags and late fixes --------------------------------------------------------------------------
def test_a_deleted_tag_is_restored_with_a_warning(semester):
    env = semester
    good = after_deadline(env, "sparse-squad", "alice", SECTIONS)
    check(env, "--milestone", "proposal", "--team", "sparse-squad")
    dest = env.work / "dls__final-sparse-squad"
    git("push", "-q", "origin", ":refs/tags/submission/proposal", cwd=dest)
    res = check(env, "--milestone", "proposal", "--team", "sparse-squad")
    assert "warning: sparse-squad: tag submission/proposal was deleted" in res.out
    assert env.gh().get_repo("dls/final-sparse-squad").get_git_ref(
        "tags/submission/proposal").object.sha == good
    assert [e["kind"] for e in ledger(env)["events"]] == ["tag_deleted"]
    assert "tag submission/proposal was deleted" in report(env)["warnings"][0]


def test_closing_the_issue_before_fixing_still_gets_the_late_comment(semester):
    env, sb = semester, semester.sandbox
    after_deadline(env)
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    [issue] = issues(env, "dense-crew")
    env.gh("dave").get_repo("dls/final-dense-crew").get_issue(issue.number).edit(state="closed")
    sb.set_clock(at("2026-10-11T09:30:00-04:00"))
    push(env, "dave", "dense-crew", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-12T09:30:00-04:00"))
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    assert cells(env)[("dense-crew", "proposal")]["status"] == "late"
    [issue] = issues(env, "dense-crew")
    assert issue.state == "closed"
    [comment] = [c.body for c in issue.get_comments()]
    assert "after the deadline. Recorded as late" in comment


# -- two runs at once ---------------------------------------------------------------------------
@pytest.fixture
def instructors(semester):
    env = semester
    env.gh().get_organization("dls").create_repo("instructors", private=True, auto_init=True)
    return env


def lease_refs(env) -> list[str]:
    repo = env.gh().get_repo("dls/instructors")
    return [r.ref for r in repo.get_git_matching_refs("classroom-ops/")]


def test_a_check_takes_and_returns_a_lease(instructors):
    env, sb = instructors, instructors.sandbox
    after_deadline(env)
    sb.clear_requests()
    res = check(env, "--milestone", "proposal", "--lease", "dls/instructors")
    assert res.code == 1, res
    mine = [(r["method"], r["path"].split("/git/")[1]) for r in sb.requests()
            if r["path"].startswith("/repos/dls/instructors/")]
    assert lease_refs(env) == []
    assert [m for m, _ in mine] == ["GET", "GET", "POST", "GET", "DELETE"]
    assert mine[4][1].startswith("refs/classroom-ops/lease/all/")


def test_a_second_check_while_one_runs_writes_nothing(instructors):
    env, sb = instructors, instructors.sandbox
    after_deadline(env)
    gh = GitHub(sb.api_url, env.tokens["prof-lee"], write_delay=0)
    other = Lease(gh, "dls/instructors", scope="all", now=gh.get_server_time())
    other.acquire()  # a run in progress (the schedule)
    sb.clear_requests()
    res = check(env, "--milestone", "proposal", "--lease", "dls/instructors")
    assert res.code == 1
    assert "another deadline check of these teams is running" in res.err
    assert [r for r in sb.requests() if r["method"] != "GET"] == []
    assert issues(env, "dense-crew") == []
    # another shard is another scope; a lease past its time no longer holds
    assert check(env, "--milestone", "proposal", "--lease", "dls/instructors",
                 "--shard", "1/1", "--no-issues").code == 1
    sb.set_clock(at("2026-10-10T15:00:00-04:00"))
    assert check(env, "--milestone", "proposal", "--lease", "dls/instructors").code == 1
    assert len(issues(env, "dense-crew")) == 1
    other.release()
    assert lease_refs(env) == []


def test_two_checks_that_start_together_both_stop(instructors):
    env, sb = instructors, instructors.sandbox
    gh = GitHub(sb.api_url, env.tokens["prof-lee"], write_delay=0)
    now = gh.get_server_time()
    rival = Lease(gh, "dls/instructors", scope="all", now=now)

    class Racing(GitHub):
        """The rival takes its lease right after ours is made, before ours is listed again."""

        def set_ref(self, *a, **k):
            super().set_ref(*a, **k)
            rival.held = False
            sha = gh.list_matching_refs("dls/instructors", "heads/")
            rival.gh.set_ref("dls/instructors", rival.ref, next(iter(sha.values()))[1],
                             exists=False)
            rival.held = True

    mine = Lease(Racing(sb.api_url, env.tokens["prof-lee"], write_delay=0), "dls/instructors",
                 scope="all", now=now)
    with pytest.raises(LeaseHeld):
        mine.acquire()
    assert lease_refs(env) == ["refs/" + rival.ref]  # ours was given back
    rival.release()


def test_an_issue_github_refuses_leaves_the_judgment_and_the_summary_true(semester):
    env, sb = semester, semester.sandbox
    after_deadline(env)
    sb.add_fault(match={"method": "POST", "path": "/repos/dls/final-dense-crew/issues"},
                 kind="status", status=422, times=1, message="Validation Failed")
    res = check(env, "--milestone", "proposal", "--team", "dense-crew",
                "--markdown", str(env.dir / "summary.md"))
    assert res.code == 1
    c = cells(env)[("dense-crew", "proposal")]
    assert c["status"] == "missing" and len(c["findings"]) == 3  # as the ledger says
    assert ledger(env)["teams"]["dense-crew"]["proposal"]["status"] == "missing"
    assert "opening an issue in dls/final-dense-crew" in c["error"]
    assert "1 missing (3 findings), 1 errors" in res.out
    summary = (env.dir / "summary.md").read_text()
    assert "missing: 1" in summary and "- error: dense-crew / proposal" in summary
    assert report(env)["missing"] == 1 and report(env)["errors"] == 1
    # the next run opens it
    assert check(env, "--milestone", "proposal", "--team", "dense-crew").code == 1
    assert len(issues(env, "dense-crew")) == 1 and report(env)["errors"] == 0


CHECK_PERMISSIONS = {"contents": "write", "issues": "write", "members": "read",
                     "metadata": "read"}


def test_with_an_app_token_the_record_holds(pending_student):
    """The workflow's token: an App installation with the check's permissions and no user. Its
    issues are proven by number and by the bot that opened them, never by a copied marker."""
    env, sb = pending_student, pending_student.sandbox
    env.gh().get_organization("dls").create_repo("instructors", private=True, auto_init=True)
    after_deadline(env)
    fake = env.gh("erin").get_repo("dls/final-dense-crew").create_issue(
        "copy", body=marker("proposal", "0" * 12))
    env.tokens["app"] = sb.create_installation("dls", permissions=CHECK_PERMISSIONS)
    res = env.run("check", "--ledger", str(env.dir / "ledger.json"), "--json",
                  str(env.dir / "report.json"), "--milestone", "proposal", "--team", "dense-crew",
                  "--lease", "dls/instructors", as_user="app")
    assert res.code == 1, res
    assert report(env)["errors"] == 0
    number = cells(env)[("dense-crew", "proposal")]["issue"]
    assert number == fake.number + 1
    assert ledger(env)["issuer"] == "classroom-ops-dls[bot]"
    issue = env.gh().get_repo("dls/final-dense-crew").get_issue(number)
    assert sorted(a.login for a in issue.assignees) == ["dave", "erin"]
    assert "Not assigned: `frank`" in issue.body
    # a student strips the marker and the labels; the next run (a new token) finds it by number
    student = env.gh("dave").get_repo("dls/final-dense-crew").get_issue(number)
    student.edit(body="done?", labels=[])
    env.tokens["app"] = sb.create_installation("dls", permissions=CHECK_PERMISSIONS)
    env.run("check", "--ledger", str(env.dir / "ledger.json"), "--json",
            str(env.dir / "report.json"), "--milestone", "proposal", "--team", "dense-crew",
            as_user="app")
    assert [i.number for i in issues(env, "dense-crew")] == [number, fake.number]
    issue = env.gh().get_repo("dls/final-dense-crew").get_issue(number)
    assert sorted(lb.name for lb in issue.labels) == ["deliverable-missing", "milestone:proposal"]
    assert "no 'Evaluation' section" in issue.body


def test_only_the_tools_issues_are_listed_whoever_runs_the_check(semester):
    env, sb = semester, semester.sandbox
    env.tokens.update(sb.seed({"users": ["ta-lee"],
                               "orgs": [{"login": "dls", "owners": ["ta-lee"]}]}))
    after_deadline(env)
    student = env.gh("erin").get_repo("dls/final-dense-crew")
    for k in range(3):  # students' own issues, however many, are not read
        student.create_issue(f"todo {k}")
    check(env, "--milestone", "proposal", "--team", "dense-crew")  # the instructor: #4
    sb.set_clock(at("2026-12-20T12:00:00-05:00"))
    env.run("check", "--ledger", str(env.dir / "ledger.json"), "--json",
            str(env.dir / "report.json"), "--team", "dense-crew", as_user="ta-lee")  # a TA: #5
    mine = {i.number: i.user.login for i in issues(env, "dense-crew") if i.number > 3}
    assert mine == {4: "prof-lee", 5: "ta-lee"}
    sb.clear_requests()
    check(env, "--team", "dense-crew")
    listed = [r for r in sb.requests() if r["path"].startswith("/repos/dls/final-dense-crew/issues")]
    assert [(r["method"], r["path"], r["query"].get("creator")) for r in listed] == [
        ("GET", "/repos/dls/final-dense-crew/issues", ["prof-lee"]),
        ("GET", "/repos/dls/final-dense-crew/issues/5", None)]  # recorded, opened by the TA
    assert len(issues(env, "dense-crew")) == 5
    assert ledger(env)["issues"] == {"dense-crew": {"proposal": 4, "final-report": 5}}
