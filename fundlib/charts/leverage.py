"""Charts of leverage: equity return against leverage, a debt schedule, and the return histogram.
Used by notebook 02 (and the histogram by notebooks 03 and 04).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from fundlib.charts.theme import series_color, signed

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
    ).properties(width=520, height=80)
    return alt.vconcat((top + line).properties(width=520, height=190), bal)


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
        m = pd.DataFrame({"line": [f"{k}: {signed(v, '.2%')}" for k, v in markers.items()], "x": list(markers.values())})
        shades = iter(["#000000", "#CC79A7", "#8C8C8C", "#56B4E9", "#E69F00", "#5A5A5A"])
        colours = [(series_color(k) or (None, None))[1] or next(shades) for k in markers]   # a named series keeps its colour
        rule = alt.Chart(m).mark_rule(strokeDash=[6, 3], strokeWidth=2).encode(
            x="x:Q",
            stroke=alt.Stroke("line:N", title="Lines", sort=list(m["line"]),
                              scale=alt.Scale(domain=list(m["line"]), range=colours),
                              legend=alt.Legend(orient="right", direction="vertical", columns=1)),
            tooltip=[alt.Tooltip("line:N", title="Line")])
        layers += [rule]
    return alt.layer(*layers).properties(width=480, height=260)
