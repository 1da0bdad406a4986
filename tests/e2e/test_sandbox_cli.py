"""`classroom-ops sandbox` as an instructor starts it for a rehearsal."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from github import Auth, Github

from support import EXAMPLE


@pytest.mark.e2e
def test_sandbox_seeds_the_course_and_stops_cleanly(tmp_path):
    info = tmp_path / "info.json"
    state = tmp_path / "state"
    proc = subprocess.Popen(
        [sys.executable, "-m", "classroom_ops", "sandbox", "--port", "0", "--config",
         str(EXAMPLE), "--info-file", str(info), "--state", str(state)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not info.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        data = json.loads(info.read_text())
        assert set(data) >= {"api_url", "git_url", "admin_token", "pid"}
        assert data["pid"] == proc.pid
        gh = Github(base_url=data["api_url"], auth=Auth.Token(data["tokens"]["prof-lee"]),
                    retry=None)
        org = gh.get_organization("dls-fall-2026")
        members = {m.login for m in org.get_members()}
        # as on github.com: the staff are members; the 36 students are users, whom
        # provisioning will invite
        assert {"prof-lee", "ta-kim"} <= members and len(members) == 3
        assert "alice-ng" in data["tokens"] and "jade-wu" in data["tokens"]
        assert gh.get_user("alice-ng").login == "alice-ng"
        assert gh.get_user().login == "prof-lee"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert data["api_url"] in out and "Traceback" not in err
    assert not info.exists()  # removed on a clean stop
    assert state.is_dir() and any(state.iterdir())  # kept for the next start


@pytest.mark.e2e
def test_schema_published_for_editors_matches_the_one_in_use(run_cli):
    from support import ROOT

    res = run_cli("schema")
    assert res.code == 0
    published = (ROOT / "docs" / "classroom.schema.json").read_text()
    assert json.loads(res.out) == json.loads(published)


@pytest.mark.e2e
def test_every_key_of_the_course_file_is_documented():
    from classroom_ops.config.schema import schema
    from support import ROOT

    doc = (ROOT / "docs" / "course-file.md").read_text()

    def keys(node, out):
        if isinstance(node, dict):
            for k, v in node.get("properties", {}).items():
                out.add(k)
                keys(v, out)
            for v in node.get("$defs", {}).values():
                keys(v, out)
            if "items" in node:
                keys(node["items"], out)
        return out

    missing = sorted(k for k in keys(schema(), set()) if f"`{k}`" not in doc)
    assert missing == []
