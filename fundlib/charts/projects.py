"""Charts of projects: one project's cash flows year by year and the Monte Carlo tornado.
Used by notebook 04 (project and Monte Carlo apps).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

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
