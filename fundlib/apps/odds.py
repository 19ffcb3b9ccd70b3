"""Notebook 07: the odds — rates, the yen and the projects all uncertain at once, through the whole
chain: each government's chance of a loss, the guarantors' calls, what drives Japan's outcome.
"""

from __future__ import annotations

import ipywidgets as widgets

from fundlib import assumptions as A
from fundlib import charts as C
from fundlib import odds as OD
from fundlib.odds import paths as PA
from fundlib.apps.display import jpy_tn, record_run, table_html, usd_bn
from fundlib.apps.live import LiveApp, View, pct_slider, report_progress, slider
from fundlib.apps.projects import WEIGHT_KEYS, _rebalance
from fundlib.market import Market

PROGRESS_FROM = 10_000   # runs of this many scenarios or more (about half a second) show a progress bar
SCENARIO_OPTIONS = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
OPENING_SCENARIOS = 2_000   # the app opens here (about 0.2 s a move); notebook 07's text quotes its figures at this count


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


def _net_of_fees(loss: float) -> str:
    """A guarantor's result net of fees as a reader says it: "gain $9.1bn", "loss $5.9bn" (never a negative loss)."""
    if round(abs(loss), 1) == 0:
        return "$0bn"
    return f"{'gain' if loss < 0 else 'loss'} {usd_bn(abs(loss))}"


def _guarantors(q) -> str:
    """Mean and P99 result net of fees, each a gain or a loss: once with "each" when the two guarantors'
    are the same, else both."""
    pairs = [f"{_net_of_fees(r.loss_mean_usd_bn)} · {_net_of_fees(r.loss_p99_usd_bn)}" for r in q.itertuples()]
    return pairs[0] + " each" if len(set(pairs)) == 1 else "; ".join(f"{w} {p}" for w, p in zip(("Ex-Im", "JBIC"), pairs))


def odds_run(res, rate_model: str, leverage: float, weights: dict, block_months: int):
    """The run for the export: each metric's summary over every scenario (the tally's) and its value in
    the scenarios kept one by one (the first ``exact_cap``); rates in %, money in $bn or ¥tn."""
    import pandas as pd

    from fundlib.export import Run
    from fundlib.export.sheet import unit_label
    from fundlib.odds.result import METRICS

    def head(label, unit):
        return f"{label} (%)" if unit == "decimal" else label if unit_label(unit) in label else f"{label} ({unit_label(unit)})"

    st = res.stats()
    k = {m: (100.0 if unit == "decimal" else 1.0) for m, (_, unit) in METRICS.items()}
    summary = pd.DataFrame({"outcome": [head(*METRICS[m]) for m in st.index], "scenarios with a value": st["n_finite"],
                            **{c: st[c] * [k[m] for m in st.index] for c in ("mean", "std", "p1", "p5", "p50", "p95", "p99", "es5")},
                            "P(below 0), of all scenarios": st["prob_negative"],
                            "P(above 0), of all scenarios": st["prob_positive"]})
    summary = summary.rename(columns={"std": "standard deviation", "es5": "mean of the worst 5%"}).reset_index(drop=True)
    draws = pd.DataFrame({head(*METRICS[m]): res.values(m) * k[m] for m in METRICS})
    params = [("Rate paths", rate_model, ""), ("Leverage", leverage, "×"), ("Bootstrap block", block_months, "months"),
              *((f"Weight: {s.replace('_', ' ')}", w * 100, "%") for s, w in weights.items()),
              ("Scenarios kept one by one (the rest summarised)", len(draws), "scenarios")]
    return Run("The odds across whole-chain scenarios", int(res.seed), int(res.n), params, draws, summary)


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
        ("Ex-Im, JBIC net of fees: mean · P99", _guarantors(q)),
    ]
    rows.append(("Against real-world anchors (last tab)",
                 f"{(cal['verdict'] == 'within').sum()} of {len(cal)} within · {n:,} · {rate_model.split()[0].lower()}"))
    record_run(odds_run(res, rate_model, leverage, weights, int(block_months)))
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
        "scenarios": widgets.SelectionSlider(options=list(SCENARIO_OPTIONS), value=OPENING_SCENARIOS,
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
                   intro=intro())


def sampling_error(n: int, p: float = 0.5) -> float:
    """Half the width of the 95% band of a probability ``p`` estimated from ``n`` independent scenarios,
    1.96 √(p(1 − p) / n) (largest at p = 50%)."""
    return 1.96 * (p * (1.0 - p) / n) ** 0.5


CAVEATS = {  # what the odds leave out (notebook 07's "What this model leaves out") and how precise they are:
    # title: (the few words of the summary line, the sentence)
    "A sector factor": ("no sector factor",
                        "projects share one macro factor and no sector factor, so an AI-demand bust that hits every "
                        "data centre at once is rare here: the fund's concentration is understated."),
    "Other regimes": ("2000–2025's shocks only",
                      "the shocks are 2000–2025's, with no 1970s-style inflation: long yields and an inflation regime "
                      "are understated."),
    "Uncertain anchors": ("rates pulled to forecasts",
                          "rates are pulled toward the FOMC's {sofr:.1%} (SOFR) and the BoJ's {tona:.2%} (TONA), "
                          "forecasts that may move, at a loosely estimated speed: the long-horizon bands are too narrow. "
                          "The random walk (Run tab) shows the rate paths with no pull."),
    "Projects and markets drawn apart": ("projects drawn apart from markets",
                                         "project outcomes are independent of the rate and yen paths, so a bust that comes "
                                         "with a stronger yen is missing: Japan's unhedged odds of a loss are understated."),
    "Amounts known in advance": ("hedges sized as if certain",
                                 "the hedged views sell each expected dollar forward as if it were certain: both are "
                                 "optimistic."),
    "Sampling error": ("sampling error ±{e_open:.1f} points",
                       "each probability is estimated from the scenarios drawn: within ±{e_open:.1f} points of the "
                       "engine's value at {n_open:,} scenarios, ±{e_20k:.1f} at 20,000 (95% of the time, at most: the "
                       "band is widest for a probability of 50%)."),
}


def intro() -> str:
    """The app's intro: how a scenario is drawn, then what the odds leave out and how precise they are."""
    fill = {"sofr": A.value("rate_long_run_sofr"), "tona": A.value("rate_long_run_tona"), "n_open": OPENING_SCENARIOS,
            "e_open": 100 * sampling_error(OPENING_SCENARIOS), "e_20k": 100 * sampling_error(20_000)}
    short = "; ".join(a.format(**fill) for a, _ in CAVEATS.values())
    items = "".join(f"<li><b>{k}</b>: {b.format(**fill)}</li>" for k, (_, b) in CAVEATS.items())
    return ("<div style='line-height:1.35'>Each scenario draws a market path (rates pulled to cited long-run levels and floored, shocked by "
            "history's monthly shocks since 2000) and the projects as portfolios, then runs the whole chain. "
            f"Last tab: each headline against its anchor. Market start: month-end {Market.current().as_of}."
            f"<details style='margin-top:2px'><summary><b>What these odds leave out</b>: {short}.</summary>"
            f"<ul style='margin:2px 0;padding-left:18px'>{items}</ul></details></div>")
