"""The assumption register: every press number is there with its source; market defaults match the data."""

import pandas as pd
import pytest

from fundlib import InputError
from fundlib import assumptions as A
from fundlib.data import load_rates_monthly

# Every number the press reports state (press claims), as it should stand in the register.
PRESS_NUMBERS = {
    "equity_usd_bn": 300, "deployable_usd_bn": 900, "senior_spread_bp": 120, "filp_tenor_years": 30,
    "negative_jgb_jpy_tn": 250, "stargate_usd_bn": 500, "nvidia_order_usd_bn": 40,
    "us_tariff_floor": 0.10, "japan_tariff_ask": 0.0,
}


@pytest.mark.parametrize("id,expected", PRESS_NUMBERS.items())
def test_press_numbers_are_registered_with_a_source(id, expected):
    a = A.get(id)
    assert a.value == pytest.approx(expected)
    assert a.low <= a.value <= a.high
    assert "2025" in a.source


def test_leverage_is_deployable_over_equity():
    assert A.value("leverage_x") == pytest.approx(A.value("deployable_usd_bn") / A.value("equity_usd_bn"))


def test_equity_shares_sum_to_one():
    ids = ["us_treasury_share", "japan_mof_share", "other_lp_share", "us_retail_share", "japan_retail_share"]
    assert sum(A.value(i) for i in ids) == pytest.approx(1.0)


@pytest.mark.parametrize("id,column", [("sofr", "sofr"), ("tona", "tona"), ("jgb_30y", "jgb_30y"),
                                       ("ust_30y", "ust_30y"), ("usdjpy", "usdjpy")])
def test_market_defaults_are_the_market_snapshot(id, column):
    """One as-of month for every market number: the register's rows are Market.latest()'s values."""
    from fundlib.market import Market

    m = Market.latest()
    a = A.get(id)
    assert a.value == pytest.approx(load_rates_monthly().loc[m.as_of, column], abs=1e-12)
    # yields and USD/JPY at the month's end; the overnight rates as the month's average fixing
    assert (f"the average of the daily fixings of {m.as_of}" if id in ("sofr", "tona") else f"month-end {m.as_of}") in a.source


def test_every_row_has_unit_and_source_and_bp_names():
    t = A.table()
    assert t["id"].is_unique
    assert (t["source"].str.len() > 10).all()
    assert (t.loc[t["unit"] == "bp", "id"].str.endswith("_bp")).all()


def test_unknown_id_and_range_check():
    with pytest.raises(InputError, match="id = 'nope'"):
        A.get("nope")
    with pytest.raises(InputError, match=r"senior_spread_bp = 900 .*\[50, 300\] bp"):
        A.check("senior_spread_bp", 900)
    assert isinstance(A.table(["sofr", "tona"]), pd.DataFrame)


def test_derived_defaults_match_their_derivation():
    from fundlib.fx import usdjpy_volatility

    rates = load_rates_monthly()
    assert A.value("usdjpy_volatility") == pytest.approx(usdjpy_volatility(rates), abs=5e-4)
    from fundlib.market import Market

    # the fixed-rate alternative comes from the snapshot month: the par swap rate on the Market's curve
    # (a constant notional: the 10-year par yield of that month)
    m = Market.latest()
    assert m.swap_rate(years=10) == pytest.approx(rates["ust_10y"].loc[m.as_of] / 100 if rates["ust_10y"].max() > 1
                                                  else rates["ust_10y"].loc[m.as_of], abs=1e-12)
    japan_usd_bn = A.value("equity_usd_bn") * A.value("japan_mof_share")
    assert A.value("filp_issue_jpy_tn") == pytest.approx(japan_usd_bn * A.value("usdjpy") / 1000, abs=0.05)


def test_scenario_files_round_trip_and_drive_the_apps(tmp_path):
    from fundlib import apps

    path = tmp_path / "s.json"
    A.save_scenario(path, {"leverage_x": 2.5, "sofr": 0.05}, name="test")
    assert A.load_scenario(path) == {"leverage_x": 2.5, "sofr": 0.05}
    with A.scenario(path):
        assert A.value("leverage_x") == 2.5 and "scenario override" in A.get("sofr").source
        app = apps.build_start_app()
        assert app.controls["leverage"].value == 2.5
        assert "$750bn" in app.numbers.value
    assert A.value("leverage_x") == 3.0  # restored


def test_scenario_errors_name_key_value_and_range(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"assumptions": {"leverage_x": 9}}')
    with pytest.raises(InputError, match=r"bad.json: leverage_x = 9 .*\[1, 6\] x"):
        A.load_scenario(bad)
    bad.write_text('{"assumptions": {"leverage": 2}}')
    with pytest.raises(InputError, match=r"bad.json: key = 'leverage' .*did you mean leverage_x"):
        A.load_scenario(bad)
    bad.write_text('{"assumptions": {"sofr": "high"}}')
    with pytest.raises(InputError, match="a number"):
        A.load_scenario(bad)
    bad.write_text('{"assumptions": {}, "extra": 1}')
    with pytest.raises(InputError, match="field = 'extra'"):
        A.load_scenario(bad)
    bad.write_text('{"assumptions": ')
    with pytest.raises(InputError, match="valid JSON"):
        A.load_scenario(bad)
    with pytest.raises(FileNotFoundError, match="no such file"):
        A.load_scenario(tmp_path / "missing.json")


@pytest.mark.parametrize("name", ["high_rates_low_leverage.json", "mou_like_funding.json"])
def test_shipped_scenarios_are_valid(name):
    from pathlib import Path

    assert A.load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / name)
