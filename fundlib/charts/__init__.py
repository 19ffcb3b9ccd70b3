"""Altair chart builders, one module per notebook topic: pure functions from tidy DataFrames to specs.
No state and no widgets here. Every axis title carries its unit; money is $bn (or ¥tn), rates are %
(values are decimals, formatted by Vega), spreads bp; colours come from the theme (Okabe–Ito).
"""

from __future__ import annotations

from fundlib.charts.theme import (GREY, MINUS, OWNER_COLORS, PALETTE, SERIES_COLORS, THEME, USD_BN, jpy_tn, owner_scale, save,
                                  series_color, signed, theme_config, usd_bn)
from fundlib.charts.vl import Spec
from fundlib.charts.structure import (PAYEE_COLORS, capital_stack_chart, preset_comparison_chart, scale_chart,
                                      waterfall_chart)
from fundlib.charts.leverage import debt_schedule_chart, return_histogram, roe_vs_leverage_chart
from fundlib.charts.rates import (MARKET_COLORS, curves_chart, hedge_history_chart, price_sensitivity_chart,
                                  rates_history_chart, yield_heatmap)
from fundlib.charts.projects import COMPONENT_COLORS, project_cashflow_chart, tornado_chart
from fundlib.charts.who_gets_paid import ROUTE_COLORS, cumulative_cash_chart, government_pv_chart
from fundlib.charts.stress import dscr_paths_chart, stress_losses_chart
from fundlib.charts.client import (dscr_threshold_client_chart, leverage_client_chart, hedge_client_chart, irr_hurdle_client_chart,
                                   ownership_client_chart, roe_client_chart, tariff_client_chart)
from fundlib.charts.jgbstock import JGB_STOCK_COLORS, negative_stock_chart
from fundlib.charts.odds import (VIEW_COLORS, backtest_fan_chart, calibration_chart, odds_histogram_chart, odds_tornado_chart,
                                  pit_histogram_chart, sensitivity_chart, vintages_chart)

__all__ = [
    "PALETTE", "GREY", "OWNER_COLORS", "SERIES_COLORS", "series_color", "MINUS", "usd_bn", "jpy_tn", "signed", "PAYEE_COLORS", "MARKET_COLORS", "COMPONENT_COLORS", "ROUTE_COLORS",
    "THEME", "USD_BN", "owner_scale", "save", "Spec", "theme_config",
    "capital_stack_chart", "waterfall_chart", "preset_comparison_chart", "scale_chart",
    "roe_vs_leverage_chart", "debt_schedule_chart", "return_histogram",
    "rates_history_chart", "curves_chart", "yield_heatmap", "price_sensitivity_chart", "hedge_history_chart",
    "project_cashflow_chart", "tornado_chart",
    "government_pv_chart", "cumulative_cash_chart",
    "dscr_paths_chart", "stress_losses_chart",
    "leverage_client_chart", "roe_client_chart", "hedge_client_chart", "ownership_client_chart", "irr_hurdle_client_chart",
    "tariff_client_chart", "dscr_threshold_client_chart",
    "JGB_STOCK_COLORS", "negative_stock_chart",
    "VIEW_COLORS", "odds_histogram_chart", "odds_tornado_chart", "vintages_chart",
]
