"""Currency mathematics for a yen investor holding dollar assets: forwards, hedge cost, FX paths.
Used by notebook 03 (hedging and FX-risk apps) and notebook 05 (Japan's yen P&L).

USD/JPY is quoted in JPY per USD. Forwards compound annually from term rates by default (a
market's zero rates: see :meth:`fundlib.market.Market.forward_usdjpy`); the rolled short hedge uses
simple (money-market) rates for a hedge tenor ``years`` of at most one year. The cross-currency basis is the spread added to the yen leg of a USD/JPY
swap; it has been negative for most of the last two decades, which raises the cost of hedging
dollars back into yen.

Rates and yields are decimals in [−50%, 100%], the basis in [−500, 500] bp, spots in yen per dollar
(positive; at most 1e6 where a forward or a simulation starts from one). Array arguments broadcast together; shapes that do not, NaN, inf and values
out of range raise an InputError naming the parameter(s).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundlib._validate import (InputError, broadcast, check_choice, check_frame, check_int, check_month, check_number,
                               check_range)

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


MIN_YEARS = 1 / 365   # a day: the shortest period a return is annualized over


def _rates(usd_rate, jpy_rate, years, max_years=1.0):
    return (np.asarray(check_range("usd_rate", usd_rate, -0.5, 1.0), float),
            np.asarray(check_range("jpy_rate", jpy_rate, -0.5, 1.0), float),
            np.asarray(check_range("years", years, 0.0, max_years, low_open=True), float))


def _basis(basis_bp) -> np.ndarray:
    return np.asarray(check_range("basis_bp", basis_bp, -500.0, 500.0), float) * 1e-4


def forward_rate(spot, usd_rate, jpy_rate, years, basis_bp=0.0, *, compounding: str = "annual"):
    """Covered-interest-parity outright forward, JPY per USD, for delivery in ``years``.

    ``compounding="annual"`` (the default, any tenor up to 100 years): the rates are annually
    compounded zero rates for that tenor, F = S·((1 + jpy + basis) / (1 + usd))^τ.
    ``compounding="simple"``: money-market rates for tenors up to one year,
    F = S·(1 + (jpy + basis)·τ) / (1 + usd·τ). The two agree at one year.

    Rates are decimals in [−50%, 100%] and the basis in [−500, 500] bp, so every valid input gives
    a finite, positive forward; a spot ≤ 0 or a rate outside that range is an InputError.
    """
    check_choice("compounding", compounding, ("annual", "simple"))
    s = np.asarray(check_range("spot", spot, 0.0, 1e6, low_open=True), float)
    b = _basis(basis_bp)
    u, j, t = _rates(usd_rate, jpy_rate, years, 100.0 if compounding == "annual" else 1.0)
    s, u, j, t, b = broadcast(spot=s, usd_rate=u, jpy_rate=j, years=t, basis_bp=b)
    if compounding == "simple":
        return _out(s * (1.0 + (j + b) * t) / (1.0 + u * t))
    return _out(s * ((1.0 + j + b) / (1.0 + u)) ** t)


def hedge_cost(usd_rate, jpy_rate, basis_bp=0.0, years=0.25):
    """Annualized cost of selling dollars forward for yen, rolled every ``years`` (in (0, 1]).

    (1 − F/S)/τ = (usd − jpy − basis) / (1 + usd·τ) with the simple money-market forward: about
    the short-rate gap minus the basis. Positive means hedging costs the yen investor money. This is
    the *rolled short hedge* (notebook 03's carry view); a forward locked per cash-flow date is
    :meth:`fundlib.market.Market.forward_usdjpy` (notebook 05's funding view).
    """
    u, j, t = _rates(usd_rate, jpy_rate, years)
    u, j, b, t = broadcast(usd_rate=u, jpy_rate=j, basis_bp=_basis(basis_bp), years=t)
    return _out((u - j - b) / (1.0 + u * t))


def hedged_yield(usd_yield, usd_rate, jpy_rate, basis_bp=0.0, years=0.25):
    """Annualized yen return of a dollar asset yielding ``usd_yield``, FX-hedged with rolled forwards.

    Over one roll: (1 + y·τ)·F/S − 1, annualized by τ. Equals y − hedge_cost − y·hedge_cost·τ.
    """
    y = np.asarray(check_range("usd_yield", usd_yield, -0.5, 1.0), float)
    u, j, t = _rates(usd_rate, jpy_rate, years)
    b = np.asarray(check_range("basis_bp", basis_bp, -500.0, 500.0), float)
    y, u, j, b, t = broadcast(usd_yield=y, usd_rate=u, jpy_rate=j, basis_bp=b, years=t)
    h = np.asarray(hedge_cost(u, j, b, t), float)
    return _out(((1.0 + y * t) * (1.0 - h * t) - 1.0) / t)


def breakeven_depreciation(usd_yield, jpy_yield):
    """Yearly fall in USD/JPY that makes an unhedged dollar asset earn exactly the yen yield.

    (1 + y_usd)(1 − d) = 1 + y_jpy  ⇒  d = 1 − (1 + y_jpy)/(1 + y_usd).
    """
    u, j = broadcast(usd_yield=check_range("usd_yield", usd_yield, -0.5, 1.0),
                     jpy_yield=check_range("jpy_yield", jpy_yield, -0.5, 1.0))
    return _out(1.0 - (1.0 + j) / (1.0 + u))


def unhedged_yen_return(usd_yield, spot_start, spot_end, years=1.0):
    """Annualized yen return of an unhedged dollar asset: ((1+y)^τ · S_end/S_start)^(1/τ) − 1.

    ``years`` (τ) runs from a day (1/365) to 100: annualizing raises the spot ratio to the power
    1/τ, so over less than a day an ordinary move becomes an astronomical annual rate (a 6% move
    over an hour is over 10^200 % a year) that means nothing and overflows. Spots are positive
    (finite) yen per dollar; a ratio whose annualized return still overflows is an InputError.
    """
    y = np.asarray(check_range("usd_yield", usd_yield, -0.5, 1.0), float)
    s0 = np.asarray(check_range("spot_start", spot_start, 0.0, np.inf, low_open=True), float)
    s1 = np.asarray(check_range("spot_end", spot_end, 0.0, np.inf, low_open=True), float)
    t = np.asarray(check_range("years", years, MIN_YEARS, 100.0), float)
    y, s0, s1, t = broadcast(usd_yield=y, spot_start=s0, spot_end=s1, years=t)
    with np.errstate(over="ignore"):
        out = (1.0 + y) * (s1 / s0) ** (1.0 / t) - 1.0
    if not np.all(np.isfinite(out)):
        raise InputError("spot_end", spot_end, "a move from spot_start that, annualized over years, stays within "
                                               "floating-point range")
    return _out(out)


def _column(rates: pd.DataFrame, col: str, low: float, high: float, **kw) -> pd.Series:
    s = rates[col].dropna()
    if s.size and not pd.api.types.is_numeric_dtype(s):
        raise TypeError(f"rates['{col}'] must hold numbers; got {s.dtype}")
    check_range(f"rates['{col}']", s.to_numpy(float), low, high, allow_empty=True, **kw)
    return s


def hedge_cost_history(rates, basis_bp: float = 0.0, years: float = 0.25):
    """Monthly annualized cost of hedging USD into JPY from SOFR and TONA (both available from 2021-08).

    ``rates``: the table from :func:`fundlib.data.load_rates_monthly` (at least the columns sofr and
    tona, decimals). Returns a DataFrame with sofr, tona, short-rate gap and hedge cost (decimals),
    one row per month both rates exist; an InputError if there is no such month.
    """
    check_frame("rates", rates, ["sofr", "tona"], min_rows=0)
    for col in ("sofr", "tona"):
        _column(rates, col, -0.5, 1.0)
    df = rates[["sofr", "tona"]].dropna().astype(float)
    if df.empty:
        raise InputError("rates", f"a table of {len(rates)} rows", "at least one month where both sofr and tona have values")
    df["gap"] = df["sofr"] - df["tona"]
    df["hedge_cost"] = hedge_cost(df["sofr"].to_numpy(), df["tona"].to_numpy(), basis_bp, years)
    return pd.DataFrame(df)


def usdjpy_volatility(rates, start: str | None = None, end: str | None = None) -> float:
    """Annualized volatility of monthly log changes in USD/JPY (√12 × stdev), over [start, end].

    ``rates``: a table with a column usdjpy (yen per dollar) indexed by month, such as
    :func:`fundlib.data.load_rates_monthly`; ``start``/``end``: months ('YYYY-MM') or None for the
    table's ends. At least 13 months of data are needed (12 changes).
    """
    check_frame("rates", rates, ["usdjpy"], min_rows=0)
    s = _column(rates, "usdjpy", 0.0, 1e6, low_open=True)
    lo = None if start is None else check_month("start", start)
    hi = None if end is None else check_month("end", end)
    if lo is not None and hi is not None and hi < lo:
        raise InputError("end", end, f"a month on or after start = {start!r}")
    if lo is not None or hi is not None:
        try:
            months = s.index if isinstance(s.index, pd.PeriodIndex) else pd.DatetimeIndex(s.index).to_period("M")
        except (TypeError, ValueError):
            raise InputError("rates", "a table not indexed by month", "a table indexed by month (as load_rates_monthly returns)") from None
        keep = np.ones(s.size, bool)
        if lo is not None:
            keep &= np.asarray(months >= lo)
        if hi is not None:
            keep &= np.asarray(months <= hi)
        s = s[keep]
    if s.size < 13:
        raise InputError("rates" if lo is None and hi is None else "start and end", f"{start}..{end}",
                         f"a period with at least 13 months of USD/JPY data in rates (found {s.size})")
    return float(np.std(np.diff(np.log(s.to_numpy(float))), ddof=1) * np.sqrt(12.0))


MAX_SIMULATED_VALUES = 50_000_000   # n × (steps + 1): about 400 MB of paths


def simulate_usdjpy(spot: float, volatility: float, years: float, n: int, seed: int = 0, drift: float = 0.0,
                    steps_per_year: int = 12) -> np.ndarray:
    """Seeded geometric-Brownian USD/JPY paths, shape (n, steps + 1), JPY per USD, column 0 = ``spot``.

    dS/S = drift·dt + volatility·dW: ``drift`` is the expected annual rate of change of the level,
    E[S_t] = spot·e^(drift·t), so the expected annual change of log USD/JPY is drift − volatility²/2.
    drift = 0 (the default) makes the rate a martingale: no view on the yen. The CIP forward
    F_t = spot·e^((r_JPY − r_USD)·t) corresponds to drift = r_JPY − r_USD (continuously compounded).
    ``steps = round(years × steps_per_year)`` (at least one); ``seed`` is a whole number ≥ 0 and the
    same seed gives the same paths.
    """
    spot = check_number("spot", spot, 0.0, 1e6, low_open=True)
    volatility = check_number("volatility", volatility, 0.0, 2.0)
    years = check_number("years", years, 0.0, 50.0, low_open=True)
    n = check_int("n", n, 1, 5_000_000)
    seed = check_int("seed", seed, 0)
    drift = check_number("drift", drift, -1.0, 1.0)
    steps_per_year = check_int("steps_per_year", steps_per_year, 1, 366)
    steps = max(1, int(round(years * steps_per_year)))
    if n * (steps + 1) > MAX_SIMULATED_VALUES:
        raise InputError("n and steps_per_year", f"{n} paths × {steps + 1} points",
                         f"at most {MAX_SIMULATED_VALUES:,} simulated values (fewer paths or steps)")
    dt = years / steps
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, steps))
    with np.errstate(over="ignore"):
        logs = np.cumsum((drift - 0.5 * volatility**2) * dt + volatility * np.sqrt(dt) * z, axis=1)
        out = spot * np.exp(np.concatenate([np.zeros((n, 1)), logs], axis=1))
    return out
