"""Historical vintages, no model: had the fund been launched in any month since 2000, what Japan's stake
would have made in yen by the last month of data, hedged and unhedged. Used by notebook 07 (The odds)
beside the Monte Carlo of :mod:`fundlib.odds`.

**One vintage** v (every month from 2000-01 to the last one with ``min_years`` of data after it) runs
the one chain (:func:`fundlib.chain.run`) with the fund's default structure and projects at the
register's base ``asset_return`` (no project randomness, no delays), on what really happened:

- the debt is sculpted at close on the market of month v (:meth:`fundlib.market.Market.at` with
  stand-ins) and floats each year at the **realised SOFR**, the average of the fund year's twelve
  month-ends: SOFR from 2018-04, before that the 3-month Treasury bill (:data:`fundlib.odds.paths.STAND_INS`);
- each capital call (and cure) is funded by FILP bonds at the FILP-tenor JGB yield of its month (the
  30-year JGB at the default tenor), coupons yearly, the bonds bought back when the fund ends at their
  market value on that month's JGB curve;
- dollars become yen **unhedged** at the month-end USD/JPY of each flow's date, or **hedged** at the
  forward locked at launch for each date (:meth:`fundlib.market.Market.forward_usdjpy` on the launch
  month's market, with the basis assumption), as in :mod:`fundlib.odds`; year 0 at spot.

Beyond the last month of data every series is held at its last value; that only matters for the value
of what is still to come.

**P&L to date** (¥tn at the last data month D, plain sums without interest): yen distributions
received by D − FILP coupons paid by D (and accrued since the last one) − capital called by D (the FILP
principal raised, whether repaid or still owed) + the **remaining value**: Japan's dollar flows still to
come, discounted to D at the fair-value rate (the snapshot's 30-year Treasury + the register's
``equity_risk_premium``: :meth:`fundlib.market.Market.fair_value_rate`) and converted at the rate of each
flow's date: the forward locked at launch (hedged) or D's spot, held (unhedged). For a vintage whose fund has ended by D the remaining value and the accrual are zero and the
P&L is the sum of the yen flows: distributions − coupons − principal repaid.

**Realised and modelled.** The P&L is two parts, kept apart in the table: ``realised_<view>_jpy_tn``, what
has happened by D (distributions received less FILP coupons paid and accrued less the principal raised
or repaid), and ``remaining_value_<view>_jpy_tn``, the model's value of the rest. The markets are real in
both; the projects are not: every vintage runs the base case (the register's asset return, every project
on time), so a vintage's P&L shows what the markets would have done to the fund, not what its projects would have earned.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib.odds import paths as PA
from fundlib._validate import InputError, check_choice, check_frame, check_int
from fundlib.market import Market
from fundlib.structure import FundStructure

__all__ = ["vintages", "vintage_flows", "best_and_worst", "PNL_COLUMNS"]

PNL_COLUMNS = ("pnl_hedged_jpy_tn", "pnl_unhedged_jpy_tn")


@lru_cache(maxsize=8)
def _extended(months: int, _data: str) -> tuple[pd.PeriodIndex, dict]:
    """The spliced month-end history, then ``months`` more months at the last values."""
    lv = PA.history_levels()
    idx = pd.period_range(lv.index[0], lv.index[-1] + months, freq="M")
    ext = lv.reindex(idx).ffill()
    return lv.index, {c: ext[c].to_numpy(float) for c in ("sofr", "ust_1y", "jgb_1y", "jgb_30y", "usdjpy")}


def vintage_flows(month, fund: FundStructure | None = None) -> dict:
    """One vintage's chain and yen flows, year by year (arrays of length T = life + 1): ``sofr`` paid,
    ``usdjpy``, ``forward`` (hedged rate), ``filp_rate``, Japan's dollar ``called_usd_bn`` and
    ``received_usd_bn``, the ``chain`` result and its ``market``, ``elapsed_years`` to the last data month,
    ``spot_end`` (USD/JPY then) and whether SOFR at launch is the stand-in (``sofr_stand_in``)."""
    fund = _fund(fund)
    T = fund.life_years + 1
    from fundlib.data import data_dir

    hist, x = _extended(12 * T + 12, str(data_dir()))
    try:
        m = pd.Period(month, freq="M")
    except (TypeError, ValueError):
        raise InputError("month", month, "a month written YYYY-MM") from None
    if m not in hist:
        raise InputError("month", str(m), f"a month in {hist[0]}..{hist[-1]}")
    iv, iD = hist.get_loc(m), len(hist) - 1
    market = Market.at(str(m), stand_ins=True)
    at = iv + 12 * np.arange(T)                                 # each fund year's month-end
    sofr = np.array([market.sofr] + [x["sofr"][a - 11:a + 1].mean() for a in at[1:]])
    spot = x["usdjpy"][at]
    fwd = np.asarray(market.forward_usdjpy(np.arange(T, dtype=float)), float)   # hedged: locked at launch
    tenor = float(A.value("filp_tenor_years"))
    filp = market.par_yield("JPY", tenor) + (x["jgb_30y"][at] - x["jgb_30y"][iv])
    buyback = None
    if iv + 12 * (T - 1) <= iD:                                 # the fund has ended: its FILP bonds bought back
        exit_m = Market.at(str(hist[iv + 12 * (T - 1)]), stand_ins=True)
        buyback = CH.filp_buyback_factor(exit_m, T, tenor, filp, at=0.0)
    res = CH.run(fund, market, sofr_path=sofr[None, :], fx_path=spot[None, :])
    led = res.ledger
    return {"month": m, "market": market, "chain": res, "sofr": sofr, "usdjpy": spot, "forward": fwd, "filp_rate": filp,
            "called_usd_bn": led.total("japan_mof", direction="out")[0], "received_usd_bn": led.total("japan_mof", direction="in")[0],
            "elapsed_years": (iD - iv) / 12.0, "spot_end": x["usdjpy"][iD], "buyback": buyback,
            "sofr_stand_in": any(name == "sofr" for name, _ in market.stand_ins)}


def _fund(fund):
    if fund is not None and not isinstance(fund, FundStructure):
        raise TypeError(f"fund must be a fundlib.structure.FundStructure, not {type(fund).__name__}")
    return fund or FundStructure()


def _pnl(v: dict, rate: np.ndarray, rho: float) -> dict:
    """P&L to date in yen of one vintage, converting dollars at ``rate`` (per fund year)."""
    T = rate.size
    k = int(np.floor(v["elapsed_years"] + 1e-9))               # fund years whose dates are on or before D
    done = np.arange(T) <= k
    paid = v["called_usd_bn"] * rate / 1000.0
    got = v["received_usd_bn"] * rate / 1000.0
    cost = paid * v["filp_rate"]
    coupons = np.concatenate([[0.0], np.cumsum(cost)[:-1]])
    ended = k >= T - 1
    accrued = 0.0 if ended else float(cost[: k + 1].sum()) * (v["elapsed_years"] - k)
    t = np.arange(T)
    later = ~done
    pv = (1.0 + rho) ** -(t[later] - v["elapsed_years"])
    rest_usd = float(np.sum((v["received_usd_bn"] - v["called_usd_bn"])[later] * pv))
    rest = float(np.sum((v["received_usd_bn"] - v["called_usd_bn"])[later] * pv * rate[later])) / 1000.0
    principal = paid[done].sum() if not ended or v.get("buyback") is None else float(paid @ v["buyback"])
    realised = got[done].sum() - coupons[done].sum() - accrued - principal
    pnl = realised + rest
    return {"received": float(got[done].sum()), "called": float(paid[done].sum()), "realised": float(realised),
            "coupons": float(coupons[done].sum() + accrued), "remaining_usd": rest_usd, "remaining": rest, "pnl": float(pnl),
            "ended": ended, "flows": {"received_jpy_tn": got, "called_jpy_tn": paid, "filp_coupon_jpy_tn": coupons}}


_TABLES: dict = {}


def _table(fund: FundStructure, min_years: int) -> pd.DataFrame:
    hist = PA.history_levels().index
    last = hist[-1] - 12 * min_years
    rho = Market.latest().fair_value_rate("USD")
    rows = []
    for m in hist[hist <= last]:
        v = vintage_flows(m, fund)
        h, u = _pnl(v, v["forward"], rho), _pnl(v, v["usdjpy"], rho)
        yrs = max(1, int(np.floor(v["elapsed_years"] + 1e-9)))
        row = {"vintage": m, "filp_yield": float(v["filp_rate"][0]), "sofr_at_launch": float(v["sofr"][0]),
               "sofr_is_stand_in": v["sofr_stand_in"], "sofr_avg_to_date": float(v["sofr"][1:yrs + 1].mean()),
               "usdjpy_at_launch": float(v["usdjpy"][0]), "usdjpy_last": float(v["spot_end"]),
               "years_to_date": v["elapsed_years"], "fund_ended": u["ended"],
               "remaining_value_usd_bn": u["remaining_usd"], "remaining_value_jpy_tn": u["remaining"],
               "remaining_value_hedged_jpy_tn": h["remaining"]}
        for view, x in (("hedged", h), ("unhedged", u)):
            row.update({f"called_{view}_jpy_tn": x["called"], f"received_{view}_jpy_tn": x["received"],
                        f"filp_coupons_{view}_jpy_tn": x["coupons"], f"realised_{view}_jpy_tn": x["realised"],
                        f"pnl_{view}_jpy_tn": x["pnl"]})
        rows.append(row)
    df = pd.DataFrame(rows).set_index("vintage")
    df.attrs["last_month"] = str(hist[-1])
    df.attrs["projects"] = "base case: the register's asset return, every project on time, no project randomness"
    return df


def vintages(min_years: int = 5, fund: FundStructure | None = None) -> pd.DataFrame:
    """Japan's yen P&L to the last month of data (``attrs["last_month"]``) of a fund launched in each
    month from 2000-01 to the last month with ``min_years`` of data after it, one row per vintage
    (see the module docstring). Money in ¥tn or $bn as the column names say; rates decimals. Computed
    once per fund, register state and data folder."""
    from fundlib.data import data_dir

    if isinstance(min_years, bool) or not isinstance(min_years, (int, np.integer)):
        raise TypeError(f"min_years must be a whole number of years, not {type(min_years).__name__}")
    min_years = check_int("min_years", min_years, 1, 20)
    fund = _fund(fund)
    key = (repr(fund), tuple(sorted(A.current_overrides().items())), str(data_dir()))
    if key not in _TABLES:            # every vintage with a year of data; a longer minimum is a filter
        _TABLES[key] = _table(fund, 1)
    full = _TABLES[key]
    out = full[full.index <= PA.history_levels().index[-1] - 12 * min_years].copy()
    out.attrs = dict(full.attrs)
    return out


def best_and_worst(table: pd.DataFrame | None = None, column: str = "pnl_hedged_jpy_tn") -> pd.DataFrame:
    """The best and the worst vintage by ``column`` (one of :data:`PNL_COLUMNS`): two rows, "best" and "worst"."""
    check_choice("column", column, PNL_COLUMNS)
    df = vintages() if table is None else check_frame("table", table, [column])
    best, worst = df[column].idxmax(), df[column].idxmin()
    out = df.loc[[best, worst]].copy()
    out.insert(0, "vintage", [str(best), str(worst)])
    out.index = pd.Index(["best", "worst"], name="rank")
    return out
