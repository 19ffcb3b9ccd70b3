"""The assumption register: every default number the suite uses, with its unit, range and source.

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

__all__ = ["Assumption", "register", "get", "value", "table", "check"]


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
    reg = _load(str(data_dir() / "assumptions.csv"))
    try:
        return reg[id]
    except KeyError:
        raise InputError("id", id, "an id in data/assumptions.csv") from None


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
