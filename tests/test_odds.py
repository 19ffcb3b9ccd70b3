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
from fundlib import assumptions as A
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
    mp = PA.simulate(n, years, seed=9, block_months=block, model="walk")
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


def test_the_walk_may_go_negative_and_centred_changes_add_no_drift():
    mp = PA.simulate(20_000, 15, seed=1, model="walk")
    assert (mp.sofr < 0).any()                               # no floor
    lv0 = PA.start_levels()
    # circular blocks weight every month alike: centred changes leave the mean where it started
    for s in ("jgb_30y", "ust_30y", "sofr"):
        x = getattr(mp, s)[:, -1]
        assert abs(x.mean() - lv0[s]) < 5 * x.std() / np.sqrt(x.size)
    g = PA.simulate(20_000, 1, seed=1, method="gaussian", model="walk")
    sd = PA.history_changes(demean=True)["jgb_30y"].std()
    assert g.jgb_30y[:, 1].std() == pytest.approx(np.sqrt(12) * sd, rel=0.05)


def _pulled_by_hand(n, years, seed, block, pull_scale=1.0, fx_drift="none"):
    """The pulled model written out scenario by scenario, month by month, in plain Python: each rate's
    shadow pulled and shocked with no floor, the rate the shadow floored at its bound."""
    t = PA.rate_model()
    E = PA.shocks().to_numpy()
    rows = PA.resample_rows(n, 12 * years, seed=seed, block_months=block)
    lv0 = PA.start_levels()
    out = {s: np.zeros((n, years + 1)) for s in PA.SERIES}
    for i in range(n):
        shadow = {s: lv0[s] for s in PA.RATES}
        rate = dict(shadow)
        fx = np.log(lv0["usdjpy"])
        acc = {s: 0.0 for s in PA.SERIES}
        for s in PA.SERIES:
            out[s][i, 0] = lv0[s]
        for m in range(12 * years):
            e = E[rows[i, m]]
            drift = (rate["tona"] - rate["sofr"]) / 12.0 if fx_drift == "uip" else 0.0
            for j, s in enumerate(PA.RATES):
                k, th, b = t.loc[s, "kappa_month"] * pull_scale, t.loc[s, "long_run_level"], t.loc[s, "lower_bound"]
                shadow[s] = shadow[s] + k * (th - shadow[s]) + e[j]
                rate[s] = max(b, shadow[s])
            fx += e[-1] + drift
            for s in PA.SERIES:
                acc[s] += fx if s == "usdjpy" else rate[s]
            if (m + 1) % 12 == 0:
                y = (m + 1) // 12
                for s in PA.SERIES:
                    v = fx if s == "usdjpy" else rate[s]
                    out[s][i, y] = acc[s] / 12.0 if s in PA.AVERAGED else (np.exp(v) if s == "usdjpy" else v)
                    acc[s] = 0.0
    return out


@pytest.mark.parametrize("block,pull,fx", [(24, 1.0, "none"), (7, 2.0, "uip"), (1, 0.0, "none")])
def test_the_pulled_paths_equal_the_model_written_out_by_hand(block, pull, fx):
    mp = PA.simulate(6, 4, seed=5, block_months=block, pull_scale=pull, fx_drift=fx)
    want = _pulled_by_hand(6, 4, 5, block, pull, fx)
    for s in PA.SERIES:
        np.testing.assert_allclose(getattr(mp, s), want[s], rtol=1e-12, atol=1e-15)


def test_pulled_rates_stay_above_their_bounds_sit_there_for_a_while_and_stop_spreading():
    t = PA.rate_model()
    mp = PA.simulate(20_000, 40, seed=1)
    for s in PA.RATES:
        # a year's average or year-end of month-ends that are each at or above the bound
        assert getattr(mp, s).min() >= t.loc[s, "lower_bound"] - 1e-15
    assert t.loc["sofr", "lower_bound"] == A.value("rate_lower_bound_usd") == 0.0
    assert t.loc["tona", "lower_bound"] == A.value("rate_lower_bound_jpy")
    assert t.loc["jgb_30y", "lower_bound"] == PA.history_levels()["jgb_30y"].min()
    assert 0.05 < (mp.sofr[:, 40] == 0.0).mean() < 0.3                     # at the bound while the shadow is below
    assert 0.9 < mp.sofr[:, 40].std() / mp.sofr[:, 10].std() < 1.2        # a walk gives 2
    walk = PA.simulate(20_000, 40, seed=1, model="walk")
    assert walk.sofr[:, 40].std() / walk.sofr[:, 10].std() > 1.8
    # the shadow is pulled to the long-run level, so the rate's median is there after 40 years
    assert np.median(mp.sofr[:, 40]) == pytest.approx(A.value("rate_long_run_sofr"), abs=0.003)


def test_the_speeds_are_statsmodels_ols_with_newey_west_errors():
    import statsmodels.api as sm

    t = PA.rate_model()
    x = PA.history_levels()["ust_30y"].to_numpy()
    dx, lag = np.diff(x), x[:-1]
    # the stand-in's own change before a series starts, never the jump across the splice (TONA from
    # 2021-08: 9.4 bp between the stand-in's July and TONA's August)
    assert abs(PA.shocks()["tona"].loc[pd.Period("2021-08", "M")]) < 0.0005
    beta = np.polyfit(lag, dx, 1)[0]                         # an independent least-squares fit
    assert t.loc["ust_30y", "kappa_month"] == pytest.approx(-beta, rel=1e-9)
    fit = sm.OLS(dx, sm.add_constant(lag)).fit(cov_type="HAC", cov_kwds={"maxlags": 12})
    assert t.loc["ust_30y", "kappa_se"] == pytest.approx(fit.bse[1], rel=1e-12)
    assert t.loc["ust_30y", "speed_per_year"] == pytest.approx(-12 * np.log(1 + beta), rel=1e-9)
    # each yield's long-run level: its currency's anchor plus its 2000-2025 average spread over the short rate
    lv = PA.history_levels()
    assert t.loc["ust_30y", "long_run_level"] == pytest.approx(A.value("rate_long_run_sofr") + lv["ust_30y"].mean() - lv["sofr"].mean())
    assert t.loc["jgb_30y", "long_run_level"] == pytest.approx(A.value("rate_long_run_tona") + lv["jgb_30y"].mean() - lv["tona"].mean())


def test_the_speeds_bias_check_fits_random_walks_the_same_way():
    t = PA.rate_model()
    assert ((t["random_walk_share"] > 0) & (t["random_walk_share"] < 1)).all()
    # a pull as fast as UST 30Y's is common among random walks fitted over 309 months
    assert t.loc["ust_30y", "random_walk_share"] > 0.1 and t.loc["ust_1y", "random_walk_share"] < 0.2


def test_uip_drift_moves_the_yen_by_the_rate_gap():
    none = PA.simulate(4_000, 10, seed=2)
    uip = PA.simulate(4_000, 10, seed=2, fx_drift="uip")
    gap = np.log(uip.usdjpy[:, -1] / none.usdjpy[:, -1])
    # the same shocks; the drift is the sum of (TONA - SOFR)/12 over the months, about the years' averages
    approx = (none.tona[:, 1:] - none.sofr[:, 1:]).sum(axis=1)
    assert np.corrcoef(gap, approx)[0, 1] > 0.99 and abs(np.mean(gap - approx)) < 0.01
    assert np.median(gap) < -0.1                             # dollar rates above yen rates: the yen gains


def test_bad_model_arguments_name_themselves():
    for kw, name in [(dict(model="random"), "model"), (dict(fx_drift="ppp"), "fx_drift"), (dict(pull_scale=9), "pull_scale")]:
        with pytest.raises(InputError, match=name):
            PA.simulate(10, 2, **kw)
    with pytest.raises(TypeError, match="pull_scale"):
        PA.simulate(10, 2, pull_scale="fast")


def test_politis_white_equals_arch():
    from arch.bootstrap import optimal_block_length

    for x in (PA.history_changes(demean=True), PA.shocks()):
        for s in PA.SERIES:
            want = float(optimal_block_length(x[s].to_numpy())["circular"].iloc[0])
            assert PA._politis_white(x[s].to_numpy()) == pytest.approx(want, rel=1e-12)


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
    assert list(g.index) == ["US Treasury", "Japan MoF, hedged", "Japan MoF, rolled hedge", "Japan MoF, unhedged"]
    assert (g["prob_nominal_loss"] <= 1).all() and (g["prob_nominal_loss"] >= 0).all()
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
        again = [O.run_odds(400, 11, chunk=100, client=client) for _ in range(4)]   # the same spec, run after run
    _same(r, base)
    for a in again[1:]:
        _same(a, again[0])
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


# ------------------------------------------------------------------ views, losses and calibration

def test_the_rolled_hedge_rolls_one_year_forwards_at_the_paths_own_rates(detail):
    mp, m = detail["paths"], O.make_spec().market
    r = detail["yen"]["rolled"]["jpy_per_usd"]
    for i in range(3):
        rate = mp.usdjpy[i, 0]
        assert r[i, 0] == rate
        for t in range(1, mp.sofr.shape[1]):
            rate *= (1 + mp.jgb_1y[i, t - 1] + m.basis_bp * 1e-4) / (1 + mp.ust_1y[i, t - 1])   # one more year rolled
            assert r[i, t] == pytest.approx(rate, rel=1e-13)
    # on the snapshot's own one-year rates held flat, rolling equals a forward locked a year at a time
    one = (1 + m.zero_rate("JPY", 1.0) + m.basis_bp * 1e-4) / (1 + m.zero_rate("USD", 1.0))
    assert m.forward_usdjpy(1.0) == pytest.approx(mp.usdjpy[0, 0] * one, rel=1e-12)


def test_nominal_losses_and_the_guarantors_credit_loss_come_from_the_ledger(detail):
    res = detail["chain"]
    L, n = res.ledger, 60
    us = L.net("us_treasury")[:n]
    assert np.array_equal(detail["events"]["us_nominal_loss"], us.sum(axis=1) < 0)
    for view in ("hedged", "rolled", "unhedged"):
        net = detail["yen"][view]["net_jpy_tn"]
        assert np.array_equal(detail["events"][f"japan_nominal_loss_{view}"], net.sum(axis=1) < 0)
    calls = sum(L.total(g, "guarantee call", "out")[:n] for g in ("exim", "jbic"))
    back = sum(L.total(g, "guarantee recovery", "in")[:n] for g in ("exim", "jbic"))
    ust = O.make_spec().market.par_yield("USD", 30.0)
    t = np.arange(calls.shape[1])
    np.testing.assert_allclose(detail["metrics"]["guarantee_credit_loss_usd_bn"], ((calls - back) * (1 + ust) ** -t).sum(axis=1),
                               rtol=1e-12, atol=1e-12)


def test_the_calibration_table_reads_the_run(base):
    c = base.calibration()
    assert list(c.index) == list(O.ANCHORS)
    assert c.loc["p_any_call", "engine"] == base.probability("any_guarantee_call")
    assert c.loc["sofr_above_10pct", "engine"] == base.probability("sofr_above_10pct")
    assert c.loc["p_owners_nothing", "engine"] == pytest.approx(base.governments().loc["US Treasury", "prob_no_irr"])
    for _, r in c.iterrows():
        want = ("within" if r.anchor_low - 1e-12 <= r.engine <= r.anchor_high + 1e-12
                else "above" if r.engine > r.anchor_high else "below")
        assert r.verdict == want and r.source and r.anchor
    # the pulled model keeps SOFR at or above zero; the walk does not
    assert c.loc["sofr_below_zero", "verdict"] == "within"
    walk = O.run_odds(600, 11, model="walk").calibration()
    assert walk.loc["sofr_below_zero", "engine"] > 0 and walk.loc["sofr_sd_ratio", "verdict"] == "above"


def test_the_backtest_pit_is_the_share_of_paths_below_what_happened():
    from fundlib.odds import backtest as BT

    b = BT.backtest(n=40, seed=3)
    cov = b.coverage()
    assert cov.loc[("sofr", 1), "launches"] == 252 and cov.loc[("sofr", 10), "launches"] == 190
    lv = PA.history_levels()
    launches = lv.index[(lv.index >= pd.Period("2000-01", "M")) & (lv.index <= pd.Period("2020-12", "M"))]
    j = list(launches).index(pd.Period("2007-06", "M"))
    rows = PA.resample_rows(252 * 40, 120, seed=3)[j * 40:(j + 1) * 40]
    x0 = np.repeat(np.array([[lv.loc["2007-06", s]] for s in PA.RATES] + [[np.log(lv.loc["2007-06", "usdjpy"])]]), 40, axis=1)
    from fundlib.odds.pull import _step_months

    kept = _step_months(x0, rows, 60, keep=(60,))
    sims = kept[60][PA.SERIES.index("ust_30y")]
    real = lv.loc["2012-06", "ust_30y"]
    want = ((sims < real).sum() + 0.5 * (sims == real).sum()) / 40
    assert b.pit[("ust_30y", 5)].loc["2007-06"] == want
    v = b.pit[("sofr", 5)].to_numpy()
    assert cov.loc[("sofr", 5), "inside_p5_p95"] == np.mean((v > 0.05) & (v < 0.95))
    h = b.histogram("sofr")
    assert h.groupby("horizon_years")["count"].sum().to_dict() == {1: 252, 5: 250, 10: 190}
    f = BT.fan("2015-01", "sofr", n=200, years=2)
    assert len(f) == 25 and (f.p5 <= f.p50).all() and (f.p50 <= f.p95).all() and f.realised.iloc[0] == lv.loc["2015-01", "sofr"]


def test_the_sensitivity_rows_are_runs_of_the_engine():
    s = O.sensitivity(300, 4, knobs=("hedge_share",))
    assert list(s["setting"]) == [0.0, 0.75, 1.0]
    r = O.run_odds(300, 4, exact_cap=0)
    row = s[s.setting == 0.75].iloc[0]
    assert row.p_any_call == r.probability("any_guarantee_call")
    assert row.p_loss_us == r.governments().loc["US Treasury", "prob_loss"]
    with pytest.raises(InputError, match="knobs"):
        O.sensitivity(300, 4, knobs=("speed",))


def test_the_guarantors_gain_reads_as_a_gain(base):
    """A loss net of fees below zero is a gain: the summary, the app's row and notebook 07's checked
    output say "gain" (never "expected loss … $-9.1bn"), with a minus sign, never a hyphen, if one shows."""
    import re
    from pathlib import Path

    import nbformat

    from fundlib.apps import odds as AO

    q, s = base.guarantors(), base.summary()["value"]
    assert not any("expected loss net of fees" in k for k in s.index)
    for w in q.index:
        assert s[f"{w}: expected gain net of fees ($bn PV)"] == pytest.approx(-q.loc[w, "loss_mean_usd_bn"])
    assert AO._net_of_fees(-9.1) == "gain $9.1bn" and AO._net_of_fees(5.94) == "loss $5.9bn"
    assert AO._net_of_fees(-0.01) == "$0bn"
    shown = AO._guarantors(q)
    assert q["loss_mean_usd_bn"].lt(0).all() and shown.startswith("gain $") and "−" not in shown and "-" not in shown
    nb = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks" / "07_the_odds.ipynb", as_version=4)
    out = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    lines = [ln for ln in out.splitlines() if "net of fees" in ln]
    assert len(lines) >= 3 and all("gain" in ln or "loss" in ln for ln in lines)
    assert not [ln for ln in lines if re.search(r"\$-|-\$|loss[^$]*\$\s*[−-]", ln)], lines
    assert "US Ex-Im Bank net of fees: expected gain $9.1bn" in out
