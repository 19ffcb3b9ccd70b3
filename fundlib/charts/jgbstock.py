"""Chart of the estimated JGB stock and how much of it yielded below zero, month by month, set against the
press claim (¥250tn) and Bloomberg's "over ¥600tn" (March 2016). Used by notebook 03.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from fundlib._validate import InputError
from fundlib.charts.theme import GREY
from fundlib.jgbstock import CLAIMS

__all__ = ["negative_stock_chart", "JGB_STOCK_COLORS"]

JGB_STOCK_COLORS = {
    "Estimated stock (auctioned JGBs alive)": "#0072B2",
    "of which yielding below zero": "#D55E00",
}
_NEEDS = ("total_jpy_tn", "negative_jpy_tn")


def _claims(first: pd.Timestamp, last: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    rules, points = [], []
    for label, (value, month) in CLAIMS.items():
        if month is None:
            rules.append({"value": value, "label": label})
        else:
            when = pd.Period(month, freq="M").to_timestamp(how="end").normalize()
            if first <= when <= last:
                points.append({"month": when, "value": value, "label": label})
    return pd.DataFrame(rules, columns=["value", "label"]), pd.DataFrame(points, columns=["month", "value", "label"])


def negative_stock_chart(history: pd.DataFrame,
                         title: str = "How much of Japan's government debt yielded below zero?") -> alt.LayerChart:
    """Total estimated stock (line) and its negative-yielding part (area), ¥tn at each month-end.

    ``history``: :func:`fundlib.jgbstock.negative_stock_history` (indexed by month; columns
    ``total_jpy_tn`` and ``negative_jpy_tn``). The ¥250tn press claim is a dashed rule; Bloomberg's
    "over ¥600tn" (7 March 2016) a triangle at end-March 2016, drawn when the history covers it.
    """
    if not isinstance(history, pd.DataFrame) or any(c not in history.columns for c in _NEEDS) or history.empty:
        raise InputError("history", type(history).__name__,
                         "the DataFrame of fundlib.jgbstock.negative_stock_history() (total_jpy_tn, negative_jpy_tn)")
    df = history[list(_NEEDS)].copy()
    idx = df.index
    df.index = idx.to_timestamp(how="end").normalize() if isinstance(idx, pd.PeriodIndex) else pd.to_datetime(idx)
    long = (df.rename_axis("month").reset_index()
            .melt(id_vars="month", var_name="series", value_name="jpy_tn"))
    names = dict(zip(_NEEDS, JGB_STOCK_COLORS))
    long["series"] = long["series"].map(names)
    dom = list(JGB_STOCK_COLORS)
    color = alt.Color("series:N", title=None, sort=dom,
                      scale=alt.Scale(domain=dom, range=list(JGB_STOCK_COLORS.values())))
    x = alt.X("month:T", title="Month-end", axis=alt.Axis(format="%Y", tickCount=12))
    y = alt.Y("jpy_tn:Q", title="¥tn (trillion yen, face value)", scale=alt.Scale(domainMin=0))
    tips = [alt.Tooltip("series:N", title="Series"), alt.Tooltip("month:T", title="Month-end", format="%b %Y"),
            alt.Tooltip("jpy_tn:Q", title="¥tn", format=",.0f")]
    total = alt.Chart(long[long["series"] == dom[0]]).mark_line().encode(x=x, y=y, color=color, tooltip=tips)
    neg = alt.Chart(long[long["series"] == dom[1]]).mark_area(opacity=0.55, line=True).encode(
        x=x, y=y, color=color, tooltip=tips)
    rules, points = _claims(df.index.min(), df.index.max())
    layers = [neg, total]
    claim_tips = [alt.Tooltip("label:N", title="Published figure"), alt.Tooltip("value:Q", title="¥tn", format=",.0f")]
    if len(rules):
        layers += [
            alt.Chart(rules).mark_rule(color=GREY, strokeDash=[6, 4], strokeWidth=1.5).encode(
                y=alt.Y("value:Q", title="¥tn (trillion yen, face value)"), tooltip=claim_tips),
            alt.Chart(rules).mark_text(align="left", baseline="bottom", dx=4, dy=-3, color="#444").encode(
                x=alt.value(0), y="value:Q", text="label:N"),
        ]
    if len(points):
        layers += [
            alt.Chart(points).mark_point(shape="triangle-up", size=160, filled=True, color="#000000").encode(
                x="month:T", y="value:Q", tooltip=claim_tips + [alt.Tooltip("month:T", title="Month", format="%b %Y")]),
            alt.Chart(points).mark_text(align="left", baseline="bottom", dx=-8, dy=-30, color="#000000").encode(
                x="month:T", y="value:Q", text=alt.value("Bloomberg, March 2016: over ¥600tn")),
        ]
    sub = ["Estimated from the MoF's auction results, each issue priced off that month-end's JGB curve.",
           "Leaves out T-bills after 2009, liquidity-enhancement auctions, buy-backs and BoJ roll-overs."]
    return alt.layer(*layers, title=alt.Title(title, subtitle=sub)).properties(width=620, height=300)
