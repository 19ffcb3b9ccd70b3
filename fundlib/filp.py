"""FILP funding: what Japan's 30-year FILP bonds cost (coupon bill, DV01, price sensitivity).
Used by notebook 03 (the FILP funding app and the programme's coupon bill).

FILP bonds (財投債, Fiscal Investment and Loan Program bonds) are issued by the government together
with ordinary JGBs, on the same terms and in the same auctions; only the use of the money differs
(lent on through the FILP account, not spent by the budget), which is why they are not counted as
general-government debt in the national accounts. So a FILP bond of a given maturity yields the JGB
yield of that maturity. They are redeemed as bullets. (FILP-agency bonds, 財投機関債, are different:
issued by agencies such as DBJ without a government guarantee, at a spread over JGBs.)

Money: JPY tn for issues; JPY bn for per-bp sensitivities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundlib import bonds
from fundlib._validate import check_int, check_range

__all__ = ["FilpIssue", "issue_cost", "price_sensitivity", "programme_coupon_cost"]


@dataclass(frozen=True)
class FilpIssue:
    """Key figures of issuing ``size_jpy_tn`` of FILP bonds at par at ``yield_`` for ``tenor`` years."""

    size_jpy_tn: float
    tenor: int
    yield_: float
    coupon: float
    annual_coupon_jpy_tn: float
    price_per_100: float
    modified_duration: float
    dv01_jpy_bn: float           # market-value change of the whole issue for a 1 bp fall in yield
    value_change_up100_jpy_tn: float   # market-value change if yields rise 100 bp
    value_change_down100_jpy_tn: float
    total_coupons_jpy_tn: float


def issue_cost(size_jpy_tn: float, tenor: int, yield_: float, coupon: float | None = None, freq: int = 2) -> FilpIssue:
    """Cost and risk of one FILP issue. Issued at par by default (coupon = yield)."""
    check_range("size_jpy_tn", size_jpy_tn, 0.0, 1000.0, low_open=True)
    tenor = check_int("tenor", tenor, 1, 40)
    check_range("yield_", yield_, -0.01, 0.2)
    c = yield_ if coupon is None else check_range("coupon", coupon, 0.0, 0.2)
    price = bonds.bond_price(yield_, c, tenor, freq)
    md = bonds.modified_duration(yield_, c, tenor, freq)
    face = size_jpy_tn * 100.0 / price  # face amount sold to raise size at this price
    dv01 = bonds.dv01(yield_, c, tenor, freq) / 100.0 * face * 1000.0  # JPY bn per bp
    up = (bonds.bond_price(yield_ + 0.01, c, tenor, freq) - price) / 100.0 * face
    down = (bonds.bond_price(max(yield_ - 0.01, -freq * 0.99), c, tenor, freq) - price) / 100.0 * face
    return FilpIssue(size_jpy_tn, tenor, yield_, c, face * c, price, md, dv01, up, down, face * c * tenor)


def price_sensitivity(tenor: int, yield_: float, coupon: float | None = None, shifts_bp=None, freq: int = 2) -> pd.DataFrame:
    """Price per 100 face after parallel yield shifts, with the duration (linear) estimate beside it."""
    shifts = np.arange(-200, 201, 10) if shifts_bp is None else np.asarray(shifts_bp, float)
    c = yield_ if coupon is None else coupon
    y = np.maximum(yield_ + shifts * 1e-4, -freq * 0.99)
    p0 = bonds.bond_price(yield_, c, tenor, freq)
    md = bonds.modified_duration(yield_, c, tenor, freq)
    return pd.DataFrame({"shift_bp": shifts, "yield": y, "price": bonds.bond_price(y, c, tenor, freq),
                         "duration_estimate": p0 * (1 - md * shifts * 1e-4)})


def programme_coupon_cost(annual_issue_jpy_tn: float, years_issuing: int, yield_, tenor: int = 30) -> pd.DataFrame:
    """Coupon bill of issuing the same amount every year for ``years_issuing`` years.

    ``yield_`` may be one number or one per issuing year. Bonds are bullets of ``tenor`` years,
    so the stock outstanding grows by the issue each year until the first ones mature.
    """
    years_issuing = check_int("years_issuing", years_issuing, 1, 60)
    tenor = check_int("tenor", tenor, 1, 40)
    y = np.broadcast_to(np.asarray(yield_, float), (years_issuing,))
    horizon = years_issuing + tenor
    t = np.arange(1, horizon + 1)
    issued_at = np.arange(years_issuing)  # issue at start of year k, coupons in years k+1..k+tenor
    live = (t[:, None] > issued_at[None, :]) & (t[:, None] <= issued_at[None, :] + tenor)
    coupons = (live * (annual_issue_jpy_tn * y)[None, :]).sum(axis=1)
    outstanding = (live * annual_issue_jpy_tn).sum(axis=1)
    return pd.DataFrame({"year": t, "outstanding_jpy_tn": outstanding, "coupon_cost_jpy_tn": coupons})
