"""Derive ``data/jgb_issues.csv`` (one row per JGB issue) from the MoF's auction-results workbook.

Usage (from the project folder, with the test extra installed, which brings ``xlrd``)::

    .venv/bin/python scripts/derive_jgb_issues.py [path/to/jgb_historical_data.xls] [out.csv]

Defaults: ``../shared/data/raw/jgb_mof_auctions/jgb_historical_data.xls`` and ``data/jgb_issues.csv``.
The workbook is the MoF's "Historical data of auction results" (国債の入札結果の推移),
https://www.mof.go.jp/jgbs/reference/appendix/jgb_historical_data.xls: one sheet per instrument,
one row per auction; reopenings repeat the issue number. Amounts are in 100 million yen (億円).

An auction's issued amount = competitive bids accepted + non-competitive + non-price-competitive
I and II. An issue's amount is the sum over its auctions; ``tranches`` lists each issue date's
amount (``YYYY-MM-DD:¥tn``, space-separated) so that the stock on a date counts only what was
issued by then. Not in the workbook (so not here):
liquidity-enhancement auctions, buy-backs, BoJ roll-overs, retail JGBs, T-bills after 2009-01,
and (before 2006) the syndicate-underwritten part of 10-year issues. Only the run-time CSV is
committed; ``fundlib`` never reads the workbook.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_XLS = ROOT.parent / "shared" / "data" / "raw" / "jgb_mof_auctions" / "jgb_historical_data.xls"
DEFAULT_OUT = ROOT / "data" / "jgb_issues.csv"

# sheet name (as the MoF names it, stripped) -> (instrument code, kind)
SHEETS = {
    "40年債": ("40y", "fixed"),
    "30年債": ("30y", "fixed"),
    "20年債": ("20y", "fixed"),
    "15変動": ("15y_floating", "floating"),
    "10年債": ("10y", "fixed"),
    "GX10年債": ("gx_10y", "fixed"),
    "10年物価連動": ("10y_inflation_indexed", "inflation_indexed"),
    "5年債": ("5y", "fixed"),
    "GX5年債": ("gx_5y", "fixed"),
    "2年債": ("2y", "fixed"),
    "6年債": ("6y", "fixed"),
    "4年債": ("4y", "fixed"),
    "割3年": ("3y_discount", "discount"),
    "TB": ("tbill", "discount"),
}

COLUMNS = ["instrument", "issue_number", "kind", "first_issue_date", "last_issue_date", "maturity_date",
           "coupon_pct", "spread_pct", "amount_jpy_tn", "auctions", "tranches"]

_BLANK = {"", "―", "－", "-", "\u3000"}


def _header_key(text: str) -> str | None:
    """The workbook's English header (row 4) -> the field it holds, or None for columns not used."""
    t = " ".join(str(text).split())
    if t == "Issue Number":
        return "issue_number"
    if t == "Maturity":
        return "term"
    if t in ("Auction Date", "Issue Date", "Maturity Date", "Nominal Coupon"):
        return t.lower().replace(" ", "_")
    if t.startswith("Spread"):
        return "spread"
    if t.startswith("Amounts of Bids Accepted at the Non-price"):
        return "npc2" if "Ⅱ" in t else "npc1"
    if t.startswith("Amounts of Bids Accepted"):
        return "accepted"
    if t.startswith("Amounts of Non-competitive"):
        return "noncompetitive"
    return None


def _amount(value, where: str) -> float:
    """An amount cell in 億円; blank/dash = 0. The 3-year discount sheet writes 'price/amount' in its
    non-competitive column (e.g. '99.92/113.54'): the amount is the part after the slash."""
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text in _BLANK:
        return 0.0
    m = re.fullmatch(r"[\d.]+\s*/\s*([\d.]+)", text)
    if m:
        return float(m[1])
    raise ValueError(f"{where}: amount {text!r} is not a number")


def read_auctions(xls: str | Path) -> pd.DataFrame:
    """One row per auction: instrument, kind, issue_number, term, auction/issue/maturity dates,
    coupon_pct, spread_pct, amount_100m_yen (issued = accepted + non-competitive + NPC I + NPC II)."""
    import xlrd  # a test/dev dependency only: fundlib never reads the workbook

    book = xlrd.open_workbook(str(xls))
    rows = []
    seen = set()
    for sheet in book.sheets():
        name = sheet.name.strip()
        if name not in SHEETS:
            raise ValueError(f"{Path(xls).name}: unexpected sheet {sheet.name!r}; expected {sorted(SHEETS)}")
        instrument, kind = SHEETS[name]
        seen.add(name)
        fields = {}
        for c in range(sheet.ncols):
            key = _header_key(sheet.cell_value(3, c))
            if key and key not in fields:
                fields[key] = c
        need = {"issue_number", "issue_date", "maturity_date", "accepted"}
        if not need <= set(fields):
            raise ValueError(f"{name}: header row lacks {sorted(need - set(fields))}")
        for r in range(5, sheet.nrows):
            row = sheet.row_values(r)
            issue_date, maturity = row[fields["issue_date"]], row[fields["maturity_date"]]
            if not isinstance(issue_date, float) or not isinstance(maturity, float):
                if str(row[fields["issue_number"]]).strip().startswith("*") or all(str(v).strip() in _BLANK for v in row):
                    continue  # footnotes and blank rows
                raise ValueError(f"{name}, row {r + 1}: issue/maturity date {issue_date!r}/{maturity!r} is not an Excel date")
            where = f"{name}, row {r + 1}"
            term = str(row[fields["term"]]).strip() if "term" in fields else ""
            term = re.sub(r".*（(.*)）.*", r"\1", term)
            amount = sum(_amount(row[fields[k]], where) for k in ("accepted", "noncompetitive", "npc1", "npc2") if k in fields)
            coupon = row[fields["nominal_coupon"]] if "nominal_coupon" in fields else (0.0 if kind == "discount" else None)
            spread = row[fields["spread"]] if "spread" in fields else None
            rows.append({
                "instrument": instrument, "kind": kind, "issue_number": int(float(row[fields["issue_number"]])),
                "term": term,
                "auction_date": xlrd.xldate_as_datetime(row[fields["auction_date"]], book.datemode) if "auction_date" in fields else None,
                "issue_date": xlrd.xldate_as_datetime(issue_date, book.datemode),
                "maturity_date": xlrd.xldate_as_datetime(maturity, book.datemode),
                "coupon_pct": None if coupon is None else float(coupon),
                "spread_pct": None if spread is None or str(spread).strip() in _BLANK else float(spread),
                "amount_100m_yen": amount,
            })
    missing = set(SHEETS) - seen
    if missing:
        raise ValueError(f"{Path(xls).name}: sheets {sorted(missing)} are missing")
    return pd.DataFrame(rows)


def _fmt_tn(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


def issues_from_auctions(auctions: pd.DataFrame) -> pd.DataFrame:
    """One row per issue (reopenings summed), in the layout of ``data/jgb_issues.csv``; fails if
    two auctions of one issue number disagree on its maturity or coupon."""
    key = ["instrument", "issue_number"]
    g = auctions.groupby(key, sort=False)
    out = g.agg(kind=("kind", "first"), first_issue_date=("issue_date", "min"), last_issue_date=("issue_date", "max"),
                maturity_date=("maturity_date", "first"), coupon_pct=("coupon_pct", "first"),
                spread_pct=("spread_pct", "first"), amount=("amount_100m_yen", "sum"), auctions=("issue_date", "size"),
                n_maturities=("maturity_date", "nunique"), n_coupons=("coupon_pct", "nunique")).reset_index()
    bad = out[(out["n_maturities"] > 1) | (out["n_coupons"] > 1)]
    if len(bad):
        raise ValueError(f"reopenings disagree on maturity or coupon: {bad[key].to_dict('records')[:5]}")
    out["amount_jpy_tn"] = (out.pop("amount") / 10_000.0).round(6)  # 億円 → ¥tn (億円 have 2 decimals)
    # Each issue date's amount, so the stock on a date counts only the reopenings issued by then.
    by_date = auctions.groupby(key + ["issue_date"], sort=True)["amount_100m_yen"].sum().reset_index()
    by_date["t"] = by_date["issue_date"].dt.strftime("%Y-%m-%d") + ":" + (by_date["amount_100m_yen"] / 10_000.0).map(_fmt_tn)
    tranches = by_date.groupby(key, sort=False)["t"].agg(" ".join)
    out["tranches"] = [tranches[(i, n)] for i, n in zip(out["instrument"], out["issue_number"])]
    for c in ("first_issue_date", "last_issue_date", "maturity_date"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    order = list(SHEETS.values())
    out["_o"] = out["instrument"].map({code: i for i, (code, _) in enumerate(order)})
    out = out.sort_values(["_o", "first_issue_date", "issue_number"]).reset_index(drop=True)
    return out[COLUMNS]


def main(argv: list[str]) -> int:
    xls = Path(argv[1]) if len(argv) > 1 else DEFAULT_XLS
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    issues = issues_from_auctions(read_auctions(xls))
    issues["coupon_pct"] = issues["coupon_pct"].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    issues["spread_pct"] = issues["spread_pct"].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    issues["amount_jpy_tn"] = issues["amount_jpy_tn"].map(_fmt_tn)
    issues.to_csv(out, index=False, lineterminator="\n")
    print(f"{out}: {len(issues)} issues from {xls.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
