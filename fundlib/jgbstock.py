"""The JGB stock by remaining maturity on a month-end, and how much of it yielded below zero: an ESTIMATE
from the MoF's auction results (``data/jgb_issues.csv``), each issue priced off a ``Market``. Notebook 03.

What is counted: every issue the MoF auctioned (2-, 5-, 10-, 20-, 30-, 40-year and GX bonds, the
15-year floaters, the inflation-indexed 10-year bonds, T-bills to 2009-01), alive from its first issue
date until (not on) its maturity date, at the amount issued by then (a reopening counts from its own
issue date). What is not: liquidity-enhancement auctions (they add to existing issues), buy-backs,
Bank of Japan roll-overs, retail JGBs, T-bills after 2009 (so the short end is understated) and,
before 2006, the syndicate-underwritten part of 10-year issues. Amounts are issued amounts, not net
of buy-backs or of the Bank of Japan's holdings.

Pricing: a fixed-coupon or discount issue's cash flows (semi-annual coupons on the maturity date's day,
100 at maturity; an irregular first coupon is taken as a regular one) are discounted on the month's JGB zero curve (:meth:`Market.discount`). Its yield is
the simple yield the Japanese market quotes, (coupon + (100 − clean price) / years) / clean price, which
is below zero exactly when the price exceeds the undiscounted sum of the remaining cash flows. The
15-year floaters and the inflation-indexed bonds are counted in the stock but not priced (a nominal
curve prices neither): they are reported as ``not_priced_jpy_tn``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from fundlib._validate import InputError
from fundlib.data import data_dir, load_jgb_issues
from fundlib.market import Market

__all__ = ["issues", "outstanding", "priced_issues", "stock_by_maturity", "negative_stock",
           "negative_stock_history", "MATURITY_BUCKETS", "FIRST_MONTH", "CLAIMS"]

FIRST_MONTH = "2000-01"        # the first month the rates table (and so a Market) covers
DAYS_PER_YEAR = 365.25
MATURITY_BUCKETS = (0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 41)   # remaining years, left-closed
#: Published figures the estimate is set against (¥tn, month).
CLAIMS = {
    "press claim: ¥250tn of negative-yielding JGBs": (250.0, None),
    "Bloomberg, 2016-03-07: over ¥600tn, nearly three-quarters of the market": (600.0, "2016-03"),
}
_PRICED_KINDS = ("fixed", "discount")
_COLUMNS = ["instrument", "issue_number", "kind", "coupon", "first_issue_date", "maturity_date",
            "remaining_years", "amount_jpy_tn"]


@dataclass(frozen=True)
class _Book:
    """The issues as arrays (days since 1970-01-01), with every coupon date of each priced issue."""

    table: pd.DataFrame
    first: np.ndarray          # first issue day
    maturity: np.ndarray       # maturity day
    tr_issue: np.ndarray       # each issue date's tranche: issue index, day, amount (¥tn)
    tr_day: np.ndarray
    tr_amount: np.ndarray
    coupon: np.ndarray         # decimal a year; 0 for discount issues; NaN where not priced
    priced: np.ndarray         # bool
    sched_issue: np.ndarray    # issue index of each schedule date, grouped by issue, dates ascending
    sched_day: np.ndarray
    sched_start: np.ndarray    # index of each issue's first schedule date
    last_day: int              # month-end of the last auction in the data


def _days(s) -> np.ndarray:
    return np.asarray(pd.to_datetime(s).to_numpy().astype("datetime64[D]").astype(np.int64))


@lru_cache(maxsize=4)
def _book(_data: str) -> _Book:
    t = load_jgb_issues()
    first, maturity = _days(t["first_issue_date"]), _days(t["maturity_date"])
    priced = t["kind"].isin(_PRICED_KINDS).to_numpy()
    coupon = np.where(priced, t["coupon"].to_numpy(float), np.nan)
    # Coupon dates: the maturity date stepped back 6 months at a time (day clamped to the month's
    # length) until one falls on or before the first issue date; a discount issue has only its maturity
    # (and its issue date as the start of its one period).
    mat = t["maturity_date"].to_numpy().astype("datetime64[D]")
    mat_month = mat.astype("datetime64[M]")
    dom = (mat - mat_month.astype("datetime64[D]")).astype(np.int64)
    span = (mat_month - t["first_issue_date"].to_numpy().astype("datetime64[M]")).astype(np.int64)
    discount = t["kind"].to_numpy() == "discount"
    periods = np.where(priced, np.where(discount, 1, span // 6 + 1), 0)
    idx = np.repeat(np.arange(len(t)), periods + 1)
    start = np.concatenate([[0], np.cumsum(periods + 1)[:-1]])
    k = np.arange(idx.size) - start[idx]
    months = mat_month[idx] - (6 * (periods[idx] - k)).astype("timedelta64[M]")
    month_len = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(np.int64)
    day = months.astype("datetime64[D]").astype(np.int64) + np.minimum(dom[idx], month_len - 1)
    day = np.where(discount[idx] & (k == 0), first[idx], day)   # a discount issue: issue date, maturity
    last = pd.Period(t["last_issue_date"].max(), freq="M").end_time.normalize()
    sizes = t["tranches"].map(len).to_numpy()
    flat = [x for ts in t["tranches"] for x in ts]
    tr_day = _days(pd.Series([d for d, _ in flat]))
    return _Book(t, first, maturity, np.repeat(np.arange(len(t)), sizes), tr_day, np.array([a for _, a in flat], float),
                 coupon, priced, idx, day, start, int(_days(pd.Series([last]))[0]))


def _current_book() -> _Book:
    return _book(str(data_dir()))


def issues() -> pd.DataFrame:
    """Every issue in ``data/jgb_issues.csv`` (coupon as a decimal; amounts in ¥tn over all reopenings)."""
    return _current_book().table.copy()


# ------------------------------------------------------------------ input checks


def _month(name: str, month) -> pd.Period:
    book = _current_book()
    last = pd.Period(pd.Timestamp(book.last_day, unit="D"), freq="M")
    valid = f"a month written YYYY-MM in {FIRST_MONTH}..{last}"
    if isinstance(month, pd.Period):
        month = str(month.asfreq("M"))
    if not (isinstance(month, str) and re.fullmatch(r"\d{4}-\d{2}", month)):
        raise InputError(name, month, valid)
    try:
        p = pd.Period(month, freq="M")
    except ValueError:
        raise InputError(name, month, valid) from None
    if not pd.Period(FIRST_MONTH, freq="M") <= p <= last:
        raise InputError(name, month, valid)
    return p


def _date(date) -> int:
    """A date (YYYY-MM-DD, a Timestamp or datetime.date, or YYYY-MM for that month's last day) as days
    since 1970; InputError naming ``date`` for anything else or a day outside the data."""
    book = _current_book()
    lo, hi = int(book.first.min()), book.last_day
    show = lambda d: str(pd.Timestamp(d, unit="D").date())  # noqa: E731
    valid = f"a date (YYYY-MM-DD, or YYYY-MM for its month-end) in {show(lo)}..{show(hi)}"
    ts = None
    if isinstance(date, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", date):
        ts = pd.Period(date, freq="M").end_time.normalize()
    elif isinstance(date, (pd.Timestamp, np.datetime64, datetime.date)) or (isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)):
        try:
            ts = pd.Timestamp(date)
            ts = None if pd.isna(ts) else ts.normalize()
        except (ValueError, OverflowError):
            ts = None
    if ts is None or pd.isna(ts):
        raise InputError("date", date, valid)
    day = int((ts - pd.Timestamp("1970-01-01")).days)
    if not lo <= day <= hi:
        raise InputError("date", date, valid)
    return day


def _market(month: pd.Period, market) -> Market:
    if market is None:
        return Market.at(str(month))
    if not isinstance(market, Market):
        raise InputError("market", market, "a fundlib.market.Market (or None for Market.at(month))")
    return market


# ------------------------------------------------------------------ the estimate


def _alive(book: _Book, day: int) -> np.ndarray:
    return (book.first <= day) & (day < book.maturity)


def _issued(book: _Book, day: int) -> np.ndarray:
    """Each issue's amount issued on or before ``day`` (¥tn): later reopenings are not yet counted."""
    done = book.tr_day <= day
    return np.bincount(book.tr_issue[done], weights=book.tr_amount[done], minlength=book.first.size)


def _price(book: _Book, day: int, market: Market) -> tuple[np.ndarray, np.ndarray]:
    """Dirty price (per 100 face) and simple yield of every issue at ``day`` (NaN where not alive or
    not priced). Accrued interest and the years in the yield run by coupon-period fractions, so the
    yield is below zero exactly when the dirty price exceeds the undiscounted remaining cash flows."""
    n = book.first.size
    live = _alive(book, day) & book.priced
    sel = live[book.sched_issue]
    si, sd = book.sched_issue[sel], book.sched_day[sel]
    future = sd > day
    cash = np.where(sd == book.maturity[si], 100.0, 0.0) + 50.0 * book.coupon[si]   # per 100 face
    t = (sd[future] - day) / DAYS_PER_YEAR
    df = np.asarray(market.discount("JPY", t), float) if t.size else np.empty(0)
    pv = np.bincount(si[future], weights=cash[future] * df, minlength=n)
    k_future = np.bincount(si[future], minlength=n)
    k_past = np.bincount(si[~future], minlength=n)
    nxt = book.sched_day[np.minimum(book.sched_start + k_past, book.sched_day.size - 1)]
    prv = book.sched_day[np.maximum(book.sched_start + k_past - 1, 0)]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = (nxt - day) / np.maximum(nxt - prv, 1)     # share of the current coupon period still to run
        coupon = np.nan_to_num(book.coupon)
        accrued = 50.0 * coupon * (1.0 - frac)
        clean = pv - accrued
        years = np.where(coupon > 0, (k_future - 1 + frac) / 2.0, (book.maturity - day) / DAYS_PER_YEAR)
        simple = (100.0 * coupon + (100.0 - clean) / years) / clean
    return np.where(live, pv, np.nan), np.where(live, simple, np.nan)


def _table(book: _Book, day: int, alive: np.ndarray) -> pd.DataFrame:
    out = book.table.loc[alive].copy()
    out["remaining_years"] = (book.maturity[alive] - day) / DAYS_PER_YEAR
    out["amount_jpy_tn"] = _issued(book, day)[alive]
    return out[_COLUMNS]


def outstanding(date) -> pd.DataFrame:
    """The issues alive on ``date`` (first issued on or before it, maturing after it), shortest first.

    ``date``: YYYY-MM-DD, a Timestamp or datetime.date, or YYYY-MM for that month's last day. Columns: instrument,
    issue_number, kind, coupon (decimal), first_issue_date, maturity_date, remaining_years,
    amount_jpy_tn (issued on or before ``date``, over the reopenings so far; ¥tn). Their sum is the
    estimated stock.
    """
    book = _current_book()
    day = _date(date)
    alive = _alive(book, day)
    return _table(book, day, alive).sort_values(["remaining_years", "instrument"]).reset_index(drop=True)


def priced_issues(month, market: Market | None = None) -> pd.DataFrame:
    """:func:`outstanding` at month-end ``month`` (YYYY-MM) with each issue priced off the curve.

    Adds ``price`` (dirty, per 100 face), ``yield_`` (simple yield, decimal) and ``negative`` (the
    yield is below zero); NaN/False for the floaters and inflation-indexed bonds (``priced`` False).
    ``market`` defaults to ``Market.at(month)``.
    """
    p = _month("month", month)
    mkt = _market(p, market)
    book = _current_book()
    day = _date(str(p))
    pv, simple = _price(book, day, mkt)
    alive = _alive(book, day)
    out = _table(book, day, alive)
    out["priced"] = book.priced[alive]
    out["price"], out["yield_"] = pv[alive], simple[alive]
    out["negative"] = out["yield_"] < 0
    return out.sort_values(["remaining_years", "instrument"]).reset_index(drop=True)


def _summary(book: _Book, day: int, market: Market) -> dict:
    alive = _alive(book, day)
    _, simple = _price(book, day, market)
    neg = alive & (simple < 0)
    remaining = (book.maturity - day) / DAYS_PER_YEAR
    amount = _issued(book, day)
    total = float(amount[alive].sum())
    negative = float(amount[neg].sum())
    return {
        "total_jpy_tn": total,
        "priced_jpy_tn": float(amount[alive & book.priced].sum()),
        "not_priced_jpy_tn": float(amount[alive & ~book.priced].sum()),
        "negative_jpy_tn": negative,
        "share_negative": negative / total if total > 0 else 0.0,
        "longest_negative_years": float(remaining[neg].max()) if neg.any() else 0.0,
        "issues": int(alive.sum()),
        "negative_issues": int(neg.sum()),
    }


def negative_stock(month, market: Market | None = None) -> pd.Series:
    """The estimate at month-end ``month`` (YYYY-MM): ``total_jpy_tn`` (all live issues),
    ``priced_jpy_tn``, ``not_priced_jpy_tn`` (floaters, inflation-indexed), ``negative_jpy_tn`` (priced
    issues with a yield below zero), ``share_negative`` (of the total), ``longest_negative_years`` (the
    longest remaining maturity that yielded below zero; 0 if none), ``issues``, ``negative_issues``.
    """
    p = _month("month", month)
    mkt = _market(p, market)
    return pd.Series(_summary(_current_book(), _date(str(p)), mkt), name=str(p))


def stock_by_maturity(month, market: Market | None = None) -> pd.DataFrame:
    """The estimated stock at month-end ``month`` by remaining maturity (``MATURITY_BUCKETS``, years):
    total_jpy_tn, negative_jpy_tn, not_priced_jpy_tn and the bucket's highest yield among priced issues."""
    df = priced_issues(month, market)
    edges = list(MATURITY_BUCKETS)
    labels = [f"{a}–{b}y" if b != edges[-1] else f"{a}y+" for a, b in zip(edges[:-1], edges[1:])]
    df["bucket"] = pd.cut(df["remaining_years"], edges, right=False, labels=labels)
    df["negative_jpy_tn"] = df["amount_jpy_tn"].where(df["negative"], 0.0)
    df["not_priced_jpy_tn"] = df["amount_jpy_tn"].where(~df["priced"], 0.0)
    g = df.rename(columns={"amount_jpy_tn": "total_jpy_tn", "yield_": "highest_yield"}).groupby("bucket", observed=False)
    out = g.agg({"total_jpy_tn": "sum", "negative_jpy_tn": "sum", "not_priced_jpy_tn": "sum", "highest_yield": "max"})
    return out.rename_axis("remaining_maturity")


def negative_stock_history(start: str = "2014-01", end: str = "2024-12") -> pd.DataFrame:
    """:func:`negative_stock` for every month-end from ``start`` to ``end`` (YYYY-MM), indexed by month
    (``Period``), each month priced off its own ``Market.at(month)``."""
    s, e = _month("start", start), _month("end", end)
    if e < s:
        raise InputError("end", end, f"a month on or after start = {start!r}")
    book = _current_book()
    months = pd.period_range(s, e, freq="M")
    rows = [_summary(book, _date(str(m)), Market.at(str(m))) for m in months]
    return pd.DataFrame(rows, index=pd.PeriodIndex(months, name="month"))
