"""Shared fixtures: paths, and running the CLI in-process exactly as the console script does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support import ROOT  # noqa: F401  (re-exported for fixtures below)


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run `classroom-ops ARGS...` through the same `main` the console script calls."""
    from classroom_ops.cli import main

    def run(*args: str, cwd: Path | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    # Tests must not pick up a developer's real token from the environment, nor leave files
    # (a default ledger, a cache) in whatever folder pytest was started from.
    for var in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL", "CLASSROOM_OPS_CACHE",
                "GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    os.environ.pop("GITHUB_STEP_SUMMARY", None)
