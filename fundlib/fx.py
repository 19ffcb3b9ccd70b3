"""Currency mathematics for a yen investor holding dollar assets: forwards, hedge cost, FX paths.
Used by notebook 03 (hedging and FX-risk apps) and notebook 05 (Japan's yen P&L).

USD/JPY is quoted in JPY per USD. Forwards compound annually from term rates by default (a
market's zero rates: see :meth:`fundlib.market.Market.forward_usdjpy`); the rolled short hedge uses
simple (money-market) rates for a hedge tenor ``years`` of at most one year. The cross-currency basis is the spread added to the yen leg of a USD/JPY
swap; it has been negative for most of the last two decades, which raises the cost of hedging
dollars back into yen.
"""

from __future__ import annotations

import numpy as np

from fundlib._validate import check_range

__all__ = [
    "forward_rate",
    "hedge_cost",
    "hedged_yield",
    "breakeven_depreciation",
    "unhedged_yen_return",
    "hedge_cost_history",
    "usdjpy_volatility",
    "simulate_usdjpy",
]


def _out(a):
    return float(a) if np.ndim(a) == 0 else a


def _rates(usd_rate, jpy_rate, years, max_years=1.0):
    check_range("usd_rate", usd_rate, -0.5, 1.0)
    check_range("jpy_rate", jpy_rate, -0.5, 1.0)
    check_range("years", years, 0.0, max_years, low_open=True)
    return np.asarray(usd_rate, float), np.asarray(jpy_rate, float), np.asarray(years, float)


def forward_rate(spot, usd_rate, jpy_rate, years, basis_bp=0.0, *, compounding: str = "annual"):
    """Covered-interest-parity outright forward, JPY per USD, for delivery in ``years``.

    ``compounding="annual"`` (the default, any tenor up to 100 years): the rates are annually
    compounded zero rates for that tenor, F = S·((1 + jpy + basis) / (1 + usd))^τ.
    ``compounding="simple"``: money-market rates for tenors up to one year,
    F = S·(1 + (jpy + basis)·τ) / (1 + usd·τ). The two agree at one year.

    Rates are decimals in [−50%, 100%] and the basis in [−500, 500] bp, so every valid input gives
    a finite, positive forward; a spot ≤ 0 or a rate outside that range is an InputError.
    """
    from fundlib._validate import check_choice

    check_choice("compounding", compounding, ("annual", "simple"))
    check_range("spot", spot, 0.0, 1e6, low_open=True)
    check_range("basis_bp", basis_bp, -500.0, 500.0)
    u, j, t = _rates(usd_rate, jpy_rate, years, 100.0 if compounding == "annual" else 1.0)
    b = np.asarray(basis_bp, float) * 1e-4
    s = np.asarray(spot, float)
    if compounding == "simple":
        return _out(s * (1.0 + (j + b) * t) / (1.0 + u * t))
    return _out(s * ((1.0 + j + b) / (1.0 + u)) ** t)


def hedge_cost(usd_rate, jpy_rate, basis_bp=0.0, years=0.25):
    """Annualized cost of selling dollars forward for yen, rolled every ``years``.

    (1 − F/S)/τ = (usd − jpy − basis) / (1 + usd·τ) with the simple money-market forward: about
    the short-rate gap minus the basis. Positive means hedging costs the yen investor money. This is
    the *rolled short hedge* (notebook 03's carry view); a forward locked per cash-flow date is
    :meth:`fundlib.market.Market.forward_usdjpy` (notebook 05's funding view).
    """
    u, j, t = _rates(usd_rate, jpy_rate, years)
    check_range("basis_bp", basis_bp, -500.0, 500.0)
    b = np.asarray(basis_bp, float) * 1e-4
    return _out((u - j - b) / (1.0 + u * t))


def hedged_yield(usd_yield, usd_rate, jpy_rate, basis_bp=0.0, years=0.25):
    """Annualized yen return of a dollar asset yielding ``usd_yield``, FX-hedged with rolled forwards.

    Over one roll: (1 + y·τ)·F/S − 1, annualized by τ. Equals y − hedge_cost − y·hedge_cost·τ.
    """
    check_range("usd_yield", usd_yield, -0.5, 1.0)
    y = np.asarray(usd_yield, float)
    t = np.asarray(years, float)
    h = np.asarray(hedge_cost(usd_rate, jpy_rate, basis_bp, years), float)
    return _out(((1.0 + y * t) * (1.0 - h * t) - 1.0) / t)


def breakeven_depreciation(usd_yield, jpy_yield):
    """Yearly fall in USD/JPY that makes an unhedged dollar asset earn exactly the yen yield.

    (1 + y_usd)(1 − d) = 1 + y_jpy  ⇒  d = 1 − (1 + y_jpy)/(1 + y_usd).
    """
    check_range("usd_yield", usd_yield, -0.5, 1.0)
    check_range("jpy_yield", jpy_yield, -0.5, 1.0)
    return _out(1.0 - (1.0 + np.asarray(jpy_yield, float)) / (1.0 + np.asarray(usd_yield, float)))


def unhedged_yen_return(usd_yield, spot_start, spot_end, years=1.0):
    """Annualized yen return of an unhedged dollar asset: ((1+y)^τ · S_end/S_start)^(1/τ) − 1."""
    check_range("usd_yield", usd_yield, -0.5, 1.0)
    check_range("spot_start", spot_start, 0.0, np.inf, low_open=True)
    check_range("spot_end", spot_end, 0.0, np.inf, low_open=True)
    check_range("years", years, 0.0, 100.0, low_open=True)
    y, s0, s1, t = (np.asarray(a, float) for a in (usd_yield, spot_start, spot_end, years))
    return _out((1.0 + y) * (s1 / s0) ** (1.0 / t) - 1.0)


def hedge_cost_history(rates, basis_bp: float = 0.0, years: float = 0.25):
    """Monthly annualized cost of hedging USD into JPY from SOFR and TONA (both available from 2021-08).

    ``rates``: the table from :func:`fundlib.data.load_rates_monthly`. Returns a DataFrame with
    sofr, tona, short-rate gap and hedge cost (decimals), one row per month both rates exist.
    """
    import pandas as pd

    df = rates[["sofr", "tona"]].dropna().copy()
    df["gap"] = df["sofr"] - df["tona"]
    df["hedge_cost"] = hedge_cost(df["sofr"].to_numpy(), df["tona"].to_numpy(), basis_bp, years)
    return pd.DataFrame(df)


def usdjpy_volatility(rates, start: str | None = None, end: str | None = None) -> float:
    """Annualized volatility of monthly log changes in USD/JPY (√12 × stdev), over [start, end]."""
    s = rates["usdjpy"].dropna()
    if start:
        s = s[s.index >= start]
    if end:
        s = s[s.index <= end]
    if s.size < 13:
        from fundlib import InputError

        raise InputError("period", f"{start}..{end}", "at least 13 months of USD/JPY data")
    return float(np.std(np.diff(np.log(s.to_numpy())), ddof=1) * np.sqrt(12.0))


def simulate_usdjpy(spot: float, volatility: float, years: float, n: int, seed: int = 0, drift: float = 0.0,
                    steps_per_year: int = 12) -> np.ndarray:
    """Seeded geometric-Brownian USD/JPY paths, shape (n, steps + 1), JPY per USD.

    ``drift`` is the expected annual log change (0: no view on the yen; the CIP forward would imply
    about the JPY−USD short-rate gap).
    """
    from fundlib._validate import check_int

    check_range("spot", spot, 0.0, np.inf, low_open=True)
    check_range("volatility", volatility, 0.0, 2.0)
    check_range("years", years, 0.0, 50.0, low_open=True)
    n = check_int("n", n, 1, 5_000_000)
    steps = max(1, int(round(years * steps_per_year)))
    dt = years / steps
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, steps))
    logs = np.cumsum((drift - 0.5 * volatility**2) * dt + volatility * np.sqrt(dt) * z, axis=1)
    return spot * np.exp(np.concatenate([np.zeros((n, 1)), logs], axis=1))
