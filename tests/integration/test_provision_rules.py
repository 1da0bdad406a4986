"""Provisioning keeps every team's `.github/classroom.yml` true (issue 14): the starter map is
written at setup, a changed rule reaches every team repository in one write each on the next
rerun, the students' `check --local` then agrees with the official check, and a rerun with
nothing new writes nothing and reads no more than before."""

from __future__ import annotations

import json

import pytest
import yaml

from classroom_ops.provision.render import RULES_PATH, git_blob_sha

from .gitops import clone, git
from .test_check import SECTIONS, at, cells, check, proposal, push

pytestmark = pytest.mark.integration
TEAMS = ("sparse-squad", "dense-crew", "kv-cachers")
AFTER = "2026-10-10T12:00:00-04:00"  # the proposal's deadline has passed


def rules_writes(env) -> list[tuple[str, str]]:
    return sorted((w["method"], w["path"]) for w in env.writes())


def local(env, run_cli, dest):
    return run_cli("check", "--local", str(dest), "--milestone", "proposal", "--at", AFTER)


def test_a_changed_rule_reaches_every_team_in_one_write_and_local_agrees(semester, run_cli):
    env, sb = semester, semester.sandbox
    # At setup: the rules file carries the starter map, so --local knows the starter at once.
    gh = env.gh()
    for slug in TEAMS:
        repo = gh.get_repo(f"dls/final-{slug}")
        rules = yaml.safe_load(repo.get_contents(RULES_PATH).decoded_content)
        starter = rules["starter"]
        assert starter["proposal.md"] == git_blob_sha(
            repo.get_contents("proposal.md").decoded_content)
        assert RULES_PATH not in starter
    fresh = clone(sb, env.tokens["gina"], "dls/final-kv-cachers", env.work / "kv")
    res = local(env, run_cli, fresh)
    assert res.code == 1 and "proposal.md is still the starter file" in res.out, res.out

    # dense-crew leaves out Evaluation; the instructor then drops that section from the rules.
    sb.set_clock(at("2026-10-08T20:00:00-04:00"))
    push(env, "dave", "dense-crew", {"proposal.md": proposal(SECTIONS[:4] + SECTIONS[5:])})
    dest = env.work / "dls__final-dense-crew"
    sb.set_clock(at(AFTER))
    env.config.write_text(env.config.read_text().replace(" Evaluation,", ""))
    assert check(env, "--milestone", "proposal", "--no-issues").code == 1
    assert cells(env)[("dense-crew", "proposal")]["status"] == "on_time"
    res = local(env, run_cli, dest)
    assert res.code == 1 and "Evaluation" in res.out  # the students' copy still says otherwise

    sb.clear_requests()
    plan = env.run("provision", "--dry-run")
    assert plan.out.count("update .github/classroom.yml (the course's milestones, deadlines "
                          "or rules changed)") == 3
    assert env.writes() == []
    sb.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0, res
    assert rules_writes(env) == [
        ("PUT", f"/repos/dls/final-{slug}/contents/.github/classroom.yml")
        for slug in sorted(TEAMS)]  # exactly one write per team
    git("pull", "-q", cwd=dest)
    res = local(env, run_cli, dest)
    assert res.code == 0 and "proposal: ready" in res.out, res.out  # agrees with the check
    rules = yaml.safe_load((dest / RULES_PATH).read_text())
    assert "Evaluation" not in json.dumps(rules["milestones"])
    assert rules["starter"]["proposal.md"]  # the setup's starter map is kept
    git("pull", "-q", cwd=fresh)
    assert "proposal.md is still the starter file" in local(env, run_cli, fresh).out

    # A second rerun writes nothing and reads no rules file: the record says they are current.
    sb.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 0 and "nothing to do: up to date" in res.out
    assert env.writes() == []
    baseline = len(sb.requests())
    assert not [r for r in sb.requests() if "/contents/" in r["path"]]

    # Without the record (another machine): one read per team, still no write.
    (env.dir / ".classroom-ops" / "rules-files.json").unlink()
    sb.clear_requests()
    assert env.run("provision", "--yes").code == 0
    assert env.writes() == []
    assert len([r for r in sb.requests() if "/contents/" in r["path"]]) == 3
    assert len(sb.requests()) == baseline + 3
    sb.clear_requests()
    assert env.run("provision", "--yes").code == 0
    assert len(sb.requests()) == baseline  # recorded again


def test_a_student_edit_of_the_rules_file_is_put_back_when_the_rules_change(semester):
    env, sb = semester, semester.sandbox
    push(env, "alice", "sparse-squad", {RULES_PATH: "milestones: []\n"})
    sb.clear_requests()
    assert env.run("provision", "--yes").code == 0
    assert env.writes() == []  # the rules did not change: the record says nothing to read
    env.config.write_text(env.config.read_text().replace(" Evaluation,", ""))
    sb.clear_requests()
    assert env.run("provision", "--yes").code == 0
    assert rules_writes(env) == [
        ("PUT", f"/repos/dls/final-{slug}/contents/.github/classroom.yml")
        for slug in sorted(TEAMS)]
    text = env.gh().get_repo("dls/final-sparse-squad").get_contents(RULES_PATH).decoded_content
    rules = yaml.safe_load(text)
    assert rules["team"]["slug"] == "sparse-squad" and "starter" not in rules  # theirs had none
