"""The offline static site (make html): pages load with the network blocked, every chart is drawn,
and a slider bound to a Vega parameter changes its chart with no kernel behind it."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from figures import DISPLAYED_FORMULA
from labdriver import chromium_available, launch_browser

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is missing in CI")
        pytest.skip("Debian chromium not installed")
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), str(out)], check=True,
                   capture_output=True, text=True)
    return out


@pytest.fixture(scope="module")
def offline_page(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_browser(p)
        ctx = browser.new_context(viewport={"width": 1300, "height": 1000})
        blocked = []

        def guard(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        ctx.route("**/*", guard)
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.blocked, page.errors = blocked, errors
        yield page
        browser.close()


def _open(page, site, name):
    page.goto((site / f"{name}.html").as_uri())
    n = page.locator(".chart").count()
    page.wait_for_function(f"document.querySelectorAll('.chart svg, .chart canvas').length >= {n}", timeout=30_000)
    return n


@pytest.mark.parametrize("name", PAGES)
def test_every_page_draws_every_chart_offline(site, offline_page, name):
    n = _open(offline_page, site, name)
    assert n >= 1
    drawn = offline_page.evaluate("""() => [...document.querySelectorAll('.chart')].map(c => {
        const g = c.querySelector('svg, canvas'); if (!g) return 0;
        const r = g.getBoundingClientRect(); return r.width * r.height; })""")
    assert all(a > 10_000 for a in drawn), drawn   # every chart non-empty
    assert offline_page.errors == []
    assert offline_page.blocked == []              # nothing on the page even tried the network


def test_index_links_every_notebook(site):
    text = (site / "index.html").read_text()
    for name in PAGES:
        assert f'href="{name}.html"' in text


@pytest.mark.parametrize("name,param", [("02_leverage_math", "roe_asset_return_pct"), ("03_filp_vs_jgb", "hedge_basis_bp"),
                                        ("05_who_gets_paid", "tariff_elasticity")])
def test_bound_slider_changes_its_chart_without_a_kernel(site, offline_page, name, param):
    _open(offline_page, site, name)
    slider = offline_page.locator(f"input[type=range][name='{param}']")
    assert slider.count() == 1, f"no slider bound to {param}"
    chart = offline_page.locator(".chart", has=slider)
    chart.scroll_into_view_if_needed()
    before = hashlib.sha256(chart.screenshot()).hexdigest()
    slider.evaluate("(el) => { el.value = Number(el.min) + 0.8 * (Number(el.max) - Number(el.min));"
                    " el.dispatchEvent(new Event('input', {bubbles: true})); }")
    offline_page.wait_for_timeout(500)
    after = hashlib.sha256(chart.screenshot()).hexdigest()
    assert after != before, "the chart did not respond to its slider"
    if name == "02_leverage_math":
        chart.screenshot(path=str(ROOT / "tests" / "artifacts" / "site_02_roe_offline.png"))


@pytest.mark.parametrize("name", PAGES)
def test_page_carries_the_formulas_answers_and_limits(site, offline_page, name):
    """Each displayed formula of the notebook is on its page as MathML that the browser lays out (a box
    with height, not raw LaTeX); the answers sit in a closed <details>; the limits section is there; no
    dollar sign of money was eaten as maths."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    n_formulas = len(DISPLAYED_FORMULA.findall(md))
    _open(offline_page, site, name)
    boxes = offline_page.evaluate("() => [...document.querySelectorAll('.formula math')].map("
                                  "m => m.getBoundingClientRect().height)")
    assert len(boxes) == n_formulas and all(h > 12 for h in boxes), boxes
    text = offline_page.evaluate("() => document.body.innerText")
    assert "$$" not in text and "\\frac" not in text and "\\mathrm" not in text
    assert offline_page.evaluate("() => [...document.querySelectorAll('details')].filter("
                                 "d => /Answers/.test(d.querySelector('summary')?.textContent || '')).map(d => d.open)") == [False]
    assert "What this model leaves out" in text
    assert text.count("$") >= md.count("\\\\$")          # every money $ shows as a plain $


def test_no_marker_shows_and_hidden_outputs_stay_closed(site, offline_page):
    """The prose's invisible markers (<!--reg:…-->) never reach a page's text or title, the index's cards
    included; a cell whose output the notebook collapses (the numbers the answers quote) is closed here too."""
    for name in ["index"] + PAGES:
        offline_page.goto((site / f"{name}.html").as_uri())
        text = offline_page.evaluate("() => document.title + ' ' + document.body.innerText")
        assert "<!--" not in text and "-->" not in text, name
        if name != "index":
            opened = offline_page.evaluate("() => [...document.querySelectorAll('details.hidden-output')].map(d => d.open)")
            assert opened == [False], (name, opened)
