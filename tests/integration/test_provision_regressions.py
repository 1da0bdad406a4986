"""Provisioning regressions found in review."""

from __future__ import annotations

import pytest

from .test_check import proposal, push

pytestmark = pytest.mark.integration


def test_a_deleted_team_is_recreated_without_touching_the_students_work(semester):
    env = semester
    push(env, "alice", "sparse-squad", {"README.md": "# Ours\n", "proposal.md": proposal()})
    env.gh().get_organization("dls").get_team_by_slug("sparse-squad").delete()
    res = env.run("provision", "--yes")
    assert res.code == 0, res
    assert "write starter files dls/final-sparse-squad" not in res.out
    repo = env.gh().get_repo("dls/final-sparse-squad")
    assert repo.get_contents("README.md").decoded_content == b"# Ours\n"
    team = env.gh().get_organization("dls").get_team_by_slug("sparse-squad")
    assert sorted(m.login for m in team.get_members()) == ["alice", "bob", "carol"]


def test_a_renamed_repository_pattern_gives_the_existing_teams_access(semester):
    env = semester
    env.config.write_text(env.config.read_text().replace('name: "final-{team}"',
                                                         'name: "dls-{team}"'))
    res = env.run("provision", "--yes")
    assert res.code == 0, res
    assert "set team permission push on dls/dls-kv-cachers" in res.out
    gina = env.gh("gina").get_repo("dls/dls-kv-cachers")
    assert gina.permissions.push
    assert env.run("provision", "--dry-run").out.count("nothing to do") == 1


def test_a_team_permission_beyond_push_is_set_after_creating_the_team(course_env):
    env = course_env
    env.config.write_text(env.config.read_text().replace("permission: push",
                                                         "permission: maintain"))
    assert env.run("provision", "--yes").code == 0
    posts = [r for r in env.sandbox.requests() if r["method"] == "POST"
             and r["path"] == "/orgs/dls/teams"]
    assert posts
    env.join("gina")
    assert env.gh("gina").get_repo("dls/final-kv-cachers").permissions.maintain


def test_a_repository_name_with_another_placeholder_is_a_config_error(course_env):
    env = course_env
    env.config.write_text(env.config.read_text().replace('name: "final-{team}"',
                                                         'name: "{term}-{team}"'))
    res = env.run("validate")
    assert res.code == 2 and "may use only {team} as a placeholder" in res.err
