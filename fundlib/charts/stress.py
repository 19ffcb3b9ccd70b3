"""Charts of the stress tests: DSCR paths against the lock-up and default lines, and losses by scenario.
Used by notebook 06 (the stress app); written as Vega-Lite dicts (see ``vl``) for speed.
"""

from __future__ import annotations

import pandas as pd

from fundlib.charts import vl
from fundlib.charts.theme import PALETTE

_WIDTH = 540


def dscr_paths_chart(long: pd.DataFrame, lockup: float, default: float,
                     title: str = "Debt service cover, year by year") -> vl.Spec:
    """DSCR per scenario over the debt's life with the lock-up and default thresholds (×)."""
    scen = list(dict.fromkeys(long["scenario"]))
    d = long[["scenario", "year", "dscr"]].assign(dscr_shown=long["dscr"].clip(upper=4.0))
    lines = {
        "data": vl.values(d),
        "mark": {"type": "line", "point": {"size": 12}},
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "title": "Year"},
            "y": {"field": "dscr_shown", "type": "quantitative", "title": "DSCR (×, capped at 4 for display)",
                  "scale": {"domain": [0, 4]}},
            "color": {"field": "scenario", "type": "nominal", "title": None, "sort": scen,
                      "scale": {"domain": scen, "range": (["#000000"] + PALETTE)[: len(scen)]},
                      "legend": {"orient": "right", "columns": 1}},
            "tooltip": [{"field": "scenario", "type": "nominal"}, {"field": "year", "type": "quantitative"},
                        {"field": "dscr", "type": "quantitative", "title": "DSCR", "format": ".2f"}],
        },
    }
    th = [{"y": lockup, "what": f"lock-up {lockup:.2f}×"}, {"y": default, "what": f"default {default:.2f}×"}]
    rules = {"data": {"values": th}, "mark": {"type": "rule", "strokeDash": [6, 3], "color": "#D55E00"},
             "encoding": {"y": {"field": "y", "type": "quantitative"}, "tooltip": [{"field": "what", "type": "nominal"}]}}

    def label(row, dy):
        return {"data": {"values": [row]},
                "mark": {"type": "text", "align": "right", "dy": dy, "color": "#D55E00", "fontSize": 11},
                "encoding": {"y": {"field": "y", "type": "quantitative"}, "x": {"value": _WIDTH},
                             "text": {"field": "what", "type": "nominal"}}}

    return vl.top({"title": vl.title(title, [
        "Below the lock-up line cash is trapped; below the default line the guarantors pay.",
        "A yen shock leaves the dollar fund's cover unchanged: its line lies under Base."]),
        "width": _WIDTH, "height": 200, "layer": [lines, rules, label(th[0], -7), label(th[1], 12)]})


def _loss_bars(t: pd.DataFrame, field: str, title: str, subtitle: str | list, x_title: str, fmt: str, tip_fmt: str,
               width: int, color, first: bool) -> dict:
    y = {"field": "scenario", "type": "nominal", "sort": list(t["scenario"]), "title": None,
         "axis": {"labelLimit": 200} if first else None}
    return {"title": vl.title(title, subtitle), "mark": {"type": "bar"}, "width": width, "height": {"step": 22},
            "encoding": {"y": y, "x": {"field": field, "type": "quantitative", "title": x_title, "axis": {"format": fmt}},
                         "color": color,
                         "tooltip": [{"field": "scenario", "type": "nominal"},
                                     {"field": field, "type": "quantitative", "format": tip_fmt}]}}


def stress_losses_chart(table: pd.DataFrame) -> vl.Spec:
    """Per scenario: the change in the fund's equity value ($bn) and each government's loss (US $bn, Japan ¥tn)."""
    eq_f, us_f, jp_f = "change in equity value ($bn)", "US loss vs base ($bn PV)", "Japan loss vs base (¥tn PV)"
    t = table.reset_index()[["scenario", eq_f, us_f, jp_f]]
    sign = {"condition": {"test": f"datum['{eq_f}'] < 0", "value": "#D55E00"}, "value": "#0072B2"}
    return vl.top({"data": vl.values(t), "hconcat": [
        _loss_bars(t, eq_f, "Fund equity value vs base", ["$bn PV at fair value", "(30-year UST + equity risk premium)"],
                   "Change in equity value ($bn)", "$,.0f", ",.1f", 230, sign, True),
        _loss_bars(t, us_f, "US Treasury loss", ["$bn PV vs base, with Ex-Im", "at the 30-year UST"], "Loss ($bn PV)",
                   "$,.0f", ",.1f", 170, {"value": "#0072B2"}, False),
        _loss_bars(t, jp_f, "Japan MoF loss", ["¥tn PV vs base, with JBIC", "unhedged, on the JGB curve"], "Loss (¥tn PV)",
                   ",.0f", ",.2f", 170, {"value": "#D55E00"}, False)]})
