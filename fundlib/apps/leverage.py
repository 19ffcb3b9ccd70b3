"""Notebook 02: the return-on-equity app (leverage, asset return, debt cost, stresses), the
project-finance debt sizing app (sculpting, DSCR, LLCR) and the leverage-risk app.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import charts as C
from fundlib import leverage as LV
from fundlib import structure as S
from fundlib._validate import InputError
from fundlib.apps.display import record_run, shown, table_html, usd_bn
from fundlib.apps.live import LiveApp, View, pct_slider, slider
from fundlib.charts.theme import signed
from fundlib.finance import irr
from fundlib.market import Market


STRESSES = {
    "none": (0.0, 0.0),
    "SOFR +200 bp": (0.02, 0.0),
    "asset return −3 pp": (0.0, -0.03),
    "both": (0.02, -0.03),
}


def render_roe(leverage: float, asset_return_pct: float, sofr_pct: float, spread_bp: float,
               guarantee_fee_bp: float, stress: str, hedge_pct: float | None = None) -> View:
    """Leverage, asset return and debt cost → return on equity, break-even and the ROE-vs-leverage chart."""
    d_sofr, d_ra = STRESSES[stress]
    market = Market.current().with_(sofr=sofr_pct / 100)
    hedge = A.value("debt_hedge_share") if hedge_pct is None else hedge_pct / 100
    fund = S.FundStructure(leverage=leverage, senior_spread_bp=spread_bp, guarantee_fee_bp=guarantee_fee_bp,
                           hedge_share=hedge)
    r_d = fund.debt_rate(market) + d_sofr
    r_a = asset_return_pct / 100 + d_ra
    roe = LV.levered_return(r_a, r_d, leverage)
    chain = CH.run(fund, market, asset_return=max(r_a, -0.05), shocks=CH.Shocks(sofr_bp=d_sofr * 1e4))
    chain_irr = irr(chain.equity_flows()[0])
    L = np.linspace(1.0, 6.0, 51)
    grid = np.array([r_a - 0.02, r_a, r_a + 0.02])
    curves = pd.DataFrame({
        "leverage": np.tile(L, grid.size),
        "equity_return": LV.levered_return(grid[:, None], r_d, L[None, :]).ravel(),
        "asset_return_label": np.repeat([signed(g, ".1%") + (" (yours)" if i == 1 else "") for i, g in enumerate(grid)], L.size),
    })
    rows = [
        ("Stress applied", stress),
        ("Debt cost: SOFR + spread + fee", f"{r_d:.2%}"),
        ("Asset return", f"{r_a:.2%}"),
        ("Return on equity, L·r_A − (L−1)·r_D", f"{roe:.2%}"),
        ("The fund's equity IRR, whole chain", f"{chain_irr:.2%}" if np.isfinite(chain_irr) else "n/a (never paid back)"),
        ("… its debt swapped to fixed", f"{hedge:.0%} at {chain.swap_fixed[0]:.2%}" if hedge and chain.swap_fixed[0]
         else "none: all floating"),
        ("Asset return at which equity earns 0", f"{LV.breakeven_asset_return(r_d, leverage):.2%}"),
        ("Spread over debt cost the assets earn", f"{(r_a - r_d) * 1e4:,.0f} bp"),
        ("Asset-value fall that wipes out equity", f"{LV.wipeout_fall(leverage):.1%}"),
        ("Assets per $1 of equity / debt per $1", f"${leverage:.2f} / ${leverage - 1:.2f}"),
    ]
    return View(table_html(rows, "Leverage at work"),
                {"roe": C.roe_vs_leverage_chart(curves, {"leverage": leverage, "equity_return": roe})})


def build_roe_app() -> LiveApp:

    controls = {
        "leverage": slider("leverage_x", "Leverage (assets / equity, ×)", step=0.1, fmt=".1f"),
        "asset_return_pct": pct_slider("asset_return", "Asset return (% a year)", 0.25, ".2f"),
        "sofr_pct": pct_slider("sofr", "SOFR (%)", 0.05, ".2f"),
        "spread_bp": slider("senior_spread_bp", "Spread over SOFR (bp)", step=5, fmt=".0f"),
        "guarantee_fee_bp": slider("guarantee_fee_bp", "Guarantee fee (bp)", step=5, fmt=".0f"),
        "hedge_pct": pct_slider("debt_hedge_share", "Senior debt swapped to fixed (%)", 5, ".0f"),
        "stress": widgets.ToggleButtons(options=list(STRESSES), value="none", description="Stress",
                                        style={"description_width": "210px", "button_width": "140px"}),
    }
    return LiveApp("What leverage does to the return on equity", controls, render_roe, export=_roe_export)


def _roe_export(v: dict) -> dict:
    """The stress the app applies, in the workbook: SOFR's rise as the what-if after close, the asset
    return's fall in the asset return (as the app's whole-chain IRR runs it)."""
    d_sofr, d_ra = STRESSES[v["stress"]]
    return {"asset_return": max(v["asset_return_pct"] / 100 + d_ra, -0.05), "shocks": CH.Shocks(sofr_bp=d_sofr * 1e4)}


def render_project_finance(cfads_usd_bn: float, shape: str, project_life: float, target_dscr: float,
                           tenor: float, profile: str, gearing_pct: float, total_uses_usd_bn: float) -> View:
    """CFADS profile, DSCR target, tenor and gearing → debt capacity, repayment schedule, DSCR and LLCR."""
    life, tenor = int(project_life), int(tenor)
    if tenor >= life:  # the app's sliders bound each other; a direct call is told
        raise InputError("tenor", tenor, f"fewer years than the project's life ({life})")
    cf = LV.cfads_profile(cfads_usd_bn, life, shape, ramp_years=3, decline=0.02)
    rate = LV.DebtTerms().rate()
    A.check("target_dscr", target_dscr)
    sized = LV.size_debt(cf, rate, target_dscr, tenor, total_uses_usd_bn, gearing_pct / 100)
    sched = sized["schedule"] if profile == "sculpted" else LV.debt_schedule(sized["debt"], rate, tenor, profile, cfads=cf)
    tbl = sched.table()
    llcr0 = tbl["llcr"].iloc[0]
    breaches = int(np.sum(sched.dscr[1:tenor + 1] < target_dscr - 1e-9))
    rows = [
        ("Debt rate (SOFR + spread + guarantee fee)", f"{rate:.2%}"),
        ("Debt the cash flow can carry at the DSCR target", usd_bn(sized["dscr_capacity"])),
        ("Gearing cap (gearing × total uses)", usd_bn(sized["gearing_capacity"])),
        ("Debt raised: the smaller of the two", f"{usd_bn(sized['debt'])} ({sized['binding']} binds)"),
        ("Equity needed", usd_bn(sized["equity"])),
        ("Minimum / average DSCR (" + profile + ")", f"{sched.min_dscr:.2f}× / {sched.avg_dscr:.2f}×"
         if sized["debt"] > 1e-9 else "n/a (no debt to serve)"),
        ("Years below the DSCR target", f"{breaches} of {tenor}"),
        ("LLCR at financial close", shown(llcr0 if sized["debt"] > 1e-9 else float("nan"), ".2f", "no debt") + ("×" if sized["debt"] > 1e-9 else "")),
        ("PLCR at financial close", shown(sched.plcr[0] if sized["debt"] > 1e-9 else float("nan"), ".2f", "no debt") + ("×" if sized["debt"] > 1e-9 else "")),
    ]
    return View(table_html(rows, "Sizing the debt"), {"schedule": C.debt_schedule_chart(tbl)})


def _bound_tenor(controls, key=None) -> None:
    """The tenor stays shorter than the project's life: its slider's maximum follows the life, and
    the tenor the reader chose comes back when the life allows it again."""
    life, tenor = controls["project_life"], controls["tenor"]
    if key == "tenor" or not hasattr(tenor, "fundlib_wanted"):
        tenor.fundlib_wanted = tenor.value
    tenor.max = min(A.get("debt_tenor_years").high, life.value - 1)  # the slider clamps its value
    tenor.value = min(tenor.fundlib_wanted, tenor.max)


def build_project_finance_app() -> LiveApp:
    controls = {
        "cfads_usd_bn": widgets.FloatSlider(value=10.0, min=1.0, max=50.0, step=0.5, description="CFADS at full output ($bn/yr)",
                                            continuous_update=False, style={"description_width": "210px"},
                                            layout=widgets.Layout(width="520px")),
        "shape": widgets.ToggleButtons(options=[("level", "level"), ("ramp-up", "ramp"), ("declining 2%/yr", "declining")],
                                       value="ramp", description="CFADS profile", style={"description_width": "210px"}),
        "project_life": widgets.IntSlider(value=30, min=10, max=40, description="Project life (years)", continuous_update=False,
                                          style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
        "target_dscr": slider("target_dscr", "Target DSCR (×)", step=0.05, fmt=".2f"),
        "tenor": slider("debt_tenor_years", "Debt tenor (years)", step=1, fmt=".0f"),
        "profile": widgets.ToggleButtons(options=["sculpted", "annuity", "bullet"], value="sculpted",
                                         description="Repayment profile", style={"description_width": "210px"}),
        "gearing_pct": pct_slider("gearing_max", "Maximum gearing (% of uses)", 1, ".0f"),
        "total_uses_usd_bn": widgets.FloatSlider(value=150.0, min=10.0, max=900.0, step=10, description="Total uses ($bn)",
                                                 continuous_update=False, style={"description_width": "210px"},
                                                 layout=widgets.Layout(width="520px")),
    }
    _bound_tenor(controls)
    return LiveApp("How much debt can the projects carry?", controls, render_project_finance,
                   groups={"Cash flow": ["cfads_usd_bn", "shape", "project_life"],
                           "Debt": ["target_dscr", "tenor", "profile", "gearing_pct", "total_uses_usd_bn"]},
                   couple=lambda app, key: _bound_tenor(app.controls, key),
                   intro="Debt is drawn when construction ends (year 0) and repaid from CFADS. "
                         "Its size comes from sculpting at the target DSCR, capped by gearing; the chosen profile then repays that amount.")


def render_risk(asset_volatility_pct: float, leverage: float, asset_return_pct: float, debt_rate_pct: float,
                distribution: str, scenarios: int, seed: int) -> View:
    """Asset volatility and leverage → distribution of one-year equity returns and the chance of a loss."""
    mu, sig, rd = asset_return_pct / 100, asset_volatility_pct / 100, debt_rate_pct / 100
    draws = LV.simulate_equity_returns(mu, sig, rd, leverage, n=int(scenarios), seed=int(seed), distribution=distribution)
    p_loss = LV.prob_equity_loss(mu, sig, rd, leverage, distribution=distribution)
    p_wipe = LV.prob_equity_loss(mu, sig, rd, leverage, threshold=-1.0, distribution=distribution)
    rows = [
        ("Equity volatility = L × asset volatility", f"{LV.equity_volatility(sig, leverage):.1%}"),
        ("Expected return on equity", f"{LV.levered_return(mu, rd, leverage):.2%}"),
        ("P(equity loses money in a year), formula", f"{p_loss:.2%}"),
        ("… by simulation (seed " + str(int(seed)) + ")", f"{np.mean(draws < 0):.2%}"),
        ("P(equity wiped out in a year), formula", f"{p_wipe:.3%}"),
        ("5% worst case (5th percentile)", signed(max(np.quantile(draws, 0.05), -1.0), ".1%")),
        ("Draws below −100%, shown at −100% (limited liability)", f"{np.mean(draws < -1.0):.2%}"),
    ]
    from fundlib.export import Run      # the export package loads on first use, not with the notebook

    record_run(Run("One-year equity returns", int(seed), int(scenarios),
                   [("Asset volatility", asset_volatility_pct, "% a year"), ("Leverage", leverage, "×"),
                    ("Expected asset return", asset_return_pct, "% a year"), ("Debt rate", debt_rate_pct, "% a year"),
                    ("Distribution of asset returns", distribution, "")],
                   pd.DataFrame({"equity return, before the −100% floor (%)": draws * 100,
                                 "equity return, floored at −100% (%)": np.maximum(draws, -1.0) * 100})))
    # Limited liability: owners cannot lose more than their equity; a loss beyond −100% falls on the
    # lenders (here on the guarantors, who pay the bondholders), so the chart floors returns at −100%.
    return View(table_html(rows, "Leverage multiplies risk"),
                {"hist": C.return_histogram(np.maximum(draws, -1.0),
                                            title="One-year equity returns (floored at −100%: limited liability)")})


def build_risk_app() -> LiveApp:
    controls = {
        "asset_volatility_pct": pct_slider("asset_volatility", "Asset volatility (% a year)", 0.5, ".1f"),
        "leverage": slider("leverage_x", "Leverage (assets / equity, ×)", step=0.1, fmt=".1f"),
        "asset_return_pct": pct_slider("asset_return", "Expected asset return (%)", 0.25, ".2f"),
        "debt_rate_pct": widgets.FloatSlider(value=round(S.FundStructure().debt_rate() * 100, 2),
                                             min=0.0, max=12.0, step=0.1, description="Debt cost (%)", readout_format=".2f",
                                             continuous_update=False, style={"description_width": "210px"},
                                             layout=widgets.Layout(width="520px")),
        "distribution": widgets.ToggleButtons(options=["normal", "lognormal"], value="normal", description="Asset returns",
                                              style={"description_width": "210px"}),
        "scenarios": widgets.IntSlider(value=20_000, min=1_000, max=200_000, step=1_000, description="Scenarios",
                                       continuous_update=False, style={"description_width": "210px"},
                                       layout=widgets.Layout(width="520px")),
        "seed": widgets.IntText(value=2025, description="Seed", style={"description_width": "210px"}),
    }
    return LiveApp("How leverage multiplies risk", controls, render_risk)
