"""Market paths shaped by history for notebook 07 (The odds): SOFR, TONA, the 1- and 30-year yields and
USD/JPY, each rate pulled toward a long-run level and floored, shocked by blocks of history's monthly shocks.

**The history** (:mod:`fundlib.odds.history`): month-end values 2000-01 to the last month every series
covers, 309 monthly change vectors of seven series (:data:`SERIES`), with stand-ins before SOFR began
(April 2018: the 3-month bill) and before this copy of TONA starts (2021-08: the 1-year JGB; the BoJ has
published the rate since 1985, but ``data/rates_monthly.csv`` holds it only from 2021-08).

**Blocks.** A path is built from blocks of ``block_months`` consecutive months of history (all
seven series together, so co-movement, fat tails and persistence come from the data), each block
starting at a month drawn uniformly; a block that runs past 2025-10 continues from 2000-02 (the
circular block bootstrap of Politis and Romano, which gives every month of history the same weight,
so centred changes add no drift). The default, 24 months, covers the persistence of short-rate
changes: the 3-month bill/SOFR series has a lag-1 autocorrelation of 0.35 (10 of the first 24 lags
lie outside the ±1.96/√309 = ±0.11 band), its twelve-month sums vary 4.0 times as much
as independent months would give, and its Politis–White automatic block length is 21 months (the
1-year Treasury: 23 months, 12 significant lags); the long yields and USD/JPY need 1–3 months.
:func:`persistence` computes all of this. ``method="gaussian"`` instead draws independent months
from a normal with the history's covariance (no fat tails, no persistence), for comparison.

**Levels: the pulled model (the default, ``model="pull"``)**, in :mod:`fundlib.odds.pull`: each rate
pulled toward its long-run level at a speed estimated from the data, kept at or above its lower bound,
its volatility shrinking near it, shocked by the resampled monthly shocks (:func:`shocks`);
``pull_scale`` multiplies every speed; ``fx_drift="uip"`` lets USD/JPY drift by TONA − SOFR.

**Levels: the walk (``model="walk"``, for comparison).** The snapshot plus the resampled changes, no
pull, no floor: rates may go negative. By default the changes are centred (``demean=True``): each
series' average monthly change over the sample is taken out, so paths carry history's volatility and
co-movement but not its 2000–2025 trend (the fall in dollar rates, the yen's fall from 107 to 154 per
dollar). ``demean=False`` keeps it.

Annual values for years t = 0..years, either model: SOFR and TONA as the **average of the twelve
month-ends** of year t (the rate that floating debt pays over that year), every other series at the
**year's last month-end**; year 0 is the snapshot.

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

from fundlib._validate import check_choice, check_int
from fundlib.market import Market
from fundlib.odds.history import (AVERAGED, DEFAULT_BLOCK_MONTHS, LABELS, METHODS, SERIES, STAND_INS, _AVG, _FX, _K,
                                  _changes, _check_bool, _data_key, _politis_white, _uniforms, _validate, _whole,
                                  check_block_months, history_changes, history_levels, persistence, resample_rows, _block_rows,
                                  stand_in_table)
from fundlib.odds.pull import (FX_DRIFTS, LEVELS, MODELS, RATES, _model, _register_key, _step_months, check_pull_scale,
                               rate_model, shocks)

__all__ = ["SERIES", "RATES", "MODELS", "FX_DRIFTS", "LEVELS", "rate_model", "shocks", "AVERAGED", "STAND_INS", "DEFAULT_BLOCK_MONTHS", "METHODS", "MarketPaths", "history_changes",
           "history_levels", "stand_in_table", "persistence", "check_block_months", "resample_rows", "monthly_changes", "simulate",
           "start_levels"]

# ----------------------------------------------------------------------------------------- draws


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
    model: str = "pull"

    @property
    def n(self) -> int:
        return self.sofr.shape[0]

    def frame(self, scenario: int = 0) -> pd.DataFrame:
        """One scenario's path, a row per year."""
        df = pd.DataFrame({s: getattr(self, s)[scenario] for s in SERIES})
        df.index.name = "year"
        return df



def simulate(n: int, years: int, *, seed: int = 2025, start: int = 0, block_months: int = DEFAULT_BLOCK_MONTHS,
             method: str = "bootstrap", demean: bool = True, market: Market | None = None, model: str = "pull",
             pull_scale: float = 1.0, fx_drift: str = "none") -> MarketPaths:
    """``n`` annual market paths over ``years`` years for scenarios start..start+n-1 (see the module
    docstring). The draws of scenario i depend only on (seed, i).

    ``model``: "pull" (each rate pulled to its long-run level, floored at its bound, volatility shrinking
    near it: :func:`rate_model`) or "walk" (the snapshot plus resampled changes, no pull and no floor, for
    comparison). ``pull_scale`` multiplies every estimated speed (0: no pull, but still the floor).
    ``fx_drift``: "none" (USD/JPY a random walk in log) or "uip" (it drifts by TONA − SOFR a year, the
    path's own rates: uncovered interest parity). ``demean`` applies to the walk."""
    n, seed, start, block, years = _validate(n, seed, start, block_months, years=years)
    check_choice("method", method, METHODS)
    check_choice("model", model, MODELS)
    check_choice("fx_drift", fx_drift, FX_DRIFTS)
    pull_scale = check_pull_scale(pull_scale)
    demean = _check_bool("demean", demean)
    lv0 = start_levels(market)
    key = _data_key()
    if model == "pull":
        return _simulate_pull(n, years, seed, start, block, method, lv0, pull_scale, fx_drift)
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
    return MarketPaths(**out, method=method, block_months=block, model="walk")


def _start_vector(lv0: dict) -> np.ndarray:
    return np.array([lv0[s] for s in RATES] + [np.log(lv0["usdjpy"])])


def _simulate_pull(n, years, seed, start, block, method, lv0, pull_scale, fx_drift) -> MarketPaths:
    M = 12 * years
    out = {s: np.empty((n, years + 1)) for s in SERIES}
    for s in SERIES:
        out[s][:, 0] = lv0[s]
    x0 = np.broadcast_to(_start_vector(lv0)[:, None], (_K, n))
    if method == "bootstrap":
        rows = _block_rows(n, M, seed=seed, start=start, block_months=block)    # resample_rows, month by month
        gaussian = None
    else:
        E = _model(_data_key(), _register_key())["shocks"]
        chol = np.linalg.cholesky(np.cov(E, rowvar=False))
        z = ndtri(np.clip(_uniforms(seed, start, n, M * _K), 1e-16, 1.0 - 1e-16)).reshape(n, M, _K)
        rows = None

        def gaussian(m):
            return chol @ z[:, m, :].T

    def on_year(y, sums, ends):
        for i, s in enumerate(SERIES):
            out[s][:, y] = sums[i] / 12.0 if s in AVERAGED else ends[i]

    _step_months(x0, rows, M, pull_scale=pull_scale, fx_drift=fx_drift, on_year=on_year, gaussian=gaussian)
    out["usdjpy"][:, 1:] = np.exp(out["usdjpy"][:, 1:])
    return MarketPaths(**out, method=method, block_months=block, model="pull")
