"""Charts of the stress tests: DSCR paths against the lock-up and default lines, and losses by scenario.
Used by notebook 06 (the stress app); written as Vega-Lite dicts (see ``vl``) for speed.
"""

from __future__ import annotations

import math

import pandas as pd

from fundlib.charts import vl
from fundlib.charts.theme import SERIES_COLORS, series_color

_WIDTH = 470


YOURS = "Your scenario"
YOURS_COLOR = "#0072B2"
_MUTED = ["#555555", "#E69F00", "#CC79A7", "#56B4E9", "#8C8C8C", "#F0E442", "#009E73"]


def _dscr_domain(dscr: pd.Series, default: float) -> list[float]:
    """A y-range that spreads the lines: from just under the lowest path (or the default line) to just
    over the highest, in tenths, capped at 4×."""
    lo = math.floor((min(float(dscr.min()), default) - 0.1) * 10) / 10
    hi = math.ceil((min(float(dscr.max()), 4.0) + 0.1) * 10) / 10
    return [max(0.0, lo), hi]


def dscr_paths_chart(long: pd.DataFrame, lockup: float, default: float,
                     title: str = "Debt service cover, year by year") -> vl.Spec:
    """DSCR per scenario over the debt's life with the lock-up and default thresholds (×): the reader's
    scenario (``"Your scenario"``) thick and blue on top, the named ones thin and muted; the thresholds
    are labelled beyond the right edge of the plot, off the lines."""
    scen = list(dict.fromkeys(long["scenario"]))
    others = [x for x in scen if x != YOURS]
    domain = _dscr_domain(long["dscr"], default)
    d = long[["scenario", "year", "dscr"]].assign(dscr_shown=long["dscr"].clip(upper=domain[1]))
    muted = iter(c for c in _MUTED if c != SERIES_COLORS["SOFR"])
    colors = {x: (series_color(x) or (None, None))[1] or next(muted, "#8C8C8C") for x in others}   # "SOFR +300 bp": SOFR's green
    colors[YOURS] = YOURS_COLOR
    legend_order = ([YOURS] if YOURS in scen else []) + others
    enc = {
        "x": {"field": "year", "type": "quantitative", "title": "Year of the debt's life", "axis": {"tickMinStep": 1}},
        "y": {"field": "dscr_shown", "type": "quantitative", "title": "DSCR (cash ÷ debt service, ×)",
              "scale": {"domain": domain}, "axis": {"format": ".1f"}},
        "color": {"field": "scenario", "type": "nominal", "title": None, "sort": legend_order,
                  "scale": vl.color_scale(legend_order, colors, "#8C8C8C"),
                  "legend": {"orient": "right", "columns": 1, "offset": 96, "symbolType": "stroke", "symbolStrokeWidth": 3}},
        "tooltip": [{"field": "scenario", "type": "nominal"}, {"field": "year", "type": "quantitative"},
                    {"field": "dscr", "type": "quantitative", "title": "DSCR", "format": ".2f"}],
    }

    def lines(names, width, opacity, point):
        return {"data": vl.values(d[d["scenario"].isin(names)]), "mark": {
            "type": "line", "strokeWidth": width, "opacity": opacity, "point": {"size": point, "opacity": opacity}},
            "encoding": enc}

    th = [{"y": lockup, "what": f"lock-up {lockup:.2f}×"}, {"y": default, "what": f"default {default:.2f}×"}]
    y_th = {"field": "y", "type": "quantitative", "scale": {"domain": domain}}
    rules = {"data": {"values": th}, "mark": {"type": "rule", "strokeDash": [6, 3], "color": "#333", "strokeWidth": 1.5},
             "encoding": {"y": y_th, "tooltip": [{"field": "what", "type": "nominal"}]}}
    gap = (th[0]["y"] - th[1]["y"]) / (domain[1] - domain[0]) * 200   # px between the two lines
    push = max(0.0, 7 - gap / 2)                                          # labels 14 px apart at least

    def label(row, dy):
        return {"data": {"values": [row]}, "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 6, "dy": dy,
                                                    "color": "#333", "fontSize": 11},
                "encoding": {"y": y_th, "x": {"value": _WIDTH},
                             "text": {"field": "what", "type": "nominal"}}}

    layer = [rules, lines(others, 1.5, 0.6, 10), label(th[0], -push), label(th[1], push)]
    if YOURS in scen:
        layer.insert(2, lines([YOURS], 4, 1.0, 30))
    return vl.top({"title": vl.title(title, [
        "Blue, thick: your scenario (on Base until you move a slider); thin: the named scenarios.",
        "Below the lock-up line cash is trapped; below the default line the guarantors pay.",
        "A yen shock leaves the dollar fund's cover unchanged: its line lies under Base."]),
        "width": _WIDTH, "height": 200, "layer": layer})


def _loss_bars(t: pd.DataFrame, field: str, title: str, subtitle: str | list, x_title: str, fmt: str, tip_fmt: str,
               width: int, color, first: bool) -> dict:
    y = {"field": "scenario", "type": "nominal", "sort": list(t["scenario"]), "title": None,
         "axis": {"labelLimit": 200} if first else None}
    return {"title": vl.title(title, subtitle), "mark": {"type": "bar"}, "width": width, "height": {"step": 22},
            "encoding": {"y": y, "x": {"field": field, "type": "quantitative", "title": x_title, "axis": {"format": fmt, "tickCount": 4}},
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
        _loss_bars(t, us_f, "US (Treasury + Ex-Im) loss", ["$bn PV vs base,", "at the 30-year UST"], "Loss ($bn PV)",
                   "$,.0f", ",.1f", 170, {"value": "#0072B2"}, False),
        _loss_bars(t, jp_f, "Japan (MoF + JBIC) loss", ["¥tn PV vs base, unhedged,", "on the JGB curve"], "Loss (¥tn PV)",
                   ",.0f", ",.2f", 170, {"value": "#D55E00"}, False)]})
