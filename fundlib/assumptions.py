"""The assumption register: every default number the suite uses, with its unit, range and source,
and scenario files that override it. Every notebook reads its defaults here; notebook 00 shows it.

``data/assumptions.csv`` has one row per assumption (id, value, unit, low, high, source, note).
Models take their defaults from here, and sliders take their range from ``low``/``high``::

    from fundlib import assumptions as A
    A.value("senior_spread_bp")      # 120.0
    A.get("equity_usd_bn").source    # the publication it comes from
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from fundlib._validate import InputError
from fundlib.data import data_dir, load_assumptions_table

__all__ = ["Assumption", "register", "get", "value", "table", "check", "save_scenario", "load_scenario",
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

    def check(self, x: float, name: str | None = None) -> float:
        """Raise InputError unless ``x`` lies in this assumption's [low, high] range."""
        if not (self.low <= x <= self.high):
            raise InputError(name or self.id, x, f"a value in [{self.low:g}, {self.high:g}] {self.unit}")
        return float(x)


@lru_cache(maxsize=2)
def _load(path: str) -> dict[str, Assumption]:
    df = load_assumptions_table(path)
    return {
        r.id: Assumption(r.id, float(r.value), r.unit, float(r.low), float(r.high), r.source,
                         None if pd.isna(r.note) else r.note)
        for r in df.itertuples(index=False)
    }


def register() -> dict[str, Assumption]:
    """All assumptions by id."""
    return dict(_load(str(data_dir() / "assumptions.csv")))


def get(id: str) -> Assumption:
    """Assumption ``id``, with the value of the active scenario if one overrides it."""
    reg = _load(str(data_dir() / "assumptions.csv"))
    try:
        a = reg[id]
    except KeyError:
        raise InputError("id", id, "an id in data/assumptions.csv") from None
    if id in _OVERRIDES:
        return Assumption(a.id, _OVERRIDES[id], a.unit, a.low, a.high, f"scenario override (default {a.value:g}: {a.source})", a.note)
    return a


def value(id: str) -> float:
    """The default value of assumption ``id`` in model units (decimals for rates)."""
    return get(id).value


def check(id: str, x: float, name: str | None = None) -> float:
    """Validate ``x`` against assumption ``id``'s range."""
    return get(id).check(x, name)


def table(ids: list[str] | None = None) -> pd.DataFrame:
    """The register (or a subset, in the given order) as a DataFrame."""
    reg = _load(str(data_dir() / "assumptions.csv"))
    rows = [reg[i] for i in ids] if ids else list(reg.values())
    return pd.DataFrame([a.__dict__ for a in rows])


# ----------------------------------------------------------------------------- scenario files
#
# A scenario is a set of overrides of the register's defaults, saved as JSON so a reader can share
# it: {"name": ..., "note": ..., "assumptions": {"leverage_x": 2.5, ...}}. Loading validates every
# key against the register and every value against its [low, high] range.


def _validate_overrides(overrides: dict, where: str = "scenario") -> dict[str, float]:
    reg = _load(str(data_dir() / "assumptions.csv"))
    if not isinstance(overrides, dict):
        raise InputError(f"{where}: assumptions", type(overrides).__name__, "an object mapping assumption ids to numbers")
    out = {}
    for key, val in overrides.items():
        if key not in reg:
            close = [k for k in reg if k.split("_")[0] == str(key).split("_")[0]][:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise InputError(f"{where}: key", key, "an id in data/assumptions.csv" + hint)
        if isinstance(val, bool) or not isinstance(val, (int, float)):
            raise InputError(f"{where}: {key}", val, "a number")
        out[key] = reg[key].check(float(val), f"{where}: {key}")
    return out


def save_scenario(path, overrides: dict, name: str = "", note: str = "") -> None:
    """Write ``overrides`` (validated) as a scenario JSON file."""
    import json
    from pathlib import Path

    clean = _validate_overrides(overrides)
    Path(path).write_text(json.dumps({"name": name, "note": note, "assumptions": clean}, indent=2, sort_keys=True) + "\n")


def load_scenario(path) -> dict[str, float]:
    """Read and validate a scenario JSON file; returns its overrides. Unknown keys and values outside
    the register's ranges raise :class:`fundlib.InputError` naming the key, the value and the range."""
    import json
    from pathlib import Path

    p = Path(path)
    try:
        doc = json.loads(p.read_text())
    except FileNotFoundError:
        raise InputError("scenario file", str(p), "an existing JSON file") from None
    except json.JSONDecodeError as exc:
        raise InputError("scenario file", f"{p.name} (line {exc.lineno})", "valid JSON") from None
    if not isinstance(doc, dict) or "assumptions" not in doc:
        raise InputError("scenario file", p.name, 'a JSON object with an "assumptions" object')
    extra = set(doc) - {"name", "note", "assumptions"}
    if extra:
        raise InputError("scenario file: field", sorted(extra)[0], 'only "name", "note" and "assumptions"')
    return _validate_overrides(doc["assumptions"], p.name)


def use_scenario(source=None) -> dict[str, float]:
    """Make a scenario (a file path or a dict of overrides) the active defaults for every model and app;
    ``None`` clears it. Returns the active overrides."""
    from pathlib import Path

    _OVERRIDES.clear()
    if source is None:
        return {}
    overrides = load_scenario(source) if isinstance(source, (str, Path)) else _validate_overrides(source)
    _OVERRIDES.update(overrides)
    return dict(_OVERRIDES)


def current_overrides() -> dict[str, float]:
    return dict(_OVERRIDES)


class scenario:
    """Context manager: ``with scenario({"leverage_x": 2.0}): ...`` then the previous state is restored."""

    def __init__(self, source):
        self.source = source

    def __enter__(self):
        self._saved = dict(_OVERRIDES)
        use_scenario(self.source)
        return current_overrides()

    def __exit__(self, *exc):
        _OVERRIDES.clear()
        _OVERRIDES.update(self._saved)
        return False
