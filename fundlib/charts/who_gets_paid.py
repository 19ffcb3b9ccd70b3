"""Charts of who gets paid: each government's present value by route and cumulative cash.
Used by notebook 05 (the who-gets-paid app).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from fundlib.charts.theme import GREY

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
