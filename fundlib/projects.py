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
from fundlib._validate import (InputError, as_cashflows, broadcast, check_bool, check_instance, check_int, check_number, check_range,
                               check_str, check_whole)
from fundlib.finance import irr, moic, npv, payback_period

__all__ = ["ProjectArchetype", "ARCHETYPES", "SECTORS", "archetype", "cashflows", "metrics", "with_debt",
           "cashflow_table"]


@dataclass(frozen=True)
class ProjectArchetype:
    """One representative project (USD bn, years). Every field is checked when the archetype is made:
    capex in (0, 10,000] $bn, revenue at full output in [0, 10,000] $bn a year, utilization in [0, 1],
    margin in [−1, 1], build and ramp 1–10 years, life 1–60 years, maintenance in [0, 0.5] of capex a
    year, refresh every 0–30 years (0: none) at [0, 3] × capex, terminal value [0, 5] × capex."""

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
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 - frozen: store the checked values
        for name in ("key", "label", "capex_basis"):
            check_str(name, getattr(self, name))
        for name, low, high, kw in (("capex_usd_bn", 0.0, 1e4, {"low_open": True}), ("revenue_full_usd_bn", 0.0, 1e4, {}),
                                    ("utilization", 0.0, 1.0, {}), ("margin", -1.0, 1.0, {}), ("maintenance", 0.0, 0.5, {}),
                                    ("refresh_share", 0.0, 3.0, {}), ("terminal", 0.0, 5.0, {})):
            set_(name, check_number(name, getattr(self, name), low, high, **kw))
        for name, low, high in (("build_years", 1, 10), ("ramp_years", 1, 10), ("life_years", 1, 60), ("refresh_years", 0, 30)):
            set_(name, check_int(name, getattr(self, name), low, high))

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
    raise InputError("key", key, "the name of an archetype: one of " + ", ".join(ARCHETYPES))


ARCHETYPES = ("ai_dc_shell", "ai_dc_it", "gas_ccgt", "solar", "chip_packaging", "logistics")
# The four sectors of the mandate and the archetype that stands for each in the portfolio.
SECTORS = {"data_centres": "ai_dc_shell", "power": "gas_ccgt", "chip_packaging": "chip_packaging", "logistics": "logistics"}
SECTOR_LABELS = {"data_centres": "AI data centres", "power": "Power generation",
                 "chip_packaging": "Chip packaging", "logistics": "Logistics"}


def archetype(key: str) -> ProjectArchetype:
    """The default archetype ``key`` (one of :data:`ARCHETYPES`) built from the assumption register."""
    if not isinstance(key, str):
        raise TypeError(f"key must be the name of an archetype ({', '.join(ARCHETYPES)}); got {type(key).__name__}")
    return _build(key)


def cashflows(a: ProjectArchetype, horizon: int | None = None, *, capex_mult=1.0, delay=0, utilization=None,
              price_mult=1.0, margin=None, exit_mult=1.0, maintenance_mult=1.0, components: bool = False):
    """Annual project cash flows (USD bn), t = 0..horizon-1, scenarios on leading axes.

    Uncertain inputs (each a number or an array over scenarios; arrays broadcast together):
    ``capex_mult`` (overrun factor, in (0, 1000]), ``delay`` (whole years before operations start,
    0–200), ``utilization`` (in [0, 1]; None: the archetype's), ``price_mult`` (in [0, 1000]),
    ``margin`` (in [−1, 1]; None: the archetype's), ``exit_mult`` (on the terminal value, in
    [0, 1000]), ``maintenance_mult`` (on maintenance and refresh capex, in [0, 1000]).
    ``horizon``: whole years in [2, 200] (None: build + life). Operations that would run past the
    horizon are cut off. With ``components=True`` returns a dict of the parts (capex, revenue,
    operating, maintenance, refresh, terminal, total).
    """
    check_instance("a", a, ProjectArchetype)
    T = a.horizon if horizon is None else check_int("horizon", horizon, 2, 200)
    d = check_whole("delay", delay, 0, 200)
    inputs = broadcast(
        capex_mult=check_range("capex_mult", capex_mult, 0.0, 1e3, low_open=True), delay=d,
        utilization=check_range("utilization", a.utilization if utilization is None else utilization, 0.0, 1.0),
        price_mult=check_range("price_mult", price_mult, 0.0, 1e3),
        margin=check_range("margin", a.margin if margin is None else margin, -1.0, 1.0),
        exit_mult=check_range("exit_mult", exit_mult, 0.0, 1e3),
        maintenance_mult=check_range("maintenance_mult", maintenance_mult, 0.0, 1e3))
    check_bool("components", components)
    cm, d, u, pm, mg, em, mm = (np.asarray(x)[..., None] for x in inputs)
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
    """One scenario's cash flows by component, year by year (USD bn). ``kw``: the inputs of
    :func:`cashflows`, each a single number here (the table shows one scenario)."""
    check_instance("a", a, ProjectArchetype)
    c = cashflows(a, components=True, **kw)
    if c["total"].size > c["total"].shape[-1]:
        name = next(k for k, v in kw.items() if np.size(v) > 1)
        raise InputError(name, kw[name], "a single number: the table shows one scenario")
    df = pd.DataFrame({k: np.ravel(v) for k, v in c.items()})
    df.insert(0, "year", np.arange(len(df)))
    return df


def metrics(cf, rate: float) -> dict:
    """IRR, NPV at ``rate`` (a decimal > −100%), MOIC and payback of a cash-flow vector (or batch,
    time on the last axis, at least two periods). IRR and payback are NaN where they do not exist
    (no sign change; never paid back)."""
    cf = as_cashflows("cf", cf, min_periods=2)
    rate = check_number("rate", rate, -1.0, 10.0, low_open=True)
    return {"irr": irr(cf), "npv": npv(rate, cf), "moic": moic(cf), "payback": payback_period(cf)}


def with_debt(a: ProjectArchetype, debt_rate: float, target_dscr: float, tenor: int, gearing: float, **kw) -> dict:
    """Project finance on top of the project: debt sized on CFADS at ``target_dscr``, capped by gearing.

    Debt is drawn at the end of construction (refinancing equity-funded capex) and sculpted over
    ``tenor`` years (whole years ≥ 1, cut to the years left in the horizon after close).
    ``debt_rate``: one rate in [−5%, 100%]; ``target_dscr`` in (0, 10]; ``gearing`` in [0, 1).
    ``kw``: the uncertain inputs of :func:`cashflows` (arrays give one result per scenario).
    CFADS that is zero through the tenor carries no debt (debt 0, an all-equity project).
    Returns equity cash flows, the equity IRR and the debt schedule.
    """
    check_instance("a", a, ProjectArchetype)
    check_number("debt_rate", debt_rate, *LV.RATE_RANGE)
    check_number("target_dscr", target_dscr, 0.0, 10.0, low_open=True)
    tenor = check_int("tenor", tenor, 1, 200)
    gearing = check_number("gearing", gearing, 0.0, 1.0, high_open=True)
    c = cashflows(a, components=True, **kw)
    cfads = c["operating"] - c["maintenance"] - c["refresh"] + c["terminal"]
    close = a.build_years - 1                      # financial close: the end of the last build year
    life = cfads.shape[-1] - close
    if life < 2:
        raise InputError("horizon", kw.get("horizon"), f"at least {a.build_years + 1} years: room for a year of debt service after close")
    tenor = min(tenor, life - 1)
    cf_d = np.concatenate([np.zeros(cfads.shape[:-1] + (1,)), cfads[..., close + 1:]], axis=-1)
    uses = np.sum(c["capex"], axis=-1)             # each scenario's own capex: gearing caps it, not the largest
    sized = LV.size_debt(cf_d, debt_rate, target_dscr, tenor, uses, gearing)
    sched = sized["schedule"]
    equity = c["total"].copy()
    equity[..., close] += np.asarray(sized["debt"])
    equity[..., close:] -= sched.debt_service
    return {"equity_cf": equity, "equity_irr": irr(equity), "debt": sized["debt"], "schedule": sched,
            "min_dscr": sched.min_dscr, "binding": sized["binding"]}
