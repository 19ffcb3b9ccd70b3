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


MODEL_MODULES = ["finance", "bonds", "fx", "structure", "leverage", "curves", "filp", "projects", "scenarios",
                 "treasury", "stress",
                 "assumptions", "data", "_validate"]


@pytest.mark.parametrize("module", MODEL_MODULES)
def test_model_modules_do_not_import_jupyter_or_charts(module):
    tree = ast.parse((ROOT / "fundlib" / f"{module}.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    banned = {"ipywidgets", "IPython", "altair", "fundlib.charts", "fundlib.apps"}
    assert not any(i.split(".")[0] in banned or i in banned for i in imported), imported


def test_charts_do_not_import_apps():
    src = (ROOT / "fundlib" / "charts.py").read_text()
    assert "fundlib.apps" not in src and "ipywidgets" not in src


def test_nothing_tracked_that_should_not_be():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not files:
        pytest.skip("not a git checkout")
    bad = [f for f in files if ".ipynb_checkpoints" in f or f.startswith((".venv", "tests/artifacts")) or f.endswith(".pyc")]
    assert bad == []
