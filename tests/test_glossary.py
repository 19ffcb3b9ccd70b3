"""Terms before use: notebook 00's glossary lists every acronym the suite uses, and each notebook
spells an acronym out (within a sentence of it) the first time it uses it in its text, so a reader who
opens any notebook first is never left with an undefined acronym."""

import re
from pathlib import Path

import nbformat
import pytest

from figures import DISPLAYED_FORMULA

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WINDOW = 160     # characters either side of the first use in which the expansion must appear


def _body(nb) -> str:
    """The notebook's markdown as a reader reads it: no headings, code spans, links' targets or markers."""
    out = []
    for c in nb.cells:
        if c.cell_type != "markdown":
            continue
        s = re.sub(r"## Glossary.*?(?=^## )", "", c.source, flags=re.S | re.M)   # the glossary defines them
        s = re.sub(r"<!--.*?-->|`[^`]*`|\]\([^)]*\)", "", DISPLAYED_FORMULA.sub("", s), flags=re.S)   # and formulas
        out.append("\n".join(ln for ln in s.splitlines() if not ln.lstrip().startswith("#")))
    return "\n".join(out)


def glossary() -> dict[str, str]:
    """Acronym -> its expansion, from the table under 00's "## Glossary" heading (one-word terms with at least
    two capital letters and an expansion are acronyms; the rest, like "bp", "Basel II" or "the chain", are
    defined there and not enforced)."""
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    cell = next(c.source for c in nb.cells if c.cell_type == "markdown" and "## Glossary" in c.source)
    table = cell[cell.index("## Glossary"):].split("### Notation")[0]
    out = {}
    for row in re.findall(r"^\|(.+?)\|(.+?)\|", table, re.M):
        for term in re.findall(r"\*\*(.+?)\*\*", row[0]):
            if sum(ch.isupper() for ch in term) >= 2 and " " not in term.replace(" Bank", "") and row[1].strip() != "—":
                out[term.replace(" Bank", "")] = re.sub(r"\s*\(.*?\)", "", row[1]).strip()
    return out


def _norm(s: str) -> str:
    return re.sub(r"[\s\-–]+", " ", s.lower())


def first_use_problems(text: str, terms: dict[str, str]) -> list[str]:
    bad = []
    for term, expansion in terms.items():
        m = re.search(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", text)
        if not m:
            continue
        near = _norm(text[max(0, m.start() - WINDOW):m.end() + WINDOW])
        if _norm(expansion) not in near:
            bad.append(f"{term} ({expansion}): {text[max(0, m.start() - 40):m.end() + 40]!r}")
    return bad


def test_the_glossary_lists_the_suites_acronyms():
    g = glossary()
    for term in ("SOFR", "TONA", "FILP", "JBIC", "Ex-Im", "NEXI", "MoF", "BoJ", "JGB", "UST", "IRR", "MOIC", "NPV",
                 "PV", "DSCR", "LLCR", "CFADS", "DV01", "MOU", "UIP", "PD", "LGD", "FOMC", "GPFG"):
        assert term in g, term
    assert g["SOFR"] == "Secured Overnight Financing Rate"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_acronym_is_spelled_out_at_its_first_use(path):
    bad = first_use_problems(_body(nbformat.read(path, as_version=4)), glossary())
    assert bad == [], f"{path.name}: first use without its expansion nearby:\n" + "\n".join(bad)


def test_the_check_catches_an_acronym_left_undefined():
    terms = {"SOFR": "Secured Overnight Financing Rate"}
    assert first_use_problems("The debt pays SOFR + 120 bp.", terms) != []
    assert first_use_problems("The debt pays SOFR (the Secured Overnight Financing Rate) + 120 bp.", terms) == []
    assert first_use_problems("Secured Overnight\nFinancing Rate (SOFR) is the base; SOFR again.", terms) == []
    # only the first use counts: a later expansion does not rescue it
    far = "SOFR." + " filler" * 60 + " Secured Overnight Financing Rate"
    assert first_use_problems(far, terms) != []
