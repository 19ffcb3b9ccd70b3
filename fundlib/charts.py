"""Altair chart builders: pure functions from tidy DataFrames to chart specs, plus one shared theme.

No state and no widgets here. Every axis title carries its unit; money is formatted as $bn,
rates as % (values are decimals, formatted by Vega), spreads as bp. Colours come from the
Okabe–Ito palette, which stays distinguishable under the common forms of colour-blindness.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

__all__ = [
    "PALETTE",
    "OWNER_COLORS",
    "capital_stack_chart",
    "waterfall_chart",
    "preset_comparison_chart",
    "scale_chart",
    "roe_vs_leverage_chart",
    "debt_schedule_chart",
    "return_histogram",
    "curves_chart",
    "yield_heatmap",
    "price_sensitivity_chart",
    "hedge_history_chart",
    "project_cashflow_chart",
    "tornado_chart",
    "government_pv_chart",
    "cumulative_cash_chart",
    "dscr_paths_chart",
    "stress_losses_chart",
    "rates_history_chart",
    "save",
    "THEME",
]

# Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#56B4E9", "#E69F00", "#CC79A7", "#F0E442", "#000000"]
GREY = "#8C8C8C"

OWNER_COLORS = {
    "Senior guaranteed debt": GREY,
    "Subordinated debt": "#5A5A5A",
    "US Treasury": "#0072B2",
    "Japan MoF": "#D55E00",
    "Other LPs": "#009E73",
    "US retail savers": "#56B4E9",
    "Japanese retail savers": "#E69F00",
}

THEME = "fundlib"
USD_BN = "$,.0f"  # d3 format: $1,234 (the axis title says "$bn")


@alt.theme.register(THEME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    font = "DejaVu Sans, Helvetica, Arial, sans-serif"
    return {
        "config": {
            "font": font,
            "view": {"continuousWidth": 520, "continuousHeight": 300, "stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal",
                     "gridColor": "#e6e6e6", "domainColor": "#888", "tickColor": "#888"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "columns": 3, "labelLimit": 320,
                       "symbolType": "square"},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555"},
            "range": {"category": PALETTE},
            "line": {"strokeWidth": 2},
            "bar": {"stroke": "white", "strokeWidth": 0.5},
        }
    }


def _color_scale(domain) -> alt.Scale:
    return alt.Scale(domain=list(domain), range=[OWNER_COLORS.get(d, GREY) for d in domain])


def capital_stack_chart(stack: pd.DataFrame, title: str = "Capital stack") -> alt.Chart:
    """Stacked bar of the fund's liabilities (debt at the bottom, then each owner's equity), $bn.

    ``stack`` is :func:`fundlib.structure.capital_stack` output.
    """
    df = stack.copy()
    df["order"] = range(len(df))
    df["pct"] = df["share_of_assets"]
    total = float(df["amount_usd_bn"].sum())
    domain = list(df["layer"])
    base = alt.Chart(df, title=alt.Title(title, subtitle=f"Total assets ${total:,.0f}bn")).encode(
        y=alt.Y("amount_usd_bn:Q", title="Amount ($bn)", stack="zero", axis=alt.Axis(format=USD_BN),
                scale=alt.Scale(domainMin=0)),
        order=alt.Order("order:Q", sort="ascending"),
    )
    bars = base.mark_bar(size=110).encode(
        color=alt.Color("layer:N", title="Layer", scale=_color_scale(domain), sort=domain),
        tooltip=[alt.Tooltip("layer:N", title="Layer"),
                 alt.Tooltip("amount_usd_bn:Q", title="$bn", format=",.1f"),
                 alt.Tooltip("pct:Q", title="Share of assets", format=".1%")],
    )
    labels = base.transform_window(
        cum="sum(amount_usd_bn)", sort=[alt.SortField("order")], frame=[None, 0]
    ).transform_calculate(
        mid="datum.cum - datum.amount_usd_bn / 2",
        label="'$' + format(datum.amount_usd_bn, ',.0f') + 'bn'",
    ).transform_filter(alt.datum.amount_usd_bn > 0.06 * total).mark_text(
        color="white", fontWeight="bold", fontSize=12
    ).encode(y=alt.Y("mid:Q"), text="label:N")
    return (bars + labels).properties(width=200, height=320)


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
                      scale=alt.Scale(domain=domain, range=PALETTE[: len(domain)]))
    upper = alt.Chart(long, title=alt.Title(title, subtitle=["Month-end values; SOFR starts 2018-04, TONA 2021-08. UST 30Y for 2002-03..2006-01 are Treasury estimates (no 30Y bond was issued then).", "Drag across the lower strip to zoom; double-click it to reset."])).mark_line().encode(
        x=alt.X("month:T", title="Month-end", scale=alt.Scale(domain={"param": "period", "encoding": "x"})),
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


def save(chart: alt.TopLevelMixin, path: str | Path, scale: float = 2.0) -> Path:
    """Write ``chart`` to PNG, SVG, PDF or self-contained HTML by the file's extension (no network)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".html":
        chart.save(str(path), inline=True)
    elif suffix in (".png", ".svg", ".pdf"):
        chart.save(str(path), scale_factor=scale) if suffix == ".png" else chart.save(str(path))
    else:
        from fundlib import InputError

        raise InputError("path", str(path), "a file name ending .png, .svg, .pdf or .html")
    return path


PAYEE_COLORS = {**OWNER_COLORS, "Fund manager (fees, carry)": "#CC79A7"}


def _payee_scale(domain) -> alt.Scale:
    return alt.Scale(domain=list(domain), range=[PAYEE_COLORS.get(d, GREY) for d in domain])


def waterfall_chart(by_tier: pd.DataFrame, title: str = "Where every dollar paid out goes") -> alt.Chart:
    """Horizontal bars, one per waterfall tier in order, split by who is paid ($bn, summed over the fund's life).

    ``by_tier`` is :meth:`fundlib.structure.WaterfallResult.by_tier` output.
    """
    df = by_tier.copy()
    order = list(dict.fromkeys(df["tier"]))
    payees = [p for p in PAYEE_COLORS if p in set(df["payee"])]
    total = df["amount_usd_bn"].sum()
    return alt.Chart(df, title=alt.Title(title, subtitle=f"Total paid out over the fund's life: ${total:,.0f}bn, tier by tier")).mark_bar().encode(
        y=alt.Y("tier:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("amount_usd_bn:Q", title="Paid out over the fund's life ($bn)", axis=alt.Axis(format=USD_BN)),
        color=alt.Color("payee:N", title="Paid to", scale=_payee_scale(payees), sort=payees),
        order=alt.Order("payee:N"),
        tooltip=[alt.Tooltip("tier:N", title="Tier"), alt.Tooltip("payee:N", title="Paid to"),
                 alt.Tooltip("amount_usd_bn:Q", title="$bn", format=",.1f")],
    ).properties(width=460, height=max(90, 42 * len(order)))


def preset_comparison_chart(df: pd.DataFrame, title: str = "Same fund, different terms: who gains") -> alt.Chart:
    """Grouped bars of each payee's net gain ($bn) under each preset. ``df``: preset, payee, net_gain_usd_bn."""
    payees = [p for p in PAYEE_COLORS if p in set(df["payee"])]
    presets = list(dict.fromkeys(df["preset"]))
    base = alt.Chart(df, title=alt.Title(title, subtitle="Net gain = everything received minus capital paid in, over the fund's life")).encode(
        y=alt.Y("preset:N", sort=presets, title=None, axis=alt.Axis(labelLimit=240)),
        yOffset=alt.YOffset("payee:N", sort=payees),
        x=alt.X("net_gain_usd_bn:Q", title="Net gain over the fund's life ($bn)", axis=alt.Axis(format=USD_BN)),
        color=alt.Color("payee:N", title="Who", scale=_payee_scale(payees), sort=payees),
        tooltip=[alt.Tooltip("preset:N", title="Terms"), alt.Tooltip("payee:N", title="Who"),
                 alt.Tooltip("net_gain_usd_bn:Q", title="Net gain $bn", format=",.1f"),
                 alt.Tooltip("irr:Q", title="IRR", format=".2%")],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#444").encode(x="x:Q")
    return (base.mark_bar() + zero).properties(width=460, height=alt.Step(16))


def scale_chart(df: pd.DataFrame, title: str = "How big is $300bn? The fund beside its comparators") -> alt.Chart:
    """Horizontal bars in $bn, this fund highlighted. ``df``: :func:`fundlib.structure.scale_comparison`."""
    order = list(df.sort_values("usd_bn", ascending=False)["name"])
    bars = alt.Chart(df, title=alt.Title(title, subtitle="USD bn; sources in data/comparators.csv")).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("usd_bn:Q", title="Size ($bn)", axis=alt.Axis(format=USD_BN)),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["this fund", "comparator"], range=["#0072B2", GREY])),
        tooltip=[alt.Tooltip("name:N", title="What"), alt.Tooltip("usd_bn:Q", title="$bn", format=",.0f"),
                 alt.Tooltip("source:N", title="Source")],
    )
    text = bars.mark_text(align="left", dx=4, color="#222").encode(text=alt.Text("usd_bn:Q", format="$,.0f"), color=alt.value("#222"))
    return (bars + text).properties(width=420, height=alt.Step(26))


def roe_vs_leverage_chart(curves: pd.DataFrame, point: dict, title: str = "Equity return against leverage") -> alt.LayerChart:
    """Lines of equity return (decimal) vs leverage, one per asset return; the current setting as a point.

    ``curves``: leverage, equity_return, asset_return_label. ``point``: leverage, equity_return.
    """
    labels = list(dict.fromkeys(curves["asset_return_label"]))
    lines = alt.Chart(curves, title=alt.Title(title, subtitle="Each line: one asset return; debt cost as set. Black dot: your setting.")).mark_line().encode(
        x=alt.X("leverage:Q", title="Leverage (assets ÷ equity, ×)", scale=alt.Scale(domain=[1, float(curves["leverage"].max())])),
        y=alt.Y("equity_return:Q", title="Return on equity (% a year)", axis=alt.Axis(format=".0%")),
        color=alt.Color("asset_return_label:N", title="Asset return", sort=labels),
        tooltip=[alt.Tooltip("asset_return_label:N", title="Asset return"), alt.Tooltip("leverage:Q", title="Leverage", format=".1f"),
                 alt.Tooltip("equity_return:Q", title="Equity return", format=".2%")],
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#444", strokeDash=[4, 3]).encode(y="y:Q")
    dot = alt.Chart(pd.DataFrame([point])).mark_point(size=120, filled=True, color="black").encode(
        x="leverage:Q", y="equity_return:Q",
        tooltip=[alt.Tooltip("leverage:Q", title="Leverage", format=".1f"), alt.Tooltip("equity_return:Q", title="Equity return", format=".2%")])
    return (lines + zero + dot).properties(width=480, height=300)


def debt_schedule_chart(table: pd.DataFrame, title: str = "Debt service against cash flow") -> alt.VConcatChart:
    """Interest and principal (stacked bars) under the CFADS line, and the outstanding balance below ($bn).

    ``table`` is :meth:`fundlib.leverage.DebtSchedule.table` output.
    """
    t = table[table["year"] >= 1]
    bars = t.melt(id_vars="year", value_vars=["interest_usd_bn", "principal_usd_bn"], var_name="part", value_name="usd_bn")
    bars["part"] = bars["part"].map({"interest_usd_bn": "Interest", "principal_usd_bn": "Principal"})
    parts = ["Interest", "Principal"]
    top = alt.Chart(bars, title=alt.Title(title, subtitle="Bars: what the loan takes each year. Line: cash available for debt service (CFADS).")).mark_bar().encode(
        x=alt.X("year:O", title="Year after construction"),
        y=alt.Y("usd_bn:Q", title="$bn a year", axis=alt.Axis(format="$,.1f"), stack="zero"),
        color=alt.Color("part:N", title=None, sort=parts, scale=alt.Scale(domain=parts + ["CFADS"], range=["#E69F00", "#0072B2", "#000000"])),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("part:N"), alt.Tooltip("usd_bn:Q", title="$bn", format=",.2f")],
    )
    line = alt.Chart(t.assign(series="CFADS")).mark_line(point=True, color="black").encode(
        x="year:O", y="cfads_usd_bn:Q",
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("cfads_usd_bn:Q", title="CFADS $bn", format=",.2f"),
                 alt.Tooltip("dscr:Q", title="DSCR", format=".2f")])
    bal = alt.Chart(table).mark_area(color="#8C8C8C", opacity=0.6, interpolate="step-after").encode(
        x=alt.X("year:O", title="Year after construction"),
        y=alt.Y("balance_usd_bn:Q", title="Debt outstanding ($bn)", axis=alt.Axis(format="$,.0f")),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("balance_usd_bn:Q", title="Balance $bn", format=",.1f")],
    ).properties(width=520, height=110)
    return alt.vconcat((top + line).properties(width=520, height=230), bal)


def return_histogram(samples, *, title: str = "One-year equity return: simulated distribution",
                     bins: int = 60, label: str = "Return on equity (% over the year)",
                     markers: dict | None = None) -> alt.LayerChart:
    """Histogram (aggregated before plotting) of simulated returns (decimals), losses in vermilion.

    ``markers`` maps a label to an x value drawn as a dashed rule (e.g. a funding cost)."""
    import numpy as np

    s = np.asarray(samples, float)
    lo, hi = np.quantile(s, [0.001, 0.999])
    counts, edges = np.histogram(np.clip(s, lo, hi), bins=bins, range=(lo, hi))
    df = pd.DataFrame({"x0": edges[:-1], "x1": edges[1:], "share": counts / s.size})
    df["side"] = np.where(df["x1"] <= 0, "loss", np.where(df["x0"] >= 0, "gain", "straddles 0"))
    bars = alt.Chart(df, title=alt.Title(title, subtitle=f"{s.size:,} seeded draws; extremes beyond 0.1%/99.9% clipped into the end bins")).mark_bar().encode(
        x=alt.X("x0:Q", title=label, axis=alt.Axis(format=".0%"), bin="binned"), x2="x1:Q",
        y=alt.Y("share:Q", title="Share of scenarios", axis=alt.Axis(format=".1%")),
        color=alt.Color("side:N", title=None, scale=alt.Scale(domain=["loss", "straddles 0", "gain"], range=["#D55E00", "#E69F00", "#0072B2"])),
        tooltip=[alt.Tooltip("x0:Q", title="from", format=".1%"), alt.Tooltip("x1:Q", title="to", format=".1%"),
                 alt.Tooltip("share:Q", title="share", format=".2%")],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#444").encode(x="x:Q")
    layers = [bars, zero]
    if markers:
        # Reference lines named in their own legend (with values), so no label sits on the bars.
        m = pd.DataFrame({"line": [f"{k}: {v:.2%}" for k, v in markers.items()], "x": list(markers.values())})
        shades = ["#000000", "#CC79A7", "#009E73", "#56B4E9", "#E69F00", "#8C8C8C"]
        rule = alt.Chart(m).mark_rule(strokeDash=[6, 3], strokeWidth=2).encode(
            x="x:Q",
            stroke=alt.Stroke("line:N", title="Lines", sort=list(m["line"]),
                              scale=alt.Scale(domain=list(m["line"]), range=shades[: len(m)]),
                              legend=alt.Legend(orient="right", direction="vertical", columns=1)),
            tooltip=[alt.Tooltip("line:N", title="Line")])
        layers += [rule]
    return alt.layer(*layers).properties(width=480, height=260)


MARKET_COLORS = {"JGB (Japan)": "#D55E00", "US Treasury": "#0072B2"}


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
    return alt.layer(line, dots, zero, title=alt.Title(title, subtitle="Dots: month-end data. Lines: the chosen interpolation or fit.")).properties(width=520, height=300)


def yield_heatmap(long: pd.DataFrame, title: str = "JGB yields by maturity, quarter-ends since 2000") -> alt.Chart:
    """Quarter × maturity heat map of JGB yields; below zero in orange, above in blue.

    ``long``: quarter (timestamp), tenor_years, yield (decimal)."""
    tenors = sorted(long["tenor_years"].unique())
    long = long.assign(quarter_end=long["quarter"] + pd.DateOffset(months=3))
    return alt.Chart(long, title=alt.Title(title, subtitle="Orange cells: negative yields. Blank: maturity not in the data then.")).mark_rect().encode(
        x=alt.X("quarter:T", title="Quarter", axis=alt.Axis(format="%Y", tickCount=10)),
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


def hedge_history_chart(df: pd.DataFrame, current: float, title: str = "What hedging dollars into yen has cost") -> alt.LayerChart:
    """Monthly SOFR, TONA and the annualized 3-month hedge cost (decimals), with the current setting as a rule."""
    long = df.rename_axis("month").reset_index()
    long["month"] = long["month"].dt.to_timestamp(how="end").dt.normalize() if hasattr(long["month"], "dt") else long["month"]
    long = long.melt(id_vars="month", value_vars=["sofr", "tona", "hedge_cost"], var_name="series", value_name="rate")
    names = {"sofr": "SOFR (USD overnight)", "tona": "TONA (JPY overnight)", "hedge_cost": "Hedge cost (incl. basis)"}
    long["series"] = long["series"].map(names)
    dom = list(names.values())
    lines = alt.Chart(long).mark_line().encode(
        x=alt.X("month:T", title="Month-end", axis=alt.Axis(format="%b %Y", tickCount=6)),
        y=alt.Y("rate:Q", title="% a year", axis=alt.Axis(format=".1%")),
        color=alt.Color("series:N", title=None, sort=dom, scale=alt.Scale(domain=dom, range=["#009E73", "#56B4E9", "#000000"])),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("rate:Q", format=".2%")],
    )
    rule = alt.Chart(pd.DataFrame({"y": [current], "label": ["your setting"]})).mark_rule(strokeDash=[6, 3], color="#CC79A7").encode(
        y="y:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("y:Q", title="hedge cost", format=".2%")])
    return alt.layer(lines, rule, title=alt.Title(title, subtitle="Monthly since SOFR and TONA are both in the data (2021-08); dashed: your inputs")).properties(width=520, height=260)


COMPONENT_COLORS = {"Capex": "#D55E00", "Maintenance": "#E69F00", "Refresh": "#CC79A7",
                    "Operating cash": "#0072B2", "Terminal value": "#56B4E9"}


def project_cashflow_chart(table: pd.DataFrame, title: str) -> alt.LayerChart:
    """Stacked bars of a project's yearly cash-flow components ($bn; outflows below zero) and the
    cumulative net cash flow as a line. ``table``: :func:`fundlib.projects.cashflow_table` output."""
    df = pd.DataFrame({
        "year": table["year"], "Capex": -table["capex"], "Maintenance": -table["maintenance"],
        "Refresh": -table["refresh"], "Operating cash": table["operating"], "Terminal value": table["terminal"],
    })
    long = df.melt(id_vars="year", var_name="component", value_name="usd_bn")
    long = long[long["usd_bn"].abs() > 1e-12]
    dom = [c for c in COMPONENT_COLORS if c in set(long["component"])]
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("year:O", title="Year (construction starts in year 0)"),
        y=alt.Y("usd_bn:Q", title="Cash flow ($bn a year)", axis=alt.Axis(format="$,.2f")),
        color=alt.Color("component:N", title=None, sort=dom, scale=alt.Scale(domain=dom, range=[COMPONENT_COLORS[c] for c in dom])),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("component:N"), alt.Tooltip("usd_bn:Q", title="$bn", format=",.3f")],
    )
    cum = pd.DataFrame({"year": table["year"], "cumulative": table["total"].cumsum()})
    line = alt.Chart(cum).mark_line(color="black", point=alt.OverlayMarkDef(color="black", size=20)).encode(
        x="year:O", y=alt.Y("cumulative:Q"),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("cumulative:Q", title="Cumulative net $bn", format=",.2f")])
    return alt.layer(bars, line, title=alt.Title(title, subtitle="Bars: yearly components (outflows below zero). Black line: cumulative net cash.")).properties(width=560, height=280)


def tornado_chart(df: pd.DataFrame, title: str = "What moves the portfolio IRR most") -> alt.LayerChart:
    """Horizontal bars from the IRR with one input one standard deviation worse to one better.
    ``df``: :func:`fundlib.scenarios.tornado` output."""
    order = list(df["factor"])
    long = pd.concat([df.assign(side="1σ worse", irr=df["worse"]), df.assign(side="1σ better", irr=df["better"])])
    bars = alt.Chart(long).mark_bar().encode(
        y=alt.Y("factor:N", sort=order, title=None),
        x=alt.X("irr:Q", title="Portfolio IRR (% a year)", axis=alt.Axis(format=".1%"), scale=alt.Scale(zero=False)),
        x2=alt.X2("base:Q"),
        color=alt.Color("side:N", title=None, scale=alt.Scale(domain=["1σ worse", "1σ better"], range=["#D55E00", "#0072B2"])),
        tooltip=[alt.Tooltip("factor:N"), alt.Tooltip("side:N"), alt.Tooltip("irr:Q", title="IRR", format=".2%")],
    )
    base = alt.Chart(df.head(1)).mark_rule(color="black").encode(x="base:Q", tooltip=[alt.Tooltip("base:Q", title="Base IRR", format=".2%")])
    return alt.layer(bars, base, title=alt.Title(title, subtitle="One input at a time, all sectors together; black line: base case")).properties(width=420, height=alt.Step(30))


ROUTE_COLORS = {"Own the fund": "#0072B2", "Tax-credit playbook": "#E69F00", "Tariff (no outlay)": "#8C8C8C",
                "Hedged": "#009E73", "Unhedged": "#D55E00"}


def _route_scale(domain):
    return alt.Scale(domain=list(domain), range=[ROUTE_COLORS.get(d, GREY) for d in domain])


def government_pv_chart(us_pv: pd.Series, japan_pv: pd.Series) -> alt.HConcatChart:
    """Side by side: the US Treasury's PV by route ($bn) and Japan's PV surplus over FILP funding (¥tn)."""
    us = us_pv.rename_axis("route").reset_index(name="pv")
    jp = japan_pv.rename_axis("route").reset_index(name="pv")
    left = alt.Chart(us, title=alt.Title("US Treasury: present value by route", subtitle="Same public money as its fund stake; $bn")).mark_bar().encode(
        y=alt.Y("route:N", title=None, sort=list(us["route"]), axis=alt.Axis(labelLimit=200)),
        x=alt.X("pv:Q", title="Net present value ($bn)", axis=alt.Axis(format="$,.0f")),
        color=alt.Color("route:N", scale=_route_scale(us["route"]), legend=None),
        tooltip=[alt.Tooltip("route:N", title="Route"), alt.Tooltip("pv:Q", title="NPV $bn", format=",.1f")],
    ).properties(width=260, height=alt.Step(34))
    right = alt.Chart(jp, title=alt.Title("Japan MoF: value over FILP funding", subtitle="PV at the FILP yield; ¥tn")).mark_bar().encode(
        y=alt.Y("route:N", title=None, sort=list(jp["route"])),
        x=alt.X("pv:Q", title="Surplus over FILP cost (¥tn)", axis=alt.Axis(format=",.1f")),
        color=alt.Color("route:N", scale=_route_scale(jp["route"]), legend=None),
        tooltip=[alt.Tooltip("route:N", title="FX"), alt.Tooltip("pv:Q", title="¥tn", format=",.2f")],
    ).properties(width=220, height=alt.Step(34))
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#444").encode(x="x:Q")
    return alt.hconcat(left + zero, right + zero).resolve_scale(x="independent", color="independent")


def cumulative_cash_chart(us: pd.DataFrame, japan: pd.DataFrame) -> alt.HConcatChart:
    """Cumulative net cash per government by year: US routes ($bn) and Japan hedged/unhedged (¥tn).

    ``us``/``japan``: year index, one column per route (yearly flows)."""
    def panel(df, title, unit, fmt):
        long = df.cumsum().rename_axis("year").reset_index().melt(id_vars="year", var_name="route", value_name="cum")
        routes = list(df.columns)
        return alt.Chart(long, title=alt.Title(title, subtitle=f"Cumulative net cash, {unit}, not discounted")).mark_line().encode(
            x=alt.X("year:Q", title="Year"),
            y=alt.Y("cum:Q", title=f"Cumulative net cash ({unit})", axis=alt.Axis(format=fmt)),
            color=alt.Color("route:N", title=None, sort=routes, scale=_route_scale(routes),
                            legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=[alt.Tooltip("route:N"), alt.Tooltip("year:Q"), alt.Tooltip("cum:Q", title=unit, format=",.1f")],
        ).properties(width=300, height=240)

    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#444", strokeDash=[4, 3]).encode(y="y:Q")
    return alt.hconcat(panel(us, "US Treasury", "$bn", "$,.0f") + zero,
                       panel(japan, "Japan MoF, after FILP coupons", "¥tn", ",.0f") + zero).resolve_scale(color="independent")


def dscr_paths_chart(long: pd.DataFrame, lockup: float, default: float, title: str = "Debt service cover, year by year") -> alt.LayerChart:
    """DSCR per scenario over the debt's life with the lock-up and default thresholds (×)."""
    scen = list(dict.fromkeys(long["scenario"]))
    d = long.assign(dscr_shown=long["dscr"].clip(upper=4.0))
    lines = alt.Chart(d).mark_line(point=alt.OverlayMarkDef(size=12)).encode(
        x=alt.X("year:Q", title="Year"),
        y=alt.Y("dscr_shown:Q", title="DSCR (×, capped at 4 for display)", scale=alt.Scale(domain=[0, 4])),
        color=alt.Color("scenario:N", title=None, sort=scen, scale=alt.Scale(domain=scen, range=(["#000000"] + PALETTE)[: len(scen)])),
        tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip("year:Q"), alt.Tooltip("dscr:Q", title="DSCR", format=".2f")],
    )
    th = pd.DataFrame({"y": [lockup, default], "what": [f"lock-up {lockup:.2f}×", f"default {default:.2f}×"],
                       "dy": [-7, 12]})
    rules = alt.Chart(th).mark_rule(strokeDash=[6, 3], color="#D55E00").encode(y="y:Q", tooltip=["what:N"])
    above = alt.Chart(th.iloc[:1]).mark_text(align="right", dy=-7, color="#D55E00", fontSize=11).encode(
        y="y:Q", x=alt.value(540), text="what:N")
    below = alt.Chart(th.iloc[1:]).mark_text(align="right", dy=12, color="#D55E00", fontSize=11).encode(
        y="y:Q", x=alt.value(540), text="what:N")
    return alt.layer(lines, rules, above, below, title=alt.Title(title, subtitle=[
        "Below the lock-up line cash is trapped; below the default line the guarantors pay.",
        "A yen shock leaves the dollar fund's cover unchanged: its line lies under Base."])).properties(width=540, height=260)


def stress_losses_chart(table: pd.DataFrame) -> alt.HConcatChart:
    """Per scenario: the change in the fund's equity value ($bn) and each government's loss (US $bn, Japan ¥tn)."""
    t = table.reset_index()
    scen = list(t["scenario"])
    eq = alt.Chart(t, title=alt.Title("Fund equity value vs base", subtitle="$bn, at the equity discount rate")).mark_bar().encode(
        y=alt.Y("scenario:N", sort=scen, title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("change in equity value ($bn):Q", title="Change in equity value ($bn)", axis=alt.Axis(format="$,.0f")),
        color=alt.condition(alt.datum["change in equity value ($bn)"] < 0, alt.value("#D55E00"), alt.value("#0072B2")),
        tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip("change in equity value ($bn):Q", format=",.1f")],
    ).properties(width=230, height=alt.Step(22))
    us = alt.Chart(t, title=alt.Title("US Treasury loss", subtitle="$bn PV vs base, incl. Ex-Im calls")).mark_bar(color="#0072B2").encode(
        y=alt.Y("scenario:N", sort=scen, title=None, axis=None),
        x=alt.X("US loss vs base ($bn PV):Q", title="Loss ($bn PV)", axis=alt.Axis(format="$,.0f")),
        tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip("US loss vs base ($bn PV):Q", format=",.1f")],
    ).properties(width=170, height=alt.Step(22))
    jp = alt.Chart(t, title=alt.Title("Japan MoF loss", subtitle="¥tn PV vs base, incl. JBIC calls")).mark_bar(color="#D55E00").encode(
        y=alt.Y("scenario:N", sort=scen, title=None, axis=None),
        x=alt.X("Japan loss vs base (¥tn PV):Q", title="Loss (¥tn PV)", axis=alt.Axis(format=",.0f")),
        tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip("Japan loss vs base (¥tn PV):Q", format=",.2f")],
    ).properties(width=170, height=alt.Step(22))
    return alt.hconcat(eq, us, jp)


# ----------------------------------------------------------------------------- charts that need no kernel
#
# These compute in the browser: their sliders are Vega-Lite parameters bound to inputs (explicitly
# named), so they keep working in a static HTML page with no Python behind it.


def _range_param(name: str, value: float, lo: float, hi: float, step: float, label: str) -> alt.Parameter:
    return alt.param(name=name, value=value, bind=alt.binding_range(min=lo, max=hi, step=step, name=label))


def roe_client_chart(asset_return: float, debt_cost: float) -> alt.LayerChart:
    """ROE = L·r_A − (L−1)·r_D against leverage, with the asset return and debt cost as browser sliders."""
    grid = pd.DataFrame({"leverage": [1 + 0.1 * i for i in range(51)]})
    ra = _range_param("roe_asset_return_pct", round(asset_return * 100, 2), 0.0, 15.0, 0.25, "Asset return (%) ")
    rd = _range_param("roe_debt_cost_pct", round(debt_cost * 100, 2), 0.0, 12.0, 0.05, "Debt cost (%) ")
    base = alt.Chart(grid).transform_calculate(
        roe=f"(datum.leverage * {ra.name} - (datum.leverage - 1) * {rd.name}) / 100")
    line = base.mark_line(color="#0072B2").encode(
        x=alt.X("leverage:Q", title="Leverage (assets ÷ equity, ×)"),
        y=alt.Y("roe:Q", title="Return on equity (% a year)", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[-0.4, 0.6])),
        tooltip=[alt.Tooltip("leverage:Q", format=".1f"), alt.Tooltip("roe:Q", title="ROE", format=".2%")],
    ).add_params(ra, rd)
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#444", strokeDash=[4, 3]).encode(y="y:Q")
    return alt.layer(line, zero, title=alt.Title("Leverage and the return on equity (works without a kernel)",
                                                 subtitle="Move the sliders under the chart: the line is computed in your browser")).properties(width=480, height=280)


def hedge_client_chart(history: pd.DataFrame, basis_bp: float, months: float = 3) -> alt.LayerChart:
    """Monthly hedge cost from SOFR and TONA, with the cross-currency basis as a browser slider."""
    df = history[["sofr", "tona"]].rename_axis("month").reset_index()
    df["month"] = df["month"].dt.to_timestamp(how="end").dt.normalize()
    b = _range_param("hedge_basis_bp", float(basis_bp), -100.0, 20.0, 1.0, "Cross-currency basis (bp) ")
    tau = months / 12
    chart = alt.Chart(df).transform_calculate(
        hedge_cost=f"(datum.sofr - datum.tona - {b.name} / 10000) / (1 + datum.sofr * {tau})"
    ).mark_line(color="#000000").encode(
        x=alt.X("month:T", title="Month-end", axis=alt.Axis(format="%b %Y", tickCount=6)),
        y=alt.Y("hedge_cost:Q", title="Hedge cost (% a year)", axis=alt.Axis(format=".1%"), scale=alt.Scale(domain=[-0.01, 0.07])),
        tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("hedge_cost:Q", title="Hedge cost", format=".2%")],
    ).add_params(b)
    return alt.layer(chart, title=alt.Title("Cost of hedging dollars into yen (works without a kernel)",
                                            subtitle="(SOFR − TONA − basis) / (1 + SOFR·τ), 3-month rolls; move the basis slider")).properties(width=520, height=240)


def ownership_client_chart(profit_usd_bn: float, us_share: float) -> alt.Chart:
    """A pro rata split of profit between the two governments, with profit and the US share as browser sliders."""
    p = _range_param("split_profit_usd_bn", float(profit_usd_bn), 0.0, 500.0, 10.0, "Profit ($bn) ")
    s = _range_param("split_us_share_pct", round(us_share * 100), 0.0, 100.0, 5.0, "US Treasury share (%) ")
    df = pd.DataFrame({"owner": ["US Treasury", "Japan MoF"], "is_us": [1, 0]})
    return alt.Chart(df, title=alt.Title("Pro rata: each owner's share of the profit (works without a kernel)",
                                         subtitle="Under the proposal every dollar is split by ownership")).transform_calculate(
        usd_bn=f"{p.name} * (datum.is_us == 1 ? {s.name} : 100 - {s.name}) / 100"
    ).mark_bar().encode(
        x=alt.X("usd_bn:Q", title="Share of the profit ($bn)", axis=alt.Axis(format="$,.0f"), scale=alt.Scale(domain=[0, 500])),
        y=alt.Y("owner:N", title=None),
        color=alt.Color("owner:N", scale=alt.Scale(domain=["US Treasury", "Japan MoF"], range=["#0072B2", "#D55E00"]), legend=None),
        tooltip=[alt.Tooltip("owner:N"), alt.Tooltip("usd_bn:Q", title="$bn", format=",.1f")],
    ).add_params(p, s).properties(width=420, height=90)


def irr_hurdle_client_chart(irrs, hurdle: float, bins: int = 60) -> alt.LayerChart:
    """The IRR histogram (aggregated) with a hurdle slider; bars below the hurdle turn vermilion."""
    import numpy as np

    x = np.asarray(irrs, float)
    x = x[np.isfinite(x)]
    lo, hi = np.quantile(x, [0.001, 0.999])
    counts, edges = np.histogram(np.clip(x, lo, hi), bins=bins, range=(lo, hi))
    df = pd.DataFrame({"x0": edges[:-1], "x1": edges[1:], "share": counts / x.size})
    h = _range_param("mc_hurdle_pct", round(hurdle * 100, 2), 0.0, 15.0, 0.1, "Funding cost to beat (%) ")
    bars = alt.Chart(df).transform_calculate(
        below=f"datum.x1 * 100 <= {h.name} ? 'below the funding cost' : 'above'"
    ).mark_bar().encode(
        x=alt.X("x0:Q", bin="binned", title="Portfolio IRR (% a year)", axis=alt.Axis(format=".0%")), x2="x1:Q",
        y=alt.Y("share:Q", title="Share of scenarios", axis=alt.Axis(format=".1%")),
        color=alt.Color("below:N", title=None, scale=alt.Scale(domain=["below the funding cost", "above"], range=["#D55E00", "#0072B2"])),
        tooltip=[alt.Tooltip("x0:Q", title="from", format=".1%"), alt.Tooltip("share:Q", format=".2%")],
    ).add_params(h)
    total = alt.Chart(df).transform_filter(f"datum.x1 * 100 <= {h.name}").transform_aggregate(
        s="sum(share)").transform_calculate(text="'below: ' + format(datum.s, '.1%')").mark_text(
        align="left", x=5, y=10, fontWeight="bold", fontSize=13).encode(text="text:N")
    return alt.layer(bars, total, title=alt.Title("Scenarios below a funding cost (works without a kernel)",
                                                  subtitle="Move the slider: the share below is summed in your browser (to the bin edge)")).properties(width=480, height=240)


def tariff_client_chart(import_base_usd_bn: float, elasticity: float) -> alt.LayerChart:
    """Yearly tariff revenue against the tariff rate, with the import base and elasticity as browser sliders."""
    grid = pd.DataFrame({"rate": [i / 200 for i in range(0, 101)]})
    m = _range_param("tariff_imports_usd_bn", float(import_base_usd_bn), 50.0, 250.0, 1.0, "Imports at 0% ($bn) ")
    e = _range_param("tariff_elasticity", float(elasticity), 0.0, 4.0, 0.1, "Import elasticity ")
    line = alt.Chart(grid).transform_calculate(
        revenue=f"datum.rate * {m.name} * pow(1 + datum.rate, -{e.name})"
    ).mark_line(color="#8C8C8C").encode(
        x=alt.X("rate:Q", title="Tariff rate (%)", axis=alt.Axis(format=".0%")),
        y=alt.Y("revenue:Q", title="Tariff revenue ($bn a year)", axis=alt.Axis(format="$,.0f"), scale=alt.Scale(domain=[0, 60])),
        tooltip=[alt.Tooltip("rate:Q", format=".1%"), alt.Tooltip("revenue:Q", title="$bn", format=",.1f")],
    ).add_params(m, e)
    ten = alt.Chart(pd.DataFrame({"x": [0.10]})).mark_rule(color="#0072B2", strokeDash=[4, 3]).encode(x="x:Q")
    return alt.layer(line, ten, title=alt.Title("Tariff revenue on imports from Japan (works without a kernel)",
                                                subtitle="rate × imports × (1 + rate)^−elasticity; dashed: the 10% US floor")).properties(width=480, height=240)


def dscr_threshold_client_chart(long: pd.DataFrame, lockup: float) -> alt.LayerChart:
    """DSCR paths with the lock-up threshold as a browser slider; points below it turn vermilion."""
    t = _range_param("stress_lockup_dscr", float(lockup), 0.8, 2.0, 0.05, "Lock-up DSCR (×) ")
    scen = list(dict.fromkeys(long["scenario"]))
    d = long.assign(dscr_shown=long["dscr"].clip(upper=3.0))
    pts = alt.Chart(d).transform_calculate(
        locked=f"datum.dscr < {t.name} ? 'below the lock-up' : 'above'"
    ).mark_point(filled=True, size=30).encode(
        x=alt.X("year:Q", title="Year"), y=alt.Y("dscr_shown:Q", title="DSCR (×, capped at 3)", scale=alt.Scale(domain=[0, 3])),
        color=alt.Color("locked:N", title=None, scale=alt.Scale(domain=["below the lock-up", "above"], range=["#D55E00", "#0072B2"])),
        shape=alt.Shape("scenario:N", title=None, sort=scen),
        tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip("year:Q"), alt.Tooltip("dscr:Q", format=".2f")],
    ).add_params(t)
    rule = alt.Chart(pd.DataFrame({"one": [1]})).transform_calculate(y=t.name).mark_rule(color="#D55E00", strokeDash=[6, 3]).encode(y="y:Q")
    return alt.layer(pts, rule, title=alt.Title("Which years would lock up? (works without a kernel)",
                                                subtitle="Move the lock-up threshold: points below it turn vermilion")).properties(width=520, height=260)
