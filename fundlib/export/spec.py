"""What an Excel export holds, checked and resolved: the register with a scenario's overrides, the
fund, market, terms and what-ifs an app (any notebook's Export to Excel) is showing, and the chain
run on exactly those inputs that the workbook's formulas must reproduce.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib import waterfall as W
from fundlib._validate import InputError, check_number, check_range
from fundlib.market import Market
from fundlib.structure import FundStructure

__all__ = ["ExportSpec", "resolve", "check_path", "check_overrides", "SECTOR_WEIGHT_IDS", "PLAN_MIN_YEARS"]

SECTOR_WEIGHT_IDS = {s: f"w_{s}" for s in P.SECTORS}
PLAN_MIN_YEARS = 41      # the principal plan runs to the longest debt tenor a fund may have (40) + year 0
CURVE_MIN_YEARS = 40     # annual curves long enough for any FILP tenor in the register's range


@dataclass
class ExportSpec:
    """Everything one workbook is built from (one scenario)."""

    fund: FundStructure
    market: Market
    preset: str
    asset_return: float
    weights: dict
    shocks: CH.Shocks
    yen_appreciation: float
    overrides: dict
    retail_pref_rate: float | None
    deemed_rate: float | None
    result: CH.ChainResult
    sector_profiles: dict            # sector -> CFADS per $1 of capex, ages 0..H-1 (no shock)
    shocked_profiles: dict | None    # the same after the AI-bust / delay shocks, or None
    late_profiles: dict | None       # the same after the delay alone (the debt is re-sculpted on it), or None
    register: dict = field(default_factory=dict)   # id -> Assumption in force (overrides applied)

    @property
    def T(self) -> int:
        return self.fund.life_years + 1

    @property
    def P(self) -> int:
        return max(self.T, PLAN_MIN_YEARS)

    @property
    def H(self) -> int:
        return CH.MAX_HORIZON

    @property
    def N(self) -> int:
        """Annual curve years: enough for the FILP tenor and the exit's discounting of the assets'
        remaining cash flows (to year T − 1 + H − 1), at most the Market's 100."""
        return min(max(self.T - 1 + self.H - 1, CURVE_MIN_YEARS), 100)

    @property
    def shocked(self) -> bool:
        return self.shocked_profiles is not None

    def source(self, id: str, used) -> str:
        """Where a number in the workbook comes from: the register (or the scenario that overrides
        it), or the app that set it."""
        a = self.register[id]
        if used is None or _same(used, a.value):
            return a.source
        return f"set by the app (register: {a.value:g} {a.unit}; {a.source})"


def _same(x, y) -> bool:
    return float(x) == float(y)


def check_path(path) -> Path:
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike naming an .xlsx file, not {type(path).__name__}")
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise InputError("path", str(p), "a file name ending in .xlsx")
    if not p.parent.exists():
        raise InputError("path", str(p), "a file in an existing folder")
    return p


def check_overrides(overrides) -> dict:
    """Assumption ids of the register mapped to numbers within its [low, high] ranges."""
    if overrides is None:
        return {}
    if not isinstance(overrides, dict):
        raise TypeError(f"overrides must be a dict of assumption id -> number, not {type(overrides).__name__}")
    reg = A.register()
    out = {}
    for key, val in overrides.items():
        if key not in reg:
            raise InputError("overrides", key, "an assumption id in data/assumptions.csv")
        if isinstance(val, bool) or not isinstance(val, (int, float, np.integer, np.floating)):
            raise InputError(f"overrides[{key!r}]", val, "a number")
        a = reg[key]
        out[key] = a.check(float(val), f"overrides[{key!r}]")
    return out


def _scalar(name, x, low, high):
    if isinstance(x, (list, tuple, np.ndarray)):
        raise InputError(name, x, f"one number in [{low:g}, {high:g}] (a workbook holds one scenario)")
    return float(check_number(name, x, low, high))


def resolve(overrides=None, *, scenario=None, fund=None, market=None, asset_return=None, preset="proposal",
            weights=None, shocks=None, yen_appreciation=0.0, retail_pref_rate=None, deemed_rate=None) -> ExportSpec:
    """Check every argument, apply the scenario, and run the chain on the same inputs."""
    merged = A.current_overrides()
    if scenario is not None:
        if isinstance(scenario, bool) or not isinstance(scenario, (str, os.PathLike)):
            raise TypeError(f"scenario must be the path of a scenario JSON file, not {type(scenario).__name__}")
        merged.update(A.load_scenario(scenario))
    merged.update(check_overrides(overrides))
    if fund is not None and not isinstance(fund, FundStructure):
        raise TypeError(f"fund must be a fundlib.structure.FundStructure, not {type(fund).__name__}")
    if market is not None and not isinstance(market, Market):
        raise TypeError(f"market must be a fundlib.market.Market, not {type(market).__name__}")
    if not isinstance(preset, str) or preset not in W.PRESETS:
        raise InputError("preset", preset, "one of " + ", ".join(W.PRESETS))
    if shocks is not None and not isinstance(shocks, CH.Shocks):
        raise TypeError(f"shocks must be a fundlib.chain.Shocks, not {type(shocks).__name__}")
    if weights is not None and not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict of sector -> weight, not {type(weights).__name__}")
    yen_appreciation = _scalar("yen_appreciation", yen_appreciation, -0.3, 0.3)
    shocks = shocks or CH.Shocks()
    for name in ("sofr_bp", "ai_bust", "delay_years", "usdjpy"):
        v = getattr(shocks, name)
        if v is not None and np.ndim(v) != 0:
            raise InputError(f"shocks.{name}", v, "one number (a workbook holds one scenario)")
    if retail_pref_rate is not None:
        retail_pref_rate = _scalar("retail_pref_rate", retail_pref_rate, 0.0, 1.0)
    if deemed_rate is not None:
        deemed_rate = _scalar("deemed_rate", deemed_rate, -0.05, 1.0)
    with A.scenario(merged):
        fund = fund or FundStructure()
        market = market or Market.current()
        r_a = _scalar("asset_return", A.value("asset_return") if asset_return is None else asset_return, -0.05, 0.5)
        w = SC.check_weights(weights or SC.default_weights())
        kw = {k: v for k, v in (("retail_pref_rate", retail_pref_rate), ("deemed_rate", deemed_rate)) if v is not None}
        result = CH.run(fund, market, asset_return=r_a, preset=preset, shocks=shocks, weights=w,
                        yen_appreciation=yen_appreciation, **kw)
        _, _, bust, delay = shocks.arrays()
        base, shocked, late = {}, {}, {}
        for s in P.SECTORS:
            one = {k: float(k == s) for k in P.SECTORS}
            base[s] = np.asarray(CH.portfolio_cfads(one), float)
            shocked[s] = np.asarray(CH.portfolio_cfads(one, float(bust), float(delay)), float)
            late[s] = np.asarray(CH.portfolio_cfads(one, 0.0, float(delay)), float)
        any_shock = float(bust) != 0.0 or float(delay) != 0.0
        register = {id: A.get(id) for id in A.register()}
    return ExportSpec(fund, market, preset, r_a, w, shocks, yen_appreciation, merged, retail_pref_rate, deemed_rate,
                      result, base, shocked if any_shock else None, late if float(delay) != 0.0 else None, register)
