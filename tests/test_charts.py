"""Chart export (fundlib.charts.save) and the theme: every format written offline and non-trivial."""

import pytest

from fundlib import InputError
from fundlib import charts as C
from fundlib import structure as S


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<svg"), (".pdf", b"%PDF"), (".html", b"<!DOCTYPE html>")])
def test_save_every_format(tmp_path, suffix, magic):
    chart = C.capital_stack_chart(S.capital_stack(S.FundStructure()))
    path = C.save(chart, tmp_path / f"stack{suffix}")
    data = path.read_bytes()
    assert magic in data[:200] and len(data) > 2000
    if suffix == ".html":
        assert b"cdn.jsdelivr" not in data  # Vega is inlined: the file works offline


def test_save_rejects_unknown_formats(tmp_path):
    with pytest.raises(InputError, match="png, .svg, .pdf or .html"):
        C.save(C.capital_stack_chart(S.capital_stack(S.FundStructure())), tmp_path / "x.gif")


def test_theme_is_colour_blind_safe_and_active():
    import altair as alt

    assert alt.theme.active == C.THEME
    assert C.OWNER_COLORS["US Treasury"] == "#0072B2" and C.OWNER_COLORS["Japan MoF"] == "#D55E00"  # Okabe-Ito


# ---------------------------------------------------------------- every chart the suite builds (tests/suite_charts.py)

import re  # noqa: E402

import numpy as np  # noqa: E402

from suite_charts import app_specs, every_spec, notebook_specs  # noqa: E402

HYPHEN_MINUS = re.compile(r"(?<![\w.])-\d")   # "-3.97", "¥-4.26tn"; not a date ("2021-08") or a word ("end-2024")


def _walk(node):
    """Every dict in a spec, depth first."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _coloured_series(spec: dict) -> list[tuple[str, str]]:
    """(label, colour) of every series a spec colours by name: colour/stroke scales with a domain and a
    range, and rows that carry their own label and colour (rules drawn with ``scale=None``)."""
    out = []
    for d in _walk(spec):
        scale = d.get("scale") if isinstance(d.get("scale"), dict) else None
        if scale and isinstance(scale.get("domain"), list) and isinstance(scale.get("range"), list):
            out += [(str(k), v) for k, v in zip(scale["domain"], scale["range"]) if isinstance(v, str)]
        if isinstance(d.get("label"), str) and isinstance(d.get("color"), str) and d["color"].startswith("#"):
            out.append((d["label"], d["color"]))
    return out


def test_specs_cover_every_app_and_every_notebook_chart():
    """The walk below sees every app's charts (15 apps, the dashboard's 7 panels) and every chart
    function the notebooks call."""
    assert len(app_specs()) == 33 and len(notebook_specs()) == 18


def test_every_named_series_has_the_theme_colour():
    """UST blue and JGB vermilion (as the README says), SOFR green, TONA sky blue, hedged and unhedged
    alike in every chart: each series a chart names has the colour of ``SERIES_COLORS``."""
    checked, wrong = 0, []
    for name, spec in every_spec().items():
        for label, colour in _coloured_series(spec):
            named = C.series_color(label)
            if named is None:
                continue
            checked += 1
            if colour.upper() != named[1].upper():
                wrong.append((name, label, colour, named))
    assert wrong == []
    assert checked >= 40
    assert C.SERIES_COLORS["UST"] == C.OWNER_COLORS["US Treasury"] and C.SERIES_COLORS["JGB"] == C.OWNER_COLORS["Japan MoF"]


def test_rates_history_draws_jgb_vermilion_and_ust_blue():
    scale = notebook_specs()["00/rates_history_chart"]["vconcat"][0]["encoding"]["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"]))
    assert colours["JGB 30Y (FILP cost)"] == "#D55E00" and colours["US Treasury 30Y"] == "#0072B2"


def _svg_texts(spec: dict) -> list[str]:
    """The texts Vega draws for ``spec`` (labelExpr and calculate evaluated), and each mark's ARIA
    description, which carries its tooltip's fields as formatted."""
    import html

    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec)
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    tips = re.findall(r'role="graphics-symbol"[^>]*aria-label="([^"]*)"', svg)
    return [html.unescape(t) for t in texts + tips]


def test_no_chart_writes_a_hyphen_for_a_minus():
    """Every chart at its defaults: no text it draws (tick labels, labels computed in the browser,
    legends, titles) and no tooltip field shows a hyphen-minus before a digit; negatives use "−" (U+2212),
    as the tables do."""
    bad = {}
    for name, spec in every_spec().items():
        shown = _svg_texts(spec)
        strings = [v for d in _walk(spec) for v in d.values() if isinstance(v, str)]   # data, titles, legends
        hits = [t for t in shown + strings if HYPHEN_MINUS.search(t)]
        if hits:
            bad[name] = hits[:3]
    assert bad == {}


def test_minus_and_rounding_helpers():
    assert C.usd_bn(-157.2) == "−$157bn" and C.usd_bn(262.5) == "$262bn" and C.usd_bn(4.25) == "$4.2bn"
    assert C.jpy_tn(-3.9812, 2, plus=True) == "−¥3.98tn" and C.jpy_tn(5.13, 2, plus=True) == "+¥5.13tn"
    assert C.jpy_tn(-0.04) == "¥0.0tn" and C.signed(-0.401, ".1%") == "−40.1%"


def test_capital_stack_labels_round_as_the_tables_do():
    """The stack's bar labels are written by the tables' own function: at $350bn of equity, 75% US,
    the US stake of $262.5bn reads $262bn in the chart and in the table (d3 would round it to $263bn)."""
    from fundlib import apps

    app = apps.build_start_app()
    with app.holding():
        app.controls["equity_usd_bn"].value = 350.0
        app.controls["us_share_pct"].value = 75.0
    assert "$262bn" in app.numbers.value
    drawn = _svg_texts(app.last_view.charts["stack"].to_dict())
    assert "$262bn" in drawn and "$263bn" not in drawn


def test_app_numbers_write_minus_signs():
    """The apps' number tables at their defaults: no hyphen-minus before a digit (03's funding app wrote
    ¥-3.97tn, the hedging app -233 bp, 02's risk app -40.1%). The stress table's percentages come from
    ``display.frame_html``, checked separately."""
    from fundlib import apps

    for name in ("build_start_app", "build_roe_app", "build_project_finance_app", "build_risk_app", "build_curves_app",
                 "build_funding_app", "build_hedging_app", "build_fx_risk_app", "build_project_app",
                 "build_monte_carlo_app", "build_who_gets_paid_app"):
        text = re.sub(r"<style.*?</style>|<[^>]+>", " ", getattr(apps, name)().numbers.value, flags=re.S)
        assert not HYPHEN_MINUS.search(text), (name, HYPHEN_MINUS.findall(text))


def test_funding_app_starts_at_notebook_03s_issue():
    """03's funding app prices the same issue as notebook 03's checked cell (Japan's $150bn at the
    month's USD/JPY, ¥23.1075tn, not the register's rounded 23.1): a 100 bp rise costs ¥3.98tn in both."""
    from fundlib import apps
    from fundlib import filp as F
    from fundlib.market import Market

    m = Market.current()
    app = apps.build_funding_app()
    size = app.controls["issue_jpy_tn"].value
    assert size == pytest.approx(150.0 * m.usdjpy / 1000, abs=1e-9)
    issue = F.issue_cost(150.0 * m.usdjpy / 1000, 30, m.par_yield("JPY", 30.0))
    assert f"{issue.value_change_up100_jpy_tn:.2f}" == "-3.98"
    assert "−¥3.98tn" in app.numbers.value and "+¥5.13tn" in app.numbers.value


def test_dscr_chart_highlights_your_scenario():
    """06's debt-cover chart: your scenario thick and blue, drawn last; every other line thin and muted;
    a y-range that spreads the lines (not 0–4); the threshold labels right of the plot, off the lines."""
    spec = app_specs()["build_stress_app/dscr"]
    lines = [layer for layer in spec["layer"] if isinstance(layer.get("mark"), dict) and layer["mark"]["type"] == "line"]
    yours = [layer for layer in lines if {r["scenario"] for r in layer["data"]["values"]} == {"Your scenario"}]
    others = [layer for layer in lines if layer not in yours]
    assert len(yours) == 1 and len(others) == 1 and spec["layer"].index(yours[0]) > spec["layer"].index(others[0])
    assert yours[0]["mark"]["strokeWidth"] >= 2.5 * others[0]["mark"]["strokeWidth"]
    assert yours[0]["mark"]["opacity"] == 1.0 and others[0]["mark"]["opacity"] <= 0.6
    scale = yours[0]["encoding"]["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"]))
    assert colours["Your scenario"] == "#0072B2"
    assert all(c != "#0072B2" for k, c in colours.items() if k != "Your scenario")
    lo, hi = yours[0]["encoding"]["y"]["scale"]["domain"]
    dscr = [r["dscr"] for layer in lines for r in layer["data"]["values"]]
    assert lo <= min(dscr) and hi >= max(dscr) and hi - lo <= 2 * (max(dscr) - min(dscr)) + 0.4
    texts = [layer for layer in spec["layer"] if isinstance(layer.get("mark"), dict) and layer["mark"]["type"] == "text"]
    assert len(texts) == 2 and all(t["encoding"]["x"] == {"value": spec["width"]} and t["mark"]["align"] == "left"
                                   for t in texts)


def test_funding_cost_share_is_exact_not_a_bin_edge():
    """04's in-browser chart: at the fund's debt cost the share of scenarios below it reads as the
    engine's count, 23.0% (summing whole bins gave 20.9%), and stays exact at every slider stop."""
    from fundlib import scenarios as SC

    irr = SC.run_monte_carlo(n=20_000, seed=2025).irr
    hurdle = SC.funding_costs()["Fund debt cost"]
    spec = notebook_specs()["04/irr_hurdle_client_chart"]
    drawn = [t for t in _svg_texts(spec) if t.startswith("below: ") and t.endswith("%")]
    x = np.asarray(irr, float)
    assert drawn == [f"below: {np.mean(x[np.isfinite(x)] < hurdle):.1%}"] == ["below: 23.0%"]
    stops = next(layer for layer in spec["layer"] if "mark" in layer and layer["mark"]["type"] == "rule")
    table = spec["datasets"][stops["data"]["name"]]
    for row in table[::25]:
        assert row["below"] == pytest.approx(np.mean(x[np.isfinite(x)] < row["h"] / 100), abs=1e-12)


def test_histogram_marker_legend_writes_minus_signs():
    chart = C.return_histogram(np.linspace(-0.5, 0.5, 1000), markers={"P5": -0.4125, "FILP coupon": 0.031})
    stroke = chart.to_dict()["layer"][2]["encoding"]["stroke"]["scale"]
    assert stroke["domain"] == ["P5: −41.25%", "FILP coupon: 3.10%"]
    assert stroke["range"][1] == C.SERIES_COLORS["FILP"]
