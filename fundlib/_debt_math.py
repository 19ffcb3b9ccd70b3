"""Rate paths, discount factors and the lognormal's parameters behind the debt and risk functions of
:mod:`fundlib.leverage` (notebook 02), with the checks of rate and scenario shapes.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from fundlib._validate import InputError, check_range

RATE_RANGE = (-0.05, 1.0)      # debt costs and debt rates: −5% to 100% a year


def norm_cdf(x):
    return ndtr(np.asarray(x, float))


def lognormal_params(mean, vol):
    s2 = np.log1p(np.asarray(vol, float) ** 2 / (1.0 + np.asarray(mean, float)) ** 2)
    m = np.log1p(np.asarray(mean, float)) - s2 / 2.0
    return m, np.sqrt(s2)


def rates(name: str, rate, T: int) -> np.ndarray:
    """Debt rates, checked: one number, one per period (T), or (..., T) with scenarios on leading
    axes; each in [−5%, 100%]. Returned broadcast to (..., T)."""
    r = np.asarray(check_range(name, rate, *RATE_RANGE), float)
    if r.ndim == 0:
        return np.broadcast_to(r, (T,))
    if r.shape[-1] not in (1, T):
        raise InputError(name, rate, f"one rate, or one per period on the last axis ({T} periods, t = 0..{T - 1})")
    return np.broadcast_to(r, r.shape[:-1] + (T,))


def scenario_shape(**shapes) -> tuple:
    """The scenario shape that the leading axes of several inputs broadcast to; InputError naming them."""
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        shown = ", ".join(f"{k} {v}" for k, v in shapes.items())
        raise InputError(" and ".join(shapes), shown, "scenario axes that broadcast together") from None


def discount(rate, periods: int) -> np.ndarray:
    """Discount factors for t = 0..periods-1 from one-year rates r_1..r_{T-1} (rate per period or scalar)."""
    r = np.broadcast_to(np.asarray(rate, float), (periods,)) if np.ndim(rate) <= 1 else np.asarray(rate, float)
    growth = np.concatenate([np.ones(r.shape[:-1] + (1,)), 1.0 + r[..., 1:]], axis=-1)
    return 1.0 / np.cumprod(growth, axis=-1)
