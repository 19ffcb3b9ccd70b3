"""The one-page dashboard behind ``make app`` (app/dashboard.ipynb, served by Voilà): every app under
one shared scenario panel that drives the register and each panel.
"""

from __future__ import annotations

import html
import time
from pathlib import Path

import ipywidgets as widgets

from fundlib import assumptions as A
from fundlib._validate import InputError
from fundlib.apps.export_bar import ExportBar
from fundlib.apps.leverage import build_roe_app
from fundlib.apps.live import LiveApp, control_row, error_html, setup, slider
from fundlib.apps.projects import build_monte_carlo_app
from fundlib.apps.rates import build_funding_app, build_hedging_app
from fundlib.apps.stress import build_stress_app
from fundlib.apps.structure import build_structure_app
from fundlib.apps.who_gets_paid import build_who_gets_paid_app
from fundlib.market import Market


SHARED = {  # shared-panel control -> (register id, scale to the slider's unit, label, step, format)
    "sofr": ("sofr", 100, "SOFR (%)", 0.05, ".2f"),
    "spread": ("senior_spread_bp", 1, "Debt spread over SOFR (bp)", 5, ".0f"),
    "ust_30y": ("ust_30y", 100, "UST 30Y yield (%)", 0.05, ".2f"),
    "asset_return": ("asset_return", 100, "Fund gross return on assets (%)", 0.25, ".2f"),
    "leverage": ("leverage_x", 1, "Leverage (assets / equity, ×)", 0.1, ".1f"),
    "us_share": ("us_treasury_share", 100, "US Treasury share (%)", 5, ".0f"),
    "usdjpy": ("usdjpy", 1, "USD/JPY (¥ per $)", 1, ".0f"),
    "hedge": ("debt_hedge_share", 100, "Senior debt swapped to fixed (%)", 5, ".0f"),
}


class Dashboard(widgets.VBox):
    """Every app on one page under a shared scenario panel: change an assumption once and every
    panel recomputes. The panel sets the register's overrides (so every model reads the same
    numbers), moves the matching sliders of each app, and recomputes each app once."""

    def __init__(self, panels: dict[str, LiveApp], scenario_dir=None):

        self.panels = panels
        self.shared = {k: slider(id, label, step=step, fmt=fmt, scale=sc, width="560px") for k, (id, sc, label, step, fmt)
                       in SHARED.items()}
        for w in self.shared.values():    # the longest label, "Senior debt swapped to fixed (%)", needs 217 px
            w.style.description_width = "250px"
        folder = Path(scenario_dir) if scenario_dir else Path(__file__).resolve().parents[2] / "scenarios"
        files = sorted(folder.glob("*.json")) if folder.exists() else []
        self.scenario_files = {"(register defaults)": None, **{f.stem.replace("_", " "): f for f in files}}
        self.picker = widgets.Dropdown(options=list(self.scenario_files), value="(register defaults)",
                                       description="Start from scenario", style={"description_width": "210px"},
                                       layout=widgets.Layout(width="520px"))
        self.status = widgets.HTML()
        self.last_seconds = float("nan")
        self._file_overrides: dict = {}
        head = widgets.HTML("<h2 style='margin:4px 0'>Shared scenario</h2><div style='color:#444'>These inputs feed "
                            "every panel below (the panels do not repeat them). Each panel keeps its own sliders for everything else. Market numbers are "
                            f"of month-end {Market.current().as_of} (the latest month with every series) until you move them.</div>")
        self.export_bar = ExportBar("dashboard", lambda: {"overrides": self.overrides(), "screen": self.screen()},
                                    lambda: [(f"{t} - {c}", df) for t, app in panels.items() for c, df in app.last_tables])
        head.layout.flex = "1 1 auto"
        head = widgets.HBox([head, self.export_bar], layout=widgets.Layout(align_items="flex-start"))
        panel_box = widgets.VBox([self.picker, *self.shared.values(), self.status],
                                 layout=widgets.Layout(border="1px solid #0072B2", padding="6px"))
        sections = []
        for title, app in panels.items():
            sections.append(widgets.HTML(f"<h2 style='margin:18px 0 4px'>{html.escape(title)}</h2>"))
            sections.append(app)
        super().__init__([head, panel_box, *sections])
        self.add_class("fundlib-dashboard")
        panel_box.add_class("fundlib-shared")
        shared_ids = {v[0] for v in SHARED.values()}
        for app in panels.values():  # one control per input: a panel's copy of a shared input is hidden
            for w in app.controls.values():
                if getattr(w, "fundlib_id", None) in shared_ids:
                    w.layout.display = "none"
        for w in self.shared.values():
            w.observe(self._on_shared, names="value")
        self.picker.observe(self._on_pick, names="value")
        for app in panels.values():   # the dashboard's file holds every panel: any move takes its link down
            for w in app.controls.values():
                w.observe(lambda _c: self.export_bar.clear(), names="value")

    def _on_pick(self, change) -> None:
        path = self.scenario_files[change["new"]]
        try:
            self._file_overrides = A.load_scenario(path) if path else {}
        except InputError as exc:
            self.status.value = error_html(exc)
            return
        A.use_scenario(self._file_overrides or None)
        for k, w in self.shared.items():  # show the file's values on the shared sliders, quietly
            id, sc = SHARED[k][0], SHARED[k][1]
            w.unobserve(self._on_shared, names="value")
            w.value = A.value(id) * sc
            w.observe(self._on_shared, names="value")
        self.apply()

    def _on_shared(self, _change=None) -> None:
        self.apply()

    def overrides(self) -> dict:
        o = dict(self._file_overrides)
        for k, w in self.shared.items():
            id, sc = SHARED[k][0], SHARED[k][1]
            o[id] = w.value / sc
        us = o["us_treasury_share"]
        others = sum(A.get(i).value for i in ("other_lp_share", "us_retail_share", "japan_retail_share"))
        o["japan_mof_share"] = max(0.0, 1.0 - us - others)
        return o

    def screen(self):
        """What the page shows, for the export: the shared panel's controls, then each panel's own (a
        panel's copy of a shared input is hidden and left out), every table, the Monte Carlo panel's run."""
        from fundlib.export import Screen

        rows = [control_row(k, w, False, "Shared: ") for k, w in self.shared.items()]
        own = "recorded here as set (this workbook holds the shared scenario; the panel's own export holds it)"
        for title, app in self.panels.items():
            rows += [(*control_row(k, w, app.export_kw is not None, f"{title}: ")[:4], own)
                     for k, w in app.controls.items() if w.layout.display != "none"]
        tables = [(f"{t} - {c}", df) for t, app in self.panels.items() for c, df in app.last_tables]
        run = next((app.last_run for app in self.panels.values() if app.last_run is not None), None)
        return Screen("Dashboard", rows, tables, run)

    def apply(self) -> float:
        """Push the shared inputs into the register and every app; returns the seconds it took."""
        t0 = time.perf_counter()
        self.export_bar.clear()
        try:
            active = A.use_scenario(self.overrides())
        except InputError as exc:
            self.status.value = error_html(exc)
            return float("nan")
        self.status.value = ""
        for app in self.panels.values():
            with app.holding():   # move the panel's sliders quietly, then recompute it once
                for w in app.controls.values():
                    id = getattr(w, "fundlib_id", None)
                    if id in active:
                        w.value = active[id] * w.fundlib_scale
        self.last_seconds = time.perf_counter() - t0
        return self.last_seconds


def build_dashboard(scenario_dir=None) -> Dashboard:
    """The one-page dashboard behind ``make app``: structure, leverage, FILP funding and hedging,
    the portfolio Monte Carlo, who gets paid and the stress tests, under one shared scenario panel."""
    setup()
    panels = {
        "Fund structure and the waterfall": build_structure_app(),
        "Leverage and the return on equity": build_roe_app(),
        "FILP funding": build_funding_app(),
        "Hedging yen into dollars": build_hedging_app(),
        "Portfolio Monte Carlo": build_monte_carlo_app(),
        "Who gets paid": build_who_gets_paid_app(),
        "Stress tests": build_stress_app(),
    }
    return Dashboard(panels, scenario_dir)
