"""The chain's debt maths (notebooks 01, 02, 03, 05 and 06; 07 through the odds engine): step 3 of
:func:`fundlib.chain.run`, the principal plan sculpted at close, and each year's debt service due by
tranche with the balances it leaves.

**The plan.** Debt service is sculpted to the base CFADS over the debt's own tenor (which may run past
the fund's life: the balance left at exit is repaid from the sale): service in year t is
κ·max(CFADS_t, 0) for 1 ≤ t ≤ tenor, with κ chosen so that the PV of the service at the base rate
equals the PV of the draws. While the plan pays less than the interest (the cash flows are still
small) the rest is capitalised.

**Each year.** The plan's principal stands whatever happens (split between the tranches pro rata to
their shares of the debt); interest floats on each tranche's rate.
In a year where the plan pays only part of its interest, the same fraction of the actual interest
is due (the rest capitalised). In the exit year the whole balance is due. The covenant (DSCR) tests
the scheduled service, not the exit repayment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fundlib.chain.assets import Assets
from fundlib.chain.rates import Rates
from fundlib.structure import FundStructure

__all__ = ["DebtPlan", "sculpt_plan", "Due", "service_due", "roll_forward"]


@dataclass(frozen=True)
class DebtPlan:
    """The plan at close, (n, T) each, $bn: ``service`` scheduled, ``balance`` at each year's end,
    ``principal`` repaid."""

    service: np.ndarray
    balance: np.ndarray
    principal: np.ndarray


def sculpt_plan(fund: FundStructure, assets: Assets, base_rate: float, T: int) -> DebtPlan:
    """Step 3: the principal plan, sculpted to the base CFADS at ``base_rate`` over the debt's tenor."""
    n = assets.cfads.shape[0]
    tenor = fund.debt_tenor_years
    Tp = max(T, tenor + 1)
    tp = np.arange(Tp)
    base_cf = np.zeros((n, Tp))
    draws = np.zeros(Tp)
    draws[:T] = assets.draws
    for v in range(min(fund.deploy_years, T)):
        base_cf[:, v:] += assets.purchases[v] * assets.base_cfads[:, : Tp - v]
    w_ds = np.where((tp >= 1) & (tp <= tenor), np.maximum(base_cf, 0.0), 0.0)
    dfb = (1.0 + base_rate) ** -tp
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(w_ds @ dfb > 0, (draws @ dfb) / np.where(w_ds @ dfb > 0, w_ds @ dfb, 1.0), 0.0)
    service = kappa[:, None] * w_ds
    balance = np.zeros((n, Tp))
    principal = np.zeros((n, Tp))
    bal = np.zeros(n)
    for s in tp:
        interest = bal * base_rate
        principal[:, s] = np.minimum(service[:, s] - interest, bal) if s else 0.0
        bal = bal + interest + draws[s] - (service[:, s] if s else 0.0)
        bal = np.where(np.abs(bal) < 1e-9 * max(1.0, float(draws.sum())), 0.0, bal)  # repaid: no rounding leftover
        balance[:, s] = bal
    return DebtPlan(service[:, :T], balance[:, :T], principal[:, :T])


@dataclass(frozen=True)
class Due:
    """One year's debt service due, (n,) each, $bn: ``senior`` and ``sub`` by tranche (the exit year's
    repayment included), ``scheduled`` the covenant's service (the exit repayment excluded), and the
    year's interest on each tranche."""

    senior: np.ndarray
    sub: np.ndarray
    scheduled: np.ndarray
    senior_interest: np.ndarray
    sub_interest: np.ndarray


def service_due(s: int, last: bool, fund: FundStructure, plan: DebtPlan, rates: Rates,
                senior_balance: np.ndarray, sub_balance: np.ndarray) -> Due:
    """The debt service due in year ``s`` by tranche, from the balances at the start of the year. The
    plan's principal is split between the tranches in proportion to their shares of the debt."""
    sen_share, sub_share = 1.0 - fund.sub_debt_share, fund.sub_debt_share
    if s == 0:
        return Due(*(np.zeros_like(senior_balance) for _ in range(5)))
    int_s, int_j = senior_balance * rates.senior[:, s], sub_balance * rates.sub[:, s]
    planned_int = plan.balance[:, s - 1] * rates.base
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(planned_int > 0, np.clip(plan.service[:, s] / np.where(planned_int > 0, planned_int, 1.0), 0, 1), 1.0)
    prin = np.where(plan.principal[:, s] > 0, plan.principal[:, s], 0.0)
    if last:
        prin_s, prin_j, pay_frac = senior_balance, sub_balance, 1.0
    else:
        prin_s = np.minimum(sen_share * prin, senior_balance)
        prin_j = np.minimum(sub_share * prin, sub_balance)
        pay_frac = np.where(plan.principal[:, s] > 0, 1.0, frac)
    scheduled = pay_frac * (int_s + int_j) + np.minimum(prin, senior_balance + sub_balance)
    return Due(pay_frac * int_s + prin_s, pay_frac * int_j + prin_j, scheduled, int_s, int_j)


def roll_forward(fund: FundStructure, due: Due, draw: float, senior_balance: np.ndarray,
                 sub_balance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The balances after the year's interest and draws, and the senior service due: the senior
    lenders are paid in full every year (by the fund or, failing it, by the guarantors, whom the fund
    then owes). The subordinated balance falls only by what is actually paid
    (:func:`fundlib.chain.year.pay_subordinated`). Returns (senior balance, subordinated balance)."""
    sen_share, sub_share = 1.0 - fund.sub_debt_share, fund.sub_debt_share
    return (senior_balance + due.senior_interest - due.senior + (sen_share * draw),
            sub_balance + due.sub_interest + sub_share * draw)
