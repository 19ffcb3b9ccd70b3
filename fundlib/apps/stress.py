"""Notebook 06: the stress dashboard — the named shocks and the reader's own (SOFR, USD/JPY, an AI
capex bust, construction delay) through the whole chain, side by side.
"""

from __future__ import annotations

import ipywidgets as widgets

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import charts as C
from fundlib import stress as ST
from fundlib.apps.display import frame_html
from fundlib.apps.live import LiveApp, View
from fundlib.market import Market


# each government with its guarantor (stress.run_chain: the US Treasury + Ex-Im Bank, Japan's MoF + JBIC), as notebook 06 names them
US_LOSS, JAPAN_LOSS = "US (Treasury + Ex-Im) loss vs base, PV", "Japan (MoF + JBIC) loss vs base, ¥tn PV"


def render_stress(sofr_bp: float, usdjpy: float, ai_bust: float, delay_years: int) -> View:
    """The named stresses and your own, through the whole chain, in one dashboard."""
    shocks = ST.named_shocks()
    shocks["Your scenario"] = ST.Shock(sofr_bp, usdjpy, ai_bust, int(delay_years))
    table, long = ST.stress_table(shocks)
    shown = table[["equity IRR", "change in equity value ($bn)", "min DSCR", "lock-up years", "default years",
                   "guarantee calls ($bn)", "US loss vs base ($bn PV)", "Japan loss vs base (¥tn PV)"]].copy()
    shown.columns = ["equity IRR", "Δ equity value", "min DSCR", "lock-up yrs", "default yrs", "guarantee calls",
                     US_LOSS, JAPAN_LOSS]
    shown.index.name = None
    html_table = frame_html(shown, {"equity IRR": "pct", "Δ equity value": "usd", "min DSCR": ".2f", "lock-up yrs": ".0f",
                                     "default yrs": ".0f", "guarantee calls": "usd", US_LOSS: "usd",
                                     JAPAN_LOSS: ",.1f"},
                             f"The fund under stress (equity $300bn, debt $600bn, pro rata to owners; market of month-end {Market.current().as_of}; "
                             "PVs: the US at the 30-year UST, Japan on the JGB curve)",
                             css_class="fundlib-table fundlib-stress")
    keep = ["Base", "Your scenario"] + [k for k in shocks if k not in ("Base", "Your scenario")]
    paths = long[long["scenario"].isin(keep)]
    return View(html_table, {"losses": C.stress_losses_chart(table),
                             "dscr": C.dscr_paths_chart(paths, A.value("lockup_dscr"), A.value("default_dscr"))})


def build_stress_app() -> LiveApp:
    controls = {
        "sofr_bp": widgets.FloatSlider(value=0.0, min=-200, max=1000, step=25, description="SOFR change (bp)", readout_format=".0f",
                                       continuous_update=False, style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
        "usdjpy": widgets.FloatSlider(value=Market.current().usdjpy, min=60, max=200, step=1, description="USD/JPY after the shock (¥)",
                                      readout_format=".0f", continuous_update=False, style={"description_width": "210px"},
                                      layout=widgets.Layout(width="520px")),
        "ai_bust": widgets.FloatSlider(value=0.0, min=0.0, max=2.5, step=0.1, description="AI capex bust (1 = named)",
                                       readout_format=".1f", continuous_update=False, style={"description_width": "210px"},
                                       layout=widgets.Layout(width="520px")),
        "delay_years": widgets.IntSlider(value=0, min=0, max=10, description="Construction delay (years)", continuous_update=False,
                                         style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
    }
    return LiveApp("Stress dashboard: build your own scenario", controls, render_stress,
                   chart_tabs={"losses": "Losses by scenario", "dscr": "Debt service cover, year by year"},
                   export=lambda v: {"shocks": CH.Shocks(v["sofr_bp"], v["usdjpy"], v["ai_bust"], int(v["delay_years"]))},
                   intro="Your scenario is the last row and the highlighted line; the named scenarios stay for comparison.")
