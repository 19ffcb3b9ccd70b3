"""``make data``: download the official files, check them, rebuild data/rates_monthly.csv. Tested
offline against a loopback HTTP server serving small fixtures in each publisher's format."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest

from fundlib import InputError

from fundlib import data as D
from fundlib import refresh as R
from fundlib.data import DataError

ROOT = Path(__file__).resolve().parent.parent
FRED_IDS = ("DGS3MO", "DGS1", "DGS2", "DGS5", "DGS7", "DGS10", "DGS20", "DGS30")


def _write_fixtures(www: Path) -> None:
    www.mkdir()
    header = "国債金利情報,,(単位 : %)\r\n基準日," + ",".join(f"{t}年" for t in D.JGB_TENORS) + "\r\n"
    rows = [("R7.11.28", 3.30), ("R7.12.26", 3.36), ("R7.12.30", 3.40)]   # the MoF's year ends on the 30th
    body = "".join(f"{d}," + ",".join([f"{v:.3f}"] * len(D.JGB_TENORS)) + "\r\n" for d, v in rows)
    (www / "jgbcm_all.csv").write_bytes((header + body).encode("cp932"))
    for sid in FRED_IDS:
        (www / f"{sid}.csv").write_text(f"observation_date,{sid}\n2025-11-28,4.5\n2025-12-31,4.6\n")
    (www / "SOFR.csv").write_text("observation_date,SOFR\n2025-11-28,4.0\n2025-12-31,3.9\n")
    (www / "DEXJPUS.csv").write_text("observation_date,DEXJPUS\n2025-11-28,156.2\n2025-12-25,.\n2025-12-31,157.0\n")


@pytest.fixture
def site(tmp_path):
    www = tmp_path / "www"
    _write_fixtures(www)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    # the same files as the official sources, served from loopback: FRED's ?id=SERIES becomes SERIES.csv
    sources = {rel: f"{base}/" + (url.split("id=")[1] + ".csv" if "id=" in url else url.rsplit("/", 1)[1])
               for rel, url in R.SOURCES.items()}
    yield www, sources
    server.shutdown()
    server.server_close()


@pytest.fixture
def table(tmp_path):
    out = tmp_path / "data" / "rates_monthly.csv"
    out.parent.mkdir()
    shutil.copyfile(ROOT / "data" / "rates_monthly.csv", out)
    return out


def test_the_sources_are_the_official_files():
    assert R.SOURCES["jgb_mof/jgbcm_all.csv"] == "https://www.mof.go.jp/jgbs/reference/interest_rate/data/jgbcm_all.csv"
    assert R.SOURCES["ust_cmt/DGS30.csv"] == "https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS30"
    readme = (ROOT / "data" / "README.md").read_text()
    assert "make data" in readme and "jgbcm_all.csv" in readme


def test_refresh_rebuilds_from_the_downloads_and_keeps_the_rest(site, table):
    _, sources = site
    before = D.load_rates_monthly(table)
    R.refresh(table, sources)
    after = D.load_rates_monthly(table)
    # December counts: the MoF's last date of 2025 is the 30th, a complete Japanese month
    assert after.loc["2025-12", "jgb_30y"] == pytest.approx(0.034, abs=1e-12)
    assert after.loc["2025-12", "ust_30y"] == pytest.approx(0.046) and after.loc["2025-12", "usdjpy"] == 157.0
    # what the downloads do not cover keeps its values: older months and the TONA column
    assert after.loc["2016-07"].equals(before.loc["2016-07"])
    pd.testing.assert_series_equal(after["tona"], before["tona"])
    assert list(after.columns) == list(before.columns) and after.index.equals(before.index)


@pytest.mark.parametrize("file,text,match", [
    ("DGS10.csv", "observation_date,DGS10\n2025-11-28,4.5\n2025-12-31,abc\n", r"ust_cmt/DGS10.csv: FRED file, row 3: value 'abc'"),
    ("SOFR.csv", "observation_date,SOFR\n2025-11-28,4.0\n2025-12-31,390\n", r"sofr/SOFR.csv: row 3: SOFR = 390 .* outside \[-5, 25\]"),
    ("DEXJPUS.csv", "observation_date,DEXJPUS\n11/28/2025,156.2\n", r"usdjpy/DEXJPUS_fred.csv: FRED file, row 2: date '11/28/2025'"),
    ("jgbcm_all.csv", None, r"jgb_mof/jgbcm_all.csv: MoF JGB file, row 4: .* is neither a Japanese era date"),
])
def test_a_corrupt_file_is_refused_naming_file_and_row_and_nothing_is_overwritten(site, table, file, text, match):
    www, sources = site
    if text is None:
        (www / file).write_bytes((www / file).read_bytes().replace(b"R7.12.26", b"X7.12.26"))
    else:
        (www / file).write_text(text)
    before = table.read_bytes()
    with pytest.raises(DataError, match=match):
        R.refresh(table, sources)
    assert table.read_bytes() == before and not table.with_suffix(".csv.new").exists()


def test_an_unreachable_source_is_named_and_nothing_is_overwritten(site, table):
    _, sources = site
    sources = dict(sources, **{"sofr/SOFR.csv": sources["sofr/SOFR.csv"].replace("SOFR.csv", "missing.csv")})
    before = table.read_bytes()
    with pytest.raises(DataError, match=r"sofr/SOFR.csv: could not download http://127.0.0.1:\d+/missing.csv"):
        R.refresh(table, sources)
    assert table.read_bytes() == before


def test_month_end_follows_each_markets_year_end():
    s = pd.Series([1.0, 2.0], index=pd.to_datetime(["2025-12-29", "2025-12-30"]))
    assert list(D.month_end(s, calendar="JP").index.astype(str)) == ["2025-12"]     # the MoF's last day
    assert D.month_end(s, calendar="US").empty                                        # the 31st is a US business day
    with pytest.raises(InputError, match="calendar = 'UK'"):
        D.month_end(s, calendar="UK")
