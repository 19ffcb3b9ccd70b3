"""ipywidgets apps, one module per notebook topic, on one live-app machinery (``live``).
``from fundlib import apps; apps.build_structure_app()`` is how the notebooks call them; ``make app``
serves :func:`build_dashboard`, every app under one shared scenario panel.
"""

from __future__ import annotations

from fundlib.apps.live import (APP_MIMETYPE, STATIC_ENV, LiveApp, View, control_row, error_html, fund_from_sliders, pct_slider,
                               preset_picker, report_progress, setup, shown_value, slider, static_mode)
from fundlib.apps.display import (TIER_SHORT, as_number, assumption_table, assumptions_view, collecting_tables, format_value,
                                  frame_html, jpy_tn, numeric_frame, record_run, rows_frame, shown, table_html, text_table,
                                  usd_bn)
from fundlib.apps.chartwidget import Chart, enable_offline_charts
from fundlib.apps.export_bar import ExportBar, download_link, slug, table_csv
from fundlib.apps.start import build_start_app, environment_report, render_start, widget_roundtrip_check
from fundlib.apps.structure import (build_presets_app, build_structure_app, owners_under_terms, preset_comparison,
                                    render_presets, render_structure)
from fundlib.apps.leverage import (STRESSES, build_project_finance_app, build_risk_app, build_roe_app,
                                   render_project_finance, render_risk, render_roe)
from fundlib.apps.rates import (build_curves_app, build_funding_app, build_fx_risk_app, build_hedging_app,
                                default_issue_jpy_tn, render_curves, render_funding, render_fx_risk, render_hedging)
from fundlib.apps.projects import build_monte_carlo_app, build_project_app, render_monte_carlo, render_project
from fundlib.apps.who_gets_paid import build_who_gets_paid_app, render_who_gets_paid
from fundlib.apps.stress import build_stress_app, render_stress
from fundlib.apps.odds import build_odds_app, intro, odds_run, render_odds, sampling_error
from fundlib.apps.dashboard import SHARED, Dashboard, build_dashboard

__all__ = [
    "APP_MIMETYPE", "STATIC_ENV", "LiveApp", "View", "error_html", "fund_from_sliders", "pct_slider", "report_progress", "preset_picker",
    "setup", "slider", "static_mode", "control_row", "shown_value",
    "TIER_SHORT", "text_table", "assumption_table", "assumptions_view", "collecting_tables", "jpy_tn", "format_value", "frame_html", "table_html", "usd_bn", "shown",
    "as_number", "numeric_frame", "record_run", "rows_frame",
    "ExportBar", "download_link", "slug", "table_csv",
    "build_start_app", "environment_report", "render_start", "widget_roundtrip_check",
    "owners_under_terms", "build_presets_app", "build_structure_app", "preset_comparison", "render_presets", "render_structure",
    "STRESSES", "build_project_finance_app", "build_risk_app", "build_roe_app", "render_project_finance",
    "render_risk", "render_roe",
    "default_issue_jpy_tn", "build_curves_app", "build_funding_app", "build_fx_risk_app", "build_hedging_app", "render_curves",
    "render_funding", "render_fx_risk", "render_hedging",
    "build_monte_carlo_app", "build_project_app", "render_monte_carlo", "render_project",
    "build_who_gets_paid_app", "render_who_gets_paid",
    "build_stress_app", "render_stress",
    "build_odds_app", "render_odds", "odds_run", "intro", "sampling_error",
    "SHARED", "Dashboard", "build_dashboard",
]
