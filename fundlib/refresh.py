"""Refreshing ``data/rates_monthly.csv`` from the publishers: run by ``make data``, never by a notebook.
Downloads the official files, checks each, rebuilds the table, writes it only if every check passes.

Nothing in the notebooks touches the network; this runs only when a user asks for it. Files the
publishers do not serve as a plain download (the Bank of Japan's TONA series, the MoF's daily
10- and 20-year extension) are kept from the current table: their columns carry over unchanged.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

from fundlib import data as D
from fundlib._validate import InputError, check_mapping, check_path, check_range
from fundlib.data import DataError

__all__ = ["FRED", "SOURCES", "download", "refresh"]

FRED = "https://fred.stlouisfed.org/graph/fredgraph.csv?id="
SOURCES = {  # where the file goes in the raw layout of fundlib.data.build_rates_monthly -> official URL
    "jgb_mof/jgbcm_all.csv": "https://www.mof.go.jp/jgbs/reference/interest_rate/data/jgbcm_all.csv",
    **{f"ust_cmt/{s}.csv": FRED + s for s in ("DGS3MO", "DGS1", "DGS2", "DGS5", "DGS7", "DGS10", "DGS20", "DGS30")},
    "sofr/SOFR.csv": FRED + "SOFR",
    "usdjpy/DEXJPUS_fred.csv": FRED + "DEXJPUS",
}
# Plausible ranges, in the units the publishers use (percent; yen per dollar).
_RANGES = {"jgb_mof": (-5.0, 25.0), "ust_cmt": (-5.0, 25.0), "sofr": (-5.0, 25.0), "usdjpy": (50.0, 400.0)}


def _sources(sources) -> dict:
    if sources is None:
        return dict(SOURCES)
    sources = check_mapping("sources", sources, "a dict mapping a file's place in the raw layout to its URL")
    for rel, url in sources.items():
        if rel not in SOURCES or not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise InputError("sources", f"{rel!r}: {url!r}", "keys from fundlib.refresh.SOURCES, each with an http(s) URL")
    return sources


def download(dest: str | Path, sources: dict | None = None, timeout: float = 60.0) -> list[Path]:
    """Download every source into ``dest`` (the raw layout). Raises DataError naming the URL that failed."""
    dest = check_path("dest", dest, must_exist=False)
    sources = _sources(sources)
    check_range("timeout", timeout, 0.0, 600.0, low_open=True)
    got = []
    for rel, url in sources.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - official https URLs, or a test's loopback
                path.write_bytes(r.read())
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DataError(f"{rel}: could not download {url} ({exc})") from None
        got.append(path)
    return got


def _check(path: Path, rel: str) -> None:
    """Parse one downloaded file and check its values' range; DataError names the file and the row."""
    lo, hi = _RANGES[rel.split("/")[0]]
    try:
        if rel.startswith("jgb_mof/"):
            df = D.parse_mof_jgb_csv(path)
            offset = 3          # title row and header row, 1-based
            values = df.to_numpy(float)
            bad = np.argwhere(np.isfinite(values) & ((values < lo) | (values > hi)))
            if bad.size:
                i, j = bad[0]
                raise DataError(f"row {i + offset}: {df.columns[j]}Y = {values[i, j]:g} is outside [{lo:g}, {hi:g}]")
        else:
            s = D.parse_fred_csv(path)
            v = s.to_numpy(float)
            bad = np.flatnonzero(np.isfinite(v) & ((v < lo) | (v > hi)))
            if bad.size:
                i = int(bad[0])
                raise DataError(f"row {i + 2}: {s.name} = {v[i]:g} on {s.index[i].date()} is outside [{lo:g}, {hi:g}]")
    except DataError as exc:
        raise DataError(f"{rel}: {exc}") from None


def refresh(out: str | Path | None = None, sources: dict | None = None, timeout: float = 60.0) -> pd.DataFrame:
    """Download, check and rebuild ``data/rates_monthly.csv`` (or ``out``). Returns the new table.

    Every downloaded file is parsed and range-checked first, then the rebuilt table passes the same
    schema check the suite applies on load. Only then is ``out`` replaced (atomically); on any error
    a :class:`DataError` names the file and the row, and ``out`` is left as it was.
    """
    out = D.data_dir() / "rates_monthly.csv" if out is None else check_path("out", out, must_exist=False)
    sources = _sources(sources)
    check_range("timeout", timeout, 0.0, 600.0, low_open=True)
    keep = D.load_rates_monthly(out) if out.exists() else None
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        files = download(raw, sources, timeout)
        for path in files:
            _check(path, path.relative_to(raw).as_posix())
        table = D.build_rates_monthly(raw, keep=keep)
        staged = Path(tmp) / "rates_monthly.csv"
        table.to_csv(staged, index=False, float_format="%.6g")
        D.load_rates_monthly(staged)            # the suite's own schema check, on the whole new table
        final = out.with_suffix(".csv.new")
        shutil.copyfile(staged, final)
        os.replace(final, out)
    D.clear_caches()
    return table


def main() -> int:
    """``python -m fundlib.refresh`` (``make data``): refresh the table and say what changed."""
    import sys

    out = D.data_dir() / "rates_monthly.csv"
    try:
        table = refresh(out)
    except DataError as exc:
        print(f"make data: refused, nothing was overwritten: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}: {len(table)} months, {table['month'].iloc[0]} .. {table['month'].iloc[-1]}")
    from fundlib.market import Market

    print(f"the market snapshot is now month-end {Market.latest().as_of}; update the market rows of "
          "data/assumptions.csv to that month (a test checks them)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
