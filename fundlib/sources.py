"""What each claim rests on: sourced facts with their tiers, the four press reports' claims against
the evidence, and the timeline from the proposal to the signed deal. Notebook 00 shows them.

Three tables in ``data/``, each row with a source, its URL and a tier (``fundlib.data.TIERS``):
``facts.csv`` (dated facts the notebooks quote), ``claims.csv`` (each claim of the press reports, who
made it, what the data and later events say, and the notebook that tests it) and ``timeline.csv``.
"""

from __future__ import annotations

import pandas as pd

from fundlib._validate import InputError, check_str
from fundlib.data import TIERS, Column, _path, _read, _validate, check_tiers

__all__ = ["TIERS", "facts", "fact", "claims", "timeline", "tier_table"]

_FACTS = [Column("id", "text"), Column("statement", "text"), Column("value", "float", required=False),
          Column("unit", "text", required=False), Column("as_of", "text"), Column("tier", "text"),
          Column("source", "text"), Column("url", "text")]
_CLAIMS = [Column("id", "text"), Column("claim", "text"), Column("value", "float", required=False),
           Column("unit", "text", required=False), Column("reports", "text"), Column("who", "text"),
           Column("tier", "text"), Column("evidence", "text"), Column("notebook", "text")]
_TIMELINE = [Column("date", "text"), Column("event", "text"), Column("kind", "text"), Column("tier", "text"),
             Column("source", "text"), Column("url", "text", required=False)]
# what a timeline row belongs to: the proposal the suite models, the deal that was signed, or context
KINDS = {"proposal": "the proposal (what the suite models)", "mou": "the signed deal (the suite's MOU terms)",
         "event": "context"}


def _load(name: str, schema: list[Column], key: str | None) -> pd.DataFrame:
    p = _path(None, name)
    df = _validate(_read(p), p, schema, key=key)
    check_tiers(df, p)
    return df


def facts() -> pd.DataFrame:
    """Dated, sourced facts the notebooks quote (``data/facts.csv``), one tier per row."""
    return _load("facts.csv", _FACTS, "id")


def fact(id: str) -> pd.Series:
    """One fact by id (InputError naming the ids there are)."""
    check_str("id", id)
    df = facts().set_index("id")
    if id not in df.index:
        raise InputError("id", id, f"an id in data/facts.csv ({', '.join(df.index[:4])}, …)")
    return df.loc[id]


def claims() -> pd.DataFrame:
    """Each claim of the four press reports: value, which reports carry it, who made it, its tier, what
    the data and later events say, and the notebook that tests it."""
    df = _load("claims.csv", _CLAIMS, "id")
    bad = ~df["notebook"].str.fullmatch(r"0[0-7]")
    if bad.any():
        raise InputError("claims.csv notebook", df["notebook"][bad].iloc[0], "a notebook number 00–07")
    return df


def timeline() -> pd.DataFrame:
    """From the May 2025 reports to the signed deal, in date order; ``kind`` says whether a row is the
    proposal the suite models, the signed deal (MOU), or context."""
    df = _load("timeline.csv", _TIMELINE, None)
    bad = ~df["kind"].isin(list(KINDS))
    if bad.any():
        raise InputError("timeline.csv kind", df["kind"][bad].iloc[0], f"one of {list(KINDS)}")
    if not df["date"].is_monotonic_increasing:
        raise InputError("timeline.csv date", list(df["date"]), "dates in order")
    return df.reset_index(drop=True)


def tier_table() -> pd.DataFrame:
    """How many register rows, facts, comparators and FILP facts, and press claims rest on each tier
    (rows: tiers, strongest first)."""
    from fundlib import assumptions as A
    from fundlib.data import load_comparators, load_filp_facts

    reg = pd.Series([a.tier for a in A.register().values()]).value_counts()
    tables = pd.concat([load_comparators()["tier"], load_filp_facts()["tier"]]).value_counts()
    cols = {"register rows": reg, "facts": facts()["tier"].value_counts(), "data tables": tables,
            "press claims": claims()["tier"].value_counts()}
    out = pd.DataFrame({"what it means": pd.Series(TIERS), **cols}).reindex(list(TIERS))
    return out.fillna(0).astype({c: int for c in cols})
