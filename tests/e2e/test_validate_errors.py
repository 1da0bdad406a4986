"""A corpus of broken course files: each gives its precise message at FILE:LINE:COL and exit 2."""

from __future__ import annotations

import pytest

GOOD = """\
course:
  name: Deep Learning at Scale
  term: fall-2026
  org: dls-fall-2026
  timezone: America/New_York
  start: 2026-08-31
staff:
  members: [prof-lee]
repos:
  template: dls/template
  name: "final-{team}"
teams:
  - name: Sparse Squad
    members: [alice, bob, carol]
  - name: Dense Crew
    members: [dave, erin, frank]
milestones:
  - id: proposal
    title: Project Proposal
    due: week 6
    deliverables:
      - path: proposal.md
        sections: [Problem Statement]
  - id: final-report
    title: Final Report
    due: 2026-12-11 23:59
    deliverables:
      - path: report/final.pdf
        max_pages: 8
policy:
  grace: 15m
  extensions:
    - {team: sparse-squad, milestone: proposal, until: 2026-10-12 23:59}
"""

# (id, (old, new) replacement in GOOD, expected "LINE:COL: message" fragment)
CASES = [
    ("unknown-top-key", ("policy:\n", "polcy:\n"),
     "30:1: unknown key 'polcy' in the file; allowed keys: archive, course, formation, milestones, "
     "policy, repos, roster, staff, teams; did you mean 'policy'?"),
    ("unknown-nested-key", ("  grace: 15m", "  grace: 15m\n  grase: 1h"),
     "32:3: unknown key 'grase' in policy; allowed keys: extensions, grace; did you mean 'grace'?"),
    ("missing-org", ("  org: dls-fall-2026\n", ""), "2:3: course is missing the required key 'org'"),
    ("bad-login", ("[alice, bob, carol]", "[alice, -bob, carol]"),
     "14:22: teams[0].members[1] '-bob' is not a possible GitHub login"),
    ("student-in-two-teams", ("[dave, erin, frank]", "[dave, erin, alice]"),
     "16:27: 'alice' is in two teams: 'Sparse Squad' and 'Dense Crew'"),
    ("empty-team", ("[dave, erin, frank]", "[]"), "15:11: team 'Dense Crew' has no members"),
    ("same-slug", ("name: Dense Crew", "name: sparse squad!"),
     "15:11: teams 'Sparse Squad' and 'sparse squad!' both have the slug 'sparse-squad'"),
    ("unknown-milestone-in-extension", ("milestone: proposal,", "milestone: propsal,"),
     "unknown milestone 'propsal'; known: proposal, final-report; did you mean 'proposal'?"),
    ("unknown-team-in-extension", ("{team: sparse-squad", "{team: sparse-sqaud"),
     "33:14: unknown team 'sparse-sqaud'"),
    ("path-escapes", ("path: proposal.md", "path: ../proposal.md"),
     "22:15: deliverable path '../proposal.md' escapes the repository"),
    ("absolute-path", ("path: report/final.pdf", "path: /etc/passwd"),
     "28:15: deliverable path '/etc/passwd' is absolute"),
    ("deadlines-out-of-order", ("due: 2026-12-11 23:59", "due: 2026-09-01"),
     "26:10: milestone 'final-report' is due before 'proposal'"),
    ("unreadable-deadline", ("due: week 6", "due: next friday"),
     "20:10: cannot read the deadline 'next friday'"),
    ("bad-timezone", ("America/New_York", "America/New_Yrok"),
     "5:13: unknown time zone 'America/New_Yrok'"),
    ("wrong-type", ("max_pages: 8", "max_pages: eight"),
     "29:20: milestones[1].deliverables[0].max_pages must be a whole number, not 'eight'"),
    ("bad-permission", ('  name: "final-{team}"', '  name: "final-{team}"\n  permission: write'),
     "12:15: repos.permission is 'write'; use one of: pull, triage, push, maintain, admin"),
    ("repo-name-without-team", ('name: "final-{team}"', 'name: "final"'),
     "11:9: repos.name 'final' must contain {team}"),
    ("duplicate-key", ("  term: fall-2026\n", "  term: fall-2026\n  term: spring-2027\n"),
     "4:3: duplicate key 'term' (first at line 3)"),
    ("yaml-syntax", ("    members: [alice, bob, carol]", "    members: [alice, bob, carol"),
     "YAML syntax error"),
    ("teams-and-roster", ("teams:\n", "roster: r.csv\nteams:\n"),
     "give the teams either inline under 'teams:' or as a CSV under 'roster:', not both"),
    ("min-over-max", ("max_pages: 8", "max_pages: 8\n        min_pages: 9"),
     "30:20: min_pages (9) is more than max_pages (8)"),
    ("path-and-any-of", ("- path: proposal.md", "- any_of: [a.md]\n        path: proposal.md"),
     "22:9: a deliverable needs either 'path' or 'any_of' (not both)"),
    ("bad-grace", ("grace: 15m", "grace: soon"), "31:10: policy.grace 'soon' must be a duration"),
    ("bad-max-size", ("max_pages: 8", "max_size: lots"), "29:19: milestones[1].deliverables[0]"
     ".max_size 'lots' must be a size like 500KB, 20MB or 1GB"),
]


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_broken_course_file_gives_precise_message(case, tmp_path, run_cli):
    _, (old, new), expected = case
    assert old in GOOD, f"test case does not apply: {old!r}"
    f = tmp_path / "classroom.yml"
    f.write_text(GOOD.replace(old, new, 1))
    res = run_cli("validate", "-c", str(f))
    assert res.code == 2, res
    assert "Traceback" not in res.err
    assert f"{f}:" in res.err
    assert expected in res.err, res.err
    assert res.out == ""  # nothing printed as if it were valid


@pytest.mark.e2e
def test_good_file_validates(tmp_path, run_cli):
    f = tmp_path / "classroom.yml"
    f.write_text(GOOD)
    res = run_cli("validate", "-c", str(f))
    assert res.code == 0, res
    line = next(ln for ln in res.out.splitlines() if ln.strip().startswith("proposal"))
    assert "Fri 09 Oct 2026 23:59 EDT" in line and "2026-10-10 03:59Z" in line
    assert res.out.rstrip().endswith(": valid")


@pytest.mark.e2e
def test_all_shape_errors_are_reported_at_once(tmp_path, run_cli):
    f = tmp_path / "classroom.yml"
    f.write_text(GOOD.replace("[alice, bob, carol]", "[alice, bob-, carol]")
                 .replace("max_pages: 8", "max_pages: many").replace("grace:", "grase:"))
    res = run_cli("validate", "-c", str(f))
    assert res.code == 2
    assert "'bob-' is not a possible GitHub login" in res.err
    assert "max_pages must be a whole number, not 'many'" in res.err
    assert "unknown key 'grase'" in res.err
    assert "3 errors in the course file" in res.err


@pytest.mark.e2e
def test_all_meaning_errors_are_reported_at_once(tmp_path, run_cli):
    f = tmp_path / "classroom.yml"
    f.write_text(GOOD.replace("[dave, erin, frank]", "[dave, erin, alice]")
                 .replace("due: week 6", "due: whenever")
                 .replace("path: proposal.md", "path: ../x.md"))
    res = run_cli("validate", "-c", str(f))
    assert res.code == 2
    lines = res.err.splitlines()
    assert [ln.split(": ", 1)[0].rsplit(":", 2)[-2] for ln in lines[:-1]] == ["16", "20", "22"]
    assert "3 errors in the course file" in lines[-1]


@pytest.mark.e2e
def test_missing_and_empty_files(tmp_path, run_cli):
    res = run_cli("validate", "-c", str(tmp_path / "nope.yml"))
    assert res.code == 2 and "nope.yml: no such file; write one with `classroom-ops init`" in res.err
    empty = tmp_path / "empty.yml"
    empty.write_text("")
    res = run_cli("validate", "-c", str(empty))
    assert res.code == 2 and "the course file is empty" in res.err
