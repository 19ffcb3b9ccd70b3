"""The odds: a whole-chain Monte Carlo of what each government can expect to gain or lose, with market
paths shaped by history and project outcomes drawn together. Used by notebook 07 (The odds); the
result and its tables are in :mod:`fundlib.odds.result`.

**One scenario.** (1) A market path (:func:`fundlib.odds.paths.simulate`: each rate pulled toward its
long-run level and floored at its bound, shocked by block-bootstrapped monthly shocks since 2000, from
the snapshot). (2) Project outcomes drawn as the project Monte Carlo draws them (:mod:`fundlib.scenarios`:
six inputs per sector loading on one macro factor), each sector a portfolio of N_s projects of its
archetype's size (``diversify=True``: :func:`fundlib.scenarios.projects_per_sector`): the projects' own
shocks average out (:func:`fundlib.scenarios.diversified_normals`) and the sector is late by its average
project's delay given the macro draw (:func:`fundlib.scenarios.portfolio_delay_years`). With
``macro_market_corr`` = ρ ≠ 0 the macro factor loads on the market path: macro = ρ·m + √(1−ρ²)·z, m the
path's average SOFR change over the fund's life, standardized over a fixed reference set of 20,000
paths; ρ > 0 makes rising rates coincide with bad project years. The register has no estimate of ρ, so
the default is 0 (projects independent of the market). (3) The one chain, :func:`fundlib.chain.run`.
The chain takes one asset return per scenario, not a scenario's own project cash flows, so a draw
enters it as (a) the asset return: the register's ``asset_return`` plus the draw's portfolio IRR with
no delays less the base portfolio IRR (kept in the chain's [−5%, 50%]), and (b) each sector's delay,
rounded up to a whole month (the chain's ``sector_delays``: the debt is re-sculpted on the late cash flows, the
debt-service reserve carries the gap). The exit is valued on the path's curve: the USD curve moved by
the path's change in the 30-year Treasury yield (the chain's ``curve_shift``). Floating debt pays each
year's average SOFR from the path on its unhedged share (the swap fixes the rest); the chain's ledger
cannot record a negative interest payment, so SOFR is held at −(lowest debt spread) in the years a path
goes below it, and at 50% (the chain's limit) above (the share of scenarios is reported).

**Each party in its own money.** The US Treasury: its dollar flows from the ledger, PV at the
snapshot's 30-year Treasury par yield. Japan's MoF, in yen: every call (and cure) funded by FILP
bonds at the FILP-tenor JGB yield of the snapshot moved by the path's 30-year JGB change to the call's
date, coupons yearly, the bonds still outstanding bought back when the fund ends at their value on the
JGB forwards moved by the path's 30-year JGB change (as :meth:`fundlib.chain.ChainResult.japan_yen`, but
at each path's own rates); PV of yen distributions less FILP coupons and principal at the snapshot's
30-year JGB par yield. Dollars become yen **unhedged** at the path's year-end USD/JPY, or **hedged**:
at the forwards locked at the start for each year's date (:meth:`fundlib.market.Market.forward_usdjpy`:
the snapshot's zero curves and basis; every path starts at the snapshot), or with a **rolled one-year hedge**:
S_0·Π_{k<t}(1 + JGB 1Y_k + basis)/(1 + UST 1Y_k), the path's realised one-year rates in place of
today's term rates. A loss is reported as PV < 0 (the budget view) and as a nominal loss (the
undiscounted sum of the same flows below zero). Japan is "below its FILP
cost" when its yen IRR (calls and cures out, distributions in) is below the call-weighted FILP yield,
or has no IRR. Ex-Im Bank's and JBIC's loss: PV of guarantee calls paid less their fees and
recoveries, at the 30-year Treasury yield, in $bn (negative: a gain). "Any call" counts a year in
which they pay at least ``guarantee_call_min_usd_bn``.

**Chunks.** A run is cut into chunks of ``chunk`` scenarios; each chunk is a pure function of
(parameters, seed, chunk start, chunk size) (:func:`odds_chunk`) returning a
:class:`fundlib.odds.tally.Tally`; tallies merge in any order to the same result. With ``client=`` a
``dask.distributed.Client`` the same chunks run on the cluster (:func:`local_cluster` makes a local
one with the settings this engine needs). Memory is bounded by the chunk (a process peaks near
0.4 GB with the default 5,000 scenarios of a 40-year fund, ``make bench``'s 1,000,000-scenario run
included) plus what the tally keeps. The result is bit-identical for any ``chunk`` and with or
without a cluster because every random draw is counter-based per scenario, every per-scenario step
works row by row, and each chain run uses one BLAS thread with its rows padded to a multiple of
:data:`ALIGN`: the BLAS matrix-vector product inside the chain rounds the ragged last rows of a
block, and rows split among threads, differently from the rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from fundlib import assumptions as A
from fundlib.assumptions import check_assumption
from fundlib import chain as CH
from fundlib.odds import paths as PA
from fundlib import projects as P
from fundlib import scenarios as SC
from fundlib._validate import check_bool, check_choice, check_int, check_range
from fundlib.finance import npv
from fundlib.market import Market
from fundlib.odds.result import INPUT_LABELS, METRICS, OddsResult
from fundlib.structure import FundStructure
from fundlib.odds.tally import Tally, row_irr
from fundlib.odds.blas import one_blas_thread

__all__ = ["ALIGN", "OddsSpec", "make_spec", "odds_chunk", "simulate_chunk", "run_odds", "bench_odds", "local_cluster",
           "OddsResult", "INPUT_LABELS", "one_blas_thread"]

ALIGN = 16
SCALES = {name: (1e-3 if unit == "decimal" else 1.0) for name, (_, unit) in METRICS.items()}
_REFERENCE_PATHS = 20_000
_SOFR_CAP = 0.5                  # the chain's upper limit for a SOFR path
_FX_RANGE = (1.0, 10_000.0)      # and for a USD/JPY path (only reported by the chain; the yen views use the path)


@dataclass(frozen=True)
class OddsSpec:
    """Everything a chunk needs besides (seed, start, size); built and checked by :func:`run_odds`."""

    fund: FundStructure
    market: Market
    weights: tuple
    unc: SC.Uncertainty
    asset_return: float
    block_months: int
    method: str
    demean: bool
    model: str
    pull_scale: float
    fx_drift: str
    macro_market_corr: float
    diversify: bool
    preset: str
    exact_cap: int
    overrides: tuple


# ------------------------------------------------------------------------------- one chunk

@lru_cache(maxsize=16)
def _base_irr(weights: tuple, horizon: int, _overrides: tuple) -> float:
    return SC.deterministic_irr(dict(weights), horizon)


@lru_cache(maxsize=16)
def _market_factor(years, block, method, demean, model, pull_scale, fx_drift, _overrides):
    """Mean and standard deviation of the average SOFR change over the fund's life on a fixed reference
    set of paths (seed 0) from the register's snapshot."""
    mp = PA.simulate(_REFERENCE_PATHS, years, seed=0, block_months=block, method=method, demean=demean, model=model,
                     pull_scale=pull_scale, fx_drift=fx_drift)
    x = mp.sofr[:, 1:].mean(axis=1) - mp.sofr[:, 0]
    return float(x.mean()), float(x.std())


def _check_chunk(spec, seed, start, size) -> tuple:
    if not isinstance(spec, OddsSpec):
        raise TypeError(f"spec must be a fundlib.odds.OddsSpec (from make_spec), not {type(spec).__name__}")
    return tuple(check_int(name, _number(name, v), low, high)
                 for name, v, low, high in (("seed", seed, 0, 2**63 - 1), ("start", start, 0, 2**62), ("size", size, 1, 1_000_000)))


def simulate_chunk(spec: OddsSpec, seed: int, start: int, size: int, *, detail: bool = False) -> dict:
    """Scenarios start..start+size-1 through paths, projects and the chain: per-scenario ``metrics``,
    ``events`` and tornado ``inputs`` (arrays over scenarios); with ``detail`` also the market
    ``paths``, the ``chain`` result and the yen flows (for checks)."""
    seed, start, size = _check_chunk(spec, seed, start, size)
    if not isinstance(detail, (bool, np.bool_)):
        raise TypeError(f"detail must be True or False, not {type(detail).__name__}")
    fund, market = spec.fund, spec.market
    T = fund.life_years + 1
    mp = PA.simulate(size, T - 1, seed=seed, start=start, block_months=spec.block_months, method=spec.method,
                     demean=spec.demean, market=market, model=spec.model, pull_scale=spec.pull_scale,
                     fx_drift=spec.fx_drift)
    weights = dict(spec.weights)
    nsec = len(P.SECTORS)
    z = SC.draw_normals(seed, start, size, nsec)
    sofr_change = mp.sofr[:, 1:].mean(axis=1) - mp.sofr[:, 0]
    rho = spec.macro_market_corr
    if rho:
        mu, sd = _market_factor(T - 1, spec.block_months, spec.method, spec.demean, spec.model, spec.pull_scale,
                                spec.fx_drift, spec.overrides)
        z[:, 0] = rho * (sofr_change - mu) / sd + np.sqrt(1.0 - rho * rho) * z[:, 0]
    # a sector is a portfolio of N_s projects: execution risk averages out, the market and macro stay
    n_proj = (SC.projects_per_sector(weights, fund.assets_usd_bn) if spec.diversify else {s: 1.0 for s in P.SECTORS})
    zd = SC.diversified_normals(z, n_proj) if spec.diversify else z
    # projects: everything but the delays into the asset return; the delays as the chain's delay shock
    unc0 = replace(spec.unc, delay_years=0.0)
    H = SC.default_horizon(unc0)
    base = _base_irr(spec.weights, H, spec.overrides)
    r_proj = row_irr(SC.portfolio_cashflows(zd, weights, unc0, H), guess=None)
    r_raw = spec.asset_return + (r_proj - base)
    r_a = np.clip(np.where(np.isfinite(r_raw), r_raw, -1.0), -0.05, 0.5)
    delay_w, capex_w, ai = np.zeros(size), np.zeros(size), np.ones(size)
    delay = {}
    for k, (s, key) in enumerate(P.SECTORS.items()):
        a = P.archetype(key)
        inp = SC._sector_inputs(zd, k, nsec, spec.unc, a)
        if spec.diversify:                       # the sector's average delay, rounded up to a whole month
            d = SC.portfolio_delay_years(z, k, spec.unc, n_proj[s])
            delay[s] = np.minimum(np.ceil(d * 12.0 - 1e-9) / 12.0, CH.DELAY[1])
        else:                                    # one project: late by whole months
            delay[s] = np.minimum(SC.sector_delay_months(z, k, nsec, spec.unc), CH.DELAY[1])
        delay_w += weights[s] * delay[s]
        capex_w += weights[s] * np.log(inp["capex_mult"])
        if s == "data_centres":
            ai = inp["price_mult"] * inp["utilization"] / a.utilization
    spreads = [fund.senior_spread_bp * 1e-4] + ([fund.sub_margin] if fund.sub_debt_share > 0 else [])
    floor = -min(spreads)
    # the exit is valued on the path's curve: the USD curve moves as the path's 30-year Treasury yield
    shift = np.clip(mp.ust_30y[:, -1] - mp.ust_30y[:, 0], *CH.CURVE_SHIFT)
    # the chain takes SOFR in [-5%, 50%] and no negative coupon: a path is held inside for it
    flows = _chain(spec, weights, r_a, np.clip(mp.sofr, floor, _SOFR_CAP), np.clip(mp.usdjpy, *_FX_RANGE), delay,
                   shift)
    us, jp_out, jp_in = flows["us_treasury"], flows["japan_out"], flows["japan_in"]
    ust = market.par_yield("USD", 30.0)
    calls = flows["calls"].sum(axis=1)
    us_irr = row_irr(us, guess=None)
    metrics = {"us_pv_usd_bn": npv(ust, us), "us_irr": us_irr}
    events_nominal = {"us_nominal_loss": np.sum(us, axis=1) < 0.0}
    # a call counts when Ex-Im Bank and JBIC pay at least the register's minimum in some year
    called = flows["calls"] >= max(A.value("guarantee_call_min_usd_bn"), 1e-12)
    events = {"any_guarantee_call": np.any(called, axis=1), **events_nominal}
    # Japan in yen: hedged = the forwards locked at the start for each date (the Market's, as every
    # path starts at the snapshot); unhedged = the path's spot
    S = mp.usdjpy
    fwd = np.broadcast_to(market.forward_usdjpy(np.arange(T, dtype=float)), S.shape)
    filp_rate = market.par_yield("JPY", float(A.value("filp_tenor_years"))) + (mp.jgb_30y - mp.jgb_30y[:, :1])
    # FILP bonds still outstanding at the exit are bought back at their value on the JGB forwards moved by
    # the path's change in the 30-year JGB yield
    buyback = CH.filp_buyback_factor(market, T, float(A.value("filp_tenor_years")), np.clip(filp_rate, -0.05, 0.5),
                                  np.clip(mp.jgb_30y[:, -1] - mp.jgb_30y[:, 0], *CH.CURVE_SHIFT))
    jdf = np.asarray(market.discount("JPY", np.arange(T, dtype=float)), float)
    # rolled: hedged from the start with one-year forwards rolled each year at the path's own one-year
    # yields, so a dollar of year t is worth S_0·Π_{k<t} (1 + JGB 1Y_k + basis)/(1 + UST 1Y_k) yen: the
    # locked forward's rate with the realised one-year rates in place of today's term rates
    rolled = np.empty_like(S)
    rolled[:, 0] = S[:, 0]
    rolled[:, 1:] = S[:, :1] * np.cumprod((1.0 + mp.jgb_1y[:, :-1] + market.basis_bp * 1e-4) / (1.0 + mp.ust_1y[:, :-1]),
                                           axis=1)
    yen = {}
    for view, rate in (("hedged", fwd), ("rolled", rolled), ("unhedged", S)):
        paid, got = jp_out * rate / 1000.0, jp_in * rate / 1000.0
        cost = paid * filp_rate
        coupons = np.zeros_like(paid)
        coupons[:, 1:] = np.cumsum(cost, axis=1)[:, :-1]
        repaid = np.zeros_like(paid)
        repaid[:, -1] = np.sum(paid * buyback, axis=1)              # bought back at market value at the exit
        net = got - coupons - repaid
        jirr = row_irr(got - paid, guess=None)
        with np.errstate(invalid="ignore", divide="ignore"):          # NaN when Japan has no stake
            filp_cost = cost.sum(axis=1) / paid.sum(axis=1)
        metrics[f"japan_pv_{view}_jpy_tn"] = np.sum(net * jdf, axis=1)   # the budget view: the JGB zero curve (row by row: chunk-invariant)
        metrics[f"japan_irr_{view}"] = jirr
        events[f"japan_below_filp_{view}"] = ~(jirr >= filp_cost)
        events[f"japan_nominal_loss_{view}"] = np.sum(net, axis=1) < 0.0
        yen[view] = {"jpy_per_usd": rate, "received_jpy_tn": got, "called_jpy_tn": paid, "filp_coupon_jpy_tn": coupons,
                     "filp_repaid_jpy_tn": repaid, "net_jpy_tn": net, "filp_cost": filp_cost}
    metrics["exim_loss_usd_bn"] = 0.0 - npv(ust, flows["exim"])         # 0.0 - x: no "-0.0" where nothing was called
    metrics["jbic_loss_usd_bn"] = 0.0 - npv(ust, flows["jbic"])
    metrics["guarantee_calls_usd_bn"] = calls
    metrics["guarantee_credit_loss_usd_bn"] = npv(ust, flows["calls"] - flows["recoveries"])
    metrics["sofr_last"] = mp.sofr[:, -1]
    metrics["asset_return"] = r_a
    events["asset_return_clipped"] = r_a != r_raw
    events["sofr_floored"] = np.any((mp.sofr[:, 1:] < floor) | (mp.sofr[:, 1:] > _SOFR_CAP), axis=1)
    events["sofr_below_zero"] = np.any(mp.sofr[:, 1:] < 0.0, axis=1)
    events["sofr_above_10pct"] = np.any(mp.sofr[:, 1:] > 0.10, axis=1)
    metrics["guarantee_call_years"] = np.count_nonzero(called, axis=1).astype(float)
    inputs = {"sofr_change": sofr_change, "jgb_30y_change": mp.jgb_30y[:, -1] - mp.jgb_30y[:, 0],
              "usdjpy_change": np.log(S[:, -1] / S[:, 0]), "ai_demand": ai, "capex": capex_w, "delay_years": delay_w,
              "macro": z[:, 0]}
    out = {"metrics": metrics, "events": events, "inputs": inputs}
    if detail:
        out.update(paths=mp, chain=flows["chain"], yen=yen, delay=delay, sofr_floor=floor, asset_return_raw=r_raw)
    return out


def _chain(spec: OddsSpec, weights: dict, r_a, sofr, fx, delay: dict, shift) -> dict:
    """The chain for every scenario in one run. The rows are padded to a multiple of :data:`ALIGN`
    (with copies of the first), so no scenario falls in the ragged end of the BLAS kernel's blocks and
    its numbers do not depend on the scenarios it shares the run with."""
    n = sofr.shape[0]
    gi = np.concatenate([np.arange(n), np.zeros((-n) % ALIGN, dtype=np.int64)])
    with one_blas_thread():
        res = CH.run(spec.fund, spec.market, asset_return=r_a[gi], preset=spec.preset,
                     sector_delays={s: d[gi] for s, d in delay.items()}, curve_shift=shift[gi], weights=weights,
                     sofr_path=sofr[gi], fx_path=fx[gi])
    # one pass over the ledger's rows for the flows the odds need (as Ledger.net and Ledger.total give them)
    out = {k: np.zeros((n, sofr.shape[1])) for k in ("us_treasury", "japan_out", "japan_in", "exim", "jbic", "calls",
                                                      "recoveries")}
    net = {"us_treasury": "us_treasury", "exim": "exim", "jbic": "jbic"}
    for (item, payer, payee), a in res.ledger.rows.items():
        a = a[:n]
        if payee in net:
            out[net[payee]] += a
        if payer in net:
            out[net[payer]] -= a
        if payee == "japan_mof":
            out["japan_in"] += a
        if payer == "japan_mof":
            out["japan_out"] += a
        if item == "guarantee call" and payer in ("exim", "jbic"):
            out["calls"] += a
        if item == "guarantee recovery" and payee in ("exim", "jbic"):
            out["recoveries"] += a
    out["chain"] = res
    return out


def odds_chunk(spec: OddsSpec, seed: int, start: int, size: int) -> Tally:
    """The tally of scenarios start..start+size-1: a pure function of its arguments (the register's
    scenario overrides travel in ``spec``), which is what a Dask worker runs."""
    seed, start, size = _check_chunk(spec, seed, start, size)
    with A.scenario(dict(spec.overrides)):
        out = simulate_chunk(spec, seed, start, size)
    return Tally.of(start, out["metrics"], out["events"], out["inputs"], SCALES, spec.exact_cap)


# ------------------------------------------------------------------------------- the run

def _kind(name, value, kind, what):
    if value is not None and not isinstance(value, kind):
        raise TypeError(f"{name} must be {what}, not {type(value).__name__}")


def _number(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    return value


def make_spec(*, block_months=PA.DEFAULT_BLOCK_MONTHS, method="bootstrap", demean=True, model="pull", pull_scale=1.0,
              fx_drift="none", diversify=True, fund=None, leverage=None,
              market=None, weights=None, unc=None, asset_return=None, macro_market_corr=None, preset="proposal",
              exact_cap=200_000) -> OddsSpec:
    """Check every parameter of a run and freeze them (with the register's active overrides)."""
    _kind("fund", fund, FundStructure, "a fundlib.structure.FundStructure")
    _kind("market", market, Market, "a fundlib.market.Market")
    _kind("unc", unc, SC.Uncertainty, "a fundlib.scenarios.Uncertainty")
    _kind("weights", weights, dict, "a dict of sector → weight")
    if not isinstance(demean, (bool, np.bool_)):
        raise TypeError(f"demean must be True or False, not {type(demean).__name__}")
    fund = fund or FundStructure()
    if leverage is not None:
        fund = replace(fund, leverage=float(check_range("leverage", _number("leverage", leverage), 1.0, 50.0)))
    r = A.value("asset_return") if asset_return is None else _number("asset_return", asset_return)
    check_range("asset_return", r, -0.05, 0.5)
    from fundlib import waterfall as W

    return OddsSpec(
        fund=fund, market=market or Market.current(),
        weights=tuple(SC.check_weights(weights if weights is not None else SC.default_weights()).items()),
        unc=unc or SC.Uncertainty(), asset_return=float(r),
        block_months=PA.check_block_months(_number("block_months", block_months)),
        method=check_choice("method", method, PA.METHODS), demean=bool(demean),
        diversify=check_bool("diversify", diversify), model=check_choice("model", model, PA.MODELS), pull_scale=PA.check_pull_scale(pull_scale),
        fx_drift=check_choice("fx_drift", fx_drift, PA.FX_DRIFTS),
        macro_market_corr=(A.value("odds_macro_market_corr") if macro_market_corr is None else
                           float(check_assumption("odds_macro_market_corr", _number("macro_market_corr", macro_market_corr),
                                                  "macro_market_corr"))),
        preset=check_choice("preset", preset, tuple(W.PRESETS)),
        exact_cap=check_int("exact_cap", _number("exact_cap", exact_cap), 0, 5_000_000),
        overrides=tuple(sorted(A.current_overrides().items())))


def run_odds(n: int = 20_000, seed: int = 2025, *, block_months: int = PA.DEFAULT_BLOCK_MONTHS,
             method: str = "bootstrap", demean: bool = True, model: str = "pull", pull_scale: float = 1.0,
             fx_drift: str = "none", diversify: bool = True, fund: FundStructure | None = None, leverage=None,
             market: Market | None = None, weights: dict | None = None, unc: SC.Uncertainty | None = None,
             asset_return=None, macro_market_corr: float | None = None, preset: str = "proposal", chunk: int = 5_000,
             exact_cap: int = 200_000, client=None, callback=None) -> OddsResult:
    """Run ``n`` scenarios of the whole chain (see the module docstring) and return their odds.

    ``chunk``: scenarios per chunk (memory and progress granularity). ``exact_cap``: up to this many
    scenarios every value is kept and quantiles are exact. ``client``: a ``dask.distributed.Client`` to run the chunks on (None: here, one after
    another). ``callback(fraction_done)`` after each chunk. The result is the same bit for bit for any
    ``chunk`` and with or without a client."""
    n = check_int("n", _number("n", n), 1, 50_000_000)
    seed = check_int("seed", _number("seed", seed), 0, 2**63 - 1)
    chunk = check_int("chunk", _number("chunk", chunk), 1, 1_000_000)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, not {type(callback).__name__}")
    if client is not None and not (hasattr(client, "map") and hasattr(client, "scatter")):
        raise TypeError(f"client must be a dask.distributed.Client, not {type(client).__name__}")
    spec = make_spec(block_months=block_months, method=method, demean=demean, model=model, pull_scale=pull_scale,
                     fx_drift=fx_drift, diversify=diversify, fund=fund, leverage=leverage,
                     market=market, weights=weights, unc=unc, asset_return=asset_return,
                     macro_market_corr=macro_market_corr, preset=preset, exact_cap=exact_cap)
    starts = list(range(0, n, chunk))
    sizes = [min(chunk, n - s) for s in starts]
    t0 = time.perf_counter()
    total = None
    if client is None:
        workers = 1
        for s, m in zip(starts, sizes):
            t = odds_chunk(spec, seed, s, m)
            total = t if total is None else total.merge(t)
            if callback is not None:
                callback(total.n / n)
    else:
        from distributed import as_completed

        workers = len(client.scheduler_info().get("workers", {})) or 1
        spec_f = client.scatter(spec, broadcast=True, hash=False)   # its own key: a second run of the same spec cannot lose it
        futures = client.map(odds_chunk, [spec_f] * len(starts), [seed] * len(starts), starts, sizes, pure=False)
        for fut in as_completed(futures):              # chunk tallies add up in any order to the same bits
            t = fut.result()
            fut.release()
            total = t if total is None else total.merge(t)
            if callback is not None:
                callback(total.n / n)
    return OddsResult(total, spec, n, seed, chunk, time.perf_counter() - t0, workers)


def local_cluster(n_workers: int = 2, **kwargs):
    """A ``dask.distributed.LocalCluster`` for :func:`run_odds`: ``n_workers`` processes of one thread,
    started without Dask's default ``MALLOC_TRIM_THRESHOLD_=65536``. That setting fixes glibc's mmap
    threshold at 128 kB, so every array of a chunk (a few MB each) is mapped and unmapped again and
    the workers spend as long in page faults as in arithmetic (measured: 100,000 scenarios of a 40-year
    fund on two workers, 16.2 s with it, 6.8 s without). Use it as
    ``with local_cluster() as cluster, Client(cluster) as client: run_odds(..., client=client)``."""
    import dask
    from distributed import LocalCluster

    n_workers = check_int("n_workers", _number("n_workers", n_workers), 1, 256)
    kw = {"threads_per_worker": 1, "processes": True, "dashboard_address": ":0", **kwargs}
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        return LocalCluster(n_workers=n_workers, **kw)


def bench_odds(n: int = 1_000_000, *, chunk: int = 5_000, client=None, life_years: int | None = None,
               seed: int = 2025) -> dict:
    """Time one run of ``n`` scenarios (fund life ``life_years``, default the register's): scenarios per
    second and the seconds it took, for ``make bench``."""
    fund = None if life_years is None else FundStructure(life_years=check_int("life_years", life_years, 1, 50))
    res = run_odds(n, seed, chunk=chunk, client=client, fund=fund, exact_cap=0)
    return {"n": n, "life_years": res.spec.fund.life_years, "chunk": res.chunk, "workers": res.workers,
            "seconds": res.seconds, "scenarios_per_second": n / res.seconds}
