"""Every public callable of the model answers awkward input with a result or a clear error.

The test discovers the callables itself (every function and class a model module exports), so a new
one is covered without editing this file; it only needs a valid sample for any new required
parameter (the test says which). Each callable is called at least CALLS_PER_CALLABLE times with one
or more arguments replaced by awkward values: wrong types, empty, NaN, inf, huge, negative,
mismatched shapes, nested lists. Allowed: a result, InputError (naming the parameter), TypeError
(naming the parameter), or the library's own named errors. Nothing here reads a clock: each
callable's 150 calls have a hang guard of HANG_GUARD_S (pytest-timeout), nothing more.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import math
import re
import pkgutil
import socket
import warnings
import zlib
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fundlib
from fundlib import InputError
from fundlib.data import DataError

ROOT = Path(__file__).resolve().parent.parent
CALLS_PER_CALLABLE = 150
HANG_GUARD_S = 300          # a callable whose 150 calls together take longer is stuck, not slow (the slowest took 8 s)
# Packages of widgets and charts are not the model; everything else under fundlib/ is.
NOT_MODEL = {"fundlib.apps", "fundlib.charts", "fundlib._validate",
             # the workbook writer's inner sheets: its public entry points (fundlib.export) are fuzzed
             "fundlib.export.calc", "fundlib.export.fund", "fundlib.export.inputs", "fundlib.export.parties",
             "fundlib.export.sheet", "fundlib.export.spec", "fundlib.export.evaluate", "fundlib.export.screen",
             "fundlib.export.xlsx", "fundlib.export.xlfunctions",
             # the chain's inner steps take the checked inputs of fundlib.chain.inputs.prepare; its entry
             # points (run, Shocks, prepare, portfolio_cfads, Ledger, ChainResult) are fuzzed
             "fundlib.chain.rates", "fundlib.chain.debt", "fundlib.chain.year"}
ALLOWED = (InputError, TypeError, DataError, FileNotFoundError)


def model_modules() -> list[str]:
    """Every module under fundlib/ (packages walked) except the widget and chart layers."""
    names = []
    for info in pkgutil.walk_packages(fundlib.__path__, "fundlib."):
        if any(info.name == n or info.name.startswith(n + ".") for n in NOT_MODEL):
            continue
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        names.append(info.name)
    return sorted(names)


def public_callables() -> list[tuple[str, object]]:
    out = []
    for modname in model_modules():
        mod = importlib.import_module(modname)
        names = getattr(mod, "__all__", [n for n in vars(mod) if not n.startswith("_")])
        for name in names:
            obj = getattr(mod, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == modname:
                out.append((f"{modname.split('.', 1)[1]}.{name}", obj))
    return out


class _Opaque:
    def __repr__(self):
        return "<object>"


def awkward_values() -> list:
    """What a reader may type: wrong kinds, empty, NaN, inf, huge, negative, bad shapes."""
    return [
        None, "abc", True, [], [[1.0, 2.0], [3.0]], np.array([]), np.ones((2, 3)), np.ones((3, 2)),
        {}, _Opaque(), math.nan, math.inf, -math.inf, 1e300, -1e300, -1, 0, 1e-12, -0.5, 2.5, 1e4,
        [math.nan, 1.0], [1.0, math.inf], 1j, pd.DataFrame(), "2025-13", -100, [[]], 3, [5.0, -2.0, 1.0],
        10**400, pd.Series([0.1, 0.2]), range(3), np.timedelta64(1, "D"), Decimal("0.05"),
    ]


def _raw_layout(raw: Path) -> Path:
    """The smallest folder of downloaded files that ``build_rates_monthly`` accepts."""
    from fundlib.data import JGB_TENORS

    for sub in ("jgb_mof", "ust_cmt", "sofr", "tona_boj", "usdjpy"):
        (raw / sub).mkdir(parents=True)
    (raw / "jgb_mof" / "jgbcm_all.csv").write_text(
        "Date," + ",".join(f"{t}Y" for t in JGB_TENORS) + "\n2025/11/28," + ",".join(["1.5"] * len(JGB_TENORS)) + "\n")
    for sid in ("DGS3MO", "DGS1", "DGS2", "DGS5", "DGS7", "DGS10", "DGS20", "DGS30"):
        (raw / "ust_cmt" / f"{sid}.csv").write_text(f"observation_date,{sid}\n2025-11-28,4.5\n")
    (raw / "sofr" / "SOFR.csv").write_text("observation_date,SOFR\n2025-11-28,4.0\n")
    (raw / "tona_boj" / "TONA.csv").write_text("DATE,OPEN,HIGH,LOW,CLOSE,VOLUME\n20251128,0.5,0.5,0.5,0.5,0\n")
    (raw / "usdjpy" / "DEXJPUS_fred.csv").write_text("observation_date,DEXJPUS\n2025-11-28,156.2\n")
    return raw


def _samples(tmp: Path) -> dict:
    """A valid value for every required parameter, by name (and by callable where names clash)."""
    from fundlib import assumptions, chain, curves, data, leverage, projects, scenarios, waterfall
    from fundlib import structure, treasury, filp, export
    from fundlib.odds import engine as OD, paths as PA

    spec = OD.make_spec()
    from fundlib.market import Market

    rates = data.load_rates_monthly()
    fund = structure.FundStructure()
    market = Market.current()
    jgb = curves.curve_on("2025-10", "jgb", rates)
    res = chain.run(fund, market)
    own, contrib, tiers = waterfall.preset_terms("proposal", fund)
    scen = tmp / "scenario.json"
    assumptions.save_scenario(scen, {"leverage_x": 2.5})
    mof = tmp / "jgbcm.csv"
    mof.write_text("Date,1Y,10Y,30Y\n2016/7/27,-0.3,-0.2,0.1\n2016/7/28,-0.29,-0.25,0.05\n")
    fred = tmp / "SOFR.csv"
    fred.write_text("observation_date,SOFR\n2025-01-02,4.3\n2025-01-31,4.3\n2025-02-28,4.3\n")
    daily = tmp / "USDJPY.csv"
    daily.write_text("DATE,OPEN,HIGH,LOW,CLOSE,VOLUME\n20250131,155,156,154,155.2,0\n20250228,150,151,149,150.6,0\n")
    raw = _raw_layout(tmp / "raw_sample")
    yen = treasury.japan_yen_pnl(fund, 0.08, True)
    sched = leverage.debt_schedule(100.0, 0.05, 10)
    by_name = {
        "rate": 0.05, "cashflows": [-100.0, 30.0, 40.0, 50.0], "dates": ["2025-01-01", "2026-01-01", "2027-06-30"],
        "amounts": [-100.0, 50.0, 60.0], "periods": 10, "present_value": 100.0, "coupon_rate": 0.03,
        "years": 10, "ytm": 0.04, "price": 95.0, "spot": 150.0, "usd_rate": 0.04, "jpy_rate": 0.01,
        "usd_yield": 0.045, "jpy_yield": 0.02, "spot_start": 150.0, "spot_end": 145.0, "rates": rates,
        "n": 50, "volatility": 0.1, "curve": jgb, "tenors": [1.0, 5.0, 10.0], "tenor": 10,
        "column": "jgb_30y", "month": "2025-10", "fund": fund, "market": market, "yield_": 0.03,
        "size_jpy_tn": 23.0, "annual_issue_jpy_tn": 23.0, "years_issuing": 3, "asset_return": 0.08,
        "leverage": 3.0, "debt_cost": 0.0572, "target_equity_return": 0.1, "asset_volatility": 0.12,
        "asset_mean": 0.08, "cfads": [0.0, 10.0, 10.0, 10.0, 10.0, 10.0], "target_dscr": 1.3,
        "annual_usd_bn": 10.0, "debt": 100.0, "total_uses": 100.0, "gearing": 0.6,
        "annual_default_prob": 0.01, "loss_given_default": 0.4, "guaranteed_spread_bp": 120.0,
        "unguaranteed_spread_bp": 300.0, "guarantee_fee_bp": 30.0, "discount_rate": 0.045,
        "key": "solar", "a": projects.archetype("solar"), "cf": [-100.0, 30.0, 40.0, 50.0],
        "debt_rate": 0.06, "seed": 7, "start": 0, "n_sectors": 4, "weights": scenarios.default_weights(),
        "z": scenarios.draw_normals(7, 0, 20, 4), "unc": scenarios.Uncertainty(), "horizon": 40,
        "flows": [-1.0, 0.3, 0.4, 0.5], "public_usd_bn": 100.0, "credit_rate": 0.3,
        "effective_tax_rate": 0.21, "import_base_usd_bn": 150.0, "elasticity": 1.0, "hedged": True,
        "df": yen, "filp_yield": 0.03, "name": "proposal", "deemed_rate": 0.03, "result": res.waterfall,
        "contributions": np.array([[100.0, 0.0, 0.0]]), "distributable": np.array([[0.0, 60.0, 80.0]]),
        "tiers": tiers, "carry": 0.2, "payee": "us_treasury", "shares": {"us_treasury": 0.5, "japan_mof": 0.5},
        "id": "leverage_x", "x": 2.5, "path": scen, "source": scen, "overrides": {"leverage_x": 2.5},
        "series": pd.Series([1.0, 2.0], index=pd.to_datetime(["2025-01-02", "2025-01-31"])),
        "raw_dir": raw, "date": "2025-10-31", "dest": tmp / "raw", "text": "R8.2.27",
    }
    by_callable = {
        "formats.parse_fred_csv": {"source": fred},
        "formats.parse_daily_close_csv": {"source": daily},
        "formats.parse_mof_jgb_csv": {"source": mof},
        "curves.decay_bounds": {"tenors": [1.0, 5.0, 10.0, 30.0]},
        "leverage.debt_schedule": {"tenor": 5},
        "leverage.sculpted_debt": {"tenor": 5},
        "leverage.size_debt": {"tenor": 5},
        "projects.with_debt": {"tenor": 10},
        "treasury.tariff_stream": {"rate": 0.1},
        "waterfall.PreferredReturn": {"rate": 0.08},
        "waterfall.SplitUntilRecouped": {"rate": 0.03},
        "market.MarketGap": {"series": "sofr", "month": "1999-01", "detail": "no data"},
        "sources.fact": {"id": "exim_cap_usd_bn"},
        "assumptions.check": {"id": "leverage_x", "x": 2.5}, "assumptions.check_assumption": {"id": "leverage_x", "value": 2.5, "name": "value"},
        "export.to_excel": {"path": tmp / "fund.xlsx"},
        "chain.inputs.prepare": {"shocks": None, "weights": None, "preset": "proposal", "yen_appreciation": 0.0,
                                 "sofr_path": None, "fx_path": None},
        "odds.engine.odds_chunk": {"spec": spec, "size": 40}, "odds.engine.simulate_chunk": {"spec": spec, "size": 40},
        "odds.history.resample_rows": {"months": 36}, "odds.paths.monthly_changes": {"months": 36},
        "odds.tally.exact_sum": {"x": [0.1, 0.2, 0.3]}, "odds.tally.sketch_tolerance": {"x": [1.0, -2.0], "scale": 100.0},
        "odds.tally.bin_edges": {"scale": 100.0}, "odds.vintages.vintage_flows": {"month": "2015-01"},
        "odds.history.check_block_months": {"block_months": 24},
        "chain.assets.exit_discount": {"T": 16, "H": 70, "shift": 0.0},
        "chain.inputs.check_sector_delays": {"sector_delays": {"power": 1.5}},
        "chain.report.filp_buyback_factor": {"T": 16, "tenor": 30.0, "coupon": 0.03},
        "odds.result.calibration": {"result": OD.run_odds(n=200, chunk=100)}, "odds.backtest.fan": {"launch": "2015-01"},
        "odds.pull.check_pull_scale": {"pull_scale": 1.0},
        "scenarios.projects_per_sector": {"weights": scenarios.default_weights(), "assets_usd_bn": 900.0},
        "scenarios.irr_correlation": {"sector": "power"},
        "scenarios.diversified_normals": {"z": scenarios.draw_normals(1, 0, 5, 4),
                                          "n_projects": {s: 10.0 for s in projects.SECTORS}},
        "scenarios.portfolio_delay_years": {"z": scenarios.draw_normals(1, 0, 5, 4), "k": 1,
                                            "unc": scenarios.Uncertainty(), "n_projects": 50.0},
    }
    instances = {  # result records: their own fields from a real instance
        "chain.engine.ChainResult": res, "waterfall.WaterfallResult": res.waterfall, "leverage.DebtSchedule": sched,
        "market.Market": market, "chain.ledger.Ledger": res.ledger, "projects.ProjectArchetype": projects.archetype("solar"),
        "assumptions.Assumption": assumptions.get("leverage_x"),
        "scenarios.MonteCarloResult": scenarios.run_monte_carlo(n=50, seed=1),
        "treasury.GovernmentComparison": treasury.compare_us(fund, 0.08),
        "filp.FilpIssue": filp.issue_cost(size_jpy_tn=23.0, yield_=0.03, tenor=30),
        "curves.NelsonSiegel": curves.fit_nelson_siegel(jgb)[0],
        "export.Export": export.build(),
        "odds.engine.OddsSpec": spec, "odds.result.OddsResult": OD.run_odds(n=200, chunk=100),
        "odds.paths.MarketPaths": PA.simulate(20, 15), "odds.tally.Tally": OD.odds_chunk(spec, 7, 0, 40),
        "odds.backtest.Backtest": __import__("fundlib.odds.backtest", fromlist=["backtest"]).backtest(n=10),
    }
    small = {  # keep each call quick: the test is about answers, not heavy runs
        "stress.reverse_stress": {"points": 5}, "scenarios.run_monte_carlo": {"n": 50},
        "scenarios.tornado": {"horizon": 40}, "leverage.simulate_equity_returns": {"n": 200},
        "curves.drawn_tenors": {"points": 20}, "jgbstock.negative_stock_history": {"start": "2024-01"},
        "odds.engine.run_odds": {"n": 200, "chunk": 100}, "odds.engine.bench_odds": {"n": 200, "chunk": 100},
        "odds.backtest.fan": {"n": 50, "years": 2}, "odds.backtest.backtest": {"n": 10},
        "odds.sensitivity.sensitivity": {"n": 100, "knobs": ("hedge_share",)}, "scenarios.irr_correlation": {"n": 200},
    }
    return {"by_name": by_name, "by_callable": by_callable, "instances": instances, "small": small}


def baseline(qual: str, obj, s: dict) -> dict:
    """Keyword arguments for a valid call of ``obj``."""
    if qual in s["instances"] and dataclasses.is_dataclass(obj):
        inst = s["instances"][qual]
        kw = {f.name: getattr(inst, f.name) for f in dataclasses.fields(obj) if f.init}
        return kw
    kw = dict(s["small"].get(qual, {}))
    for p in inspect.signature(obj).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in kw:
            continue
        if p.default is not p.empty:
            continue
        spec = s["by_callable"].get(qual, {})
        if p.name in spec:
            kw[p.name] = spec[p.name]
        elif p.name in s["by_name"]:
            kw[p.name] = s["by_name"][p.name]
        else:
            raise AssertionError(f"{qual}: add a valid sample for its required parameter {p.name!r} to _samples")
    return kw


def fuzz_params(obj) -> list[str]:
    return [p.name for p in inspect.signature(obj).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            and p.name not in ("callback", "progress")]


def call_plan(qual: str, obj, base: dict) -> list[dict]:
    """Every single-parameter replacement, then random two- and three-parameter ones up to the quota."""
    params, values = fuzz_params(obj), awkward_values()
    plans = [{p: v} for p in params for v in values]
    rng = np.random.default_rng(zlib.crc32(qual.encode()))
    while len(plans) < CALLS_PER_CALLABLE and params:
        k = int(rng.integers(1, min(3, len(params)) + 1))
        chosen = rng.choice(len(params), size=k, replace=False)
        plans.append({params[i]: values[int(rng.integers(len(values)))] for i in chosen})
    while len(plans) < CALLS_PER_CALLABLE:   # no parameters: extra positional arguments
        plans.append({"*": values[len(plans) % len(values)]})
    return plans


def _no_network(*_a, **_k):
    raise OSError("network disabled in the robustness test")


# Public callables the test leaves out, each with its reason (the list is checked: nothing else is skipped).
EXCLUDED = {"odds.engine.local_cluster": "starts a Dask cluster of worker processes; its arguments are Dask's own"}
CALLABLES = [(q, o) for q, o in public_callables() if q not in EXCLUDED]
NEEDS_NETWORK = {"refresh.download", "refresh.refresh"}   # here the network is switched off: DataError


def test_every_model_callable_is_discovered(samples):
    names = {q for q, _ in CALLABLES}
    assert set(EXCLUDED) <= {q for q, _ in public_callables()}
    assert len(CALLABLES) >= 129, len(CALLABLES)
    for expected in ("finance.xirr", "bonds.bond_price", "structure.capital_stack", "chain.engine.run", "formats.month_end"):
        assert expected in names
    plans = {q: len(call_plan(q, obj, baseline(q, obj, samples))) for q, obj in CALLABLES}
    assert min(plans.values()) >= CALLS_PER_CALLABLE
    out = ROOT / "tests" / "artifacts"
    out.mkdir(exist_ok=True)
    (out / "robustness.json").write_text(json.dumps(
        {"callables": len(plans), "calls": sum(plans.values()), "per_callable": plans}, indent=1))


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    return _samples(tmp_path_factory.mktemp("samples"))


@pytest.mark.timeout(HANG_GUARD_S)
@pytest.mark.parametrize("qual,obj", CALLABLES, ids=[q for q, _ in CALLABLES])
def test_awkward_input_gets_a_result_or_a_clear_error(qual, obj, samples, tmp_path, monkeypatch):
    from fundlib import assumptions

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    s = samples
    base = baseline(qual, obj, s)
    before = assumptions.current_overrides()
    if qual not in NEEDS_NETWORK:   # the sample call itself must work, or the replacements test nothing
        out = obj(**base)
        if hasattr(out, "__enter__"):
            with out:
                pass
        assumptions.use_scenario(before or None)
    failures, calls = [], 0
    try:
        for plan in call_plan(qual, obj, base):
            kw = {**base, **{k: v for k, v in plan.items() if k != "*"}}
            args = (plan["*"],) if "*" in plan else ()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out = obj(*args, **kw)
                    if hasattr(out, "__enter__") and hasattr(out, "__exit__"):
                        with out:
                            pass
            except ALLOWED as exc:
                if len(plan) == 1 and "*" not in plan and isinstance(exc, (InputError, TypeError)):
                    name = next(iter(plan))
                    if not _names_a_parameter(str(exc), name, obj):
                        failures.append(f"{_show(plan)} → {type(exc).__name__} that names no parameter: {exc}")
            except Exception as exc:  # noqa: BLE001 - the point of the test
                failures.append(f"{_show(plan)} → {type(exc).__name__}: {str(exc)[:160]}")
            finally:
                assumptions.use_scenario(before or None)
            calls += 1
    finally:
        assumptions.use_scenario(before or None)
    assert calls >= CALLS_PER_CALLABLE
    assert not failures, f"{qual}: {len(failures)} of {calls} calls crashed:\n" + "\n".join(failures[:25])


def _names_a_parameter(message: str, name: str, obj) -> bool:
    """The message names the replaced parameter as a word ("x = 3", not the x of "max"), or, for a
    rule between parameters (a price no yield reaches, a tenor longer than the flows), another of the
    function's parameters of three letters or more (so "a" or "n" never pass by appearing in prose)."""
    def word(p):
        return re.search(rf"(?<![A-Za-z0-9_]){re.escape(p)}(?![A-Za-z0-9_])", message) is not None
    return word(name) or any(word(p) for p in fuzz_params(obj) if len(p) >= 3 and p != name)


def _show(plan: dict) -> str:
    def one(v):
        if isinstance(v, np.ndarray):
            return f"array{v.shape}"
        if isinstance(v, pd.DataFrame):
            return "DataFrame()"
        return repr(v)[:30]
    return ", ".join(f"{k}={one(v)}" for k, v in plan.items())
