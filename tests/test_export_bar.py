"""The Export to Excel button and the CSV download on every app and on the dashboard: the file is
written, the link carries the same bytes, and the workbook's inputs are what the app shows."""

import base64
import inspect
import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from fundlib import apps
from fundlib import assumptions as A

BUILDERS = {name: fn for name, fn in inspect.getmembers(apps, inspect.isfunction)
            if re.fullmatch(r"build_\w+_app", name)}


def _link_bytes(html: str) -> list[tuple[str, bytes]]:
    return [(m[1], base64.b64decode(m[2])) for m in re.finditer(r"download='([^']+)' href='data:[^;]+;base64,([^']+)'", html)]


def _input(wb, name: str) -> float:
    dn = wb.defined_names[name]
    sheet, ref = next(iter(dn.destinations))
    return wb[sheet][ref.replace("$", "")].value


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_app_has_the_bar():
    assert len(BUILDERS) >= 14
    for name, build in BUILDERS.items():
        app = build()
        assert isinstance(app.export_bar, apps.ExportBar), name
        assert app.export_bar.excel.description == "Export to Excel"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_csv_download_of_every_table_an_app_shows(name, in_tmp):
    """One CSV of the controls, one per table shown (the same rows and numbers), and for a Monte
    Carlo app two of its run; each link carries its file's bytes."""
    app = BUILDERS[name]()
    paths = app.export_bar.export_csv()
    run_files = 2 if app.last_run is not None else 0
    assert len(paths) == 1 + len(app.last_tables) + run_files
    assert paths[0].name.endswith("_controls.csv")
    links = _link_bytes(app.export_bar.links.value)
    assert [fn for fn, _ in links] == [p.name for p in paths]
    for path, (_, data) in zip(paths, links):
        assert path.read_bytes() == data
    for (caption, df), path in zip(app.last_tables, paths[1:]):
        back = pd.read_csv(path, encoding="utf-8-sig", index_col=0 if df.index.name or not isinstance(df.index, pd.RangeIndex) else None)
        assert back.shape == df.shape, caption
        num = df.select_dtypes("number")
        assert np.allclose(back[num.columns].to_numpy(float), num.to_numpy(float), equal_nan=True), caption


def test_excel_export_carries_the_apps_inputs(in_tmp):
    app = apps.build_who_gets_paid_app()
    app.controls["us_share_pct"].value = 60
    app.controls["preset"].value = "retail_first"
    path = app.export_bar.export_excel()
    assert path is not None and path.suffix == ".xlsx"
    [(fn, data)] = _link_bytes(app.export_bar.links.value)
    assert fn == path.name and data == path.read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert _input(wb, "ShareUS") == pytest.approx(0.6)
    assert app.scenario()["preset"] == "retail_first"
    assert app.scenario()["overrides"]["japan_mof_share"] == pytest.approx(0.4)


def test_excel_export_names_a_refused_input_instead_of_failing(in_tmp, monkeypatch):
    app = apps.build_roe_app()
    monkeypatch.setattr(app.export_bar, "scenario", lambda: {"overrides": {"leverage_x": 99.0}})
    assert app.export_bar.export_excel() is None
    assert re.search(r"Not exported: overrides\[&#x27;leverage_x&#x27;\] = 99 is not valid: expected a value in \[1, 6\]", app.export_bar.links.value)


def test_dashboard_export_uses_the_shared_panel(in_tmp):
    with A.scenario(None):       # the dashboard sets the register's overrides: restored afterwards
        dash = apps.build_dashboard()
        dash.shared["leverage"].value = 2.5
        path = dash.export_bar.export_excel()
        wb = openpyxl.load_workbook(path)
        assert _input(wb, "Leverage") == pytest.approx(2.5)
        paths = dash.export_bar.export_csv()
        runs = 2 if any(a.last_run is not None for a in dash.panels.values()) else 0
        assert len(paths) == 1 + sum(len(a.last_tables) for a in dash.panels.values()) + runs > 1
        controls = pd.read_csv(paths[0], encoding="utf-8-sig")
        assert float(controls.set_index("control").loc["Shared: Leverage (assets / equity, ×)", "value"]) == 2.5
    assert A.current_overrides() == {}


def test_apps_export_what_the_register_does_not_hold(in_tmp):
    """The stress app's shocks and the yen's drift travel to the workbook's spec."""
    from fundlib import export

    stress = apps.build_stress_app()
    stress.controls["sofr_bp"].value = 200
    spec = export.build(**stress.scenario()).spec
    assert float(spec.shocks.sofr_bp) == 200 and stress.export_bar.export_excel() is not None
    who = apps.build_who_gets_paid_app()
    who.controls["yen_appreciation_pct"].value = 3.0
    assert export.build(**who.scenario()).spec.yen_appreciation == pytest.approx(0.03)


@pytest.mark.parametrize("name", ["build_structure_app", "build_project_app", "build_roe_app"])
def test_a_link_never_outlives_its_scenario(name, in_tmp):
    """Export, then move an input: the link to the previous scenario's file is gone (it would serve
    equity $300bn beside a screen that says 350); pressing again gives a file of what the screen shows."""
    app = BUILDERS[name]()
    app.export_bar.export_csv()
    assert _link_bytes(app.export_bar.links.value)
    w = next(w for w in app.controls.values() if hasattr(w, "max") and w.value != w.max)
    w.value = w.max
    assert app.export_bar.links.value == ""
    app.export_bar.export_csv()
    assert _link_bytes(app.export_bar.links.value)


def test_dashboard_link_goes_with_any_move(in_tmp):
    dash = apps.build_dashboard()
    try:
        dash.export_bar.export_csv()
        assert _link_bytes(dash.export_bar.links.value)
        panel = next(iter(dash.panels.values()))
        dash.shared["sofr"].value = 5.0                       # a shared input
        assert dash.export_bar.links.value == ""
        dash.export_bar.export_csv()
        c = next(c for c in panel.controls.values() if hasattr(c, "max") and c.value != c.max and c.layout.display != "none")
        c.value = c.max                                       # a panel's own slider
        assert dash.export_bar.links.value == ""
    finally:
        A.use_scenario(None)                                  # the shared panel wrote into the register


def test_links_look_like_links():
    from fundlib.apps.export_bar import download_link

    link = download_link(b"x", "a.csv", "text/csv")
    assert "text-decoration:underline" in link and "color:#0072B2" in link
