"""Who gets paid: each government's cash from owning the fund, against the old playbook of tax
incentives, beside tariff revenue; and Japan's yen P&L against its FILP funding. Notebook 05.

Every flow from the fund is a view of :mod:`fundlib.chain` on one :class:`~fundlib.market.Market`.
Money in USD bn (¥tn where named). Every PV names its curve: the **budget view** discounts at the
government's own funding curve (the 30-year Treasury yield for the US, the JGB zero curve for Japan,
on which its FILP coupons and their buy-back at the exit are worth exactly what the bonds raised), as budget scoring under the Federal Credit Reform Act does; the **fair-value view** adds
the register's ``equity_risk_premium`` for the equity risk the government bears
(:meth:`fundlib.market.Market.fair_value_rate`), as the CBO's fair-value estimates do. "Per dollar of
public money" = PV of what comes back ÷ PV of what goes out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib import structure as S
from fundlib._validate import (InputError, as_cashflows, check_bool, check_choice, check_frame, check_instance, check_int,
                               check_number, check_range)
from fundlib.finance import discount_factors, npv
from fundlib import waterfall as W
from fundlib.market import Market

__all__ = ["credits_by_sector", "pv_per_dollar", "fund_stream", "portfolio_operating_cash", "tax_incentive_stream", "tariff_stream",
           "japan_yen_pnl", "japan_surplus_pv", "breakeven_fund_return", "breakeven_fund_returns", "GovernmentComparison",
           "compare_us"]


def _checked(fund, market, asset_return, preset: str = "proposal") -> None:
    """The inputs every chain view shares: TypeError for the wrong kinds, InputError out of range."""
    check_instance("fund", fund, S.FundStructure, "a fundlib.structure.FundStructure")
    check_choice("preset", preset, tuple(W.PRESETS))
    if market is not None:
        check_instance("market", market, Market, "a fundlib.market.Market or None")
    check_number("asset_return", asset_return, -0.05, 0.5)


def pv_per_dollar(flows, rate: float) -> float:
    """PV of the inflows ÷ PV of the outflows (1 = public money returned in present value)."""
    f = as_cashflows("flows", flows)
    if f.ndim != 1:
        raise InputError("flows", flows, "one row of yearly flows (a 1-D array)")
    check_number("rate", rate, -0.99, 1.0)
    df = discount_factors(rate, f.shape[-1])
    out = -np.sum(np.minimum(f, 0) * df, axis=-1)
    back = np.sum(np.maximum(f, 0) * df, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.where(out > 0, back / np.where(out > 0, out, 1.0), np.nan))


def fund_stream(fund: S.FundStructure, asset_return: float, preset: str = "proposal", market: Market | None = None,
                **preset_kw) -> pd.DataFrame:
    """Each owner's yearly net cash flow from the fund (USD bn), from the chain: columns = payee
    labels, index = year."""
    _checked(fund, market, asset_return, preset)
    return CH.run(fund, market, asset_return=asset_return, preset=preset, **preset_kw).payee_flows()


def portfolio_operating_cash(weights: dict | None = None, horizon: int = 40) -> np.ndarray:
    """Operating cash (before capex) per $1 of capex of the default portfolio, t = 0..horizon."""
    w = SC.check_weights(SC.default_weights() if weights is None else weights)
    horizon = check_int("horizon", horizon, 1, 200)
    out = np.zeros(horizon + 1)
    for s, key in P.SECTORS.items():
        if w[s]:
            a = P.archetype(key)
            c = P.cashflows(a, horizon + 1, components=True)
            out += w[s] * c["operating"] / a.capex_usd_bn
    return out


def credits_by_sector(weights: dict | None = None) -> pd.DataFrame:
    """The investment tax credit each of the fund's sectors could claim under US law as of the act of
    4 July 2025 (``data/facts.csv``), beside the portfolio weight: rows = sectors, with the credit rate,
    the rule, and a last row with the portfolio's weighted rate. The register's ``tax_credit_rate`` is a
    hypothetical credit on every sector's capex; this is what the law offers the fund's mix."""
    from fundlib import sources as SRC

    w = SC.check_weights(SC.default_weights() if weights is None else weights)
    chips = float(SRC.fact("tax_credit_chips").value)
    rules = {  # the fund's power sector is a gas-fired combined-cycle plant (projects.SECTORS)
        "data_centres": (0.0, "no credit: not a generating facility or a manufacturing plant"),
        "power": (0.0, "no credit: §48E needs zero greenhouse-gas emissions; an unabated gas plant has them"),
        "chip_packaging": (chips, "§48D advanced manufacturing credit, if construction begins before 2027"),
        "logistics": (0.0, "no credit: warehouses are not eligible property"),
    }
    rows = [{"sector": P.SECTOR_LABELS[k], "weight": w[k], "credit": rules[k][0], "rule": rules[k][1]} for k in P.SECTORS]
    df = pd.DataFrame(rows)
    total = pd.DataFrame([{"sector": "Portfolio (weighted)", "weight": df["weight"].sum(),
                           "credit": float((df["weight"] * df["credit"]).sum()), "rule": "what the law offers the fund's mix"}])
    return pd.concat([df, total], ignore_index=True).set_index("sector")


def tax_incentive_stream(public_usd_bn: float, credit_rate: float, effective_tax_rate: float,
                         additionality: float = 1.0, operating_per_capex=None) -> np.ndarray:
    """The old playbook: spend ``public_usd_bn`` as an investment credit of ``credit_rate`` × capex.

    That induces public/credit_rate of private capex, of which ``additionality`` would not have
    happened otherwise; the government gets back ``effective_tax_rate`` of that extra investment's
    operating cash, year by year. Returns yearly flows: −outlay at t = 0, then tax receipts.
    """
    credit_rate = check_number("credit_rate", credit_rate, 0.0, 1.0, low_open=True)
    effective_tax_rate = check_number("effective_tax_rate", effective_tax_rate, 0.0, 1.0)
    additionality = check_number("additionality", additionality, 0.0, 1.0)
    public_usd_bn = check_number("public_usd_bn", public_usd_bn, 0.0, 1e4)
    if operating_per_capex is None:
        op = portfolio_operating_cash()
    else:
        op = as_cashflows("operating_per_capex", operating_per_capex)
        if op.ndim != 1:
            raise InputError("operating_per_capex", operating_per_capex, "one row of yearly cash per $1 of capex")
    induced = public_usd_bn / credit_rate * additionality
    flows = effective_tax_rate * induced * op
    flows = flows.copy()
    flows[0] -= public_usd_bn
    return flows


def tariff_stream(rate: float, import_base_usd_bn: float, elasticity: float, years: int, baseline: float = 0.0) -> np.ndarray:
    """Tariff revenue over ``baseline`` each year: rate·M(rate) − baseline·M(baseline), M(t) = M0·(1+t)^−ε.

    Revenue is collected in years 1..years (t = 0 is now); no public outlay.
    """
    rate = check_number("rate", rate, 0.0, 1.0)
    baseline = check_number("baseline", baseline, 0.0, 1.0)
    import_base_usd_bn = check_number("import_base_usd_bn", import_base_usd_bn, 0.0, 1e4)
    elasticity = check_number("elasticity", elasticity, 0.0, 10.0)
    years = check_int("years", years, 1, 100)

    def revenue(t):
        return t * import_base_usd_bn * (1.0 + t) ** (-elasticity)

    flows = np.zeros(years + 1)
    flows[1:] = revenue(rate) - revenue(baseline)
    return flows


def japan_yen_pnl(fund: S.FundStructure, asset_return: float, hedged: bool, yen_appreciation: float = 0.0,
                  preset: str = "proposal", market: Market | None = None) -> pd.DataFrame:
    """Japan's MoF stake in yen, year by year (¥tn), a view of the chain.

    Each capital call is funded by FILP bonds of the same yen amount at that call's rate, paying the
    market's 30-year JGB yield every year; when the fund ends Japan buys back the bonds still
    outstanding at their market value on the JGB forwards (the chain's ``japan_yen``). Dollar flows
    are converted at the forward for their date, locked in at the start from the market's term rates
    and the basis (hedged, the funding view), or at a spot that moves by ``yen_appreciation`` a year
    (unhedged). :func:`japan_surplus_pv` values ``net_jpy_tn`` on the JGB zero curve.
    """
    _checked(fund, market, asset_return, preset)
    hedged = check_bool("hedged", hedged)
    check_number("yen_appreciation", yen_appreciation, -0.3, 0.3)
    r = CH.run(fund, market, asset_return=asset_return, preset=preset, yen_appreciation=yen_appreciation)
    f = r.japan_yen(hedged)
    df = pd.DataFrame({"usd_flow_bn": r.party("japan_mof")[0],
                       **{k: np.ravel(np.broadcast_to(v, r.cfads.shape)) for k, v in f.items() if k != "filp_yield"}})
    df["cumulative_jpy_tn"] = df["net_jpy_tn"].cumsum()
    df.index.name = "year"
    df.attrs["filp_yield"] = f["filp_yield"]
    return df


def japan_surplus_pv(df: pd.DataFrame, market: Market | None = None, premium: float = 0.0) -> float:
    """Japan's budget view: the PV of its net yen flows (¥tn) on the Market's JGB zero curve (its
    own funding curve; ``premium`` > 0, e.g. the register's ``equity_risk_premium``: the fair-value
    view). Zero means the stake exactly pays its FILP funding: on that curve the FILP coupons and the
    buy-back at the exit are worth what the bonds raised. ``df`` is :func:`japan_yen_pnl`'s table
    (its ``net_jpy_tn`` column, one row a year)."""
    check_frame("df", df, ["net_jpy_tn"])
    flows = as_cashflows("df['net_jpy_tn']", df["net_jpy_tn"].to_numpy())
    market = Market.current() if market is None else check_instance("market", market, Market)
    check_number("premium", premium, 0.0, 0.2)
    return float(flows @ market.discount("JPY", np.arange(flows.size, dtype=float), premium))


def breakeven_fund_return(fund: S.FundStructure, hedged: bool, yen_appreciation: float = 0.0,
                          preset: str = "proposal", market: Market | None = None) -> float:
    """The gross return on the fund's assets at which Japan's stake exactly pays its FILP funding
    (PV of its net yen flows on the JGB zero curve = 0).

    NaN if no return between −3% and 30% breaks even. See :func:`breakeven_fund_returns`.
    """
    hedged = check_bool("hedged", hedged)
    both = breakeven_fund_returns(fund, yen_appreciation, preset, market)
    return both[0] if hedged else both[1]


def breakeven_fund_returns(fund: S.FundStructure, yen_appreciation: float = 0.0, preset: str = "proposal",
                           market: Market | None = None) -> tuple[float, float]:
    """Japan's break-even gross fund return, (hedged, unhedged), from one vectorized search.

    The chain runs a grid of returns as scenarios in one call (the hedged view does not depend on
    ``yen_appreciation``), each sign change is bracketed, a finer grid runs inside both brackets,
    then linear interpolation. NaN where no return between −3% and 30% breaks even.
    """
    _checked(fund, market, 0.05, preset)
    check_number("yen_appreciation", yen_appreciation, -0.3, 0.3)
    market = market or Market.current()

    def surplus(r):
        res = CH.run(fund, market, asset_return=r, preset=preset, yen_appreciation=yen_appreciation)
        out = []
        df = market.discount("JPY", np.arange(res.ledger.T, dtype=float))     # Japan's budget view: its JGB curve
        for hedged in (True, False):
            out.append(res.japan_yen(hedged)["net_jpy_tn"] @ df)
        return out

    def bracket(grid, v):
        k = np.flatnonzero(np.signbit(v[:-1]) != np.signbit(v[1:]))
        return None if k.size == 0 else (grid[k[0]], grid[k[0] + 1], v[k[0]], v[k[0] + 1])

    grid = np.linspace(-0.03, 0.30, 34)
    coarse = [bracket(grid, v) for v in surplus(grid)]
    fine_grids = [np.linspace(b[0], b[1], 21) if b else np.linspace(0, 0.01, 21) for b in coarse]
    values = surplus(np.concatenate(fine_grids))
    out = []
    for i, b in enumerate(coarse):
        if b is None:
            out.append(float("nan"))
            continue
        g, v = fine_grids[i], values[i][21 * i: 21 * (i + 1)]
        f = bracket(g, v)
        lo, hi, vlo, vhi = f if f else b
        out.append(float(lo - vlo * (hi - lo) / (vhi - vlo)))
    return out[0], out[1]


@dataclass(frozen=True)
class GovernmentComparison:
    years: np.ndarray
    streams: pd.DataFrame          # yearly flows by route (USD bn)
    pv: pd.Series                  # PV of each route's flows
    per_dollar: pd.Series          # PV back per PV dollar out (NaN for tariffs: no outlay)
    discount_rate: float           # the budget view's rate (the 30-year Treasury yield unless given)
    fair_rate: float = float("nan")           # the fair-value view's rate: the budget rate + the equity risk premium
    pv_fair: pd.Series | None = None          # PV of each route at the fair-value rate
    per_dollar_fair: pd.Series | None = None  # PV back per PV dollar out at the fair-value rate


_REGISTER_ID = {"credit_rate": "tax_credit_rate", "effective_tax_rate": "effective_tax_rate",
                "additionality": "additionality", "tariff": "us_tariff_floor",
                "import_base": "us_imports_from_japan_usd_bn", "elasticity": "import_elasticity",
                "tariff_years": "tariff_years"}


def _registered(name: str, x) -> float:
    """``x`` checked against the register's range for parameter ``name``; the error names ``name``."""
    if name == "tariff_years":
        x = check_int(name, x, 1, 100)
    return A.check(_REGISTER_ID[name], x, name)


def compare_us(fund: S.FundStructure, asset_return: float, preset: str = "proposal", *, credit_rate: float | None = None,
               effective_tax_rate: float | None = None, additionality: float | None = None, tariff: float | None = None,
               tariff_baseline: float = 0.0, import_base: float | None = None, elasticity: float | None = None,
               tariff_years: int | None = None, discount_rate: float | None = None, horizon: int = 40,
               market: Market | None = None, result: CH.ChainResult | None = None) -> GovernmentComparison:
    """The US Treasury's three routes, for the same public money as its fund stake:
    owning the fund, granting investment credits, and (beside them, with no outlay) a tariff.

    ``discount_rate`` (the budget view) defaults to the market's 30-year Treasury yield; the fair-value
    view discounts at it + the register's ``equity_risk_premium``. ``horizon`` (years) must cover
    the fund's life, so that the capital's return is never cut off. A fund in which the US holds
    nothing gives the fund route no flows (per dollar: NaN) and spends nothing on tax credits.
    ``result``: a chain already run for this fund, return and terms (saves running it again).
    """
    _checked(fund, market, asset_return, preset)
    given = {"credit_rate": credit_rate, "effective_tax_rate": effective_tax_rate, "additionality": additionality,
             "tariff": tariff, "import_base": import_base, "elasticity": elasticity, "tariff_years": tariff_years}
    v = {k: A.value(_REGISTER_ID[k]) if x is None else _registered(k, x) for k, x in given.items()}
    check_number("tariff_baseline", tariff_baseline, 0.0, 1.0)
    if result is not None:
        check_instance("result", result, CH.ChainResult, "a fundlib.chain.ChainResult (from chain.run) or None")
    market = market or Market.current()
    r = market.par_yield("USD", 30.0) if discount_rate is None else check_number("discount_rate", discount_rate, -0.05, 0.5)
    horizon = check_int("horizon", horizon, 1, 200)
    if horizon < fund.life_years:
        raise InputError("horizon", horizon, f"at least the fund's life ({fund.life_years} years)")
    res = result or CH.run(fund, market, asset_return=asset_return, preset=preset)
    us = res.party("us_treasury")[0]
    public = -np.minimum(us, 0).sum()
    if public <= 0 and preset == "mou_2025":
        # Under the MOU terms the US pays nothing in: compare the tax route with the public money
        # the US stake would have been under the proposal.
        public = fund.equity_usd_bn * fund.shares["us_treasury"]
    T = horizon + 1
    fund_flows = np.zeros(T)
    fund_flows[: us.size] = us
    tax = np.zeros(T) if public <= 0 else tax_incentive_stream(public, v["credit_rate"], v["effective_tax_rate"],
                                                              v["additionality"], portfolio_operating_cash(horizon=horizon))
    tar = np.zeros(T)
    ts = tariff_stream(v["tariff"], v["import_base"], v["elasticity"], int(v["tariff_years"]), tariff_baseline)
    tar[: min(T, ts.size)] = ts[:T]
    streams = pd.DataFrame({"Own the fund": fund_flows, "Tax-credit playbook": tax, "Tariff (no outlay)": tar})
    streams.index.name = "year"
    pv = streams.apply(lambda c: npv(r, c.to_numpy()))
    per = pd.Series({c: pv_per_dollar(streams[c].to_numpy(), r) for c in streams.columns})
    fair = r + A.value("equity_risk_premium")
    pv_fair = streams.apply(lambda c: npv(fair, c.to_numpy()))
    per_fair = pd.Series({c: pv_per_dollar(streams[c].to_numpy(), fair) for c in streams.columns})
    return GovernmentComparison(np.arange(T), streams, pv, per, r, fair, pv_fair, per_fair)
