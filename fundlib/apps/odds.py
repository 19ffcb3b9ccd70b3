"""Notebook 07: the odds — rates, the yen and the projects all uncertain at once, through the whole
chain: each government's chance of a loss, the guarantors' calls, what drives Japan's outcome.
"""

from __future__ import annotations

import ipywidgets as widgets

from fundlib import assumptions as A
from fundlib import charts as C
from fundlib import odds as OD
from fundlib.odds import paths as PA
from fundlib.apps.display import jpy_tn, table_html, usd_bn
from fundlib.apps.live import LiveApp, View, pct_slider, report_progress, slider
from fundlib.apps.projects import WEIGHT_KEYS, _rebalance
from fundlib.market import Market

PROGRESS_FROM = 10_000   # runs of this many scenarios or more (about half a second) show a progress bar


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _usd(x: float) -> str:
    """$bn without the unit (it follows the last number of the row)."""
    return usd_bn(x).replace("bn", "")


def _jpy(x: float) -> str:
    return jpy_tn(x).replace("tn", "")


VIEWS = {"Hedged": "hedged", "Rolled hedge": "rolled", "Unhedged": "unhedged"}
RATE_MODELS = {"Pulled to a level": "pull", "Random walk": "walk"}


SHORT = {"sofr_below_zero": "SOFR below 0 in some year", "sofr_above_10pct": "SOFR above 10% in some year",
         "sofr_last_p95": "SOFR in the last year, P95", "sofr_sd_ratio": "SOFR spread, year 40 ÷ year 10",
         "p_any_call": "P(any guarantee call)", "credit_loss_share": "Guarantors' credit loss, % of the debt",
         "p_owners_nothing": "Owners get nothing back", "credit_loss_p99_share": "Guarantors' P99 credit loss, % of the debt",
         "asset_return_sd": "Asset return, sd across scenarios"}


def _guarantors(q) -> str:
    """Mean and P99 loss net of fees: once with "each" when the two guarantors' are the same, else both."""
    pairs = [f"{usd_bn(r.loss_mean_usd_bn)} · {usd_bn(r.loss_p99_usd_bn)}" for r in q.itertuples()]
    return pairs[0] + " each" if len(set(pairs)) == 1 else "; ".join(f"{w} {p}" for w, p in zip(("Ex-Im", "JBIC"), pairs))


def render_odds(w_data_centres_pct: float, w_power_pct: float, w_chip_packaging_pct: float, w_logistics_pct: float,
                leverage: float, scenarios: int, block_months: int, view: str, rate_model: str = "Pulled to a level") -> View:
    """Sector weights, leverage, scenario count, block length, the Japan view and the rate model → the odds."""
    weights = {"data_centres": w_data_centres_pct / 100, "power": w_power_pct / 100,
               "chip_packaging": w_chip_packaging_pct / 100, "logistics": w_logistics_pct / 100}
    n = int(scenarios)
    res = OD.run_odds(n=n, block_months=int(block_months), leverage=leverage, weights=weights, model=RATE_MODELS[rate_model],
                      chunk=max(2_000, n // 10), callback=report_progress if n >= PROGRESS_FROM else None)
    g, q = res.governments(), res.guarantors()
    key = VIEWS[view]
    jp = "Japan MoF, rolled hedge" if key == "rolled" else f"Japan MoF, {key}"
    us, ja = g.loc["US Treasury"], g.loc[jp]
    v = view.lower()
    cal = res.calibration()
    rows = [
        ("US Treasury: P(loss), PV < 0 · nominal", f"{_pct(us['prob_loss'])} · {_pct(us['prob_nominal_loss'])}"),
        ("US: PV P5 · P50 · P95 · ES 5%", f"{_usd(us['pv_p5'])} · {_usd(us['pv_p50'])} · {_usd(us['pv_p95'])} · {usd_bn(us['pv_es5'])}"),
        ("Japan: P(loss), PV < 0 · nominal · < FILP",
         f"{_pct(ja['prob_loss'])} · {_pct(ja['prob_nominal_loss'])} · {_pct(ja['prob_below_filp'])} ({v})"),
        ("Japan: PV P5 · P50 · P95 · ES 5%", f"{_jpy(ja['pv_p5'])} · {_jpy(ja['pv_p50'])} · {_jpy(ja['pv_p95'])} · {jpy_tn(ja['pv_es5'])}"),
        ("P(any guarantee call of $0.1bn or more)", _pct(res.probability("any_guarantee_call"))),
        ("Ex-Im, JBIC: loss net of fees, mean · P99", _guarantors(q)),
    ]
    rows.append(("Against real-world anchors (last tab)",
                 f"{(cal['verdict'] == 'within').sum()} of {len(cal)} within · {n:,} · {rate_model.split()[0].lower()}"))
    us_m = {"P5": us["pv_p5"], "P50": us["pv_p50"], "P95": us["pv_p95"]}
    ja_m = {"P5": ja["pv_p5"], "P50": ja["pv_p50"], "P95": ja["pv_p95"]}
    metric = f"japan_pv_{key}_jpy_tn"
    charts = {
        "us": C.odds_histogram_chart(res.histogram("us_pv_usd_bn"), "US Treasury: PV of its stake ($bn)",
                                     "US Treasury: what its stake is worth across scenarios", us_m, "$bn"),
        "japan": C.odds_histogram_chart(res.histogram(metric), f"Japan MoF: PV after FILP funding, {view.lower()} (¥tn)",
                                        f"Japan MoF ({view.lower()}): what its stake is worth after FILP funding", ja_m, "¥tn"),
        "tornado": C.odds_tornado_chart(res.tornado(metric), f"What drives Japan's outcome ({view.lower()})"),
        "anchors": C.calibration_chart(cal, SHORT),
    }
    return View(table_html(rows, "The odds, across scenarios"), charts)


def build_odds_app() -> LiveApp:
    def w(id, desc):
        return pct_slider(id, desc, 5, ".0f")

    style, wide = {"description_width": "210px"}, widgets.Layout(width="520px")
    controls = {
        "w_data_centres_pct": w("w_data_centres", "AI data centres (%)"),
        "w_power_pct": w("w_power", "Power generation (%)"),
        "w_chip_packaging_pct": w("w_chip_packaging", "Chip packaging (%)"),
        "w_logistics_pct": w("w_logistics", "Logistics (%)"),
        "leverage": slider("leverage_x", "Leverage (assets / equity, ×)", step=0.1, fmt=".1f"),
        "scenarios": widgets.SelectionSlider(options=[1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000], value=2_000,
                                             description="Scenarios", continuous_update=False, style=style, layout=wide),
        "block_months": widgets.IntSlider(value=PA.DEFAULT_BLOCK_MONTHS, min=int(A.get("odds_block_months").low),
                                          max=int(A.get("odds_block_months").high), step=1,
                                          description="Block length (months of history)", continuous_update=False,
                                          style=style, layout=wide),
        "view": widgets.ToggleButtons(options=list(VIEWS), value="Hedged", description="Japan's yen view",
                                      style={"description_width": "210px", "button_width": "auto"}),
        "rate_model": widgets.ToggleButtons(options=list(RATE_MODELS), value="Pulled to a level", description="Rate paths",
                                            style={"description_width": "210px", "button_width": "auto"}),
    }
    return LiveApp("The odds: each government's gain or loss, with everything uncertain at once", controls, render_odds,
                   couple=_rebalance,
                   groups={"Fund": ["leverage", *WEIGHT_KEYS], "Run": ["scenarios", "block_months", "view", "rate_model"]},
                   chart_tabs={"us": "US Treasury", "japan": "Japan MoF", "tornado": "What drives Japan",
                               "anchors": "Against anchors"},
                   intro="Each scenario draws a market path (rates pulled to cited long-run levels and floored, shocked by "
                         "history's monthly shocks since 2000) and the projects as portfolios, then runs the whole chain. "
                         f"Last tab: each headline against its anchor. Market start: month-end {Market.current().as_of}.")
