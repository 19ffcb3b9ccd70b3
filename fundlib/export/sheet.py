"""The workbook builder behind every notebook's Export to Excel: sheets of labelled rows, one formula
per row copied across the year columns, and the styles that tell inputs, values and results apart.

A formula is written once per row as a template; ``{key}`` is the same year's cell of row ``key``
(on any sheet), ``{key@prev}`` the year before (the "Opening" column before year 0), ``{key@row}``
the whole row, ``{key@row1}`` years 1 on, ``{key@0}`` and ``{key@last}`` its first and last cells,
``{key@c}`` the Total / value column, ``{key@tail1}`` the years after this one and ``{key@lead}`` as
many cells from the row's start.
A scalar row's ``{key}`` is its value cell; an input's ``{key}`` is its defined name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

__all__ = ["Book", "Sheet", "Row", "Grid", "FIRST", "HEADER_ROW", "UNIT_LABELS", "unit_label"]

LABEL, UNIT, TOTAL, OPEN, FIRST = 1, 2, 3, 4, 5        # columns A..D, then year 0 in column E
LABEL_WIDTH = 64
HEADER_ROW = 4
FORMATS = {"usd_bn": "#,##0.000", "jpy_tn": "#,##0.000", "decimal": "0.000%", "x": "0.000", "years": "0",
           "year": "0", "flag": "0", "bp": "0.0", "jpy_per_usd": "0.000", "date": "yyyy-mm-dd",
           "per $1 of assets": "0.000000", "factor": "0.000000", "text": "@"}
_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:@([a-z0-9]+))?\}")


@dataclass
class Row:
    key: str | None
    label: str
    unit: str = ""
    f: str | None = None            # formula template, one per year column
    values: list | None = None      # typed values instead of a formula (grey: not calculated here)
    total: str | None = None        # "sum", or a formula template for the Total / value column
    width: int | None = None        # year columns this row fills (default: the sheet's)
    fmt: str | None = None
    style: str = "calc"             # calc, value, result, check, heading, note
    scalar: bool = False            # a single value in the Total / value column
    opening: bool = False           # gets a 0 in the Opening column (set when referenced with @prev)
    open_f: str | None = None       # a formula for the Opening column instead of that 0
    number: int = 0


@dataclass
class Sheet:
    book: "Book"
    name: str
    width: int
    title: str
    about: str
    year_label: str = "Year"
    start: int = 0                              # the first column's index (tenors start at 1)
    rows: list = field(default_factory=list)
    next_row: int = HEADER_ROW + 1
    extra: list = field(default_factory=list)   # (row, col, value, style) cells outside the row grid

    def _add(self, row: Row) -> Row:
        row.number = self.next_row
        self.next_row += 1
        self.rows.append(row)
        if row.key:
            if row.key in self.book.keys:
                raise ValueError(f"row key {row.key!r} used twice")
            self.book.keys[row.key] = (self, row)
        return row

    def heading(self, text: str) -> None:
        if self.rows:
            self.next_row += 1
        self._add(Row(None, text, style="heading"))

    def note(self, text: str) -> None:
        self._add(Row(None, text, style="note"))

    def row(self, key, label, unit, f=None, *, values=None, total=None, fmt=None, width=None, style="calc",
            opening=None) -> Row:
        if total is None and (f is not None or values is not None) and unit in ("usd_bn", "jpy_tn"):
            total = "sum"
        return self._add(Row(key, label, unit, f, values, total, width, fmt, style, open_f=opening))

    def scalar(self, key, label, unit, f, *, fmt=None, style="calc") -> Row:
        return self._add(Row(key, label, unit, total=f, fmt=fmt, style=style, scalar=True))


class Book:
    """All sheets and defined names of one workbook; formulas are resolved when it is written."""

    def __init__(self):
        self.sheets: list[Sheet] = []
        self.keys: dict[str, tuple[Sheet, Row]] = {}
        self.names: dict[str, tuple[str, str]] = {}     # defined name -> (sheet, absolute cell)
        self.input_keys: dict[str, str] = {}            # key -> defined name
        self.special: list = []                         # callables(ws_by_name) for free-form sheets

    def sheet(self, name, width, title, about, year_label="Year", start=0) -> Sheet:
        s = Sheet(self, name, width, title, about, year_label, start)
        self.sheets.append(s)
        return s

    def define(self, name: str, sheet: str, cell: str, key: str | None = None) -> None:
        self.names[name] = (sheet, cell)
        if key:
            self.input_keys[key] = name

    # ------------------------------------------------------------------ references

    def cell(self, key: str, col: int, here: Sheet, mod: str | None = None) -> str:
        if key in self.input_keys:
            return self.input_keys[key]
        if key not in self.keys:
            raise KeyError(f"formula refers to unknown row {key!r}")
        sheet, row = self.keys[key]
        pre = "" if sheet is here else f"'{sheet.name}'!"
        w = row.width or sheet.width
        r = row.number
        first, last = get_column_letter(FIRST), get_column_letter(FIRST + w - 1)
        if row.scalar or mod == "c":
            return f"{pre}${get_column_letter(TOTAL)}${r}"
        if mod is None:
            return f"{pre}{get_column_letter(col)}{r}"
        if mod == "prev":
            row.opening = True
            return f"{pre}{get_column_letter(col - 1 if col > FIRST else OPEN)}{r}"
        if mod == "row":
            return f"{pre}${first}${r}:${last}${r}"
        if mod == "row1":
            return f"{pre}${get_column_letter(FIRST + 1)}${r}:${last}${r}"
        if mod == "0":
            return f"{pre}${first}${r}"
        if mod == "last":
            return f"{pre}${last}${r}"
        if mod == "tail1":                     # from the next year to the row's end
            return f"{pre}{get_column_letter(col + 1)}{r}:${last}${r}"
        if mod == "lead":                      # from the row's start, as long as a tail1 on this sheet
            n = FIRST + here.width - 1 - col
            return f"{pre}${first}${r}:${get_column_letter(FIRST + n - 1)}${r}"
        raise ValueError(f"unknown reference modifier {mod!r}")

    def render(self, template: str, col: int, here: Sheet) -> str:
        return "=" + _REF.sub(lambda m: self.cell(m.group(1), col, here, m.group(2)), template)

    # ------------------------------------------------------------------ laying out

    def grids(self, first_sheets=()) -> dict:
        """Every sheet as a :class:`Grid` (cells with their style and number format), in workbook order:
        ``first_sheets`` first, then the rest as built."""
        for s in self.sheets:                      # first pass: find the rows read with @prev
            for row in s.rows:
                for t in (row.f, None if row.total == "sum" else row.total, row.open_f):
                    if t:
                        self.render(t, FIRST, s)
        grids = {name: Grid(name) for name in first_sheets}
        for s in self.sheets:
            g = grids.setdefault(s.name, Grid(s.name))
            self._write(s, g)
        for fn in self.special:
            fn(grids)
        return grids

    def _write(self, s: Sheet, g: "Grid") -> None:
        g.put(1, LABEL, s.title, "title")
        g.put(2, LABEL, s.about, "about")
        for c, h in {LABEL: "Item", UNIT: "Unit", TOTAL: "Total / value", OPEN: "Opening"}.items():
            g.put(HEADER_ROW, c, h, "head")
        for j in range(s.width):
            g.put(HEADER_ROW, FIRST + j, f"{s.year_label} {j + s.start}", "head")
        for row in s.rows:
            self._write_row(s, g, row)
        for r, c, v, style in s.extra:
            g.put(r, c, v, style)
        g.widths.update({LABEL: LABEL_WIDTH, UNIT: 16, TOTAL: 15, OPEN: 12})
        g.widths.update({FIRST + j: 11 for j in range(s.width)})
        g.freeze = (HEADER_ROW + 1, FIRST)
        g.label_cols = OPEN if any(r.opening or r.open_f for r in s.rows) else TOTAL

    def _write_row(self, s: Sheet, g: "Grid", row: Row) -> None:
        r = row.number
        if row.style in ("heading", "note"):
            g.put(r, LABEL, row.label, row.style)
            if row.style == "heading":
                for c in range(LABEL + 1, FIRST + s.width):
                    g.put(r, c, None, "band")
            return
        long = len(row.label) > LABEL_WIDTH      # wrapped over two lines, not cut at the Unit column
        g.put(r, LABEL, row.label, ("boldwrap" if long else "bold") if row.style == "result" else ("wrap" if long else ""))
        g.put(r, UNIT, unit_label(row.unit))
        fmt = row.fmt or FORMATS.get(row.unit, "General")
        w = row.width or s.width
        style = row.style
        if row.f is not None:
            for j in range(w):
                g.put(r, FIRST + j, self.render(row.f, FIRST + j, s), style, fmt)
        elif row.values is not None:
            for j, v in enumerate(row.values):
                g.put(r, FIRST + j, _plain(v), "value", fmt)
        if row.total == "sum":
            last = get_column_letter(FIRST + w - 1)
            g.put(r, TOTAL, f"=SUM({get_column_letter(FIRST)}{r}:{last}{r})", style, fmt)
        elif row.total:
            g.put(r, TOTAL, self.render(row.total, TOTAL, s), style, fmt)
        if row.open_f:
            g.put(r, OPEN, self.render(row.open_f, OPEN, s), style, fmt)
        elif row.opening:
            g.put(r, OPEN, 0, style, fmt)


@dataclass
class Grid:
    """One sheet's cells as they will be written: (row, column) → [value or "=formula", style, number
    format], with column widths, the first scrolling cell and the columns printed on every page."""

    name: str
    cells: dict = field(default_factory=dict)
    widths: dict = field(default_factory=dict)
    freeze: tuple | None = None
    label_cols: int = TOTAL          # columns A.. this one repeat on every printed page
    header_row: int = HEADER_ROW     # rows 1.. this one repeat on every printed page
    landscape: bool = True
    print_rows: int | None = None    # rows printed (all when None)

    def put(self, r: int, c: int, v=None, style: str = "", fmt: str | None = None) -> None:
        self.cells[(r, c)] = [v, style, fmt]


# What a reader sees in the Unit column for the model's unit codes.
UNIT_LABELS = {"usd_bn": "$bn", "jpy_tn": "¥tn", "decimal": "%", "x": "×", "years": "years", "year": "year",
               "flag": "1 = yes, 0 = no", "bp": "bp", "jpy_per_usd": "¥ per $", "date": "date", "months": "months",
               "mw": "MW", "usd_m_per_mw": "$m per MW", "usd_per_mwh": "$ per MWh", "usd_per_kw_month": "$ per kW-month",
               "usd_per_kw": "$ per kW", "usd_per_w": "$ per W", "usd_per_sqft": "$ per sq ft", "msqft": "million sq ft",
               "usd_per_sqft_year": "$ per sq ft a year", "jpy_bn": "¥bn", "usd_m": "$m", "text": "text"}


def unit_label(unit: str) -> str:
    """The Unit column's words for a unit code ("usd_bn" → "$bn"); other units as they are."""
    return UNIT_LABELS.get(unit, unit)


def _plain(v):
    """numpy scalars as plain Python numbers."""
    if hasattr(v, "item"):
        return v.item()
    return v
