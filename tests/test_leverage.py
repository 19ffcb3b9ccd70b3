"""fundlib.leverage: levered returns, risk, debt terms and project-finance sizing."""

from statistics import NormalDist

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fundlib import InputError
from fundlib.finance import npv
from fundlib.leverage import (DebtTerms, breakeven_asset_return, cfads_profile, debt_schedule, equity_volatility,
                              guarantee_economics, levered_return, prob_equity_loss, required_spread, sculpted_debt,
                              simulate_equity_returns, size_debt, wipeout_fall)

rates = st.floats(-0.02, 0.15)
levs = st.floats(1.0, 8.0)


def test_levered_return_the_funds_numbers():
    # 3x leverage, 7% assets, SOFR 3.68% + 120 bp: 3*7% - 2*4.88% = 11.24%
    assert levered_return(0.07, 0.0488, 3.0) == pytest.approx(0.1124)
    assert levered_return(0.07, 0.0488, 1.0) == pytest.approx(0.07)
    np.testing.assert_allclose(levered_return(np.array([0.03, 0.07]), 0.05, np.array([2.0, 3.0])), [0.01, 0.11])


@given(rates, rates, levs, st.floats(-0.2, 0.4))
def test_property_breakeven_and_spread_invert_the_identity(r_d, _unused, lev, target):
    b = breakeven_asset_return(r_d, lev, target)
    assert levered_return(b, r_d, lev) == pytest.approx(target, abs=1e-12)
    assert required_spread(target, r_d, lev) == pytest.approx(b - r_d, abs=1e-12)


@given(rates, rates, levs, st.floats(0.0, 0.05))
def test_property_leverage_amplifies_both_ways(r_a, r_d, lev, extra):
    # d(ROE)/d(r_A) = L: a gain or loss on assets lands L times on equity
    assert levered_return(r_a + extra, r_d, lev) - levered_return(r_a, r_d, lev) == pytest.approx(lev * extra, abs=1e-12)


def test_volatility_and_wipeout():
    assert equity_volatility(0.10, 3.0) == pytest.approx(0.30)
    assert wipeout_fall(3.0) == pytest.approx(1 / 3)
    r = simulate_equity_returns(0.07, 0.10, 0.0488, 3.0, n=200_000, seed=1)
    assert r.std() == pytest.approx(0.30, rel=0.01)


@pytest.mark.parametrize("mu,sigma,r_d,lev", [(0.07, 0.10, 0.0488, 3.0), (0.05, 0.2, 0.03, 2.0), (0.1, 0.05, 0.06, 5.0)])
def test_prob_loss_normal_matches_stdlib_and_simulation(mu, sigma, r_d, lev):
    b = (lev - 1) * r_d / lev
    exact = NormalDist(mu, sigma).cdf(b)
    assert prob_equity_loss(mu, sigma, r_d, lev) == pytest.approx(exact, rel=1e-12)
    sim = (simulate_equity_returns(mu, sigma, r_d, lev, n=400_000, seed=7) < 0).mean()
    se = np.sqrt(exact * (1 - exact) / 400_000)
    assert abs(sim - exact) < 4 * se


def test_prob_loss_lognormal_matches_simulation_and_wipeout():
    p = prob_equity_loss(0.07, 0.10, 0.0488, 3.0, distribution="lognormal")
    sim = (simulate_equity_returns(0.07, 0.10, 0.0488, 3.0, n=400_000, seed=3, distribution="lognormal") < 0).mean()
    assert abs(sim - p) < 4 * np.sqrt(p * (1 - p) / 400_000)
    wipe = prob_equity_loss(0.07, 0.10, 0.0488, 3.0, threshold=-1.0)
    assert wipe == pytest.approx(NormalDist(0.07, 0.10).cdf((-1 + 2 * 0.0488) / 3), rel=1e-9)
    assert prob_equity_loss(0.07, 0.10, 0.0488, 1.0, threshold=-1.0, distribution="lognormal") == 0.0


def test_annuity_schedule_matches_numpy_financial():
    s = debt_schedule(100.0, 0.06, 10, "annuity")
    per = np.arange(1, 11)
    np.testing.assert_allclose(s.debt_service[1:], -npf.pmt(0.06, 10, 100.0), rtol=1e-12)
    np.testing.assert_allclose(s.interest[1:], -npf.ipmt(0.06, per, 10, 100.0), rtol=1e-10)
    np.testing.assert_allclose(s.principal[1:], -npf.ppmt(0.06, per, 10, 100.0), rtol=1e-10)
    assert s.balance[-1] == pytest.approx(0.0, abs=1e-9)


def test_bullet_schedule():
    s = debt_schedule(100.0, 0.05, 5, "bullet")
    np.testing.assert_allclose(s.debt_service[1:], [5, 5, 5, 5, 105])
    assert np.isnan(s.dscr[0]) and np.all(s.dscr[1:] == 0.0)  # no CFADS given: cover is 0 where service is due
    s2 = debt_schedule(100.0, 0.05, 3, "bullet", cfads=[0, 10, 10, 10, 10])
    assert np.isnan(s2.dscr[0]) and np.isnan(s2.dscr[4])  # no debt service -> NaN, never inf
    assert s2.dscr[1] == pytest.approx(2.0)


cfads_arrays = arrays(float, st.integers(4, 41), elements=st.floats(0.0, 50.0))


@given(cfads_arrays, st.floats(-0.01, 0.12), st.floats(1.0, 2.5), st.data())
def test_property_sculpting(cf, rate, dscr, data):
    cf[0] = 0.0
    tenor = data.draw(st.integers(1, cf.size - 1))
    assume(cf[1: tenor + 1].max() > 1e-6)
    debt, ds = sculpted_debt(cf, rate, dscr, tenor)
    # PV of the debt service at the debt rate equals the debt
    assert npv(rate, ds) == pytest.approx(debt, rel=1e-10, abs=1e-10)
    s = debt_schedule(debt, rate, tenor, "sculpted", cfads=cf)
    paying = s.debt_service > 1e-12
    np.testing.assert_allclose(s.dscr[paying], dscr, rtol=1e-9)  # DSCR = target in every repayment period
    assert np.all(s.balance >= -1e-9 * max(1.0, debt))           # never negative
    assert s.balance[tenor] == pytest.approx(0.0, abs=1e-7 * max(1.0, debt))
    meaningful = ~np.isnan(s.llcr) & (s.balance > 1e-6 * debt)      # a ratio over rounding dust says nothing
    np.testing.assert_allclose(s.llcr[meaningful], dscr, rtol=1e-8)   # sculpted: LLCR = DSCR


def test_size_debt_gearing_binds_and_raises_dscr():
    cf = cfads_profile(10.0, 25, "level")
    free = size_debt(cf, 0.05, 1.3, 18, total_uses=1000.0, gearing=0.75)
    assert str(free["binding"]) == "DSCR"
    assert free["debt"] == pytest.approx(10.0 / 1.3 * (1 - 1.05 ** -18) / 0.05)
    tight = size_debt(cf, 0.05, 1.3, 18, total_uses=100.0, gearing=0.6)
    assert str(tight["binding"]) == "gearing" and tight["debt"] == pytest.approx(60.0)
    assert tight["schedule"].min_dscr > 1.3
    assert tight["equity"] == pytest.approx(40.0)


def test_sizing_is_vectorized_over_scenarios():
    cf = np.stack([cfads_profile(a, 20, "ramp", 3) for a in (5.0, 10.0, 20.0)])
    out = size_debt(cf, 0.05, 1.3, 15, 1e4, 0.9)
    assert np.allclose(out["debt"][1] * 2, out["debt"][2]) and out["debt"].shape == (3,)


def test_guarantee_economics_closed_forms():
    g = guarantee_economics(600.0, 18, 0.0, 0.4, 150, 250, 30, 0.05)
    af = (1 - 1.05 ** -18) / 0.05
    assert g["expected_loss_pv"] == 0.0
    assert g["borrower_saving_pv"] == pytest.approx(600 * 0.0070 * af)
    assert g["fee_pv"] == pytest.approx(600 * 0.0030 * af)
    one = guarantee_economics(100.0, 1, 0.02, 0.5, 120, 250, 30, 0.0)
    assert one["expected_loss_pv"] == pytest.approx(1.0)


def test_debt_terms():
    d = DebtTerms(sofr=0.0368, spread_bp=120, guarantee_fee_bp=30)
    assert d.rate() == pytest.approx(0.0518)
    assert DebtTerms(sofr=0.0368, guaranteed=False, unguaranteed_spread_bp=250).rate() == pytest.approx(0.0618)
    assert DebtTerms(fixed=True, swap_rate=0.04, spread_bp=120, guarantee_fee_bp=0).rate() == pytest.approx(0.052)
    np.testing.assert_allclose(DebtTerms(sofr=(0.03, 0.04), spread_bp=100, guarantee_fee_bp=0).rate(3), [0.04, 0.05, 0.05])


def test_bad_input_is_explained():
    with pytest.raises(InputError, match=r"leverage = 0.5 .*\[1, 100\]"):
        levered_return(0.07, 0.05, 0.5)
    with pytest.raises(InputError, match="target_dscr = 0"):
        sculpted_debt([0, 1, 1], 0.05, 0.0, 2)
    with pytest.raises(InputError, match=r"gearing = 1 .*\[0, 1\)"):
        size_debt([0, 1, 1], 0.05, 1.3, 2, 10, 1.0)
    with pytest.raises(InputError, match="gearing = -0.1"):
        size_debt([0, 1, 1], 0.05, 1.3, 2, 10, -0.1)
    with pytest.raises(InputError, match="spread_bp = 900"):
        DebtTerms(spread_bp=900)
    with pytest.raises(InputError, match="tenor"):
        sculpted_debt([0, 1, 1], 0.05, 1.3, 5)
