"""The Export to Excel button and the CSV download of every table, on every app of notebooks 00–07
and on the dashboard: files are written under ``exports/`` and offered as download links.

The link carries the file itself (a ``data:`` URL), so it works the same in JupyterLab, in Voilà
and in a notebook opened from a copied folder, with no file server route and no network.
"""

from __future__ import annotations

import base64
import html
import re
import traceback
from pathlib import Path
from typing import Callable

import ipywidgets as widgets
import pandas as pd

from fundlib._validate import InputError

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_DIR = Path("exports")
LINK_STYLE = "color:#0072B2;text-decoration:underline;cursor:pointer;margin-right:10px"   # reads as a link


def slug(text: str) -> str:
    """A file name from a title: 'Who gets paid: owning…' → 'who_gets_paid_owning'."""
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s[:40].rstrip("_") or "fundlib"


def download_link(data: bytes, filename: str, mime: str, label: str | None = None) -> str:
    """An HTML link that downloads ``data`` as ``filename`` (the bytes travel inside the link)."""
    b64 = base64.b64encode(data).decode("ascii")
    kb = max(1, round(len(data) / 1024))
    text = html.escape(label or filename)
    return (f"<span style='white-space:nowrap'><a class='fundlib-download' download='{html.escape(filename)}' "
            f"href='data:{mime};base64,{b64}' style='{LINK_STYLE}'>{text}</a> <span style='color:#666'>({kb} KB)</span></span>")


def table_csv(df: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV (with a byte-order mark, so spreadsheet programs read ¥ and − right)."""
    index = df.index.name is not None or not isinstance(df.index, pd.RangeIndex)
    return df.to_csv(index=index).encode("utf-8-sig")


class ExportBar(widgets.VBox):
    """Two buttons and the links they produce. ``scenario()`` returns the keyword arguments of
    :func:`fundlib.export.to_excel` for what the app shows (with its ``screen``: controls, tables and
    Monte Carlo run); ``tables()`` the tables it shows, as numbers with units in the headers."""

    def __init__(self, name: str, scenario: Callable[[], dict], tables: Callable[[], list]):
        self.name = slug(name)
        self.scenario = scenario
        self.tables = tables
        self.excel = widgets.Button(description="Export to Excel", icon="file-excel-o",
                                    tooltip="A workbook of this scenario whose formulas recompute to these numbers",
                                    layout=widgets.Layout(width="auto"))
        self.csv = widgets.Button(description="Tables as CSV", icon="table",
                                  tooltip="Each table shown here as a CSV file", layout=widgets.Layout(width="auto"))
        self.links = widgets.HTML(layout=widgets.Layout(margin="0 0 0 6px", max_width="420px"))
        self.excel.on_click(lambda _b: self.export_excel())
        self.csv.on_click(lambda _b: self.export_csv())
        super().__init__([widgets.HBox([self.excel, self.csv]), self.links],
                         layout=widgets.Layout(align_items="flex-end", flex="0 0 auto"))   # never squeezed: "ort to Excel"
        self.add_class("fundlib-export")

    def clear(self) -> None:
        """Take the links down: called on every move of an input, so a link on screen always holds the
        scenario the screen shows (press a button again for a file of the new one)."""
        self.links.value = ""

    def export_excel(self) -> Path | None:
        """Write ``exports/<app>.xlsx`` and show its download link; returns the path."""
        from fundlib import export

        try:
            EXPORT_DIR.mkdir(exist_ok=True)
            path = export.to_excel(EXPORT_DIR / f"{self.name}.xlsx", **self.scenario())
        except InputError as exc:
            self.links.value = f"<span style='color:#D55E00'>Not exported: {html.escape(str(exc))}</span>"
            return None
        except Exception as exc:  # noqa: BLE001 - shown to the reader, never swallowed
            self.links.value = f"<span style='color:#D55E00'>Not exported: {html.escape(repr(exc))}</span>"
            traceback.print_exc()
            return None
        self.links.value = download_link(Path(path).read_bytes(), Path(path).name, XLSX_MIME,
                                         "Download the workbook (.xlsx)")
        return Path(path)

    def export_csv(self) -> list[Path]:
        """Write ``exports/<app>_<table>.csv`` for the controls, every table shown and the Monte Carlo
        run (its summary over every scenario, and the scenarios up to ``fundlib.export.RUN_ROWS``);
        show their links."""
        from fundlib.export import RUN_ROWS

        EXPORT_DIR.mkdir(exist_ok=True)
        screen = self.scenario().get("screen")
        files = [(caption, slug(caption), df) for caption, df in self.tables()]
        if screen is not None:
            files.insert(0, ("Controls as set", "controls", pd.DataFrame(screen.controls, columns=CONTROL_COLUMNS)))
            run = screen.run
            if run is not None:
                summary = run.distribution()
                k = min(len(run.draws), RUN_ROWS)
                listed = run.draws.iloc[:k].copy()
                listed.index = pd.RangeIndex(1, k + 1, name="scenario")
                files += [(f"Monte Carlo run: summary of all {run.count:,} scenarios (seed {run.seed})", "run_summary", summary),
                          (f"Monte Carlo run: scenarios 1 to {k:,}", "run_scenarios", listed)]
        paths, links = [], []
        for caption, name, df in files:
            data = table_csv(df)
            path = EXPORT_DIR / f"{self.name}_{name}.csv"
            path.write_bytes(data)
            paths.append(path)
            links.append(download_link(data, path.name, "text/csv", caption))
        self.links.value = " ".join(links) if links else "<span style='color:#666'>No table shown.</span>"
        return paths


CONTROL_COLUMNS = ["control", "value", "unit", "as shown", "in the workbook"]
