"""The values of the workbook's formula cells (every notebook's Export to Excel), computed when it is
written: each formula is stored with its result, so pandas or a file preview sees the numbers.

Excel and LibreOffice still recompute every formula on opening.

This evaluates the part of Excel's formula language the workbook writes (arithmetic and comparison,
ranges, ``INDEX(…):INDEX(…)`` references and the functions in :data:`FUNCTIONS`) with LibreOffice
Calc's algorithms for IRR and XIRR, so a cached value equals what Calc computes (the tests compare
every formula cell of six workbooks with Calc's own recalculation). It is written here, not taken
from a formula library, for speed: one workbook's ~7,000 formulas evaluate in well under a second,
where a general-purpose engine took 20 s on the same file.
"""

from __future__ import annotations

import math
import re

from openpyxl.utils import column_index_from_string

from fundlib.export.xlfunctions import FUNCTIONS, Ref, XlError, _binary, _is_number, _num, _value, serial

__all__ = ["XlError", "evaluate", "FUNCTIONS", "serial"]



# ----------------------------------------------------------------------------- parsing

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>"(?:[^"]|"")*")
  | (?P<ref>(?:(?:'(?P<qs>[^']+)'|(?P<us>[A-Za-z_][A-Za-z0-9_.]*))!)?\$?(?P<col>[A-Z]{1,3})\$?(?P<row>[0-9]+)(?![A-Za-z0-9_(]))
  | (?P<num>[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+)
  | (?P<func>[A-Z][A-Z0-9.]*)\(
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op><>|>=|<=|[-+*/^&=<>:%(),])
)""", re.X)


def _tokens(text: str, sheet: str):
    pos, out = 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise ValueError(f"cannot read formula {text!r} at {text[pos:]!r}")
        pos = m.end()
        kind = m.lastgroup if m.lastgroup not in ("qs", "us", "col", "row") else "ref"
        if m.group("ref"):
            kind = "ref"
            ref_sheet = m.group("qs") or m.group("us")
            if ref_sheet is None:      # the end of A1:B2 is on the sheet of its start
                ref_sheet = out[-2][1].sheet if len(out) >= 2 and out[-1] == ("op", ":") and out[-2][0] == "ref" else sheet
            c = column_index_from_string(m.group("col"))
            r = int(m.group("row"))
            out.append(("ref", Ref(ref_sheet, r, c, r, c)))
        else:
            out.append((kind, m.group(kind)))
    out.append(("end", None))
    return out


class _Parser:
    """Precedence (Excel's): ``:`` > unary minus > ``%`` > ``^`` > ``* /`` > ``+ -`` > ``&`` > comparisons."""

    def __init__(self, tokens, names):
        self.t, self.i, self.names = tokens, 0, names

    def peek(self):
        return self.t[self.i]

    def take(self, value=None):
        tok = self.t[self.i]
        if value is not None and tok[1] != value:
            raise ValueError(f"expected {value!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def binary(self, ops, nxt):
        node = nxt()
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            op = self.take()[1]
            node = ("op", op, node, nxt())
        return node

    def expr(self):
        return self.binary(("=", "<>", "<", ">", "<=", ">="), self.concat)

    def concat(self):
        return self.binary(("&",), self.additive)

    def additive(self):
        return self.binary(("+", "-"), self.term)

    def term(self):
        return self.binary(("*", "/"), self.power)

    def power(self):
        return self.binary(("^",), self.percent)

    def percent(self):
        node = self.unary()
        while self.peek() == ("op", "%"):
            self.take()
            node = ("op", "/", node, ("num", 100.0))
        return node

    def unary(self):
        if self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.take()[1]
            node = self.unary()
            return ("neg", node) if op == "-" else node
        return self.range()

    def range(self):
        node = self.primary()
        while self.peek() == ("op", ":"):
            self.take()
            node = ("range", node, self.primary())
        return node

    def primary(self):
        kind, v = self.take()
        if kind == "num":
            return ("num", float(v))
        if kind == "str":
            return ("str", v[1:-1].replace('""', '"'))
        if kind == "ref":
            return ("ref", v)
        if kind == "name":
            if v.upper() in ("TRUE", "FALSE"):
                return ("bool", v.upper() == "TRUE")
            if v not in self.names:
                raise ValueError(f"unknown name {v!r}")
            return ("ref", self.names[v])
        if kind == "func":
            if v not in FUNCTIONS:
                raise ValueError(f"function {v} is not evaluated here")
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.expr())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.expr())
            self.take(")")
            return ("call", v, args)
        if (kind, v) == ("op", "("):
            node = self.expr()
            self.take(")")
            return node
        raise ValueError(f"unexpected {v!r}")


def _refs(node, out):
    """Every cell range a formula reads (INDEX's whole first argument for a computed reference)."""
    if node[0] == "ref":
        out.append(node[1])
    elif node[0] in ("op",):
        _refs(node[2], out)
        _refs(node[3], out)
    elif node[0] == "neg":
        _refs(node[1], out)
    elif node[0] == "range":
        a, b = node[1], node[2]
        if a[0] == b[0] == "ref" and a[1].sheet == b[1].sheet:      # A1:B2: the whole rectangle
            out.append(Ref(a[1].sheet, min(a[1].r1, b[1].r1), min(a[1].c1, b[1].c1),
                           max(a[1].r2, b[1].r2), max(a[1].c2, b[1].c2)))
        else:                                                       # INDEX(…):INDEX(…): INDEX's whole range
            _refs(a, out)
            _refs(b, out)
    elif node[0] == "call":
        for a in node[2]:
            _refs(a, out)


# ----------------------------------------------------------------------------- the context


class _Context:
    def __init__(self, values):
        self.values = values

    def cell(self, key):
        return _value(self.values.get(key))

    def scalar(self, x):
        """A value in a scalar position: a one-cell reference is read; a larger range is an error."""
        if isinstance(x, Ref):
            if (x.r1, x.c1) != (x.r2, x.c2):
                raise XlError("#VALUE!")
            return self.cell((x.sheet, x.r1, x.c1))
        return x

    def numbers(self, x):
        """The numbers of a range (text, logical values and blanks skipped) or one scalar, coerced."""
        if isinstance(x, Ref):
            return [float(v) for v in (self.cell(k) for k in x.cells()) if _is_number(v)]
        return [_num(x)]

    def array(self, x):
        """A range's values in order, non-numbers as 0 (SUMPRODUCT's reading)."""
        if isinstance(x, Ref):
            return [float(v) if _is_number(v) else 0.0 for v in (self.cell(k) for k in x.cells())]
        return [_num(x)]

    def ev(self, node):
        kind = node[0]
        if kind in ("num", "str", "bool"):
            return node[1]
        if kind == "ref":
            return node[1]
        if kind == "neg":
            return -_num(self.scalar(self.ev(node[1])))
        if kind == "range":
            a, b = self.ev(node[1]), self.ev(node[2])
            if not (isinstance(a, Ref) and isinstance(b, Ref)) or a.sheet != b.sheet:
                raise XlError("#VALUE!")
            return Ref(a.sheet, min(a.r1, b.r1), min(a.c1, b.c1), max(a.r2, b.r2), max(a.c2, b.c2))
        if kind == "op":
            return _binary(node[1], self.scalar(self.ev(node[2])), self.scalar(self.ev(node[3])))
        if kind == "call":
            return FUNCTIONS[node[1]](self, node[2])
        raise ValueError(kind)

    def arg(self, node):
        return self.scalar(self.ev(node))


# ----------------------------------------------------------------------------- the whole workbook


def evaluate(cells: dict, names: dict) -> dict:
    """The value of every formula in ``cells`` ((sheet, row, column) → value or "=formula"), with
    ``names`` (defined name → (sheet, "$C$30")) resolved. Returns (sheet, row, column) → value, an
    :class:`XlError` where the spreadsheet shows an error. Raises ValueError for a formula outside
    the evaluated subset or a circular reference."""
    name_refs = {}
    for name, (sheet, cell) in names.items():
        m = re.fullmatch(r"\$?([A-Z]{1,3})\$?([0-9]+)", cell)
        c, r = column_index_from_string(m.group(1)), int(m.group(2))
        name_refs[name] = Ref(sheet, r, c, r, c)
    values = {k: v for k, v in cells.items() if not (isinstance(v, str) and v.startswith("="))}
    formulas = {}
    deps = {}
    for key, text in cells.items():
        if key in values:
            continue
        tree = _Parser(_tokens(text[1:], key[0]), name_refs).expr()
        formulas[key] = tree
        refs = []
        _refs(tree, refs)
        deps[key] = [k for ref in refs for k in ref.cells() if k in cells and k not in values]
    order, state = [], {}
    for root in formulas:                      # depth-first, iteratively: post-order = evaluation order
        if state.get(root):
            continue
        stack = [(root, iter(deps[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                state[node] = 2
                order.append(node)
            elif state.get(nxt) == 1:
                raise ValueError(f"circular reference through {nxt}")
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(deps[nxt])))
    ctx = _Context(values)
    out = {}
    for key in order:
        try:
            v = ctx.arg(formulas[key])
            if isinstance(v, float) and not math.isfinite(v):
                v = XlError("#NUM!")
        except XlError as exc:
            v = exc
        values[key] = v
        out[key] = v
    return out
