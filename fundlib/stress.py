"""Stress tests of the whole chain: funding cost, FX, project cash flows, leverage and the waterfall.
Used by notebook 06 (the stress app and the reverse stress test).

The chain: the fund's $900bn buys the default four-sector portfolio (projects at their base
inputs); $600bn of senior guaranteed debt floats at SOFR + spread + guarantee fee, sculpted to the
portfolio's base cash flows (interest during construction capitalized); each year the portfolio's
cash flow available for debt service (CFADS) pays the debt first; if the DSCR is below the lock-up
level the rest is trapped in a reserve (released at the end), otherwise it goes to the owners pro
rata; if CFADS plus the reserve cannot pay the debt service, Ex-Im Bank and JBIC pay the shortfall
(a guarantee call). The guarantors are then owed what they paid, with interest, ahead of the
owners; what they never recover is their loss.

A stress is a set of shocks applied together; every shock may be an array over scenarios, so a
whole grid of shock sizes runs in one call. That is what makes the reverse stress test a
vectorized search rather than a loop of full re-runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import leverage as LV
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib import structure as S
from fundlib._validate import InputError, check_range
from fundlib.finance import irr, moic, npv

__all__ = ["Shock", "named_shocks", "run_chain", "stress_table", "reverse_stress", "HORIZON"]

HORIZON = 55  # years: the longest-lived project plus the longest delay the search explores


@dataclass(frozen=True)
class Shock:
    """One stress: SOFR up by ``sofr_bp``; USD/JPY moved to ``usdjpy`` (None = unchanged); an AI
    capex bust of severity ``ai_bust`` (1 = the named bust); every project ``delay_years`` late."""

    sofr_bp: float = 0.0
    usdjpy: float | None = None
    ai_bust: float = 0.0
    delay_years: int = 0

    def __post_init__(self):
        check_range("sofr_bp", self.sofr_bp, -500.0, 3000.0)
        if self.usdjpy is not None:
            check_range("usdjpy", self.usdjpy, 40.0, 400.0)
        check_range("ai_bust", self.ai_bust, 0.0, 2.5)
        if int(self.delay_years) != self.delay_years or not 0 <= self.delay_years <= 15:
            raise InputError("delay_years", self.delay_years, "a whole number of years in [0, 15]")


def named_shocks() -> dict[str, Shock]:
    """The named scenarios, sized from the register."""
    sofr, fx, delay = A.value("stress_sofr_bp"), A.value("stress_usdjpy"), int(A.value("stress_delay_years"))
    return {
        "Base": Shock(),
        f"SOFR +{sofr:.0f} bp": Shock(sofr_bp=sofr),
        f"Yen at {fx:.0f} per $": Shock(usdjpy=fx),
        "AI capex bust": Shock(ai_bust=1.0),
        f"{delay}-year delays": Shock(delay_years=delay),
        "All together": Shock(sofr, fx, 1.0, delay),
    }


def _portfolio_cfads(ai_bust, delay, weights: dict) -> np.ndarray:
    """CFADS per $1 of planned capex (operating − maintenance − refresh + terminal), shape (n, T)."""
    w = SC.check_weights(weights)
    n = np.broadcast(ai_bust, delay).shape
    out = np.zeros(n + (HORIZON + 1,))
    cut, up = A.value("ai_bust_utilization_cut"), A.value("ai_bust_capex_up")
    for s, key in P.SECTORS.items():
        if not w[s]:
            continue
        a = P.archetype(key)
        ai = np.asarray(ai_bust, float) if s == "data_centres" else np.zeros(n)
        c = P.cashflows(a, HORIZON + 1, delay=delay, utilization=a.utilization * np.clip(1 - cut * ai, 0, 1),
                        maintenance_mult=1 + up * ai, components=True)
        out += w[s] / a.capex_usd_bn * (c["operating"] - c["maintenance"] - c["refresh"] + c["terminal"])
    return out


def run_chain(sofr_bp=0.0, usdjpy=None, ai_bust=0.0, delay_years=0, *, fund: S.FundStructure | None = None,
              weights: dict | None = None) -> dict:
    """Run the chain for one or many shocks (arrays broadcast over scenarios). Returns arrays over
    scenarios: equity IRR, MOIC and value, DSCR path, lock-up and default years, guarantee calls, and
    each government's loss against the unshocked base."""
    fund = fund or S.FundStructure()
    weights = weights or SC.default_weights()
    spot0 = A.value("usdjpy")
    sofr_bp, ai_bust, delay, fx = np.broadcast_arrays(np.asarray(sofr_bp, float), np.asarray(ai_bust, float),
                                                      np.asarray(delay_years), np.asarray(spot0 if usdjpy is None else usdjpy, float))
    if np.any(delay < 0) or np.any(delay > 15) or np.any(delay != np.round(delay)):
        raise InputError("delay_years", delay_years, "whole years in [0, 15]")
    delay = delay.astype(int)
    T = HORIZON + 1
    assets, E = fund.assets_usd_bn, fund.equity_usd_bn
    D = assets - E
    base_rate = LV.DebtTerms().rate()
    tenor = int(A.value("fund_debt_tenor_years"))
    lock, default = A.value("lockup_dscr"), A.value("default_dscr")
    # The debt's schedule is fixed at financial close on the base case.
    base_cfads = assets * _portfolio_cfads(0.0, 0, weights)
    base = LV.debt_schedule(D, base_rate, tenor, "sculpted", cfads=base_cfads)
    principal_plan = base.debt_service - base.interest          # negative while interest is capitalized
    servicing = base.debt_service > 0
    # Years in which the base plan pays only part of the interest (the rest capitalized): under
    # stress the same fraction of the (higher) interest is paid and the rest capitalized.
    with np.errstate(divide="ignore", invalid="ignore"):
        paid_frac = np.where((principal_plan < 0) & (base.interest > 0), base.debt_service / base.interest, 1.0)
    cfads = assets * _portfolio_cfads(ai_bust, delay, weights)  # (n, T)
    rate = base_rate + sofr_bp * 1e-4
    n = cfads.shape[:-1]
    bal = np.full(n, D)
    reserve = np.zeros(n)
    owed = np.zeros(n)                                            # what the fund owes the guarantors after calls
    dist = np.zeros(n + (T,))
    calls = np.zeros(n + (T,))
    recovered = np.zeros(n + (T,))
    service = np.zeros(n + (T,))
    dscr = np.full(n + (T,), np.nan)
    last = int(np.flatnonzero(servicing).max())
    for t in range(1, T):  # path-dependent: one period at a time, every scenario together
        interest = bal * rate
        if not servicing[t]:
            due = np.zeros(n)
            bal = bal + interest                                  # capitalized during construction
        elif principal_plan[t] < 0:
            due = paid_frac[t] * interest
            bal = bal + interest - due
        else:
            due = interest + (bal if t == last else np.minimum(principal_plan[t], bal))
            bal = bal + interest - due                            # paid by the fund or, failing that, the guarantors
        service[..., t] = due
        cash = cfads[..., t] + reserve
        paid = np.clip(cash, 0.0, due)
        calls[..., t] = due - paid
        with np.errstate(divide="ignore", invalid="ignore"):
            dscr[..., t] = np.where(due > 0, cfads[..., t] / np.where(due > 0, due, 1.0), np.nan)
        left = cash - paid
        # The guarantors step into the lenders' shoes: what they paid, with interest, is repaid
        # before the owners see another dollar.
        owed = owed * (1.0 + rate) + calls[..., t]
        back = np.minimum(np.maximum(left, 0.0), owed)
        recovered[..., t] = back
        owed = owed - back
        left = left - back
        trap = (due > 0) & ((dscr[..., t] < lock) | (calls[..., t] > 0) | (owed > 0))
        dist[..., t] = np.where(trap, 0.0, np.maximum(left, 0.0))
        reserve = np.where(trap, left, 0.0)
        reserve = np.where(reserve < 0, 0.0, reserve)
    dist[..., -1] += reserve                                       # trapped cash released at the end
    equity_cf = dist.copy()
    equity_cf[..., 0] -= E
    r_eq = A.value("equity_discount_rate")
    ust, jgb = A.value("ust_30y"), A.value("jgb_30y")
    us_share, jp_share = fund.shares["us_treasury"], fund.shares["japan_mof"]
    exim = A.value("exim_share_of_guarantees")
    years = np.arange(T)
    fx_path = np.where(years == 0, spot0, fx[..., None])           # the shock hits after the stake is paid in
    net_calls = calls - recovered                                  # the guarantors' cash out, net of recoveries
    us_pv = npv(ust, us_share * equity_cf) - exim * npv(ust, net_calls)
    jp_pv_jpy = npv(jgb, jp_share * equity_cf * fx_path / 1000.0) - (1 - exim) * npv(jgb, net_calls * fx_path / 1000.0)
    return {
        "equity_irr": irr(equity_cf), "equity_moic": moic(equity_cf),
        "equity_value": npv(r_eq, np.concatenate([np.zeros(n + (1,)), dist[..., 1:]], axis=-1)),
        "min_dscr": np.nanmin(np.where(servicing, dscr, np.nan), axis=-1),
        "lockup_years": np.sum(servicing & (dscr < lock), axis=-1),
        "default_years": np.sum(servicing & (dscr < default), axis=-1),
        "guarantee_calls": calls.sum(axis=-1), "guarantee_recovered": recovered.sum(axis=-1),
        "guarantee_loss_pv": npv(ust, net_calls),
        "us_pv": us_pv, "japan_pv_jpy_tn": jp_pv_jpy, "dscr": dscr, "distributions": dist,
        "cfads": cfads, "debt_service": service, "calls": calls, "recovered": recovered,
    }


def stress_table(shocks: dict[str, Shock] | None = None, fund: S.FundStructure | None = None,
                 weights: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run named shocks together (one vectorized call). Returns (summary table, DSCR paths long table)."""
    shocks = shocks or named_shocks()
    names = list(shocks)
    spot0 = A.value("usdjpy")
    r = run_chain([s.sofr_bp for s in shocks.values()], [spot0 if s.usdjpy is None else s.usdjpy for s in shocks.values()],
                  [s.ai_bust for s in shocks.values()], [s.delay_years for s in shocks.values()], fund=fund, weights=weights)
    b = run_chain(fund=fund, weights=weights)
    table = pd.DataFrame({
        "equity IRR": r["equity_irr"], "equity value ($bn)": r["equity_value"],
        "change in equity value ($bn)": r["equity_value"] - b["equity_value"],
        "min DSCR": r["min_dscr"], "lock-up years": r["lockup_years"], "default years": r["default_years"],
        "guarantee calls ($bn)": r["guarantee_calls"],
        "guarantors' loss after recoveries ($bn PV)": r["guarantee_loss_pv"],
        "US loss vs base ($bn PV)": b["us_pv"] - r["us_pv"],
        "Japan loss vs base (¥tn PV)": b["japan_pv_jpy_tn"] - r["japan_pv_jpy_tn"],
    }, index=pd.Index(names, name="scenario"))
    years = np.arange(HORIZON + 1)
    long = pd.DataFrame([{"scenario": nm, "year": int(y), "dscr": float(r["dscr"][i, y])}
                         for i, nm in enumerate(names) for y in years if np.isfinite(r["dscr"][i, y])])
    return table, long


_KINDS = {
    "sofr_bp": ("SOFR rise (bp)", 0.0, 3000.0),
    "ai_bust": ("AI capex bust (severity; 1 = the named bust)", 0.0, 2.5),
    "delay_years": ("Construction delay (years)", 0, 15),
}


def reverse_stress(fund: S.FundStructure | None = None, weights: dict | None = None, points: int = 61) -> pd.DataFrame:
    """The smallest shock of each kind that breaches the default covenant (DSCR < 1, a guarantee
    call) and that wipes out the equity (MOIC below the register's threshold); and the USD/JPY level
    at which Japan's stake no longer pays for its FILP funding. Each search evaluates a whole grid
    of shock sizes in one vectorized run, then a finer grid inside the bracket."""
    wipe = A.value("wipeout_moic")
    rows = []
    for kind, (label, lo, hi) in _KINDS.items():
        for target in ("default covenant breached", "equity wiped out"):
            def hit(x, kind=kind, target=target):
                kw = {kind: x}
                r = run_chain(**kw, fund=fund, weights=weights)
                return r["default_years"] > 0 if target.startswith("default") else ~(r["equity_moic"] >= wipe)

            if kind == "delay_years":
                grid = np.arange(lo, hi + 1)
                h = hit(grid)
                value = float(grid[np.argmax(h)]) if h.any() else np.nan
            else:
                value = _search(hit, lo, hi, points)
            rows.append({"shock": label, "threshold": target, "smallest shock": value})
    # FX: the USD/JPY level (lower = stronger yen) below which Japan's net yen flows, valued at the
    # FILP yield, turn negative: the stake no longer pays for its FILP funding.
    def japan_short(level):
        return run_chain(usdjpy=A.value("usdjpy") - level, fund=fund, weights=weights)["japan_pv_jpy_tn"] < 0

    fall = _search(japan_short, 0.0, A.value("usdjpy") - 40.0, points)
    rows.append({"shock": "Yen strengthens to (¥ per $)", "threshold": "Japan's stake below its FILP funding",
                 "smallest shock": A.value("usdjpy") - fall if fall == fall else np.nan})
    return pd.DataFrame(rows)


def _search(hit, lo: float, hi: float, points: int) -> float:
    """Smallest x in [lo, hi] with hit(x) true, by two vectorized grids (hit is monotone in x)."""
    grid = np.linspace(lo, hi, points)
    h = np.asarray(hit(grid))
    if not h.any():
        return float("nan")
    k = int(np.argmax(h))
    if k == 0:
        return float(lo)
    fine = np.linspace(grid[k - 1], grid[k], points)
    hf = np.asarray(hit(fine))
    return float(fine[int(np.argmax(hf))])
