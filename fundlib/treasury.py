"""Who gets paid: each government's cash from owning the fund, against the old playbook of tax
incentives, beside tariff revenue; and Japan's yen P&L against its FILP funding. Notebook 05.

Money in USD bn (¥tn where named); present values at the discount rate given (for the US the
30-year Treasury yield by default). "Per dollar of public money" = PV of what comes back ÷ PV of
what goes out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib import structure as S
from fundlib import waterfall as W
from fundlib._validate import InputError, check_int, check_range
from fundlib.finance import discount_factors, npv

__all__ = ["pv_per_dollar", "fund_stream", "portfolio_operating_cash", "tax_incentive_stream", "tariff_stream",
           "japan_yen_pnl", "japan_surplus_pv", "breakeven_fund_return", "GovernmentComparison", "compare_us"]


def pv_per_dollar(flows, rate: float) -> float:
    """PV of the inflows ÷ PV of the outflows (1 = public money returned in present value)."""
    f = np.asarray(flows, float)
    df = discount_factors(rate, f.shape[-1])
    out = -np.sum(np.minimum(f, 0) * df, axis=-1)
    back = np.sum(np.maximum(f, 0) * df, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.where(out > 0, back / np.where(out > 0, out, 1.0), np.nan))


def fund_stream(fund: S.FundStructure, asset_return: float, preset: str = "proposal", life_years: int | None = None,
                debt_rate: float | None = None, **preset_kw) -> pd.DataFrame:
    """Each owner's yearly net cash flow from the fund (USD bn): columns = payee labels, index = year."""
    r_d = A.value("sofr") + A.value("senior_spread_bp") * 1e-4 if debt_rate is None else debt_rate
    cash = S.fund_cashflows(fund, asset_return, r_d, life_years)
    res = W.run_preset(preset, fund, cash, **preset_kw)
    df = pd.DataFrame({S.PAYEE_LABELS[p]: res.net[i] for i, p in enumerate(S.PAYEES)
                       if np.any(res.contributions[i]) or np.any(res.received[i])})
    df.index.name = "year"
    return df


def portfolio_operating_cash(weights: dict | None = None, horizon: int = 40) -> np.ndarray:
    """Operating cash (before capex) per $1 of capex of the default portfolio, t = 0..horizon."""
    w = SC.check_weights(weights or SC.default_weights())
    out = np.zeros(horizon + 1)
    for s, key in P.SECTORS.items():
        if w[s]:
            a = P.archetype(key)
            c = P.cashflows(a, horizon + 1, components=True)
            out += w[s] * c["operating"] / a.capex_usd_bn
    return out


def tax_incentive_stream(public_usd_bn: float, credit_rate: float, effective_tax_rate: float,
                         additionality: float = 1.0, operating_per_capex=None) -> np.ndarray:
    """The old playbook: spend ``public_usd_bn`` as an investment credit of ``credit_rate`` × capex.

    That induces public/credit_rate of private capex, of which ``additionality`` would not have
    happened otherwise; the government gets back ``effective_tax_rate`` of that extra investment's
    operating cash, year by year. Returns yearly flows: −outlay at t = 0, then tax receipts.
    """
    check_range("credit_rate", credit_rate, 0.0, 1.0, low_open=True)
    check_range("effective_tax_rate", effective_tax_rate, 0.0, 1.0)
    check_range("additionality", additionality, 0.0, 1.0)
    op = portfolio_operating_cash() if operating_per_capex is None else np.asarray(operating_per_capex, float)
    induced = public_usd_bn / credit_rate * additionality
    flows = effective_tax_rate * induced * op
    flows = flows.copy()
    flows[0] -= public_usd_bn
    return flows


def tariff_stream(rate: float, import_base_usd_bn: float, elasticity: float, years: int, baseline: float = 0.0) -> np.ndarray:
    """Tariff revenue over ``baseline`` each year: rate·M(rate) − baseline·M(baseline), M(t) = M0·(1+t)^−ε.

    Revenue is collected in years 1..years (t = 0 is now); no public outlay.
    """
    check_range("rate", rate, 0.0, 1.0)
    check_range("baseline", baseline, 0.0, 1.0)
    check_range("import_base_usd_bn", import_base_usd_bn, 0.0, 1e4)
    check_range("elasticity", elasticity, 0.0, 10.0)
    years = check_int("years", years, 1, 100)

    def revenue(t):
        return t * import_base_usd_bn * (1.0 + t) ** (-elasticity)

    flows = np.zeros(years + 1)
    flows[1:] = revenue(rate) - revenue(baseline)
    return flows


def _japan_flows(fund: S.FundStructure, asset_return, hedged: bool, yen_appreciation: float, preset: str,
                 life_years: int | None, filp_yield: float, spot: float, basis_bp: float) -> dict:
    """Japan's yen flows for one or many asset returns (scenarios on the leading axis), ¥tn."""
    r_d = A.value("sofr") + A.value("senior_spread_bp") * 1e-4
    cash = S.fund_cashflows(fund, asset_return, r_d, life_years)
    res = W.run_preset(preset, fund, cash)
    jp = res.net[S.PAYEES.index("japan_mof")]
    t = np.arange(jp.shape[-1])
    if hedged:
        # One forward per year's flow, from annual CIP with SOFR and TONA compounding (basis on yen).
        u, j = A.value("sofr"), A.value("tona")
        fx = spot * ((1 + j + basis_bp * 1e-4) / (1 + u)) ** t
    else:
        fx = spot * (1.0 - yen_appreciation) ** t
    paid_in_usd = -np.minimum(jp, 0.0)
    got_usd = np.maximum(jp, 0.0)
    stake = paid_in_usd * spot / 1000.0          # paid with FILP proceeds: no net yen at issue
    issued = np.cumsum(stake, axis=-1)
    coupon = np.concatenate([np.zeros(issued.shape[:-1] + (1,)), issued[..., :-1]], axis=-1) * filp_yield
    repaid = np.zeros_like(issued)
    repaid[..., -1] = issued[..., -1]
    received = got_usd * fx / 1000.0
    return {"usd_received_bn": got_usd, "jpy_per_usd": np.broadcast_to(fx, got_usd.shape), "jpy_received_tn": received,
            "filp_coupon_jpy_tn": coupon, "filp_repaid_jpy_tn": repaid, "filp_outstanding_jpy_tn": issued - repaid,
            "net_jpy_tn": received - coupon - repaid}


def _defaults(filp_yield, spot, basis_bp):
    return (A.value("jgb_30y") if filp_yield is None else filp_yield, A.value("usdjpy") if spot is None else spot,
            A.value("usdjpy_basis_bp") if basis_bp is None else basis_bp)


def japan_yen_pnl(fund: S.FundStructure, asset_return: float, hedged: bool, yen_appreciation: float = 0.0,
                  preset: str = "proposal", life_years: int | None = None, filp_yield: float | None = None,
                  spot: float | None = None, basis_bp: float | None = None) -> pd.DataFrame:
    """Japan's MoF stake in yen, year by year (¥tn).

    The stake is funded by FILP bonds of the same yen amount at ``filp_yield``: a coupon every year,
    and the bonds retired at par from the proceeds when the fund returns the capital (a
    simplification; in practice they would be bought back at market value or held to maturity).
    Dollar distributions are converted either at the covered-interest-parity forward for each year
    (hedged) or at a spot that moves by ``yen_appreciation`` a year (unhedged).
    The PV of ``net_jpy_tn`` at the FILP yield is zero exactly when the stake's yen IRR equals the
    FILP yield.
    """
    check_range("asset_return", asset_return, -0.5, 1.0)
    check_range("yen_appreciation", yen_appreciation, -0.3, 0.3)
    y, spot, basis = _defaults(filp_yield, spot, basis_bp)
    f = _japan_flows(fund, float(asset_return), hedged, yen_appreciation, preset, life_years, y, spot, basis)
    df = pd.DataFrame({k: np.ravel(v) for k, v in f.items()})
    df["cumulative_jpy_tn"] = df["net_jpy_tn"].cumsum()
    df.index.name = "year"
    return df


def japan_surplus_pv(df: pd.DataFrame, filp_yield: float) -> float:
    """PV at the FILP yield of Japan's net yen flows (¥tn): zero means the stake exactly pays its funding."""
    return float(npv(filp_yield, df["net_jpy_tn"].to_numpy()))


def breakeven_fund_return(fund: S.FundStructure, hedged: bool, yen_appreciation: float = 0.0,
                          preset: str = "proposal", filp_yield: float | None = None) -> float:
    """The gross return on the fund's assets at which Japan's stake exactly pays its FILP funding.

    A vectorized search: the surplus is computed for a grid of returns in one waterfall run, the
    sign change bracketed, then a finer grid inside the bracket, then linear interpolation.
    NaN if no return between −5% and 30% breaks even.
    """
    y, spot, basis = _defaults(filp_yield, None, None)

    def surplus(r):
        return npv(y, _japan_flows(fund, r, hedged, yen_appreciation, preset, None, y, spot, basis)["net_jpy_tn"])

    lo, hi = -0.05, 0.30
    for _ in range(2):
        grid = np.linspace(lo, hi, 71)
        v = surplus(grid)
        k = np.flatnonzero(np.signbit(v[:-1]) != np.signbit(v[1:]))
        if k.size == 0:
            return float("nan")
        lo, hi = grid[k[0]], grid[k[0] + 1]
        vlo, vhi = v[k[0]], v[k[0] + 1]
    return float(lo - vlo * (hi - lo) / (vhi - vlo))


@dataclass(frozen=True)
class GovernmentComparison:
    years: np.ndarray
    streams: pd.DataFrame          # yearly flows by route (USD bn)
    pv: pd.Series                  # PV of each route's flows
    per_dollar: pd.Series          # PV back per PV dollar out (NaN for tariffs: no outlay)
    discount_rate: float


def compare_us(fund: S.FundStructure, asset_return: float, preset: str = "proposal", *, credit_rate: float | None = None,
               effective_tax_rate: float | None = None, additionality: float | None = None, tariff: float | None = None,
               tariff_baseline: float = 0.0, import_base: float | None = None, elasticity: float | None = None,
               tariff_years: int | None = None, discount_rate: float | None = None, horizon: int = 40) -> GovernmentComparison:
    """The US Treasury's three routes, for the same public money as its fund stake:
    owning the fund, granting investment credits, and (beside them, with no outlay) a tariff."""
    r = A.value("ust_30y") if discount_rate is None else discount_rate
    flows = fund_stream(fund, asset_return, preset)
    us = flows[S.PAYEE_LABELS["us_treasury"]].to_numpy()
    public = -np.minimum(us, 0).sum()
    if public <= 0:
        # Terms under which the US pays nothing in (the 2025 MOU): compare the tax route with the
        # public money the US stake would have been under the proposal.
        public = fund.equity_usd_bn * fund.shares["us_treasury"]
    if public <= 0:
        raise InputError("us_treasury share", fund.shares["us_treasury"], "a positive US Treasury stake to compare")
    T = horizon + 1
    fund_flows = np.zeros(T)
    fund_flows[: min(T, us.size)] = us[:T]
    tax = tax_incentive_stream(public, A.value("tax_credit_rate") if credit_rate is None else credit_rate,
                               A.value("effective_tax_rate") if effective_tax_rate is None else effective_tax_rate,
                               A.value("additionality") if additionality is None else additionality,
                               portfolio_operating_cash(horizon=horizon))
    tar = np.zeros(T)
    ts = tariff_stream(A.value("us_tariff_floor") if tariff is None else tariff,
                       A.value("us_imports_from_japan_usd_bn") if import_base is None else import_base,
                       A.value("import_elasticity") if elasticity is None else elasticity,
                       int(A.value("tariff_years") if tariff_years is None else tariff_years), tariff_baseline)
    tar[: min(T, ts.size)] = ts[:T]
    streams = pd.DataFrame({"Own the fund": fund_flows, "Tax-credit playbook": tax, "Tariff (no outlay)": tar})
    streams.index.name = "year"
    pv = streams.apply(lambda c: npv(r, c.to_numpy()))
    per = pd.Series({c: pv_per_dollar(streams[c].to_numpy(), r) for c in streams.columns})
    return GovernmentComparison(np.arange(T), streams, pv, per, r)
