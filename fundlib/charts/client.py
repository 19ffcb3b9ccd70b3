"""Charts that need no kernel: their sliders are named Vega-Lite parameters computed in the browser.
One per notebook (00–06), marked "works without a kernel"; they keep working in the static site.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

def _range_param(name: str, value: float, lo: float, hi: float, step: float, label: str) -> alt.Parameter:
    return alt.param(name=name, value=value, bind=alt.binding_range(min=lo, max=hi, step=step, name=label))


def leverage_client_chart(equity_usd_bn: float, leverage: float) -> alt.Chart:
    """Equity and the debt it supports (debt = equity × (L − 1)), with equity and leverage as browser sliders."""
    e = _range_param("stack_equity_usd_bn", float(equity_usd_bn), 50.0, 1000.0, 10.0, "Equity ($bn) ")
    lev = _range_param("stack_leverage_x", float(leverage), 1.0, 5.0, 0.1, "Leverage (×) ")
    df = pd.DataFrame({"layer": ["Senior guaranteed debt", "Equity"], "is_debt": [1, 0], "order": [0, 1]})
    return alt.Chart(df, title=alt.Title("Equity and the debt it supports (works without a kernel)",
                                         subtitle="Assets = equity × leverage; move the sliders under the chart")).transform_calculate(
        usd_bn=f"datum.is_debt == 1 ? {e.name} * ({lev.name} - 1) : {e.name}"
    ).mark_bar(size=90).encode(
        y=alt.Y("usd_bn:Q", title="Amount ($bn)", stack="zero", axis=alt.Axis(format="$,.0f"), scale=alt.Scale(domain=[0, 5000])),
        order=alt.Order("order:Q"),
        color=alt.Color("layer:N", title=None, scale=alt.Scale(domain=["Senior guaranteed debt", "Equity"],
                                                               range=["#8C8C8C", "#0072B2"])),
        tooltip=[alt.Tooltip("layer:N"), alt.Tooltip("usd_bn:Q", title="$bn", format=",.0f")],
    ).add_params(e, lev).properties(width=160, height=260)


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
    """The IRR histogram (aggregated) with a hurdle slider; bars below the hurdle turn vermilion, a rule
    marks the hurdle, and the share of scenarios below it is exact: counted in Python over every
    scenario for each position the slider can take (not summed over the bins, which would snap it to a
    bin edge)."""
    import numpy as np

    x = np.asarray(irrs, float)
    x = x[np.isfinite(x)]
    lo, hi = np.quantile(x, [0.001, 0.999])
    counts, edges = np.histogram(np.clip(x, lo, hi), bins=bins, range=(lo, hi))
    df = pd.DataFrame({"x0": edges[:-1], "x1": edges[1:], "share": counts / x.size})
    h = _range_param("mc_hurdle_pct", round(hurdle * 100, 4), 0.0, 15.0, 0.1, "Funding cost to beat (%) ")
    stops = sorted({round(i * 0.1, 1) for i in range(151)} | {h.param.value})
    xs = np.sort(x)
    below = pd.DataFrame({"h": stops, "below": np.searchsorted(xs, np.asarray(stops) / 100, side="left") / x.size})
    bars = alt.Chart(df).transform_calculate(
        below=f"datum.x1 * 100 <= {h.name} ? 'below the funding cost' : 'above'"
    ).mark_bar().encode(
        x=alt.X("x0:Q", bin="binned", title="Portfolio IRR (% a year)", axis=alt.Axis(format=".0%")), x2="x1:Q",
        y=alt.Y("share:Q", title="Share of scenarios", axis=alt.Axis(format=".1%")),
        color=alt.Color("below:N", title=None, scale=alt.Scale(domain=["below the funding cost", "above"], range=["#D55E00", "#0072B2"])),
        tooltip=[alt.Tooltip("x0:Q", title="from", format=".1%"), alt.Tooltip("share:Q", format=".2%")],
    ).add_params(h)
    mine = alt.Chart(below).transform_filter(f"abs(datum.h - {h.name}) < 1e-6")
    rule = mine.transform_calculate(x=f"{h.name} / 100").mark_rule(color="#000000", strokeDash=[6, 3], strokeWidth=2).encode(
        x="x:Q", tooltip=[alt.Tooltip("h:Q", title="funding cost (%)"), alt.Tooltip("below:Q", title="share below", format=".1%")])
    total = mine.transform_calculate(text="'below: ' + replace(format(datum.below, '.1%'), '-', '\u2212')").mark_text(
        align="left", x=5, y=10, fontWeight="bold", fontSize=13).encode(text="text:N")
    return alt.layer(bars, rule, total, title=alt.Title("Scenarios below a funding cost (works without a kernel)",
                                                        subtitle="Move the slider: dashed, the funding cost; the share below counts every scenario")).properties(width=480, height=240)


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
