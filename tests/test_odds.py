"""The odds (notebook 07): history-shaped market paths, the whole-chain Monte Carlo, its streaming
tallies, the Dask run, and the historical vintages."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundlib import InputError
from fundlib import odds as O
from fundlib.odds import paths as PA
from fundlib.odds import tally as TL
from fundlib.odds import vintages as V
from fundlib.chain import PARTIES
from fundlib.data import load_rates_monthly
from fundlib.structure import OWNERS


@pytest.fixture(scope="module")
def base():
    return O.run_odds(3000, 11, chunk=3000)


# ----------------------------------------------------------------------------------------- paths

def test_history_is_every_month_since_2000_with_stand_ins_before_sofr_and_tona():
    h = PA.history_changes()
    assert str(h.index[0]) == "2000-02" and h.index.is_monotonic_increasing and not h.isna().any().any()
    r = load_rates_monthly().loc[h.index[0] - 1:h.index[-1]]
    for s, stand, start in (("sofr", "ust_3m", "2018-04"), ("tona", "jgb_1y", "2021-08")):
        before = h.index < pd.Period(start, freq="M") + 1     # the first month of a series still needs its stand-in
        np.testing.assert_array_equal(h.loc[before, s], r[stand].diff().loc[h.index[before]])
        np.testing.assert_array_equal(h.loc[~before, s], r[s].diff().loc[h.index[~before]])
        assert PA.STAND_INS.loc[s, "stand_in"] == stand
    np.testing.assert_allclose(h["usdjpy"], np.log(r["usdjpy"]).diff().loc[h.index])
    assert set(PA.stand_in_table().columns) >= {"stand_in", "description", "series_starts", "stand_in_months"}


def test_bootstrap_resamples_only_observed_months_in_consecutive_blocks():
    hist = PA.history_changes(demean=True).to_numpy()
    H = len(hist)
    for block in (1, 7, 24):
        rows = PA.resample_rows(40, 180, seed=5, block_months=block)
        ch = PA.monthly_changes(40, 180, seed=5, block_months=block)
        np.testing.assert_array_equal(ch, hist[rows])
        m = np.arange(179)
        inside = (m + 1) % block != 0                        # the next month is in the same block
        np.testing.assert_array_equal(rows[:, 1:][:, inside], (rows[:, :-1][:, inside] + 1) % H)
    ch = PA.monthly_changes(30, 60, seed=1, demean=False)
    observed = {tuple(r) for r in PA.history_changes(demean=False).to_numpy()}
    assert all(tuple(v) in observed for v in ch.reshape(-1, ch.shape[-1]))


@pytest.mark.parametrize("block", [24, 12, 5, 1, 30])
def test_annual_paths_are_the_monthly_changes_added_up(block):
    n, years = 25, 12
    mp = PA.simulate(n, years, seed=9, block_months=block)
    ch = PA.monthly_changes(n, 12 * years, seed=9, block_months=block)
    lv0 = PA.start_levels()
    x0 = np.array([np.log(lv0[s]) if s == "usdjpy" else lv0[s] for s in PA.SERIES])
    lv = x0 + np.cumsum(ch, axis=1)                          # month-end levels
    for i, s in enumerate(PA.SERIES):
        got = getattr(mp, s)
        assert np.all(got[:, 0] == lv0[s])
        want = lv[:, :, i].reshape(n, years, 12).mean(axis=2) if s in PA.AVERAGED else lv[:, 11::12, i]
        np.testing.assert_allclose(got[:, 1:], np.exp(want) if s == "usdjpy" else want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("method", PA.METHODS)
def test_paths_are_seeded_and_chunk_invariant(method):
    whole = PA.simulate(500, 15, seed=3, method=method)
    parts = [PA.simulate(m, 15, seed=3, start=s, method=method) for s, m in ((0, 123), (123, 377))]
    for s in PA.SERIES:
        np.testing.assert_array_equal(getattr(whole, s), np.vstack([getattr(p, s) for p in parts]))
    assert not np.array_equal(whole.sofr, PA.simulate(500, 15, seed=4, method=method).sofr)


def test_rates_may_go_negative_and_centred_changes_add_no_drift():
    mp = PA.simulate(20_000, 15, seed=1)
    assert (mp.sofr < 0).any()                               # no floor
    lv0 = PA.start_levels()
    # circular blocks weight every month alike: centred changes leave the mean where it started
    for s in ("jgb_30y", "ust_30y", "sofr"):
        x = getattr(mp, s)[:, -1]
        assert abs(x.mean() - lv0[s]) < 5 * x.std() / np.sqrt(x.size)
    g = PA.simulate(20_000, 1, seed=1, method="gaussian")
    sd = PA.history_changes(demean=True)["jgb_30y"].std()
    assert g.jgb_30y[:, 1].std() == pytest.approx(np.sqrt(12) * sd, rel=0.05)


def test_the_default_block_length_covers_measured_persistence():
    p = PA.persistence()
    assert p.loc["sofr", "lag1_autocorrelation"] > 1.96 / np.sqrt(len(PA.history_changes()))
    assert p.loc["sofr", "variance_ratio_12m"] > 2
    assert PA.DEFAULT_BLOCK_MONTHS >= p["politis_white_months"].max()
    assert p.loc["usdjpy", "politis_white_months"] < 6


# ----------------------------------------------------------------------------------------- the run

def _same(a, b):
    pd.testing.assert_frame_equal(a.stats(), b.stats(), check_exact=True)
    assert a.events == b.events
    for k in a.tally.names():
        np.testing.assert_array_equal(a.values(k), b.values(k))


@pytest.mark.parametrize("cap", [200_000, 1000])
def test_chunking_does_not_change_a_bit(base, cap):
    runs = [O.run_odds(3000, 11, chunk=c, exact_cap=cap) for c in (1000, 2500)]
    ref = base if cap == 200_000 else O.run_odds(3000, 11, chunk=3000, exact_cap=cap)
    for r in runs:
        _same(r, ref)
    pd.testing.assert_frame_equal(runs[0].tornado(), ref.tornado(), check_exact=True)
    _same(O.run_odds(150, 11, chunk=37), O.run_odds(150, 11, chunk=150))


def test_a_seed_reproduces_its_run_and_another_seed_does_not(base):
    _same(O.run_odds(3000, 11), base)
    assert not np.array_equal(O.run_odds(300, 12).values("us_pv_usd_bn"), base.values("us_pv_usd_bn")[:300])


def test_progress_callback_and_what_the_result_holds(base):
    seen = []
    r = O.run_odds(1000, 2, chunk=300, callback=seen.append)
    assert seen == pytest.approx([0.3, 0.6, 0.9, 1.0])
    assert r.exact and r.n == 1000 and r.tally.n == 1000
    for p in r.events.values():
        assert 0.0 <= p <= 1.0
    g = base.governments()
    assert list(g.index) == ["US Treasury", "Japan MoF, hedged", "Japan MoF, unhedged"]
    assert set(base.headline()) >= {"p_loss_us", "p_any_guarantee_call", "p_japan_below_filp_hedged"}
    t = base.tornado()
    assert set(t["input"]) == set(O.INPUT_LABELS) and t["rank_correlation"].abs().is_monotonic_decreasing
    assert base.histogram("us_pv_usd_bn", 30)["count"].sum() >= 0.99 * 3000


def test_importing_the_engine_does_not_import_dask():
    code = "import sys, fundlib.odds, fundlib.odds.vintages; print(any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


@pytest.mark.timeout(120)
def test_a_two_worker_dask_cluster_gives_the_same_bits(base):
    pytest.importorskip("distributed")
    import os

    from distributed import Client

    # local_cluster: LocalCluster(n_workers=2, threads_per_worker=1, processes=True), glibc left to size its heap
    with O.local_cluster(2) as cluster, Client(cluster) as client:
        env = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        seen = []
        r = O.run_odds(3000, 11, chunk=700, client=client, callback=seen.append)
    _same(r, base)
    assert r.workers == 2 and seen[-1] == 1.0
    assert set(env.values()) == {os.environ.get("MALLOC_TRIM_THRESHOLD_")}


# ------------------------------------------------------------------------------ identities and checks

@pytest.fixture(scope="module")
def detail():
    return O.simulate_chunk(O.make_spec(), 11, 40, 60, detail=True)


def test_the_ledger_balances_in_every_scenario(detail):
    res = detail["chain"]
    led, n = res.ledger, 60
    np.testing.assert_allclose(led.net("fund")[:n], 0.0, atol=1e-9)
    total = sum(led.net(p) for p in PARTIES)
    np.testing.assert_allclose(total, 0.0, atol=1e-9)
    np.testing.assert_allclose(led.net("reserve")[:n].sum(axis=1), 0.0, atol=1e-9)
    dist = {o: led.total(o, "distribution", "in")[:n] for o in OWNERS}
    np.testing.assert_allclose(dist["us_treasury"] + dist["japan_mof"], sum(dist.values()), atol=1e-12)
    np.testing.assert_allclose(sum(dist.values()), res.waterfall.paid[:, :len(OWNERS), :n].sum(axis=(0, 1)), atol=1e-9)
    for view in ("hedged", "unhedged"):
        y = detail["yen"][view]
        # the bonds are bought back in the last year only, at a positive price
        np.testing.assert_allclose(y["filp_repaid_jpy_tn"][:, :-1], 0.0)
        assert np.all((y["filp_repaid_jpy_tn"][:, -1] > 0) == (y["called_jpy_tn"].sum(axis=1) > 0))
        np.testing.assert_allclose(y["net_jpy_tn"], y["received_jpy_tn"] - y["filp_coupon_jpy_tn"] - y["filp_repaid_jpy_tn"])


def test_pv_and_irr_against_pyxirr_and_numpy_financial(detail):
    npf = pytest.importorskip("numpy_financial")
    pyxirr = pytest.importorskip("pyxirr")
    m, led, mk = detail["metrics"], detail["chain"].ledger, O.make_spec().market
    ust, jgb = mk.par_yield("USD", 30.0), mk.par_yield("JPY", 30.0)
    us = led.net("us_treasury")
    mp = detail["paths"]
    for i in (0, 7, 23, 41):
        assert m["us_pv_usd_bn"][i] == pytest.approx(npf.npv(ust, us[i]), rel=1e-10, abs=1e-9)
        want = pyxirr.irr(us[i])
        assert (want is None and np.isnan(m["us_irr"][i])) or m["us_irr"][i] == pytest.approx(want, abs=1e-8)
        # Japan unhedged, by hand: yen at the path's USD/JPY, FILP coupons at the path's 30-year yield
        fx = mp.usdjpy[i]
        paid = led.total("japan_mof", direction="out")[i] * fx / 1000
        got = led.total("japan_mof", direction="in")[i] * fx / 1000
        rate = jgb + mp.jgb_30y[i] - mp.jgb_30y[i, 0]
        coupons = np.r_[0.0, np.cumsum(paid * rate)[:-1]]
        net = got - coupons
        # the bonds bought back at the exit: coupons and principal left, on the JGB forwards moved by the path
        T = paid.size
        left = np.rint(30 - (T - 1 - np.arange(T))).astype(int)
        D = mk.discount("JPY", np.arange(T - 1, T + left.max(), dtype=float))
        shift = np.clip(mp.jgb_30y[i, -1] - mp.jgb_30y[i, 0], -0.2, 0.5)
        dfw = 1 / np.cumprod(D[:-1] / D[1:] + shift)
        price = np.where(left >= 1, rate * np.cumsum(dfw)[np.clip(left, 1, None) - 1] + dfw[np.clip(left, 1, None) - 1], 1.0)
        net[-1] -= paid @ price
        # Japan's budget view: PV on the snapshot's JGB zero curve
        want = net @ mk.discount("JPY", np.arange(T, dtype=float))
        assert m["japan_pv_unhedged_jpy_tn"][i] == pytest.approx(want, rel=1e-10, abs=1e-9)
        want = pyxirr.irr(got - paid)
        assert (want is None and np.isnan(m["japan_irr_unhedged"][i])) or m["japan_irr_unhedged"][i] == pytest.approx(want, abs=1e-8)


def test_the_row_irr_matches_the_batch_irr_and_ignores_its_batch_mates(rng):
    from fundlib.finance import irr

    cf = rng.normal(size=(3000, 16))
    cf[:, 0] = -10 * np.abs(cf[:, 0])
    cf[:300, 1:] = np.abs(cf[:300, 1:]) * 0.01                # IRRs near -100%: the bisection fallback
    for guess in (0.1, None):                                  # None: a start of its own for each row
        a = TL.row_irr(cf, guess=guess)
        np.testing.assert_allclose(a, irr(cf), atol=1e-9)
        idx = rng.permutation(3000)[:401]
        np.testing.assert_array_equal(TL.row_irr(cf[idx], guess=guess), a[idx])


def test_exact_quantiles_are_numpys_and_sketched_ones_within_a_bin(base):
    sketch = O.run_odds(3000, 11, chunk=1000, exact_cap=0)
    assert base.exact and not sketch.exact
    for m in ("us_pv_usd_bn", "japan_pv_hedged_jpy_tn", "japan_irr_unhedged", "exim_loss_usd_bn"):
        v = base.values(m)
        v = np.sort(v[np.isfinite(v)])
        s, k = base.tally.stats(m), -(-v.size // 20)
        for q in TL.QUANTILES:
            name = f"p{q * 100:g}"
            assert s[name] == np.quantile(v, q)
            j = int(np.floor(q * (v.size - 1)))               # between these two order statistics
            tol = TL.sketch_tolerance(v[[j, min(j + 1, v.size - 1)]], O.SCALES[m]).max()
            assert abs(sketch.tally.stats(m)[name] - s[name]) <= tol + 1e-12
        assert s["es5"] == pytest.approx(v[:k].mean(), rel=1e-12, abs=1e-12)
        assert s["mean"] == pytest.approx(v.mean(), rel=1e-12, abs=1e-15)
        assert s["std"] == pytest.approx(v.std(ddof=1), rel=1e-9)
        assert sketch.tally.stats(m)["mean"] == s["mean"]     # exact sums in either mode
    # a lost stake (the smallest value) and no guarantee call (zero) are counted exactly
    for m in ("us_pv_usd_bn", "guarantee_calls_usd_bn", "exim_loss_usd_bn"):
        s, k = base.tally.stats(m), sketch.tally.stats(m)
        for name in ("p1", "p5", "p50"):
            if s[name] == base.values(m).min() or s[name] == 0.0:
                assert k[name] == s[name]


def test_exact_sums_do_not_depend_on_order(rng):
    x = rng.standard_cauchy(20_000) * 1e3
    x = x[np.abs(x) < 1e7]
    assert TL.exact_sum(x) == TL.exact_sum(x[::-1]) == TL.exact_sum(rng.permutation(x))
    assert float(TL.exact_sum(x)) == pytest.approx(np.sum(x), rel=1e-12)
    def tallies():
        return [TL.Tally.of(s, {"a": x[s:s + 700]}, {"e": x[s:s + 700] > 0}, {}, {"a": 1.0}, 1000) for s in range(0, 2100, 700)]

    a, b = tallies(), tallies()
    fwd, back = a[0].merge(a[1]).merge(a[2]), b[2].merge(b[0]).merge(b[1])
    assert fwd.stats("a") == back.stats("a") and fwd.events == back.events
    np.testing.assert_array_equal(fwd.values("a"), back.values("a"))
    np.testing.assert_array_equal(fwd.values("a"), x[:1000])
    with pytest.raises(ValueError, match="merged twice"):
        fwd.merge(tallies()[1])
    with pytest.raises(ValueError, match="misses chunks"):
        tallies()[1].merge(tallies()[2]).values("a")


def test_the_macro_factor_can_load_on_the_market_path():
    r = O.run_odds(2000, 4, macro_market_corr=0.9)
    c = np.corrcoef(r.values("macro"), r.values("sofr_change"))[0, 1]
    assert c > 0.8
    assert abs(np.corrcoef(*(O.run_odds(2000, 4).values(k) for k in ("macro", "sofr_change")))[0, 1]) < 0.1


def test_bad_inputs_name_the_parameter():
    H = len(PA.history_changes())
    cases = [(dict(block_months=H + 1), "block_months"), (dict(block_months=0), "block_months"),
             (dict(n=0), "n"), (dict(chunk=-5), "chunk"), (dict(method="normal"), "method"),
             (dict(weights={"data_centres": 1.2, "power": 0.0}), "weights"), (dict(macro_market_corr=1.0), "macro_market_corr"),
             (dict(exact_cap=-1), "exact_cap"), (dict(asset_return=np.nan), "asset_return")]
    for kw, name in cases:
        with pytest.raises(InputError, match=name) as e:
            O.run_odds(**{"n": 10, **kw})
        assert e.value.name.startswith(name)
    for kw, name in [(dict(fund="big"), "fund"), (dict(n="10"), "n"), (dict(demean="yes"), "demean"),
                     (dict(callback=3), "callback"), (dict(unc=0.1), "unc"), (dict(client=object()), "client")]:
        with pytest.raises(TypeError, match=name):
            O.run_odds(**{"n": 10, **kw})
    with pytest.raises(InputError, match="block_months"):
        PA.simulate(5, 3, block_months=H + 1)
    with pytest.raises(InputError, match="n"):
        PA.simulate(0, 3)
    with pytest.raises(TypeError, match="years"):
        PA.simulate(5, "3")


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 60), seed=st.integers(0, 2**32))
def test_any_small_run_gives_coherent_odds(n, seed):
    r = O.run_odds(n, seed, chunk=25)
    for p in r.events.values():
        assert 0.0 <= p <= 1.0
    s = r.stats()
    assert ((s["prob_negative"] >= 0) & (s["prob_negative"] + s["prob_positive"] <= 1 + 1e-12)).all()
    ok = s["n_finite"] > 0
    assert (s.loc[ok, "p5"] <= s.loc[ok, "p50"]).all() and (s.loc[ok, "p50"] <= s.loc[ok, "p95"]).all()
    assert (s.loc[ok, "es5"] <= s.loc[ok, "p5"]).all()


# ----------------------------------------------------------------------------------------- vintages

@pytest.fixture(scope="module")
def vint():
    return V.vintages()


def test_vintages_cover_2000_to_five_years_before_the_last_month(vint):
    last = pd.Period(vint.attrs["last_month"], freq="M")
    assert str(vint.index[0]) == "2000-01" and vint.index[-1] == last - 60
    assert vint.loc[pd.Period("2010-01", freq="M"), "sofr_is_stand_in"] and not vint.iloc[-1]["sofr_is_stand_in"]
    assert {"pnl_hedged_jpy_tn", "pnl_unhedged_jpy_tn"} <= set(vint.columns)
    bw = V.best_and_worst(vint)
    assert list(bw.index) == ["best", "worst"]
    assert bw.loc["best", "pnl_hedged_jpy_tn"] == vint["pnl_hedged_jpy_tn"].max()
    assert bw.loc["worst", "pnl_hedged_jpy_tn"] == vint["pnl_hedged_jpy_tn"].min()
    with pytest.raises(InputError, match="column"):
        V.best_and_worst(vint, "pnl")
    with pytest.raises(InputError, match="min_years"):
        V.vintages(min_years=0)
    with pytest.raises(TypeError, match="fund"):
        V.vintages(fund="default")
    with pytest.raises(InputError, match="month"):
        V.vintage_flows("1999-12")


def test_a_finished_vintage_is_the_sum_of_its_yen_flows(vint):
    done = vint[vint["fund_ended"]]
    assert len(done) > 100 and (done["remaining_value_jpy_tn"] == 0).all()
    for m in done.index[::37]:
        v = V.vintage_flows(m)
        for col, rate in (("pnl_unhedged_jpy_tn", v["usdjpy"]), ("pnl_hedged_jpy_tn", v["forward"])):
            paid, got = v["called_usd_bn"] * rate / 1000, v["received_usd_bn"] * rate / 1000
            coupons = np.r_[0.0, np.cumsum(paid * v["filp_rate"])[:-1]]
            # the FILP bonds bought back at the exit at their value on that month's JGB curve
            assert vint.loc[m, col] == pytest.approx(got.sum() - coupons.sum() - paid @ v["buyback"], rel=1e-12)
        assert v["forward"][0] == v["usdjpy"][0]
    # a fund still running: the P&L adds the remaining value to what has happened
    row = vint.iloc[-1]
    assert not row["fund_ended"] and row["remaining_value_jpy_tn"] > 0
    for view, rest in (("hedged", "remaining_value_hedged_jpy_tn"), ("unhedged", "remaining_value_jpy_tn")):
        assert row[f"pnl_{view}_jpy_tn"] == pytest.approx(row[f"received_{view}_jpy_tn"] - row[f"filp_coupons_{view}_jpy_tn"]
                                                          - row[f"called_{view}_jpy_tn"] + row[rest], rel=1e-12)
