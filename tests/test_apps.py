"""Every app builds, its charts pass Vega-Lite schema validation, bad input shows a message, the
static snapshot carries the numbers, and the dashboard's shared panel drives the panels."""

import pytest

from fundlib import apps
from fundlib import assumptions as A

BUILDERS = [apps.build_start_app, apps.build_structure_app, apps.build_presets_app, apps.build_roe_app,
            apps.build_project_finance_app, apps.build_risk_app, apps.build_curves_app, apps.build_funding_app,
            apps.build_hedging_app, apps.build_fx_risk_app, apps.build_project_app, apps.build_monte_carlo_app,
            apps.build_who_gets_paid_app, apps.build_stress_app]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_app_builds_with_valid_charts(build):
    app = build()
    assert app.message.value == "", app.message.value
    assert app.last_view is not None and app.numbers.value
    for chart in app.last_view.charts.values():
        chart.to_dict(validate=True)  # raises on any schema error


BAD = [
    (apps.build_start_app, "other_share_pct", 50.0, "at most 100%"),
    (apps.build_structure_app, "other_share_pct", 50.0, "at most 100%"),
    (apps.build_project_finance_app, "project_life", 15, "tenor"),
    (apps.build_monte_carlo_app, "w_power_pct", 60.0, "sum to 1"),
    (apps.build_funding_app, "tenor", 40, None),  # a valid change: no message
]


@pytest.mark.parametrize("build,key,value,expected", BAD, ids=lambda x: getattr(x, "__name__", str(x)))
def test_bad_input_shows_a_message_not_a_traceback(build, key, value, expected):
    app = build()
    if key == "other_share_pct":
        app.controls["us_share_pct"].value = 60.0
    app.controls[key].value = value
    if expected is None:
        assert app.message.value == ""
    else:
        assert "Input problem" in app.message.value and expected in app.message.value
    assert "Traceback" not in app.message.value
    if key == "other_share_pct":   # in the sliders' units, not decimals
        assert "owner shares (% of the equity) = 110 is not valid" in app.message.value


def test_static_snapshot(monkeypatch):
    monkeypatch.setenv("FUNDLIB_STATIC", "1")
    bundle = apps.build_roe_app()._repr_mimebundle_()
    snap = bundle[apps.APP_MIMETYPE]
    assert ("Leverage (assets / equity, ×)", "3.0") in snap["inputs"]
    from fundlib.market import Market

    roe = 3 * 0.07 - 2 * (Market.latest().sofr + 0.0150)     # the fund's one debt rate: SOFR + 120 bp + 30 bp
    assert f"{roe:.2%}" in snap["numbers_html"] and len(snap["charts"]) == 1


def test_dashboard_shared_panel_drives_every_panel():
    d = apps.build_dashboard()
    try:
        before = {k: a.numbers.value for k, a in d.panels.items()}
        d.shared["sofr"].value = 5.0
        assert A.value("sofr") == pytest.approx(0.05)
        assert d.panels["Leverage and the return on equity"].controls["sofr_pct"].value == pytest.approx(5.0)
        changed = [k for k, a in d.panels.items() if a.numbers.value != before[k]]
        assert len(changed) >= 5, changed
        d.picker.value = "high rates low leverage"
        assert d.shared["leverage"].value == pytest.approx(2.0)
        assert d.panels["Fund structure and the waterfall"].controls["leverage"].value == pytest.approx(2.0)
    finally:
        A.use_scenario(None)
