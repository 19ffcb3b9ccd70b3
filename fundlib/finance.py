"""Cash-flow mathematics: NPV, IRR, XIRR, annuities, MOIC, payback and duration.
Used by every notebook from 01 on, through the models and directly in worked examples.

Conventions: rates are decimals; annual periods ``t = 0, 1, …, T-1`` on the last axis of a
cash-flow array, the flow at ``t = 0`` undiscounted; leading axes are scenarios. A ``rate`` may be a
number or an array that broadcasts against those leading axes. Rates must exceed -100% (-1); NaN in
a result means "does not exist" (no IRR, no payback, no inflow), never a failed computation. Input
that is not a finite number, has the wrong shape, or makes a present value overflow floating point
(a rate near -100% over many periods) is refused with an InputError naming the parameter.

The batch IRR solver is written for speed: the NPV polynomial in the discount factor
``x = 1 / (1 + r)`` is evaluated by Horner's rule together with its derivative, Newton steps
run only on rows that have not converged, and any row Newton cannot settle falls back to a
bracketed bisection. A batch of 100,000 forty-year vectors is solved in one call.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from fundlib._validate import InputError, as_cashflows, broadcast, check_choice, check_int, check_number, check_range

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


_MAX_PERIODS = 100_000


def _rate(rate, cf: np.ndarray | None = None, flows: str = "cashflows") -> np.ndarray:
    """``rate`` (> -1) as an array; with ``cf``, it must broadcast against cf's leading axes."""
    r = np.asarray(check_range("rate", rate, -1.0, np.inf, low_open=True), dtype=float)
    if cf is not None:
        try:
            np.broadcast_shapes(r.shape, cf.shape[:-1])
        except ValueError:
            raise InputError(f"rate and {flows}", f"rate of shape {r.shape}, {flows} of shape {cf.shape}",
                             f"a rate shape that broadcasts against the leading (scenario) axes of {flows}, "
                             f"{cf.shape[:-1]}") from None
    return r


def _finite(value, rate, what: str = "present value"):
    """``value`` unchanged if finite; else the rate made the discounting overflow: InputError."""
    if not np.all(np.isfinite(value)):
        r = np.asarray(rate, float)
        raise InputError("rate", float(r.flat[0]) if r.size == 1 else rate,
                         f"a rate at which the {what} stays within floating-point range (near -100% the "
                         f"discount factors (1 + rate)^-t overflow)")
    return float(value) if np.ndim(value) == 0 else value


def discount_factors(rate, periods: int) -> np.ndarray:
    """(1 + rate)^-t for t = 0..periods-1, broadcasting ``rate`` over leading axes.

    ``periods`` is a whole number ≥ 0 (0 gives an empty last axis); ``rate`` > -1.
    """
    r = _rate(rate)
    n = check_int("periods", periods, 0, _MAX_PERIODS)
    t = np.arange(n, dtype=float)
    with np.errstate(over="ignore"):
        return _finite((1.0 + r[..., None]) ** -t, rate, "discount factor")


def npv(rate, cashflows) -> np.ndarray | float:
    """Net present value Σ cf[..., t] / (1 + rate)^t, t = 0..T-1.

    ``rate`` broadcasts against the leading axes of ``cashflows`` (scenarios). One flow is its own
    NPV (t = 0 is not discounted). Evaluated by Horner's rule, so one pass over the periods serves
    every scenario.
    """
    cf = as_cashflows("cashflows", cashflows)
    r = _rate(rate, cf)
    x = 1.0 / (1.0 + r)
    with np.errstate(over="ignore", invalid="ignore"):
        value, _ = _horner(cf, x, derivative=False)
    return _finite(value, rate)


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
    ``guess`` (one number > -1) is returned, as spreadsheets do. At least two periods are needed:
    ``irr([-1, x])`` is ``x - 1``.
    """
    cf = as_cashflows("cashflows", cashflows, min_periods=2)
    guess = check_number("guess", guess, -1.0, np.inf, low_open=True)
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


_DATE = "datetime.date, numpy datetime64, pandas Timestamp or ISO text such as '2025-01-31'"


def _year_fractions(dates, min_dates: int = 1) -> np.ndarray:
    """Years from the first date (ACT/365F), one per date; TypeError/InputError naming ``dates``."""
    if isinstance(dates, np.ndarray) and dates.ndim != 1:
        raise InputError("dates", f"an array of shape {dates.shape}", f"a one-dimensional list of dates ({_DATE})")
    if not isinstance(dates, (list, tuple, np.ndarray, pd.Series, pd.Index)):
        raise TypeError(f"dates must be a list of dates ({_DATE}); got {type(dates).__name__}")
    items = list(dates)
    if len(items) < min_dates:
        raise InputError("dates", items, f"a list of at least {min_dates} date(s) ({_DATE})")
    out = []
    for v in items:
        if v is None or isinstance(v, (bool, int, float, complex, np.number, np.bool_, list, tuple, dict, set, np.ndarray)):
            raise InputError("dates", v if isinstance(v, (int, float, type(None))) else repr(v)[:40], f"dates, each a {_DATE}")
        try:
            d = np.datetime64(_to_date(v), "D")
        except (TypeError, ValueError, OverflowError, AttributeError):
            d = np.datetime64("NaT")
        if np.isnat(d):
            raise InputError("dates", v if isinstance(v, str) else repr(v)[:40], f"dates, each a {_DATE}")
        out.append(d)
    d = np.asarray(out)
    return (d - d[0]).astype(float) / 365.0


def _to_date(v):
    if isinstance(v, _dt.datetime):
        return v.date()
    if hasattr(v, "to_pydatetime"):
        return v.to_pydatetime().date()
    return v


def _amounts(tau: np.ndarray, amounts, min_periods: int) -> np.ndarray:
    a = as_cashflows("amounts", amounts, min_periods=min_periods)
    if a.shape[-1] != tau.size:
        raise InputError("dates and amounts", f"{tau.size} dates, {a.shape[-1]} amounts on the last axis",
                         "one amount per date (the same number of dates and amounts)")
    return a


def xnpv(rate, dates, amounts) -> float | np.ndarray:
    """Σ a_i (1 + rate)^(-(d_i - d_0)/365), ACT/365F from the first date.

    One amount per date on the last axis of ``amounts`` (leading axes are scenarios, ``rate``
    broadcasts against them); at least one date."""
    tau = _year_fractions(dates)
    a = _amounts(tau, amounts, 1)
    r = _rate(rate, a, "amounts")
    with np.errstate(over="ignore", invalid="ignore"):
        value = np.sum(a * (1.0 + r[..., None]) ** -tau, axis=-1)
    return _finite(value, rate)


def xirr(dates, amounts, guess: float = 0.1) -> float | np.ndarray:
    """Annual rate r solving Σ a_i (1+r)^(-(d_i - d_0)/365) = 0 (ACT/365F, as spreadsheets' XIRR).

    ``amounts`` may carry scenarios on leading axes (one set of at least two dates, none before
    the first). NaN when the amounts never change sign or no root exists (e.g. every date equal).
    """
    tau = _year_fractions(dates, min_dates=2)
    a = _amounts(tau, amounts, 2)
    guess = check_number("guess", guess, -1.0, np.inf, low_open=True)
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
    """Present value of 1 paid at the end of each of ``periods`` periods: (1 - (1+r)^-n) / r.

    ``periods`` > 0 (a fraction of a period is allowed by the formula); ``rate`` > -1; the two
    broadcast together."""
    r = _rate(rate)
    n = np.asarray(check_range("periods", periods, 0.0, np.inf, low_open=True), dtype=float)
    r, n = broadcast(rate=r, periods=n)
    small = np.abs(r) < 1e-9
    safe = np.where(small, 1.0, r)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        exact = -np.expm1(-n * np.log1p(safe)) / safe
        # Second-order expansion near r = 0 avoids cancellation.
        near = n - r * n * (n + 1) / 2.0
    out = np.where(small, near, exact)
    if not np.all(np.isfinite(out) & (out > 0)):
        raise InputError("rate and periods", f"rate {_one(rate)}, periods {_one(periods)}",
                         "a rate and number of periods whose annuity factor stays within floating-point range")
    return float(out) if out.ndim == 0 else out


def _one(x):
    a = np.asarray(x, float)
    return f"{a.flat[0]:g}" if a.size == 1 else f"array of shape {a.shape}"


def annuity_payment(rate, periods, present_value, *, when: str = "end") -> np.ndarray | float:
    """Level payment that repays ``present_value`` over ``periods`` at ``rate`` per period.

    Positive for a positive loan amount (the opposite sign convention to spreadsheets' PMT).
    ``when='begin'`` pays at the start of each period. The three arguments broadcast together.
    """
    check_choice("when", when, ("end", "begin"))
    af = np.asarray(annuity_factor(rate, periods), dtype=float)
    pv = np.asarray(check_range("present_value", present_value), dtype=float)
    r = np.asarray(rate, dtype=float)
    r, af, pv = broadcast(rate=r, periods=af, present_value=pv)
    pmt = pv / af
    if when == "begin":
        pmt = pmt / (1.0 + r)
    if not np.all(np.isfinite(pmt)):
        raise InputError("present_value", present_value, "an amount whose level payment stays within floating-point range")
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

    Interpolated linearly within the year it crosses zero; NaN if it never pays back. ``rate``
    (None for undiscounted) broadcasts against the leading axes of ``cashflows``.
    """
    cf = as_cashflows("cashflows", cashflows)
    if rate is not None:
        _rate(rate, cf)
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
    _rate(rate, cf)
    pos = np.where(cf > 0, cf, 0.0) * discount_factors(rate, cf.shape[-1])
    t = np.arange(cf.shape[-1], dtype=float)
    tot = pos.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(tot > 0, (pos * t).sum(axis=-1) / np.where(tot > 0, tot, 1.0), np.nan)
    return float(out) if np.ndim(out) == 0 else out
