"""Drive real JupyterLab in headless Debian Chromium with playwright (no downloaded browsers).

Used by the browser tests and by ``make screenshots``-style scripts. Notebooks are copied to a
temporary folder first, so the lab's autosave never touches the repository's files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ROOT = Path(__file__).resolve().parent.parent


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """A server process on loopback with its own Jupyter folders, stopped and cleaned up by stop()."""

    name = "server"

    def _start(self, cmd: list[str], cwd: Path | None = None, extra_env: dict | None = None) -> None:
        env = dict(os.environ)
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                         ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")]:
            env[var] = str(self.tmp / sub)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        env.update(extra_env or {})
        self.log = open(self.tmp / "server.log", "w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=str(cwd) if cwd else None)

    def _wait_ready(self, ready, timeout: float = 60.0) -> None:
        """Poll ``ready()`` until it returns True; fail with the server's log if it exits or times out."""
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n" + (self.tmp / "server.log").read_text()[-3000:])
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n"
                           + (self.tmp / "server.log").read_text()[-3000:])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


class LabServer(_Server):
    """A JupyterLab server on loopback serving a temporary copy of notebooks/."""

    name = "JupyterLab"

    def __init__(self, notebooks: list[Path] | None = None):
        self.tmp = Path(tempfile.mkdtemp(prefix="fundlib-lab-"))
        self.root = self.tmp / "notebooks"
        self.root.mkdir()
        for nb in notebooks or sorted((ROOT / "notebooks").glob("*.ipynb")):
            shutil.copy(nb, self.root / nb.name)
        self.port = free_port()
        self.token = hashlib.sha1(os.urandom(16)).hexdigest()
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip", "127.0.0.1", "--port", str(self.port),
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--ServerApp.open_browser=False", "--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self._start(cmd)
        status = f"http://127.0.0.1:{self.port}/api/status?token={self.token}"

        def ready():
            with urllib.request.urlopen(status, timeout=2) as r:
                return r.status == 200

        self._wait_ready(ready)

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?token={self.token}&reset"


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def open_and_run_all(page, lab: LabServer, notebook: str, timeout_ms: int = 60_000) -> None:
    """Open a notebook, wait for an idle kernel, Run All Cells, and wait until every cell has run."""
    page.goto(lab.url(notebook))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout_ms)
    # Drive the lab's own command registry (exposed with --LabApp.expose_app_in_browser): no menu
    # clicks that a pop-up could intercept, and no racing the kernel's start-up.
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=timeout_ms)
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.context.ready;
        await panel.sessionContext.ready;
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }""")
    try:
        _wait_all_run(page, timeout_ms)
    except Exception:
        (ROOT / "tests" / "artifacts").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / f"FAILED_run_all_{notebook}.png"), full_page=True)
        prompts = [e.text_content() for e in page.query_selector_all(".jp-CodeCell .jp-InputPrompt")]
        raise AssertionError(f"{notebook}: not every cell ran; prompts {prompts}") from None
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout_ms)


def _wait_all_run(page, timeout_ms):
    """Every code cell has an execution count, read from the notebook's model (a cell whose input is
    collapsed shows no prompt, so the prompts alone cannot tell)."""
    page.wait_for_function(
        """() => {
            const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget
                       && window.jupyterapp.shell.currentWidget.content;
            if (!nb || !nb.widgets) return false;
            const code = nb.widgets.filter(w => w.model.type === 'code');
            // a queued or running cell shows [*] in its prompt node even when the input is collapsed
            const busy = code.some(w => /\\[\\*\\]/.test((w.node.querySelector('.jp-InputPrompt') || {}).textContent || ''));
            return code.length > 0 && !busy && code.every(w => w.model.executionCount !== null);
        }""",
        timeout=timeout_ms,
    )


def error_outputs(page) -> list[str]:
    """Texts of error or stderr outputs, and of any app input-problem box, in the open notebook."""
    sel = (".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
           ".jp-OutputArea-output.jp-mod-error, .fundlib-error")
    texts = [e.inner_text() for e in page.query_selector_all(sel)]
    return [t for t in texts if "Kernel is running over TCP" not in t]


def shot_hash(element) -> str:
    """Hash of an element's screenshot: changes when the chart is redrawn differently."""
    return hashlib.sha256(element.screenshot()).hexdigest()


def nudge_slider(page, slider, presses: int = 2, key: str = "ArrowRight") -> None:
    """Focus a widget slider's handle and move it with the keyboard (each press is one step)."""
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(presses):
        handle.press(key)
        page.wait_for_timeout(150)


HANG_GUARD_MS = 20_000   # a chart that has not repainted 20 s after a key press is frozen, not slow


def repaint_ms(page, app, control, presses: int = 20, guard_ms: int = HANG_GUARD_MS) -> list[float]:
    """Key press -> one of the app's charts repainted, in ms, for ``presses`` presses that alternate
    right and left (so a slider at either end still moves); -1 for a press after which no chart
    changed within ``guard_ms``. The browser tests use it as a hang guard, ``make bench`` for timing.
    ``control`` is a slider, or a row of toggle buttons (an app with no slider): then each press
    clicks the second button and the first in turn."""
    buttons = control.locator(".widget-toggle-button").all() if not control.locator(".noUi-handle").count() else None
    if buttons is None:
        nudge_slider(page, control, presses=1, key="ArrowLeft")   # focus the handle (and one move)
    else:
        buttons[0].click()                                      # start from the first option
    page.wait_for_timeout(800)
    charts = app.locator(".vega-embed")
    snap = """els => els.map(el => { const c = el.querySelector('canvas'), s = el.querySelector('svg');
                                     return c ? c.toDataURL() : (s ? s.outerHTML : ''); }).join('|')"""
    times = []
    for i in range(presses):
        charts.evaluate_all(f"els => {{ window.__fundlib_t0 = performance.now(); window.__fundlib_img = ({snap})(els); }}")
        if buttons is None:
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        else:
            buttons[1 if i % 2 == 0 else 0].click()
        ms = charts.evaluate_all(f"""els => new Promise((resolve) => {{
            const tick = () => {{
                if (({snap})(els) !== window.__fundlib_img) resolve(performance.now() - window.__fundlib_t0);
                else if (performance.now() - window.__fundlib_t0 > {int(guard_ms)}) resolve(-1);
                else requestAnimationFrame(tick);
            }};
            requestAnimationFrame(tick);
        }})""")
        times.append(ms)
        page.wait_for_timeout(200)
    return times


def chart_slider(page, app, guard_ms: int = HANG_GUARD_MS):
    """The app's first visible slider whose key press repaints one of its charts (an issue size, say,
    leaves a price chart alone), with the app's title; (title, None) if none does."""
    app.scroll_into_view_if_needed()
    title = app.locator("h3").first.text_content()
    for sl in [sl for sl in app.locator(".widget-slider").all() if sl.is_visible()]:
        if repaint_ms(page, app, sl, presses=1, guard_ms=guard_ms)[0] >= 0:
            return title, sl
    return title, None


def chart_control(page, app, guard_ms: int = HANG_GUARD_MS):
    """:func:`chart_slider`, or for an app with no slider that repaints a chart its first row of
    toggle buttons that does (03's curves: the curve method); (title, None) if neither does."""
    title, control = chart_slider(page, app, guard_ms)
    if control is not None:
        return title, control
    for row in [r for r in app.locator(".widget-toggle-buttons").all() if r.is_visible()]:
        if row.locator(".widget-toggle-button").count() >= 2 and repaint_ms(page, app, row, presses=1, guard_ms=guard_ms)[0] >= 0:
            return title, row
    return title, None


def wait_changed(page, getter, before, timeout: float = 20.0):
    end = time.time() + timeout
    while time.time() < end:
        now = getter()
        if now != before:
            return now
        page.wait_for_timeout(200)
    return getter()


class VoilaServer(_Server):
    """A Voilà server on loopback rendering one notebook (the dashboard)."""

    name = "Voila"

    def __init__(self, notebook: Path):
        self.tmp = Path(tempfile.mkdtemp(prefix="fundlib-voila-"))
        self.port = free_port()
        self._start([sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={self.port}",
                     "--Voila.ip=127.0.0.1", "--template=fundlib"], cwd=notebook.parent,
                    extra_env={"JUPYTER_PATH": str(ROOT / "app" / "jupyter")})

        def ready():
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True

        self._wait_ready(ready)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"
