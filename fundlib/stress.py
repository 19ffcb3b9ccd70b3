"""Stress tests of the whole chain: funding cost, FX, project cash flows, leverage and the waterfall.
Used by notebook 06 (the stress app and the reverse stress test); a view of :mod:`fundlib.chain`.

Every shock runs through the one chain (:func:`fundlib.chain.run`): the fund's portfolio, its
senior guaranteed and subordinated debt sculpted at close to the base cash flows, the lock-up
reserve, Ex-Im Bank and JBIC paying what the fund cannot and recovering it ahead of the owners,
then the waterfall. A stress is a set of shocks applied together; every shock may be an array over
scenarios, so a whole grid of shock sizes runs in one call. That is what makes the reverse stress
test a vectorized search rather than a loop of full re-runs.

Each government's result includes its guarantor: the US Treasury with Ex-Im Bank, in dollars at
the market's 30-year Treasury yield; Japan's MoF with JBIC, in yen on the JGB zero curve (Japan's
funding curve), converted on the shocked FX path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import structure as S
from fundlib.chain import inputs as CI
from fundlib._validate import InputError, check_instance, check_int, check_mapping, check_number
from fundlib.finance import irr, moic, npv
from fundlib.market import Market

__all__ = ["Shock", "named_shocks", "run_chain", "stress_table", "reverse_stress"]


@dataclass(frozen=True)
class Shock:
    """One stress (single numbers): SOFR up by ``sofr_bp`` (in [−500, 3000]); USD/JPY moved to
    ``usdjpy`` (in [40, 400]; None = unchanged); an AI capex bust of severity ``ai_bust`` (in
    [0, 2.5]; 1 = the named bust); every project ``delay_years`` late (years in [0, 15]; a fraction is
    months)."""

    sofr_bp: float = 0.0
    usdjpy: float | None = None
    ai_bust: float = 0.0
    delay_years: float = 0

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 - frozen: store the checked values
        set_("sofr_bp", check_number("sofr_bp", self.sofr_bp, *CI.SOFR_BP))
        if self.usdjpy is not None:
            set_("usdjpy", check_number("usdjpy", self.usdjpy, *CI.USDJPY))
        set_("ai_bust", check_number("ai_bust", self.ai_bust, *CI.AI_BUST))
        set_("delay_years", check_number("delay_years", self.delay_years, *CI.DELAY))


def named_shocks() -> dict[str, Shock]:
    """The named scenarios, sized from the register."""
    sofr, fx, delay = A.value("stress_sofr_bp"), A.value("stress_usdjpy"), int(A.value("stress_delay_years"))
    return {
        "Base": Shock(),
        f"SOFR +{sofr:.0f} bp": Shock(sofr_bp=sofr),
        f"Yen at {fx:.0f} per $": Shock(usdjpy=fx),
        "AI capex bust": Shock(ai_bust=1.0),
        f"{delay}-year delays": Shock(delay_years=delay),
        "All together": Shock(sofr, fx, 1.0, delay),
    }


def run_chain(sofr_bp=0.0, usdjpy=None, ai_bust=0.0, delay_years=0, *, fund: S.FundStructure | None = None,
              weights: dict | None = None, market: Market | None = None, asset_return=None) -> dict:
    """Run the chain for one or many shocks (arrays broadcast over scenarios; ranges as in
    :class:`Shock`; ``asset_return`` in [−5%, 50%], None: the register's). Returns arrays over
    scenarios: equity IRR, MOIC and value, DSCR path, lock-up and default years, guarantee calls,
    and each government's PV (with its guarantor). IRRs are NaN where none exists; ``min_dscr`` is
    NaN where no debt service falls due."""
    fund = S.FundStructure() if fund is None else check_instance("fund", fund, S.FundStructure)
    market = Market.current() if market is None else check_instance("market", market, Market)
    shocks = CH.Shocks(sofr_bp, usdjpy, ai_bust, delay_years)
    res = CH.run(fund, market, asset_return=asset_return, shocks=shocks, weights=weights)
    T = res.ledger.T
    shape = CI.scenario_shape(asset_return=asset_return,
                              **dict(zip(("sofr_bp", "usdjpy", "ai_bust", "delay_years"), shocks.arrays())))
    equity_cf = res.equity_flows()
    dist = sum(res.ledger.total(o, "distribution", "in") for o in S.OWNERS)
    cures = sum(res.ledger.total(o, "equity cure", "out") for o in S.OWNERS)
    servicing = res.debt_service_due > 1e-12
    dscr = np.where(servicing, res.dscr, np.nan)
    with np.errstate(invalid="ignore"):
        lock = servicing & (dscr < A.value("lockup_dscr"))
        default = servicing & (dscr < A.value("default_dscr"))
        min_dscr = np.where(servicing.any(axis=-1), np.nanmin(np.where(servicing, dscr, np.inf), axis=-1), np.nan)
    ust = market.par_yield("USD", 30.0)
    us = res.party("us_treasury") + res.party("exim")
    jp = (res.party("japan_mof") + res.party("jbic")) * res.fx_path / 1000.0
    calls, back = res.guarantee_calls(), res.guarantee_recovered()
    out = {
        "equity_irr": irr(equity_cf), "equity_moic": moic(equity_cf),
        # what the owners get beyond the committed calls: distributions less any equity cures
        "equity_value": npv(market.fair_value_rate("USD"),
                            np.concatenate([np.zeros((equity_cf.shape[0], 1)), (dist - cures)[:, 1:]], axis=-1)),
        "min_dscr": min_dscr, "lockup_years": lock.sum(axis=-1), "default_years": default.sum(axis=-1),
        "guarantee_calls": calls.sum(axis=-1), "guarantee_recovered": back.sum(axis=-1),
        "guarantee_fees": res.guarantee_fees().sum(axis=-1),
        "guarantee_loss_pv": npv(ust, calls - back - res.guarantee_fees()),     # net of the fees they earn
        "us_pv": npv(ust, us), "japan_pv_jpy_tn": jp @ market.discount("JPY", np.arange(T, dtype=float)),
        "dscr": dscr, "distributions": dist, "cures": cures, "cfads": res.cfads, "debt_service": res.debt_service_due,
        "calls": calls, "recovered": back, "years": np.arange(T),
    }
    if shape == ():
        out = {k: (v[0] if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == 1 and k != "years" else v)
               for k, v in out.items()}
    else:
        out = {k: (v.reshape(shape + v.shape[1:]) if isinstance(v, np.ndarray) and k != "years" else v) for k, v in out.items()}
    return out


def stress_table(shocks: dict[str, Shock] | None = None, fund: S.FundStructure | None = None,
                 weights: dict | None = None, market: Market | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run named shocks together (one vectorized call). ``shocks``: a dict name → :class:`Shock`
    (None: :func:`named_shocks`). Returns (summary table, DSCR paths long table)."""
    shocks = named_shocks() if shocks is None else check_mapping("shocks", shocks, "a dict of name → Shock")
    if not shocks:
        raise InputError("shocks", shocks, "at least one named Shock")
    for name, sh in shocks.items():
        check_instance(f"shocks[{name!r}]", sh, Shock)
    market = Market.current() if market is None else check_instance("market", market, Market)
    names = list(shocks)
    spot0 = market.usdjpy
    r = run_chain([s.sofr_bp for s in shocks.values()], [spot0 if s.usdjpy is None else s.usdjpy for s in shocks.values()],
                  [s.ai_bust for s in shocks.values()], [s.delay_years for s in shocks.values()], fund=fund, weights=weights,
                  market=market)
    b = run_chain(fund=fund, weights=weights, market=market)
    table = pd.DataFrame({
        "equity IRR": r["equity_irr"], "equity value ($bn)": r["equity_value"],
        "change in equity value ($bn)": r["equity_value"] - b["equity_value"],
        "min DSCR": r["min_dscr"], "lock-up years": r["lockup_years"], "default years": r["default_years"],
        "guarantee calls ($bn)": r["guarantee_calls"],
        "guarantors' loss after fees and recoveries ($bn PV)": r["guarantee_loss_pv"],
        "US loss vs base ($bn PV)": b["us_pv"] - r["us_pv"],
        "Japan loss vs base (¥tn PV)": b["japan_pv_jpy_tn"] - r["japan_pv_jpy_tn"],
    }, index=pd.Index(names, name="scenario"))
    years = r["years"]
    long = pd.DataFrame([{"scenario": nm, "year": int(y), "dscr": float(r["dscr"][i, y])}
                         for i, nm in enumerate(names) for y in years if np.isfinite(r["dscr"][i, y])])
    return table, long


_KINDS = {
    "sofr_bp": ("SOFR rise (bp)", 0.0, 3000.0),
    "ai_bust": ("AI capex bust (severity; 1 = the named bust)", 0.0, 2.5),
    "delay_years": ("Construction delay (years)", 0, 15),
}


def reverse_stress(fund: S.FundStructure | None = None, weights: dict | None = None, points: int = 61,
                   market: Market | None = None) -> pd.DataFrame:
    """The smallest shock of each kind that breaches the default covenant (DSCR < 1, a guarantee
    call) and that wipes out the equity (MOIC below the register's threshold); and the USD/JPY level
    at which Japan's stake no longer pays for its FILP funding. Each search evaluates a whole grid
    of shock sizes in one vectorized run, then a finer grid inside the bracket: ``points`` (a whole
    number in [3, 1001]) sizes each. A shock that never breaches its threshold in range gives NaN."""
    wipe = A.value("wipeout_moic")
    points = check_int("points", points, 3, 1001)
    fund = S.FundStructure() if fund is None else check_instance("fund", fund, S.FundStructure)
    market = Market.current() if market is None else check_instance("market", market, Market)
    if weights is not None:
        from fundlib.scenarios import check_weights

        weights = check_weights(weights)
    rows = []
    for kind, (label, lo, hi) in _KINDS.items():
        for target in ("default covenant breached", "equity wiped out"):
            def hit(x, kind=kind, target=target):
                kw = {kind: x}
                r = run_chain(**kw, fund=fund, weights=weights, market=market)
                return r["default_years"] > 0 if target.startswith("default") else ~(r["equity_moic"] >= wipe)

            if kind == "delay_years":
                grid = np.arange(lo, hi + 1)
                h = hit(grid)
                value = float(grid[np.argmax(h)]) if h.any() else np.nan
            else:
                value = _search(hit, lo, hi, points)
            rows.append({"shock": label, "threshold": target, "smallest shock": value})
    # FX: the USD/JPY level (lower = stronger yen) below which Japan's (MoF + JBIC) net yen flows,
    # valued on the JGB zero curve, turn negative: the stake no longer pays for its FILP funding.
    def japan_short(level):
        return run_chain(usdjpy=market.usdjpy - level, fund=fund, weights=weights, market=market)["japan_pv_jpy_tn"] < 0

    fall = _search(japan_short, 0.0, market.usdjpy - 40.0, points)
    rows.append({"shock": "Yen strengthens to (¥ per $)", "threshold": "Japan's stake below its FILP funding",
                 "smallest shock": market.usdjpy - fall if fall == fall else np.nan})
    return pd.DataFrame(rows)


def _search(hit, lo: float, hi: float, points: int) -> float:
    """Smallest x in [lo, hi] with hit(x) true, by two vectorized grids (hit is monotone in x)."""
    grid = np.linspace(lo, hi, points)
    h = np.asarray(hit(grid))
    if not h.any():
        return float("nan")
    k = int(np.argmax(h))
    if k == 0:
        return float(lo)
    fine = np.linspace(grid[k - 1], grid[k], points)
    hf = np.asarray(hit(fine))
    return float(fine[int(np.argmax(hf))])
