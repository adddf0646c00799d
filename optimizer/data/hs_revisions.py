"""HS 2017 -> HS 2022 conversion of imported trade, with the shipped conversion weights.

decontrol's concordance, names and every estimate are in HS 2022. Data reported in HS 2017 (BACI
HS17, Comtrade `H5`, Census 2017-2021) would leave the items on codes created in 2022 empty (74 of
the concordance's 405 codes do not exist in HS 2017). Each HS 2017 row is therefore split over the
HS 2022 codes its trade moved to, in the proportions of `datasets/hs17_to_hs22.csv` (Growth Lab
atlas-common-data, trade-weighted; the weights of each HS 2017 code sum to 1, so every total is
conserved). The import's source then says so, and so does every figure read from it.

HS 2012 (BACI HS12, Comtrade `H4`, Census before 2017) is **not** converted: no HS 2012 weights are
reachable here. Such rows keep their codes, and the source label says they are unconverted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from optimizer.errors import DecontrolError
from optimizer.paths import SHIPPED_DATA_DIR

WEIGHTS_FILE = "hs17_to_hs22.csv"
CONVERTED_LABEL = (
    "HS 2017 codes converted to HS 2022 with the shipped conversion weights "
    "(datasets/hs17_to_hs22.csv, Growth Lab atlas-common-data)"
)
HS12_LABEL = (
    "HS 2012 codes kept as reported, NOT converted to HS 2022 (no HS 2012 weights are shipped): "
    "items on codes changed since 2012 have no data"
)


@dataclass(frozen=True)
class Weights:
    """HS 2017 code -> its HS 2022 codes and weights, as sorted integer arrays (vectorised lookups)."""

    from_codes: np.ndarray  # unique HS 2017 codes, ascending
    starts: np.ndarray  # first row of each from-code in to_codes/weights
    counts: np.ndarray  # rows per from-code
    to_codes: np.ndarray
    weights: np.ndarray


@lru_cache(maxsize=1)
def hs17_weights() -> Weights:
    """The shipped weights (weights re-normalised so each HS 2017 code sums to 1 in float64)."""
    path = SHIPPED_DATA_DIR / WEIGHTS_FILE
    if not path.is_file():
        raise DecontrolError(f"{path} is missing: it is needed to convert HS 2017 data to HS 2022")
    df = pd.read_csv(path, dtype={"hs17": str, "hs22": str})
    df = df.assign(f=df["hs17"].astype(np.int64), t=df["hs22"].astype(np.int64)).sort_values(["f", "t"])
    w = df["weight"].to_numpy(np.float64)
    f = df["f"].to_numpy()
    uniq, starts, counts = np.unique(f, return_index=True, return_counts=True)
    w = w / np.repeat(np.add.reduceat(w, starts), counts)
    return Weights(uniq, starts, counts, df["t"].to_numpy(), w)


def expand(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """For HS 2017 `codes` (int): (row index, HS 2022 code, weight) per output row, and the number of
    input rows whose code is not an HS 2017 code (those keep their code with weight 1)."""
    w = hs17_weights()
    codes = np.asarray(codes, dtype=np.int64)
    pos = np.clip(np.searchsorted(w.from_codes, codes), 0, len(w.from_codes) - 1)
    found = w.from_codes[pos] == codes
    n = np.where(found, w.counts[pos], 1)
    rows = np.repeat(np.arange(len(codes)), n)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(n) - n, n)
    idx = np.repeat(np.where(found, w.starts[pos], 0), n) + offset
    hit = np.repeat(found, n)
    new_codes = np.where(hit, w.to_codes[np.where(hit, idx, 0)], np.repeat(codes, n))
    weights = np.where(hit, w.weights[np.where(hit, idx, 0)], 1.0)
    return rows, new_codes, weights, int((~found).sum())


def convert_frame(df: pd.DataFrame, mask: pd.Series) -> tuple[pd.DataFrame, int, int]:
    """Convert the rows of `df` (canonical columns, hs6 text) selected by `mask` from HS 2017 to HS 2022.

    Returns the new frame, the number of rows converted, and the number whose code is not in HS 2017
    (kept unchanged). Values are split by weight, so `value_usd` sums are unchanged.
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return df, 0, 0
    part = df[mask].reset_index(drop=True)
    rows, codes, weights, unknown = expand(part["hs6"].astype(np.int64).to_numpy())
    out = part.iloc[rows].reset_index(drop=True)
    out["hs6"] = np.char.zfill(codes.astype(str), 6)
    out["value_usd"] = out["value_usd"].to_numpy(np.float64) * weights
    return pd.concat([df[~mask], out], ignore_index=True), int(mask.sum()), unknown
