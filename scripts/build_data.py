"""Rebuild data/rates_monthly.csv from the official source files.

Usage: python scripts/build_data.py RAW_DIR [OUT_CSV]

RAW_DIR holds the publishers' files as downloaded (layout in fundlib.data.build_rates_monthly and
data/README.md). Run by hand when refreshing data; the suite itself only reads data/.
"""

import sys
from pathlib import Path

from fundlib.data import build_rates_monthly, data_dir


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    out = Path(argv[2]) if len(argv) > 2 else data_dir() / "rates_monthly.csv"
    df = build_rates_monthly(argv[1])
    df.to_csv(out, index=False, float_format="%.6g")
    print(f"wrote {out}: {len(df)} months, {df['month'].iloc[0]} .. {df['month'].iloc[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
