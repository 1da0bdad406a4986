"""The sandbox as a separate process: `python -m classroom_ops.sandbox`, SIGTERM, restart."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from github import Auth, Github

from . import openapi_check
from .gitcli import authed, git

pytestmark = pytest.mark.integration


def start(state_dir: Path, info: Path, seed: Path | None = None) -> tuple[subprocess.Popen, dict]:
    cmd = [sys.executable, "-m", "classroom_ops.sandbox", "--port", "0", "--info-file",
           str(info), "--state-dir", str(state_dir)]
    if seed:
        cmd += ["--seed", str(seed)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 15
    while not info.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"sandbox did not start: {proc.communicate()}")
        time.sleep(0.05)
    return proc, json.loads(info.read_text())


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0
    return out


def test_state_survives_a_restart(tmp_path):
    state_dir, info = tmp_path / "state", tmp_path / "info.json"
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"orgs": [{"login": "course", "owners": ["prof"],
                                          "members": ["stu"]}]}))
    proc, first = start(state_dir, info, seed)
    try:
        assert set(first) >= {"api_url", "git_url", "admin_token", "pid"}
        assert first["pid"] == proc.pid
        prof = first["tokens"]["prof"]
        gh = Github(base_url=first["api_url"], auth=Auth.Token(prof), retry=None)
        repo = gh.get_organization("course").create_repo("kept", private=True, auto_init=True)
        repo.create_issue("survives")
        work = tmp_path / "w"
        git("clone", "-q", authed(f"{first['git_url']}/course/kept.git", prof), str(work))
        (work / "pushed.txt").write_text("pushed\n")
        git("add", ".", cwd=work)
        git("commit", "-q", "-m", "pushed", cwd=work)
        git("push", "-q", "origin", "main", cwd=work)
        gh.close()
    finally:
        out = stop(proc)
    assert first["api_url"] in out and first["admin_token"] in out
    assert not info.exists()

    proc, second = start(state_dir, info)
    try:
        assert second["admin_token"] == first["admin_token"]
        gh = Github(base_url=second["api_url"], auth=Auth.Token(prof), retry=None)
        repo = gh.get_repo("course/kept")
        assert [i.title for i in repo.get_issues()] == ["survives"]
        assert repo.get_contents("pushed.txt").decoded_content == b"pushed\n"
        _, events = gh.requester.requestJsonAndCheck("GET", "/repos/course/kept/activity")
        assert [e["activity_type"] for e in events] == ["push"]
        gh.close()
    finally:
        stop(proc)


def test_temporary_state_is_removed_on_stop():
    from classroom_ops.sandbox import Sandbox

    with Sandbox(capture=True) as sb:
        sb.create_org("tmp-org", owners=["o"])
        path = sb.app.data_dir
        assert path.exists()
        gh = Github(base_url=sb.api_url, auth=Auth.Token(sb.token("o")), retry=None)
        assert gh.get_organization("tmp-org").login == "tmp-org"
        gh.close()
        assert openapi_check.validate(sb.exchanges()) == (1, [])
    assert not path.exists()
