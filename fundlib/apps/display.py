"""Display helpers shared by the apps: money as $bn, register values in their units, small HTML tables.
Used by every app and by notebook 00's assumption table.
"""

from __future__ import annotations

import html
import re
from contextlib import contextmanager

import pandas as pd

from fundlib import assumptions as A
from fundlib.charts import theme as _theme

_TABLES: list | None = None   # while an app renders: every table it shows, for its CSV download
_RUNS: list | None = None     # … and its Monte Carlo run (fundlib.export.Run), for the export


@contextmanager
def collecting_tables(runs: list | None = None):
    """Collect (caption, DataFrame) of every table built inside the block, as numbers with units in
    the headers; yields the list. Monte Carlo runs recorded inside go to ``runs``."""
    global _TABLES, _RUNS
    saved, _TABLES = _TABLES, []
    saved_runs, _RUNS = _RUNS, runs
    try:
        yield _TABLES
    finally:
        _TABLES, _RUNS = saved, saved_runs


def record_run(run) -> None:
    """Called by a Monte Carlo app's render: the run the reader sees, for the Excel and CSV export."""
    if _RUNS is not None:
        _RUNS.append(run)


def _collect(caption: str, df: pd.DataFrame) -> None:
    if _TABLES is not None:
        _TABLES.append((caption or f"Table {len(_TABLES) + 1}", df))


_SHOWN = re.compile(r"^(?P<minus>[−+-])?(?P<cur>[$¥])?(?P<minus2>[−+-])?(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)"
                    r"(?P<suffix>bn|tn|%| bp|×| years?| months?)?(?P<per> per \$)?(?P<ayear> a year)?(?: \([^()]*\))?$")
_UNITS = {("$", "bn"): "$bn", ("¥", "tn"): "¥tn", ("¥", "bn"): "¥bn", ("", "%"): "%", ("", "×"): "×", ("", " bp"): "bp",
          ("", " years"): "years", ("", " year"): "years", ("", " months"): "months", ("", " month"): "months",
          ("$", ""): "$", ("¥", ""): "¥", ("", ""): ""}


def as_number(text: str) -> tuple[float, str]:
    """A figure as the apps show it, back to (number, unit): "−$157bn" → (−157.0, "$bn"), "5.72%" →
    (5.72, "%"), "¥147.20 per $" → (147.2, "¥ per $"), "3.70% a year", "+160 bp", "$106bn (DSCR binds)" (a
    note in brackets after the figure); anything else (several figures, words) → (NaN, "")."""
    m = _SHOWN.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        return float("nan"), ""
    cur, suffix = m["cur"] or "", m["suffix"] or ""
    unit = "¥ per $" if (cur, suffix, bool(m["per"])) == ("¥", "", True) else _UNITS.get((cur, suffix))
    if unit is None or (m["per"] and unit != "¥ per $"):
        return float("nan"), ""
    if m["ayear"]:
        unit = f"{unit} a year".strip()
    x = float(m["num"].replace(",", ""))
    return (-x if "−" in (m["minus"] or "") + (m["minus2"] or "") or "-" in (m["minus"] or "") + (m["minus2"] or "") else x), unit


def rows_frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """An app's (item, shown) rows as a table of numbers: item, value, unit, and the text as shown."""
    parsed = [as_number(v) for _, v in rows]
    return pd.DataFrame({"item": [k for k, _ in rows], "value": [x for x, _ in parsed],
                         "unit": [u for _, u in parsed], "as shown": [v for _, v in rows]})


def table_html(rows: list[tuple[str, str]], caption: str = "") -> str:
    _collect(caption, rows_frame(rows))
    cells = "".join(f"<tr><td style='padding:2px 12px 2px 0'>{html.escape(k)}</td>"
                    f"<td style='text-align:right;font-variant-numeric:tabular-nums'><b>{html.escape(v)}</b></td></tr>"
                    for k, v in rows)
    cap = f"<caption style='text-align:left;font-weight:bold;padding-bottom:4px'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table class='fundlib-numbers'>{cap}{cells}</table>"


def shown(x: float, fmt: str, reason: str) -> str:
    """``x`` formatted, or "n/a (reason)" when it is NaN or infinite: a reader never sees "nan"."""
    return format(x, fmt) if x == x and abs(x) != float("inf") else f"n/a ({reason})"


def usd_bn(x: float) -> str:
    """$1,234bn / $5.2bn / −$157bn (a minus sign before the dollar sign); the charts' labels use the same."""
    return _theme.usd_bn(x)


def jpy_tn(x: float) -> str:
    """¥23.1tn / −¥23.1tn (a minus sign before the yen sign), one decimal."""
    return _theme.jpy_tn(x)


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
        "tier": [TIER_SHORT[x] for x in t["tier"]],
        "note": t["note"].fillna(""),
    }).set_index("assumption")


TIER_SHORT = {"official": "official", "outlet": "established outlet", "single": "single unverified report",
              "assumption": "assumption (no source)"}


def text_table(df: pd.DataFrame, wide: tuple[str, ...] = ()) -> "HTML":
    """A table of words (claims, facts, a timeline) a notebook displays: every cell in full and wrapped
    (wider where ``wide`` names the column), links clickable, money never typeset as LaTeX
    (``mathjax_ignore``)."""
    from IPython.display import HTML

    def cell(c, v):
        v = "" if v is None or (isinstance(v, float) and v != v) else str(v)
        body = f"<a href='{html.escape(v)}' target='_blank'>link</a>" if v.startswith("http") else html.escape(v)
        if c == "tier":
            body = html.escape(TIER_SHORT.get(v, v))
        short = len(v) <= 12          # a date, a notebook number, a link: kept on one line
        return f"<td style='text-align:left;vertical-align:top;white-space:{'nowrap' if short else 'normal'};" \
               f"min-width:{'0' if short else '110px'};max-width:{'360px' if c in wide else '190px'}'>{body}</td>"
    head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(cell(c, v) for c, v in r.items()) + "</tr>" for _, r in df.iterrows())
    return HTML(f"<div class='mathjax_ignore fundlib-register'><table><tr>{head}</tr>{rows}</table></div>")


def assumption_table(ids: list[str] | None = None):
    """The register as an HTML table a notebook displays: every source in full (wrapped, never cut
    off with an ellipsis) and money never typeset as LaTeX (the table is marked ``mathjax_ignore``)."""
    from IPython.display import HTML

    t = assumptions_view(ids)
    head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in ["assumption", *t.columns])
    rows = "".join(
        "<tr>" + f"<td style='text-align:left;white-space:nowrap'><code>{html.escape(i)}</code></td>"
        + "".join(f"<td style='text-align:left;white-space:{'normal' if c in ('source', 'note') else 'nowrap'};"
                  f"max-width:{'420px' if c == 'source' else '260px'}'>{html.escape(str(v))}</td>" for c, v in r.items())
        + "</tr>" for i, r in t.iterrows())
    return HTML(f"<div class='mathjax_ignore fundlib-register'><table><tr>{head}</tr>{rows}</table></div>")


FORMAT_UNITS = {"usd": ("$bn", 1.0), "pct": ("%", 100.0), "x": ("×", 1.0)}


def numeric_frame(df: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """``df`` for a CSV or workbook: a column shown as $bn, % or × keeps its numbers (percent × 100)
    with the unit in its header, "Equity" → "Equity ($bn)"."""
    out = df.copy()
    for c, f in formats.items():
        if c in out.columns and f in FORMAT_UNITS:
            unit, k = FORMAT_UNITS[f]
            vals = (pd.to_numeric(out[c], errors="coerce") * k).map(lambda x: float(f"{x:.14g}"))   # 9.999999999999998 → 10
            pos = list(out.columns).index(c)
            out.insert(pos, f"{c} ({unit})", vals)
            out = out.drop(columns=c)
    if not isinstance(out.index, pd.RangeIndex) and out.index.name is None:
        out.index.name = "item"          # a named first column, not pandas' "Unnamed: 0"
    return out


def frame_html(df: pd.DataFrame, formats: dict[str, str], caption: str = "", css_class: str = "fundlib-table") -> str:
    """A small HTML table with per-column formats ('usd', 'pct', 'x', or a format spec)."""
    _collect(caption, numeric_frame(df, formats))

    def fmt(v, f):
        if isinstance(v, str):
            return html.escape(v)
        if v is None or (isinstance(v, float) and v != v):
            return "n/a"
        if f == "usd":
            return usd_bn(v)
        if f == "pct":
            return f"{v:.1%}".replace("-", "−")          # the suite's minus sign, as usd_bn writes it
        if f == "x":
            return f"{v:.2f}×".replace("-", "−")
        return format(v, f).replace("-", "−")

    head = "".join(f"<th style='padding:2px 10px;text-align:right'>{html.escape(c)}</th>" for c in df.columns)
    body = ""
    for idx, row in df.iterrows():
        cells = "".join(f"<td style='padding:2px 10px;text-align:right;font-variant-numeric:tabular-nums'>"
                        f"{fmt(row[c], formats.get(c, ''))}</td>" for c in df.columns)
        body += (f"<tr><th style='text-align:left;padding:2px 10px 2px 0;font-weight:normal;white-space:nowrap'>"
                 f"{html.escape(str(idx))}</th>{cells}</tr>")
    cap = f"<caption style='text-align:left;font-weight:bold;padding-bottom:4px'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table class='{css_class}'>{cap}<tr><th></th>{head}</tr>{body}</table>"
