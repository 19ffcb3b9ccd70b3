"""One test per defect found when the pieces were first chained together; each failed on the code
before the one-market, one-fund, one-ledger chain."""

import re

import numpy as np
import pytest

from fundlib import InputError
from fundlib import chain as CH
from fundlib import leverage as LV
from fundlib import projects as P
from fundlib import stress as ST
from fundlib import treasury as TR
from fundlib.market import Market
from fundlib.structure import Fees, FundStructure, OWNERS, PAYEES
from fundlib.waterfall import ReturnOfCapital, Split, run_waterfall

M = Market.latest()


def test_one_debt_cost_everywhere():
    """4.88% (SOFR + 120 bp) in some places, 5.18% (with the 30 bp guarantee fee) in others."""
    from fundlib import scenarios as SC

    rate = FundStructure().debt_rate(M)
    assert rate == pytest.approx(M.sofr + 0.0150, abs=1e-15)
    assert LV.DebtTerms(sofr=M.sofr).rate() == pytest.approx(rate, abs=1e-15)
    assert SC.funding_costs(M)["Fund debt cost"] == rate
    assert CH.run(market=M).senior_rate[0, 1] == pytest.approx(rate, abs=1e-15)


def test_one_as_of_month_for_every_market_number():
    """SOFR 2026-06, TONA 2026-07, JGB 2026-02, UST 2025-10, USD/JPY 2026-04 were mixed."""
    from fundlib import assumptions as A

    months = {re.search(r"(?:month-end|fixings of) (\d{4}-\d{2})", A.get(i).source).group(1)
              for i in ("sofr", "tona", "jgb_30y", "ust_30y", "usdjpy")}
    assert months == {M.as_of}


def test_subordinated_debt_reaches_stress_and_treasury():
    """sub_debt_share changed nothing in stress or treasury."""
    plain, sub = FundStructure(sub_debt_share=0.0), FundStructure(sub_debt_share=0.3)
    a = ST.run_chain(ai_bust=2.0, fund=plain, market=M)
    b = ST.run_chain(ai_bust=2.0, fund=sub, market=M)
    assert b["guarantee_calls"] < a["guarantee_calls"]          # the unguaranteed tranche draws no guarantee
    assert b["equity_irr"] != a["equity_irr"]
    ca, cb = TR.compare_us(plain, 0.07, market=M), TR.compare_us(sub, 0.07, market=M)
    assert cb.pv["Own the fund"] < ca.pv["Own the fund"]        # subordinated debt costs more


def test_run_waterfall_checks_ownership():
    """{"us_treasury": 0.3} paid out 115 of 150; 0.7 + 0.7 paid 170."""
    c = np.zeros((len(OWNERS), 2))
    c[0, 0] = 100.0
    with pytest.raises(InputError, match=r"ownership \(sum\) = 0.3"):
        run_waterfall(c, [0.0, 150.0], [ReturnOfCapital(), Split()], {"us_treasury": 0.3})
    with pytest.raises(InputError, match=r"ownership \(sum\) = 1.4"):
        run_waterfall(c, [0.0, 150.0], [ReturnOfCapital(), Split()], {"us_treasury": 0.7, "japan_mof": 0.7})
    ok = run_waterfall(c, [0.0, 150.0], [ReturnOfCapital(), Split()], {"us_treasury": 0.5, "japan_mof": 0.5})
    assert ok.paid.sum() == pytest.approx(150.0)


def test_zero_debt_fund_through_stress():
    """run_chain, stress_table and reverse_stress crashed for leverage 1."""
    fund = FundStructure(leverage=1.0)
    r = ST.run_chain(fund=fund, market=M)
    assert r["guarantee_calls"] == 0 and np.isnan(r["min_dscr"])
    table, _ = ST.stress_table(fund=fund, market=M)
    assert len(table) == 6
    rev = ST.reverse_stress(fund=fund, points=11, market=M)
    assert rev.loc[rev["threshold"] == "default covenant breached", "smallest shock"].isna().all()


def test_retail_first_does_not_pay_the_hurdle_on_top_of_the_retail_preference():
    """With a hurdle, retail savers got their 4% preferred return and the 8% hurdle over the same years."""
    plain = CH.run(FundStructure(), M, preset="retail_first").summary().set_index("payee")
    hurdle = CH.run(FundStructure(fees=Fees(0.0, "committed", 0.0, 0.08)), M, preset="retail_first").summary().set_index("payee")
    assert hurdle.loc["US retail savers", "received_usd_bn"] <= plain.loc["US retail savers", "received_usd_bn"] + 1e-9


def test_project_debt_is_sized_on_each_scenarios_own_capex():
    """with_debt sized every scenario on the largest scenario's capex (79% gearing against a 75% cap)."""
    a = P.archetype("ai_dc_shell")
    mult = np.array([0.8, 1.0, 1.3])
    d = P.with_debt(a, FundStructure().debt_rate(M), 1.3, 18, 0.75, capex_mult=mult)
    assert np.all(np.asarray(d["debt"]) <= 0.75 * a.capex_usd_bn * mult + 1e-9)


def test_guarantee_exposure_amortizes_with_the_debt():
    """The guarantors' exposure was a $600bn bullet though the debt amortizes."""
    r = CH.run(market=M)
    bal = r.senior_balance[0, :-1]                          # outstanding during years 1..life
    args = (0.01, 0.4, 120.0, 250.0, 30.0, 0.045)
    amortizing = LV.guarantee_economics(bal, bal.size, *args)
    bullet = LV.guarantee_economics(600.0, bal.size, *args)
    assert amortizing["expected_loss_pv"] != pytest.approx(bullet["expected_loss_pv"])
    with pytest.raises(InputError, match="yearly balances"):
        LV.guarantee_economics(bal[:-1], bal.size, *args)
    np.testing.assert_allclose(r.guarantee_exposure[0], r.senior_balance[0])


def test_japan_conversions_use_term_rates_and_each_calls_own_date():
    """Hedged yen P&L built 10–15-year forwards from overnight SOFR and TONA; later calls converted at the t=0 spot."""
    df = TR.japan_yen_pnl(FundStructure(deploy_years=3), 0.07, True, market=M)
    np.testing.assert_allclose(df["jpy_per_usd"].to_numpy(), M.forward_usdjpy(np.arange(len(df), dtype=float)), rtol=1e-14)
    overnight_10y = M.usdjpy * ((1 + M.tona + M.basis_bp * 1e-4) / (1 + M.sofr)) ** 10
    assert df["jpy_per_usd"].iloc[10] != pytest.approx(overnight_10y, rel=1e-3)
    issued = df["filp_issued_jpy_tn"].to_numpy()
    np.testing.assert_allclose(issued[:3], 50.0 * M.forward_usdjpy(np.arange(3.0)) / 1000, rtol=1e-12)
    assert PAYEES[1] == "japan_mof"
