"""Distribution waterfall: conservation, tier order, pro rata, hand-worked cases, presets."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fundlib import InputError
from fundlib.finance import irr
from fundlib import chain as CH
from fundlib.market import Market
from fundlib.structure import OWNERS, PAYEES, Fees, FundStructure
from fundlib.waterfall import (PRESETS, CatchUp, PreferredReturn, ReturnOfCapital, Split, SplitUntilRecouped,
                               preset_terms, profit_split, run_waterfall)

US, JP, MGR = PAYEES.index("us_treasury"), PAYEES.index("japan_mof"), PAYEES.index("manager")


def contrib(**by_owner):
    T = len(next(iter(by_owner.values())))
    return np.stack([np.asarray(by_owner.get(o, np.zeros(T)), float) for o in OWNERS])


def test_private_equity_textbook_case():
    # LP pays 100; 150 comes back. ROC 100, 8% pref = 8, full catch-up 2 (20% of 10), then 40 split 80/20.
    tiers = [ReturnOfCapital(), PreferredReturn(0.08), CatchUp(0.20), Split(carry=0.20)]
    res = run_waterfall(contrib(us_treasury=[100.0, 0.0]), [0.0, 150.0], tiers)
    by = res.paid[..., 1]
    assert by[0, US] == pytest.approx(100.0)
    assert by[1, US] == pytest.approx(8.0)
    assert by[2, MGR] == pytest.approx(2.0)
    assert by[3, US] == pytest.approx(32.0) and by[3, MGR] == pytest.approx(8.0)
    assert res.received[MGR].sum() == pytest.approx(0.20 * 50.0)


def test_mou_hand_worked():
    # Japan pays 300 at t=0; deemed rate 5%: recoup target 315 at t=1, reached when Japan's 50% = 315.
    fund = FundStructure()
    own, shares, tiers = preset_terms("mou_2025", fund, deemed_rate=0.05)
    c = np.stack([shares[o] * np.array([300.0, 0.0]) for o in OWNERS])
    small = run_waterfall(c, [0.0, 400.0], tiers, own)
    assert small.received[JP].sum() == pytest.approx(200.0)
    assert small.received[US].sum() == pytest.approx(200.0)
    big = run_waterfall(c, [0.0, 1000.0], tiers, own)
    assert big.received[JP].sum() == pytest.approx(315.0 + 0.1 * 370.0)
    assert big.received[US].sum() == pytest.approx(315.0 + 0.9 * 370.0)


def test_profit_split_of_100bn_under_each_preset():
    assert profit_split("proposal").to_dict() == pytest.approx({"US Treasury": 50.0, "Japan MoF": 50.0})
    mou = profit_split("mou_2025")
    assert mou["US Treasury"] == pytest.approx(200.0) and mou["Japan MoF"] == pytest.approx(-100.0)
    retail = profit_split("retail_first")
    assert retail.sum() == pytest.approx(100.0)
    # retail savers' 5% each of equity earn their 4% preferred return first, then a pro rata share
    assert retail["US retail savers"] == pytest.approx(0.04 * 15 + 0.05 * (100 - 0.04 * 30))


flows = arrays(float, st.integers(2, 25), elements=st.floats(0, 100))


@st.composite
def cases(draw):
    T = draw(st.integers(2, 20))
    c = draw(arrays(float, (len(OWNERS), T), elements=st.floats(0, 50)))
    d = draw(arrays(float, (T,), elements=st.floats(0, 120)))
    hurdle = draw(st.floats(0, 0.12))
    carry = draw(st.floats(0, 0.3))
    shape = draw(st.sampled_from(["proposal", "pe", "mou"]))
    if shape == "proposal":
        tiers = [ReturnOfCapital(), Split()]
    elif shape == "pe":
        tiers = [ReturnOfCapital(), PreferredReturn(hurdle), CatchUp(carry), Split(carry=carry)]
    else:
        tiers = [SplitUntilRecouped("japan_mof", {"japan_mof": 0.5, "us_treasury": 0.5}, hurdle),
                 Split({"us_treasury": 0.9, "japan_mof": 0.1})]
    return c, d, tiers


@given(cases())
def test_property_money_is_neither_created_nor_lost(case):
    c, d, tiers = case
    if c.sum() == 0:
        c[0, 0] = 1.0
    res = run_waterfall(c, d, tiers)
    assert np.all(res.paid >= -1e-12)
    np.testing.assert_allclose(res.paid.sum(axis=(0, 1)), d, rtol=1e-12, atol=1e-9)


@given(cases())
def test_property_tier_order_capital_before_profit(case):
    c, d, tiers = case
    if not isinstance(tiers[0], ReturnOfCapital):
        return
    if c.sum() == 0:
        c[0, 0] = 1.0
    res = run_waterfall(c, d, tiers)
    later = res.paid[1:].sum(axis=(0, 1))  # anything beyond return of capital, per period
    owed = np.cumsum(c.sum(axis=0)) - np.cumsum(res.paid[0].sum(axis=0))
    # a later tier is paid in a period only once all capital paid in so far is back
    assert np.all((later <= 1e-9) | (owed <= 1e-9 * max(1.0, c.sum())))


@given(arrays(float, (len(OWNERS),), elements=st.floats(0.01, 10)), arrays(float, (6,), elements=st.floats(0, 100)))
def test_property_pro_rata_equals_ownership(weights, d):
    shares = weights / weights.sum()
    c = np.zeros((len(OWNERS), 6))
    c[:, 0] = 100.0 * shares
    res = run_waterfall(c, d, [ReturnOfCapital(), Split()])
    total = res.received.sum()
    if total > 1e-6:
        np.testing.assert_allclose(res.received[: len(OWNERS)].sum(axis=1) / total, shares, rtol=1e-9, atol=1e-12)


def test_scenarios_move_together_and_match_one_by_one():
    rng = np.random.default_rng(3)
    d = rng.uniform(0, 80, (7, 10))
    c = np.zeros((len(OWNERS), 7, 10))
    c[0, :, 0], c[1, :, 0] = 60.0, 40.0
    tiers = [ReturnOfCapital(), PreferredReturn(0.08), CatchUp(0.2), Split(carry=0.2)]
    batch = run_waterfall(c, d, tiers)
    for s in range(7):
        one = run_waterfall(c[:, s], d[s], tiers)
        np.testing.assert_allclose(batch.paid[:, :, s], one.paid, atol=1e-12)


@given(st.floats(0.0, 0.15), st.floats(0.0, 0.10), st.floats(1.0, 5.0))
def test_property_flat_yield_equity_irr_is_the_levered_return(r_a, r_d, lev):
    """The textbook identity notebook 02 teaches: assets yielding r_A in cash every year, interest-only
    debt at r_D, everything repaid at the end: the equity IRR is L·r_A − (L−1)·r_D."""
    from fundlib.leverage import levered_return

    E, T = 300.0, 12
    cf = np.full(T + 1, E * (lev * r_a - (lev - 1) * r_d))
    cf[0], cf[-1] = -E, cf[-1] + E
    expected = levered_return(r_a, r_d, lev)
    if expected > -0.99 and np.any(cf[1:] > 0):
        assert irr(cf) == pytest.approx(expected, abs=1e-9)


def test_fees_reduce_what_owners_get_and_go_to_the_manager():
    m = Market.latest()
    base = CH.run(FundStructure(), m, asset_return=0.09)
    fees = Fees(0.01, "committed", 0.2, 0.08)
    res = CH.run(FundStructure(fees=fees), m, asset_return=0.09)      # owners above the 8% hurdle: carry is paid
    assert res.ledger.total("manager", "management fee").sum() == pytest.approx(0.01 * 300 * 15)
    s = res.summary().set_index("payee")
    assert s.loc["Fund manager (fees, carry)", "received_usd_bn"] > 45.0 + 1.0   # fees plus some carry
    assert s.loc["US Treasury", "irr"] < base.summary().set_index("payee").loc["US Treasury", "irr"]
    invested = CH.run(FundStructure(fees=Fees(0.01, "invested", 0, 0), deploy_years=3), m)
    assert invested.ledger.total("manager", "management fee").sum() < res.ledger.total("manager", "management fee").sum()


def test_every_preset_runs_on_scenarios():
    m = Market.latest()
    for name in PRESETS:
        res = CH.run(FundStructure(), m, asset_return=np.array([0.03, 0.07, 0.12]), preset=name)
        dist = sum(res.ledger.total(p, "distribution") for p in PAYEES)
        np.testing.assert_allclose(res.waterfall.paid.sum(axis=(0, 1)), dist, atol=1e-9)


def test_bad_waterfalls_are_explained():
    with pytest.raises(InputError, match="ending with a Split"):
        run_waterfall(contrib(us_treasury=[1.0, 0.0]), [0.0, 2.0], [ReturnOfCapital()])
    with pytest.raises(InputError, match="sum to 1"):
        run_waterfall(contrib(us_treasury=[1.0, 0.0]), [0.0, 2.0], [Split({"us_treasury": 0.7})])
    with pytest.raises(InputError, match="distributable"):
        run_waterfall(contrib(us_treasury=[1.0, 0.0]), [0.0, -2.0], [Split()])
    with pytest.raises(InputError, match="preset"):
        preset_terms("nope", FundStructure())
    with pytest.raises(InputError, match="management_fee = 0.5"):
        Fees(0.5)
