"""Loading and validating the suite's ``data/`` tables, and parsing the official source formats.
Used by notebooks 00 and 03 (rates history, curves) and by ``scripts/build_data.py``.

Loaders check every table's schema (columns, types, ranges, sorted unique dates) and fail with a
:class:`DataError` naming the file and the row. Rates are converted from the percent the sources
publish to decimals on load.

The parsers read the publishers' own formats (the MoF ``jgbcm_all.csv`` in Shift-JIS with
Japanese era dates and ``-`` for missing values; FRED CSV; the BoJ/MoF daily pipeline layout) so
that anyone with internet access can download fresh files and rebuild ``rates_monthly.csv`` with
:func:`build_rates_monthly`. Nothing here touches the network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from fundlib._validate import DataError, InputError, check_frame, check_month, check_path
from fundlib.formats import japanese_era_to_date, month_end, parse_daily_close_csv, parse_fred_csv, parse_mof_jgb_csv

__all__ = [
    "DataError",
    "data_dir",
    "load_rates_monthly",
    "load_filp_facts",
    "load_comparators",
    "load_assumptions_table",
    "parse_mof_jgb_csv",
    "parse_fred_csv",
    "parse_daily_close_csv",
    "month_end",
    "build_rates_monthly",
    "JGB_TENORS",
    "UST_TENORS",
]

JGB_TENORS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40)
UST_TENORS = {"3m": 0.25, "1y": 1, "2y": 2, "5y": 5, "7y": 7, "10y": 10, "20y": 20, "30y": 30}


_PROJECT_DATA = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """The folder with the suite's CSV tables (``$FUNDLIB_DATA`` overrides the project's ``data/``)."""
    env = os.environ.get("FUNDLIB_DATA")
    return Path(env) if env else _PROJECT_DATA


# --------------------------------------------------------------------------- schema checks


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "float", "text", "month"
    low: float = -np.inf
    high: float = np.inf
    required: bool = True  # False: blanks allowed


def _path(path, default: str) -> Path:
    """The suite's own table, or a reader's copy at ``path`` (TypeError / FileNotFoundError if unusable)."""
    return data_dir() / default if path is None else check_path("path", path)


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: file not found (the suite's data/ folder is incomplete)")
    if path.is_dir():
        raise InputError("path", str(path), "a CSV file, not a folder")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path.name}: not a readable CSV table ({str(exc).splitlines()[0]})") from None


def _validate(df: pd.DataFrame, path: Path, columns: list[Column], key: str | None = None) -> pd.DataFrame:
    """Check and convert a table read as text; rows are reported as in a spreadsheet (header = 1)."""
    missing = [c.name for c in columns if c.name not in df.columns]
    if missing:
        raise DataError(f"{path.name}: missing column(s) {missing}; found {list(df.columns)}")
    out = pd.DataFrame(index=df.index)
    for col in columns:
        raw = df[col.name].str.strip()
        blank = raw == ""
        if col.required and blank.any():
            row = int(np.flatnonzero(blank.to_numpy())[0]) + 2
            raise DataError(f"{path.name}, row {row}: column '{col.name}' is empty")
        if col.kind == "text":
            out[col.name] = raw.where(~blank, None)
            continue
        if col.kind == "month":
            ok = raw.str.fullmatch(r"\d{4}-\d{2}")
            if not ok.all():
                row = int(np.flatnonzero(~ok.to_numpy())[0]) + 2
                raise DataError(f"{path.name}, row {row}: '{col.name}' = {raw.iloc[row - 2]!r} is not YYYY-MM")
            out[col.name] = pd.PeriodIndex(raw, freq="M")
            continue
        vals = pd.to_numeric(raw.where(~blank, None), errors="coerce")
        bad = vals.isna() & ~blank
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            raise DataError(f"{path.name}, row {row}: '{col.name}' = {raw.iloc[row - 2]!r} is not a number")
        out_of = ~vals.isna() & ((vals < col.low) | (vals > col.high))
        if out_of.any():
            row = int(np.flatnonzero(out_of.to_numpy())[0]) + 2
            raise DataError(
                f"{path.name}, row {row}: '{col.name}' = {vals.iloc[row - 2]} is outside [{col.low}, {col.high}]"
            )
        out[col.name] = vals.astype(float)
    if key is not None:
        dup = out[key].duplicated()
        if dup.any():
            row = int(np.flatnonzero(dup.to_numpy())[0]) + 2
            raise DataError(f"{path.name}, row {row}: duplicate {key} {out[key].iloc[row - 2]}")
        if columns[0].kind == "month" and not out[key].is_monotonic_increasing:
            s = out[key].to_numpy()
            row = int(np.flatnonzero(s[1:] < s[:-1])[0]) + 3
            raise DataError(f"{path.name}, row {row}: months are not in increasing order")
    return out


RATE_COLUMNS = (
    [f"jgb_{t}y" for t in JGB_TENORS] + [f"ust_{k}" for k in UST_TENORS] + ["sofr", "tona"]
)

_RATES_SCHEMA = (
    [Column("month", "month")]
    + [Column(f"{c}_pct", "float", -5.0, 25.0, required=False) for c in RATE_COLUMNS]
    + [Column("usdjpy", "float", 50.0, 400.0, required=False)]
)


@lru_cache(maxsize=4)
def _rates_cached(path: str) -> pd.DataFrame:
    p = Path(path)
    df = _validate(_read(p), p, _RATES_SCHEMA, key="month")
    df = df.set_index("month")
    for c in RATE_COLUMNS:
        df[c] = df.pop(f"{c}_pct") / 100.0
    df["usdjpy"] = df.pop("usdjpy")
    df.index.name = "month"
    return df


def clear_caches() -> None:
    """Forget the tables read so far (after ``make data`` rewrote one)."""
    _rates_cached.cache_clear()


def load_rates_monthly(path: str | Path | None = None) -> pd.DataFrame:
    """Month-end rates 2000 onward, indexed by monthly ``Period``; rates as decimals, USD/JPY in JPY per USD.

    Columns: ``jgb_1y`` … ``jgb_40y``, ``ust_3m`` … ``ust_30y``, ``sofr``, ``tona``, ``usdjpy``.
    NaN where a series does not cover a month.
    """
    p = _path(path, "rates_monthly.csv")
    return _rates_cached(str(p)).copy()


_FILP_SCHEMA = [
    Column("fiscal_year", "text"), Column("item", "text"), Column("value", "float", 0.0, 1e6),
    Column("low", "float", 0.0, 1e6, required=False), Column("high", "float", 0.0, 1e6, required=False),
    Column("unit", "text"), Column("basis", "text"), Column("tier", "text"), Column("source_url", "text"),
    Column("note", "text", required=False),
]

_COMPARATOR_SCHEMA = [
    Column("id", "text"), Column("item", "text"), Column("value", "float", 0.0, 1e7, required=False),
    Column("low", "float", 0.0, 1e7, required=False), Column("high", "float", 0.0, 1e7, required=False),
    Column("unit", "text"), Column("as_of", "text"), Column("tier", "text"), Column("source_url", "text"),
    Column("note", "text", required=False),
]

_ASSUMPTION_SCHEMA = [
    Column("id", "text"), Column("value", "float"), Column("unit", "text"),
    Column("low", "float"), Column("high", "float"), Column("source", "text"), Column("tier", "text"),
    Column("note", "text", required=False),
]

# How far a source can be trusted, strongest first. An assumption is the suite's own choice: it has no
# source to tier, and says so.
TIERS = {
    "official": "official data or document (the body that produced it: a government, central bank, agency, "
                "company, rating agency, or the researcher who computed it)",
    "outlet": "established outlet (FT, Reuters, Bloomberg, Nikkei, AP, Japan Times / Yomiuri, Jiji)",
    "single": "single unverified report (a user-submitted article, a blog, a secondary copy)",
    "assumption": "the suite's assumption: no published source; a teaching value with its range",
}


def check_tiers(df: pd.DataFrame, path: Path, column: str = "tier") -> None:
    """Every row's tier is one of :data:`TIERS` (DataError naming the file, row and value)."""
    bad = ~df[column].isin(list(TIERS))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise DataError(f"{path.name}, row {row}: tier {df[column].iloc[row - 2]!r} is not one of {list(TIERS)}")


def load_filp_facts(path: str | Path | None = None) -> pd.DataFrame:
    """FILP programme and FILP-bond issuance facts, one source URL and tier per row."""
    p = _path(path, "filp_facts.csv")
    df = _validate(_read(p), p, _FILP_SCHEMA)
    check_tiers(df, p)
    return df


def load_comparators(path: str | Path | None = None) -> pd.DataFrame:
    """Scale comparators and cost benchmarks, one source URL and tier per row (``value`` blank for open
    ranges)."""
    p = _path(path, "comparators.csv")
    df = _validate(_read(p), p, _COMPARATOR_SCHEMA, key="id")
    check_tiers(df, p)
    blank = df["value"].isna() & df["low"].isna()
    if blank.any():
        row = int(np.flatnonzero(blank.to_numpy())[0]) + 2
        raise DataError(f"{p.name}, row {row}: needs a value or a low/high range")
    return df


def load_assumptions_table(path: str | Path | None = None) -> pd.DataFrame:
    """The assumption register as a validated table (see :mod:`fundlib.assumptions`)."""
    p = _path(path, "assumptions.csv")
    df = _validate(_read(p), p, _ASSUMPTION_SCHEMA, key="id")
    check_tiers(df, p)
    bad = (df["low"] > df["value"]) | (df["value"] > df["high"])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        r = df.iloc[row - 2]
        raise DataError(f"{p.name}, row {row}: {r['id']} value {r['value']} is outside its range [{r['low']}, {r['high']}]")
    return df


def build_rates_monthly(raw_dir: str | Path, start: str = "2000-01", keep: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rebuild the monthly rates table from the official source files in ``raw_dir``: month-end yields and
    USD/JPY, and SOFR and TONA as the month's average of the daily fixings.

    Expected layout (as downloaded): ``jgb_mof/jgbcm_all.csv``; optional
    ``jgb_mof_recent/JPY_BILL_{10,20}Y.csv`` to extend those tenors; ``ust_cmt/DGS*.csv``
    (and ``DGS10_to*.csv`` to extend 10Y); ``sofr/SOFR.csv``; ``tona_boj/TONA.csv`` (optional when
    ``keep`` is given); ``usdjpy/DEXJPUS_*.csv`` (later files override earlier ones where they overlap).
    ``keep``: the current table (as loaded): where the files give no value for a month, its values
    stay. Returns the CSV's layout: ``month`` then ``*_pct`` columns in percent and ``usdjpy``.
    """
    raw = check_path("raw_dir", raw_dir)
    if not raw.is_dir():
        raise InputError("raw_dir", str(raw), "a folder holding the downloaded files (the layout above)")
    first = check_month("start", start)
    if keep is not None:
        check_frame("keep", keep, RATE_COLUMNS)
    cols: dict[str, pd.Series] = {}
    jgb = parse_mof_jgb_csv(raw / "jgb_mof" / "jgbcm_all.csv")
    if [t for t in JGB_TENORS if t not in jgb]:
        raise DataError(f"jgb_mof/jgbcm_all.csv: no column for the tenor(s) {[t for t in JGB_TENORS if t not in jgb]} years")
    for tenor in JGB_TENORS:
        s = jgb[tenor]
        ext = raw / "jgb_mof_recent" / f"JPY_BILL_{tenor}Y.csv"
        if ext.exists():
            s = _splice(s, parse_daily_close_csv(ext))
        cols[f"jgb_{tenor}y_pct"] = month_end(s, calendar="JP")
    fred_ids = {"3m": "DGS3MO", "1y": "DGS1", "2y": "DGS2", "5y": "DGS5", "7y": "DGS7",
                "10y": "DGS10", "20y": "DGS20", "30y": "DGS30"}
    for key, sid in fred_ids.items():
        s = parse_fred_csv(raw / "ust_cmt" / f"{sid}.csv")
        for ext in sorted((raw / "ust_cmt").glob(f"{sid}_to*.csv")):
            s = _splice(s, parse_fred_csv(ext))
        cols[f"ust_{key}_pct"] = month_end(s)
    cols["sofr_pct"] = month_end(parse_fred_csv(raw / "sofr" / "SOFR.csv"), how="mean").round(4)  # the month's average fixing
    tona = raw / "tona_boj" / "TONA.csv"
    if tona.exists() or keep is None:
        cols["tona_pct"] = month_end(parse_daily_close_csv(tona), calendar="JP", how="mean").round(4)
    fx = None
    for f in sorted((raw / "usdjpy").glob("DEXJPUS_*.csv")):
        fx = parse_fred_csv(f) if fx is None else _splice(fx, parse_fred_csv(f))
    if fx is None:
        raise DataError(f"{raw / 'usdjpy'}: no DEXJPUS_*.csv file")
    cols["usdjpy"] = month_end(fx)
    df = pd.DataFrame(cols)
    if keep is not None:
        old = keep.copy()
        for c in RATE_COLUMNS:
            old[f"{c}_pct"] = old.pop(c) * 100.0
        df = df.combine_first(old)[[f"{c}_pct" for c in RATE_COLUMNS] + ["usdjpy"]]
    df = df[df.index >= first]
    df = df.dropna(how="all")
    df.index.name = "month"
    out = df.reset_index()
    out["month"] = out["month"].astype(str)
    return out


def _splice(old: pd.Series, new: pd.Series) -> pd.Series:
    """Old history, with the newer file taking over from its first date (its values win on overlap)."""
    new = new.dropna()
    keep = old[old.index < new.index.min()] if len(new) else old
    return pd.concat([keep, new]).sort_index()



# --------------------------------------------------------------------------- JGB issues (notebook 03)

JGB_ISSUE_KINDS = ("fixed", "discount", "floating", "inflation_indexed")
_JGB_ISSUE_SCHEMA = [Column(c, "text") for c in ("instrument", "kind", "first_issue_date", "last_issue_date",
                                                  "maturity_date", "tranches")] + [
    Column("issue_number", "float", 1, 1e5), Column("coupon_pct", "float", 0.0, 15.0, required=False),
    Column("spread_pct", "float", -5.0, 5.0, required=False), Column("amount_jpy_tn", "float", 0.0, 100.0),
    Column("auctions", "float", 1, 1000)]


def load_jgb_issues(path: str | Path | None = None) -> pd.DataFrame:
    """JGB issues from the MoF's auction results (``scripts/derive_jgb_issues.py``), one row per issue:
    dates as Timestamps, ``coupon_pct``/``spread_pct`` as decimals ``coupon``/``spread`` (blank → NaN),
    ``tranches`` ('YYYY-MM-DD:¥tn …', one per issue date) as a list of (Timestamp, ¥tn) summing to
    ``amount_jpy_tn``."""
    p = Path(path) if path else data_dir() / "jgb_issues.csv"
    df = _validate(_read(p), p, _JGB_ISSUE_SCHEMA)
    for col in ("first_issue_date", "last_issue_date", "maturity_date"):
        df[col] = pd.to_datetime(df[col], format="%Y-%m-%d", errors="coerce")
    parts = df["tranches"].str.split().explode().str.partition(":")
    day, amt = pd.to_datetime(parts[0], format="%Y-%m-%d", errors="coerce"), pd.to_numeric(parts[2], errors="coerce")
    g = pd.DataFrame({"d": day, "a": amt}).groupby(level=0)
    bad_tr = (day.isna() | ~(amt >= 0) | (g["d"].diff() <= pd.Timedelta(0))).groupby(level=0).any()
    checks = [
        (df[["first_issue_date", "last_issue_date", "maturity_date"]].isna().any(axis=1), "first_issue_date, last_issue_date or maturity_date is not YYYY-MM-DD"),
        (~df["kind"].isin(JGB_ISSUE_KINDS), f"kind is not one of {', '.join(JGB_ISSUE_KINDS)}"),
        ((df["issue_number"] % 1 != 0) | (df["auctions"] % 1 != 0), "issue_number and auctions must be whole numbers"),
        (df["maturity_date"] <= df["last_issue_date"], "maturity_date is not after last_issue_date"),
        (df["coupon_pct"].isna() & (df["kind"] != "floating"), "only a floating issue may leave coupon_pct blank"),
        ((df["kind"] == "discount") & (df["coupon_pct"] != 0), "a discount issue's coupon_pct must be 0"),
        (df.duplicated(["instrument", "issue_number"]), "the issue (instrument, issue_number) is listed twice"),
        (bad_tr, "tranches must be 'YYYY-MM-DD:amount' pairs, dates increasing, amounts ≥ 0"),
        (bad_tr | (g["d"].first() != df["first_issue_date"]) | (g["d"].last() != df["last_issue_date"])
         | ((g["a"].sum() - df["amount_jpy_tn"]).abs() > 1e-5),
         "tranches do not run from first_issue_date to last_issue_date or do not sum to amount_jpy_tn"),
    ]
    for bad, say in checks:
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            raise DataError(f"{p.name}, row {row}: {say} ({df['instrument'].iloc[row - 2]} {df['issue_number'].iloc[row - 2]:g})")
    df = df.astype({"issue_number": int, "auctions": int})
    df["tranches"] = [list(zip(d, a)) for d, a in zip(g["d"].agg(list), g["a"].agg(list))]
    df["coupon"], df["spread"] = df.pop("coupon_pct") / 100.0, df.pop("spread_pct") / 100.0
    return df
