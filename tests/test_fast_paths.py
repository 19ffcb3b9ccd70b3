"""The odds engine of notebook 07 made fast, and proven the same: every step rewritten for speed (the
ledger, the chain's year loop, the waterfall, the pulled rate model, the sector profiles, the IRR's
first guess) gives the same bits as its reference form in tests/reference_engine.py, scenario by
scenario for the same seeds, and a 40-year run gives the same bits in any chunks."""

import copy
import dataclasses
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import odds as O
from fundlib import waterfall as W
from fundlib.chain import assets as CA
from fundlib.chain import engine as CE
from fundlib.chain.inputs import Shocks
from fundlib.odds import engine as E
from fundlib.odds import history as H
from fundlib.odds import pull as PU
from fundlib.odds import tally as TL
from fundlib.structure import OWNERS, Fees, FundStructure

from reference_engine import ReferenceLedger, first_guess, portfolio, reference_path, run_waterfall, step_months


def _equal(a, b, where=""):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, where
    assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f"{where}: largest gap {np.nanmax(np.abs(a - b))}"


# ------------------------------------------------------------------------------------- the engine

SPECS = {  # (make_spec keywords, seed, start, size)
    "40-year fund": (dict(fund=FundStructure(life_years=40)), 2025, 0, 400),
    "the register's fund": (dict(), 7, 1234, 333),
    "MOU terms, 20 years": (dict(preset="mou_2025", fund=FundStructure(life_years=20)), 5, 257, 250),
    "retail first, fees, sub debt, leverage 4": (
        dict(preset="retail_first", leverage=4.0, fund=FundStructure(
            sub_debt_share=0.2, hedge_share=0.3, fees=Fees(management_fee=0.01, carried_interest=0.2, hurdle_rate=0.08))),
        3, 150, 200),
    "one project a sector, market-loaded macro": (dict(diversify=False, macro_market_corr=0.5), 77, 0, 300),
    "UIP drift, 6-month blocks": (dict(fx_drift="uip", block_months=6, pull_scale=2.0), 11, 90, 200),
    "Gaussian shocks": (dict(method="gaussian"), 13, 0, 150),
    "random walk": (dict(model="walk"), 17, 40, 150),
}


@pytest.mark.parametrize("case", list(SPECS))
def test_the_engine_equals_its_reference_path_bit_for_bit(case):
    kw, seed, start, size = SPECS[case]
    spec = E.make_spec(**kw)
    with A.scenario(dict(spec.overrides)):
        fast = E.simulate_chunk(spec, seed, start, size, detail=True)
        with reference_path():
            ref = E.simulate_chunk(spec, seed, start, size, detail=True)
            assert CE.Ledger is ReferenceLedger                      # the reference forms did run
    assert isinstance(ref["chain"].ledger, ReferenceLedger) and not isinstance(fast["chain"].ledger, ReferenceLedger)
    row = next(iter(fast["chain"].ledger.rows.values()))
    assert row.T.flags.c_contiguous and next(iter(ref["chain"].ledger.rows.values())).flags.c_contiguous
    for part in ("metrics", "events", "inputs"):
        assert fast[part].keys() == ref[part].keys()
        for k in fast[part]:
            _equal(fast[part][k], ref[part][k], f"{case}: {part} {k}")
    for s in H.SERIES:
        _equal(getattr(fast["paths"], s), getattr(ref["paths"], s), f"{case}: path {s}")


def _arrays(res: CH.ChainResult) -> dict:
    out = {f.name: getattr(res, f.name) for f in dataclasses.fields(res) if isinstance(getattr(res, f.name), np.ndarray)}
    out.update({("ledger",) + k: v for k, v in res.ledger.rows.items()})
    w = res.waterfall
    out.update(paid=w.paid, contributions=w.contributions, received=w.received, net=w.net)
    return out


rng = np.random.default_rng(3)
N = 37
CHAINS = {
    "defaults": dict(),
    "retail first with fees": dict(preset="retail_first",
                                   fund=FundStructure(fees=Fees(management_fee=0.01, carried_interest=0.2, hurdle_rate=0.08))),
    "MOU": dict(preset="mou_2025"),
    "paths and delays per scenario": dict(
        asset_return=rng.uniform(0.0, 0.12, N), sofr_path=rng.uniform(0.0, 0.08, (N, 16)),
        fx_path=rng.uniform(100, 200, (N, 16)), sector_delays={"power": rng.uniform(0, 3, N)},
        curve_shift=rng.uniform(-0.02, 0.02, N)),
    "an AI bust per scenario, sub debt": dict(shocks=Shocks(ai_bust=rng.uniform(0, 1.5, N), delay_years=1.5),
                                              fund=FundStructure(sub_debt_share=0.25)),
    "heavy loss": dict(asset_return=-0.05, shocks=Shocks(sofr_bp=400.0)),
}


@pytest.mark.parametrize("case", list(CHAINS))
def test_the_chain_equals_its_reference_path_in_every_array(case):
    fast = CH.run(**CHAINS[case])
    with reference_path():
        ref = CH.run(**CHAINS[case])
    a, b = _arrays(fast), _arrays(ref)
    assert a.keys() == b.keys()
    for k in a:
        _equal(a[k], b[k], f"{case}: {k}")
    for k in ("debt_service_due", "dscr", "senior_balance", "cfads"):              # handed back in the usual layout
        assert getattr(fast, k).flags.c_contiguous
    assert fast.waterfall.paid.flags.c_contiguous and fast.waterfall.contributions.flags.c_contiguous


def test_a_40_year_run_gives_the_same_bits_in_any_chunks():
    fund = FundStructure(life_years=40)
    whole = O.run_odds(600, 21, fund=fund, chunk=600)
    for chunk in (250, 37):
        part = O.run_odds(600, 21, fund=fund, chunk=chunk)
        pytest.importorskip("pandas").testing.assert_frame_equal(part.stats(), whole.stats(), check_exact=True)
        assert part.events == whole.events
        for k in whole.tally.names():
            _equal(part.values(k), whole.values(k), f"chunk {chunk}: {k}")


# ------------------------------------------------------------------------------------- the steps

@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from(list(W.PRESETS)), st.booleans(), st.integers(2, 30))
def test_the_waterfall_equals_its_reference(seed, preset, by_ownership, T):
    r = np.random.default_rng(seed)
    n = int(r.integers(1, 9))
    fund = FundStructure(fees=Fees(management_fee=0.01, carried_interest=0.2, hurdle_rate=0.08))
    ownership, shares, tiers = W.preset_terms(preset, fund, fund.fees)
    calls = r.uniform(0, 5, (n, T)) * (r.random((n, T)) < 0.4)
    contributions = np.stack([shares[o] * calls for o in OWNERS])
    dist = r.uniform(0, 4, (n, T)) * (r.random((n, T)) < 0.7)
    fees = r.uniform(0, 0.1, (n, T))
    own = ownership if by_ownership else None
    fast = W.run_waterfall(contributions, dist, tiers, own, fees=fees)
    ref = run_waterfall(contributions, dist, tiers, own, fees=fees)
    for k in ("paid", "contributions", "fees", "received", "net"):
        _equal(getattr(fast, k), getattr(ref, k), k)


@pytest.mark.parametrize("fx_drift", ["none", "uip"])
@pytest.mark.parametrize("block", [1, 7, 24])
def test_the_month_step_equals_its_reference(fx_drift, block):
    n, M = 300, 12 * 9
    x0 = np.repeat(np.array([0.04, 0.005, 0.04, 0.006, 0.045, 0.02, np.log(150.0)])[:, None], n, axis=1)


    def on_year(store):
        return lambda y, sums, ends: store.append((y, sums.copy(), ends.copy()))

    fast_years, ref_years = [], []
    fast = PU._step_months(x0, H._block_rows(n, M, seed=4, start=10, block_months=block), M, fx_drift=fx_drift,
                           keep=(0, 5, M), on_year=on_year(fast_years))
    ref = step_months(x0, H.resample_rows(n, M, seed=4, start=10, block_months=block), M, fx_drift=fx_drift,
                      keep=(0, 5, M), on_year=on_year(ref_years))
    table = PU._step_months(x0, H.resample_rows(n, M, seed=4, start=10, block_months=block), M, fx_drift=fx_drift,
                            keep=(0, 5, M))                         # the (n, months) table read the new way
    for m in (0, 5, M):
        _equal(fast[m], ref[m], f"month {m}")
        _equal(table[m], ref[m], f"month {m}, from the table")
    assert len(fast_years) == len(ref_years) == 9
    for (y, s, e), (y2, s2, e2) in zip(fast_years, ref_years):
        assert y == y2
        _equal(s, s2, f"year {y} sums")
        _equal(e, e2, f"year {y} ends")



def test_block_rows_read_the_resampled_rows():
    rows = H.resample_rows(50, 100, seed=9, block_months=24)
    b = H._block_rows(50, 100, seed=9, block_months=24)
    idx = np.arange(len(PU.shocks()))
    wrapped = b.wrap(idx)
    for m in range(100):
        _equal(wrapped[b.month(m)], rows[:, m], f"month {m}")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31), st.integers(2, 45))
def test_the_first_guess_equals_its_reference(seed, T):
    r = np.random.default_rng(seed)
    cf = r.choice([-2.0, -0.5, 0.0, 0.0, 0.7, 3.0], size=(400, T))
    cf[:, 0] = np.where(r.random(400) < 0.8, -1.0, cf[:, 0])
    both = np.any(cf > 0, axis=1) & np.any(cf < 0, axis=1)
    _equal(TL._first_guess(cf[both]), first_guess(cf[both]))
    fast = TL.row_irr(cf, guess=None)
    with reference_path():
        _equal(fast, TL.row_irr(cf, guess=None))


def test_the_ledger_stores_by_year_and_reads_as_before():
    fast, ref = CH.Ledger(3, 4), ReferenceLedger(3, 4)
    steps = [("a", "us_treasury", "fund", np.array([1.0, 0.0, 2.0]), 1), ("a", "us_treasury", "fund", 0.5, 1),
             ("b", "fund", "reserve", np.arange(12.0).reshape(3, 4), None), ("a", "us_treasury", "fund", -1e-14, 3)]
    for item, payer, payee, amount, year in steps:
        fast.add(item, payer, payee, amount, year=year)
        ref.add(item, payer, payee, amount, year=year)
    fast.close()
    ref.close()
    assert fast.rows.keys() == ref.rows.keys()
    for k in fast.rows:
        _equal(fast.rows[k], ref.rows[k], str(k))
        assert fast.rows[k].shape == (3, 4)
    _equal(fast.net("us_treasury"), ref.net("us_treasury"))
    bad = CH.Ledger(2, 3)
    bad.add("x", "fund", "reserve", np.array([1.0, -1.0]), year=2)
    with pytest.raises(AssertionError, match="must be finite and ≥ 0"):
        bad.close()
    bad = CH.Ledger(2, 3)
    bad.add("x", "fund", "reserve", np.array([1.0, np.nan]), year=0)
    with pytest.raises(AssertionError, match="'x' fund → reserve"):
        bad.close()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31), st.integers(2, 60), st.sampled_from(["none", "same", "each"]))
def test_the_sector_profiles_equal_their_reference(seed, horizon, bust):
    """Delays of whole years and months, up to 15 years, beyond short horizons too; one AI bust for
    all, none, or one per scenario."""
    r = np.random.default_rng(seed)
    n = int(r.integers(1, 12))
    w = {s: float(x) for s, x in zip(("data_centres", "power", "chip_packaging", "logistics"), r.dirichlet(np.ones(4)))}
    d = {s: np.round(r.uniform(0, 15, n) * 12) / 12 for s in w if r.random() < 0.7}
    ai = {"none": 0.0, "same": np.full(n, 0.8), "each": r.uniform(0, 2, n)}[bust]
    fast = CA._portfolio(w, np.broadcast_to(ai, (n,)) if bust != "none" else ai, {s: d.get(s, np.zeros(n)) for s in w},
                         horizon)
    ref = portfolio(w, np.broadcast_to(ai, (n,)) if bust != "none" else ai, {s: d.get(s, np.zeros(n)) for s in w}, horizon)
    _equal(fast, ref)


def test_a_copied_ledger_keeps_adding_to_its_rows():
    for clone in (copy.deepcopy, lambda x: pickle.loads(pickle.dumps(x))):
        L = CH.Ledger(2, 3)
        L.add("a", "fund", "reserve", np.array([1.0, 2.0]), year=0)
        c = clone(L)
        c.add("a", "fund", "reserve", np.array([5.0, 5.0]), year=1)
        c.add("b", "fund", "reserve", 1.0, year=2)
        _equal(c.rows[("a", "fund", "reserve")], [[1.0, 5.0, 0.0], [2.0, 5.0, 0.0]])
        _equal(c.net("reserve"), [[1.0, 5.0, 1.0], [2.0, 5.0, 1.0]])
        _equal(L.net("reserve"), [[1.0, 0.0, 0.0], [2.0, 0.0, 0.0]])
