"""Input validation shared by every fundlib module: :class:`InputError` names the parameter, value
and valid range; every notebook's apps show its message in their red box.

Every check raises :class:`fundlib.InputError` with a message that names the
parameter, the value received and the valid range, so a notebook user can fix
the input without reading a traceback.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


class InputError(ValueError):
    """Bad input to a fundlib function: names the parameter, its value and the valid range."""

    def __init__(self, name: str, value: Any, valid: str):
        self.name = name
        self.value = value
        self.valid = valid
        super().__init__(f"{name} = {_show(value)} is not valid: expected {valid}.")


def _show(value: Any) -> str:
    arr = np.asarray(value) if not isinstance(value, str) else None
    if arr is not None and arr.ndim > 0 and arr.size > 6:
        finite = arr[np.isfinite(arr)] if arr.dtype.kind in "fc" else arr
        if finite.size:
            return f"array of {arr.size} values in [{finite.min():.6g}, {finite.max():.6g}]"
        return f"array of {arr.size} values"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _fmt(x: float) -> str:
    return "∞" if x == math.inf else "-∞" if x == -math.inf else f"{x:g}"


def check_range(
    name: str,
    value: Any,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> np.ndarray | float:
    """Check that every element of ``value`` is finite-or-allowed and within [low, high].

    Returns the value as a float or a float array. NaN is always rejected.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(name, value, f"a number in {_interval(low, high, low_open, high_open)}") from None
    bad = np.isnan(arr)
    bad |= (arr <= low) if low_open else (arr < low)
    bad |= (arr >= high) if high_open else (arr > high)
    if np.any(bad):
        shown = arr[bad].flat[0] if arr.ndim else float(arr)
        raise InputError(name, value if arr.ndim == 0 else shown,
                         f"a number in {_interval(low, high, low_open, high_open)}")
    return float(arr) if arr.ndim == 0 else arr


def _interval(low: float, high: float, low_open: bool, high_open: bool) -> str:
    return f"{'(' if low_open or low == -math.inf else '['}{_fmt(low)}, {_fmt(high)}{')' if high_open or high == math.inf else ']'}"


def check_int(name: str, value: Any, low: int = 0, high: int | None = None) -> int:
    """Check a whole number in [low, high]."""
    valid = f"a whole number in [{low}, {'∞' if high is None else high}]"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise InputError(name, value, valid)
    if value < low or (high is not None and value > high):
        raise InputError(name, value, valid)
    return int(value)


def check_choice(name: str, value: Any, choices) -> Any:
    if value not in choices:
        raise InputError(name, value, "one of " + ", ".join(repr(c) for c in choices))
    return value


def as_cashflows(name: str, cashflows: Any, min_periods: int = 1) -> np.ndarray:
    """Cash flows as a float array with time on the last axis."""
    try:
        cf = np.asarray(cashflows, dtype=float)
    except (TypeError, ValueError):
        raise InputError(name, cashflows, "an array of numbers with time on the last axis") from None
    if cf.ndim == 0 or cf.shape[-1] < min_periods:
        raise InputError(name, cashflows, f"an array with at least {min_periods} periods on the last axis")
    if not np.all(np.isfinite(cf)):
        raise InputError(name, cashflows, "finite numbers (no NaN or inf)")
    return cf
