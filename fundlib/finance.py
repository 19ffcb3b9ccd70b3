"""Cash-flow mathematics: NPV, IRR, XIRR, annuities, MOIC, payback and duration.
Used by every notebook from 01 on, through the models and directly in worked examples.

Conventions: rates are decimals; annual periods ``t = 0, 1, …, T-1`` on the last axis of a
cash-flow array, the flow at ``t = 0`` undiscounted; leading axes are scenarios.

The batch IRR solver is written for speed: the NPV polynomial in the discount factor
``x = 1 / (1 + r)`` is evaluated by Horner's rule together with its derivative, Newton steps
run only on rows that have not converged, and any row Newton cannot settle falls back to a
bracketed bisection. A batch of 100,000 forty-year vectors is solved in one call.
"""

from __future__ import annotations

import datetime as _dt
from typing import Sequence

import numpy as np

from fundlib._validate import InputError, as_cashflows, check_choice, check_range

__all__ = [
    "npv",
    "irr",
    "xirr",
    "xnpv",
    "annuity_payment",
    "annuity_factor",
    "moic",
    "payback_period",
    "discount_factors",
    "cashflow_duration",
]

_NEWTON_MAXITER = 60
_TOL_X = 1e-13


def discount_factors(rate, periods: int) -> np.ndarray:
    """(1 + rate)^-t for t = 0..periods-1, broadcasting ``rate`` over leading axes."""
    r = np.asarray(check_range("rate", rate, -1.0, np.inf, low_open=True), dtype=float)
    t = np.arange(periods, dtype=float)
    return (1.0 + r[..., None]) ** -t


def npv(rate, cashflows) -> np.ndarray | float:
    """Net present value Σ cf[..., t] / (1 + rate)^t, t = 0..T-1.

    ``rate`` broadcasts against the leading axes of ``cashflows`` (scenarios).
    Evaluated by Horner's rule, so one pass over the periods serves every scenario.
    """
    cf = as_cashflows("cashflows", cashflows)
    r = np.asarray(check_range("rate", rate, -1.0, np.inf, low_open=True), dtype=float)
    x = 1.0 / (1.0 + r)
    value, _ = _horner(cf, x, derivative=False)
    return float(value) if np.ndim(value) == 0 else value


def _horner(cf: np.ndarray, x: np.ndarray, derivative: bool = True):
    """Σ cf_t x^t and its derivative in x, by Horner's rule over the last axis of cf."""
    p, dp = _horner_t(np.moveaxis(cf, -1, 0), x, derivative)
    return p, dp


def _horner_t(cft: np.ndarray, x: np.ndarray, derivative: bool = True):
    """Horner's rule with time on the *first* axis (contiguous rows per period), in place."""
    n = cft.shape[0]
    shape = np.broadcast_shapes(cft.shape[1:], np.shape(x))
    p = np.array(np.broadcast_to(cft[n - 1], shape), dtype=float)
    dp = np.zeros(shape) if derivative else None
    for t in range(n - 2, -1, -1):
        if derivative:
            dp *= x
            dp += p
        p *= x
        p += cft[t]
    return p, dp


def _sign_change(cf: np.ndarray) -> np.ndarray:
    return np.any(cf > 0, axis=-1) & np.any(cf < 0, axis=-1)


def irr(cashflows, guess: float = 0.1) -> np.ndarray | float:
    """Internal rate of return of each cash-flow row (time on the last axis).

    Returns the rate ``r > -1`` with ``npv(r, cf) = 0``, vectorized over leading axes; NaN where
    the flows never change sign (no IRR exists) or no root is found. For conventional flows
    (one sign change) the root is unique; otherwise the root nearest the Newton path from
    ``guess`` is returned, as spreadsheets do.
    """
    cf = as_cashflows("cashflows", cashflows, min_periods=2)
    guess = check_range("guess", guess, -1.0, np.inf, low_open=True)
    shape = cf.shape[:-1]
    flat = cf.reshape(-1, cf.shape[-1])
    out = np.full(flat.shape[0], np.nan)
    rows = np.flatnonzero(_sign_change(flat))
    if rows.size:
        x = _newton_discount(flat[rows], 1.0 / (1.0 + guess))
        ok = np.isfinite(x)
        out[rows[ok]] = 1.0 / x[ok] - 1.0
        if not ok.all():
            out[rows[~ok]] = _bisect_irr(flat[rows[~ok]])
    out = out.reshape(shape)
    return float(out) if out.ndim == 0 else out


def _newton_discount(cf: np.ndarray, x0: float) -> np.ndarray:
    """Newton's method on f(x) = Σ cf_t x^t for x = 1/(1+r) > 0; NaN for rows that fail.

    Rows that settle (or fail) drop out of the working set, which is compacted only when
    enough rows have left to pay for the copy.
    """
    result = np.full(cf.shape[0], np.nan)
    active = np.arange(cf.shape[0])
    sub = np.ascontiguousarray(cf.T)  # time first: each Horner step reads one contiguous row
    x = np.full(cf.shape[0], x0)
    live = np.ones(cf.shape[0], dtype=bool)
    for _ in range(_NEWTON_MAXITER):
        f, df = _horner_t(sub, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = f / df
        x_new = x - step
        bad = ~np.isfinite(x_new) | (x_new <= 0.0)
        done = live & ~bad & (np.abs(step) <= _TOL_X * np.maximum(1.0, np.abs(x_new)))
        result[active[done]] = x_new[done]
        live &= ~done & ~bad
        n_live = np.count_nonzero(live)
        if n_live == 0:
            break
        x = np.where(live, x_new, x0)
        if n_live < 0.5 * live.size:
            active, x, sub, live = active[live], x[live], np.ascontiguousarray(sub[:, live]), live[live]
    return result


# Brackets for the fallback, as discount factors x = 1/(1+r): r from 1e6 down to -0.999999.
_X_GRID = 1.0 / (1.0 + np.array([1e6, 1e3, 100.0, 10.0, 3.0, 1.0, 0.5, 0.25, 0.1, 0.0,
                                  -0.1, -0.25, -0.5, -0.75, -0.9, -0.99, -0.999999]))


def _bisect_irr(cf: np.ndarray) -> np.ndarray:
    """Bracketed bisection on x for rows Newton could not settle (vectorized over rows)."""
    vals = np.stack([_horner(cf, np.full(cf.shape[0], g), derivative=False)[0] for g in _X_GRID], axis=1)
    change = np.signbit(vals[:, :-1]) != np.signbit(vals[:, 1:])
    has = change.any(axis=1)
    # Prefer the bracket nearest r = 10% (grid index 8) for multi-root rows.
    dist = np.where(change, np.abs(np.arange(change.shape[1]) - 8), 99)
    k = dist.argmin(axis=1)
    lo, hi = _X_GRID[k], _X_GRID[k + 1]
    flo = vals[np.arange(len(k)), k]
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        fm, _ = _horner(cf, mid, derivative=False)
        left = np.signbit(fm) == np.signbit(flo)
        lo = np.where(left, mid, lo)
        flo = np.where(left, fm, flo)
        hi = np.where(left, hi, mid)
        if np.all(hi - lo <= _TOL_X * hi):
            break
    x = 0.5 * (lo + hi)
    return np.where(has, 1.0 / x - 1.0, np.nan)


def _year_fractions(dates: Sequence) -> np.ndarray:
    try:
        d = np.asarray([np.datetime64(_to_date(v), "D") for v in dates])
    except (TypeError, ValueError):
        raise InputError("dates", dates, "dates (datetime.date, numpy datetime64 or ISO strings)") from None
    return (d - d[0]).astype(float) / 365.0


def _to_date(v):
    if isinstance(v, _dt.datetime):
        return v.date()
    if hasattr(v, "to_pydatetime"):
        return v.to_pydatetime().date()
    return v


def xnpv(rate, dates, amounts) -> float | np.ndarray:
    """Σ a_i (1 + rate)^(-(d_i - d_0)/365), ACT/365F from the first date."""
    tau = _year_fractions(dates)
    a = as_cashflows("amounts", amounts)
    if a.shape[-1] != tau.size:
        raise InputError("amounts", a.shape, f"{tau.size} amounts on the last axis, one per date")
    r = np.asarray(check_range("rate", rate, -1.0, np.inf, low_open=True), dtype=float)
    value = np.sum(a * (1.0 + r[..., None]) ** -tau, axis=-1)
    return float(value) if np.ndim(value) == 0 else value


def xirr(dates, amounts, guess: float = 0.1) -> float | np.ndarray:
    """Annual rate r solving Σ a_i (1+r)^(-(d_i - d_0)/365) = 0 (ACT/365F, as spreadsheets' XIRR).

    ``amounts`` may carry scenarios on leading axes (one set of dates). NaN when the amounts never
    change sign or no root exists.
    """
    tau = _year_fractions(dates)
    a = as_cashflows("amounts", amounts, min_periods=2)
    if a.shape[-1] != tau.size:
        raise InputError("amounts", a.shape, f"{tau.size} amounts on the last axis, one per date")
    if tau.min() < 0:
        raise InputError("dates", list(dates)[:3], "a first date no later than any other date")
    flat = a.reshape(-1, a.shape[-1])
    out = np.full(flat.shape[0], np.nan)
    rows = np.flatnonzero(_sign_change(flat))
    # Solve in y = log(1+r): f(y) = Σ a exp(-τ y) is smooth, and y is unbounded for r > -1.
    y = np.full(rows.size, np.log1p(guess))
    sub, act = flat[rows], np.arange(rows.size)
    res = np.full(rows.size, np.nan)
    for _ in range(_NEWTON_MAXITER):
        e = np.exp(-np.outer(y, tau))
        f = np.sum(sub * e, axis=1)
        df = -np.sum(sub * tau * e, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = f / df
        y_new = y - step
        bad = ~np.isfinite(y_new) | (np.abs(y_new) > 50)
        done = ~bad & (np.abs(step) <= 1e-14 * np.maximum(1.0, np.abs(y_new)))
        res[act[done]] = y_new[done]
        keep = ~done & ~bad
        if not keep.any():
            break
        act, y, sub = act[keep], y_new[keep], sub[keep]
    miss = ~np.isfinite(res)
    if miss.any():
        res[miss] = _bisect_xirr(flat[rows[miss]], tau)
    out[rows] = np.expm1(res)
    out = out.reshape(a.shape[:-1])
    return float(out) if out.ndim == 0 else out


def _bisect_xirr(a: np.ndarray, tau: np.ndarray) -> np.ndarray:
    grid = np.log1p(np.array([-0.999999, -0.99, -0.9, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 10.0, 1e3, 1e6]))
    vals = np.stack([np.sum(a * np.exp(-g * tau), axis=1) for g in grid], axis=1)
    change = np.signbit(vals[:, :-1]) != np.signbit(vals[:, 1:])
    has = change.any(axis=1)
    k = np.where(change, np.abs(np.arange(change.shape[1]) - 5), 99).argmin(axis=1)
    lo, hi = grid[k], grid[k + 1]
    flo = vals[np.arange(len(k)), k]
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        fm = np.sum(a * np.exp(-np.outer(mid, tau)), axis=1)
        left = np.signbit(fm) == np.signbit(flo)
        lo, flo, hi = np.where(left, mid, lo), np.where(left, fm, flo), np.where(left, hi, mid)
        if np.all(hi - lo <= 1e-15):
            break
    return np.where(has, 0.5 * (lo + hi), np.nan)


def annuity_factor(rate, periods) -> np.ndarray | float:
    """Present value of 1 paid at the end of each of ``periods`` periods: (1 - (1+r)^-n) / r."""
    r = np.asarray(check_range("rate", rate, -1.0, np.inf, low_open=True), dtype=float)
    n = np.asarray(check_range("periods", periods, 0.0, np.inf, low_open=True), dtype=float)
    small = np.abs(r) < 1e-9
    safe = np.where(small, 1.0, r)
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = -np.expm1(-n * np.log1p(safe)) / safe
    # Second-order expansion near r = 0 avoids cancellation.
    near = n - r * n * (n + 1) / 2.0
    out = np.where(small, near, exact)
    return float(out) if out.ndim == 0 else out


def annuity_payment(rate, periods, present_value, *, when: str = "end") -> np.ndarray | float:
    """Level payment that repays ``present_value`` over ``periods`` at ``rate`` per period.

    Positive for a positive loan amount (the opposite sign convention to spreadsheets' PMT).
    ``when='begin'`` pays at the start of each period.
    """
    check_choice("when", when, ("end", "begin"))
    pv = np.asarray(check_range("present_value", present_value), dtype=float)
    r = np.asarray(rate, dtype=float)
    pmt = pv / annuity_factor(rate, periods)
    if when == "begin":
        pmt = pmt / (1.0 + r)
    return float(pmt) if np.ndim(pmt) == 0 else pmt


def moic(cashflows) -> np.ndarray | float:
    """Multiple on invested capital: Σ positive flows / Σ |negative flows|; NaN with no outflow."""
    cf = as_cashflows("cashflows", cashflows)
    paid_in = -np.sum(np.where(cf < 0, cf, 0.0), axis=-1)
    back = np.sum(np.where(cf > 0, cf, 0.0), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(paid_in > 0, back / np.where(paid_in > 0, paid_in, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def payback_period(cashflows, rate=None) -> np.ndarray | float:
    """Years until cumulative (optionally discounted) cash flow first turns non-negative for good.

    Interpolated linearly within the year it crosses zero; NaN if it never pays back.
    """
    cf = as_cashflows("cashflows", cashflows)
    if rate is not None:
        cf = cf * discount_factors(rate, cf.shape[-1])
    cum = np.cumsum(cf, axis=-1)
    neg = cum < 0
    # Last period still under water; payback happens in the following period.
    T = cf.shape[-1]
    any_neg = neg.any(axis=-1)
    last_neg = T - 1 - np.argmax(neg[..., ::-1], axis=-1)
    paid = ~neg[..., -1]
    k = np.minimum(last_neg + 1, T - 1)
    prev = np.take_along_axis(cum, last_neg[..., None], axis=-1)[..., 0]
    step = np.take_along_axis(cf, k[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(step > 0, -prev / np.where(step > 0, step, 1.0), 0.0)
    out = np.where(any_neg, last_neg + frac, 0.0)
    out = np.where(paid, out, np.nan)
    return float(out) if np.ndim(out) == 0 else out


def cashflow_duration(rate, cashflows) -> np.ndarray | float:
    """Macaulay duration (years) of the inflows of a cash-flow vector: Σ t·PV(cf_t⁺) / Σ PV(cf_t⁺).

    How long, on average, until the money comes back; for a bullet bond's flows it equals the
    bond's Macaulay duration. NaN where there are no inflows.
    """
    cf = as_cashflows("cashflows", cashflows)
    pos = np.where(cf > 0, cf, 0.0) * discount_factors(rate, cf.shape[-1])
    t = np.arange(cf.shape[-1], dtype=float)
    tot = pos.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(tot > 0, (pos * t).sum(axis=-1) / np.where(tot > 0, tot, 1.0), np.nan)
    return float(out) if np.ndim(out) == 0 else out
