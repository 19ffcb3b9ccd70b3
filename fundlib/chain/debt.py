"""The chain's debt maths (notebooks 01, 02, 03, 05 and 06; 07 through the odds engine): step 3 of
:func:`fundlib.chain.run`, the principal plan sculpted on the cash flows, the interest-rate swap struck
at close, and each year's debt service due by tranche with the balances it leaves.

**The plan.** Debt service is sculpted to the CFADS over the debt's own tenor (which may run past the
fund's life: the balance left at exit is repaid from the sale): service in year t is κ·max(CFADS_t, 0)
for 1 ≤ t ≤ tenor, with κ chosen so that the PV of the service at the base rate equals the PV of the
draws. While the plan pays less than the interest (construction and ramp-up) the rest is capitalised.
The plan at close is sculpted on the base CFADS; when the projects are late the debt is re-sculpted on
the late cash flows, so service starts when operations do and interest is capitalised until then.

**The swap.** At close the fund swaps ``hedge_share`` of the senior plan's balance from SOFR to a fixed
rate K, the Market's amortizing par swap rate on that notional (:meth:`fundlib.market.Market.swap_rate`),
for the fund's life: each year it pays N·(K − SOFR) to the swap counterparty (or receives it when SOFR
is above K).

**Each year.** The plan's principal stands (split between the tranches pro rata to their shares of the
debt); the bonds' coupon floats at SOFR + spread, the guarantee fee is due on the senior balance, and
the swap settles. In a year where the plan pays only part of its interest, the same share of the
hedged all-in interest (coupon + swap + fee) is paid and the rest is added to the bonds' balance. In
the exit year the whole balance is due. (Where the capitalised share exceeds the coupon, in
construction, the bondholders lend the difference: the swap and the fee are paid from the debt.) The covenant (DSCR) tests the scheduled service, fee and swap
included, not the exit repayment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fundlib.chain.rates import Rates
from fundlib.structure import FundStructure

__all__ = ["DebtPlan", "sculpt_plan", "Swap", "strike_swap", "Due", "service_due", "roll_forward"]


@dataclass(frozen=True)
class DebtPlan:
    """The plan, (n, T) each, $bn: ``service`` scheduled, ``balance`` at each year's end,
    ``principal`` repaid."""

    service: np.ndarray
    balance: np.ndarray
    principal: np.ndarray


def sculpt_plan(fund: FundStructure, draws: np.ndarray, purchases: np.ndarray, profile: np.ndarray,
                base_rate: float, T: int) -> DebtPlan:
    """Step 3: the principal plan, sculpted at ``base_rate`` over the debt's tenor to the CFADS of
    ``purchases`` (n, T) earning ``profile`` (n, H) per $1 by age; ``draws`` (T,) the debt drawn."""
    n = purchases.shape[0]
    tenor = fund.debt_tenor_years
    Tp = max(T, tenor + 1)
    tp = np.arange(Tp)
    base_cf = np.zeros((n, Tp))
    d = np.zeros(Tp)
    d[:T] = draws
    for v in range(min(fund.deploy_years, T)):
        base_cf[:, v:] += purchases[:, v:v + 1] * profile[:, : Tp - v]
    w_ds = np.where((tp >= 1) & (tp <= tenor), np.maximum(base_cf, 0.0), 0.0)
    dfb = (1.0 + base_rate) ** -tp
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(w_ds @ dfb > 0, (d @ dfb) / np.where(w_ds @ dfb > 0, w_ds @ dfb, 1.0), 0.0)
    service = kappa[:, None] * w_ds
    balance = np.zeros((n, Tp))
    principal = np.zeros((n, Tp))
    bal = np.zeros(n)
    for s in tp:
        interest = bal * base_rate
        principal[:, s] = np.minimum(service[:, s] - interest, bal) if s else 0.0
        bal = bal + interest + d[s] - (service[:, s] if s else 0.0)
        bal = np.where(np.abs(bal) < 1e-9 * max(1.0, float(d.sum())), 0.0, bal)  # repaid: no rounding leftover
        balance[:, s] = bal
    return DebtPlan(service[:, :T], balance[:, :T], principal[:, :T])


@dataclass(frozen=True)
class Swap:
    """The swap struck at close: ``notional`` (n, T) in force in each year (from year 1), ``fixed`` (n,)
    the fixed rate K the fund pays."""

    notional: np.ndarray
    fixed: np.ndarray


def strike_swap(fund: FundStructure, plan: DebtPlan, market) -> Swap:
    """The fund pays fixed on ``hedge_share`` of the senior plan's opening balance each year of its
    life; K is the par rate of that amortizing notional on the Market's USD curve."""
    n, T = plan.balance.shape
    N = np.zeros((n, T))
    N[:, 1:] = fund.hedge_share * (1.0 - fund.sub_debt_share) * plan.balance[:, :-1]
    D = np.asarray(market.discount("USD", np.arange(T, dtype=float)), float)
    fl, fx = N[:, 1:] @ (D[:-1] - D[1:]), N[:, 1:] @ D[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        K = np.where(fx > 0, fl / np.where(fx > 0, fx, 1.0), 0.0)
    return Swap(N, K)


@dataclass(frozen=True)
class Due:
    """One year's debt service due, (n,) each, $bn: ``bonds`` to the senior bondholders and ``sub`` to
    the subordinated lenders (the exit year's repayment included), ``swap_pay`` / ``swap_get`` the
    swap's settlement paid / received, ``fee`` the guarantee fee, ``scheduled`` the covenant's service
    (fee and swap included, the exit repayment excluded), ``capitalised`` the senior interest added to
    the balance, and the year's subordinated interest. ``bonds`` is negative where more is capitalised
    than the coupon (the swap and the fee during construction): the bondholders lend that much more."""

    bonds: np.ndarray
    sub: np.ndarray
    swap_pay: np.ndarray
    swap_get: np.ndarray
    fee: np.ndarray
    scheduled: np.ndarray
    principal: np.ndarray
    capitalised: np.ndarray
    sub_interest: np.ndarray


def service_due(s: int, last: bool, fund: FundStructure, plan: DebtPlan, rates: Rates, swap: Swap,
                senior_balance: np.ndarray, sub_balance: np.ndarray) -> Due:
    """The debt service due in year ``s`` by tranche, from the balances at the start of the year. The
    plan's principal is split between the tranches in proportion to their shares of the debt."""
    sen_share, sub_share = 1.0 - fund.sub_debt_share, fund.sub_debt_share
    if s == 0:
        z = np.zeros_like(senior_balance)
        return Due(z, z, z, z, z, z, z, z, z)
    int_s, int_j = senior_balance * rates.coupon[:, s], sub_balance * rates.sub[:, s]
    fee = senior_balance * rates.fee
    net = swap.notional[:, s] * (swap.fixed - rates.sofr[:, s])            # > 0: the fund pays
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
    cap = np.maximum((1.0 - pay_frac) * (int_s + net + fee), 0.0)          # the hedged interest not paid: capitalised
    scheduled = int_s - cap + net + fee + pay_frac * int_j + np.minimum(prin, senior_balance + sub_balance)
    return Due(int_s - cap + prin_s, pay_frac * int_j + prin_j, np.maximum(net, 0.0), np.maximum(-net, 0.0), fee,
               scheduled, prin_s, cap, int_j)


def roll_forward(fund: FundStructure, due: Due, draw: float, senior_balance: np.ndarray,
                 sub_balance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The balances after the year's draws, capitalised interest and principal: the senior bondholders
    are paid in full every year (by the fund or, failing it, by the guarantors, whom the fund then
    owes). The subordinated balance falls only by what is actually paid
    (:func:`fundlib.chain.year.pay_subordinated`). Returns (senior balance, subordinated balance)."""
    sen_share, sub_share = 1.0 - fund.sub_debt_share, fund.sub_debt_share
    return (senior_balance + due.capitalised - due.principal + sen_share * draw,
            sub_balance + due.sub_interest + sub_share * draw)
