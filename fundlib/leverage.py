"""Leverage: levered returns and risk, debt terms, and project-finance debt sizing.
Used by notebook 02 (its three apps), and by notebooks 04 and 06 for project debt.

Leverage ``L`` = assets / equity (≥ 1). Rates are decimals; money in USD bn; annual periods.

Project-finance convention: debt is drawn at ``t = 0`` (the end of construction) and serviced in
periods ``t = 1..tenor`` from cash flow available for debt service (CFADS); ``cfads[..., 0]`` is
not used for debt service. Scenarios live on leading axes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtr

from fundlib import assumptions as A
from fundlib._validate import InputError, as_cashflows, check_choice, check_int, check_range

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


def _lev(leverage):
    return np.asarray(check_range("leverage", leverage, 1.0, 100.0), float)


def levered_return(asset_return, debt_cost, leverage):
    """Return on equity: L·r_A − (L−1)·r_D (assets earn r_A, the borrowed (L−1) costs r_D)."""
    L = _lev(leverage)
    return _out(L * np.asarray(asset_return, float) - (L - 1.0) * np.asarray(debt_cost, float))


def breakeven_asset_return(debt_cost, leverage, target_equity_return=0.0):
    """Asset return at which equity earns ``target_equity_return``: (r_E + (L−1)·r_D) / L."""
    L = _lev(leverage)
    return _out((np.asarray(target_equity_return, float) + (L - 1.0) * np.asarray(debt_cost, float)) / L)


def required_spread(target_equity_return, debt_cost, leverage):
    """How far the asset return must exceed the debt cost for equity to earn its target: r_A − r_D."""
    L = _lev(leverage)
    return _out((np.asarray(target_equity_return, float) - np.asarray(debt_cost, float)) / L)


def equity_volatility(asset_volatility, leverage):
    """Equity volatility = L × asset volatility (the debt's cost is fixed, so all variation lands on equity)."""
    check_range("asset_volatility", asset_volatility, 0.0, 5.0)
    return _out(_lev(leverage) * np.asarray(asset_volatility, float))


def wipeout_fall(leverage):
    """Fall in asset value that wipes out the equity: 1/L (a third at L = 3)."""
    return _out(1.0 / _lev(leverage))


def _norm_cdf(x):
    return ndtr(np.asarray(x, float))


def _lognormal_params(mean, vol):
    s2 = np.log1p(np.asarray(vol, float) ** 2 / (1.0 + np.asarray(mean, float)) ** 2)
    m = np.log1p(np.asarray(mean, float)) - s2 / 2.0
    return m, np.sqrt(s2)


def prob_equity_loss(asset_mean, asset_volatility, debt_cost, leverage, *, threshold=0.0,
                     distribution: str = "normal"):
    """P(one-year equity return < ``threshold``) when the asset return is normal or lognormal.

    Equity return R_E = L·R_A − (L−1)·r_D < k  ⇔  R_A < (k + (L−1)·r_D)/L, so the answer is a
    CDF of the asset return at that break-even. ``distribution='lognormal'`` makes 1 + R_A lognormal
    with the given mean and volatility (so an asset can never lose more than 100%).
    ``threshold=-1`` gives the probability that the equity is wiped out.
    """
    check_choice("distribution", distribution, ("normal", "lognormal"))
    check_range("asset_volatility", asset_volatility, 0.0, 5.0, low_open=True)
    check_range("asset_mean", asset_mean, -0.99, 5.0)
    b = breakeven_asset_return(debt_cost, leverage, threshold)
    if distribution == "normal":
        return _out(_norm_cdf((np.asarray(b) - np.asarray(asset_mean, float)) / np.asarray(asset_volatility, float)))
    m, s = _lognormal_params(asset_mean, asset_volatility)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (np.log(np.maximum(1.0 + np.asarray(b), 1e-300)) - m) / s
    return _out(np.where(np.asarray(b) <= -1.0, 0.0, _norm_cdf(z)))


def simulate_equity_returns(asset_mean, asset_volatility, debt_cost, leverage, n: int = 100_000,
                            seed: int = 0, distribution: str = "normal") -> np.ndarray:
    """Seeded draws of the one-year equity return, for comparing with :func:`prob_equity_loss`."""
    check_choice("distribution", distribution, ("normal", "lognormal"))
    n = check_int("n", n, 1, 50_000_000)
    rng = np.random.default_rng(seed)
    if distribution == "normal":
        r_a = asset_mean + asset_volatility * rng.standard_normal(n)
    else:
        m, s = _lognormal_params(asset_mean, asset_volatility)
        r_a = np.expm1(m + s * rng.standard_normal(n))
    return levered_return(r_a, debt_cost, leverage)


# ============================================================================ debt terms


@dataclass(frozen=True)
class DebtTerms:
    """What the fund's debt costs.

    Floating: base = SOFR (a number, or a path with one rate per year); fixed: base = the swap rate.
    All-in = base + spread + guarantee fee when guaranteed, base + unguaranteed spread otherwise.
    """

    sofr: float | tuple = field(default_factory=lambda: _market_sofr())
    spread_bp: float = field(default_factory=lambda: A.value("senior_spread_bp"))
    guarantee_fee_bp: float = field(default_factory=lambda: A.value("guarantee_fee_bp"))
    guaranteed: bool = True
    unguaranteed_spread_bp: float = field(default_factory=lambda: A.value("unguaranteed_spread_bp"))
    fixed: bool = False
    swap_rate: float = field(default_factory=lambda: A.value("usd_swap_rate"))

    def __post_init__(self):
        check_range("sofr", self.sofr, -0.02, 0.25)
        A.check("senior_spread_bp", self.spread_bp, "spread_bp")
        A.check("guarantee_fee_bp", self.guarantee_fee_bp, "guarantee_fee_bp")
        A.check("unguaranteed_spread_bp", self.unguaranteed_spread_bp, "unguaranteed_spread_bp")
        check_range("swap_rate", self.swap_rate, -0.02, 0.25)

    @property
    def margin(self) -> float:
        """Everything above the base rate, as a decimal."""
        if self.guaranteed:
            return (self.spread_bp + self.guarantee_fee_bp) * 1e-4
        return self.unguaranteed_spread_bp * 1e-4

    def rate(self, periods: int | None = None):
        """All-in rate; with ``periods``, one rate per year (a SOFR path is extended flat)."""
        base = self.swap_rate if self.fixed else np.asarray(self.sofr, float)
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
    check_range("annual_usd_bn", annual_usd_bn, 0.0, 1e4, low_open=True)
    years = check_int("years", years, 1, 80)
    check_choice("shape", shape, ("level", "ramp", "declining"))
    t = np.arange(years + 1, dtype=float)
    cf = np.full(years + 1, float(annual_usd_bn))
    if shape == "ramp":
        r = check_int("ramp_years", ramp_years, 1, years)
        cf = cf * np.minimum(t / r, 1.0)
    elif shape == "declining":
        check_range("decline", decline, 0.0, 0.5)
        cf = cf * (1.0 - decline) ** np.maximum(t - 1, 0)
    cf[0] = 0.0
    return cf


def _discount(rate, periods: int) -> np.ndarray:
    """Discount factors for t = 0..periods-1 from one-year rates r_1..r_{T-1} (rate per period or scalar)."""
    r = np.broadcast_to(np.asarray(rate, float), (periods,)) if np.ndim(rate) <= 1 else np.asarray(rate, float)
    growth = np.concatenate([np.ones(r.shape[:-1] + (1,)), 1.0 + r[..., 1:]], axis=-1)
    return 1.0 / np.cumprod(growth, axis=-1)


def sculpted_debt(cfads, rate, target_dscr: float, tenor: int):
    """Debt that a CFADS series can carry at a constant DSCR over ``tenor`` years.

    Debt service in period t = CFADS_t / target DSCR (never negative), t = 1..tenor; the debt is
    the present value of that service at the debt rate. Returns (debt, debt_service[..., T]).
    """
    cf = as_cashflows("cfads", cfads, min_periods=2)
    check_range("target_dscr", target_dscr, 0.0, 10.0, low_open=True)
    T = cf.shape[-1]
    tenor = check_int("tenor", tenor, 1, T - 1)
    in_tenor = (np.arange(T) >= 1) & (np.arange(T) <= tenor)
    ds = np.where(in_tenor, np.maximum(cf, 0.0) / target_dscr, 0.0)
    debt = np.sum(ds * _discount(rate, T), axis=-1)
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
    """
    check_choice("profile", profile, ("bullet", "annuity", "sculpted"))
    d = np.asarray(check_range("debt", debt, 0.0, 1e6), float)
    if cfads is not None:
        cf = as_cashflows("cfads", cfads, min_periods=2)
        T = cf.shape[-1]
    else:
        T = check_int("periods", periods or tenor + 1, 2, 200)
        cf = np.zeros(T)
    tenor = check_int("tenor", tenor, 1, T - 1)
    r = np.broadcast_to(np.asarray(rate, float), (T,)) if np.ndim(rate) <= 1 else np.asarray(rate, float)
    check_range("rate", r, -0.05, 1.0)
    shape = np.broadcast_shapes(d.shape, cf.shape[:-1], r.shape[:-1])
    t = np.arange(T)
    in_tenor = (t >= 1) & (t <= tenor)
    if profile == "sculpted":
        if cfads is None:
            raise InputError("cfads", None, "a CFADS series for a sculpted profile")
        weights = np.where(in_tenor, np.maximum(cf, 0.0), 0.0)
        pv = np.sum(weights * _discount(r, T), axis=-1)
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
            with np.errstate(divide="ignore", invalid="ignore"):
                af = np.where(np.abs(rs) > 1e-12, (1 - (1 + rs) ** -n_left) / np.where(np.abs(rs) > 1e-12, rs, 1.0), n_left)
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
    """
    check_range("gearing", gearing, 0.0, 1.0, high_open=True)
    check_range("total_uses", total_uses, 0.0, 1e6, low_open=True)
    cap, _ = sculpted_debt(cfads, rate, target_dscr, tenor)
    g_cap = gearing * total_uses
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
    Returns present values at ``discount_rate`` of: the guarantor's expected loss, the fee it earns,
    its expected net cost; and the borrower's spread saving (net of the fee).
    """
    years = check_int("years", years, 1, 60)
    p = check_range("annual_default_prob", annual_default_prob, 0.0, 1.0)
    lgd = check_range("loss_given_default", loss_given_default, 0.0, 1.0)
    check_range("discount_rate", discount_rate, -0.05, 1.0)
    exposure = np.asarray(check_range("debt", debt, 0.0, 1e6), float)
    if exposure.ndim == 0:
        exposure = np.full(years, float(exposure))
    elif exposure.shape != (years,):
        raise InputError("debt", exposure, f"one balance, or {years} yearly balances (one per year of the guarantee)")
    t = np.arange(1, years + 1)
    survive = (1.0 - p) ** (t - 1)
    df = (1.0 + discount_rate) ** -t
    el = np.sum(survive * p * lgd * exposure * df)
    fee = np.sum(survive * (1.0 - p) * guarantee_fee_bp * 1e-4 * exposure * df)
    saving = np.sum(survive * (1.0 - p) * (unguaranteed_spread_bp - guaranteed_spread_bp - guarantee_fee_bp) * 1e-4 * exposure * df)
    return {"expected_loss_pv": el, "fee_pv": fee, "guarantor_net_cost_pv": el - fee,
            "borrower_saving_pv": saving, "annual_expected_loss_rate": p * lgd}
