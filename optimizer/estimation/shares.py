"""Controlled shares of HS codes: how much of each code's trade an item stands for.

HS codes are broader than control parameters, so each concordance row carries a controlled share
(blank: the default for its confidence). When several items map to one HS code their shares could
add up to more than the whole code, and a package holding all of them would count the same trade
twice. So per HS code the summed claim is capped at `config.max_share_per_hs6` (1 by default) by
scaling every row on that code by the same factor (proportional: no item is privileged).

What counts towards the claim: rows of goods items (groups A, B, C) — D/E items have no goods
trade of their own and never get a trade-based value. A sub-item `<ECCN>-<suffix>` is part of its
parent, so its row only adds to the claim when the parent has no row on the same code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.estimation.config import EstimationConfig

SHARE_COLUMNS = [
    "eccn",
    "base_eccn",
    "hs6",
    "confidence",
    "rationale",
    "controlled_share_raw",
    "share_scale",
    "controlled_share",
]


def is_goods(item_id: pd.Series) -> pd.Series:
    """True for A/B/C items (second character of the ECCN)."""
    return item_id.astype(str).str[1].isin(["A", "B", "C"])


def effective_shares(concordance: pd.DataFrame, config: EstimationConfig) -> pd.DataFrame:
    """Concordance rows with the raw share (blank -> confidence default), the scale and the capped share."""
    c = concordance.copy()
    if c.empty:
        return pd.DataFrame({k: pd.Series(dtype=float if "share" in k else object) for k in SHARE_COLUMNS})
    c["eccn"] = c["eccn"].astype(str)
    c["hs6"] = c["hs6"].astype(str)
    c["base_eccn"] = c["eccn"].str.split("-", n=1).str[0]
    conf = c["confidence"].astype(str).str.lower() if "confidence" in c else pd.Series("low", index=c.index)
    default = conf.map(dict(config.controlled_share_by_confidence)).astype(float)
    raw = pd.to_numeric(c["controlled_share"], errors="coerce") if "controlled_share" in c else default * np.nan
    c["controlled_share_raw"] = raw.fillna(default).fillna(0.0).clip(0.0, 1.0)
    c["confidence"] = conf
    if "rationale" not in c:
        c["rationale"] = ""

    goods = is_goods(c["eccn"])
    is_sub = c["eccn"] != c["base_eccn"]
    parent_rows = pd.MultiIndex.from_frame(c.loc[~is_sub, ["eccn", "hs6"]])
    sub_keys = pd.MultiIndex.from_arrays([c["base_eccn"], c["hs6"]])
    counts = goods & (~is_sub | ~sub_keys.isin(parent_rows))
    claim = c["controlled_share_raw"].where(counts, 0.0).groupby(c["hs6"]).transform("sum")
    scale = np.where(claim > config.max_share_per_hs6, config.max_share_per_hs6 / claim.where(claim > 0, 1.0), 1.0)
    c["share_scale"] = scale
    c["controlled_share"] = c["controlled_share_raw"] * c["share_scale"]
    return c[SHARE_COLUMNS].reset_index(drop=True)
