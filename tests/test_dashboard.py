"""The Voilà dashboard in headless Chromium: loads with no error, a shared slider moves, panels change.

The page loads with Chromium's CPU slowed eightfold (DevTools' CPU throttling), as on a busy laptop:
that is when a chart whose widget module took over anywidget's two-second deadline to compile failed
with "[anywidget] Failed to initialize model." (5 page errors at 8x before fundlib.apps.chartwidget,
none after). The slider moves then run at full speed."""

import os
from pathlib import Path

import pytest

from labdriver import VoilaServer, chromium_available, launch_browser, nudge_slider, shot_hash, wait_changed

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
SLOW_CPU = 8


def test_dashboard_shared_panel_drives_every_panel():
    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is missing in CI")
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    server = VoilaServer(ROOT / "app" / "dashboard.ipynb")
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW_CPU})
            errors, outside = [], []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                    else None)
            page.goto(server.url, timeout=300_000)
            dash = page.locator(".fundlib-dashboard")
            dash.wait_for(timeout=300_000)
            apps_ = page.locator(".fundlib-app")
            page.wait_for_function("() => document.querySelectorAll('.fundlib-app').length === 7"
                                   " && document.querySelectorAll('.fundlib-app .vega-embed').length === 11"
                                   " && [...document.querySelectorAll('.fundlib-app .vega-embed')]"
                                   ".every(e => e.querySelector('svg, canvas'))", timeout=300_000)
            page.wait_for_timeout(3000)                            # past anywidget's two-second deadline
            assert errors == [], f"the page raised {errors[:3]} while loading on a slow CPU"
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            assert apps_.count() == 7
            numbers = [apps_.nth(i).locator(".fundlib-numbers-box") for i in range(7)]
            before = [n.text_content() for n in numbers]
            roe_chart = apps_.nth(1).locator(".vega-embed").first
            roe_img = shot_hash(roe_chart)
            shared = page.locator(".fundlib-shared .widget-slider")
            nudge_slider(page, shared.nth(0), presses=20)          # SOFR +1 point
            wait_changed(page, numbers[1].text_content, before[1])
            page.wait_for_timeout(1500)
            after = [n.text_content() for n in numbers]
            changed = [i for i in range(7) if after[i] != before[i]]
            assert len(changed) >= 2, changed
            assert shot_hash(roe_chart) != roe_img, "the ROE chart did not redraw"
            assert page.locator(".fundlib-error").count() == 0
            assert errors == []
            assert outside == [], f"the dashboard asked the network for {outside[:3]}"   # FontAwesome came from a CDN
            assert page.evaluate("() => document.querySelectorAll('mjx-container').length") == 0
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"))
            browser.close()
    finally:
        server.stop()


def test_make_screenshots_writes_the_readme_images(tmp_path):
    """`make screenshots` end to end, into a temporary folder (the README's images are committed)."""
    import subprocess
    import sys

    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is missing in CI")
        pytest.skip("Debian chromium not installed")
    env = dict(os.environ, FUNDLIB_SCREENSHOTS_DIR=str(tmp_path))
    subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots.py")], env=env, check=True,
                   capture_output=True, text=True, timeout=500)
    readme = (ROOT / "README.md").read_text()
    for name in ("start_app.png", "structure_app.png", "monte_carlo_app.png", "stress_app.png", "dashboard.png",
                 "site_offline_chart.png"):
        png = tmp_path / name
        assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 10_000, name
        assert f"docs/images/{name}" in readme


def test_the_dashboards_stress_columns_say_whose_loss():
    """The stress panel's loss columns are each government with its guarantor (the US Treasury + Ex-Im
    Bank, Japan's MoF + JBIC, as stress.run_chain adds them), named as notebook 06 names them."""
    import re

    import nbformat

    from fundlib import apps
    from fundlib import assumptions as A
    from fundlib import stress as ST

    d = apps.build_dashboard()
    try:
        st = d.panels["Stress tests"]
        heads = re.findall(r"<th style='padding:2px 10px;text-align:right'>(.*?)</th>", st.numbers.value)
        cols = dict(st.last_tables)[next(c for c, _ in st.last_tables if c.startswith("The fund under stress"))].columns
    finally:
        A.use_scenario(None)
    assert "US (Treasury + Ex-Im) loss vs base, PV" in heads and "Japan (MoF + JBIC) loss vs base, ¥tn PV" in heads
    assert not [h for h in heads if h.startswith(("US loss", "Japan loss"))]
    assert any(c.startswith("US (Treasury + Ex-Im) loss") for c in cols) and any(c.startswith("Japan (MoF + JBIC) loss") for c in cols)
    n06 = "\n".join(c.source for c in nbformat.read(ROOT / "notebooks" / "06_stress_tests.ipynb", as_version=4).cells)
    assert "US (Treasury + Ex-Im) loss" in n06 and "Japan (MoF + JBIC) loss" in n06
    # and that is what the column holds: the Treasury's PV plus Ex-Im's, against the base
    base, bust = ST.run_chain(), ST.run_chain(ai_bust=1.0)
    table, _ = ST.stress_table()
    assert table.loc["AI capex bust", "US loss vs base ($bn PV)"] == pytest.approx(base["us_pv"] - bust["us_pv"])
