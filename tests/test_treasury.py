"""Who gets paid: PV identities, the tax-credit and tariff routes worked by hand, Japan's yen P&L."""

import numpy as np
import pytest

from fundlib import InputError
from fundlib import structure as S
from fundlib import treasury as TR
from fundlib.finance import npv
from fundlib.market import Market


def test_pv_per_dollar_identities():
    assert TR.pv_per_dollar([-100.0, 110.0], 0.10) == pytest.approx(1.0)
    assert TR.pv_per_dollar([-100.0, 0.0, 121.0], 0.10) == pytest.approx(1.0)
    assert TR.pv_per_dollar([-100.0, 55.0, 60.5], 0.10) == pytest.approx(1.0)
    assert np.isnan(TR.pv_per_dollar([0.0, 10.0], 0.05))


def test_tax_credit_route_by_hand():
    # $30bn of credits at 30% induce $100bn of capex earning 10% operating cash a year, taxed at 25%.
    flows = TR.tax_incentive_stream(30.0, 0.30, 0.25, 1.0, operating_per_capex=[0.0, 0.1, 0.1])
    np.testing.assert_allclose(flows, [-30.0, 2.5, 2.5])
    half = TR.tax_incentive_stream(30.0, 0.30, 0.25, 0.5, operating_per_capex=[0.0, 0.1, 0.1])
    np.testing.assert_allclose(half, [-30.0, 1.25, 1.25])  # only additional investment counts
    with pytest.raises(InputError, match="credit_rate"):
        TR.tax_incentive_stream(30.0, 0.0, 0.25)


def test_tariff_route_by_hand():
    np.testing.assert_allclose(TR.tariff_stream(0.10, 100.0, 0.0, 3), [0, 10, 10, 10])
    assert TR.tariff_stream(0.10, 100.0, 1.5, 1)[1] == pytest.approx(10.0 * 1.1 ** -1.5)
    np.testing.assert_allclose(TR.tariff_stream(0.10, 100.0, 1.5, 4, baseline=0.10), 0.0)
    # 10% against a 0% baseline on $148bn of imports
    assert TR.tariff_stream(0.10, 148.0, 0.0, 1)[1] == pytest.approx(14.8)


def test_us_comparison_uses_the_same_public_money():
    fund = S.FundStructure()
    c = TR.compare_us(fund, 0.07, tariff=0.10, import_base=148.0, elasticity=0.0, tariff_years=10)
    assert -c.streams["Own the fund"].clip(upper=0).sum() == pytest.approx(150.0)
    assert c.streams["Tax-credit playbook"].iloc[0] == pytest.approx(-150.0)
    assert c.pv["Tariff (no outlay)"] == pytest.approx(npv(Market.current().par_yield("USD", 30.0), [0] + [14.8] * 10 + [0] * 30))
    # owning at a 7% asset return: the stake earns the levered return, above the 4.67% discount rate
    assert c.per_dollar["Own the fund"] > 1.0
    mou = TR.compare_us(fund, 0.07, preset="mou_2025")
    assert np.isnan(mou.per_dollar["Own the fund"]) and mou.pv["Own the fund"] > 0


def test_japan_breakeven_is_a_zero_pv_on_its_own_curve_and_the_filp_liability_is_worth_its_proceeds():
    """Japan's budget view is its JGB zero curve: on it the FILP coupons and the buy-back at the exit
    (at market value on the same curve's forwards) are worth exactly what the bonds raised, so the
    break-even return is where the yen distributions are worth the yen called."""
    from fundlib import chain as CH
    from fundlib.market import Market

    fund, m = S.FundStructure(), Market.current()
    for hedged in (True, False):
        jy = CH.run(fund, m, asset_return=0.07).japan_yen(hedged)
        D = m.discount("JPY", np.arange(jy["net_jpy_tn"].shape[-1], dtype=float))
        liability = (jy["filp_coupon_jpy_tn"][0] + jy["filp_repaid_jpy_tn"][0]) @ D
        assert liability == pytest.approx(jy["filp_issued_jpy_tn"][0] @ D, rel=1e-12)
        b = TR.breakeven_fund_return(fund, hedged=hedged)
        df = TR.japan_yen_pnl(fund, b, hedged)
        assert TR.japan_surplus_pv(df, m) == pytest.approx(0.0, abs=2e-3)
        paid = CH.run(fund, m, asset_return=b).japan_yen(hedged)
        assert (paid["jpy_received_tn"][0] - paid["filp_issued_jpy_tn"][0]) @ D == pytest.approx(0.0, abs=2e-3)


def test_japan_hedging_and_appreciation_move_the_breakeven_the_right_way():
    fund = S.FundStructure()
    flat = TR.breakeven_fund_return(fund, hedged=False)
    assert TR.breakeven_fund_return(fund, hedged=True) > flat          # hedging costs SOFR - TONA - basis
    assert TR.breakeven_fund_return(fund, hedged=False, yen_appreciation=0.03) > flat
    hedged = TR.japan_yen_pnl(fund, 0.07, True)
    m = Market.current()
    assert hedged["jpy_per_usd"].iloc[1] < m.usdjpy                  # forwards below spot: USD rates above JPY
    assert hedged["jpy_per_usd"].iloc[10] == pytest.approx(m.forward_usdjpy(10.0))   # locked per cash-flow date
    # the ¥23.1tn of FILP bonds raised at close are bought back at the exit at their market value
    price = hedged["filp_buyback_price"].iloc[0]
    assert 0.5 < price < 1.0                                          # the JGB forwards lie above the coupon
    assert hedged["filp_repaid_jpy_tn"].sum() == pytest.approx(150 * m.usdjpy / 1000 * price)


def test_compare_us_defects_fixed():
    """No US share: an answer, not a KeyError. A horizon shorter than the fund's life: refused, not cut."""
    none = TR.compare_us(S.FundStructure(shares={"us_treasury": 0.0, "japan_mof": 1.0}), 0.07)
    assert none.pv["Own the fund"] == 0 and np.isnan(none.per_dollar["Own the fund"])
    with pytest.raises(InputError, match="horizon = 10 .*fund's life \\(15 years\\)"):
        TR.compare_us(S.FundStructure(), 0.07, horizon=10)
    full = TR.compare_us(S.FundStructure(), 0.07, horizon=15)
    assert full.streams["Own the fund"].iloc[-1] > 100          # the capital comes back in the last year
