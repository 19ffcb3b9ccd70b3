"""fundlib.market: one snapshot of every market number, at one month; zero curves bootstrapped from
par yields (checked against QuantLib's bootstrap), annually compounded forwards with the basis."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundlib import InputError
from fundlib import assumptions as A
from fundlib.data import load_rates_monthly
from fundlib.fx import forward_rate
from fundlib.market import Market, MarketGap

SERIES = ["sofr", "tona", "usdjpy", "jgb_30y", "ust_30y"]


def test_latest_is_the_last_month_with_every_series():
    rates = load_rates_monthly()
    m = Market.latest()
    assert m.as_of == "2025-10" and m.missing == () and m.stand_ins == ()
    row = rates.loc[m.as_of]
    assert (m.sofr, m.tona, m.usdjpy) == (row["sofr"], row["tona"], row["usdjpy"])
    assert m.par_yield("USD", 30.0) == pytest.approx(row["ust_30y"], abs=1e-15)
    assert m.par_yield("JPY", 30.0) == pytest.approx(row["jgb_30y"], abs=1e-15)
    later = rates.loc[rates.index > m.as_of, SERIES]
    assert later.isna().any(axis=1).all(), "a later month has every series"
    assert not rates.loc[m.as_of, SERIES].isna().any()


def test_a_month_says_what_it_lacks_and_invents_nothing():
    m = Market.at("2016-07")
    assert set(m.missing) == {"sofr", "tona"} and m.stand_ins == ()
    with pytest.raises(MarketGap, match="SOFR has no value at month-end 2016-07.*starts 2018-04"):
        m.sofr
    with pytest.raises(InputError, match="TONA"):
        m.tona
    assert m.usdjpy == pytest.approx(load_rates_monthly().loc["2016-07", "usdjpy"])
    s = Market.at("2016-07", stand_ins=True)
    rates = load_rates_monthly().loc["2016-07"]
    assert s.sofr == rates["ust_3m"] and s.tona == rates["jgb_1y"]
    assert [k for k, _ in s.stand_ins] == ["sofr", "tona"] and "3-month" in s.stand_ins[0][1]
    late = Market.at("2026-07")
    assert {"USD", "usdjpy"} <= set(late.missing)
    with pytest.raises(MarketGap, match="US Treasury curve"):
        late.zero_rate("USD", 10)


@pytest.mark.parametrize("month", ["2000-01", "2008-12", "2016-07", "2020-03", "2025-10"])
@pytest.mark.parametrize("currency", ["USD", "JPY"])
def test_par_bonds_price_at_par_on_the_bootstrapped_curve(month, currency):
    m = Market.at(month, stand_ins=True)
    n = np.arange(1, 61)
    df = m.discount(currency, n.astype(float))
    y = m.par_yield(currency, n.astype(float))
    annuity = np.concatenate([[0.0], np.cumsum(df)[:-1]])
    np.testing.assert_allclose(y * (annuity + df) + df, 1.0, atol=1e-12)   # coupons + principal = 100 per 100
    np.testing.assert_allclose(df, (1 + m.zero_rate(currency, n.astype(float))) ** -n, rtol=1e-13)


def test_zero_curve_matches_quantlib_bootstrap():
    ql = pytest.importorskip("QuantLib")
    m = Market.latest()
    today = ql.Date(31, 10, 2025)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Thirty360(ql.Thirty360.BondBasis)
    helpers = []
    for n in range(1, 41):
        y = float(m.par_yield("USD", float(n)))
        sched = ql.Schedule(today, today + ql.Period(n, ql.Years), ql.Period(ql.Annual), ql.NullCalendar(),
                            ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, False)
        helpers.append(ql.FixedRateBondHelper(ql.QuoteHandle(ql.SimpleQuote(100.0)), 0, 100.0, sched, [y], dc))
    curve = ql.PiecewiseLogLinearDiscount(today, helpers, dc)
    for n in (1, 2, 5, 10, 17, 30, 40):
        assert curve.discount(today + ql.Period(n, ql.Years)) == pytest.approx(m.discount("USD", float(n)), rel=1e-10)


def test_forward_is_cip_from_the_zero_rates_with_the_basis():
    m = Market.latest()
    for t in (0.5, 1.0, 5.0, 10.0, 30.0):
        zu, zj = m.zero_rate("USD", t), m.zero_rate("JPY", t)
        assert m.forward_usdjpy(t) == pytest.approx(forward_rate(m.usdjpy, zu, zj, t, m.basis_bp), rel=1e-13)
    assert m.forward_usdjpy(0.0) == m.usdjpy
    # USD rates above JPY rates: the dollar trades at a forward discount that deepens with tenor.
    f = m.forward_usdjpy(np.array([1.0, 5.0, 10.0, 20.0]))
    assert np.all(np.diff(f) < 0) and np.all(f > 0)


def test_extrapolation_is_said():
    m = Market.latest()
    assert m.longest_tenor("USD") == 30.0 and m.longest_tenor("JPY") == 40.0
    assert m.extrapolated("USD", 30.0) is False and m.extrapolated("USD", 31.0) is True
    np.testing.assert_array_equal(m.extrapolated("JPY", np.array([10.0, 40.0, 50.0])), [False, False, True])
    assert m.par_yield("USD", 45.0) == m.par_yield("USD", 30.0)     # held flat, not invented


def test_overrides_and_the_active_scenario():
    m = Market.latest()
    assert m.with_(sofr=0.05).sofr == 0.05 and m.with_(sofr=0.05).tona == m.tona
    shifted = m.with_(jgb_30y=0.04)
    assert shifted.par_yield("JPY", 30.0) == pytest.approx(0.04, abs=1e-15)
    assert shifted.par_yield("JPY", 10.0) - m.par_yield("JPY", 10.0) == pytest.approx(0.04 - m.par_yield("JPY", 30.0))
    with A.scenario({"sofr": 0.055, "usdjpy": 120.0}):
        c = Market.current()
        assert (c.sofr, c.usdjpy, c.as_of) == (0.055, 120.0, m.as_of)
    assert Market.current().sofr == m.sofr
    with pytest.raises(InputError, match="sofr"):
        m.with_(sofr=0.5)


def test_bad_input():
    with pytest.raises(InputError, match="month"):
        Market.at("July 2016")
    with pytest.raises(InputError, match="month"):
        Market.at("1999-12")
    m = Market.latest()
    with pytest.raises(InputError, match="currency"):
        m.zero_rate("EUR", 5)
    with pytest.raises(InputError, match="years"):
        m.zero_rate("USD", 0.0)
    with pytest.raises(InputError, match="years"):
        m.forward_usdjpy(101)


@given(st.sampled_from([str(p) for p in load_rates_monthly().index[:310]]), st.floats(0.01, 60.0))
def test_property_every_month_gives_finite_positive_forwards_and_discounts(month, t):
    m = Market.at(month, stand_ins=True)
    if "USD" in m.missing or "JPY" in m.missing or m.spot is None:
        return
    assert np.isfinite(m.forward_usdjpy(t)) and m.forward_usdjpy(t) > 0
    for cur in ("USD", "JPY"):
        d = m.discount(cur, t)
        assert 0 < d < 5


def test_hedged_means_forwards_locked_for_the_date():
    """Market.hedged_yield is the forward locked today for the cash flow's date: a dollar yield seen in
    yen and back is the same yield; at the 30-year Treasury yield hedged into yen over 30 years it is
    the yen zero rate + basis (CIP), far from the rolled 3-month carry (fundlib.fx.hedged_yield)."""
    from fundlib import fx

    m = Market.latest()
    y = 0.07
    back = m.hedged_yield(m.hedged_yield(y, 15.0, "JPY"), 15.0, "USD")
    assert back == pytest.approx(y, abs=1e-14)
    z = m.zero_rate("USD", 30.0)
    assert m.hedged_yield(z, 30.0, "JPY") == pytest.approx(m.zero_rate("JPY", 30.0) + m.basis_bp * 1e-4, abs=1e-12)
    F = m.forward_usdjpy(15.0) / m.usdjpy
    assert m.hedged_yield(y, 15.0) == pytest.approx((1 + y) * F ** (1 / 15) - 1, abs=1e-12)
    carry = fx.hedged_yield(y, m.sofr, m.tona, m.basis_bp, 0.25)
    assert abs(carry - m.hedged_yield(y, 15.0)) > 0.005        # two views, two numbers
    with pytest.raises(InputError, match="into"):
        m.hedged_yield(y, 15.0, into="EUR")


def test_swap_rate_is_the_par_rate_of_its_notional():
    """A constant notional gives the par yield; an amortizing one prices both legs equal on the curve."""
    m = Market.latest()
    assert m.swap_rate(years=10) == pytest.approx(m.par_yield("USD", 10.0), abs=1e-12)
    N = np.array([100.0, 80.0, 60.0, 40.0, 20.0])
    K = m.swap_rate(notional=N)
    D = m.discount("USD", np.arange(6.0))
    floating = sum(N[i] * (D[i] / D[i + 1] - 1) * D[i + 1] for i in range(5))
    assert sum(N[i] * K * D[i + 1] for i in range(5)) == pytest.approx(floating, rel=1e-12)
    with pytest.raises(InputError, match="notional"):
        m.swap_rate()
    with pytest.raises(InputError, match="notional"):
        m.swap_rate(notional=[0.0, 0.0])
