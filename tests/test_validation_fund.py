"""Input checking of the fund's model (structure, leverage, projects, scenarios, waterfall, chain, ledger,
stress): each listed defect answers with the right number or a clear error naming the parameter, and
property tests at the edges (no debt, negative rates, one-period debt, money conserved in the chain)."""

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fundlib import InputError
from fundlib import chain as CH
from fundlib import leverage as LV
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib import stress as ST
from fundlib import structure as S
from fundlib import waterfall as W
from fundlib.finance import npv
from fundlib.chain import Ledger
from fundlib.market import Market

MARKET = Market.latest()
SOLAR = P.archetype("solar")


# ----------------------------------------------------------------------------- objects where a number arrives

@pytest.mark.parametrize("call,message", [
    (lambda: S.capital_stack(2.5), "fund must be a FundStructure; got float"),
    (lambda: S.ownership_table(2.5), "fund must be a FundStructure; got float"),
    (lambda: S.sources_and_uses(2.5), "fund must be a FundStructure; got float"),
    (lambda: S.scale_comparison(2.5), "fund must be a FundStructure; got float"),
    (lambda: P.cashflows(a=2.5), "a must be a ProjectArchetype; got float"),
    (lambda: P.with_debt(2.5, 0.06, 1.3, 10, 0.6), "a must be a ProjectArchetype; got float"),
    (lambda: P.cashflow_table(2.5), "a must be a ProjectArchetype; got float"),
    (lambda: CH.run(fund=2.5, market=MARKET), "fund must be a FundStructure; got float"),
    (lambda: CH.run(market=2.5), "market must be a Market; got float"),
    (lambda: CH.run(market=MARKET, shocks=2.5), "shocks must be a chain.Shocks; got float"),
    (lambda: CH.run(market=MARKET, weights=2.5), "weights must be a dict of sector → share"),
    (lambda: SC.run_monte_carlo(unc=2.5, n=10), "unc must be an Uncertainty; got float"),
    (lambda: SC.run_monte_carlo(archetypes=2.5, n=10), "archetypes must be a dict of sector → ProjectArchetype"),
    (lambda: SC.run_monte_carlo(archetypes={"power": 2.5}, n=10), r"archetypes\['power'\] must be a ProjectArchetype"),
    (lambda: ST.run_chain(fund=2.5), "fund must be a FundStructure; got float"),
    (lambda: ST.stress_table(shocks={"x": 2.5}), r"shocks\['x'\] must be a Shock; got float"),
    (lambda: W.preset_terms("proposal", 2.5), "fund must be a FundStructure; got float"),
    (lambda: W.mou_japan_view(2.5, 0.05), "result must be a WaterfallResult; got float"),
])
def test_a_number_where_an_object_belongs_is_a_type_error(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_a_sector_weight_over_100_percent_names_the_sector():
    with pytest.raises(InputError, match=r"weights\['data_centres'\] = 1.5 .*\[0, 1\]"):
        CH.run(market=MARKET, weights={"data_centres": 1.5, "power": -0.5})
    with pytest.raises(InputError, match=r"weights = 'moon'"):
        SC.check_weights({"moon": 1.0})


# ----------------------------------------------------------------------------- dataclass fields

@pytest.mark.parametrize("make,error,message", [
    (lambda: S.FundStructure(leverage="3"), TypeError, "leverage must be a number"),
    (lambda: S.FundStructure(leverage=math.nan), InputError, r"leverage = nan .*\[1, 50\]"),
    (lambda: S.FundStructure(shares=2.5), TypeError, "shares must be a dict"),
    (lambda: S.FundStructure(shares={"us_treasury": "half", "japan_mof": 0.5}), TypeError, r"shares\['us_treasury'\]"),
    (lambda: S.FundStructure(votes=[0.5, 0.5]), TypeError, "votes must be a dict"),
    (lambda: S.FundStructure(fees=0.02), TypeError, "fees must be a Fees; got float"),
    (lambda: S.FundStructure(senior_spread_bp=[120]), TypeError, "senior_spread_bp must be a single number"),
    (lambda: S.FundStructure(guarantee_fee_bp=500), InputError, r"guarantee_fee_bp = 500 .*\[0, 200\] bp"),
    (lambda: S.FundStructure(life_years=2.5), InputError, "life_years = 2.5"),
    (lambda: S.Fees(management_fee="1%"), TypeError, r"management_fee must be a number in \[0, 0.03\]"),
    (lambda: S.Fees(basis="paid-in"), InputError, "basis = 'paid-in'"),
    (lambda: S.Fees(catch_up="yes"), TypeError, "catch_up must be True or False"),
    (lambda: LV.DebtTerms(spread_bp=None), TypeError, r"spread_bp must be a number in \[50, 300\]"),
    (lambda: LV.DebtTerms(sofr=[[0.03, 0.04]]), InputError, "sofr"),
    (lambda: LV.DebtTerms(sofr=math.inf), InputError, "sofr = inf"),
    (lambda: LV.DebtTerms(guaranteed=1), TypeError, "guaranteed must be True or False"),
    (lambda: SC.Uncertainty(capex_sigma="wide"), TypeError, "capex_sigma must be a number"),
    (lambda: SC.Uncertainty(macro_corr=1.5), InputError, r"macro_corr = 1.5 .*\[0, 0.95\]"),
    (lambda: ST.Shock(sofr_bp="abc"), TypeError, "sofr_bp must be a number"),
    (lambda: ST.Shock(delay_years=None), TypeError, "delay_years must be a number"),
    (lambda: ST.Shock(delay_years=math.nan), InputError, "delay_years = nan"),
    (lambda: ST.Shock(usdjpy=[100, 120]), TypeError, "usdjpy must be a single number"),
    (lambda: ST.Shock(ai_bust=-1), InputError, r"ai_bust = -1 .*\[0, 2.5\]"),
    (lambda: CH.Shocks(delay_years="two"), TypeError, "delay_years must be a number"),
    (lambda: CH.Shocks(delay_years=[1, 15.5]), InputError, r"delay_years = 15.5 .*\[0, 15\]"),
    (lambda: CH.Shocks(sofr_bp=[100, 200], ai_bust=[0, 1, 2]), InputError, "sofr_bp and ai_bust"),
    (lambda: SOLAR.with_(utilization=[[1.0, 2.0], [3.0]]), TypeError, "utilization must be a single number"),
    (lambda: SOLAR.with_(label=3), TypeError, "label must be text"),
    (lambda: SOLAR.with_(life_years=0), InputError, "life_years = 0"),
    (lambda: W.PreferredReturn("8%"), TypeError, "rate must be a number"),
    (lambda: W.ReturnOfCapital(owners=("us_treasury", "china")), InputError, "owners = 'china'"),
    (lambda: W.Split({"us_treasury": 0.7}), InputError, "sum to 1"),
    (lambda: W.SplitUntilRecouped("china", {"japan_mof": 1.0}, 0.05), InputError, "payee = 'china'"),
    (lambda: Ledger(2.5, 10), InputError, "n = 2.5"),
])
def test_dataclass_fields_are_checked_when_made(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_checked_fields_keep_their_values():
    f = S.FundStructure(300, 3, {"us_treasury": 0.5, "japan_mof": 0.5})
    assert (f.equity_usd_bn, f.leverage, f.assets_usd_bn) == (300.0, 3.0, 900.0)
    assert S.Fees(0, "invested", 0, 0).management_fee == 0.0
    assert LV.DebtTerms(sofr=(0.03, 0.04), spread_bp=100, guarantee_fee_bp=0).rate(3).tolist() == pytest.approx([0.04, 0.05, 0.05])
    assert ST.Shock(delay_years=2.0).delay_years == 2


# ----------------------------------------------------------------------------- leverage

def test_shapes_that_do_not_broadcast_name_the_parameters():
    with pytest.raises(InputError, match=r"target_equity_return and debt_cost and leverage = .*\(2,\).*\(3,\)"):
        LV.required_spread(np.ones(2) * 0.1, np.ones(3) * 0.05, 3.0)
    with pytest.raises(InputError, match="debt_cost and leverage and target_equity_return"):
        LV.breakeven_asset_return(np.ones(2) * 0.05, 3.0, np.ones(3) * 0.1)
    with pytest.raises(TypeError, match="asset_mean must be a single number"):
        LV.simulate_equity_returns(np.full((2, 3), 0.07), 0.1, 0.05, 3.0, n=200)
    with pytest.raises(InputError, match=r"cfads and rate"):
        LV.sculpted_debt(np.ones((2, 6)), np.full((3, 6), 0.05), 1.3, 5)
    with pytest.raises(InputError, match=r"rate = .*one per period"):
        LV.debt_schedule(100.0, [0.05, 0.06, 0.07], 5)


def test_text_and_nan_returns_are_refused():
    with pytest.raises(TypeError, match=r"asset_return must be a number in \[-1, 10\]; got str 'abc'"):
        LV.levered_return("abc", 0.05, 3.0)
    with pytest.raises(InputError, match=r"asset_return = nan is not valid"):   # was nan, silently
        LV.levered_return(math.nan, 0.05, 3.0)
    with pytest.raises(InputError, match=r"debt_cost = nan"):
        LV.levered_return(0.07, [0.05, math.nan], 3.0)


def test_rates_at_or_below_minus_100_percent_are_refused():
    with pytest.raises(InputError, match=r"discount_rate = -1 .*\[-0.05, 1\]"):
        LV.guarantee_economics(100.0, 10, 0.01, 0.4, 120, 250, 30, -1.0)
    with pytest.raises(InputError, match=r"rate = -1 .*\[-0.05, 1\]"):        # was (inf, ...): a division by zero
        LV.sculpted_debt([0.0, 10.0, 10.0, 10.0], -1.0, 1.3, 3)
    with pytest.raises(InputError, match=r"guaranteed_spread_bp = 900 .*\[50, 300\]"):
        LV.guarantee_economics(100.0, 10, 0.01, 0.4, 900, 250, 30, 0.05)


def test_zero_cfads_sizes_no_debt_and_cannot_carry_a_sculpted_one():
    zero = np.zeros(6)
    debt, ds = LV.sculpted_debt(zero, 0.05, 1.3, 5)
    assert debt == 0.0 and not ds.any()
    sized = LV.size_debt(zero, 0.05, 1.3, 5, 100.0, 0.6)
    assert sized["debt"] == 0.0 and sized["equity"] == 100.0
    assert not sized["schedule"].balance.any() and not sized["schedule"].debt_service.any()
    # the balance used to grow at 5% a year with nothing paid: 100, 105, 110.25, ...
    with pytest.raises(InputError, match=r"cfads = .*cannot service any debt"):
        LV.debt_schedule(100.0, 0.05, 5, "sculpted", cfads=zero)
    with pytest.raises(InputError, match="cannot service any debt"):     # one scenario of two
        LV.debt_schedule(100.0, 0.05, 5, "sculpted", cfads=np.stack([np.ones(6), zero]))
    assert not LV.debt_schedule(0.0, 0.05, 5, "sculpted", cfads=zero).balance.any()
    # a project whose CFADS is all zero: an all-equity project, not an error
    d = P.with_debt(SOLAR, 0.06, 1.3, 10, 0.6, price_mult=0.0)
    assert d["debt"] == 0.0


def test_project_inputs_out_of_range_are_refused():
    with pytest.raises(InputError, match=r"utilization = 3 .*\[0, 1\]"):            # was 10.2 $bn, silently
        P.cashflows(SOLAR, utilization=3)
    with pytest.raises(InputError, match=r"capex_mult = -1 .*\(0, 1000\]"):          # was 1.7 $bn
        P.cashflows(SOLAR, capex_mult=-1)
    with pytest.raises(InputError, match=r"price_mult = nan .*\[0, 1000\]"):         # was nan
        P.cashflows(SOLAR, price_mult=math.nan)
    with pytest.raises(InputError, match=r"delay = 1.5"):
        P.cashflows(SOLAR, delay=[1, 1.5])
    with pytest.raises(InputError, match=r"capex_mult and delay"):
        P.cashflows(SOLAR, capex_mult=np.ones(3), delay=np.zeros(2, int))
    with pytest.raises(InputError, match=r"capex_mult = \[1, 2\] .*one scenario"):
        P.cashflow_table(SOLAR, capex_mult=[1, 2])
    with pytest.raises(InputError, match="key = 'moon_base' .*archetype"):
        P.archetype("moon_base")


# ----------------------------------------------------------------------------- waterfall

def test_bad_waterfall_inputs_name_the_parameter():
    c = np.zeros((5, 3))
    c[0, 0] = 100.0
    with pytest.raises(InputError, match=r"contributions and distributable = .*\(5, 3\).*\(4,\)"):
        W.run_waterfall(c, np.ones(4), [W.Split()])
    with pytest.raises(TypeError, match=r"tiers\[0\] must be a waterfall tier .*; got int"):
        W.run_waterfall(c, np.ones(3), [1, W.Split()])
    with pytest.raises(TypeError, match="tiers must be a list"):
        W.run_waterfall(c, np.ones(3), 2.5)
    with pytest.raises(InputError, match=r"ownership \(sum\) = 0.3 .*sum to 1"):
        W.run_waterfall(c, np.ones(3), [W.Split()], {"us_treasury": 0.3})
    with pytest.raises(InputError, match=r"distributable = \[0.0, nan, 1.0\] .*finite"):
        W.run_waterfall(c, [0.0, math.nan, 1.0], [W.Split()])
    with pytest.raises(InputError, match=r"fees and distributable"):
        W.run_waterfall(c, np.ones(3), [W.Split()], fees=np.ones(4))
    with pytest.raises(InputError, match=r"name = 'nope' .*presets 'proposal', 'retail_first', 'mou_2025'"):
        W.preset_terms("nope", S.FundStructure())
    with pytest.raises(InputError, match=r"deemed_rate = 0.5 .*\[0, 0.12\]"):
        W.preset_terms("mou_2025", S.FundStructure(), deemed_rate=0.5)
    with pytest.raises(InputError, match=r"profit_usd_bn = -400"):
        W.profit_split("proposal", -400.0)


def test_a_one_scenario_chain_waterfall_reads_as_the_mou_view():
    res = CH.run(S.FundStructure(), MARKET, preset="mou_2025")
    one = W.mou_japan_view(res.waterfall, 0.05)
    plain = W.mou_japan_view(res.waterfall_at(0), 0.05)
    assert one.to_dict() == pytest.approx(plain.to_dict(), nan_ok=True)


# ----------------------------------------------------------------------------- scenarios

@pytest.mark.parametrize("n", [0, -5, 1e12, 2.5])
def test_run_monte_carlo_refuses_bad_counts(n):
    with pytest.raises(InputError, match=f"n = {n:g}" if n != 1e12 else "n = 1000000000000"):
        SC.run_monte_carlo(n=n)


@pytest.mark.parametrize("kw,message", [
    ({"seed": -1}, "seed = -1"), ({"start": -1}, "start = -1"), ({"n": -1}, "n = -1"), ({"n": 2.5}, "n = 2.5"),
    ({"n": 10**9}, r"n = 1000000000 .*\[1, 1000000\]"), ({"n_sectors": 0}, "n_sectors = 0"),
])
def test_draw_normals_refuses_bad_counters(kw, message):
    args = {"seed": 7, "start": 0, "n": 5, "n_sectors": 4, **kw}
    with pytest.raises(InputError, match=message):     # start = -1 used to draw silently; n = -1 crashed in numpy
        SC.draw_normals(**args)


def test_tornado_and_deterministic_irr_check_their_weights():
    with pytest.raises(TypeError, match="weights must be a dict"):
        SC.tornado(weights=2.5)
    with pytest.raises(TypeError, match="weights must be a dict"):
        SC.deterministic_irr(2.5)
    with pytest.raises(InputError, match=r"weights \(sum\) = 0"):
        SC.deterministic_irr({})
    with pytest.raises(InputError, match=r"weights = 'x'"):
        SC.deterministic_irr({"x": 1.0})
    with pytest.raises(InputError, match=r"z = .*shape \(n, 28\)"):
        SC.portfolio_cashflows(np.zeros((3, 5)), SC.default_weights(), SC.Uncertainty(), 40)


# ----------------------------------------------------------------------------- stress and the chain

def test_reverse_stress_caps_its_grid(monkeypatch):
    """A billion grid points is refused before any work (the chain is never run); the largest grid
    allowed runs."""
    assert len(ST.reverse_stress(points=1001, market=MARKET)) > 0

    def no_run(*a, **k):
        raise AssertionError("the chain ran before the grid was checked")

    monkeypatch.setattr(CH, "run", no_run)
    with pytest.raises(InputError, match=r"points = 1000000000 .*\[3, 1001\]"):
        ST.reverse_stress(points=1e9)
    with pytest.raises(AssertionError, match="the chain ran"):     # the guard itself works
        ST.reverse_stress(points=5, market=MARKET)


def test_chain_paths_are_checked():
    T = S.FundStructure().life_years + 1
    with pytest.raises(InputError, match=rf"sofr_path = .*shape \(3,\).*\({T},\)"):
        CH.run(market=MARKET, sofr_path=[0.04, 0.04, 0.04])
    with pytest.raises(InputError, match="fx_path = 0"):
        CH.run(market=MARKET, fx_path=np.zeros(T))
    with pytest.raises(InputError, match=r"asset_return and sofr_path"):
        CH.run(market=MARKET, asset_return=np.full(3, 0.07), sofr_path=np.full((2, T), 0.04))
    with pytest.raises(InputError, match="sofr_path = .*no negative interest"):   # was an AssertionError in the ledger
        CH.run(market=MARKET, sofr_path=np.full(T, -0.05))
    with pytest.raises(InputError, match=r"preset = 'nope'"):
        CH.run(market=MARKET, preset="nope")


def test_chain_takes_many_paths_with_one_asset_return():
    T = S.FundStructure().life_years + 1
    paths = np.full((3, T), MARKET.sofr) + np.array([[0.0], [0.01], [0.02]])
    many = CH.run(market=MARKET, sofr_path=paths)
    for i in range(3):
        one = CH.run(market=MARKET, sofr_path=paths[i])
        np.testing.assert_allclose(many.equity_flows()[i], one.equity_flows()[0], rtol=1e-12, atol=1e-9)


def test_chain_result_views_check_the_scenario():
    res = CH.run(market=MARKET)
    with pytest.raises(InputError, match=r"scenario = 1 .*\[0, 0\]"):
        res.summary(1)
    with pytest.raises(InputError, match="name = 'bank'"):
        res.party("bank")
    with pytest.raises(TypeError, match="hedged must be True or False"):
        res.japan_yen("yes")


# ----------------------------------------------------------------------------- property tests at the edges

returns = st.floats(-0.5, 0.5)
debt_costs = st.floats(-0.05, 0.2)


@given(returns, debt_costs)
def test_property_no_debt_levered_return_is_the_asset_return(r_a, r_d):
    assert LV.levered_return(r_a, r_d, 1.0) == r_a
    assert LV.breakeven_asset_return(r_d, 1.0) == 0.0


@given(returns, st.floats(-0.05, -1e-6), st.floats(1.0, 10.0))
def test_property_negative_debt_cost_by_the_balance_sheet(r_a, r_d, lev):
    # 1 of equity buys L of assets with L-1 borrowed: after a year the owners hold L(1+r_A) - (L-1)(1+r_D)
    by_balance_sheet = lev * (1 + r_a) - (lev - 1) * (1 + r_d) - 1
    assert LV.levered_return(r_a, r_d, lev) == pytest.approx(by_balance_sheet, abs=1e-12)
    assert LV.levered_return(r_a, r_d, lev) >= LV.levered_return(r_a, r_d + 0.01, lev)   # cheaper debt, richer equity


@given(st.floats(0.0, 1e4), st.floats(-0.05, 0.2), st.integers(1, 30), st.sampled_from(["bullet", "annuity", "sculpted"]))
def test_property_no_debt_schedules_are_all_zero(cf_level, rate, tenor, profile):
    cf = np.full(tenor + 2, cf_level)
    s = LV.debt_schedule(0.0, rate, tenor, profile, cfads=cf)
    for a in (s.balance, s.interest, s.principal, s.debt_service):
        assert not np.any(a)


cfads_arrays = arrays(float, st.integers(3, 31), elements=st.floats(0.0, 50.0))


@given(cfads_arrays, st.floats(-0.05, -1e-4), st.floats(1.0, 2.5), st.data())
def test_property_sculpted_debt_at_negative_rates_repays_exactly(cf, rate, dscr, data):
    cf[0] = 0.0
    tenor = data.draw(st.integers(1, cf.size - 1))
    debt, ds = LV.sculpted_debt(cf, rate, dscr, tenor)
    if not cf[1: tenor + 1].any():
        assert debt == 0.0
        return
    assert npv(rate, ds) == pytest.approx(debt, rel=1e-10, abs=1e-10)
    s = LV.debt_schedule(debt, rate, tenor, "sculpted", cfads=cf)
    scale = max(1.0, debt)
    assert s.balance[tenor] == pytest.approx(0.0, abs=1e-9 * scale)
    assert s.principal[1: tenor + 1].sum() == pytest.approx(debt, abs=1e-9 * scale)
    assert np.all(s.balance >= -1e-9 * scale)
    np.testing.assert_allclose(s.debt_service, ds, atol=1e-9 * scale)


@given(st.floats(0.0, 1e3), st.floats(-0.05, 0.3), st.sampled_from(["bullet", "annuity", "sculpted"]),
       st.floats(0.1, 100.0), st.floats(1.0, 2.5))
def test_property_one_period_debt(debt, rate, profile, cf1, dscr):
    s = LV.debt_schedule(debt, rate, 1, profile, cfads=[0.0, cf1])
    assert s.debt_service[1] == pytest.approx(debt * (1 + rate), rel=1e-12, abs=1e-12)
    if abs(rate) > 1e-3:            # numpy-financial divides by the rate: it loses digits as the rate goes to 0
        assert s.debt_service[1] == pytest.approx(-npf.pmt(rate, 1, debt), rel=1e-10, abs=1e-12)
    assert s.balance[1] == 0.0
    capacity, ds = LV.sculpted_debt([0.0, cf1], rate, dscr, 1)
    assert capacity == pytest.approx(cf1 / dscr / (1 + rate), rel=1e-12)


@pytest.mark.parametrize("rate", [-0.05, -0.01, -0.001, 0.06])
def test_annuity_at_small_and_negative_rates_matches_numpy_financial(rate):
    s = LV.debt_schedule(100.0, rate, 10, "annuity")
    np.testing.assert_allclose(s.debt_service[1:], -npf.pmt(rate, 10, 100.0), rtol=1e-12)
    np.testing.assert_allclose(s.interest[1:], -npf.ipmt(rate, np.arange(1, 11), 10, 100.0), rtol=1e-9, atol=1e-12)
    assert abs(s.balance[-1]) < 1e-9


def _conserved(r, tol=1e-9):
    L = r.ledger
    scale = max(1.0, r.fund.assets_usd_bn)
    assert np.abs(sum(L.net(p) for p in CH.PARTIES)).max() <= tol * scale      # double entry
    assert np.abs(L.net("fund")).max() <= tol * scale                           # the fund's account closes at zero
    held = np.cumsum(L.total("reserve", direction="in") - L.total("reserve", direction="out"), axis=-1)
    assert held.min() >= -tol * scale and np.abs(held[:, -1]).max() <= tol * scale
    for a in L.rows.values():
        assert np.all(np.isfinite(a)) and a.min() >= 0


def _interest_paid(r):
    L = r.ledger
    return sum(L.total(p, item, "in") for p, item in (("senior_lenders", "senior debt service"),
                                                       ("sub_lenders", "subordinated debt service"),
                                                       ("senior_lenders", "guarantee call")))


@settings(max_examples=25)
@given(st.floats(-0.05, 0.5), st.floats(-200, 1000), st.floats(0, 2.5), st.integers(0, 15), st.integers(1, 8),
       st.floats(0.0, 0.5))
def test_property_no_debt_chain_conserves_money_and_pays_no_interest(r_a, sofr_bp, bust, delay, deploy, sub):
    fund = S.FundStructure(leverage=1.0, deploy_years=deploy, sub_debt_share=sub)
    r = CH.run(fund, MARKET, asset_return=r_a, shocks=CH.Shocks(sofr_bp, None, bust, delay))
    _conserved(r)
    assert not np.any(_interest_paid(r))
    assert not np.any(r.senior_balance) and not np.any(r.sub_balance)


funds = st.builds(
    lambda lev, us, other, sub, k, life, tenor, fee, carry, hurdle: S.FundStructure(
        leverage=lev, shares={"us_treasury": us, "japan_mof": 1 - us - other, "other_lp": other},
        sub_debt_share=sub, deploy_years=min(k, life), life_years=life, debt_tenor_years=tenor,
        fees=S.Fees(fee, "invested" if k % 2 else "committed", carry, hurdle)),
    st.floats(1.0, 50.0), st.floats(0.0, 0.7), st.floats(0.0, 0.3), st.floats(0.0, 0.5), st.integers(1, 8),
    st.integers(1, 50), st.integers(1, 40), st.floats(0.0, 0.03), st.floats(0.0, 0.3), st.floats(0.0, 0.12))


@settings(max_examples=40)
@given(funds, st.floats(-0.05, 0.5), st.floats(-200, 1000), st.floats(0, 2.5), st.integers(0, 15),
       st.sampled_from(["proposal", "mou_2025"]))
def test_property_money_is_conserved_at_random_valid_funds(fund, r_a, sofr_bp, bust, delay, preset):
    r = CH.run(fund, MARKET, asset_return=[r_a, 0.07], shocks=CH.Shocks(sofr_bp, None, bust, delay), preset=preset)
    _conserved(r)


@settings(max_examples=15)
@given(st.floats(1.0, 6.0), st.integers(1, 8), st.floats(-0.05, 0.3))
def test_property_one_period_fund_debt_conserves_money(lev, deploy, r_a):
    r = CH.run(S.FundStructure(leverage=lev, deploy_years=deploy, debt_tenor_years=1), MARKET, asset_return=r_a)
    _conserved(r)
    assert abs(r.senior_balance[0, -1]) < 1e-9 * r.fund.assets_usd_bn
