"""The assumption register: every default number the suite uses, with its unit, range and source,
and scenario files that override it. Every notebook reads its defaults here; notebook 00 shows it.

``data/assumptions.csv`` has one row per assumption (id, value, unit, low, high, source, tier, note);
the tier says how far the source can be trusted (``fundlib.data.TIERS``).
Models take their defaults from here, and sliders take their range from ``low``/``high``::

    from fundlib import assumptions as A
    A.value("senior_spread_bp")      # 120.0
    A.get("equity_usd_bn").source    # the publication it comes from
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from fundlib._validate import InputError, _single, as_numbers, check_path, check_str
from fundlib.data import data_dir, load_assumptions_table

__all__ = ["Assumption", "register", "get", "value", "table", "check", "check_assumption", "save_scenario", "load_scenario",
           "use_scenario", "scenario", "current_overrides", "SCENARIO_ENV"]

SCENARIO_ENV = "FUNDLIB_SCENARIO"
_OVERRIDES: dict[str, float] = {}


@dataclass(frozen=True)
class Assumption:
    id: str
    value: float
    unit: str
    low: float
    high: float
    source: str
    note: str | None = None
    tier: str = "assumption"     # one of fundlib.data.TIERS: official, outlet, single, assumption

    def check(self, x: float, name: str | None = None) -> float:
        """``x`` as a float if it is a single number in this assumption's [low, high] range (a Decimal or
        a one-element array is accepted, as every other check accepts them): TypeError for a value that
        is not a number, InputError for NaN, inf or a number outside the range. Errors name ``name``
        (default: the id)."""
        name = name or self.id
        what = f"a number in [{self.low:g}, {self.high:g}] {self.unit}"
        _single(name, x, f"a single number in [{self.low:g}, {self.high:g}] {self.unit}")
        v = as_numbers(name, x, what)
        if not (math.isfinite(float(v)) and self.low <= float(v) <= self.high):
            raise InputError(name, x, f"a value in [{self.low:g}, {self.high:g}] {self.unit}")
        return float(v)


@lru_cache(maxsize=2)
def _load(path: str) -> dict[str, Assumption]:
    df = load_assumptions_table(path)
    return {
        r.id: Assumption(r.id, float(r.value), r.unit, float(r.low), float(r.high), r.source,
                         None if pd.isna(r.note) else r.note, r.tier)
        for r in df.itertuples(index=False)
    }


def register() -> dict[str, Assumption]:
    """All assumptions by id."""
    return dict(_load(str(data_dir() / "assumptions.csv")))


def get(id: str) -> Assumption:
    """Assumption ``id``, with the value of the active scenario if one overrides it."""
    reg = _load(str(data_dir() / "assumptions.csv"))
    check_str("id", id)
    try:
        a = reg[id]
    except KeyError:
        raise InputError("id", id, "an id in data/assumptions.csv") from None
    if id in _OVERRIDES:
        return Assumption(a.id, _OVERRIDES[id], a.unit, a.low, a.high, f"scenario override (default {a.value:g}: {a.source})", a.note, a.tier)
    return a


def value(id: str) -> float:
    """The default value of assumption ``id`` in model units (decimals for rates)."""
    return get(id).value


def check(id: str, x: float, name: str | None = None) -> float:
    """Validate ``x`` against assumption ``id``'s range; errors name ``name`` (default: the id).
    The same check as :func:`check_assumption`."""
    return check_assumption(id, x, id if name is None else name)


def check_assumption(id: str, value, name: str) -> float:
    """``value`` checked against the register's range for ``id`` (:meth:`Assumption.check`); errors
    name the caller's parameter ``name``."""
    check_str("name", name)
    return get(id).check(value, name)


def table(ids: list[str] | None = None) -> pd.DataFrame:
    """The register (or a subset, in the given order) as a DataFrame."""
    reg = _load(str(data_dir() / "assumptions.csv"))
    if ids is None:
        return pd.DataFrame([a.__dict__ for a in reg.values()])
    if isinstance(ids, (str, bytes)) or not isinstance(ids, (list, tuple)):
        raise TypeError(f"ids must be a list of assumption ids; got {type(ids).__name__}")
    if not ids:
        raise InputError("ids", ids, "at least one id in data/assumptions.csv (or None for all)")
    for i in ids:
        if not isinstance(i, str) or i not in reg:
            raise InputError("ids", i, "ids in data/assumptions.csv")
    return pd.DataFrame([reg[i].__dict__ for i in ids])


# ----------------------------------------------------------------------------- scenario files
#
# A scenario is a set of overrides of the register's defaults, saved as JSON so a reader can share
# it: {"name": ..., "note": ..., "assumptions": {"leverage_x": 2.5, ...}}. Loading validates every
# key against the register and every value against its [low, high] range.


def _validate_overrides(overrides: dict, where: str = "overrides") -> dict[str, float]:
    reg = _load(str(data_dir() / "assumptions.csv"))
    if not isinstance(overrides, dict):
        raise TypeError(f"{where} must be a dict mapping assumption ids to numbers; got {type(overrides).__name__}")
    out = {}
    for key, val in overrides.items():
        if not isinstance(key, str) or key not in reg:
            close = [k for k in reg if k.split("_")[0] == str(key).split("_")[0]][:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise InputError(f"{where}: key", key, "an id in data/assumptions.csv" + hint)
        if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
            raise InputError(f"{where}: {key}", val, "a number")
        out[key] = reg[key].check(float(val), f"{where}: {key}")
    return out


def save_scenario(path, overrides: dict, name: str = "", note: str = "") -> None:
    """Write ``overrides`` (validated) as a scenario JSON file at ``path`` (its folder must exist)."""
    import json

    p = check_path("path", path, must_exist=False)
    clean = _validate_overrides(overrides)
    check_str("name", name)
    check_str("note", note)
    if not p.parent.is_dir():
        raise FileNotFoundError(f"path: no such folder: {p.parent}")
    if p.is_dir():
        raise InputError("path", str(p), "a file name, not a folder")
    p.write_text(json.dumps({"name": name, "note": note, "assumptions": clean}, indent=2, sort_keys=True) + "\n")


def load_scenario(path) -> dict[str, float]:
    """Read and validate a scenario JSON file; returns its overrides. A missing file raises
    FileNotFoundError; unknown keys and values outside the register's ranges raise
    :class:`fundlib.InputError` naming the file, the key, the value and the range."""
    return _load_scenario(path, "path")


def _load_scenario(path, param: str) -> dict[str, float]:
    import json

    p = check_path(param, path)
    if p.is_dir():
        raise InputError(param, str(p), "a scenario JSON file, not a folder")
    try:
        doc = json.loads(p.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError(f"{param} {p.name}", f"its text{line}", "valid JSON") from None
    if not isinstance(doc, dict) or "assumptions" not in doc:
        raise InputError(f"{param} {p.name}", "its content", 'a JSON object with an "assumptions" object')
    extra = set(doc) - {"name", "note", "assumptions"}
    if extra:
        raise InputError(f"{param} {p.name}: field", sorted(extra)[0], 'only "name", "note" and "assumptions"')
    if not isinstance(doc["assumptions"], dict):
        raise InputError(f"{param} {p.name}: assumptions", type(doc["assumptions"]).__name__,
                         "an object mapping assumption ids to numbers")
    return _validate_overrides(doc["assumptions"], f"{param} {p.name}")


def use_scenario(source=None) -> dict[str, float]:
    """Make a scenario (a file path or a dict of overrides) the active defaults for every model and app;
    ``None`` clears it. Returns the active overrides. A scenario that fails its checks changes nothing."""
    import os

    if source is None:
        overrides = {}
    elif isinstance(source, (str, os.PathLike)):
        overrides = _load_scenario(source, "source")
    elif isinstance(source, dict):
        overrides = _validate_overrides(source, "source")
    else:
        raise TypeError(f"source must be a scenario file path, a dict of overrides or None; got {type(source).__name__}")
    _OVERRIDES.clear()
    _OVERRIDES.update(overrides)
    return dict(_OVERRIDES)


def current_overrides() -> dict[str, float]:
    return dict(_OVERRIDES)


class scenario:
    """Context manager: ``with scenario({"leverage_x": 2.0}): ...`` then the previous state is restored."""

    def __init__(self, source):
        if source is not None and not isinstance(source, (str, dict)) and not hasattr(source, "__fspath__"):
            raise TypeError(f"source must be a scenario file path, a dict of overrides or None; got {type(source).__name__}")
        self.source = source

    def __enter__(self):
        self._saved = dict(_OVERRIDES)
        use_scenario(self.source)
        return current_overrides()

    def __exit__(self, *exc):
        _OVERRIDES.clear()
        _OVERRIDES.update(self._saved)
        return False
