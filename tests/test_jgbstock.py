"""fundlib.jgbstock: the JGB stock by remaining maturity and its negative-yielding part, estimated from the
MoF's auction results (data/jgb_issues.csv, derived by scripts/derive_jgb_issues.py)."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fundlib.jgbstock as J
from fundlib import InputError, charts
from fundlib.data import DataError, load_jgb_issues
from fundlib.market import Market, MarketGap

ROOT = Path(__file__).resolve().parent.parent
XLS = ROOT.parent / "shared" / "data" / "raw" / "jgb_mof_auctions" / "jgb_historical_data.xls"
CSV = ROOT / "data" / "jgb_issues.csv"


def _derive_module():
    spec = importlib.util.spec_from_file_location("derive_jgb_issues", ROOT / "scripts" / "derive_jgb_issues.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _issue(instrument, number):
    t = J.issues()
    return t[(t["instrument"] == instrument) & (t["issue_number"] == number)].iloc[0]


# ------------------------------------------------------------------ the parser and the committed table


@pytest.mark.skipif(not XLS.exists(), reason="the MoF workbook is in ../shared only on the project's machines")
def test_committed_csv_is_what_the_script_derives_from_the_workbook(tmp_path):
    pytest.importorskip("xlrd")
    out = tmp_path / "jgb_issues.csv"
    assert _derive_module().main(["derive", str(XLS), str(out)]) == 0
    assert out.read_bytes() == CSV.read_bytes(), "re-run scripts/derive_jgb_issues.py and commit data/jgb_issues.csv"


@pytest.mark.skipif(not XLS.exists(), reason="the MoF workbook is in ../shared only on the project's machines")
def test_parser_reads_every_sheet_and_sums_each_auction():
    pytest.importorskip("xlrd")
    a = _derive_module().read_auctions(XLS)
    assert set(a["instrument"]) == {"40y", "30y", "20y", "15y_floating", "10y", "gx_10y", "10y_inflation_indexed",
                                    "5y", "gx_5y", "2y", "6y", "4y", "3y_discount", "tbill"}
    # 10-year #344, first auction (2016-09): ¥2.4tn offered = competitive + non-competitive + NPC I (+ NPC II on top)
    first = a[(a["instrument"] == "10y") & (a["issue_number"] == 344)].sort_values("issue_date").iloc[0]
    assert first["amount_100m_yen"] == pytest.approx(23991.45)
    assert first["issue_date"] == pd.Timestamp("2016-09-20")
    assert (a["amount_100m_yen"] >= 0).all() and len(a) > 2500


def test_hand_checked_issues():
    # JGB 10-year #344: 0.1%, matures 20 September 2026; three auctions (Sep, Oct, Nov 2016)
    r = _issue("10y", 344)
    assert (r["coupon"], r["maturity_date"], r["first_issue_date"]) == (pytest.approx(0.001), pd.Timestamp("2026-09-20"),
                                                                        pd.Timestamp("2016-09-20"))
    assert r["auctions"] == 3 and r["amount_jpy_tn"] == pytest.approx(2.399145 + 2.755297 + 2.758067)
    # 10-year #340: 0.4%, 20 September 2025
    r = _issue("10y", 340)
    assert (r["coupon"], r["maturity_date"]) == (pytest.approx(0.004), pd.Timestamp("2025-09-20"))
    # the first 30-year bond: 2.8%, issued 20 September 1999, matures 20 September 2029
    r = _issue("30y", 1)
    assert (r["coupon"], r["first_issue_date"], r["maturity_date"]) == (
        pytest.approx(0.028), pd.Timestamp("1999-09-20"), pd.Timestamp("2029-09-20"))
    # the first 40-year bond: 2.4%, matures 20 March 2048
    r = _issue("40y", 1)
    assert (r["coupon"], r["maturity_date"]) == (pytest.approx(0.024), pd.Timestamp("2048-03-20"))
    # floaters carry a spread and no coupon; discount issues a coupon of 0
    assert np.isnan(_issue("15y_floating", 48)["coupon"]) and _issue("15y_floating", 48)["spread"] == pytest.approx(-0.002)
    assert _issue("tbill", 443)["coupon"] == 0.0


def test_table_is_consistent():
    t = load_jgb_issues()
    assert t["kind"].isin(["fixed", "discount", "floating", "inflation_indexed"]).all()
    assert (t["first_issue_date"] <= t["last_issue_date"]).all() and (t["last_issue_date"] < t["maturity_date"]).all()
    assert not t.duplicated(["instrument", "issue_number"]).any()
    # coupon JGBs of 2010 onward mature on the 20th, except 2-year notes (the 15th, then the 1st);
    # inflation-indexed bonds on the 10th
    recent = t[(t["first_issue_date"].dt.year >= 2010) & (t["kind"] == "fixed")]
    assert (recent.loc[recent["instrument"] != "2y", "maturity_date"].dt.day == 20).all()
    assert recent.loc[recent["instrument"] == "2y", "maturity_date"].dt.day.isin([1, 15]).all()
    assert (t.loc[t["kind"] == "inflation_indexed", "maturity_date"].dt.day == 10).all()


GOOD = ("instrument,issue_number,kind,first_issue_date,last_issue_date,maturity_date,coupon_pct,spread_pct,"
        "amount_jpy_tn,auctions,tranches\n"
        "10y,344,fixed,2016-09-20,2016-11-10,2026-09-20,0.1,,7.912509,3,2016-09-20:2.399145 2016-10-06:2.755297 2016-11-10:2.758067\n")


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace("2026-09-20", "2026-13-20"), r"jgb_issues.csv, row 2: first_issue_date, last_issue_date or maturity_date"),
    (lambda s: s.replace(",fixed,", ",callable,"), r"row 2: kind is not one of"),
    (lambda s: s.replace(",0.1,,", ",,,"), r"row 2: only a floating issue may leave coupon_pct blank"),
    (lambda s: s.replace(",0.1,,", ",abc,,"), r"row 2: 'coupon_pct' = 'abc' is not a number"),
    (lambda s: s.replace("7.912509", "8.5"), r"row 2: tranches do not .* sum to amount_jpy_tn"),
    (lambda s: s.replace("2016-10-06:", "2016-10-06="), r"row 2: tranches must be 'YYYY-MM-DD:amount' pairs"),
    (lambda s: s.replace("2016-11-10:2.758067", "2016-11-10:2.758067 2016-10-01:0"), r"row 2: tranches must be"),
    (lambda s: s + s.splitlines()[1] + "\n", r"row 3: the issue \(instrument, issue_number\) is listed twice"),
    (lambda s: s.replace(",tranches", ",tranche"), r"missing column\(s\) \['tranches'\]"),
])
def test_loader_names_file_and_row(tmp_path, edit, message):
    p = tmp_path / "jgb_issues.csv"
    p.write_text(GOOD)
    assert load_jgb_issues(p)["amount_jpy_tn"].iloc[0] == pytest.approx(7.912509)
    p.write_text(edit(GOOD))
    with pytest.raises(DataError, match=message):
        load_jgb_issues(p)


# ------------------------------------------------------------------ identities


def test_stock_is_the_sum_of_live_issues():
    for month in ("2007-06", "2016-03", "2019-08", "2024-12"):
        s = J.negative_stock(month)
        live = J.outstanding(month)
        assert s["total_jpy_tn"] == pytest.approx(live["amount_jpy_tn"].sum())
        assert s["issues"] == len(live)
        assert s["total_jpy_tn"] == pytest.approx(s["priced_jpy_tn"] + s["not_priced_jpy_tn"])
        assert 0 <= s["negative_jpy_tn"] <= s["priced_jpy_tn"] <= s["total_jpy_tn"]
        assert s["share_negative"] == pytest.approx(s["negative_jpy_tn"] / s["total_jpy_tn"])
        p = J.priced_issues(month)
        assert s["negative_jpy_tn"] == pytest.approx(p.loc[p["negative"], "amount_jpy_tn"].sum())
        assert s["longest_negative_years"] == pytest.approx(p.loc[p["negative"], "remaining_years"].max() if p["negative"].any() else 0)
        b = J.stock_by_maturity(month)
        assert b["total_jpy_tn"].sum() == pytest.approx(s["total_jpy_tn"])
        assert b["negative_jpy_tn"].sum() == pytest.approx(s["negative_jpy_tn"])
        assert (live["remaining_years"] > 0).all() and live["remaining_years"].is_monotonic_increasing


def test_an_issue_is_alive_from_its_issue_date_until_its_maturity_and_grows_with_reopenings():
    def amount(date):
        live = J.outstanding(date)
        hit = live[(live["instrument"] == "10y") & (live["issue_number"] == 344)]
        return float(hit["amount_jpy_tn"].iloc[0]) if len(hit) else None

    assert amount("2016-09-19") is None
    assert amount("2016-09-20") == pytest.approx(2.399145)        # first auction only
    assert amount("2016-10-31") == pytest.approx(2.399145 + 2.755297)
    assert amount("2016-11-10") == pytest.approx(7.912509)        # all three
    assert amount("2026-07-31") == pytest.approx(7.912509)
    live = J.outstanding("2016-09-20")
    r = live[(live["instrument"] == "10y") & (live["issue_number"] == 344)].iloc[0]
    assert r["remaining_years"] == pytest.approx(10.0, abs=0.01)
    # an issue maturing on a date is no longer in the stock that day
    t = J.issues()
    r = t[(t["instrument"] == "10y") & (t["issue_number"] == 340)].iloc[0]
    before = J.outstanding("2025-09-19")
    on = J.outstanding("2025-09-20")
    key = lambda d: set(zip(d["instrument"], d["issue_number"]))  # noqa: E731
    assert ("10y", 340) in key(before) and ("10y", 340) not in key(on)
    assert r["maturity_date"] == pd.Timestamp("2025-09-20")


def test_no_negative_stock_when_every_yield_is_positive():
    s = J.negative_stock("2007-06")
    assert s["negative_jpy_tn"] == 0 and s["share_negative"] == 0 and s["longest_negative_years"] == 0
    assert s["total_jpy_tn"] > 400


def _flat_market(y):
    par = pd.Series([y] * 5, index=pd.Index([1.0, 2.0, 5.0, 10.0, 30.0], name="tenor_years"))
    return Market("2016-07", par, par, None, None, None, 0.0)


def test_pricing_on_flat_curves():
    neg = J.priced_issues("2016-07", _flat_market(-0.005))
    pos = J.priced_issues("2016-07", _flat_market(0.01))
    assert neg.loc[neg["priced"], "negative"].all() and not pos["negative"].any()
    assert neg.loc[neg["priced"], "yield_"].between(-0.006, -0.003).all()
    assert pos.loc[pos["priced"], "yield_"].between(0.008, 0.012).all()
    # unpriced issues (floaters, inflation-indexed) have no yield and never count as negative
    assert neg.loc[~neg["priced"], "yield_"].isna().all() and not neg.loc[~neg["priced"], "negative"].any()
    assert set(neg.loc[~neg["priced"], "kind"]) <= {"floating", "inflation_indexed"}


def test_yields_track_the_curve():
    """The newest 10-year bond trades close to par, so its yield is close to the 10-year par yield."""
    m = Market.at("2016-07")
    p = J.priced_issues("2016-07")
    new = p[(p["instrument"] == "10y")].sort_values("remaining_years").iloc[-1]
    assert new["yield_"] == pytest.approx(m.par_yield("JPY", new["remaining_years"]), abs=0.0005)
    # yields below zero exactly where the price beats the undiscounted cash flows; negative ones shorter
    fixed = p[p["priced"]]
    assert fixed.loc[fixed["negative"], "remaining_years"].max() < fixed.loc[~fixed["negative"], "remaining_years"].max()


# ------------------------------------------------------------------ the estimate at the dates that matter


@pytest.mark.parametrize("month, total, negative", [
    ("2016-03", 802.5, 552.4),
    ("2016-07", 816.1, 616.9),
    ("2019-08", 866.5, 706.0),
])
def test_estimate_at_the_peak_dates(month, total, negative):
    s = J.negative_stock(month)
    assert s["total_jpy_tn"] == pytest.approx(total, abs=0.1)
    assert s["negative_jpy_tn"] == pytest.approx(negative, abs=0.1)
    # far above the ¥250tn press claim; Bloomberg's "over ¥600tn" also counted T-bills, which this leaves out
    assert s["negative_jpy_tn"] > 2 * 250


def test_history_matches_single_months_and_finds_the_peak():
    h = J.negative_stock_history()
    assert str(h.index[0]) == "2014-01" and str(h.index[-1]) == "2024-12" and len(h) == 132
    for month in ("2016-03", "2019-08", "2021-01"):
        assert h.loc[pd.Period(month, "M")].to_dict() == pytest.approx(J.negative_stock(month).to_dict())
    assert str(h["negative_jpy_tn"].idxmax()) == "2019-08"
    assert (h["negative_jpy_tn"] <= h["total_jpy_tn"]).all()
    assert h.loc["2014-01":"2014-11", "negative_jpy_tn"].eq(0).all()   # before yields first dipped below zero
    assert h.loc["2024-07":"2024-12", "negative_jpy_tn"].eq(0).all()   # after the Bank of Japan's exit


def test_a_month_is_the_same_alone_or_in_the_whole_history():
    """Each month is priced off its own market whatever the span asked for (make bench times the whole
    history, 132 months)."""
    a = J.negative_stock_history()
    assert len(a) == 132
    one = J.negative_stock_history("2019-08", "2019-08")
    assert one.iloc[0].to_dict() == a.loc[pd.Period("2019-08", "M")].to_dict()


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("call, name, shown", [
    (lambda: J.negative_stock("2016-13"), "month", "'2016-13'"),
    (lambda: J.negative_stock("2016/07"), "month", "'2016/07'"),
    (lambda: J.negative_stock(201607), "month", "201607"),
    (lambda: J.negative_stock("1999-12"), "month", "'1999-12'"),
    (lambda: J.negative_stock("2031-01"), "month", "'2031-01'"),
    (lambda: J.negative_stock("2016-07", market="flat"), "market", "'flat'"),
    (lambda: J.priced_issues("July 2016"), "month", "'July 2016'"),
    (lambda: J.stock_by_maturity("2016-7"), "month", "'2016-7'"),
    (lambda: J.outstanding("2031-01-01"), "date", "'2031-01-01'"),
    (lambda: J.outstanding("yesterday"), "date", "'yesterday'"),
    (lambda: J.outstanding("1970-01-01"), "date", "'1970-01-01'"),
    (lambda: J.negative_stock_history("2016-01", "2015-12"), "end", "'2015-12'"),
    (lambda: J.negative_stock_history("2014-1", "2015-12"), "start", "'2014-1'"),
    (lambda: charts.negative_stock_chart(pd.DataFrame({"x": [1]})), "history", "'DataFrame'"),
])
def test_bad_input_names_parameter_value_and_range(call, name, shown):
    with pytest.raises(InputError) as e:
        call()
    msg = str(e.value)
    assert msg.startswith(f"{name} = {shown} is not valid: expected"), msg
    if name in ("month", "start"):
        assert "YYYY-MM in 2000-01.." in msg
    if name == "date":
        assert "YYYY-MM-DD" in msg and ".." in msg


def test_a_month_without_a_curve_says_so():
    with pytest.raises(MarketGap, match="JGB curve has no value at month-end 2026-07"):
        J.negative_stock("2026-07")


# ------------------------------------------------------------------ the chart


def test_chart_draws_both_series_and_the_published_figures():
    h = J.negative_stock_history()
    spec = charts.negative_stock_chart(h).to_dict()
    text = str(spec)
    assert "¥tn (trillion yen, face value)" in text and "Month-end" in text
    assert "press claim: ¥250tn" in text and "Bloomberg, March 2016: over ¥600tn" in text
    assert "Estimated stock (auctioned JGBs alive)" in text and "of which yielding below zero" in text
    # a history that does not reach March 2016 leaves Bloomberg's mark out, but keeps the ¥250tn rule
    later = str(charts.negative_stock_chart(J.negative_stock_history("2019-01", "2020-12")).to_dict())
    assert "over ¥600tn" not in later and "press claim: ¥250tn" in later
