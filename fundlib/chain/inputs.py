"""The chain's inputs: the :class:`Shocks` after financial close, the checks of every input, and
:func:`prepare`, the run's first step. Notebooks 01, 02, 03, 05 and 06 use them; 07 through the odds engine.

Each check names the parameter, its value and the valid range, so a bad input never reaches the
ledger; :func:`prepare` turns the checked inputs into one flat set of scenario arrays.

Kind, emptiness, shape, finiteness and range are checked vectorized: the chain runs 10,000
scenarios at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fundlib import assumptions as A
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib import waterfall as W
from fundlib._validate import InputError, check_choice, check_instance, check_mapping, check_number, check_range
from fundlib.market import Market
from fundlib.structure import FundStructure

__all__ = ["Shocks", "prepare", "MAX_HORIZON", "check_sector_delays"]     # the checks and the flattened inputs serve the chain's steps

SOFR_BP = (-500.0, 3000.0)      # shocks: SOFR moves, bp
AI_BUST = (0.0, 2.5)            # severity of the AI capex bust (1 = the named bust)
DELAY = (0.0, 15.0)             # years of delay (months are fractions of a year)
CURVE_SHIFT = (-0.2, 0.5)       # a parallel move of the USD curve the exit is valued on, decimal
USDJPY = (40.0, 400.0)          # a USD/JPY level for a shock
ASSET_RETURN = (-0.05, 0.5)     # the fund's gross return on assets
SOFR_PATH = (-0.05, 0.5)        # a SOFR path, decimal
FX_PATH = (1.0, 10_000.0)       # an unhedged USD/JPY path (simulated paths may wander far)
MAX_HORIZON = 70                # years the project cash flows are built over (life + delays + tail)


def shock_arrays(sofr_bp, usdjpy, ai_bust, delay_years):
    """The shocks as arrays (sofr_bp, usdjpy or None, ai_bust, delay_years), checked."""
    sofr = np.asarray(check_range("sofr_bp", sofr_bp, *SOFR_BP), float)
    bust = np.asarray(check_range("ai_bust", ai_bust, *AI_BUST), float)
    d = np.asarray(check_range("delay_years", delay_years, *DELAY), float)
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


@dataclass(frozen=True)
class Shocks:
    """Shocks after financial close, each a number or an array over scenarios (arrays broadcast
    together): SOFR up ``sofr_bp`` (in [−500, 3000]) every year; USD/JPY at ``usdjpy`` (in
    [40, 400]) from year 1 (None: unchanged); an AI capex bust of severity ``ai_bust`` (in [0, 2.5];
    1 = the named bust); every project ``delay_years`` late (years in [0, 15]; a fraction is months:
    0.5 = six months). Checked when made."""

    sofr_bp: object = 0.0
    usdjpy: object = None
    ai_bust: object = 0.0
    delay_years: object = 0

    def __post_init__(self):
        scenario_shape(**dict(zip(("sofr_bp", "usdjpy", "ai_bust", "delay_years"), self.arrays())))

    def arrays(self):
        """(sofr_bp, usdjpy or None, ai_bust, delay_years) as checked arrays."""
        return shock_arrays(self.sofr_bp, self.usdjpy, self.ai_bust, self.delay_years)


def check_sector_delays(sector_delays) -> dict | None:
    """``sector_delays``: None, or a dict sector → years late (a number or an array over scenarios,
    each in [0, 15]) for some of the sectors (the others on time), replacing ``Shocks.delay_years``."""
    if sector_delays is None:
        return None
    d = check_mapping("sector_delays", sector_delays, "a dict sector → years of delay")
    unknown = sorted(set(d) - set(P.SECTORS))
    if unknown:
        raise InputError("sector_delays", unknown[0], f"one of the sectors {', '.join(P.SECTORS)}")
    return {k: np.asarray(check_range(f"sector_delays[{k!r}]", v, *DELAY), float) for k, v in d.items()}


def path(name: str, value, low_high: tuple, T: int) -> np.ndarray:
    """A path over the fund's years: (T,) or (..., T) with scenarios on leading axes, checked."""
    p = np.asarray(check_range(name, value, *low_high), float)
    if p.ndim == 0 or p.shape[-1] != T:
        raise InputError(name, f"an array of shape {p.shape}",
                         f"one value per year of the fund (t = 0..{T - 1}): shape ({T},) or (scenarios, {T})")
    return p


def run_inputs(fund, market, shocks, weights, asset_return, preset, yen_appreciation):
    """Checked (fund, market, shocks, weights, asset_return array) for :func:`fundlib.chain.run`."""
    fund = FundStructure() if fund is None else check_instance("fund", fund, FundStructure)
    market = Market.current() if market is None else check_instance("market", market, Market)
    shocks = Shocks() if shocks is None else check_instance("shocks", shocks, Shocks, "a chain.Shocks")
    weights = SC.check_weights(SC.default_weights() if weights is None else weights)
    if not isinstance(preset, str):
        raise TypeError(f"preset must be one of {', '.join(map(repr, W.PRESETS))}; got {type(preset).__name__}")
    check_choice("preset", preset, tuple(W.PRESETS))
    check_number("yen_appreciation", yen_appreciation, -0.3, 0.3)
    if asset_return is None:
        asset_return = A.value("asset_return")
    r_a = np.asarray(check_range("asset_return", asset_return, *ASSET_RETURN), float)
    return fund, market, shocks, weights, r_a


@dataclass(frozen=True)
class RunInputs:
    """What every later step of the chain reads: the checked fund, market and weights, and the
    scenario inputs flattened to ``n`` rows (``shape`` is the scenario shape they broadcast to)."""

    fund: FundStructure
    market: Market
    weights: dict
    shape: tuple
    n: int
    T: int                       # years t = 0..life
    asset_return: np.ndarray     # (n,)
    sofr_bp: np.ndarray          # (n,) the SOFR shock
    ai_bust: np.ndarray          # (n,)
    delay: np.ndarray            # (n,) years late, every sector
    sector_delays: dict | None   # sector → (n,) years late, replacing ``delay`` where given
    curve_shift: np.ndarray      # (n,) parallel move of the USD curve the exit is valued on (the SOFR shock included)
    usdjpy: np.ndarray | None    # the USD/JPY shock, scenario-shaped, or None
    sofr_path: np.ndarray | None  # (T,) or (..., T), checked
    fx_path: np.ndarray | None
    yen_appreciation: float


def prepare(fund, market, shocks, weights, asset_return, preset, yen_appreciation, sofr_path, fx_path,
            sector_delays=None, curve_shift=0.0) -> RunInputs:
    """Step 0 of the chain: check every input and flatten the scenario inputs to ``n`` rows."""
    fund, market, shocks, weights, r_a = run_inputs(fund, market, shocks, weights, asset_return, preset,
                                                    yen_appreciation)
    d_sofr, fx_shock, bust, delay = shocks.arrays()
    if fund.life_years + 1 > MAX_HORIZON - 15:
        raise InputError("life_years", fund.life_years, f"at most {MAX_HORIZON - 16} years")
    T = fund.life_years + 1
    sector_delays = check_sector_delays(sector_delays)
    shift = np.asarray(check_range("curve_shift", curve_shift, *CURVE_SHIFT), float)
    if sofr_path is not None:
        sofr_path = path("sofr_path", sofr_path, SOFR_PATH, T)
    if fx_path is not None:
        fx_path = path("fx_path", fx_path, FX_PATH, T)
    shape = scenario_shape(asset_return=r_a, **dict(zip(("shocks.sofr_bp", "shocks.usdjpy", "shocks.ai_bust",
                                                         "shocks.delay_years"), (d_sofr, fx_shock, bust, delay))),
                           curve_shift=shift, **{f"sector_delays[{k!r}]": v for k, v in (sector_delays or {}).items()},
                           sofr_path=None if sofr_path is None else sofr_path[..., 0],
                           fx_path=None if fx_path is None else fx_path[..., 0])
    n = int(np.prod(shape)) if shape else 1

    def flat(a):
        return np.broadcast_to(np.asarray(a, float), shape).reshape(n)

    sd = None if sector_delays is None else {k: flat(v) for k, v in sector_delays.items()}
    return RunInputs(fund, market, weights, shape, n, T, flat(r_a), flat(d_sofr), flat(bust), flat(delay), sd,
                     flat(shift) + flat(d_sofr) * 1e-4, fx_shock, sofr_path, fx_path, yen_appreciation)


def check_rates(senior_rate: np.ndarray, sub_rate: np.ndarray, sofr_path, d_sofr: np.ndarray) -> None:
    """The chain's ledger takes no negative interest: SOFR (+ shock) + each tranche's spread ≥ 0."""
    if np.any(senior_rate < 0) or np.any(sub_rate < 0):
        low = float(min(senior_rate.min(), sub_rate.min()))
        name = "sofr_path" if sofr_path is not None else "shocks.sofr_bp" if np.any(d_sofr < 0) else "market"
        raise InputError(name, f"SOFR that gives a debt rate of {low:.4%}",
                         "SOFR (plus any shock) no lower than minus the debt's spread: the fund pays no negative interest")
