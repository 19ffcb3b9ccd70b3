"""Charts of the fund's structure: capital stack, the waterfall tier by tier, presets, scale.
Used by notebooks 00 and 01 and the structure and start-here apps.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from fundlib.charts.theme import GREY, OWNER_COLORS, USD_BN, owner_scale, usd_bn


def capital_stack_chart(stack: pd.DataFrame, title: str = "Capital stack") -> alt.Chart:
    """Stacked bar of the fund's liabilities (debt at the bottom, then each owner's equity), $bn.

    ``stack`` is :func:`fundlib.structure.capital_stack` output.
    """
    df = stack.copy()
    df["order"] = range(len(df))
    df["pct"] = df["share_of_assets"]
    df["label"] = [usd_bn(x) for x in df["amount_usd_bn"]]   # written as the tables write it ($262bn, not $263bn)
    total = float(df["amount_usd_bn"].sum())
    domain = list(df["layer"])
    base = alt.Chart(df, title=alt.Title(title, subtitle=f"Total assets {usd_bn(total)}")).encode(
        y=alt.Y("amount_usd_bn:Q", title="Amount ($bn)", stack="zero", axis=alt.Axis(format=USD_BN),
                scale=alt.Scale(domainMin=0)),
        order=alt.Order("order:Q", sort="ascending"),
    )
    bars = base.mark_bar(size=100).encode(
        color=alt.Color("layer:N", title="Layer", scale=owner_scale(domain), sort=domain,
                        legend=alt.Legend(orient="right", columns=1, labelLimit=170)),
        tooltip=[alt.Tooltip("layer:N", title="Layer"),
                 alt.Tooltip("amount_usd_bn:Q", title="$bn", format=",.1f"),
                 alt.Tooltip("pct:Q", title="Share of assets", format=".1%")],
    )
    labels = base.transform_window(
        cum="sum(amount_usd_bn)", sort=[alt.SortField("order")], frame=[None, 0]
    ).transform_calculate(
        mid="datum.cum - datum.amount_usd_bn / 2",
    ).transform_filter(alt.datum.amount_usd_bn > 0.06 * total).mark_text(
        color="white", fontWeight="bold", fontSize=12
    ).encode(y=alt.Y("mid:Q"), text="label:N")
    return (bars + labels).properties(width=150, height=250)


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
    return alt.Chart(df, title=alt.Title(title, subtitle=f"Total paid out over the fund's life: {usd_bn(total)}, tier by tier")).mark_bar().encode(
        y=alt.Y("tier:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("amount_usd_bn:Q", title="Paid out over the fund's life ($bn)", axis=alt.Axis(format=USD_BN)),
        color=alt.Color("payee:N", title="Paid to", scale=_payee_scale(payees), sort=payees),
        order=alt.Order("payee:N"),
        tooltip=[alt.Tooltip("tier:N", title="Tier"), alt.Tooltip("payee:N", title="Paid to"),
                 alt.Tooltip("amount_usd_bn:Q", title="$bn", format=",.1f")],
    ).properties(width=360, height=max(90, 30 * len(order)))


def preset_comparison_chart(df: pd.DataFrame, title: str = "Same fund, different terms: who gains") -> alt.Chart:
    """Grouped bars of each payee's net gain ($bn) under each preset. ``df``: preset, payee, net_gain_usd_bn."""
    payees = [p for p in PAYEE_COLORS if p in set(df["payee"])]
    presets = list(dict.fromkeys(df["preset"]))
    base = alt.Chart(df, title=alt.Title(title, subtitle="Net gain = everything received minus capital paid in, over the fund's life")).encode(
        y=alt.Y("preset:N", sort=presets, title=None, axis=alt.Axis(labelLimit=240)),
        yOffset=alt.YOffset("payee:N", sort=payees),
        x=alt.X("net_gain_usd_bn:Q", title="Net gain over the fund's life ($bn)", axis=alt.Axis(format=USD_BN, tickCount=6)),
        color=alt.Color("payee:N", title="Who", scale=_payee_scale(payees), sort=payees),
        tooltip=[alt.Tooltip("preset:N", title="Terms"), alt.Tooltip("payee:N", title="Who"),
                 alt.Tooltip("net_gain_usd_bn:Q", title="Net gain $bn", format=",.1f"),
                 alt.Tooltip("irr:Q", title="IRR", format=".2%")],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#444").encode(x="x:Q")
    return (base.mark_bar() + zero).properties(width=460, height=alt.Step(13))


def scale_chart(df: pd.DataFrame, title: str = "How big is $300bn? The fund beside its comparators") -> alt.Chart:
    """Horizontal bars in $bn, this fund highlighted. ``df``: :func:`fundlib.structure.scale_comparison`."""
    order = list(df.sort_values("usd_bn", ascending=False)["name"])
    bars = alt.Chart(df, title=alt.Title(title, subtitle="USD bn; sources in data/comparators.csv")).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=520)),
        x=alt.X("usd_bn:Q", title="Size ($bn)", axis=alt.Axis(format=USD_BN)),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["this fund", "comparator"], range=["#0072B2", GREY])),
        tooltip=[alt.Tooltip("name:N", title="What"), alt.Tooltip("usd_bn:Q", title="$bn", format=",.0f"),
                 alt.Tooltip("source:N", title="Source")],
    )
    text = bars.mark_text(align="left", dx=4, color="#222").encode(text=alt.Text("usd_bn:Q", format="$,.0f"), color=alt.value("#222"))
    return (bars + text).properties(width=420, height=alt.Step(26))
