"""Notebook 05: who gets paid — the US Treasury owning the fund vs tax credits vs tariffs, and
Japan's yen P&L over its FILP funding, hedged and unhedged.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import charts as C
from fundlib import treasury as TR
from fundlib.apps.display import table_html, usd_bn
from fundlib.apps.live import LiveApp, View, fund_from_sliders, pct_slider, preset_picker, slider
from fundlib.market import Market


def render_who_gets_paid(asset_return_pct: float, us_share_pct: float, preset: str, tax_credit_pct: float,
                         effective_tax_pct: float, tariff_pct: float, import_base_usd_bn: float,
                         discount_pct: float, yen_appreciation_pct: float) -> View:
    """Fund return, ownership, terms, tax credit, tariff, discount rate and FX → each government's take."""
    fund = fund_from_sliders(A.value("equity_usd_bn"), A.value("leverage_x"), us_share_pct)
    market = Market.current()
    r_a = asset_return_pct / 100
    res = CH.run(fund, market, asset_return=r_a, preset=preset, yen_appreciation=yen_appreciation_pct / 100)
    us = TR.compare_us(fund, r_a, preset, credit_rate=tax_credit_pct / 100, effective_tax_rate=effective_tax_pct / 100,
                       tariff=tariff_pct / 100, import_base=import_base_usd_bn, discount_rate=discount_pct / 100,
                       market=market, result=res)
    jp = {label: res.japan_yen(hedged) for label, hedged in (("Hedged", True), ("Unhedged", False))}
    t = np.arange(res.ledger.T, dtype=float)
    jp_pv = pd.Series({k: float(v["net_jpy_tn"][0] @ market.discount("JPY", t)) for k, v in jp.items()})
    jp_fair = pd.Series({k: float(v["net_jpy_tn"][0] @ market.discount("JPY", t, A.value("equity_risk_premium")))
                         for k, v in jp.items()})
    be_h, be_u = TR.breakeven_fund_returns(fund, yen_appreciation_pct / 100, preset, market)

    def pct(x):
        return f"{x:.2%}" if x == x else "none in range"

    us_in = -us.streams["Own the fund"].clip(upper=0).sum()
    per_fund = us.per_dollar["Own the fund"]
    rows = [
        ("US: public money in the fund", usd_bn(us_in) if us_in > 0 else "none under these terms"),
        ("US: PV per $1, owning the fund (budget view / fair value)",
         f"${per_fund:.2f} / ${us.per_dollar_fair['Own the fund']:.2f}" if per_fund == per_fund else
         f"no outlay; receives {usd_bn(us.pv['Own the fund'])} in PV"),
        ("US: PV per $1, tax-credit playbook (budget view / fair value)",
         f"${us.per_dollar['Tax-credit playbook']:.2f} / ${us.per_dollar_fair['Tax-credit playbook']:.2f}"
         if us_in > 0 else "n/a (no public money to spend at this US share)"),
        (f"US: tariff PV ({tariff_pct:.0f}% vs 0%, no outlay; budget view)", usd_bn(us.pv["Tariff (no outlay)"])),
        ("US discount rate: budget view (your slider) / fair value (+ equity risk premium)",
         f"{us.discount_rate:.2%} / {us.fair_rate:.2%}"),
        ("Japan: surplus over FILP, hedged / unhedged (budget view, on the JGB curve)",
         f"¥{jp_pv['Hedged']:,.1f}tn / ¥{jp_pv['Unhedged']:,.1f}tn"),
        ("Japan: the same at fair value (JGB curve + equity risk premium)",
         f"¥{jp_fair['Hedged']:,.1f}tn / ¥{jp_fair['Unhedged']:,.1f}tn"),
        ("Japan: break-even fund return, hedged / unhedged", f"{pct(be_h)} / {pct(be_u)}"),
    ]
    us_cum = us.streams
    jp_cum = pd.DataFrame({k: v["net_jpy_tn"][0] for k, v in jp.items()})
    return View(table_html(rows, "Who gets paid"),
                {"pv": C.government_pv_chart(us.pv, jp_pv), "cum": C.cumulative_cash_chart(us_cum, jp_cum)})


def build_who_gets_paid_app() -> LiveApp:
    controls = {
        "asset_return_pct": pct_slider("asset_return", "Fund gross return on assets (%)", 0.25, ".2f"),
        "us_share_pct": pct_slider("us_treasury_share", "US Treasury share (%)", 5, ".0f"),
        "preset": preset_picker(),
        "tax_credit_pct": pct_slider("tax_credit_rate", "Tax credit (% of capex)", 1, ".0f"),
        "effective_tax_pct": pct_slider("effective_tax_rate", "Tax recovered on operating cash (%)", 1, ".0f"),
        "tariff_pct": pct_slider("us_tariff_floor", "Tariff on Japanese imports (%)", 1, ".0f"),
        "import_base_usd_bn": slider("us_imports_from_japan_usd_bn", "Imports from Japan ($bn/yr)", step=1, fmt=".0f"),
        "discount_pct": pct_slider("ust_30y", "US discount rate (%)", 0.05, ".2f"),
        "yen_appreciation_pct": widgets.FloatSlider(value=0.0, min=-5.0, max=10.0, step=0.5, readout_format=".1f",
                                                    description="Yen appreciation (%/yr, unhedged)", continuous_update=False,
                                                    style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
    }
    return LiveApp("Who gets paid: owning, subsidizing or taxing", controls, render_who_gets_paid,
                   chart_tabs={"pv": "Present value by route", "cum": "Cumulative cash, year by year"},
                   export=lambda v: {"yen_appreciation": v["yen_appreciation_pct"] / 100},
                   groups={"The fund": ["asset_return_pct", "us_share_pct", "preset"],
                           "US routes": ["tax_credit_pct", "effective_tax_pct", "tariff_pct", "import_base_usd_bn",
                                         "discount_pct"],
                           "Japan": ["yen_appreciation_pct"]},
                   intro="The tax-credit route spends the same public money as the US fund stake; tariffs need no outlay. "
                         "Japan's side is in yen, after paying the FILP coupons; hedged means a forward locked for each "
                         f"cash flow's date from the term rates. Market numbers of month-end {Market.current().as_of}.")
