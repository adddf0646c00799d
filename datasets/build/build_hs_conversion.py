"""Build `datasets/hs17_to_hs22.csv`: HS 2017 -> HS 2022 six-digit conversion weights.

Run from anywhere:  .venv/bin/python datasets/build/build_hs_conversion.py [--shared DIR] [--out DIR]

Source: `hs-classification-atlas/conversion_weights_H5_to_H6.csv.gz` in the raw folder (Harvard Growth
Lab, PyPI `atlas-common-data` 1.1.1, Apache-2.0; attribution "Growth Lab at Harvard University,
atlas-common-data"). Columns there: `H5` (HS 2017 code), `H6` (HS 2022 code), `weight` (trade-weighted
share of the HS 2017 code's trade that falls in the HS 2022 code), `group_id` (codes linked by the
revision). The weights of each HS 2017 code sum to 1, so converting with them conserves every total.

Output: only the rows with a positive weight (15,667 of 1.28 million), columns `hs17,hs22,weight,group_id`,
sorted, weights written with 12 significant digits (rows re-normalised to sum to exactly 1 per hs17 code
after rounding), `\\n` line ends: deterministic, so a rebuild gives a byte-identical file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

DATASETS = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = DATASETS.parent.parent / "shared" / "data-sources"
SOURCE = "hs-classification-atlas/conversion_weights_H5_to_H6.csv.gz"
OUT = "hs17_to_hs22.csv"


def build(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / SOURCE, dtype={"H5": str, "H6": str, "group_id": str})
    raw["H5"], raw["H6"] = raw["H5"].str.zfill(6), raw["H6"].str.zfill(6)
    kept = raw[raw["weight"] > 0].rename(columns={"H5": "hs17", "H6": "hs22"})
    kept = kept.assign(weight=kept["weight"] / kept.groupby("hs17")["weight"].transform("sum"))
    kept = kept.sort_values(["hs17", "hs22"], ignore_index=True)
    return kept[["hs17", "hs22", "weight", "group_id"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DATASETS)
    args = ap.parse_args()
    df = build(args.shared)
    sums = df.groupby("hs17")["weight"].sum()
    assert (sums - 1).abs().max() < 1e-9, "weights of an HS 2017 code must sum to 1"
    df.to_csv(args.out / OUT, index=False, lineterminator="\n", float_format="%.12g")
    print(
        f"wrote {args.out / OUT}: {len(df):,} rows, {df['hs17'].nunique():,} HS 2017 codes -> "
        f"{df['hs22'].nunique():,} HS 2022 codes"
    )


if __name__ == "__main__":
    main()
