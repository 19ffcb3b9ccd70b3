"""The chain's assets (notebooks 01, 02, 03, 05 and 06; 07 through the odds engine): the sector portfolio's
cash flow available for debt service (CFADS) per $1, and step 1 of :func:`fundlib.chain.run`, which
buys the assets with each capital call and gives the fund's CFADS and exit value year by year.

Each capital call buys assets (equity × leverage, debt drawn pro rata); the first also funds the
debt-service reserve, so it buys that much less (:meth:`Assets.less_reserve`). The portfolio's CFADS
per $1 is scaled at financial close so that the unlevered IRR is the fund's gross asset return
``r_A``; shocks (an AI capex bust, delays of any number of months, per sector) hit the cash flows
after close. A delay of d years blends the cash flows of the whole years either side (2.25 years:
75% of the 2-year delay, 25% of the 3-year one).

**The exit.** At the end of the fund's life the assets still held are sold at the present value of
their remaining CFADS on the Market's USD curve (the one-year forwards from the exit on) plus the
register's ``asset_risk_premium``, moved in parallel by the run's curve shift (a SOFR shock moves
it too): rates move the assets as well as the debt. A negative value is abandoned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from fundlib import assumptions as A
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib.market import Market
from fundlib._validate import check_instance, check_int, check_range
from fundlib.chain.inputs import CURVE_SHIFT, DELAY, MAX_HORIZON, RunInputs, check_sector_delays, scenario_shape, shock_arrays

__all__ = ["portfolio_cfads", "exit_discount"]     # buy_assets and Assets are step 1 of fundlib.chain.run


def portfolio_cfads(weights: dict, ai_bust=0.0, delay=0.0, horizon: int = MAX_HORIZON) -> np.ndarray:
    """CFADS per $1 of capex of the sector portfolio, years 0..horizon-1 after purchase, shape (n, T):
    operating cash − maintenance − refresh + terminal value (capex is the purchase itself).
    ``weights``: a dict sector → share summing to 1; ``ai_bust`` (in [0, 2.5]) a number or an array
    over scenarios; ``delay`` years late (in [0, 15], fractions are months), a number, an array over
    scenarios, or a dict sector → number or array (sectors not named are on time);
    ``horizon``: whole years in [2, 200]."""
    w = SC.check_weights(weights)
    ai_bust = shock_arrays(0.0, None, ai_bust, 0)[2]
    if isinstance(delay, dict):
        d = check_sector_delays(delay)
        d = {s: d.get(s, np.zeros(())) for s in P.SECTORS}
    else:
        one = np.asarray(check_range("delay", delay, *DELAY), float)
        d = dict.fromkeys(P.SECTORS, one)
    scenario_shape(ai_bust=ai_bust, **{f"delay[{s!r}]": v for s, v in d.items()})
    horizon = check_int("horizon", horizon, 2, 200)
    if np.ndim(ai_bust) == 0 and all(np.ndim(v) == 0 for v in d.values()):   # one shock: cached per register state
        key = (tuple(w.items()), float(ai_bust), tuple(float(d[s]) for s in P.SECTORS), int(horizon),
               tuple(sorted(A.current_overrides().items())))
        return _portfolio_cached(*key)
    return _portfolio(w, ai_bust, d, horizon)


@lru_cache(maxsize=64)
def _portfolio_cached(w_items, ai_bust, delays, horizon, _overrides):
    out = _portfolio(dict(w_items), ai_bust, dict(zip(P.SECTORS, delays)), horizon)
    out.setflags(write=False)
    return out


def _portfolio(w: dict, ai_bust, d: dict, horizon: int) -> np.ndarray:
    """The weighted CFADS per $1; a sector late by whole years is its on-time CFADS shifted right (every
    term of it depends only on the years since operations began), so each sector's cash flows are
    built once and gathered per scenario, months blending the whole years either side."""
    n = np.broadcast_shapes(np.shape(ai_bust), *(np.shape(v) for v in d.values()))
    out = np.zeros(n + (horizon,))
    cut, up = A.value("ai_bust_utilization_cut"), A.value("ai_bust_capex_up")
    t = np.arange(horizon)
    for s, key in P.SECTORS.items():
        if not w[s]:
            continue
        a = P.archetype(key)
        ai = np.asarray(ai_bust, float) if s == "data_centres" else 0.0
        if np.ndim(ai) and np.all(ai == ai.flat[0]):   # the same bust everywhere: one profile serves every scenario
            ai = ai.flat[0]
        c = P.cashflows(a, horizon, utilization=a.utilization * np.clip(1 - cut * ai, 0, 1),
                        maintenance_mult=1 + up * ai, components=True)
        own = c["operating"] - c["maintenance"] - c["refresh"] + c["terminal"]
        on_time = np.broadcast_to(own, n + (horizon,))
        late = np.broadcast_to(np.asarray(d[s], float), n)
        whole = np.floor(late)
        frac = (late - whole)[..., None]
        if np.ndim(own) == 1:            # one profile for every scenario: gather from it with zeros in front
            pad = int(np.max(whole, initial=0.0)) + 2                   # more than any shift asked for
            padded = np.concatenate([np.zeros(pad), own])

            def shifted(years):
                return padded[(pad + t) - years[..., None].astype(int)]
        else:
            def shifted(years):
                idx = t - years[..., None].astype(int)
                return np.where(idx >= 0, np.take_along_axis(on_time, np.clip(idx, 0, horizon - 1), axis=-1), 0.0)

        cf = shifted(whole) if np.any(whole > 0) else on_time
        if np.any(frac > 0):                           # months: blend the whole years either side
            cf = cf + frac * (shifted(whole + 1) - cf)
        out += w[s] / a.capex_usd_bn * cf
    return out


def exit_discount(market, T: int, H: int, shift) -> np.ndarray:
    """Discount factors (n, H − 1) at the exit (year T − 1) for the CFADS 1..H − 1 years after it: the
    Market's one-year USD forwards from the exit on, plus ``asset_risk_premium`` and ``shift`` (a number
    or (n,), in [−20%, 50%]). ``market`` a Market; ``T`` whole years in [1, 101]; ``H`` in [2, 200]."""
    check_instance("market", market, Market)
    T, H = check_int("T", T, 1, 101), check_int("H", H, 2, 200)
    shift = np.asarray(check_range("shift", shift, *CURVE_SHIFT), float)
    years = np.arange(T - 1, T - 1 + H, dtype=float)
    D = np.asarray(market.discount("USD", np.minimum(years, 100.0)), float)
    with np.errstate(divide="ignore", invalid="ignore"):
        fwd = D[:-1] / D[1:] - 1.0                                     # forward for year T−1+k, k = 1..H−1
    far = years[1:] > 100.0                                            # past the curve's end: its last forward
    if far.any():
        last = float(market.discount("USD", 99.0) / market.discount("USD", 100.0) - 1.0)
        fwd = np.where(far, last, fwd)
    step = 1.0 + fwd[None, :] + A.value("asset_risk_premium") + np.asarray(shift, float).reshape(-1, 1)
    return 1.0 / np.cumprod(step, axis=-1)


@dataclass(frozen=True)
class Assets:
    """The fund's assets, $bn: ``calls`` (T,) the equity called each year, ``draws`` (T,) the debt drawn,
    ``purchases`` (n, T) what is bought (calls × leverage, less the reserve funded at close),
    ``reserve_funded`` (n,) the debt-service reserve funded in year 0; ``cfads`` (n, T) the shocked
    CFADS, ``exit_value`` (n, T) the sale at the end (zero before); ``base_cfads`` (n, H) the
    unshocked CFADS per $1 scaled to ``r_A`` (the plan at close is sculpted on it) and
    ``plan_cfads`` (n, H) the same after the delays (the debt is re-sculpted on it); ``first``
    (n, T) and ``first_exit`` (n,): the CFADS and exit value per $1 of the first call's purchase."""

    calls: np.ndarray
    draws: np.ndarray
    purchases: np.ndarray
    reserve_funded: np.ndarray
    cfads: np.ndarray
    exit_value: np.ndarray
    base_cfads: np.ndarray
    plan_cfads: np.ndarray
    first: np.ndarray
    first_exit: np.ndarray
    exit_gross: np.ndarray

    def less_reserve(self, reserve: np.ndarray) -> "Assets":
        """The same assets with ``reserve`` (n,) of the first call set aside for the debt-service reserve."""
        purchases = self.purchases.copy()
        purchases[:, 0] -= reserve
        gross = self.exit_gross - reserve * self.first_exit
        exit_value = np.zeros_like(self.exit_value)
        exit_value[:, -1] = np.maximum(gross, 0.0)
        return replace(self, purchases=purchases, reserve_funded=self.reserve_funded + reserve,
                       cfads=self.cfads - reserve[:, None] * self.first, exit_value=exit_value, exit_gross=gross)


def buy_assets(inp: RunInputs) -> Assets:
    """Step 1: each call buys the portfolio; CFADS per $1 scaled so the base unlevered IRR is r_A;
    the vintages' shocked cash flows added up; what is held at the end sold at its value on the
    USD curve + the asset risk premium."""
    fund, n, T, r_a = inp.fund, inp.n, inp.T, inp.asset_return
    t = np.arange(T)
    k_calls = fund.deploy_years
    calls = np.where(t < k_calls, fund.equity_usd_bn / k_calls, 0.0)
    purchases = np.broadcast_to(calls * fund.leverage, (n, T)).copy()
    draws = calls * fund.leverage - calls
    base = portfolio_cfads(inp.weights)                                  # (H,)
    H = base.size
    disc = (1.0 + r_a[:, None]) ** -np.arange(H)                         # (n, H)
    scale = 1.0 / np.sum(base * disc, axis=-1)                           # NPV(-1 + scale·CF) = 0 at r_A
    delay = inp.delay if inp.sector_delays is None else inp.sector_delays
    shocked = portfolio_cfads(inp.weights, inp.ai_bust, delay) * scale[:, None]   # (n, H)
    late = np.any(inp.delay > 0) if inp.sector_delays is None else any(np.any(v > 0) for v in inp.sector_delays.values())
    if not late:
        plan = base[None, :] * scale[:, None]
    elif not np.any(inp.ai_bust):                                        # no bust: the late plan is the shocked profile
        plan = shocked
    else:
        plan = portfolio_cfads(inp.weights, 0.0, delay) * scale[:, None]
    df_exit = exit_discount(inp.market, T, H, inp.curve_shift)           # (n, H−1)
    cfads = np.zeros((n, T))
    gross = np.zeros(n)
    first_exit = np.zeros(n)
    for v in range(min(k_calls, T)):                                     # each vintage, shifted by its year
        cfads[:, v:] += purchases[:, v:v + 1] * shocked[:, : T - v]
        tail = shocked[:, T - v:]                                        # this vintage's flows after the exit
        value = np.sum(tail * df_exit[:, : tail.shape[-1]], axis=-1)
        gross += purchases[:, v] * value
        if v == 0:
            first_exit = value
    exit_value = np.zeros((n, T))
    exit_value[:, -1] = np.maximum(gross, 0.0)                         # worth less than nothing: abandoned
    return Assets(calls, draws, purchases, np.zeros(n), cfads, exit_value, base[None, :] * scale[:, None], plan,
                  shocked[:, :T], first_exit, gross)
