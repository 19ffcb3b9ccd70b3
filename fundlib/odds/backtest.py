"""A back-test of the odds engine's rate model: launched from every month-end 2000–2020, how often did
what happened 1, 5 and 10 years later fall inside its bands? Used by notebook 07 (The odds).

Launched at the levels of each month from 2000-01 to 2020-12, a calibrated model holds what really
happened inside its P5–P95 band about 90% of the time and inside P25–P75 about 50%; bands that are too
narrow fail as surely as bands that are too wide.

**What it tests.** Each launch runs ``n`` paths of the pulled model (:mod:`fundlib.odds.pull`)
from that month's levels (SOFR's stand-in before 2018-04, the 3-month bill; TONA's, the 1-year JGB,
before 2021-08), month by month, and reads each series' month-end level at the horizon. The
probability integral transform (PIT) of a realised value is the share of paths below it (ties count
half): uniform on [0, 1] for a calibrated model. ``levels="anchor"`` pulls to today's long-run levels
(the FOMC's 3%, the BoJ's 1.75%, as the engine does); ``levels="history"`` to the levels the 2000–2025
data themselves pull to, which isolates the dynamics (speed, shocks, bound) from the choice of level.

**Caveats, said where the figures are shown.** The shocks and speeds are estimated on the same
2000–2025 data (in sample); launches a month apart share most of their future, so 252 launches hold
only about two independent 10-year outcomes; TONA's history before 2021-08 is its stand-in, which went
below TONA's −0.1% floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from fundlib._validate import InputError, check_choice, check_int
from fundlib.odds import paths as PA
from fundlib.odds.pull import _step_months

__all__ = ["HORIZONS", "FAN_LAUNCHES", "Backtest", "backtest", "fan"]

HORIZONS = (1, 5, 10)                      # years ahead
FAN_LAUNCHES = ("2000-01", "2007-06", "2015-01")
FIRST, LAST = "2000-01", "2020-12"


def _launch_levels(months) -> np.ndarray:
    lv = PA.history_levels()
    sub = lv.loc[list(months)]
    return np.vstack([sub[s].to_numpy(float) for s in PA.RATES] + [np.log(sub["usdjpy"].to_numpy(float))])


@dataclass(frozen=True)
class Backtest:
    """``pit``: (series, horizon) → a Series of PIT values by launch month (launches with a realised value)."""

    pit: dict
    n: int
    seed: int
    levels: str

    def coverage(self) -> pd.DataFrame:
        """Per series and horizon: launches, the share of realised values inside the P5–P95 and the
        P25–P75 bands, and the mean PIT (0.5 when the bands are centred)."""
        rows = []
        for (s, h), p in self.pit.items():
            v = p.to_numpy()
            rows.append({"series": s, "label": PA.LABELS[s], "horizon_years": h, "launches": v.size,
                         "inside_p5_p95": float(np.mean((v > 0.05) & (v < 0.95))),
                         "inside_p25_p75": float(np.mean((v > 0.25) & (v < 0.75))), "mean_pit": float(v.mean())})
        return pd.DataFrame(rows).set_index(["series", "horizon_years"])

    def histogram(self, series: str = "sofr", bins: int = 10) -> pd.DataFrame:
        """PIT counts in ``bins`` equal bins, per horizon (a chart's rows)."""
        check_choice("series", series, PA.SERIES)
        bins = check_int("bins", bins, 2, 50)
        edges = np.linspace(0.0, 1.0, bins + 1)
        rows = []
        for h in HORIZONS:
            c, _ = np.histogram(np.clip(self.pit[(series, h)].to_numpy(), 0.0, 1.0), edges)
            rows += [{"horizon_years": h, "low": lo, "high": hi, "count": int(k), "share": k / c.sum()}
                     for lo, hi, k in zip(edges[:-1], edges[1:], c)]
        return pd.DataFrame(rows)


@lru_cache(maxsize=4)
def _run(n: int, seed: int, levels: str, _key) -> Backtest:
    lv = PA.history_levels()
    idx = lv.index
    launches = idx[(idx >= pd.Period(FIRST, "M")) & (idx <= pd.Period(LAST, "M"))]
    L, M = len(launches), 12 * max(HORIZONS)
    x0 = np.repeat(_launch_levels(launches), n, axis=1)
    rows = PA.resample_rows(L * n, M, seed=seed)
    kept = _step_months(x0, rows, M, keep=tuple(12 * h for h in HORIZONS), levels=levels)
    pos = {p: i for i, p in enumerate(idx)}
    pit = {}
    for i, s in enumerate(PA.SERIES):
        real = np.log(lv[s].to_numpy(float)) if s == "usdjpy" else lv[s].to_numpy(float)
        for h in HORIZONS:
            sims = kept[12 * h][i].reshape(L, n)
            ok = [j for j, p in enumerate(launches) if pos[p] + 12 * h < len(idx)]
            r = real[[pos[launches[j]] + 12 * h for j in ok]]
            S = sims[ok]
            v = ((S < r[:, None]).sum(axis=1) + 0.5 * (S == r[:, None]).sum(axis=1)) / n
            pit[(s, h)] = pd.Series(v, index=launches[ok], name="pit")
    return Backtest(pit, n, seed, levels)


def backtest(n: int = 500, seed: int = 2025, *, levels: str = "anchor") -> Backtest:
    """Run the back-test (see the module docstring): ``n`` paths per launch month (252 launches; at most
    2,000, about 500,000 paths of ten years)."""
    n = check_int("n", n, 10, 2_000)
    seed = check_int("seed", seed, 0, 2**63 - 1)
    check_choice("levels", levels, PA.LEVELS)
    return _run(n, seed, levels, (PA._data_key(), PA._register_key()))


def fan(launch: str, series: str = "sofr", *, n: int = 2_000, seed: int = 2025, years: int = 10,
        levels: str = "anchor") -> pd.DataFrame:
    """The model's P5/P25/P50/P75/P95 month by month for ``years`` after ``launch`` ("YYYY-MM", 2000-01 to
    the last month), with what really happened (NaN after the data end). Rates in decimals, USD/JPY in
    yen per dollar."""
    check_choice("series", series, PA.SERIES)
    n = check_int("n", n, 10, 100_000)
    years = check_int("years", years, 1, 30)
    lv = PA.history_levels()
    try:
        m = pd.Period(launch, freq="M")
    except (TypeError, ValueError):
        raise InputError("launch", launch, "a month written YYYY-MM") from None
    if m not in lv.index:
        raise InputError("launch", str(m), f"a month in {lv.index[0]}..{lv.index[-1]}")
    M = 12 * years
    x0 = np.repeat(_launch_levels([m]), n, axis=1)
    kept = _step_months(x0, PA.resample_rows(n, M, seed=seed), M, keep=tuple(range(M + 1)),
                        levels=check_choice("levels", levels, PA.LEVELS))
    i = PA.SERIES.index(series)
    q = np.array([np.percentile(kept[k][i], [5, 25, 50, 75, 95]) for k in range(M + 1)])
    if series == "usdjpy":
        q = np.exp(q)
    months = pd.period_range(m, m + M, freq="M")
    real = lv[series].reindex(months)
    return pd.DataFrame({"month": months.to_timestamp(how="end").normalize(), "p5": q[:, 0], "p25": q[:, 1],
                         "p50": q[:, 2], "p75": q[:, 3], "p95": q[:, 4], "realised": real.to_numpy(float)})
