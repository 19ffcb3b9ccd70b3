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

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

__all__ = ["Book", "Sheet", "Row", "FIRST", "HEADER_ROW"]

LABEL, UNIT, TOTAL, OPEN, FIRST = 1, 2, 3, 4, 5        # columns A..D, then year 0 in column E
HEADER_ROW = 4
INPUT_FONT, INPUT_FILL = Font(color="0000FF"), PatternFill("solid", fgColor="FFF2CC")
VALUE_FONT, VALUE_FILL = Font(color="595959", italic=True), PatternFill("solid", fgColor="EDEDED")
HEAD_FONT, HEAD_FILL = Font(bold=True, color="1F3864"), PatternFill("solid", fgColor="DDEBF7")
NOTE_FONT = Font(italic=True, color="7F6000")
CHECK_FONT = Font(color="375623", italic=True)
RESULT_FONT = Font(bold=True)
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

    # ------------------------------------------------------------------ writing

    def workbook(self, first_sheets=()) -> Workbook:
        for s in self.sheets:                      # first pass: find the rows read with @prev
            for row in s.rows:
                for t in (row.f, None if row.total == "sum" else row.total, row.open_f):
                    if t:
                        self.render(t, FIRST, s)
        wb = Workbook()
        wb.remove(wb.active)
        by_name = {}
        for name in first_sheets:
            by_name[name] = wb.create_sheet(name)
        for s in self.sheets:
            ws = by_name[s.name] if s.name in by_name else wb.create_sheet(s.name)
            by_name[s.name] = ws
            self._write(s, ws)
        for fn in self.special:
            fn(by_name)
        for name, (sheet, cell) in self.names.items():
            wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{cell}")
        return wb

    def _write(self, s: Sheet, ws) -> None:
        ws["A1"] = s.title
        ws["A1"].font = Font(bold=True, size=13)
        ws["A2"] = s.about
        ws["A2"].font = NOTE_FONT
        heads = {LABEL: "Item", UNIT: "Unit", TOTAL: "Total / value", OPEN: "Opening"}
        for c, h in heads.items():
            ws.cell(HEADER_ROW, c, h).font = HEAD_FONT
        for j in range(s.width):
            ws.cell(HEADER_ROW, FIRST + j, f"{s.year_label} {j + s.start}").font = HEAD_FONT
        for row in s.rows:
            self._write_row(s, ws, row)
        for r, c, v, style in s.extra:
            cell = ws.cell(r, c, v)
            _style(cell, style)
        ws.column_dimensions["A"].width = 64
        ws.column_dimensions["B"].width = 16
        ws.column_dimensions["C"].width = 15
        ws.column_dimensions["D"].width = 9
        for j in range(s.width):
            ws.column_dimensions[get_column_letter(FIRST + j)].width = 11
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, FIRST)

    def _write_row(self, s: Sheet, ws, row: Row) -> None:
        r = row.number
        ws.cell(r, LABEL, row.label)
        if row.style in ("heading", "note"):
            ws.cell(r, LABEL).font = HEAD_FONT if row.style == "heading" else NOTE_FONT
            if row.style == "heading":
                for c in range(LABEL, FIRST + s.width):
                    ws.cell(r, c).fill = HEAD_FILL
            return
        ws.cell(r, UNIT, row.unit)
        fmt = row.fmt or FORMATS.get(row.unit, "General")
        w = row.width or s.width
        cells = []
        if row.f is not None:
            for j in range(w):
                cells.append(ws.cell(r, FIRST + j, self.render(row.f, FIRST + j, s)))
        elif row.values is not None:
            for j, v in enumerate(row.values):
                cells.append(ws.cell(r, FIRST + j, _plain(v)))
        if row.total == "sum":
            last = get_column_letter(FIRST + w - 1)
            cells.append(ws.cell(r, TOTAL, f"=SUM({get_column_letter(FIRST)}{r}:{last}{r})"))
        elif row.total:
            cells.append(ws.cell(r, TOTAL, self.render(row.total, TOTAL, s)))
        if row.open_f:
            cells.append(ws.cell(r, OPEN, self.render(row.open_f, OPEN, s)))
        elif row.opening:
            cells.append(ws.cell(r, OPEN, 0))
        for c in cells:
            c.number_format = fmt
            _style(c, "value" if row.values is not None and c.column >= FIRST else row.style)
        ws.cell(r, LABEL).font = RESULT_FONT if row.style == "result" else Font()


def _plain(v):
    """numpy scalars as plain Python numbers (openpyxl writes only those)."""
    if hasattr(v, "item"):
        return v.item()
    return v


def _style(cell, style: str) -> None:
    if style == "input":
        cell.font, cell.fill = INPUT_FONT, INPUT_FILL
    elif style == "value":
        cell.font, cell.fill = VALUE_FONT, VALUE_FILL
    elif style == "check":
        cell.font = CHECK_FONT
    elif style == "result":
        cell.font = RESULT_FONT
    elif style == "note":
        cell.font = NOTE_FONT
        cell.alignment = Alignment(wrap_text=False)
