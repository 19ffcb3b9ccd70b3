"""fundlib.fx: covered interest parity and hedging identities."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundlib import InputError
from fundlib.fx import breakeven_depreciation, forward_rate, hedge_cost, hedged_yield, unhedged_yen_return

rates = st.floats(-0.01, 0.10)


def test_forward_rate_textbook_cip():
    # spot 150, USD 5%, JPY 0.5%, one year: 150 * 1.005 / 1.05 (simple and annual agree at one year)
    assert forward_rate(150.0, 0.05, 0.005, 1.0) == pytest.approx(143.5714285714, rel=1e-12)
    assert forward_rate(150.0, 0.05, 0.005, 1.0, compounding="simple") == pytest.approx(143.5714285714, rel=1e-12)
    assert forward_rate(150.0, 0.01, 0.01, 0.25, compounding="simple") == pytest.approx(150.0)


def test_long_forwards_compound():
    """Simple interest at 30 years gave 88.6 (and 117.9 at 10): compounded it is 62.3 (111.9)."""
    assert forward_rate(150.0, 0.04, 0.01, 30) == pytest.approx(150 * (1.01 / 1.04) ** 30, rel=1e-12)
    assert forward_rate(150.0, 0.04, 0.01, 30) == pytest.approx(62.3, abs=0.05)
    assert forward_rate(150.0, 0.04, 0.01, 10) == pytest.approx(111.9, abs=0.05)
    # Inside the allowed ranges the old formula returned -13.6 here; a forward is always positive.
    f = forward_rate(150.0, 0.04, -0.04, 30)
    assert np.isfinite(f) and f == pytest.approx(150 * (0.96 / 1.04) ** 30, rel=1e-12)


@given(st.floats(1e-3, 1e5), st.floats(-0.5, 1.0), st.floats(-0.5, 1.0), st.floats(1e-6, 100.0), st.floats(-500, 500))
def test_property_every_valid_forward_is_finite_and_positive(spot, u, j, tau, basis_bp):
    f = forward_rate(spot, u, j, tau, basis_bp)
    assert np.isfinite(f) and f > 0
    if tau <= 1:
        fs = forward_rate(spot, u, j, tau, basis_bp, compounding="simple")
        assert np.isfinite(fs) and fs > 0


@given(st.floats(80, 200), rates, rates, st.floats(0.05, 40.0), st.floats(-100, 50))
def test_property_cip_no_arbitrage(spot, u, j, tau, basis_bp):
    # Yen deposited at (j + basis) equals yen converted, invested in USD, converted back at F.
    f = forward_rate(spot, u, j, tau, basis_bp)
    yen_path = (1.0 + j + basis_bp * 1e-4) ** tau
    usd_path = (1.0 / spot) * (1.0 + u) ** tau * f
    assert usd_path == pytest.approx(yen_path, rel=1e-11)
    if tau <= 1:
        fs = forward_rate(spot, u, j, tau, basis_bp, compounding="simple")
        assert (1.0 / spot) * (1.0 + u * tau) * fs == pytest.approx(1.0 + (j + basis_bp * 1e-4) * tau, rel=1e-12)


@given(rates, rates, st.floats(0.05, 1.0), st.floats(-100, 50), st.floats(-0.01, 0.1))
def test_property_hedge_identities(u, j, tau, basis_bp, y):
    h = hedge_cost(u, j, basis_bp, tau)
    f_over_s = forward_rate(1.0, u, j, tau, basis_bp, compounding="simple")
    assert h == pytest.approx((1 - f_over_s) / tau, abs=1e-12)
    assert hedged_yield(y, u, j, basis_bp, tau) == pytest.approx(y - h - y * h * tau, abs=1e-12)


def test_hedge_cost_sign_and_basis():
    # USD rates above JPY rates: hedging costs money; a more negative basis costs more.
    assert hedge_cost(0.0368, 0.00977, 0.0) > 0
    assert hedge_cost(0.0368, 0.00977, -30.0) > hedge_cost(0.0368, 0.00977, 0.0)
    approx = 0.0368 - 0.00977 + 0.0030
    assert hedge_cost(0.0368, 0.00977, -30.0, 0.25) == pytest.approx(approx / (1 + 0.0368 * 0.25))


def test_breakeven_and_unhedged():
    d = breakeven_depreciation(0.0467, 0.0334)
    assert (1 + 0.0467) * (1 - d) == pytest.approx(1 + 0.0334)
    # a 10% yen appreciation over one year on a 5% asset: 1.05 * 0.9 - 1
    assert unhedged_yen_return(0.05, 150, 135, 1.0) == pytest.approx(-0.055)
    np.testing.assert_allclose(unhedged_yen_return(0.05, 150, np.array([150, 165]), 1.0), [0.05, 0.155])


def test_bad_input():
    with pytest.raises(InputError, match="spot"):
        forward_rate(-1, 0.01, 0.01, 1)
    with pytest.raises(InputError, match="years"):
        hedge_cost(0.01, 0.01, 0, years=0)
    with pytest.raises(InputError, match="basis_bp"):
        hedge_cost(0.01, 0.01, 900)
    with pytest.raises(InputError, match="usd_rate"):
        forward_rate(150, -1.0, 0.01, 5)          # a rate at or below -100%
    with pytest.raises(InputError, match="spot"):
        forward_rate(0.0, 0.01, 0.01, 5)
    with pytest.raises(InputError, match="years"):
        forward_rate(150, 0.01, 0.01, 2, compounding="simple")   # money-market tenors only
    with pytest.raises(InputError, match="years"):
        hedge_cost(0.04, 0.01, 0, years=10)      # the rolled hedge is a short hedge
    with pytest.raises(InputError, match="compounding"):
        forward_rate(150, 0.01, 0.01, 2, compounding="continuous")
