"""Curves (fit and interpolation), FILP funding math, and the FX history/simulation helpers."""

import numpy as np
import pandas as pd
import pytest
import QuantLib as ql
from hypothesis import given
from hypothesis import strategies as st

from fundlib import InputError
from fundlib import curves as CV
from fundlib import filp as F
from fundlib import fx as FX
from fundlib.data import load_rates_monthly

RATES = load_rates_monthly()


def test_curve_on_a_month_and_bad_months():
    c = CV.curve_on("2026-02", "jgb", RATES)
    assert c.loc[30.0] == pytest.approx(0.03342)
    assert list(c.index[:3]) == [1.0, 2.0, 3.0]
    u = CV.curve_on("2025-10", "ust", RATES)
    assert u.loc[0.25] == pytest.approx(0.0389)
    with pytest.raises(InputError, match=r"month = '2026-05' .*2000-01\.\.2026-02"):
        CV.curve_on("2026-05", "jgb", RATES)
    with pytest.raises(InputError, match="YYYY-MM"):
        CV.curve_on("last spring", "jgb", RATES)
    with pytest.raises(InputError, match="market"):
        CV.curve_on("2026-02", "bund", RATES)


@pytest.mark.parametrize("month,market", [("2026-02", "jgb"), ("2016-07", "jgb"), ("2025-10", "ust"), ("2007-06", "ust")])
def test_interpolators_reproduce_the_data_points(month, market):
    c = CV.curve_on(month, market, RATES)
    t = c.index.to_numpy()
    np.testing.assert_allclose(CV.interpolate(c, t, "pchip"), c.to_numpy(), atol=1e-15)
    np.testing.assert_allclose(CV.interpolate(c, t, "linear"), c.to_numpy(), atol=1e-15)
    # stated fit error: Nelson–Siegel within 12 bp and Svensson within 6 bp of every point on real curves
    _, res_ns = CV.fit_nelson_siegel(c)
    _, res_nss = CV.fit_nelson_siegel(c, svensson=True)
    assert res_ns.abs().max() < 12e-4
    assert res_nss.abs().max() < 6e-4
    assert (res_nss ** 2).sum() <= (res_ns ** 2).sum() + 1e-15  # more factors never fit worse


def test_nelson_siegel_recovers_known_parameters():
    truth = CV.NelsonSiegel((0.04, -0.02, 0.01), (2.5,))
    t = np.array([0.25, 1, 2, 3, 5, 7, 10, 20, 30.0])
    model, res = CV.fit_nelson_siegel(pd.Series(truth(t), index=t))
    assert res.abs().max() < 1e-8  # a millionth of a basis point
    grid = np.linspace(0.5, 30, 30)
    np.testing.assert_allclose(model(grid), truth(grid), atol=1e-8)
    assert model.lam[0] == pytest.approx(2.5, rel=1e-4)


@given(st.lists(st.integers(-50, 600).map(lambda bp: bp * 1e-4), min_size=4, max_size=12))
def test_property_pchip_stays_within_neighbouring_points(ys):
    t = np.arange(1, len(ys) + 1, dtype=float) * 2.5
    c = pd.Series(np.sort(ys), index=t)  # monotone data -> monotone interpolant
    g = np.linspace(t[0], t[-1], 200)
    v = CV.interpolate(c, g, "pchip")
    assert np.all(np.diff(v) >= -1e-15)
    assert v.min() >= c.min() - 1e-15 and v.max() <= c.max() + 1e-15


def test_negative_yield_table_matches_the_data():
    t = CV.negative_yield_table(RATES)
    assert t.loc[30.0, "months_negative"] == 0 and t.loc[20.0, "months_negative"] == 0
    assert t.loc[10.0, "months_negative"] == int((RATES["jgb_10y"] < 0).sum())
    assert t.loc[10.0, "first_negative"] == "2016-02"
    assert (t["latest"] > 0).all()


def test_filp_issue_at_par_against_quantlib():
    i = F.issue_cost(10.0, 30, 0.03342)
    assert i.price_per_100 == pytest.approx(100.0)
    assert i.annual_coupon_jpy_tn == pytest.approx(0.3342)
    # duration of a 30-year semiannual par bond from QuantLib
    today = ql.Date(2, ql.March, 2026)
    ql.Settings.instance().evaluationDate = today
    sched = ql.Schedule(today, today + ql.Period(30, ql.Years), ql.Period(6, ql.Months), ql.NullCalendar(),
                        ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, False)
    dc = ql.Thirty360(ql.Thirty360.BondBasis)
    bond = ql.FixedRateBond(0, 100.0, sched, [0.03342], dc)
    rate = ql.InterestRate(0.03342, dc, ql.Compounded, ql.Semiannual)
    md = ql.BondFunctions.duration(bond, rate, ql.Duration.Modified, today)
    assert i.modified_duration == pytest.approx(md, rel=1e-9)
    # DV01 of ¥10tn (= 10,000 bn) face at par: 10,000 × MD × 1bp, in ¥bn
    assert i.dv01_jpy_bn == pytest.approx(10_000 * md * 1e-4, rel=1e-9)
    assert i.value_change_up100_jpy_tn < 0 < i.value_change_down100_jpy_tn
    assert abs(i.value_change_down100_jpy_tn) > abs(i.value_change_up100_jpy_tn)  # convexity


def test_price_sensitivity_and_programme():
    df = F.price_sensitivity(30, 0.03, shifts_bp=[-100, 0, 100])
    assert df["price"].iloc[1] == pytest.approx(100.0)
    assert (df["price"] >= df["duration_estimate"] - 1e-12).all()  # convexity: actual above the tangent line
    p = F.programme_coupon_cost(10.0, 5, 0.03, tenor=30)
    assert p["outstanding_jpy_tn"].max() == pytest.approx(50.0)
    assert p.loc[p["year"] == 5, "coupon_cost_jpy_tn"].item() == pytest.approx(1.5)
    assert p.loc[p["year"] == 35, "outstanding_jpy_tn"].item() == pytest.approx(0.0)
    assert p["coupon_cost_jpy_tn"].sum() == pytest.approx(10.0 * 0.03 * 30 * 5)


def test_hedge_history_identity_and_volatility():
    h = FX.hedge_cost_history(RATES, basis_bp=-20.0, years=0.25)
    assert str(h.index[0]) == "2021-08"
    np.testing.assert_allclose(h["hedge_cost"], (h["sofr"] - h["tona"] + 0.002) / (1 + h["sofr"] * 0.25))
    vol = FX.usdjpy_volatility(RATES)
    s = np.log(RATES["usdjpy"].dropna().to_numpy())
    assert vol == pytest.approx(np.std(np.diff(s), ddof=1) * np.sqrt(12))
    with pytest.raises(InputError, match="13 months"):
        FX.usdjpy_volatility(RATES, start="2026-01")


def test_usdjpy_simulation_is_seeded_and_lognormal():
    a = FX.simulate_usdjpy(150.0, 0.10, 5.0, 50_000, seed=4)
    b = FX.simulate_usdjpy(150.0, 0.10, 5.0, 50_000, seed=4)
    np.testing.assert_array_equal(a, b)
    logret = np.log(a[:, -1] / 150.0)
    assert logret.std() == pytest.approx(0.10 * np.sqrt(5), rel=0.02)
    assert a[:, -1].mean() == pytest.approx(150.0, rel=0.01)  # driftless in expectation (martingale)
