"""The layers stay apart (checked on the source, as a CI gate):
- only the adapter package imports PyGithub (or talks HTTP itself);
- the course model is pure: no network, no GitHub adapter;
- the sandbox shares no code with the tool (its own guard test covers that side).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "src" / "classroom_ops"
NETWORK = {"github", "requests", "urllib3", "http", "socket", "urllib.request", "httpx"}
PURE = [
    "model.py", "names.py", "timeline.py", "roster.py", "syllabus.py", "pdfgen.py",
    "config", "rules", "checks/judge.py", "checks/issue_text.py", "checks/ledger.py",
    "provision/plan.py", "provision/render.py", "ghdata.py", "formation/form.py",
    "formation/settings.py", "formation/standing.py", "formation/answer.py",
    "formation/roster.py", "formation/match.py", "formation/judgment.py",
]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's package
                pkg = path.relative_to(PKG.parent).with_suffix("").parts[:-node.level]
                base = ".".join(pkg + ((base,) if base else ()))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def is_network(name: str) -> bool:
    return any(name == n or name.startswith(n + ".") for n in NETWORK)


def files(entry: str) -> list[Path]:
    p = PKG / entry
    return sorted(p.rglob("*.py")) if p.is_dir() else [p]


def test_only_the_adapter_imports_pygithub_or_http():
    offenders = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).as_posix()
        if rel.startswith(("adapter/", "sandbox/")):
            continue
        bad = sorted(n for n in imports(path) if is_network(n))
        if bad:
            offenders.append(f"{rel}: {', '.join(bad)}")
    assert offenders == []


@pytest.mark.parametrize("entry", PURE)
def test_the_course_model_is_pure(entry):
    for path in files(entry):
        names = imports(path)
        assert not [n for n in names if is_network(n)], path
        assert not [n for n in names if n.startswith(("classroom_ops.adapter",
                                                      "classroom_ops.sandbox"))], path


def test_the_gate_can_fail(tmp_path):
    probe = tmp_path / "x.py"
    probe.write_text("import github\nfrom requests import get\nfrom os import path\n")
    assert sorted(n for n in imports(probe) if is_network(n)) == [
        "github", "requests", "requests.get"]
