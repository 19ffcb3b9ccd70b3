"""Figures in a notebook's prose and what each is bound to (read by tests/test_prose.py and by
scripts/bind_figures.py, which proposes bindings).

A figure is a number with a unit ("9.60%", "$17.0bn", "120 bp", "15 years", "3.0×"), or a count
in words ("five named shocks"). Right after it the markdown carries a marker, invisible on the page,
naming where the number comes from:

- ``<!--out:LABEL-->``: a line of the notebook's checked output that contains LABEL (exactly one line
  does); the figure is the first number after LABEL on that line (``LABEL#2``: the second);
- ``<!--reg:ID-->`` (``ID.low``, ``ID.high``): a row of the assumption register;
- ``<!--fact:ID-->``: a row of ``data/facts.csv`` or ``data/comparators.csv`` (its ``value``);
- ``<!--given-->``: a premise the text sets (an exercise's input, a hypothetical), never allowed in
  "What the numbers say".

The value is compared at the figure's precision ("9.6%" matches 9.60, "about six points" matches 5.93).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat


WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12}
_UNIT = r"(?:%|×|x\b|times\b|bp\b|points?\b|years?\b|months?\b|tn\b|bn\b|shocks\b|scenarios\b|paths\b|projects\b|claims\b|rows\b)"
FIGURE = re.compile(
    r"(?P<money>(?:\\*\$|¥)\s?\d[\d,]*(?:\.\d+)?\s?(?:bn|tn)\b)"
    r"|(?<![\w.,/#-])(?P<num>\d[\d,]*(?:\.\d+)?\s?" + _UNIT + r")"
    r"|\b(?P<word>(?:" + "|".join(WORDS) + r")\s+(?:named\s+)?(?:shocks|years|months|points|times|scenarios|series|figures)\b)",
    re.IGNORECASE)
MARKER = re.compile(r"\s*<!--\s*(out|reg|fact|given)\s*(?::\s*(.*?))?\s*-->")
OUT_NUMBER = re.compile(r"[−-]?\d[\d,]*(?:\.\d+)?")
# a displayed formula: $$ on its own line, the LaTeX, $$ (the one place a lone $ is not money)
DISPLAYED_FORMULA = re.compile(r"^\$\$\n.+?\n\$\$$", re.S | re.M)
_SKIP = re.compile(r"`[^`]*`|\]\([^)]*\)|https?://\S+|\$\$.*?\$\$", re.S)


@dataclass
class Figure:
    cell: int
    token: str
    value: float
    digits: int
    unit: str
    kind: str | None          # out, reg, fact, given, or None (no marker)
    ref: str | None
    start: int                # offset in the cell's source
    end: int                  # offset just after the token (where a marker goes)
    in_numbers_section: bool


def _unit(token: str) -> str:
    t = token.lower()
    for u, names in (("money_bn", ("bn",)), ("money_tn", ("tn",)), ("pct", ("%",)), ("bp", ("bp",)),
                     ("x", ("×", "x", "times")), ("years", ("year",)), ("months", ("month",)), ("points", ("point",))):
        if any(t.rstrip().endswith(n) or (n in ("year", "month", "point") and n in t) for n in names):
            return u
    return "count"


def parse_token(token: str) -> tuple[float, int, str]:
    word = re.match(r"(" + "|".join(WORDS) + r")\b", token, re.I)
    if word:
        return float(WORDS[word.group(1).lower()]), 0, _unit(token)
    m = re.search(r"\d[\d,]*(?:\.(\d+))?", token)
    return float(m.group(0).replace(",", "")), len(m.group(1) or ""), _unit(token)


def markdown_cells(nb) -> list[tuple[int, str]]:
    return [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"]


def figures(nb) -> list[Figure]:
    out, in_numbers = [], False
    for i, src in markdown_cells(nb):
        masked = _SKIP.sub(lambda m: " " * len(m.group(0)), src)
        masked = re.sub(r"<!--.*?-->", lambda m: " " * len(m.group(0)), masked)
        # "What the numbers say" runs from its heading to the next level-2 heading
        spans, start = [], (0 if in_numbers else None)
        for h in re.finditer(r"^## .*$", masked, re.M):
            if start is not None:
                spans.append((start, h.start()))
                start = None
            if "What the numbers say" in h.group(0):
                start = h.end()
        if start is not None:
            spans.append((start, len(masked)))
        in_numbers = start is not None
        for m in FIGURE.finditer(masked):
            numbers = any(a <= m.start() < b for a, b in spans)
            token = m.group(0)
            value, digits, unit = parse_token(token)
            mk = MARKER.match(src, m.end())
            out.append(Figure(i, token, value, digits, unit, mk.group(1) if mk else None,
                              (mk.group(2) or "") if mk else None, m.start(), m.end(), numbers))
    return out


def checked_lines(nb) -> list[str]:
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source
                     for o in c.get("outputs", []))
    return [ln for ln in text.splitlines() if ln.strip()]


def _num(s: str) -> float:
    return float(s.replace("−", "-").replace(",", ""))


def out_value(lines: list[str], label: str) -> float:
    """The first number after ``label`` on the one line holding it (``label#k``: the k-th number)."""
    label, _, k = label.partition("#")
    k = int(k) if k.isdigit() else 1
    hits = [ln for ln in lines if label in ln]
    if len(hits) != 1:
        raise LookupError(f"{len(hits)} checked-output lines contain {label!r}")
    rest = hits[0][hits[0].index(label) + len(label):]
    nums = OUT_NUMBER.findall(rest)
    if len(nums) < k:
        raise LookupError(f"no number {k} after {label!r} in {hits[0]!r}")
    return _num(nums[k - 1])


@lru_cache(maxsize=1)
def _facts() -> dict[str, tuple[float, str]]:
    """Fact id (``id.low``/``id.high`` for a range) -> (value, unit), read once through the suite's own
    validated loaders."""
    from fundlib.data import load_comparators
    from fundlib.sources import facts

    out = {}
    for df in (facts(), load_comparators()):
        for r in df.itertuples(index=False):
            for col in ("value", "low", "high"):
                v = getattr(r, col, float("nan"))
                if v == v:
                    out[r.id if col == "value" else f"{r.id}.{col}"] = (float(v), r.unit or "")
    return out


def candidates(f: Figure, lines: list[str], register: dict) -> list[float]:
    """The numbers ``f``'s marker points at, in the units the prose may quote them in."""
    if f.kind == "out":
        return [out_value(lines, f.ref)]
    if f.kind == "reg":
        rid, _, part = f.ref.partition(".")
        if rid not in register:
            raise LookupError(f"no register row {rid!r}")
        a = register[rid]
        v = {"": a.value, "low": a.low, "high": a.high}[part]
        return _scaled(v, a.unit, f.unit)
    if f.kind == "fact":
        facts = _facts()
        if f.ref not in facts:
            raise LookupError(f"no row {f.ref!r} in data/facts.csv or data/comparators.csv")
        v, unit = facts[f.ref]
        return _scaled(v, unit, f.unit)
    return []


def _scaled(v: float, unit: str, prose_unit: str) -> list[float]:
    u = unit.lower()
    if u in ("decimal",) or u.startswith("decimal"):
        return [v * 100] if prose_unit in ("pct", "points") else [v * 1e4] if prose_unit == "bp" else [v]
    if prose_unit == "money_tn" and "bn" in u:
        return [v / 1000]
    if prose_unit == "money_bn" and "tn" in u:
        return [v * 1000]
    return [v]


def matches(f: Figure, c: float) -> bool:
    return abs(abs(f.value) - abs(c)) <= 0.5 * 10 ** -f.digits + 1e-9


HEDGE = re.compile(r"(?:about|around|roughly|nearly|almost|some|over|under|more than|less than|above|below|at least|"
                   r"at most|up to|close to|~|≈)\W*(?:\*\*)?\W*$", re.I)


def hedged(src: str, f: Figure) -> bool:
    """A whole number quoted for a source that is not whole ("5%" for 5.3%) says it is rounded."""
    before = re.sub(r"<!--.*?-->", "", src[max(0, f.start - 60):f.start])
    return bool(HEDGE.search(before))


def problems(path: Path, register: dict) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return check(nb, register, path.name)


def check(nb, register: dict, name: str = "notebook") -> list[str]:
    lines = checked_lines(nb)
    bad = []
    for f in figures(nb):
        where = f"{name} cell {f.cell}: {f.token!r}"
        if f.kind is None:
            bad.append(f"{where} has no marker (out/reg/fact/given)")
            continue
        if f.kind == "given":
            if f.in_numbers_section:
                bad.append(f"{where} is marked given in 'What the numbers say', where every figure is derived")
            continue
        try:
            cs = candidates(f, lines, register)
        except LookupError as e:
            bad.append(f"{where} -> {f.kind}:{f.ref}: {e}")
            continue
        hit = [c for c in cs if matches(f, c)]
        if not hit:
            bad.append(f"{where} -> {f.kind}:{f.ref} holds {cs}")
        elif f.digits == 0 and all(abs(abs(c) - round(abs(c))) > 0.05 for c in hit) and not hedged(nb.cells[f.cell].source, f):
            bad.append(f"{where} -> {f.kind}:{f.ref} holds {hit}: a rounded figure says so ('about')")
    return bad
