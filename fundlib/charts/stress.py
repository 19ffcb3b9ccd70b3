"""Charts of the stress tests: DSCR paths against the lock-up and default lines, and losses by scenario.
Used by notebook 06 (the stress app).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from fundlib.charts.theme import PALETTE


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
