"""Notebook 03: the rates apps — JGB and UST curves by month, FILP funding cost, hedging yen into
dollars, and currency risk on an unhedged stake.
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import charts as C
from fundlib import curves as CV
from fundlib import filp as F
from fundlib import fx as FX
from fundlib._validate import InputError
from fundlib.apps.display import record_run, table_html, usd_bn
from fundlib.apps.live import LiveApp, View, pct_slider, slider
from fundlib.charts.theme import jpy_tn, signed
from fundlib.market import Market


_CURVE_METHODS = {"monotone (PCHIP)": "pchip", "Nelson–Siegel": "nelson_siegel", "Nelson–Siegel–Svensson": "svensson"}


def render_curves(month: str, method: str) -> View:
    """JGB and UST curves on one month-end, interpolated or fitted, with the fit error.

    Lines are drawn only between each curve's shortest and longest tenor: beyond the data a line
    would be the method's guess, not the market."""
    table = _rates_table()
    ok = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(month))
    if not ok or not 1 <= int(ok[2]) <= 12:
        raise InputError("month", month, "a month-end written YYYY-MM, e.g. 2016-07")
    m = pd.Period(year=int(ok[1]), month=int(ok[2]), freq="M")
    jgb = CV.months_with_curve("jgb", table)
    pts, lines, rows = [], [], []
    for market in ("jgb", "ust"):
        label = CV.MARKET_LABELS[market]
        if m not in CV.months_with_curve(market, table):
            rows.append((f"{label} curve", "not in the data for this month"))
            continue
        c = CV.curve_on(m, market, table)
        g = CV.drawn_tenors(c)
        f = CV.curve_function(c, method)  # fitted once, used for the line, the errors and the read-outs
        pts.append(pd.DataFrame({"market": label, "tenor_years": c.index, "yield": c.to_numpy()}))
        lines.append(pd.DataFrame({"market": label, "tenor_years": g, "yield": f(g)}))
        err = (f(c.index.to_numpy()) - c.to_numpy()) * 1e4
        beyond = [f"{k:g}Y" for k in (10.0, 30.0) if CV.tenor_note(c, k).startswith("extrapolated")]
        rows.append((f"{label}: 10Y / 30Y", f"{float(f(10.0)):.2%} / {float(f(30.0)):.2%}"
                     + (f" ({', '.join(beyond)} beyond the data: held flat)" if beyond else "")))
        rows.append((f"{label}: data tenors", f"{c.index.min():g} to {c.index.max():g} years ({c.size} points)"))
        if method != "pchip":
            rows.append((f"{label}: fit error, RMS / max", f"{np.sqrt(np.mean(err ** 2)):.1f} bp / {np.max(np.abs(err)):.1f} bp"))
    if not pts:
        raise InputError("month", str(m), f"a month in {jgb[0]}..{jgb[-1]} (JGB data; US Treasury data end "
                                          f"{CV.months_with_curve('ust', table)[-1]})")
    return View(table_html(rows, f"Month-end {m}"),
                {"curves": C.curves_chart(pd.concat(pts), pd.concat(lines), f"Government bond yield curves, {m}")})


def _fund_irr() -> float:
    from fundlib import chain as CH
    from fundlib.finance import irr

    return float(irr(CH.run().equity_flows()[0]))


def _rates_table() -> pd.DataFrame:
    from fundlib.data import load_rates_monthly  # cached by fundlib.data; each call gets its own copy

    return load_rates_monthly()


def build_curves_app() -> LiveApp:
    table = _rates_table()
    jgb, ust = CV.months_with_curve("jgb", table), CV.months_with_curve("ust", table)
    both = jgb.intersection(ust)
    default = Market.latest().as_of
    start = default if pd.Period(default, "M") in both else str(both[-1])
    controls = {
        # Type a month (2016-07) or pick one: typing the year (2016) lists that year's twelve month-ends.
        "month": widgets.Combobox(options=[str(m) for m in jgb], value=start, ensure_option=False,
                                  placeholder="YYYY-MM, e.g. 2016-07", description="Month-end (type YYYY-MM)",
                                  continuous_update=False, style={"description_width": "210px"},
                                  layout=widgets.Layout(width="520px")),
        "method": widgets.ToggleButtons(options=list(_CURVE_METHODS.items()), value="pchip", description="Curve between the dots",
                                        style={"description_width": "210px", "button_width": "170px"}),
    }
    return LiveApp("The JGB and US Treasury curves, month by month", controls, render_curves,
                   intro=f"Type a month-end such as 2016-07 (or type 2016 and pick from the list), then press Enter. "
                         f"Both curves: {both[0]} to {both[-1]}; JGB alone to {jgb[-1]}. Opens on {start}, the month "
                         f"every notebook prices off. Lines stop at each curve's shortest and longest maturity.")


def render_funding(issue_jpy_tn: float, tenor: int, month: str, override: bool, yield_pct: float) -> View:
    """Issue size, tenor and the month's JGB yield (or an override) → coupon, issue price, cost, DV01, price sensitivity."""
    if override:
        y = yield_pct / 100
        src = "your override"
    else:
        c = CV.curve_on(month, "jgb", _rates_table())
        y = float(CV.interpolate(c, float(tenor), "pchip"))
        note = CV.tenor_note(c, float(tenor))
        note = note.replace("extrapolated", "EXTRAPOLATED", 1)  # a guess, not a market yield: say so loudly
        src = f"JGB {tenor}Y, month-end {month}" if note == "data" else f"month-end {month}, {note}"
    issue = F.issue_cost(issue_jpy_tn, int(tenor), y)
    fx = Market.current().usdjpy
    low = A.value("jgb_min_coupon")
    if issue.at_minimum_coupon:
        how = f"the {low:.1%} minimum: the yield is at or below it, so the bond is sold above par"
    else:
        how = f"the yield rounded to {F.COUPON_STEP:.1%}"
    rows = [
        ("Yield (the issuer's cost)", f"{y:.3%} ({src})"),
        ("Coupon", f"{issue.coupon:.1%} ({how})"),
        ("Issue price per ¥100 of face", f"¥{issue.price_per_100:,.3f} ({'above' if issue.price_per_100 > 100.0005 else 'below' if issue.price_per_100 < 99.9995 else 'at'} par)"),
        ("Face amount sold (repaid at maturity)", f"¥{issue.face_jpy_tn:,.2f}tn"),
        ("Coupon cash a year", f"¥{issue.annual_coupon_jpy_tn:,.3f}tn ≈ {usd_bn(issue.annual_coupon_jpy_tn * 1000 / fx)}"),
        ("Cost a year at the yield (coupons net of the premium or discount)", f"¥{issue.annual_yield_cost_jpy_tn:,.3f}tn"),
        ("Coupons over the bond's life", f"¥{issue.total_coupons_jpy_tn:,.2f}tn"),
        ("Modified duration", f"{issue.modified_duration:.1f} years"),
        ("DV01 of the issue (value per 1 bp)", f"¥{issue.dv01_jpy_bn:,.1f}bn"),
        ("Market value if yields rise 100 bp", jpy_tn(issue.value_change_up100_jpy_tn, 2, plus=True)),
        ("Market value if yields fall 100 bp", jpy_tn(issue.value_change_down100_jpy_tn, 2, plus=True)),
    ]
    return View(table_html(rows, f"Issuing ¥{issue_jpy_tn:,.1f}tn of {tenor}-year FILP bonds"),
                {"price": C.price_sensitivity_chart(F.price_sensitivity(int(tenor), y, issue.coupon),
                                                    f"{tenor}-year FILP bond ({issue.coupon:.1%} coupon): price against yield")})


def default_issue_jpy_tn() -> float:
    """Japan's share of the equity in ¥tn at the market snapshot's USD/JPY (notebook 03's issue, 23.1075):
    the register's ``filp_issue_jpy_tn`` is the same number rounded to 23.1."""
    japan = A.value("equity_usd_bn") * (1 - A.value("us_treasury_share") - A.value("other_lp_share"))
    return japan * Market.current().usdjpy / 1000


def build_funding_app() -> LiveApp:
    months = [str(m) for m in CV.months_with_curve("jgb", _rates_table())]
    controls = {
        # starts at the issue notebook 03 prices: Japan's half of the equity at the market's USD/JPY, unrounded
        "issue_jpy_tn": slider("filp_issue_jpy_tn", "Issue size (¥tn)", step=0.5, fmt=".1f", value=default_issue_jpy_tn()),
        "tenor": widgets.SelectionSlider(options=[10, 15, 20, 25, 30, 40], value=int(A.value("filp_tenor_years")),
                                         description="Tenor (years)", continuous_update=False,
                                         style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
        "month": widgets.SelectionSlider(options=months, value=Market.current().as_of if Market.current().as_of in months
                                         else months[-1], description="Yield from month-end",
                                         continuous_update=False, style={"description_width": "210px"},
                                         layout=widgets.Layout(width="520px")),
        "override": widgets.Checkbox(value=False, description="Override the yield", indent=False),
        "yield_pct": widgets.FloatSlider(value=round(Market.current().par_yield("JPY", 30.0) * 100, 2), min=-0.5, max=6.0, step=0.05,
                                         description="Yield override (%)", readout_format=".2f", continuous_update=False,
                                         style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
    }
    controls["yield_pct"].disabled = True   # until the override is ticked

    def _override(app, key):
        app.controls["yield_pct"].disabled = not app.controls["override"].value

    return LiveApp("What Japan's FILP money costs", controls, render_funding, couple=_override,
                   intro=f"Default size: Japan's $150bn half of the equity at ¥{Market.current().usdjpy:,.2f} per dollar "
                         f"(month-end {Market.current().as_of}, the market every notebook uses).")


def render_hedging(usd_yield_pct: float, sofr_pct: float, tona_pct: float, basis_bp: float, hedge_months: float,
                   filp_pct: float) -> View:
    """USD asset yield, short rates, basis and hedge tenor → hedged vs unhedged yen pickup over the FILP cost."""
    y, u, j, f = usd_yield_pct / 100, sofr_pct / 100, tona_pct / 100, filp_pct / 100
    tau = hedge_months / 12
    cost = FX.hedge_cost(u, j, basis_bp, tau)
    hedged = FX.hedged_yield(y, u, j, basis_bp, tau)
    be = FX.breakeven_depreciation(y, f)
    rows = [
        ("USD asset yield", f"{y:.2%}"),
        ("A life insurer's carry: rolled hedge cost ≈ SOFR − TONA − basis", f"{cost:.2%} a year"),
        ("Yield in yen with that rolled hedge", f"{hedged:.2%}"),
        ("FILP funding cost (JGB of the same maturity)", f"{f:.2%}"),
        ("Pickup over FILP, with the rolled hedge", signed((hedged - f) * 1e4, "+,.0f") + " bp"),
        ("Pickup over FILP, unhedged (if USD/JPY is flat)", signed((y - f) * 1e4, "+,.0f") + " bp"),
        ("Yearly yen appreciation that wipes out the unhedged pickup", f"{be:.2%}"),
    ]
    hist = FX.hedge_cost_history(_rates_table(), basis_bp, tau)
    hist["hedged_yield"] = FX.hedged_yield(y, hist["sofr"].to_numpy(), hist["tona"].to_numpy(), basis_bp, tau)
    return View(table_html(rows, "Yen into dollars: a life insurer's rolled hedge, or none"),
                {"hedge": C.hedge_history_chart(hist, cost, "A dollar asset with a rolled hedge into yen, against the FILP cost",
                                                usd_yield=y, filp=f)})


def build_hedging_app() -> LiveApp:
    controls = {
        "usd_yield_pct": pct_slider("ust_30y", "USD asset yield (%)", 0.05, ".2f"),
        "sofr_pct": pct_slider("sofr", "SOFR (%)", 0.05, ".2f"),
        "tona_pct": pct_slider("tona", "TONA (%)", 0.05, ".2f"),
        "basis_bp": slider("usdjpy_basis_bp", "Cross-currency basis (bp)", step=1, fmt=".0f"),
        "hedge_months": slider("hedge_tenor_months", "Hedge tenor (months)", step=1, fmt=".0f"),
        "filp_pct": pct_slider("jgb_30y", "FILP cost: JGB 30Y (%)", 0.05, ".2f"),
    }
    return LiveApp("Does a dollar asset pay for yen funding?", controls, render_hedging,
                   intro="A life insurer's annual carry: a short hedge rolled at each period's short rates. The suite's "
                         "\"hedged\" locks a forward for each cash flow's date instead (section 5's checked cell, notebooks 04, 05, 07). "
                         f"Default USD asset: the 30-year Treasury; try the fund's equity IRR ({_fund_irr():.1%}, notebooks 01, 02 and 06). "
                         f"Market numbers of month-end {Market.current().as_of}.")


def render_fx_risk(volatility_pct: float, horizon_years: float, usd_return_pct: float, filp_pct: float,
                   paths: int, seed: int) -> View:
    """USD/JPY volatility, horizon and paths → distribution of the unhedged yen return against the FILP coupon."""
    vol, H, y, f = volatility_pct / 100, float(horizon_years), usd_return_pct / 100, filp_pct / 100
    spot = Market.current().usdjpy
    end = FX.simulate_usdjpy(spot, vol, H, int(paths), int(seed), steps_per_year=1)[:, -1]
    yen = FX.unhedged_yen_return(y, spot, end, H)
    rows = [
        ("Start: USD/JPY", f"¥{spot:,.2f}"),
        ("USD/JPY after the horizon, 5th / 50th / 95th percentile",
         " / ".join(f"¥{q:,.0f}" for q in np.quantile(end, [0.05, 0.5, 0.95]))),
        ("Yen return a year, median", f"{np.median(yen):.2%}"),
        ("P(yen return below the FILP coupon)", f"{np.mean(yen < f):.1%}"),
        ("P(yen loss over the horizon)", f"{np.mean(yen < 0):.1%}"),
    ]
    from fundlib.export import Run      # the export package loads on first use, not with the notebook

    record_run(Run(f"USD/JPY and the unhedged yen return over {H:.0f} years", int(seed), int(paths),
                   [("USD/JPY volatility", volatility_pct, "% a year"), ("Horizon", H, "years"),
                    ("Dollar return on the stake", usd_return_pct, "% a year"), ("FILP coupon", filp_pct, "% a year"),
                    ("USD/JPY at the start", spot, "¥ per $")],
                   pd.DataFrame({"USD/JPY at the horizon (¥ per $)": end, "yen return a year (%)": yen * 100})))
    return View(table_html(rows, f"Unhedged over {H:.0f} years, {int(paths):,} paths, seed {int(seed)}"),
                {"hist": C.return_histogram(yen, title="Yen return on the dollar stake, unhedged",
                                            label="Annualized return in yen (%)", markers={"FILP coupon": f})})


def build_fx_risk_app() -> LiveApp:
    controls = {
        "volatility_pct": pct_slider("usdjpy_volatility", "USD/JPY volatility (% a year)", 0.5, ".1f"),
        "horizon_years": widgets.IntSlider(value=10, min=1, max=30, description="Horizon (years)", continuous_update=False,
                                           style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
        "usd_return_pct": pct_slider("asset_return", "Dollar return on the stake (%)", 0.25, ".2f"),
        "filp_pct": pct_slider("jgb_30y", "FILP coupon (%)", 0.05, ".2f"),
        "paths": widgets.IntSlider(value=20_000, min=1_000, max=200_000, step=1_000, description="Paths",
                                   continuous_update=False, style={"description_width": "210px"},
                                   layout=widgets.Layout(width="520px")),
        "seed": widgets.IntText(value=2025, description="Seed", style={"description_width": "210px"}),
    }
    return LiveApp("Currency risk on an unhedged stake", controls, render_fx_risk,
                   intro="USD/JPY follows a random walk with no drift in its expected level (its median falls by half the variance a year), with the volatility you set (estimated from 2000–2026 data by default).")
