"""Key press -> chart repainted, per app, in real JupyterLab in headless Chromium (part of ``make bench``).

Each notebook is opened and run; for each app the first slider whose key press repaints one of its
charts is pressed 20 times (right and left in turn) and the time from the key press to the first
changed frame of a chart is taken each time. An app with no slider (03's curves) is timed the same
way by clicking between the first two of its toggle buttons. Printed as p50 / p95 per app beside the target (300 ms;
800 ms for the odds app, which recomputes 2,000 whole-chain scenarios a move).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from labdriver import (LabServer, chart_control, chromium_available, launch_browser, open_and_run_all,  # noqa: E402
                       repaint_ms)

PRESSES = 20
TARGET_MS = 300
SLOWER = {"The odds": 800}


def target_ms(title: str) -> int:
    return next((ms for k, ms in SLOWER.items() if title.startswith(k)), TARGET_MS)


def measure(notebooks: list[str]) -> list[dict]:
    """One record per app: notebook, app title, the control pressed (a slider, or toggle buttons) and how
    (key press or click), p50 and p95 in ms over PRESSES presses."""
    from playwright.sync_api import sync_playwright

    if not chromium_available():
        print("chromium not found: browser timings skipped (apt-get install chromium)")
        return []
    lab = LabServer()
    out = []
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            for nb in notebooks:
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = ctx.new_page()
                open_and_run_all(page, lab, nb)
                apps = page.locator(".fundlib-app")
                apps.first.locator(".vega-embed svg, .vega-embed canvas").first.wait_for(timeout=60_000)
                page.wait_for_timeout(1500)
                for i in range(apps.count()):
                    app = apps.nth(i)
                    title, control = chart_control(page, app)
                    if control is None:
                        out.append({"notebook": nb, "app": title, "control": None, "p50_ms": None, "p95_ms": None})
                        continue
                    times = [t for t in repaint_ms(page, app, control, presses=PRESSES) if t >= 0]
                    p50, p95 = (float(x) for x in np.percentile(times, [50, 95]))
                    key = control.locator(".noUi-handle").count() > 0
                    out.append({"notebook": nb, "app": title.strip(), "presses": len(times), "action": "key press" if key else "click",
                                "control": control.locator(".widget-label").first.text_content(),
                                "p50_ms": round(p50), "p95_ms": round(p95), "target_ms": target_ms(title)})
                ctx.close()
            browser.close()
    finally:
        lab.stop()
    return out


def notebooks() -> list[str]:
    return sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


if __name__ == "__main__":
    for r in measure(notebooks()):
        print(r)
