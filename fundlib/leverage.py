"""Leverage: levered returns and risk, debt terms, and project-finance debt sizing.
Used by notebook 02 (its three apps), and by notebooks 04 and 06 for project debt.

Leverage ``L`` = assets / equity (≥ 1). Rates are decimals; money in USD bn; annual periods.
Every input is checked up front: a wrong kind raises TypeError, NaN, inf, empty arrays, shapes that
do not broadcast and values outside the stated range raise :class:`fundlib.InputError` naming the
parameter. Asset returns lie in [−1, 10] (an asset can lose at most everything), debt costs and debt
rates in [−5%, 100%], leverage in [1, 100].

Project-finance convention: debt is drawn at ``t = 0`` (the end of construction) and serviced in
periods ``t = 1..tenor`` from cash flow available for debt service (CFADS); ``cfads[..., 0]`` is
not used for debt service. Scenarios live on leading axes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib.assumptions import check_assumption
from fundlib._debt_math import RATE_RANGE
from fundlib._debt_math import discount as _discount, lognormal_params as _lognormal_params, norm_cdf as _norm_cdf
from fundlib._debt_math import rates as _rates, scenario_shape as _scenario_shape
from fundlib._validate import (InputError, as_cashflows, broadcast, check_bool, check_choice,
                               check_int, check_number, check_range)

__all__ = [
    "levered_return", "breakeven_asset_return", "required_spread", "equity_volatility", "wipeout_fall",
    "prob_equity_loss", "simulate_equity_returns", "DebtTerms", "cfads_profile", "sculpted_debt",
    "DebtSchedule", "debt_schedule", "size_debt", "guarantee_economics",
]


def _out(a):
    return float(a) if np.ndim(a) == 0 else a


def _market_sofr() -> float:
    from fundlib.market import Market

    return Market.current().sofr


def _market_swap() -> float:
    """The fixed rate a single project's debt swaps to: the Market's amortizing par swap rate for a
    balance repaid in equal parts over the register's debt tenor (:meth:`fundlib.market.Market.swap_rate`)."""
    from fundlib.market import Market

    n = int(A.value("debt_tenor_years"))
    return Market.current().swap_rate(notional=np.arange(n, 0, -1, dtype=float))


RETURN_RANGE = (-1.0, 10.0)    # asset and equity returns: at most everything lost, at most +1000%


def _lev(leverage):
    return np.asarray(check_range("leverage", leverage, 1.0, 100.0), float)


def _num(name, value, low_high):
    return np.asarray(check_range(name, value, *low_high), float)


def levered_return(asset_return, debt_cost, leverage):
    """Return on equity: L·r_A − (L−1)·r_D (assets earn r_A, the borrowed (L−1) costs r_D).

    Each input is a number or an array (arrays broadcast together); a number in, a number out."""
    r_a, r_d, L = broadcast(asset_return=_num("asset_return", asset_return, RETURN_RANGE),
                            debt_cost=_num("debt_cost", debt_cost, RATE_RANGE), leverage=_lev(leverage))
    return _levered(r_a, r_d, L)


def _levered(r_a, r_d, L):
    return _out(L * r_a - (L - 1.0) * r_d)


def breakeven_asset_return(debt_cost, leverage, target_equity_return=0.0):
    """Asset return at which equity earns ``target_equity_return``: (r_E + (L−1)·r_D) / L."""
    r_d, L, r_e = broadcast(debt_cost=_num("debt_cost", debt_cost, RATE_RANGE), leverage=_lev(leverage),
                            target_equity_return=_num("target_equity_return", target_equity_return, RETURN_RANGE))
    return _out((r_e + (L - 1.0) * r_d) / L)


def required_spread(target_equity_return, debt_cost, leverage):
    """How far the asset return must exceed the debt cost for equity to earn its target:
    r_A − r_D = (r_E − r_D) / L."""
    r_e, r_d, L = broadcast(target_equity_return=_num("target_equity_return", target_equity_return, RETURN_RANGE),
                            debt_cost=_num("debt_cost", debt_cost, RATE_RANGE), leverage=_lev(leverage))
    return _out((r_e - r_d) / L)


def equity_volatility(asset_volatility, leverage):
    """Equity volatility = L × asset volatility (the debt's cost is fixed, so all variation lands on equity)."""
    vol, L = broadcast(asset_volatility=_num("asset_volatility", asset_volatility, (0.0, 5.0)), leverage=_lev(leverage))
    return _out(L * vol)


def wipeout_fall(leverage):
    """Fall in asset value that wipes out the equity: 1/L (a third at L = 3)."""
    return _out(1.0 / _lev(leverage))


def prob_equity_loss(asset_mean, asset_volatility, debt_cost, leverage, *, threshold=0.0,
                     distribution: str = "normal"):
    """P(one-year equity return < ``threshold``) when the asset return is normal or lognormal.

    Equity return R_E = L·R_A − (L−1)·r_D < k  ⇔  R_A < (k + (L−1)·r_D)/L, so the answer is a
    CDF of the asset return at that break-even. ``distribution='lognormal'`` makes 1 + R_A lognormal
    with the given mean and volatility (so an asset can never lose more than 100%).
    ``threshold=-1`` gives the probability that the equity is wiped out.
    """
    check_choice("distribution", distribution, ("normal", "lognormal"))
    mean, vol, r_d, L, k = broadcast(
        asset_mean=_num("asset_mean", asset_mean, (-0.99, 5.0)),
        asset_volatility=np.asarray(check_range("asset_volatility", asset_volatility, 0.0, 5.0, low_open=True)),
        debt_cost=_num("debt_cost", debt_cost, RATE_RANGE), leverage=_lev(leverage),
        threshold=_num("threshold", threshold, RETURN_RANGE))
    b = (k + (L - 1.0) * r_d) / L
    if distribution == "normal":
        return _out(_norm_cdf((b - mean) / vol))
    m, s = _lognormal_params(mean, vol)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (np.log(np.maximum(1.0 + np.asarray(b), 1e-300)) - m) / s
    return _out(np.where(np.asarray(b) <= -1.0, 0.0, _norm_cdf(z)))


def simulate_equity_returns(asset_mean, asset_volatility, debt_cost, leverage, n: int = 100_000,
                            seed: int = 0, distribution: str = "normal") -> np.ndarray:
    """``n`` seeded draws of the one-year equity return of one asset (an array of shape (n,)), for
    comparing with :func:`prob_equity_loss`. Every parameter but ``n`` and ``seed`` is one number;
    ``seed`` is a whole number ≥ 0. Normal draws may fall below −100% when the volatility is wide
    (the normal model's known flaw; ``distribution='lognormal'`` never does)."""
    check_choice("distribution", distribution, ("normal", "lognormal"))
    mean = check_number("asset_mean", asset_mean, -0.99, 5.0)
    vol = check_number("asset_volatility", asset_volatility, 0.0, 5.0)
    r_d = check_number("debt_cost", debt_cost, *RATE_RANGE)
    L = check_number("leverage", leverage, 1.0, 100.0)
    n = check_int("n", n, 1, 50_000_000)
    rng = np.random.default_rng(check_int("seed", seed, 0, 2**63 - 1))
    if distribution == "normal":
        r_a = mean + vol * rng.standard_normal(n)
    else:
        m, s = _lognormal_params(mean, vol)
        r_a = np.expm1(m + s * rng.standard_normal(n))
    return _levered(r_a, r_d, L)


# ============================================================================ debt terms


@dataclass(frozen=True)
class DebtTerms:
    """What the fund's debt costs.

    Floating: base = SOFR (a number, or a path with one rate per year, each in [−2%, 25%]); fixed:
    base = the swap rate. All-in = base + spread + guarantee fee when guaranteed, base + unguaranteed
    spread otherwise. Spreads and the fee are in bp, within the register's ranges.
    """

    sofr: float | tuple = field(default_factory=lambda: _market_sofr())
    spread_bp: float = field(default_factory=lambda: A.value("senior_spread_bp"))
    guarantee_fee_bp: float = field(default_factory=lambda: A.value("guarantee_fee_bp"))
    guaranteed: bool = True
    unguaranteed_spread_bp: float = field(default_factory=lambda: A.value("unguaranteed_spread_bp"))
    fixed: bool = False
    swap_rate: float = field(default_factory=lambda: _market_swap())

    def __post_init__(self):
        sofr = check_range("sofr", self.sofr, -0.02, 0.25)
        if np.ndim(sofr) > 1:
            raise InputError("sofr", self.sofr, "one rate, or a path of one rate per year (a flat list)")
        object.__setattr__(self, "sofr", sofr if np.ndim(sofr) == 0 else tuple(float(x) for x in sofr))
        check_assumption("senior_spread_bp", self.spread_bp, "spread_bp")
        check_assumption("guarantee_fee_bp", self.guarantee_fee_bp, "guarantee_fee_bp")
        check_assumption("unguaranteed_spread_bp", self.unguaranteed_spread_bp, "unguaranteed_spread_bp")
        check_bool("guaranteed", self.guaranteed)
        check_bool("fixed", self.fixed)
        check_number("swap_rate", self.swap_rate, -0.02, 0.25)

    @property
    def margin(self) -> float:
        """Everything above the base rate, as a decimal."""
        if self.guaranteed:
            return (self.spread_bp + self.guarantee_fee_bp) * 1e-4
        return self.unguaranteed_spread_bp * 1e-4

    def rate(self, periods: int | None = None):
        """All-in rate; with ``periods`` (a whole number in [1, 200]), one rate per year (a SOFR path
        is extended flat). Without ``periods``, a SOFR path counts at its average."""
        base = self.swap_rate if self.fixed else np.asarray(self.sofr, float)
        if periods is not None:
            periods = check_int("periods", periods, 1, 200)
        if periods is None:
            return _out(np.mean(base) + self.margin) if np.ndim(base) else float(base) + self.margin
        path = np.atleast_1d(base)
        out = np.concatenate([path, np.full(max(periods - path.size, 0), path[-1])])[:periods]
        return out + self.margin


# ============================================================================ project finance


def cfads_profile(annual_usd_bn: float, years: int, shape: str = "level", ramp_years: int = 2,
                  decline: float = 0.0) -> np.ndarray:
    """An illustrative CFADS series, t = 0..years (t = 0 is the end of construction, CFADS 0).

    ``shape``: 'level'; 'ramp' (rises linearly to ``annual_usd_bn`` over ``ramp_years``);
    'declining' (falls by ``decline`` a year, as output or prices fade).
    """
    check_number("annual_usd_bn", annual_usd_bn, 0.0, 1e4, low_open=True)
    years = check_int("years", years, 1, 80)
    check_choice("shape", shape, ("level", "ramp", "declining"))
    t = np.arange(years + 1, dtype=float)
    cf = np.full(years + 1, float(annual_usd_bn))
    if shape == "ramp":
        r = check_int("ramp_years", ramp_years, 1, years)
        cf = cf * np.minimum(t / r, 1.0)
    elif shape == "declining":
        check_number("decline", decline, 0.0, 0.5)
        cf = cf * (1.0 - decline) ** np.maximum(t - 1, 0)
    cf[0] = 0.0
    return cf


def sculpted_debt(cfads, rate, target_dscr: float, tenor: int):
    """Debt that a CFADS series can carry at a constant DSCR over ``tenor`` years.

    Debt service in period t = CFADS_t / target DSCR (never negative), t = 1..tenor; the debt is
    the present value of that service at the debt rate. Returns (debt, debt_service[..., T]).

    ``cfads``: (..., T) with T ≥ 2, scenarios on leading axes; ``rate``: one rate in [−5%, 100%],
    one per period, or (..., T); ``target_dscr``: one number in (0, 10]; ``tenor``: whole years in
    [1, T − 1]. CFADS that is zero (or negative) through the tenor carries no debt: the capacity is 0.
    """
    cf = as_cashflows("cfads", cfads, min_periods=2)
    dscr = check_number("target_dscr", target_dscr, 0.0, 10.0, low_open=True)
    T = cf.shape[-1]
    tenor = check_int("tenor", tenor, 1, T - 1)
    r = _rates("rate", rate, T)
    _scenario_shape(cfads=cf.shape[:-1], rate=r.shape[:-1])
    in_tenor = (np.arange(T) >= 1) & (np.arange(T) <= tenor)
    ds = np.where(in_tenor, np.maximum(cf, 0.0) / dscr, 0.0)
    debt = np.sum(ds * _discount(r, T), axis=-1)
    return _out(debt), ds


@dataclass(frozen=True)
class DebtSchedule:
    """A loan's life, period by period (arrays with time on the last axis, $bn)."""

    debt: np.ndarray | float
    balance: np.ndarray          # closing balance at each t
    interest: np.ndarray
    principal: np.ndarray
    debt_service: np.ndarray
    cfads: np.ndarray
    rate: np.ndarray
    tenor: int

    @property
    def dscr(self) -> np.ndarray:
        """CFADS / debt service in each period; NaN where there is no debt service."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.debt_service > 0, self.cfads / np.where(self.debt_service > 0, self.debt_service, 1.0), np.nan)

    @property
    def min_dscr(self):
        d = self.dscr
        return _out(np.nanmin(np.where(np.isnan(d), np.inf, d), axis=-1)) if np.any(~np.isnan(d)) else np.nan

    @property
    def avg_dscr(self):
        d = self.dscr
        return _out(np.nanmean(d, axis=-1)) if np.any(~np.isnan(d)) else np.nan

    def _cover(self, horizon: int) -> np.ndarray:
        """At each t: PV at t (debt rate) of CFADS in t+1..horizon, over the balance outstanding after t."""
        T = self.cfads.shape[-1]
        t = np.arange(T)
        df = _discount(self.rate, T)
        cf = np.where(t <= horizon, self.cfads, 0.0) * df
        after = np.cumsum(cf[..., ::-1], axis=-1)[..., ::-1] - cf  # Σ_{s>t} cf_s df_s
        live = (self.balance > 1e-9) & (t < self.tenor)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(live, (after / df) / np.where(live, self.balance, 1.0), np.nan)

    @property
    def llcr(self) -> np.ndarray:
        """Loan-life cover ratio after each date t: PV(CFADS from t+1 to maturity) / debt outstanding."""
        return self._cover(self.tenor)

    @property
    def plcr(self) -> np.ndarray:
        """Project-life cover ratio: PV(all remaining CFADS) / debt outstanding."""
        return self._cover(self.cfads.shape[-1] - 1)

    def table(self) -> pd.DataFrame:
        """Single scenario as a tidy table: year, CFADS, interest, principal, debt service, balance, DSCR, LLCR."""
        if self.balance.ndim != 1:
            raise InputError("scenarios", self.balance.shape[:-1], "a single scenario for table()")
        return pd.DataFrame({
            "year": np.arange(self.balance.size), "cfads_usd_bn": self.cfads, "interest_usd_bn": self.interest,
            "principal_usd_bn": self.principal, "debt_service_usd_bn": self.debt_service,
            "balance_usd_bn": self.balance, "dscr": self.dscr, "llcr": self.llcr,
        })


def debt_schedule(debt, rate, tenor: int, profile: str = "annuity", cfads=None, periods: int | None = None) -> DebtSchedule:
    """Repayment schedule of ``debt`` drawn at t = 0 and repaid over years 1..tenor.

    ``profile``: 'bullet' (interest only, all principal at the end), 'annuity' (level debt service),
    'sculpted' (debt service proportional to ``cfads``, so the DSCR is constant).

    ``debt``: $bn in [0, 1e6], one number or an array over scenarios; ``rate``: one rate in
    [−5%, 100%], one per period, or (..., T); ``tenor``: whole years in [1, T − 1]. The periods
    t = 0..T−1 come from ``cfads`` ((..., T), T ≥ 2) or, without it, from ``periods`` (a whole
    number in [2, 200], default tenor + 1; ignored when ``cfads`` is given). A sculpted schedule
    needs CFADS above zero somewhere in years 1..tenor wherever the debt is positive: CFADS that can
    service nothing cannot repay a debt (InputError; :func:`size_debt` sizes such a debt at 0).
    The DSCR is CFADS / debt service, NaN in years with no debt service.
    """
    check_choice("profile", profile, ("bullet", "annuity", "sculpted"))
    d = np.asarray(check_range("debt", debt, 0.0, 1e6), float)
    tenor = check_int("tenor", tenor, 1, 199)
    if periods is not None:
        periods = check_int("periods", periods, 2, 200)
    if cfads is not None:
        cf = as_cashflows("cfads", cfads, min_periods=2)
        T = cf.shape[-1]
    else:
        T = tenor + 1 if periods is None else periods
        cf = np.zeros(T)
    tenor = check_int("tenor", tenor, 1, T - 1)
    r = _rates("rate", rate, T)
    shape = _scenario_shape(debt=d.shape, cfads=cf.shape[:-1], rate=r.shape[:-1])
    t = np.arange(T)
    in_tenor = (t >= 1) & (t <= tenor)
    if profile == "sculpted":
        if cfads is None:
            raise InputError("cfads", None, "a CFADS series for a sculpted profile")
        weights = np.where(in_tenor, np.maximum(cf, 0.0), 0.0)
        pv = np.sum(weights * _discount(r, T), axis=-1)
        if np.any((pv <= 0) & (d > 0)):
            raise InputError("cfads", cfads, f"CFADS above zero in some year 1..{tenor}: CFADS of zero (or less) "
                             "through the tenor cannot service any debt (size the debt with size_debt: it gives 0)")
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.where(pv > 0, d / np.where(pv > 0, pv, 1.0), 0.0)
        ds_target = np.asarray(k)[..., None] * weights
    balance = np.zeros(shape + (T,))
    interest = np.zeros(shape + (T,))
    principal = np.zeros(shape + (T,))
    ds = np.zeros(shape + (T,))
    bal = np.broadcast_to(d, shape).astype(float).copy()
    for s in range(1, T):  # path-dependent: one step per period, all scenarios at once
        rs = r[..., s]
        it = bal * rs
        if s > tenor:
            pay = np.zeros(shape)
        elif profile == "bullet":
            pay = it + (bal if s == tenor else 0.0)
        elif profile == "annuity":
            n_left = tenor - s + 1
            # annuity factor (1 − (1+r)^−n) / r, accurate however small r is (n at r = 0)
            nz = rs != 0
            af = np.where(nz, -np.expm1(-n_left * np.log1p(rs)) / np.where(nz, rs, 1.0), n_left)
            pay = bal / af
        else:
            pay = np.broadcast_to(ds_target[..., s], shape)
        interest[..., s] = it
        ds[..., s] = pay
        principal[..., s] = pay - it
        bal = bal + it - pay
        bal = np.where(np.abs(bal) < 1e-12 * np.maximum(1.0, d), 0.0, bal)  # rounding dust after the last payment
        balance[..., s] = bal
    balance[..., 0] = d
    return DebtSchedule(_out(d), balance, interest, principal, ds, np.broadcast_to(cf, shape + (T,)),
                        np.broadcast_to(r, shape + (T,)), tenor)


def size_debt(cfads, rate, target_dscr: float, tenor: int, total_uses: float, gearing: float):
    """Debt capacity = min(DSCR-based sculpted capacity, gearing × total uses), with its schedule.

    Returns a dict with 'debt', 'dscr_capacity', 'gearing_capacity', 'binding' ('DSCR' or
    'gearing'), 'equity' and the sculpted :class:`DebtSchedule`. When gearing binds, debt service
    keeps the sculpted shape at a lower level, so the DSCR is above target in every period.
    ``total_uses`` ($bn, > 0) and ``gearing`` (in [0, 1)) may be arrays over scenarios. CFADS that is
    zero through the tenor supports no debt: the debt is 0 and the owners fund every use.
    """
    g = np.asarray(check_range("gearing", gearing, 0.0, 1.0, high_open=True))
    uses = np.asarray(check_range("total_uses", total_uses, 0.0, 1e6, low_open=True))
    cap, _ = sculpted_debt(cfads, rate, target_dscr, tenor)
    _scenario_shape(cfads=np.shape(cap), total_uses=uses.shape, gearing=g.shape)
    g_cap = _out(g * uses)
    debt = np.minimum(cap, g_cap)
    sched = debt_schedule(debt, rate, tenor, "sculpted", cfads=cfads)
    return {
        "debt": _out(debt), "dscr_capacity": _out(np.asarray(cap)), "gearing_capacity": g_cap,
        "binding": np.where(np.asarray(cap) <= g_cap, "DSCR", "gearing"),
        "equity": _out(total_uses - debt), "schedule": sched,
    }


def guarantee_economics(debt, years: int, annual_default_prob: float, loss_given_default: float,
                        guaranteed_spread_bp: float, unguaranteed_spread_bp: float, guarantee_fee_bp: float,
                        discount_rate: float) -> dict:
    """The Ex-Im Bank / JBIC guarantee as a trade: expected losses it takes on vs spread it saves.

    ``debt``: the guaranteed balance, either one number (a bullet, outstanding for all ``years``) or
    the balance outstanding during each year 1..``years`` (an amortizing loan: pass the chain's
    ``senior_balance`` at the start of each year). Each year a default occurs with probability
    ``annual_default_prob`` (given survival), losing ``loss_given_default`` of that year's exposure.
    Returns present values at ``discount_rate`` (in [−5%, 100%]) of: the guarantor's expected loss
    (the guarantee's actuarial cost), the fee it earns, its expected net cost; the borrower's spread
    saving (net of the fee); and the guarantee's market value, the spread it removes (unguaranteed −
    guaranteed spread, before the fee).
    Probabilities are single numbers in [0, 1]; the spreads and the fee single numbers (bp) within
    the register's ranges (senior_spread_bp, unguaranteed_spread_bp, guarantee_fee_bp).
    """
    years = check_int("years", years, 1, 60)
    p = check_number("annual_default_prob", annual_default_prob, 0.0, 1.0)
    lgd = check_number("loss_given_default", loss_given_default, 0.0, 1.0)
    discount_rate = check_number("discount_rate", discount_rate, *RATE_RANGE)
    g_bp = check_assumption("senior_spread_bp", guaranteed_spread_bp, "guaranteed_spread_bp")
    u_bp = check_assumption("unguaranteed_spread_bp", unguaranteed_spread_bp, "unguaranteed_spread_bp")
    f_bp = check_assumption("guarantee_fee_bp", guarantee_fee_bp, "guarantee_fee_bp")
    exposure = np.asarray(check_range("debt", debt, 0.0, 1e6), float)
    if exposure.ndim == 0:
        exposure = np.full(years, float(exposure))
    elif exposure.shape != (years,):
        raise InputError("debt", exposure, f"one balance, or {years} yearly balances (one per year of the guarantee)")
    t = np.arange(1, years + 1)
    survive = (1.0 - p) ** (t - 1)
    df = (1.0 + discount_rate) ** -t
    el = np.sum(survive * p * lgd * exposure * df)
    fee = np.sum(survive * (1.0 - p) * f_bp * 1e-4 * exposure * df)
    saving = np.sum(survive * (1.0 - p) * (u_bp - g_bp - f_bp) * 1e-4 * exposure * df)
    return {"expected_loss_pv": el, "fee_pv": fee, "guarantor_net_cost_pv": el - fee,
            "borrower_saving_pv": saving, "market_value_pv": saving + fee, "annual_expected_loss_rate": p * lgd}
