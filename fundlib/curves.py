"""Yield curves from ``data/rates_monthly.csv``: the JGB and UST curves on any month, interpolated
across tenors (monotone PCHIP, or a Nelson–Siegel / Nelson–Siegel–Svensson fit with its error).
Used by notebook 03 (the curves app and the negative-yield check).

Tenors are in years; yields are decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator
from scipy.optimize import minimize

from fundlib._validate import InputError, check_choice, check_range
from fundlib.data import JGB_TENORS, UST_TENORS, load_rates_monthly

__all__ = ["MARKETS", "curve_on", "months_with_curve", "interpolate", "curve_function", "NelsonSiegel", "fit_nelson_siegel",
           "history", "negative_yield_table", "quarterly_heatmap_data"]

MARKETS = {
    "jgb": {f"jgb_{t}y": float(t) for t in JGB_TENORS},
    "ust": {f"ust_{k}": float(v) for k, v in UST_TENORS.items()},
}
MARKET_LABELS = {"jgb": "JGB (Japan)", "ust": "US Treasury"}


def _rates(rates: pd.DataFrame | None) -> pd.DataFrame:
    return load_rates_monthly() if rates is None else rates


def months_with_curve(market: str = "jgb", rates: pd.DataFrame | None = None, min_points: int = 4) -> pd.PeriodIndex:
    """Months on which ``market`` has at least ``min_points`` tenors with data."""
    check_choice("market", market, tuple(MARKETS))
    r = _rates(rates)[list(MARKETS[market])]
    return r.index[r.notna().sum(axis=1) >= min_points]


def curve_on(month, market: str = "jgb", rates: pd.DataFrame | None = None) -> pd.Series:
    """The ``market`` curve at month-end ``month`` ('2026-02' or a Period): yields by tenor (years)."""
    check_choice("market", market, tuple(MARKETS))
    r = _rates(rates)
    ok = months_with_curve(market, r)
    try:
        m = pd.Period(month, freq="M")
    except (ValueError, TypeError):
        raise InputError("month", month, "a month written YYYY-MM") from None
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

    def __call__(self, tenor):
        t = np.asarray(check_range("tenor", tenor, 0.0, 100.0, low_open=True), float)
        return _ns_basis(t, self.lam) @ np.asarray(self.beta)


def _ns_basis(t: np.ndarray, lam: tuple) -> np.ndarray:
    cols = [np.ones_like(t)]
    x = t / lam[0]
    f1 = -np.expm1(-x) / x
    cols += [f1, f1 - np.exp(-x)]
    if len(lam) > 1:
        x2 = t / lam[1]
        f1b = -np.expm1(-x2) / x2
        cols.append(f1b - np.exp(-x2))
    return np.stack(cols, axis=-1)


def fit_nelson_siegel(curve: pd.Series, svensson: bool = False) -> tuple[NelsonSiegel, pd.Series]:
    """Least-squares Nelson–Siegel(–Svensson) fit; returns the model and the residuals (fit − data).

    For each decay λ on a grid the betas are linear, so they are solved exactly; the λ with the
    smallest squared error wins (a profile-likelihood search, with no starting-value sensitivity).
    """
    t = np.asarray(curve.index, float)
    y = np.asarray(curve.to_numpy(), float)
    need = 4 if svensson else 3
    if t.size < need:
        raise InputError("curve", t.size, f"at least {need} tenors for this fit")
    grid = np.geomspace(0.2, 60.0, 24)  # coarse: the local polish below does the fine work
    lams = [(a,) for a in grid] if not svensson else [(a, b) for a in grid for b in grid if b > a * 1.5]
    # Every λ on the grid at once: a stack of small least-squares problems solved by batched SVD.
    X = np.stack([_ns_basis(t, lam) for lam in lams])            # (n_lam, n_t, k)
    beta = np.einsum("lkt,t->lk", np.linalg.pinv(X), y)           # (n_lam, k)
    sse = np.sum((np.einsum("ltk,lk->lt", X, beta) - y) ** 2, axis=1)
    i = int(np.argmin(sse))

    def profile(log_lam):  # SSE with the betas solved exactly for these decays
        lam = tuple(np.clip(np.exp(log_lam), 0.1, 100.0))  # keep the decays where the basis is well posed
        Xl = _ns_basis(t, lam)
        b, *_ = np.linalg.lstsq(Xl, y, rcond=None)
        return float(np.sum((Xl @ b - y) ** 2)), tuple(b)

    # Polish the best grid point locally (the grid guarantees a sensible start).
    res = minimize(lambda z: profile(z)[0], np.log(lams[i]), method="Nelder-Mead",
                   options={"xatol": 1e-6, "fatol": 1e-16, "maxiter": 400})
    lam_best = tuple(np.clip(np.exp(res.x), 0.1, 100.0)) if res.fun <= sse[i] else lams[i]
    best = (None, profile(np.log(lam_best))[1], lam_best)
    model = NelsonSiegel(best[1], best[2])
    return model, pd.Series(model(t) - y, index=curve.index, name="fit error")


def curve_function(curve: pd.Series, method: str = "pchip"):
    """A function tenor → yield through ``curve``: 'pchip' (monotone between points, exact at
    them), 'linear', 'nelson_siegel' or 'svensson' (fitted once here). Tenors beyond the data are
    held flat by the interpolators and extrapolated by the fitted functions."""
    check_choice("method", method, ("pchip", "linear", "nelson_siegel", "svensson"))
    t = np.asarray(curve.index, float)
    y = np.asarray(curve.to_numpy(), float)
    if method in ("nelson_siegel", "svensson"):
        model, _ = fit_nelson_siegel(curve, svensson=method == "svensson")
        return model
    if method == "linear":
        return lambda tt: np.interp(np.clip(np.asarray(tt, float), t.min(), t.max()), t, y)
    spline = PchipInterpolator(t, y, extrapolate=False)
    return lambda tt: spline(np.clip(np.asarray(tt, float), t.min(), t.max()))


def interpolate(curve: pd.Series, tenors, method: str = "pchip"):
    """Yields at ``tenors`` through ``curve`` (see :func:`curve_function` for the methods)."""
    tt = np.asarray(check_range("tenors", tenors, 0.0, 100.0, low_open=True), float)
    return curve_function(curve, method)(tt)


def history(column: str, rates: pd.DataFrame | None = None) -> pd.Series:
    """Month-end history of one column of the rates table (e.g. 'jgb_30y'), NaNs dropped."""
    r = _rates(rates)
    if column not in r.columns:
        raise InputError("column", column, "a column of data/rates_monthly.csv such as " + ", ".join(list(r.columns)[:5]))
    return r[column].dropna()


def negative_yield_table(rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each JGB tenor: months with a negative month-end yield, first and last such month, the low."""
    r = _rates(rates)
    rows = []
    for col, tenor in MARKETS["jgb"].items():
        s = r[col].dropna()
        neg = s[s < 0]
        rows.append({"tenor_years": tenor, "months_negative": int(neg.size),
                     "first_negative": str(neg.index[0]) if neg.size else None,
                     "last_negative": str(neg.index[-1]) if neg.size else None,
                     "lowest": float(s.min()), "lowest_month": str(s.idxmin()), "latest": float(s.iloc[-1]),
                     "latest_month": str(s.index[-1])})
    return pd.DataFrame(rows).set_index("tenor_years")


def quarterly_heatmap_data(market: str = "jgb", rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quarter-end yields by tenor in long form (quarter, tenor_years, yield) for a heat map."""
    check_choice("market", market, tuple(MARKETS))
    r = _rates(rates)[list(MARKETS[market])]
    q = r[r.index.month % 3 == 0]
    long = q.rename(columns=MARKETS[market]).rename_axis("month").reset_index().melt(
        id_vars="month", var_name="tenor_years", value_name="yield").dropna()
    long["quarter"] = long.pop("month").dt.asfreq("Q").dt.start_time
    return long[["quarter", "tenor_years", "yield"]]
