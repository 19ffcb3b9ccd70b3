"""Charts of rates: the rates history, yield curves, the JGB heat map, bond price sensitivity, hedge cost.
Used by notebooks 00 and 03 (curves, FILP funding and hedging apps).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from fundlib.charts.theme import GREY, SERIES_COLORS, series_color

_RATE_LABELS = {
    "jgb_30y": "JGB 30Y (FILP cost)",
    "ust_30y": "US Treasury 30Y",
    "sofr": "SOFR (USD overnight)",
    "tona": "TONA (JPY overnight)",
}


def rates_history_chart(rates: pd.DataFrame, columns=("jgb_30y", "ust_30y", "sofr", "tona"),
                        title: str = "Funding rates since 2000") -> alt.VConcatChart:
    """Month-end rates (decimals) as lines, with an overview strip whose interval brush zooms the main view.

    Drag on the lower strip to choose a period; double-click it to reset.
    """
    df = rates[list(columns)].copy()
    df.index = df.index.to_timestamp(how="end").normalize() if hasattr(df.index, "to_timestamp") else df.index
    long = (df.rename_axis("month").reset_index()
            .melt(id_vars="month", var_name="series", value_name="rate").dropna())
    long["series"] = long["series"].map(lambda c: _RATE_LABELS.get(c, c))
    domain = [_RATE_LABELS.get(c, c) for c in columns]
    brush = alt.selection_interval(encodings=["x"], name="period")
    color = alt.Color("series:N", title="Series", sort=domain,
                      scale=alt.Scale(domain=domain, range=[(series_color(d) or (None, GREY))[1] for d in domain]))
    upper = alt.Chart(long, title=alt.Title(title, subtitle=["Month-end yields; SOFR and TONA are monthly averages of daily fixings (SOFR from 2018-04, TONA 2021-08).", "UST 30Y for 2002-03..2006-01 are Treasury estimates (no 30Y bond was issued then).", "Drag across the lower strip to zoom; double-click it to reset."])).mark_line().encode(
        x=alt.X("month:T", title="Month", scale=alt.Scale(domain={"param": "period", "encoding": "x"}),
                axis=alt.Axis(format="%b %Y", labelOverlap=True)),   # a zoomed view keeps its years
        y=alt.Y("rate:Q", title="Yield or rate (% a year)", axis=alt.Axis(format=".1%")),
        color=color,
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("month:T", title="Month", format="%b %Y"),
                 alt.Tooltip("rate:Q", title="Rate", format=".2%")],
    ).properties(width=620, height=280)
    lower = alt.Chart(long).mark_line(strokeWidth=1).encode(
        x=alt.X("month:T", title="Drag here to choose a period"),
        y=alt.Y("rate:Q", title="%", axis=alt.Axis(format=".0%", tickCount=3)),
        color=color,
    ).add_params(brush).properties(width=620, height=70)
    return alt.vconcat(upper, lower).resolve_scale(color="shared")


MARKET_COLORS = {"JGB (Japan)": SERIES_COLORS["JGB"], "US Treasury": SERIES_COLORS["UST"]}


def curves_chart(points: pd.DataFrame, lines: pd.DataFrame, title: str) -> alt.LayerChart:
    """Yield curves: observed yields as points, the interpolated/fitted curve as a line, per market.

    ``points``/``lines``: market, tenor_years, yield (decimal)."""
    domain = [m for m in MARKET_COLORS if m in set(points["market"])]
    color = alt.Color("market:N", title=None, scale=alt.Scale(domain=domain, range=[MARKET_COLORS[m] for m in domain]))
    x = alt.X("tenor_years:Q", title="Maturity (years)", scale=alt.Scale(domain=[0, 40]))
    y = alt.Y("yield:Q", title="Yield (% a year)", axis=alt.Axis(format=".1%"))
    line = alt.Chart(lines).mark_line().encode(x=x, y=y, color=color)
    dots = alt.Chart(points).mark_point(filled=True, size=60).encode(
        x=x, y=y, color=color,
        tooltip=[alt.Tooltip("market:N"), alt.Tooltip("tenor_years:Q", title="Years"), alt.Tooltip("yield:Q", title="Yield", format=".3%")])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#444", strokeDash=[4, 3]).encode(y="y:Q")
    return alt.layer(line, dots, zero, title=alt.Title(title, subtitle=["Dots: month-end data. Lines: the chosen interpolation or fit, drawn only between each curve's",
                                                                 "shortest and longest maturity in the data (no extrapolation)."])).properties(width=520, height=300)


def yield_heatmap(long: pd.DataFrame, title: str = "JGB yields by maturity, quarter-ends since 2000") -> alt.Chart:
    """Quarter × maturity heat map of JGB yields; below zero in orange, above in blue.

    ``long``: quarter (timestamp), tenor_years, yield (decimal)."""
    tenors = sorted(long["tenor_years"].unique())
    long = long.assign(quarter_end=long["quarter"] + pd.DateOffset(months=3))
    return alt.Chart(long, title=alt.Title(title, subtitle="Orange cells: negative yields. Blank: maturity not in the data then.")).mark_rect().encode(
        x=alt.X("quarter:T", title="Quarter", axis=alt.Axis(format="%Y", labelOverlap=True, labelAngle=0, labelFlush=False, values=[
            alt.DateTime(year=y, month=1, date=1) for y in range(int(long["quarter"].dt.year.min()) // 2 * 2,
                                                                 int(long["quarter"].dt.year.max()) + 1, 2)])),
        x2="quarter_end:T",
        y=alt.Y("tenor_years:O", title="Maturity (years)", sort=tenors[::-1]),
        color=alt.Color("yield:Q", title="Yield", scale=alt.Scale(scheme="blueorange", domainMid=0, reverse=True),
                        legend=alt.Legend(format=".1%", orient="right", direction="vertical")),
        tooltip=[alt.Tooltip("quarter:T", title="Quarter", format="%Y Q%q"), alt.Tooltip("tenor_years:O", title="Years"),
                 alt.Tooltip("yield:Q", title="Yield", format=".3%")],
    ).properties(width=620, height=260)


def price_sensitivity_chart(df: pd.DataFrame, title: str) -> alt.LayerChart:
    """Bond price per 100 face against a parallel yield shift (bp), with the duration (straight-line) estimate."""
    long = df.melt(id_vars="shift_bp", value_vars=["price", "duration_estimate"], var_name="what", value_name="price_per_100")
    long["what"] = long["what"].map({"price": "Actual price", "duration_estimate": "Duration estimate (straight line)"})
    dom = ["Actual price", "Duration estimate (straight line)"]
    return alt.Chart(long, title=alt.Title(title, subtitle="The gap between the lines is convexity.")).mark_line().encode(
        x=alt.X("shift_bp:Q", title="Change in yield (bp)"),
        y=alt.Y("price_per_100:Q", title="Price (per 100 of face value)", scale=alt.Scale(zero=False)),
        color=alt.Color("what:N", title=None, sort=dom, scale=alt.Scale(domain=dom, range=["#D55E00", "#8C8C8C"])),
        strokeDash=alt.StrokeDash("what:N", title=None, sort=dom, scale=alt.Scale(domain=dom, range=[[1, 0], [5, 4]])),
        tooltip=[alt.Tooltip("shift_bp:Q", title="Shift bp"), alt.Tooltip("what:N"), alt.Tooltip("price_per_100:Q", title="Price", format=".2f")],
    ).properties(width=440, height=260)


def hedge_history_chart(df: pd.DataFrame, current: float, title: str = "What hedging dollars into yen has cost", *,
                        usd_yield: float | None = None, filp: float | None = None) -> alt.LayerChart:
    """Monthly SOFR, TONA and the annualized 3-month hedge cost (decimals), with the current setting as a rule.

    With ``usd_yield`` and a ``hedged_yield`` column in ``df`` (the asset's yen return each month
    after that month's hedge cost), that line is drawn too; ``filp`` adds the FILP cost as a rule,
    so the chart answers the app's question month by month: did the hedged asset beat FILP?"""
    long = df.rename_axis("month").reset_index()
    long["month"] = long["month"].dt.to_timestamp(how="end").dt.normalize() if hasattr(long["month"], "dt") else long["month"]
    names = {"sofr": "SOFR (USD overnight)", "tona": "TONA (JPY overnight)", "hedge_cost": "Hedge cost (incl. basis)"}
    colors = [SERIES_COLORS["SOFR"], SERIES_COLORS["TONA"], SERIES_COLORS["Hedge cost"]]
    if usd_yield is not None and "hedged_yield" in df:
        names["hedged_yield"] = f"USD asset at {usd_yield:.2%}, hedged into yen"
        colors.append(SERIES_COLORS["UST"])   # the dollar asset (a US Treasury by default)
    long = long.melt(id_vars="month", value_vars=list(names), var_name="series", value_name="rate")
    long["series"] = long["series"].map(names)
    dom = list(names.values())
    lines = alt.Chart(long).mark_line().encode(
        x=alt.X("month:T", title="Month-end", axis=alt.Axis(format="%b %Y", tickCount=6)),
        y=alt.Y("rate:Q", title="% a year", axis=alt.Axis(format=".1%")),
        color=alt.Color("series:N", title=None, sort=dom, scale=alt.Scale(domain=dom, range=colors)),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("rate:Q", format=".2%")],
    )
    marks = pd.DataFrame({"y": [current], "label": ["Hedge cost, your setting"], "color": [SERIES_COLORS["Hedge cost"]]})
    if filp is not None:
        marks = pd.concat([marks, pd.DataFrame({"y": [filp], "label": ["FILP cost, your setting"], "color": [SERIES_COLORS["FILP"]]})])
    rule = alt.Chart(marks).mark_rule(strokeDash=[6, 3]).encode(
        y="y:Q", color=alt.Color("color:N", scale=None),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("y:Q", title="rate", format=".2%")])
    sub = "Monthly since SOFR and TONA are both in the data (2021-08); dashed: your hedge cost" + (" and FILP cost" if filp is not None else "")
    return alt.layer(lines, rule, title=alt.Title(title, subtitle=sub)).properties(width=520, height=260)
