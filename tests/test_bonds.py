"""fundlib.bonds against QuantLib and closed forms."""

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given
from hypothesis import strategies as st

from fundlib import InputError
from fundlib.bonds import bond_price, bond_yield, convexity, dv01, macaulay_duration, modified_duration

TODAY = ql.Date(15, ql.January, 2026)


def ql_bond(coupon, years, freq):
    ql.Settings.instance().evaluationDate = TODAY
    period = ql.Period(12 // freq, ql.Months)
    maturity = TODAY + ql.Period(int(round(years * 12)), ql.Months)
    sched = ql.Schedule(TODAY, maturity, period, ql.NullCalendar(), ql.Unadjusted, ql.Unadjusted,
                        ql.DateGeneration.Backward, False)
    dc = ql.Thirty360(ql.Thirty360.BondBasis)  # every period is exactly 1/freq of a year
    bond = ql.FixedRateBond(0, 100.0, sched, [coupon], dc)
    return bond, dc


CASES = [(0.045, 0.04, 30, 2), (0.012, 0.005, 10, 2), (-0.002, 0.001, 5, 2), (0.0334, 0.018, 30, 1),
         (0.07, 0.0, 20, 2), (0.05, 0.06, 7.5, 2), (0.03, 0.03, 40, 4), (-0.003, 0.0, 2, 1)]


@pytest.mark.parametrize("ytm,coupon,years,freq", CASES)
def test_against_quantlib(ytm, coupon, years, freq):
    bond, dc = ql_bond(coupon, years, freq)
    rate = ql.InterestRate(ytm, dc, ql.Compounded, freq)
    assert bond_price(ytm, coupon, years, freq) == pytest.approx(
        ql.BondFunctions.cleanPrice(bond, rate, TODAY), abs=1e-9)
    assert modified_duration(ytm, coupon, years, freq) == pytest.approx(
        ql.BondFunctions.duration(bond, rate, ql.Duration.Modified, TODAY), rel=1e-9)
    assert macaulay_duration(ytm, coupon, years, freq) == pytest.approx(
        ql.BondFunctions.duration(bond, rate, ql.Duration.Macaulay, TODAY), rel=1e-9)
    assert convexity(ytm, coupon, years, freq) == pytest.approx(
        ql.BondFunctions.convexity(bond, rate, TODAY), rel=1e-8)
    price = ql.BondFunctions.cleanPrice(bond, rate, TODAY)
    ql_mod = ql.BondFunctions.duration(bond, rate, ql.Duration.Modified, TODAY)
    assert dv01(ytm, coupon, years, freq) == pytest.approx(ql_mod * price * 1e-4, rel=1e-9)
    # QuantLib's basis-point value adds a second-order term for a 1 bp *rise*; it differs from the
    # first-order DV01 by no more than the convexity term.
    ql_conv = ql.BondFunctions.convexity(bond, rate, TODAY)
    assert abs(dv01(ytm, coupon, years, freq) + ql.BondFunctions.basisPointValue(bond, rate, TODAY)) <= (
        ql_conv * price * 1e-8)
    ql_yield = ql.BondFunctions.bondYield(bond, ql.BondPrice(price, ql.BondPrice.Clean), dc, ql.Compounded,
                                          freq, TODAY, 1e-12, 200)
    assert bond_yield(price, coupon, years, freq) == pytest.approx(ql_yield, abs=1e-9)


def test_par_bond_and_zero_coupon_closed_forms():
    assert bond_price(0.04, 0.04, 30) == pytest.approx(100.0, abs=1e-10)
    assert bond_price(0.03, 0.0, 10, freq=1) == pytest.approx(100 / 1.03**10, rel=1e-13)
    assert macaulay_duration(0.03, 0.0, 10, freq=1) == pytest.approx(10.0, rel=1e-12)
    # negative yield: a zero-coupon bond prices above par
    assert bond_price(-0.002, 0.0, 5, freq=1) == pytest.approx(100 / 0.998**5, rel=1e-13)


def test_vectorized_over_yields_and_tenors():
    y = np.array([0.01, 0.02, 0.03])
    p = bond_price(y, 0.02, np.array([10, 20, 30]))
    assert p.shape == (3,)
    assert p[1] == pytest.approx(100.0)
    np.testing.assert_allclose(bond_yield(p, 0.02, np.array([10, 20, 30])), y, atol=1e-12)


@given(st.floats(-0.009, 0.2), st.floats(0.0, 0.15), st.integers(1, 80))
def test_property_price_yield_round_trip(ytm, coupon, periods):
    years = periods / 2
    p = bond_price(ytm, coupon, years)
    assert bond_yield(p, coupon, years) == pytest.approx(ytm, abs=1e-9)


@given(st.floats(-0.009, 0.2), st.floats(0.0, 0.15), st.integers(1, 80))
def test_property_dv01_positive_and_brackets_repricing(ytm, coupon, periods):
    years = periods / 2
    d = dv01(ytm, coupon, years)
    assert d > 0
    up = bond_price(ytm - 1e-4, coupon, years) - bond_price(ytm, coupon, years)
    down = bond_price(ytm, coupon, years) - bond_price(ytm + 1e-4, coupon, years)
    # convexity: the gain from a 1 bp fall exceeds the first-order DV01, which exceeds the loss from a rise
    assert down <= d + 1e-12 <= up + 2e-12


def test_bad_input():
    with pytest.raises(InputError, match="years"):
        bond_price(0.01, 0.01, 0)
    with pytest.raises(InputError, match="whole number of coupon periods"):
        bond_price(0.01, 0.01, 10.3)
    with pytest.raises(InputError, match="ytm"):
        bond_price(-3.0, 0.01, 10)
    with pytest.raises(InputError, match="freq"):
        bond_price(0.01, 0.01, 10, freq=0)
    with pytest.raises(InputError, match="price"):
        bond_yield(-5, 0.01, 10)
