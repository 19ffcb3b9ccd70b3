"""Charts of who gets paid: each government's present value by route and cumulative cash.
Used by notebook 05 (the who-gets-paid app); written as Vega-Lite dicts (see ``vl``) for speed.
"""

from __future__ import annotations

import pandas as pd

from fundlib.charts import vl
from fundlib.charts.theme import GREY, SERIES_COLORS

ROUTE_COLORS = {"Own the fund": "#0072B2", "Tax-credit playbook": "#E69F00", "Tariff (no outlay)": "#8C8C8C",
                "Hedged": SERIES_COLORS["Hedged"], "Unhedged": SERIES_COLORS["Unhedged"]}
_ZERO_X = {"data": {"values": [{"x": 0.0}]}, "mark": {"type": "rule", "color": "#444"},
           "encoding": {"x": {"field": "x", "type": "quantitative"}}}


def _bars(pv: pd.Series, title: str, subtitle: str, x_title: str, fmt: str, tip: tuple[str, str, str],
          width: int, label_limit: int | None = None) -> dict:
    df = pv.rename_axis("route").reset_index(name="pv")
    routes = list(df["route"])
    y_axis = {"labelLimit": label_limit} if label_limit else {}
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "route", "type": "nominal", "title": None, "sort": routes, "axis": y_axis},
            "x": {"field": "pv", "type": "quantitative", "title": x_title, "axis": {"format": fmt}},
            "color": {"field": "route", "type": "nominal", "legend": None, "scale": vl.color_scale(routes, ROUTE_COLORS, GREY)},
            "tooltip": [{"field": "route", "type": "nominal", "title": tip[0]},
                        {"field": "pv", "type": "quantitative", "title": tip[1], "format": tip[2]}],
        },
    }
    return {"title": vl.title(title, subtitle), "data": vl.values(df), "width": width, "height": {"step": 34},
            "layer": [bars, _ZERO_X]}


def government_pv_chart(us_pv: pd.Series, japan_pv: pd.Series) -> vl.Spec:
    """Side by side: the US Treasury's PV by route ($bn) and Japan's PV surplus over FILP funding (¥tn)."""
    left = _bars(us_pv, "US Treasury: present value by route", "Same public money; budget view, PV at your rate; $bn",
                 "Net present value ($bn)", "$,.0f", ("Route", "NPV $bn", ",.1f"), 260, label_limit=200)
    right = _bars(japan_pv, "Japan MoF: value over FILP funding", "Budget view, PV on the JGB curve; ¥tn",
                  "Surplus over FILP cost (¥tn)", ",.1f", ("FX", "¥tn", ",.2f"), 220)
    return vl.top({"hconcat": [left, right], "resolve": {"scale": {"x": "independent", "color": "independent"}}})


def cumulative_cash_chart(us: pd.DataFrame, japan: pd.DataFrame) -> vl.Spec:
    """Cumulative net cash per government by year: US routes ($bn) and Japan hedged/unhedged (¥tn).

    ``us``/``japan``: year index, one column per route (yearly flows)."""
    def panel(df, title, unit, fmt):
        long = df.cumsum().rename_axis("year").reset_index().melt(id_vars="year", var_name="route", value_name="cum")
        routes = list(df.columns)
        line = {
            "mark": {"type": "line"},
            "encoding": {
                "x": {"field": "year", "type": "quantitative", "title": "Year"},
                "y": {"field": "cum", "type": "quantitative", "title": f"Cumulative net cash ({unit})", "axis": {"format": fmt}},
                "color": {"field": "route", "type": "nominal", "title": None, "sort": routes,
                          "scale": vl.color_scale(routes, ROUTE_COLORS, GREY), "legend": {"orient": "bottom", "columns": 2}},
                "tooltip": [{"field": "route", "type": "nominal"}, {"field": "year", "type": "quantitative"},
                            {"field": "cum", "type": "quantitative", "title": unit, "format": ",.1f"}],
            },
        }
        zero = {"data": {"values": [{"y": 0.0}]}, "mark": {"type": "rule", "color": "#444", "strokeDash": [4, 3]},
                "encoding": {"y": {"field": "y", "type": "quantitative"}}}
        return {"title": vl.title(title, f"Cumulative net cash, {unit}, not discounted"), "data": vl.values(long),
                "width": 300, "height": 240, "layer": [line, zero]}

    return vl.top({"hconcat": [panel(us, "US Treasury", "$bn", "$,.0f"),
                               panel(japan, "Japan MoF, after FILP coupons", "¥tn", ",.0f")],
                   "resolve": {"scale": {"color": "independent"}}})
