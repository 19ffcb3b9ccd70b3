"""fundlib.finance against numpy-financial, pyxirr and closed forms."""

import datetime as dt

import numpy as np
import numpy_financial as npf
import pytest
import pyxirr
from hypothesis import assume, given
from hypothesis import strategies as st

from fundlib import InputError
from fundlib.finance import annuity_factor, annuity_payment, irr, moic, npv, payback_period, xirr, xnpv


def conventional(rng, n_rows, n_periods):
    cf = rng.uniform(0.0, 20.0, (n_rows, n_periods))
    cf[:, 0] = -rng.uniform(50, 200, n_rows)
    return cf


def test_npv_matches_numpy_financial(rng):
    cf = rng.normal(0, 10, (50, 12))
    for rate in (-0.05, 0.0, 0.03, 0.25):
        got = npv(rate, cf)
        ref = np.array([npf.npv(rate, row) for row in cf])
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-10)


def test_npv_broadcasts_rates_over_scenarios():
    cf = np.array([[-100.0, 110.0], [-100.0, 121.0]])
    np.testing.assert_allclose(npv(np.array([0.10, 0.21]), cf), [0.0, 0.0], atol=1e-12)
    assert npv(0.1, [-100, 110]) == pytest.approx(0.0, abs=1e-12)


def test_irr_matches_pyxirr_on_many_generated_cases(rng):
    cf = conventional(rng, 2000, 40)
    got = irr(cf)
    ref = np.array([pyxirr.irr(row) for row in cf])
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-8)


def test_irr_matches_numpy_financial_on_short_flows(rng):
    cf = conventional(rng, 300, 6)
    got = irr(cf)
    ref = np.array([npf.irr(row) for row in cf])
    np.testing.assert_allclose(got, ref, atol=1e-9)


def test_irr_negative_and_large_rates():
    assert irr([-100, 10, 10, 10]) == pytest.approx(pyxirr.irr([-100, 10, 10, 10]), abs=1e-10)
    assert irr([-100, 0, 0, 0, 50]) == pytest.approx(0.5 ** 0.25 - 1, abs=1e-12)
    assert irr([-1, 10]) == pytest.approx(9.0, abs=1e-10)


def test_irr_closed_form_two_period():
    # -P + C/(1+r) = 0  =>  r = C/P - 1
    assert irr([-80.0, 100.0]) == pytest.approx(0.25, abs=1e-14)


def test_irr_is_nan_without_sign_change():
    out = irr([[10, 20, 30], [-1, -2, 0], [0, 0, 0], [-100, 60, 60]])
    assert np.isnan(out[:3]).all()
    assert out[3] == pytest.approx(0.130662386291807, abs=1e-12)


def test_irr_keeps_leading_axes():
    cf = np.tile(np.array([-100.0, 60.0, 60.0]), (2, 3, 1))
    assert irr(cf).shape == (2, 3)


def test_irr_non_conventional_flows_give_a_root():
    cf = [-100.0, 230.0, -132.0]  # roots at 10% and 20%
    r = irr(cf)
    assert r == pytest.approx(0.10, abs=1e-10) or r == pytest.approx(0.20, abs=1e-10)
    assert npv(r, cf) == pytest.approx(0.0, abs=1e-9)


def test_irr_fallback_handles_rows_newton_cannot():
    # A late negative flow (decommissioning) makes NPV non-convex; the bisection fallback must agree.
    cf = np.array([[-100.0] + [30.0] * 9 + [-150.0], [-10.0, 1.0, 1.0, 1.0, 100.0, -95.0] + [0.0] * 5])
    for row, r in zip(cf, irr(cf)):
        assert np.isfinite(r)
        assert npv(r, row) == pytest.approx(0.0, abs=1e-8)


def test_bisection_fallback_agrees_with_pyxirr(rng):
    from fundlib.finance import _bisect_irr

    cf = conventional(rng, 300, 30)
    ref = np.array([pyxirr.irr(row) for row in cf])
    np.testing.assert_allclose(_bisect_irr(cf), ref, atol=1e-9)


@given(st.lists(st.floats(0.0, 50.0), min_size=1, max_size=40), st.floats(1.0, 500.0))
def test_property_npv_at_irr_is_zero(inflows, outlay):
    assume(sum(inflows) > 1e-6)
    cf = np.array([-outlay] + inflows)
    r = irr(cf)
    assert np.isfinite(r) and r > -1
    scale = np.abs(cf).sum() * max(1.0, (1 + r) ** -0)  # npv magnitude relative to flows
    assert abs(npv(r, cf)) <= 1e-8 * scale


@given(st.lists(st.floats(0.5, 50.0), min_size=2, max_size=30), st.floats(0.01, 1000.0))
def test_property_irr_scale_invariant(inflows, k):
    cf = np.array([-sum(inflows) * 0.8] + inflows)
    assert irr(cf * k) == pytest.approx(irr(cf), abs=1e-9)


@given(st.lists(st.floats(0.5, 50.0), min_size=2, max_size=30), st.floats(0.1, 50.0))
def test_property_irr_rises_with_inflows(inflows, extra):
    cf = np.array([-sum(inflows) * 0.8] + inflows)
    more = cf.copy()
    more[-1] += extra
    assert irr(more) > irr(cf)


def test_xirr_matches_pyxirr(rng):
    start = dt.date(2025, 4, 21)
    for _ in range(200):
        n = int(rng.integers(2, 15))
        days = np.sort(rng.integers(1, 20 * 365, n - 1))
        dates = [start] + [start + dt.timedelta(days=int(d)) for d in days]
        amounts = [-float(rng.uniform(50, 150))] + list(rng.uniform(0, 40, n - 1))
        assert xirr(dates, amounts) == pytest.approx(pyxirr.xirr(dates, amounts), abs=1e-8)


def test_xirr_act365_closed_form():
    # 100 -> 121 over 730 days: (1+r)^(730/365) = 1.21 -> r = 10%
    d = [dt.date(2020, 1, 1), dt.date(2021, 12, 31)]
    assert xirr(d, [-100, 121]) == pytest.approx(0.10, abs=1e-12)
    assert xnpv(0.10, d, [-100, 121]) == pytest.approx(0.0, abs=1e-10)
    assert np.isnan(xirr(d, [100, 121]))


def test_xirr_vectorized_over_scenarios():
    d = ["2020-01-01", "2021-12-31"]
    out = xirr(d, np.array([[-100, 121], [-100, 144]]))
    np.testing.assert_allclose(out, [0.10, 0.20], atol=1e-12)


def test_annuity_payment_matches_numpy_financial(rng):
    for _ in range(200):
        r, n, pv = rng.uniform(-0.02, 0.15), int(rng.integers(1, 41)), rng.uniform(1, 1000)
        assert annuity_payment(r, n, pv) == pytest.approx(-npf.pmt(r, n, pv), rel=1e-10)
        assert annuity_payment(r, n, pv, when="begin") == pytest.approx(-npf.pmt(r, n, pv, when="begin"), rel=1e-10)


def test_annuity_at_zero_rate():
    assert annuity_factor(0.0, 10) == pytest.approx(10.0)
    assert annuity_payment(0.0, 4, 100.0) == pytest.approx(25.0)
    assert annuity_factor(1e-12, 10) == pytest.approx(10.0, rel=1e-9)


def test_moic_and_payback_hand_worked():
    cf = [-100, 30, 40, 50, 10]
    assert moic(cf) == pytest.approx(1.3)
    # cumulative: -100, -70, -30, +20 -> pays back 30/50 = 0.6 into year 3
    assert payback_period(cf) == pytest.approx(2.6)
    assert np.isnan(payback_period([-100, 10, 10]))
    assert np.isnan(moic([10, 20]))
    # discounted payback is later than simple payback
    assert payback_period(cf, rate=0.08) > 2.6


def test_bad_input_names_parameter_and_range():
    with pytest.raises(InputError, match=r"rate = -1\.5 .*\(-1, ∞\)"):
        npv(-1.5, [1, 2])
    with pytest.raises(InputError, match="cashflows"):
        irr([1.0])
    with pytest.raises(InputError, match="finite"):
        irr([-1, np.nan, 2])
    with pytest.raises(InputError, match="when"):
        annuity_payment(0.05, 10, 100, when="middle")
    assert issubclass(InputError, ValueError)
