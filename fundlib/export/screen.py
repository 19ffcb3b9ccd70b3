"""The first sheets of every notebook's Export to Excel: the Summary, what the app showed (sheet "On
screen") and, for a Monte Carlo app, the run the reader saw (sheet "Monte Carlo run").

The Summary holds the scenario, its headline figures as formulas on the sheets behind them, and what
each sheet holds; "On screen" every control with its value and the tables shown; the run its
parameters, seed and scenario count, the summary and percentiles over every scenario, and the
scenarios themselves up to :data:`RUN_ROWS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fundlib._validate import InputError
from fundlib.export.sheet import FORMATS, TOTAL, Book, unit_label
from fundlib.export.spec import ExportSpec

__all__ = ["Screen", "Run", "summary_sheet", "screen_sheets", "RUN_ROWS", "PERCENTILES", "run_summary"]

RUN_ROWS = 10_000                  # scenarios listed one by one; the summary covers them all
PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)


@dataclass
class Run:
    """A Monte Carlo run as an app shows it: ``count`` scenarios from ``seed``; ``draws`` one row per
    scenario (numeric columns, each named with its unit; all of them, or the first ones kept);
    ``params`` the run's settings as (label, value, unit); ``summary`` the distribution over all
    ``count`` scenarios when the draws are not all kept (else computed from the draws)."""

    title: str
    seed: int
    count: int
    params: list = field(default_factory=list)
    draws: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: pd.DataFrame | None = None

    def distribution(self) -> pd.DataFrame:
        return self.summary if self.summary is not None else run_summary(self.draws)


@dataclass
class Screen:
    """What an app shows: its title, every control as (name, value, unit, as shown, how the workbook
    uses it), the tables on screen (numeric, units in the headers) and its Monte Carlo run, if any."""

    app: str
    controls: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    run: Run | None = None


def run_summary(draws: pd.DataFrame) -> pd.DataFrame:
    """Per outcome: scenarios counted, mean, standard deviation, min, the :data:`PERCENTILES` and max
    (NaN draws, such as an IRR that does not exist, are left out and counted apart)."""
    if not isinstance(draws, pd.DataFrame):
        raise TypeError(f"draws must be a pandas DataFrame (one row per scenario), not {type(draws).__name__}")
    rows = []
    for col in draws.columns:
        x = pd.to_numeric(draws[col], errors="coerce").to_numpy(float)
        ok = x[np.isfinite(x)]
        row = {"outcome": col, "scenarios with a value": ok.size, "without one": x.size - ok.size}
        if ok.size:
            row.update({"mean": ok.mean(), "standard deviation": ok.std(ddof=1) if ok.size > 1 else 0.0,
                        "min": ok.min(), **{f"p{q}": np.percentile(ok, q) for q in PERCENTILES}, "max": ok.max()})
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- the Summary


def _irr_or_why(p: str) -> str:
    """An IRR cell, or why there is none: nothing paid in, or nothing (or too little) back."""
    return (f'IF(ISNUMBER({{irr_{p}}}),{{irr_{p}}},IF({{out_{p}@c}}<=Tiny,"n/a: paid nothing in",'
            f'IF({{in_{p}@c}}<=Tiny,"n/a: nothing came back (−100%)","n/a: no rate discounts the flows to 0")))')


def _headlines(spec: ExportSpec) -> list:
    """(label, unit, template, where) of the headline figures; templates refer to workbook rows."""
    scenario = [("Equity", "usd_bn", "Equity", "Inputs"), ("Leverage (assets ÷ equity)", "x", "Leverage", "Inputs"),
                ("Assets", "usd_bn", "Equity*Leverage", "Inputs"), ("Debt: assets − equity", "usd_bn", "Equity*(Leverage-1)", "Inputs"),
                ("Gross return on the assets (unlevered IRR)", "decimal", "AssetReturn", "Inputs"),
                ("US Treasury's share of the equity", "decimal", "ShareUS", "Inputs"),
                ("Japan MoF's share of the equity", "decimal", "ShareJapan", "Inputs"),
                ("Fund life", "years", "Life", "Inputs")]
    debt = [("Senior debt: tenor of the principal plan", "years", "DebtTenor", "Inputs"),
            ("Senior spread over SOFR", "bp", "SeniorSpread_bp", "Inputs"),
            ("Guarantee fee to Ex-Im Bank and JBIC", "bp", "GuaranteeFee_bp", "Inputs"),
            ("SOFR (the market month's)", "decimal", "SOFR", "Inputs"),
            ("Cost of debt before the swap: SOFR + spread + fee (blended with any subordinated debt)", "decimal",
             "DebtRate", "Inputs"),
            ("Share of the senior debt swapped to fixed", "decimal", "HedgeShare", "Inputs"),
            ("Swap fixed rate K (paid on the swapped share, plus the spread and fee)", "decimal", "{swap_k}", "Debt"),
            ("SOFR shock after close (added to SOFR every year from year 1)", "bp", "SofrShock_bp", "Inputs"),
            ("Debt-service reserve funded at close", "usd_bn", "{dsra}", "Plan"),
            ("Lock-up test: distributions stop below this DSCR", "x", "LockupDSCR", "Inputs"),
            ("Lowest debt-service cover ratio (DSCR) in any year", "x", "MIN({dscr@row})", "Debt"),
            ("Guarantee calls, all years (Ex-Im + JBIC)", "usd_bn", "{call_exim@c}+{call_jbic@c}", "Debt"),
            ("Still owed to the guarantors when the fund ends", "usd_bn", "{owed@last}", "Debt")]
    figures = [("All owners together: equity IRR", "decimal",
                'IF(ISNUMBER({irr_owners}),{irr_owners},"n/a: nothing came back (−100%)")', "Parties")]
    for p, lab in (("us_treasury", "US Treasury"), ("japan_mof", "Japan MoF")):
        figures += [(f"{lab}: paid in", "usd_bn", f"{{out_{p}@c}}", "Parties"),
                    (f"{lab}: received", "usd_bn", f"{{in_{p}@c}}", "Parties"),
                    (f"{lab}: IRR", "decimal", _irr_or_why(p), "Parties"),
                    (f"{lab}: PV of the net flow in dollars, at the US Treasury yield below "
                     + ("(the Treasury's budget view)" if p == "us_treasury" else
                        "(for comparison; Japan's own budget view, in yen on the JGB curve, is below)"), "usd_bn",
                     f"{{pv_{p}}}", "Parties")]
    figures += [("Discount rate of the PVs: the US Treasury par yield at 30 years", "decimal", "PVRate", "Inputs"),
                ("US Ex-Im Bank: PV of fees − calls + recoveries", "usd_bn", "{pv_exim}", "Parties"),
                ("JBIC: PV of fees − calls + recoveries", "usd_bn", "{pv_jbic}", "Parties"),
                ("FILP yield: what Japan pays on the bonds that fund its stake", "decimal", "FilpYield", "Inputs"),
                ("Japan MoF in yen, hedged (each dollar converted at its date's locked forward): PV of the net yen "
                 "against its FILP bonds, on the JGB curve", "jpy_tn", "{jpv_h}", "Japan in yen"),
                ("Japan MoF in yen, unhedged (on the spot path: spot × (1 − the yen's appreciation a year)^t)", "jpy_tn",
                 "{jpv_u}", "Japan in yen"),
                ("… the yen's appreciation a year on that path (0: spot held flat)", "decimal", "YenAppreciation", "Inputs")]
    if spec.preset == "mou_2025":
        figures += [("MOU deemed rate Japan's recoup accrues at", "decimal", "DeemedRate", "Inputs"),
                    ("Japan still to recoup when the fund ends (MOU)", "usd_bn", "{recoup0@last}", "Waterfall")]
    return [("The scenario (Inputs)", scenario), ("Debt and cover", debt),
            ("Headline figures (formulas on the sheets named)", figures)]


def summary_sheet(book: Book, spec: ExportSpec, screen: Screen | None, sheets: dict) -> None:
    """The Summary, written first: ``sheets`` is sheet name → what it holds."""
    from fundlib import waterfall as W

    def write(grids):
        g = grids["Summary"]
        g.put(1, 1, "Summary: this scenario, its headline figures and what each sheet holds", "title")
        g.put(2, 1, "Every figure below is a formula on the sheet named beside it: change an input on Inputs and the "
                    "whole workbook recomputes. Each formula also stores its value, so a reader that does not recalculate "
                    "sees the same numbers. Here and on the model sheets a percentage is stored as a fraction (7% is 0.07) and "
                    "shown as %; the sheets On screen and Monte Carlo run hold numbers as the app shows them, in the unit "
                    "their column names (7 under \u201c(%)\u201d is 7%).", "about")
        for c, h in enumerate(("Item", "Unit", "Value", "Sheet (and, below, what it holds)"), start=1):
            g.put(4, c, h, "headright" if c == 3 else ("headindent" if c == 4 else "head"))
        r = 5
        if screen is not None:
            g.put(r, 1, f"Exported from the app \u201c{screen.app}\u201d: its controls and tables are on the sheet "
                        "\u201cOn screen\u201d" + (", its Monte Carlo run on \u201cMonte Carlo run\u201d" if screen.run else ""),
                  "bold")
            r += 1
        g.put(r, 1, "Distribution terms")
        g.put(r, 3, W.PRESETS[spec.preset].split(":")[0], "")
        g.put(r, 4, "Inputs", "indent")
        g.put(r + 1, 1, "Market snapshot (month-end)")
        g.put(r + 1, 3, spec.market.as_of)
        g.put(r + 1, 4, "Inputs", "indent")
        r += 2
        _, fx, bust, delay = spec.shocks.arrays()
        for label, unit, v in (("What-if after close: AI capex bust severity (shapes the Profile)", "x", float(bust)),
                               ("What-if after close: construction delay (shapes the Profile)", "years", float(delay)),
                               ("What-if after close: USD/JPY from year 1", "jpy_per_usd", None if fx is None else float(fx))):
            if v:
                g.put(r, 1, label)
                g.put(r, 2, unit_label(unit))
                g.put(r, 3, v, "value", FORMATS.get(unit))
                g.put(r, 4, "Inputs")
                r += 1
        for heading, rows in _headlines(spec):
            r += 1
            g.put(r, 1, heading, "heading")
            for c in range(2, 5):
                g.put(r, c, None, "band")
            r += 1
            for label, unit, template, where in rows:
                g.put(r, 1, label, "wrap" if len(label) > 62 else "")
                g.put(r, 2, unit_label(unit))
                g.put(r, 3, book.render(template, TOTAL, None), "result", FORMATS.get(unit, "General"))
                g.put(r, 4, where, "indent")
                r += 1
        r += 1
        g.put(r, 1, "What each sheet holds", "heading")
        for c in range(2, 5):
            g.put(r, c, None, "band")
        r += 1
        for name, about in sheets.items():
            g.put(r, 1, name, "toplabel")
            g.put(r, 4, about, "wrapindent")
            r += 1
        g.widths.update({1: 62, 2: 10, 3: 16, 4: 110})
        g.freeze, g.label_cols, g.header_row = (5, 1), 1, 4

    book.special.append(write)


# ----------------------------------------------------------------------------- On screen, Monte Carlo run


def _cell(v):
    if isinstance(v, (np.generic,)):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v if isinstance(v, (int, float, str, bool)) or v is None else str(v)


def _number_format(v) -> str | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return "#,##0" if float(v).is_integer() else "#,##0.0000"


def _frame(g, r: int, df: pd.DataFrame, index: bool) -> int:
    """Write ``df`` with its header at row ``r`` (a numeric column's header aligned right, over its
    numbers); returns the next free row."""
    cols = ([df.index.name or ""] if index else []) + [str(c) for c in df.columns]
    rows = [([idx] if index else []) + list(row) for idx, row in df.iterrows()]
    numeric = [any(_number_format(_cell(r_[c])) for r_ in rows) for c in range(len(cols))]
    for c, h in enumerate(cols, start=1):
        g.put(r, c, h, "headright" if numeric[c - 1] else "head")
    for i, vals in enumerate(rows, start=1):
        for c, v in enumerate(vals, start=1):
            v = _cell(v)
            long = isinstance(v, str) and len(v) > g.widths.get(c, 14)
            g.put(r + i, c, v, "wrap" if long else "", _number_format(v))
    return r + len(df) + 2


def screen_sheets(book: Book, screen: Screen) -> list[str]:
    """The sheets "On screen" and, for a Monte Carlo app, "Monte Carlo run"; returns their names."""
    check_screen(screen)
    names = ["On screen"] + (["Monte Carlo run"] if screen.run is not None else [])

    def write(grids):
        g = grids["On screen"]
        g.widths.update({1: 58, 2: 16, 3: 22, 4: 30, 5: 44, 6: 18, 7: 18})
        g.put(1, 1, f"On screen: the app \u201c{screen.app}\u201d when it was exported", "title")
        g.put(2, 1, "Every control with the value it had, and every table the app showed, as numbers rounded as the app "
                    "shows them, in the unit each column or row names (7 under \u201c%\u201d is 7%; the model sheets hold "
                    "the figures in full). A control the workbook's chain takes is an input on the Inputs sheet, named in "
                    "the last column; the others are recorded here as set.", "about")
        g.put(4, 1, "Controls", "heading")
        r = _frame(g, 5, pd.DataFrame(screen.controls, columns=["Control", "Value", "Unit", "As shown", "In this workbook"]),
                   False)
        for caption, df in screen.tables:
            g.put(r, 1, f"Table: {caption}", "heading")
            r = _frame(g, r + 1, df, not isinstance(df.index, pd.RangeIndex))
        g.label_cols, g.header_row = 1, 2
        if screen.run is None:
            return
        run, g = screen.run, grids["Monte Carlo run"]
        g.widths.update({c: (44 if c == 1 else 19) for c in range(1, 20)})
        shown = min(len(run.draws), RUN_ROWS)
        g.put(1, 1, f"Monte Carlo run: {run.title}", "title")
        g.put(2, 1, f"{run.count:,} scenarios, seed {run.seed}. The summary and percentiles cover all {run.count:,} (percentiles "
                    "interpolated linearly between scenarios, the standard deviation the sample's); "
                    f"the first {shown:,} are listed below"
                    + (" (every one)." if shown == run.count else f" (at most {RUN_ROWS:,} are listed)."), "about")
        g.put(4, 1, "Settings", "heading")
        params = [("Scenarios", run.count, "scenarios"), ("Seed", run.seed, ""), *run.params]
        r = _frame(g, 5, pd.DataFrame(params, columns=["Setting", "Value", "Unit"]), False)
        g.put(r, 1, "Across all scenarios", "heading")
        r = _frame(g, r + 1, run.distribution(), False)
        g.print_rows = r - 1            # the print-out stops before the scenario list (it stays in the file)
        g.put(r, 1, f"Scenarios 1 to {shown:,} (not printed: {shown:,} rows)", "heading")
        listed = run.draws.iloc[:shown].copy()
        listed.index = pd.RangeIndex(1, shown + 1, name="Scenario")
        _frame(g, r + 1, listed, True)
        g.label_cols, g.header_row = 1, 2

    book.special.append(write)
    return names


def check_screen(screen) -> None:
    """TypeError or InputError, naming the field, for a screen that cannot be written."""
    if screen is None:
        return
    if not isinstance(screen, Screen):
        raise TypeError(f"screen must be a fundlib.export.Screen, not {type(screen).__name__}")
    if not all(isinstance(c, (tuple, list)) and len(c) == 5 for c in screen.controls):
        raise TypeError("screen.controls must be (control, value, unit, as shown, in the workbook) rows")
    if not all(isinstance(t, (tuple, list)) and len(t) == 2 and isinstance(t[1], pd.DataFrame) for t in screen.tables):
        raise TypeError("screen.tables must be (caption, DataFrame) pairs")
    run = screen.run
    if run is None:
        return
    if not isinstance(run, Run) or not isinstance(run.draws, pd.DataFrame):
        raise TypeError("screen.run must be a fundlib.export.Run whose draws are a DataFrame")
    if isinstance(run.count, bool) or not isinstance(run.count, (int, np.integer)) or run.count < max(1, len(run.draws)):
        raise InputError("screen.run.count", run.count, "a whole number of scenarios, at least 1 and at least the draws")
