"""One fund, one chain: the fund's year-by-year cash through debt, reserve, guarantees and the
waterfall to every party, as a double-entry ledger. Notebooks 01, 02, 05 and 06 all read it.

The chain, each year t and every scenario at once (scenarios on the leading axis):

1. **Assets.** Each capital call buys assets (equity × leverage, debt drawn pro rata). The assets are
   the mandate's four-sector portfolio; their cash flow available for debt service (CFADS) per $1 is
   scaled at financial close so that the unlevered IRR is the fund's gross asset return ``r_A``.
   Shocks (an AI capex bust, delays) hit the cash flows after close. At the end of the fund's life
   the assets still held are sold at their value at ``r_A`` (PV of their remaining cash flows), or
   abandoned if that value is negative.
2. **Fees and shortfalls.** The manager's fee is paid first. Cash below zero (fees, or a year of
   negative CFADS) is covered by the reserve, then by an **equity cure** the owners pay pro rata.
3. **Debt service by tranche.** Senior debt (guaranteed by Ex-Im Bank and JBIC) floats at SOFR +
   spread + guarantee fee; subordinated debt (unguaranteed) at SOFR + its own spread. The principal
   plan is sculpted at close to the base cash flows (interest capitalized while they are zero);
   under stress the plan stands and the interest floats. Any balance left is repaid at exit.
4. **Guarantees.** Senior debt service the cash and reserve cannot pay is paid by the guarantors
   (a call, shared by ``exim_share_of_guarantees``); the fund then owes them what they paid, with
   interest at the senior rate, before anything below. Subordinated interest and principal that
   cannot be paid are deferred (the balance grows), paid from the first cash that allows, ahead of
   the owners, and written off at the end if still unpaid.
5. **Lock-up.** If the DSCR is below the lock-up test, or guarantors or subordinated lenders are
   owed, the rest goes to the reserve; otherwise it is distributed through the waterfall (preset
   terms), together with whatever the reserve holds (trapped cash is released once the test passes).

Every transfer is a ledger row (scenario, year, from, to, item, usd_bn). The fund's own account
opens and closes every year at zero; money is neither created nor lost. Japan's MoF view is in yen:
each capital call funded by FILP bonds at that date's rate, coupons, principal retired at the end,
distributions converted at the forward for their date (hedged) or on the FX path (unhedged).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from fundlib import _chain_inputs as CI
from fundlib import assumptions as A
from fundlib import projects as P
from fundlib import waterfall as W
from fundlib._validate import InputError, check_int, check_whole
from fundlib import ledger as L_
from fundlib._chain_report import ChainReport
from fundlib.ledger import Ledger
from fundlib.market import Market
from fundlib.structure import OWNERS, PAYEES, FundStructure

__all__ = ["Shocks", "Ledger", "ChainResult", "run", "portfolio_cfads", "PARTIES", "MAX_HORIZON"]

MAX_HORIZON = 70          # years the project cash flows are built over (life + delays + tail)
PARTIES = L_.PARTIES


@dataclass(frozen=True)
class Shocks:
    """Shocks after financial close, each a number or an array over scenarios (arrays broadcast
    together): SOFR up ``sofr_bp`` (in [−500, 3000]) every year; USD/JPY at ``usdjpy`` (in
    [40, 400]) from year 1 (None: unchanged); an AI capex bust of severity ``ai_bust`` (in [0, 2.5];
    1 = the named bust); every project ``delay_years`` late (whole years in [0, 15]). Checked when made."""

    sofr_bp: object = 0.0
    usdjpy: object = None
    ai_bust: object = 0.0
    delay_years: object = 0

    def __post_init__(self):
        CI.scenario_shape(**dict(zip(("sofr_bp", "usdjpy", "ai_bust", "delay_years"), self.arrays())))

    def arrays(self):
        """(sofr_bp, usdjpy or None, ai_bust, delay_years) as checked arrays (delays as ints)."""
        return CI.shock_arrays(self.sofr_bp, self.usdjpy, self.ai_bust, self.delay_years)


def portfolio_cfads(weights: dict, ai_bust=0.0, delay=0, horizon: int = MAX_HORIZON) -> np.ndarray:
    """CFADS per $1 of capex of the sector portfolio, years 0..horizon-1 after purchase, shape (n, T):
    operating cash − maintenance − refresh + terminal value (capex is the purchase itself).
    ``weights``: a dict sector → share summing to 1; ``ai_bust`` (in [0, 2.5]) and ``delay`` (whole
    years in [0, 15]) numbers or arrays over scenarios; ``horizon``: whole years in [2, 200]."""
    from fundlib import scenarios as SC

    w = SC.check_weights(weights)
    ai_bust = CI.shock_arrays(0.0, None, ai_bust, 0)[2]
    delay = np.asarray(check_whole("delay", delay, *CI.DELAY))
    CI.scenario_shape(ai_bust=ai_bust, delay=delay)
    horizon = check_int("horizon", horizon, 2, 200)
    if np.ndim(ai_bust) == 0 and np.ndim(delay) == 0:    # the common case: one shock, cached per register state
        key = (tuple(w.items()), float(ai_bust), int(delay), int(horizon), tuple(sorted(A.current_overrides().items())))
        return _portfolio_cached(*key)
    return _portfolio(w, ai_bust, delay, horizon)


@lru_cache(maxsize=64)
def _portfolio_cached(w_items, ai_bust, delay, horizon, _overrides):
    out = _portfolio(dict(w_items), ai_bust, delay, horizon)
    out.setflags(write=False)
    return out


def _portfolio(w: dict, ai_bust, delay, horizon: int) -> np.ndarray:
    n = np.broadcast(np.asarray(ai_bust), np.asarray(delay)).shape
    out = np.zeros(n + (horizon,))
    cut, up = A.value("ai_bust_utilization_cut"), A.value("ai_bust_capex_up")
    for s, key in P.SECTORS.items():
        if not w[s]:
            continue
        a = P.archetype(key)
        ai = np.asarray(ai_bust, float) if s == "data_centres" else np.zeros(n)
        c = P.cashflows(a, horizon, delay=delay, utilization=a.utilization * np.clip(1 - cut * ai, 0, 1),
                        maintenance_mult=1 + up * ai, components=True)
        out += w[s] / a.capex_usd_bn * (c["operating"] - c["maintenance"] - c["refresh"] + c["terminal"])
    return out


@dataclass
class ChainResult(ChainReport):
    """The chain's result: the ledger and every path, (n, T) arrays over scenarios and years; the
    reporting methods (party flows, summaries, Japan's yen view) come from :class:`ChainReport`."""

    ledger: Ledger
    fund: FundStructure
    market: Market
    preset: str
    asset_return: np.ndarray
    senior_rate: np.ndarray        # (n, T)
    sub_rate: np.ndarray
    cfads: np.ndarray              # (n, T) the fund's CFADS (exit proceeds excluded)
    exit_value: np.ndarray         # (n, T), non-zero at the end
    debt_service_due: np.ndarray   # (n, T) senior + sub, the exit year's repayment of the balance included
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
        sofr_path=None, fx_path=None, **preset_kw) -> ChainResult:
    """Run the chain. ``fund`` a FundStructure, ``market`` a Market, ``shocks`` a Shocks (None: the
    defaults), ``weights`` a dict sector → share, ``preset`` one of the waterfall presets (with
    ``preset_kw`` for :func:`fundlib.waterfall.preset_terms`), ``yen_appreciation`` in [−30%, 30%] a year.
    ``asset_return`` (in [−5%, 50%]; None: the register's) may be an array over scenarios;
    ``sofr_path`` (in [−5%, 50%]) / ``fx_path`` (¥ per $, in [1, 10,000]) are optional (T,) or
    (scenarios, T) paths, T = life + 1, replacing the flat SOFR and the unhedged FX path. Scenario
    shapes of all inputs must broadcast together; results are (n, T) with the scenarios flattened.
    SOFR plus any shock must leave each tranche's rate ≥ 0 (the fund pays no negative interest)."""
    fund, market, shocks, weights, r_a = CI.run_inputs(fund, market, shocks, weights, asset_return, preset,
                                                       yen_appreciation)
    d_sofr, fx_shock, bust, delay = shocks.arrays()
    life, k_calls = fund.life_years, fund.deploy_years
    if life + 1 > MAX_HORIZON - 15:
        raise InputError("life_years", life, f"at most {MAX_HORIZON - 16} years")
    T = life + 1
    if sofr_path is not None:
        sofr_path = CI.path("sofr_path", sofr_path, CI.SOFR_PATH, T)
    if fx_path is not None:
        fx_path = CI.path("fx_path", fx_path, CI.FX_PATH, T)
    shape = CI.scenario_shape(asset_return=r_a, **dict(zip(("shocks.sofr_bp", "shocks.usdjpy", "shocks.ai_bust",
                                                            "shocks.delay_years"), (d_sofr, fx_shock, bust, delay))),
                              sofr_path=None if sofr_path is None else sofr_path[..., 0],
                              fx_path=None if fx_path is None else fx_path[..., 0])
    n = int(np.prod(shape)) if shape else 1
    flat = lambda a: np.broadcast_to(np.asarray(a, float), shape).reshape(n)  # noqa: E731
    r_a, d_sofr, bust = flat(r_a), flat(d_sofr), flat(bust)
    delay = np.broadcast_to(delay, shape).reshape(n)
    t = np.arange(T)
    L = Ledger(n, T)

    # 1. Assets: purchases with each call; CFADS per $1 scaled so the base unlevered IRR is r_A.
    call_sched = np.where(t < k_calls, fund.equity_usd_bn / k_calls, 0.0)
    purchases = call_sched * fund.leverage
    draws = purchases - call_sched
    base = portfolio_cfads(weights)                                      # (H,)
    H = base.size
    disc = (1.0 + r_a[:, None]) ** -np.arange(H)                         # (n, H)
    scale = 1.0 / np.sum(base * disc, axis=-1)                           # NPV(-1 + scale·CF) = 0 at r_A
    shocked = portfolio_cfads(weights, bust, delay) * scale[:, None]     # (n, H)
    base_s = base[None, :] * scale[:, None]
    cfads = np.zeros((n, T))
    remaining = np.zeros(n)
    for v in range(min(k_calls, T)):                                     # each vintage, shifted by its year
        cfads[:, v:] += purchases[v] * shocked[:, : T - v]
        age = T - v                                                      # years of this vintage's flows used
        tail = shocked[:, age:]
        remaining += purchases[v] * np.sum(tail * (1.0 + r_a[:, None]) ** -np.arange(1, tail.shape[-1] + 1), axis=-1)
    exit_value = np.zeros((n, T))
    exit_value[:, -1] = np.maximum(remaining, 0.0)                     # worth less than nothing: abandoned

    # 2. Rates: senior and subordinated, floating on the SOFR path (shocked).
    sofr = (np.broadcast_to(market.sofr, (n, T)) if sofr_path is None else
            np.broadcast_to(sofr_path, shape + (T,)).reshape(n, T)) + d_sofr[:, None] * 1e-4
    senior_rate = sofr + fund.senior_margin
    sub_rate = sofr + fund.sub_margin
    CI.check_rates(senior_rate, sub_rate, sofr_path, d_sofr)
    base_rate = market.sofr + fund.senior_margin * (1 - fund.sub_debt_share) + fund.sub_margin * fund.sub_debt_share

    # 3. The principal plan at close: debt service sculpted to the base CFADS over the debt's tenor
    #    (which may run past the fund's life: the balance left at exit is repaid from the sale).
    tenor = fund.debt_tenor_years
    Tp = max(T, tenor + 1)
    tp = np.arange(Tp)
    base_cf = np.zeros((n, Tp))
    draws_p = np.zeros(Tp)
    draws_p[:T] = draws
    for v in range(min(k_calls, T)):
        base_cf[:, v:] += purchases[v] * base_s[:, : Tp - v]
    w_ds = np.where((tp >= 1) & (tp <= tenor), np.maximum(base_cf, 0.0), 0.0)
    dfb = (1.0 + base_rate) ** -tp
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(w_ds @ dfb > 0, (draws_p @ dfb) / np.where(w_ds @ dfb > 0, w_ds @ dfb, 1.0), 0.0)
    plan_ds = kappa[:, None] * w_ds
    plan_bal = np.zeros((n, Tp))
    plan_prin = np.zeros((n, Tp))
    bal = np.zeros(n)
    for s in tp:
        interest = bal * base_rate
        plan_prin[:, s] = np.minimum(plan_ds[:, s] - interest, bal) if s else 0.0
        bal = bal + interest + draws_p[s] - (plan_ds[:, s] if s else 0.0)
        bal = np.where(np.abs(bal) < 1e-9 * max(1.0, float(draws_p.sum())), 0.0, bal)  # repaid: no rounding leftover
        plan_bal[:, s] = bal
    plan_ds, plan_bal, plan_prin = plan_ds[:, :T], plan_bal[:, :T], plan_prin[:, :T]
    # Years where the plan pays only part of the interest (the rest capitalized): the same fraction
    # of the actual interest is paid then.
    sen_share = 1.0 - fund.sub_debt_share

    # 4. Year by year.
    # balances and claims per scenario (sub_arrears: subordinated service deferred, paid before any distribution)
    sen_bal, sub_bal, reserve, sub_arrears, owed = (np.zeros(n) for _ in range(5))
    arrears_path, due_all, senior_bal_path, sub_bal_path, exposure, distributable, cures = (np.zeros((n, T)) for _ in range(7))
    dscr = np.full((n, T), np.nan)
    ownership, contrib_shares, tiers = W.preset_terms(preset, fund, fund.fees, **preset_kw)
    own = np.array([contrib_shares[o] for o in OWNERS])     # who pays calls and cures under these terms
    fees = fund.fees
    fee_base = np.full(T, fund.equity_usd_bn) if fees.basis == "committed" else np.concatenate([[0.0], np.cumsum(call_sched)[:-1]])
    fee = np.where(t >= 1, fees.management_fee * fee_base, 0.0)
    exim = A.value("exim_share_of_guarantees")
    for s in t:
        last = s == T - 1
        # capital in and assets bought
        for i, o in enumerate(OWNERS):
            if own[i] and call_sched[s]:
                L.add("capital call", o, "fund", own[i] * call_sched[s], year=s)
        if draws[s]:
            L.add("debt drawn", "senior_lenders", "fund", sen_share * draws[s], year=s)
            L.add("debt drawn", "sub_lenders", "fund", fund.sub_debt_share * draws[s], year=s)
        if purchases[s]:
            L.add("assets bought", "fund", "assets", purchases[s], year=s)
        cf = cfads[:, s] + exit_value[:, s]
        L.add("cash from the projects", "assets", "fund", np.maximum(cfads[:, s], 0.0), year=s)
        L.add("project shortfall paid", "fund", "assets", np.maximum(-cfads[:, s], 0.0), year=s)
        if last:
            L.add("assets sold at exit", "assets", "fund", exit_value[:, s], year=s)
        L.add("management fee", "fund", "manager", fee[s], year=s)
        cash = cf - fee[s]
        # shortfall before debt: reserve, then an equity cure
        from_res = np.minimum(np.maximum(-cash, 0.0), reserve)
        L.add("reserve released", "reserve", "fund", from_res, year=s)
        reserve -= from_res
        cash += from_res
        cure = np.maximum(-cash, 0.0)
        for i, o in enumerate(OWNERS):
            if own[i]:
                L.add("equity cure", o, "fund", own[i] * cure, year=s)
        cures[:, s] = cure
        cash += cure
        # debt service due, by tranche
        if s == 0:
            sen_bal += sen_share * draws[0]
            sub_bal += fund.sub_debt_share * draws[0]
            senior_bal_path[:, 0], sub_bal_path[:, 0] = sen_bal, sub_bal
            exposure[:, 0] = sen_bal
            due_s = due_j = sched = np.zeros(n)
        else:
            int_s, int_j = sen_bal * senior_rate[:, s], sub_bal * sub_rate[:, s]
            planned_int = plan_bal[:, s - 1] * base_rate
            with np.errstate(divide="ignore", invalid="ignore"):
                frac = np.where(planned_int > 0, np.clip(plan_ds[:, s] / np.where(planned_int > 0, planned_int, 1.0), 0, 1), 1.0)
            prin = np.where(plan_prin[:, s] > 0, plan_prin[:, s], 0.0)
            if last:
                prin_s, prin_j = sen_bal, sub_bal
            else:
                prin_s = np.minimum(sen_share * prin, sen_bal)
                prin_j = np.minimum(fund.sub_debt_share * prin, sub_bal)
            pay_frac = np.where(plan_prin[:, s] > 0, 1.0, frac) if not last else 1.0
            due_s = pay_frac * int_s + prin_s
            due_j = pay_frac * int_j + prin_j
            # the covenant tests scheduled service: a balance repaid from the exit sale is not in it
            sched = pay_frac * (int_s + int_j) + np.minimum(prin, sen_bal + sub_bal)
            sen_bal = sen_bal + int_s - due_s + (sen_share * draws[s])
            sub_bal = sub_bal + int_j + fund.sub_debt_share * draws[s]
        due_all[:, s] = due_s + due_j
        with np.errstate(divide="ignore", invalid="ignore"):
            dscr[:, s] = np.where(sched > 1e-12, cfads[:, s] / np.where(sched > 1e-12, sched, 1.0), np.nan)
        # senior: cash, then reserve, then the guarantors
        paid_s = np.minimum(cash, due_s)
        cash -= paid_s
        res_s = np.minimum(reserve, due_s - paid_s)
        L.add("reserve released", "reserve", "fund", res_s, year=s)
        reserve -= res_s
        L.add("senior debt service", "fund", "senior_lenders", paid_s + res_s, year=s)
        call = due_s - paid_s - res_s
        L.add("guarantee call", "exim", "senior_lenders", exim * call, year=s)
        L.add("guarantee call", "jbic", "senior_lenders", (1 - exim) * call, year=s)
        # the guarantors are owed what they paid, with interest, ahead of everything below
        owed = owed * (1.0 + (senior_rate[:, s] if s else 0.0)) + call
        back = np.minimum(cash, owed)
        cash -= back
        back_res = np.minimum(reserve, owed - back)        # trapped cash serves the claims above equity
        L.add("reserve released", "reserve", "fund", back_res, year=s)
        reserve -= back_res
        back += back_res
        L.add("guarantee recovery", "fund", "exim", exim * back, year=s)
        L.add("guarantee recovery", "fund", "jbic", (1 - exim) * back, year=s)
        owed -= back
        # subordinated: this year's service and any arrears, from what cash is left; the rest deferred
        due_j_all = np.minimum(due_j + sub_arrears, sub_bal)   # never more than the balance owed
        paid_j = np.minimum(cash, due_j_all)
        cash -= paid_j
        res_j = np.minimum(reserve, due_j_all - paid_j)
        L.add("reserve released", "reserve", "fund", res_j, year=s)
        reserve -= res_j
        paid_j += res_j
        L.add("subordinated debt service", "fund", "sub_lenders", paid_j, year=s)
        sub_bal = sub_bal - paid_j
        sub_arrears = due_j_all - paid_j
        arrears_path[:, s] = sub_arrears
        # lock-up: trap the rest in the reserve while the cover is low or anyone above equity is owed;
        # once the test passes again, what was trapped is released to the owners
        trap = (((due_all[:, s] > 1e-12) & (dscr[:, s] < A.value("lockup_dscr"))) | (call > 1e-12) | (owed > 1e-12)
                | (sub_arrears > 1e-12))
        release = reserve if last else np.where(trap, 0.0, reserve)
        if last:
            trap = np.zeros(n, bool)
        L.add("reserve released", "reserve", "fund", release, year=s)
        cash += release
        reserve = reserve - release
        to_res = np.where(trap, cash, 0.0)
        L.add("cash trapped", "fund", "reserve", to_res, year=s)
        reserve += to_res
        distributable[:, s] = np.where(trap, 0.0, cash)
        if s:
            senior_bal_path[:, s], sub_bal_path[:, s] = sen_bal, sub_bal
            exposure[:, s] = sen_bal + owed
    sub_unpaid = sub_bal.copy()                # unpaid at the end: written off, the subordinated lenders' loss
    guarantor_unpaid = owed.copy()

    # 5. The distribution waterfall on what is distributable.
    calls_total = call_sched[None, :] + cures                        # (n, T)
    contributions = np.stack([contrib_shares[o] * calls_total for o in OWNERS])
    wres = W.run_waterfall(contributions, distributable, tiers, ownership)
    for k, tier in enumerate(wres.tiers):
        for i, p in enumerate(PAYEES):
            amt = wres.paid[k, i]
            if np.any(amt > 0):
                L.add(f"distribution: {tier.label}", "fund", p, amt)

    # FX: hedged at each date's forward from the market; unhedged on the path.
    fx_h = market.forward_usdjpy(t.astype(float))
    if fx_path is not None:
        fxp = np.broadcast_to(fx_path, shape + (T,)).reshape(n, T).copy()
    else:
        fxp = np.broadcast_to(market.usdjpy * (1.0 - yen_appreciation) ** t, (n, T)).copy()
    if fx_shock is not None:
        fxp[:, 1:] = np.broadcast_to(fx_shock, shape).reshape(n)[:, None]
    L.close()
    return ChainResult(L, fund, market, preset, r_a, senior_rate, sub_rate, cfads, exit_value, due_all, dscr,
                       senior_bal_path, sub_bal_path, arrears_path, exposure, sub_unpaid, guarantor_unpaid, wres, fx_h, fxp, T)

