"""Read a YAML file into plain Python data while remembering where every value came from.

Instructors edit `classroom.yml` by hand, so every later error must point at a line and column.
We compose the node graph with PyYAML and build the data ourselves, keeping a map from each value's
path (a tuple of keys and indexes) to its position.

Scalars follow the YAML 1.2 core schema, not PyYAML's YAML 1.1 default: `no`, `on` and `yes` stay
strings (a GitHub user may be called `no`), `23:59` stays a time of day instead of the sexagesimal
integer 1439, and dates stay text for the timeline to interpret in the course's time zone.

A course file can come from anyone who can open a pull request on the instructors' repository,
so it is read with limits checked on PyYAML's event stream *before* any node graph is built: its
size, its nesting depth, and its aliases (an alias is a reference, so ten nested aliases of ten
items each are 10^10 values once expanded: the "billion laughs"). Expansion is bounded as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from ..errors import ConfigError, Problem

Path = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}

MAX_BYTES = 1_000_000  # a 200-team course with every option is about 60 KB
MAX_DEPTH = 32  # the schema's deepest value is 6 levels down
MAX_ALIASES = 100
MAX_VALUES = 200_000  # values after expanding aliases
_FALSE = {"false", "False", "FALSE"}


@dataclass
class Source:
    """Parsed YAML plus positions: `where(path)` gives (line, col), 1-based."""

    file: str
    data: object
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        table = self.key_positions if key else self.positions
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (None, None))

    def problem(self, path: Path, message: str, *, key: bool = False, severity: str = "error"):
        line, col = self.where(path, key=key)
        return Problem(self.file, line, col, message, severity)


def _scalar(node: yaml.ScalarNode):
    if node.style is not None:  # quoted or block scalars are always strings
        return node.value
    v = node.value
    if v in _NULL:
        return None
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    if _INT.match(v):
        return int(v)
    if _FLOAT.match(v) and any(c.isdigit() for c in v):
        return float(v)
    return v


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _check_limits(text: str, file: str) -> None:
    """Size, depth and aliases, from the event stream (which PyYAML produces without recursion)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ConfigError([Problem(file, None, None, f"the file is larger than "
                                   f"{MAX_BYTES // 1_000_000} MB; a course file is never that "
                                   "large")])
    depth = aliases = 0
    for ev in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                m = ev.start_mark
                raise ConfigError([Problem(file, m.line + 1, m.column + 1,
                                           f"nested more than {MAX_DEPTH} levels deep; a course "
                                           "file needs at most 6")])
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(ev, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                m = ev.start_mark
                raise ConfigError([Problem(file, m.line + 1, m.column + 1,
                                           f"more than {MAX_ALIASES} YAML aliases (*name); "
                                           "write the values out")])


class UntrustedYAML(ValueError):
    """A student's YAML file the tool will not parse; the message says why, in a few words."""


def load_untrusted(text: str, *, max_depth: int = 16, max_aliases: int = 20):
    """`yaml.safe_load` for a file a student wrote (project.yml, a team's rules file), after
    checking its nesting and aliases on the event stream, which PyYAML produces without
    recursion. Building the value recurses once per level: `[[[[...]]]]` thousands deep would
    end in a RecursionError deep in the stack (and garbage collected there), and aliases can
    expand a small file into a huge value (with at most 20 aliases and 16 levels, a file can
    expand to a few thousand values at most). Raises UntrustedYAML, or yaml.YAMLError."""
    depth = aliases = 0
    for ev in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > max_depth:
                raise UntrustedYAML(f"nested more than {max_depth} levels deep")
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(ev, yaml.AliasEvent):
            aliases += 1
            if aliases > max_aliases:
                raise UntrustedYAML(f"uses more than {max_aliases} YAML aliases (*name)")
    return yaml.safe_load(text)


class _TooBig(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


def parse(text: str, file: str) -> Source:
    try:
        _check_limits(text, file)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        what = e.problem or e.context or "not valid YAML"
        raise ConfigError([Problem(file, line, col, f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as e:
        raise ConfigError([Problem(file, None, None, f"YAML syntax error: {e}")]) from None

    src = Source(file, None)
    problems: list[Problem] = []
    built = 0

    def build(node: yaml.Node, path: Path):
        nonlocal built
        built += 1
        if built > MAX_VALUES or len(path) > MAX_DEPTH:  # aliases that expand to too much
            raise _TooBig(node)
        src.positions[path] = _pos(node)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [build(child, path + (i,)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    problems.append(Problem(file, *_pos(knode), "a key must be a plain word"))
                    continue
                key = knode.value
                if key == "<<":
                    problems.append(Problem(file, *_pos(knode), "YAML merge keys are not supported"))
                    continue
                if key in out:
                    first = src.key_positions[path + (key,)][0]
                    problems.append(
                        Problem(file, *_pos(knode), f"duplicate key '{key}' (first at line {first})")
                    )
                    continue
                src.key_positions[path + (key,)] = _pos(knode)
                out[key] = build(vnode, path + (key,))
            return out
        raise AssertionError(f"unexpected YAML node {node!r}")  # pragma: no cover

    if root is None:
        src.data = None
        src.positions[()] = (1, 1)
    else:
        try:
            src.data = build(root, ())
        except _TooBig as e:
            raise ConfigError([Problem(file, *_pos(e.node), f"the YAML aliases here expand to "
                                       f"more than {MAX_VALUES:,} values (or {MAX_DEPTH} levels); "
                                       "write the values out")]) from None
    if problems:
        raise ConfigError(problems)
    return src
