"""Export = screen: every control of every app, moved away from its default, is found in the workbook
(on "On screen", and on Inputs when the workbook's chain takes it) and in the CSV download; a Monte
Carlo app's export carries the run the reader sees; the CSVs hold numbers with units in the headers."""

from __future__ import annotations

import inspect
import io
import math
import re

import ipywidgets as widgets
import numpy as np
import openpyxl
import pandas as pd
import pytest

from fundlib import apps
from fundlib import assumptions as A
from fundlib import export as E
from fundlib.apps.display import as_number
from fundlib.export.inputs import PRESET_ONLY, on_inputs

BUILDERS = {name: fn for name, fn in inspect.getmembers(apps, inspect.isfunction)
            if re.fullmatch(r"build_\w+_app", name)}
MONTE_CARLO = {"build_risk_app": 20_000, "build_fx_risk_app": 20_000, "build_monte_carlo_app": 5_000,
               "build_odds_app": None}


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _move(w):
    """A valid value away from the current one: the next option, or one step of the slider."""
    if isinstance(w, (widgets.Dropdown, widgets.ToggleButtons, widgets.SelectionSlider)):
        values = [o[1] if isinstance(o, tuple) else o for o in w.options]
        return values[(values.index(w.value) + 1) % len(values)]
    if isinstance(w, widgets.Combobox):
        return next(o for o in w.options if o != w.value)
    if isinstance(w, widgets.Checkbox):
        return not w.value
    if isinstance(w, widgets.IntText):
        return w.value + 1
    if isinstance(w, (widgets.FloatSlider, widgets.IntSlider)):
        up = w.value + w.step
        return up if up <= w.max else w.value - w.step
    raise AssertionError(f"no move for {type(w).__name__}")


def _move_all(app) -> dict:
    """Move every control once (in order); returns key -> the value it was moved to (a coupled
    control may move it again afterwards: the file must hold the final value)."""
    moved = {}
    for key, w in app.controls.items():
        if w.layout.display == "none" or getattr(w, "disabled", False):
            continue
        before, target = w.value, _move(w)
        w.value = target
        assert w.value != before, f"{key}: the move to {target!r} was not taken"
        moved[key] = w.value
    assert app.message.value == "", f"a move was refused: {app.message.value}"
    return moved


def _csv_value(text):
    try:
        return float(text)
    except ValueError:
        return {"True": True, "False": False}.get(text, text)


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    return str(a) == str(b)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_control_moved_is_in_the_workbook_and_the_csv(name, in_tmp):
    with A.scenario(None):
        app = BUILDERS[name]()
        moved = _move_all(app)
        path = app.export_bar.export_excel()
        assert path is not None, app.export_bar.links.value
        wb = openpyxl.load_workbook(path, data_only=True)
        ws = wb["On screen"]
        rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 6)] for r in range(6, ws.max_row + 1)}
        inputs = {wb["Inputs"].cell(r, 4).value: wb["Inputs"].cell(r, 3).value for r in range(5, wb["Inputs"].max_row + 1)}
        csv = [p for p in app.export_bar.export_csv() if p.name.endswith("_controls.csv")]
        assert len(csv) == 1
        table = pd.read_csv(csv[0], encoding="utf-8-sig", keep_default_na=False)
        in_csv = dict(zip(table["control"], table["value"]))
        for key in moved:
            w = app.controls[key]
            desc = w.description.strip() or key
            assert desc in rows, f"{key}: {desc!r} not on the sheet On screen"
            value, _unit, as_shown, uses = rows[desc]
            assert _same(value, w.value), (key, value, w.value)
            assert _same(_csv_value(in_csv[desc]), w.value), (key, in_csv[desc], w.value)
            id = getattr(w, "fundlib_id", None)
            if id is not None and on_inputs(id):
                assert uses.startswith("Inputs: register id " + id)
                if id in PRESET_ONLY and id not in inputs:        # another preset's term: said so
                    assert "written when the terms are" in uses
                else:
                    assert inputs[id] == pytest.approx(w.value / w.fundlib_scale, rel=1e-12), (key, id)
            elif id is None and "recorded here" not in uses:
                assert uses.startswith("Inputs: "), (key, uses)
        assert wb.sheetnames[0] == "Summary" and wb.sheetnames[1] == "On screen"
    assert A.current_overrides() == {}


@pytest.mark.parametrize("name", sorted(MONTE_CARLO))
def test_a_monte_carlo_export_carries_the_run_on_screen(name, in_tmp):
    app = BUILDERS[name]()
    run = app.last_run
    assert run is not None and run.count >= 1000
    count = run.count
    path = app.export_bar.export_excel()
    sheets = pd.read_excel(path, sheet_name=None, header=None)
    mc = sheets["Monte Carlo run"]
    note = mc.iloc[1, 0]
    assert f"{count:,} scenarios, seed {run.seed}" in note
    first = mc.index[mc[0] == "Across all scenarios"][0]
    listed_at = mc.index[mc[0].astype(str).str.startswith("Scenarios 1 to")][0]
    summary = mc.iloc[first + 2:listed_at - 1, :].dropna(how="all", axis=1)
    listed = mc.iloc[listed_at + 2:, :].dropna(how="all", axis=1)
    assert len(listed) == min(len(run.draws), E.RUN_ROWS)
    # The summary is over every scenario: its median equals the run's, not the listed rows' alone.
    col = run.draws.columns[0]
    want = run.distribution().set_index("outcome").loc[col]
    got = summary.set_index(summary.columns[0]).loc[col]
    header = list(mc.iloc[first + 1, :].dropna())
    for stat in ("mean", "p50" if "p50" in header else None):
        if stat:
            assert float(got.iloc[header.index(stat) - 1]) == pytest.approx(float(want[stat]), rel=1e-12, abs=1e-12)
    if MONTE_CARLO[name]:
        x = run.draws[col].to_numpy(float)
        assert float(want["p50"]) == pytest.approx(np.nanpercentile(x, 50), rel=1e-12)
    # the same run in the CSV download
    paths = {p.name.split("_")[-1]: p for p in app.export_bar.export_csv()}
    assert "summary.csv" in paths and "scenarios.csv" in paths
    back = pd.read_csv(paths["scenarios.csv"], encoding="utf-8-sig", index_col=0)
    assert len(back) == min(count, E.RUN_ROWS, len(run.draws))
    assert np.allclose(back.iloc[:, 0].to_numpy(float), run.draws.iloc[: len(back), 0].to_numpy(float), equal_nan=True)
    links = app.export_bar.links.value
    assert f"{count:,} scenarios" in links


def test_the_run_follows_the_scenario_count_the_reader_chose(in_tmp):
    app = apps.build_fx_risk_app()
    app.controls["paths"].value = 30_000
    app.export_bar.export_csv()
    assert "30,000 scenarios" in app.export_bar.links.value and "20,000" not in app.export_bar.links.value
    assert app.last_run.count == 30_000


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_csv_tables_hold_numbers_with_units_in_the_headers(name, in_tmp):
    app = BUILDERS[name]()
    for path in app.export_bar.export_csv():
        df = pd.read_csv(path, encoding="utf-8-sig")
        if "as shown" in df.columns and "item" in df.columns:          # an app's key numbers
            for v, unit, text in zip(df["value"], df["unit"].astype(object).fillna(""), df["as shown"]):
                x, u = as_number(str(text))
                if np.isnan(x):
                    assert np.isnan(v), (path.name, text, v)
                else:
                    assert v == pytest.approx(x) and unit == u, (path.name, text, v, unit)
        for c in df.columns:
            if df[c].dtype == object:
                bad = [s for s in df[c].dropna().astype(str) if re.fullmatch(r"[−-]?[$¥]?[0-9][0-9,.]*(bn|tn|%|×)", s)]
                assert c in ("as shown", "As shown", "value") or not bad, (path.name, c, bad[:3])


def test_display_strings_read_back_as_numbers():
    assert as_number("−$157bn") == (-157.0, "$bn")
    assert as_number("$1,050bn") == (1050.0, "$bn")
    assert as_number("5.72%") == (5.72, "%")
    assert as_number("¥−3.97tn") == (-3.97, "¥tn")
    assert as_number("¥147.20 per $") == (147.2, "¥ per $")
    assert as_number("120 bp") == (120.0, "bp") and as_number("+160 bp") == (160.0, "bp")
    assert as_number("3.70% a year") == (3.7, "% a year") and as_number("$106bn (DSCR binds)") == (106.0, "$bn")
    assert as_number("¥62.7bn") == (62.7, "¥bn")
    assert np.isnan(as_number("¥120 / ¥150")[0]) and np.isnan(as_number("n/a (never paid back)")[0])


def test_frame_tables_keep_numbers_and_name_their_units():
    from fundlib.apps.display import collecting_tables, frame_html

    df = pd.DataFrame({"Equity": [300.0], "IRR": [0.0825], "MOIC": [1.9], "Note": ["x"]}, index=["US"])
    with collecting_tables() as tables:
        frame_html(df, {"Equity": "usd", "IRR": "pct", "MOIC": "x"})
    [(_, got)] = tables
    assert list(got.columns) == ["Equity ($bn)", "IRR (%)", "MOIC (×)", "Note"]
    assert got.loc["US", "IRR (%)"] == pytest.approx(8.25) and got.loc["US", "Equity ($bn)"] == 300.0
    shown = frame_html(pd.DataFrame({"IRR": [-0.209], "DSCR": [-1.5]}), {"IRR": "pct", "DSCR": "x"})
    assert "−20.9%" in shown and "−1.50×" in shown and not re.search(r"-[0-9]", shown)


def test_screen_of_the_wrong_type_is_refused():
    with pytest.raises(TypeError, match="screen"):
        E.build(screen={"app": "x"})


def test_inputs_ids_named_by_on_inputs_are_the_ones_written():
    """fundlib.export.inputs.on_inputs says which register ids the Inputs sheet writes: checked on the
    workbooks of every preset and of a shocked scenario."""
    from fundlib import chain as CH

    written = set()
    for kw in ({}, {"preset": "retail_first"}, {"preset": "mou_2025"}, {"shocks": CH.Shocks(ai_bust=1.0)}):
        g = E.build(**kw).grids()["Inputs"]
        written |= {v for (r, c), (v, _, _) in g.cells.items() if c == 4 and r > 4 and v}
    assert written == {id for id in A.register() if on_inputs(id)}


def test_the_dashboards_file_says_what_it_holds():
    """The dashboard's workbook is the shared scenario: its panels' own controls are recorded, not
    claimed as inputs (each panel's own Export holds them)."""
    dash = apps.build_dashboard()
    try:
        rows = dash.screen().controls
    finally:
        A.use_scenario(None)
    shared = [r for r in rows if r[0].startswith("Shared: ")]
    panels = [r for r in rows if not r[0].startswith("Shared: ")]
    assert len(shared) == len(dash.shared) and all(r[4].startswith("Inputs") for r in shared)
    assert panels and all(r[4].startswith("recorded here") for r in panels)


def test_an_input_the_app_moves_says_so():
    app = apps.build_roe_app()
    app.controls["stress"].value = "asset return −3 pp"
    row = next(r for r in app.screen().controls if r[0].startswith("Asset return"))
    assert row[1] == 7.0 and "move it to 0.04 on Inputs" in row[4]
    assert row[2] == "% a year"
