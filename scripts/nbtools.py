"""Notebook hygiene: execute notebooks and keep outputs only on the cells nbval checks.

    python scripts/nbtools.py run notebooks/*.ipynb     # execute, then clean (refreshes checked outputs)
    python scripts/nbtools.py clean notebooks/*.ipynb   # strip outputs except # NBVAL_CHECK_OUTPUT cells
    python scripts/nbtools.py check notebooks/*.ipynb   # exit 1 if a notebook is not clean
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

MARK = "# NBVAL_CHECK_OUTPUT"


def problems(nb) -> list[str]:
    out = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            if c.get("outputs") or c.get("attachments"):
                out.append(f"cell {i}: non-code cell carries outputs or attachments")
            continue
        checked = MARK in c.source
        if checked:
            if not c.outputs:
                out.append(f"cell {i}: checked cell has no stored output")
            for o in c.outputs:
                if o.output_type not in ("stream",) or o.get("name") != "stdout":
                    out.append(f"cell {i}: checked cell output must be printed text, found {o.output_type}")
        elif c.outputs or c.execution_count is not None:
            out.append(f"cell {i}: unchecked cell carries outputs or an execution count")
        if c.metadata.get("execution"):
            out.append(f"cell {i}: execution timing metadata")
    if nb.metadata.get("widgets"):
        out.append("notebook metadata carries widget state")
    return out


def clean(nb) -> None:
    """Keep printed text on checked cells (numbered 1, 2, … so diffs stay small); strip the rest."""
    n = 0
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        c.metadata.pop("execution", None)
        if MARK in c.source:
            c.outputs = [o for o in c.outputs if o.output_type == "stream" and o.get("name") == "stdout"]
            n += 1
            c.execution_count = n  # nbval compares only cells that carry an execution count
            for o in c.outputs:
                o.pop("execution_count", None)
        else:
            c.outputs = []
            c.execution_count = None
    nb.metadata.pop("widgets", None)


def run(path: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    clean(nb)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] not in ("run", "clean", "check"):
        print(__doc__)
        return 2
    status = 0
    for name in argv[2:]:
        path = Path(name)
        if argv[1] == "run":
            run(path)
            print(f"executed and cleaned {path}")
        elif argv[1] == "clean":
            nb = nbformat.read(path, as_version=4)
            clean(nb)
            nbformat.write(nb, path)
        else:
            nb = nbformat.read(path, as_version=4)
            for p in problems(nb):
                print(f"{path}: {p}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
