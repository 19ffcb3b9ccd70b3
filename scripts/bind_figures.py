"""Propose the marker for each unbound figure in a notebook's prose (see tests/figures.py).

    python scripts/bind_figures.py notebooks/02_leverage_math.ipynb          # list proposals
    python scripts/bind_figures.py notebooks/02_leverage_math.ipynb --write  # insert the unambiguous ones

A register row whose value equals the figure exactly (an input the prose quotes) wins; otherwise a
checked-output line that prints the figure at its precision, labelled by the shortest text before the
number that names one line. Ambiguous and unmatched figures are listed for a person to bind.
"""

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from figures import OUT_NUMBER, WORDS, Figure, _num, _scaled, checked_lines, figures, matches, out_value  # noqa: E402

from fundlib import assumptions as A  # noqa: E402

_COMPAT = {"years": ("year",), "months": ("month",), "bp": ("bp", "decimal"), "money_bn": ("usd_bn",),
           "money_tn": ("jpy_tn", "usd_bn"), "pct": ("decimal", "percent"), "points": ("decimal",), "x": ("x",)}


def reg_candidates(f: Figure) -> list[str]:
    out = []
    for rid, a in A.register().items():
        if not any(u in a.unit for u in _COMPAT.get(f.unit, ("",))):
            continue
        if any(abs(abs(f.value) - c) < 1e-9 for c in _scaled(a.value, a.unit, f.unit)):
            out.append(rid)
    return out


def out_candidates(f: Figure, lines: list[str]) -> list[str]:
    """Labels naming one checked-output line whose next number is ``f``: the line's text before the
    number if that is unique and short, else the shortest word-aligned tail of it that is unique."""
    labels = []
    for ln in lines:
        for m in OUT_NUMBER.finditer(ln):
            if not matches(f, _num(m.group(0))):
                continue
            before = ln[:m.start()]
            tries = [before.lstrip()] if 0 < len(before.strip()) <= 60 else []
            tries += [before[i:] for i in range(len(before) - 1, -1, -1)
                      if (i == 0 or before[i - 1] == " ") and len(before[i:].strip()) >= 8]
            for label in tries:
                label = label.rstrip(" $¥")
                if not label.strip() or label != label.lstrip() or "-->" in label or "$" in label:
                    continue
                try:
                    if matches(f, out_value(lines, label)):
                        labels.append(label)
                        break
                except LookupError:
                    continue
    return list(dict.fromkeys(labels))


def main(path: str, write: bool) -> None:
    p = Path(path)
    nb = nbformat.read(p, as_version=4)
    lines = checked_lines(nb)
    inserts: dict[int, list[tuple[int, str]]] = {}
    for f in figures(nb):
        if f.kind is not None:
            continue
        regs, outs = reg_candidates(f), out_candidates(f, lines)
        pick = None
        if f.unit == "count" or f.token.split()[0].lower() in WORDS:
            pick = None
        elif len(regs) == 1:
            pick = f"reg:{regs[0]}"
        elif len(outs) == 1:
            pick = f"out:{outs[0]}"
        ctx = nb.cells[f.cell].source[max(0, f.start - 50):f.end + 20].replace("\n", " ")
        print(f"cell {f.cell:>2} {f.token!r:<16} -> {pick or '??'}   regs={regs[:4]} outs={[o[-30:] for o in outs[:3]]}  | {ctx}")
        if pick:
            inserts.setdefault(f.cell, []).append((f.end, f"<!--{pick}-->"))
    if write:
        for cell, items in inserts.items():
            src = nb.cells[cell].source
            for end, mk in sorted(items, reverse=True):
                src = src[:end] + mk + src[end:]
            nb.cells[cell].source = src
        nbformat.write(nb, p)


if __name__ == "__main__":
    main(sys.argv[1], "--write" in sys.argv)
