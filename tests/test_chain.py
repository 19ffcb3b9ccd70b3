"""fundlib.chain: one fund through one chain, recorded as a double-entry ledger. Money is conserved
in every scenario (property tests over random funds and shocks), and the pieces agree with their
closed forms."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundlib import InputError
from fundlib import chain as CH
from fundlib.finance import irr
from fundlib.market import Market
from fundlib.structure import OWNERS, Fees, FundStructure

MARKET = Market.latest()


def _check_conservation(r, tol=1e-9):
    L = r.ledger
    scale = max(1.0, r.fund.assets_usd_bn)
    # Double entry: every transfer leaves one party and reaches another.
    total = sum(L.net(p) for p in CH.PARTIES)
    assert np.abs(total).max() <= tol * scale
    # The fund's own account opens and closes every year at zero and never goes negative.
    assert np.abs(L.net("fund")).max() <= tol * scale
    # The reserve never goes negative and is empty at the end.
    held = np.cumsum(L.total("reserve", direction="in") - L.total("reserve", direction="out"), axis=-1)
    assert held.min() >= -tol * scale and np.abs(held[:, -1]).max() <= tol * scale
    # Nothing the projects produce is dropped: the fund receives every positive CFADS and pays every
    # negative one (the projects' account: paid for, then paying out their cash and their sale).
    assets = L.net("assets")
    expect = L.total("assets", "assets bought", "in") - r.cfads - r.exit_value
    np.testing.assert_allclose(assets, expect, atol=tol * scale)
    # Debt is repaid or written off: the senior balance ends at zero; the guarantors pay what the fund cannot.
    assert np.abs(r.senior_balance[:, -1]).max() <= tol * scale
    assert r.sub_claim_unpaid.min() >= -tol * scale and r.guarantor_claim_unpaid.min() >= -tol * scale
    # Every transfer is non-negative (the ledger refuses others) and finite.
    for a in L.rows.values():
        assert np.all(np.isfinite(a)) and a.min() >= 0


def test_default_fund_conserves_money_and_earns_its_asset_return():
    r = CH.run(market=MARKET)
    _check_conservation(r)
    # Unlevered: purchases, CFADS and the exit value (on the USD curve + the register's premium, which
    # is rounded from the solved 1.735%) give the gross asset return to within a basis point.
    unlevered = r.cfads[0] + r.exit_value[0] - r.ledger.total("assets", "assets bought", "in")[0]
    assert irr(unlevered) == pytest.approx(0.07, abs=1e-4)
    # Debt at the fund's one rate: SOFR + 120 bp + 30 bp guarantee fee.
    assert r.senior_rate[0, 1] == pytest.approx(MARKET.sofr + 0.0150, abs=1e-15)
    assert r.fund.debt_rate(MARKET) == pytest.approx(MARKET.sofr + 0.0150, abs=1e-15)
    # Pro rata: the two governments' flows are identical halves of the equity's.
    us, jp = r.party("us_treasury")[0], r.party("japan_mof")[0]
    np.testing.assert_allclose(us, jp, atol=1e-9)
    np.testing.assert_allclose(us + jp, r.equity_flows()[0], atol=1e-9)


def test_ledger_rows_are_tidy():
    r = CH.run(market=MARKET)
    f = r.ledger.frame(0)
    assert list(f.columns) == ["scenario", "year", "from", "to", "item", "usd_bn"]
    assert (f["usd_bn"] > 0).all() and set(f["from"]) | set(f["to"]) <= set(CH.PARTIES)
    # each party's cash flows are a view of the ledger
    us = f[f["to"] == "us_treasury"].groupby("year")["usd_bn"].sum().reindex(range(r.ledger.T), fill_value=0.0) \
        - f[f["from"] == "us_treasury"].groupby("year")["usd_bn"].sum().reindex(range(r.ledger.T), fill_value=0.0)
    np.testing.assert_allclose(us.to_numpy(), r.party("us_treasury")[0], atol=1e-12)


def test_negative_cfads_is_paid_by_someone_named():
    """All weight on data centres and a 2.5x AI bust: the years of negative cash flow are paid by
    the reserve or an equity cure, the debt by the guarantors; nothing leaves the books unpaid."""
    w = {"data_centres": 1.0, "power": 0.0, "chip_packaging": 0.0, "logistics": 0.0}
    r = CH.run(market=MARKET, weights=w, shocks=CH.Shocks(ai_bust=2.5))
    assert r.cfads.min() < 0
    _check_conservation(r)
    shortfall = r.ledger.total("assets", "project shortfall paid", "in")
    cure = sum(r.ledger.total(o, "equity cure", "out") for o in OWNERS)
    released = r.ledger.total("fund", "reserve released", "in")
    assert shortfall.sum() > 0 and (cure + released).sum() >= shortfall.sum() - 1e-9


def test_zero_debt_fund_runs():
    r = CH.run(FundStructure(leverage=1.0), MARKET)
    _check_conservation(r)
    assert np.all(r.senior_balance == 0) and np.all(np.isnan(r.dscr))
    eq = r.equity_flows()[0]
    assert irr(eq) == pytest.approx(0.07, abs=1e-4)      # no debt: the equity earns the asset return
    assert r.reserve_target[0] == 0 and r.swap_fixed[0] == 0   # no debt: no reserve, no swap


def test_subordinated_debt_draws_no_guarantee_and_costs_its_own_spread():
    f = FundStructure(sub_debt_share=0.3)
    r = CH.run(f, MARKET, shocks=CH.Shocks(ai_bust=2.5, sofr_bp=500))
    _check_conservation(r)
    assert r.sub_rate[0, 1] == pytest.approx(MARKET.sofr + 0.05 + 0.035, abs=1e-15)
    assert r.fund.debt_rate(MARKET) == pytest.approx(MARKET.sofr + 0.7 * 0.015 + 0.3 * 0.035, abs=1e-15)
    calls = r.guarantee_calls()
    to_sub = r.ledger.total("sub_lenders", "guarantee call", "in")
    assert to_sub.sum() == 0 and calls.sum() > 1            # the senior bonds are called, the sub debt is not
    assert r.sub_claim_unpaid[0] > 0                         # the unguaranteed tranche bears its own loss
    base = CH.run(FundStructure(sub_debt_share=0.0), MARKET)
    assert base.fund.debt_rate(MARKET) < r.fund.debt_rate(MARKET)


def test_guarantors_exposure_follows_the_balance():
    r = CH.run(market=MARKET)
    np.testing.assert_allclose(r.guarantee_exposure[0], r.senior_balance[0], atol=1e-9)
    assert r.guarantee_exposure[0, -1] == 0 and r.guarantee_exposure[0].max() > r.fund.debt_usd_bn


def test_staggered_calls_convert_at_their_own_dates_rate():
    f = FundStructure(deploy_years=4)
    r = CH.run(f, MARKET, yen_appreciation=0.05)
    _check_conservation(r)
    jp = r.japan_yen(hedged=False)
    usd_paid = r.ledger.total("japan_mof", direction="out")[0]     # calls and cures, gross of that year's income
    t = np.arange(r.ledger.T)
    np.testing.assert_allclose(jp["filp_issued_jpy_tn"][0], usd_paid * MARKET.usdjpy * 0.95 ** t / 1000, rtol=1e-12)
    assert np.count_nonzero(jp["filp_issued_jpy_tn"][0]) == 4


def test_hedged_conversion_uses_the_markets_locked_forwards():
    r = CH.run(market=MARKET)
    np.testing.assert_allclose(r.fx_hedged, MARKET.forward_usdjpy(np.arange(r.ledger.T, dtype=float)), rtol=1e-14)
    jp = r.japan_yen(hedged=True)
    assert jp["filp_yield"] == pytest.approx(MARKET.par_yield("JPY", 30.0))


def test_vectorized_over_scenarios_equals_one_at_a_time():
    grid = np.array([0.0, 0.5, 1.0, 2.0])
    r = CH.run(market=MARKET, shocks=CH.Shocks(ai_bust=grid, sofr_bp=np.array([0, 100, 200, 300])))
    for i, (b, s) in enumerate(zip(grid, [0, 100, 200, 300])):
        one = CH.run(market=MARKET, shocks=CH.Shocks(ai_bust=b, sofr_bp=s))
        np.testing.assert_allclose(r.equity_flows()[i], one.equity_flows()[0], atol=1e-9)


def test_bad_input_at_the_chains_door():
    with pytest.raises(InputError, match="ai_bust"):
        CH.run(market=MARKET, shocks=CH.Shocks(ai_bust=-5))
    with pytest.raises(InputError, match="delay_years"):
        CH.run(market=MARKET, shocks=CH.Shocks(delay_years=15.5))
    with pytest.raises(InputError, match="sector_delays"):
        CH.run(market=MARKET, sector_delays={"shipyards": 1.0})
    with pytest.raises(InputError, match="curve_shift"):
        CH.run(market=MARKET, curve_shift=0.9)
    with pytest.raises(InputError, match="asset_return"):
        CH.run(market=MARKET, asset_return=2.0)
    with pytest.raises(InputError, match="shares"):
        FundStructure(shares={"us_treasury": 0.3})


funds = st.builds(
    lambda lev, us, other, sub, k, life, fee, carry, hurdle: FundStructure(
        leverage=lev, shares={"us_treasury": us, "japan_mof": 1 - us - other, "other_lp": other},
        sub_debt_share=sub, deploy_years=min(k, life), life_years=life,
        fees=Fees(fee, "invested" if k % 2 else "committed", carry, hurdle)),
    st.floats(1.0, 6.0), st.floats(0.0, 0.7), st.floats(0.0, 0.3), st.floats(0.0, 0.5), st.integers(1, 5),
    st.integers(3, 40), st.floats(0.0, 0.02), st.floats(0.0, 0.3), st.floats(0.0, 0.1))


@settings(max_examples=60)
@given(funds, st.floats(-0.03, 0.2), st.floats(-200, 1000), st.floats(0, 2.5), st.floats(0, 8),
       st.sampled_from(["proposal", "retail_first", "mou_2025"]),
       st.sampled_from([None, {"data_centres": 1.0, "power": 0.0, "chip_packaging": 0.0, "logistics": 0.0}]),
       st.floats(0.0, 1.0), st.floats(-0.02, 0.05), st.sampled_from([None, {"power": 3.25, "data_centres": 0.5}]))
def test_property_money_is_conserved(fund, r_a, sofr_bp, bust, delay, preset, weights, hedge, shift, by_sector):
    if preset == "retail_first" and fund.shares["us_treasury"] + fund.shares["japan_mof"] < 0.2:
        return
    fund = fund.with_(hedge_share=hedge)
    r = CH.run(fund, MARKET, asset_return=r_a, shocks=CH.Shocks(sofr_bp, None, bust, delay), preset=preset,
               weights=weights, curve_shift=shift, sector_delays=by_sector)
    # the guarantors' and the swap counterparty's accounts are views of the same ledger
    g = r.guarantors()
    np.testing.assert_allclose(g["net_usd_bn"].sum(), (r.party("exim") + r.party("jbic"))[0].sum(), atol=1e-9 * 1e3)
    _check_conservation(r)
    # owners receive only through the waterfall; what it pays out is exactly what was distributable
    paid = r.waterfall.paid.sum(axis=(0, 1))
    dist = sum(r.ledger.total(p, "distribution", "in") for p in (*OWNERS, "manager"))
    np.testing.assert_allclose(paid, dist, atol=1e-9 * fund.assets_usd_bn)


def _distributed_and_held(r):
    L = r.ledger
    dist = sum(L.total(o, "distribution", "in") for o in OWNERS)
    held = np.cumsum(L.total("reserve", direction="in") - L.total("reserve", direction="out"), axis=-1)
    return dist, held


def test_trapped_cash_is_released_once_the_lockup_test_passes():
    """An AI bust with SOFR +300 bp: the debt-service reserve pays part of year 2's service, cover below
    the lock-up test in years 3-4 refills it and traps cash above it; in year 5 the test passes and
    what was trapped above the floor goes out with that year's distribution."""
    r = CH.run(market=MARKET, shocks=CH.Shocks(sofr_bp=300.0, ai_bust=1.0))
    dist, held = _distributed_and_held(r)
    floor = r.reserve_target[0]
    assert held[0, 2] < floor - 1.0                          # drawn for debt service
    assert held[0, 4] > floor + 1.0                          # refilled and trapped above the floor
    assert held[0, 5] == pytest.approx(floor, rel=1e-12)     # the excess released in the first year that passes
    released = r.ledger.total("fund", "reserve released", "in")[0]
    assert released[5] == pytest.approx(held[0, 4] - floor, rel=1e-12)
    assert not np.any((dist > 1e-9) & (held > floor + 1e-9))  # never distribute while cash stays trapped
    _check_conservation(r)


def test_owners_are_paid_only_once_deferred_subordinated_service_is_made_good():
    """A three-year delay and an AI bust with 30% subordinated debt: the unguaranteed tranche's deferred
    service is paid from the first cash that allows, ahead of the owners (who wait until the arrears are zero)."""
    fund = FundStructure(sub_debt_share=0.3)
    r = CH.run(fund, MARKET, shocks=CH.Shocks(delay_years=3, ai_bust=1.0))
    dist, _ = _distributed_and_held(r)
    assert r.sub_arrears[0].max() > 50.0                      # deferred for years
    paying = dist[0] > 1e-9
    assert paying.any() and np.all(r.sub_arrears[0][paying] <= 1e-9)
    began = int(np.argmax(r.sub_arrears[0] > 1e-9))
    first = began + int(np.argmax(paying[began:]))           # the first distribution once arrears began
    assert first > began and r.sub_arrears[0, first - 1] > 0.0   # the arrears were cleared just before
    _check_conservation(r)


@pytest.mark.parametrize("fund,shocks", [
    (FundStructure(leverage=4.5, sub_debt_share=0.4), CH.Shocks(sofr_bp=100, ai_bust=1.0)),
    (FundStructure(leverage=4, sub_debt_share=0.3, debt_tenor_years=10), CH.Shocks(sofr_bp=-200)),
], ids=["exit-with-write-off", "past-the-tenor"])
def test_no_owner_is_paid_while_subordinated_lenders_are_owed(fund, shocks):
    """Trapped cash serves subordinated arrears before the owners, at exit and past the debt's tenor
    (cases an independent review found paying owners 1.0 and 117.7 $bn while arrears stood)."""
    r = CH.run(fund, MARKET, shocks=shocks)
    dist, held = _distributed_and_held(r)
    assert not np.any((dist > 1e-9) & (r.sub_arrears > 1e-9))
    if r.sub_claim_unpaid[0] > 1e-9:          # written off: nothing reached the owners at exit
        assert dist[0, -1] <= 1e-9
    _check_conservation(r)


# ---------------------------------------------------------------- the economics a lender would sign


def test_rates_move_the_exit_value():
    """The exit sale is valued on the USD curve + the asset risk premium: SOFR +100 bp (which moves the
    whole curve) lowers it by 5-15%, and a curve shift alone moves it the same way."""
    base = CH.run(market=MARKET).exit_value[0, -1]
    up = CH.run(market=MARKET, shocks=CH.Shocks(sofr_bp=100)).exit_value[0, -1]
    shifted = CH.run(market=MARKET, curve_shift=0.01).exit_value[0, -1]
    assert 0.85 * base < up < 0.95 * base
    assert shifted == pytest.approx(up, rel=1e-12)
    assert CH.run(market=MARKET, curve_shift=-0.01).exit_value[0, -1] > base


def test_the_premium_is_the_one_that_keeps_the_base_exit_at_the_asset_return():
    """Re-solve the premium: with it the unlevered IRR is the asset return exactly, and the register's
    figure is that solution rounded to 0.01%."""
    from scipy.optimize import brentq

    from fundlib import assumptions as A

    def gap(p):
        with A.scenario({"asset_risk_premium": p}):
            r = CH.run(market=MARKET)
        flows = r.cfads[0] + r.exit_value[0] - r.ledger.total("assets", "assets bought", "in")[0]
        return irr(flows) - 0.07

    p = brentq(gap, 0.0, 0.06, xtol=1e-12)
    assert abs(gap(p)) < 1e-10
    assert A.value("asset_risk_premium") == pytest.approx(round(p, 4), abs=1e-12)


def test_the_hedged_share_pays_fixed():
    """The swap: K is the Market's par rate on the swapped notional; each year the fund pays
    N·(K − SOFR); with the debt fully hedged a SOFR shock moves the debt service only on the unhedged
    rest, so the owners lose far less than unhedged."""
    r = CH.run(market=MARKET, shocks=CH.Shocks(sofr_bp=100))
    N = r.swap_notional[0]
    assert N[1] == pytest.approx(0.75 * r.senior_balance[0, 0], rel=1e-9)   # 75% of the plan's opening balance
    assert r.swap_fixed[0] == pytest.approx(MARKET.swap_rate(notional=N[1:]), rel=1e-12)
    net = N * (r.swap_fixed[0] - (MARKET.sofr + 0.01))
    paid = r.ledger.total("swap_counterparty", "swap settlement", "in")[0]
    got = r.ledger.total("swap_counterparty", "swap settlement", "out")[0]
    np.testing.assert_allclose(paid - got, net, atol=1e-9)
    loss = {}
    for h in (0.0, 1.0):
        f = FundStructure(hedge_share=h)
        flat = CH.run(f, MARKET).equity_flows()[0].sum()
        loss[h] = flat - CH.run(f, MARKET, shocks=CH.Shocks(sofr_bp=100)).equity_flows()[0].sum()
    assert loss[1.0] < 0.5 * loss[0.0]
    with pytest.raises(InputError, match="hedge_share"):
        FundStructure(hedge_share=1.5)


def test_a_delay_is_carried_by_the_reserve_and_a_resculpted_plan():
    """Two years late: service starts when operations do (interest capitalised until then), the
    debt-service reserve is funded at close at six months of the largest planned senior service, and
    no guarantor is called; 2.5 years late lies between 2 and 3."""
    r = CH.run(market=MARKET, shocks=CH.Shocks(delay_years=2))
    assert r.guarantee_calls().sum() == 0
    funded = r.ledger.total("reserve", "debt-service reserve funded", "in")[0]
    assert funded[0] == pytest.approx(r.reserve_target[0]) and funded[1:].sum() == 0
    base = CH.run(market=MARKET)
    assert r.reserve_target[0] > 0.03 * r.fund.debt_usd_bn
    paid = r.ledger.total("senior_lenders", "senior debt service", "in")[0]
    assert paid[1:3].sum() < 0.5 * base.ledger.total("senior_lenders", "senior debt service", "in")[0, 1:3].sum()
    assert r.senior_balance[0, 2] > base.senior_balance[0, 2]              # interest capitalised while late
    irrs = [CH.run(market=MARKET, shocks=CH.Shocks(delay_years=d)).summary()["irr"].iloc[0] for d in (2, 2.5, 3)]
    assert irrs[0] > irrs[1] > irrs[2]
    only_power = CH.run(market=MARKET, sector_delays={"power": 2.0}).summary()["irr"].iloc[0]
    assert irrs[0] < only_power < base.summary()["irr"].iloc[0]


def test_the_guarantors_earn_their_fee_and_count_only_real_calls():
    """The 30 bp fee goes to Ex-Im Bank and JBIC (not the bondholders) on the opening senior balance;
    their net is fees + recoveries − calls; "any call" counts calls of at least $0.1bn."""
    r = CH.run(market=MARKET)
    fees = r.guarantee_fees()[0]
    np.testing.assert_allclose(fees[1:], 0.003 * r.senior_balance[0, :-1], rtol=1e-12)
    assert r.ledger.total("senior_lenders", "guarantee fee", "in").sum() == 0
    g = r.guarantors()
    assert g["fees_usd_bn"].sum() == pytest.approx(fees.sum()) and np.all(g["calls_usd_bn"] == 0)
    assert not r.any_call()[0]
    bad = CH.run(market=MARKET, shocks=CH.Shocks(sofr_bp=300, ai_bust=1.0, delay_years=2))
    g = bad.guarantors()
    assert g["calls_usd_bn"].sum() > 1 and bad.any_call()[0]
    np.testing.assert_allclose(g["net_usd_bn"], g["fees_usd_bn"] + g["recovered_usd_bn"] - g["calls_usd_bn"])
    assert not bad.any_call(min_usd_bn=1e4)[0]


def test_the_debt_service_reserve_stands_in_front_of_the_senior_debt_not_the_junior():
    """The subordinated lenders are paid from cash and from the reserve only above its floor: the
    debt-service reserve is kept for the senior debt and the guarantors."""
    from fundlib.chain import year as Y
    from fundlib.chain.ledger import Ledger

    L = Ledger(1, 2)
    cash, reserve, bal, arrears = Y.pay_subordinated(L, 1, np.array([1.0]), np.array([10.0]), np.array([5.0]),
                                                     np.array([0.0]), np.array([100.0]), np.array([8.0]))
    assert cash[0] == 0.0 and reserve[0] == pytest.approx(8.0) and arrears[0] == pytest.approx(2.0)
    assert L.total("sub_lenders", "subordinated debt service")[0, 1] == pytest.approx(3.0)


def test_a_late_portfolio_is_the_on_time_one_built_late():
    """portfolio_cfads shifts each sector's on-time CFADS (built once) by the delay: it equals the
    project model run with that delay, per sector, bit for bit, and months blend the years either side."""
    from fundlib import assumptions as A
    from fundlib import projects as P

    w = {"data_centres": 0.4, "power": 0.3, "chip_packaging": 0.15, "logistics": 0.15}
    bust, cut, up = 0.7, A.value("ai_bust_utilization_cut"), A.value("ai_bust_capex_up")

    def direct(delays):
        out = np.zeros(CH.MAX_HORIZON)
        for s, key in P.SECTORS.items():
            a = P.archetype(key)
            ai = bust if s == "data_centres" else 0.0
            c = P.cashflows(a, CH.MAX_HORIZON, delay=delays.get(s, 0), utilization=a.utilization * (1 - cut * ai),
                            maintenance_mult=1 + up * ai, components=True)
            out += w[s] / a.capex_usd_bn * (c["operating"] - c["maintenance"] - c["refresh"] + c["terminal"])
        return out

    np.testing.assert_array_equal(CH.portfolio_cfads(w, bust, {"power": 3.0, "logistics": 1.0}),
                                  direct({"power": 3, "logistics": 1}))
    half = CH.portfolio_cfads(w, bust, 2.5)
    np.testing.assert_allclose(half, 0.5 * direct(dict.fromkeys(P.SECTORS, 2)) + 0.5 * direct(dict.fromkeys(P.SECTORS, 3)),
                               rtol=1e-12, atol=1e-15)
    many = CH.portfolio_cfads(w, np.array([0.0, bust]), np.array([4.0, 0.0]))
    np.testing.assert_array_equal(many[1], direct({}))
