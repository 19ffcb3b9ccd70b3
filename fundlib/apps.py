"""ipywidgets apps: one ``build_*_app()`` per notebook, wiring sliders to the model and charts.

Every app is a :class:`LiveApp`: its controls' changes call a pure ``render`` function that returns
key numbers (HTML) and Altair charts; the charts update in place (``alt.JupyterChart``); a bad input
shows the :class:`fundlib.InputError` message in a red box instead of a traceback, and any other
error is printed into the app's log area so it is never lost.
"""

from __future__ import annotations

import html
import importlib.metadata as _md
import platform
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

import altair as alt
import numpy as np
import ipywidgets as widgets
import pandas as pd

from fundlib import assumptions as A
from fundlib import charts as C
from fundlib import structure as S
from fundlib._validate import InputError

__all__ = [
    "setup",
    "LiveApp",
    "View",
    "slider",
    "environment_report",
    "widget_roundtrip_check",
    "build_start_app",
    "render_start",
]

_READY = False


def setup() -> None:
    """Make charts render with no network (Vega JavaScript bundled by vl-convert) and enable the theme.

    Idempotent; every ``build_*_app`` calls it.
    """
    global _READY
    if _READY:
        return
    import os

    if os.environ.get(A.SCENARIO_ENV):  # every app then starts from the shared scenario file
        A.use_scenario(os.environ[A.SCENARIO_ENV])
    if static_mode():
        # Exporting a static site: charts leave the kernel as plain Vega-Lite JSON, which the site
        # builder embeds with a bundled copy of Vega (see scripts/build_site.py).
        alt.renderers.enable("json")
    else:
        alt.JupyterChart.enable_offline()
        alt.renderers.enable("jupyter", offline=True)
    alt.theme.enable(C.THEME)
    _READY = True


STATIC_ENV = "FUNDLIB_STATIC"
APP_MIMETYPE = "application/vnd.fundlib.app+json"


def static_mode() -> bool:
    """True while a notebook is executed for the static site (``FUNDLIB_STATIC=1``)."""
    import os

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
        tooltip=f"{a.source} (range {a.low:g}–{a.high:g} {a.unit})",
    )
    w.fundlib_id, w.fundlib_scale = id, scale  # lets a shared scenario panel drive this slider
    return w


def _error_html(exc: Exception) -> str:
    return ("<div class='fundlib-error' style='border-left:4px solid #D55E00;background:#fff3ec;"
            f"padding:6px 10px;margin:4px 0'><b>Input problem:</b> {html.escape(str(exc))}</div>")


class LiveApp(widgets.VBox):
    """Controls → ``render(**values)`` → numbers + charts, recomputed on every change.

    ``render`` is a pure function of the control values that returns a :class:`View`.
    ``last_seconds`` holds the time of the latest recompute (model + chart specs + widget update).
    """

    def __init__(self, title: str, controls: dict[str, widgets.ValueWidget],
                 render: Callable[..., View], *, layout: str = "side", intro: str = ""):
        setup()
        self.controls = controls
        self.render = render
        self.numbers = widgets.HTML(layout=widgets.Layout(min_width="300px"))
        self.numbers.add_class("fundlib-numbers-box")
        self.message = widgets.HTML()
        self.error_log = widgets.Output()
        self.chart_widgets: dict[str, alt.JupyterChart] = {}
        self.last_seconds = float("nan")
        self.last_view: View | None = None
        first = self._compute()
        chart_box = widgets.HBox([self._chart_widget(k, c) for k, c in (first.charts if first else {}).items()],
                                 layout=widgets.Layout(flex_flow="row wrap"))
        panel = widgets.VBox(list(controls.values()), layout=widgets.Layout(min_width="540px"))
        header = widgets.HTML(f"<h3 style='margin:4px 0'>{html.escape(title)}</h3>"
                              + (f"<div style='color:#444'>{intro}</div>" if intro else ""))
        top = widgets.HBox([panel, self.numbers], layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([header, top, self.message, chart_box, self.error_log])
        self.add_class("fundlib-app")
        for w in controls.values():
            w.observe(self._on_change, names="value")

    def _chart_widget(self, key: str, chart) -> alt.JupyterChart:
        jc = alt.JupyterChart(chart)
        self.chart_widgets[key] = jc
        return jc

    def values(self) -> dict:
        return {k: w.value for k, w in self.controls.items()}

    def _compute(self) -> View | None:
        t0 = time.perf_counter()
        try:
            view = self.render(**self.values())
        except InputError as exc:
            self.message.value = _error_html(exc)
            self.last_seconds = time.perf_counter() - t0
            return None
        except Exception:  # noqa: BLE001 - shown to the user, never swallowed
            self.error_log.append_stderr(traceback.format_exc())
            self.message.value = _error_html(RuntimeError("unexpected error; details below"))
            return None
        self.message.value = ""
        self.numbers.value = view.html
        for key, chart in view.charts.items():
            if key in self.chart_widgets:
                # Charts were schema-validated when the app was built (and in the tests); updates
                # send the new spec straight to the browser, skipping the ~30 ms re-validation.
                self.chart_widgets[key].spec = chart.to_dict(validate=False)
        self.last_view = view
        self.last_seconds = time.perf_counter() - t0
        return view

    def _on_change(self, _change=None) -> None:
        self._compute()

    def recompute(self) -> float:
        """Recompute now and return the seconds it took."""
        self._compute()
        return self.last_seconds

    def snapshot(self) -> dict:
        """The app at its current inputs as plain data: title, inputs, numbers (HTML) and chart specs."""
        def shown(w):
            if isinstance(w, (widgets.Dropdown, widgets.ToggleButtons)):
                return next((lbl for lbl, val in w.options if val == w.value), str(w.value)) if w.options and isinstance(w.options[0], tuple) else str(w.value)
            if isinstance(w, widgets.FloatSlider):
                return format(w.value, w.readout_format.replace(",", ""))
            return str(w.value)

        title = self.children[0].value if self.children else ""
        return {"title_html": title, "inputs": [(w.description, shown(w)) for w in self.controls.values()],
                "numbers_html": self.numbers.value, "message_html": self.message.value,
                "charts": [c.to_dict(validate=False) for c in (self.last_view.charts.values() if self.last_view else [])]}

    def _repr_mimebundle_(self, **kwargs):
        if static_mode():
            return {APP_MIMETYPE: self.snapshot(), "text/plain": "fundlib app (static snapshot)"}
        return super()._repr_mimebundle_(**kwargs)


def _table_html(rows: list[tuple[str, str]], caption: str = "") -> str:
    cells = "".join(f"<tr><td style='padding:2px 12px 2px 0'>{html.escape(k)}</td>"
                    f"<td style='text-align:right;font-variant-numeric:tabular-nums'><b>{html.escape(v)}</b></td></tr>"
                    for k, v in rows)
    cap = f"<caption style='text-align:left;font-weight:bold;padding-bottom:4px'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table class='fundlib-numbers'>{cap}{cells}</table>"


def usd_bn(x: float) -> str:
    """$1,234bn / $5.2bn / −$157bn (a minus sign before the dollar sign)."""
    sign = "−" if x < 0 and round(abs(x), 1) > 0 else ""
    a = abs(x)
    return f"{sign}${a:,.0f}bn" if a >= 10 or a == 0 else f"{sign}${a:,.1f}bn"


# ----------------------------------------------------------------------------- 00 start here


def render_start(equity_usd_bn: float, leverage: float, us_share_pct: float, other_share_pct: float) -> View:
    """The start-here app: equity, leverage and ownership → deployable capital and each owner's stake."""
    fund = S.FundStructure.from_sliders(equity_usd_bn, leverage, us_share_pct / 100.0, other_share_pct / 100.0)
    own = S.ownership_table(fund)
    rows = [("Deployable capital (assets)", usd_bn(fund.assets_usd_bn)),
            ("of which guaranteed debt", usd_bn(fund.debt_usd_bn)),
            ("of which equity", usd_bn(fund.equity_usd_bn))]
    rows += [(f"{r.owner} stake ({r.share:.0%})", usd_bn(r.stake_usd_bn)) for r in own.itertuples()]
    rows.append(("Assets per $1 of equity", f"${fund.leverage:.2f}"))
    return View(_table_html(rows, "The fund in numbers"),
                {"stack": C.capital_stack_chart(S.capital_stack(fund), "Who funds the assets")})


def build_start_app() -> LiveApp:
    """Sliders for equity, leverage and ownership; numbers and the capital stack update in place."""
    controls = {
        "equity_usd_bn": slider("equity_usd_bn", "Equity ($bn)", step=10, fmt=",.0f"),
        "leverage": slider("leverage_x", "Leverage (assets / equity, ×)", step=0.1, fmt=".1f"),
        "us_share_pct": slider("us_treasury_share", "US Treasury share (%)", step=5, fmt=".0f", scale=100),
        "other_share_pct": slider("other_lp_share", "Other LPs' share (%)", step=5, fmt=".0f", scale=100),
    }
    return LiveApp("The fund at a glance", controls, render_start,
                   intro="Japan's Ministry of Finance holds whatever equity the US Treasury and other "
                         "limited partners do not.")


# ----------------------------------------------------------------------------- environment check

_PACKAGES = ["fundlib", "numpy", "pandas", "scipy", "altair", "vl-convert-python", "ipywidgets", "jupyterlab_widgets",
             "anywidget", "jupyterlab", "ipykernel", "voila"]


def environment_report() -> pd.DataFrame:
    """Versions of the packages the suite depends on, with a verdict on the known incompatibilities."""
    rows = [("python", platform.python_version(), "ok" if sys.version_info >= (3, 11) else "needs Python ≥ 3.11")]
    versions = {}
    for p in _PACKAGES:
        try:
            versions[p] = _md.version(p)
        except _md.PackageNotFoundError:
            versions[p] = None
    for p, v in versions.items():
        status = "ok" if v else "missing: run `make lab` again"
        rows.append((p, v or "—", status))
    ipw, jlw = versions.get("ipywidgets"), versions.get("jupyterlab_widgets")
    if ipw and jlw and (ipw.split(".")[0] == "8") != (jlw.split(".")[0] == "3"):
        rows.append(("widgets pairing", f"ipywidgets {ipw} / jupyterlab_widgets {jlw}",
                     "mismatch: widgets will show 'model not found'"))
    else:
        rows.append(("widgets pairing", f"ipywidgets {ipw} / jupyterlab_widgets {jlw}", "ok"))
    return pd.DataFrame(rows, columns=["package", "version", "status"]).set_index("package")


def widget_roundtrip_check() -> widgets.VBox:
    """A slider linked to a number box in the browser only; the kernel echoes what arrives.

    If moving the slider changes the echo line, the browser ↔ kernel widget channel works.
    """
    s = widgets.IntSlider(value=0, min=0, max=10, description="Move me", continuous_update=False)
    box = widgets.IntText(value=0, description="Browser copy", disabled=True,
                          style={"description_width": "initial"}, layout=widgets.Layout(width="180px"))
    widgets.jslink((s, "value"), (box, "value"))  # browser-side link: no kernel involved
    echo = widgets.HTML("Kernel has not heard from the browser yet: move the slider.")

    def _echo(change):
        echo.value = f"<b>✓ Round trip works:</b> the kernel received {change['new']} from the browser."

    box.observe(_echo, names="value")
    return _RoundTrip([widgets.HBox([s, box]), echo])


class _RoundTrip(widgets.VBox):
    def _repr_mimebundle_(self, **kwargs):
        if static_mode():
            return {"text/html": "<p><i>The widget round-trip check needs a running kernel: open this notebook in JupyterLab.</i></p>",
                    "text/plain": "widget check"}
        return super()._repr_mimebundle_(**kwargs)


# ----------------------------------------------------------------------------- display helpers


def format_value(value: float, unit: str) -> str:
    """A register value in the unit a reader expects: $bn, ¥tn, %, bp, ×, years."""
    if unit == "usd_bn":
        return usd_bn(value)
    if unit == "jpy_tn":
        return f"¥{value:,.0f}tn"
    if unit == "decimal":
        whole = abs(value * 100 - round(value * 100)) < 1e-9
        return f"{value:.0%}" if whole else f"{value:.2%}"
    if unit == "bp":
        return f"{value:,.0f} bp"
    if unit == "x":
        return f"{value:.1f}×"
    if unit == "years":
        return f"{value:.0f} years"
    if unit == "jpy_per_usd":
        return f"¥{value:,.2f} per $"
    return f"{value:g} {unit}"


def assumptions_view(ids: list[str] | None = None) -> pd.DataFrame:
    """The assumption register as a reader's table: what, default, range, source."""
    t = A.table(ids)
    return pd.DataFrame({
        "assumption": t["id"],
        "default": [format_value(v, u) for v, u in zip(t["value"], t["unit"])],
        "slider range": [f"{format_value(lo, u)} to {format_value(hi, u)}" for lo, hi, u in zip(t["low"], t["high"], t["unit"])],
        "source": t["source"],
        "note": t["note"].fillna(""),
    }).set_index("assumption")


def _frame_html(df: pd.DataFrame, formats: dict[str, str], caption: str = "", css_class: str = "fundlib-table") -> str:
    """A small HTML table with per-column formats ('usd', 'pct', 'x', or a format spec)."""
    def fmt(v, f):
        if isinstance(v, str):
            return html.escape(v)
        if v is None or (isinstance(v, float) and v != v):
            return "n/a"
        if f == "usd":
            return usd_bn(v)
        if f == "pct":
            return f"{v:.1%}"
        if f == "x":
            return f"{v:.2f}×"
        return format(v, f)

    head = "".join(f"<th style='padding:2px 10px;text-align:right'>{html.escape(c)}</th>" for c in df.columns)
    body = ""
    for idx, row in df.iterrows():
        cells = "".join(f"<td style='padding:2px 10px;text-align:right;font-variant-numeric:tabular-nums'>"
                        f"{fmt(row[c], formats.get(c, ''))}</td>" for c in df.columns)
        body += (f"<tr><th style='text-align:left;padding:2px 10px 2px 0;font-weight:normal;white-space:nowrap'>"
                 f"{html.escape(str(idx))}</th>{cells}</tr>")
    cap = f"<caption style='text-align:left;font-weight:bold;padding-bottom:4px'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table class='{css_class}'>{cap}<tr><th></th>{head}</tr>{body}</table>"


# ----------------------------------------------------------------------------- 01 fund structure


def _structure_inputs(us_share_pct, other_share_pct, us_retail_pct, japan_retail_pct, us_votes_pct, leverage,
                      asset_return_pct, spread_bp, sub_debt_pct, management_fee_pct, fee_basis, carry_pct, hurdle_pct,
                      deploy_years):
    fund = S.FundStructure.from_sliders(A.value("equity_usd_bn"), leverage, us_share_pct / 100, other_share_pct / 100,
                                        us_retail_pct / 100, japan_retail_pct / 100, us_votes_pct / 100,
                                        sub_debt_share=sub_debt_pct / 100)
    fees = S.Fees(management_fee_pct / 100, fee_basis, carry_pct / 100, hurdle_pct / 100)
    A.check("senior_spread_bp", spread_bp, "spread_bp")
    sub = fund.sub_debt_share
    debt_rate = A.value("sofr") + ((1 - sub) * spread_bp + sub * A.value("sub_spread_bp")) * 1e-4
    cash = S.fund_cashflows(fund, asset_return_pct / 100, debt_rate, deploy_years=int(deploy_years), fees=fees)
    return fund, fees, cash, debt_rate


def render_structure(preset: str, us_share_pct: float, other_share_pct: float, us_retail_pct: float,
                     japan_retail_pct: float, us_votes_pct: float, leverage: float, asset_return_pct: float,
                     spread_bp: float, sub_debt_pct: float, management_fee_pct: float, fee_basis: str,
                     carry_pct: float, hurdle_pct: float, deploy_years: int) -> View:
    """Owner shares, votes, leverage, fund return and fees → capital stack, governance, waterfall, owner returns."""
    fund, fees, cash, debt_rate = _structure_inputs(us_share_pct, other_share_pct, us_retail_pct, japan_retail_pct,
                                                    us_votes_pct, leverage, asset_return_pct, spread_bp,
                                                    sub_debt_pct, management_fee_pct, fee_basis, carry_pct, hurdle_pct,
                                                    deploy_years)
    res = S.run_preset(preset, fund, cash, fees)
    summary = res.summary().set_index("payee")
    summary.index.name = None
    returns = summary.rename(columns={"paid_in_usd_bn": "paid in", "received_usd_bn": "received",
                                      "profit_usd_bn": "net gain", "irr": "IRR", "moic": "MOIC"})
    own = S.ownership_table(fund).set_index("owner")[["share", "votes", "stake_usd_bn"]]
    own.index.name = None
    own.columns = ["economic share", "board votes", "stake"]
    levered = fund.leverage * asset_return_pct / 100 - (fund.leverage - 1) * debt_rate
    head = _table_html([
        ("Terms", S.PRESETS[preset].split(":")[0]),
        ("Debt cost (SOFR + spread" + (", blended with subordinated debt)" if fund.sub_debt_share else ")"), f"{debt_rate:.2%}"),
        ("Equity return before fees, L·r_A − (L−1)·r_D", f"{levered:.2%}"),
        ("Fund life", f"{cash.calls.shape[-1] - 1} years"),
    ], "The fund")
    body = (head + "<br>" + _frame_html(own, {"economic share": "pct", "board votes": "pct", "stake": "usd"},
                                        "Who owns and who decides")
            + "<br>" + _frame_html(returns, {"paid in": "usd", "received": "usd", "net gain": "usd", "IRR": "pct", "MOIC": "x"},
                                   "What each party gets over the fund's life", css_class="fundlib-table fundlib-returns"))
    return View(body, {"stack": C.capital_stack_chart(S.capital_stack(fund), "Capital stack"),
                       "waterfall": C.waterfall_chart(res.by_tier())})


def _pct_slider(id: str, description: str, step: float = 0.5, fmt: str = ".1f") -> widgets.FloatSlider:
    return slider(id, description, step=step, fmt=fmt, scale=100)


def _preset_picker() -> widgets.Dropdown:
    """The distribution-terms picker shared by the structure and who-gets-paid apps."""
    return widgets.Dropdown(options=[(v.split(":")[0], k) for k, v in S.PRESETS.items()], value="proposal",
                            description="Distribution terms", style={"description_width": "210px"},
                            layout=widgets.Layout(width="520px"))


def build_structure_app() -> LiveApp:
    """Sliders for owner shares, votes, leverage, fund return and fees; a preset picker for the waterfall terms."""
    controls = {
        "preset": _preset_picker(),
        "us_share_pct": _pct_slider("us_treasury_share", "US Treasury share (%)", 5, ".0f"),
        "other_share_pct": _pct_slider("other_lp_share", "Other LPs' share (%)", 5, ".0f"),
        "us_retail_pct": _pct_slider("us_retail_share", "US retail share (%)", 1, ".0f"),
        "japan_retail_pct": _pct_slider("japan_retail_share", "Japanese retail share (%)", 1, ".0f"),
        "us_votes_pct": _pct_slider("us_treasury_votes", "US Treasury board votes (%)", 5, ".0f"),
        "leverage": slider("leverage_x", "Leverage (assets / equity, ×)", step=0.1, fmt=".1f"),
        "asset_return_pct": _pct_slider("asset_return", "Fund gross return on assets (%)", 0.25, ".2f"),
        "spread_bp": slider("senior_spread_bp", "Debt spread over SOFR (bp)", step=5, fmt=".0f"),
        "sub_debt_pct": _pct_slider("sub_debt_share", "Subordinated share of debt (%)", 5, ".0f"),
        "management_fee_pct": _pct_slider("management_fee", "Management fee (% a year)", 0.25, ".2f"),
        "fee_basis": widgets.ToggleButtons(options=[("on committed capital", "committed"), ("on invested capital", "invested")],
                                           value="committed", description="Fee charged",
                                           style={"description_width": "210px", "button_width": "150px"}),
        "carry_pct": _pct_slider("carried_interest", "Carried interest (%)", 1, ".0f"),
        "hurdle_pct": _pct_slider("hurdle_rate", "Hurdle (preferred return, %)", 0.5, ".1f"),
        "deploy_years": slider("deploy_years", "Years to call the equity", step=1, fmt=".0f"),
    }
    return LiveApp("Who owns, who decides, who gets paid", controls, render_structure,
                   intro="Japan's MoF holds the equity nobody else does. Fees and carry go to a fund manager; "
                         "under the proposal there are none. The MOU terms ignore the ownership sliders: Japan pays in everything.")


def preset_comparison(asset_return: float, deemed_rate: float, life_years: int | None = None,
                      fund: S.FundStructure | None = None) -> pd.DataFrame:
    """Each payee's paid-in, received, net gain and IRR under every preset, for the same fund cash flows."""
    fund = fund or S.FundStructure()
    cash = S.fund_cashflows(fund, asset_return, A.value("sofr") + A.value("senior_spread_bp") * 1e-4, life_years)
    rows = []
    for key, label in S.PRESETS.items():
        res = S.run_preset(key, fund, cash, deemed_rate=deemed_rate) if key == "mou_2025" else S.run_preset(key, fund, cash)
        for r in res.summary().itertuples():
            rows.append({"preset": label.split(":")[0], "payee": r.payee, "paid_in_usd_bn": r.paid_in_usd_bn,
                         "received_usd_bn": r.received_usd_bn, "net_gain_usd_bn": r.profit_usd_bn, "irr": r.irr})
    return pd.DataFrame(rows)


def render_presets(asset_return_pct: float, deemed_rate_pct: float, life_years: float) -> View:
    """The same fund under the three sets of terms: who gains, who loses, and Japan's MOU position."""
    df = preset_comparison(asset_return_pct / 100, deemed_rate_pct / 100, int(life_years))
    table = df.set_index(["preset", "payee"])[["paid_in_usd_bn", "net_gain_usd_bn", "irr"]]
    table.index = [f"{p} · {q}" for p, q in table.index]
    table.columns = ["paid in", "net gain", "IRR"]
    fund = S.FundStructure()
    cash = S.fund_cashflows(fund, asset_return_pct / 100, A.value("sofr") + A.value("senior_spread_bp") * 1e-4, int(life_years))
    mou = S.run_preset("mou_2025", fund, cash, deemed_rate=deemed_rate_pct / 100)
    jv = S.mou_japan_view(mou, deemed_rate_pct / 100)
    recouped = jv["profit share received ($bn)"] > 0
    view = _table_html([
        ("Japan paid in", usd_bn(jv["paid in ($bn)"])),
        ("received on the 'loan' leg (50/50)", usd_bn(jv["loan leg received ($bn)"])),
        ("received as 10% profit share", usd_bn(jv["profit share received ($bn)"])),
        ("Japan's all-in IRR", f"{jv['all-in IRR']:.2%}" if jv["all-in IRR"] == jv["all-in IRR"] else "n/a"),
        ("deemed interest rate", f"{jv['deemed interest rate']:.2%}"),
        ("recouped within the fund's life?", "yes" if recouped else "no: Japan never reaches the 90/10 phase"),
        ("US received, with no capital in", usd_bn(jv["US received with no capital in ($bn)"])),
    ], "Japan's position under the MOU: a loan plus a profit share")
    body = _frame_html(table, {"paid in": "usd", "net gain": "usd", "IRR": "pct"}, "Same fund, three sets of terms",
                       css_class="fundlib-table fundlib-presets") + "<br>" + view
    return View(body, {"presets": C.preset_comparison_chart(df)})


def build_presets_app() -> LiveApp:
    controls = {
        "asset_return_pct": _pct_slider("asset_return", "Fund gross return on assets (%)", 0.25, ".2f"),
        "deemed_rate_pct": _pct_slider("mou_deemed_rate", "MOU deemed interest rate (%)", 0.25, ".2f"),
        "life_years": slider("fund_life_years", "Fund life (years)", step=1, fmt=".0f"),
    }
    return LiveApp("The same fund under three sets of terms", controls, render_presets,
                   intro="Default ownership (50/50, no fees). Under the MOU terms Japan pays in all the equity.")


# ----------------------------------------------------------------------------- 02 leverage

STRESSES = {
    "none": (0.0, 0.0),
    "SOFR +200 bp": (0.02, 0.0),
    "asset return −3 pp": (0.0, -0.03),
    "both": (0.02, -0.03),
}


def render_roe(leverage: float, asset_return_pct: float, sofr_pct: float, spread_bp: float,
               guarantee_fee_bp: float, stress: str) -> View:
    """Leverage, asset return and debt cost → return on equity, break-even and the ROE-vs-leverage chart."""
    from fundlib import leverage as LV

    d_sofr, d_ra = STRESSES[stress]
    terms = LV.DebtTerms(sofr=sofr_pct / 100 + d_sofr, spread_bp=spread_bp, guarantee_fee_bp=guarantee_fee_bp)
    r_d = terms.rate()
    r_a = asset_return_pct / 100 + d_ra
    roe = LV.levered_return(r_a, r_d, leverage)
    L = np.linspace(1.0, 6.0, 51)
    grid = np.array([r_a - 0.02, r_a, r_a + 0.02])
    curves = pd.DataFrame({
        "leverage": np.tile(L, grid.size),
        "equity_return": LV.levered_return(grid[:, None], r_d, L[None, :]).ravel(),
        "asset_return_label": np.repeat([f"{g:.1%}" + (" (yours)" if i == 1 else "") for i, g in enumerate(grid)], L.size),
    })
    rows = [
        ("Stress applied", stress),
        ("Debt cost: SOFR + spread + guarantee fee", f"{r_d:.2%}"),
        ("Asset return", f"{r_a:.2%}"),
        ("Return on equity, L·r_A − (L−1)·r_D", f"{roe:.2%}"),
        ("Asset return at which equity earns 0", f"{LV.breakeven_asset_return(r_d, leverage):.2%}"),
        ("Spread over debt cost the assets earn", f"{(r_a - r_d) * 1e4:,.0f} bp"),
        ("Asset-value fall that wipes out equity", f"{LV.wipeout_fall(leverage):.1%}"),
        ("Assets per $1 of equity / debt per $1", f"${leverage:.2f} / ${leverage - 1:.2f}"),
    ]
    return View(_table_html(rows, "Leverage at work"),
                {"roe": C.roe_vs_leverage_chart(curves, {"leverage": leverage, "equity_return": roe})})


def build_roe_app() -> LiveApp:

    controls = {
        "leverage": slider("leverage_x", "Leverage (assets / equity, ×)", step=0.1, fmt=".1f"),
        "asset_return_pct": _pct_slider("asset_return", "Asset return (% a year)", 0.25, ".2f"),
        "sofr_pct": _pct_slider("sofr", "SOFR (%)", 0.05, ".2f"),
        "spread_bp": slider("senior_spread_bp", "Spread over SOFR (bp)", step=5, fmt=".0f"),
        "guarantee_fee_bp": slider("guarantee_fee_bp", "Guarantee fee (bp)", step=5, fmt=".0f"),
        "stress": widgets.ToggleButtons(options=list(STRESSES), value="none", description="Stress",
                                        style={"description_width": "210px", "button_width": "140px"}),
    }
    return LiveApp("What leverage does to the return on equity", controls, render_roe)


def render_project_finance(cfads_usd_bn: float, shape: str, project_life: float, target_dscr: float,
                           tenor: float, profile: str, gearing_pct: float, total_uses_usd_bn: float) -> View:
    """CFADS profile, DSCR target, tenor and gearing → debt capacity, repayment schedule, DSCR and LLCR."""
    from fundlib import leverage as LV

    life, tenor = int(project_life), int(tenor)
    if tenor >= life:
        raise InputError("tenor", tenor, f"fewer years than the project's life ({life})")
    cf = LV.cfads_profile(cfads_usd_bn, life, shape, ramp_years=3, decline=0.02)
    rate = LV.DebtTerms().rate()
    A.check("target_dscr", target_dscr)
    sized = LV.size_debt(cf, rate, target_dscr, tenor, total_uses_usd_bn, gearing_pct / 100)
    sched = sized["schedule"] if profile == "sculpted" else LV.debt_schedule(sized["debt"], rate, tenor, profile, cfads=cf)
    tbl = sched.table()
    llcr0 = tbl["llcr"].iloc[0]
    breaches = int(np.sum(sched.dscr[1:tenor + 1] < target_dscr - 1e-9))
    rows = [
        ("Debt rate (SOFR + 120 bp + guarantee fee)", f"{rate:.2%}"),
        ("Debt the cash flow can carry at the DSCR target", usd_bn(sized["dscr_capacity"])),
        ("Gearing cap (gearing × total uses)", usd_bn(sized["gearing_capacity"])),
        ("Debt raised: the smaller of the two", f"{usd_bn(sized['debt'])} ({sized['binding']} binds)"),
        ("Equity needed", usd_bn(sized["equity"])),
        ("Minimum / average DSCR (" + profile + ")", f"{sched.min_dscr:.2f}× / {sched.avg_dscr:.2f}×"),
        ("Years below the DSCR target", f"{breaches} of {tenor}"),
        ("LLCR at financial close", f"{llcr0:.2f}×"),
        ("PLCR at financial close", f"{sched.plcr[0]:.2f}×"),
    ]
    return View(_table_html(rows, "Sizing the debt"), {"schedule": C.debt_schedule_chart(tbl)})


def build_project_finance_app() -> LiveApp:
    controls = {
        "cfads_usd_bn": widgets.FloatSlider(value=10.0, min=1.0, max=50.0, step=0.5, description="CFADS at full output ($bn/yr)",
                                            continuous_update=False, style={"description_width": "210px"},
                                            layout=widgets.Layout(width="520px")),
        "shape": widgets.ToggleButtons(options=[("level", "level"), ("ramp-up", "ramp"), ("declining 2%/yr", "declining")],
                                       value="ramp", description="CFADS profile", style={"description_width": "210px"}),
        "project_life": widgets.IntSlider(value=25, min=10, max=40, description="Project life (years)", continuous_update=False,
                                          style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
        "target_dscr": slider("target_dscr", "Target DSCR (×)", step=0.05, fmt=".2f"),
        "tenor": slider("debt_tenor_years", "Debt tenor (years)", step=1, fmt=".0f"),
        "profile": widgets.ToggleButtons(options=["sculpted", "annuity", "bullet"], value="sculpted",
                                         description="Repayment profile", style={"description_width": "210px"}),
        "gearing_pct": _pct_slider("gearing_max", "Maximum gearing (% of uses)", 1, ".0f"),
        "total_uses_usd_bn": widgets.FloatSlider(value=150.0, min=10.0, max=900.0, step=10, description="Total uses ($bn)",
                                                 continuous_update=False, style={"description_width": "210px"},
                                                 layout=widgets.Layout(width="520px")),
    }
    return LiveApp("How much debt can the projects carry?", controls, render_project_finance,
                   intro="Debt is drawn when construction ends (year 0) and repaid from CFADS. "
                         "Its size comes from sculpting at the target DSCR, capped by gearing; the chosen profile then repays that amount.")


def render_risk(asset_volatility_pct: float, leverage: float, asset_return_pct: float, debt_rate_pct: float,
                distribution: str, scenarios: int, seed: int) -> View:
    """Asset volatility and leverage → distribution of one-year equity returns and the chance of a loss."""
    from fundlib import leverage as LV

    mu, sig, rd = asset_return_pct / 100, asset_volatility_pct / 100, debt_rate_pct / 100
    draws = LV.simulate_equity_returns(mu, sig, rd, leverage, n=int(scenarios), seed=int(seed), distribution=distribution)
    p_loss = LV.prob_equity_loss(mu, sig, rd, leverage, distribution=distribution)
    p_wipe = LV.prob_equity_loss(mu, sig, rd, leverage, threshold=-1.0, distribution=distribution)
    rows = [
        ("Equity volatility = L × asset volatility", f"{LV.equity_volatility(sig, leverage):.1%}"),
        ("Expected return on equity", f"{LV.levered_return(mu, rd, leverage):.2%}"),
        ("P(equity loses money in a year), formula", f"{p_loss:.2%}"),
        ("… by simulation (seed " + str(int(seed)) + ")", f"{np.mean(draws < 0):.2%}"),
        ("P(equity wiped out in a year), formula", f"{p_wipe:.3%}"),
        ("5% worst case (5th percentile)", f"{np.quantile(draws, 0.05):.1%}"),
    ]
    return View(_table_html(rows, "Leverage multiplies risk"), {"hist": C.return_histogram(draws)})


def build_risk_app() -> LiveApp:
    controls = {
        "asset_volatility_pct": _pct_slider("asset_volatility", "Asset volatility (% a year)", 0.5, ".1f"),
        "leverage": slider("leverage_x", "Leverage (assets / equity, ×)", step=0.1, fmt=".1f"),
        "asset_return_pct": _pct_slider("asset_return", "Expected asset return (%)", 0.25, ".2f"),
        "debt_rate_pct": widgets.FloatSlider(value=round((A.value("sofr") + A.value("senior_spread_bp") * 1e-4) * 100, 2),
                                             min=0.0, max=12.0, step=0.1, description="Debt cost (%)", readout_format=".2f",
                                             continuous_update=False, style={"description_width": "210px"},
                                             layout=widgets.Layout(width="520px")),
        "distribution": widgets.ToggleButtons(options=["normal", "lognormal"], value="normal", description="Asset returns",
                                              style={"description_width": "210px"}),
        "scenarios": widgets.IntSlider(value=20_000, min=1_000, max=200_000, step=1_000, description="Scenarios",
                                       continuous_update=False, style={"description_width": "210px"},
                                       layout=widgets.Layout(width="520px")),
        "seed": widgets.IntText(value=2025, description="Seed", style={"description_width": "210px"}),
    }
    return LiveApp("How leverage multiplies risk", controls, render_risk)


# ----------------------------------------------------------------------------- 03 FILP vs JGB

_CURVE_METHODS = {"monotone (PCHIP)": "pchip", "Nelson–Siegel": "nelson_siegel", "Nelson–Siegel–Svensson": "svensson"}


def render_curves(month: str, method: str) -> View:
    """JGB and UST curves on one month-end, interpolated or fitted, with the fit error."""
    from fundlib import curves as CV

    rates = _rates()
    pts, lines, rows = [], [], []
    grid = np.linspace(0.25, 40.0, 160)
    for market in ("jgb", "ust"):
        label = CV.MARKET_LABELS[market]
        if pd.Period(month, "M") not in CV.months_with_curve(market, rates):
            rows.append((f"{label} curve", "not in the data for this month"))
            continue
        c = CV.curve_on(month, market, rates)
        g = grid[(grid >= c.index.min()) & (grid <= c.index.max())] if method == "pchip" else grid
        f = CV.curve_function(c, method)  # fitted once, used for the line, the errors and the read-outs
        pts.append(pd.DataFrame({"market": label, "tenor_years": c.index, "yield": c.to_numpy()}))
        lines.append(pd.DataFrame({"market": label, "tenor_years": g, "yield": f(g)}))
        err = (f(c.index.to_numpy()) - c.to_numpy()) * 1e4
        rows.append((f"{label}: 10Y / 30Y", f"{float(f(10.0)):.2%} / {float(f(30.0)):.2%}"))
        rows.append((f"{label}: fit error, RMS / max", f"{np.sqrt(np.mean(err ** 2)):.1f} bp / {np.max(np.abs(err)):.1f} bp"))
    if not pts:
        raise InputError("month", month, "a month where at least one curve has data")
    return View(_table_html(rows, f"Month-end {month}"),
                {"curves": C.curves_chart(pd.concat(pts), pd.concat(lines), f"Government bond yield curves, {month}")})


def _rates() -> pd.DataFrame:
    from fundlib.data import load_rates_monthly  # cached by fundlib.data; each call gets its own copy

    return load_rates_monthly()


def build_curves_app() -> LiveApp:
    from fundlib import curves as CV

    months = [str(m) for m in CV.months_with_curve("jgb", _rates())]
    controls = {
        "month": widgets.SelectionSlider(options=months, value=months[-1], description="Month-end",
                                         continuous_update=False, style={"description_width": "210px"},
                                         layout=widgets.Layout(width="520px")),
        "method": widgets.ToggleButtons(options=list(_CURVE_METHODS.items()), value="pchip", description="Curve between the dots",
                                        style={"description_width": "210px", "button_width": "170px"}),
    }
    return LiveApp("The JGB and US Treasury curves, month by month", controls, render_curves,
                   intro="UST data end in 2025-10; JGB data in 2026-02 (10Y and 20Y later).")


def render_funding(issue_jpy_tn: float, tenor: int, month: str, override: bool, yield_pct: float) -> View:
    """Issue size, tenor and the month's JGB yield (or an override) → coupon cost, DV01, price sensitivity."""
    from fundlib import curves as CV, filp as F

    if override:
        y = yield_pct / 100
        src = "your override"
    else:
        c = CV.curve_on(month, "jgb", _rates())
        y = float(CV.interpolate(c, float(tenor), "pchip"))
        src = f"JGB {tenor}Y, month-end {month}"
    issue = F.issue_cost(issue_jpy_tn, int(tenor), y)
    fx = A.value("usdjpy")
    rows = [
        ("Yield = coupon (issued at par)", f"{y:.3%} ({src})"),
        ("Annual coupon cost", f"¥{issue.annual_coupon_jpy_tn:,.3f}tn ≈ {usd_bn(issue.annual_coupon_jpy_tn * 1000 / fx)}"),
        ("Coupons over the bond's life", f"¥{issue.total_coupons_jpy_tn:,.2f}tn"),
        ("Modified duration", f"{issue.modified_duration:.1f} years"),
        ("DV01 of the issue (value per 1 bp)", f"¥{issue.dv01_jpy_bn:,.1f}bn"),
        ("Market value if yields rise 100 bp", f"¥{issue.value_change_up100_jpy_tn:+,.2f}tn"),
        ("Market value if yields fall 100 bp", f"¥{issue.value_change_down100_jpy_tn:+,.2f}tn"),
    ]
    return View(_table_html(rows, f"Issuing ¥{issue_jpy_tn:,.1f}tn of {tenor}-year FILP bonds"),
                {"price": C.price_sensitivity_chart(F.price_sensitivity(int(tenor), y), f"{tenor}-year FILP bond: price against yield")})


def build_funding_app() -> LiveApp:
    from fundlib import curves as CV

    months = [str(m) for m in CV.months_with_curve("jgb", _rates())]
    controls = {
        "issue_jpy_tn": slider("filp_issue_jpy_tn", "Issue size (¥tn)", step=0.5, fmt=".1f"),
        "tenor": widgets.SelectionSlider(options=[10, 15, 20, 25, 30, 40], value=int(A.value("filp_tenor_years")),
                                         description="Tenor (years)", continuous_update=False,
                                         style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
        "month": widgets.SelectionSlider(options=months, value=months[-1], description="Yield from month-end",
                                         continuous_update=False, style={"description_width": "210px"},
                                         layout=widgets.Layout(width="520px")),
        "override": widgets.Checkbox(value=False, description="Override the yield", indent=False),
        "yield_pct": widgets.FloatSlider(value=round(A.value("jgb_30y") * 100, 2), min=-0.5, max=6.0, step=0.05,
                                         description="Yield override (%)", readout_format=".2f", continuous_update=False,
                                         style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
    }
    return LiveApp("What Japan's FILP money costs", controls, render_funding,
                   intro="Default size: Japan's $150bn half of the equity at ¥156.66 per dollar.")


def render_hedging(usd_yield_pct: float, sofr_pct: float, tona_pct: float, basis_bp: float, hedge_months: float,
                   filp_pct: float) -> View:
    """USD asset yield, short rates, basis and hedge tenor → hedged vs unhedged yen pickup over the FILP cost."""
    from fundlib import fx as FX

    y, u, j, f = usd_yield_pct / 100, sofr_pct / 100, tona_pct / 100, filp_pct / 100
    tau = hedge_months / 12
    cost = FX.hedge_cost(u, j, basis_bp, tau)
    hedged = FX.hedged_yield(y, u, j, basis_bp, tau)
    be = FX.breakeven_depreciation(y, f)
    rows = [
        ("USD asset yield", f"{y:.2%}"),
        ("Hedge cost ≈ SOFR − TONA − basis", f"{cost:.2%} a year"),
        ("Hedged yield in yen", f"{hedged:.2%}"),
        ("FILP funding cost (JGB of the same maturity)", f"{f:.2%}"),
        ("Pickup over FILP, hedged", f"{(hedged - f) * 1e4:+,.0f} bp"),
        ("Pickup over FILP, unhedged (if USD/JPY is flat)", f"{(y - f) * 1e4:+,.0f} bp"),
        ("Yearly yen appreciation that wipes out the unhedged pickup", f"{be:.2%}"),
    ]
    hist = FX.hedge_cost_history(_rates(), basis_bp, tau)
    return View(_table_html(rows, "Yen into dollars, hedged or not"),
                {"hedge": C.hedge_history_chart(hist, cost)})


def build_hedging_app() -> LiveApp:
    controls = {
        "usd_yield_pct": _pct_slider("ust_30y", "USD asset yield (%)", 0.05, ".2f"),
        "sofr_pct": _pct_slider("sofr", "SOFR (%)", 0.05, ".2f"),
        "tona_pct": _pct_slider("tona", "TONA (%)", 0.05, ".2f"),
        "basis_bp": slider("usdjpy_basis_bp", "Cross-currency basis (bp)", step=1, fmt=".0f"),
        "hedge_months": slider("hedge_tenor_months", "Hedge tenor (months)", step=1, fmt=".0f"),
        "filp_pct": _pct_slider("jgb_30y", "FILP cost: JGB 30Y (%)", 0.05, ".2f"),
    }
    return LiveApp("Does a dollar asset pay for yen funding?", controls, render_hedging,
                   intro="Default USD asset: the 30-year Treasury. Try the fund's own expected equity return from notebook 02 (about 10.6%).")


def render_fx_risk(volatility_pct: float, horizon_years: float, usd_return_pct: float, filp_pct: float,
                   paths: int, seed: int) -> View:
    """USD/JPY volatility, horizon and paths → distribution of the unhedged yen return against the FILP coupon."""
    from fundlib import fx as FX

    vol, H, y, f = volatility_pct / 100, float(horizon_years), usd_return_pct / 100, filp_pct / 100
    spot = A.value("usdjpy")
    end = FX.simulate_usdjpy(spot, vol, H, int(paths), int(seed), steps_per_year=1)[:, -1]
    yen = FX.unhedged_yen_return(y, spot, end, H)
    rows = [
        ("Start: USD/JPY", f"¥{spot:,.2f}"),
        ("USD/JPY after the horizon, 5th / 50th / 95th percentile",
         " / ".join(f"¥{q:,.0f}" for q in np.quantile(end, [0.05, 0.5, 0.95]))),
        ("Yen return a year, median", f"{np.median(yen):.2%}"),
        ("P(yen return below the FILP coupon)", f"{np.mean(yen < f):.1%}"),
        ("P(yen loss over the horizon)", f"{np.mean(yen < 0):.1%}"),
    ]
    return View(_table_html(rows, f"Unhedged over {H:.0f} years, {int(paths):,} paths, seed {int(seed)}"),
                {"hist": C.return_histogram(yen, title="Yen return on the dollar stake, unhedged",
                                            label="Annualized return in yen (%)", markers={"FILP coupon": f})})


def build_fx_risk_app() -> LiveApp:
    controls = {
        "volatility_pct": _pct_slider("usdjpy_volatility", "USD/JPY volatility (% a year)", 0.5, ".1f"),
        "horizon_years": widgets.IntSlider(value=10, min=1, max=30, description="Horizon (years)", continuous_update=False,
                                           style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
        "usd_return_pct": _pct_slider("asset_return", "Dollar return on the stake (%)", 0.25, ".2f"),
        "filp_pct": _pct_slider("jgb_30y", "FILP coupon (%)", 0.05, ".2f"),
        "paths": widgets.IntSlider(value=20_000, min=1_000, max=200_000, step=1_000, description="Paths",
                                   continuous_update=False, style={"description_width": "210px"},
                                   layout=widgets.Layout(width="520px")),
        "seed": widgets.IntText(value=2025, description="Seed", style={"description_width": "210px"}),
    }
    return LiveApp("Currency risk on an unhedged stake", controls, render_fx_risk,
                   intro="USD/JPY follows a driftless random walk with the volatility you set (estimated from 2000–2026 data by default).")


# ----------------------------------------------------------------------------- 04 project returns


def _archetype_options():
    from fundlib import projects as P

    return [(P.archetype(k).label, k) for k in P.ARCHETYPES]


def render_project(archetype: str, capex_change_pct: float, utilization_pct: float, margin_pct: float,
                   life_years: float, gearing_pct: float) -> View:
    """One project: sector, capex, utilization, margin, life and project debt → cash flows, IRR, NPV, DSCR."""
    from fundlib import leverage as LV, projects as P, scenarios as SC

    base = P.archetype(archetype)
    a = base.with_(capex_usd_bn=base.capex_usd_bn * (1 + capex_change_pct / 100), utilization=utilization_pct / 100,
                   margin=margin_pct / 100, life_years=int(life_years))
    table = P.cashflow_table(a)
    cf = table["total"].to_numpy()
    hurdle = SC.funding_costs()["SOFR + 120 bp"]
    m = P.metrics(cf, hurdle)
    rows = [
        ("Capex", f"{usd_bn(a.capex_usd_bn)} ({a.capex_basis})" if capex_change_pct == 0 else usd_bn(a.capex_usd_bn)),
        ("Project IRR (unlevered)", f"{m['irr']:.2%}" if np.isfinite(m["irr"]) else "none (never pays back)"),
        (f"NPV at the fund's debt cost ({hurdle:.2%})", usd_bn(m["npv"])),
        ("MOIC / payback", f"{m['moic']:.2f}× / " + (f"{m['payback']:.1f} years" if np.isfinite(m["payback"]) else "never")),
    ]
    if gearing_pct > 0:
        d = P.with_debt(a, LV.DebtTerms().rate(), A.value("target_dscr"), int(A.value("debt_tenor_years")), gearing_pct / 100)
        rows += [("Project debt (sized at the DSCR target, capped by gearing)", f"{usd_bn(d['debt'])} ({d['binding']} binds)"),
                 ("Equity IRR with that debt", f"{d['equity_irr']:.2%}" if np.isfinite(d["equity_irr"]) else "n/a"),
                 ("Minimum DSCR", f"{d['min_dscr']:.2f}×")]
    return View(_table_html(rows, a.label), {"cf": C.project_cashflow_chart(table, f"{a.label}: cash flows")})


def build_project_app() -> LiveApp:
    from fundlib import projects as P

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
    app = LiveApp("One project, year by year", controls, render_project,
                  intro="Choosing a project type resets utilization, margin and life to that type's defaults.")

    def _reset(change):
        a = P.archetype(change["new"])
        for key, value in (("utilization_pct", a.utilization * 100), ("margin_pct", a.margin * 100), ("life_years", a.life_years)):
            w = app.controls[key]
            w.unobserve(app._on_change, names="value")
            w.value = value
            w.observe(app._on_change, names="value")
        app.recompute()

    controls["archetype"].unobserve(app._on_change, names="value")
    controls["archetype"].observe(_reset, names="value")
    return app


def render_monte_carlo(w_data_centres_pct: float, w_power_pct: float, w_chip_packaging_pct: float,
                       w_logistics_pct: float, width_pct: float, macro_corr: float, scenarios: int, seed: int) -> View:
    """Sector weights, uncertainty, correlation, scenario count and seed → IRR distribution and tornado."""
    from fundlib import scenarios as SC

    weights = {"data_centres": w_data_centres_pct / 100, "power": w_power_pct / 100,
               "chip_packaging": w_chip_packaging_pct / 100, "logistics": w_logistics_pct / 100}
    SC.check_weights(weights)
    unc = SC.Uncertainty(macro_corr=macro_corr).scaled(width_pct / 100)
    res = SC.run_monte_carlo(weights, unc, int(scenarios), int(seed))
    q = res.quantiles()
    costs = SC.funding_costs()
    rows = [("Deterministic IRR (every input at base)", f"{SC.deterministic_irr(weights):.2%}"),
            ("P10 / P50 / P90 IRR", f"{q[0.1]:.2%} / {q[0.5]:.2%} / {q[0.9]:.2%}")]
    rows += [(f"P(IRR below {name}, {rate:.2%})", f"{res.prob_below(rate):.1%}") for name, rate in costs.items()]
    rows.append(("Scenarios, seed", f"{int(scenarios):,}, {int(seed)}"))
    markers = {"P10": q[0.1], "P50": q[0.5], "P90": q[0.9]}
    markers.update({name: rate for name, rate in costs.items()})
    hist = C.return_histogram(res.irr[np.isfinite(res.irr)], title="Portfolio IRR across scenarios",
                              label="Portfolio IRR (% a year, unlevered)", markers=markers)
    return View(_table_html(rows, "The portfolio"), {"hist": hist, "tornado": C.tornado_chart(SC.tornado(weights, unc))})


def build_monte_carlo_app() -> LiveApp:
    def w(id, desc):
        return _pct_slider(id, desc, 5, ".0f")

    controls = {
        "w_data_centres_pct": w("w_data_centres", "AI data centres (%)"),
        "w_power_pct": w("w_power", "Power generation (%)"),
        "w_chip_packaging_pct": w("w_chip_packaging", "Chip packaging (%)"),
        "w_logistics_pct": w("w_logistics", "Logistics (%)"),
        "width_pct": widgets.FloatSlider(value=100, min=0, max=200, step=10, description="Uncertainty (% of default widths)",
                                         readout_format=".0f", continuous_update=False, style={"description_width": "210px"},
                                         layout=widgets.Layout(width="520px")),
        "macro_corr": slider("mc_macro_corr", "Correlation via macro factor", step=0.05, fmt=".2f"),
        "scenarios": widgets.IntSlider(value=5_000, min=500, max=100_000, step=500, description="Scenarios",
                                       continuous_update=False, style={"description_width": "210px"},
                                       layout=widgets.Layout(width="520px")),
        "seed": widgets.IntText(value=2025, description="Seed", style={"description_width": "210px"}),
    }
    return LiveApp("A portfolio Monte Carlo", controls, render_monte_carlo,
                   intro="Weights must add up to 100%. Each scenario draws capex overruns, delays, utilization, prices, "
                         "margins and exit values for every sector, linked through one macro factor.")


# ----------------------------------------------------------------------------- 05 who gets paid


def render_who_gets_paid(asset_return_pct: float, us_share_pct: float, preset: str, tax_credit_pct: float,
                         effective_tax_pct: float, tariff_pct: float, import_base_usd_bn: float,
                         discount_pct: float, yen_appreciation_pct: float) -> View:
    """Fund return, ownership, terms, tax credit, tariff, discount rate and FX → each government's take."""
    from fundlib import treasury as TR

    fund = S.FundStructure.from_sliders(A.value("equity_usd_bn"), A.value("leverage_x"), us_share_pct / 100)
    r_a = asset_return_pct / 100
    us = TR.compare_us(fund, r_a, preset, credit_rate=tax_credit_pct / 100, effective_tax_rate=effective_tax_pct / 100,
                       tariff=tariff_pct / 100, import_base=import_base_usd_bn, discount_rate=discount_pct / 100)
    y = A.value("jgb_30y")
    jp = {}
    for label, hedged in (("Hedged", True), ("Unhedged", False)):
        jp[label] = TR.japan_yen_pnl(fund, r_a, hedged, yen_appreciation_pct / 100, preset)
    jp_pv = pd.Series({k: TR.japan_surplus_pv(v, y) for k, v in jp.items()})
    be_h = TR.breakeven_fund_return(fund, True, 0.0, preset)
    be_u = TR.breakeven_fund_return(fund, False, yen_appreciation_pct / 100, preset)

    def pct(x):
        return f"{x:.2%}" if x == x else "none in range"

    us_in = -us.streams["Own the fund"].clip(upper=0).sum()
    per_fund = us.per_dollar["Own the fund"]
    rows = [
        ("US: public money in the fund", usd_bn(us_in) if us_in > 0 else "none under these terms"),
        ("US: PV per $1, owning the fund", f"${per_fund:.2f}" if per_fund == per_fund else
         f"no outlay; receives {usd_bn(us.pv['Own the fund'])} in PV"),
        ("US: PV per $1, tax-credit playbook", f"${us.per_dollar['Tax-credit playbook']:.2f}"),
        (f"US: tariff PV ({tariff_pct:.0f}% vs 0%, no outlay)", usd_bn(us.pv["Tariff (no outlay)"])),
        ("Discount rate (US)", f"{us.discount_rate:.2%}"),
        ("Japan: surplus over FILP, hedged / unhedged", f"¥{jp_pv['Hedged']:,.1f}tn / ¥{jp_pv['Unhedged']:,.1f}tn"),
        ("Japan: break-even fund return, hedged / unhedged", f"{pct(be_h)} / {pct(be_u)}"),
    ]
    us_cum = us.streams
    jp_cum = pd.DataFrame({k: v["net_jpy_tn"] for k, v in jp.items()})
    return View(_table_html(rows, "Who gets paid"),
                {"pv": C.government_pv_chart(us.pv, jp_pv), "cum": C.cumulative_cash_chart(us_cum, jp_cum)})


def build_who_gets_paid_app() -> LiveApp:
    controls = {
        "asset_return_pct": _pct_slider("asset_return", "Fund gross return on assets (%)", 0.25, ".2f"),
        "us_share_pct": _pct_slider("us_treasury_share", "US Treasury share (%)", 5, ".0f"),
        "preset": _preset_picker(),
        "tax_credit_pct": _pct_slider("tax_credit_rate", "Tax credit (% of capex)", 1, ".0f"),
        "effective_tax_pct": _pct_slider("effective_tax_rate", "Tax recovered on operating cash (%)", 1, ".0f"),
        "tariff_pct": _pct_slider("us_tariff_floor", "Tariff on Japanese imports (%)", 1, ".0f"),
        "import_base_usd_bn": slider("us_imports_from_japan_usd_bn", "Imports from Japan ($bn/yr)", step=1, fmt=".0f"),
        "discount_pct": _pct_slider("ust_30y", "US discount rate (%)", 0.05, ".2f"),
        "yen_appreciation_pct": widgets.FloatSlider(value=0.0, min=-5.0, max=10.0, step=0.5, readout_format=".1f",
                                                    description="Yen appreciation (%/yr, unhedged)", continuous_update=False,
                                                    style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
    }
    return LiveApp("Who gets paid: owning, subsidizing or taxing", controls, render_who_gets_paid,
                   intro="The tax-credit route spends the same public money as the US fund stake; tariffs need no outlay. "
                         "Japan's side is in yen, after paying the FILP coupons.")


# ----------------------------------------------------------------------------- 06 stress tests


def render_stress(sofr_bp: float, usdjpy: float, ai_bust: float, delay_years: int) -> View:
    """The named stresses and your own, through the whole chain, in one dashboard."""
    from fundlib import stress as ST

    shocks = ST.named_shocks()
    shocks["Your scenario"] = ST.Shock(sofr_bp, usdjpy, ai_bust, int(delay_years))
    table, long = ST.stress_table(shocks)
    shown = table[["equity IRR", "change in equity value ($bn)", "min DSCR", "lock-up years", "default years",
                   "guarantee calls ($bn)", "US loss vs base ($bn PV)", "Japan loss vs base (¥tn PV)"]].copy()
    shown.columns = ["equity IRR", "Δ equity value", "min DSCR", "lock-up yrs", "default yrs", "guarantee calls",
                     "US loss (PV)", "Japan loss (¥tn PV)"]
    shown.index.name = None
    html_table = _frame_html(shown, {"equity IRR": "pct", "Δ equity value": "usd", "min DSCR": ".2f", "lock-up yrs": ".0f",
                                     "default yrs": ".0f", "guarantee calls": "usd", "US loss (PV)": "usd",
                                     "Japan loss (¥tn PV)": ",.1f"},
                             "The fund under stress (equity $300bn, debt $600bn, pro rata to owners)",
                             css_class="fundlib-table fundlib-stress")
    keep = ["Base", "Your scenario"] + [k for k in shocks if k not in ("Base", "Your scenario")]
    paths = long[long["scenario"].isin(keep)]
    return View(html_table, {"losses": C.stress_losses_chart(table),
                             "dscr": C.dscr_paths_chart(paths, A.value("lockup_dscr"), A.value("default_dscr"))})


def build_stress_app() -> LiveApp:
    controls = {
        "sofr_bp": widgets.FloatSlider(value=0.0, min=-200, max=1000, step=25, description="SOFR change (bp)", readout_format=".0f",
                                       continuous_update=False, style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
        "usdjpy": widgets.FloatSlider(value=A.value("usdjpy"), min=60, max=200, step=1, description="USD/JPY after the shock (¥)",
                                      readout_format=".0f", continuous_update=False, style={"description_width": "210px"},
                                      layout=widgets.Layout(width="520px")),
        "ai_bust": widgets.FloatSlider(value=0.0, min=0.0, max=2.5, step=0.1, description="AI capex bust (1 = named)",
                                       readout_format=".1f", continuous_update=False, style={"description_width": "210px"},
                                       layout=widgets.Layout(width="520px")),
        "delay_years": widgets.IntSlider(value=0, min=0, max=10, description="Construction delay (years)", continuous_update=False,
                                         style={"description_width": "210px"}, layout=widgets.Layout(width="520px")),
    }
    return LiveApp("Stress dashboard: build your own scenario", controls, render_stress,
                   intro="Your scenario is the last row and the highlighted line; the named scenarios stay for comparison.")



# ----------------------------------------------------------------------------- the dashboard

SHARED = {  # shared-panel control -> (register id, scale to the slider's unit, label, step, format)
    "sofr": ("sofr", 100, "SOFR (%)", 0.05, ".2f"),
    "asset_return": ("asset_return", 100, "Fund gross return on assets (%)", 0.25, ".2f"),
    "leverage": ("leverage_x", 1, "Leverage (assets / equity, ×)", 0.1, ".1f"),
    "us_share": ("us_treasury_share", 100, "US Treasury share (%)", 5, ".0f"),
    "usdjpy": ("usdjpy", 1, "USD/JPY (¥ per $)", 1, ".0f"),
}


class Dashboard(widgets.VBox):
    """Every app on one page under a shared scenario panel: change an assumption once and every
    panel recomputes. The panel sets the register's overrides (so every model reads the same
    numbers), moves the matching sliders of each app, and recomputes each app once."""

    def __init__(self, panels: dict[str, LiveApp], scenario_dir=None):
        from pathlib import Path

        self.panels = panels
        self.shared = {k: slider(id, label, step=step, fmt=fmt, scale=sc) for k, (id, sc, label, step, fmt) in SHARED.items()}
        folder = Path(scenario_dir) if scenario_dir else Path(__file__).resolve().parent.parent / "scenarios"
        files = sorted(folder.glob("*.json")) if folder.exists() else []
        self.scenario_files = {"(register defaults)": None, **{f.stem.replace("_", " "): f for f in files}}
        self.picker = widgets.Dropdown(options=list(self.scenario_files), value="(register defaults)",
                                       description="Start from scenario", style={"description_width": "210px"},
                                       layout=widgets.Layout(width="520px"))
        self.status = widgets.HTML()
        self.last_seconds = float("nan")
        self._file_overrides: dict = {}
        head = widgets.HTML("<h2 style='margin:4px 0'>Shared scenario</h2><div style='color:#444'>These inputs feed "
                            "every panel below. Each panel keeps its own sliders for everything else.</div>")
        panel_box = widgets.VBox([self.picker, *self.shared.values(), self.status],
                                 layout=widgets.Layout(border="1px solid #0072B2", padding="6px"))
        sections = []
        for title, app in panels.items():
            sections.append(widgets.HTML(f"<h2 style='margin:18px 0 4px'>{html.escape(title)}</h2>"))
            sections.append(app)
        super().__init__([head, panel_box, *sections])
        self.add_class("fundlib-dashboard")
        panel_box.add_class("fundlib-shared")
        for w in self.shared.values():
            w.observe(self._on_shared, names="value")
        self.picker.observe(self._on_pick, names="value")

    def _on_pick(self, change) -> None:
        path = self.scenario_files[change["new"]]
        try:
            self._file_overrides = A.load_scenario(path) if path else {}
        except InputError as exc:
            self.status.value = _error_html(exc)
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

    def apply(self) -> float:
        """Push the shared inputs into the register and every app; returns the seconds it took."""
        t0 = time.perf_counter()
        try:
            active = A.use_scenario(self.overrides())
        except InputError as exc:
            self.status.value = _error_html(exc)
            return float("nan")
        self.status.value = ""
        for app in self.panels.values():
            for w in app.controls.values():
                id = getattr(w, "fundlib_id", None)
                if id in active:
                    w.unobserve(app._on_change, names="value")
                    w.value = active[id] * w.fundlib_scale
                    w.observe(app._on_change, names="value")
            app.recompute()
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
