"""Checks of the inputs of the one chain (:func:`fundlib.chain.run`, notebooks 01, 02, 05 and 06):
each names the parameter, its value and the valid range, so a bad input never reaches the ledger.

Kind, emptiness, shape, finiteness and range are checked vectorized: the chain runs 10,000
scenarios at a time.
"""

from __future__ import annotations

import numpy as np

from fundlib._validate import InputError, check_choice, check_instance, check_number, check_range, check_whole

SOFR_BP = (-500.0, 3000.0)      # shocks: SOFR moves, bp
AI_BUST = (0.0, 2.5)            # severity of the AI capex bust (1 = the named bust)
DELAY = (0, 15)                 # whole years of delay
USDJPY = (40.0, 400.0)          # a USD/JPY level for a shock
ASSET_RETURN = (-0.05, 0.5)     # the fund's gross return on assets
SOFR_PATH = (-0.05, 0.5)        # a SOFR path, decimal
FX_PATH = (1.0, 10_000.0)       # an unhedged USD/JPY path (simulated paths may wander far)


def shock_arrays(sofr_bp, usdjpy, ai_bust, delay_years):
    """The shocks as arrays (sofr_bp, usdjpy or None, ai_bust, delay_years as ints), checked."""
    sofr = np.asarray(check_range("sofr_bp", sofr_bp, *SOFR_BP), float)
    bust = np.asarray(check_range("ai_bust", ai_bust, *AI_BUST), float)
    d = np.asarray(check_whole("delay_years", delay_years, *DELAY))
    fx = None if usdjpy is None else np.asarray(check_range("usdjpy", usdjpy, *USDJPY), float)
    return sofr, fx, bust, d


def scenario_shape(**arrays) -> tuple:
    """The scenario shape the inputs broadcast to; InputError naming them when they do not."""
    shapes = {k: np.shape(v) for k, v in arrays.items() if v is not None}
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        arrays_ = {k: v for k, v in shapes.items() if v != ()}       # the single numbers are not the problem
        shown = ", ".join(f"{k} {v}" for k, v in arrays_.items())
        raise InputError(" and ".join(arrays_), shown, "scenario arrays whose shapes broadcast together") from None


def path(name: str, value, low_high: tuple, T: int) -> np.ndarray:
    """A path over the fund's years: (T,) or (..., T) with scenarios on leading axes, checked."""
    p = np.asarray(check_range(name, value, *low_high), float)
    if p.ndim == 0 or p.shape[-1] != T:
        raise InputError(name, f"an array of shape {p.shape}",
                         f"one value per year of the fund (t = 0..{T - 1}): shape ({T},) or (scenarios, {T})")
    return p


def run_inputs(fund, market, shocks, weights, asset_return, preset, yen_appreciation):
    """Checked (fund, market, shocks, weights, asset_return array) for :func:`fundlib.chain.run`."""
    from fundlib import scenarios as SC
    from fundlib import waterfall as W
    from fundlib.chain import Shocks
    from fundlib.market import Market
    from fundlib.structure import FundStructure

    fund = FundStructure() if fund is None else check_instance("fund", fund, FundStructure)
    market = Market.current() if market is None else check_instance("market", market, Market)
    shocks = Shocks() if shocks is None else check_instance("shocks", shocks, Shocks, "a chain.Shocks")
    weights = SC.check_weights(SC.default_weights() if weights is None else weights)
    if not isinstance(preset, str):
        raise TypeError(f"preset must be one of {', '.join(map(repr, W.PRESETS))}; got {type(preset).__name__}")
    check_choice("preset", preset, tuple(W.PRESETS))
    check_number("yen_appreciation", yen_appreciation, -0.3, 0.3)
    if asset_return is None:
        from fundlib import assumptions as A

        asset_return = A.value("asset_return")
    r_a = np.asarray(check_range("asset_return", asset_return, *ASSET_RETURN), float)
    return fund, market, shocks, weights, r_a


def check_rates(senior_rate: np.ndarray, sub_rate: np.ndarray, sofr_path, d_sofr: np.ndarray) -> None:
    """The chain's ledger takes no negative interest: SOFR (+ shock) + each tranche's margin ≥ 0."""
    if np.any(senior_rate < 0) or np.any(sub_rate < 0):
        low = float(min(senior_rate.min(), sub_rate.min()))
        name = "sofr_path" if sofr_path is not None else "shocks.sofr_bp" if np.any(d_sofr < 0) else "market"
        raise InputError(name, f"SOFR that gives a debt rate of {low:.4%}",
                         "SOFR (plus any shock) no lower than minus the debt's margin: the fund pays no negative interest")
