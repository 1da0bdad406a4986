"""Paths and small helpers shared by the test suites (importable as `support`)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "deep-learning-at-scale" / "classroom.yml"
SHARED = ROOT.parent / "shared"
COURSE_PAGE = SHARED / "course" / "final-project-page.md"
