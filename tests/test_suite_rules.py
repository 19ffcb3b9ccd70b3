"""Rules of the test suite itself: tests assert behaviour, never elapsed time (speed is `make bench`'s),
and the README's speed table is the one `make bench` measured."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "time", "time_ns", "process_time"}
TIMING_WORDS = ("p95", "p50", "elapsed", "seconds", "_ms", "latency")   # not "duration": bonds have one


def _clock_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLOCKS
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "time")


def timing_asserts(source: str) -> list[int]:
    """Lines of ``assert`` statements that read a clock, a name set from a clock, or a timing figure."""
    tree = ast.parse(source)
    from_clock = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) and any(_clock_call(c) for c in ast.walk(n.value))
                  for t in n.targets if isinstance(t, ast.Name)}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        names = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}
        words = " ".join(names | {n.attr for n in ast.walk(node.test) if isinstance(n, ast.Attribute)}).lower()
        if (any(_clock_call(c) for c in ast.walk(node.test)) or names & from_clock
                or any(w in words for w in TIMING_WORDS)):
            lines.append(node.lineno)
    return lines


def test_no_test_asserts_elapsed_time():
    found = {p.name: timing_asserts(p.read_text()) for p in sorted((ROOT / "tests").glob("*.py"))}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_timing_rule_catches_what_it_should():
    assert timing_asserts("import time\nt0 = time.perf_counter()\nf()\nassert time.perf_counter() - t0 < 3.0\n") == [4]
    assert timing_asserts("import time\nt0 = time.time()\nassert t0 > 0\n") == [3]
    assert timing_asserts("assert p95 <= limit\n") == [1]
    assert timing_asserts("assert r.seconds < 5\n") == [1]
    assert timing_asserts("assert len(x) == 3\nassert calls >= 150\n") == []


def test_readme_speed_table_is_drawn_from_docs_speed_json():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import table

    record = json.loads((ROOT / "docs" / "speed.json").read_text())
    assert not record["quick"] and len(record["rows"]) >= 20
    assert any(r["measure"].startswith("browser ") for r in record["rows"]), "the browser timings are in the table"
    assert table.render(record) in (ROOT / "README.md").read_text()
