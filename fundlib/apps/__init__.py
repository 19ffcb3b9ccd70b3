"""ipywidgets apps, one module per notebook topic, on one live-app machinery (``live``).
``from fundlib import apps; apps.build_structure_app()`` is how the notebooks call them; ``make app``
serves :func:`build_dashboard`, every app under one shared scenario panel.
"""

from __future__ import annotations

from fundlib.apps.live import (APP_MIMETYPE, STATIC_ENV, LiveApp, View, error_html, fund_from_sliders, pct_slider, report_progress,
                               preset_picker, setup, slider, static_mode)
from fundlib.apps.display import (TIER_SHORT, assumption_table, assumptions_view, collecting_tables, format_value, frame_html, jpy_tn,
                                  shown, table_html, text_table, usd_bn)
from fundlib.apps.chartwidget import Chart, enable_offline_charts
from fundlib.apps.export_bar import ExportBar, download_link, slug, table_csv
from fundlib.apps.start import build_start_app, environment_report, render_start, widget_roundtrip_check
from fundlib.apps.structure import (build_presets_app, build_structure_app, preset_comparison, render_presets,
                                    render_structure)
from fundlib.apps.leverage import (STRESSES, build_project_finance_app, build_risk_app, build_roe_app,
                                   render_project_finance, render_risk, render_roe)
from fundlib.apps.rates import (build_curves_app, build_funding_app, build_fx_risk_app, build_hedging_app,
                                render_curves, render_funding, render_fx_risk, render_hedging)
from fundlib.apps.projects import build_monte_carlo_app, build_project_app, render_monte_carlo, render_project
from fundlib.apps.who_gets_paid import build_who_gets_paid_app, render_who_gets_paid
from fundlib.apps.stress import build_stress_app, render_stress
from fundlib.apps.odds import build_odds_app, render_odds
from fundlib.apps.dashboard import SHARED, Dashboard, build_dashboard

__all__ = [
    "APP_MIMETYPE", "STATIC_ENV", "LiveApp", "View", "error_html", "fund_from_sliders", "pct_slider", "report_progress", "preset_picker",
    "setup", "slider", "static_mode",
    "TIER_SHORT", "text_table", "assumption_table", "assumptions_view", "collecting_tables", "jpy_tn", "format_value", "frame_html", "table_html", "usd_bn", "shown",
    "ExportBar", "download_link", "slug", "table_csv",
    "build_start_app", "environment_report", "render_start", "widget_roundtrip_check",
    "build_presets_app", "build_structure_app", "preset_comparison", "render_presets", "render_structure",
    "STRESSES", "build_project_finance_app", "build_risk_app", "build_roe_app", "render_project_finance",
    "render_risk", "render_roe",
    "build_curves_app", "build_funding_app", "build_fx_risk_app", "build_hedging_app", "render_curves",
    "render_funding", "render_fx_risk", "render_hedging",
    "build_monte_carlo_app", "build_project_app", "render_monte_carlo", "render_project",
    "build_who_gets_paid_app", "render_who_gets_paid",
    "build_stress_app", "render_stress",
    "build_odds_app", "render_odds",
    "SHARED", "Dashboard", "build_dashboard",
]
