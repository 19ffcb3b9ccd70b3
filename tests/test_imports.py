"""The package's import graph has no cycle, lazy imports included, and the engines live in their rooms.

The graph is built from the source (``ast``), not by importing: every ``import`` and ``from … import``
in a module, at top level or inside a function, is an edge. Importing ``a.b.c`` runs ``a/__init__``
and ``a/b/__init__`` first, so it is an edge to each of those packages too (except the importer's own
packages, which are already running). ``from pkg import name`` is an edge to ``pkg.name`` when that is
a module. A cycle is a strongly connected component of more than one module, or a module importing
itself.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "fundlib"


def _module_name(path: pathlib.Path, root: pathlib.Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules(root: pathlib.Path = ROOT) -> dict[str, pathlib.Path]:
    return {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:k]) for k in range(1, len(parts))]


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph(root: pathlib.Path = ROOT) -> dict[str, set[str]]:
    """Module → the modules of the package at ``root`` it imports (anywhere in its body).

    ``import a.b`` and ``from a.b import c`` (c a module) run ``a/__init__`` and ``a/b/__init__``
    first: edges to each, except to the importer's own packages, which are already running when it
    runs. ``from a import name`` where ``name`` is not a module reads ``a``'s namespace, so it is an
    edge to ``a`` even when ``a`` is the importer's own package (a submodule that imports a name from
    its own package's ``__init__`` closes a loop through it)."""
    mods = modules(root)
    top = root.name
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        is_package = path.name == "__init__.py"
        own = set(_ancestors(name)) | {name}
        targets: set[str] = set()        # modules imported (their packages run first)
        namespaces: set[str] = set()     # packages whose names are read
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node)
                targets.add(base)
                for a in node.names:
                    if f"{base}.{a.name}" in mods:
                        targets.add(f"{base}.{a.name}")
                    else:
                        namespaces.add(base)
        for t in targets:
            if t == top or t.startswith(top + "."):
                graph[name].update(m for m in [*_ancestors(t), t] if m in mods and m not in own)
        graph[name].update(ns for ns in namespaces if ns in mods and ns != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_anywhere_in_fundlib():
    graph = import_graph()
    assert len(graph) > 40
    assert cycles(graph) == []


def _package(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    for rel, text in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return root


def test_the_cycle_finder_finds_lazy_and_package_cycles(tmp_path):
    """The finder itself, on small packages written here."""
    assert cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert cycles({"a": {"a"}}) == [["a"]]
    base = {"pkg/__init__.py": "", "pkg/sub/__init__.py": "from pkg.sub.eng import run\n",
            "pkg/sub/eng.py": "from pkg.sub import steps\nfrom pkg import util\n",
            "pkg/sub/steps.py": "import numpy\n", "pkg/util.py": "def f():\n    return 1\n"}
    clean = import_graph(_package(tmp_path / "clean", base) / "pkg")
    assert cycles(clean) == []
    assert clean["pkg.sub.eng"] == {"pkg.sub.steps", "pkg.util"}    # its own package is already running
    assert clean["pkg.util"] == set()
    loops = {   # each closes a loop the way a real one would
        "lazy": {"pkg/util.py": "def f():\n    from pkg.sub import eng\n    return eng\n",
                 "pkg/sub/steps.py": "from pkg import util\n"},
        "through its own package's __init__": {"pkg/sub/steps.py": "from pkg.sub import run\n"},
        "relative, through its own package": {"pkg/sub/steps.py": "from . import run\n"},
        "through a sibling package's __init__": {"pkg/util.py": "import pkg.sub.steps\n",
                                                 "pkg/sub/steps.py": "def g():\n    from pkg.util import f\n"},
        "through the top package": {"pkg/__init__.py": "from pkg.util import f\n", "pkg/util.py": "from pkg import sub\n"},
    }
    for i, (why, change) in enumerate(loops.items()):
        graph = import_graph(_package(tmp_path / f"loop{i}", {**base, **change}) / "pkg")
        assert cycles(graph) != [], why


@pytest.mark.parametrize("package, offers", [
    ("fundlib.chain", ["run", "Shocks", "ChainResult", "Ledger", "PARTIES", "portfolio_cfads"]),
    ("fundlib.odds", ["run_odds", "local_cluster", "OddsResult", "paths", "tally", "vintages"]),
])
def test_each_engine_is_one_package_that_names_what_it_offers(package, offers):
    import importlib

    pkg = importlib.import_module(package)
    assert pathlib.Path(pkg.__file__).name == "__init__.py"
    for name in offers:
        assert hasattr(pkg, name), f"{package}.{name}"
    assert set(offers) <= set(pkg.__all__)


def test_the_old_flat_modules_are_gone():
    names = set(modules())
    for old in ("fundlib.paths", "fundlib.tally", "fundlib.oddsresult", "fundlib.vintages", "fundlib.ledger",
                "fundlib._chain_inputs", "fundlib._chain_report"):
        assert old not in names


def test_every_package_is_installed_by_pyproject():
    """A non-editable install ships only the packages pyproject.toml lists: each folder of fundlib is one."""
    import tomllib

    listed = set(tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {_module_name(p) for p in ROOT.rglob("__init__.py")}
    assert found == listed
