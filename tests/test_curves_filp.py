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

from figures import DISPLAYED_FORMULA

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
    i = F.issue_cost(10.0, 30, 0.03342, coupon=0.03342)   # a coupon equal to the yield: priced at par
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


# --------------------------------------------------------------------------- notebook 03 defects


def _text(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'")


def test_curves_app_opens_on_a_month_with_both_curves_and_takes_a_typed_month():
    """It opened on 2026-02 (no US curve) and reaching 2016-07 took ~115 slider presses."""
    from fundlib import apps
    from fundlib.market import Market

    app = apps.build_curves_app()
    month = app.controls["month"]
    assert month.value == Market.latest().as_of
    assert "JGB (Japan): 10Y" in _text(app.numbers.value) and "US Treasury: 10Y" in _text(app.numbers.value)
    assert not hasattr(month, "min") and "YYYY-MM" in month.placeholder   # a box to type in, not a slider
    assert {"2016-01", "2016-07", "2016-12"} <= set(month.options)       # typing "2016" lists that year
    month.value = "2016-07"
    assert app.message.value == "" and "Month-end 2016-07" in _text(app.numbers.value)
    for bad, says in [("2016-13", "YYYY-MM"), ("July 2016", "YYYY-MM"), ("2016", "YYYY-MM"), ("1999-05", "2000-01..2026-02")]:
        month.value = bad
        assert "Input problem" in app.message.value and says in app.message.value, (bad, app.message.value)
        assert "Month-end 2016-07" in _text(app.numbers.value)   # the last good view stays
    month.value = "2026-02"                                        # JGB only: said, not an error
    assert app.message.value == "" and "US Treasury curve" in _text(app.numbers.value)


MONTHS = [(m, market) for market in ("jgb", "ust") for m in CV.months_with_curve(market, RATES)]


@pytest.mark.parametrize("market", ["jgb", "ust"])
def test_every_drawn_curve_stays_near_its_data_in_every_month(market):
    """Svensson drew 714% at 0.25 years in 2002-12 (531-575% in 2011-08/12, -116% in 2000-05):
    now every method's drawn line, in every month, stays within 1 point of that month's data range
    and inside its tenor range, and every fit's decays are bounded and (Svensson) ordered and apart."""
    bad = []
    for m, mk in MONTHS:
        if mk != market:
            continue
        c = CV.curve_on(m, market, RATES)
        g = CV.drawn_tenors(c)
        assert g.min() == c.index.min() and g.max() == c.index.max()
        lo, hi = CV.decay_bounds(c.index)
        for method in ("pchip", "nelson_siegel", "svensson"):
            f = CV.curve_function(c, method)
            v = np.asarray(f(g))
            if v.min() < c.min() - 0.01 or v.max() > c.max() + 0.01:
                bad.append((str(m), method, round(v.min(), 4), round(v.max(), 4)))
            if method != "pchip":
                assert all(lo - 1e-9 <= lam <= hi + 1e-9 for lam in f.lam), (m, method, f.lam)
            if method == "svensson":
                assert f.lam[1] >= CV.DECAY_RATIO * f.lam[0] * (1 - 1e-9), (m, f.lam)
    assert bad == []


@pytest.mark.parametrize("month,market", [("2002-12", "jgb"), ("2011-08", "jgb"), ("2011-12", "jgb"), ("2000-05", "jgb"),
                                          ("2020-03", "jgb"), ("2026-02", "jgb"), ("2002-01", "ust")])
def test_the_app_draws_the_worst_months_sensibly(month, market):
    """The app's own lines (chart data) in the months a reader met: no point beyond the data's
    tenors, none more than 1 point outside the data's yields."""
    from fundlib.apps.rates import render_curves

    for method in ("nelson_siegel", "svensson"):
        chart = render_curves(month, method).charts["curves"]
        lines = chart.layer[0].data
        c = CV.curve_on(month, market, RATES)
        mine = lines[lines["market"] == CV.MARKET_LABELS[market]]
        assert mine["tenor_years"].min() >= c.index.min() and mine["tenor_years"].max() <= c.index.max()
        assert c.min() - 0.01 <= mine["yield"].min() and mine["yield"].max() <= c.max() + 0.01, (method, mine["yield"].agg(["min", "max"]))


def test_svensson_decays_do_not_collapse_and_nelson_siegel_leaves_its_clip():
    """2020-03: the polish let λ2 collapse onto λ1 (betas ∓3e4 to ∓2e7); 2026-02: Nelson–Siegel sat
    on its λ = 100 clip and went to −1% at 100 years."""
    model, _ = CV.fit_nelson_siegel(CV.curve_on("2020-03", "jgb", RATES), svensson=True)
    assert model.lam[1] >= 2 * model.lam[0] and max(abs(b) for b in model.beta) < 1.0
    c = CV.curve_on("2026-02", "jgb", RATES)
    ns, _ = CV.fit_nelson_siegel(c)
    assert ns.lam[0] < c.index.max() / CV.HUMP_AT
    assert 0 < ns(100.0) < 0.06


def test_hedging_chart_follows_every_slider():
    """The chart ignored the USD-yield slider (and the FILP one)."""
    import json

    from fundlib import apps

    app = apps.build_hedging_app()
    moves = {"usd_yield_pct": 6.0, "sofr_pct": 5.0, "tona_pct": 1.0, "basis_bp": -50.0, "hedge_months": 6.0, "filp_pct": 2.0}
    for key, value in moves.items():
        before = json.dumps(app.last_view.charts["hedge"].to_dict(validate=False), sort_keys=True, default=str)
        app.controls[key].value = value
        assert app.message.value == ""
        after = json.dumps(app.last_view.charts["hedge"].to_dict(validate=False), sort_keys=True, default=str)
        assert after != before, f"moving {key} left the chart unchanged"


def test_filp_coupon_has_a_minimum_and_low_yields_sell_above_par():
    """A negative yield gave a negative coupon (¥−0.014tn a year for the 10-year in 2016-08)."""
    from fundlib import assumptions as A
    from fundlib import bonds

    a = A.get("jgb_min_coupon")
    assert a.value == pytest.approx(0.001) and "https://www.mof.go.jp" in a.source
    y = float(CV.interpolate(CV.curve_on("2016-08", "jgb", RATES), 10.0))
    assert y < 0
    i = F.issue_cost(23.1, 10, y)
    assert i.coupon == pytest.approx(0.001) and i.at_minimum_coupon
    assert i.annual_coupon_jpy_tn > 0 and i.price_per_100 > 100
    assert bonds.bond_yield(i.price_per_100, i.coupon, 10) == pytest.approx(y, abs=1e-10)   # the issuer's cost is still the yield
    assert i.annual_yield_cost_jpy_tn == pytest.approx(23.1 * y) and i.face_jpy_tn < 23.1
    # above the minimum: the yield rounded to the 0.1% step, priced near par
    assert F.coupon_for([0.03068, 0.03342, 0.0016, 0.0004, -0.003]) == pytest.approx([0.031, 0.033, 0.002, 0.001, 0.001])
    j = F.issue_cost(23.1, 30, 0.03068)
    assert j.coupon == pytest.approx(0.031) and not j.at_minimum_coupon and 100 < j.price_per_100 < 101
    p = F.programme_coupon_cost(7.7, 3, [-0.002, 0.0, 0.03], tenor=10)
    assert (p["coupon_cost_jpy_tn"] >= 0).all()


def test_funding_app_shows_coupon_and_price_and_labels_the_extrapolated_40_year():
    from fundlib import apps

    app = apps.build_funding_app()
    app.controls["month"].value = "2016-08"
    app.controls["tenor"].value = 10
    text = _text(app.numbers.value)
    assert "Coupon" in text and "0.1% (the 0.1% minimum" in text and "(above par)" in text
    app.controls["month"].value = "2005-06"          # before the first 40-year JGB (2007-11)
    app.controls["tenor"].value = 40
    text = _text(app.numbers.value)
    assert "EXTRAPOLATED: the 30-year yield held flat" in text and "JGB 40Y" not in text
    app.controls["month"].value = "2008-06"
    assert "JGB 40Y, month-end 2008-06" in _text(app.numbers.value)


# --------------------------------------------------------------------------- daily JGB yields

@pytest.fixture(scope="module")
def daily():
    return CV.load_jgb_daily()


def test_daily_table_agrees_with_the_month_ends(daily):
    DAILY = daily
    me = DAILY.groupby(DAILY.index.to_period("M")).last()
    cols = list(CV.MARKETS["jgb"])
    both = me.index.intersection(RATES.index)
    assert len(both) >= 140 and str(DAILY.index[0].date()) <= "2014-01-31"
    np.testing.assert_allclose(me.loc[both, cols].to_numpy(float), RATES.loc[both, cols].to_numpy(float), atol=1e-12)


def test_daily_loader_checks_its_schema(tmp_path):
    from fundlib.data import DataError, data_dir

    lines = (data_dir() / "jgb_daily.csv").read_text().splitlines()
    for i, (row, says) in enumerate([(lines[2].replace(lines[2][:10], "2014-13-07"), "row 3: date"),
                                     (lines[3] + "\n" + lines[2], "row 4: date"),
                                     (lines[2].replace(",", ",x", 1), "row 3: 'jgb_1y_pct'")]):
        p = tmp_path / f"d{i}.csv"
        p.write_text("\n".join([lines[0], lines[1], row]) + "\n")
        with pytest.raises(DataError, match=says):
            CV.load_jgb_daily(p)


def test_daily_table_is_the_mof_file(tmp_path):
    """Re-derive it from the MoF file when ../shared is there (a user's clone has no ../shared)."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "build_jgb_daily.py"
    spec = importlib.util.spec_from_file_location("build_jgb_daily", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if not mod.DEFAULT_RAW.exists():
        pytest.skip("no ../shared/data/raw/jgb_mof/jgbcm_all.csv here")
    out = tmp_path / "jgb_daily.csv"
    assert mod.main(["build", str(mod.DEFAULT_RAW), str(out)]) == 0
    assert out.read_bytes() == (script.parent.parent / "data" / "jgb_daily.csv").read_bytes()


def test_negative_yields_reached_18_8_years_and_ended_in_february_2024(daily):
    """Notebook 03 said "15 years or less": the daily data say 18.8 years (2016-07-06)."""
    DAILY = daily
    reach = CV.daily_negative_reach(DAILY)
    assert str(reach.idxmax().date()) == "2016-07-06" and reach.max() == pytest.approx(18.777, abs=1e-3)
    assert DAILY.loc["2016-07-06", "jgb_15y"] == pytest.approx(-0.00145) and DAILY.loc["2016-07-06", "jgb_20y"] > 0
    month_end = {m: CV.negative_reach(CV.curve_on(m, "jgb", RATES)) for m in ("2016-06", "2019-08")}
    assert month_end == pytest.approx({"2016-06": 17.595, "2019-08": 17.898}, abs=1e-3)
    assert month_end["2016-06"] == pytest.approx(reach["2016-06"].iloc[-1])   # the month-end is the month's last day
    day, negative = CV.last_negative_day(DAILY)
    assert str(day.date()) == "2024-02-14" and list(negative.index) == [1.0]
    assert CV.negative_reach(pd.Series([0.001, 0.002], index=[1.0, 2.0])) == 0.0
    assert CV.negative_reach(pd.Series([-0.002, -0.001], index=[1.0, 2.0])) == 2.0


def test_notebook_03_no_longer_claims_15_years_or_less():
    from pathlib import Path

    import nbformat

    nb = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks" / "03_filp_vs_jgb.ipynb", as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "15 years or less" not in " ".join(prose.split()) and "18.8 years" in prose and "2024-02-14" in prose
    assert "extrapolat" in prose
    # JupyterLab typesets the text between two $ signs of one cell as LaTeX, escaped or not: only a
    # displayed formula ($$ on its own line, LaTeX, $$) may hold them
    assert [c.source[:40] for c in nb.cells
            if c.cell_type == "markdown" and DISPLAYED_FORMULA.sub("", c.source).count("$") > 1] == []
