"""The chart theme: the Okabe–Ito palette, the colours of each owner, number formats and ``save``.
Every chart module builds on these; notebooks use ``save`` to export a chart (PNG, SVG, PDF, HTML).
"""

from __future__ import annotations

from pathlib import Path

import altair as alt

# Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#56B4E9", "#E69F00", "#CC79A7", "#F0E442", "#000000"]
GREY = "#8C8C8C"

OWNER_COLORS = {
    "Senior guaranteed debt": GREY,
    "Subordinated debt": "#5A5A5A",
    "US Treasury": "#0072B2",
    "Japan MoF": "#D55E00",
    "Other LPs": "#009E73",
    "US retail savers": "#56B4E9",
    "Japanese retail savers": "#E69F00",
}

THEME = "fundlib"
USD_BN = "$,.0f"  # d3 format: $1,234 (the axis title says "$bn")


@alt.theme.register(THEME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    font = "DejaVu Sans, Helvetica, Arial, sans-serif"
    return {
        "config": {
            "font": font,
            "view": {"continuousWidth": 520, "continuousHeight": 300, "stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal",
                     "gridColor": "#e6e6e6", "domainColor": "#888", "tickColor": "#888"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "columns": 3, "labelLimit": 320,
                       "symbolType": "square"},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555"},
            "range": {"category": PALETTE},
            "line": {"strokeWidth": 2},
            "bar": {"stroke": "white", "strokeWidth": 0.5},
        }
    }


def theme_config() -> dict:
    """The theme's Vega-Lite ``config`` (for specs written as dicts, see :mod:`fundlib.charts.vl`)."""
    return _theme()["config"]


def owner_scale(domain) -> alt.Scale:
    return alt.Scale(domain=list(domain), range=[OWNER_COLORS.get(d, GREY) for d in domain])


def save(chart: alt.TopLevelMixin, path: str | Path, scale: float = 2.0) -> Path:
    """Write ``chart`` to PNG, SVG, PDF or self-contained HTML by the file's extension (no network)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".html":
        chart.save(str(path), inline=True)
    elif suffix in (".png", ".svg", ".pdf"):
        chart.save(str(path), scale_factor=scale) if suffix == ".png" else chart.save(str(path))
    else:
        from fundlib import InputError

        raise InputError("path", str(path), "a file name ending .png, .svg, .pdf or .html")
    return path
