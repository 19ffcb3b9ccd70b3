"""The chart widget every app uses (notebooks 00–07 and the dashboard): Altair's ``JupyterChart`` with its
offline Vega bundle compiled once per page instead of once per chart.

Why. Offline, every ``alt.JupyterChart`` carries the whole Vega bundle (about 0.9 MB of JavaScript) as
its anywidget module. The browser compiles each copy separately, one after another on the page's one
thread, and anywidget gives each model two seconds from its creation to load its module: on a page with
eleven charts (the dashboard) the last ones miss that deadline on a busy machine — the page then logs
"[anywidget] Failed to initialize model." and the model drops the messages that update its chart.

Here the module is a loader of a few lines that loads at once; it compiles the bundle (sent as a
trait) on first use and shares the compiled module with every chart on the page through a promise
keyed by the bundle's hash (a failed compile is forgotten, so the next chart tries again). Rendering
waits for the compile; the model's deadline no longer depends on it. The bundle still travels with
each chart, as before. :func:`enable_offline_charts` registers the ``fundlib`` Altair renderer, so charts displayed directly in a
cell use the same widget.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import altair as alt
import traitlets

__all__ = ["Chart", "enable_offline_charts"]

LOADER = """
// fundlib: compile Altair's offline Vega bundle once per page and share it between charts.
const shared = (globalThis.__fundlibVegaBundles ??= new Map());

function bundle(model) {
  const key = model.get("_vega_key");
  let mod = shared.get(key);
  if (!mod) {
    const url = URL.createObjectURL(new Blob([model.get("_vega_bundle")], { type: "text/javascript" }));
    mod = import(/* webpackIgnore: true */ url).finally(() => URL.revokeObjectURL(url));
    mod.catch(() => shared.delete(key));   // a failed compile is not kept: the next render tries again
    shared.set(key, mod);
  }
  return mod;
}

export default {
  async render(context) {
    const mod = await bundle(context.model);
    return mod.default.render(context);
  },
};
"""


@lru_cache(maxsize=1)
def _bundle() -> tuple[str, str]:
    """(Altair's offline module, its hash): vl-convert's bundle, as ``enable_offline`` builds it."""
    alt.JupyterChart.enable_offline()
    src = alt.JupyterChart._esm
    return src, hashlib.sha256(src.encode()).hexdigest()[:16]


class Chart(alt.JupyterChart):
    """``alt.JupyterChart`` with a small loader as its module and the offline bundle as a trait."""

    _esm = LOADER
    _is_offline = True
    _vega_bundle = traitlets.Unicode("").tag(sync=True)
    _vega_key = traitlets.Unicode("").tag(sync=True)

    def __init__(self, chart, **kwargs):
        src, key = _bundle()
        super().__init__(chart, _vega_bundle=src, _vega_key=key, **kwargs)

    @classmethod
    def enable_offline(cls, offline: bool = True):
        """Always offline: the module stays the loader (Altair's own ``enable_offline`` would replace
        it with the bundle); ``offline=False`` is refused."""
        if not offline:
            raise ValueError("fundlib.apps.Chart is always offline; use alt.JupyterChart for the online widget")


def _renderer(spec: dict, **metadata):
    """Altair's ``jupyter`` renderer (offline), with :class:`Chart`."""
    return Chart(alt.Chart.from_dict(spec), embed_options=metadata.get("embed_options"))._repr_mimebundle_()


def enable_offline_charts() -> None:
    """Register and enable the ``fundlib`` renderer (offline charts through :class:`Chart`)."""
    _bundle()
    alt.renderers.register("fundlib", _renderer)
    alt.renderers.enable("fundlib")
