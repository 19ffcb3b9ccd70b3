"""README images from the real pages (make screenshots): JupyterLab apps, the dashboard and the
offline site, taken in headless Debian Chromium. Writes docs/images/*.png."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from labdriver import LabServer, VoilaServer, launch_browser, open_and_run_all  # noqa: E402

OUT = Path(os.environ.get("FUNDLIB_SCREENSHOTS_DIR", ROOT / "docs" / "images"))
SHOTS = [  # notebook, index of the app on the page, file name
    ("00_start_here.ipynb", 0, "start_app.png"),
    ("01_fund_structure.ipynb", 0, "structure_app.png"),
    ("04_project_returns.ipynb", 1, "monte_carlo_app.png"),
    ("06_stress_tests.ipynb", 0, "stress_app.png"),
]


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    lab = LabServer()
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            # Tall enough that a whole app fits on screen, so its picture is one clean frame.
            page = browser.new_page(viewport={"width": 1500, "height": 3200})
            for nb, idx, name in SHOTS:
                open_and_run_all(page, lab, nb)
                page.evaluate("() => { const s = window.jupyterapp.shell; if (!s.leftCollapsed) s.collapseLeft(); }")
                page.wait_for_timeout(500)
                app = page.locator(".fundlib-app").nth(idx)
                app.scroll_into_view_if_needed()
                app.locator(".vega-embed svg, .vega-embed canvas").first.wait_for(timeout=60_000)
                page.wait_for_timeout(800)
                app.screenshot(path=str(OUT / name))
                print("wrote", OUT / name)
            browser.close()
    finally:
        lab.stop()
    site = Path(tempfile.mkdtemp()) / "site"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), str(site)], check=True, capture_output=True)
    voila = VoilaServer(ROOT / "app" / "dashboard.ipynb")
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((site / "02_leverage_math.html").as_uri())
            chart = page.locator(".chart", has=page.locator("input[name='roe_asset_return_pct']"))
            chart.locator("svg, canvas").first.wait_for(timeout=30_000)
            chart.screenshot(path=str(OUT / "site_offline_chart.png"))
            page.goto(voila.url, timeout=120_000)
            page.locator(".fundlib-dashboard").wait_for(timeout=180_000)
            page.locator(".fundlib-app .vega-embed svg, .fundlib-app .vega-embed canvas").first.wait_for(timeout=120_000)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(OUT / "dashboard.png"))
            browser.close()
    finally:
        voila.stop()
    print("wrote", OUT / "site_offline_chart.png", "and", OUT / "dashboard.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
