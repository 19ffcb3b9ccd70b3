"""FILP funding: what Japan's 30-year FILP bonds cost (coupon bill, DV01, price sensitivity).
Used by notebook 03 (the FILP funding app and the programme's coupon bill).

FILP bonds (財投債, Fiscal Investment and Loan Program bonds) are issued by the government together
with ordinary JGBs, on the same terms and in the same auctions; only the use of the money differs
(lent on through the FILP account, not spent by the budget), which is why they are left out of the
budget deficit and of the "ordinary" government bonds, though they count in the government's gross
debt, matched by the loans they fund. So a FILP bond of a given maturity yields the JGB
yield of that maturity. They are redeemed as bullets. (FILP-agency bonds, 財投機関債, are different:
issued by agencies such as DBJ without a government guarantee, at a spread over JGBs.)

JGBs, and so FILP bonds, are issued with a coupon set in 0.1% steps near the auction yield, never
below a minimum (0.1% for 10–40-year JGBs: the register's ``jgb_min_coupon``): when yields are at
or below it, as in 2016–2021, the bonds are sold above par, so the issuer's cost is still the yield
while the coupon cash is not negative. (2- and 5-year JGBs carried 0.005% coupons in 2021–2023.)

Money: JPY tn for issues; JPY bn for per-bp sensitivities. Yields and coupons are decimals: auction
yields in [−1%, 20%] (the issue functions), coupons in [0, 20%]; ``freq`` coupons a year (1–12).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import bonds
from fundlib._validate import InputError, check_int, check_number, check_range

__all__ = ["COUPON_STEP", "FilpIssue", "coupon_for", "issue_cost", "price_sensitivity", "programme_coupon_cost"]

COUPON_STEP = 0.001  # the MoF sets JGB coupons in steps of 0.1 percentage point


YIELD_RANGE = (-0.01, 0.2)   # auction yields the issue functions accept (JGBs: about -0.3% to 7.6% since 1966)


def _minimum(name: str, minimum) -> float:
    """The minimum coupon: the register's ``jgb_min_coupon`` when None, else a number in its range."""
    if minimum is None:
        return A.value("jgb_min_coupon")
    return A.check("jgb_min_coupon", minimum, name)


def coupon_for(yield_, minimum: float | None = None, step: float = COUPON_STEP):
    """The coupon a JGB (and so a FILP bond) is issued with at ``yield_``: the yield rounded to the
    coupon step, never below ``minimum`` (default: the register's ``jgb_min_coupon``, 0.1%).

    ``yield_``: a decimal in [−50%, 100%], or an array of them; ``step`` in (0, 1%]."""
    y = np.asarray(check_range("yield_", yield_, -0.5, 1.0), float)
    lowest = _minimum("minimum", minimum)
    step = check_number("step", step, 0.0, 0.01, low_open=True)
    c = np.maximum(lowest, np.round(y / step) * step).round(10)
    return float(c) if np.ndim(c) == 0 else c


@dataclass(frozen=True)
class FilpIssue:
    """Key figures of raising ``size_jpy_tn`` with ``tenor``-year FILP bonds sold at ``yield_``."""

    size_jpy_tn: float           # cash raised
    tenor: int
    yield_: float                # the auction yield: the issuer's cost
    coupon: float                # coupon rate (0.1% steps, at least the minimum; or as given)
    annual_coupon_jpy_tn: float  # coupon cash a year: face × coupon (never negative)
    price_per_100: float         # issue price per 100 of face (above 100 when the coupon beats the yield)
    modified_duration: float
    dv01_jpy_bn: float           # market-value change of the whole issue for a 1 bp fall in yield
    value_change_up100_jpy_tn: float   # market-value change if yields rise 100 bp
    value_change_down100_jpy_tn: float
    total_coupons_jpy_tn: float
    face_jpy_tn: float = 0.0     # face amount sold (repaid at maturity): size × 100 / price
    annual_yield_cost_jpy_tn: float = 0.0  # the cost at the yield, size × yield: coupons net of the premium (or discount) spread over the life
    at_minimum_coupon: bool = False        # the yield is at or below the minimum coupon: coupon = minimum, sold above par


def issue_cost(size_jpy_tn: float, tenor: int, yield_: float, coupon: float | None = None, freq: int = 2,
               minimum_coupon: float | None = None) -> FilpIssue:
    """Cost and risk of one FILP issue sold at ``yield_``.

    The coupon is :func:`coupon_for` the yield (the yield rounded to 0.1%, at least the minimum)
    unless ``coupon`` is given (``coupon=yield_`` prices at par). The price makes the bond yield
    ``yield_``: above par when the coupon is above the yield, so at a yield below the minimum
    coupon the issuer pays positive coupons but receives a premium, and its cost is still the yield.
    """
    size_jpy_tn = check_number("size_jpy_tn", size_jpy_tn, 0.0, 1000.0, low_open=True)
    tenor = check_int("tenor", tenor, 1, 40)
    yield_ = check_number("yield_", yield_, *YIELD_RANGE)
    freq = check_int("freq", freq, 1, 12)
    lowest = _minimum("minimum_coupon", minimum_coupon)
    c = coupon_for(yield_, lowest) if coupon is None else check_number("coupon", coupon, 0.0, 0.2)
    price = bonds.bond_price(yield_, c, tenor, freq)
    md = bonds.modified_duration(yield_, c, tenor, freq)
    face = size_jpy_tn * 100.0 / price  # face amount sold to raise size at this price
    dv01 = bonds.dv01(yield_, c, tenor, freq) / 100.0 * face * 1000.0  # JPY bn per bp
    up = (bonds.bond_price(yield_ + 0.01, c, tenor, freq) - price) / 100.0 * face
    down = (bonds.bond_price(max(yield_ - 0.01, -freq * 0.99), c, tenor, freq) - price) / 100.0 * face
    return FilpIssue(size_jpy_tn, tenor, yield_, c, face * c, price, md, dv01, up, down, face * c * tenor,
                     face, size_jpy_tn * yield_, coupon is None and yield_ <= lowest)


def price_sensitivity(tenor: int, yield_: float, coupon: float | None = None, shifts_bp=None, freq: int = 2) -> pd.DataFrame:
    """Price per 100 face after parallel yield shifts, with the duration (linear) estimate beside it.
    The coupon is the issue's (:func:`coupon_for` the yield) unless given.

    ``shifts_bp``: a list of shifts in bp, each in [−1000, 1000] (default −200..200 in steps of 10);
    a shifted yield is floored just above −freq (where the price is still finite)."""
    tenor = check_int("tenor", tenor, 1, 40)
    yield_ = check_number("yield_", yield_, *YIELD_RANGE)
    freq = check_int("freq", freq, 1, 12)
    c = coupon_for(yield_) if coupon is None else check_number("coupon", coupon, 0.0, 0.2)
    if shifts_bp is None:
        shifts = np.arange(-200, 201, 10)
    else:
        shifts = np.asarray(check_range("shifts_bp", shifts_bp, -1000.0, 1000.0), float)
        if shifts.ndim != 1:
            raise InputError("shifts_bp", shifts_bp, "a list of shifts in bp (one dimension), each in [-1000, 1000]")
    y = np.maximum(yield_ + shifts * 1e-4, -freq * 0.99)
    p0 = bonds.bond_price(yield_, c, tenor, freq)
    md = bonds.modified_duration(yield_, c, tenor, freq)
    return pd.DataFrame({"shift_bp": shifts, "yield": y, "price": bonds.bond_price(y, c, tenor, freq),
                         "duration_estimate": p0 * (1 - md * shifts * 1e-4)})


def programme_coupon_cost(annual_issue_jpy_tn: float, years_issuing: int, yield_, tenor: int = 30, freq: int = 2) -> pd.DataFrame:
    """Coupon bill of raising the same amount every year for ``years_issuing`` years.

    ``annual_issue_jpy_tn``: cash raised each year, in (0, 1000] ¥tn. ``yield_`` (in [−1%, 20%]) may
    be one number or one per issuing year. Each year's bonds carry :func:`coupon_for` that year's
    yield and are sold at the price that makes them yield it, so the face outstanding is the cash
    raised × 100 / price. Bonds are bullets of ``tenor`` years, so the stock grows with each issue
    until the first ones mature.
    """
    amount = check_number("annual_issue_jpy_tn", annual_issue_jpy_tn, 0.0, 1000.0, low_open=True)
    years_issuing = check_int("years_issuing", years_issuing, 1, 60)
    tenor = check_int("tenor", tenor, 1, 40)
    freq = check_int("freq", freq, 1, 12)
    y = np.asarray(check_range("yield_", yield_, *YIELD_RANGE), float)
    if y.ndim > 1 or y.size not in (1, years_issuing):
        raise InputError("yield_ and years_issuing", f"{y.size} yield(s) for {years_issuing} issuing years",
                         "one yield, or one per issuing year")
    y = np.broadcast_to(y.reshape(-1), (years_issuing,))
    c = np.broadcast_to(coupon_for(y), (years_issuing,))
    face = amount * 100.0 / bonds.bond_price(y, c, tenor, freq)
    horizon = years_issuing + tenor
    t = np.arange(1, horizon + 1)
    issued_at = np.arange(years_issuing)  # issue at start of year k, coupons in years k+1..k+tenor
    live = (t[:, None] > issued_at[None, :]) & (t[:, None] <= issued_at[None, :] + tenor)
    coupons = (live * (face * c)[None, :]).sum(axis=1)
    outstanding = (live * face).sum(axis=1)
    return pd.DataFrame({"year": t, "outstanding_jpy_tn": outstanding, "coupon_cost_jpy_tn": coupons})
