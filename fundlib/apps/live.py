"""The live-app machinery every notebook uses: offline set-up and static mode, slider helpers, the
error box, and :class:`LiveApp` (controls → pure ``render`` → numbers and charts, updated in place).

A bad input shows the :class:`fundlib.InputError` message in a red box instead of a traceback; any
other error is printed into the app's log area so it is never lost.
"""

from __future__ import annotations

import html
import os
import re
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

import altair as alt
import ipywidgets as widgets

from fundlib import assumptions as A
from fundlib import charts as C
from fundlib import structure as S
from fundlib import waterfall as W
from fundlib._validate import InputError
from fundlib.apps import chartwidget
from fundlib.apps.display import collecting_tables
from fundlib.apps.export_bar import ExportBar

_READY = False
_ACTIVE = None   # the app whose render is running (its progress bar shows long computations)


def report_progress(fraction: float) -> None:
    """For a render function's long loops: show the running app's progress bar at ``fraction`` done."""
    app = _ACTIVE
    if app is None or not hasattr(app, "progress"):
        return
    if fraction < 1.0 and app.progress.layout.display == "none":
        app.progress.layout.display = "flex"
    app.progress.value = float(fraction)


def setup() -> None:
    """Make charts render with no network (Vega JavaScript bundled by vl-convert) and enable the theme.

    Idempotent; every ``build_*_app`` calls it.
    """
    global _READY
    if _READY:
        return
    if os.environ.get(A.SCENARIO_ENV):  # every app then starts from the shared scenario file
        A.use_scenario(os.environ[A.SCENARIO_ENV])
    if static_mode():
        # Exporting a static site: charts leave the kernel as plain Vega-Lite JSON, which the site
        # builder embeds with a bundled copy of Vega (see scripts/build_site.py).
        alt.renderers.enable("json")
    else:
        chartwidget.enable_offline_charts()   # offline Vega, compiled once per page (see fundlib.apps.chartwidget)
    alt.theme.enable(C.THEME)
    import pandas as pd

    pd.set_option("display.max_colwidth", None)   # tables show their text in full, never cut with "…"
    _READY = True


STATIC_ENV = "FUNDLIB_STATIC"
APP_MIMETYPE = "application/vnd.fundlib.app+json"


def static_mode() -> bool:
    """True while a notebook is executed for the static site (``FUNDLIB_STATIC=1``)."""
    return os.environ.get(STATIC_ENV) == "1"


@dataclass
class View:
    """What a render function returns: key numbers as HTML and charts by slot name."""

    html: str
    charts: dict[str, alt.TopLevelMixin] = field(default_factory=dict)


def slider(id: str, description: str, *, step: float | None = None, fmt: str = ".2f",
           scale: float = 1.0, value: float | None = None, width: str = "520px") -> widgets.FloatSlider:
    """A FloatSlider whose range and default come from the assumption register entry ``id``.

    ``scale`` multiplies the register's value and range (e.g. 100 to show a decimal as percent).
    """
    a = A.get(id)
    lo, hi = a.low * scale, a.high * scale
    w = widgets.FloatSlider(
        value=(a.value * scale) if value is None else value,
        min=lo, max=hi, step=step or (hi - lo) / 100, description=description,
        readout_format=fmt, continuous_update=False,
        style={"description_width": "210px"}, layout=widgets.Layout(width=width),
        tooltip=f"{a.source} [tier: {a.tier}] (range {a.low:g}–{a.high:g} {a.unit})",
    )
    w.fundlib_id, w.fundlib_scale = id, scale  # lets a shared scenario panel drive this slider
    return w


def error_html(exc: Exception, stale: bool = False) -> str:
    note = " <i>The greyed-out numbers and charts are not updated: they show the last valid inputs.</i>" if stale else ""
    return ("<div class='fundlib-error' style='border-left:4px solid #D55E00;background:#fff3ec;"
            f"padding:6px 10px;margin:4px 0'><b>Input problem:</b> {html.escape(str(exc))}{note}</div>")


STYLE = """<style>
.fundlib-stale {opacity: .35; filter: grayscale(1); pointer-events: none}
.fundlib-app .widget-label {white-space: normal; line-height: 1.15; height: auto; align-self: center}
.fundlib-app .widget-toggle-buttons .widget-toggle-button {width: auto !important; min-width: 90px; padding: 0 8px}
.fundlib-app .widget-toggle-buttons .widget-toggle-button .widget-label-basic {overflow: visible}
.fundlib-app .jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-tab {flex: 0 0 auto !important; max-width: none !important}
.fundlib-app .widget-inline-hbox, .fundlib-app .widget-slider {margin-top: 1px; margin-bottom: 1px}
.fundlib-app .fundlib-numbers-box table {margin: 0 0 6px 0; border-spacing: 0}
.fundlib-app .fundlib-numbers-box td, .fundlib-app .fundlib-numbers-box th,
.fundlib-app .fundlib-numbers-box caption {padding: 1px 8px 1px 0 !important; line-height: 1.3 !important;
  font-size: 12.5px; border: none}
.fundlib-app .fundlib-numbers-box td {white-space: nowrap}
.fundlib-app .fundlib-numbers-box td:first-child {white-space: normal; max-width: 260px}
</style>"""


class LiveApp(widgets.VBox):
    """Controls → ``render(**values)`` → numbers + charts, recomputed on every change.

    ``render`` is a pure function of the control values that returns a :class:`View`. ``groups``
    (title → control keys) puts the controls in tabs, and ``chart_tabs`` (chart key → title) the
    charts, so an app fits one screen; ``couple(app, key)``
    runs first on every change to keep controls consistent (weights that rebalance, a tenor bounded by
    a life), with the recompute held until it is done. A refused input greys the numbers and charts
    out and says "not updated". ``last_seconds`` holds the time of the latest recompute.
    """

    def __init__(self, title: str, controls: dict[str, widgets.ValueWidget],
                 render: Callable[..., View], *, layout: str = "side", intro: str = "",
                 groups: dict[str, list[str]] | None = None,
                 couple: Callable[["LiveApp", str], None] | None = None,
                 chart_tabs: dict[str, str] | None = None,
                 export: Callable[[dict], dict] | None = None):
        setup()
        for w in controls.values():  # compact controls: the numbers fit beside them at 1400 px
            if isinstance(w, (widgets.FloatSlider, widgets.IntSlider, widgets.Dropdown, widgets.IntText, widgets.Combobox,
                              widgets.Text, widgets.SelectionSlider)):
                w.layout.width = "470px"
            if "description_width" in getattr(w.style, "keys", []):
                w.style.description_width = "190px"
        self.controls = controls
        self.render = render
        self.couple = couple
        self._holding = False
        self.progress = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description="Computing",
                                              layout=widgets.Layout(display="none", width="360px"))
        self.numbers = widgets.HTML(layout=widgets.Layout(min_width="300px"))
        self.numbers.add_class("fundlib-numbers-box")
        self.message = widgets.HTML()
        self.error_log = widgets.Output()
        self.chart_widgets: dict[str, alt.JupyterChart] = {}
        self.last_seconds = float("nan")
        self.last_view: View | None = None
        self.last_tables: list = []
        self.last_run = None
        self.export_kw = export
        first = self._compute()
        charts = {k: self._chart_widget(k, c) for k, c in (first.charts if first else {}).items()}
        if chart_tabs:  # several tall charts: one tab each, so the app stays on one screen
            self.chart_box = widgets.Tab([charts[k] for k in chart_tabs])
            self.chart_box.titles = tuple(chart_tabs.values())
        else:
            self.chart_box = widgets.HBox(list(charts.values()), layout=widgets.Layout(flex_flow="row wrap"))
        panel = self._control_panel(groups)
        self.title = title
        self.export_bar = ExportBar(title, self.scenario, lambda: self.last_tables)
        heading = widgets.HTML(STYLE + f"<h3 style='margin:4px 0'>{html.escape(title)}</h3>"
                               + (f"<div style='color:#444'>{intro}</div>" if intro else ""),
                               layout=widgets.Layout(flex="1 1 0", min_width="0"))
        self.export_bar.layout.flex = "0 0 auto"
        header = widgets.HBox([heading, self.export_bar], layout=widgets.Layout(align_items="flex-start"))
        top = widgets.HBox([panel, self.numbers], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        super().__init__([header, top, self.progress, self.message, self.chart_box, self.error_log])
        self.add_class("fundlib-app")
        self.add_class("mathjax_ignore")  # a pair of $ in the numbers is money, never LaTeX
        for w in controls.values():
            w.observe(self._on_change, names="value")

    def _control_panel(self, groups):
        if not groups:
            return widgets.VBox(list(self.controls.values()), layout=widgets.Layout(width="490px"))
        grouped = [k for keys in groups.values() for k in keys]
        unknown = sorted(set(grouped) - set(self.controls)) + sorted(set(self.controls) - set(grouped))
        if unknown:
            raise ValueError(f"groups must name every control once: {unknown}")
        tab = widgets.Tab([widgets.VBox([self.controls[k] for k in keys]) for keys in groups.values()],
                          layout=widgets.Layout(width="500px"))
        tab.titles = tuple(groups)
        self.tabs = tab
        return tab

    @contextmanager
    def holding(self):
        """Change several controls and recompute once, at the end."""
        was, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = was
        if not was:
            self._compute()

    def _chart_widget(self, key: str, chart) -> alt.JupyterChart:
        spec = chart.to_altair() if isinstance(chart, C.Spec) else chart
        jc = alt.JupyterChart(spec) if static_mode() else chartwidget.Chart(spec)   # the site embeds its own Vega
        self.chart_widgets[key] = jc
        return jc

    def values(self) -> dict:
        return {k: w.value for k, w in self.controls.items()}

    def _compute(self) -> View | None:
        global _ACTIVE
        t0 = time.perf_counter()
        _ACTIVE = self
        if hasattr(self, "export_bar"):
            self.export_bar.clear()   # a link to the previous scenario's file must not outlive it
        runs: list = []
        try:
            with collecting_tables(runs) as tables:
                view = self.render(**self.values())
        except InputError as exc:
            self.message.value = error_html(exc, stale=True)
            self._stale(True)
            self.last_seconds = time.perf_counter() - t0
            return None
        except Exception:  # noqa: BLE001 - shown to the user, never swallowed
            self.error_log.append_stderr(traceback.format_exc())
            self.message.value = error_html(RuntimeError("unexpected error; details below"), stale=True)
            self._stale(True)
            return None
        finally:
            self._progress_done()
        self.message.value = ""
        self._stale(False)
        self.last_tables = list(tables)
        self.last_run = runs[-1] if runs else None
        self.numbers.value = view.html
        for key, chart in view.charts.items():
            if key in self.chart_widgets:
                # Charts were schema-validated when the app was built (and in the tests); updates
                # send the new spec straight to the browser, skipping the ~30 ms re-validation.
                self.chart_widgets[key].spec = chart.to_dict(validate=False)
        self.last_view = view
        self.last_seconds = time.perf_counter() - t0
        return view

    def _progress_done(self) -> None:
        global _ACTIVE
        _ACTIVE = None
        if hasattr(self, "progress") and self.progress.layout.display != "none":
            self.progress.layout.display = "none"

    def _stale(self, on: bool) -> None:
        """Grey out the numbers and charts while they show an earlier input's results."""
        for w in (self.numbers, getattr(self, "chart_box", None)):
            if w is not None:
                (w.add_class if on else w.remove_class)("fundlib-stale")

    def _on_change(self, change=None) -> None:
        if self._holding:
            return
        if self.couple is not None and change is not None:
            key = next((k for k, w in self.controls.items() if w is change["owner"]), None)
            with self.holding():   # the couple's own moves recompute once, at the end
                self.couple(self, key)
            return
        self._compute()

    def scenario(self) -> dict:
        """What this app shows, as :func:`fundlib.export.to_excel` arguments: every slider tied to
        the register becomes an override (in model units), plus what the app's ``export`` adds."""
        overrides = {}
        for w in self.controls.values():
            id = getattr(w, "fundlib_id", None)
            if id is not None:
                overrides[id] = w.value / w.fundlib_scale
        if "us_treasury_share" in overrides and "japan_mof_share" not in overrides:
            others = sum(overrides.get(i, A.value(i)) for i in ("us_treasury_share", "other_lp_share",
                                                                 "us_retail_share", "japan_retail_share"))
            overrides["japan_mof_share"] = max(0.0, 1.0 - others)
        kw = {"overrides": overrides}
        if "preset" in self.controls:
            kw["preset"] = self.controls["preset"].value
        extra = self.export_kw(self.values()) if self.export_kw is not None else {}
        kw.update(extra)
        kw["screen"] = self.screen(extra)
        return kw

    def screen(self, extra: dict | None = None):
        """What the app shows, for the export: every control (value, unit, as shown, how the workbook
        uses it), the tables as numbers and the Monte Carlo run, if any. ``extra`` is what the app's
        ``export`` adds to the scenario (computed here when not given)."""
        from fundlib.export import Screen

        if extra is None:
            extra = self.export_kw(self.values()) if self.export_kw is not None else {}
        rows = [control_row(k, w, self.export_kw is not None) for k, w in self.controls.items()]
        moved = extra.get("asset_return")
        for i, (k, w) in enumerate(self.controls.items()):      # an export that moves a register input says so
            if getattr(w, "fundlib_id", None) == "asset_return" and moved is not None \
                    and abs(moved - w.value / w.fundlib_scale) > 1e-12:
                rows[i] = (*rows[i][:4], rows[i][4] + f"; the app's other settings move it to {moved:g} on Inputs")
        return Screen(self.title, rows, list(self.last_tables), self.last_run)

    def recompute(self) -> float:
        """Recompute now and return the seconds it took."""
        self._compute()
        return self.last_seconds

    def snapshot(self) -> dict:
        """The app at its current inputs as plain data: title, inputs, numbers (HTML) and chart specs."""
        title = self.children[0].children[0].value if self.children else ""
        return {"title_html": title, "inputs": [(w.description, shown_value(w)) for w in self.controls.values()],
                "numbers_html": self.numbers.value, "message_html": self.message.value,
                "charts": [c.to_dict(validate=False) for c in (self.last_view.charts.values() if self.last_view else [])]}

    def _repr_mimebundle_(self, **kwargs):
        if static_mode():
            return {APP_MIMETYPE: self.snapshot(), "text/plain": "fundlib app (static snapshot)"}
        return super()._repr_mimebundle_(**kwargs)


# Controls an app passes to the workbook through its ``export`` (not the register): where they land.
EXPORT_USES = {"preset": "Inputs: distribution terms (waterfall preset)",
               "sofr_bp": "Inputs: SOFR shock (SofrShock_bp)", "usdjpy": "Inputs: USD/JPY from year 1 (UsdJpyShock)",
               "ai_bust": "Inputs: AI capex bust severity (Profile sheet)",
               "delay_years": "Inputs: construction delay (Profile sheet)",
               "yen_appreciation_pct": "Inputs: yen appreciation a year (YenAppreciation)",
               "fee_basis": "Inputs: fee on committed capital (1) or on capital paid in (0), FeeOnCommitted",
               "stress": "Inputs: the SOFR shock (SofrShock_bp) and the asset return (AssetReturn) it applies"}


_UNIT = re.compile(r"%( a year)?|bp|×|\$bn|¥tn|¥bn|years?|months?|¥ per \$|\$|¥|MW|scenarios|% of .*")


def shown_value(w) -> str:
    """A control's value as the reader sees it: a dropdown's label, a slider's readout."""
    if isinstance(w, (widgets.Dropdown, widgets.ToggleButtons, widgets.SelectionSlider)) and w.options \
            and isinstance(w.options[0], tuple):
        return next((lbl for lbl, val in w.options if val == w.value), str(w.value))
    if isinstance(w, widgets.FloatSlider):
        return format(w.value, w.readout_format.replace(",", ""))
    return str(w.value)


def control_row(key: str, w, exported: bool, prefix: str = "") -> tuple:
    """(control, value, unit, as shown, in this workbook) for the export's "On screen" sheet."""
    from fundlib.export.inputs import PRESET_ONLY, on_inputs     # loads the export package on first use only

    desc = (w.description or key).strip()
    m = re.search(r"\(([^()]*)\)\s*$", desc)
    unit = m.group(1).split(", ")[-1] if m else ""            # "(assets / equity, ×)" → "×"
    if not _UNIT.fullmatch(unit):
        unit = ""                                               # "(0–0.95)", "(1 = named)": not a unit
    value = w.value if isinstance(w.value, (int, float, str, bool)) else str(w.value)
    if isinstance(value, float):
        value = float(f"{value:.14g}")                          # 7.000000000000001 → 7.0
    id = getattr(w, "fundlib_id", None)
    if id is not None and on_inputs(id):
        uses = f"Inputs: register id {id} = {w.value / w.fundlib_scale:g} (in the register's unit)"
        if id in PRESET_ONLY:
            uses += f"; written when the terms are {W.PRESETS[PRESET_ONLY[id]].split(':')[0]}"
    elif id in ("ust_30y", "jgb_30y"):
        uses = (f"Inputs and Curves: the {'US Treasury' if id == 'ust_30y' else 'JGB'} par curve, shifted so its "
                f"30-year yield is {w.value / w.fundlib_scale:g}")
    elif key in EXPORT_USES and (exported or key == "preset"):
        uses = EXPORT_USES[key]
    else:
        uses = "recorded here as set (the workbook's chain does not take it)"
    return (prefix + desc, value, unit, shown_value(w), uses)


def pct_slider(id: str, description: str, step: float = 0.5, fmt: str = ".1f") -> widgets.FloatSlider:
    return slider(id, description, step=step, fmt=fmt, scale=100)


def preset_picker() -> widgets.Dropdown:
    """The distribution-terms picker shared by the structure and who-gets-paid apps."""
    return widgets.Dropdown(options=[(v.split(":")[0], k) for k, v in W.PRESETS.items()], value="proposal",
                            description="Distribution terms", style={"description_width": "210px"},
                            layout=widgets.Layout(width="520px"))


def fund_from_sliders(equity_usd_bn: float, leverage: float, us_share_pct: float, other_share_pct: float = 0.0,
                      us_retail_pct: float = 0.0, japan_retail_pct: float = 0.0, us_votes_pct: float | None = None,
                      sub_debt_pct: float = 0.0, **fund_kw) -> S.FundStructure:
    """A :class:`~fundlib.structure.FundStructure` from sliders in percent, Japan's MoF taking the rest
    (``fund_kw``: any other field of the fund, in model units).

    Raises InputError (in the sliders' percent) if the other owners already hold more than 100%.
    """
    others = us_share_pct + other_share_pct + us_retail_pct + japan_retail_pct
    if others > 100.0 + 1e-9:
        raise InputError("owner shares (% of the equity)", round(others, 6),
                         "US Treasury + other LPs + retail shares of at most 100% (Japan MoF holds the rest)")
    shares = {"us_treasury": us_share_pct / 100, "other_lp": other_share_pct / 100,
              "us_retail": us_retail_pct / 100, "japan_retail": japan_retail_pct / 100}
    shares["japan_mof"] = max(0.0, 1.0 - sum(shares.values()))
    votes = None if us_votes_pct is None else {"us_treasury": us_votes_pct / 100, "japan_mof": 1.0 - us_votes_pct / 100}
    return S.FundStructure(equity_usd_bn, leverage, shares, votes, sub_debt_pct / 100, **fund_kw)
