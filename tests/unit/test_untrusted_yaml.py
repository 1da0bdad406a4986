"""Student-written YAML (project.yml, a team's rules file) is bounded before anything is built:
deep nesting would recurse in the parser (a RecursionError deep in the stack, with garbage
collected there), aliases can expand a small file into a huge value."""

from __future__ import annotations

import time

import pytest

from classroom_ops.archive.project import parse_project
from classroom_ops.config.yamlsrc import UntrustedYAML, load_untrusted
from classroom_ops.provision.render import kept_starter

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True))
DEEP = "title: " + "[" * 5000 + "]" * 5000 + "\n"


def test_deep_nesting_is_refused_without_recursing():
    with pytest.raises(UntrustedYAML, match="nested more than 16 levels deep"):
        load_untrusted(DEEP)
    assert load_untrusted("a: [[1]]\nb: *x\n".replace("*x", "&x [2]")) == {"a": [[1]], "b": [2]}


def test_aliases_are_refused_before_they_expand():
    start = time.monotonic()
    with pytest.raises(UntrustedYAML, match="aliases"):
        load_untrusted(BOMB)
    assert time.monotonic() - start < 5


def test_project_yml_and_a_teams_rules_file_are_read_with_the_bounds():
    assert parse_project(DEEP.encode(), ()).problems == ["project.yml is too deeply nested"]
    assert parse_project(BOMB.encode(), ()).problems == ["project.yml uses more than 20 YAML aliases (*name)"]
    assert kept_starter(("starter: {a.md: '1'}\n" + BOMB).encode()) is None
    assert kept_starter(b"starter: {a.md: '1'}\n") == {"a.md": "1"}
