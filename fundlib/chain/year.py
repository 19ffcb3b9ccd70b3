"""One year of the chain, step by step: the cash of year ``s`` from the projects to every party.
Notebooks 01, 02, 03, 05 and 06 read it through the chain; 07 through the odds engine.

Each step records its transfers in the ledger and returns what it leaves (cash in the fund's account,
the reserve, what is owed). :func:`fundlib.chain.run` calls them in this order every year:

1. :func:`capital_in`: the owners' calls, the debt drawn and the assets bought.
2. :func:`operations`: the projects' cash (or a shortfall the fund pays), the sale at exit, the fee.
3. :func:`cover_shortfall`: cash below zero is covered by the reserve, then by an **equity cure**
   the owners pay pro rata.
4. :func:`pay_senior`: senior service from cash, then the reserve, then the guarantors (a **call**,
   shared by ``exim_share_of_guarantees``).
5. :func:`repay_guarantors`: the fund owes the guarantors what they paid, with interest at the senior
   rate, before anything below; paid from cash, then from trapped cash.
6. :func:`pay_subordinated`: this year's subordinated service and any arrears, from cash, then the
   reserve; what cannot be paid is deferred (paid from the first cash that allows, ahead of the owners).
7. :func:`locked_up` and :func:`lock_up`: if the DSCR is below the lock-up test, or guarantors or
   subordinated lenders are owed, the rest goes to the reserve; otherwise it is distributable, with
   whatever the reserve holds (trapped cash is released once the test passes, and at the end).

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


def capital_in(L: Ledger, s: int, own: np.ndarray, assets: Assets, fund: FundStructure) -> None:
    """The owners' capital calls (``own``: each owner's share of calls), the debt drawn by tranche
    and the assets bought in year ``s``."""
    call, draw = assets.calls[s], assets.draws[s]
    for i, o in enumerate(OWNERS):
        if own[i] and call:
            L.add("capital call", o, "fund", own[i] * call, year=s)
    if draw:
        L.add("debt drawn", "senior_lenders", "fund", (1.0 - fund.sub_debt_share) * draw, year=s)
        L.add("debt drawn", "sub_lenders", "fund", fund.sub_debt_share * draw, year=s)
    if assets.purchases[s]:
        L.add("assets bought", "fund", "assets", assets.purchases[s], year=s)


def operations(L: Ledger, s: int, last: bool, assets: Assets, fee: float) -> np.ndarray:
    """The projects' cash (a negative year is a shortfall the fund pays them), the sale at exit and
    the manager's fee; returns the cash left (n,), which may be negative."""
    cfads = assets.cfads[:, s]
    cf = cfads + assets.exit_value[:, s]
    L.add("cash from the projects", "assets", "fund", np.maximum(cfads, 0.0), year=s)
    L.add("project shortfall paid", "fund", "assets", np.maximum(-cfads, 0.0), year=s)
    if last:
        L.add("assets sold at exit", "assets", "fund", assets.exit_value[:, s], year=s)
    L.add("management fee", "fund", "manager", fee, year=s)
    return cf - fee


def cover_shortfall(L: Ledger, s: int, cash: np.ndarray, reserve: np.ndarray, own: np.ndarray):
    """Cash below zero paid from the reserve, then by an equity cure pro rata to ``own``.
    Returns (cash ≥ 0, reserve, cure)."""
    from_res = np.minimum(np.maximum(-cash, 0.0), reserve)
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


def pay_senior(L: Ledger, s: int, cash: np.ndarray, reserve: np.ndarray, due: np.ndarray, exim: float):
    """Senior service from cash, then the reserve; what is left is called on the guarantors, ``exim``
    of it on Ex-Im Bank and the rest on JBIC. Returns (cash, reserve, call)."""
    paid, res, cash, reserve = _from_cash_then_reserve(L, s, cash, reserve, due)
    L.add("senior debt service", "fund", "senior_lenders", paid + res, year=s)
    call = due - paid - res
    L.add("guarantee call", "exim", "senior_lenders", exim * call, year=s)
    L.add("guarantee call", "jbic", "senior_lenders", (1 - exim) * call, year=s)
    return cash, reserve, call


def repay_guarantors(L: Ledger, s: int, cash: np.ndarray, reserve: np.ndarray, owed: np.ndarray, call: np.ndarray,
                     rate, exim: float):
    """What the guarantors are owed grows at ``rate`` (the senior rate) and by this year's ``call``;
    it is paid from cash, then from the reserve (trapped cash serves the claims above equity).
    Returns (cash, reserve, owed)."""
    owed = owed * (1.0 + rate) + call
    back, back_res, cash, reserve = _from_cash_then_reserve(L, s, cash, reserve, owed)
    back = back + back_res
    L.add("guarantee recovery", "fund", "exim", exim * back, year=s)
    L.add("guarantee recovery", "fund", "jbic", (1 - exim) * back, year=s)
    return cash, reserve, owed - back


def pay_subordinated(L: Ledger, s: int, cash: np.ndarray, reserve: np.ndarray, due: np.ndarray, arrears: np.ndarray,
                     balance: np.ndarray):
    """This year's subordinated service and the arrears (never more than the balance), from cash,
    then the reserve; the rest is deferred. Returns (cash, reserve, balance, arrears)."""
    due_all = np.minimum(due + arrears, balance)
    paid, res, cash, reserve = _from_cash_then_reserve(L, s, cash, reserve, due_all)
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


def lock_up(L: Ledger, s: int, last: bool, cash: np.ndarray, reserve: np.ndarray, trap: np.ndarray):
    """Trap the cash in the reserve where the lock-up holds; elsewhere (and in the last year) release
    the reserve with it. Returns (distributable, reserve)."""
    release = reserve if last else np.where(trap, 0.0, reserve)
    if last:
        trap = np.zeros_like(trap)
    L.add("reserve released", "reserve", "fund", release, year=s)
    cash = cash + release
    reserve = reserve - release
    to_res = np.where(trap, cash, 0.0)
    L.add("cash trapped", "fund", "reserve", to_res, year=s)
    return np.where(trap, 0.0, cash), reserve + to_res


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
