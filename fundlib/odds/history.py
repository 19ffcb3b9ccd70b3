"""The history the market paths are made of: month-end SOFR, TONA, 1- and 30-year Treasury and JGB yields
and USD/JPY since 2000 with stand-ins before SOFR began and before this copy of TONA starts, their monthly
changes and how persistent those are. Used by notebook 07 (The odds) through :mod:`fundlib.odds.paths`.

The BoJ has published TONA (the uncollateralized overnight call rate) since 1985; ``data/rates_monthly.csv``
holds it from 2021-08, so the 1-year JGB yield stands in before that.

**The history.** Month-end values from ``data/rates_monthly.csv`` (read through
:func:`fundlib.curves.history`), 2000-01 to the last month every series covers (2025-10 in this copy):
309 monthly change vectors of seven series (:data:`SERIES`): SOFR, TONA, the 1-year and 30-year
Treasury and JGB yields (changes in level, decimals) and USD/JPY (change in log). SOFR starts 2018-04
and TONA 2021-08; before that their changes are those of a stand-in (:data:`STAND_INS`, the same the
market snapshot uses): the 3-month Treasury bill for SOFR, the 1-year JGB yield for TONA. The data hold
no effective fed funds or call-rate series, so these are the closest short rates there are.

**Persistence.** :func:`persistence` gives, per series, the evidence for the block length of
:mod:`fundlib.odds.paths`: autocorrelations, the variance ratio of twelve-month sums and the Politis–White
automatic block length (:func:`_politis_white`, equal to the ``arch`` package's ``optimal_block_length``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib._validate import InputError, check_int
from fundlib.market import STAND_INS as _MARKET_STAND_INS

__all__ = ["SERIES", "LABELS", "AVERAGED", "STAND_INS", "DEFAULT_BLOCK_MONTHS", "METHODS", "history_levels",
           "history_changes", "stand_in_table", "persistence", "check_block_months", "resample_rows"]

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


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, not {type(value).__name__}")
    return bool(value)


def _whole(name, value, low, high) -> int:
    """A whole number in [low, high]: TypeError for what is not a number, InputError outside the range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
    return check_int(name, value, low, high)




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


def persistence(max_lag: int = 24, changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """How persistent each series' monthly changes are, the evidence for the block length: lag-1
    autocorrelation, the number of lags 1..``max_lag`` outside the ±1.96/√N band, the variance ratio of
    twelve-month sums (1 for independent months), and the Politis–White block length in months.
    ``changes``: the monthly changes to measure, one column per series (None: history's, centred; pass
    :func:`fundlib.odds.paths.shocks` for what the pulled model resamples)."""
    max_lag = _whole("max_lag", max_lag, 1, 60)
    if changes is None:
        d = history_changes(demean=True)
    elif not isinstance(changes, pd.DataFrame) or not set(SERIES) <= set(changes.columns):
        raise InputError("changes", changes, f"a DataFrame with the columns {', '.join(SERIES)}")
    else:
        d = changes
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


class _BlockRows:
    """:func:`resample_rows` month by month without the (n, months) table: ``starts`` (blocks, n) where
    each scenario's blocks begin, ``block`` their length. Month m reads history row
    ``(starts[m // block] + m % block) mod H``; :meth:`month` leaves out the ``mod H``, so it indexes a
    table of the H months followed by its first ``block`` again (:meth:`wrap`)."""

    def __init__(self, starts: np.ndarray, block: int):
        self.starts, self.block = starts, block

    def month(self, m: int) -> np.ndarray:
        return self.starts[m // self.block] + (m % self.block)

    def wrap(self, table: np.ndarray) -> np.ndarray:
        """``table`` (…, H) with its first ``block`` columns repeated after the last."""
        return np.concatenate([table, table[..., : self.block]], axis=-1)


def _block_rows(n: int, months: int, *, seed: int = 2025, start: int = 0,
               block_months: int = DEFAULT_BLOCK_MONTHS) -> _BlockRows:
    """The draws of :func:`resample_rows` (the same rows month by month) as a :class:`_BlockRows`."""
    n, seed, start, block, months = _validate(n, seed, start, block_months, months=months)
    return _BlockRows(np.ascontiguousarray(_block_starts(seed, start, n, months, block).T), block)


def resample_rows(n: int, months: int, *, seed: int = 2025, start: int = 0,
                  block_months: int = DEFAULT_BLOCK_MONTHS) -> np.ndarray:
    """Which month of history (row of :func:`history_changes`) each simulated month copies, shape
    (n, months): blocks of ``block_months`` consecutive rows (the last row followed by the first),
    each block starting at a uniform draw."""
    n, seed, start, block, months = _validate(n, seed, start, block_months, months=months)
    st = _block_starts(seed, start, n, months, block)
    m = np.arange(months)
    return (st[:, m // block] + m % block) % len(_changes(_data_key(), False))
