"""fundlib.structure: capital stack and ownership."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fundlib import InputError
from fundlib.apps import fund_from_sliders
from fundlib.structure import FundStructure, capital_stack, ownership_table


def test_default_fund_is_the_proposal():
    f = FundStructure()
    assert f.equity_usd_bn == 300 and f.leverage == 3.0
    assert f.assets_usd_bn == pytest.approx(900) and f.debt_usd_bn == pytest.approx(600)
    own = ownership_table(f).set_index("owner")
    assert own.loc["US Treasury", "stake_usd_bn"] == pytest.approx(150)
    assert own.loc["Japan MoF", "assets_backed_usd_bn"] == pytest.approx(450)


@given(st.floats(10, 1000), st.floats(1, 6), st.floats(0, 1), st.floats(0, 0.5))
def test_property_stack_sums_to_assets(equity, lev, us, other):
    assume(not (1.0 < us + other <= 1.0 + 1e-9))  # inside the rounding tolerance either answer is right
    if us + other > 1:
        with pytest.raises(InputError):
            fund_from_sliders(equity, lev, us * 100, other * 100)
        return
    f = fund_from_sliders(equity, lev, us * 100, other * 100)
    assert f.shares["japan_mof"] == pytest.approx(1 - us - other, abs=1e-12)
    st_ = capital_stack(f)
    assert st_["amount_usd_bn"].sum() == pytest.approx(f.assets_usd_bn)
    assert st_["share_of_assets"].sum() == pytest.approx(1.0)
    assert ownership_table(f)["stake_usd_bn"].sum() == pytest.approx(equity)


def test_bad_structures():
    with pytest.raises(InputError, match=r"shares \(sum\) = 0.9"):
        FundStructure(300, 3, {"us_treasury": 0.5, "japan_mof": 0.4})
    with pytest.raises(InputError, match=r"leverage = 0.5 .*\[1, 50\]"):
        FundStructure(300, 0.5)
    with pytest.raises(InputError, match="owner classes"):
        FundStructure(300, 2, {"china": 1.0})
    with pytest.raises(InputError, match="equity_usd_bn"):
        FundStructure(-1, 2)


def test_debt_tranches_and_sources_and_uses():
    from fundlib.structure import sources_and_uses

    f = FundStructure(300, 3, {"us_treasury": 0.5, "japan_mof": 0.5}, sub_debt_share=0.2)
    assert f.senior_debt_usd_bn == pytest.approx(480) and f.sub_debt_usd_bn == pytest.approx(120)
    su = sources_and_uses(f)
    assert su.loc[su.side == "sources", "usd_bn"].sum() == pytest.approx(su.loc[su.side == "uses", "usd_bn"].sum())
    assert "Subordinated debt" in set(capital_stack(f)["layer"])
    # blended: 80% senior at SOFR + 120 bp + the 30 bp guarantee fee, 20% subordinated at SOFR + 350 bp
    assert f.debt_rate(0.04) == pytest.approx(0.04 + 0.8 * 0.015 + 0.2 * 0.035, abs=1e-15)
    with pytest.raises(InputError, match="sub_debt_share"):
        FundStructure(300, 3, sub_debt_share=0.9)
