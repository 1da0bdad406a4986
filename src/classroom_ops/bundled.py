"""The files classroom-ops ships besides its code: the team starter repository and the example
course, which `init` copies and `demo` runs.

There is one copy of each, in the source tree (`templates/repo/`, `examples/deep-learning-at-scale/`).
The build puts them into the package as `classroom_ops/_data/` (setup.py), so an installed wheel
reads them there; a checkout with an editable install has no `_data/` and reads them where they
are edited.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import UsageError

# name inside classroom_ops/_data/ -> folder of the source tree (setup.py's BUNDLED agrees)
_SOURCES = {"starter-repo": "templates/repo", "example-course": "examples/deep-learning-at-scale"}


def _folder(name: str) -> Path:
    packaged = resources.files(__package__) / "_data" / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / _SOURCES[name]
    if checkout.is_dir():
        return checkout
    raise UsageError(f"classroom-ops is installed without its {name} ({_SOURCES[name]}); "
                            "reinstall it from a wheel or an sdist: pip install --force-reinstall "
                            "classroom-ops")


def starter_repo() -> Path:
    """The team starter repository (`templates/repo/`)."""
    return _folder("starter-repo")


def example_course() -> Path:
    """The example course's folder (its `classroom.yml`)."""
    return _folder("example-course")
