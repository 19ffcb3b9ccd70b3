"""Prose follows the numbers: every figure in a notebook's markdown names where it comes from (a line
of a checked output, a register row, a sourced fact, or a premise the text sets) and the test compares
the value, at the precision the prose quotes, so a changed model or a new market month cannot leave
stale words behind. Integers and counts in words ("five named shocks", "15 years") are figures too.
The binding is described in tests/figures.py; scripts/bind_figures.py proposes markers."""

from pathlib import Path

import nbformat
import pytest

from figures import Figure, check, figures, problems
from fundlib import assumptions as A

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_in_the_prose_names_its_source_and_matches_it(path):
    bad = problems(path, A.register())
    assert bad == [], f"{len(bad)} figure(s):\n" + "\n".join(bad)


def _nb(markdown: str, output: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint()", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=output)]), nbformat.v4.new_markdown_cell(markdown)]
    return nb


def _check(markdown: str, output: str = "fund life: 15 years\nshocks pushed through the fund: 5\n"
           "profit share of each saver group: 5.3%\nIRR gap: 5.93 points\n") -> list[str]:
    return check(_nb(markdown, output), A.register())


@pytest.mark.parametrize("text", [
    # the errors a reader found, as the old test let them pass (18 was a register value somewhere, and
    # 0.05 the retail share)
    "On \\\\$600bn of debt over 18 years<!--out:fund life:-->",
    "notebook 06 pushed six named shocks<!--out:shocks pushed through the fund:--> through the fund",
    "their share of the profit is the same 5%<!--out:profit share of each saver group:--> each",
    "over 15 years",                                   # no marker at all
    "a 120 bp<!--reg:guarantee_fee_bp--> fee",          # the wrong row
    "six points<!--out:IRR gap:--> above",             # rounded without saying so
])
def test_the_binding_catches_a_figure_that_does_not_match_its_source(text):
    assert _check(text) != []


@pytest.mark.parametrize("text", [
    "over 15 years<!--out:fund life:-->", "five named shocks<!--out:shocks pushed through the fund:-->",
    "SOFR + 120 bp<!--reg:senior_spread_bp-->", "about 15.0 years<!--out:fund life:-->",
    "a 0.7%<!--reg:annual_default_prob--> default probability", "try 4×<!--given-->",
    "about six points<!--out:IRR gap:--> above", "5.3%<!--out:profit share of each saver group:--> each",
])
def test_the_binding_passes_a_figure_that_matches(text):
    assert _check(text) == []


def test_given_is_refused_in_what_the_numbers_say():
    nb = _nb("## What the numbers say\n\n- it pays 9%<!--given-->\n\n## Exercises\n\n1. Try 4×<!--given-->", "x: 1\n")
    fs = figures(nb)
    assert [(f.token, f.in_numbers_section) for f in fs] == [("9%", True), ("4×", False)]
    assert isinstance(fs[0], Figure)
