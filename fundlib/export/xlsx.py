"""Writing the workbook of every notebook's Export to Excel: each formula with its value, styles,
defined names, frozen headers and a print set-up that makes a readable PDF.

Landscape, the label columns and header rows on every page, the year columns split over as few
pages wide as keep the text legible. XlsxWriter writes the file: it stores a formula together with
its result, which openpyxl cannot.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import xlsxwriter

from fundlib.export.evaluate import XlError, evaluate

__all__ = ["write", "STYLES", "YEARS_PER_PAGE"]

STYLES = {
    "": {}, "calc": {},
    "title": {"bold": True, "font_size": 13},
    "note": {"italic": True, "font_color": "#7F6000"},
    "head": {"bold": True, "font_color": "#1F3864"},
    "heading": {"bold": True, "font_color": "#1F3864", "bg_color": "#DDEBF7"},
    "band": {"bg_color": "#DDEBF7"},
    "input": {"font_color": "#0000FF", "bg_color": "#FFF2CC"},
    "value": {"font_color": "#595959", "italic": True, "bg_color": "#EDEDED"},
    "check": {"font_color": "#375623", "italic": True},
    "result": {"bold": True},
    "bold": {"bold": True},
    "boldwrap": {"bold": True, "text_wrap": True, "valign": "top"},
    "toplabel": {"bold": True, "valign": "top"},
    "headright": {"bold": True, "font_color": "#1F3864", "align": "right"},
    "headindent": {"bold": True, "font_color": "#1F3864", "indent": 1},
    "indent": {"indent": 1},
    "wrapindent": {"text_wrap": True, "valign": "top", "indent": 1},
    "wrap": {"text_wrap": True, "valign": "top"},
    "about": {"italic": True, "font_color": "#7F6000", "text_wrap": True, "valign": "top"},
}
WRAPPED = ("wrap", "about", "wrapindent", "boldwrap")
LINE_HEIGHT = 15.0       # points per line of wrapped text (the default font)
YEARS_PER_PAGE = 10      # year columns on one printed page beside the repeated labels (about 70% scale)


class _Formats:
    def __init__(self, wb):
        self.wb, self.cache = wb, {}

    def get(self, style: str, fmt: str | None):
        key = (style or "", fmt or "")
        if key not in self.cache:
            props = dict(STYLES[style or ""])
            if fmt and fmt != "General":
                props["num_format"] = fmt
            self.cache[key] = self.wb.add_format(props) if props else None
        return self.cache[key]


def _cached(v):
    """A formula's value as XlsxWriter stores it (an error as its code, a blank as ""); the evaluator
    has already turned any non-finite result into #NUM!."""
    if isinstance(v, XlError):
        return v.code
    return "" if v is None else v


def write(path: Path, grids: dict, names: dict, properties: dict) -> dict:
    """Write ``grids`` (sheet name → :class:`~fundlib.export.sheet.Grid`, in order) and the defined
    ``names`` (name → (sheet, cell)) to ``path``; returns the computed value of every formula cell."""
    cells = {(name, r, c): v for name, g in grids.items() for (r, c), (v, _, _) in g.cells.items()}
    values = evaluate(cells, names)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False, "nan_inf_to_errors": True})
    wb.set_properties(properties)
    formats = _Formats(wb)
    for name, g in grids.items():
        ws = wb.add_worksheet(name)
        for (r, c), (v, style, fmt) in sorted(g.cells.items()):
            f = formats.get(style, fmt)
            if isinstance(v, str) and v.startswith("="):
                ws.write_formula(r - 1, c - 1, v, f, _cached(values[(name, r, c)]))
            elif isinstance(v, bool):
                ws.write_boolean(r - 1, c - 1, v, f)
            elif isinstance(v, (dt.date, dt.datetime)):
                ws.write_datetime(r - 1, c - 1, v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day), f)
            elif isinstance(v, (int, float)):
                ws.write_number(r - 1, c - 1, v, f) if math.isfinite(v) else ws.write_blank(r - 1, c - 1, None, f)
            elif isinstance(v, str):
                ws.write_string(r - 1, c - 1, v, f)
            elif f is not None:
                ws.write_blank(r - 1, c - 1, None, f)
        for c, w in g.widths.items():
            ws.set_column(c - 1, c - 1, w)
        for r, lines in _wrapped_lines(g).items():      # no reader sizes rows on opening: say how tall
            ws.set_row(r - 1, LINE_HEIGHT * lines)
        if g.freeze:
            ws.freeze_panes(g.freeze[0] - 1, g.freeze[1] - 1)
        _print_setup(ws, g)
    for name, (sheet, cell) in names.items():
        wb.define_name(name, f"='{sheet}'!{cell}")
    wb.close()
    return values


def _wrapped_lines(g) -> dict:
    """Row → lines its wrapped text needs at its column's width (about one character per width unit)."""
    out = {}
    for (r, c), (v, style, _) in g.cells.items():
        if style in WRAPPED and isinstance(v, str):
            per_line = max(1.0, 1.05 * g.widths.get(c, 8.43))
            out[r] = max(out.get(r, 1), sum(max(1, math.ceil(len(part) / per_line)) for part in v.split("\n")))
    return out


def _print_setup(ws, g) -> None:
    """Landscape; the label columns and the header rows on every page; as many pages wide as keep
    about :data:`YEARS_PER_PAGE` year columns on a page, and as many tall as the rows need."""
    if g.landscape:
        ws.set_landscape()
    ws.set_paper(9)                       # A4 (Letter readers get the same layout, scaled)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.repeat_rows(0, g.header_row - 1)
    ws.repeat_columns(0, g.label_cols - 1)
    last = max((c for (_, c) in g.cells), default=1)
    years = max(0, last - g.label_cols)
    ws.fit_to_pages(max(1, math.ceil(years / YEARS_PER_PAGE)), 0)
    ws.set_footer(f"&L{g.name}&RPage &P of &N")
    if g.print_rows:
        ws.print_area(0, 0, g.print_rows - 1, last - 1)
