"""Build `datasets/chpl.csv`: the Common High Priority List (BIS with the EU, Japan and the UK).

    .venv/bin/python datasets/build/build_chpl.py [--shared ../shared/data-sources]

Reads `chpl/chpl_2024-02-23.csv` of the shared raw folder (its SOURCE.md names where the codes,
tiers and descriptions were read and the cross-checks made). Only reshaped: column names, the
`yes`/blank flag as a bool, the version date and a source note added. The 50 codes, the six tiers
and the tier sizes are checked here so a changed raw file cannot slip through unnoticed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tables import write_csv

from optimizer.data.schema import CHPL

REPO = Path(__file__).resolve().parents[2]
RAW_FILE = "chpl/chpl_2024-02-23.csv"
AS_OF = "2024-02-23"
SOURCE = (
    "BIS Common High Priority List (with the EU, Japan and the UK), version 2024-02-23, "
    "bis.gov/licensing/country-guidance/common-high-priority-items-list-chpl; codes and tiers as "
    "tabulated in github.com/fyaic/TradeSieve@855e3b5; descriptions EU CN style from a public "
    "script, HS names Growth Lab Atlas (Apache-2.0)"
)
TIER_SIZES = {"1": 4, "2": 5, "3.A": 16, "3.B": 9, "4.A": 11, "4.B": 5}


def build(shared: Path) -> pd.DataFrame:
    """The shipped table from the raw file, after the checks of its SOURCE.md."""
    raw = pd.read_csv(shared / RAW_FILE, dtype=str, keep_default_na=False)
    sizes = raw["tier"].value_counts().to_dict()
    if sizes != TIER_SIZES or raw["hs6"].nunique() != 50 or not raw["hs6"].str.fullmatch(r"\d{6}").all():
        raise SystemExit(f"{RAW_FILE}: expected 50 distinct HS6 codes with tier sizes {TIER_SIZES}, got {sizes}")
    out = pd.DataFrame(
        {
            "hs6": raw["hs6"],
            "tier": raw["tier"],
            "description": raw["description_eu_cn_text"],
            "hs2022_name": raw["hs2022_name_atlas"],
            "highest_priority": raw["in_kelleydrye_nine_highest_priority"].str.lower().eq("yes"),
            "as_of": AS_OF,
            "source": SOURCE,
        }
    )
    if set(out.loc[out["highest_priority"], "tier"]) != {"1", "2"} or out["highest_priority"].sum() != 9:
        raise SystemExit(f"{RAW_FILE}: the nine highest-priority codes are no longer exactly tiers 1 and 2")
    order = list(TIER_SIZES)
    out["_t"] = out["tier"].map(order.index)
    return out.sort_values(["_t", "hs6"], kind="stable").drop(columns="_t").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data-sources")
    parser.add_argument("--out", type=Path, default=REPO / "datasets" / CHPL.filename)
    args = parser.parse_args(argv)
    frame = build(args.shared)
    write_csv(frame, args.out, CHPL)
    print(f"wrote {args.out} rows={len(frame)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
