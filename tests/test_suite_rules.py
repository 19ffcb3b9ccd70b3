"""Rules of the test suite itself: tests read no clock and so assert no elapsed time (speed is `make
bench`'s; a wait that gives up after a limit is a hang guard, listed here), and the README's speed
table is the one `make bench` measured."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_FUNCS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time", "process_time_ns",
               "thread_time", "thread_time_ns", "time_ns", "default_timer", "now", "utcnow", "today"}
CLOCK_MODULES = {"time", "timeit"}
# The only places in tests/ that read a clock: waits that give up after a limit (a hang guard never
# asserts how long something took). Each entry: (file, function) -> why.
HANG_GUARDS = {
    ("labdriver.py", "_wait_ready"): "waits up to 60 s for a server to answer",
    ("labdriver.py", "wait_changed"): "waits up to 20 s for a text to change",
    ("labdriver.py", "repaint_ms"): "-1 when no chart repainted within the 20 s guard; make bench reads the times",
}


def clock_reads(source: str) -> list[tuple[str, int]]:
    """(enclosing function, line) of every clock read: time.* and timeit.* under any alias, names
    imported from them, .now()/.utcnow()/.today() calls (datetime, pandas), and JavaScript's
    performance.now() in a string."""
    tree = ast.parse(source)
    modules, names = set(), set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Import):
            modules.update(a.asname or a.name for a in n.names if a.name in CLOCK_MODULES)
        elif isinstance(n, ast.ImportFrom) and n.module in CLOCK_MODULES:
            names.update(a.asname or a.name for a in n.names)
    found = []

    def visit(node, func):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func
            hit = (isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name) and child.value.id in modules
                   or isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.func.attr in CLOCK_FUNCS
                   or isinstance(child, ast.Name) and child.id in names
                   or isinstance(child, ast.Constant) and isinstance(child.value, str) and "performance.now(" in child.value)
            if hit:
                found.append((inner, child.lineno))
            visit(child, inner)

    visit(tree, "<module>")
    return sorted(set(found), key=lambda x: x[1])


def test_tests_read_no_clock_except_hang_guards():
    """Tests assert behaviour, never elapsed time: no test reads a clock; the helpers' waits that
    give up after a limit are listed above, and every entry there is still in use."""
    seen, outside = set(), []
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name == Path(__file__).name:      # this file names the clocks to find them; it reads none
            continue
        for func, line in clock_reads(path.read_text()):
            if (path.name, func) in HANG_GUARDS:
                seen.add((path.name, func))
            else:
                outside.append(f"{path.name}:{line} in {func}")
    assert outside == []
    assert seen == set(HANG_GUARDS)


def test_the_clock_rule_catches_what_it_should():
    cases = {
        "import time\ndef test_a():\n    t0 = time.perf_counter()\n": 1,
        "import time as tm\ndef test_a():\n    assert tm.time() > 0\n": 1,
        "from time import perf_counter as pc\ndef test_a():\n    t = pc()\n": 1,
        "import timeit\ndef test_a():\n    timeit.timeit('1')\n": 1,
        "from datetime import datetime\ndef test_a():\n    datetime.now()\n": 1,
        "import pandas as pd\ndef test_a():\n    pd.Timestamp.now()\n": 1,
        "def test_a(page):\n    page.evaluate('() => performance.now()')\n": 1,
        "def test_a(ql):\n    today = ql.Date(2, 3, 2026)\n    assert today\n": 0,
        "def test_a(r):\n    assert r.is_monotonic_increasing and r.duration == 3\n": 0,
    }
    for src, n in cases.items():
        assert len(clock_reads(src)) == n, src


def test_readme_speed_table_is_drawn_from_docs_speed_json():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import table

    record = json.loads((ROOT / "docs" / "speed.json").read_text())
    assert not record["quick"] and len(record["rows"]) >= 20
    assert any(r["measure"].startswith("browser ") for r in record["rows"]), "the browser timings are in the table"
    assert table.render(record) in (ROOT / "README.md").read_text()


def test_every_speed_figure_is_measured_at_the_size_it_names():
    """No line of the speed table extrapolates ("would take", "scaled") or lacks its figure (every app
    is timed in the browser, by a key press or, with no slider, a click): the million-scenario run of a
    40-year fund is measured, in one process and on two workers, and each line carries its ratio to the
    previous full run (or says it is new)."""
    record = json.loads((ROOT / "docs" / "speed.json").read_text())
    text = json.dumps(record).lower()
    assert "would take" not in text and "scaled" not in text and "extrapolat" not in text
    odds = [r for r in record["rows"] if r["measure"].startswith("Odds engine: 1,000,000 scenarios x 40-year fund")]
    assert len(odds) == 2 and all(r["seconds"] and "measured" in r["note"] for r in odds)
    assert sum("the faster of the two" in r["note"] for r in odds) == 1
    assert all("ratio_to_previous" in r and "previous_seconds" in r for r in record["rows"])
    missing = [r["measure"] for r in record["rows"] if not isinstance(r["seconds"], (int, float)) or r["seconds"] != r["seconds"]]
    assert not missing, f"lines with no measured figure: {missing}"
