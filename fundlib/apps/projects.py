"""Notebook 04: one project year by year (sector, capex, utilization, margin, life, project debt),
and the four-sector portfolio Monte Carlo with its tornado.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import charts as C
from fundlib import leverage as LV
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib._validate import InputError
from fundlib.apps.display import record_run, shown, table_html, usd_bn
from fundlib.apps.live import LiveApp, View, pct_slider, report_progress, slider


def _archetype_options():
    return [(P.archetype(k).label, k) for k in P.ARCHETYPES]


def render_project(archetype: str, capex_change_pct: float, utilization_pct: float, margin_pct: float,
                   life_years: float, gearing_pct: float) -> View:
    """One project: sector, capex, utilization, margin, life and project debt → cash flows, IRR, NPV, DSCR."""
    base = P.archetype(archetype)
    a = base.with_(capex_usd_bn=base.capex_usd_bn * (1 + capex_change_pct / 100), utilization=utilization_pct / 100,
                   margin=margin_pct / 100, life_years=int(life_years))
    table = P.cashflow_table(a)
    cf = table["total"].to_numpy()
    hurdle = SC.funding_costs()["Fund debt cost"]
    m = P.metrics(cf, hurdle)
    rows = [
        ("Capex", f"{usd_bn(a.capex_usd_bn)} ({a.capex_basis})" if capex_change_pct == 0 else usd_bn(a.capex_usd_bn)),
        ("Project IRR (unlevered)", f"{m['irr']:.2%}" if np.isfinite(m["irr"]) else "none (never pays back)"),
        (f"NPV at the fund's debt cost ({hurdle:.2%})", usd_bn(m["npv"])),
        ("MOIC / payback", shown(m["moic"], ".2f", "nothing invested") + "× / "
         + (f"{m['payback']:.1f} years" if np.isfinite(m["payback"]) else "never")),
    ]
    if gearing_pct > 0:
        d = P.with_debt(a, LV.DebtTerms().rate(), A.value("target_dscr"), int(A.value("debt_tenor_years")), gearing_pct / 100)
        rows += [("Project debt (sized at the DSCR target, capped by gearing)", f"{usd_bn(d['debt'])} ({d['binding']} binds)"),
                 ("Equity IRR with that debt", f"{d['equity_irr']:.2%}" if np.isfinite(d["equity_irr"]) else "n/a"),
                 ("Minimum DSCR", f"{d['min_dscr']:.2f}×" if np.isfinite(d["min_dscr"])
                  else "n/a (no debt: the project cannot carry any)")]
    return View(table_html(rows, a.label), {"cf": C.project_cashflow_chart(table, f"{a.label}: cash flows")})


def build_project_app() -> LiveApp:
    dc = P.archetype("ai_dc_shell")

    def pct(value, lo, hi, step, desc):
        return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=desc, readout_format=".0f",
                                   continuous_update=False, style={"description_width": "210px"},
                                   layout=widgets.Layout(width="520px"))

    controls = {
        "archetype": widgets.Dropdown(options=_archetype_options(), value="ai_dc_shell", description="Project type",
                                      style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
        "capex_change_pct": pct(0.0, -50, 100, 5, "Capex vs base (%)"),
        "utilization_pct": pct(dc.utilization * 100, 0, 100, 1, "Utilization (%)"),
        "margin_pct": pct(dc.margin * 100, -20, 95, 1, "Operating margin (%)"),
        "life_years": widgets.IntSlider(value=dc.life_years, min=3, max=40, description="Operating life (years)",
                                        continuous_update=False, style={"description_width": "210px"},
                                        layout=widgets.Layout(width="520px")),
        "gearing_pct": pct(A.value("gearing_max") * 100, 0, 90, 5, "Project debt cap (gearing, %)"),
    }
    return LiveApp("One project, year by year", controls, render_project, couple=_reset_to_archetype,
                   intro="Choosing a project type resets utilization, margin and life to that type's defaults.")


def _reset_to_archetype(app: LiveApp, key: str) -> None:
    if key == "archetype":
        a = P.archetype(app.controls["archetype"].value)
        app.controls["utilization_pct"].value = a.utilization * 100
        app.controls["margin_pct"].value = a.margin * 100
        app.controls["life_years"].value = a.life_years


def render_monte_carlo(w_data_centres_pct: float, w_power_pct: float, w_chip_packaging_pct: float,
                       w_logistics_pct: float, width_pct: float, macro_corr: float, scenarios: int, seed: int) -> View:
    """Sector weights, uncertainty, correlation, scenario count and seed → IRR distribution and tornado."""
    weights = {"data_centres": w_data_centres_pct / 100, "power": w_power_pct / 100,
               "chip_packaging": w_chip_packaging_pct / 100, "logistics": w_logistics_pct / 100}
    total = sum(weights.values())
    if total <= 0:
        raise InputError("sector weights (sum, %)", 0, "at least one sector above 0%")
    weights = {k: v / total for k, v in weights.items()}  # the sliders rebalance; a direct call is normalized
    unc = SC.Uncertainty(macro_corr=macro_corr).scaled(width_pct / 100)
    n = int(scenarios)  # from 50,000 scenarios (about half a second) a progress bar shows, in ten chunks
    res = SC.run_monte_carlo(weights, unc, n, int(seed), chunk=max(5_000, n // 10) if n >= 50_000 else 25_000,
                             callback=report_progress if n >= 50_000 else None)
    q = res.quantiles()
    costs = SC.funding_costs()
    rows = [("Deterministic IRR (every input at base)", f"{SC.deterministic_irr(weights):.2%}"),
            ("P10 / P50 / P90 IRR", f"{q[0.1]:.2%} / {q[0.5]:.2%} / {q[0.9]:.2%}")]
    rows += [(f"P(IRR below {name}, {rate:.2%})", f"{res.prob_below(rate):.1%}") for name, rate in costs.items()]
    rows.append(("Pairwise correlation of two sectors' shocks (loading²)", f"{macro_corr ** 2:.2f}"))
    rows.append(("Scenarios, seed", f"{int(scenarios):,}, {int(seed)}"))
    draws = {"portfolio IRR (% a year, unlevered; blank: no IRR)": res.irr * 100}
    from fundlib.export import Run      # the export package loads on first use, not with the notebook

    record_run(Run("The portfolio's IRR across scenarios", int(seed), n,
                   [*((f"Weight: {k.replace('_', ' ')}", v * 100, "%") for k, v in weights.items()),
                    ("Uncertainty width", width_pct, "% of the base ranges"), ("Macro factor loading", macro_corr, "")],
                   pd.DataFrame(draws)))
    markers = {"P10": q[0.1], "P50": q[0.5], "P90": q[0.9]}
    markers.update({name: rate for name, rate in costs.items()})
    hist = C.return_histogram(res.irr[np.isfinite(res.irr)], title="Portfolio IRR across scenarios",
                              label="Portfolio IRR (% a year, unlevered)", markers=markers)
    return View(table_html(rows, "The portfolio"), {"hist": hist, "tornado": C.tornado_chart(SC.tornado(weights, unc))})


def build_monte_carlo_app() -> LiveApp:
    def w(id, desc):
        return pct_slider(id, desc, 5, ".0f")

    controls = {
        "w_data_centres_pct": w("w_data_centres", "AI data centres (%)"),
        "w_power_pct": w("w_power", "Power generation (%)"),
        "w_chip_packaging_pct": w("w_chip_packaging", "Chip packaging (%)"),
        "w_logistics_pct": w("w_logistics", "Logistics (%)"),
        "width_pct": widgets.FloatSlider(value=100, min=0, max=200, step=10, description="Uncertainty (% of default widths)",
                                         readout_format=".0f", continuous_update=False, style={"description_width": "210px"},
                                         layout=widgets.Layout(width="520px")),
        "macro_corr": slider("mc_macro_corr", "Macro factor loading ρ (0–0.95)", step=0.05, fmt=".2f"),
        "scenarios": widgets.IntSlider(value=5_000, min=500, max=100_000, step=500, description="Scenarios",
                                       continuous_update=False, style={"description_width": "210px"},
                                       layout=widgets.Layout(width="520px")),
        "seed": widgets.IntText(value=2025, description="Seed", style={"description_width": "210px"}),
    }
    return LiveApp("A portfolio Monte Carlo", controls, render_monte_carlo, couple=_rebalance,
                   chart_tabs={"hist": "IRR across scenarios", "tornado": "What moves the IRR most"},
                   groups={"Sector weights": list(WEIGHT_KEYS), "Uncertainty": ["width_pct", "macro_corr"],
                           "Run": ["scenarios", "seed"]},
                   intro="Moving one sector's weight rescales the others so they add up to 100%. Each scenario draws "
                         "capex (a lognormal multiple of the plan, median 1: half over budget), a delay (half on time), "
                         "utilization, prices, margins and exit values for every sector; each sector's shocks load on one "
                         "macro factor with loading ρ, so two sectors correlate at ρ².")


WEIGHT_KEYS = ("w_data_centres_pct", "w_power_pct", "w_chip_packaging_pct", "w_logistics_pct")


def _rebalance(app: LiveApp, key: str) -> None:
    """Keep the four sector weights summing to 100%: the others are rescaled in proportion (or share
    the rest equally if they were all zero)."""
    if key not in WEIGHT_KEYS:
        return
    moved = app.controls[key].value
    others = [k for k in WEIGHT_KEYS if k != key]
    rest = sum(app.controls[k].value for k in others)
    for k in others:
        w = app.controls[k]
        w.value = (100.0 - moved) * (w.value / rest if rest > 0 else 1.0 / len(others))
