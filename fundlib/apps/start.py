"""Notebook 00: the start-here app (equity, leverage, ownership) and the set-up check
(package versions, the browser ↔ kernel widget round trip).
"""

from __future__ import annotations

import importlib.metadata as _md
import platform
import sys

import ipywidgets as widgets
import pandas as pd

from fundlib import charts as C
from fundlib import structure as S
from fundlib.apps.display import table_html, usd_bn
from fundlib.apps.live import LiveApp, View, fund_from_sliders, slider, static_mode


def render_start(equity_usd_bn: float, leverage: float, us_share_pct: float, other_share_pct: float) -> View:
    """The start-here app: equity, leverage and ownership → deployable capital and each owner's stake."""
    fund = fund_from_sliders(equity_usd_bn, leverage, us_share_pct, other_share_pct)
    own = S.ownership_table(fund)
    rows = [("Deployable capital (assets)", usd_bn(fund.assets_usd_bn)),
            ("of which guaranteed debt", usd_bn(fund.debt_usd_bn)),
            ("of which equity", usd_bn(fund.equity_usd_bn))]
    rows += [(f"{r.owner} stake ({r.share:.0%})", usd_bn(r.stake_usd_bn)) for r in own.itertuples()]
    rows.append(("Assets per $1 of equity", f"${fund.leverage:.2f}"))
    return View(table_html(rows, "The fund in numbers"),
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
