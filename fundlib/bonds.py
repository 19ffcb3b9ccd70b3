"""Fixed-coupon bullet bonds priced on a coupon date: price, yield, duration, DV01, convexity.
Used by notebook 03 (FILP issue cost and DV01) and notebook 04 (duration).

``ytm`` and ``coupon_rate`` are decimals per year; the yield compounds ``freq`` times a year and
the coupon is paid ``freq`` times a year. ``years`` must be a whole number of coupon periods.
Negative yields are valid (JGBs traded below zero in 2016–2021); the yield must stay above
``-freq`` so that the per-period discount factor is finite.

All functions broadcast over numpy arrays of their arguments.
"""

from __future__ import annotations

import numpy as np

from fundlib._validate import InputError, check_int, check_range

__all__ = ["bond_price", "bond_yield", "modified_duration", "macaulay_duration", "dv01", "convexity",
           "bond_cashflows"]


def _inputs(ytm, coupon_rate, years, freq, face):
    freq = check_int("freq", freq, 1, 12)
    check_range("face", face, 0.0, np.inf, low_open=True)
    check_range("coupon_rate", coupon_rate, -1.0, 1.0)
    yrs = np.asarray(check_range("years", years, 0.0, 100.0, low_open=True), dtype=float)
    n_float = yrs * freq
    n = np.rint(n_float)
    if np.any(np.abs(n_float - n) > 1e-9) or np.any(n < 1):
        raise InputError("years", years, f"a whole number of coupon periods (a multiple of 1/{freq} year)")
    if ytm is not None:
        check_range("ytm", ytm, -float(freq), 1.0, low_open=True)
    return freq, n.astype(int)


def _moments(ytm, coupon_rate, years, freq, face):
    """Price and the first two derivatives of price with respect to the annual yield."""
    freq, n = _inputs(ytm, coupon_rate, years, freq, face)
    y, c, n, face = np.broadcast_arrays(np.asarray(ytm, float), np.asarray(coupon_rate, float),
                                        n, np.asarray(face, float))
    k = np.arange(1, int(n.max()) + 1, dtype=float)  # coupon periods on the last axis
    live = k <= n[..., None]
    cf = np.where(live, (c * face / freq)[..., None], 0.0)
    cf = cf + np.where(k == n[..., None], face[..., None], 0.0)
    v = 1.0 / (1.0 + y / freq)
    disc = v[..., None] ** k
    price = np.sum(cf * disc, axis=-1)
    d1 = -np.sum(cf * (k / freq) * disc, axis=-1) * v
    d2 = np.sum(cf * (k * (k + 1) / freq**2) * disc, axis=-1) * v**2
    return price, d1, d2


def _out(a):
    return float(a) if np.ndim(a) == 0 else a


def bond_cashflows(coupon_rate: float, years: float, freq: int = 2, face: float = 100.0):
    """Times (years) and amounts of a bullet bond's remaining cash flows."""
    freq, n = _inputs(None, coupon_rate, years, freq, face)
    n = int(n)
    t = np.arange(1, n + 1) / freq
    amt = np.full(n, coupon_rate * face / freq)
    amt[-1] += face
    return t, amt


def bond_price(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """Price of a fixed-coupon bullet bond on a coupon date, yield compounded ``freq`` times a year."""
    return _out(_moments(ytm, coupon_rate, years, freq, face)[0])


def bond_yield(price, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """Yield to maturity that reproduces ``price`` (the inverse of :func:`bond_price`).

    Newton's method from the coupon rate; price is decreasing and convex in yield, so after at
    most one overshoot the iterates approach the root monotonically. Rows that stall fall back to
    bisection between -freq and 100%.
    """
    check_range("price", price, 0.0, np.inf, low_open=True)
    freq_i, _ = _inputs(None, coupon_rate, years, freq, face)
    p, c, yrs, f = np.broadcast_arrays(*(np.asarray(a, float) for a in (price, coupon_rate, years, face)))
    y = c.copy()
    lo_bound = -freq_i * 0.999999
    for _ in range(100):
        pr, d1, _ = _moments(y, c, yrs, freq_i, f)
        step = (pr - p) / d1
        y_new = np.clip(y - step, lo_bound, 1.0)
        if np.all(np.abs(y_new - y) < 1e-14):
            y = y_new
            break
        y = y_new
    pr = _moments(y, c, yrs, freq_i, f)[0]
    off = np.abs(pr - p) > 1e-9 * np.maximum(1.0, p)
    if np.any(off):
        lo = np.full(y.shape, lo_bound)
        hi = np.full(y.shape, 1.0)
        if np.any(_moments(hi, c, yrs, freq_i, f)[0] > p) or np.any(_moments(lo, c, yrs, freq_i, f)[0] < p):
            raise InputError("price", price, "a price reachable by a yield between -freq and 100% per year")
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            above = _moments(mid, c, yrs, freq_i, f)[0] > p
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        y = np.where(off, 0.5 * (lo + hi), y)
    return _out(y)


def modified_duration(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """-(dP/dy)/P in years: the percentage price change per unit change in the annual yield."""
    p, d1, _ = _moments(ytm, coupon_rate, years, freq, face)
    return _out(-d1 / p)


def macaulay_duration(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """Present-value-weighted average time of the cash flows, in years."""
    md = modified_duration(ytm, coupon_rate, years, freq, face)
    return _out(md * (1.0 + np.asarray(ytm, float) / freq))


def dv01(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """Price change for a 1 bp fall in yield, per ``face`` (first order: -dP/dy × 0.0001). Positive."""
    return _out(-_moments(ytm, coupon_rate, years, freq, face)[1] * 1e-4)


def convexity(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """(d²P/dy²)/P in years²: the curvature that makes the price gain from a fall beat the loss from a rise."""
    p, _, d2 = _moments(ytm, coupon_rate, years, freq, face)
    return _out(d2 / p)
