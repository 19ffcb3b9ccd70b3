"""Input validation shared by every fundlib module: :class:`InputError` names the parameter, value
and valid range; every notebook's apps show its message in their red box.

Every check raises :class:`fundlib.InputError` with a message that names the
parameter, the value received and the valid range, so a notebook user can fix
the input without reading a traceback.
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


class InputError(ValueError):
    """Bad input to a fundlib function: names the parameter, its value and the valid range."""

    def __init__(self, name: str, value: Any, valid: str):
        self.name = name
        self.value = value
        self.valid = valid
        super().__init__(f"{name} = {_show(value)} is not valid: expected {valid}.")


class DataError(ValueError):
    """A data file does not have the shape the suite expects; the message names file and row."""


def _show(value: Any) -> str:
    if isinstance(value, int) and abs(value) > 10**15:
        return f"an integer of {len(str(abs(value)))} digits"
    try:
        arr = np.asarray(value) if not isinstance(value, str) else None
    except ValueError:          # nested lists of unequal length
        return repr(value)[:80]
    if arr is not None and arr.ndim > 1:
        return f"an array of shape {arr.shape}"
    if isinstance(value, np.ndarray) and arr.ndim == 1 and arr.size <= 6:
        return repr(arr.tolist())
    if arr is not None and arr.ndim > 0 and arr.size > 6:
        finite = arr[np.isfinite(arr)] if arr.dtype.kind in "fc" else arr
        if finite.size and arr.dtype.kind in "iuf":
            return f"array of {arr.size} values in [{finite.min():.6g}, {finite.max():.6g}]"
        return f"array of {arr.size} values"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _fmt(x: float) -> str:
    return "∞" if x == math.inf else "-∞" if x == -math.inf else f"{x:g}"


def _kind(value: Any) -> str:
    """The kind of a value, for a TypeError: 'NoneType', 'str 'abc'', 'list', ..."""
    t = type(value).__name__
    if isinstance(value, (str, bytes)):
        return f"{t} {value[:30]!r}"
    return t


def as_numbers(name: str, value: Any, what: str = "a number or an array of numbers") -> np.ndarray:
    """``value`` as a float array; TypeError for a value of the wrong kind (None, text, a dict, a
    bool, a complex number, an object), InputError for nested lists of unequal lengths."""
    if value is None or isinstance(value, (str, bytes, dict, set, bool, np.bool_, complex, np.complexfloating,
                                           Decimal, np.timedelta64, np.datetime64)):
        raise TypeError(f"{name} must be {what}; got {_kind(value)}")
    if isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be {what}; got a DataFrame")
    try:
        arr = np.asarray(value)
    except ValueError:
        raise InputError(name, value, f"{what}, rectangular (nested lists of equal length)") from None
    if arr.dtype.kind not in "iuf":
        if arr.dtype.kind == "O":
            try:
                arr = arr.astype(float)
            except OverflowError:          # a Python int beyond any float
                raise InputError(name, value, what) from None
            except (TypeError, ValueError):
                raise TypeError(f"{name} must be {what}; got {_kind(value)} holding non-numbers") from None
        else:
            raise TypeError(f"{name} must be {what}; got {_kind(value)} of {arr.dtype}")
    return arr.astype(float, copy=False)


def check_range(
    name: str,
    value: Any,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    allow_empty: bool = False,
) -> np.ndarray | float:
    """Check that every element of ``value`` is a number within [low, high] (open ends on request).

    Returns a float, or a float array for array input. NaN is always rejected; inf only where an
    end of the range is infinite and closed (it never is: ranges here are written with finite ends
    or open infinite ones). Wrong kinds raise TypeError; empty arrays InputError unless allowed.
    """
    what = f"a number in {_interval(low, high, low_open, high_open)}"
    arr = as_numbers(name, value, what)
    if arr.ndim and arr.size == 0 and not allow_empty:
        raise InputError(name, value, f"at least one value, each {what[2:]}")
    bad = np.isnan(arr) | np.isinf(arr)
    bad |= (arr <= low) if low_open else (arr < low)
    bad |= (arr >= high) if high_open else (arr > high)
    if np.any(bad):
        shown = arr[bad].flat[0] if arr.ndim else float(arr)
        raise InputError(name, value if arr.ndim == 0 else shown, what)
    return float(arr) if arr.ndim == 0 else arr


def _single(name: str, value: Any, what: str) -> None:
    """TypeError for anything holding several values (a list, array, Series, Index, range)."""
    if isinstance(value, (list, tuple, range, pd.Series, pd.Index)) or (isinstance(value, np.ndarray) and value.ndim > 0):
        raise TypeError(f"{name} must be {what}; got {_kind(value)}")


def check_number(name: str, value: Any, low: float = -math.inf, high: float = math.inf, **kw) -> float:
    """A single number (not an array, Series or range) within [low, high], returned as a float
    (callers use the returned value, so a Decimal or numpy scalar becomes a plain float)."""
    _single(name, value, "a single number")
    return float(check_range(name, value, low, high, **kw))


def broadcast(**arrays: np.ndarray) -> tuple:
    """Broadcast arrays together; InputError naming them and their shapes when they do not fit."""
    try:
        return tuple(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise InputError(" and ".join(arrays), shapes, "shapes that broadcast together (equal, or 1, on each axis)") from None


def check_instance(name: str, value: Any, cls: type | tuple, what: str | None = None) -> Any:
    """TypeError unless ``value`` is an instance of ``cls``."""
    if not isinstance(value, cls):
        if what is None:
            names = [c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,))]
            what = " or ".join(f"a {n}" for n in names)
        raise TypeError(f"{name} must be {what}; got {_kind(value)}")
    return value


def check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_kind(value)}")
    return bool(value)


def check_str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text; got {_kind(value)}")
    return value


def check_mapping(name: str, value: Any, what: str = "a dict") -> dict:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be {what}; got {_kind(value)}")
    return dict(value)


def check_month(name: str, value: Any) -> pd.Period:
    """A month as 'YYYY-MM', a date or a Period → a monthly Period; InputError when unreadable."""
    if value is None or isinstance(value, (bool, dict, list, tuple, set, np.ndarray, float, complex)):
        raise TypeError(f"{name} must be a month such as '2025-10' (text, date or Period); got {_kind(value)}")
    try:
        return pd.Period(value, freq="M")
    except (ValueError, TypeError, OverflowError):
        raise InputError(name, value, "a month such as '2025-10'") from None


def check_path(name: str, value: Any, *, must_exist: bool = True) -> Path:
    """A file path (text or os.PathLike): TypeError for other kinds, FileNotFoundError when missing."""
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bool):
        raise TypeError(f"{name} must be a file path (text or pathlib.Path); got {_kind(value)}")
    path = Path(value)
    if must_exist and not path.exists():
        raise FileNotFoundError(f"{name}: no such file: {path}")
    return path


def check_frame(name: str, value: Any, columns=(), *, min_rows: int = 1) -> pd.DataFrame:
    """A DataFrame with ``columns`` and at least ``min_rows`` rows."""
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame; got {_kind(value)}")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise InputError(name, f"a DataFrame with columns {list(value.columns)[:8]}",
                         "a table with the column(s) " + ", ".join(repr(c) for c in missing))
    if len(value) < min_rows:
        raise InputError(name, f"a DataFrame of {len(value)} rows", f"at least {min_rows} row(s)")
    return value


def _interval(low: float, high: float, low_open: bool, high_open: bool) -> str:
    return f"{'(' if low_open or low == -math.inf else '['}{_fmt(low)}, {_fmt(high)}{')' if high_open or high == math.inf else ']'}"


def check_int(name: str, value: Any, low: int = 0, high: int | None = None) -> int:
    """A whole number in [low, high] (a float such as 3.0 is accepted); TypeError for other kinds."""
    valid = f"a whole number in [{low}, {'∞' if high is None else high}]"
    if isinstance(value, (bool, np.bool_, np.timedelta64)) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise TypeError(f"{name} must be {valid}; got {_kind(value)}")
    if isinstance(value, (float, np.floating)):
        if not (math.isfinite(value) and float(value).is_integer()):
            raise InputError(name, value, valid)
        value = int(value)
    if value < low or (high is not None and value > high):
        raise InputError(name, value, valid)
    return int(value)


def check_choice(name: str, value: Any, choices) -> Any:
    """One of ``choices``: InputError for a wrong text or number, TypeError for other kinds."""
    try:
        ok = bool(value in choices)
    except (TypeError, ValueError):          # unhashable, or an array compared element-wise
        ok = False
    if not ok:
        valid = "one of " + ", ".join(repr(c) for c in choices)
        if isinstance(value, (str, int, float, np.number)) and not isinstance(value, bool):
            raise InputError(name, value, valid)
        raise TypeError(f"{name} must be {valid}; got {_kind(value)}")
    return value


def as_cashflows(name: str, cashflows: Any, min_periods: int = 1) -> np.ndarray:
    """Cash flows as a float array with time on the last axis: TypeError for the wrong kind,
    InputError for too few periods, ragged rows, NaN or inf."""
    what = "an array of numbers with time on the last axis"
    cf = as_numbers(name, cashflows, what)
    if cf.ndim == 0 or cf.shape[-1] < min_periods or cf.size == 0:
        raise InputError(name, cashflows, f"an array with at least {min_periods} period(s) on the last axis")
    if not np.all(np.isfinite(cf)):
        raise InputError(name, cashflows, "finite numbers (no NaN or inf)")
    return cf


def check_whole(name: str, value: Any, low: float = 0, high: float = math.inf) -> np.ndarray | int:
    """Whole numbers (an int, or an array of them, e.g. years of delay per scenario) in [low, high]:
    TypeError for the wrong kind, InputError for NaN, fractions or values out of range. Returns an
    int, or an int array for array input."""
    x = check_range(name, value, low, high)
    arr = np.asarray(x)
    if np.any(arr != np.round(arr)):
        shown = arr[arr != np.round(arr)].flat[0] if arr.ndim else x
        raise InputError(name, shown, f"whole numbers in [{_fmt(low)}, {_fmt(high)}]")
    return int(arr) if arr.ndim == 0 else arr.astype(int)
