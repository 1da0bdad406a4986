"""`classroom-ops init DIR`: an instructors' repository that works as written.

    DIR/classroom.yml                 every guess a TODO that `validate` refuses until settled
    DIR/roster.csv                    the header, for the teams
    DIR/templates/repo/               the team starter repository, copied from the package
    DIR/.github/workflows/*.yml       callers of the reusable workflows at this release
    DIR/README.md                     for the course staff: the steps and the token set-up
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import bundled, published
from ..errors import UsageError
from . import render_readme, render_starter, workflow_text

WORKFLOWS = ("provision", "deadline-check", "collect")
PLACEHOLDER = "@@CLASSROOM_OPS_USES@@"
ROSTER_HEADER = "team,github_username\n"


def copy_starter_repo(dest: Path) -> None:
    shutil.copytree(bundled.starter_repo(), dest, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def caller_workflow(name: str) -> str:
    text = workflow_text(name)
    assert PLACEHOLDER in text, name
    return text.replace(PLACEHOLDER, published.reusable_workflow(name))


def scaffold(target: Path, plan=None, *, force: bool = False) -> list[str]:
    """Write the repository into `target` (new or empty unless `force`); the paths written."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file; init writes a folder: pass a new folder's name, "
                         "or -o FILE for the course file alone")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target} is not empty; pass a new folder, or --force to write the "
                         "scaffold into it (files of the same names are replaced, but not "
                         "roster.csv)")
    course_name = plan.course_name if plan else None
    files = {
        "classroom.yml": render_starter(plan, roster="roster.csv"),
        "roster.csv": ROSTER_HEADER,
        "README.md": render_readme(
            course_name=course_name, version=published.VERSION,
            release_tag=published.RELEASE_TAG, requirement=published.pip_requirement(),
            source_url=published.source_url()),
    }
    for name in WORKFLOWS:
        files[f".github/workflows/{name}.yml"] = caller_workflow(name)
    if (target / "roster.csv").is_file():
        del files["roster.csv"]  # students' names: --force never replaces them with a header
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    copy_starter_repo(target / "templates" / "repo")
    return [*files, "templates/repo/"]
