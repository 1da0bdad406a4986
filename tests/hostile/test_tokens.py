"""Tokens against careless set-ups and chatty servers: stripped when read, never printed -- not
in `--debug` tracebacks, not in `--json` reports, not when a server echoes one back -- and
`--debug` and Ctrl-C keep the exit codes and say what was done."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime

import pytest

pytestmark = pytest.mark.integration

OTHER = "ghs_" + "A1b2C3d4" * 5  # an App installation token some server message quotes


def test_a_token_pasted_with_its_trailing_newline_works_and_is_never_printed(course_env):
    token = course_env.tokens["prof-lee"]
    course_env.monkeypatch.setenv("GITHUB_TOKEN", token + "\n")
    res = course_env.run_cli("provision", "--dry-run", "--debug", "-c", str(course_env.config),
                             "--api-url", course_env.sandbox.api_url)
    assert res.code == 0, res
    assert "25 changes for 3 teams" in res.out  # 24 + the base permission (issue 13)
    assert token not in res.out + res.err


def test_a_token_echoed_by_the_server_is_redacted_in_output_and_json(semester):
    env = semester
    token = env.tokens["prof-lee"]
    env.sandbox.set_clock(datetime.fromisoformat("2026-10-12T09:00:00-04:00"))  # after week 6
    env.sandbox.add_fault(match={"method": "GET", "path_regex": "final-sparse-squad"},
                          kind="status", status=422,
                          message=f"token {token} lacks access (also tried {OTHER})")
    report = env.dir / "check.json"
    res = env.run("check", "--milestone", "proposal", "--no-issues", "--dry-run",
                  "--json", str(report))
    assert res.code == 1, res
    text = report.read_text()
    assert token not in res.out + res.err + text and OTHER not in res.out + res.err + text
    cell = next(c for c in json.loads(text)["cells"] if c["team"] == "sparse-squad")
    assert cell["status"] == "error"
    assert "token *** lacks access (also tried ***)" in json.dumps(cell)
    assert "error: sparse-squad proposal: " in res.out and "token *** lacks access" in res.out


def test_debug_tracebacks_are_redacted_and_keep_the_exit_code(tmp_path, run_cli, monkeypatch):
    from classroom_ops.commands import course_cmds

    token = "gho_" + "Z9y8X7w6" * 5
    monkeypatch.setenv("GITHUB_TOKEN", token + "\n")

    def boom(path):
        raise RuntimeError(f"unexpected: Authorization: token {token}")

    monkeypatch.setattr(course_cmds, "load_course", boom)
    res = run_cli("validate", "-c", str(tmp_path / "c.yml"), "--debug")
    assert res.code == 1  # an internal error, as without --debug
    assert "Traceback (most recent call last):" in res.err
    assert "RuntimeError: unexpected: Authorization: token ***" in res.err
    assert token not in res.err and token[:20] not in res.err
    res = run_cli("validate", "-c", str(tmp_path / "c.yml"))
    assert res.code == 1 and "Traceback" not in res.err
    assert "internal error: RuntimeError: unexpected: Authorization: token ***" in res.err


def test_ctrl_c_says_how_much_was_written_and_a_rerun_finishes(course_env):
    sb = course_env.sandbox
    sb.clear_requests()
    sb.add_fault(match={"path_regex": "."}, kind="latency", latency_ms=60)
    env = dict(os.environ, GITHUB_TOKEN=course_env.tokens["prof-lee"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "classroom_ops", "provision", "--yes", "-c",
         str(course_env.config), "--api-url", sb.api_url],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if sum(1 for r in sb.requests() if r["method"] != "GET") >= 4:
                proc.send_signal(signal.SIGINT)
                break
            time.sleep(0.005)
        out, err = proc.communicate(timeout=60)
    finally:
        sb.clear_faults()
    assert proc.returncode == 130, (out, err)
    m = re.search(r"interrupted after (\d+) writes to GitHub; rerun the same command to finish "
                  r"the job \(it picks up where this run stopped and is safe to run twice\)", err)
    assert m, err
    seen = sum(1 for r in sb.requests() if r["method"] != "GET")
    assert seen - 1 <= int(m.group(1)) <= seen + 1  # one write may be in flight either way
    assert "Traceback" not in err
    res = course_env.run("provision", "--yes")
    assert res.code == 0, res
    assert course_env.run("provision", "--dry-run").out.count("nothing to do") == 1


def test_ctrl_c_before_any_write_says_so(course_env):
    sb = course_env.sandbox
    sb.clear_requests()
    sb.add_fault(match={"path_regex": "."}, kind="latency", latency_ms=60)
    env = dict(os.environ, GITHUB_TOKEN=course_env.tokens["prof-lee"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "classroom_ops", "provision", "--dry-run", "-c",
         str(course_env.config), "--api-url", sb.api_url],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if len(sb.requests()) >= 2:
                proc.send_signal(signal.SIGINT)
                break
            time.sleep(0.005)
        out, err = proc.communicate(timeout=60)
    finally:
        sb.clear_faults()
    assert proc.returncode == 130, (out, err)
    assert err.strip().endswith("interrupted before anything was written to GitHub; rerun the "
                                "same command when ready"), err
    assert course_env.writes() == []
