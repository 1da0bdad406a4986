"""One place says where classroom-ops is published (src/classroom_ops/published.py), and every
workflow, the team template, `init`'s scaffold and the package metadata agree with it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import classroom_ops
from classroom_ops import published
from classroom_ops.starter.scaffold import WORKFLOWS, caller_workflow

from . import teamrepo

ROOT = teamrepo.ROOT
OWN_USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(classroom-ops/classroom-ops\S*)", re.M)
PIP_PIN = re.compile(r"classroom-ops==[^\s\"']+")
FILES = sorted([*ROOT.glob(".github/workflows/*.yml"),
                *ROOT.glob("examples/instructor-repo/.github/workflows/*.yml"),
                *ROOT.glob("templates/repo/.github/workflows/*.yml"),
                *ROOT.glob("src/classroom_ops/formation/templates/*.yml"), ROOT / "action.yml"])


def disagreements(name: str, text: str) -> list[str]:
    """Lines of one workflow that call classroom-ops at anything but this release."""
    expected = {published.action(), *(published.reusable_workflow(w) for w in WORKFLOWS)}
    bad = [f"{name}: uses {ref}" for ref in OWN_USES.findall(text) if ref not in expected]
    bad += [f"{name}: installs {pin}" for pin in PIP_PIN.findall(text)
            if pin != published.pip_requirement()]
    return bad


def test_the_check_catches_another_release():
    old = "    uses: classroom-ops/classroom-ops/.github/workflows/provision.yml@v0\n"
    assert disagreements("x.yml", old) == [
        "x.yml: uses classroom-ops/classroom-ops/.github/workflows/provision.yml@v0"]
    assert disagreements("y.yml", 'run: pip install "classroom-ops==0.0.9"\n') == [
        "y.yml: installs classroom-ops==0.0.9"]


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_every_workflow_calls_this_release(path: Path):
    assert disagreements(path.name, path.read_text()) == []


def test_the_reusable_workflows_use_the_action_of_their_own_release():
    for name in WORKFLOWS:
        refs = OWN_USES.findall((ROOT / ".github/workflows" / f"{name}.yml").read_text())
        assert refs and set(refs) == {published.action()}, name


def test_the_team_template_installs_this_release_from_pypi():
    text = (ROOT / "templates/repo/.github/workflows/deliverables.yml").read_text()
    assert PIP_PIN.findall(text) == [published.pip_requirement()]
    assert not OWN_USES.findall(text)  # no action to resolve in a student's repository


def test_the_scaffold_calls_the_reusable_workflows_at_this_release():
    for name in WORKFLOWS:
        assert OWN_USES.findall(caller_workflow(name)) == [published.reusable_workflow(name)]


def test_the_package_metadata_says_the_same():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["name"] == published.DISTRIBUTION
    assert "version" in meta["project"]["dynamic"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "classroom_ops.__version__"}
    assert classroom_ops.__version__ == published.VERSION
    assert published.RELEASE_TAG == f"v{published.VERSION}"
    assert published.RELEASE_TAG.startswith(published.MAJOR_TAG + ".")
