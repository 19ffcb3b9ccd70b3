"""Stress layer: a zero shock is the base, shocks move outputs the right way, cash is conserved,
and the reverse stress search finds the thresholds."""

import numpy as np
import pytest

from fundlib import InputError
from fundlib import assumptions as A
from fundlib import stress as ST
from fundlib.market import Market


def test_zero_shock_reproduces_the_base_exactly():
    base = ST.run_chain()
    zero = ST.run_chain(sofr_bp=0.0, usdjpy=Market.current().usdjpy, ai_bust=0.0, delay_years=0)
    for k in ("equity_irr", "equity_value", "us_pv", "japan_pv_jpy_tn", "guarantee_calls"):
        assert np.array_equal(base[k], zero[k]), k
    assert base["default_years"] == 0 and base["lockup_years"] == 0 and base["guarantee_calls"] == 0
    d = base["dscr"][np.isfinite(base["dscr"])]
    # sculpted at close: the DSCR moves only by the swap's fixed rate against SOFR on the hedged share
    np.testing.assert_allclose(d, d[0], rtol=0.02)
    from fundlib.structure import FundStructure
    flat = ST.run_chain(fund=FundStructure(hedge_share=0.0))["dscr"]
    flat = flat[np.isfinite(flat)]
    np.testing.assert_allclose(flat, flat[0], rtol=1e-9)     # unhedged at the plan's rate: one DSCR in every year


def test_each_government_is_a_view_of_the_ledger():
    """The stress figures are read off the chain's ledger: the US Treasury with Ex-Im Bank at the
    30-year Treasury yield, Japan's MoF with JBIC in yen on the shocked FX path on the JGB zero curve."""
    from fundlib import chain as CH
    from fundlib.finance import npv

    m = Market.current()
    r = ST.run_chain(sofr_bp=[0, 300, 800], ai_bust=[0, 1, 2], delay_years=[0, 2, 5], usdjpy=[m.usdjpy, 130, 110])
    c = CH.run(market=m, shocks=CH.Shocks([0, 300, 800], [m.usdjpy, 130, 110], [0, 1, 2], [0, 2, 5]))
    us = c.party("us_treasury") + c.party("exim")
    np.testing.assert_allclose(r["us_pv"], npv(m.par_yield("USD", 30.0), us), rtol=1e-12)
    fx = np.column_stack([np.full(3, m.usdjpy), np.repeat([[m.usdjpy], [130.0], [110.0]], c.ledger.T - 1, axis=1)])
    jp = (c.party("japan_mof") + c.party("jbic")) * fx / 1000
    # Japan's budget view: its JGB zero curve
    np.testing.assert_allclose(r["japan_pv_jpy_tn"], jp @ m.discount("JPY", np.arange(c.ledger.T, dtype=float)), rtol=1e-12)
    assert np.all(r["distributions"] >= 0) and np.all(r["calls"] >= 0)


def test_zero_debt_fund_and_bad_shocks_at_the_door():
    from fundlib.structure import FundStructure

    table, long = ST.stress_table(fund=FundStructure(leverage=1.0))
    assert (table["guarantee calls ($bn)"] == 0).all() and long.empty
    with pytest.raises(InputError, match="ai_bust"):
        ST.run_chain(ai_bust=-5)


@pytest.mark.parametrize("kind,values", [("sofr_bp", [0, 100, 300, 600]), ("ai_bust", [0, 0.5, 1, 2]),
                                         ("delay_years", [0, 1, 2, 4])])
def test_shocks_move_outputs_the_right_way(kind, values):
    r = ST.run_chain(**{kind: values})
    assert np.all(np.diff(r["equity_value"]) < 0)          # worse shock, less equity value
    assert np.all(np.diff(r["us_pv"]) < 0)
    assert np.all(np.diff(r["min_dscr"]) <= 1e-12)


def test_fx_shock_hits_japan_only():
    r = ST.run_chain(usdjpy=[Market.current().usdjpy, 130.0, 110.0])
    assert np.ptp(r["equity_value"]) < 1e-9 and np.ptp(r["us_pv"]) < 1e-9
    assert np.all(np.diff(r["japan_pv_jpy_tn"]) < 0)


def test_vectorized_equals_one_by_one():
    grid = ST.run_chain(sofr_bp=[50.0, 400.0], delay_years=[1, 3])
    for i, (s, d) in enumerate([(50.0, 1), (400.0, 3)]):
        one = ST.run_chain(sofr_bp=s, delay_years=d)
        assert one["equity_value"] == pytest.approx(grid["equity_value"][i], rel=1e-12)


def test_named_table_and_reverse_search():
    table, long = ST.stress_table()
    assert list(table.index)[0] == "Base" and abs(table.loc["Base", "change in equity value ($bn)"]) < 1e-9
    assert table.loc["All together", "default years"] > 0
    rev = ST.reverse_stress(points=41).set_index(["shock", "threshold"])["smallest shock"]
    s_def = rev[("SOFR rise (bp)", "default covenant breached")]
    assert ST.run_chain(sofr_bp=s_def)["default_years"] > 0
    assert ST.run_chain(sofr_bp=s_def - 20.0)["default_years"] == 0   # within the search's resolution
    s_wipe = rev[("SOFR rise (bp)", "equity wiped out")]
    assert s_wipe > s_def
    assert ST.run_chain(sofr_bp=s_wipe)["equity_moic"] < A.value("wipeout_moic")
    fx = rev[("Yen strengthens to (¥ per $)", "Japan's stake below its FILP funding")]
    assert ST.run_chain(usdjpy=fx - 0.5)["japan_pv_jpy_tn"] < 0 < ST.run_chain(usdjpy=fx + 5)["japan_pv_jpy_tn"]


def test_bad_shocks():
    with pytest.raises(InputError, match="delay_years"):
        ST.Shock(delay_years=15.5)
    with pytest.raises(InputError, match="usdjpy"):
        ST.Shock(usdjpy=5)
    with pytest.raises(InputError, match="delay_years"):
        ST.run_chain(delay_years=-1)


def test_equity_value_counts_the_owners_cures():
    """All weight on data centres and a 2.5x AI bust: the owners pay cures beyond what they get back,
    so the equity is worth less than nothing (not the distributions' PV alone)."""
    r = ST.run_chain(ai_bust=2.5, weights={"data_centres": 1.0})
    assert r["cures"].sum() > 100.0
    rate = Market.current().fair_value_rate("USD")          # fair value: the 30-year UST + the equity risk premium
    net = (r["distributions"] - r["cures"])[1:]
    expected = float(np.sum(net / (1 + rate) ** np.arange(1, len(net) + 1)))
    assert r["equity_value"] == pytest.approx(expected, rel=1e-12)
    assert r["equity_value"] < 0


def test_exercise_06_2_can_be_solved_with_the_sliders():
    """Notebook 06, exercise 2: on the app's slider grid (SOFR in 25 bp steps up to +1,000 bp, AI bust
    in 0.1 steps), a SOFR rise and an AI bust that each alone keep the default test, together breach it."""
    sofr = np.arange(0.0, 1000.0 + 1, 25.0)
    bust = np.round(np.arange(0.0, 2.5 + 1e-9, 0.1), 1)
    alone_s = ST.run_chain(sofr, None, 0.0, 0)["default_years"] == 0
    alone_b = ST.run_chain(0.0, None, bust, 0)["default_years"] == 0
    S, B = np.meshgrid(sofr[alone_s], bust[alone_b], indexing="ij")
    both = ST.run_chain(S.ravel(), None, B.ravel(), 0)["default_years"] > 0
    assert both.any()
    i = int(np.argmax(both))
    assert 0 < S.ravel()[i] and 0 < B.ravel()[i]
    # a one-year delay alone does not breach it: the plan is re-sculpted on the late cash flows
    assert ST.run_chain(0.0, None, 0.0, 1)["default_years"] == 0
