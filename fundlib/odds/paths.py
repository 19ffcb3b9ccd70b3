"""Market paths shaped by history: monthly changes of SOFR, TONA, the 1- and 30-year yields and USD/JPY
since 2000, resampled in blocks and added to one market snapshot. Used by notebook 07 (The odds)
through :mod:`fundlib.odds`; :mod:`fundlib.odds.vintages` reads the same spliced history.

**The history.** Month-end values from ``data/rates_monthly.csv`` (read through
:func:`fundlib.curves.history`), 2000-01 to the last month every series covers (2025-10 in this copy):
309 monthly change vectors of seven series (:data:`SERIES`): SOFR, TONA, the 1-year and 30-year
Treasury and JGB yields (changes in level, decimals) and USD/JPY (change in log). SOFR starts 2018-04
and TONA 2021-08; before that their changes are those of a stand-in (:data:`STAND_INS`, the same the
market snapshot uses): the 3-month Treasury bill for SOFR, the 1-year JGB yield for TONA. The data hold
no effective fed funds or call-rate series, so these are the closest short rates there are.

**Blocks.** A path is built from blocks of ``block_months`` consecutive months of history (all
seven series together, so co-movement, fat tails and persistence come from the data), each block
starting at a month drawn uniformly; a block that runs past 2025-10 continues from 2000-02 (the
circular block bootstrap of Politis and Romano, which gives every month of history the same weight,
so centred changes add no drift). The default, 24 months, covers the persistence of short-rate
changes: the 3-month bill/SOFR series has autocorrelations of 0.12–0.33 at lags 1 to 10 (10 of the
first 24 lags lie outside the ±1.96/√309 = ±0.11 band), its twelve-month sums vary 3.3 times as much
as independent months would give, and its Politis–White automatic block length is 21 months (the
1-year Treasury: 23 months, 12 significant lags); the long yields and USD/JPY need 1–3 months.
:func:`persistence` computes all of this. ``method="gaussian"`` instead draws independent months
from a normal with the history's covariance (no fat tails, no persistence), for comparison.

**Levels.** Paths start from the snapshot (:class:`fundlib.market.Market`, default
``Market.current()``) and add the changes: rates may go negative (no floor), USD/JPY moves in log.
By default the changes are centred (``demean=True``): each series' average monthly change over the
sample is taken out, so paths carry history's volatility and co-movement but not its 2000–2025 trend
(the fall in dollar rates, the yen's fall from 107 to 154 per dollar). ``demean=False`` keeps it. Annual values for years
t = 0..years: SOFR and TONA as the **average of the twelve month-ends** of year t (the rate that
floating debt pays over that year), every other series at the **year's last month-end**; year 0 is the
snapshot.

**Reproducible and chunk-invariant.** Scenario i's draws come from a counter-based Philox generator
keyed by the seed, advanced to scenario i, on a stream apart from the one the project draws use
(:func:`fundlib.scenarios.draw_normals`): a run split into chunks gives the same paths bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import ndtri

from fundlib import assumptions as A
from fundlib._validate import InputError, check_choice, check_int
from fundlib.market import STAND_INS as _MARKET_STAND_INS
from fundlib.market import Market

__all__ = ["SERIES", "AVERAGED", "STAND_INS", "DEFAULT_BLOCK_MONTHS", "METHODS", "MarketPaths", "history_changes",
           "history_levels", "stand_in_table", "persistence", "check_block_months", "resample_rows", "monthly_changes", "simulate",
           "start_levels"]

SERIES = ("sofr", "tona", "ust_1y", "jgb_1y", "ust_30y", "jgb_30y", "usdjpy")
LABELS = {"sofr": "SOFR", "tona": "TONA", "ust_1y": "UST 1Y", "jgb_1y": "JGB 1Y", "ust_30y": "UST 30Y",
          "jgb_30y": "JGB 30Y", "usdjpy": "USD/JPY (log)"}
AVERAGED = ("sofr", "tona")          # year-average values; the rest year-end
HISTORY_START = "2000-01"
DEFAULT_BLOCK_MONTHS = int(A.value("odds_block_months"))   # the register's default (24 months, measured)
METHODS = ("bootstrap", "gaussian")
_STARTS = {"sofr": "2018-04", "tona": "2021-08"}
STAND_INS = pd.DataFrame(
    [{"series": s, "stand_in": col, "series_starts": _STARTS[s], "description": text}
     for s, (col, text) in _MARKET_STAND_INS.items()]).set_index("series")
_PATH_STREAM = 1 << 192             # Philox counter offset: the market stream, apart from the projects' normals
_K = len(SERIES)
_AVG = [SERIES.index(s) for s in AVERAGED]
_FX = SERIES.index("usdjpy")


def _column(name: str) -> pd.Series:
    from fundlib.curves import history

    return history(name)


@lru_cache(maxsize=4)
def _panel(_data: str) -> pd.DataFrame:
    """Month-end levels 2000-01 .. the last month every series covers, stand-ins spliced in where a
    series has not started (levels), with a flag column per stand-in."""
    cols = {c: _column(c) for c in ("sofr", "tona", "ust_1y", "jgb_1y", "ust_30y", "jgb_30y", "usdjpy")}
    for s in STAND_INS.index:
        cols["_" + s] = _column(STAND_INS.loc[s, "stand_in"])
    df = pd.DataFrame(cols)
    df = df[df.index >= pd.Period(HISTORY_START, freq="M")]
    last = min(df[c].last_valid_index() for c in df.columns if c not in STAND_INS.index)
    df = df[df.index <= last]
    df.index.name = "month"
    return df


def _data_key() -> str:
    from fundlib.data import data_dir

    return str(data_dir())


def history_levels() -> pd.DataFrame:
    """Month-end levels of :data:`SERIES` (decimals; USD/JPY in yen per dollar), 2000-01 to the last
    month all cover, SOFR and TONA replaced by their stand-in's level before they start; a boolean
    column ``<series>_stand_in`` marks those months."""
    p = _panel(_data_key())
    out = pd.DataFrame(index=p.index)
    for s in SERIES:
        if s in STAND_INS.index:
            out[s] = p[s].where(p[s].notna(), p["_" + s])
            out[s + "_stand_in"] = p[s].isna()
        else:
            out[s] = p[s]
    return out


@lru_cache(maxsize=8)
def _changes(_data: str, demean: bool) -> pd.DataFrame:
    p = _panel(_data)
    out = {}
    for s in SERIES:
        x = np.log(p[s]) if s == "usdjpy" else p[s]
        d = x.diff()
        if s in STAND_INS.index:       # the series' own change where it has two months, the stand-in's before
            d = d.where(d.notna(), p["_" + s].diff())
        out[s] = d
    df = pd.DataFrame(out).iloc[1:]
    if df.isna().any().any():
        raise InputError("data/rates_monthly.csv", "a gap in the monthly history", "every series (or its stand-in) each month")
    if demean:
        df = df - df.mean()
    return df


def history_changes(demean: bool = False) -> pd.DataFrame:
    """The monthly change vectors the bootstrap resamples, one row per month (2000-02 onward): rates
    as changes in level (decimals), ``usdjpy`` as the change in log. ``demean=True``: each column
    less its sample average."""
    _check_bool("demean", demean)
    return _changes(_data_key(), demean).copy()


def stand_in_table() -> pd.DataFrame:
    """:data:`STAND_INS` with, from the data, the months of the history where the stand-in's change is used."""
    lv = history_levels()
    out = STAND_INS.copy()
    # a month's change uses the series itself only when it has both that month and the one before
    out["stand_in_months"] = [int((lv[s + "_stand_in"] | lv[s + "_stand_in"].shift(1, fill_value=True)).iloc[1:].sum())
                              for s in out.index]
    out["history_months"] = len(lv) - 1
    return out


def _acf(x: np.ndarray, lags: int) -> np.ndarray:
    x = x - x.mean()
    v = float(x @ x)
    return np.array([float(x[k:] @ x[:-k]) / v for k in range(1, lags + 1)])


def _politis_white(x: np.ndarray) -> float:
    """Automatic block length for the circular / moving-block bootstrap (Politis and White 2004, with
    Patton, Politis and White's 2009 correction)."""
    n = x.size
    x = x - x.mean()
    kn = max(5, int(np.ceil(np.log10(n))))
    mmax = int(np.ceil(np.sqrt(n))) + kn
    bmax = int(np.ceil(min(3 * np.sqrt(n), n / 3)))
    g = np.array([float(x[k:] @ x[: n - k]) / n for k in range(mmax + 1)])
    rho = g[1:] / g[0]
    thr = 2.0 * np.sqrt(np.log10(n) / n)
    m = next((m for m in range(1, mmax - kn + 2) if np.all(np.abs(rho[m - 1:m - 1 + kn]) < thr)), None)
    if m is None:
        sig = np.flatnonzero(np.abs(rho) > thr)
        m = int(sig[-1] + 1) if sig.size else 1
    M = min(2 * m, mmax)
    k = np.arange(-M, M + 1)
    lam = np.clip(np.where(np.abs(k / M) <= 0.5, 1.0, 2.0 * (1.0 - np.abs(k / M))), 0.0, 1.0)
    acov = g[np.abs(k)]
    G = float(np.sum(lam * np.abs(k) * acov))
    D = 4.0 / 3.0 * float(np.sum(lam * acov)) ** 2
    return float(min((2.0 * G * G / D) ** (1.0 / 3.0) * n ** (1.0 / 3.0), bmax)) if D > 0 else 1.0


def persistence(max_lag: int = 24) -> pd.DataFrame:
    """How persistent each series' monthly changes are, the evidence for the block length: lag-1
    autocorrelation, the number of lags 1..``max_lag`` outside the ±1.96/√N band, the variance ratio of
    twelve-month sums (1 for independent months), and the Politis–White block length in months."""
    max_lag = _whole("max_lag", max_lag, 1, 60)
    d = history_changes(demean=True)
    band = 1.96 / np.sqrt(len(d))
    rows = []
    for s in SERIES:
        x = d[s].to_numpy()
        a = _acf(x, max(max_lag, 11))
        vr = 1.0 + 2.0 * float(np.sum((1.0 - np.arange(1, 12) / 12.0) * a[:11]))
        rows.append({"series": s, "label": LABELS[s], "lag1_autocorrelation": a[0],
                     "significant_lags": int(np.sum(np.abs(a[:max_lag]) > band)), "variance_ratio_12m": vr,
                     "politis_white_months": _politis_white(x)})
    return pd.DataFrame(rows).set_index("series")


# ----------------------------------------------------------------------------------------- draws


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, not {type(value).__name__}")
    return bool(value)


def _whole(name, value, low, high) -> int:
    """A whole number in [low, high]: TypeError for what is not a number, InputError outside the range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
    return check_int(name, value, low, high)


def check_block_months(block_months) -> int:
    """A block length in months: a whole number from 1 to the months of history."""
    return _whole("block_months", block_months, 1, len(_changes(_data_key(), False)))


def _uniforms(seed: int, start: int, n: int, per_scenario: int) -> np.ndarray:
    """Uniforms in [0, 1) for scenarios start..start+n-1, ``per_scenario`` each (rounded up to 4):
    Philox keyed by the seed on the market stream, advanced to scenario ``start``."""
    D = per_scenario + (-per_scenario) % 4
    bg = np.random.Philox(key=seed, counter=_PATH_STREAM)
    bg.advance(start * D // 4)
    return np.random.Generator(bg).random((n, D))[:, :per_scenario]


_UNSET = object()


def _validate(n, seed, start, block_months=_UNSET, months=_UNSET, years=_UNSET):
    out = [_whole("n", n, 1, 50_000_000), _whole("seed", seed, 0, 2**63 - 1), _whole("start", start, 0, 2**62)]
    if block_months is not _UNSET:
        out.append(check_block_months(block_months))
    if months is not _UNSET:
        out.append(_whole("months", months, 1, 1200))
    if years is not _UNSET:
        out.append(_whole("years", years, 1, 100))
    return out


def _block_starts(seed, start, n, months, block) -> np.ndarray:
    H = len(_changes(_data_key(), False))
    return np.floor(_uniforms(seed, start, n, -(-months // block)) * H).astype(np.int64)


def resample_rows(n: int, months: int, *, seed: int = 2025, start: int = 0,
                  block_months: int = DEFAULT_BLOCK_MONTHS) -> np.ndarray:
    """Which month of history (row of :func:`history_changes`) each simulated month copies, shape
    (n, months): blocks of ``block_months`` consecutive rows (the last row followed by the first),
    each block starting at a uniform draw."""
    n, seed, start, block, months = _validate(n, seed, start, block_months, months=months)
    st = _block_starts(seed, start, n, months, block)
    m = np.arange(months)
    return (st[:, m // block] + m % block) % len(_changes(_data_key(), False))


def monthly_changes(n: int, months: int, *, seed: int = 2025, start: int = 0,
                    block_months: int = DEFAULT_BLOCK_MONTHS, demean: bool = True) -> np.ndarray:
    """The resampled monthly change vectors themselves, shape (n, months, len(SERIES)) (bootstrap)."""
    rows = resample_rows(n, months, seed=seed, start=start, block_months=block_months)
    return history_changes(demean).to_numpy()[rows]


@lru_cache(maxsize=32)
def _segment_tables(_data: str, block: int, years: int, demean: bool):
    """Each simulated year as runs of months that lie in one block ("segments"); for each kind of
    segment (offset in its block, length, position in its year) the sum of the changes and the
    weighted sum Σ (12 − j)·Δ_j that turns into a year-average, for every possible block start."""
    d = _changes(_data, demean).to_numpy()
    S = d.shape[0]                                         # every month can start a block (circular)
    d = np.concatenate([d, d[:block]])
    segs, m, M = [], 0, 12 * years
    while m < M:
        k, o = divmod(m, block)
        y, j = divmod(m, 12)
        L = min(block - o, 12 - j, M - m)
        segs.append((k, o, L, y, j))
        m += L
    kinds = sorted({(o, L, j) for _, o, L, _, j in segs})
    ts = np.zeros((len(kinds), S, _K))
    tw = np.zeros((len(kinds), S, len(_AVG)))
    for q, (o, L, j) in enumerate(kinds):
        for i in range(L):
            rows = d[o + i: o + i + S]
            ts[q] += rows
            tw[q] += (12 - j - i) * rows[:, _AVG]
    kind = np.array([kinds.index((o, L, j)) for _, o, L, _, j in segs])
    blk = np.array([s[0] for s in segs])
    year = np.array([s[3] for s in segs])
    first = np.flatnonzero(np.r_[True, year[1:] != year[:-1]])
    # series first, so each series' gather and running sum read contiguous memory
    return (np.ascontiguousarray(ts.reshape(-1, _K).T), np.ascontiguousarray(tw.reshape(-1, len(_AVG)).T),
            kind * S, blk, first, -(-M // block))


@lru_cache(maxsize=8)
def _gaussian_factor(_data: str, demean: bool):
    """Mean and Cholesky factor of one year's (sums of the K monthly changes, weighted sums of the
    averaged series) when months are independent normals with the history's mean and covariance."""
    d = _changes(_data, demean).to_numpy()
    mu = d.mean(axis=0)
    cov = np.cov(d, rowvar=False)
    a = len(_AVG)
    C = np.zeros((_K + a, _K + a))
    C[:_K, :_K] = 12.0 * cov
    C[:_K, _K:] = 78.0 * cov[:, _AVG]
    C[_K:, :_K] = C[:_K, _K:].T
    C[_K:, _K:] = 650.0 * cov[np.ix_(_AVG, _AVG)]
    return np.r_[12.0 * mu, 78.0 * mu[_AVG]], np.linalg.cholesky(C)


def start_levels(market: Market | None = None) -> dict:
    """The snapshot's values of :data:`SERIES` (rates as decimals; the 1- and 30-year par yields)."""
    if market is not None and not isinstance(market, Market):
        raise TypeError(f"market must be a fundlib.market.Market, not {type(market).__name__}")
    m = Market.current() if market is None else market
    return {"sofr": m.sofr, "tona": m.tona, "ust_1y": m.par_yield("USD", 1.0), "jgb_1y": m.par_yield("JPY", 1.0),
            "ust_30y": m.par_yield("USD", 30.0), "jgb_30y": m.par_yield("JPY", 30.0), "usdjpy": m.usdjpy}


@dataclass(frozen=True)
class MarketPaths:
    """Annual market paths, each (n, years + 1): column 0 is the snapshot; SOFR and TONA year averages,
    the rest year-end. Rates decimals, ``usdjpy`` yen per dollar."""

    sofr: np.ndarray
    tona: np.ndarray
    ust_1y: np.ndarray
    jgb_1y: np.ndarray
    ust_30y: np.ndarray
    jgb_30y: np.ndarray
    usdjpy: np.ndarray
    method: str
    block_months: int

    @property
    def n(self) -> int:
        return self.sofr.shape[0]

    def frame(self, scenario: int = 0) -> pd.DataFrame:
        """One scenario's path, a row per year."""
        df = pd.DataFrame({s: getattr(self, s)[scenario] for s in SERIES})
        df.index.name = "year"
        return df


def simulate(n: int, years: int, *, seed: int = 2025, start: int = 0, block_months: int = DEFAULT_BLOCK_MONTHS,
             method: str = "bootstrap", demean: bool = True, market: Market | None = None) -> MarketPaths:
    """``n`` annual market paths over ``years`` years for scenarios start..start+n-1 (see the module
    docstring). The draws of scenario i depend only on (seed, i)."""
    n, seed, start, block, years = _validate(n, seed, start, block_months, years=years)
    check_choice("method", method, METHODS)
    demean = _check_bool("demean", demean)
    lv0 = start_levels(market)
    key = _data_key()
    if method == "bootstrap":
        ts, tw, kind_off, blk, first, nb = _segment_tables(key, block, years, demean)
        st = np.floor(_uniforms(seed, start, n, nb) * len(_changes(key, False))).astype(np.int64)
        idx = kind_off[None, :] + st[:, blk]               # (n, segments): which table row each segment reads
        several = len(first) != idx.shape[1]

        def year_sums(table):                              # (n, years) for one series
            v = table[idx]
            return np.add.reduceat(v, first, axis=1) if several else v
    else:
        mean, chol = _gaussian_factor(key, demean)
        D = years * (_K + len(_AVG))
        z = ndtri(np.clip(_uniforms(seed, start, n, D), 1e-16, 1.0 - 1e-16)).reshape(n, years, -1)
        v = np.moveaxis(mean + z @ chol.T, -1, 0)          # (K + A, n, years)
        ts, tw = v[:_K], v[_K:]

        def year_sums(table):
            return table
    out = {}
    for i, s in enumerate(SERIES):
        x0 = np.log(lv0[s]) if i == _FX else lv0[s]
        path = np.empty((n, years + 1))
        path[:, 0] = x0
        path[:, 1:] = year_sums(ts[i])
        np.cumsum(path, axis=1, out=path)                  # year-end levels (log for USD/JPY)
        if s in AVERAGED:                                  # the year's average: last year-end + Σ(12 − j)Δ_j / 12
            path[:, 1:] = path[:, :-1] + year_sums(tw[AVERAGED.index(s)]) / 12.0
        elif i == _FX:
            np.exp(path, out=path)
        path[:, 0] = lv0[s]
        out[s] = path
    return MarketPaths(**out, method=method, block_months=block)
