"""The pulled rate model of the odds engine: each rate pulled toward a cited long-run level at a speed
estimated from the data, held at its lower bound while its shadow is below it, shocked by history's
monthly shocks. Used by notebook 07 (The odds) through :mod:`fundlib.odds.paths`.

**The model.** Paths start from the snapshot (:class:`fundlib.market.Market`, default
``Market.current()``) and move month by month. Each rate has a **shadow rate** s (Black 1995), pulled
toward a long-run level θ at a monthly speed κ and shocked, with no floor: s ← s + κ(θ − s) + ε; the
rate itself is r = max(b, s), so it sits at its lower bound b for as long as the shadow stays below it
(as dollar rates did in 2009–2015 and 2020–2021), and its volatility shrinks near the bound by itself.
The median of r is pulled to θ; a floor on the rate itself would push its whole distribution up. κ is
minus the OLS slope of each month's change on last month's level, 2000–2025, with Newey–West errors
(:func:`rate_model`, which also shows how often a random walk fits as fast a pull: the estimate is
biased upward near a unit root); θ is the register's anchor for the short rate (``rate_long_run_sofr``,
``rate_long_run_tona``) plus, for a longer yield, its average spread over that short rate in the data;
b is the register's bound for SOFR, the 1-year Treasury and TONA and the history's low for the JGB
yields and the 30-year Treasury. The shocks ε are the regression's residuals, centred
(:func:`shocks`), on the month's own change (the stand-in's before a series starts, never a jump
across the splice); the block bootstrap of :mod:`fundlib.odds.paths` resamples them, all seven
together (their Politis–White lengths equal those of the raw changes, 21 and 23 months). USD/JPY moves
in log by its own centred change (its median stays put; its mean drifts up by convexity), plus, with
``fx_drift="uip"``, (TONA − SOFR)/12 a month (uncovered interest parity). ``pull_scale`` multiplies
every κ (the sensitivity of notebook 07).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib._validate import check_choice, check_range
from fundlib.odds.history import LABELS, SERIES, _BlockRows, _changes, _data_key, history_levels, resample_rows

__all__ = ["RATES", "MODELS", "FX_DRIFTS", "LEVELS", "rate_model", "shocks", "check_pull_scale"]

RATES = SERIES[:-1]                                  # every series but USD/JPY is a rate
MODELS = ("pull", "walk")
FX_DRIFTS = ("none", "uip")
LEVELS = ("anchor", "history")
_HAC_LAGS = 12
_NULL_SAMPLES = 1_000                                 # random walks for the bias check of the speeds
_NULL_SEED = 20_000


def _bounds_anchor() -> dict:
    usd, jpy = A.value("rate_lower_bound_usd"), A.value("rate_lower_bound_jpy")
    return {"sofr": usd, "ust_1y": usd, "tona": jpy}


def _ols_slope(x_lag: np.ndarray, dx: np.ndarray) -> np.ndarray:
    """The OLS slope of dx on [1, x_lag] along the last axis (one regression per row)."""
    xl = x_lag - x_lag.mean(axis=-1, keepdims=True)
    return np.sum(xl * (dx - dx.mean(axis=-1, keepdims=True)), axis=-1) / np.sum(xl * xl, axis=-1)


@lru_cache(maxsize=8)
def _model(_data: str, _register: tuple) -> dict:
    """Everything the pulled model takes from the data and the register: per rate the OLS fit of
    Δx_t = α + β·x_{t−1} + e_t (speed κ = −β per month, its HAC standard error, and how often a random
    walk's fit gives as fast a speed), the long-run level, the lower bound, and the shocks."""
    import statsmodels.api as sm

    lv = history_levels()
    raw = _changes(_data, False)               # the series' own change, the stand-in's before it starts
    null_rows = resample_rows(_NULL_SAMPLES, len(raw), seed=_NULL_SEED)
    theta_short = {"sofr": A.value("rate_long_run_sofr"), "tona": A.value("rate_long_run_tona")}
    short_of = {"sofr": "sofr", "ust_1y": "sofr", "ust_30y": "sofr", "tona": "tona", "jgb_1y": "tona", "jgb_30y": "tona"}
    bounds0 = _bounds_anchor()
    rows, shocks = {}, {}
    for s in RATES:
        x, dx = lv[s].to_numpy(float), raw[s].to_numpy(float)
        fit = sm.OLS(dx, sm.add_constant(x[:-1])).fit(cov_type="HAC", cov_kwds={"maxlags": _HAC_LAGS})
        kappa, se = -float(fit.params[1]), float(fit.bse[1])
        # a driftless random walk of the same (centred) changes, resampled in the same blocks, fitted the same way
        d0 = (dx - dx.mean())[null_rows]
        walk = x[0] + np.cumsum(d0, axis=1)
        null = -_ols_slope(np.concatenate([np.full((_NULL_SAMPLES, 1), x[0]), walk[:, :-1]], axis=1), d0)
        base = short_of[s]
        spread = float(lv[s].mean() - lv[base].mean())           # the yield's average spread over its short rate
        resid = np.asarray(fit.resid, float)
        shocks[s] = resid - resid.mean()
        rows[s] = {"series": s, "label": LABELS[s], "kappa_month": kappa, "kappa_se": se,
                   "random_walk_share": float(np.mean(null >= kappa)),
                   "history_level": float(fit.params[0]) / kappa if kappa > 0 else np.nan,
                   "long_run_level": theta_short[base] + spread, "spread_over_short": spread if s != base else 0.0,
                   "lower_bound": bounds0.get(s, float(x.min()))}
    fx = raw["usdjpy"].to_numpy(float)
    shocks["usdjpy"] = fx - fx.mean()
    table = pd.DataFrame(rows.values()).set_index("series")
    table["speed_per_year"] = -12.0 * np.log1p(-table["kappa_month"].clip(upper=0.99))
    table["speed_low_90"] = -12.0 * np.log1p(-(table["kappa_month"] - 1.645 * table["kappa_se"]).clip(-0.5, 0.99))
    table["speed_high_90"] = -12.0 * np.log1p(-(table["kappa_month"] + 1.645 * table["kappa_se"]).clip(-0.5, 0.99))
    table["half_life_years"] = np.log(2.0) / table["speed_per_year"]
    E = np.column_stack([shocks[s] for s in SERIES])
    return {"table": table, "shocks": E, "index": lv.index[1:]}


def _register_key() -> tuple:
    return tuple(A.value(k) for k in ("rate_long_run_sofr", "rate_long_run_tona", "rate_lower_bound_usd",
                                      "rate_lower_bound_jpy"))


def rate_model() -> pd.DataFrame:
    """The pulled model's parameters per rate: the monthly speed κ (OLS of the month's change on last
    month's level, 2000-02..the last month, with its Newey–West standard error, 12 lags), the same as a
    speed per year a = −12·ln(1 − κ) with its normal-theory 90% interval (too narrow near a unit root)
    and half-life, ``random_walk_share``: the share of 1,000 block-resampled random walks with no pull at
    all whose fit gives as fast a speed (the estimate's upward bias: Dickey and Fuller), the level history
    itself would pull to (α/κ), the long-run level the model pulls to (register: the FOMC's longer-run
    rate for SOFR, the BoJ's for TONA; each yield that plus its average spread over the short rate
    2000–2025), and the lower bound (register for SOFR, the 1-year Treasury and TONA; the history's low
    for the rest)."""
    return _model(_data_key(), _register_key())["table"].copy()


def shocks() -> pd.DataFrame:
    """The monthly shocks the pulled model resamples, one row per month of history: each rate's OLS
    residual, centred; USD/JPY's centred change in log."""
    m = _model(_data_key(), _register_key())
    return pd.DataFrame(m["shocks"], index=m["index"], columns=list(SERIES))


def check_pull_scale(pull_scale) -> float:
    if isinstance(pull_scale, (bool, np.bool_)) or not isinstance(pull_scale, (int, float, np.integer, np.floating)):
        raise TypeError(f"pull_scale must be a number, not {type(pull_scale).__name__}")
    return float(check_range("pull_scale", pull_scale, 0.0, 5.0))


def _params(pull_scale: float, levels: str = "anchor"):
    m = _model(_data_key(), _register_key())
    t = m["table"]
    kappa = np.clip(t["kappa_month"].to_numpy() * pull_scale, 0.0, 1.0)
    theta = t["long_run_level" if levels == "anchor" else "history_level"].to_numpy()
    return m["shocks"], kappa[:, None], theta[:, None], t["lower_bound"].to_numpy()[:, None]


def _step_months(x0: np.ndarray, shock_rows, months: int, *, pull_scale: float = 1.0, fx_drift: str = "none",
                 keep=(), on_year=None, gaussian=None, levels: str = "anchor") -> dict:
    """The pulled model month by month from levels ``x0`` (shape (7, n): the rates, then log USD/JPY).
    Each rate has a shadow s, pulled and shocked without a floor, s ← s + κ·(θ − s) + ε_m, and is
    r = max(b, s): at the bound while the shadow is below it. Log USD/JPY + ε_m (+ (TONA − SOFR)/12 of
    the rates r with ``fx_drift="uip"``). The shocks ε_m are the rows ``shock_rows[:, m]`` of
    :func:`shocks` (bootstrap; ``shock_rows`` an (n, months) array or the same draws as a
    :class:`fundlib.odds.history._BlockRows`), or ``gaussian(m)`` (shape (7, n)). ``keep``: months whose
    levels (r and log USD/JPY) to return; ``on_year(year, sums, ends)`` after each twelfth month with
    the year's sums and year-end levels. Returns {month: levels} for ``keep``. Each month's shocks are
    gathered into a reused (7, n) buffer and the pull is computed in another."""
    E, kappa, theta, bound = _params(pull_scale, check_choice("levels", levels, LEVELS))
    R = len(RATES)
    shadow = np.array(x0, float, copy=True)[:R]
    x = np.array(x0, float, copy=True)                   # the rates as seen (floored), then log USD/JPY
    np.maximum(x[:R], bound, out=x[:R])
    sums = np.zeros_like(x)
    kept = {0: x.copy()} if 0 in keep else {}
    if gaussian is None:
        if isinstance(shock_rows, _BlockRows):
            table, month = np.ascontiguousarray(shock_rows.wrap(E.T)), shock_rows.month
        else:
            table, by_month = np.ascontiguousarray(E.T), np.ascontiguousarray(shock_rows.T)
            month = by_month.__getitem__
    eps = np.empty_like(x)
    step = np.empty_like(shadow)
    uip = fx_drift == "uip"
    for m in range(months):
        if gaussian is None:
            np.take(table, month(m), axis=1, out=eps)
        else:
            eps = gaussian(m)
        np.subtract(theta, shadow, out=step)             # s + κ·(θ − s) + ε, in that order
        np.multiply(kappa, step, out=step)
        np.add(step, eps[:R], out=step)
        shadow += step
        drift = (x[1] - x[0]) / 12.0 if uip else None   # last month's rates
        np.maximum(shadow, bound, out=x[:R])
        x[R] += eps[R] if drift is None else eps[R] + drift
        sums += x
        if (m + 1) in keep:
            kept[m + 1] = x.copy()
        if (m + 1) % 12 == 0 and on_year is not None:
            on_year((m + 1) // 12, sums, x)
            sums[:] = 0.0
    return kept
