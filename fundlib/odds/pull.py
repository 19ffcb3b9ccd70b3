"""The pulled rate model of the odds engine: each rate pulled toward a long-run level at a speed
estimated from the data, kept at or above its lower bound, its volatility shrinking near it, shocked by
history's monthly shocks. Used by notebook 07 (The odds) through :mod:`fundlib.odds.paths`.

**The model.** Paths start from the snapshot
(:class:`fundlib.market.Market`, default ``Market.current()``) and move month by month. Each rate x is
pulled toward a long-run level θ at a monthly speed κ, shocked, and kept at or above its lower bound b:
x ← max(b, x + κ(θ − x) + g(x)·ε), with g(x) = √((x − b)/h) within [0.2, 1] for the short rates and
1-year yields (volatility shrinks near the bound; h is the register's ``odds_vol_full_distance``) and 1
for the 30-year yields (their volatility shows no such dependence in the data). κ is the OLS slope of
each month's change on last month's level, 2000–2025, with Newey–West errors (:func:`rate_model`);
θ is the register's anchor for the short rate (``rate_long_run_sofr``, ``rate_long_run_tona``) plus,
for a longer yield, its average spread over that short rate in the data; b is the register's bound for
SOFR, the 1-year Treasury and TONA and the history's low for the JGB yields and the 30-year Treasury.
The shocks ε are the regression's residuals, each divided by g at the month's level (so a month spent
near the bound counts at full size) and centred (:func:`shocks`); the block bootstrap above resamples
them, all seven together (their Politis–White lengths equal those of the raw changes, 21 and 23
months). USD/JPY moves in log by its own centred change, plus, with ``fx_drift="uip"``, (TONA − SOFR)/12
a month (uncovered interest parity). ``pull_scale`` multiplies every κ (the sensitivity of notebook 07).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib._validate import check_choice
from fundlib.odds.history import LABELS, SERIES, _data_key, history_levels

__all__ = ["RATES", "MODELS", "FX_DRIFTS", "LEVELS", "rate_model", "shocks", "check_pull_scale"]

RATES = SERIES[:-1]                                  # every series but USD/JPY is a rate
MODELS = ("pull", "walk")
FX_DRIFTS = ("none", "uip")
LEVELS = ("anchor", "history")
_SHRINKS = ("sofr", "tona", "ust_1y", "jgb_1y")      # the rates whose volatility shrinks near their bound
_G_MIN = 0.2                                          # the history's shocks are divided by at most 1/0.2
_HAC_LAGS = 12


def _bounds_anchor() -> dict:
    usd, jpy = A.value("rate_lower_bound_usd"), A.value("rate_lower_bound_jpy")
    return {"sofr": usd, "tona": jpy}


@lru_cache(maxsize=8)
def _model(_data: str, _register: tuple) -> dict:
    """Everything the pulled model takes from the data and the register: per rate the OLS fit of
    Δx_t = α + β·x_{t−1} + e_t (speed κ = −β per month, with its HAC standard error), the long-run level,
    the lower bound, the distance over which volatility shrinks, and the de-levelled shocks."""
    import statsmodels.api as sm

    lv = history_levels()
    h = A.value("odds_vol_full_distance")
    theta_short = {"sofr": A.value("rate_long_run_sofr"), "tona": A.value("rate_long_run_tona")}
    short_of = {"sofr": "sofr", "ust_1y": "sofr", "ust_30y": "sofr", "tona": "tona", "jgb_1y": "tona", "jgb_30y": "tona"}
    bounds0 = _bounds_anchor()
    rows, shocks = {}, {}
    for s in RATES:
        x = lv[s].to_numpy(float)
        fit = sm.OLS(np.diff(x), sm.add_constant(x[:-1])).fit(cov_type="HAC", cov_kwds={"maxlags": _HAC_LAGS})
        kappa, se = -float(fit.params[1]), float(fit.bse[1])
        base = short_of[s]
        spread = float(lv[s].mean() - lv[base].mean())           # the yield's average spread over its short rate
        theta = theta_short[base] + spread
        bound = bounds0[s] if s in bounds0 else (bounds0[base] if s.endswith("_1y") and base == "sofr" else float(x.min()))
        shrink = s in _SHRINKS
        resid = np.asarray(fit.resid, float)
        g = _g(x[:-1], bound, h) if shrink else np.ones_like(resid)
        e = resid / g
        shocks[s] = e - e.mean()
        rows[s] = {"series": s, "label": LABELS[s], "kappa_month": kappa, "kappa_se": se,
                   "history_level": float(fit.params[0]) / kappa if kappa > 0 else np.nan,
                   "long_run_level": theta, "spread_over_short": spread if s != base else 0.0,
                   "lower_bound": bound, "shrinks_near_bound": shrink, "start_min": float(x.min())}
    fx = np.diff(np.log(lv["usdjpy"].to_numpy(float)))
    shocks["usdjpy"] = fx - fx.mean()
    table = pd.DataFrame(rows.values()).set_index("series")
    table["speed_per_year"] = -12.0 * np.log1p(-table["kappa_month"].clip(upper=0.99))
    table["speed_low_90"] = -12.0 * np.log1p(-(table["kappa_month"] - 1.645 * table["kappa_se"]).clip(-0.5, 0.99))
    table["speed_high_90"] = -12.0 * np.log1p(-(table["kappa_month"] + 1.645 * table["kappa_se"]).clip(-0.5, 0.99))
    table["half_life_years"] = np.log(2.0) / table["speed_per_year"]
    E = np.column_stack([shocks[s] for s in SERIES])
    return {"table": table, "shocks": E, "index": lv.index[1:], "h": h}


def _g(distance_from, bound, h):
    """Volatility scale near a lower bound: √((x − b)/h), at least 0.2 and at most 1 (full volatility
    from h above the bound)."""
    return np.sqrt(np.clip((np.asarray(distance_from) - bound) / h, _G_MIN**2, 1.0))


def _register_key() -> tuple:
    return tuple(A.value(k) for k in ("rate_long_run_sofr", "rate_long_run_tona", "rate_lower_bound_usd",
                                      "rate_lower_bound_jpy", "odds_vol_full_distance"))


def rate_model() -> pd.DataFrame:
    """The pulled model's parameters per rate: the monthly speed κ (OLS of the month's change on last
    month's level, 2000-02..the last month, with its Newey–West standard error, 12 lags), the same as a
    speed per year a = −12·ln(1 − κ) with its 90% interval and half-life, the level history itself
    would pull to (α/κ), the long-run level the model pulls to (register: the FOMC's longer-run rate for
    SOFR, the BoJ's for TONA; each yield that plus its average spread over the short rate 2000–2025), and
    the lower bound (register for SOFR, the 1-year Treasury and TONA; the history's low for the rest)."""
    return _model(_data_key(), _register_key())["table"].copy()


def shocks() -> pd.DataFrame:
    """The monthly shocks the pulled model resamples, one row per month of history: each rate's OLS
    residual divided by its volatility scale at last month's level (so a shock near the bound counts at
    full size), centred; USD/JPY's centred change in log."""
    m = _model(_data_key(), _register_key())
    return pd.DataFrame(m["shocks"], index=m["index"], columns=list(SERIES))


def check_pull_scale(pull_scale) -> float:
    if isinstance(pull_scale, (bool, np.bool_)) or not isinstance(pull_scale, (int, float, np.integer, np.floating)):
        raise TypeError(f"pull_scale must be a number, not {type(pull_scale).__name__}")
    from fundlib._validate import check_range

    return float(check_range("pull_scale", pull_scale, 0.0, 5.0))


def _params(pull_scale: float, levels: str = "anchor"):
    m = _model(_data_key(), _register_key())
    t = m["table"]
    kappa = np.clip(t["kappa_month"].to_numpy() * pull_scale, 0.0, 1.0)
    theta = t["long_run_level" if levels == "anchor" else "history_level"].to_numpy()
    return (m["shocks"], kappa[:, None], theta[:, None], t["lower_bound"].to_numpy()[:, None],
            np.array([s in _SHRINKS for s in RATES]), m["h"])


def _step_months(x0: np.ndarray, shock_rows, months: int, *, pull_scale: float = 1.0, fx_drift: str = "none",
                keep=(), on_year=None, gaussian=None, levels: str = "anchor") -> dict:
    """The pulled model month by month from levels ``x0`` (shape (7, n): the rates, then log USD/JPY):
    x_{m+1} = max(b, x_m + κ·(θ − x_m) + g(x_m)·ε_m) for each rate, with g the volatility scale near the
    bound b; log USD/JPY + ε_m (+ (TONA − SOFR)/12 with ``fx_drift="uip"``). The shocks ε_m are the
    rows ``shock_rows[:, m]`` of :func:`shocks` (bootstrap), or ``gaussian(m)`` (shape (7, n)).
    ``keep``: months whose levels to return; ``on_year(year, sums, ends)`` after each twelfth month with
    the year's sums and year-end levels. Returns {month: levels} for ``keep``."""
    E, kappa, theta, bound, shrink, h = _params(pull_scale, check_choice("levels", levels, LEVELS))
    R = len(RATES)
    x = np.array(x0, float, copy=True)
    r = x[:R]
    sums = np.zeros_like(x)
    kept = {0: x.copy()} if 0 in keep else {}
    Et = np.ascontiguousarray(E.T)
    srows = np.flatnonzero(shrink)
    for m in range(months):
        eps = Et[:, shock_rows[:, m]] if gaussian is None else gaussian(m)
        g = np.ones_like(r)
        g[srows] = np.sqrt(np.clip((r[srows] - bound[srows]) / h, _G_MIN**2, 1.0))
        drift = (r[1] - r[0]) / 12.0 if fx_drift == "uip" else 0.0
        r += kappa * (theta - r) + g * eps[:R]
        np.maximum(r, bound, out=r)
        x[R] += eps[R] + drift
        sums += x
        if (m + 1) in keep:
            kept[m + 1] = x.copy()
        if (m + 1) % 12 == 0 and on_year is not None:
            on_year((m + 1) // 12, sums, x)
            sums[:] = 0.0
    return kept
