"""Every chart the suite builds, as Vega-Lite specs: each app's charts at its defaults (notebooks 00–07
and the dashboard's panels) and each chart function a notebook calls, with the notebook's arguments.
Used by the chart tests (test_charts.py) and the browser's label check (test_browser.py)."""

from __future__ import annotations

from functools import lru_cache

BUILDERS = ("build_start_app", "build_structure_app", "build_presets_app", "build_roe_app", "build_project_finance_app",
            "build_risk_app", "build_curves_app", "build_funding_app", "build_hedging_app", "build_fx_risk_app",
            "build_project_app", "build_monte_carlo_app", "build_who_gets_paid_app", "build_stress_app", "build_odds_app")


def _dict(chart) -> dict:
    return chart.to_dict()


@lru_cache(maxsize=1)
def app_specs() -> dict[str, dict]:
    """``"build_x_app/key"`` → the spec of each chart of each app at its defaults, and the dashboard's
    panels (``"dashboard/panel/key"``)."""
    from fundlib import apps

    out = {}
    for name in BUILDERS:
        app = getattr(apps, name)()
        for key, chart in app.last_view.charts.items():
            out[f"{name}/{key}"] = _dict(chart)
    dash = apps.build_dashboard()
    for title, app in dash.panels.items():
        for key, chart in app.last_view.charts.items():
            out[f"dashboard/{title}/{key}"] = _dict(chart)
    return out


@lru_cache(maxsize=1)
def notebook_specs() -> dict[str, dict]:
    """``"NN/function"`` → the spec of each chart function a notebook calls, with the notebook's arguments."""
    from fundlib import assumptions as A
    from fundlib import charts as C
    from fundlib import curves as CV
    from fundlib import jgbstock as JS
    from fundlib import leverage as LV
    from fundlib import odds as OD
    from fundlib import projects as P
    from fundlib import scenarios as SC
    from fundlib import stress as ST
    from fundlib import structure as S
    from fundlib.data import load_rates_monthly
    from fundlib.odds import backtest as BT
    from fundlib.odds import vintages as V

    rates = load_rates_monthly()
    fund = S.FundStructure()
    it = P.archetype("ai_dc_it")
    order = A.value("nvidia_order_usd_bn")
    chips30 = it.with_(capex_usd_bn=order, revenue_full_usd_bn=it.revenue_full_usd_bn * order / it.capex_usd_bn)
    _, paths = ST.stress_table()
    res = OD.run_odds(n=20_000, seed=2025)
    charts = {
        "00/leverage_client_chart": C.leverage_client_chart(A.value("equity_usd_bn"), A.value("leverage_x")),
        "00/rates_history_chart": C.rates_history_chart(rates),
        "01/capital_stack_chart": C.capital_stack_chart(S.capital_stack(fund), "The proposal's capital stack"),
        "01/ownership_client_chart": C.ownership_client_chart(100.0, A.value("us_treasury_share")),
        "01/scale_chart": C.scale_chart(S.scale_comparison(fund)),
        "02/roe_client_chart": C.roe_client_chart(A.value("asset_return"), LV.DebtTerms().rate()),
        "03/yield_heatmap": C.yield_heatmap(CV.quarterly_heatmap_data("jgb", rates)),
        "03/negative_stock_chart": C.negative_stock_chart(JS.negative_stock_history("2014-01", "2024-12")),
        "03/hedge_client_chart": C.hedge_client_chart(rates.dropna(subset=["sofr", "tona"]), A.value("usdjpy_basis_bp")),
        "04/irr_hurdle_client_chart": C.irr_hurdle_client_chart(SC.run_monte_carlo(n=20_000, seed=2025).irr,
                                                                SC.funding_costs()["Fund debt cost"]),
        "04/project_cashflow_chart": C.project_cashflow_chart(P.cashflow_table(chips30), "$40bn of AI chips"),
        "05/tariff_client_chart": C.tariff_client_chart(A.value("us_imports_from_japan_usd_bn"), A.value("import_elasticity")),
        "06/dscr_threshold_client_chart": C.dscr_threshold_client_chart(paths, A.value("lockup_dscr")),
        "07/backtest_fan_chart": C.backtest_fan_chart({m: BT.fan(m, "sofr") for m in BT.FAN_LAUNCHES}, "SOFR"),
        "07/pit_histogram_chart": C.pit_histogram_chart(BT.backtest(500, 2025, levels="anchor").histogram("sofr"), "SOFR"),
        "07/sensitivity_chart": C.sensitivity_chart(OD.sensitivity(5_000, 2025)),
        "07/odds_tornado_chart": C.odds_tornado_chart(res.tornado("japan_pv_hedged_jpy_tn"), "What drives Japan's outcome"),
        "07/vintages_chart": C.vintages_chart(V.vintages()),
    }
    return {k: _dict(c) for k, c in charts.items()}


def every_spec() -> dict[str, dict]:
    return {**app_specs(), **notebook_specs()}
