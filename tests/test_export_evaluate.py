"""fundlib.export.evaluate, the values stored with the workbook's formulas: Excel's precedence, ranges
and INDEX references, errors, dates, and IRR / XIRR / NPV / XNPV against numpy-financial and pyxirr.
(Every formula cell of six whole workbooks is also compared with LibreOffice in test_export.py.)"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy_financial as npf
import pytest
import pyxirr

from fundlib.export.evaluate import XlError, evaluate, serial


def _ev(formula: str, **cells):
    """Evaluate one formula in S!Z1 with cells given as A1=..., on sheet S."""
    grid = {("S", int(k[1:]), ord(k[0]) - 64): v for k, v in cells.items()}
    grid[("S", 1, 26)] = formula
    return evaluate(grid, {"Rate": ("S", "$A$9")} if ("S", 9, 1) in grid else {})[("S", 1, 26)]


def test_precedence_is_excels():
    assert _ev("=-2^2") == 4.0                  # unary minus binds tighter than ^
    assert _ev("=2+3*4^2/8-1") == 7.0
    assert _ev("=10%+1") == pytest.approx(1.1)
    assert _ev("=1+2=3") is True and _ev("=2<>2") is False
    assert _ev('="a"&"b"') == "ab"


def test_ranges_index_and_blanks():
    cells = dict(A1=1.0, B1=2.0, C1=3.0, D1="text")
    assert _ev("=SUM(A1:D1)", **cells) == 6.0                         # text in a range is skipped
    assert _ev("=SUM(INDEX(A1:D1,2):INDEX(A1:D1,3))", **cells) == 5.0
    assert _ev("=MAX(A1:C1)-MIN(A1:C1)+AVERAGE(A1,C1)", **cells) == 4.0
    assert _ev("=SUMPRODUCT(A1:C1,A1:C1)", **cells) == 14.0
    assert _ev('=SUMIF(A1:C1,">1")', **cells) == 5.0
    assert _ev("=A2+1", **cells) == 1.0                                # a blank cell is 0
    assert _ev("=ISNUMBER(A2)", **cells) is False and _ev("=ISNUMBER(A1)", **cells) is True


def test_errors_propagate_and_iferror_catches():
    assert _ev("=1/0") == XlError("#DIV/0!")
    assert _ev("=IFERROR(1/0,7)") == 7.0
    assert _ev('=1+"x"') == XlError("#VALUE!")
    assert _ev("=IF(1,5,1/0)") == 5.0                                 # the branch not taken is not evaluated
    assert _ev("=INDEX(A1:C1,4)", A1=1.0, B1=1.0, C1=1.0) == XlError("#REF!")


def test_dates_are_serial_numbers():
    close = dt.date(2025, 10, 31)
    assert _ev("=EOMONTH(DATE(YEAR(A1)+1,MONTH(A1),1),0)", A1=close) == serial(dt.date(2026, 10, 31))
    assert _ev("=DATE(2025,14,1)") == serial(dt.date(2026, 2, 1))
    assert serial(dt.date(1900, 3, 1)) == 61.0                         # Excel's serial of 1 March 1900


def test_cash_flow_functions_against_the_references():
    flows = [-100.0, 10.0, 12.0, 15.0, 110.0]
    cells = {chr(65 + i) + "1": v for i, v in enumerate(flows)}
    assert _ev("=IRR(A1:E1)", **cells) == pytest.approx(npf.irr(flows), abs=1e-12)
    assert _ev("=A1+NPV(0.05,B1:E1)", **cells) == pytest.approx(npf.npv(0.05, flows), rel=1e-13)
    dates = [dt.date(2025, 10, 31) + dt.timedelta(days=365 * k + 3 * k) for k in range(5)]
    cells.update({chr(65 + i) + "2": d for i, d in enumerate(dates)})
    assert _ev("=XIRR(A1:E1,A2:E2)", **cells) == pytest.approx(pyxirr.xirr(dates, flows), abs=1e-10)
    assert _ev("=XNPV(0.05,A1:E1,A2:E2)", **cells) == pytest.approx(pyxirr.xnpv(0.05, dates, flows), rel=1e-12)
    assert _ev("=IRR(A1:B1)", A1=-1.0, B1=-1.0) == XlError("#NUM!")   # no root: an error, as Calc gives


def test_circular_references_and_unknown_functions_are_refused():
    with pytest.raises(ValueError, match="circular"):
        evaluate({("S", 1, 1): "=B1", ("S", 1, 2): "=A1"}, {})
    with pytest.raises(ValueError, match="VLOOKUP"):
        evaluate({("S", 1, 1): "=VLOOKUP(1,B1:C2,2)"}, {})


def test_defined_names_are_read():
    assert evaluate({("S", 9, 1): 0.25, ("S", 1, 1): "=Rate*4"}, {"Rate": ("S", "$A$9")})[("S", 1, 1)] == 1.0
    assert np.isfinite(_ev("=ROUND(2.5,0)")) and _ev("=ROUND(2.5,0)") == 3.0 and _ev("=ROUND(-2.5,0)") == -3.0
