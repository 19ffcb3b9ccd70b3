"""Excel export: the scenario an app or notebook is showing as an .xlsx whose formulas recompute
to the library's numbers (every notebook's Export to Excel; ``scripts/excel_picture.py``).

:func:`to_excel` writes a faithful second implementation of :func:`fundlib.chain.run` in
spreadsheet formulas: an Inputs sheet of named input cells (register values with unit and source,
the market snapshot), then Timeline, Fund, Plan, Debt, Waterfall, Parties and Japan in yen, every
calculated cell a formula that refers back to Inputs, two supporting sheets (Profile, Curves)
whose few value rows say so, and the IRR search that brackets each party's IRR for the IRR formulas. :func:`build` returns the same workbook unsaved, with its layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fundlib.export.calc import find_soffice, recalculate, render_html
from fundlib.export.fund import debt_sheet, fund_sheet, plan_sheet, timeline_sheet
from fundlib.export.inputs import INPUT_NAMES, curves_sheet, inputs_sheet, profile_sheet
from fundlib.export.parties import (PARTY_ROWS, Tier, irr_search_sheet, japan_sheet, parties_sheet, tiers_for,
                                    waterfall_sheet)
from fundlib.export.screen import RUN_ROWS, Run, Screen, check_screen, run_summary, screen_sheets, summary_sheet
from fundlib.export.sheet import FIRST, TOTAL, Book
from fundlib.export.spec import ExportSpec, check_path, resolve
from fundlib.export.xlsx import write

__all__ = ["to_excel", "build", "Export", "SHEETS", "Screen", "Run", "RUN_ROWS", "run_summary", "INPUT_NAMES", "PARTY_ROWS", "Tier", "tiers_for",
           "ExportSpec", "find_soffice", "recalculate", "render_html"]

SHEETS = ("Summary", "Inputs", "Timeline", "Fund", "Plan", "Debt", "Waterfall", "Parties", "Japan in yen", "Profile", "Curves",
          "IRR search")


@dataclass
class Export:
    """A built workbook: the inputs it was built from (``spec``, with the chain's result on them),
    its layout (``book``: sheet and row of every key) and the waterfall tiers it writes."""

    spec: ExportSpec
    book: Book
    tiers: list
    sheet_order: tuple = SHEETS

    def grids(self) -> dict:
        """Every sheet's cells (value or formula, style, number format), in workbook order."""
        return self.book.grids(first_sheets=self.sheet_order)

    def save(self, path) -> Path:
        """Write the workbook, every formula stored with its value; returns the path."""
        p = check_path(path)
        self.values = write(p, self.grids(), self.book.names, {
            "title": f"US–Japan fund, {self.spec.preset} terms, market of {self.spec.market.as_of}",
            "author": "fundlib", "comments": "Formulas recompute on opening; each stores its value for readers that do not."})
        return p

    def locate(self, key: str) -> tuple[str, int, int, int]:
        """(sheet, row, first column, number of cells) of a row; a scalar is one cell in the value column."""
        sheet, row = self.book.keys[key]
        if row.scalar:
            return sheet.name, row.number, TOTAL, 1
        n = row.width or sheet.width
        return sheet.name, row.number, FIRST, n


def build(overrides=None, *, scenario=None, fund=None, market=None, asset_return=None, preset="proposal",
          weights=None, shocks=None, yen_appreciation=0.0, retail_pref_rate=None, deemed_rate=None, screen=None) -> Export:
    """The workbook of one scenario, unsaved (arguments as :func:`to_excel`)."""
    check_screen(screen)
    spec = resolve(overrides, scenario=scenario, fund=fund, market=market, asset_return=asset_return, preset=preset,
                   weights=weights, shocks=shocks, yen_appreciation=yen_appreciation,
                   retail_pref_rate=retail_pref_rate, deemed_rate=deemed_rate)
    book = Book()
    inputs_sheet(book, spec)
    timeline_sheet(book, spec)
    cf_key, plan_key = profile_sheet(book, spec)
    curves_sheet(book, spec)
    fund_sheet(book, spec, cf_key)
    plan_sheet(book, spec, plan_key)
    debt_sheet(book, spec)
    tiers = waterfall_sheet(book, spec)
    parties_sheet(book, spec)
    japan_sheet(book, spec)
    irr_search_sheet(book, spec)
    shown = screen_sheets(book, screen) if screen is not None else []
    about = {"Inputs": "Every number the workbook starts from: label, unit, value, register id, range, source and its tier. "
                       "Blue on yellow: the inputs you may change.",
             "On screen": "The app's controls as they were set and the tables it showed, as numbers.",
             "Monte Carlo run": "The app's run: settings, seed, the summary and percentiles over every scenario, "
                                f"and the scenarios themselves (up to {RUN_ROWS:,})."}
    about.update({s.name: f"{s.title.split(': ', 1)[-1][:1].upper()}{s.title.split(': ', 1)[-1][1:]}. {s.about}"
                  for s in book.sheets})
    order = ("Summary", *shown, *SHEETS[1:])
    summary_sheet(book, spec, screen, {n: about[n] for n in order[1:]})
    return Export(spec, book, tiers, order)


def to_excel(path, overrides=None, *, scenario=None, fund=None, market=None, asset_return=None, preset="proposal",
             weights=None, shocks=None, yen_appreciation=0.0, retail_pref_rate=None, deemed_rate=None, screen=None) -> Path:
    """Write the scenario to ``path`` (.xlsx) as formulas that recompute to :func:`fundlib.chain.run`.

    The scenario is the register's defaults with the active scenario's overrides, then the
    ``scenario`` file's (a JSON path, as :func:`fundlib.assumptions.load_scenario` reads), then
    ``overrides`` (assumption id → number). An app passes what it is showing: a ``fund``
    (:class:`~fundlib.structure.FundStructure`), a ``market`` (:class:`~fundlib.market.Market`), the
    ``asset_return``, the distribution terms ``preset``, sector ``weights``, ``shocks``
    (:class:`~fundlib.chain.Shocks`, one number each) and ``yen_appreciation``, and what it shows
    (``screen``, a :class:`Screen`: its controls, tables and Monte Carlo run, written to the sheets
    "On screen" and "Monte Carlo run"). The Summary sheet comes first. Returns the path.

    Raises TypeError for an argument of the wrong type and :class:`fundlib.InputError` for an
    unknown assumption id or a value outside its range, naming the parameter, value and range.
    """
    p = check_path(path)
    ex = build(overrides, scenario=scenario, fund=fund, market=market, asset_return=asset_return, preset=preset,
               weights=weights, shocks=shocks, yen_appreciation=yen_appreciation,
               retail_pref_rate=retail_pref_rate, deemed_rate=deemed_rate, screen=screen)
    return ex.save(p)
