"""`check --local` as a student runs it: on a rendered starter repository, with no token."""

from __future__ import annotations

import json
import time

import pytest

from classroom_ops.config import load_course
from classroom_ops.provision.render import read_template_dir, render_team_files
from support import EXAMPLE, ROOT


@pytest.fixture
def checkout(tmp_path):
    course = load_course(EXAMPLE)
    files = render_team_files(read_template_dir(ROOT / "templates" / "repo"), course,
                              course.teams[0])
    for path, data in files.items():
        p = tmp_path / "repo" / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return tmp_path / "repo"


@pytest.mark.e2e
def test_fail_on_due_counts_only_milestones_already_due(checkout, run_cli):
    before_all = run_cli("check", "--local", str(checkout), "--fail-on", "due",
                         "--at", "2026-09-01T12:00:00-04:00")
    assert before_all.code == 0, before_all
    after_proposal = run_cli("check", "--local", str(checkout), "--fail-on", "due",
                             "--at", "2026-10-10T12:00:00-04:00",
                             "--json", str(checkout.parent / "r.json"))
    assert after_proposal.code == 1
    assert "proposal: incomplete" in after_proposal.out
    report = json.loads((checkout.parent / "r.json").read_text())
    assert report["at"] == "2026-10-10T12:00:00-04:00"
    assert run_cli("check", "--local", str(checkout), "--at", "tomorrow").code == 2


@pytest.mark.e2e
def test_a_student_edited_rules_file_is_a_clear_error(checkout, run_cli):
    rules = checkout / ".github" / "classroom.yml"
    rules.write_text("milestones:\n  - id: proposal\n    title: P\n    due: soon\n")
    res = run_cli("check", "--local", str(checkout))
    assert res.code == 2 and "Traceback" not in res.err
    assert "due 'soon' is not an ISO time" in res.err
    rules.write_text("milestones: [1, 2]\n")
    res = run_cli("check", "--local", str(checkout))
    assert res.code == 2 and "restore the file" in res.err
    rules.unlink()
    res = run_cli("check", "--local", str(checkout))
    assert res.code == 2 and "provisioning writes this file" in res.err


@pytest.mark.e2e
def test_hostile_checkout_gives_findings(checkout, run_cli):
    (checkout / "proposal.md").write_bytes(b"\x00\x01binary" * 1000)
    (checkout / "TEAM.md").unlink()
    (checkout / "TEAM.md").symlink_to("/etc/passwd")
    res = run_cli("check", "--local", str(checkout), "--milestone", "proposal")
    assert res.code == 1 and "Traceback" not in res.err
    assert "proposal.md is not text" in res.out
    res = run_cli("check", "--local", str(checkout), "--milestone", "team-formation")
    assert res.code == 1 and "root:" not in res.out  # the link is judged, never followed


@pytest.mark.e2e
def test_an_alias_bomb_in_the_rules_file_is_one_short_error(checkout, run_cli):
    """8 levels of 10 aliases each: 10^8 values that took 26 s and a 52 MB message to refuse."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 9):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
    lines.append("milestones: *a8")
    (checkout / ".github" / "classroom.yml").write_text("\n".join(lines) + "\n")
    start = time.monotonic()
    res = run_cli("check", "--local", str(checkout))
    assert time.monotonic() - start < 10
    assert res.code == 2 and "Traceback" not in res.err
    assert "aliases" in res.err and "restore the file" in res.err
    assert len(res.err) < 1_000
