"""README picture of the Excel export (every notebook's Export to Excel): one sheet of the default
workbook, recalculated by LibreOffice Calc headless, drawn as a spreadsheet grid in headless Chromium.

    python scripts/excel_picture.py                       # docs/images/workbook.png (the Debt sheet)
    python scripts/excel_picture.py --sheet Parties --rows 5-40 --years 8 --cell E8 --out /tmp/p.png

The values are LibreOffice's (the workbook is written with no cached results, so every number in the
picture was calculated by the spreadsheet engine); fonts, fills and number formats are the workbook's.
The formula bar shows one cell's formula, outlined in the grid.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fundlib import export as E  # noqa: E402

OUT = ROOT / "docs" / "images" / "workbook.png"
PX_PER_CHAR = 7.2


def _fmt(v, code: str) -> str:
    """A value as the workbook's number format shows it (the formats fundlib.export uses)."""
    if v is None or v == "":
        return ""
    if isinstance(v, (dt.datetime, dt.date)):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return str(v).upper()
    if code.endswith("%"):
        dec = len(code.split(".")[1]) - 1 if "." in code else 0
        return f"{v * 100:.{dec}f}%"
    dec = len(code.split(".")[1]) if "." in code else (0 if code in ("0", "#,##0") else None)
    if dec is None:
        return f"{v:.6g}"
    return f"{v:,.{dec}f}" if code.startswith("#,##") else f"{v:.{dec}f}"


def _css_color(c) -> str | None:
    rgb = getattr(c, "rgb", None) if c is not None else None
    if isinstance(rgb, str) and len(rgb) == 8 and rgb != "00000000":
        return "#" + rgb[2:]
    return None


def grid_html(formulas: openpyxl.Workbook, values: openpyxl.Workbook, sheet: str, rows: range, cols: int,
              cell: str | None) -> str:
    """The sheet's first ``cols`` columns and ``rows`` as an HTML spreadsheet grid."""
    fs, vs = formulas[sheet], values[sheet]
    col_px = [max(40, int((fs.column_dimensions[get_column_letter(c)].width or 9) * PX_PER_CHAR)) for c in range(1, cols + 1)]
    mark = None
    if cell:
        letters = "".join(ch for ch in cell if ch.isalpha())
        mark = (int(cell[len(letters):]), column_index_from_string(letters))
    total = 30 + sum(col_px)
    out = [f"<table class='grid' style='width:{total}px'><colgroup><col style='width:30px'>"]
    out += [f"<col style='width:{w}px'>" for w in col_px]
    out.append("</colgroup><tr><th class='corner'></th>")
    out += [f"<th style='width:{w}px'>{get_column_letter(c)}</th>" for c, w in enumerate(col_px, start=1)]
    out.append("</tr>")
    for r in rows:
        out.append(f"<tr><th class='rn'>{r}</th>")
        alone = all(vs.cell(r, c).value in (None, "") for c in range(2, cols + 1))   # text spills over, as in a spreadsheet
        for c in range(1, 2 if alone else cols + 1):
            src = fs.cell(r, c)
            style = []
            color = _css_color(src.font.color) if src.font else None
            if color:
                style.append(f"color:{color}")
            if src.font and src.font.b:
                style.append("font-weight:600")
            if src.font and src.font.i:
                style.append("font-style:italic")
            fill = _css_color(src.fill.fgColor) if src.fill is not None and src.fill.fill_type == "solid" else None
            if fill:
                style.append(f"background:{fill}")
            v = vs.cell(r, c).value
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            if num:
                style.append("text-align:right")
            cls = " class='mark'" if mark == (r, c) else ""
            if alone:
                cls += f" colspan='{cols}'"
            out.append(f"<td{cls} style='{';'.join(style)}'>{html.escape(_fmt(v, src.number_format))}</td>")
        out.append("</tr>")
    out.append("</table>")
    bar = ""
    if mark:
        f = fs.cell(*mark).value
        bar = (f"<div class='bar'><span class='ref'>{html.escape(cell)}</span><span class='fx'>fx</span>"
               f"<span class='f'>{html.escape(str(f))}</span></div>")
    tabs = "".join(f"<span class='tab{' on' if n == sheet else ''}'>{html.escape(n)}</span>" for n in formulas.sheetnames)
    css = """
      body { margin: 0; background: #fff; font-family: 'DejaVu Sans', Calibri, Arial, sans-serif; font-size: 12px; }
      .sheet { display: inline-block; padding: 8px; }
      .bar { display: flex; align-items: center; border: 1px solid #c8c8c8; margin-bottom: 6px; font-family: 'DejaVu Sans Mono', monospace; }
      .bar .ref { width: 60px; padding: 4px 8px; border-right: 1px solid #c8c8c8; }
      .bar .fx { padding: 4px 8px; color: #777; font-style: italic; border-right: 1px solid #c8c8c8; }
      .bar .f { padding: 4px 8px; white-space: nowrap; }
      table.grid { border-collapse: collapse; table-layout: fixed; }
      table.grid th { background: #f0f0f0; color: #555; font-weight: normal; border: 1px solid #c8c8c8; padding: 2px 4px; }
      table.grid th.rn { width: 28px; text-align: right; }
      table.grid td { border: 1px solid #dcdcdc; padding: 2px 5px; white-space: nowrap; overflow: hidden; height: 17px; }
      table.grid td.mark { outline: 2px solid #1a73e8; outline-offset: -2px; }
      .tabs { margin-top: 4px; }
      .tab { display: inline-block; padding: 3px 10px; border: 1px solid #c8c8c8; border-top: none; color: #555; background: #f5f5f5; }
      .tab.on { background: #fff; color: #000; font-weight: 600; }
    """
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}</style></head><body>"
            f"<div class='sheet' id='shot'>{bar}{''.join(out)}<div class='tabs'>{tabs}</div></div></body></html>")


def render_sheet_png(xlsx: Path, sheet: str, out_png: Path, rows: range, cols: int, cell: str | None = None) -> Path:
    """Recalculate ``xlsx`` in LibreOffice and draw ``rows`` × ``cols`` of ``sheet`` into ``out_png``."""
    from labdriver import launch_browser
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        calc = E.recalculate([xlsx], Path(tmp) / "calc")[0]
        page_html = grid_html(openpyxl.load_workbook(xlsx), openpyxl.load_workbook(calc, data_only=True), sheet, rows, cols, cell)
        page_file = Path(tmp) / "sheet.html"
        page_file.write_text(page_html, encoding="utf-8")
        out_png.parent.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = browser.new_page(viewport={"width": 1800, "height": 1200}, device_scale_factor=1.5)
            page.goto(page_file.as_uri())
            page.locator("#shot").screenshot(path=str(out_png))
            browser.close()
    return out_png


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sheet", default="Debt")
    ap.add_argument("--rows", default="1-30", help="first-last row")
    ap.add_argument("--years", type=int, default=9, help="year columns to show after the label columns")
    ap.add_argument("--cell", default="F29", help="the cell whose formula the formula bar shows")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    first, last = (int(x) for x in a.rows.split("-"))
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = E.to_excel(Path(tmp) / "fund.xlsx")
        render_sheet_png(xlsx, a.sheet, a.out, range(first, last + 1), 4 + a.years, a.cell)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
