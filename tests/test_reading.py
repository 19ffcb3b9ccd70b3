"""What a reader sees, checked without a browser: dollars that MathJax cannot typeset, a first screen
that says how to run the notebook, no stale sentences. (The browser tests count typeset maths.)"""

import re
from pathlib import Path

import nbformat
import pytest

from figures import DISPLAYED_FORMULA

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + [ROOT / "app" / "dashboard.ipynb"]


def _markdown(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_dollar_in_markdown_is_escaped_for_mathjax(path):
    """JupyterLab typesets any pair of $ as LaTeX; `\\\\$` (MathJax's own escape) is a plain $ there
    and in Voilà, and the static site turns it back into $. `\\$`, `&#36;` and `US$` are all typeset.
    The one place a $ may stand alone is a displayed formula: `$$` on its own line, the LaTeX, `$$`."""
    for src in _markdown(path):
        text = re.sub(r"`[^`]*`", "", src)            # code spans are never typeset
        text = DISPLAYED_FORMULA.sub("", text)   # displayed formulas are maths
        assert "&#36;" not in text, src[:80]
        bare = [m.start() for m in re.finditer(r"\$", text) if not text[:m.start()].endswith("\\\\")]
        assert bare == [], f"{path.name}: unescaped $ in {text[max(0, bare[0] - 40):bare[0] + 20]!r}"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.parent.name == "notebooks"], ids=lambda p: p.name)
def test_first_screen_says_how_to_run(path):
    first = _markdown(path)[0]
    assert "Run → Run All Cells" in first.replace("*", "")
    assert f"site/{path.stem}.html" in first          # and where its executed page is


def test_no_stale_sentences():
    text = " ".join(s for p in NOTEBOOKS for s in _markdown(p))
    for stale in ("Notebooks appear in this folder as they are completed", "15 years or less"):
        assert stale not in text


def test_site_shows_plain_dollars():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from build_site import plain_dollars

    assert plain_dollars(r"from \\$300bn to \\$900bn") == "from $300bn to $900bn"


def test_corrected_claims_stay_corrected_and_named_files_exist():
    """Sentences a review found wrong stay out: TONA is not younger than 2000 (the BoJ has published it
    since 1985; only this suite's copy starts in 2021-08), the data provenance is data/README.md (there
    is no data/SOURCES.md), and the retail savers' share of the profit is 5.3%, not "the same 5%". Every
    repository file the prose names in `code` exists."""
    text = " ".join(s for p in NOTEBOOKS for s in _markdown(p))
    for wrong in ("younger than 2000", "data/SOURCES.md", "the same 5% each"):
        assert wrong not in text, wrong
    for p in NOTEBOOKS:
        for src in _markdown(p):
            for name in re.findall(r"`((?:data|docs|scenarios|scripts|fundlib)/[^`\s]*)`", src):
                assert (ROOT / name).exists(), f"{p.name} names {name}, which is not in the repository"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.parent.name == "notebooks"], ids=lambda p: p.name)
def test_each_notebook_says_what_its_model_leaves_out_and_which_way(path):
    """Before its exercises every notebook lists what the model leaves out, each item with the
    direction it moves the answer."""
    text = "\n".join(_markdown(path))
    assert "## What this model leaves out" in text
    section = text.split("## What this model leaves out", 1)[1].split("## Exercises", 1)[0]
    items = re.findall(r"^- \*\*.+?(?=^- \*\*|\Z)", section, re.M | re.S)
    assert len(items) >= 3, path.name
    direction = re.compile(r"overstat|understat|optimistic|pessimistic|upper bound|lower bound|too narrow|too wide|scales")
    assert all(direction.search(i) for i in items), [i[:60] for i in items if not direction.search(i)]
    assert text.index("## What this model leaves out") < text.index("## Exercises")
