"""fundlib.export.to_excel: the workbook recalculated by a real spreadsheet engine (LibreOffice Calc,
headless, forced to recalculate) equals fundlib.chain.run, before and after inputs are changed in
the workbook; no error cells; a clean file; every calculated cell a formula; bad input refused.
"""

from __future__ import annotations

import datetime
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from fundlib import InputError
from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import export as E
from fundlib import finance as F
from fundlib.market import Market
from fundlib.structure import PAYEES, Fees, FundStructure

TOL = 1e-9
CALC_SHEETS = ("Timeline", "Fund", "Plan", "Debt", "Waterfall", "Parties", "Japan in yen", "IRR search")
ERROR = re.compile(r"^(#(VALUE|REF|NAME|DIV/0|N/A|NUM|NULL)[!?]?|Err:\d+)")
# Inputs changed in the workbook: (leverage, SOFR, US Treasury share, asset return or None: unchanged).
# The first is the brief's change; the others make the chain trap cash (lock-up) and call the guarantees.
EDITS = {"three": (4.0, 0.05, 0.6, None), "lockup": (4.0, 0.07, 0.7, 0.06), "guarantee": (5.5, 0.07, 0.3, 0.05)}


def _need_soffice():
    if E.find_soffice() is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("LibreOffice (soffice) is missing in CI: `make test` installs libreoffice-calc-nogui when run as root")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui to run these checks")


# ----------------------------------------------------------------------------- the cases


def _variants():
    """name -> (build kwargs, chain.run on the same inputs with (leverage, sofr, us_share) changed, or None).

    Between them they exercise every path of the chain: the default; the retail-first terms with a
    fee on capital paid in, hurdle, catch-up and carry, subordinated debt and calls over three years;
    the MOU terms past Japan's recoup; shocks after close (SOFR, AI bust, delay, USD/JPY) that bring
    equity cures, guarantee calls and subordinated arrears; a heavy loss; a long fund."""
    m = Market.current()
    terms_fund = FundStructure(sub_debt_share=0.2, deploy_years=3, fees=Fees(0.01, "invested", 0.2, 0.04))
    shocks = CH.Shocks(sofr_bp=100.0, ai_bust=1.0, delay_years=2, usdjpy=120.0)
    shock_ov = {"leverage_x": 2.5, "management_fee": 0.015, "sub_debt_share": 0.3}
    with A.scenario(shock_ov):
        shock_fund = FundStructure()
    mou = Path(__file__).resolve().parent.parent / "scenarios" / "mou_like_funding.json"
    return {
        "default": ({}, _scenario_run),
        "terms": ({"fund": terms_fund, "market": m, "preset": "retail_first", "asset_return": 0.10},
                  lambda lev, sofr, us: CH.run(_fund(terms_fund, lev, us), _mkt(m, sofr), preset="retail_first",
                                               asset_return=0.10)),
        "mou": ({"scenario": mou, "preset": "mou_2025", "asset_return": 0.09, "deemed_rate": 0.02}, None),
        "shocks": ({"overrides": shock_ov, "shocks": shocks, "yen_appreciation": 0.02, "asset_return": 0.08},
                   lambda lev, sofr, us: CH.run(_fund(shock_fund, lev, us), _mkt(m, sofr), asset_return=0.08,
                                                shocks=shocks, yen_appreciation=0.02)),
        # a heavy loss: the guarantors lose 99% (IRR about -88%, where the spreadsheet's IRR alone finds no root)
        "loss": ({"overrides": {"asset_return": 0.01, "management_fee": 0.02},
                  "shocks": CH.Shocks(sofr_bp=300.0, ai_bust=2.0, delay_years=4)}, None),
        # a long fund: 30 years, calls over 5, a 12-year debt, fees with hurdle, catch-up and carry
        "long": ({"overrides": {"fund_life_years": 30, "debt_tenor_years": 12, "deploy_years": 5, "management_fee": 0.01,
                                "carried_interest": 0.2, "hurdle_rate": 0.06, "asset_return": 0.11}}, None),
    }


def _scenario_run(lev, sofr, us, r_a=None):
    ov = {} if r_a is None else {"asset_return": r_a}
    with A.scenario({"leverage_x": lev, "sofr": sofr, "us_treasury_share": us, "japan_mof_share": 1.0 - us, **ov}):
        return CH.run()


def _fund(f, lev, us):
    sh = dict(f.shares, us_treasury=us)
    sh["japan_mof"] = 1.0 - (sh["us_treasury"] + sh["other_lp"] + sh["us_retail"] + sh["japan_retail"])
    return f.with_(leverage=lev, shares=sh)


def _mkt(m, sofr):
    return m.with_(sofr=sofr)


def _edit(src: Path, dst: Path, lev, sofr, us, r_a=None) -> None:
    wb = openpyxl.load_workbook(src)
    for name, v in (("Leverage", lev), ("SOFR", sofr), ("ShareUS", us), ("AssetReturn", r_a)):
        if v is None:
            continue
        sheet, cell = wb.defined_names[name].attr_text.split("!")
        wb[sheet.strip("'")][cell.replace("$", "")].value = v
    wb.save(dst)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every workbook built and the edited copies written (no spreadsheet engine needed)."""
    src = tmp_path_factory.mktemp("xlsx")
    cases = {}
    for name, (kw, edited) in _variants().items():
        kw = dict(kw)
        overrides = kw.pop("overrides", None)
        ex = E.build(overrides, **kw)
        ex.save(src / f"{name}.xlsx")
        cases[name] = (ex, ex.spec.result)
        for tag, (lev, sofr, us, r_a) in EDITS.items():
            if edited is None or (tag != "three" and name != "default"):
                continue
            _edit(src / f"{name}.xlsx", src / f"{name}_{tag}.xlsx", lev, sofr, us, r_a)
            cases[f"{name}_{tag}"] = (ex, edited(lev, sofr, us) if r_a is None else edited(lev, sofr, us, r_a))
    return {"src": src, "cases": cases}


@pytest.fixture(scope="module")
def engine(built, tmp_path_factory):
    """All the workbooks recalculated in one LibreOffice start."""
    _need_soffice()
    out = tmp_path_factory.mktemp("recalc")
    paths = sorted(built["src"].glob("*.xlsx"))
    E.recalculate(paths, out)
    books = {p.stem: openpyxl.load_workbook(out / p.name, data_only=True) for p in paths}
    return {**built, "out": out, "books": books}


# ----------------------------------------------------------------------------- what the library says


def _num(v):
    if v is None or v == "":
        return np.nan
    if isinstance(v, str):
        raise AssertionError(f"text {v!r} where a number belongs")
    return float(v)


def _read(wb, ex, key):
    sheet, row, c0, n = ex.locate(key)
    ws = wb[sheet]
    return np.array([_num(ws.cell(row, c0 + j).value) for j in range(n)])


def _named(wb, name):
    sheet, cell = wb.defined_names[name].attr_text.split("!")
    return _num(wb[sheet.strip("'")][cell.replace("$", "")].value)


def expected(ex, r) -> dict:
    """Workbook row key -> the library's number(s) for the same inputs: the result cells. Read under
    the export's scenario (``ChainResult.japan_yen`` reads the FILP tenor from the register)."""
    with A.scenario(ex.spec.overrides):
        return _expected(ex, r)


def _irr(net) -> float:
    """fundlib.finance.irr of the flows from the first non-zero one: the same IRR (a leading zero only
    adds the root r = ∞), which the library's irr can return instead when the flows start at zero."""
    nz = np.flatnonzero(net)
    return F.irr(net[nz[0]:]) if nz.size and nz[-1] > nz[0] else np.nan


def _expected(ex, r) -> dict:
    L, m, T = r.ledger, r.market, r.horizon
    led = lambda party, item=None, d="in": L.total(party, item, d)[0]  # noqa: E731
    out = {"calls": led("fund", "capital call"), "cure": led("fund", "equity cure"), "draws": led("fund", "debt drawn"),
           "purchases": led("assets", "assets bought"), "cfads": r.cfads[0], "exit": r.exit_value[0],
           "fee": led("manager", "management fee"), "rate_s": r.senior_rate[0], "rate_j": r.sub_rate[0],
           "due_all": r.debt_service_due[0], "dscr": r.dscr[0], "bal_s": r.senior_balance[0], "bal_j": r.sub_balance[0],
           "arrears": r.sub_arrears[0], "exposure": r.guarantee_exposure[0],
           "service_s": led("senior_lenders", "senior debt service"), "service_j": led("sub_lenders", "subordinated debt service"),
           "call": r.guarantee_calls()[0], "back": r.guarantee_recovered()[0],
           "call_exim": led("exim", "guarantee call", "out"), "call_jbic": led("jbic", "guarantee call", "out"),
           "back_exim": led("exim", "guarantee recovery"), "back_jbic": led("jbic", "guarantee recovery"),
           "fill": led("reserve", "cash to the reserve"), "res_released": led("reserve", "reserve released", "out"),
           "reserve_funded": led("reserve", "debt-service reserve funded"), "dsra": r.reserve_target[:1],
           "swap_k": r.swap_fixed[:1], "swap_paid": led("swap_counterparty", "swap settlement"),
           "swap_get": led("swap_counterparty", "swap settlement", "out"),
           "idc": led("senior_lenders", "debt drawn (interest during construction)", "out"),
           "fee_paid": r.guarantee_fees()[0], "fee_exim": led("exim", "guarantee fee"),
           "fee_jbic": led("jbic", "guarantee fee"),
           "reserve": np.cumsum(L.net("reserve")[0]), "distributable": r.waterfall.paid[:, :, 0].sum(axis=(0, 1)),
           "fx_h": r.fx_hedged, "fx_u": r.fx_path[0], "unlevered_irr": r.asset_return[:1]}
    lib_labels = [t.label for t in r.waterfall.tiers]
    for k, tier in enumerate(ex.tiers):
        kk = lib_labels.index(tier.label) if tier.label in lib_labels else None
        for i, p in enumerate(PAYEES):
            if f"pay{k}_{p}" in ex.book.keys:
                out[f"pay{k}_{p}"] = r.waterfall.paid[kk, i, 0] if kk is not None else np.zeros(T)
    for i, p in enumerate(PAYEES):
        out[f"dist_{p}"] = r.waterfall.paid[:, i, 0].sum(axis=0)
    dates = [(pd.Period(m.as_of, "M") + 12 * t).end_time.date() for t in range(T)]
    pv_rate = m.par_yield("USD", 30.0)
    for p in E.PARTY_ROWS:
        net = L.net(p)[0]
        out.update({f"out_{p}": led(p, None, "out"), f"in_{p}": led(p), f"net_{p}": net, f"pv_{p}": [F.npv(pv_rate, net)]})
        if f"irr_{p}" in ex.book.keys:          # the guarantors and the swap counterparty have a PV only
            out.update({f"irr_{p}": [_irr(net)], f"moic_{p}": [F.moic(net)], f"xirr_{p}": [F.xirr(dates, net)]})
    owners = sum(L.net(o)[0] for o in ("us_treasury", "japan_mof", "other_lp", "us_retail", "japan_retail"))
    out["net_owners"] = owners
    out["irr_owners"] = [_irr(owners)]
    for hedged, tag in ((True, "h"), (False, "u")):
        jy = r.japan_yen(hedged)
        out.update({f"issued_{tag}": jy["filp_issued_jpy_tn"][0], f"got_{tag}": jy["jpy_received_tn"][0],
                    f"coupon_{tag}": jy["filp_coupon_jpy_tn"][0], f"repaid_{tag}": jy["filp_repaid_jpy_tn"][0],
                    f"jnet_{tag}": jy["net_jpy_tn"][0], f"jcum_{tag}": np.cumsum(jy["net_jpy_tn"][0]),
                    f"jpv_{tag}": [jy["net_jpy_tn"][0] @ m.discount("JPY", np.arange(T, dtype=float))]})
        out["bb_price"] = jy["filp_buyback_price"]
    n = ex.spec.N
    out["usd_zero"] = m.zero_rate("USD", np.arange(1, n + 1.0))
    out["jpy_zero"] = m.zero_rate("JPY", np.arange(1, n + 1.0))
    return out


def _named_expected(r):
    m, f = r.market, r.fund
    return {"DebtRate": f.debt_rate(m), "FilpYield": r.japan_yen()["filp_yield"], "PVRate": m.par_yield("USD", 30.0),
            "SeniorMargin": f.senior_margin, "SubMargin": f.sub_margin, "ShareJapan": f.shares["japan_mof"]}


def _rel(got, want, floor=1e-12) -> np.ndarray:
    """|workbook − library| ÷ |library|; an amount under a thousandth of its row's largest (or under
    ``floor``) is measured against that, so rounding dust beside a zero is not a relative error of 100%."""
    got, want = np.asarray(got, float), np.asarray(want, float)
    both_nan = np.isnan(got) & np.isnan(want)
    floor = max(1e-3 * np.nanmax(np.abs(want), initial=0.0), floor)
    with np.errstate(invalid="ignore"):
        d = np.abs(got - want) / np.maximum(np.abs(want), floor)
    d = np.where(both_nan, 0.0, d)
    return np.where(np.isnan(d), np.inf, d)


def compare(wb, ex, r) -> tuple[float, int]:
    worst, n = 0.0, 0
    money = 1e-6 * r.fund.assets_usd_bn      # money under a millionth of the assets is dust (about $1m)
    for key, want in expected(ex, r).items():
        want = np.asarray(want, float)
        got = _read(wb, ex, key)
        assert got.shape == want.shape, (key, got.shape, want.shape)
        d = _rel(got, want, money if ex.book.keys[key][1].unit in ("usd_bn", "jpy_tn") else 1e-12)
        assert d.max() <= TOL, f"{key}: workbook {got} vs library {want} (rel {d.max():.2e})"
        worst, n = max(worst, float(d.max())), n + d.size
    with A.scenario(ex.spec.overrides):
        named = _named_expected(r)
    for name, want in named.items():
        d = float(_rel([_named(wb, name)], [want]).max())
        assert d <= TOL, f"{name}: {_named(wb, name)} vs {want}"
        worst, n = max(worst, d), n + 1
    return worst, n


# ----------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", ["default", "terms", "mou", "shocks", "loss", "long"])
def test_workbook_equals_the_library(engine, name):
    ex, r = engine["cases"][name]
    _, n = compare(engine["books"][name], ex, r)
    assert n > 500


@pytest.mark.parametrize("name", ["default_three", "default_lockup", "default_guarantee", "terms_three", "shocks_three"])
def test_inputs_changed_in_the_workbook_recompute_to_the_library(engine, name):
    ex, r = engine["cases"][name]
    compare(engine["books"][name], ex, r)
    if name == "default_lockup":
        assert np.nanmin(r.dscr[0]) < A.value("lockup_dscr")                # the lock-up was exercised
        assert r.ledger.total("reserve", "cash to the reserve")[0].sum() > 1.0
    if name == "default_guarantee":
        assert r.guarantee_calls()[0].sum() > 1.0 and r.guarantee_recovered()[0].sum() > 1.0


def test_no_error_cells_anywhere(engine):
    bad = [(name, ws.title, c.coordinate, c.value) for name, wb in engine["books"].items() for ws in wb
           for row in ws.iter_rows() for c in row if isinstance(c.value, str) and ERROR.match(c.value)]
    assert bad == []


def test_results_come_from_the_engine_not_from_a_cache(engine):
    """The copies edited with openpyxl hold formulas with no stored values (openpyxl drops them), so
    what LibreOffice returns for them, which equals the library, was calculated."""
    with zipfile.ZipFile(engine["src"] / "default_three.xlsx") as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" in xml and not re.search(r"</f><v>[^<]", xml)
    ex, _ = engine["cases"]["default_three"]
    assert np.all(np.isfinite(_read(engine["books"]["default_three"], ex, "bal_s")))


def _stored(path: Path) -> dict:
    """(sheet, row, column) -> the value stored with each formula cell, as a non-recalculating reader sees it."""
    wb_f, wb_v = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in wb_f:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    out[(ws.title, c.row, c.column)] = wb_v[ws.title].cell(c.row, c.column).value
    return out


@pytest.mark.parametrize("name", ["default", "terms", "mou", "shocks", "loss", "long"])
def test_every_formula_stores_the_value_calc_computes(engine, name):
    """Each formula cell's stored value equals LibreOffice's recalculation of it (numbers to 1e-9
    relative, text and blanks exactly), cell by cell, on every sheet."""
    stored = _stored(engine["src"] / f"{name}.xlsx")
    calc = engine["books"][name]
    worst, n = 0.0, 0
    for (sheet, r, c), mine in stored.items():
        theirs = calc[sheet].cell(r, c).value
        if hasattr(theirs, "toordinal"):                       # a date: the serial number it shows as
            theirs = (theirs - datetime.datetime(1899, 12, 30)).days
            mine = (mine - datetime.datetime(1899, 12, 30)).days
        if isinstance(theirs, (int, float)) and not isinstance(theirs, bool):
            assert isinstance(mine, (int, float)), (sheet, r, c, mine, theirs)
            d = abs(mine - theirs) / max(1.0, abs(theirs))
            assert d <= TOL, (sheet, r, c, mine, theirs)
            worst, n = max(worst, d), n + 1
        else:
            assert (mine if mine != "" else None) == (theirs if theirs != "" else None), (sheet, r, c, mine, theirs)
    assert n > 5000


@pytest.mark.parametrize("name", ["default", "terms", "mou", "shocks", "loss", "long"])
def test_a_reader_that_does_not_recalculate_sees_the_librarys_figures(built, name):
    """openpyxl's data_only read (what pandas and file previews see) holds the chain's numbers: the
    same comparison as after LibreOffice's recalculation, with no spreadsheet engine at all."""
    ex, r = built["cases"][name]
    _, n = compare(openpyxl.load_workbook(built["src"] / f"{name}.xlsx", data_only=True), ex, r)
    assert n > 500


def test_pandas_reads_the_summary_first(built):
    ex, r = built["cases"]["default"]
    sheets = pd.read_excel(built["src"] / "default.xlsx", sheet_name=None, header=None)
    assert list(sheets)[0] == "Summary"
    s = sheets["Summary"]
    rows = {str(a): (u, v) for a, u, v in zip(s[0], s[1], s[2])}
    net = r.ledger.net("us_treasury")[0]
    assert rows["US Treasury: IRR"] == ("%", pytest.approx(F.irr(net), abs=1e-12))
    assert rows["US Treasury: paid in"] == ("$bn", pytest.approx(r.ledger.total("us_treasury", None, "out")[0].sum(), rel=1e-12))
    assert rows["Leverage (assets ÷ equity)"] == ("×", 3.0)
    assert next(u for k, (u, _) in rows.items() if k.startswith("Japan MoF in yen, hedged")) == "¥tn"
    assert rows["All owners together: equity IRR"] == ("%", pytest.approx(F.irr(r.equity_flows()[0]), abs=1e-12))
    listed = [a for a in s[0].iloc[s.index[s[0] == "What each sheet holds"][0] + 1:]]
    assert listed == list(E.SHEETS[1:])


def test_a_stale_cache_is_recalculated(engine, tmp_path):
    """An input edited behind the cached values (as another program could) still recomputes: the
    recalculation is forced, not left to LibreOffice's default for Excel files (never)."""
    stale = tmp_path / "stale.xlsx"
    ex, _ = engine["cases"]["default"]
    sheet, cell = openpyxl.load_workbook(engine["out"] / "default.xlsx").defined_names["Leverage"].attr_text.split("!")
    target = f"xl/worksheets/sheet{E.SHEETS.index(sheet.strip(chr(39))) + 1}.xml"
    with zipfile.ZipFile(engine["out"] / "default.xlsx") as zin, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == target:
                ref = cell.replace("$", "")
                data, n = re.subn(rf'(<c r="{ref}"[^>]*><v>)[^<]*(</v>)', rf"\g<1>4\g<2>", data.decode())
                assert n == 1
                data = data.encode()
            zout.writestr(item, data)
    out = tmp_path / "out"
    E.recalculate([stale], out)
    wb = openpyxl.load_workbook(out / "stale.xlsx", data_only=True)
    want = _scenario_run(4.0, Market.current().sofr, 0.5)
    assert np.allclose(_read(wb, ex, "bal_s"), want.senior_balance[0], rtol=1e-9)


def test_the_file_is_clean(built):
    """No repair prompt: a sound zip of well-formed XML, defined names that cannot be read as cells,
    and openpyxl opens it (LibreOffice opens it too: recalculate() fails on any LibreOffice warning)."""
    for p in built["src"].glob("*.xlsx"):
        with zipfile.ZipFile(p) as z:
            assert z.testzip() is None
            for n in z.namelist():
                if n.endswith((".xml", ".rels")):
                    ET.fromstring(z.read(n))
        if "_" in p.stem:          # the edited copies: openpyxl wrote them back; the built ones are checked
            continue
        wb = openpyxl.load_workbook(p)
        for name, dn in wb.defined_names.items():
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and not re.fullmatch(r"[A-Za-z]{1,3}\d+|[RrCc]", name)
            assert dn.attr_text.startswith("'Inputs'!$C$"), name
        assert wb.sheetnames[: len(E.SHEETS)] == list(E.SHEETS)


def _literals(formula: str) -> list[str]:
    f = re.sub(r'"[^"]*"', "", formula)
    f = re.sub(r"'[^']*'!", "", f)
    f = re.sub(r"\$?[A-Z]{1,3}\$?\d+", "", f)
    f = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", "", f)
    return re.findall(r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", f)


def test_every_calculated_cell_is_a_formula_with_no_typed_numbers(built):
    wb = openpyxl.load_workbook(built["src"] / "default.xlsx")
    n = 0
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    n += 1
                    assert set(_literals(c.value)) <= {"0", "1"}, (ws.title, c.coordinate, c.value)
    assert n > 3000
    values = []
    for name in CALC_SHEETS:
        ws = wb[name]
        for row in ws.iter_rows(min_row=5, min_col=5):
            for c in row:
                if isinstance(c.value, (int, float)) and not (ws.title, ws.cell(c.row, 1).value) in (
                        ("Timeline", "Year index t"), ("Plan", "Year index")):
                    values.append((ws.title, c.coordinate, c.value))
    assert values == [], "typed numbers on a calculation sheet"


def test_inputs_are_one_colour_on_one_sheet(built):
    wb = openpyxl.load_workbook(built["src"] / "default.xlsx")
    inputs = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row
              if c.fill is not None and c.fill.fgColor is not None and str(c.fill.fgColor.rgb).endswith("FFF2CC")]
    assert inputs and {t for t, _ in inputs} == {"Inputs"}
    for name in (*E.INPUT_NAMES.values(), "USDJPY", "Basis_bp", "DebtTenor", "SubShare", "FilpTenor"):
        assert name in wb.defined_names
    ws = wb["Inputs"]
    units = [ws.cell(r, 2).value for r in range(6, ws.max_row + 1) if ws.cell(r, 3).value is not None]
    assert all(units), "every input has a unit"
    for name in CALC_SHEETS + ("Profile", "Curves"):
        assert wb[name].cell(4, 2).value == "Unit"
    assert "value" in wb["Profile"]["A2"].value.lower() and "value" in wb["Curves"]["A2"].value.lower()


# ----------------------------------------------------------------------------- bad input


def test_bad_path_type_is_a_type_error():
    with pytest.raises(TypeError, match="path"):
        E.to_excel(42)


def test_bad_path_name_names_the_valid_form(tmp_path):
    with pytest.raises(InputError, match=r"path .*\.xlsx"):
        E.to_excel(tmp_path / "fund.csv")
    with pytest.raises(InputError, match="existing folder"):
        E.to_excel(tmp_path / "nowhere" / "fund.xlsx")


def test_unknown_override_id_is_named(tmp_path):
    with pytest.raises(InputError, match=r"overrides = 'levarage_x'.*assumptions\.csv"):
        E.to_excel(tmp_path / "f.xlsx", {"levarage_x": 2.0})


def test_out_of_range_override_names_the_range(tmp_path):
    with pytest.raises(InputError, match=r"overrides\['leverage_x'\] = 9.*\[1, 6\]"):
        E.to_excel(tmp_path / "f.xlsx", {"leverage_x": 9.0})
    with pytest.raises(InputError, match="a number"):
        E.to_excel(tmp_path / "f.xlsx", {"leverage_x": "3"})


def test_other_bad_arguments(tmp_path):
    p = tmp_path / "f.xlsx"
    with pytest.raises(TypeError, match="overrides"):
        E.to_excel(p, [("leverage_x", 2.0)])
    with pytest.raises(TypeError, match="FundStructure"):
        E.to_excel(p, fund={"leverage": 2.0})
    with pytest.raises(TypeError, match="Market"):
        E.to_excel(p, market="2025-10")
    with pytest.raises(InputError, match="preset"):
        E.to_excel(p, preset="generous")
    with pytest.raises(InputError, match="asset_return"):
        E.to_excel(p, asset_return=[0.06, 0.07])
    assert not p.exists()


def test_to_excel_writes_the_file_and_leaves_the_register_alone(tmp_path):
    before = A.current_overrides()
    out = E.to_excel(tmp_path / "fund.xlsx", {"leverage_x": 2.0})
    assert out.exists() and A.current_overrides() == before
    wb = openpyxl.load_workbook(out)
    assert wb["Inputs"][wb.defined_names["Leverage"].attr_text.split("!")[1].replace("$", "")].value == 2.0


@pytest.mark.parametrize("name,who,why", [("mou", "US Treasury", "n/a: paid nothing in")])
def test_the_summary_says_why_an_irr_is_missing(built, name, who, why):
    s = pd.read_excel(built["src"] / f"{name}.xlsx", sheet_name="Summary", header=None)
    rows = dict(zip(s[0].astype(str), s[2]))
    assert rows[f"{who}: IRR"] == why
    assert rows[f"{who}: paid in"] == 0 and rows[f"{who}: received"] > 0
    assert rows["Japan still to recoup when the fund ends (MOU)"] >= 0       # recouped at this asset return
