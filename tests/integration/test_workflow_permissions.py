"""Least privilege, verified: each reusable workflow's App token holds exactly what its command
uses. The permissions are parsed from the workflow files, so the two cannot drift: the command
runs on the sandbox with a token minted with exactly those, must meet no 403 (it needs no more),
and must have used every permission granted (the workflow grants no more), judged from the
request log with the table below (GitHub's "Permissions required for GitHub Apps")."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from support import ROOT

from .test_check import at, proposal, push

pytestmark = pytest.mark.integration

WORKFLOWS = ROOT / ".github" / "workflows"
APP_TOKEN_ACTION = "actions/create-github-app-token@"
RANK = {"read": 1, "write": 2}

# (methods, path pattern) -> (permission, level); the first match wins; None: no permission.
ROUTES: list[tuple[str, str, tuple[str, str] | None]] = [
    ("GET", r"/user|/users/[^/]+|/rate_limit", None),
    ("GET", r"/orgs/[^/]+|/orgs/[^/]+/repos|/repos/[^/]+/[^/]+(/collaborators.*)?", None),
    ("PATCH", r"/orgs/[^/]+", ("organization_administration", "write")),
    ("GET", r"/orgs/[^/]+/(members|invitations|failed_invitations|teams|memberships)(/.*)?",
     ("members", "read")),
    ("PUT", r"/orgs/[^/]+/teams/[^/]+/repos/.*", ("administration", "write")),
    ("POST PUT DELETE PATCH", r"/orgs/[^/]+/teams(/.*)?", ("members", "write")),
    ("POST", r"/orgs/[^/]+/repos|/repos/[^/]+/[^/]+/generate", ("administration", "write")),
    ("GET", r"/repos/[^/]+/[^/]+/(git|contents|commits|branches|activity|tarball|zipball)(/.*)?",
     ("contents", "read")),
    ("POST PUT PATCH DELETE", r"/repos/[^/]+/[^/]+/(git|contents)/.*", ("contents", "write")),
    ("GET", r"/repos/[^/]+/[^/]+/(issues|labels|milestones|assignees)(/.*)?", ("issues", "read")),
    ("POST PUT PATCH DELETE", r"/repos/[^/]+/[^/]+/(issues|labels|milestones)(/.*)?",
     ("issues", "write")),
]


def app_token_permissions(workflow: str, job: str) -> dict[str, str]:
    """The `permission-*` inputs of the job's create-github-app-token step, as GitHub names
    the permissions (`permission-organization-administration` -> organization_administration)."""
    doc = yaml.safe_load((WORKFLOWS / workflow).read_text())
    steps = [s for s in doc["jobs"][job]["steps"] if str(s.get("uses", "")).startswith(
        APP_TOKEN_ACTION)]
    assert len(steps) == 1, (workflow, job)
    return {k.removeprefix("permission-").replace("-", "_"): v
            for k, v in steps[0]["with"].items() if k.startswith("permission-")}


def job_permissions(workflow: str, job: str) -> dict:
    return yaml.safe_load((WORKFLOWS / workflow).read_text())["jobs"][job].get("permissions")


def used_permissions(requests: list[dict]) -> dict[str, str]:
    used: dict[str, str] = {}
    for r in requests:
        if r.get("git"):
            continue
        path = r["path"].split("?")[0].removeprefix("/api/v3")
        found = [perm for methods, pattern, perm in ROUTES
                 if r["method"] in methods.split() and re.fullmatch(pattern, path)]
        assert found, f"no permission known for {r['method']} {path}: add it to ROUTES"
        perm = found[0]
        if perm and RANK[perm[1]] > RANK.get(used.get(perm[0], ""), 0):
            used[perm[0]] = perm[1]
    return used


def run_with_workflow_token(env, workflow: str, job: str, *args: str, extra_used=()):
    grant = app_token_permissions(workflow, job)
    env.tokens["app"] = env.sandbox.create_installation("dls", permissions=grant)
    env.sandbox.clear_requests()
    res = env.run(*args, as_user="app")
    reqs = env.sandbox.requests()
    # GET /user is refused to every installation token: that is how the tool knows it has one
    refused = [f"{r['method']} {r['path']}" for r in reqs
               if r["status"] == 403 and r["path"] != "/user"]
    assert not refused, f"{workflow} {job}: the token needs more than it is given: {refused}\n{res}"
    assert res.code in (0, 1), res
    used = used_permissions(reqs)
    for perm, level in extra_used:
        used[perm] = level
    granted = {k: v for k, v in grant.items() if k != "metadata"}
    assert granted == used, f"{workflow} {job}: granted {granted}, used {used}"
    # The job's own GITHUB_TOKEN only checks out the course file.
    assert job_permissions(workflow, job) == {"contents": "read"}
    return res


def _writes_workflow_files(template: Path) -> bool:
    return any(p.is_file() for p in (template / ".github" / "workflows").glob("*"))


def test_provision_workflow_token_is_exactly_what_provisioning_uses(course_env):
    # A fresh github.com org: the base permission is fixed, the starter files hold a workflow.
    template = ROOT / "templates" / "repo"
    assert _writes_workflow_files(template)  # so it needs workflows: write (GitHub's rule)
    res = run_with_workflow_token(course_env, "provision.yml", "provision", "provision", "--yes",
                                  extra_used=[("workflows", "write")])
    assert res.code == 0, res
    course_env.join()
    assert course_env.gh("alice").get_repo("dls/final-sparse-squad").get_contents(
        ".github/workflows/deliverables.yml")


def test_deadline_check_and_dashboard_tokens_are_exactly_what_they_use(semester):
    env = semester
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    env.sandbox.set_clock(at("2026-10-11T12:00:00-04:00"))
    ledger = str(env.dir / "ledger.json")
    res = run_with_workflow_token(env, "deadline-check.yml", "check", "check", "--milestone",
                                  "proposal", "--ledger", ledger)
    assert res.code == 1, res  # two teams missed the proposal: issues opened
    tags = env.gh().get_repo("dls/final-sparse-squad").get_git_matching_refs(
        "tags/submission/")
    assert [t.ref for t in tags] == ["refs/tags/submission/proposal"]
    env.sandbox.advance(timedelta(minutes=5))
    out = env.dir / "out"
    run_with_workflow_token(env, "deadline-check.yml", "dashboard", "status", "--ledger", ledger,
                            "--html", str(out / "index.html"), "--markdown",
                            str(out / "status.md"))


def test_collect_workflow_token_is_exactly_what_collect_uses(semester):
    env = semester
    push(env, "alice", "sparse-squad", {"proposal.md": proposal()})
    env.sandbox.set_clock(at("2026-12-13T12:00:00-05:00"))
    run_with_workflow_token(env, "collect.yml", "collect", "collect", "-o",
                            str(env.dir / "collected"))


def test_a_missing_permission_stops_the_run_at_once_with_one_line(course_env):
    env, sb = course_env, course_env.sandbox
    grant = app_token_permissions("provision.yml", "provision")
    grant["members"] = "read"  # an App configured with too little
    env.tokens["app"] = sb.create_installation("dls", permissions=grant)
    sb.clear_requests()
    res = env.run("provision", "--yes", as_user="app")
    assert res.code == 2, res
    assert res.err.strip().splitlines() == [
        "the token lacks a GitHub permission: creating team staff (POST /orgs/dls/teams) needs "
        "members: write; grant it in the GitHub App's permissions (Settings > Developer "
        "settings > GitHub Apps) and in the workflow's create-github-app-token step "
        "(`permission-members: write`), or for a fine-grained token in its settings; then rerun"]
    refused = [r for r in sb.requests() if r["status"] == 403 and r["path"] != "/user"]
    assert len(refused) == 1  # no avalanche: nothing was tried after it
    assert sb.requests()[-1] is not None and sb.requests()[-1]["path"] == "/orgs/dls/teams"
    assert "FAILED" not in res.out and "rerun the same command" not in res.out


def test_a_permission_missing_for_every_team_is_one_error_not_one_per_team(course_env):
    env, sb = course_env, course_env.sandbox
    grant = app_token_permissions("provision.yml", "provision")
    del grant["workflows"]  # the starter files hold .github/workflows/deliverables.yml
    env.tokens["app"] = sb.create_installation("dls", permissions=grant)
    sb.clear_requests()
    res = env.run("provision", "--yes", as_user="app")
    assert res.code == 2, res
    [line] = res.err.strip().splitlines()
    assert line.startswith("the token lacks a GitHub permission: ")
    assert "dls/final-sparse-squad" in line and "needs contents: write and workflows: write" \
        in line and "`permission-workflows: write`" in line
    assert [r["path"] for r in sb.requests() if r["status"] == 403 and r["path"] != "/user"] \
        == [sb.requests()[-1]["path"]]
    assert not [r for r in sb.requests() if "dense-crew" in r["path"]]  # the run stopped there
