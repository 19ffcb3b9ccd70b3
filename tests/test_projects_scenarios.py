"""Project cash flows (hand-worked), project finance on top, and the Monte Carlo engine."""

import numpy as np
import pytest
import pyxirr
from hypothesis import given
from hypothesis import strategies as st

from fundlib import InputError
from fundlib import bonds
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib.finance import cashflow_duration, irr

SIMPLE = P.ProjectArchetype("t", "test", capex_usd_bn=100.0, revenue_full_usd_bn=20.0, utilization=1.0, margin=0.5,
                            build_years=1, ramp_years=1, life_years=3, maintenance=0.0, terminal=0.5)


def test_hand_worked_cash_flows():
    np.testing.assert_allclose(P.cashflows(SIMPLE), [-100, 10, 10, 60])
    two_year_build = SIMPLE.with_(build_years=2)
    np.testing.assert_allclose(P.cashflows(two_year_build), [-50, -50, 10, 10, 60])
    ramp = SIMPLE.with_(ramp_years=2)
    np.testing.assert_allclose(P.cashflows(ramp), [-100, 5, 10, 60])
    refresh = SIMPLE.with_(life_years=5, refresh_years=2, refresh_share=0.3, terminal=0.0)
    np.testing.assert_allclose(P.cashflows(refresh), [-100, 10, 10, -20, 10, 10])  # refresh in year 2 of operations only
    maint = SIMPLE.with_(maintenance=0.02)
    np.testing.assert_allclose(P.cashflows(maint), [-100, 8, 8, 58])
    np.testing.assert_allclose(P.cashflows(SIMPLE, horizon=6, delay=1), [-100, 0, 10, 10, 60, 0])
    np.testing.assert_allclose(P.cashflows(SIMPLE, capex_mult=1.1, price_mult=0.5, utilization=0.8, margin=0.25,
                                           exit_mult=2.0), [-110, 2, 2, 112])
    # and the IRR of the simplest one against pyxirr
    assert irr(P.cashflows(SIMPLE)) == pytest.approx(pyxirr.irr([-100, 10, 10, 60]), abs=1e-10)


def test_cash_flows_vectorize_over_scenarios():
    cf = P.cashflows(SIMPLE, horizon=6, delay=np.array([0, 1, 2]), capex_mult=np.array([1.0, 1.0, 2.0]))
    assert cf.shape == (3, 6)
    np.testing.assert_allclose(cf[2], [-200, 0, 0, 10, 10, 110])


@pytest.mark.parametrize("key", P.ARCHETYPES)
def test_every_archetype_builds_from_the_register_and_has_an_irr(key):
    a = P.archetype(key)
    cf = P.cashflows(a)
    assert cf[0] < 0 and cf.sum() > 0
    m = P.metrics(cf, 0.05)
    assert -0.05 < m["irr"] < 0.30
    tbl = P.cashflow_table(a)
    np.testing.assert_allclose(tbl["total"], tbl["operating"] - tbl["capex"] - tbl["maintenance"] - tbl["refresh"] + tbl["terminal"])


def test_project_debt_identity_and_equity_leverage():
    a = P.archetype("gas_ccgt")
    d = P.with_debt(a, 0.0518, 1.3, 18, 0.75)
    project = P.cashflows(a)
    close = a.build_years - 1
    rebuilt = d["equity_cf"].copy()
    rebuilt[close] -= d["debt"]
    rebuilt[close:] += d["schedule"].debt_service
    np.testing.assert_allclose(rebuilt, project, atol=1e-12)
    assert d["min_dscr"] >= 1.3 - 1e-9
    assert d["equity_irr"] > irr(project)  # positive leverage: project IRR above the debt rate


def test_bad_projects_are_explained():
    with pytest.raises(InputError, match=r"capex_usd_bn = -1 .*\(0, 10000\]"):
        SIMPLE.with_(capex_usd_bn=-1.0)
    with pytest.raises(InputError, match="delay"):
        P.cashflows(SIMPLE, delay=-1)
    with pytest.raises(InputError, match="archetype"):
        P.archetype("moon_base")


def test_cashflow_duration_matches_bond_duration():
    t, amt = bonds.bond_cashflows(0.05, 10, freq=1)
    cf = np.concatenate([[0.0], amt])
    assert cashflow_duration(0.04, cf) == pytest.approx(bonds.macaulay_duration(0.04, 0.05, 10, freq=1), rel=1e-12)


# ------------------------------------------------------------------ Monte Carlo


def test_normals_are_chunking_invariant_and_standard():
    whole = SC.draw_normals(11, 0, 1000, 4)
    parts = np.vstack([SC.draw_normals(11, s, 250, 4) for s in range(0, 1000, 250)])
    np.testing.assert_array_equal(whole, parts)
    big = SC.draw_normals(3, 0, 40_000, 4)
    assert abs(big.mean()) < 0.01 and abs(big.std() - 1) < 0.01


def test_monte_carlo_reproducible_and_chunking_invariant():
    a = SC.run_monte_carlo(n=3000, seed=9, chunk=3000)
    b = SC.run_monte_carlo(n=3000, seed=9, chunk=701)
    c = SC.run_monte_carlo(n=3000, seed=10)
    np.testing.assert_array_equal(a.irr, b.irr)
    np.testing.assert_allclose(a.mean_cashflow, b.mean_cashflow, rtol=1e-12)
    assert not np.array_equal(a.irr, c.irr)


@pytest.mark.parametrize("k", [0.0, 1e-9])
def test_monte_carlo_converges_to_the_deterministic_case(k):
    det = SC.deterministic_irr(SC.default_weights())
    r = SC.run_monte_carlo(n=500, seed=1, unc=SC.Uncertainty().scaled(k))
    np.testing.assert_allclose(r.irr, det, atol=1e-6)


def test_spread_grows_with_uncertainty_and_quantiles_order():
    narrow = SC.run_monte_carlo(n=4000, seed=2, unc=SC.Uncertainty().scaled(0.5))
    wide = SC.run_monte_carlo(n=4000, seed=2)
    qn, qw = narrow.quantiles(), wide.quantiles()
    assert qw[0.9] - qw[0.1] > qn[0.9] - qn[0.1]
    assert qw[0.1] < qw[0.5] < qw[0.9]
    assert wide.prob_below(0.03) <= wide.prob_below(0.05) <= wide.prob_below(0.08)


def test_macro_correlation_widens_the_portfolio_distribution():
    low = SC.run_monte_carlo(n=6000, seed=4, unc=SC.Uncertainty(macro_corr=0.0))
    high = SC.run_monte_carlo(n=6000, seed=4, unc=SC.Uncertainty(macro_corr=0.9))
    assert np.nanstd(high.irr) > np.nanstd(low.irr)  # diversification fails when sectors move together


def test_weights_are_checked():
    with pytest.raises(InputError, match=r"weights \(sum\) = 1.05"):
        SC.check_weights({"data_centres": 0.45, "power": 0.3, "chip_packaging": 0.15, "logistics": 0.15})
    with pytest.raises(InputError, match="sectors among"):
        SC.check_weights({"crypto": 1.0})
    single = SC.deterministic_irr({"data_centres": 1.0, "power": 0, "chip_packaging": 0, "logistics": 0})
    assert single == pytest.approx(irr(P.cashflows(P.archetype("ai_dc_shell"))), abs=1e-10)


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_property_portfolio_irr_lies_between_sector_irrs(a, b, c):
    w = np.array([a, b, c, 1.0]) + 1e-3
    w = w / w.sum()
    weights = dict(zip(P.SECTORS, w))
    sector = [irr(P.cashflows(P.archetype(k))) for k in P.SECTORS.values()]
    port = SC.deterministic_irr(weights)
    assert min(sector) - 1e-9 <= port <= max(sector) + 1e-9


def test_tornado_brackets_the_base():
    t = SC.tornado()
    assert t["base"].iloc[0] == pytest.approx(SC.deterministic_irr(SC.default_weights()), abs=1e-12)
    assert (t["worse"] <= t["base"] + 1e-12).all() and (t["better"] >= t["base"] - 1e-12).all()
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)


def test_funding_costs_come_from_one_market_and_the_funds_one_debt_rate():
    from fundlib.market import Market
    from fundlib.structure import FundStructure

    m = Market.latest()
    assert m.as_of == "2025-10"
    f = SC.funding_costs(m)
    assert f["Fund debt cost"] == pytest.approx(0.042009 + 0.0120 + 0.0030, abs=1e-12)
    assert f["Fund debt cost"] == FundStructure().debt_rate(m)
    # 30-year JGB of the same month, hedged at the forward locked for the fund's 15 years: by CIP,
    # (1 + y)·F_15/S over 15 years equals (1 + y)·(1 + z_USD)/(1 + z_JPY + basis) a year
    F = m.forward_usdjpy(15.0) / m.usdjpy
    assert f["FILP hedged into USD"] == pytest.approx((1 + 0.03068) / F ** (1 / 15) - 1, abs=1e-12)
    assert 0.05 < f["FILP hedged into USD"] < 0.06            # not the 6.97% a rolled 3-month hedge gives


def test_delays_leave_about_half_on_time_and_sectors_correlate_at_the_loading_squared():
    """As documented: about half the projects on time at the default width (84% were before), and two
    sectors' shocks correlate at ρ² (0.0625 at the default loading 0.25), not at ρ."""
    z = SC.draw_normals(3, 0, 200_000, len(P.SECTORS))
    unc = SC.Uncertainty()
    a = P.archetype("ai_dc_shell")
    delay = SC._sector_inputs(z, 0, len(P.SECTORS), unc, a)["delay"]
    assert 0.50 <= (delay == 0).mean() <= 0.54
    assert delay.max() <= np.ceil(SC.MAX_DELAY_SIGMA * unc.delay_years)
    cap0 = np.log(SC._sector_inputs(z, 0, len(P.SECTORS), unc, a)["capex_mult"])
    cap1 = np.log(SC._sector_inputs(z, 1, len(P.SECTORS), unc, a)["capex_mult"])
    assert np.corrcoef(cap0, cap1)[0, 1] == pytest.approx(unc.macro_corr ** 2, abs=0.01)
    assert np.median(np.exp(cap0)) == pytest.approx(1.0, abs=0.01)     # half over budget, half under


def test_wider_uncertainty_lengthens_the_horizon_instead_of_refusing():
    wide = SC.Uncertainty().scaled(2.0)
    assert SC.default_horizon(wide) > SC.default_horizon() >= 40
    r = SC.run_monte_carlo(n=2000, seed=4, unc=wide)
    assert np.isfinite(r.irr).mean() > 0.95


# ------------------------------------------------------------------ a sector as a portfolio of projects

def test_a_sectors_average_delay_is_the_average_of_many_projects():
    from dataclasses import replace as _replace

    unc = SC.Uncertainty()
    rng = np.random.default_rng(4)
    N = 400
    macro = np.array([-1.5, 0.0, 0.8, 2.0])
    z = np.zeros((macro.size, SC._n_draws(len(P.SECTORS))))
    z[:, 0] = macro
    got = SC.portfolio_delay_years(z, 1, unc, N)                # the sector's own draw at 0: the expectation
    rho = unc.macro_corr
    e = rho * macro[:, None] + np.sqrt(1 - rho**2) * rng.standard_normal((macro.size, 200_000))
    want = unc.delay_years * np.maximum(e, 0.0).mean(axis=1)   # brute force: many projects, each late by D·max(X, 0)
    np.testing.assert_allclose(got, want, rtol=0.01)
    # the sampling error of N projects: the sector's own draw moves it by sd(max(X, 0))/√N per unit
    z[:, 1 + 1 * len(SC.FACTORS) + SC.FACTORS.index("delay")] = 1.0
    up = SC.portfolio_delay_years(z, 1, unc, N)
    sd = unc.delay_years * np.maximum(e, 0.0).std(axis=1) / np.sqrt(N)
    np.testing.assert_allclose(up - got, sd, rtol=0.02)
    assert np.all(SC.portfolio_delay_years(z, 1, _replace(unc, delay_years=0.0), N) == 0.0)


def test_diversified_normals_shrink_only_the_projects_own_shocks():
    z = SC.draw_normals(3, 0, 50, len(P.SECTORS))
    n = {s: float(k) for s, k in zip(P.SECTORS, (4, 9, 16, 1))}
    d = SC.diversified_normals(z, n)
    assert np.array_equal(d[:, 0], z[:, 0])                     # the macro factor
    for k, s in enumerate(P.SECTORS):
        for j, f in enumerate(SC.FACTORS):
            c = 1 + k * len(SC.FACTORS) + j
            np.testing.assert_array_equal(d[:, c], z[:, c] if f == "delay" else z[:, c] / np.sqrt(n[s]))
    with pytest.raises(InputError, match="n_projects"):
        SC.diversified_normals(z, {**n, "power": 0.5})


def test_projects_per_sector_are_the_sectors_money_over_one_projects_capex():
    n = SC.projects_per_sector(SC.default_weights(), 900.0)
    for s, key in P.SECTORS.items():
        assert n[s] == pytest.approx(max(1.0, SC.default_weights()[s] * 900.0 / P.archetype(key).capex_usd_bn))
    assert 1_000 < sum(n.values()) < 2_000


def test_the_macro_loading_gives_basels_asset_correlation():
    # Basel II's corporate correlation at a project-finance default probability of 0.7-1.5% a year
    def basel(pd_):
        w = (1 - np.exp(-50 * pd_)) / (1 - np.exp(-50))
        return 0.12 * w + 0.24 * (1 - w)
    lo, hi = basel(0.015), basel(0.007)
    assert 0.17 < lo < hi < 0.21
    for s in P.SECTORS:
        assert lo - 0.03 <= SC.irr_correlation(s, n=5_000) <= hi + 0.02
    assert SC.irr_correlation("power", 0.5, n=5_000) > 0.5
