"""Charts of the odds: a distribution across scenarios with its percentiles, what drives Japan's
outcome, and the historical vintages. Used by notebook 07 (The odds) and its app.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from fundlib.charts.theme import PALETTE

VIEW_COLORS = {"Hedged": PALETTE[0], "Unhedged": PALETTE[4]}


def odds_histogram_chart(hist: pd.DataFrame, axis_title: str, title: str, markers: dict[str, float],
                         money: str = "$") -> alt.LayerChart:
    """Bars of the share of scenarios in each bin of a money outcome, with one rule per marker
    (P5, P50, P95 …) and a black rule at zero (below it: a loss). ``hist``: the ``histogram``
    table of :class:`fundlib.odds.result.OddsResult` (low, high, count)."""
    df = hist.assign(share=hist["count"] / max(1, hist["count"].sum()), mid=(hist["low"] + hist["high"]) / 2)
    fmt = ",.0f"
    bars = alt.Chart(df).mark_bar(color=PALETTE[3], opacity=0.9).encode(
        x=alt.X("low:Q", title=axis_title, bin="binned", axis=alt.Axis(format=fmt)),
        x2="high:Q",
        y=alt.Y("share:Q", title="Share of scenarios", axis=alt.Axis(format=".0%")),
        tooltip=[alt.Tooltip("low:Q", title=f"from ({money})", format=",.1f"), alt.Tooltip("high:Q", title=f"to ({money})", format=",.1f"),
                 alt.Tooltip("share:Q", title="share", format=".2%")])
    m = pd.DataFrame({"marker": list(markers), "value": list(markers.values())})
    rules = alt.Chart(m).mark_rule(strokeDash=[4, 3], color=PALETTE[1]).encode(
        x="value:Q", tooltip=[alt.Tooltip("marker:N"), alt.Tooltip("value:Q", format=",.1f")])
    labels = alt.Chart(m).mark_text(align="left", dx=3, dy=-4, color=PALETTE[1], fontSize=11).encode(
        x="value:Q", y=alt.value(8), text="marker:N")
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="black").encode(x="x:Q")
    return alt.layer(bars, rules, labels, zero, title=alt.Title(title, subtitle="Black line: zero (left of it, a loss). "
                                                                "Dashed: percentiles across scenarios.")).properties(width=560, height=240)


def odds_tornado_chart(tornado: pd.DataFrame, title: str) -> alt.Chart:
    """Horizontal bars of each input's rank correlation with the outcome (−1 to 1): longest bar, the
    biggest driver. ``tornado``: :meth:`fundlib.odds.result.OddsResult.tornado`."""
    df = tornado.assign(direction=["raises it" if c > 0 else "lowers it" for c in tornado["rank_correlation"]])
    return alt.Chart(df).mark_bar().encode(
        y=alt.Y("label:N", sort=list(df["label"]), title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("rank_correlation:Q", title="Rank correlation with the outcome (−1 to 1)", scale=alt.Scale(domain=[-1, 1])),
        color=alt.Color("direction:N", title="A higher input", scale=alt.Scale(domain=["raises it", "lowers it"],
                                                                               range=[PALETTE[0], PALETTE[1]])),
        tooltip=[alt.Tooltip("label:N", title="input"), alt.Tooltip("rank_correlation:Q", title="rank correlation", format=".2f"),
                 alt.Tooltip("swing:Q", title="median, top decile − bottom decile", format=",.1f")],
    ).properties(width=380, height=alt.Step(26), title=alt.Title(title, subtitle="Spearman correlation across scenarios; "
                                                                             "hover for the swing of the median between deciles"))


def vintages_chart(df: pd.DataFrame) -> alt.LayerChart:
    """Japan's yen P&L to date (¥tn) for a fund launched in each month, hedged and unhedged.
    ``df``: :func:`fundlib.odds.vintages.vintages`."""
    long = pd.concat([
        pd.DataFrame({"vintage": df.index.to_timestamp(), "view": "Hedged", "pnl": df["pnl_hedged_jpy_tn"].to_numpy()}),
        pd.DataFrame({"vintage": df.index.to_timestamp(), "view": "Unhedged", "pnl": df["pnl_unhedged_jpy_tn"].to_numpy()}),
    ])
    lines = alt.Chart(long).mark_line().encode(
        x=alt.X("vintage:T", title="Launch month (vintage)", axis=alt.Axis(format="%Y")),
        y=alt.Y("pnl:Q", title="Japan's P&L to date (¥tn)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("view:N", title=None, scale=alt.Scale(domain=list(VIEW_COLORS), range=list(VIEW_COLORS.values()))),
        tooltip=[alt.Tooltip("vintage:T", title="launched", format="%Y-%m"), alt.Tooltip("view:N"),
                 alt.Tooltip("pnl:Q", title="P&L to date (¥tn)", format=",.1f")])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="black").encode(y="y:Q")
    last = df.attrs.get("last_month", "")
    return alt.layer(lines, zero, title=alt.Title(
        "Had the fund started in that month: Japan's yen P&L to date",
        subtitle=f"Realised short rates, 30-year JGB yields and USD/JPY to {last}; the fund's base projects, no model")
    ).properties(width=620, height=260)
