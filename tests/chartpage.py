"""Render Vega-Lite specs in headless Chromium exactly as the apps' chart widget does (Altair's offline
widget module, the same Vega), but with Vega's SVG renderer, so every drawn text is an element whose box
the browser measures. The apps draw to a canvas, where text has no box; Vega lays out and thins the
labels the same way with either renderer (its text metrics come from a canvas in both cases)."""

from __future__ import annotations

import json

# An anywidget model stand-in: what Altair's widget module reads and writes.
_RENDER = """
async ([src, specs]) => {
  const url = URL.createObjectURL(new Blob([src], {type: "text/javascript"}));
  const mod = await import(url);
  const out = {};
  for (const [name, spec] of Object.entries(specs)) {
    const state = {spec, embed_options: {renderer: "svg", actions: false}, _vl_selections: {}, _params: {},
                   _js_watch_plan: []};
    const model = {get: k => state[k], set: (k, v) => { state[k] = v; }, save_changes() {}, on() {}};
    const el = document.createElement("div");
    el.dataset.chart = name;
    el.style.margin = "20px";
    document.body.append(el);
    try { await mod.default.render({model, el}); out[name] = "ok"; }
    catch (e) { out[name] = String(e); }
  }
  return out;
}
"""

# Per chart: every axis with its visible tick labels (text and box), and every visible text drawn.
_MEASURE = """
() => {
  const visible = t => {
    for (let e = t; e && e.tagName !== "svg"; e = e.parentElement) {
      const o = e.getAttribute("opacity") ?? e.style.opacity;
      if (o !== null && o !== "" && parseFloat(o) === 0) return false;
      if (getComputedStyle(e).display === "none") return false;
    }
    return (t.textContent || "").trim() !== "";
  };
  const box = t => { const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return [...document.querySelectorAll("div[data-chart]")].map(div => ({
    name: div.dataset.chart,
    axes: [...div.querySelectorAll("g.role-axis")].map(a => ({
      title: [...a.querySelectorAll("g.role-axis-title text")].map(t => t.textContent).join(" "),
      labels: [...a.querySelectorAll("g.role-axis-label text")].filter(visible)
                .map(t => ({text: t.textContent, box: box(t)})),
    })),
    texts: [...div.querySelectorAll("svg text")].filter(visible).map(t => t.textContent),
  }));
}
"""


def render_and_measure(browser, specs: dict[str, dict]) -> list[dict]:
    """Draw ``specs`` (name → Vega-Lite spec) in a fresh page; per chart, its axes' visible tick labels
    with their boxes (px, as laid out) and every visible text."""
    import altair as alt

    alt.JupyterChart.enable_offline()
    src = alt.JupyterChart._esm
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.set_content("<!DOCTYPE html><html><body style='font-family: sans-serif'></body></html>")
        status = page.evaluate(_RENDER, [src, json.loads(json.dumps(specs, default=str))])
        bad = {k: v for k, v in status.items() if v != "ok"}
        assert not bad and not errors, f"charts failed to render: {bad} {errors[:3]}"
        page.wait_for_timeout(500)
        return page.evaluate(_MEASURE)
    finally:
        page.close()


def overlaps(axis: dict, gap: float = 2.0) -> list[tuple[str, str]]:
    """Pairs of tick labels of one axis whose boxes overlap or come closer than ``gap`` px (side by side
    or one above the other), which a reader sees as one run-together label such as "$450$500"."""
    out = []
    labels = axis["labels"]
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            if l1 < r2 + gap and l2 < r1 + gap and t1 < b2 + gap / 2 and t2 < b1 + gap / 2:
                out.append((a["text"], b["text"]))
    return out


# Text of a label, button or tab that a reader cannot read whole: the element scrolls (scrollWidth over
# clientWidth), or its text runs past the edge of the element or of an ancestor that clips (overflow
# not visible) — as "ee charged" (a label cut at its start) or "ort to Excel" (a squeezed button).
CUT_JS = """
(scope) => {
  const sel = ".widget-label, .widget-label-basic, button, .widget-toggle-button, .lm-TabBar-tabLabel, " +
              ".widget-checkbox label, .widget-readout";
  const out = [];
  for (const e of scope.querySelectorAll(sel)) {
    if (e.offsetParent === null || !(e.textContent || "").trim()) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(e);
    const t = range.getBoundingClientRect();
    let left = r.left, right = r.right;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") {
        const b = a.getBoundingClientRect();
        left = Math.max(left, b.left); right = Math.min(right, b.right);
      }
    }
    const scrolls = e.scrollWidth > e.clientWidth + 1;
    const beyond = t.width > 0 && (t.left < left - 1 || t.right > right + 1);
    if (scrolls || beyond) out.push(e.textContent.trim());
  }
  return out;
}
"""


def cut_texts(page, scope) -> list[str]:
    """Labels, buttons, read-outs and tab titles in ``scope`` (a playwright locator: an app, the dashboard)
    whose text is cut off, measured with every tab of every tab bar in it shown in turn; each bar is
    left on its first tab."""
    scope.scroll_into_view_if_needed()
    found = list(scope.evaluate(CUT_JS))
    bars = scope.locator(".lm-TabBar")
    for i in range(bars.count()):
        tabs = bars.nth(i).locator(".lm-TabBar-tab")
        if tabs.count() < 2 or not tabs.first.is_visible():
            continue
        for j in range(1, tabs.count()):
            tabs.nth(j).click()
            page.wait_for_timeout(150)
            found += scope.evaluate(CUT_JS)
        tabs.first.click()
        page.wait_for_timeout(150)
    return sorted(set(found))
