"""No dead code in the package: vulture (confidence 80: unused imports, variables, unreachable
code) reports nothing over src/. A planted module proves the gate can fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def vulture(*paths: Path) -> list[str]:
    res = subprocess.run([sys.executable, "-m", "vulture", "--min-confidence", "80",
                          *map(str, paths)], capture_output=True, text=True, timeout=120)
    assert res.returncode in (0, 3), res.stderr  # 3: dead code found
    return res.stdout.splitlines()


def test_vulture_finds_nothing_in_the_package():
    assert vulture(SRC) == []


def test_the_gate_can_fail(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import os\n\n\ndef f():\n    return 1\n    print('never')\n")
    found = vulture(probe)
    assert [line.split(": ", 1)[1] for line in found] == [
        "unused import 'os' (90% confidence)",
        "unreachable code after 'return' (100% confidence)"]
