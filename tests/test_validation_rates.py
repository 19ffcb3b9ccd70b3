"""Bad input to the rates modules (finance, bonds, fx, filp, curves, market, jgbstock) gets a clear
error naming the parameter, and the edges of the valid range (negative rates, one-period flows,
tenors from a week to 50 years) give the right numbers, checked against numpy-financial, pyxirr,
QuantLib and closed forms."""

import datetime as dt
import math

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
import pyxirr
import QuantLib as ql
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq

from fundlib import InputError
from fundlib import bonds as B
from fundlib import curves as CV
from fundlib import filp as F
from fundlib import finance as FI
from fundlib import fx as FX
from fundlib import jgbstock as J
from fundlib.data import load_rates_monthly
from fundlib.market import Market

RATES = load_rates_monthly()
DATES = ["2020-01-01", "2021-12-31"]


# --------------------------------------------------------------------------- finance


@pytest.mark.parametrize("call", [lambda: FI.xirr([], []), lambda: FI.xnpv(0.05, [], []),
                                  lambda: FI.xirr(np.array([]), [-1.0, 2.0]), lambda: FI.xirr(["2020-01-01"], [-1.0])])
def test_xirr_and_xnpv_on_no_dates_name_dates(call):
    """They raised IndexError (index 0 is out of bounds)."""
    with pytest.raises(InputError, match=r"^dates = .* at least \d date"):
        call()


@pytest.mark.parametrize("call", [lambda: FI.xirr(DATES, [-1.0, 0.5, 0.7]), lambda: FI.xnpv(0.1, DATES, [-1.0, 0.5, 0.7])])
def test_dates_and_amounts_of_different_lengths_name_both(call):
    with pytest.raises(InputError, match=r"^dates and amounts = '2 dates, 3 amounts"):
        call()


def test_bad_dates_name_dates():
    with pytest.raises(TypeError, match="^dates must be a list of dates"):
        FI.xirr("2020-01-01", [-1.0, 2.0])
    with pytest.raises(InputError, match=r"^dates = 'x'"):
        FI.xnpv(0.1, ["2020-01-01", "x"], [-1.0, 2.0])
    with pytest.raises(InputError, match=r"^dates = 'NaT'"):
        FI.xnpv(0.1, [pd.NaT, "2020-01-01"], [-1.0, 2.0])
    with pytest.raises(InputError, match=r"^dates = 1 "):
        FI.xnpv(0.1, [1, 2], [-1.0, 2.0])       # numbers are not dates
    with pytest.raises(TypeError, match="^guess must be"):
        FI.xirr(DATES, [-100.0, 121.0], guess=[0.1, 0.2])
    # every kind of date still works
    for d in (DATES, pd.to_datetime(DATES), np.array(DATES, dtype="datetime64[D]"), [dt.date(2020, 1, 1), dt.datetime(2021, 12, 31, 9)]):
        assert FI.xirr(d, [-100.0, 121.0]) == pytest.approx(0.10, abs=1e-12)


def test_discount_factors_need_a_whole_number_of_periods():
    """2.7 periods gave 3 factors and -1 gave none."""
    with pytest.raises(InputError, match=r"^periods = 2\.7 is not valid: expected a whole number in \[0, 100000\]"):
        FI.discount_factors(0.05, 2.7)
    with pytest.raises(InputError, match=r"^periods = -1 is not valid"):
        FI.discount_factors(0.05, -1)
    with pytest.raises(TypeError, match="^periods must be"):
        FI.discount_factors(0.05, [3])
    assert FI.discount_factors(0.05, 0).shape == (0,)
    np.testing.assert_allclose(FI.discount_factors(0.05, 3.0), [1.0, 1 / 1.05, 1 / 1.05**2], rtol=1e-15)


def test_rates_that_do_not_fit_the_scenarios_or_overflow_are_refused():
    with pytest.raises(InputError, match=r"^rate and cashflows = "):
        FI.npv(np.ones((2, 3)) * 0.05, np.ones((2, 3)))
    with pytest.raises(InputError, match=r"^rate = .*floating-point range"):
        FI.npv(-0.999999999, np.ones(100))
    with pytest.raises(InputError, match=r"^rate and periods = "):
        FI.annuity_factor(-0.9, 1e6)
    with pytest.raises(InputError, match=r"^rate and periods = "):
        FI.annuity_payment([0.01, 0.02], [1, 2, 3], 100.0)


@given(st.floats(-0.4999, -1e-6), st.lists(st.floats(-50.0, 50.0), min_size=1, max_size=30))
def test_property_npv_at_negative_rates_matches_numpy_financial(rate, flows):
    assert FI.npv(rate, flows) == pytest.approx(npf.npv(rate, flows), rel=1e-11, abs=1e-9)


@given(st.floats(-0.49, -0.001), st.lists(st.floats(0.5, 50.0), min_size=1, max_size=30))
def test_property_irr_finds_negative_rates(r, inflows):
    """An outlay that the inflows repay at exactly r < 0: irr returns r, as pyxirr does."""
    outlay = sum(c / (1 + r) ** (t + 1) for t, c in enumerate(inflows))
    cf = [-outlay] + inflows
    assert FI.irr(cf) == pytest.approx(r, abs=1e-9)
    assert FI.irr(cf) == pytest.approx(pyxirr.irr(cf), abs=1e-8)


@given(st.floats(-0.4999, -1e-6), st.integers(1, 60), st.floats(1.0, 1e6))
def test_property_annuity_at_negative_rates_matches_numpy_financial(rate, n, pv):
    assert FI.annuity_payment(rate, n, pv) == pytest.approx(-npf.pmt(rate, n, pv), rel=1e-10)
    assert FI.annuity_payment(rate, n, pv, when="begin") == pytest.approx(-npf.pmt(rate, n, pv, when="begin"), rel=1e-10)
    assert FI.annuity_factor(rate, n) == pytest.approx(sum((1 + rate) ** -k for k in range(1, n + 1)), rel=1e-11)


@given(st.floats(1e-6, 1e6), st.floats(-0.99, 10.0), st.floats(-1e6, 1e6))
def test_property_one_period_flows(x, rate, c):
    assert FI.irr([-1.0, x]) == pytest.approx(x - 1.0, rel=1e-12, abs=1e-12)
    assert FI.npv(rate, [c]) == c                      # the flow at t = 0 is not discounted
    assert FI.npv(rate, [-1.0, x]) == pytest.approx(-1.0 + x / (1.0 + rate), rel=1e-12, abs=1e-12)


# --------------------------------------------------------------------------- bonds


def test_bond_inputs_are_checked():
    """bond_price(None, ...) returned nan; coupons of -50% gave a price of -384 and a duration of inf."""
    with pytest.raises(TypeError, match="^ytm must be a number in"):
        B.bond_price(None, 0.03, 30)
    for f in (B.bond_price, B.modified_duration, B.convexity):
        with pytest.raises(InputError, match=r"^ytm = .* at least one value"):
            f(np.array([]), 0.03, 30)
        with pytest.raises(InputError, match=r"^coupon_rate = .* at least one value"):
            f(0.03, [], 30)
    with pytest.raises(InputError, match=r"^coupon_rate = -0\.5 is not valid: expected a number in \[0, 1\]"):
        B.bond_price(0.01, -0.5, 10)
    with pytest.raises(InputError, match=r"^coupon_rate = -0\.1 "):
        B.modified_duration(0, -0.1, 10, 1)
    with pytest.raises(InputError, match=r"^ytm = -2 is not valid: expected a number in \(-2, 1\]"):
        B.bond_price(-2.0, 0.03, 10)                   # -100% per half-year
    with pytest.raises(InputError, match=r"^ytm = -1\.999 .*floating-point range"):
        B.bond_price(-1.999, 0.05, 100)                # a finite yield whose price overflows
    with pytest.raises(InputError, match=r"^ytm and coupon_rate and years and face = "):
        B.bond_price([0.01, 0.02], 0.03, [10, 20, 30])
    with pytest.raises(InputError, match=r"^freq = 53 "):
        B.bond_price(0.01, 0.03, 10, freq=53)


def _closed_form_price(y, c, n, f, face=100.0):
    i = y / f
    v = (1 + i) ** -n
    annuity = n if i == 0 else -math.expm1(-n * math.log1p(i)) / i   # (1 − v)/i without cancellation
    return face * (c / f * annuity + v)


def test_bond_yield_of_a_high_price_is_the_negative_yield_that_gives_it():
    """It blamed 'ytm = nan'. ¥10,000 per ¥100 of a 30-year 5% bond is a yield of -13.83% a year."""
    ref = brentq(lambda y: _closed_form_price(y, 0.05, 60, 2) - 1e4, -1.5, 0.0, xtol=1e-15)
    y = B.bond_yield(1e4, 0.05, 30)
    assert y == pytest.approx(ref, abs=1e-12) and y == pytest.approx(-0.138324390583514, abs=1e-12)
    assert B.bond_price(y, 0.05, 30) == pytest.approx(1e4, rel=1e-13)


def test_bond_yield_refuses_prices_outside_the_supported_yields():
    floor = B.bond_price(1.0, 0.05, 30)               # the price at a 100% yield
    with pytest.raises(InputError, match=rf"^price = 0\.001 is not valid: expected a price of at least {floor:.6g}"):
        B.bond_yield(1e-3, 0.05, 30)
    assert B.bond_yield(floor, 0.05, 30) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(InputError, match=r"^price = 1e\+300 .*rounds to -freq"):
        B.bond_yield(1e300, 0.05, 1)
    with pytest.raises(InputError, match=r"^price = 0 "):
        B.bond_yield(0.0, 0.05, 30)


FREQS = st.sampled_from([1, 2, 4, 12, 52])


@st.composite
def bonds_(draw, low=-0.5):
    f = draw(FREQS)
    n = draw(st.integers(1, 50 * f))                  # a week (1/52 year, weekly coupons) to 50 years
    return draw(st.floats(low, 1.0)), draw(st.floats(0.0, 0.2)), n, f


@given(bonds_())
def test_property_price_yield_round_trip_from_a_week_to_50_years(bond):
    """478 of 3,967 random round trips failed at yields of -7% and below."""
    y, c, n, f = bond
    p = B.bond_price(y, c, n / f, f)
    assert B.bond_yield(p, c, n / f, f) == pytest.approx(y, abs=1e-10)


@given(bonds_())
def test_property_price_and_duration_match_closed_forms(bond):
    y, c, n, f = bond
    i = y / f
    assert B.bond_price(y, c, n / f, f) == pytest.approx(_closed_form_price(y, c, n, f), rel=1e-10)
    if c == 0:
        assert B.macaulay_duration(y, c, n / f, f) == pytest.approx(n / f, rel=1e-12)   # a zero: its maturity
    elif abs(i) > 1e-4:   # Macaulay duration in periods: (1+i)/i − (1+i+n(c−i)) / (c((1+i)^n − 1) + i)
        cp = c / f
        d = (1 + i) / i - (1 + i + n * (cp - i)) / (cp * ((1 + i) ** n - 1) + i)
        assert B.macaulay_duration(y, c, n / f, f) == pytest.approx(d / f, rel=1e-7)
    # convexity: the second derivative of the closed-form price, by central differences
    h = 1e-4 * max(1.0, abs(y))
    if y - h > -f and y + h <= 1.0:
        p0, up, dn = (_closed_form_price(y + s, c, n, f) for s in (0.0, h, -h))
        assert B.convexity(y, c, n / f, f) == pytest.approx((up - 2 * p0 + dn) / h**2 / p0, rel=1e-4, abs=1e-6)


def _ql(y, c, n, f):
    today = ql.Date(15, ql.January, 2026)
    ql.Settings.instance().evaluationDate = today
    sched = ql.Schedule(today, today + ql.Period(n * 12 // f, ql.Months), ql.Period(12 // f, ql.Months), ql.NullCalendar(),
                        ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, False)
    dc = ql.Thirty360(ql.Thirty360.BondBasis)
    bond = ql.FixedRateBond(0, 100.0, sched, [c], dc)
    return bond, ql.InterestRate(y, dc, ql.Compounded, f), today


@given(st.sampled_from([1, 2, 4, 12]).flatmap(lambda f: st.tuples(
    st.floats(-0.5, 1.0), st.one_of(st.just(0.0), st.floats(1e-4, 0.2)), st.integers(1, 50 * f), st.just(f))))
def test_property_bond_measures_match_quantlib_from_a_month_to_50_years(bond):
    y, c, n, f = bond
    qb, rate, today = _ql(y, c, n, f)
    assert B.bond_price(y, c, n / f, f) == pytest.approx(ql.BondFunctions.cleanPrice(qb, rate, today), rel=1e-10)
    # (coupons of 0 or at least 0.01%: with a coupon of 1e-15 QuantLib's duration drifts by 1e-8,
    # where exact rational sums agree with ours)
    assert B.modified_duration(y, c, n / f, f) == pytest.approx(
        ql.BondFunctions.duration(qb, rate, ql.Duration.Modified, today), rel=1e-9)
    assert B.convexity(y, c, n / f, f) == pytest.approx(ql.BondFunctions.convexity(qb, rate, today), rel=1e-8)


# --------------------------------------------------------------------------- curves


UNSORTED = pd.Series([0.02, 0.01, 0.03], index=[10.0, 1.0, 30.0])


@pytest.mark.parametrize("method", ["linear", "pchip"])
def test_an_unsorted_curve_is_sorted_by_tenor(method):
    """'linear' gave 0.0162 at the 10-year point whose yield is 0.02; 'pchip' raised scipy's error."""
    assert float(CV.interpolate(UNSORTED, 10.0, method)) == pytest.approx(0.02, abs=1e-15)
    np.testing.assert_allclose(CV.interpolate(UNSORTED, [1.0, 5.0, 20.0], method),
                               CV.interpolate(UNSORTED.sort_index(), [1.0, 5.0, 20.0], method), rtol=0, atol=0)
    assert float(CV.interpolate(UNSORTED, 20.0, "linear")) == pytest.approx(0.025, abs=1e-15)


def test_bad_curves_are_named():
    with pytest.raises(InputError, match=r"^curve.index = 10 is not valid: expected distinct tenors"):
        CV.interpolate(pd.Series([0.02, 0.03], index=[10.0, 10.0]), 5.0, "linear")
    for method in ("pchip", "linear"):
        with pytest.raises(InputError, match=r"^curve = 'a curve of 1 point\(s\)' .*at least 2 points"):
            CV.interpolate(pd.Series([0.02], index=[10.0]), 5.0, method)
    with pytest.raises(InputError, match=r"^curve = .*at least 4 points"):
        CV.fit_nelson_siegel(pd.Series([0.01, 0.02, 0.03], index=[1.0, 5.0, 10.0]), svensson=True)
    with pytest.raises(InputError, match=r"^curve.values = nan"):
        CV.curve_function(pd.Series([0.01, np.nan], index=[1.0, 5.0]))
    with pytest.raises(InputError, match=r"^curve.values = 3 .*\[-0\.5, 1\]"):
        CV.interpolate(pd.Series([3.0, 4.0], index=[1.0, 5.0]), 2.0)   # percent, not decimals
    for call in (lambda: CV.curve_function(3), lambda: CV.fit_nelson_siegel(3), lambda: CV.interpolate(3, 5.0),
                 lambda: CV.drawn_tenors([0.01, 0.02]), lambda: CV.tenor_note(None, 10.0), lambda: CV.negative_reach({})):
        with pytest.raises(TypeError, match="^curve must be a pandas Series"):
            call()
    f = CV.curve_function(CV.curve_on("2025-10", "jgb", RATES))
    with pytest.raises(InputError, match=r"^tenor = 0 "):
        f(0.0)


def test_bad_rates_tables_are_named():
    with pytest.raises(InputError, match=r"^rates = .*column\(s\) 'jgb_1y'"):
        CV.curve_on("2025-10", "jgb", pd.DataFrame({"x": [1.0]}))
    with pytest.raises(TypeError, match="^rates must be a pandas DataFrame"):
        CV.months_with_curve("jgb", [1, 2])
    with pytest.raises(InputError, match=r"^rates = .*monthly PeriodIndex"):
        CV.history("jgb_10y", RATES.reset_index(drop=True))
    with pytest.raises(TypeError, match="^month must be a month"):
        CV.curve_on(2016.07, "jgb", RATES)
    with pytest.raises(TypeError, match="^daily must be a pandas DataFrame"):
        CV.daily_negative_reach("jgb_daily.csv")
    with pytest.raises(FileNotFoundError, match="^path: no such file"):
        CV.load_jgb_daily("no_such_file.csv")


# --------------------------------------------------------------------------- fx


def test_simulate_usdjpy_checks_seed_and_steps():
    """seed=-1 raised numpy's 'expected non-negative integer'; steps_per_year=-12 silently used one step."""
    with pytest.raises(InputError, match=r"^seed = -1 is not valid: expected a whole number in \[0, ∞\]"):
        FX.simulate_usdjpy(150.0, 0.1, 1.0, 10, seed=-1)
    with pytest.raises(InputError, match=r"^steps_per_year = -12 is not valid: expected a whole number in \[1, 366\]"):
        FX.simulate_usdjpy(150.0, 0.1, 1.0, 10, steps_per_year=-12)
    with pytest.raises(InputError, match=r"^n and steps_per_year = "):
        FX.simulate_usdjpy(150.0, 0.1, 50.0, 5_000_000, steps_per_year=12)
    with pytest.raises(TypeError, match="^spot must be a single number"):
        FX.simulate_usdjpy([150.0, 140.0], 0.1, 1.0, 10)


@pytest.mark.parametrize("drift", [0.0, 0.05, -0.03])
def test_simulate_usdjpy_drift_means_what_the_docstring_says(drift):
    """drift is the expected annual rate of change of the level: E[S_t] = spot·e^(drift·t), and the
    mean annual change of log USD/JPY is drift − σ²/2."""
    vol, years, n = 0.2, 4.0, 200_000
    paths = FX.simulate_usdjpy(150.0, vol, years, n, seed=11, drift=drift)
    logs = np.log(paths[:, -1] / 150.0)
    se = vol * math.sqrt(years / n)
    assert logs.mean() == pytest.approx((drift - vol**2 / 2) * years, abs=4 * se)
    assert paths[:, -1].mean() == pytest.approx(150.0 * math.exp(drift * years), rel=4 * se * math.exp(vol**2 * years / 2))
    assert np.diff(np.log(paths), axis=1).mean() == pytest.approx((drift - vol**2 / 2) / 12, abs=4 * se / 48)


def test_unhedged_return_needs_at_least_a_day():
    """0.0001 years annualized a 6.7% move to 2e280."""
    with pytest.raises(InputError, match=r"^years = 0\.0001 is not valid: expected a number in \[0\.00273973, 100\]"):
        FX.unhedged_yen_return(0.05, 150, 160, 0.0001)
    day = FX.unhedged_yen_return(0.05, 150, 150.15, 1 / 365)
    assert day == pytest.approx(1.05 * 1.001**365 - 1, rel=1e-12)


def test_history_tables_name_rates_and_the_missing_columns():
    """An empty table raised IndexError (here: blamed usd_rate); a table without the column, KeyError."""
    with pytest.raises(InputError, match=r"^rates = .*column\(s\) 'tona'"):
        FX.hedge_cost_history(pd.DataFrame({"sofr": [0.01]}))
    with pytest.raises(InputError, match=r"^rates = 'a table of 0 rows' .*at least one month where both sofr and tona"):
        FX.hedge_cost_history(pd.DataFrame({"sofr": [], "tona": []}))
    with pytest.raises(InputError, match=r"^rates = .*column\(s\) 'usdjpy'"):
        FX.usdjpy_volatility(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(InputError, match=r"^rates = 'None\.\.None' .*at least 13 months .*found 0"):
        FX.usdjpy_volatility(pd.DataFrame({"usdjpy": []}))
    with pytest.raises(InputError, match=r"^rates\['sofr'\] = 4\.3 "):
        FX.hedge_cost_history(pd.DataFrame({"sofr": [4.3], "tona": [0.5]}))   # percent, not decimals
    with pytest.raises(InputError, match=r"^end = '2019-01' is not valid: expected a month on or after start"):
        FX.usdjpy_volatility(RATES, start="2020-01", end="2019-01")


def test_fx_shapes_that_do_not_broadcast_name_the_parameters():
    """They raised numpy's 'operands could not be broadcast together'."""
    with pytest.raises(InputError, match=r"^spot and usd_rate and jpy_rate and years and basis_bp = 'spot \(3,\), usd_rate \(2,\)"):
        FX.forward_rate(np.full(3, 150.0), np.full(2, 0.01), 0.01, 1)
    with pytest.raises(InputError, match=r"^usd_rate and jpy_rate and basis_bp and years = "):
        FX.hedge_cost([0.04, 0.05], [0.01, 0.0, 0.02])
    with pytest.raises(InputError, match=r"^usd_yield and jpy_yield = "):
        FX.breakeven_depreciation([0.04, 0.05], [0.01, 0.0, 0.02])


@given(st.floats(50.0, 300.0), st.floats(-0.4999, 0.0), st.floats(-0.4999, 0.0), st.floats(1 / 52, 50.0), st.floats(-100, 100))
def test_property_forwards_at_negative_rates(spot, u, j, tau, basis_bp):
    f = FX.forward_rate(spot, u, j, tau, basis_bp)
    assert f == pytest.approx(spot * ((1 + j + basis_bp * 1e-4) / (1 + u)) ** tau, rel=1e-12)
    assert (1 + u) ** tau * f / spot == pytest.approx((1 + j + basis_bp * 1e-4) ** tau, rel=1e-11)   # no arbitrage


# --------------------------------------------------------------------------- filp


def test_programme_coupon_cost_refuses_negative_sizes_and_missing_yields():
    """A negative issue gave negative coupons; a NaN yield was blamed on coupon_rate."""
    with pytest.raises(InputError, match=r"^annual_issue_jpy_tn = -10 is not valid: expected a number in \(0, 1000\]"):
        F.programme_coupon_cost(-10.0, 3, 0.03)
    with pytest.raises(InputError, match=r"^yield_ = nan is not valid"):
        F.programme_coupon_cost(10.0, 3, math.nan)
    with pytest.raises(InputError, match=r"^yield_ and years_issuing = '2 yield\(s\) for 3 issuing years'"):
        F.programme_coupon_cost(10.0, 3, [0.01, 0.02])
    with pytest.raises(InputError, match=r"^shifts_bp = "):
        F.price_sensitivity(30, 0.03, shifts_bp=np.zeros((2, 2)))
    with pytest.raises(InputError, match=r"^minimum_coupon = 0\.02 .*\[0, 0\.005\]"):
        F.issue_cost(10.0, 30, 0.03, minimum_coupon=0.02)
    with pytest.raises(InputError, match=r"^step = 0 "):
        F.coupon_for(0.03, step=0.0)


# --------------------------------------------------------------------------- market and jgbstock


def test_market_months_and_overrides_are_checked():
    """Market.at('2025-13') raised pandas' DateParseError; the constructor took any as_of."""
    with pytest.raises(InputError, match=r"^month = '2025-13' is not valid: expected a month written YYYY-MM"):
        Market.at("2025-13")
    with pytest.raises(TypeError, match="^month must be a month written YYYY-MM"):
        Market.at(None)
    with pytest.raises(TypeError, match="^stand_ins must be True or False"):
        Market.at("2016-07", stand_ins="yes")
    with pytest.raises(InputError, match=r"^basis_bp = -300 "):
        Market.at("2016-07", basis_bp=-300)
    m = Market.latest()
    with pytest.raises(TypeError, match="^sofr must be a number"):
        m.with_(sofr="x")
    with pytest.raises(InputError, match=r"^as_of = 'nonsense' is not valid: expected a month written YYYY-MM"):
        Market("nonsense", m.usd_par, m.jpy_par, 0.01, 0.01, 150.0, 0.0)
    with pytest.raises(TypeError, match="^usd_par must be a pandas Series"):
        Market("2025-10", [0.04, 0.05], m.jpy_par, 0.01, 0.01, 150.0, 0.0)
    with pytest.raises(InputError, match=r"^jpy_par.index = "):
        Market("2025-10", m.usd_par, m.jpy_par.iloc[::-1], 0.01, 0.01, 150.0, 0.0)
    with pytest.raises(InputError, match=r"^spot = -1 "):
        Market("2025-10", m.usd_par, m.jpy_par, 0.01, 0.01, -1.0, 0.0)
    with pytest.raises(InputError, match=r"^years = nan "):
        m.extrapolated("USD", math.nan)


def test_jgbstock_dates_name_date():
    """NaT raised AttributeError ('NaTType' object has no attribute 'normalize')."""
    for bad in (pd.NaT, np.datetime64("NaT")):
        with pytest.raises(InputError, match=r"^date = .*YYYY-MM-DD"):
            J.outstanding(bad)
    assert len(J.outstanding(dt.date(2016, 7, 29))) == len(J.outstanding("2016-07-29"))
    with pytest.raises(InputError, match=r"^month = None "):
        J.negative_stock(None)
