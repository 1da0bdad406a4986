"""Build hook: the team starter repository and the example course become package data.

They are edited where people look for them, `templates/repo/` and
`examples/deep-learning-at-scale/`, and nowhere else: the build copies them into the package as
`classroom_ops/_data/` so that a wheel holds them (MANIFEST.in puts them in the sdist, from which
`python -m build` makes the wheel). An editable install reads them from the checkout instead
(`classroom_ops.bundled`). Everything else about the package is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# name inside classroom_ops/_data/ -> folder of the source tree (classroom_ops.bundled agrees;
# tests/e2e/test_wheel.py opens the built wheel and checks both are in it)
BUNDLED = {"starter-repo": "templates/repo", "example-course": "examples/deep-learning-at-scale"}


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name, source in BUNDLED.items():
            if not Path(source).is_dir():
                raise SystemExit(f"{source}/ is missing: build from a checkout or from the sdist")
            dest = Path(self.build_lib, "classroom_ops", "_data", name)
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
