"""One fund, one chain: the fund's year-by-year cash through debt, reserve, guarantees and the waterfall
to every party, as a double-entry ledger. Notebooks 01, 02, 03, 05 and 06 read it; 07 through the odds engine.

:func:`run` is a sequence of named steps, every scenario at once (scenarios on the leading axis):

0. :func:`fundlib.chain.inputs.prepare`: check the inputs, flatten the scenarios.
1. :func:`fundlib.chain.assets.buy_assets`: the assets each call buys, their CFADS and exit value.
2. :func:`fundlib.chain.rates.floating_rates`: each tranche's rate on the SOFR path.
3. :func:`fundlib.chain.debt.sculpt_plan`: the plan at close (on the base CFADS); from it the swap
   (:func:`fundlib.chain.debt.strike_swap`) and the debt-service reserve (``dsra_months`` of the
   largest planned senior service, set aside from the first call: :meth:`Assets.less_reserve`); then
   the plan the debt follows, sculpted on the assets actually bought and, when projects are late, on
   the late cash flows.
4. Each year (:mod:`fundlib.chain.year`): capital in, operations, the shortfall (reserve above its
   floor, then an equity cure), debt service due by tranche and the balances after it
   (:func:`fundlib.chain.debt.service_due`, :func:`fundlib.chain.debt.roll_forward`), senior service,
   the swap and guarantee calls, the guarantee fee, what the guarantors are repaid, subordinated
   service, the lock-up and the reserve's floor.
5. :func:`fundlib.chain.year.distribute`: the waterfall on what was distributable.
6. :func:`fundlib.chain.rates.fx_rates`: the yen views' conversion rates.

Every transfer is a ledger row (scenario, year, from, to, item, usd_bn). The fund's own account
opens and closes every year at zero; money is neither created nor lost. The **reserve** holds the
debt-service reserve funded at close (its floor while senior debt is outstanding) and what the lock-up
traps; it pays debt service and the guarantors before the owners, and shortfalls from above its floor. What the fund still owes
the guarantors and the subordinated lenders at the end is written off (their loss:
``guarantor_claim_unpaid``, ``sub_claim_unpaid``). Japan's MoF view is in yen
(:meth:`ChainResult.japan_yen`): each capital call (and cure) funded by FILP bonds at the snapshot's
FILP-tenor par yield, coupons, principal retired at the end, dollars converted at the forward for each
date (hedged) or on the FX path (unhedged).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from fundlib import assumptions as A
from fundlib import waterfall as W
from fundlib.chain import year as Y
from fundlib.chain.assets import buy_assets
from fundlib.chain.debt import roll_forward, sculpt_plan, service_due, strike_swap
from fundlib.chain.inputs import MAX_HORIZON, Shocks, prepare
from fundlib.chain.ledger import Ledger
from fundlib.chain.rates import floating_rates, fx_rates
from fundlib.chain.report import ChainReport
from fundlib.market import Market
from fundlib.structure import OWNERS, FundStructure

__all__ = ["ChainResult", "run", "MAX_HORIZON"]

_year_major = np.asfortranarray   # the year loop's copies of (n, T) inputs: one year's numbers together
_PATH_ORDER = "F"                 # and the paths it writes year by year


@dataclass
class ChainResult(ChainReport):
    """The chain's result: the ledger and every path, (n, T) arrays over scenarios and years; the
    reporting methods (party flows, summaries, Japan's yen view) come from :class:`ChainReport`."""

    ledger: Ledger
    fund: FundStructure
    market: Market
    preset: str
    asset_return: np.ndarray
    senior_rate: np.ndarray        # (n, T) senior all-in: SOFR + spread + guarantee fee
    sub_rate: np.ndarray
    swap_fixed: np.ndarray         # (n,) the fixed rate the fund pays on its swap
    swap_notional: np.ndarray      # (n, T) the swap's notional in each year
    reserve_target: np.ndarray     # (n,) the debt-service reserve funded at close
    cfads: np.ndarray              # (n, T) the fund's CFADS (exit proceeds excluded)
    exit_value: np.ndarray         # (n, T), non-zero at the end
    debt_service_due: np.ndarray   # (n, T) bonds + swap payment + fee + sub, the exit year's repayment included
    dscr: np.ndarray               # (n, T) CFADS / scheduled debt service (the exit repayment excluded); NaN where none is due
    senior_balance: np.ndarray     # (n, T) end of year, after payments
    sub_balance: np.ndarray
    sub_arrears: np.ndarray        # (n, T) subordinated service deferred and still unpaid at the year's end
    guarantee_exposure: np.ndarray  # (n, T) senior balance + what the guarantors are owed
    sub_claim_unpaid: np.ndarray       # (n,) subordinated principal and interest never paid (written off)
    guarantor_claim_unpaid: np.ndarray  # (n,) what the fund still owed the guarantors at the end, with interest
    waterfall: W.WaterfallResult
    fx_hedged: np.ndarray          # (T,) forward for each year's date
    fx_path: np.ndarray            # (n, T) unhedged conversion rate
    horizon: int


def run(fund: FundStructure | None = None, market: Market | None = None, *, asset_return=None, preset: str = "proposal",
        shocks: Shocks | None = None, weights: dict | None = None, yen_appreciation: float = 0.0,
        sofr_path=None, fx_path=None, sector_delays: dict | None = None, curve_shift=0.0, **preset_kw) -> ChainResult:
    """Run the chain. ``fund`` a FundStructure, ``market`` a Market, ``shocks`` a Shocks (None: the
    defaults), ``weights`` a dict sector → share, ``preset`` one of the waterfall presets (with
    ``preset_kw`` for :func:`fundlib.waterfall.preset_terms`), ``yen_appreciation`` in [−30%, 30%] a year.
    ``asset_return`` (in [−5%, 50%]; None: the register's) may be an array over scenarios;
    ``sofr_path`` (in [−5%, 50%]) / ``fx_path`` (¥ per $, in [1, 10,000]) are optional (T,) or
    (scenarios, T) paths, T = life + 1, replacing the flat SOFR and the unhedged FX path. Scenario
    shapes of all inputs must broadcast together; results are (n, T) with the scenarios flattened.
    ``sector_delays`` (a dict sector → years late, numbers or arrays) replaces ``shocks.delay_years``
    sector by sector; ``curve_shift`` (in [−20%, 50%], a number or an array) moves the USD curve the
    exit is valued on (a SOFR shock moves it as well).
    SOFR plus any shock must leave each tranche's rate ≥ 0 (the fund pays no negative interest)."""
    inp = prepare(fund, market, shocks, weights, asset_return, preset, yen_appreciation, sofr_path, fx_path,
                  sector_delays, curve_shift)                                # 0
    fund, n, T = inp.fund, inp.n, inp.T
    assets = buy_assets(inp)                                                 # 1. the assets
    rates = floating_rates(inp)                                              # 2. the rates
    close = sculpt_plan(fund, assets.draws, assets.purchases, assets.base_cfads, rates.base, T)   # 3. the plan at close
    swap = strike_swap(fund, close, inp.market)
    dsra = np.minimum(A.value("dsra_months") / 12.0 * (1.0 - fund.sub_debt_share) * close.service.max(axis=-1),
                      assets.purchases[:, 0])                           # never more than the first call buys
    assets = assets.less_reserve(dsra)
    plan = sculpt_plan(fund, assets.draws, assets.purchases, assets.plan_cfads, rates.base, T)
    terms = W.preset_terms(preset, fund, fund.fees, **preset_kw)            # (ownership, who pays calls, tiers)
    own = np.array([terms[1][o] for o in OWNERS])      # who pays calls and cures under these terms
    fee = Y.management_fees(fund, assets.calls)
    exim, test = A.value("exim_share_of_guarantees"), A.value("lockup_dscr")

    L = Ledger(n, T)
    # the year loop reads and writes one year of each (n, T) array at a time: it works on copies laid
    # out year by year (the same numbers; the results are handed back in the usual layout)
    by_year = _year_major
    y_plan = replace(plan, service=by_year(plan.service), balance=by_year(plan.balance), principal=by_year(plan.principal))
    y_rates = replace(rates, sofr=by_year(rates.sofr), coupon=by_year(rates.coupon), senior=by_year(rates.senior),
                      sub=by_year(rates.sub))
    y_swap = replace(swap, notional=by_year(swap.notional))
    y_assets = replace(assets, purchases=by_year(assets.purchases), cfads=by_year(assets.cfads),
                       exit_value=by_year(assets.exit_value))
    paths = {k: np.zeros((n, T), order=_PATH_ORDER) for k in ("due", "distributable", "cures", "senior", "sub",
                                                              "arrears", "exposure")}
    paths["dscr"] = np.full((n, T), np.nan, order=_PATH_ORDER)
    sen_bal, sub_bal, reserve, arrears, owed = (np.zeros(n) for _ in range(5))
    for s in range(T):                                                       # 4. year by year
        last = s == T - 1
        reserve = reserve + Y.capital_in(L, s, own, y_assets, fund)
        floor = np.where((sen_bal > 1e-9) | (y_assets.draws[s] > 0), dsra, 0.0)   # kept for debt service
        due = service_due(s, last, fund, y_plan, y_rates, y_swap, sen_bal, sub_bal)
        cash = Y.operations(L, s, last, y_assets, fee[s], due.swap_get)
        cash, reserve, paths["cures"][:, s] = Y.cover_shortfall(L, s, cash, reserve, own, floor)
        sen_bal, sub_bal = roll_forward(fund, due, y_assets.draws[s], sen_bal, sub_bal)
        paths["due"][:, s] = due.bonds + due.swap_pay - due.swap_get + due.fee + due.sub
        paths["dscr"][:, s] = Y.cover_ratio(y_assets.cfads[:, s], due.scheduled)
        cash, reserve, call, fee_unpaid = Y.pay_senior(L, s, cash, reserve, due, exim)
        cash, reserve, owed = Y.repay_guarantors(L, s, cash, reserve, owed, call + fee_unpaid,
                                                 y_rates.senior[:, s] if s else 0.0, exim)
        floor = np.where(sen_bal > 1e-9, dsra, 0.0) * (not last)          # after this year's senior service
        cash, reserve, sub_bal, arrears = Y.pay_subordinated(L, s, cash, reserve, due.sub, arrears, sub_bal, floor)
        trap = Y.locked_up(paths["due"][:, s], paths["dscr"][:, s], call, owed, arrears, test)
        paths["distributable"][:, s], reserve = Y.lock_up(L, s, last, cash, reserve, trap, floor)
        paths["senior"][:, s], paths["sub"][:, s], paths["arrears"][:, s] = sen_bal, sub_bal, arrears
        paths["exposure"][:, s] = sen_bal + owed
    wres = Y.distribute(L, assets.calls, paths["cures"], paths["distributable"], terms)   # 5. the waterfall
    fx_hedged, fx_path = fx_rates(inp)                                       # 6. the yen views' rates
    L.close()
    paths = {k: np.ascontiguousarray(v) for k, v in paths.items()}
    return ChainResult(L, fund, inp.market, preset, inp.asset_return, rates.senior, rates.sub, swap.fixed,
                       swap.notional, dsra, assets.cfads,
                       assets.exit_value, paths["due"], paths["dscr"], paths["senior"], paths["sub"], paths["arrears"],
                       paths["exposure"], sub_bal.copy(), owed.copy(), wres, fx_hedged, fx_path, T)
