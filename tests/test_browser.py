"""Real JupyterLab in headless Chromium: run each notebook, move sliders, see numbers and charts change."""

import os
from pathlib import Path

import pytest

from fundlib.fx import hedge_cost
from fundlib.market import Market
from fundlib.structure import FundStructure
from fundlib.treasury import compare_us

from chartpage import cut_texts, overlaps, render_and_measure
from figures import DISPLAYED_FORMULA
from labdriver import (LabServer, chart_slider, chromium_available, error_outputs, launch_browser, nudge_slider,
                       open_and_run_all, shot_hash, wait_changed)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _require_chromium():
    if chromium_available():
        return
    if os.environ.get("CI"):
        pytest.fail("Debian chromium is missing in CI: .ci/run must install it (apt-get install chromium)")
    pytest.skip("Debian chromium not installed: `apt-get install chromium` to run the browser checks")


@pytest.fixture(scope="module")
def lab():
    _require_chromium()
    server = LabServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page at 1400x1000 whose uncaught script errors (such as a widget model that failed to
    initialize) fail the test that used it."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert errors == [], f"the page raised {errors[:3]}"


READING: dict[str, dict] = {}   # per notebook: typeset maths, app heights, the slider moved (written to artifacts)


def _open(lab, page, notebook):
    """Run every cell of ``notebook`` in the lab, check for errors and for what a reader sees (no
    typeset maths, every app on one screen), return the first app, scrolled into view."""
    ARTIFACTS.mkdir(exist_ok=True)
    open_and_run_all(page, lab, notebook)
    assert error_outputs(page) == []
    app = _app(page, 0)
    app.scroll_into_view_if_needed()
    app.locator(".vega-embed svg, .vega-embed canvas").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)   # MathJax typesets after the markdown renders
    left = page.evaluate("() => document.querySelector('#jp-left-stack').getBoundingClientRect().width")
    assert left > 150, "the file browser should be open, as a reader has it"
    formulas, money = _maths_and_money(notebook)
    if formulas:   # MathJax typesets after the markdown renders: wait for the formulas, then count
        page.wait_for_function(f"document.querySelectorAll('.jp-Notebook mjx-container').length >= {formulas}",
                               timeout=30_000)
    mjx = page.evaluate("() => document.querySelectorAll('.jp-Notebook mjx-container').length")
    # money shown as text: every $ of the rendered markdown, outside any typeset formula
    shown = page.evaluate("() => [...document.querySelectorAll('.jp-Notebook .jp-RenderedMarkdown')].map(e => {"
                          " const c = e.cloneNode(true); c.querySelectorAll('mjx-container').forEach(m => m.remove());"
                          " return (c.textContent.match(/\\$/g) || []).length; }).reduce((a, b) => a + b, 0)")
    heights = page.evaluate("() => [...document.querySelectorAll('.fundlib-app')].map("
                            "e => Math.round(e.getBoundingClientRect().height))")
    cut = _cut_labels(page)
    READING[notebook] = {"typeset maths": mjx, "displayed formulas": formulas, "money $ shown": shown,
                         "money $ in source": money, "app heights (px)": heights, "cut-off labels": cut}
    _write_reading()
    # formulas typeset, one container each; money does not (a typeset pair of $ would add a container
    # and take two dollar signs off the page)
    assert mjx == formulas, f"{notebook}: {mjx} passages typeset as LaTeX, {formulas} displayed formulas"
    assert shown == money, f"{notebook}: {shown} dollar signs on the page, {money} in the markdown"
    assert max(heights) <= 900, f"{notebook}: app heights {heights} px; at most 900 at 1400x1000"
    assert cut == [], f"{notebook}: labels cut off: {cut}"
    return app


def _cut_labels(page) -> list[str]:
    """Every app's labels, buttons, read-outs and tab titles whose text is cut off (scrolls, or runs past
    its box or a clipping container: "ee charged"), every tab of each app shown in turn; then the first
    app is scrolled back into view."""
    apps_ = page.locator(".fundlib-app")
    cut = sorted({t for i in range(apps_.count()) for t in cut_texts(page, apps_.nth(i))})
    apps_.first.scroll_into_view_if_needed()
    return cut


def _maths_and_money(notebook):
    """The notebook's displayed formulas ($$ on its own line, LaTeX, $$) and the dollar signs of money
    in its markdown (written \\\\$, or inside a code span), which the page must show as plain $."""
    import nbformat

    nb = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks" / notebook, as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    formulas = DISPLAYED_FORMULA.findall(md)
    rest = DISPLAYED_FORMULA.sub("", md)
    return len(formulas), rest.count("$")


def _write_reading():
    import json

    (ARTIFACTS / "reading.json").write_text(json.dumps(READING, indent=1))


def _every_app_repaints(page, notebook):
    """Every app of the notebook that has sliders: a key press on one of them repaints one of its charts
    within the hang guard (20 s). An app with no slider (03's curves: a month typed in a box) is driven
    by its own test. How fast is measured by ``make bench`` (benchmarks/browser.py), not here."""
    apps_ = page.locator(".fundlib-app")
    moved = {}
    for i in range(apps_.count()):
        app = apps_.nth(i)
        app.scroll_into_view_if_needed()
        if not any(sl.is_visible() for sl in app.locator(".widget-slider").all()):
            moved[app.locator("h3").first.text_content()] = None
            continue
        title, slider = chart_slider(page, app)
        assert slider is not None, f"{notebook}: no slider of {title!r} repainted a chart within 20 s"
        moved[title] = slider.locator(".widget-label").first.text_content()
    READING.setdefault(notebook, {})["slider that repaints each app"] = moved
    _write_reading()


def _bad_input_shows_message(page, app, slider, presses, expected):
    """Push ``slider`` too far (negative ``presses``: to the left): a red message naming the
    problem appears, then clears when undone."""
    nudge_slider(page, slider, presses=abs(presses), key="ArrowRight" if presses > 0 else "ArrowLeft")
    app.locator(".fundlib-error").wait_for(timeout=20_000)
    assert expected in app.locator(".fundlib-error").text_content()
    assert "not updated" in app.locator(".fundlib-error").text_content()
    opacity = app.locator(".fundlib-numbers-box").evaluate("e => getComputedStyle(e).opacity")
    assert float(opacity) < 0.5, "the stale numbers should be greyed out"
    nudge_slider(page, slider, presses=abs(presses), key="ArrowLeft" if presses > 0 else "ArrowRight")
    app.locator(".fundlib-error").wait_for(state="detached", timeout=20_000)


def _app(page, index=0):
    """A locator (re-resolved on every use: JupyterLab may re-render cells as they scroll)."""
    app = page.locator(".fundlib-app").nth(index)
    app.wait_for(timeout=60_000)
    return app


def test_start_here_runs_and_responds_to_sliders(lab, page):
    app = _open(lab, page, "00_start_here.ipynb")
    numbers = app.locator(".fundlib-numbers")
    chart = app.locator(".vega-embed").first
    assert "$900bn" in numbers.text_content()
    text0, img0 = numbers.text_content(), shot_hash(chart)
    app.screenshot(path=str(ARTIFACTS / "00_start_here_app_before.png"))

    sliders = app.locator(".widget-slider")
    nudge_slider(page, sliders.nth(1), presses=3)  # leverage 3.0 -> 3.3
    text1 = wait_changed(page, numbers.text_content, text0)
    assert "$990bn" in text1, text1
    page.wait_for_timeout(800)
    assert shot_hash(chart) != img0, "the capital-stack chart did not redraw"

    img1 = shot_hash(chart)
    nudge_slider(page, sliders.nth(2), presses=2)  # US Treasury share 50% -> 60%
    text2 = wait_changed(page, numbers.text_content, text1)
    assert "US Treasury stake (60%)" in text2, text2
    page.wait_for_timeout(800)
    assert shot_hash(chart) != img1
    app.screenshot(path=str(ARTIFACTS / "00_start_here_app_after.png"))
    _every_app_repaints(page, "00_start_here.ipynb")

    # Bad input: shares over 100% show a clear message in the app, not a traceback.
    _bad_input_shows_message(page, app, sliders.nth(3), 10, "at most 100%")  # other LPs 50%: 60% + 50% > 100%

    # The browser <-> kernel widget round trip of the environment check.
    check = page.locator(".widget-slider", has=page.locator("text=Move me")).first
    check.scroll_into_view_if_needed()
    nudge_slider(page, check, presses=1)
    page.locator("text=Round trip works").wait_for(timeout=20_000)
    assert error_outputs(page) == []
    page.screenshot(path=str(ARTIFACTS / "00_start_here_page.png"), full_page=True)


def test_fund_structure_runs_and_responds(lab, page):
    app = _open(lab, page, "01_fund_structure.ipynb")
    table = app.locator(".fundlib-returns")
    stack = app.locator(".vega-embed").first
    waterfall = app.locator(".vega-embed").nth(1)          # in the second chart tab
    t0, s0 = table.text_content(), shot_hash(stack)
    sliders = app.locator(".widget-slider")
    nudge_slider(page, sliders.nth(0), presses=2)  # US Treasury share 50% -> 60%
    t1 = wait_changed(page, table.text_content, t0)
    assert t1 != t0 and "$180bn" in t1, t1  # the US now pays in 60% of $300bn
    page.wait_for_timeout(800)
    assert shot_hash(stack) != s0
    app.locator(".lm-TabBar-tab", has_text="Where every dollar").click()
    waterfall.locator("svg, canvas").first.wait_for(timeout=20_000)
    assert "$180bn" in t1   # the waterfall's tab shows the same run
    app.locator(".lm-TabBar-tab", has_text="Capital stack").click()
    app.screenshot(path=str(ARTIFACTS / "01_fund_structure_app.png"))
    _every_app_repaints(page, "01_fund_structure.ipynb")
    # Bad input: the US share plus other LPs above 100%
    _bad_input_shows_message(page, app, sliders.nth(1), 10, "at most 100%")
    # Fees on (exercise 1: 1.5% fee, 20% carry): more waterfall tiers, still one screen
    app.locator(".lm-TabBar-tab", has_text="Fees").click()
    nudge_slider(page, sliders.nth(11), presses=6)     # management fee 0 -> 1.5%
    nudge_slider(page, sliders.nth(12), presses=20)    # carry 0 -> 20%
    page.wait_for_timeout(1500)
    assert app.evaluate("e => e.getBoundingClientRect().height") <= 900
    # The three-terms app responds to the fund-return slider
    presets = _app(page, 1)
    presets.scroll_into_view_if_needed()
    pt = presets.locator(".fundlib-presets")
    p0 = pt.text_content()
    nudge_slider(page, presets.locator(".widget-slider").nth(0), presses=4)
    assert wait_changed(page, pt.text_content, p0) != p0
    assert error_outputs(page) == []
    page.screenshot(path=str(ARTIFACTS / "01_fund_structure_page.png"), full_page=True)


def test_leverage_math_runs_and_responds(lab, page):
    roe = _open(lab, page, "02_leverage_math.ipynb")
    numbers, chart = roe.locator(".fundlib-numbers"), roe.locator(".vega-embed").first
    t0, c0 = numbers.text_content(), shot_hash(chart)
    r_d = FundStructure().debt_rate(Market.current())          # the fund's one debt rate
    assert f"{3 * 0.07 - 2 * r_d:.2%}" in t0, t0
    nudge_slider(page, roe.locator(".widget-slider").nth(0), presses=5)  # leverage 3.0 -> 3.5
    t1 = wait_changed(page, numbers.text_content, t0)
    assert f"{3.5 * 0.07 - 2.5 * r_d:.2%}" in t1, t1
    page.wait_for_timeout(800)
    assert shot_hash(chart) != c0
    roe.screenshot(path=str(ARTIFACTS / "02_leverage_roe_app.png"))
    _every_app_repaints(page, "02_leverage_math.ipynb")
    # The project-finance app: a life shorter than the tenor pulls the tenor down with it (no refusal)
    pf = _app(page, 1)
    pf.scroll_into_view_if_needed()
    life = pf.locator(".widget-slider").nth(1)
    n0 = pf.locator(".fundlib-numbers").text_content()
    nudge_slider(page, life, presses=20, key="ArrowLeft")  # life 30 -> 10 years
    wait_changed(page, pf.locator(".fundlib-numbers").text_content, n0)
    assert pf.locator(".fundlib-error").count() == 0
    pf.locator(".lm-TabBar-tab", has_text="Debt").click()
    tenor = pf.locator(".widget-slider").nth(3)
    assert tenor.is_visible() and tenor.locator(".widget-readout").text_content().strip() == "9"
    page.screenshot(path=str(ARTIFACTS / "02_leverage_math_page.png"), full_page=True)


def test_filp_vs_jgb_runs_and_responds(lab, page):
    curves = _open(lab, page, "03_filp_vs_jgb.ipynb")
    numbers, chart = curves.locator(".fundlib-numbers"), curves.locator(".vega-embed").first
    t0, c0 = numbers.text_content(), shot_hash(chart)
    box = curves.locator("input[placeholder^='YYYY-MM']")   # a month is typed, not reached by key presses
    box.fill("2021-02")
    box.press("Enter")
    t1 = wait_changed(page, numbers.text_content, t0)
    assert "2021-02" in t1, t1
    page.wait_for_timeout(800)
    assert shot_hash(chart) != c0, "the curves did not redraw"
    # The hedging app (third app): a more negative basis raises the hedge cost
    hedging = _app(page, 2)
    hedging.scroll_into_view_if_needed()
    hn = hedging.locator(".fundlib-numbers")
    h0 = hn.text_content()
    m = Market.current()
    assert f"{hedge_cost(m.sofr, m.tona, -20, 0.25):.2%} a year" in h0, h0
    nudge_slider(page, hedging.locator(".widget-slider").nth(3), presses=30, key="ArrowLeft")  # basis -20 -> -50 bp
    h1 = wait_changed(page, hn.text_content, h0)
    assert f"{hedge_cost(m.sofr, m.tona, -50, 0.25):.2%} a year" in h1, h1
    _every_app_repaints(page, "03_filp_vs_jgb.ipynb")
    assert error_outputs(page) == []
    page.screenshot(path=str(ARTIFACTS / "03_filp_vs_jgb_page.png"), full_page=True)


def test_project_returns_runs_and_responds(lab, page):
    project = _open(lab, page, "04_project_returns.ipynb")
    pn = project.locator(".fundlib-numbers")
    p0 = pn.text_content()
    nudge_slider(page, project.locator(".widget-slider").nth(0), presses=4)  # capex +20%
    assert wait_changed(page, pn.text_content, p0) != p0
    mc = _app(page, 1)
    mc.scroll_into_view_if_needed()
    mc.locator(".vega-embed svg, .vega-embed canvas").first.wait_for(timeout=60_000)
    numbers, hist = mc.locator(".fundlib-numbers"), mc.locator(".vega-embed").first
    t0, h0 = numbers.text_content(), shot_hash(hist)
    sliders = mc.locator(".widget-slider")
    # Raising one weight rebalances the others to 100%, shown on their sliders, and redraws the histogram.
    readouts = mc.locator(".widget-readout")
    w0 = [readouts.nth(i).text_content() for i in range(4)]
    nudge_slider(page, sliders.nth(0), presses=2)   # data centres 40% -> 50%
    t1 = wait_changed(page, numbers.text_content, t0)
    assert t1 != t0
    page.wait_for_timeout(800)
    w1 = [readouts.nth(i).text_content() for i in range(4)]
    assert w1[0].strip() == "50" and w1[1:] != w0[1:] and abs(sum(float(w) for w in w1) - 100) <= 2, w1
    assert shot_hash(hist) != h0, "the IRR histogram did not redraw"
    assert mc.locator(".fundlib-error").count() == 0
    _every_app_repaints(page, "04_project_returns.ipynb")
    mc.screenshot(path=str(ARTIFACTS / "04_project_returns_mc_app.png"))
    assert error_outputs(page) == []


def test_who_gets_paid_runs_and_responds(lab, page):
    app = _open(lab, page, "05_who_gets_paid.ipynb")
    numbers, pv = app.locator(".fundlib-numbers"), app.locator(".vega-embed").first
    t0, c0 = numbers.text_content(), shot_hash(pv)
    own = f"${compare_us(FundStructure(), 0.07).per_dollar['Own the fund']:.2f}"
    assert own in t0, t0
    app.locator(".lm-TabBar-tab", has_text="US routes").click()
    nudge_slider(page, app.locator(".widget-slider").nth(2), presses=10, key="ArrowLeft")  # tax credit 30% -> 20%
    t1 = wait_changed(page, numbers.text_content, t0)
    assert t1 != t0 and own in t1   # the fund route is unchanged; the credit route moves
    page.wait_for_timeout(800)
    assert shot_hash(pv) != c0
    assert error_outputs(page) == []
    app.screenshot(path=str(ARTIFACTS / "05_who_gets_paid_app.png"))
    _every_app_repaints(page, "05_who_gets_paid.ipynb")


def test_stress_tests_run_and_respond(lab, page):
    app = _open(lab, page, "06_stress_tests.ipynb")
    app.locator(".lm-TabBar-tab", has_text="Debt service cover").click()   # the charts sit in tabs
    page.wait_for_timeout(800)
    assert app.evaluate("e => e.getBoundingClientRect().height") <= 900    # the taller chart tab too
    table, dscr = app.locator(".fundlib-stress"), app.locator(".vega-embed").nth(1)
    dscr.wait_for(timeout=20_000)
    page.wait_for_timeout(500)
    t0, d0 = table.text_content(), shot_hash(dscr)
    nudge_slider(page, app.locator(".widget-slider").nth(3), presses=3)  # your scenario: 3-year delays
    t1 = wait_changed(page, table.text_content, t0)
    assert t1 != t0
    page.wait_for_timeout(800)
    assert shot_hash(dscr) != d0, "the DSCR chart did not redraw"
    assert error_outputs(page) == []
    app.locator(".lm-TabBar-tab", has_text="Losses by scenario").click()
    _every_app_repaints(page, "06_stress_tests.ipynb")
    page.screenshot(path=str(ARTIFACTS / "06_stress_tests_page.png"), full_page=True)


def test_the_odds_runs_and_responds(lab, page):
    from fundlib import odds as OD

    app = _open(lab, page, "07_the_odds.ipynb")
    numbers, us_chart = app.locator(".fundlib-numbers"), app.locator(".vega-embed").first
    t0, c0 = numbers.text_content(), shot_hash(us_chart)
    g = OD.run_odds(n=2_000).governments()
    assert f"{g.loc['US Treasury', 'prob_loss']:.1%}" in t0, t0
    nudge_slider(page, app.locator(".widget-slider").nth(0), presses=5, key="ArrowLeft")   # leverage 3.0x -> 2.5x
    want = f"{OD.run_odds(n=2_000, leverage=2.5).governments().loc['US Treasury', 'prob_loss']:.1%}"
    for _ in range(100):           # each press recomputes: wait for the last one (2.5x) to land
        t1 = numbers.text_content()
        if want in t1 and app.locator(".widget-readout").first.text_content().strip() == "2.5":
            break
        page.wait_for_timeout(200)
    assert t1 != t0 and want in t1, t1
    page.wait_for_timeout(800)
    assert shot_hash(us_chart) != c0, "the US distribution did not redraw"
    app.locator(".lm-TabBar-tab", has_text="Run").first.click()
    app.locator(".widget-toggle-button", has_text="Unhedged").click()
    t2 = wait_changed(page, numbers.text_content, t1)
    assert "(unhedged)" in t2
    app.locator(".lm-TabBar-tab", has_text="What drives Japan").click()
    page.wait_for_timeout(800)
    assert app.evaluate("e => e.getBoundingClientRect().height") <= 900
    # the anchors tab draws the calibration table of the run on screen, and keeps to one screen
    app.locator(".lm-TabBar-tab", has_text="Against anchors").click()
    page.wait_for_timeout(1500)
    drawn = app.locator(".vega-embed:visible").first.text_content() or ""
    cal = OD.run_odds(n=2_000, leverage=2.5).calibration()
    assert "SOFR above 10% in some year" in drawn and f"{cal.loc['sofr_above_10pct', 'engine']:.1%}" in drawn, drawn[:300]
    assert app.evaluate("e => e.getBoundingClientRect().height") <= 900
    app.locator(".fundlib-export button", has_text="Export to Excel").click()
    link = app.locator("a.fundlib-download")
    link.wait_for(timeout=60_000)
    assert link.get_attribute("download").endswith(".xlsx")
    assert link.get_attribute("href").startswith("data:application/vnd.openxmlformats")
    assert error_outputs(page) == []
    app.screenshot(path=str(ARTIFACTS / "07_the_odds_app.png"))
    app.locator(".lm-TabBar-tab", has_text="Fund").first.click()
    # the link is of the scenario exported: move a slider and it goes (a stale link served the old file)
    nudge_slider(page, app.locator(".widget-slider:visible").first, presses=1)
    page.wait_for_function("() => !document.querySelector('.fundlib-app a.fundlib-download')", timeout=60_000)
    _every_app_repaints(page, "07_the_odds.ipynb")
    page.screenshot(path=str(ARTIFACTS / "07_the_odds_page.png"), full_page=True)


def test_chart_axis_labels_never_collide(browser):
    """Every chart the suite builds (each app at its defaults, the dashboard's panels, every chart a
    notebook draws) drawn by the apps' own Vega in Chromium with the SVG renderer: no two tick labels of
    one axis overlap or touch (under 2 px apart), as "$450$500" did. The boxes are the browser's own
    measure of the drawn text."""
    from suite_charts import every_spec

    specs = every_spec()
    drawn = render_and_measure(browser, specs)
    assert sorted(c["name"] for c in drawn) == sorted(specs)
    collide = {f"{c['name']} / {a['title'] or 'untitled axis'}": overlaps(a) for c in drawn for a in c["axes"] if overlaps(a)}
    assert collide == {}
    axes = [a for c in drawn for a in c["axes"] if len(a["labels"]) >= 2]
    assert len(axes) >= 80
    # the measure sees a collision when there is one: the same labels, crowded, with Vega's thinning off
    crowded = {"$schema": specs["build_stress_app/losses"]["$schema"], "width": 120, "height": 20,
               "data": {"values": [{"x": -250.0}, {"x": 0.0}]}, "mark": "point",
               "encoding": {"x": {"field": "x", "type": "quantitative", "title": "x ($bn)",
                                  "axis": {"format": "$,.0f", "tickCount": 10, "labelOverlap": False, "labelSeparation": 0}}}}
    (axis,) = [a for a in render_and_measure(browser, {"crowded": crowded})[0]["axes"] if a["labels"]]
    assert overlaps(axis), axis


def test_dashboard_labels_and_buttons_are_whole(browser):
    """The Voilà dashboard at 1400 px: no button, label, read-out or tab title is cut off, in the header
    (the "Export to Excel" button read "ort to Excel"), the shared panel or any panel, every tab shown."""
    from labdriver import VoilaServer

    server = VoilaServer(Path(__file__).resolve().parent.parent / "app" / "dashboard.ipynb")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(server.url, timeout=300_000)
        page.wait_for_function("() => document.querySelectorAll('.fundlib-app').length === 7"
                               " && [...document.querySelectorAll('.fundlib-app .vega-embed')]"
                               ".every(e => e.querySelector('svg, canvas'))", timeout=300_000)
        page.wait_for_timeout(2000)
        button = page.locator(".fundlib-dashboard .fundlib-export button", has_text="Export to Excel").first
        assert button.evaluate("e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().left"
                               " >= e.closest('.fundlib-export').getBoundingClientRect().left")
        cut = cut_texts(page, page.locator(".fundlib-dashboard"))
        page.screenshot(path=str(ARTIFACTS / "dashboard_header.png"))
        page.close()
    finally:
        server.stop()
    assert cut == [], f"cut off in the dashboard: {cut}"
