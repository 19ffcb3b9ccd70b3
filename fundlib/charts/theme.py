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

# One colour per series across the suite (README: the US blue, Japan vermilion): a rate, a market or a
# view has the same colour in every chart. ``series_color`` names the series a label belongs to.
SERIES_COLORS = {
    "UST": "#0072B2",         # US Treasury yields and the US Treasury as owner
    "JGB": "#D55E00",         # JGB yields and Japan's MoF as owner
    "FILP": "#D55E00",        # FILP bonds cost what JGBs cost
    "SOFR": "#009E73",
    "TONA": "#56B4E9",
    "Hedge cost": "#000000",
    "USD/JPY": "#E69F00",
    "Hedged": "#009E73",
    "Unhedged": "#CC79A7",
}
_SERIES_PREFIXES = [("Hedge cost", ("hedge cost",)), ("FILP", ("filp",)), ("JGB", ("jgb",)),
                    ("UST", ("ust", "us treasury")), ("SOFR", ("sofr",)), ("TONA", ("tona",)),
                    ("USD/JPY", ("usd/jpy",)), ("Unhedged", ("unhedged",)), ("Hedged", ("hedged",))]


def series_color(label: str) -> tuple[str, str] | None:
    """(series, colour) of the series ``label`` names by its first words ("JGB 30Y (FILP cost)" → JGB),
    or None for a label that names none (a route, a scenario, a percentile)."""
    low = str(label).lower()
    for name, prefixes in _SERIES_PREFIXES:
        if low.startswith(prefixes):
            return name, SERIES_COLORS[name]
    return None


THEME = "fundlib"
USD_BN = "$,.0f"  # d3 format: $1,234 (the axis title says "$bn"); d3 writes negatives with "−" (U+2212)
MINUS = "\u2212"


def usd_bn(x: float) -> str:
    """$1,234bn / $5.2bn / −$157bn: the suite's one way to write dollars (tables and chart labels alike)."""
    sign = MINUS if x < 0 and round(abs(x), 1) > 0 else ""
    a = abs(x)
    return f"{sign}${a:,.0f}bn" if a >= 10 or a == 0 else f"{sign}${a:,.1f}bn"


def jpy_tn(x: float, decimals: int = 1, plus: bool = False) -> str:
    """¥23.1tn / −¥23.1tn (a minus sign, never a hyphen, before the yen sign); ``plus`` writes +¥5.13tn."""
    r = round(abs(x), decimals)
    sign = MINUS if x < 0 and r > 0 else ("+" if plus and r > 0 else "")
    return f"{sign}¥{abs(x):,.{decimals}f}tn"


def signed(x: float, fmt: str) -> str:
    """``format(x, fmt)`` with the minus sign (U+2212) in place of Python's hyphen-minus."""
    return format(x, fmt).replace("-", MINUS)


@alt.theme.register(THEME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    font = "DejaVu Sans, Helvetica, Arial, sans-serif"
    return {
        "config": {
            "font": font,
            "view": {"continuousWidth": 520, "continuousHeight": 300, "stroke": None},
            # labelSeparation: Vega hides a tick label closer than 6 px to its neighbour ("$450$500" never)
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal", "labelSeparation": 6,
                     "gridColor": "#e6e6e6", "domainColor": "#888", "tickColor": "#888"},
            "axisQuantitative": {"labelOverlap": True},
            "axisTemporal": {"labelOverlap": True},
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
