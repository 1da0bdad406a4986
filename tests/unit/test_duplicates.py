"""The check, status and collect code says each thing once: `duplicates` (a reviewer's tool that
lists pairs of places sharing six or more lines, by text or by shape) finds no pair there.
Skipped, with the reason, where the tool is not installed (it is not a Python package)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
# The code behind `check`, `status` and `collect`, and what they share.
WATCHED = ("classroom_ops/checks/", "classroom_ops/dashboard/", "classroom_ops/archive/",
           "classroom_ops/team_issues.py", "classroom_ops/session.py",
           "classroom_ops/commands/check_cmd.py", "classroom_ops/commands/status_cmd.py",
           "classroom_ops/commands/collect_cmd.py")

pytestmark = pytest.mark.skipif(shutil.which("duplicates") is None,
                                reason="the `duplicates` command is not on PATH")


def pairs(folder: Path) -> list[str]:
    res = subprocess.run(["duplicates", "--repo", str(folder), "--most", "200", "--seconds",
                          "60"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert not [x for x in lines if x.startswith("incomplete:")], lines
    return [x for x in lines if x[:1] == "D" and x[1:2].isdigit()]


def test_no_pair_inside_the_check_status_and_collect_code():
    touching = [p for p in pairs(SRC) if any(w in p for w in WATCHED)]
    assert touching == []


def test_the_gate_can_fail(tmp_path):
    body = "".join(f"    total += values[{i}] * {i + 2}\n" for i in range(8))
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(f"def f(values):\n    total = 0\n{body}    return total\n")
    found = pairs(tmp_path)
    assert len(found) == 1 and "a.py" in found[0] and "b.py" in found[0]
