"""One year of the chain, step by step: the cash of year ``s`` from the projects to every party.
Notebooks 01, 02, 03, 05 and 06 read it through the chain; 07 through the odds engine.

Each step records its transfers in the ledger and returns what it leaves (cash in the fund's account,
the reserve, what is owed). :func:`fundlib.chain.run` calls them in this order every year:

1. :func:`capital_in`: the owners' calls, the debt drawn, the assets bought and, at close, the
   debt-service reserve funded.
2. :func:`operations`: the projects' cash (or a shortfall the fund pays), the sale at exit, what the
   swap pays the fund, the management fee.
3. :func:`cover_shortfall`: cash below zero is covered by the reserve above its floor (the debt-service
   reserve is kept for debt service), then by an **equity cure** the owners pay pro rata.
4. :func:`pay_senior`: the bondholders' service and the swap's payment from cash, then the reserve
   (the debt-service reserve included), then the guarantors (a **call**, shared by
   ``exim_share_of_guarantees``); then the guarantee fee to the guarantors (unpaid: owed to them).
5. :func:`repay_guarantors`: the fund owes the guarantors what they paid, with interest at the senior
   all-in rate (SOFR + spread + fee), before anything below; paid from cash, then from the reserve.
6. :func:`pay_subordinated`: this year's subordinated service and any arrears, from cash, then the
   reserve above its floor; what cannot be paid is deferred (paid from the first cash that allows, ahead of the owners).
7. :func:`locked_up` and :func:`lock_up`: if the DSCR is below the lock-up test, or guarantors or
   subordinated lenders are owed, the rest goes to the reserve; otherwise the reserve is topped up to
   its floor (the debt-service reserve, while senior debt is outstanding) and the rest is
   distributable, with whatever the reserve holds above the floor (all of it at the end).

Amounts are (n,) arrays over scenarios, $bn. :func:`distribute` then runs the waterfall once over all
years on what was distributable.
"""

from __future__ import annotations

import numpy as np

from fundlib import waterfall as W
from fundlib.chain.assets import Assets
from fundlib.chain.ledger import Ledger
from fundlib.structure import OWNERS, PAYEES, FundStructure

__all__ = ["management_fees", "capital_in", "operations", "cover_shortfall", "pay_senior", "repay_guarantors",
           "pay_subordinated", "cover_ratio", "locked_up", "lock_up", "distribute"]

_DUST = 1e-12     # $bn: amounts below this count as nothing owed or due


def management_fees(fund: FundStructure, calls: np.ndarray) -> np.ndarray:
    """The manager's fee each year (T,), $bn, on committed or on called capital, from year 1."""
    fees, T = fund.fees, calls.size
    base = np.full(T, fund.equity_usd_bn) if fees.basis == "committed" else np.concatenate([[0.0], np.cumsum(calls)[:-1]])
    return np.where(np.arange(T) >= 1, fees.management_fee * base, 0.0)


def capital_in(L: Ledger, s: int, own: np.ndarray, assets: Assets, fund: FundStructure) -> np.ndarray:
    """The owners' capital calls (``own``: each owner's share of calls), the debt drawn by tranche,
    the assets bought and (year 0) the debt-service reserve funded in year ``s``; returns what went
    into the reserve (n,)."""
    call, draw = assets.calls[s], assets.draws[s]
    for i, o in enumerate(OWNERS):
        if own[i] and call:
            L.add("capital call", o, "fund", own[i] * call, year=s)
    if draw:
        L.add("debt drawn", "senior_lenders", "fund", (1.0 - fund.sub_debt_share) * draw, year=s)
        L.add("debt drawn", "sub_lenders", "fund", fund.sub_debt_share * draw, year=s)
    L.add("assets bought", "fund", "assets", assets.purchases[:, s], year=s)
    funded = assets.reserve_funded if s == 0 else np.zeros_like(assets.reserve_funded)
    L.add("debt-service reserve funded", "fund", "reserve", funded, year=s)
    return funded


def operations(L: Ledger, s: int, last: bool, assets: Assets, fee: float, swap_get: np.ndarray) -> np.ndarray:
    """The projects' cash (a negative year is a shortfall the fund pays them), the sale at exit, what
    the swap pays the fund (``swap_get``) and the manager's fee; returns the cash left (n,), which may
    be negative."""
    cfads = assets.cfads[:, s]
    cf = cfads + assets.exit_value[:, s] + swap_get
    L.add("swap settlement", "swap_counterparty", "fund", swap_get, year=s)
    L.add("cash from the projects", "assets", "fund", np.maximum(cfads, 0.0), year=s)
    L.add("project shortfall paid", "fund", "assets", np.maximum(-cfads, 0.0), year=s)
    if last:
        L.add("assets sold at exit", "assets", "fund", assets.exit_value[:, s], year=s)
    L.add("management fee", "fund", "manager", fee, year=s)
    return cf - fee


def cover_shortfall(L: Ledger, s: int, cash: np.ndarray, reserve: np.ndarray, own: np.ndarray, floor: np.ndarray):
    """Cash below zero paid from the reserve above its ``floor``, then by an equity cure pro rata to
    ``own``. Returns (cash ≥ 0, reserve, cure)."""
    from_res = np.minimum(np.maximum(-cash, 0.0), np.maximum(reserve - floor, 0.0))
    L.add("reserve released", "reserve", "fund", from_res, year=s)
    reserve = reserve - from_res
    cash = cash + from_res
    cure = np.maximum(-cash, 0.0)
    for i, o in enumerate(OWNERS):
        if own[i]:
            L.add("equity cure", o, "fund", own[i] * cure, year=s)
    return cash + cure, reserve, cure


def _from_cash_then_reserve(L: Ledger, s: int, cash: np.ndarray, reserve: np.ndarray, due: np.ndarray):
    """Pay ``due`` from cash as far as it goes, then from the reserve (recorded as released).
    Returns (paid from cash, paid from the reserve, cash left, reserve left)."""
    paid = np.minimum(cash, due)
    res = np.minimum(reserve, due - paid)
    L.add("reserve released", "reserve", "fund", res, year=s)
    return paid, res, cash - paid, reserve - res


def pay_senior(L: Ledger, s: int, cash: np.ndarray, reserve: np.ndarray, due, exim: float):
    """The bondholders' service and the swap's payment (``due``: a :class:`fundlib.chain.debt.Due`)
    from cash, then the reserve; what is left is called on the guarantors (the guarantee covers the
    hedged senior service), ``exim`` of it on Ex-Im Bank and the rest on JBIC, each shortfall shared
    pro rata between the bondholders and the swap counterparty. Then the guarantee fee, from cash,
    then the reserve. Returns (cash, reserve, call, fee unpaid)."""
    idc = np.maximum(-due.bonds, 0.0)           # construction: the bondholders lend the swap and the fee
    L.add("debt drawn (interest during construction)", "senior_lenders", "fund", idc, year=s)
    cash = cash + idc
    bonds = np.maximum(due.bonds, 0.0)
    owed = bonds + due.swap_pay
    paid, res, cash, reserve = _from_cash_then_reserve(L, s, cash, reserve, owed)
    with np.errstate(divide="ignore", invalid="ignore"):
        to_bonds = np.where(owed > 0, bonds / np.where(owed > 0, owed, 1.0), 1.0)
    L.add("senior debt service", "fund", "senior_lenders", to_bonds * (paid + res), year=s)
    L.add("swap settlement", "fund", "swap_counterparty", (1.0 - to_bonds) * (paid + res), year=s)
    call = owed - paid - res
    for g, share in (("exim", exim), ("jbic", 1.0 - exim)):
        L.add("guarantee call", g, "senior_lenders", share * to_bonds * call, year=s)
        L.add("guarantee call", g, "swap_counterparty", share * (1.0 - to_bonds) * call, year=s)
    fee_cash, fee_res, cash, reserve = _from_cash_then_reserve(L, s, cash, reserve, due.fee)
    L.add("guarantee fee", "fund", "exim", exim * (fee_cash + fee_res), year=s)
    L.add("guarantee fee", "fund", "jbic", (1.0 - exim) * (fee_cash + fee_res), year=s)
    return cash, reserve, call, due.fee - fee_cash - fee_res


def repay_guarantors(L: Ledger, s: int, cash: np.ndarray, reserve: np.ndarray, owed: np.ndarray, call: np.ndarray,
                     rate, exim: float):
    """What the guarantors are owed grows at ``rate`` (the senior all-in rate) and by this year's
    ``call`` (and any unpaid fee); it is paid from cash, then from the reserve (the reserve serves the
    claims above equity). Returns (cash, reserve, owed)."""
    owed = owed * (1.0 + rate) + call
    back, back_res, cash, reserve = _from_cash_then_reserve(L, s, cash, reserve, owed)
    back = back + back_res
    L.add("guarantee recovery", "fund", "exim", exim * back, year=s)
    L.add("guarantee recovery", "fund", "jbic", (1 - exim) * back, year=s)
    return cash, reserve, owed - back


def pay_subordinated(L: Ledger, s: int, cash: np.ndarray, reserve: np.ndarray, due: np.ndarray, arrears: np.ndarray,
                     balance: np.ndarray, floor: np.ndarray):
    """This year's subordinated service and the arrears (never more than the balance), from cash,
    then the reserve above its ``floor`` (the debt-service reserve stands in front of the senior debt
    and the guarantors, not the junior lenders); the rest is deferred. Returns (cash, reserve,
    balance, arrears)."""
    due_all = np.minimum(due + arrears, balance)
    above = np.maximum(reserve - floor, 0.0)
    paid, res, cash, above = _from_cash_then_reserve(L, s, cash, above, due_all)
    reserve = reserve - res
    paid = paid + res
    L.add("subordinated debt service", "fund", "sub_lenders", paid, year=s)
    return cash, reserve, balance - paid, due_all - paid


def cover_ratio(cfads: np.ndarray, scheduled: np.ndarray) -> np.ndarray:
    """DSCR: CFADS / scheduled debt service; NaN where none is due."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(scheduled > _DUST, cfads / np.where(scheduled > _DUST, scheduled, 1.0), np.nan)


def locked_up(due, dscr, call, owed, arrears, test: float) -> np.ndarray:
    """The lock-up holds (n,) while the DSCR is below ``test`` in a year with service due, or while
    the guarantors or the subordinated lenders are owed."""
    return ((due > _DUST) & (dscr < test)) | (call > _DUST) | (owed > _DUST) | (arrears > _DUST)


def lock_up(L: Ledger, s: int, last: bool, cash: np.ndarray, reserve: np.ndarray, trap: np.ndarray, floor: np.ndarray):
    """Trap the cash in the reserve where the lock-up holds; elsewhere top the reserve up to its
    ``floor`` from cash and release what it holds above the floor (everything in the last year).
    Returns (distributable, reserve)."""
    floor = np.zeros_like(reserve) if last else floor
    trap = np.zeros_like(trap) if last else trap
    release = np.where(trap, 0.0, np.maximum(reserve - floor, 0.0))
    fill = np.where(trap, cash, np.minimum(cash, np.maximum(floor - reserve, 0.0)))
    L.add("reserve released", "reserve", "fund", release, year=s)
    L.add("cash to the reserve", "fund", "reserve", fill, year=s)
    return cash - fill + release, reserve - release + fill


def distribute(L: Ledger, calls: np.ndarray, cures: np.ndarray, distributable: np.ndarray, terms) -> W.WaterfallResult:
    """The distribution waterfall over all years on what was distributable; ``terms`` is
    (ownership, contribution shares, tiers) from :func:`fundlib.waterfall.preset_terms`."""
    ownership, contrib_shares, tiers = terms
    calls_total = calls[None, :] + cures                             # (n, T)
    contributions = np.stack([contrib_shares[o] * calls_total for o in OWNERS])
    wres = W.run_waterfall(contributions, distributable, tiers, ownership)
    for k, tier in enumerate(wres.tiers):
        for i, p in enumerate(PAYEES):
            amt = wres.paid[k, i]
            if np.any(amt > 0):
                L.add(f"distribution: {tier.label}", "fund", p, amt)
    return wres
