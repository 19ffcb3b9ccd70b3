"""Parsers of the publishers' own file formats (the MoF JGB file, FRED CSV, the daily close layout)
and month-end sampling; ``fundlib.data`` re-exports them for notebook 03 and ``make data``.

Every parser takes a path or an open file and fails with :class:`fundlib.data.DataError` naming the
file and row when the content is not what the publisher's layout promises.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from fundlib._validate import DataError, InputError, check_choice, check_instance, check_path, check_str

__all__ = ["japanese_era_to_date", "parse_mof_jgb_csv", "parse_fred_csv", "parse_daily_close_csv", "month_end"]


_ERAS = {"M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}
_ERA_RE = re.compile(r"^\s*([MTSHR])\s*(\d{1,2})\.(\d{1,2})\.(\d{1,2})\s*$")


def japanese_era_to_date(text: str) -> pd.Timestamp:
    """'R8.2.27' → 2026-02-27 (M=Meiji, T=Taisho, S=Showa, H=Heisei, R=Reiwa); also accepts 'YYYY/M/D'."""
    check_str("text", text)
    m = _ERA_RE.match(text)
    if m:
        era, y, mo, d = m.groups()
        try:
            return pd.Timestamp(year=_ERAS[era] + int(y), month=int(mo), day=int(d))
        except ValueError:
            raise DataError(f"date {text!r} names no real day") from None
    m = re.match(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\s*$", text)
    if m:
        try:
            return pd.Timestamp(year=int(m[1]), month=int(m[2]), day=int(m[3]))
        except ValueError:
            raise DataError(f"date {text!r} names no real day") from None
    raise DataError(f"date {text!r} is neither a Japanese era date (e.g. R8.2.27) nor YYYY/M/D")


def _source(source):
    """An open file, or the path of an existing file (TypeError / FileNotFoundError otherwise)."""
    if hasattr(source, "read"):
        return source
    path = check_path("source", source)
    if path.is_dir():
        raise DataError(f"{path}: a folder, not a file")
    return path


def _csv(source, **kw) -> pd.DataFrame:
    src = _source(source)
    try:
        return pd.read_csv(src, **kw)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{getattr(src, 'name', 'file')}: not a readable CSV ({str(exc).splitlines()[0]})") from None


def _as_text(source, encoding: str | None) -> str:
    if encoding is not None:
        check_str("encoding", encoding)
    src = _source(source)
    raw = src.read() if hasattr(src, "read") else src.read_bytes()
    if isinstance(raw, str):
        return raw
    encodings = [encoding] if encoding else ["utf-8-sig", "cp932"]
    for enc in encodings:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
        except LookupError:
            raise InputError("encoding", enc, "a text encoding Python knows, e.g. 'cp932' or 'utf-8'") from None
    raise DataError(f"cannot decode the file as {' or '.join(encodings)}")


def parse_mof_jgb_csv(source, encoding: str | None = None) -> pd.DataFrame:
    """Parse the MoF JGB constant-maturity file (Japanese or English edition).

    Handles the Shift-JIS (cp932) original with its title row ``国債金利情報,…``, UTF-8 copies
    without it, the English ``Interest Rate``/``Date,1Y,…`` layout, Japanese era dates, and ``-``
    for missing values. Returns percent values, one column per tenor in years (int), indexed by date.
    """
    text = _as_text(source, encoding)
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines[:5]) if ln.startswith(("基準日", "Date"))), None)
    if start is None:
        raise DataError("MoF JGB file: no header row starting with 基準日 or Date in the first 5 lines")
    df = pd.read_csv(io.StringIO("\n".join(lines[start:])), dtype=str, keep_default_na=False)
    tenor_cols = {}
    for c in df.columns[1:]:
        m = re.fullmatch(r"\s*(\d+)\s*(年|Y)\s*", c)
        if not m:
            raise DataError(f"MoF JGB file: unexpected column {c!r} (expected tenors like 10年 or 10Y)")
        tenor_cols[c] = int(m[1])
    dates = []
    for i, v in enumerate(df.iloc[:, 0]):
        try:
            dates.append(japanese_era_to_date(v))
        except DataError as exc:
            raise DataError(f"MoF JGB file, row {i + start + 2}: {exc}") from None
    out = pd.DataFrame(index=pd.DatetimeIndex(dates, name="date"))
    for c, tenor in tenor_cols.items():
        col = df[c].str.strip().replace({"-": "", "－": ""})
        vals = pd.to_numeric(col.where(col != "", None), errors="coerce")
        bad = vals.isna() & (col != "")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"MoF JGB file, row {row + start + 2}: {c} = {col.iloc[row]!r} is not a number")
        out[tenor] = vals.to_numpy(dtype=float)
    if not out.index.is_monotonic_increasing:
        raise DataError("MoF JGB file: dates are not in increasing order")
    return out


def parse_fred_csv(source) -> pd.Series:
    """Parse a FRED CSV download (``observation_date,SERIES`` or ``DATE,SERIES``); ``.``/blank → NaN."""
    df = _csv(source, dtype=str, keep_default_na=False)
    if df.shape[1] != 2 or df.columns[0].lower() not in ("observation_date", "date"):
        raise DataError(f"FRED file: expected two columns 'observation_date,<SERIES>', found {list(df.columns)}")
    dates = pd.to_datetime(df.iloc[:, 0], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0]) + 2
        raise DataError(f"FRED file, row {row}: date {df.iloc[row - 2, 0]!r} is not YYYY-MM-DD")
    if not dates.is_monotonic_increasing or dates.duplicated().any():
        raise DataError("FRED file: dates are not in increasing order (or repeat)")
    raw = df.iloc[:, 1].str.strip().replace({".": ""})
    vals = pd.to_numeric(raw.where(raw != "", None), errors="coerce")
    bad = (vals.isna() & (raw != "")) | np.isinf(vals)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise DataError(f"FRED file, row {row}: value {raw.iloc[row - 2]!r} is not a number")
    return pd.Series(vals.to_numpy(float), index=pd.DatetimeIndex(dates, name="date"), name=df.columns[1].upper())


def parse_daily_close_csv(source, name: str | None = None) -> pd.Series:
    """Parse the ``DATE,OPEN,HIGH,LOW,CLOSE,VOLUME`` daily layout (DATE as YYYYMMDD); uses CLOSE."""
    if name is not None:
        check_str("name", name)
    df = _csv(source, dtype={"DATE": str})
    if "DATE" not in df or "CLOSE" not in df:
        raise DataError(f"daily file: expected DATE and CLOSE columns, found {list(df.columns)}")
    close = pd.to_numeric(df["CLOSE"], errors="coerce")
    if (close.isna() | np.isinf(close)).any():
        row = int(np.flatnonzero((close.isna() | np.isinf(close)).to_numpy())[0]) + 2
        raise DataError(f"daily file, row {row}: CLOSE {df['CLOSE'].iloc[row - 2]!r} is not a number")
    dates = pd.to_datetime(df["DATE"], format="%Y%m%d", errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0]) + 2
        raise DataError(f"daily file, row {row}: DATE {df['DATE'].iloc[row - 2]!r} is not YYYYMMDD")
    if not dates.is_monotonic_increasing or dates.duplicated().any():
        raise DataError("daily file: dates are not in increasing order (or repeat)")
    return pd.Series(close.to_numpy(float), index=pd.DatetimeIndex(dates, name="date"), name=name)


def _last_business_day(day: pd.Timestamp, calendar: str) -> pd.Timestamp:
    """The last business day of ``day``'s month: a weekday; in Japan (``calendar="JP"``) the year ends
    on 30 December, because the bond market is closed from 31 December to 3 January."""
    last = pd.offsets.BMonthEnd().rollforward(day.normalize())
    if calendar == "JP" and last.month == 12:
        last = min(last, pd.Timestamp(year=last.year, month=12, day=30))
        while last.weekday() >= 5:
            last -= pd.Timedelta(days=1)
    return last


def month_end(series: pd.Series, complete_only: bool = True, calendar: str = "US", how: str = "last") -> pd.Series:
    """Last available observation of each month (``how="last"``) or the average of the month's
    observations (``how="mean"``: for overnight fixings such as SOFR and TONA, where one day's fixing
    carries that day's noise, a month-end repo spike for one), indexed by monthly Period.

    With ``complete_only`` the final month is dropped unless the series reaches that month's last
    business day, so a half-finished month never masquerades as a month-end value. ``calendar``
    ("US" or "JP") says which market's year-end applies: the MoF's and the BoJ's last December
    date is the 30th (or the weekday before), not the 31st.
    """
    check_instance("series", series, pd.Series, "a pandas Series indexed by dates")
    if not isinstance(series.index, pd.DatetimeIndex):
        raise TypeError(f"series must be indexed by dates (a DatetimeIndex); got a {type(series.index).__name__}")
    if not isinstance(complete_only, (bool, np.bool_)):
        raise TypeError(f"complete_only must be True or False; got {type(complete_only).__name__}")
    check_choice("calendar", calendar, ("US", "JP"))
    check_choice("how", how, ("last", "mean"))
    s = series.dropna()
    if s.empty:
        return pd.Series(dtype=float, index=pd.PeriodIndex([], freq="M", name="month"), name=series.name)
    g = s.groupby(s.index.to_period("M"))
    out = g.last() if how == "last" else g.mean()
    out.index.name = "month"
    if complete_only:
        last_day = series.index.max().normalize()
        if last_day < _last_business_day(last_day, calendar):
            out = out.iloc[:-1]
    return out


