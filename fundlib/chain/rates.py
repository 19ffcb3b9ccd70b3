"""The chain's rates (notebooks 01, 02, 03, 05 and 06; 07 through the odds engine): step 2 of
:func:`fundlib.chain.run`, each tranche's floating rate on the SOFR path, and the two ways Japan's
dollars become yen (the forward for each year's date from the Market, or the unhedged FX path).

Senior debt (guaranteed by Ex-Im Bank and JBIC) floats at SOFR + spread + guarantee fee; subordinated
debt (unguaranteed) at SOFR + its own spread. The debt plan is sculpted at close on the snapshot's
SOFR and the tranches' weighted margin (``base``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fundlib.chain.inputs import RunInputs, check_rates

__all__ = ["Rates", "floating_rates", "fx_rates"]


@dataclass(frozen=True)
class Rates:
    """``senior`` and ``sub`` (n, T): each year's rate of each tranche, shocks included; ``base``: the
    one rate the debt plan is sculpted on at close (the snapshot's SOFR + the weighted margin)."""

    senior: np.ndarray
    sub: np.ndarray
    base: float


def floating_rates(inp: RunInputs) -> Rates:
    """Step 2: SOFR (the snapshot's, or the given path) plus the shock, plus each tranche's margin;
    InputError if any year's rate is negative."""
    fund, market, n, T = inp.fund, inp.market, inp.n, inp.T
    sofr = (np.broadcast_to(market.sofr, (n, T)) if inp.sofr_path is None else
            np.broadcast_to(inp.sofr_path, inp.shape + (T,)).reshape(n, T)) + inp.sofr_bp[:, None] * 1e-4
    senior = sofr + fund.senior_margin
    sub = sofr + fund.sub_margin
    check_rates(senior, sub, inp.sofr_path, inp.sofr_bp)
    base = market.sofr + fund.senior_margin * (1 - fund.sub_debt_share) + fund.sub_margin * fund.sub_debt_share
    return Rates(senior, sub, base)


def fx_rates(inp: RunInputs) -> tuple[np.ndarray, np.ndarray]:
    """(hedged (T,), unhedged (n, T)) yen per dollar: the Market's forward for each year's date, and
    the FX path (given, or spot moved by ``yen_appreciation`` a year), set to the USD/JPY shock from
    year 1 where there is one."""
    n, T = inp.n, inp.T
    t = np.arange(T)
    hedged = inp.market.forward_usdjpy(t.astype(float))
    if inp.fx_path is not None:
        path = np.broadcast_to(inp.fx_path, inp.shape + (T,)).reshape(n, T).copy()
    else:
        path = np.broadcast_to(inp.market.usdjpy * (1.0 - inp.yen_appreciation) ** t, (n, T)).copy()
    if inp.usdjpy is not None:
        path[:, 1:] = np.broadcast_to(inp.usdjpy, inp.shape).reshape(n)[:, None]
    return hedged, path
