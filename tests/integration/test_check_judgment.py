"""What a judgment is worth (issue 14): the starter is not a submission, rules and deadlines
change, teams arrive late, the tool's own tag moves are not tampering, one model for check,
status and collect. End to end on the sandbox: students push with git, the CLI judges."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from classroom_ops.checks.starter import starter_manifest
from classroom_ops.commands.sandbox_cmd import seed_for
from classroom_ops.config import load_course
from classroom_ops.provision.render import RULES_PATH, read_template_dir, render_team_files
from support import ROOT

from .conftest import CourseEnv
from .gitops import clone, git, push_files
from .test_check import SECTIONS, at, cells, check, issues, proposal, push

pytestmark = pytest.mark.integration

EXAMPLE = ROOT / "examples" / "deep-learning-at-scale" / "classroom.yml"


def report(env) -> dict:
    return json.loads((env.dir / "report.json").read_text())


def sections_only(env) -> None:
    """A course file with sections and no word counts: the starter proposal has them all."""
    env.config.write_text(env.config.read_text().replace(
        "        min_words: 250\n        max_words: 800\n", ""))


# -- the starter is not a submission ----------------------------------------------------------
@pytest.fixture
def example_course(sandbox, tmp_path, run_cli, monkeypatch):
    """The example course as shipped (its milestones, rules and starter), with two teams."""
    text = EXAMPLE.read_text().replace(
        "template: ../../templates/repo", f"template: {ROOT / 'templates' / 'repo'}")
    config = tmp_path / "classroom.yml"
    config.write_text(text)
    roster = (EXAMPLE.parent / "roster.csv").read_text().splitlines()
    (tmp_path / "roster.csv").write_text("\n".join(roster[:7]) + "\n")  # header, two teams
    course = load_course(config)
    assert [t.slug for t in course.teams] == ["sparse-squad", "gradient-descenders"]
    tokens = sandbox.seed(seed_for(course))
    env = CourseEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    sandbox.set_clock(at("2026-09-01T12:00:00-04:00"))
    assert env.run("provision", "--yes").code == 0
    env.join()  # the students accept their invitations in the first days
    env.work = tmp_path / "work"
    env.work.mkdir()
    return env


def test_the_example_course_starter_is_missing_at_every_deadline(example_course):
    env, sb = example_course, example_course.sandbox
    sb.set_clock(at("2026-09-20T12:00:00-04:00"))
    team_md = ("# Team Sparse Squad\n\n## Members\n\nAlice, Bo and Carol, three students who "
               "train large models on small budgets.\n\n## Interests\n\n"
               + "We want to study mixture of experts routing and memory use at scale. " * 3)
    push_files(sb, env.tokens["alice-ng"], "dls-fall-2026/final-sparse-squad", env.work,
               {"TEAM.md": team_md})
    sb.set_clock(at("2026-12-20T12:00:00-05:00"))  # every deadline has passed
    res = env.run("check", "--no-issues", "--ledger", str(env.dir / "ledger.json"),
                  "--json", str(env.dir / "report.json"))
    assert res.code == 1, res
    c = cells(env)
    ids = ["team-formation", "proposal", "midpoint", "draft-report", "presentation",
           "final-report"]
    # the midpoint and the presentation are meetings: check reads them from the ledger, and
    # only `meetings sync` decides one is missing
    assert [c[("gradient-descenders", m)]["status"] for m in ids] == [
        "missing", "missing", "pending", "missing", "pending", "missing"]
    assert c[("sparse-squad", "team-formation")]["status"] == "on_time"  # their own TEAM.md
    found = {m: [(f["path"], f["rule"]) for f in c[("gradient-descenders", m)]["findings"]]
             for m in ids}
    assert found == {
        "team-formation": [("TEAM.md", "starter")],
        "proposal": [("proposal.md", "starter")],
        "midpoint": [],
        "draft-report": [("report/draft.pdf", "missing")],
        "presentation": [],
        "final-report": [("report/final.pdf", "missing"), ("README.md", "starter")],
    }
    msg = c[("gradient-descenders", "proposal")]["findings"][0]["message"]
    assert msg.startswith("proposal.md is still the starter file")
    # sparse-squad's proposal is the starter's too, though the team pushed something else
    assert c[("sparse-squad", "proposal")]["findings"][0]["rule"] == "starter"


def test_a_sections_only_course_is_not_met_by_the_starter(semester):
    env, sb = semester, semester.sandbox
    sections_only(env)
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    good = push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-11T22:00:00-04:00"))  # two days late, backdated
    late = push(env, "dave", "dense-crew", {"proposal.md": proposal()},
                date="2026-10-05T12:00:00-04:00")
    sb.set_clock(at("2026-10-12T12:00:00-04:00"))
    assert check(env, "--milestone", "proposal", "--no-issues").code == 1
    c = cells(env)
    assert c[("sparse-squad", "proposal")]["status"] == "on_time"
    assert c[("sparse-squad", "proposal")]["commit"] == good
    assert c[("dense-crew", "proposal")]["status"] == "late"
    assert c[("dense-crew", "proposal")]["commit"] == late
    kv = c[("kv-cachers", "proposal")]
    assert kv["status"] == "missing"
    assert [f["rule"] for f in kv["findings"]] == ["starter"]


def test_check_local_says_the_starter_is_not_ready(semester, run_cli):
    env = semester
    sections_only(env)
    dest = clone(env.sandbox, env.tokens["gina"], "dls/final-kv-cachers", env.work / "kv")
    # what provisioning writes into the rules file (see checks/starter.py)
    course = env.course()
    team = course.team("kv-cachers")
    files = render_team_files(read_template_dir(ROOT / "templates" / "repo"), course, team)
    rules = yaml.safe_load((dest / RULES_PATH).read_text())
    rules["starter"] = starter_manifest(files)
    (dest / RULES_PATH).write_text(yaml.safe_dump(rules))
    res = run_cli("check", "--local", str(dest), "--milestone", "proposal",
                  "--at", "2026-09-02T12:00:00-04:00")
    assert res.code == 1
    assert "proposal: incomplete (1)" in res.out
    assert "proposal.md is still the starter file" in res.out
    (dest / "proposal.md").write_text(proposal())
    res = run_cli("check", "--local", str(dest), "--milestone", "proposal",
                  "--at", "2026-09-02T12:00:00-04:00")
    assert res.code == 0 and "proposal: ready" in res.out, res


def test_a_starter_file_meant_to_be_kept_counts_once_the_team_pushed_its_own(semester):
    env, sb = semester, semester.sandbox
    sections_only(env)
    env.config.write_text(env.config.read_text().replace(
        "        sections: [Problem Statement, Motivation, Related Work, Approach, Evaluation, "
        "Resources]\n",
        "        sections: [Problem Statement, Motivation, Related Work, Approach, Evaluation, "
        "Resources]\n      - path: project.yml\n        starter_ok: true\n"))
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    assert check(env, "--milestone", "proposal", "--no-issues").code == 1
    c = cells(env)
    assert c[("sparse-squad", "proposal")]["status"] == "on_time"  # project.yml as provided
    kv = c[("kv-cachers", "proposal")]
    assert kv["status"] == "missing"
    assert [(f["path"], f["rule"]) for f in kv["findings"]] == [
        ("proposal.md", "starter"), ("project.yml", "starter")]
    assert kv["findings"][1]["message"].startswith("Nothing of the team's own has been pushed")


# -- rules and deadlines change -----------------------------------------------------------------
def test_changed_rules_judge_the_milestone_again_and_close_its_issue(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:4] + SECTIONS[5:])})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    assert cells(env)[("dense-crew", "proposal")]["status"] == "missing"
    [issue] = issues(env, "dense-crew")
    assert issue.state == "open"
    # the instructor drops the Evaluation section after the deadline
    env.config.write_text(env.config.read_text().replace(" Evaluation,", ""))
    sb.set_clock(at("2026-10-11T12:00:00-04:00"))
    res = check(env, "--milestone", "proposal", "--team", "dense-crew")
    assert res.code == 0, res
    assert cells(env)[("dense-crew", "proposal")]["status"] == "on_time"
    assert report(env)["notes"] == [
        "dense-crew proposal: judged again (the rules changed): on_time"]
    assert "note: dense-crew proposal: judged again (the rules changed)" in res.out
    [issue] = issues(env, "dense-crew")
    assert issue.state == "closed"
    [comment] = [c.body for c in issue.get_comments()]
    assert "Recorded as on time" in comment and "rules" in comment
    # and the record says which rules it applied: the next run judges nothing again
    sb.clear_requests()
    assert check(env, "--milestone", "proposal", "--team", "dense-crew").code == 0
    assert env.writes() == [] and report(env)["notes"] == []


def test_the_tools_own_tag_move_after_an_extension_is_not_tampering(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    first = push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:4])})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal")
    repo = env.gh().get_repo("dls/final-dense-crew")
    assert repo.get_git_ref("tags/submission/proposal").object.sha == first
    env.config.write_text(env.config.read_text().replace(
        "  grace: 15m\n", "  grace: 15m\n  extensions:\n"
        "    - {team: dense-crew, milestone: proposal, until: 2026-10-16 23:59}\n"))
    sb.set_clock(at("2026-10-12T12:00:00-04:00"))
    second = push(env, "dave", "dense-crew", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-20T12:00:00-04:00"))
    res = check(env, "--milestone", "proposal")
    assert cells(env)[("dense-crew", "proposal")]["status"] == "on_time"
    assert repo.get_git_ref("tags/submission/proposal").object.sha == second
    assert "was moved" not in res.out and "warning" not in res.out
    ledger = json.loads((env.dir / "ledger.json").read_text())
    assert ledger["events"] == []
    # a student moving it afterwards is still reported
    dest = env.work / "dls__final-dense-crew"
    git("tag", "-f", "submission/proposal", first, cwd=dest)
    git("push", "-q", "-f", "origin", "refs/tags/submission/proposal", cwd=dest)
    res = check(env, "--milestone", "proposal")
    assert f"tag submission/proposal was moved to {first[:7]}" in res.out


def test_a_team_added_in_mid_term_is_excused_for_deadlines_before_its_repository(semester):
    env, sb = semester, semester.sandbox
    env.config.write_text(env.config.read_text().replace(
        "  - {name: KV Cachers, members: [gina, hal, ivy]}\n",
        "  - {name: KV Cachers, members: [gina, hal, ivy]}\n"
        "  - {name: Late Joiners, members: [jo, kim, lu]}\n"))
    env.tokens.update(sb.seed({"users": ["jo", "kim", "lu"],
                               "orgs": [{"login": "dls", "members": ["jo", "kim", "lu"]}]}))
    sb.set_clock(at("2026-10-20T12:00:00-04:00"))  # after the proposal deadline
    assert env.run("provision", "--yes").code == 0
    sb.set_clock(at("2026-10-21T12:00:00-04:00"))
    res = check(env, "--milestone", "proposal")
    c = cells(env)
    assert c[("late-joiners", "proposal")]["status"] == "excused"
    assert c[("late-joiners", "proposal")]["findings"] == []
    assert issues(env, "late-joiners") == []
    assert ("late-joiners proposal: excused: the repository did not exist at the deadline"
            in report(env)["notes"])
    assert report(env)["counts"]["excused"] == 1
    assert res.code == 1  # the other teams' starters are missing
    # the course can ask otherwise
    env.config.write_text(env.config.read_text().replace(
        "  grace: 15m\n", "  grace: 15m\n  before_repository: missing\n"))
    check(env, "--milestone", "proposal", "--team", "late-joiners", "--no-issues",
           "--ledger", str(env.dir / "other.json"))
    assert cells(env)[("late-joiners", "proposal")]["status"] == "missing"


def test_a_late_fix_pushed_before_the_first_check_is_still_heard(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:4])})
    sb.set_clock(at("2026-10-11T09:30:00-04:00"))
    fix = push(env, "erin", "dense-crew", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-13T08:00:00-04:00"))  # the first check runs after the fix
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    c = cells(env)[("dense-crew", "proposal")]
    assert c["status"] == "late" and c["commit"] == fix
    [issue] = issues(env, "dense-crew")
    assert issue.state == "closed"
    assert "no 'Evaluation' section" in issue.body
    [comment] = [cm.body for cm in issue.get_comments()]
    assert "1 day 9 h after the deadline. Recorded as late" in comment
    sb.clear_requests()
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    assert env.writes() == []


def test_the_issue_body_is_readable_markdown(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:3])})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal", "--team", "dense-crew")
    [issue] = issues(env, "dense-crew")
    items = [line for line in issue.body.splitlines() if line.startswith("-")]
    assert items and all(re.match(r"- [^-]", line) for line in items), items
    assert "- proposal.md has no 'Approach' section" in issue.body


def test_missing_work_fails_the_run_only_when_asked(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    res = check(env, "--milestone", "proposal", "--no-issues", "--fail-on", "errors")
    assert res.code == 0, res
    assert report(env)["missing"] == 3 and report(env)["errors"] == 0
    assert "3 missing (3 findings), 0 errors" in res.out
    res = check(env, "--milestone", "proposal", "--no-issues")
    assert res.code == 1
    res = check(env, "--milestone", "proposal", "--fail-on", "due")
    assert res.code == 2 and "--fail-on due is for --local" in res.err


# -- one judgment model --------------------------------------------------------------------------
def test_status_and_check_agree_on_a_judgment_the_rules_outdated(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal", "--no-issues")
    env.config.write_text(env.config.read_text().replace(" Evaluation,", ""))
    res = env.run("status", "--ledger", str(env.dir / "ledger.json"),
                  "--json", str(env.dir / "status.json"))
    assert res.code in (0, 1), res
    data = json.loads((env.dir / "status.json").read_text())
    states = {(c["team"], c["milestone"]): c["state"] for c in data["cells"]}
    assert states[("kv-cachers", "proposal")] == "not_checked"


def test_a_ledger_of_another_org_or_term_is_refused(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal", "--no-issues")
    path = env.dir / "ledger.json"
    before = path.read_text()
    for key, value in (("term", "spring-2026"), ("org", "other-org")):
        data = json.loads(before)
        data[key] = value
        path.write_text(json.dumps(data))
        res = check(env, "--milestone", "proposal", "--no-issues")
        assert res.code == 2, res
        assert f"this ledger records {'organization' if key == 'org' else 'term'} {value}" \
            in res.err
        assert json.loads(path.read_text())[key] == value  # not rewritten


def test_what_provisioning_pushed_is_read_once_per_team(semester):
    env, sb = semester, semester.sandbox
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    sb.set_clock(at("2026-10-10T12:00:00-04:00"))
    check(env, "--milestone", "proposal", "--team", "sparse-squad", "--no-issues")
    setup = [p for p in json.loads((env.dir / "ledger.json").read_text())["starters"]
             ["sparse-squad"]]
    assert "proposal.md" in setup and ".github/classroom.yml" in setup
    # the course changes the README's deadline table; the README is still the starter's
    env.config.write_text(env.config.read_text().replace(
        "    due: 2026-12-11 23:59\n    deliverables:\n      - path: report/final.pdf\n"
        "        max_pages: 8\n",
        "    due: 2026-12-04 23:59\n    deliverables:\n      - path: report/final.pdf\n"
        "        max_pages: 8\n      - path: README.md\n"))
    sb.set_clock(at("2026-12-06T12:00:00-05:00"))
    sb.clear_requests()
    check(env, "--milestone", "final-report", "--team", "sparse-squad", "--no-issues")
    found = cells(env)[("sparse-squad", "final-report")]["findings"]
    assert [(f["path"], f["rule"]) for f in found] == [("report/final.pdf", "missing"),
                                                      ("README.md", "starter")]
    trees = [r for r in sb.requests() if "/git/trees/" in r["path"]]
    assert len(trees) == 1  # the commit that counts; the starter came from the ledger


def test_a_github_template_repositorys_starter_is_not_a_submission(sandbox, tmp_path, run_cli,
                                                                     monkeypatch):
    from .conftest import make_course_env

    env = make_course_env(sandbox, tmp_path, run_cli, monkeypatch, template="dls/starter")
    sections_only(env)
    tpl = env.gh().get_organization("dls").create_repo("starter", private=True, auto_init=True)
    tpl.create_file("proposal.md", "template", proposal())  # every heading, even words
    tpl.create_file("README.md.jinja", "template", "# {{ team.name }}\n")
    tpl.edit(is_template=True)
    sandbox.set_clock(at("2026-09-01T12:00:00-04:00"))
    assert env.run("provision", "--yes").code == 0
    env.join()  # the students accept their invitations in the first days
    env.work = tmp_path / "work"
    env.work.mkdir()
    sandbox.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "alice", "sparse-squad", {"proposal.md": proposal() + "\nOurs.\n"})
    sandbox.set_clock(at("2026-10-10T12:00:00-04:00"))
    sandbox.clear_requests()
    assert check(env, "--milestone", "proposal", "--no-issues").code == 1
    c = cells(env)
    assert c[("sparse-squad", "proposal")]["status"] == "on_time"
    assert [f["rule"] for f in c[("kv-cachers", "proposal")]["findings"]] == ["starter"]
    assert not [r for r in sandbox.requests() if "/repos/dls/starter" in r["path"]]
