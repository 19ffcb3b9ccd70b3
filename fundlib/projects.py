"""Project archetypes for the fund's mandate and their annual cash flows.
Used by notebook 04 (the project app) and, through ``scenarios`` and ``stress``, by 04 and 06.

Each archetype is one representative project: capex spent evenly over the build years, then
revenue = revenue at full output × utilization (ramping up linearly), an operating cash margin,
maintenance capex, optional equipment refreshes, and a terminal value at the end of its life.
Money is USD bn; years t = 0, 1, …; all parameters come from ``data/assumptions.csv``.

:func:`cashflows` is vectorized: every uncertain input may be an array over scenarios, and the
Monte Carlo engine in :mod:`fundlib.scenarios` calls it with whole batches.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import leverage as LV
from fundlib._validate import InputError, check_int, check_range
from fundlib.finance import irr, moic, npv, payback_period

__all__ = ["ProjectArchetype", "ARCHETYPES", "SECTORS", "archetype", "cashflows", "metrics", "with_debt",
           "cashflow_table"]


@dataclass(frozen=True)
class ProjectArchetype:
    key: str
    label: str
    capex_usd_bn: float              # initial capex of one project
    revenue_full_usd_bn: float       # revenue a year at 100% utilization and base prices
    utilization: float               # steady-state utilization (or capacity factor, occupancy)
    margin: float                    # operating cash margin on revenue
    build_years: int
    ramp_years: int
    life_years: int                  # operating years
    maintenance: float               # maintenance capex a year, share of initial capex
    refresh_years: int = 0           # 0: no refresh cycle
    refresh_share: float = 0.0       # refresh capex, share of initial capex
    terminal: float = 0.0            # terminal value, share of initial capex
    capex_basis: str = ""            # how capex was built up, for the reader

    def __post_init__(self):
        check_range("capex_usd_bn", self.capex_usd_bn, 0.0, 1e4, low_open=True)
        check_range("revenue_full_usd_bn", self.revenue_full_usd_bn, 0.0, 1e4)
        check_range("utilization", self.utilization, 0.0, 1.0)
        check_range("margin", self.margin, -1.0, 1.0)
        check_int("build_years", self.build_years, 1, 10)
        check_int("ramp_years", self.ramp_years, 1, 10)
        check_int("life_years", self.life_years, 1, 60)
        check_range("maintenance", self.maintenance, 0.0, 0.5)
        check_int("refresh_years", self.refresh_years, 0, 30)
        check_range("refresh_share", self.refresh_share, 0.0, 3.0)
        check_range("terminal", self.terminal, 0.0, 5.0)

    @property
    def horizon(self) -> int:
        """Years t = 0..horizon-1 needed for the base case."""
        return self.build_years + self.life_years

    def with_(self, **changes) -> "ProjectArchetype":
        """A copy with some fields changed (validated)."""
        return replace(self, **changes)


def _v(id):
    return A.value(id)


def _build(key: str) -> ProjectArchetype:
    if key == "ai_dc_shell":
        mw = _v("dc_size_mw")
        return ProjectArchetype(
            key, "AI data centre: shell, power and cooling", mw * _v("dc_capex_musd_per_mw") / 1000,
            mw * 1000 * _v("dc_lease_usd_per_kw_month") * 12 / 1e9, _v("dc_utilization"), _v("dc_margin"),
            int(_v("dc_build_years")), int(_v("dc_ramp_years")), int(_v("dc_life_years")), _v("dc_maintenance"),
            terminal=_v("dc_terminal"),
            capex_basis=f"{mw:.0f} MW × ${_v('dc_capex_musd_per_mw'):.1f}m per MW; lease ${_v('dc_lease_usd_per_kw_month'):.0f}/kW-month")
    if key == "ai_dc_it":
        mw = _v("dc_size_mw")
        capex = mw * _v("it_capex_musd_per_mw") / 1000
        return ProjectArchetype(
            key, "AI data centre: IT equipment (refreshed)", capex, capex * _v("it_revenue_share"), _v("it_utilization"),
            _v("it_margin"), 1, 1, int(_v("it_life_years")), 0.0, int(_v("it_refresh_years")), _v("it_refresh_share"),
            capex_basis=f"{mw:.0f} MW × ${_v('it_capex_musd_per_mw'):.0f}m per MW of servers, refreshed every {int(_v('it_refresh_years'))} years")
    if key == "gas_ccgt":
        mw = _v("ccgt_size_mw")
        return ProjectArchetype(
            key, "Power: gas combined cycle", mw * 1000 * _v("ccgt_capex_usd_per_kw") / 1e9,
            mw * 8760 * _v("power_price_usd_per_mwh") / 1e9, _v("ccgt_capacity_factor"), _v("ccgt_margin"),
            int(_v("ccgt_build_years")), 1, int(_v("ccgt_life_years")), _v("ccgt_maintenance"), terminal=_v("ccgt_terminal"),
            capex_basis=f"{mw:,.0f} MW × ${_v('ccgt_capex_usd_per_kw'):,.0f}/kW; power at ${_v('power_price_usd_per_mwh'):.0f}/MWh")
    if key == "solar":
        mw = _v("solar_size_mw")
        return ProjectArchetype(
            key, "Power: utility-scale solar", mw * 1e6 * _v("solar_capex_usd_per_w") / 1e9,
            mw * 8760 * _v("solar_ppa_usd_per_mwh") / 1e9, _v("solar_capacity_factor"), _v("solar_margin"),
            1, 1, int(_v("solar_life_years")), _v("solar_maintenance"),
            capex_basis=f"{mw:,.0f} MW × ${_v('solar_capex_usd_per_w'):.2f}/W; PPA ${_v('solar_ppa_usd_per_mwh'):.0f}/MWh")
    if key == "chip_packaging":
        capex = _v("pkg_capex_usd_bn")
        return ProjectArchetype(
            key, "Semiconductor back-end / advanced packaging", capex, capex * _v("pkg_revenue_share"), _v("pkg_utilization"),
            _v("pkg_margin"), int(_v("pkg_build_years")), int(_v("pkg_ramp_years")), int(_v("pkg_life_years")),
            _v("pkg_maintenance"), terminal=_v("pkg_terminal"), capex_basis=f"one plant of ${capex:.1f}bn (Amkor, Arizona)")
    if key == "logistics":
        sq = _v("logi_size_msqft")
        return ProjectArchetype(
            key, "Logistics: modern warehouses", sq * _v("logi_capex_usd_per_sqft") / 1000,
            sq * _v("logi_rent_usd_per_sqft_year") / 1000, _v("logi_occupancy"), _v("logi_margin"), 1, 1,
            int(_v("logi_life_years")), _v("logi_maintenance"), terminal=_v("logi_terminal"),
            capex_basis=f"{sq:.1f}m sq ft × ${_v('logi_capex_usd_per_sqft'):.0f}/sq ft; rent ${_v('logi_rent_usd_per_sqft_year'):.0f}/sq ft a year")
    raise InputError("archetype", key, "one of " + ", ".join(ARCHETYPES))


ARCHETYPES = ("ai_dc_shell", "ai_dc_it", "gas_ccgt", "solar", "chip_packaging", "logistics")
# The four sectors of the mandate and the archetype that stands for each in the portfolio.
SECTORS = {"data_centres": "ai_dc_shell", "power": "gas_ccgt", "chip_packaging": "chip_packaging", "logistics": "logistics"}
SECTOR_LABELS = {"data_centres": "AI data centres", "power": "Power generation",
                 "chip_packaging": "Chip packaging", "logistics": "Logistics"}


def archetype(key: str) -> ProjectArchetype:
    """The default archetype ``key`` built from the assumption register."""
    return _build(key)


def cashflows(a: ProjectArchetype, horizon: int | None = None, *, capex_mult=1.0, delay=0, utilization=None,
              price_mult=1.0, margin=None, exit_mult=1.0, maintenance_mult=1.0, components: bool = False):
    """Annual project cash flows (USD bn), t = 0..horizon-1, scenarios on leading axes.

    Uncertain inputs (each a number or an array over scenarios): ``capex_mult`` (overrun factor),
    ``delay`` (whole years before operations start), ``utilization``, ``price_mult``, ``margin``,
    ``exit_mult`` (on the terminal value), ``maintenance_mult`` (on maintenance and refresh capex).
    Operations that would run past the horizon are cut off.
    With ``components=True`` returns a dict of the parts (capex, revenue, operating, maintenance,
    refresh, terminal, total).
    """
    T = a.horizon if horizon is None else check_int("horizon", horizon, 2, 200)
    cm = np.asarray(capex_mult, float)[..., None]
    d = np.asarray(delay)
    if np.any(d < 0) or np.any(d != np.round(d)):
        raise InputError("delay", delay, "whole years ≥ 0")
    d = d.astype(int)[..., None]
    u = np.asarray(a.utilization if utilization is None else utilization, float)[..., None]
    pm = np.asarray(price_mult, float)[..., None]
    mg = np.asarray(a.margin if margin is None else margin, float)[..., None]
    em = np.asarray(exit_mult, float)[..., None]
    mm = np.asarray(maintenance_mult, float)[..., None]
    t = np.arange(T)
    capex_total = a.capex_usd_bn * cm
    capex = np.where(t < a.build_years, capex_total / a.build_years, 0.0)
    k = t - (a.build_years + d)                      # years since operations began
    op = (k >= 0) & (k < a.life_years)
    ramp = np.clip((k + 1) / a.ramp_years, 0.0, 1.0)
    revenue = np.where(op, a.revenue_full_usd_bn * pm * u * ramp, 0.0)
    operating = revenue * mg
    maintenance = np.where(op, a.maintenance * capex_total * mm, 0.0)
    if a.refresh_years > 0:
        due = op & (k > 0) & (k % a.refresh_years == 0) & (k < a.life_years - 1)
        refresh = np.where(due, a.refresh_share * capex_total * mm, 0.0)
    else:
        refresh = np.zeros_like(operating)
    terminal = np.where(k == a.life_years - 1, a.terminal * capex_total * em, 0.0)
    total = -capex + operating - maintenance - refresh + terminal
    if components:
        shape = total.shape
        return {"capex": np.broadcast_to(capex, shape), "revenue": np.broadcast_to(revenue, shape),
                "operating": np.broadcast_to(operating, shape), "maintenance": np.broadcast_to(maintenance, shape),
                "refresh": np.broadcast_to(refresh, shape), "terminal": np.broadcast_to(terminal, shape), "total": total}
    return total


def cashflow_table(a: ProjectArchetype, **kw) -> pd.DataFrame:
    """One scenario's cash flows by component, year by year (USD bn)."""
    c = cashflows(a, components=True, **kw)
    df = pd.DataFrame({k: np.ravel(v) for k, v in c.items()})
    df.insert(0, "year", np.arange(len(df)))
    return df


def metrics(cf, rate: float) -> dict:
    """IRR, NPV at ``rate``, MOIC and payback of a cash-flow vector (or batch)."""
    return {"irr": irr(cf), "npv": npv(rate, cf), "moic": moic(cf), "payback": payback_period(cf)}


def with_debt(a: ProjectArchetype, debt_rate: float, target_dscr: float, tenor: int, gearing: float, **kw) -> dict:
    """Project finance on top of the project: debt sized on CFADS at ``target_dscr``, capped by gearing.

    Debt is drawn at the end of construction (refinancing equity-funded capex) and sculpted over
    ``tenor`` years. Returns equity cash flows, the equity IRR and the debt schedule.
    """
    c = cashflows(a, components=True, **kw)
    cfads = c["operating"] - c["maintenance"] - c["refresh"] + c["terminal"]
    close = a.build_years - 1                      # financial close: the end of the last build year
    life = cfads.shape[-1] - close
    tenor = min(int(tenor), life - 1)
    cf_d = np.concatenate([np.zeros(cfads.shape[:-1] + (1,)), cfads[..., close + 1:]], axis=-1)
    uses = np.sum(c["capex"], axis=-1)             # each scenario's own capex: gearing caps it, not the largest
    sized = LV.size_debt(cf_d, debt_rate, target_dscr, tenor, uses, gearing)
    sched = sized["schedule"]
    equity = c["total"].copy()
    equity[..., close] += np.asarray(sized["debt"])
    equity[..., close:] -= sched.debt_service
    return {"equity_cf": equity, "equity_irr": irr(equity), "debt": sized["debt"], "schedule": sched,
            "min_dscr": sched.min_dscr, "binding": sized["binding"]}
