"""Yield curves from ``data/rates_monthly.csv``: the JGB and UST curves on any month, interpolated
across tenors (monotone PCHIP, or a Nelson–Siegel / Nelson–Siegel–Svensson fit with its error).
Used by notebook 03 (the curves app and the negative-yield check, month-end and daily).

Tenors are in years; yields are decimals. Fitted curves are drawn only over the tenors the month's
data cover (:func:`drawn_tenors`); their decays are bounded and, for Svensson, ordered and apart
(:data:`DECAY_BOUNDS`, :data:`DECAY_RATIO`), so a fit cannot buy a basis point of error with
betas of ±1e7. ``data/jgb_daily.csv`` (daily MoF yields from 2014, :func:`load_jgb_daily`) gives
the negative-yield facts that month-ends miss.

A ``curve`` is a pandas Series of yields (decimals in [−50%, 100%]) indexed by tenor (years in
(0, 100]), as :func:`curve_on` returns. Its points may come in any order (they are sorted by tenor);
a tenor given twice, a missing (NaN) yield, or too few points for the method is an InputError
naming ``curve``. A ``rates`` table is :func:`fundlib.data.load_rates_monthly`'s (a monthly
PeriodIndex and the market's yield columns); None loads it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator
from scipy.optimize import brentq, minimize

from fundlib._validate import (InputError, check_bool, check_choice, check_frame, check_instance, check_int, check_number,
                               check_path, check_range, check_str)
from fundlib.data import JGB_TENORS, UST_TENORS, Column, DataError, _read, _validate, data_dir, load_rates_monthly

__all__ = ["MARKETS", "curve_on", "months_with_curve", "interpolate", "curve_function", "NelsonSiegel", "fit_nelson_siegel",
           "DECAY_BOUNDS", "DECAY_RATIO", "HUMP_AT", "decay_bounds", "drawn_tenors", "tenor_note", "history", "negative_yield_table",
           "quarterly_heatmap_data", "negative_reach", "load_jgb_daily", "daily_negative_reach", "last_negative_day"]

DECAY_BOUNDS = (0.25, None)  # years: no decay below a quarter (nor half the shortest tenor); above: see decay_bounds
HUMP_AT = 1.79               # the curvature factor f2(τ/λ) peaks at τ ≈ 1.79 λ
DECAY_RATIO = 2.0            # Svensson: the second decay at least twice the first, so the two humps stay apart

MARKETS = {
    "jgb": {f"jgb_{t}y": float(t) for t in JGB_TENORS},
    "ust": {f"ust_{k}": float(v) for k, v in UST_TENORS.items()},
}
MARKET_LABELS = {"jgb": "JGB (Japan)", "ust": "US Treasury"}


def _rates(rates: pd.DataFrame | None, columns=()) -> pd.DataFrame:
    """``rates`` (or the data's table when None), checked: a DataFrame indexed by month with
    numeric ``columns``."""
    if rates is None:
        return load_rates_monthly()
    check_frame("rates", rates, list(columns), min_rows=0)
    if not isinstance(rates.index, pd.PeriodIndex) or rates.index.freqstr not in ("M", "ME"):
        raise InputError("rates", "a table not indexed by month", "a table indexed by month (a monthly PeriodIndex, "
                                                                  "as fundlib.data.load_rates_monthly returns)")
    for c in columns:
        if not pd.api.types.is_numeric_dtype(rates[c]):
            raise TypeError(f"rates[{c!r}] must hold numbers (yields as decimals); got {rates[c].dtype}")
    return rates


def _curve(curve, min_points: int = 2, why: str = "to interpolate between") -> tuple[np.ndarray, np.ndarray]:
    """A curve's tenors and yields, sorted by tenor: TypeError for a value that is not a Series,
    InputError for bad tenors or yields, a tenor given twice, or fewer than ``min_points`` points."""
    check_instance("curve", curve, pd.Series, "a pandas Series of yields (decimals) indexed by tenor in years, "
                                              "such as curve_on('2025-10')")
    if curve.size < min_points:
        raise InputError("curve", f"a curve of {curve.size} point(s)", f"at least {min_points} points (tenor → yield) {why}")
    t = np.atleast_1d(check_range("curve.index", curve.index.to_numpy(), 0.0, 100.0, low_open=True))
    y = np.atleast_1d(check_range("curve.values", curve.to_numpy(), -0.5, 1.0))
    order = np.argsort(t, kind="stable")
    t, y = t[order], y[order]
    dup = np.flatnonzero(np.diff(t) == 0)
    if dup.size:
        raise InputError("curve.index", float(t[dup[0]]), "distinct tenors (this one is given twice)")
    return t, y


def _sorted(curve, min_points: int = 2, why: str = "to interpolate between") -> pd.Series:
    t, y = _curve(curve, min_points, why)
    return pd.Series(y, index=pd.Index(t, name=curve.index.name), name=curve.name)


def months_with_curve(market: str = "jgb", rates: pd.DataFrame | None = None, min_points: int = 4) -> pd.PeriodIndex:
    """Months on which ``market`` has at least ``min_points`` tenors with data."""
    check_choice("market", market, tuple(MARKETS))
    min_points = check_int("min_points", min_points, 1, len(MARKETS[market]))
    r = _rates(rates, MARKETS[market])[list(MARKETS[market])]
    return r.index[r.notna().sum(axis=1) >= min_points]


def curve_on(month, market: str = "jgb", rates: pd.DataFrame | None = None) -> pd.Series:
    """The ``market`` curve at month-end ``month`` ('2026-02' or a Period): yields by tenor (years)."""
    check_choice("market", market, tuple(MARKETS))
    r = _rates(rates, MARKETS[market])
    ok = months_with_curve(market, r)
    if not isinstance(month, (str, pd.Period, datetime.date, np.datetime64)):
        raise TypeError(f"month must be a month written YYYY-MM (text or a Period); got {type(month).__name__}")
    try:
        m = pd.Period(month, freq="M")
    except (ValueError, TypeError):
        raise InputError("month", month, "a month written YYYY-MM") from None
    if pd.isna(m):
        raise InputError("month", month, "a month written YYYY-MM")
    if ok.empty:
        raise InputError("rates", "a table without any month of this curve", f"at least one month where the {MARKET_LABELS[market]} curve has data")
    if m not in ok:
        raise InputError("month", str(m), f"a month in {ok[0]}..{ok[-1]} where the {MARKET_LABELS[market]} curve has data")
    row = r.loc[m, list(MARKETS[market])].dropna()
    return pd.Series(row.to_numpy(float), index=pd.Index([MARKETS[market][c] for c in row.index], name="tenor_years"),
                     name=f"{market} {m}")


@dataclass(frozen=True)
class NelsonSiegel:
    """y(τ) = β0 + β1·f1(τ/λ1) + β2·f2(τ/λ1) [+ β3·f2(τ/λ2) for Svensson], f1(x) = (1−e^{−x})/x, f2 = f1 − e^{−x}."""

    beta: tuple
    lam: tuple

    def __post_init__(self):
        lam = np.atleast_1d(check_range("lam", self.lam, 0.0, 1000.0, low_open=True))
        beta = np.atleast_1d(check_range("beta", self.beta, -1e9, 1e9))
        if lam.ndim != 1 or lam.size not in (1, 2):
            raise InputError("lam", self.lam, "one decay (Nelson–Siegel) or two (Svensson), in years")
        if beta.ndim != 1 or beta.size != 2 + lam.size:
            raise InputError("beta", self.beta, f"{2 + lam.size} coefficients for {lam.size} decay(s)")
        object.__setattr__(self, "beta", tuple(float(b) for b in beta))
        object.__setattr__(self, "lam", tuple(float(v) for v in lam))

    def __call__(self, tenor):
        t = np.asarray(check_range("tenor", tenor, 0.0, 100.0, low_open=True), float)
        return _ns_basis(t, self.lam) @ np.asarray(self.beta)


def _ns_basis(t: np.ndarray, lam) -> np.ndarray:
    """Factor loadings at tenors ``t`` for decays ``lam`` (one tuple, or an (n, 1|2) array of them:
    then a stack of n bases)."""
    lam = np.asarray(lam, float)
    lam = lam if lam.ndim == 1 else lam.T[:, :, None]  # a stack: (decay, n, 1)
    x = t / lam[0]
    f1 = -np.expm1(-x) / x
    cols = [np.ones_like(x), f1, f1 - np.exp(-x)]
    if len(lam) > 1:
        x2 = t / lam[1]
        cols.append(-np.expm1(-x2) / x2 - np.exp(-x2))
    return np.stack(cols, axis=-1)


def decay_bounds(tenors) -> tuple[float, float]:
    """The decays a fit may use for data at ``tenors``: from max(0.25, shortest / 2) years to
    longest / 1.79 years, where the curvature factor's hump (at 1.79 λ) reaches the longest tenor.

    A decay far below the shortest tenor makes the slope and curvature factors identical on the
    data (the fit then balances betas of ±1e7 against each other and explodes just outside it);
    one beyond the longest makes them straight lines, collinear with the level (λ = 100 before)."""
    t = np.asarray(check_range("tenors", tenors, 0.0, 100.0, low_open=True), float)
    return max(DECAY_BOUNDS[0], float(t.min()) / 2), float(t.max()) / HUMP_AT


def fit_nelson_siegel(curve: pd.Series, svensson: bool = False) -> tuple[NelsonSiegel, pd.Series]:
    """Least-squares Nelson–Siegel(–Svensson) fit; returns the model and the residuals (fit − data).

    For each decay λ on a grid the betas are linear, so they are solved exactly; the λ with the
    smallest squared error wins (a profile-likelihood search, with no starting-value sensitivity),
    then a bounded local polish (L-BFGS-B) refines it. Decays stay within :func:`decay_bounds`; Svensson's
    satisfy λ2 ≥ DECAY_RATIO·λ1 throughout, the polish included. The curve needs at least 3 points
    (4 for Svensson) and a longest tenor that leaves room for the decays (about 0.45 years; 0.9
    for Svensson). The residuals are indexed by tenor, shortest first.
    """
    svensson = check_bool("svensson", svensson)
    need = 4 if svensson else 3
    curve = _sorted(curve, need, "for this fit")
    t = np.asarray(curve.index, float)
    y = np.asarray(curve.to_numpy(), float)
    lo, hi = decay_bounds(t)
    r = DECAY_RATIO
    if hi < lo * (r if svensson else 1.0):
        raise InputError("curve", f"tenors up to {t.max():g} years", f"a longest tenor of at least "
                                                                      f"{lo * (r if svensson else 1.0) * HUMP_AT:g} years for this fit")
    grid = np.geomspace(lo, hi, 24)  # coarse: the local polish below does the fine work
    lams = [(a,) for a in grid] if not svensson else [(a, b) for a in grid for b in grid if b >= a * r * (1 - 1e-12)]
    # Every λ on the grid at once: a stack of small least-squares problems solved by batched SVD.
    X = _ns_basis(t, np.array(lams))                              # (n_lam, n_t, k)
    beta = np.einsum("lkt,t->lk", np.linalg.pinv(X), y)           # (n_lam, k)
    sse = np.sum((np.einsum("ltk,lk->lt", X, beta) - y) ** 2, axis=1)
    i = int(np.argmin(sse))

    def decays(z) -> tuple:  # log-decays → decays inside the bounds, λ2 ≥ r·λ1
        l1 = float(np.clip(np.exp(z[0]), lo, hi / r if svensson else hi))
        return (l1,) if not svensson else (l1, float(np.clip(max(np.exp(z[1]), r * l1), r * lo, hi)))

    def profile(z):  # SSE with the betas solved exactly for these decays
        Xl = _ns_basis(t, decays(z))
        b, *_ = np.linalg.lstsq(Xl, y, rcond=None)
        return float(np.sum((Xl @ b - y) ** 2)), tuple(float(v) for v in b)

    # Polish the best grid point within the bounds (L-BFGS-B; the SSE scaled to about 1 for its tolerances).
    bounds = [(np.log(lo), np.log(hi / r if svensson else hi))] + ([(np.log(r * lo), np.log(hi))] if svensson else [])
    z0 = np.log(lams[i])
    scale = max(float(sse[i]), 1e-300)
    res = minimize(lambda z: profile(z)[0] / scale, z0, method="L-BFGS-B", bounds=bounds, options={"ftol": 1e-12, "gtol": 1e-10})
    z = res.x if res.fun * scale <= sse[i] else z0
    model = NelsonSiegel(profile(z)[1], decays(z))
    return model, pd.Series(model(t) - y, index=curve.index, name="fit error")


def curve_function(curve: pd.Series, method: str = "pchip"):
    """A function tenor → yield through ``curve``: 'pchip' (monotone between points, exact at
    them), 'linear', 'nelson_siegel' or 'svensson' (fitted once here). Tenors beyond the data are
    held flat by the interpolators and extrapolated by the fitted functions: both are guesses, so
    charts draw only :func:`drawn_tenors` and read-outs say so (:func:`tenor_note`).

    The interpolators need at least two points (a single yield says nothing about the curve's
    shape, so there is no flat-curve fallback); the fits need 3 (Nelson–Siegel) or 4 (Svensson).
    The function takes tenors in (0, 100] years."""
    check_choice("method", method, ("pchip", "linear", "nelson_siegel", "svensson"))
    if method in ("nelson_siegel", "svensson"):
        model, _ = fit_nelson_siegel(curve, svensson=method == "svensson")
        return model
    t, y = _curve(curve, 2)
    spline = None if method == "linear" else PchipInterpolator(t, y, extrapolate=False)

    def at(tenor):
        tt = np.clip(np.asarray(check_range("tenor", tenor, 0.0, 100.0, low_open=True), float), t[0], t[-1])
        return np.interp(tt, t, y) if spline is None else spline(tt)

    return at


def drawn_tenors(curve: pd.Series, points: int = 160) -> np.ndarray:
    """Tenors to draw ``curve``'s line at: ``points`` (2 to 100,000) from its shortest to its
    longest tenor, plus the data tenors themselves; never beyond the data."""
    t, _ = _curve(curve, 1)
    points = check_int("points", points, 2, 100_000)
    return np.union1d(np.linspace(t.min(), t.max(), points), t)


def tenor_note(curve: pd.Series, tenor: float) -> str:
    """How a yield at ``tenor`` (years, in (0, 100]) is read off ``curve``: 'data', 'interpolated …'
    or 'extrapolated …'."""
    t, _ = _curve(curve, 1)
    tenor = check_number("tenor", tenor, 0.0, 100.0, low_open=True)
    if np.any(np.isclose(t, tenor)):
        return "data"
    if tenor > t.max() or tenor < t.min():
        edge = t.max() if tenor > t.max() else t.min()
        return f"extrapolated: the {edge:g}-year yield held flat (no {tenor:g}-year yield in the data this month)"
    return f"interpolated between the {t[t < tenor].max():g}- and {t[t > tenor].min():g}-year yields"


def interpolate(curve: pd.Series, tenors, method: str = "pchip"):
    """Yields at ``tenors`` (years, in (0, 100]) through ``curve`` (see :func:`curve_function` for
    the methods; the curve's points may come in any order)."""
    tt = np.asarray(check_range("tenors", tenors, 0.0, 100.0, low_open=True), float)
    return curve_function(curve, method)(tt)


def history(column: str, rates: pd.DataFrame | None = None) -> pd.Series:
    """Month-end history of one column of the rates table (e.g. 'jgb_30y'), NaNs dropped."""
    check_str("column", column)
    r = _rates(rates)
    if column not in r.columns:
        raise InputError("column", column, "a column of data/rates_monthly.csv such as " + ", ".join(list(r.columns)[:5]))
    return r[column].dropna()


def negative_yield_table(rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each JGB tenor: months with a negative month-end yield, first and last such month, the low
    (None where a tenor has no data)."""
    r = _rates(rates, MARKETS["jgb"])
    rows = []
    for col, tenor in MARKETS["jgb"].items():
        s = r[col].dropna()
        neg = s[s < 0]
        if s.empty:
            rows.append({"tenor_years": tenor, "months_negative": 0, "first_negative": None, "last_negative": None,
                         "lowest": np.nan, "lowest_month": None, "latest": np.nan, "latest_month": None})
            continue
        rows.append({"tenor_years": tenor, "months_negative": int(neg.size),
                     "first_negative": str(neg.index[0]) if neg.size else None,
                     "last_negative": str(neg.index[-1]) if neg.size else None,
                     "lowest": float(s.min()), "lowest_month": str(s.idxmin()), "latest": float(s.iloc[-1]),
                     "latest_month": str(s.index[-1])})
    return pd.DataFrame(rows).set_index("tenor_years")


def quarterly_heatmap_data(market: str = "jgb", rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quarter-end yields by tenor in long form (quarter, tenor_years, yield) for a heat map."""
    check_choice("market", market, tuple(MARKETS))
    r = _rates(rates, MARKETS[market])[list(MARKETS[market])]
    q = r[r.index.month % 3 == 0]
    long = q.rename(columns=MARKETS[market]).rename_axis("month").reset_index().melt(
        id_vars="month", var_name="tenor_years", value_name="yield").dropna()
    long["quarter"] = long.pop("month").dt.asfreq("Q").dt.start_time
    return long[["quarter", "tenor_years", "yield"]]


def negative_reach(curve: pd.Series) -> float:
    """Longest maturity (years) at which the monotone (PCHIP) curve through ``curve`` is below zero:
    its last zero crossing. 0 if no yield is negative; the longest tenor if the last one is. Missing
    (NaN) yields are dropped first."""
    check_instance("curve", curve, pd.Series, "a pandas Series of yields (decimals) indexed by tenor in years")
    return _reach(*_curve(curve.dropna(), 1, "with a yield"))


def _reach(t: np.ndarray, y: np.ndarray) -> float:
    """:func:`negative_reach` of checked yields ``y`` at increasing tenors ``t``."""
    neg = np.flatnonzero(y < 0)
    if neg.size == 0:
        return 0.0
    i = int(neg[-1])
    if i == t.size - 1:
        return float(t[-1])
    # PCHIP is monotone between neighbouring points, so it crosses zero once between t[i] and t[i+1]
    return float(brentq(PchipInterpolator(t, y), t[i], t[i + 1], xtol=1e-10))


_DAILY_SCHEMA = [Column("date", "text")] + [Column(f"jgb_{t}y_pct", "float", -5.0, 25.0, required=False) for t in JGB_TENORS]


@lru_cache(maxsize=2)
def _daily_cached(path: str) -> pd.DataFrame:
    p = Path(path)
    try:
        raw = _read(p)
    except DataError:
        raise
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise DataError(f"{p.name}: not a readable CSV table ({type(e).__name__})") from None
    df = _validate(raw, p, _DAILY_SCHEMA, key="date")
    d = pd.to_datetime(df.pop("date"), format="%Y-%m-%d", errors="coerce")
    bad = d.isna().to_numpy() | np.r_[False, ~(np.diff(d.to_numpy()) > np.timedelta64(0))]
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 2
        raise DataError(f"{p.name}, row {row}: date is not YYYY-MM-DD or not after the row above")
    out = df.rename(columns=lambda c: c.removesuffix("_pct")) / 100.0
    out.index = pd.DatetimeIndex(d, name="date")
    return out


def load_jgb_daily(path: str | Path | None = None) -> pd.DataFrame:
    """Daily JGB constant-maturity yields (MoF) from 2014, as decimals, indexed by date; columns
    ``jgb_1y`` … ``jgb_40y``. Schema-checked like the other tables (``data/jgb_daily.csv``, built by
    ``scripts/build_jgb_daily.py``). It lives here, not in :mod:`fundlib.data`, only because that
    module is at its length limit."""
    p = data_dir() / "jgb_daily.csv" if path is None else check_path("path", path)
    if p.is_dir():
        raise InputError("path", str(p), "a CSV file (this is a folder)")
    return _daily_cached(str(p)).copy()


def _daily(daily) -> pd.DataFrame:
    """``daily`` (or :func:`load_jgb_daily` when None): a table with every JGB yield column, numbers."""
    if daily is None:
        return load_jgb_daily()
    cols = list(MARKETS["jgb"])
    check_frame("daily", daily, cols, min_rows=0)
    for c in cols:
        if not pd.api.types.is_numeric_dtype(daily[c]):
            raise TypeError(f"daily[{c!r}] must hold numbers (yields as decimals); got {daily[c].dtype}")
    return daily


def daily_negative_reach(daily: pd.DataFrame | None = None) -> pd.Series:
    """For every day: the longest JGB maturity (years) whose yield was below zero
    (:func:`negative_reach` of that day's curve; 0 when none was)."""
    d = _daily(daily)
    cols = list(MARKETS["jgb"])
    vals = d[cols].to_numpy(float)
    check_range("daily", vals[~np.isnan(vals)], -0.5, 1.0, allow_empty=True)   # NaN: no yield that day
    tenors = np.array([MARKETS["jgb"][c] for c in cols])
    out = np.zeros(len(d))
    for k in np.flatnonzero((vals < 0).any(axis=1)):
        ok = ~np.isnan(vals[k])
        out[k] = _reach(tenors[ok], vals[k][ok])
    return pd.Series(out, index=d.index, name="negative_to_years")


def last_negative_day(daily: pd.DataFrame | None = None) -> tuple[pd.Timestamp, pd.Series]:
    """The last day any JGB maturity yielded below zero, and the negative yields of that day."""
    d = _daily(daily)[list(MARKETS["jgb"])]
    neg = d[(d < 0).any(axis=1)]
    if neg.empty:
        raise InputError("daily", "no negative yield", "a table with at least one negative yield")
    row = neg.iloc[-1]
    return neg.index[-1], row[row < 0].rename(index=MARKETS["jgb"])
