"""Derive data/jgb_daily.csv (daily JGB constant-maturity yields, 2014 onward) from the MoF file.

Usage: python scripts/build_jgb_daily.py [JGBCM_ALL_CSV] [OUT_CSV]

JGBCM_ALL_CSV is the Ministry of Finance's ``jgbcm_all.csv`` as published (Shift-JIS with a title
row) or a UTF-8 copy; default ``../shared/data/raw/jgb_mof/jgbcm_all.csv``. The output keeps the
publisher's percent values unchanged, one row per business day from START, blank where the MoF
has no value. Notebook 03 reads it (``fundlib.data.load_jgb_daily``) for the daily negative-yield
facts that month-end values miss. Run by hand when refreshing data; the suite only reads data/.
"""

import sys
from pathlib import Path

from fundlib.data import JGB_TENORS, data_dir, parse_mof_jgb_csv

START = "2014-01-01"
DEFAULT_RAW = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "raw" / "jgb_mof" / "jgbcm_all.csv"


def build(raw: Path, start: str = START):
    jgb = parse_mof_jgb_csv(raw)
    jgb = jgb[jgb.index >= start].dropna(how="all")
    out = jgb[list(JGB_TENORS)].rename(columns={t: f"jgb_{t}y_pct" for t in JGB_TENORS})
    out.index = out.index.strftime("%Y-%m-%d")
    out.index.name = "date"
    return out.reset_index()


def main(argv: list[str]) -> int:
    raw = Path(argv[1]) if len(argv) > 1 else DEFAULT_RAW
    out = Path(argv[2]) if len(argv) > 2 else data_dir() / "jgb_daily.csv"
    if not raw.exists():
        print(f"{raw}: not found\n\n{__doc__}")
        return 2
    df = build(raw)
    df.to_csv(out, index=False, float_format="%.6g")
    print(f"wrote {out}: {len(df)} days, {df['date'].iloc[0]} .. {df['date'].iloc[-1]}, {out.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
