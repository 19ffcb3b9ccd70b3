"""The chain's rates (notebooks 01, 02, 03, 05 and 06; 07 through the odds engine): step 2 of
:func:`fundlib.chain.run`, each tranche's floating rate on the SOFR path, and the two ways Japan's
dollars become yen (the forward for each year's date from the Market, or the unhedged FX path).

Senior bonds (guaranteed by Ex-Im Bank and JBIC) pay the bondholders SOFR + spread (the coupon); the
guarantors earn the guarantee fee on the senior balance on top; subordinated debt (unguaranteed) pays
SOFR + its own spread. The debt plan is sculpted at close on the snapshot's SOFR and the tranches'
weighted all-in margin (``base`` = :meth:`fundlib.structure.FundStructure.debt_rate`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fundlib.chain.inputs import RunInputs, check_rates

__all__ = ["Rates", "floating_rates", "fx_rates"]


@dataclass(frozen=True)
class Rates:
    """(n, T) each, decimals: ``sofr`` each year's SOFR (shocks included), ``coupon`` the senior bonds'
    SOFR + spread, ``senior`` the senior all-in cost (coupon + guarantee fee: the guarantors' claim
    rate), ``sub`` the subordinated rate; ``fee`` the guarantee fee; ``base`` the one rate the debt
    plan is sculpted on at close (the snapshot's SOFR + the weighted all-in margin)."""

    sofr: np.ndarray
    coupon: np.ndarray
    senior: np.ndarray
    sub: np.ndarray
    fee: float
    base: float


def floating_rates(inp: RunInputs) -> Rates:
    """Step 2: SOFR (the snapshot's, or the given path) plus the shock, plus each tranche's spread;
    InputError if any year's coupon is negative."""
    fund, market, n, T = inp.fund, inp.market, inp.n, inp.T
    sofr = (np.broadcast_to(market.sofr, (n, T)) if inp.sofr_path is None else
            np.broadcast_to(inp.sofr_path, inp.shape + (T,)).reshape(n, T)) + inp.sofr_bp[:, None] * 1e-4
    fee = fund.guarantee_fee_bp * 1e-4
    coupon = sofr + fund.senior_spread_bp * 1e-4
    sub = sofr + fund.sub_margin
    check_rates(coupon, sub, inp.sofr_path, inp.sofr_bp)
    return Rates(sofr, coupon, coupon + fee, sub, fee, fund.debt_rate(market))


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
