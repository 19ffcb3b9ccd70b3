"""Clear errors from the register, the data loaders, the file parsers, ``make data`` and the
Treasury views: each named case answers with the right error, naming the parameter, file or row."""

import io
import math

import numpy as np
import pandas as pd
import pytest

from fundlib import InputError
from fundlib import assumptions as A
from fundlib import data as D
from fundlib import formats as F
from fundlib import refresh as R
from fundlib import treasury as T
from fundlib.data import DataError
from fundlib.structure import FundStructure


# ----------------------------------------------------------------------------- the register

@pytest.mark.parametrize("bad", [None, 3, ["leverage_x"], {"a": 1}])
def test_an_id_that_is_not_text_is_a_type_error_naming_id(bad):
    with pytest.raises(TypeError, match=r"^id must be text; got "):
        A.get(bad)


def test_register_check_refuses_a_non_number_and_names_the_parameter():
    with pytest.raises(TypeError, match=r"^leverage_x must be a number in \[1, 6\] x; got str"):
        A.check("leverage_x", "3")
    with pytest.raises(InputError, match=r"^gearing = nan is not valid: expected a value in \[1, 6\] x"):
        A.check("leverage_x", math.nan, "gearing")


def test_table_ids_must_be_a_list_of_known_ids():
    assert list(A.table(["leverage_x", "sofr"])["id"]) == ["leverage_x", "sofr"]
    with pytest.raises(TypeError, match="ids must be a list"):
        A.table("leverage_x")          # a string would be read letter by letter
    with pytest.raises(InputError, match="ids = 'nope'"):
        A.table(["leverage_x", "nope"])
    with pytest.raises(InputError, match=r"ids = \[\]"):
        A.table([])


def test_a_missing_scenario_file_is_file_not_found_and_a_bad_one_changes_nothing(tmp_path):
    with A.scenario({"leverage_x": 2.0}):
        with pytest.raises(FileNotFoundError, match="source: no such file"):
            A.use_scenario(tmp_path / "missing.json")
        assert A.current_overrides() == {"leverage_x": 2.0}       # the active scenario is kept
        with pytest.raises(InputError, match=r"source: leverage_x = 9"):
            A.use_scenario({"leverage_x": 9})
        assert A.current_overrides() == {"leverage_x": 2.0}
        with pytest.raises(TypeError, match="source must be a scenario file path, a dict of overrides or None"):
            A.use_scenario(2.5)
    with pytest.raises(TypeError, match="source must be"):
        A.scenario([1, 2])


def test_save_scenario_checks_path_and_values_before_writing(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        A.save_scenario(tmp_path / "nowhere" / "s.json", {"leverage_x": 2.0})
    with pytest.raises(TypeError, match="path must be a file path"):
        A.save_scenario(None, {"leverage_x": 2.0})
    with pytest.raises(InputError, match=r"overrides: leverage_x = inf"):
        A.save_scenario(tmp_path / "s.json", {"leverage_x": math.inf})
    assert not (tmp_path / "s.json").exists()


def test_a_scenario_file_whose_assumptions_are_not_an_object_names_the_file(tmp_path):
    p = tmp_path / "odd.json"
    p.write_text('{"assumptions": [1, 2]}')
    with pytest.raises(InputError, match=r"path odd.json: assumptions = 'list'"):
        A.load_scenario(p)


# ----------------------------------------------------------------------------- data tables

@pytest.mark.parametrize("loader", [D.load_rates_monthly, D.load_filp_facts, D.load_comparators, D.load_assumptions_table])
def test_loaders_missing_file_and_wrong_kind(loader, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"^path: no such file: .*nope\.csv"):
        loader(tmp_path / "nope.csv")
    with pytest.raises(TypeError, match="path must be a file path"):
        loader(np.array([1.0, 2.0]))


def test_a_bad_value_in_a_readers_copy_names_file_row_and_column(tmp_path):
    good = (D.data_dir() / "rates_monthly.csv").read_text().splitlines()
    good[3] = good[3].replace(good[3].split(",")[1], "abc", 1)
    p = tmp_path / "rates.csv"
    p.write_text("\n".join(good) + "\n")
    with pytest.raises(DataError, match=r"^rates.csv, row 4: '[a-z0-9_]+' = 'abc' is not a number"):
        D.load_rates_monthly(p)


def test_build_rates_monthly_names_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="raw_dir: no such file"):
        D.build_rates_monthly(tmp_path / "raw")
    (tmp_path / "raw").mkdir()
    with pytest.raises(FileNotFoundError, match=r"source: no such file: .*jgbcm_all.csv"):
        D.build_rates_monthly(tmp_path / "raw")
    with pytest.raises(InputError, match="start = '2000-13'"):
        D.build_rates_monthly(tmp_path / "raw", start="2000-13")
    with pytest.raises(InputError, match="keep = .* the column"):
        D.build_rates_monthly(tmp_path / "raw", keep=pd.DataFrame({"x": [1.0]}))


# ----------------------------------------------------------------------------- parsers

def test_parsers_refuse_what_is_not_a_file():
    for parse in (F.parse_fred_csv, F.parse_daily_close_csv, F.parse_mof_jgb_csv):
        with pytest.raises(TypeError, match=r"^source must be a file path"):
            parse(None)
        with pytest.raises(TypeError, match=r"^source must be a file path"):
            parse([1, 2, 3])
    with pytest.raises(FileNotFoundError, match="no such file"):
        F.parse_fred_csv("no_such_file.csv")


def test_parsers_name_the_row_of_bad_content():
    with pytest.raises(DataError, match=r"daily file, row 3: CLOSE 'x' is not a number"):
        F.parse_daily_close_csv(io.StringIO("DATE,OPEN,HIGH,LOW,CLOSE,VOLUME\n20250131,1,1,1,2,0\n20250228,1,1,1,x,0\n"))
    with pytest.raises(DataError, match="not a readable CSV"):
        F.parse_fred_csv(io.StringIO(""))
    with pytest.raises(DataError, match=r"'R8\.2\.30' names no real day"):
        F.japanese_era_to_date("R8.2.30")
    with pytest.raises(InputError, match="encoding = 'klingon'"):
        F.parse_mof_jgb_csv(io.BytesIO(b"Date,1Y\n2016/7/27,-0.3\n"), encoding="klingon")


def test_month_end_takes_a_dated_series_only():
    with pytest.raises(TypeError, match="series must be a pandas Series indexed by dates; got list"):
        F.month_end([1.0, 2.0])
    with pytest.raises(TypeError, match="series must be indexed by dates"):
        F.month_end(pd.Series([1.0, 2.0]))
    s = pd.Series([1.0, 2.0], index=pd.to_datetime(["2025-01-31", "2025-02-28"]))
    assert list(D.month_end(s)) == [1.0, 2.0]         # re-exported by fundlib.data, same function
    assert D.month_end is F.month_end


# ----------------------------------------------------------------------------- make data

def test_refresh_checks_its_arguments_before_touching_the_network(tmp_path):
    with pytest.raises(InputError, match="sources = .*keys from fundlib.refresh.SOURCES"):
        R.download(tmp_path, {"sofr/SOFR.csv": "ftp://example.org/x"})
    with pytest.raises(TypeError, match="sources must be a dict"):
        R.download(tmp_path, ["https://example.org"])
    with pytest.raises(InputError, match=r"timeout = 0 is not valid: expected a number in \(0, 600\]"):
        R.download(tmp_path, timeout=0)
    with pytest.raises(TypeError, match="out must be a file path"):
        R.refresh(out=3)


# ----------------------------------------------------------------------------- Treasury views

def test_treasury_views_refuse_a_number_for_the_fund_and_name_it():
    for call in (lambda: T.fund_stream(2.5, 0.08), lambda: T.japan_yen_pnl("fund", 0.08, True),
                 lambda: T.breakeven_fund_returns(None), lambda: T.compare_us(0, 0.08)):
        with pytest.raises(TypeError, match=r"^fund must be a fundlib.structure.FundStructure; got "):
            call()
    with pytest.raises(TypeError, match=r"^market must be a fundlib.market.Market or None; got float"):
        T.japan_yen_pnl(FundStructure(), 0.08, True, market=150.0)
    with pytest.raises(TypeError, match="hedged must be True or False; got str"):
        T.japan_yen_pnl(FundStructure(), 0.08, "yes")
    with pytest.raises(InputError, match="preset = 'mou'"):
        T.fund_stream(FundStructure(), 0.08, preset="mou")


def test_pv_per_dollar_wants_one_row_of_finite_flows():
    assert T.pv_per_dollar([-1.0, 1.1], 0.1) == pytest.approx(1.0)
    with pytest.raises(InputError, match="flows = .*one row of yearly flows"):
        T.pv_per_dollar(np.ones((2, 3)), 0.05)
    with pytest.raises(InputError, match="flows = .*finite numbers"):
        T.pv_per_dollar([-1.0, math.nan], 0.05)
    assert math.isnan(T.pv_per_dollar([1.0, 2.0], 0.05))       # no outlay: the ratio is undefined (documented)


def test_japan_surplus_pv_names_the_missing_column():
    with pytest.raises(InputError, match=r"df = .* the column\(s\) 'net_jpy_tn'"):
        T.japan_surplus_pv(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(TypeError, match="df must be a pandas DataFrame; got dict"):
        T.japan_surplus_pv({"net_jpy_tn": [1.0]})
    from fundlib.market import Market

    m = Market.current()
    one_year = 1.0 / m.discount("JPY", 1.0)              # ¥1 grows to this on the JGB curve in a year
    assert T.japan_surplus_pv(pd.DataFrame({"net_jpy_tn": [-1.0, one_year]}), m) == pytest.approx(0.0, abs=1e-12)


def test_compare_us_checks_register_values_against_the_register():
    with pytest.raises(InputError, match=r"^tariff = 2 is not valid: expected a value in \[0, "):
        T.compare_us(FundStructure(), 0.08, tariff=2.0)
    with pytest.raises(InputError, match=r"^credit_rate = 0\.01 is not valid: expected a value in \[0\.05, "):
        T.compare_us(FundStructure(), 0.08, credit_rate=0.01)
    with pytest.raises(InputError, match=r"tariff_years = 2\.5 is not valid: expected a whole number"):
        T.compare_us(FundStructure(), 0.08, tariff_years=2.5)
    with pytest.raises(TypeError, match="result must be a fundlib.chain.ChainResult"):
        T.compare_us(FundStructure(), 0.08, result="x")


def test_tax_and_tariff_streams_take_single_numbers():
    with pytest.raises(TypeError, match="credit_rate must be a single number"):
        T.tax_incentive_stream(100.0, np.full((2, 3), 0.3), 0.21)
    with pytest.raises(InputError, match="public_usd_bn = -5"):
        T.tax_incentive_stream(-5.0, 0.3, 0.21)
    with pytest.raises(InputError, match=r"years = 0 is not valid: expected a whole number in \[1, 100\]"):
        T.tariff_stream(0.1, 150.0, 1.0, 0)


# ----------------------------------------------------------------------------- found by review

def test_values_of_kinds_a_reader_may_type_get_named_errors(tmp_path):
    from decimal import Decimal

    with pytest.raises(InputError, match="rate = an integer of 401 digits"):
        T.tariff_stream(10**400, 150.0, 1.0, 10)
    with pytest.raises(TypeError, match="rate must be a single number; got Series"):
        T.tariff_stream(pd.Series([0.1, 0.2]), 150.0, 1.0, 10)          # was a silent per-year answer
    with pytest.raises(TypeError, match="credit_rate must be a single number; got range"):
        T.tax_incentive_stream(100.0, range(3), 0.21)
    with pytest.raises(TypeError, match=r"elasticity must be a number in \[0, 10\]; got Decimal"):
        T.tariff_stream(0.1, 150.0, Decimal("1.0"), 10)
    with pytest.raises(TypeError, match="years must be a whole number .*; got timedelta64"):
        T.tariff_stream(0.1, 150.0, 1.0, np.timedelta64(5, "D"))
    with pytest.raises(InputError, match="path = .* a CSV file, not a folder"):
        D.load_rates_monthly(tmp_path)
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(DataError, match="empty.csv: not a readable CSV"):
        D.load_rates_monthly(tmp_path / "empty.csv")


def test_parsers_refuse_dates_out_of_order_and_infinite_values():
    with pytest.raises(DataError, match="dates are not in increasing order"):
        F.parse_fred_csv(io.StringIO("observation_date,X\n2025-01-31,1\n2025-01-02,2\n"))
    with pytest.raises(DataError, match="row 3: value 'inf' is not a number"):
        F.parse_fred_csv(io.StringIO("observation_date,X\n2025-01-02,1\n2025-01-31,inf\n"))
    with pytest.raises(DataError, match="dates are not in increasing order"):
        F.parse_daily_close_csv(io.StringIO("DATE,OPEN,HIGH,LOW,CLOSE,VOLUME\n20250131,1,1,1,2,0\n20250102,1,1,1,3,0\n"))
