"""Charts of the odds: a distribution across scenarios with its percentiles, what drives Japan's
outcome, and the historical vintages. Used by notebook 07 (The odds) and its app.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from fundlib.charts.theme import PALETTE, SERIES_COLORS

VIEW_COLORS = {"Hedged": SERIES_COLORS["Hedged"], "Unhedged": SERIES_COLORS["Unhedged"]}


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


def backtest_fan_chart(fans: dict, label: str = "SOFR") -> alt.FacetChart:
    """The rate model's P5–P95 and P25–P75 bands month by month after each launch, with what happened
    (a black line), one panel per launch. ``fans``: launch ("YYYY-MM") → :func:`fundlib.odds.backtest.fan`."""
    df = pd.concat([f.assign(launch=f"Launched {k}") for k, f in fans.items()], ignore_index=True)
    base = alt.Chart(df)
    pct = alt.Axis(format=".0%")
    outer = base.mark_area(color=PALETTE[0], opacity=0.2).encode(
        x=alt.X("month:T", title="Month", axis=alt.Axis(format="%Y")), y=alt.Y("p5:Q", title=f"{label} (month-end)", axis=pct),
        y2="p95:Q")
    inner = base.mark_area(color=PALETTE[0], opacity=0.4).encode(x="month:T", y="p25:Q", y2="p75:Q")
    mid = base.mark_line(color=PALETTE[0], strokeDash=[4, 3]).encode(x="month:T", y="p50:Q")
    real = base.mark_line(color="black").encode(
        x="month:T", y="realised:Q",
        tooltip=[alt.Tooltip("month:T", format="%Y-%m"), alt.Tooltip("realised:Q", title="what happened", format=".2%"),
                 alt.Tooltip("p5:Q", format=".2%"), alt.Tooltip("p50:Q", format=".2%"), alt.Tooltip("p95:Q", format=".2%")])
    return alt.layer(outer, inner, mid, real, data=df).properties(width=250, height=200).facet(
        column=alt.Column("launch:N", title=None, sort=[f"Launched {k}" for k in fans])).resolve_scale(x="independent").properties(
        title=alt.Title(f"The rate model against what happened: {label}, 10 years after each launch",
                        subtitle="Light band: P5–P95 of the model's paths; dark band: P25–P75; dashed: median; black: what happened"))


def pit_histogram_chart(hist: pd.DataFrame, label: str = "SOFR") -> alt.FacetChart:
    """Where what happened fell in the model's distribution (the PIT), in tenths, one panel per horizon:
    a calibrated model gives flat bars at 10% (the dashed line). ``hist``:
    :meth:`fundlib.odds.backtest.Backtest.histogram`."""
    df = hist.assign(horizon=[f"{h} year{'s' if h > 1 else ''} ahead" for h in hist["horizon_years"]])
    order = list(dict.fromkeys(df["horizon"]))
    bars = alt.Chart().mark_bar(color=PALETTE[3]).encode(
        x=alt.X("low:Q", bin="binned", title="Paths below what happened (PIT)",
                axis=alt.Axis(format=".0%", values=[0, 0.5, 1])),
        x2="high:Q",
        y=alt.Y("share:Q", title="Share of launch months", axis=alt.Axis(format=".0%")),
        tooltip=[alt.Tooltip("low:Q", format=".0%", title="from"), alt.Tooltip("high:Q", format=".0%", title="to"),
                 alt.Tooltip("count:Q", title="launch months"), alt.Tooltip("share:Q", format=".1%")])
    flat = alt.Chart().mark_rule(strokeDash=[4, 3], color="black").encode(y=alt.datum(1.0 / hist.groupby("horizon_years").size().iloc[0]))
    return alt.layer(bars, flat, data=df).properties(width=200, height=160).facet(
        column=alt.Column("horizon:N", title=None, sort=order)).properties(
        title=alt.Title(f"Where what happened fell in the model's distribution: {label}, launches 2000–2020",
                        subtitle="Flat bars at the dashed line: calibrated. Tall outer bars: bands too narrow; a hump: too wide; a tilt: biased."))


SENSITIVITY_MEASURES = {"p_any_call": "P(any guarantee call)", "p_loss_us": "P(loss): US Treasury",
                        "p_loss_japan_hedged": "P(loss): Japan, hedged", "p_owners_nothing": "P(owners get nothing back)"}


def sensitivity_chart(df: pd.DataFrame) -> alt.FacetChart:
    """The headline odds as each calibration knob moves, one panel per knob (its own x axis), one line
    per measure. ``df``: :func:`fundlib.odds.sensitivity`."""
    long = df.melt(id_vars=["knob", "label", "setting"], value_vars=list(SENSITIVITY_MEASURES), var_name="m", value_name="p")
    long["measure"] = long["m"].map(SENSITIVITY_MEASURES)
    line = alt.Chart().mark_line(point=True).encode(
        x=alt.X("setting:Q", title="Setting (the panel's title says of what)"),
        y=alt.Y("p:Q", title="Probability", axis=alt.Axis(format=".0%")),
        color=alt.Color("measure:N", title=None, sort=list(SENSITIVITY_MEASURES.values()),
                        scale=alt.Scale(range=[PALETTE[1], PALETTE[0], PALETTE[4], PALETTE[3]])),
        tooltip=[alt.Tooltip("label:N", title="knob"), alt.Tooltip("setting:Q"), alt.Tooltip("measure:N"),
                 alt.Tooltip("p:Q", format=".1%")])
    return alt.layer(line, data=long).properties(width=270, height=150).facet(
        facet=alt.Facet("label:N", title=None, sort=list(dict.fromkeys(df["label"])),
                        header=alt.Header(labelLimit=300, labelFontSize=12)), columns=2).resolve_scale(x="independent").properties(
        title=alt.Title("How much each calibration choice moves the odds",
                        subtitle="Each panel moves one knob, the others at their defaults; 5,000 scenarios per point"))


def calibration_chart(table: pd.DataFrame, labels: dict | None = None) -> alt.Chart:
    """The calibration table as a chart a tab can hold: one row per figure with the engine's value,
    the anchor's range and the verdict (coloured). ``table``: :meth:`fundlib.odds.OddsResult.calibration`;
    ``labels``: short names by key."""
    def f(key, x):
        return f"{x:.2f}" if key == "sofr_sd_ratio" else f"{x:.1%}"

    df = pd.DataFrame({"figure": [(labels or {}).get(k, r.figure) for k, r in table.iterrows()],
                       "engine": [f(k, r.engine) for k, r in table.iterrows()],
                       "anchor": [f"{f(k, r.anchor_low)} – {f(k, r.anchor_high)}" for k, r in table.iterrows()],
                       "verdict": table["verdict"].to_list(), "why": table["why"].to_list(),
                       "source": table["source"].to_list()})
    df["row"] = range(len(df))
    base = alt.Chart(df).encode(y=alt.Y("row:O", axis=None))
    tip = [alt.Tooltip("figure:N"), alt.Tooltip("why:N", title="why"), alt.Tooltip("source:N")]
    cols = [base.mark_text(align="left", fontSize=12).encode(x=alt.value(0), text="figure:N", tooltip=tip).properties(
                width=260, title="Figure"),
            base.mark_text(align="right", fontSize=12).encode(x=alt.value(60), text="engine:N").properties(width=60, title="Engine"),
            base.mark_text(align="center", fontSize=12).encode(x=alt.value(55), text="anchor:N").properties(width=110, title="Anchor"),
            base.mark_text(align="left", fontSize=12, fontWeight="bold").encode(
                x=alt.value(0), text="verdict:N", color=alt.Color("verdict:N", legend=None, scale=alt.Scale(
                    domain=["within", "above", "below"], range=[PALETTE[2], PALETTE[1], PALETTE[1]]))).properties(width=60, title="Verdict")]
    return alt.hconcat(*cols, spacing=6).properties(title=alt.Title(
        "Each headline beside its real-world anchor", subtitle="Hover a figure for why and the source; notebook 07, section 3"))
