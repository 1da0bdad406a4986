"""Provisioning never takes over a team or repository it cannot prove it made (issue 19), and
finishes what it did make: an empty repository of ours is filled at once, a create that a killed
run already made is adopted."""

from __future__ import annotations

import time

import pytest

from classroom_ops.adapter import GitHub
from classroom_ops.provision import prepare

pytestmark = pytest.mark.integration

MARK = "Deep Learning at Scale: Sparse Squad"  # what provisioning writes as the description


def test_an_existing_team_with_a_course_teams_name_is_not_adopted(course_env):
    env = course_env
    org = env.gh().get_organization("dls")
    org.create_team("Sparse Squad", description="the robotics club", privacy="closed")
    env.sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 2, res
    assert "sparse-squad: the organization already has a team 'Sparse Squad' that " \
           "classroom-ops did not make" in res.err
    assert "nothing was written" in res.err
    assert env.writes() == []


def test_a_new_team_whose_slug_is_taken_by_another_team_is_refused(course_env):
    env = course_env
    env.gh().get_organization("dls").create_team("Sparse-Squad!", privacy="closed")
    env.sandbox.clear_requests()
    res = env.run("provision", "--dry-run")
    assert res.code == 2, res
    assert "would collide with the existing team 'Sparse-Squad!' (slug 'sparse-squad')" in res.err


def test_a_course_team_named_like_the_staff_team_is_a_config_error(course_env):
    env = course_env
    env.config.write_text(env.config.read_text().replace("name: Dense Crew", "name: Staff"))
    res = env.run("validate")
    assert res.code == 2
    assert "team 'Staff' has the slug 'staff' of the staff team" in res.err
    env.sandbox.clear_requests()
    assert env.run("provision", "--yes").code == 2 and env.writes() == []


def test_a_repository_with_the_teams_name_but_not_ours_is_refused(course_env):
    env = course_env
    # a student who joined the org early made it (members may create repositories by default)
    env.gh().get_organization("dls").create_repo("final-sparse-squad", private=True,
                                                 auto_init=True, description="ours now")
    env.sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 2, res
    assert "repository dls/final-sparse-squad exists and classroom-ops did not make it" in res.err
    assert "(repos.name)" in res.err
    assert env.writes() == []


def test_an_empty_repository_of_ours_is_filled_at_once(course_env):
    env = course_env
    env.gh().get_organization("dls").create_repo("final-sparse-squad", private=True,
                                                 auto_init=False, description=MARK)
    plan = env.run("provision", "--dry-run")
    assert "sparse-squad: write starter files dls/final-sparse-squad (empty repository)" \
        in plan.out
    started = time.monotonic()
    res = env.run("provision", "--yes")
    assert res.code == 0, res
    assert time.monotonic() - started < 20  # no polling for a repository nobody fills
    repo = env.gh().get_repo("dls/final-sparse-squad")
    assert "Sparse Squad" in repo.get_contents("README.md").decoded_content.decode()
    assert repo.get_contents(".github/classroom.yml")
    env.sandbox.clear_requests()
    assert env.run("provision", "--yes").code == 0 and env.writes() == []


@pytest.mark.parametrize("ours", [True, False])
def test_a_create_answered_already_exists_is_adopted_only_when_ours(course_env, ours):
    env = course_env
    gh = GitHub(env.sandbox.api_url, env.tokens["prof-lee"], write_delay=0)
    run = prepare(gh, env.course(), env.dir, None)  # planned while the repository was missing
    # ... and a killed run's create lands now
    env.gh().get_organization("dls").create_repo(
        "final-sparse-squad", private=True, auto_init=True,
        description=MARK if ours else "someone else's")
    results = {r.slug: r for r in run.apply()}
    if ours:
        assert results["sparse-squad"].error is None
        repo = env.gh().get_repo("dls/final-sparse-squad")
        assert repo.get_contents(".github/classroom.yml")
    else:
        assert "already exists and classroom-ops did not make it" in results["sparse-squad"].error
    assert results["dense-crew"].error is None


def test_a_team_a_killed_run_created_after_the_rerun_planned_is_adopted(course_env):
    """The crash test's race (kill after 1 write): the killed run's create-team request was still
    in flight when the rerun read the teams, so the rerun plans to create it and GitHub answers
    422 "Name must be unique for this org" (its words for a team; "already exists" is a
    repository's). That answer is looked up and adopted, as for a repository."""
    env = course_env
    gh = GitHub(env.sandbox.api_url, env.tokens["prof-lee"], write_delay=0)
    run = prepare(gh, env.course(), env.dir, None)  # planned while no team existed
    org = env.gh().get_organization("dls")
    org.create_team("staff", description="Staff of Deep Learning at Scale", privacy="closed")
    org.create_team("Sparse Squad", description=env.course().name + ": Sparse Squad",
                    privacy="closed")
    results = {r.slug: r for r in run.apply()}
    assert all(r.error is None for r in results.values()), results
    teams = {t.name: t for t in org.get_teams()}
    assert set(teams) == {"staff", "Sparse Squad", "Dense Crew", "KV Cachers"}
    assert {m.login for m in teams["staff"].get_members()} == {"prof-lee", "ta-kim"}


def test_a_user_less_token_that_cannot_act_on_the_org_fails_the_pre_flight(course_env):
    env, sb = course_env, course_env.sandbox
    sb.create_org("elsewhere", owners=["prof-lee"])
    env.tokens["other"] = sb.create_installation("elsewhere")  # not installed on dls
    sb.clear_requests()
    res = env.run("provision", "--yes", as_user="other")
    assert res.code == 2, res
    assert "the token has no user (an installation token) and cannot list the teams of 'dls'" \
        in res.err
    assert env.writes() == []


def test_a_staff_team_holding_someone_who_is_not_staff_is_refused(course_env):
    env, sb = course_env, course_env.sandbox
    env.tokens.update(sb.seed({"users": ["mallory"], "orgs": [{"login": "dls",
                                                               "members": ["mallory"]}]}))
    # an early member creates the team the course names as its staff team
    env.gh("mallory").get_organization("dls").create_team(
        "staff", description="Staff of Deep Learning at Scale", privacy="closed")
    sb.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 2, res
    assert "the staff team 'staff' has members the course file does not list as staff: " \
           "mallory" in res.err
    assert env.writes() == []
