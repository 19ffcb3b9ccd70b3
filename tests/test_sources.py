"""Sources and their tiers: every register row, fact and press claim carries one; the claims table and
the timeline of notebook 00 load and agree with the press folder's claims; the errors a reader found
in the prose stay fixed."""

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from fundlib import assumptions as A
from fundlib import sources as SRC
from fundlib import treasury as TR
from fundlib.data import TIERS, DataError, load_assumptions_table

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _markdown(path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")


def test_every_register_row_fact_and_claim_has_a_tier():
    assert {a.tier for a in A.register().values()} <= set(TIERS)
    assert set(SRC.facts()["tier"]) <= set(TIERS) and set(SRC.claims()["tier"]) <= set(TIERS)
    from fundlib.data import load_comparators, load_filp_facts

    assert set(load_comparators()["tier"]) <= set(TIERS) and set(load_filp_facts()["tier"]) <= set(TIERS)
    counts = SRC.tier_table()
    assert counts["register rows"].sum() == len(A.register())
    assert counts["data tables"].sum() == len(load_comparators()) + len(load_filp_facts())
    assert counts.loc["assumption", "facts"] == 0          # a fact has a source


def test_the_user_submitted_report_is_single_tier_wherever_it_is_the_only_source():
    for a in A.register().values():
        if "Tanaka" in a.source and not any(s in a.source for s in ("Financial Times", "All four")):
            assert a.tier == "single", a.id
    claims = SRC.claims()
    only_003 = claims[claims["reports"].str.strip().str.fullmatch(r"Tanaka \(003\)")]
    assert len(only_003) == 9 and set(only_003["tier"]) == {"single"}


def test_a_bad_tier_is_refused(tmp_path):
    src = (ROOT / "data" / "assumptions.csv").read_text().splitlines()
    src[1] = src[1].replace(",outlet,", ",rumour,")
    p = tmp_path / "assumptions.csv"
    p.write_text("\n".join(src) + "\n")
    with pytest.raises(DataError, match="row 2: tier 'rumour'"):
        load_assumptions_table(p)


def test_claims_cover_the_press_folder_and_name_a_notebook():
    press = ROOT.parent / "shared" / "press" / "claims.csv"
    claims = SRC.claims()
    assert set(claims["notebook"]) <= {f"{i:02d}" for i in range(8)}
    if press.exists():            # a user's clone has no ../shared; CI has it
        ids = set(pd.read_csv(press)["id"])
        covered = set(claims["id"]) | {"tariff_us_floor", "g7"}
        assert ids - covered <= {"tariff_us_floor", "g7"}, ids - covered


def test_timeline_is_in_order_and_says_which_rows_the_suite_models():
    tl = SRC.timeline()
    assert list(tl["date"]) == sorted(tl["date"])
    assert {"proposal", "mou"} <= set(tl["kind"])
    assert tl.loc[tl["kind"] == "proposal", "date"].iloc[0] == "2025-05-25"   # the FT's report, not April


def test_fact_lookup_names_what_exists():
    assert SRC.fact("exim_cap_usd_bn").value == 135
    with pytest.raises(Exception, match="data/facts.csv"):
        SRC.fact("no_such_fact")


def test_the_law_offers_the_funds_mix_one_credit():
    t = TR.credits_by_sector()
    assert t.loc["Chip packaging", "credit"] == pytest.approx(0.35)
    assert t.loc["Portfolio (weighted)", "credit"] == pytest.approx(0.15 * 0.35)
    assert (t.drop(["Chip packaging", "Portfolio (weighted)"])["credit"] == 0).all()


def test_the_map_of_the_suite_lists_every_notebook():
    text = _markdown(ROOT / "notebooks" / "00_start_here.ipynb")
    table = text[text.index("Map of the suite"):text.index("## Exercises")]
    assert [p.stem for p in NOTEBOOKS] == re.findall(r"`(\d\d_[a-z_]+)`", table)


@pytest.mark.parametrize("stale", [
    "0.13% at its low in mid-2016",            # a month-end; the daily low was 0.042% on 2016-07-06
    "On \\\\$600bn of debt over 18 years",       # the fund lives 15 years
    "sells its assets at book value",          # the chain sells at the PV of the remaining cash flows
    "pushed six named shocks",                 # five
    "April 2025",                              # the FT's report is of 25 May 2025
    "the 10% tariff the US insists on",        # the July 2025 deal set 15%
])
def test_the_errors_a_reader_found_stay_fixed(stale):
    for p in NOTEBOOKS:
        assert stale not in _markdown(p), p.name


def test_the_workbook_says_each_register_inputs_tier(tmp_path):
    import openpyxl

    from fundlib.export import to_excel

    ws = openpyxl.load_workbook(to_excel(tmp_path / "fund.xlsx"))["Inputs"]
    head = [c.value for c in ws[4]]
    assert head[-1] == "Source tier"
    rows = [(r[3].value, r[7].value) for r in ws.iter_rows(min_row=5) if r[3].value]
    assert rows and all(t == A.get(i).tier for i, t in rows)
    assert ("senior_spread_bp", "single") in rows
