"""Fixed-coupon bullet bonds priced on a coupon date: price, yield, duration, DV01, convexity.
Used by notebook 03 (FILP issue cost and DV01) and notebook 04 (duration).

``ytm`` and ``coupon_rate`` are decimals per year; the yield compounds ``freq`` times a year and
the coupon is paid ``freq`` times a year (``freq`` a whole number from 1 to 52: yearly to weekly).
``years`` must be a whole number of coupon periods, in (0, 100]. Coupons are in [0, 100%] (a bond's
coupon is never negative). Negative yields are valid (JGBs traded below zero in 2016–2021); the
yield must stay above ``-freq`` (a per-period yield above -100%, so the discount factor is finite)
and at most 100%. ``face`` is positive. Prices are per ``face`` (default 100).

All functions broadcast over numpy arrays of their arguments; shapes that do not broadcast, NaN,
inf, empty arrays and values out of range raise an InputError naming the parameter. A yield so
close to ``-freq`` that the price overflows floating point is refused the same way.
"""

from __future__ import annotations

import numpy as np

from fundlib._validate import InputError, broadcast, check_int, check_number, check_range

__all__ = ["bond_price", "bond_yield", "modified_duration", "macaulay_duration", "dv01", "convexity",
           "bond_cashflows"]

MAX_FREQ = 52      # weekly coupons at most
MAX_YIELD = 1.0    # 100% a year


def _inputs(ytm, coupon_rate, years, freq, face, *, first: str = "ytm"):
    """Checked, broadcast arrays (first, coupon, number of periods, face) and ``freq``.

    ``first`` is "ytm" (checked as a yield), "price" (checked as a positive price) or None."""
    freq = check_int("freq", freq, 1, MAX_FREQ)
    arrays = {}
    if first == "ytm":
        arrays["ytm"] = check_range("ytm", ytm, -float(freq), MAX_YIELD, low_open=True)
    elif first == "price":
        arrays["price"] = check_range("price", ytm, 0.0, np.inf, low_open=True)
    arrays["coupon_rate"] = check_range("coupon_rate", coupon_rate, 0.0, 1.0)
    yrs = np.asarray(check_range("years", years, 0.0, 100.0, low_open=True), dtype=float)
    arrays["years"] = yrs
    arrays["face"] = check_range("face", face, 0.0, 1e15, low_open=True)
    n_float = yrs * freq
    n = np.rint(n_float)
    if np.any(np.abs(n_float - n) > 1e-9) or np.any(n < 1):
        raise InputError("years", years, f"a whole number of coupon periods (a multiple of 1/{freq} year)")
    out = broadcast(**arrays)
    n = np.broadcast_to(n, out[0].shape).astype(int)
    return freq, out, n


def _flows(c, n, freq, face):
    """Coupon periods k = 1..max(n) on the last axis and the cash flow paid at each."""
    k = np.arange(1, int(n.max()) + 1, dtype=float)
    cf = np.where(k <= n[..., None], (c * face / freq)[..., None], 0.0)
    return k, cf + np.where(k == n[..., None], face[..., None], 0.0)


def _moments(ytm, coupon_rate, years, freq, face, need: int = 0):
    """Price and the first two derivatives of price with respect to the annual yield.

    ``need``: how many of them must be finite (1: price; 2: and dP/dy; 3: all three)."""
    freq, (y, c, _, face), n = _inputs(ytm, coupon_rate, years, freq, face)
    k, cf = _flows(c, n, freq, face)
    v = 1.0 / (1.0 + y / freq)
    with np.errstate(over="ignore", invalid="ignore"):
        disc = v[..., None] ** k
        price = np.sum(cf * disc, axis=-1)
        d1 = -np.sum(cf * (k / freq) * disc, axis=-1) * v
        d2 = np.sum(cf * (k * (k + 1) / freq**2) * disc, axis=-1) * v**2
    for m in (price, d1, d2)[:need]:
        bad = ~np.isfinite(m)
        if np.any(bad):
            raise InputError("ytm", float(np.broadcast_to(y, bad.shape)[bad].flat[0]),
                             f"a yield far enough above -freq = {-freq} that the price stays within floating-point range")
    return price, d1, d2


def _out(a):
    return float(a) if np.ndim(a) == 0 else a


def bond_cashflows(coupon_rate: float, years: float, freq: int = 2, face: float = 100.0):
    """Times (years) and amounts of a bullet bond's remaining cash flows (one bond: numbers only)."""
    for name, v in (("coupon_rate", coupon_rate), ("years", years), ("face", face)):
        check_number(name, v)
    freq, (c, _, face), n = _inputs(None, coupon_rate, years, freq, face, first=None)
    n = int(n)
    t = np.arange(1, n + 1) / freq
    amt = np.full(n, float(c) * float(face) / freq)
    amt[-1] += float(face)
    return t, amt


def bond_price(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """Price of a fixed-coupon bullet bond on a coupon date, yield compounded ``freq`` times a year."""
    return _out(_moments(ytm, coupon_rate, years, freq, face, need=1)[0])


def bond_yield(price, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """Yield to maturity that reproduces ``price`` (the inverse of :func:`bond_price`).

    Every positive price has exactly one yield above ``-freq``; the supported yields are
    (-freq, 100%], so a price below the bond's price at a 100% yield, or one so high that its yield
    rounds to ``-freq``, is an InputError naming ``price``. Every price :func:`bond_price` returns
    round-trips to its yield within 1e-10.

    The root is found in x = -log(1 + y/freq), the log discount factor per period: log price is
    then a log-sum-exp of lines in x, convex and increasing with slope between 1 and the number of
    periods, so Newton's method, kept inside a bracket it cannot leave, converges from any start
    without overflow.
    """
    freq, (p, c, _, face), n = _inputs(price, coupon_rate, years, freq, face, first="price")
    shape = p.shape
    p, c, n, face = (np.ravel(a) for a in (p, c, n, face))
    k, cf = _flows(c, n, freq, face)
    with np.errstate(divide="ignore"):
        lcf = np.log(cf)                          # -inf where no cash flow: drops out of the sum
    target = np.log(p)

    def g(x):  # log price at x minus log target, and its slope
        a = lcf + k * x[:, None]
        top = a.max(axis=1)
        w = np.exp(a - top[:, None])
        s = w.sum(axis=1)
        return top + np.log(s) - target, (w * k).sum(axis=1) / s

    x = np.zeros(p.shape)
    f, slope = g(x)
    lo, hi = x - np.maximum(f, 0.0), x - np.minimum(f, 0.0)   # slope ≥ 1 ⇒ the root lies in [lo, hi]
    for _ in range(200):
        step = f / slope
        new = x - step
        outside = (new <= lo) | (new >= hi)
        new = np.where(outside, 0.5 * (lo + hi), new)
        done = (np.abs(new - x) <= 1e-15 * np.maximum(1.0, np.abs(x))) | (f == 0)
        x = np.where(done, x, new)
        if np.all(done):
            break
        f, slope = g(x)
        lo, hi = np.where(f < 0, x, lo), np.where(f > 0, x, hi)
    y = freq * np.expm1(-x)
    y = np.where((y > MAX_YIELD) & (y <= MAX_YIELD + 1e-12), MAX_YIELD, y)
    high = y > MAX_YIELD
    if np.any(high):
        i = int(np.flatnonzero(high)[0])
        floor = _moments(MAX_YIELD, c[i], n[i] / freq, freq, face[i], need=1)[0]
        raise InputError("price", float(p[i]), f"a price of at least {float(floor):.6g}, this bond's price at a "
                                                 f"{MAX_YIELD:.0%} yield (the highest supported)")
    low = ~(1.0 + y / freq > 0.0)
    if np.any(low):
        raise InputError("price", float(p[np.flatnonzero(low)[0]]),
                         f"a price reachable at a yield above -freq = {-freq} (this one's yield rounds to -freq)")
    return _out(y.reshape(shape))


def modified_duration(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """-(dP/dy)/P in years: the percentage price change per unit change in the annual yield."""
    p, d1, _ = _moments(ytm, coupon_rate, years, freq, face, need=2)
    return _out(-d1 / p)


def macaulay_duration(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """Present-value-weighted average time of the cash flows, in years."""
    md = modified_duration(ytm, coupon_rate, years, freq, face)
    return _out(md * (1.0 + np.asarray(ytm, float) / freq))


def dv01(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """Price change for a 1 bp fall in yield, per ``face`` (first order: -dP/dy × 0.0001). Positive."""
    return _out(-_moments(ytm, coupon_rate, years, freq, face, need=2)[1] * 1e-4)


def convexity(ytm, coupon_rate, years, freq: int = 2, face: float = 100.0):
    """(d²P/dy²)/P in years²: the curvature that makes the price gain from a fall beat the loss from a rise."""
    p, _, d2 = _moments(ytm, coupon_rate, years, freq, face, need=3)
    return _out(d2 / p)
