"""The chain's assets (notebooks 01, 02, 03, 05 and 06; 07 through the odds engine): the sector portfolio's
cash flow available for debt service (CFADS) per $1, and step 1 of :func:`fundlib.chain.run`, which
buys the assets with each capital call and gives the fund's CFADS and exit value year by year.

Each capital call buys assets (equity × leverage, debt drawn pro rata). The portfolio's CFADS per $1
is scaled at financial close so that the unlevered IRR is the fund's gross asset return ``r_A``;
shocks (an AI capex bust, delays) hit the cash flows after close. At the end of the fund's life the
assets still held are sold at their value at ``r_A`` (PV of their remaining cash flows), or
abandoned if that value is negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from fundlib import assumptions as A
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib._validate import check_int, check_whole
from fundlib.chain.inputs import DELAY, MAX_HORIZON, RunInputs, scenario_shape, shock_arrays

__all__ = ["portfolio_cfads"]     # buy_assets and Assets are step 1 of fundlib.chain.run


def portfolio_cfads(weights: dict, ai_bust=0.0, delay=0, horizon: int = MAX_HORIZON) -> np.ndarray:
    """CFADS per $1 of capex of the sector portfolio, years 0..horizon-1 after purchase, shape (n, T):
    operating cash − maintenance − refresh + terminal value (capex is the purchase itself).
    ``weights``: a dict sector → share summing to 1; ``ai_bust`` (in [0, 2.5]) and ``delay`` (whole
    years in [0, 15]) numbers or arrays over scenarios; ``horizon``: whole years in [2, 200]."""
    w = SC.check_weights(weights)
    ai_bust = shock_arrays(0.0, None, ai_bust, 0)[2]
    delay = np.asarray(check_whole("delay", delay, *DELAY))
    scenario_shape(ai_bust=ai_bust, delay=delay)
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


@dataclass(frozen=True)
class Assets:
    """The fund's assets, $bn: ``calls`` (T,) the equity called each year, ``purchases`` (T,) what
    it buys (calls × leverage), ``draws`` (T,) the debt drawn; ``cfads`` (n, T) their shocked CFADS,
    ``exit_value`` (n, T) the sale at the end (zero before), ``base_cfads`` (n, H) the unshocked
    CFADS per $1 scaled to ``r_A``, on which the debt is sculpted."""

    calls: np.ndarray
    purchases: np.ndarray
    draws: np.ndarray
    cfads: np.ndarray
    exit_value: np.ndarray
    base_cfads: np.ndarray


def buy_assets(inp: RunInputs) -> Assets:
    """Step 1: each call buys the portfolio; CFADS per $1 scaled so the base unlevered IRR is r_A;
    the vintages' shocked cash flows added up; what is held at the end sold at its value at r_A."""
    fund, n, T, r_a = inp.fund, inp.n, inp.T, inp.asset_return
    t = np.arange(T)
    k_calls = fund.deploy_years
    calls = np.where(t < k_calls, fund.equity_usd_bn / k_calls, 0.0)
    purchases = calls * fund.leverage
    draws = purchases - calls
    base = portfolio_cfads(inp.weights)                                  # (H,)
    H = base.size
    disc = (1.0 + r_a[:, None]) ** -np.arange(H)                         # (n, H)
    scale = 1.0 / np.sum(base * disc, axis=-1)                           # NPV(-1 + scale·CF) = 0 at r_A
    shocked = portfolio_cfads(inp.weights, inp.ai_bust, inp.delay) * scale[:, None]   # (n, H)
    cfads = np.zeros((n, T))
    remaining = np.zeros(n)
    for v in range(min(k_calls, T)):                                     # each vintage, shifted by its year
        cfads[:, v:] += purchases[v] * shocked[:, : T - v]
        tail = shocked[:, T - v:]                                        # this vintage's flows after the exit
        remaining += purchases[v] * np.sum(tail * (1.0 + r_a[:, None]) ** -np.arange(1, tail.shape[-1] + 1), axis=-1)
    exit_value = np.zeros((n, T))
    exit_value[:, -1] = np.maximum(remaining, 0.0)                     # worth less than nothing: abandoned
    return Assets(calls, purchases, draws, cfads, exit_value, base[None, :] * scale[:, None])
