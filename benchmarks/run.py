"""Speed figures, printed as ratios against peers measured in the same run.

    make bench        (or: .venv/bin/python benchmarks/run.py [--quick] [--no-browser])

Targets: a slider's recompute under 100 ms at the 95th percentile; key press -> chart repainted in the
browser under 300 ms at the 95th percentile; batch IRR of 100,000 forty-year vectors faster than a
loop of pyxirr (Rust) over the rows and far faster than numpy-financial.

Every figure is printed and written to benchmarks/results/bench.json; a full run (not --quick) also
writes docs/speed.json, from which the README's speed table is drawn (benchmarks/table.py). The tests
never time anything: speed is measured here.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def cashflows(n, periods=40, seed=7):
    rng = np.random.default_rng(seed)
    cf = rng.uniform(0.0, 15.0, (n, periods))
    cf[:, 0] = -100.0
    cf[:, 1:3] -= 20.0  # construction years: two more sign changes are possible
    return cf


def bench_irr(n: int) -> list[tuple[str, float, str]]:
    import numpy_financial as npf
    import pyxirr

    from fundlib.finance import irr

    cf = cashflows(n)
    t_fund = best_of(lambda: irr(cf))
    t_pyx = best_of(lambda: [pyxirr.irr(row, silent=True) for row in cf], repeat=1)
    sub = max(n // 100, 200)                       # numpy-financial takes about half a millisecond a row
    t_npf = best_of(lambda: [npf.irr(row) for row in cf[:sub]], repeat=1)
    per_row = (t_npf / sub) / (t_fund / n)
    ours = irr(cf)
    ref = np.array([pyxirr.irr(row, silent=True) for row in cf[:2000]], dtype=float)
    agree = np.nanmax(np.abs(ours[:2000] - ref))
    return [
        (f"batch IRR, {n:,} x 40y: fundlib.finance.irr", t_fund, "1.0x"),
        ("  pyxirr.irr in a Python loop", t_pyx, f"fundlib is {t_pyx / t_fund:,.1f}x faster"),
        (f"  numpy_financial.irr loop over {sub:,} of the rows (measured on those)", t_npf,
         f"per row, fundlib is {per_row:,.0f}x faster"),
        ("  max |fundlib - pyxirr| on 2,000 rows", agree, "(rate, not seconds)"),
    ]


def bench_app(name: str, build, moves: list[tuple[str, object]], target_ms: float = 100.0) -> tuple[str, float, str]:
    gc.collect()  # garbage left by earlier benchmarks must not land in this one's timings
    app = build()
    for key, value in moves:  # warm-up round (first calls pay for imports and caches): not counted
        app.controls[key].value = value
    times = []
    for _ in range(5):
        for key, value in moves:
            app.controls[key].value = value
            times.append(app.last_seconds)
    p50, p95 = np.percentile(times, [50, 95])
    return (f"{name}: recompute per slider move, p50 of {len(times)}", p50,
            f"p95 {p95 * 1e3:.1f} ms; target p95 ≤ {target_ms:.0f} ms: {'ok' if p95 * 1e3 <= target_ms else 'SLOW'}")


def bench_dashboard() -> tuple[str, float, str]:
    """The dashboard: one shared-panel move recomputes all seven panels."""
    from fundlib import apps, assumptions as A

    gc.collect()
    d = apps.build_dashboard()
    times = []
    for value in (4.0, 4.5, 5.0, 3.68, 4.2, 3.9):
        d.shared["sofr"].value = value
        times.append(d.last_seconds)
    A.use_scenario(None)
    return ("dashboard: one shared-slider move recomputes 7 panels (median of 6)", statistics.median(times),
            f"worst {max(times) * 1e3:.0f} ms for the whole page; each panel under 100 ms")


def bench_engine(n: int) -> list[tuple[str, float, str]]:
    """The portfolio Monte Carlo: n scenarios x 4 sectors x 40 years, IRRs included."""
    from fundlib import scenarios as SC

    SC.run_monte_carlo(n=1000, seed=1)  # warm caches
    t = best_of(lambda: SC.run_monte_carlo(n=n, seed=1), repeat=2)
    return [(f"Monte Carlo engine: {n:,} scenarios x 4 sectors x 40 years + IRRs", t,
             f"{n / t:,.0f} scenarios a second; target about 1 s for 100,000")]


_RUN = """
import json, resource, sys, time
from fundlib import odds as OD
n, workers = int(sys.argv[1]), int(sys.argv[2])
OD.bench_odds(n=2_000, life_years=40)                         # warm the caches (not timed)
if workers:
    from dask.distributed import Client
    with OD.local_cluster(workers) as cluster, Client(cluster) as client:
        OD.bench_odds(n=4_000, life_years=40, client=client)  # warm the workers (not timed)
        t0 = time.perf_counter()
        r = OD.bench_odds(n=n, life_years=40, chunk=5_000, client=client)
        wall = time.perf_counter() - t0
else:
    t0 = time.perf_counter()
    r = OD.bench_odds(n=n, life_years=40, chunk=5_000)
    wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench_whole_chain(quick: bool) -> list[tuple[str, float, str]]:
    """The odds engine (notebook 07): the whole chain of a 40-year fund for n scenarios, measured end to
    end (the call's wall time, caches and workers warm), in one process and on a 2-worker Dask
    LocalCluster, each in its own process (the one-process run's peak memory is its own)."""
    import subprocess

    n = 100_000 if quick else 1_000_000
    runs = {}
    for workers in (0, 2):
        out = subprocess.run([sys.executable, "-c", _RUN, str(n), str(workers)], capture_output=True, text=True,
                             check=True)
        runs[workers] = json.loads(out.stdout.strip().splitlines()[-1])
    best = min(runs, key=lambda w: runs[w]["wall"])
    rows = []
    for workers, label in ((0, "one process"), (2, "a 2-worker Dask LocalCluster")):
        r = runs[workers]
        note = f"{n / r['wall']:,.0f} scenarios a second, measured"
        if workers == 0:
            note += f"; peak resident memory {r['peak_mb']:,.0f} MB (chunks of 5,000: bounded by the chunk, not by n)"
        if workers == best:
            note += f"; the faster of the two; target for 1,000,000: 20 s{'' if n == 1_000_000 else ' (this is a quick run)'}"
        rows.append((f"Odds engine: {n:,} scenarios x 40-year fund, whole chain, on {label}", r["wall"], note))
    return rows


def bench_jgb_stock() -> tuple[str, float, str]:
    """Notebook 03's negative-yielding stock, month by month over 2014-2024 (each month its own market)."""
    from fundlib import jgbstock as J

    J.negative_stock_history("2014-01", "2014-02")   # warm the caches
    t = best_of(J.negative_stock_history, repeat=2)
    return ("03 negative-yielding JGB stock, 132 month-ends priced issue by issue", t, "one call, caches warm")


def browser_rows() -> list[tuple[str, float, str]]:
    import browser

    rows = []
    for r in browser.measure(browser.notebooks()):
        if r["p50_ms"] is None:
            rows.append((f"browser {r['notebook'][:2]} {r['app']}: key press -> chart repainted, p50", float("nan"),
                         "no slider or toggle button repainted a chart"))
            continue
        label = f"browser {r['notebook'][:2]} {r['app']}: {r['action']} -> chart repainted, p50"
        ok = "ok" if r["p95_ms"] <= r["target_ms"] else "SLOW"
        rows.append((label, r["p50_ms"] / 1e3, f"p95 {r['p95_ms']} ms over {r['presses']} {'presses' if r['action'] == 'key press' else 'clicks'} "
                     f"({r['control'].strip()});"
                     f" target p95 < {r['target_ms']} ms: {ok}"))
    return rows


ROOT = Path(__file__).resolve().parent.parent


def previous(quick: bool) -> dict:
    """measure -> seconds of the previous artefact of the same kind (a full run's docs/speed.json, a quick
    run's benchmarks/results/bench.json), for the ratio each line prints; {} when there is none."""
    path = ROOT / "benchmarks" / "results" / "bench.json" if quick else ROOT / "docs" / "speed.json"
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if record.get("quick", False) != quick:
        return {}
    return {r["measure"]: r["seconds"] for r in record.get("rows", []) if r.get("seconds") is not None}


def ratio(seconds, before) -> float | None:
    """This run's time ÷ the previous run's (below 1: faster), or None for a new line or a NaN."""
    if before is None or seconds is None or seconds != seconds or not before:
        return None
    return seconds / before


def write(rows, quick: bool, before: dict) -> None:
    import table

    record = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "quick": quick,
              "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(),
                          "load_average_1m": round(os.getloadavg()[0], 2)},
              "rows": [{"measure": m, "seconds": None if s != s else s, "note": n,
                        "previous_seconds": before.get(m), "ratio_to_previous": ratio(None if s != s else s, before.get(m))}
                       for m, s, n in rows]}
    root = ROOT
    (root / "benchmarks" / "results").mkdir(exist_ok=True)
    (root / "benchmarks" / "results" / "bench.json").write_text(json.dumps(record, indent=1))
    if not quick:
        (root / "docs" / "speed.json").write_text(json.dumps(record, indent=1) + "\n")
        table.update_readme(root / "README.md", record)
        print("wrote docs/speed.json and the README's speed table")


def main(argv):
    quick = "--quick" in argv
    n = 10_000 if quick else 100_000
    from fundlib import apps

    rows = bench_irr(n)
    rows.append(bench_app("00 start-here app", apps.build_start_app,
                          [("equity_usd_bn", 400.0), ("leverage", 3.5), ("us_share_pct", 60.0), ("equity_usd_bn", 300.0),
                           ("leverage", 3.0), ("us_share_pct", 50.0)]))
    rows.append(bench_app("01 structure app", apps.build_structure_app,
                          [("asset_return_pct", 8.0), ("preset", "mou_2025"), ("preset", "retail_first"),
                           ("carry_pct", 20.0), ("hurdle_pct", 8.0), ("us_share_pct", 60.0), ("preset", "proposal")]))
    rows.append(bench_app("01 three-terms app", apps.build_presets_app,
                          [("asset_return_pct", 9.0), ("deemed_rate_pct", 6.0), ("life_years", 20.0)]))
    rows.append(bench_app("02 ROE app", apps.build_roe_app,
                          [("leverage", 4.0), ("stress", "both"), ("asset_return_pct", 8.0), ("stress", "none")]))
    rows.append(bench_app("02 project-finance app", apps.build_project_finance_app,
                          [("profile", "annuity"), ("shape", "level"), ("gearing_pct", 40.0), ("profile", "sculpted")]))
    rows.append(bench_app("02 risk app (20,000 draws)", apps.build_risk_app,
                          [("leverage", 4.0), ("distribution", "lognormal"), ("asset_volatility_pct", 15.0)]))
    rows.append(bench_app("03 curves app (Svensson fit)", apps.build_curves_app,
                          [("method", "svensson"), ("month", "2016-07"), ("month", "2024-01"), ("method", "pchip")]))
    rows.append(bench_app("03 funding app", apps.build_funding_app, [("tenor", 10), ("issue_jpy_tn", 30.0), ("tenor", 30)]))
    rows.append(bench_app("03 hedging app", apps.build_hedging_app, [("basis_bp", -50.0), ("hedge_months", 12.0), ("sofr_pct", 5.0)]))
    rows.append(bench_app("03 FX-risk app (20,000 paths)", apps.build_fx_risk_app,
                          [("horizon_years", 5), ("volatility_pct", 15.0), ("horizon_years", 20)]))
    rows.append(bench_app("04 project app", apps.build_project_app,
                          [("capex_change_pct", 20.0), ("archetype", "gas_ccgt"), ("gearing_pct", 50.0), ("archetype", "ai_dc_shell")]))
    rows.append(bench_app("04 Monte Carlo app (5,000 scenarios)", apps.build_monte_carlo_app,
                          [("seed", 7), ("macro_corr", 0.8), ("width_pct", 150.0), ("seed", 8)]))
    rows.append(bench_app("05 who-gets-paid app", apps.build_who_gets_paid_app,
                          [("asset_return_pct", 8.0), ("preset", "mou_2025"), ("tax_credit_pct", 20.0), ("preset", "proposal")]))
    rows.append(bench_app("06 stress dashboard", apps.build_stress_app,
                          [("sofr_bp", 200.0), ("delay_years", 3), ("ai_bust", 1.5), ("sofr_bp", 0.0)]))
    rows.append(bench_app("07 odds app (2,000 whole-chain scenarios)", apps.build_odds_app,
                          [("leverage", 2.5), ("view", "Unhedged"), ("block_months", 12), ("leverage", 3.0)],
                          target_ms=150.0))
    rows.append(bench_dashboard())
    rows.append(bench_jgb_stock())
    rows += bench_engine(n)
    rows += bench_whole_chain(quick)
    if "--no-browser" not in argv:
        rows += browser_rows()
    kind = quick or "--no-browser" in argv
    before = previous(kind)
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'seconds':>10}  {'÷ previous':>10}  comparison")
    for label, secs, note in rows:
        shown = f"{secs:10.4f}" if "rate" not in note else f"{secs:10.1e}"
        k = ratio(secs, before.get(label))
        print(f"{label:<{width}}  {shown}  {'new' if k is None else f'{k:9.2f}x':>10}  {note}")
    write(rows, kind, before)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
