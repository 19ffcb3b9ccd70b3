"""Build the offline static site: every notebook executed and rendered to HTML, charts drawn by a
bundled copy of Vega (no network), client-side sliders working without a kernel, and an index.

    python scripts/build_site.py [OUT_DIR]        (make html: OUT_DIR = site/)

Notebooks run with FUNDLIB_STATIC=1, so charts leave the kernel as Vega-Lite JSON and each app as a
snapshot of its default state; this script turns those into HTML. Nothing is fetched from the network.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
from pathlib import Path

import mistune
from latex2mathml.converter import convert as latex_to_mathml
import nbformat
import vl_convert as vlc
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
APP_MIMETYPE = "application/vnd.fundlib.app+json"

CSS = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1100px; margin: 0 auto; padding: 1rem 2rem;
       color: #222; line-height: 1.5; }
nav { font-size: 0.9rem; margin-bottom: 1rem; } nav a { margin-right: 0.8rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.92rem; }
th, td { padding: 2px 10px; border-bottom: 1px solid #e6e6e6; text-align: right; }
th:first-child, td:first-child { text-align: left; }
pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; white-space: pre-wrap; }
details.code summary { cursor: pointer; color: #555; font-size: 0.85rem; }
.app { border: 1px solid #ccc; border-left: 4px solid #0072B2; padding: 0.6rem 1rem; margin: 1rem 0; background: #fbfbfb; }
.app .note { color: #555; font-size: 0.88rem; }
.chart { margin: 0.8rem 0; }
.card { border: 1px solid #ddd; padding: 0.6rem 1rem; margin: 0.6rem 0; }
.formula { margin: 0.8rem 0; overflow-x: auto; } math { font-size: 1.1rem; }
details.answers, details { margin: 0.5rem 0; } details > summary { cursor: pointer; }
"""


def _markdown() -> mistune.Markdown:
    return mistune.create_markdown(plugins=["table", "strikethrough"], escape=False)


class Page:
    def __init__(self):
        self.parts: list[str] = []
        self.n_charts = 0

    def chart(self, spec: dict) -> None:
        self.n_charts += 1
        cid = f"chart-{self.n_charts}"
        self.parts.append(f'<div class="chart" id="{cid}"></div>\n<script>vegaEmbed("#{cid}", '
                          f'{json.dumps(spec)}, {{"actions": false}}).catch(console.error);</script>')

    def app(self, snap: dict) -> None:
        inputs = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in snap["inputs"])
        self.parts.append(f'<div class="app">{snap["title_html"]}<p class="note">A snapshot at the default inputs. '
                          "Open the notebook in JupyterLab to move these sliders; the charts marked "
                          "<i>works without a kernel</i> respond right here.</p>"
                          f'<details><summary>Inputs</summary><table>{inputs}</table></details>'
                          f'{snap["message_html"]}{snap["numbers_html"]}')
        for spec in snap["charts"]:
            self.chart(spec)
        self.parts.append("</div>")

    def output(self, out) -> None:
        kind = out.get("output_type")
        if kind == "stream":
            self.parts.append(f"<pre>{html.escape(out.get('text', ''))}</pre>")
            return
        if kind == "error":
            self.parts.append(f"<pre>{html.escape(out.get('ename', ''))}: {html.escape(out.get('evalue', ''))}</pre>")
            return
        data = out.get("data", {})
        if APP_MIMETYPE in data:
            self.app(data[APP_MIMETYPE])
        elif "application/json" in data and "vega-lite" in str(data["application/json"].get("$schema", "")):
            self.chart(data["application/json"])
        elif "text/html" in data:
            self.parts.append(data["text/html"])
        elif "text/plain" in data:
            self.parts.append(f"<pre>{html.escape(data['text/plain'])}</pre>")


def plain_dollars(text: str) -> str:
    """Notebook markdown writes a dollar as ``\\\\$`` (MathJax's escape, so JupyterLab never typesets a
    pair of them as LaTeX); this page has no MathJax, so it shows a plain ``$``."""
    return re.sub(r"\\\\+\$", "$", text)


FORMULA = re.compile(r"^\$\$\n(.+?)\n\$\$$", re.S | re.M)


def markdown_with_maths(source: str, md=None) -> str:
    """A markdown cell as HTML, each displayed formula (``$$`` on its own line, LaTeX, ``$$``) turned into
    MathML, which the browser typesets itself: the page needs no MathJax and no network."""
    md = md or _markdown()
    maths: list[str] = []

    def hold(m):
        maths.append(latex_to_mathml(m.group(1), display="block"))
        return f"\n\nFORMULA{len(maths) - 1}ENDFORMULA\n\n"

    out = md(FORMULA.sub(hold, plain_dollars(source)))
    for k, mml in enumerate(maths):
        out = re.sub(rf"(<p>)?FORMULA{k}ENDFORMULA(</p>)?", lambda _m, x=mml: f'<div class="formula">{x}</div>', out)
    return out


def render(nb, title: str, nav: str) -> tuple[str, int]:
    md = _markdown()
    page = Page()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            page.parts.append(markdown_with_maths(cell.source, md))
        elif cell.cell_type == "code":
            src = re.sub(r"^# NBVAL_CHECK_OUTPUT\n", "", cell.source)
            page.parts.append(f'<details class="code"><summary>Code</summary><pre>{html.escape(src)}</pre></details>')
            hidden = cell.metadata.get("jupyter", {}).get("outputs_hidden", False)
            if hidden:   # collapsed in the notebook too (the numbers the answers quote): open on request
                page.parts.append('<details class="code hidden-output"><summary>Output (collapsed: the numbers '
                                  'the answers below quote; open after trying the exercises)</summary>')
            for out in cell.get("outputs", []):
                page.output(out)
            if hidden:
                page.parts.append("</details>")
    body = "\n".join(page.parts)
    doc = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
           f'<link rel="stylesheet" href="assets/style.css"><script src="assets/vega-embed.js"></script></head>'
           f"<body><nav>{nav}</nav>{body}</body></html>")
    return doc, page.n_charts


def title_of(nb) -> str:
    for c in nb.cells:
        if c.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", c.source, re.M)
            if m:
                return re.sub(r"<!--.*?-->", "", plain_dollars(m.group(1))).strip()
    return "notebook"


def build(out: Path, notebooks: list[Path]) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    assets = out / "assets"
    assets.mkdir(exist_ok=True)
    (assets / "vega-embed.js").write_text(vlc.javascript_bundle())
    (assets / "style.css").write_text(CSS)
    os.environ["FUNDLIB_STATIC"] = "1"
    loaded = [(p, nbformat.read(p, as_version=4)) for p in notebooks]
    nav = '<a href="index.html">Index</a>' + "".join(
        f'<a href="{p.stem}.html">{p.stem[:2]}</a>' for p, _ in loaded)
    pages = []
    for path, nb in loaded:
        # a loopback kernel: its "running over TCP without encryption" notice is not for a site build
        NotebookClient(nb, timeout=600, kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"],
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        title = title_of(nb)
        doc, n = render(nb, title, nav)
        (out / f"{path.stem}.html").write_text(doc)
        pages.append({"file": f"{path.stem}.html", "title": title, "charts": n})
        print(f"{path.name}: {n} charts")
    cards = "".join(f'<div class="card"><a href="{p["file"]}"><b>{html.escape(p["title"])}</b></a> '
                    f'<span style="color:#666">({p["charts"]} charts)</span></div>' for p in pages)
    (out / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The US–Japan fund, in numbers you can move</title>'
        '<link rel="stylesheet" href="assets/style.css"></head><body>'
        "<h1>The US–Japan sovereign wealth fund, in numbers you can move</h1>"
        "<p>Static pages of the suite's notebooks: every number and chart as computed at the defaults. "
        "Charts marked <i>works without a kernel</i> keep their sliders here; for the full apps run "
        "<code>make lab</code>.</p>" + cards + "</body></html>")
    return pages


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "site"
    if out.exists():
        shutil.rmtree(out)
    build(out, sorted((ROOT / "notebooks").glob("*.ipynb")))
    print(f"wrote {out}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
