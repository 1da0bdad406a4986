"""The sandbox must share no code with the tool it tests, and need nothing beyond the stdlib."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
before = set(sys.modules)
import classroom_ops.sandbox
loaded = set(sys.modules) - before
# The parent package itself is unavoidable; any sibling module is not.
ours = sorted(m for m in loaded if m.startswith("classroom_ops.")
              and not m.startswith("classroom_ops.sandbox"))
stdlib = sys.stdlib_module_names
foreign = sorted(m for m in loaded if not m.startswith("classroom_ops")
                 and m.split(".")[0] not in stdlib and not m.startswith("_"))
print(ours, foreign)
"""


def test_sandbox_imports_only_itself_and_the_stdlib():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[] []"
