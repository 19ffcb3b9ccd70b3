"""The values and functions of the formula language of every notebook's Excel export, as
:mod:`fundlib.export.evaluate` computes them (IRR and XIRR with LibreOffice Calc's algorithms).

Error values, dates as serial numbers, cell ranges, Excel's coercions and comparisons."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass

__all__ = ["XlError", "Ref", "serial", "FUNCTIONS"]

EPOCH = dt.date(1899, 12, 30)          # day 0 of the 1900 date system (Excel and LibreOffice)


class XlError(Exception):
    """A spreadsheet error value (#DIV/0!, #NUM!, #VALUE!, #REF!): raised while evaluating, stored as a value."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    def __eq__(self, other):
        return isinstance(other, XlError) and other.code == self.code

    def __hash__(self):
        return hash(self.code)


def serial(d) -> float:
    """A date or datetime as a spreadsheet serial number (days since 30 December 1899)."""
    if isinstance(d, dt.datetime):
        return (d.date() - EPOCH).days + (d - dt.datetime.combine(d.date(), dt.time())).total_seconds() / 86400
    return float((d - EPOCH).days)


def _date(n: float) -> dt.date:
    return EPOCH + dt.timedelta(days=int(math.floor(n)))


@dataclass(frozen=True)
class Ref:
    """A rectangle of cells on one sheet (1-based rows and columns, inclusive)."""

    sheet: str
    r1: int
    c1: int
    r2: int
    c2: int

    def cells(self):
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                yield (self.sheet, r, c)


# ----------------------------------------------------------------------------- values


def _value(v):
    """A stored value in a formula: errors are raised, dates become serial numbers."""
    if isinstance(v, XlError):
        raise v
    if isinstance(v, (dt.date, dt.datetime)):
        return serial(v)
    return v


def _num(v) -> float:
    v = _value(v)
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    raise XlError("#VALUE!")


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _order(v):
    """Excel's ordering of mixed types: numbers < text < logical values."""
    if isinstance(v, bool):
        return (2, v)
    if isinstance(v, str):
        return (1, v.lower())
    return (0, 0.0 if v is None else float(v))


def _binary(op, a, b):
    if op in ("=", "<>", "<", ">", "<=", ">="):
        if a is None:
            a = "" if isinstance(b, str) else (False if isinstance(b, bool) else 0.0)
        if b is None:
            b = "" if isinstance(a, str) else (False if isinstance(a, bool) else 0.0)
        x, y = _order(a), _order(b)
        return {"=": x == y, "<>": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]
    if op == "&":
        return f"{'' if a is None else a}{'' if b is None else b}"
    x, y = _num(a), _num(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        if y == 0:
            raise XlError("#DIV/0!")
        return x / y
    if op == "^":
        try:
            r = x ** y
        except (OverflowError, ZeroDivisionError):
            raise XlError("#NUM!") from None
        if isinstance(r, complex) or not math.isfinite(r):
            raise XlError("#NUM!")
        return r
    raise ValueError(op)


def _truth(v) -> bool:
    if v is None:
        return False
    if isinstance(v, str):
        raise XlError("#VALUE!")
    return bool(_num(v))


# ----------------------------------------------------------------------------- functions


def _if(ctx, args):
    cond = _truth(ctx.arg(args[0]))
    if cond:
        return ctx.ev(args[1])
    return ctx.ev(args[2]) if len(args) > 2 else False


def _iferror(ctx, args):
    try:
        v = ctx.arg(args[0])
        _value(v)
        return v
    except XlError:
        return ctx.ev(args[1])


def _isnumber(ctx, args):
    try:
        return _is_number(ctx.arg(args[0]))
    except XlError:
        return False


def _index(ctx, args):
    ref = ctx.ev(args[0])
    if not isinstance(ref, Ref):
        raise XlError("#VALUE!")
    n = int(_num(ctx.arg(args[1])))
    m = int(_num(ctx.arg(args[2]))) if len(args) > 2 else None
    rows, cols = ref.r2 - ref.r1 + 1, ref.c2 - ref.c1 + 1
    if m is None:
        if rows == 1:
            r, c = 1, n
        elif cols == 1:
            r, c = n, 1
        else:
            raise XlError("#REF!")
    else:
        r, c = n, m
    if not (1 <= r <= rows and 1 <= c <= cols):
        raise XlError("#REF!")
    return Ref(ref.sheet, ref.r1 + r - 1, ref.c1 + c - 1, ref.r1 + r - 1, ref.c1 + c - 1)


def _all_numbers(ctx, args):
    out = []
    for a in args:
        out.extend(ctx.numbers(ctx.ev(a)))
    return out


def _average(ctx, args):
    xs = _all_numbers(ctx, args)
    if not xs:
        raise XlError("#DIV/0!")
    return sum(xs) / len(xs)


def _sumproduct(ctx, args):
    arrays = [ctx.array(ctx.ev(a)) for a in args]
    if len({len(a) for a in arrays}) != 1:
        raise XlError("#VALUE!")
    return float(sum(math.prod(t) for t in zip(*arrays)))


_CRITERION = re.compile(r"^(<>|>=|<=|<|>|=)?(.*)$")


def _sumif(ctx, args):
    ref = ctx.ev(args[0])
    crit = ctx.arg(args[1])
    op, rhs = ("=", crit) if not isinstance(crit, str) else _CRITERION.match(crit).groups()
    op = op or "="
    rhs = float(rhs) if isinstance(rhs, str) and re.fullmatch(r"[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?", rhs) else rhs
    total = 0.0
    for k in ref.cells():
        v = ctx.cell(k)
        if _is_number(v) and _binary(op, float(v), rhs):
            total += float(v)
    return total


def _npv(ctx, args):
    rate = _num(ctx.arg(args[0]))
    xs = _all_numbers(ctx, args[1:])
    if rate == -1:
        raise XlError("#DIV/0!")
    return sum(v / (1 + rate) ** (i + 1) for i, v in enumerate(xs))


def _irr(ctx, args):
    """LibreOffice Calc's IRR: Newton's method from the guess (10% by default), at most 20 steps, done
    when a step is under 1e-7; no convergence is an error."""
    xs = _all_numbers(ctx, args[:1])
    x = _num(ctx.arg(args[1])) if len(args) > 1 else 0.1
    guess, eps, n = x, 1.0, 0
    while eps > 1e-7 and n < 20:
        nom = denom = 0.0
        for k, v in enumerate(xs):
            try:
                nom += v / (1 + x) ** k
                denom += -k * v / (1 + x) ** (k + 1)
            except (ZeroDivisionError, OverflowError):
                raise XlError("#NUM!") from None
        if denom == 0 or isinstance(nom, complex) or isinstance(denom, complex):
            raise XlError("#NUM!")
        new = x - nom / denom
        n += 1
        eps, x = abs(new - x), new
    if guess == 0.0 and abs(x) < 1e-7:
        x = 0.0
    if not eps < 1e-7 or not math.isfinite(x):
        raise XlError("#NUM!")
    return x


def _xvalues(ctx, args):
    vals = ctx.array(ctx.ev(args[0]))
    dates = ctx.array(ctx.ev(args[1]))
    if len(vals) != len(dates) or not vals:
        raise XlError("#VALUE!")
    return vals, [d - dates[0] for d in dates]


def _xnpv_at(vals, days, r):
    return sum(v / (1 + r) ** (d / 365.0) for v, d in zip(vals, days))


def _xnpv(ctx, args):
    r = _num(ctx.arg(args[0]))
    vals, days = _xvalues(ctx, args[1:])
    try:
        out = _xnpv_at(vals, days, r)
    except (ZeroDivisionError, OverflowError):
        raise XlError("#NUM!") from None
    if isinstance(out, complex):
        raise XlError("#NUM!")
    return out


def _xirr(ctx, args):
    """LibreOffice Calc's XIRR: Newton's method from the guess (at most 50 steps to 1e-10), then a
    scan of starting points from −99% upward in steps of 1% if that fails."""
    vals, days = _xvalues(ctx, args[:2])
    guess = _num(ctx.arg(args[2])) if len(args) > 2 else 0.1
    rate, scan, cont = guess, 0, True
    while cont and scan < 200:
        if scan >= 1:
            rate = -0.99 + (scan - 1) * 0.01
        it = 0
        while True:
            try:
                value = _xnpv_at(vals, days, rate)
                deriv = sum(-(d / 365.0) * v / (1 + rate) ** (d / 365.0 + 1) for v, d in zip(vals, days))
                new = rate - value / deriv
            except (ZeroDivisionError, OverflowError, TypeError):
                value, new = float("nan"), float("nan")
            if isinstance(new, complex) or isinstance(value, complex):
                value, new = float("nan"), float("nan")
            step = abs(new - rate)
            rate = new
            cont = step > 1e-10 and abs(value) > 1e-10
            it += 1
            if not (cont and it < 50):
                break
        if not (math.isfinite(rate) and math.isfinite(value)):
            cont = True
        scan += 1
    if cont:
        raise XlError("#NUM!")
    return rate


def _round(ctx, args):
    x, n = _num(ctx.arg(args[0])), int(_num(ctx.arg(args[1])) if len(args) > 1 else 0)
    f = 10.0 ** n
    return math.copysign(math.floor(abs(x) * f + 0.5) / f, x)


def _date_fn(ctx, args):
    y, m, d = (int(_num(ctx.arg(a))) for a in args)
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return serial(dt.date(y, m, 1)) + d - 1


def _eomonth(ctx, args):
    start, months = _date(_num(ctx.arg(args[0]))), int(_num(ctx.arg(args[1])))
    k = start.year * 12 + start.month - 1 + months
    y, m = divmod(k, 12)
    return serial(dt.date(y, m + 1, calendar.monthrange(y, m + 1)[1]))


def _scalars(fn):
    return lambda ctx, args: fn(*(ctx.arg(a) for a in args))


def _logical(all_):
    def f(ctx, args):
        vals = []
        for a in args:
            x = ctx.ev(a)
            vals.extend(_truth(v) for v in ([ctx.cell(k) for k in x.cells()] if isinstance(x, Ref) else [x]))
        return all(vals) if all_ else any(vals)
    return f


FUNCTIONS = {
    "IF": _if, "IFERROR": _iferror, "ISNUMBER": _isnumber, "AND": _logical(True), "OR": _logical(False),
    "SUM": lambda ctx, args: float(sum(_all_numbers(ctx, args))),
    "MIN": lambda ctx, args: min(_all_numbers(ctx, args), default=0.0),
    "MAX": lambda ctx, args: max(_all_numbers(ctx, args), default=0.0),
    "AVERAGE": _average, "SUMPRODUCT": _sumproduct, "SUMIF": _sumif, "INDEX": _index,
    "NPV": _npv, "IRR": _irr, "XNPV": _xnpv, "XIRR": _xirr,
    "ABS": _scalars(lambda x: abs(_num(x))),
    "SIGN": _scalars(lambda x: float((_num(x) > 0) - (_num(x) < 0))),
    "ROUND": _round, "DATE": _date_fn, "EOMONTH": _eomonth,
    "YEAR": _scalars(lambda x: float(_date(_num(x)).year)),
    "MONTH": _scalars(lambda x: float(_date(_num(x)).month)),
}
