"""`classroom-ops demo --formation`: the registration period (issue 15's "Done when: the demo
shows the registration period"), checked against the sandbox's GitHub, not the demo's files."""

from __future__ import annotations

import json

import pytest
import yaml
from github import Auth, Github

from classroom_ops.demo.formation import FormationDemo
from classroom_ops.sandbox import Sandbox

ORG = "dls-formation"
# The script's outcome (demo/formation.py): who is in which confirmed team, with its area.
TEAMS = {
    "sparse-squad": (["alice-ng", "bo-chen", "carla-diaz"], "Quantization"),
    "dense-crew": (["dev-patel", "emma-wu", "farid-khan"], "Data"),
    "big-four": (["gia-rossi", "hiro-tanaka", "ines-lopez", "jamal-reed"], "Inference"),
    "matched-team-1": (["kai-mueller", "lea-martin", "mo-said"], "Training Efficiency"),
}


@pytest.mark.e2e
def test_the_registration_period_on_the_sandbox(tmp_path, run_cli, monkeypatch):
    lines: list[str] = []
    with Sandbox(content_limit=False) as sb:
        demo = FormationDemo(tmp_path / "demo", lines.append)
        demo.run(sb)
        gh = Github(base_url=sb.api_url, auth=Auth.Token(demo.tokens["prof-lee"]), retry=None,
                    seconds_between_requests=0, seconds_between_writes=0)
        org = gh.get_organization(ORG)
        # provision made exactly the confirmed teams' repositories (Night Owls: none)
        assert {r.name for r in org.get_repos()} == {
            "course-hub", *(f"final-{slug}" for slug in TEAMS)}
        for slug, (members, area) in TEAMS.items():
            team = org.get_team_by_slug(slug)
            assert sorted(m.login for m in team.get_members()) == members, slug
            project = yaml.safe_load(gh.get_repo(f"{ORG}/final-{slug}")
                                     .get_contents("project.yml").decoded_content)
            assert project["area"] == area, slug
        # the hub as the professor reads it after closing
        monkeypatch.setenv("GITHUB_TOKEN", demo.tokens["prof-lee"])
        res = run_cli("-c", str(demo.config), "--api-url", sb.api_url, "teams", "status",
                      "--json", str(tmp_path / "mine.json"))
        assert res.code == 0, res.err
        status = json.loads((tmp_path / "mine.json").read_text())
        assert status["closed"] is True and status["missing"] == ["nia-brown"]
        assert {t["slug"]: (t["state"], t["members"]) for t in status["teams"]} == {
            **{slug: ("confirmed", members) for slug, (members, _) in TEAMS.items()},
            "night-owls": ("problem", ["nia-brown", "carla-diaz"])}
        hub = gh.get_repo(f"{ORG}/course-hub")
        looking = [i.state for i in hub.get_issues(state="all")
                   if i.user.login in ("kai-mueller", "lea-martin")]
        assert looking == ["closed", "closed"]  # each pointed to the matched team
        approvals = [c.user.login for i in hub.get_issues(state="all")
                     for c in i.get_comments() if c.body.startswith("/approve")]
        assert approvals == ["ta-kim"]
    story = "\n".join(lines)
    assert "Big Four named bo-chen and Night Owls carla-diaz, already in Sparse Squad" in story
    assert "made Matched Team 1 of the students in no team: kai-mueller, lea-martin, " \
           "mo-said" in story
    assert ("Big Four confirmed; farid-khan's /confirm: Dense Crew confirmed; in no team yet: "
            "kai-mueller, lea-martin, mo-said") in story
    assert "in no confirmed team: nia-brown" in story


@pytest.mark.e2e
def test_demo_formation_command(tmp_path, run_cli):
    out = tmp_path / "demo"
    res = run_cli("demo", "--formation", "-o", str(out))
    assert res.code == 0, res
    assert "4 confirmed teams provisioned, 1 student(s) in no team" in res.out
    assert ("final-big-four, final-dense-crew, final-matched-team-1, final-sparse-squad"
            in res.out)
    check = (out / "logs" / "check.log").read_text()
    assert "team-formation: nia-brown is in no confirmed team (named in #4 (problem))" in check
