"""Where classroom-ops is published: the one place that says so.

- PyPI: `pip install classroom-ops==VERSION`; the team repositories' feedback workflow
  (templates/repo/.github/workflows/deliverables.yml) installs exactly this release.
- GitHub: REPOSITORY holds `action.yml` and the reusable workflows. The instructors' workflows
  that `init` writes call them at RELEASE_TAG, and the reusable workflows call the action at the
  same tag, so one course runs one release throughout. The release workflow
  (.github/workflows/release.yml) publishes VERSION to PyPI, tags RELEASE_TAG and moves MAJOR_TAG.

tests/unit/test_published.py fails when a workflow, the template or the package metadata
disagrees with these values: change them here, then run it to find every line to update.
"""

from __future__ import annotations

from . import __version__

DISTRIBUTION = "classroom-ops"
REPOSITORY = "classroom-ops/classroom-ops"
VERSION = __version__  # set in classroom_ops/__init__.py
RELEASE_TAG = f"v{VERSION}"
MAJOR_TAG = f"v{VERSION.split('.')[0]}"


def reusable_workflow(name: str) -> str:
    """The `uses:` value that calls one of the reusable workflows at this release."""
    return f"{REPOSITORY}/.github/workflows/{name}.yml@{RELEASE_TAG}"


def action() -> str:
    """The `uses:` value of the action at this release."""
    return f"{REPOSITORY}@{RELEASE_TAG}"


def pip_requirement() -> str:
    return f"{DISTRIBUTION}=={VERSION}"


def source_url(path: str = "") -> str:
    """This release's files on GitHub (a folder or file of the repository, or its front page)."""
    base = f"https://github.com/{REPOSITORY}"
    return f"{base}/blob/{RELEASE_TAG}/{path}" if path else base
