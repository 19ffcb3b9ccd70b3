"""fundlib.data: the shipped tables pass their schema checks; bad files fail naming file and row;
the official-format parsers read small fixtures in each publisher's format."""

import io

import numpy as np
import pandas as pd
import pytest

from fundlib import data as D
from fundlib.data import DataError
from fundlib import InputError


def test_rates_monthly_loads_with_decimals_and_coverage():
    r = D.load_rates_monthly()
    assert str(r.index[0]) == "2000-01"
    assert r.index.is_monotonic_increasing and r.index.is_unique
    assert {"jgb_30y", "jgb_40y", "ust_3m", "ust_30y", "sofr", "tona", "usdjpy"} <= set(r.columns)
    # decimals, not percent: JGB 10Y was 1.671% at end-January 2000
    assert r.loc[pd.Period("2000-01", "M"), "jgb_10y"] == pytest.approx(0.01671)
    assert r["jgb_30y"].dropna().index[-1] == pd.Period("2026-02", "M")
    assert r["sofr"].dropna().index[0] == pd.Period("2018-04", "M")
    # negative JGB yields 2016-2021 are valid data
    assert r.loc[pd.Period("2016-07", "M"), "jgb_10y"] < 0
    # no gaps inside any series' coverage
    for col in r.columns:
        s = r[col]
        first, last = s.first_valid_index(), s.last_valid_index()
        assert not s.loc[first:last].isna().any(), col


def test_facts_tables_have_sources():
    f = D.load_filp_facts()
    c = D.load_comparators()
    assert f["source_url"].str.startswith("http").all()
    assert c["source_url"].str.startswith("http").all()
    assert c.set_index("id").loc["stargate", "value"] == 500


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_schema_errors_name_file_and_row(tmp_path):
    good = (D.data_dir() / "rates_monthly.csv").read_text().splitlines()
    bad = good[:3] + [good[3].replace("2000-03", "2000-13x", 1)] + good[4:6]
    with pytest.raises(DataError, match=r"rates_monthly.csv, row 4: 'month' = '2000-13x' is not YYYY-MM"):
        D.load_rates_monthly(_write(tmp_path, "rates_monthly.csv", "\n".join(bad)))
    swapped = [good[0], good[2], good[1]]
    with pytest.raises(DataError, match="row 3: months are not in increasing order"):
        D.load_rates_monthly(_write(tmp_path, "r2.csv", "\n".join(swapped)))
    dup = [good[0], good[1], good[1]]
    with pytest.raises(DataError, match="row 3: duplicate month"):
        D.load_rates_monthly(_write(tmp_path, "r3.csv", "\n".join(dup)))
    hot = good[0] + "\n" + good[1].replace("0.192", "99", 1)
    with pytest.raises(DataError, match=r"row 2: 'jgb_1y_pct' = 99(\.0)? is outside \[-5.0, 25.0\]"):
        D.load_rates_monthly(_write(tmp_path, "r4.csv", hot))
    text = good[0] + "\n" + good[1].replace("0.192", "abc", 1)
    with pytest.raises(DataError, match="row 2: 'jgb_1y_pct' = 'abc' is not a number"):
        D.load_rates_monthly(_write(tmp_path, "r5.csv", text))
    with pytest.raises(DataError, match="missing column"):
        D.load_rates_monthly(_write(tmp_path, "r6.csv", "month,x\n2000-01,1"))
    with pytest.raises(FileNotFoundError, match="path: no such file"):
        D.load_rates_monthly(tmp_path / "nope.csv")


def test_assumption_value_outside_its_range_is_rejected(tmp_path):
    p = _write(tmp_path, "assumptions.csv",
               "id,value,unit,low,high,source,tier,note\nx,5,x,1,3,somewhere,official,\n")
    with pytest.raises(DataError, match=r"row 2: x value 5.0 is outside its range \[1.0, 3.0\]"):
        D.load_assumptions_table(p)
    p = _write(tmp_path, "a2.csv", "id,value,unit,low,high,source,tier,note\nx,2,x,1,3,,official,\n")
    with pytest.raises(DataError, match="row 2: column 'source' is empty"):
        D.load_assumptions_table(p)


MOF_SJIS = (
    "国債金利情報,,,,,(単位 : %)\r\n"
    "基準日,1年,2年,10年,30年,40年\r\n"
    "S49.9.24,10.327,9.362,-,-,-\r\n"
    "H31.4.26,-0.15,-0.16,-0.045,0.55,0.69\r\n"
    "R1.5.7,-0.151,-0.158,-0.05,0.54,0.67\r\n"
    "R8.2.27,1.10,1.20,2.10,3.342,3.70\r\n"
)


def test_parse_mof_shift_jis_with_title_row_and_era_dates():
    raw = MOF_SJIS.encode("cp932")
    df = D.parse_mof_jgb_csv(io.BytesIO(raw))
    assert list(df.columns) == [1, 2, 10, 30, 40]
    assert list(df.index.strftime("%Y-%m-%d")) == ["1974-09-24", "2019-04-26", "2019-05-07", "2026-02-27"]
    assert np.isnan(df.loc["1974-09-24", 10])
    assert df.loc["2019-04-26", 10] == pytest.approx(-0.045)
    assert df.loc["2026-02-27", 30] == pytest.approx(3.342)


def test_parse_mof_english_edition_and_utf8_copy():
    eng = "Interest Rate,,,(Unit : %)\nDate,1Y,10Y,30Y\n2016/7/27,-0.3,-0.2,0.1\n2016/7/28,-0.29,-0.25,0.05\n"
    df = D.parse_mof_jgb_csv(io.StringIO(eng))
    assert df.loc["2016-07-28", 10] == pytest.approx(-0.25)
    utf8 = "\n".join(MOF_SJIS.splitlines()[1:]).encode("utf-8")
    assert D.parse_mof_jgb_csv(io.BytesIO(utf8)).shape == (4, 5)


def test_parse_mof_errors_name_the_row():
    bad = MOF_SJIS.replace("R1.5.7", "X1.5.7").encode("cp932")
    with pytest.raises(DataError, match="row 5: date 'X1.5.7'"):
        D.parse_mof_jgb_csv(io.BytesIO(bad))
    with pytest.raises(DataError, match="no header row"):
        D.parse_mof_jgb_csv(io.StringIO("a,b\n1,2\n"))


def test_era_dates():
    assert D.japanese_era_to_date("S64.1.7") == pd.Timestamp("1989-01-07")
    assert D.japanese_era_to_date("H1.1.8") == pd.Timestamp("1989-01-08")
    assert D.japanese_era_to_date("R8.2.27") == pd.Timestamp("2026-02-27")


def test_parse_fred_both_missing_markers():
    s = D.parse_fred_csv(io.StringIO("observation_date,DGS30\n2025-10-30,4.63\n2025-10-31,\n2025-11-03,.\n2025-11-04,4.7\n"))
    assert s.name == "DGS30" and s.isna().sum() == 2 and s.iloc[-1] == 4.7
    with pytest.raises(DataError, match="row 2: value 'x'"):
        D.parse_fred_csv(io.StringIO("observation_date,SOFR\n2025-01-02,x\n"))
    with pytest.raises(DataError, match="expected two columns"):
        D.parse_fred_csv(io.StringIO("a,b,c\n1,2,3\n"))


def test_month_end_keeps_only_complete_months():
    idx = pd.to_datetime(["2026-06-29", "2026-06-30", "2026-07-01", "2026-07-15"])
    s = pd.Series([1.0, 2.0, 3.0, 4.0], index=idx)
    m = D.month_end(s)
    assert list(m.index.astype(str)) == ["2026-06"] and m.iloc[0] == 2.0
    assert len(D.month_end(s, complete_only=False)) == 2


def test_build_rates_monthly_from_a_small_raw_folder(tmp_path):
    raw = tmp_path / "raw"
    for sub in ("jgb_mof", "ust_cmt", "sofr", "tona_boj", "usdjpy"):
        (raw / sub).mkdir(parents=True)
    (raw / "jgb_mof" / "jgbcm_all.csv").write_bytes((
        "国債金利情報,,(単位 : %)\r\n基準日," + ",".join(f"{t}年" for t in D.JGB_TENORS) + "\r\n"
        + "R7.12.30," + ",".join(["1.5"] * 15) + "\r\n"
        + "R8.1.30," + ",".join(["1.6"] * 15) + "\r\n").encode("cp932"))
    for sid in ("DGS3MO", "DGS1", "DGS2", "DGS5", "DGS7", "DGS10", "DGS20", "DGS30"):
        (raw / "ust_cmt" / f"{sid}.csv").write_text(
            f"observation_date,{sid.lower()}\n2025-12-31,4.5\n2026-01-30,4.6\n2026-02-10,4.7\n")
    (raw / "sofr" / "SOFR.csv").write_text("observation_date,SOFR\n2025-12-31,3.9\n2026-01-30,3.7\n")
    (raw / "tona_boj" / "TONA.csv").write_text(
        "DATE,OPEN,HIGH,LOW,CLOSE,VOLUME\n20251230,0.7,0.7,0.7,0.73,0\n20260130,0.7,0.7,0.7,0.72,0\n")
    (raw / "usdjpy" / "DEXJPUS_a.csv").write_text("observation_date,DEXJPUS\n2025-12-31,157.0\n2026-01-30,150.0\n")
    (raw / "usdjpy" / "DEXJPUS_b.csv").write_text("observation_date,DEXJPUS\n2026-01-30,151.0\n")
    out = D.build_rates_monthly(raw, start="2025-12")
    assert list(out["month"]) == ["2025-12", "2026-01"]  # February is incomplete and dropped
    assert out["jgb_30y_pct"].tolist() == [1.5, 1.6]
    assert out["usdjpy"].tolist() == [157.0, 151.0]  # the later file wins
    path = tmp_path / "rates_monthly.csv"
    out.to_csv(path, index=False)
    loaded = D.load_rates_monthly(path)
    assert loaded["tona"].tolist() == pytest.approx([0.0073, 0.0072])


def test_overnight_rates_are_the_months_average_fixing():
    """SOFR and TONA enter the table as the month's average of the daily fixings (a month-end spike
    is one day's noise); the yields stay month-end."""
    import pandas as pd

    from fundlib.formats import month_end

    days = pd.to_datetime(["2025-10-01", "2025-10-15", "2025-10-30", "2025-10-31"])
    s = pd.Series([4.20, 4.30, 4.04, 4.22], index=days)
    assert month_end(s, how="mean").iloc[0] == pytest.approx((4.20 + 4.30 + 4.04 + 4.22) / 4, abs=1e-12)
    assert month_end(s).iloc[0] == 4.22
    with pytest.raises(InputError, match="how"):
        month_end(s, how="median")


def test_vision_funds_are_drawn_at_money_pledged_and_unverified_figures_say_so():
    """Vision Fund 2's $108bn was an announced target of non-binding MOUs; SoftBank's own $38bn was the
    pledge (and SoftBank ended as its only investor). Vision Fund 1 is drawn at its first close, which
    SoftBank announced; the $98.6bn final figure rests on a weak page and is flagged."""
    from fundlib import structure as S

    c = D.load_comparators().set_index("id")
    pledge = c.loc["svf2_softbank_pledge"]
    assert pledge["value"] == 38 and pledge["as_of"] == "2019-07-26" and "firstpost.com" in pledge["source_url"]
    assert c.loc["svf1_committed", "note"].startswith("UNVERIFIED")
    s = S.scale_comparison().set_index("name")["usd_bn"]
    svf2 = s[s.index.str.startswith("SoftBank Vision Fund 2")]
    assert len(svf2) == 1 and svf2.iloc[0] == 38
    assert "SoftBank's own pledge" in svf2.index[0] and "$108bn" in svf2.index[0] and "non-binding MOUs" in svf2.index[0]
    svf1 = s[s.index.str.startswith("SoftBank Vision Fund 1")]
    assert len(svf1) == 1 and svf1.iloc[0] == c.loc["svf1_first_close", "value"] == 93


def test_the_gpfg_comparison_is_computed_from_the_table():
    """The press claim that the fund would dwarf the GPFG's North American allocation, judged: more than
    half of NOK 19,742bn at end-2024 (about $1.75tn) was in the US, so the fund's $900bn of assets is
    comparable to the GPFG's US holdings alone, and smaller at end-2025."""
    from fundlib import structure as S

    g = S.gpfg_in_usd()
    assert g.loc[2024, "usd_bn"] == pytest.approx(19_742 / 11.2858) and round(g.loc[2024, "usd_bn"] / 1000, 2) == 1.75
    assert g.loc[2024, "us_share_is"] == "more than" and round(g.loc[2024, "us_usd_bn"] / 1000, 2) == 0.87
    assets = S.FundStructure().assets_usd_bn
    assert 0.95 < assets / g.loc[2024, "us_usd_bn"] < 1.1           # comparable, not dwarfing
    assert assets < g.loc[2025, "us_usd_bn"]                        # smaller a year later
