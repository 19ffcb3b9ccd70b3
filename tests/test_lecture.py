"""The lecture's parts, checked in every notebook: each displayed formula is evaluated with the fund's
numbers by the checked cell right after it, and every relation the course promises is shown; each
notebook from 01 on implements its core idea in plain numpy once and asserts it equals fundlib; every
exercise has an answer; multiples are written one way."""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHECK = "# NBVAL_CHECK_OUTPUT"

# the relations each notebook shows as displayed maths, each marked <!--formula:ID--> just before its $$
REQUIRED = {
    "01": {"waterfall"},
    "02": {"roe", "breakeven", "sculpting", "debt_capacity", "llcr"},
    "03": {"cip_forward_zero", "cip_forward_mm", "hedge_cost", "price_yield", "duration_dv01"},
    "04": {"npv", "irr", "moic"},
    "05": {"government_pv"},
    "06": {"chain_year"},
    "07": {"rate_model", "expected_shortfall", "bootstrap"},
}
FORMULA = re.compile(r"<!--formula:([a-z_0-9]+)-->\n\$\$\n(.+?)\n\$\$$", re.S | re.M)


def _nb(path):
    return nbformat.read(path, as_version=4)


def _checked(cell) -> bool:
    return cell.cell_type == "code" and cell.source.startswith(CHECK)


def _printed(cell) -> str:
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", []))


def formulas(nb) -> list[tuple[int, str, str]]:
    """(cell index, formula id, LaTeX) of every displayed formula in the notebook's markdown."""
    return [(i, m.group(1), m.group(2)) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
            for m in FORMULA.finditer(c.source)]


def exercises_and_answers(nb) -> tuple[int, int]:
    """How many numbered exercises the "## Exercises" section asks, and how many numbered answers its
    collapsed <details> block gives."""
    cell = next(c.source for c in nb.cells if c.cell_type == "markdown" and "## Exercises" in c.source)
    section = cell.split("## Exercises", 1)[1].split("\n## ", 1)[0]
    asked, _, answers = section.partition("<details>")
    assert "</details>" in answers, "the answers block is not closed"
    count = lambda s: len(re.findall(r"^\d+\.\s", s, re.M))   # noqa: E731
    return count(asked), count(answers.split("</details>")[0])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_displayed_formula_is_marked_and_evaluated_by_the_checked_cell_after_it(path):
    nb = _nb(path)
    for c in nb.cells:
        if c.cell_type == "markdown":
            blocks = re.findall(r"^\$\$$", c.source, re.M)
            assert len(blocks) == 2 * len(FORMULA.findall(c.source)), \
                f"{path.name}: a $$ block without its <!--formula:ID--> marker in {c.source[:60]!r}"
    for i, fid, tex in formulas(nb):
        nxt = nb.cells[i + 1]
        assert _checked(nxt), f"{path.name}: formula {fid} is not followed by a checked cell"
        assert _printed(nxt).strip(), f"{path.name}: the cell after formula {fid} prints nothing"
        assert "\\$" not in tex and "bn" not in tex, f"{path.name}: money inside formula {fid}"
    want = REQUIRED.get(path.name[:2], set())
    assert want <= {fid for _, fid, _ in formulas(nb)}, f"{path.name} lacks {want - {f for _, f, _ in formulas(nb)}}"


def test_the_promised_relations_are_all_shown():
    shown = {fid for p in NOTEBOOKS for _, fid, _ in formulas(_nb(p))}
    assert set().union(*REQUIRED.values()) <= shown
    assert sum(len(formulas(_nb(p))) for p in NOTEBOOKS) >= sum(len(v) for v in REQUIRED.values())


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] != "00"], ids=lambda p: p.name)
def test_one_algorithm_in_the_open_asserted_equal_to_fundlib(path):
    """One code cell tagged open-algorithm: plain numpy, the core idea from scratch, checked, and an
    assertion that it equals fundlib; it comes before the notebook's first app."""
    nb = _nb(path)
    idx = [i for i, c in enumerate(nb.cells) if "open-algorithm" in c.metadata.get("tags", [])]
    assert len(idx) == 1, f"{path.name}: {len(idx)} open-algorithm cells"
    cell = nb.cells[idx[0]]
    assert _checked(cell) and _printed(cell).strip()
    code = cell.source
    assert re.search(r"^\s*(assert |np\.testing\.assert_)", code, re.M), "no assertion against fundlib"
    assert "import numpy" in code or "np." in code
    assert not re.search(r"^\s*(from fundlib|import fundlib)", code, re.M), "the open algorithm imports fundlib"
    heading = nb.cells[idx[0] - 1].source if idx[0] else ""
    assert "algorithm in the open" in heading.lower(), f"{path.name}: no 'algorithm in the open' text before the cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_an_answer(path):
    """As many numbered answers as exercises; the numbers they quote come from the checked cell just before
    the exercises, whose code and output are both collapsed, so no answer shows before the reader tries."""
    nb = _nb(path)
    asked, answered = exercises_and_answers(nb)
    assert asked >= 3 and answered == asked, f"{path.name}: {asked} exercises, {answered} answers"
    i = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "## Exercises" in c.source)
    numbers = nb.cells[i - 1]
    assert _checked(numbers) and "exercise 1" in _printed(numbers).lower(), f"{path.name}: no answers cell before the exercises"
    flags = numbers.metadata.get("jupyter", {})
    assert flags.get("source_hidden") and flags.get("outputs_hidden"), f"{path.name}: the answers' numbers show: {flags}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_multiples_are_written_with_a_times_sign(path):
    """"3×" everywhere in the prose, never "3.0x" or "3x" (code and printed output may use x)."""
    for c in _nb(path).cells:
        if c.cell_type == "markdown":
            text = re.sub(r"`[^`]*`|<!--.*?-->|\$\$.*?\$\$", "", c.source, flags=re.S)
            bad = re.search(r".{0,30}\b\d+(\.\d+)?x\b", text)
            assert bad is None, f"{path.name}: {bad.group(0) if bad else ''!r}"


def test_formula_pattern_catches_its_failures():
    """The checks above fail on what they are meant to catch: a formula with no checked cell after it,
    and an exercise without an answer."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("<!--formula:roe-->\n$$\nx = 1\n$$"),
                nbformat.v4.new_code_cell("print(1)")]
    (i, fid, _), = formulas(nb)
    assert fid == "roe" and not _checked(nb.cells[i + 1])
    nb.cells = [nbformat.v4.new_markdown_cell("## Exercises\n\n1. a\n2. b\n\n<details><summary>A</summary>\n\n1. x\n\n"
                                              "</details>\n\n## Sources")]
    assert exercises_and_answers(nb) == (2, 1)


def symbol_table() -> list[tuple[str, set[str], str]]:
    """(symbol, notebooks, how the formulas write it) from 00's "Symbols of single notebooks" table."""
    nb = _nb(ROOT / "notebooks" / "00_start_here.ipynb")
    cell = next(c.source for c in nb.cells if c.cell_type == "markdown" and "### Symbols of single notebooks" in c.source)
    table = cell.split("### Symbols of single notebooks", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \| .+? \| ([\d, ]+) <!--tex:(.+?)--> \|$", table, re.M)   # how the formulas write it
    return [(sym, {n.strip() for n in nbs.split(",")}, tex) for sym, nbs, tex in rows]


def _uses(tex: str, literal: str) -> bool:
    """Whether a formula writes the symbol: the literal, not as part of a longer name (``c`` is not the c
    of ``\\cdot`` or ``\\mathrm{carry}``; ``T`` is not the T of ``T_{\\mathrm{life}}``)."""
    after = "" if not literal[-1].isalnum() else r"(?![A-Za-z])" if literal[0] == "\\" else r"(?![A-Za-z_])"
    before = r"(?<![A-Za-z\\])" if literal[0].isalnum() else ""
    return re.search(before + re.escape(literal) + after, tex) is not None


def test_one_symbol_one_meaning_across_notebooks():
    """Every symbol a notebook adds is in 00's table with the notebooks that use it, and no other
    notebook's formulas write it (for another meaning): the drift the table exists to stop."""
    rows = symbol_table()
    assert len(rows) >= 40
    assert len({tex for _, _, tex in rows}) == len(rows), "a symbol listed twice"
    shown = {p.name[:2]: " ".join(t for _, _, t in formulas(_nb(p))) for p in NOTEBOOKS}
    for sym, listed, tex in rows:
        users = {n for n, text in shown.items() if _uses(text, tex)}
        assert users <= listed, f"{sym} ({tex}) is written in notebooks {sorted(users - listed)} too"
        assert users, f"{sym} ({tex}) is in the table but in no notebook's formulas"


def test_symbol_check_tells_names_apart():
    assert _uses(r"100\,c/2", "c") and not _uses(r"a \cdot b", "c") and not _uses(r"\mathrm{carry}", "c")
    assert _uses(r"\sum_{t=0}^{T} x", "T") and not _uses(r"T_{\mathrm{life}}", "T")
    assert _uses(r"(1+h)\,H_{t-1}", "H_") and not _uses(r"\mathrm{DSCR}^{*}", r"\mathrm{DS}")
    assert _uses(r"\varepsilon_m", r"\varepsilon") and not _uses(r"\ell", r"\le")
    assert _uses(r"\mathrm{Cap}_{t-1}", r"\mathrm{Cap}") and not _uses(r"\mathrm{NPV}", r"\mathrm{PV}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_report_scaffolding_is_collapsed(path):
    """A checked cell whose code is a wall of f-string prints (four or more, no table) is a report for
    the tests, not part of the lesson: its input is collapsed, so the lesson reads straight (the output
    stays). Cells that evaluate a formula and the open algorithm stay open: their code is the lesson."""
    nb = _nb(path)
    after = {i + 1 for i, _, _ in formulas(nb)}
    for i, c in enumerate(nb.cells):
        if _checked(c) and i not in after and "open-algorithm" not in c.metadata.get("tags", []):
            wall = len(re.findall(r"print\(f", c.source)) >= 4 and "DataFrame" not in c.source and "to_string" not in c.source
            assert not wall or c.metadata.get("jupyter", {}).get("source_hidden"), f"{path.name} cell {i}: {c.source[:80]!r}"
