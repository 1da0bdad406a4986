"""The package's import graph: no cycle anywhere, and every import goes down the layers of
ARCHITECTURE.md (checked on the source, as a CI gate).

The graph is read statically from every module's AST, so nothing is missed because it is hidden:
imports inside functions count, and so does `importlib.import_module("...")` with a string
literal. Only imports under `if TYPE_CHECKING:` are left out (they never run). Layers:

  interfaces  cli, session, __main__, commands/, demo/                      (rank 4)
  workflows   provision/, checks/, archive/, dashboard/, formation/, ...    (rank 3)
  adapter     adapter/: the only code that imports PyGithub                 (rank 2)
  model       model, config/, timeline, rules/, ghdata, errors, output ...  (rank 1)
  sandbox     sandbox/: imports nothing of the tool; only interfaces start it

A module may import its own layer or a lower one; the pure course model may not reach the
adapter, the network or the sandbox by any route (transitive routes included); nothing but
`__main__` imports the CLI. `test_the_gate_catches_*` plant each kind of violation in a
temporary package to prove the gate can fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "src" / "classroom_ops"
NETWORK = ("github", "requests", "urllib3", "http", "socket", "urllib.request", "httpx")

INTERFACES = ("cli", "session", "__main__", "commands", "demo")
WORKFLOWS = ("provision", "checks", "archive", "dashboard", "formation", "meetings", "reminders",
             "grades", "preflight", "starter", "ci_env", "team_issues")
ADAPTER = ("adapter",)
SANDBOX = ("sandbox",)
# Everything else is the course model (rank 1); this list is only for the purity checks below.
PURE = (
    "model", "names", "timeline", "roster", "syllabus", "pdfgen", "config", "rules",
    "checks.judge", "checks.issue_text", "checks.ledger", "checks.starter", "provision.plan",
    "provision.render",
    "ghdata", "grades", "meetings.booking", "meetings.text", "formation.form",
    "formation.settings", "formation.standing", "formation.answer", "formation.roster",
    "formation.match", "formation.judgment",
)


# -- the graph ------------------------------------------------------------------------------------
def module_names(root: Path) -> dict[str, Path]:
    """Dotted name (the package's own name first) -> file, for every module under `root`."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _walk(node: ast.AST) -> Iterable[ast.AST]:
    """ast.walk, minus the bodies of `if TYPE_CHECKING:` (their else branch still runs)."""
    for child in ast.iter_child_nodes(node):
        if _type_checking_only(child):
            for sub in child.orelse:
                yield sub
                yield from _walk(sub)
            continue
        yield child
        yield from _walk(child)


def raw_imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """Every dotted name `name` imports, anywhere in the file (functions included).
    `from pkg import sub` names the module pkg.sub when there is one, else pkg itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def absolute(target: str, level: int) -> str:
        if not level:
            return target
        anchor = package[:len(package) - (level - 1)]
        return ".".join(anchor + ([target] if target else []))

    found: set[str] = set()
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node.module or "", node.level)
            for a in node.names:
                found.add(f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base)
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name)
                       and node.func.id in ("import_module", "__import__")))):
            target = node.args[0].value
            dots = len(target) - len(target.lstrip("."))
            found.add(absolute(target.lstrip("."), dots))  # import_module(".x", __package__)
    return found


def graph(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(edges inside the package, imports from outside it) per module of the package at `root`.
    An edge goes to the module named, or to the nearest package holding the name."""
    mods = module_names(root)
    internal: dict[str, set[str]] = {}
    external: dict[str, set[str]] = {}
    for name, path in mods.items():
        edges, outside = set(), set()
        for target in raw_imports(name, path, mods):
            if target.split(".")[0] != root.name:
                outside.add(target)
                continue
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)
        internal[name] = edges
        external[name] = outside
    return internal, external


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def reach(edges: dict[str, set[str]], start: str) -> dict[str, str]:
    """Every module `start` reaches -> the module it was first reached from (for the route)."""
    seen = {start: ""}
    todo = [start]
    while todo:
        v = todo.pop()
        for w in sorted(edges.get(v, ())):
            if w not in seen:
                seen[w] = v
                todo.append(w)
    return seen


def route(seen: dict[str, str], end: str) -> str:
    path = [end]
    while seen[path[-1]]:
        path.append(seen[path[-1]])
    return " -> ".join(reversed(path))


# -- the rules ------------------------------------------------------------------------------------
def _under(name: str, pkg: str, entries: Iterable[str]) -> bool:
    rel = name[len(pkg) + 1:] if name != pkg else ""
    return any(rel == e or rel.startswith(e + ".") for e in entries)


def rank(name: str, pkg: str, pure: Iterable[str] = PURE) -> int:
    """A pure module is the course model wherever it sits (checks/judge.py beside checks/org.py),
    so the model may use it and it may use only the model."""
    if _under(name, pkg, tuple(pure)):
        return 1
    if _under(name, pkg, SANDBOX):
        return 0
    if _under(name, pkg, INTERFACES):
        return 4
    if _under(name, pkg, WORKFLOWS):
        return 3
    if _under(name, pkg, ADAPTER):
        return 2
    return 1


def is_network(name: str) -> bool:
    return any(name == n or name.startswith(n + ".") for n in NETWORK)


def violations(root: Path, pure: Iterable[str] = PURE) -> list[str]:
    pkg, pure = root.name, tuple(pure)
    edges, external = graph(root)
    out = [f"cycle: {' <-> '.join(c)}" for c in cycles(edges)]
    for name in sorted(edges):
        r = rank(name, pkg, pure)
        for target in sorted(edges[name]):
            t = rank(target, pkg, pure)
            if r == 0 and t != 0:
                out.append(f"sandbox imports the tool: {name} -> {target}")
            elif t == 0 and r != 4 and r != 0:
                out.append(f"only interfaces start the sandbox: {name} -> {target}")
            elif t > r and r != 0:
                out.append(f"upward import: {name} (rank {r}) -> {target} (rank {t})")
            elif target == f"{pkg}.cli" and name != f"{pkg}.__main__":
                out.append(f"imports the CLI: {name} -> {target}")
        if not _under(name, pkg, ADAPTER + SANDBOX):
            bad = sorted(n for n in external[name] if is_network(n))
            if bad:
                out.append(f"network outside the adapter: {name}: {', '.join(bad)}")
    for name in sorted(edges):
        if not _under(name, pkg, pure):
            continue
        seen = reach(edges, name)
        for target in sorted(seen):
            if _under(seen[target], pkg, ADAPTER + SANDBOX):
                continue  # the route's first step into them is reported, not every module after
            if _under(target, pkg, ADAPTER + SANDBOX):
                out.append(f"impure route: {route(seen, target)}")
            elif bad := sorted(n for n in external[target] if is_network(n)):
                out.append(f"impure route: {route(seen, target)} imports {', '.join(bad)}")
    return out


def test_the_package_has_no_cycle_and_no_layer_crossing():
    assert violations(PKG) == []


def test_every_module_is_placed_in_a_layer():
    """A new top-level module or package must be named in a layer on purpose, or it lands in
    the course model, where the purity rules apply to the names listed in PURE only."""
    names = {n.split(".")[1] for n in module_names(PKG) if n.count(".") >= 1}
    model = {"model", "config", "timeline", "roster", "names", "rules", "syllabus", "ghdata",
             "pdfgen", "errors", "output", "fileio", "bundled", "published", "schema", "grades"}
    placed = set(INTERFACES) | set(WORKFLOWS) | set(ADAPTER) | set(SANDBOX) | model
    assert sorted(names - placed) == []


# -- the gate can fail: planted violations in a temporary package --------------------------------
def plant(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for rel, text in {"__init__.py": "", **files}.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        for parent in p.relative_to(root).parents:
            init = root / parent / "__init__.py"
            if not init.exists():
                init.write_text("")
        p.write_text(text)
    return root


def test_a_clean_planted_package_passes(tmp_path):
    root = plant(tmp_path, {
        "model.py": "X = 1\n",
        "adapter/client.py": "import github\nfrom ..model import X\n",
        "checks/org.py": "from ..adapter import client\nfrom ..model import X\n",
        "commands/c.py": "from ..checks.org import X\nfrom ..session import S\n",
        "session.py": "S = 1\n",
        "cli.py": "from .commands import c\n",
        "__main__.py": "from .cli import c\n",
        "sandbox/server.py": "import http.server\nfrom . import routes\n",
        "sandbox/routes.py": "from typing import TYPE_CHECKING\n"
                             "if TYPE_CHECKING:\n    from .server import App\n",
    })
    assert violations(root, pure=("model",)) == []


def test_the_gate_catches_a_cycle_hidden_in_a_function(tmp_path):
    root = plant(tmp_path, {
        "checks/a.py": "from . import b\n",
        "checks/b.py": "def f():\n    from .a import x\n",
    })
    assert violations(root, pure=()) == ["cycle: pkg.checks.a <-> pkg.checks.b"]


def test_the_gate_catches_a_cycle_through_import_module(tmp_path):
    root = plant(tmp_path, {
        "checks/a.py": "import importlib\nfrom .b import y\n",
        "checks/b.py": "import importlib\n"
                       "def f():\n    return importlib.import_module('pkg.checks.a')\n",
    })
    assert violations(root, pure=()) == ["cycle: pkg.checks.a <-> pkg.checks.b"]


def test_the_gate_catches_a_command_importing_the_cli(tmp_path):
    root = plant(tmp_path, {
        "cli.py": "from .commands import c\n",
        "commands/c.py": "def run():\n    from ..cli import Settings\n",
    })
    assert violations(root, pure=()) == [
        "cycle: pkg.cli <-> pkg.commands.c", "imports the CLI: pkg.commands.c -> pkg.cli"]


def test_the_gate_catches_a_workflow_importing_an_interface(tmp_path):
    root = plant(tmp_path, {"session.py": "S = 1\n",
                            "checks/org.py": "from ..session import S\n"})
    assert violations(root, pure=()) == [
        "upward import: pkg.checks.org (rank 3) -> pkg.session (rank 4)"]


def test_the_gate_catches_a_transitive_route_from_the_model_to_the_adapter(tmp_path):
    root = plant(tmp_path, {
        "model.py": "from .helpers import h\n",
        "helpers.py": "from .timeline import t\n",
        "timeline.py": "import importlib\nM = importlib.import_module('pkg.ghdata')\n",
        "ghdata.py": "import github\n",
    })
    assert violations(root, pure=("model",)) == [
        "network outside the adapter: pkg.ghdata: github",
        "impure route: pkg.model -> pkg.helpers -> pkg.timeline -> pkg.ghdata imports github",
    ]


def test_the_gate_catches_the_model_reaching_the_adapter_package(tmp_path):
    root = plant(tmp_path, {"model.py": "from .adapter import client\n",
                            "adapter/client.py": "import github\n"})
    assert violations(root, pure=("model",)) == [
        "upward import: pkg.model (rank 1) -> pkg.adapter.client (rank 2)",
        "impure route: pkg.model -> pkg.adapter.client",
    ]


def test_the_gate_catches_the_sandbox_sharing_code_and_a_workflow_starting_it(tmp_path):
    root = plant(tmp_path, {
        "errors.py": "E = 1\n",
        "sandbox/server.py": "from ..errors import E\n",
        "provision/apply.py": "from ..sandbox import server\n",
    })
    assert violations(root, pure=()) == [
        "only interfaces start the sandbox: pkg.provision.apply -> pkg.sandbox.server",
        "sandbox imports the tool: pkg.sandbox.server -> pkg.errors",
    ]


def test_the_gate_catches_pygithub_outside_the_adapter(tmp_path):
    root = plant(tmp_path, {"checks/org.py": "def f():\n    from github import Github\n"})
    assert violations(root, pure=()) == [
        "network outside the adapter: pkg.checks.org: github"]


def test_type_checking_imports_are_no_edges_but_their_else_branch_is(tmp_path):
    root = plant(tmp_path, {
        "checks/a.py": "from . import b\n",
        "checks/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                       "    from .a import A\nelse:\n    from .c import C\n",
        "checks/c.py": "C = 1\n",
    })
    edges, _ = graph(root)
    assert edges["pkg.checks.b"] == {"pkg.checks.c"}
    assert violations(root, pure=()) == []


@pytest.mark.parametrize("src, expected", [
    ("from . import sub", {"pkg.sub"}),
    ("from .sub import name", {"pkg.sub"}),
    ("from .. import model", {"pkg.model"}),
    ("import pkg.sub", {"pkg.sub"}),
])
def test_relative_imports_resolve_to_modules(tmp_path, src, expected):
    root = plant(tmp_path, {"model.py": "", "sub.py": "name = 1\n", "checks/x.py": "",
                            "checks/probe.py": src.replace("from . ", "from .. ", 1)
                            .replace("from .sub", "from ..sub") + "\n"})
    edges, _ = graph(root)
    assert edges["pkg.checks.probe"] == expected
