"""Real JupyterLab in headless Chromium: run each notebook, move sliders, see numbers and charts change."""

import os
from pathlib import Path

import pytest

from fundlib.fx import hedge_cost
from fundlib.market import Market
from fundlib.structure import FundStructure
from fundlib.treasury import compare_us

from labdriver import (LabServer, chromium_available, error_outputs, launch_browser, nudge_slider,
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
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _open(lab, page, notebook):
    """Run every cell of ``notebook`` in the lab, check for errors, return the first app, scrolled into view."""
    ARTIFACTS.mkdir(exist_ok=True)
    open_and_run_all(page, lab, notebook)
    assert error_outputs(page) == []
    app = _app(page, 0)
    app.scroll_into_view_if_needed()
    app.locator(".vega-embed svg, .vega-embed canvas").first.wait_for(timeout=60_000)
    return app


def _bad_input_shows_message(page, app, slider, presses, expected):
    """Push ``slider`` too far (negative ``presses``: to the left): a red message naming the
    problem appears, then clears when undone."""
    nudge_slider(page, slider, presses=abs(presses), key="ArrowRight" if presses > 0 else "ArrowLeft")
    app.locator(".fundlib-error").wait_for(timeout=20_000)
    assert expected in app.locator(".fundlib-error").text_content()
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
    waterfall = app.locator(".vega-embed").nth(1)
    t0, s0, w0 = table.text_content(), shot_hash(stack), shot_hash(waterfall)
    sliders = app.locator(".widget-slider")
    nudge_slider(page, sliders.nth(0), presses=2)  # US Treasury share 50% -> 60%
    t1 = wait_changed(page, table.text_content, t0)
    assert t1 != t0 and "$180bn" in t1, t1  # the US now pays in 60% of $300bn
    page.wait_for_timeout(800)
    assert shot_hash(stack) != s0 and shot_hash(waterfall) != w0
    app.screenshot(path=str(ARTIFACTS / "01_fund_structure_app.png"))
    # Bad input: the US share plus other LPs above 100%
    _bad_input_shows_message(page, app, sliders.nth(1), 10, "at most 100%")
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
    # Bad input in the project-finance app: a tenor as long as the project
    pf = _app(page, 1)
    pf.scroll_into_view_if_needed()
    tenor = pf.locator(".widget-slider").nth(3)  # life, DSCR, tenor after the CFADS slider
    life = pf.locator(".widget-slider").nth(1)
    _bad_input_shows_message(page, pf, life, -15, "tenor")  # life 25 -> 10 years, shorter than the 18-year tenor
    assert tenor.is_visible()
    page.screenshot(path=str(ARTIFACTS / "02_leverage_math_page.png"), full_page=True)


def test_filp_vs_jgb_runs_and_responds(lab, page):
    curves = _open(lab, page, "03_filp_vs_jgb.ipynb")
    numbers, chart = curves.locator(".fundlib-numbers"), curves.locator(".vega-embed").first
    t0, c0 = numbers.text_content(), shot_hash(chart)
    nudge_slider(page, curves.locator(".widget-slider").nth(0), presses=60, key="ArrowLeft")  # month 2026-02 -> 2021-02
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
    # Weights must sum to 100%: raising one alone is refused with a clear message...
    _bad_input_shows_message(page, mc, sliders.nth(0), 2, "sum to 1")
    # ...moving weight from data centres to logistics is accepted and redraws the histogram.
    nudge_slider(page, sliders.nth(0), presses=2, key="ArrowLeft")   # data centres 40% -> 30%
    nudge_slider(page, sliders.nth(3), presses=2)                    # logistics 15% -> 25%
    t1 = wait_changed(page, numbers.text_content, t0)
    assert t1 != t0
    page.wait_for_timeout(800)
    assert shot_hash(hist) != h0, "the IRR histogram did not redraw"
    assert mc.locator(".fundlib-error").count() == 0
    mc.screenshot(path=str(ARTIFACTS / "04_project_returns_mc_app.png"))
    assert error_outputs(page) == []


def test_who_gets_paid_runs_and_responds(lab, page):
    app = _open(lab, page, "05_who_gets_paid.ipynb")
    numbers, pv = app.locator(".fundlib-numbers"), app.locator(".vega-embed").first
    t0, c0 = numbers.text_content(), shot_hash(pv)
    own = f"${compare_us(FundStructure(), 0.07).per_dollar['Own the fund']:.2f}"
    assert own in t0, t0
    nudge_slider(page, app.locator(".widget-slider").nth(2), presses=10, key="ArrowLeft")  # tax credit 30% -> 20%
    t1 = wait_changed(page, numbers.text_content, t0)
    assert t1 != t0 and own in t1   # the fund route is unchanged; the credit route moves
    page.wait_for_timeout(800)
    assert shot_hash(pv) != c0
    assert error_outputs(page) == []
    app.screenshot(path=str(ARTIFACTS / "05_who_gets_paid_app.png"))


def test_stress_tests_run_and_respond(lab, page):
    app = _open(lab, page, "06_stress_tests.ipynb")
    table, dscr = app.locator(".fundlib-stress"), app.locator(".vega-embed").nth(1)
    t0, d0 = table.text_content(), shot_hash(dscr)
    nudge_slider(page, app.locator(".widget-slider").nth(3), presses=3)  # your scenario: 3-year delays
    t1 = wait_changed(page, table.text_content, t0)
    assert t1 != t0
    page.wait_for_timeout(800)
    assert shot_hash(dscr) != d0, "the DSCR chart did not redraw"
    assert error_outputs(page) == []
    page.screenshot(path=str(ARTIFACTS / "06_stress_tests_page.png"), full_page=True)
