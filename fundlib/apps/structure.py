"""Notebook 01: the structure app (owners, votes, leverage, fees → stack, governance, waterfall)
and the three-terms app (the proposal, a retail-first variant and the 2025 MOU on one fund).
"""

from __future__ import annotations

import inspect
import ipywidgets as widgets
import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import charts as C
from fundlib import structure as S
from fundlib import waterfall as W
from fundlib.apps.display import frame_html, table_html, usd_bn
from fundlib.apps.live import LiveApp, View, fund_from_sliders, pct_slider, preset_picker, slider
from fundlib.finance import irr
from fundlib.market import Market


def _structure_fund(us_share_pct, other_share_pct, us_retail_pct, japan_retail_pct, us_votes_pct, leverage,
                    spread_bp, sub_debt_pct, management_fee_pct, fee_basis, carry_pct, hurdle_pct, deploy_years,
                    hedge_pct=None):
    fees = S.Fees(management_fee_pct / 100, fee_basis, carry_pct / 100, hurdle_pct / 100)
    return fund_from_sliders(A.value("equity_usd_bn"), leverage, us_share_pct, other_share_pct, us_retail_pct,
                             japan_retail_pct, us_votes_pct, sub_debt_pct, senior_spread_bp=spread_bp, fees=fees,
                             deploy_years=int(deploy_years),
                             hedge_share=A.value("debt_hedge_share") if hedge_pct is None else hedge_pct / 100)


def _structure_export(v: dict) -> dict:
    """The fund the app runs (its fee basis too, which the register does not hold) for the workbook."""
    fund = _structure_fund(**{k: v[k] for k in inspect.signature(_structure_fund).parameters})
    return {"fund": fund, "asset_return": v["asset_return_pct"] / 100}


def owners_under_terms(fund: S.FundStructure, preset: str) -> tuple[pd.DataFrame, dict, dict]:
    """Who puts in what and who gets which share of the cash under the terms ``preset``, from the same
    :func:`fundlib.waterfall.preset_terms` the chain runs: (table by owner, its column formats, each
    owner's share of the capital paid in). Pro-rata terms give one economic share; terms that split the
    cash by fixed shares whatever was paid in (the MOU) give each split's shares instead (votes do not apply)."""
    ownership, paid_in, tiers = W.preset_terms(preset, fund, fund.fees)
    splits = [t for t in tiers if getattr(t, "shares", None)]
    cols = {"capital put in": {o: fund.equity_usd_bn * paid_in[o] for o in S.OWNERS}}
    if splits:
        for t in splits:
            name = "cash share until recouped" if isinstance(t, W.SplitUntilRecouped) else "then"
            cols[name] = {o: t.shares.get(o, 0.0) for o in S.OWNERS}
    else:
        cols["economic share"], cols["board votes"] = ownership, fund.votes
    keep = [o for o in S.OWNERS if any(c[o] for c in cols.values())]
    table = pd.DataFrame({k: [v[o] for o in keep] for k, v in cols.items()}, index=[S.OWNER_LABELS[o] for o in keep])
    formats = {k: ("usd" if k == "capital put in" else "pct") for k in cols}
    return table, formats, paid_in


def _mou_note(table: pd.DataFrame) -> str:
    """One sentence under the MOU terms: the US Treasury's part is a claim on the cash, not capital."""
    us, jp = table.loc["US Treasury"], table.loc["Japan MoF"]
    return ("<p style='max-width:400px;white-space:normal;line-height:1.3;margin:2px 0 6px'><b>Under the MOU</b> "
            f"Japan's MoF puts in all {usd_bn(jp['capital put in'])}, the US Treasury {usd_bn(us['capital put in'])}: "
            f"the US holds a claim on the cash, not capital ({us.iloc[1]:.0%} until Japan recoups with deemed interest, "
            f"then {us.iloc[2]:.0%}), so it has no layer in the stack. A US-chaired committee picks the projects; the owner "
            "and vote sliders do not apply.</p>")


def render_structure(preset: str, us_share_pct: float, other_share_pct: float, us_retail_pct: float,
                     japan_retail_pct: float, us_votes_pct: float, leverage: float, asset_return_pct: float,
                     spread_bp: float, sub_debt_pct: float, management_fee_pct: float, fee_basis: str,
                     carry_pct: float, hurdle_pct: float, deploy_years: int, hedge_pct: float | None = None) -> View:
    """Owner shares, votes, leverage, fund return and fees → capital stack, governance, waterfall, owner returns."""
    fund = _structure_fund(us_share_pct, other_share_pct, us_retail_pct, japan_retail_pct, us_votes_pct, leverage,
                           spread_bp, sub_debt_pct, management_fee_pct, fee_basis, carry_pct, hurdle_pct, deploy_years,
                           hedge_pct)
    market = Market.current()
    res = CH.run(fund, market, asset_return=asset_return_pct / 100, preset=preset)
    own, own_formats, paid_in = owners_under_terms(fund, preset)
    summary = res.summary().set_index("payee")
    summary.index.name = None
    returns = summary.rename(columns={"paid_in_usd_bn": "paid in", "received_usd_bn": "received",
                                      "profit_usd_bn": "net gain", "irr": "IRR", "moic": "MOIC"})
    missing = [o for o in own.index if o not in returns.index]        # an owner with a claim that was paid nothing
    if missing:
        returns = pd.concat([pd.DataFrame({"paid in": 0.0, "received": 0.0, "net gain": 0.0, "IRR": np.nan,
                                           "MOIC": np.nan}, index=missing), returns])
    cures = sum(res.ledger.total(o, "equity cure", "out")[0].sum() for o in S.OWNERS)
    eq_irr = irr(res.equity_flows()[0])
    mou = preset == "mou_2025"
    rows = [
        ("Terms", W.PRESETS[preset].split(":")[0].replace(" US–Japan", "").replace(" as reported", "")),   # short: beside the sliders
        ("Debt cost: SOFR + spread + fee" + (" (blended with sub debt)" if fund.sub_debt_share else ""),
         f"{fund.debt_rate(market):.2%}"),
        ("Senior debt swapped to fixed at close", f"{fund.hedge_share:.0%} at {res.swap_fixed[0]:.2%}"
         if fund.hedge_share and res.swap_fixed[0] else "none: all floating"),
        ("Debt-service reserve funded at close", usd_bn(res.reserve_target[0])),
        ("Ex-Im Bank + JBIC: guarantee fees earned / calls paid", f"{usd_bn(res.guarantee_fees()[0].sum())} / "
                                                                 f"{usd_bn(res.guarantee_calls()[0].sum())}"),
        ("Owners' equity IRR, all owners together", f"{eq_irr:.2%}" if np.isfinite(eq_irr) else "n/a (never paid back)"),
        ("Fund life", f"{fund.life_years} years"),
        ("Market as of", market.as_of),
    ]
    if cures > 0.05:
        rows.insert(6, ("Equity cures paid in on top of the capital put in", usd_bn(cures)))
    head = table_html(rows, "The fund")
    body = (head + frame_html(own, own_formats, "Who puts in what and who gets the cash" if mou else "Who owns and who decides")
            + (_mou_note(own) if mou else "")
            + frame_html(returns, {"paid in": "usd", "received": "usd", "net gain": "usd", "IRR": "pct", "MOIC": "x"},
                         "What each party gets over the fund's life", css_class="fundlib-table fundlib-returns"))
    title = "Capital stack: the US puts in no capital" if mou else "Capital stack"
    return View(body, {"stack": C.capital_stack_chart(S.capital_stack(fund, paid_in), title),
                       "waterfall": C.waterfall_chart(res.by_tier())})


def build_structure_app() -> LiveApp:
    """Sliders for owner shares, votes, leverage, fund return and fees; a preset picker for the waterfall terms."""
    controls = {
        "preset": preset_picker(),
        "us_share_pct": pct_slider("us_treasury_share", "US Treasury share (%)", 5, ".0f"),
        "other_share_pct": pct_slider("other_lp_share", "Other LPs' share (%)", 5, ".0f"),
        "us_retail_pct": pct_slider("us_retail_share", "US retail share (%)", 1, ".0f"),
        "japan_retail_pct": pct_slider("japan_retail_share", "Japanese retail share (%)", 1, ".0f"),
        "us_votes_pct": pct_slider("us_treasury_votes", "US Treasury board votes (%)", 5, ".0f"),
        "leverage": slider("leverage_x", "Leverage (assets / equity, ×)", step=0.1, fmt=".1f"),
        "asset_return_pct": pct_slider("asset_return", "Fund gross return on assets (%)", 0.25, ".2f"),
        "spread_bp": slider("senior_spread_bp", "Debt spread over SOFR (bp)", step=5, fmt=".0f"),
        "sub_debt_pct": pct_slider("sub_debt_share", "Subordinated share of debt (%)", 5, ".0f"),
        "hedge_pct": pct_slider("debt_hedge_share", "Senior debt swapped to fixed (%)", 5, ".0f"),
        "management_fee_pct": pct_slider("management_fee", "Management fee (% a year)", 0.25, ".2f"),
        "fee_basis": widgets.ToggleButtons(options=[("on committed capital", "committed"), ("on invested capital", "invested")],
                                           value="committed", description="Fee charged",
                                           style={"description_width": "210px", "button_width": "150px"}),
        "carry_pct": pct_slider("carried_interest", "Carried interest (%)", 1, ".0f"),
        "hurdle_pct": pct_slider("hurdle_rate", "Hurdle (preferred return, %)", 0.5, ".1f"),
        "deploy_years": slider("deploy_years", "Years to call the equity", step=1, fmt=".0f"),
    }
    return LiveApp("Who owns, who decides, who gets paid", controls, render_structure, export=_structure_export,
                   chart_tabs={"stack": "Capital stack", "waterfall": "Where every dollar paid out goes"},
                   groups={"Owners": ["preset", "us_share_pct", "other_share_pct", "us_retail_pct", "japan_retail_pct",
                                      "us_votes_pct"],
                           "Assets and debt": ["leverage", "asset_return_pct", "spread_bp", "sub_debt_pct", "hedge_pct",
                                               "deploy_years"],
                           "Fees": ["management_fee_pct", "fee_basis", "carry_pct", "hurdle_pct"]},
                   intro="<div style='line-height:1.35'>Japan's MoF holds the equity nobody else does. Fees and carry go "
                         "to a fund manager (none under the proposal). Under the MOU terms Japan pays in everything, the US "
                         "nothing.</div>")


def preset_comparison(asset_return: float, deemed_rate: float, life_years: int | None = None,
                      fund: S.FundStructure | None = None, market: Market | None = None) -> pd.DataFrame:
    """Each payee's paid-in, received, net gain and IRR under every preset, for the same fund (one chain each)."""
    fund = fund or S.FundStructure()
    if life_years is not None:
        fund = fund.with_(life_years=int(life_years), deploy_years=min(fund.deploy_years, int(life_years)))
    market = market or Market.current()
    rows = []
    for key, label in W.PRESETS.items():
        kw = {"deemed_rate": deemed_rate} if key == "mou_2025" else {}
        res = CH.run(fund, market, asset_return=asset_return, preset=key, **kw)
        for r in res.summary().itertuples():
            rows.append({"preset": label.split(":")[0], "payee": r.payee, "paid_in_usd_bn": r.paid_in_usd_bn,
                         "received_usd_bn": r.received_usd_bn, "net_gain_usd_bn": r.profit_usd_bn, "irr": r.irr})
    return pd.DataFrame(rows)


def render_presets(asset_return_pct: float, deemed_rate_pct: float, life_years: float) -> View:
    """The same fund under the three sets of terms: who gains, who loses, and Japan's MOU position."""
    df = preset_comparison(asset_return_pct / 100, deemed_rate_pct / 100, int(life_years))
    table = df.set_index(["preset", "payee"])[["paid_in_usd_bn", "net_gain_usd_bn", "irr"]]
    table.index = [f"{p} · {q}" for p, q in table.index]
    table.columns = ["paid in", "net gain", "IRR"]
    fund = S.FundStructure().with_(life_years=int(life_years), deploy_years=1)
    mou = CH.run(fund, asset_return=asset_return_pct / 100, preset="mou_2025", deemed_rate=deemed_rate_pct / 100)
    jv = W.mou_japan_view(mou.waterfall_at(0), deemed_rate_pct / 100)
    recouped = jv["profit share received ($bn)"] > 0
    view = table_html([
        ("Japan paid in", usd_bn(jv["paid in ($bn)"])),
        ("received on the 'loan' leg (50/50)", usd_bn(jv["loan leg received ($bn)"])),
        ("received as 10% profit share", usd_bn(jv["profit share received ($bn)"])),
        ("Japan's all-in IRR", f"{jv['all-in IRR']:.2%}" if jv["all-in IRR"] == jv["all-in IRR"] else "n/a"),
        ("deemed interest rate", f"{jv['deemed interest rate']:.2%}"),
        ("recouped within the fund's life?", "yes" if recouped else "no: Japan never reaches the 90/10 phase"),
        ("US received, with no capital in", usd_bn(jv["US received with no capital in ($bn)"])),
    ], "Japan's position under the MOU: a loan plus a profit share")
    body = frame_html(table, {"paid in": "usd", "net gain": "usd", "IRR": "pct"}, "Same fund, three sets of terms",
                       css_class="fundlib-table fundlib-presets") + view
    return View(body, {"presets": C.preset_comparison_chart(df)})


def build_presets_app() -> LiveApp:
    controls = {
        "asset_return_pct": pct_slider("asset_return", "Fund gross return on assets (%)", 0.25, ".2f"),
        "deemed_rate_pct": pct_slider("mou_deemed_rate", "MOU deemed interest rate (%)", 0.25, ".2f"),
        "life_years": slider("fund_life_years", "Fund life (years)", step=1, fmt=".0f"),
    }
    return LiveApp("The same fund under three sets of terms", controls, render_presets,
                   intro="Default ownership (50/50, no fees). Under the MOU terms Japan pays in all the equity.")
