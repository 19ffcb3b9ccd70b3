"""Project hygiene: the two package lists agree, notebooks are committed clean, layers stay apart."""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = {_name(r) for r in py["project"]["dependencies"]}
    for extra in py["project"]["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    have = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            have |= {_name(r) for r in dep["pip"] if not r.startswith("-e")}
        elif not dep.startswith(("python", "pip")) or dep.startswith("python-"):
            have.add(_name(dep))
    assert have == wanted, f"only in environment.yml: {have - wanted}; only in pyproject: {wanted - have}"


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["00_start_here.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path):
    sys.path.insert(0, str(ROOT / "scripts"))
    from nbtools import problems

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert problems(nb) == [], f"run `make notebooks` to re-execute and clean {path.name}"
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert "NBVAL_CHECK_OUTPUT" not in first_code.source, "the browser driver needs an unchecked first code cell"
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_teaching_layout(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("After this notebook you can", "What the numbers say", "Exercises", "Sources"):
        assert heading in text, f"{path.name} lacks a '{heading}' section"
    assert any("NBVAL_CHECK_OUTPUT" in c.source for c in nb.cells if c.cell_type == "code")


FUNDLIB = ROOT / "fundlib"
UI_PACKAGES = ("apps", "charts")
MODULES = sorted(FUNDLIB.rglob("*.py"))
MODEL_MODULES = [p for p in MODULES if p.relative_to(FUNDLIB).parts[0] not in UI_PACKAGES]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, ``from a import b`` counted as both ``a`` and ``a.b``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _uses(imported: set[str], banned: set[str]) -> set[str]:
    return {i for i in imported if any(i == b or i.startswith(b + ".") for b in banned)}


def _rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def test_the_model_is_most_of_the_package():
    assert {p.name for p in MODEL_MODULES} >= {"finance.py", "structure.py", "waterfall.py", "stress.py"}
    assert (FUNDLIB / "apps" / "live.py").exists() and (FUNDLIB / "charts" / "theme.py").exists()


@pytest.mark.parametrize("path", MODEL_MODULES, ids=_rel)
def test_model_modules_import_no_user_interface(path):
    banned = {"ipywidgets", "IPython", "altair", "anywidget", "fundlib.charts", "fundlib.apps"}
    assert _uses(_imports(path), banned) == set()


@pytest.mark.parametrize("path", MODEL_MODULES, ids=_rel)
def test_model_has_no_slider_shaped_constructors(path):
    """Percent-to-decimal conversion and "Japan takes the rest" live in apps: no model function or
    method takes a ``*_pct`` parameter or is named for sliders."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert "slider" not in node.name, f"{node.name} in {_rel(path)}"
            params = [a.arg for a in node.args.args + node.args.kwonlyargs]
            assert not [a for a in params if a.endswith("_pct")], f"{node.name}{params} in {_rel(path)}"


def test_importing_the_model_loads_no_user_interface():
    code = ("import sys, fundlib, fundlib.finance, fundlib.structure, fundlib.waterfall, fundlib.stress, "
            "fundlib.treasury, fundlib.scenarios, fundlib.curves, fundlib.filp, fundlib.data; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ipywidgets', 'altair', 'IPython', 'anywidget')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


MARKET_IDS = {"sofr", "tona", "usdjpy", "usdjpy_basis_bp", "jgb_30y", "ust_30y"}


DATA_LAYER = ("market.py", "data.py", "refresh.py")


@pytest.mark.parametrize("path", [p for p in MODEL_MODULES if p.name not in DATA_LAYER], ids=_rel)
def test_no_model_module_reads_a_market_number_itself(path):
    """One market: a model takes a ``Market``; only the data layer (``market``, ``data``, ``refresh``)
    reads market numbers from the register or the rates table (``curves`` reads the table's history
    for notebook 03's curves)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ("value", "get", "check") and node.args and isinstance(node.args[0], ast.Constant):
            assert node.args[0].value not in MARKET_IDS, f"{_rel(path)}:{node.lineno} reads {node.args[0].value!r}"
        if name == "load_rates_monthly":
            assert path.name == "curves.py", f"{_rel(path)}:{node.lineno} reads the rates table"


@pytest.mark.parametrize("path", sorted((FUNDLIB / "charts").glob("*.py")), ids=_rel)
def test_charts_do_not_import_apps_or_widgets(path):
    assert _uses(_imports(path), {"fundlib.apps", "ipywidgets", "anywidget"}) == set()


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_module_is_short_and_says_what_it_holds(path):
    """No file over 450 lines; each opens with a two- or three-line docstring saying what it holds
    and which notebook uses it."""
    text = path.read_text()
    assert text.count("\n") <= 450, f"{_rel(path)} has {text.count(chr(10))} lines"
    doc = ast.get_docstring(ast.parse(text))
    assert doc, f"{_rel(path)} has no module docstring"
    summary = doc.split("\n\n")[0].splitlines()
    assert 2 <= len(summary) <= 3, f"{_rel(path)}: summary of {len(summary)} lines"
    assert "otebook" in " ".join(summary) or "make app" in " ".join(summary), _rel(path)


def test_apps_and_charts_keep_their_flat_names():
    """The notebooks call ``apps.build_*_app()`` and ``charts.<name>``: both packages re-export every
    public name of their modules, and each module's own __all__ (or public names) is covered."""
    import importlib

    for pkg in UI_PACKAGES:
        top = importlib.import_module(f"fundlib.{pkg}")
        for path in sorted((FUNDLIB / pkg).glob("[!_]*.py")):
            mod = importlib.import_module(f"fundlib.{pkg}.{path.stem}")
            public = getattr(mod, "__all__", None) or [
                n for n, v in vars(mod).items() if not n.startswith("_") and callable(v)
                and getattr(v, "__module__", None) == mod.__name__]
            missing = [n for n in public if getattr(top, n, None) is not getattr(mod, n)]
            assert missing == [], f"fundlib.{pkg} does not re-export {missing} from {path.name}"


def test_nothing_tracked_that_should_not_be():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not files:
        pytest.skip("not a git checkout")
    bad = [f for f in files if ".ipynb_checkpoints" in f or f.startswith((".venv", "tests/artifacts")) or f.endswith(".pyc")]
    assert bad == []
