"""Every app builds, its charts pass Vega-Lite schema validation, bad input shows a message, the
static snapshot carries the numbers, and the dashboard's shared panel drives the panels."""

import json
import re

import ipywidgets as widgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundlib import apps
from fundlib import assumptions as A

BUILDERS = [apps.build_start_app, apps.build_structure_app, apps.build_presets_app, apps.build_roe_app,
            apps.build_project_finance_app, apps.build_risk_app, apps.build_curves_app, apps.build_funding_app,
            apps.build_hedging_app, apps.build_fx_risk_app, apps.build_project_app, apps.build_monte_carlo_app,
            apps.build_who_gets_paid_app, apps.build_stress_app, apps.build_odds_app]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_app_builds_with_valid_charts(build):
    app = build()
    assert app.message.value == "", app.message.value
    assert app.last_view is not None and app.numbers.value
    for chart in app.last_view.charts.values():
        chart.to_dict(validate=True)  # raises on any schema error


BAD = [  # the only refusals left: owner shares that add up to more than 100%
    (apps.build_start_app, "other_share_pct", 50.0, "at most 100%"),
    (apps.build_structure_app, "other_share_pct", 50.0, "at most 100%"),
    (apps.build_project_finance_app, "project_life", 15, None),  # the tenor follows the life: no message
    (apps.build_monte_carlo_app, "w_power_pct", 60.0, None),     # the other weights rebalance
    (apps.build_funding_app, "tenor", 40, None),
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


def _extremes(w):
    """A control's two ends (sliders) or every option (pickers)."""
    if isinstance(w, (widgets.FloatSlider, widgets.IntSlider)):
        return [w.min, w.max]
    if getattr(w, "options", None):
        return [o[1] if isinstance(o, tuple) else o for o in w.options]
    return []


def _problems(app) -> list[str]:
    shown = re.sub(r"<[^>]+>", " ", app.numbers.value)
    out = []
    if app.message.value:
        out.append(re.sub(r"<[^>]+>", "", app.message.value)[:160])
    if app.error_log.outputs:
        out.append("traceback")
    if re.search(r"\b(nan|inf|-inf)\b", shown, re.I):
        out.append("nan/inf shown")
    return out


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_every_control_alone_at_either_end_gives_a_result(build):
    """Each slider at its minimum and its maximum (each picker at every option), the others at their
    defaults: no refusal, no traceback, no nan or inf on screen (12 refusals, 3 nan and 1 traceback before)."""
    first = build()
    found = []
    for key in list(first.controls):
        app = build()                      # a fresh app per control: the others at their defaults
        for value in _extremes(app.controls[key]):
            app.controls[key].value = value
            found += [(key, value, p) for p in _problems(app)]
    assert found == []


SHARES = {"us_share_pct", "other_share_pct", "us_retail_pct", "japan_retail_pct"}


@pytest.mark.parametrize("build", [apps.build_structure_app, apps.build_monte_carlo_app, apps.build_project_finance_app,
                                   apps.build_who_gets_paid_app, apps.build_stress_app, apps.build_project_app],
                         ids=lambda b: b.__name__)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_combinations_refuse_only_shares_over_100(build, data):
    """Random moves of every control: a red box only when owner shares add up to more than 100%."""
    app = build()
    for key, w in app.controls.items():
        ends = _extremes(w)
        if isinstance(w, widgets.IntSlider):
            w.value = data.draw(st.integers(int(w.min), int(w.max)), label=key)
        elif isinstance(w, widgets.FloatSlider):   # a reader reaches the slider's steps (and its ends)
            steps = int(round((w.max - w.min) / w.step))
            w.value = min(w.max, w.min + w.step * data.draw(st.integers(0, steps), label=key))
        elif ends:
            w.value = data.draw(st.sampled_from(ends), label=key)
    over = sum(app.controls[k].value for k in SHARES if k in app.controls) > 100 + 1e-9
    problems = _problems(app)
    if over:
        assert "at most 100%" in app.message.value
        assert "not updated" in app.message.value and "fundlib-stale" in app.numbers._dom_classes
    else:
        assert problems == []
        assert "fundlib-stale" not in app.numbers._dom_classes


def test_refused_input_greys_out_and_recovers():
    app = apps.build_structure_app()
    app.controls["us_share_pct"].value = 80.0
    app.controls["other_share_pct"].value = 40.0
    assert "not updated" in app.message.value
    assert "fundlib-stale" in app.numbers._dom_classes and "fundlib-stale" in app.chart_box._dom_classes
    app.controls["other_share_pct"].value = 10.0
    assert app.message.value == "" and "fundlib-stale" not in app.chart_box._dom_classes


def test_weights_rebalance_to_100_and_tenor_follows_life():
    mc = apps.build_monte_carlo_app()
    mc.controls["w_data_centres_pct"].value = 70.0
    ws = [mc.controls[k].value for k in ("w_data_centres_pct", "w_power_pct", "w_chip_packaging_pct", "w_logistics_pct")]
    assert sum(ws) == pytest.approx(100.0, abs=1e-9) and ws[0] == 70.0
    mc.controls["w_data_centres_pct"].value = 100.0   # the others go to zero ...
    mc.controls["w_data_centres_pct"].value = 40.0    # ... and then share the rest equally
    assert [mc.controls[k].value for k in ("w_power_pct", "w_chip_packaging_pct", "w_logistics_pct")] == \
        pytest.approx([20.0, 20.0, 20.0], abs=1e-9)
    assert mc.message.value == ""
    pf = apps.build_project_finance_app()
    pf.controls["project_life"].value = 12
    assert pf.controls["tenor"].max == 11 and pf.controls["tenor"].value == 11 and pf.message.value == ""
    pf.controls["project_life"].value = 30          # the tenor the reader had comes back
    assert pf.controls["tenor"].value == 25


def test_dashboard_shows_each_input_once():
    """The shared panel's inputs are not repeated in the panels (SOFR appeared twice before)."""
    from collections import Counter

    d = apps.build_dashboard()
    try:
        visible = Counter(w.fundlib_id for a in d.panels.values() for w in a.controls.values()
                          if getattr(w, "fundlib_id", None) and w.layout.display != "none")
        visible.update(w.fundlib_id for w in d.shared.values())
        assert max(visible.values()) == 1, visible.most_common(3)
    finally:
        A.use_scenario(None)


def test_long_runs_show_a_progress_bar_then_hide_it():
    """The Monte Carlo at 100,000 scenarios (about 0.6 s): the bar moves through the chunks and hides."""
    app = apps.build_monte_carlo_app()
    seen = []
    app.progress.observe(lambda ch: seen.append((ch["new"], app.progress.layout.display)), names="value")
    app.controls["scenarios"].value = 100_000
    assert len(seen) >= 9 and seen[0][1] != "none" and seen[-1][0] == pytest.approx(1.0)
    assert app.progress.layout.display == "none" and app.message.value == ""


def test_the_odds_app_shows_its_progress_and_agrees_with_the_engine():
    """A 20,000-scenario run shows the bar through its ten chunks; the numbers are the engine's."""
    from fundlib import odds as OD

    app = apps.build_odds_app()
    seen = []
    app.progress.observe(lambda ch: seen.append(ch["new"]), names="value")
    app.controls["leverage"].value = 2.5
    app.controls["scenarios"].value = 20_000
    assert len(seen) >= 9 and seen[-1] == pytest.approx(1.0) and app.progress.layout.display == "none"
    g = OD.run_odds(n=20_000, leverage=2.5).governments()
    text = re.sub(r"<[^>]+>", " ", app.numbers.value)
    assert f"{g.loc['US Treasury', 'prob_loss']:.1%}" in text
    assert f"{g.loc['Japan MoF, hedged', 'prob_below_filp']:.1%}" in text
    app.controls["view"].value = "Unhedged"
    text = re.sub(r"<[^>]+>", " ", app.numbers.value)
    assert f"{g.loc['Japan MoF, unhedged', 'prob_loss']:.1%}" in text and "(unhedged)" in text


def test_the_odds_app_rolls_the_hedge_switches_the_rate_model_and_checks_the_anchors():
    from fundlib import odds as OD
    from fundlib.apps import odds as AO

    assert set(AO.SHORT) == set(OD.ANCHORS)                       # every anchor has its short label
    app = apps.build_odds_app()
    app.controls["view"].value = "Rolled hedge"
    text = re.sub(r"<[^>]+>", " ", app.numbers.value)
    r = OD.run_odds(n=2_000)
    assert f"{r.governments().loc['Japan MoF, rolled hedge', 'prob_loss']:.1%}" in text and "(rolled hedge)" in text
    c = r.calibration()
    assert f"{(c['verdict'] == 'within').sum()} of {len(c)} within" in text
    shown = json.dumps(app.chart_widgets["anchors"].spec, ensure_ascii=False)   # what the tab draws
    r_ = c.loc["sofr_above_10pct"]
    assert r_.verdict == "above" and f"{r_.engine:.1%}" in shown and AO.SHORT["sofr_above_10pct"] in shown
    app.controls["rate_model"].value = "Random walk"
    text = re.sub(r"<[^>]+>", " ", app.numbers.value)
    w = OD.run_odds(n=2_000, model="walk").calibration()
    assert f"{(w['verdict'] == 'within').sum()} of {len(w)} within" in text and "· random" in text


def test_every_app_chart_loads_the_shared_vega_bundle():
    """Each chart's widget module is the few-line loader (it must load within anywidget's two-second
    deadline); the offline Vega bundle travels as a trait, the same for every chart, keyed by its hash;
    Altair's enable_offline cannot put the bundle back in the module."""
    import hashlib

    import altair as alt

    from fundlib.apps import chartwidget as CW

    app = apps.build_structure_app()
    charts = list(app.chart_widgets.values())
    assert charts and all(isinstance(c, CW.Chart) for c in charts)
    alt.JupyterChart.enable_offline()
    bundle = alt.JupyterChart._esm
    for c in charts:
        assert c._esm == CW.LOADER and len(c._esm) < 2_000
        assert c._vega_bundle == bundle and len(bundle) > 500_000
        assert c._vega_key == hashlib.sha256(bundle.encode()).hexdigest()[:16]
    CW.Chart.enable_offline()
    assert CW.Chart._esm == CW.LOADER
    with pytest.raises(ValueError, match="always offline"):
        CW.Chart.enable_offline(False)
    assert "shared.delete(key)" in CW.LOADER and "mod.default.render(context)" in CW.LOADER


def test_static_site_charts_carry_no_bundle(monkeypatch):
    """Executed for the static site, the apps' charts are Altair's plain widget (the site embeds Vega once)."""
    import altair as alt

    from fundlib.apps import chartwidget as CW

    monkeypatch.setenv("FUNDLIB_STATIC", "1")
    app = apps.build_structure_app()
    charts = list(app.chart_widgets.values())
    assert charts and not any(isinstance(c, CW.Chart) for c in charts)
    assert all(isinstance(c, alt.JupyterChart) for c in charts)
