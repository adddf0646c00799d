"""Security risk of relieving an item: what its reasons for control protect, less what FA erodes.

    risk_base = max_r w_r + rest_factor x (sum_r w_r - max_r w_r)     ('max_plus', default)
              = sum_r w_r                                              ('sum')
    risk      = risk_base x (1 - fa_risk_reduction x fa_score)

Why max-plus: the reasons of one entry are mostly overlapping legal bases for the same items
(NS1, RS1 and AT1 on the same paragraphs), so a plain sum would rank an entry with many minor
reasons above one with a single serious one; the most serious reason dominates, the others add a
quarter of their weight. Why the FA factor: a licence requirement on an item the partner can buy
elsewhere, or make, protects little (defaults: full availability halves the risk). Weights are
editable defaults (config.risk_weights), not facts. An entry whose reasons are unknown gets
`config.unknown_reasons_risk`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.estimation.config import EstimationConfig
from optimizer.estimation.reasons import parse_reasons

#: The scale risk figures are on, said wherever one is shown: risk points, where a
#: national-security (NS1) entry with no foreign availability counts 1 (its reason weight; an entry
#: with several reasons can exceed 1, full availability halves it) and a package sums its items.
RISK_SCALE = "risk points: 1 = an NS1 entry with no foreign availability; a package sums its items"
RISK_UNIT = "risk points (1 = an NS1 entry, no foreign availability)"


def risk_base(reasons: tuple[str, ...], config: EstimationConfig) -> float:
    """Base risk of one item from its reason codes (empty: unknown reasons)."""
    if not reasons:
        return float(config.unknown_reasons_risk)
    w = [config.risk_weight(c) for c in reasons]
    if config.risk_aggregation == "sum":
        return float(sum(w))
    top = max(w)
    return float(top + config.risk_rest_factor * (sum(w) - top))


def risk_after_fa(
    base: pd.Series | np.ndarray, fa_score: pd.Series | np.ndarray, config: EstimationConfig
) -> np.ndarray:
    """risk = risk_base x (1 - fa_risk_reduction x fa_score), fa clipped to [0, 1]."""
    fa = np.clip(np.asarray(fa_score, dtype=float), 0.0, 1.0)
    return np.asarray(base, dtype=float) * (1.0 - config.fa_risk_reduction * fa)


def item_risk_base(reasons: pd.Series, config: EstimationConfig) -> pd.Series:
    """risk_base for a column of ';'-joined reason cells."""
    return reasons.map(lambda cell: risk_base(parse_reasons(cell), config)).astype(float)


def risk_formula(reasons: tuple[str, ...], fa_score: float, config: EstimationConfig) -> str:
    """The computation written out, for explanations: 'max(NS1 1.00, AT1 0.05) + 0.25 x 0.05 = ...'."""
    if not reasons:
        base = config.unknown_reasons_risk
        head = f"reasons unknown -> {base:.2f}"
    else:
        parts = ", ".join(f"{c} {config.risk_weight(c):.2f}" for c in reasons)
        base = risk_base(reasons, config)
        if len(reasons) == 1:
            head = f"{parts} = {base:.3f}"
        elif config.risk_aggregation == "sum":
            head = f"sum({parts}) = {base:.3f}"
        else:
            w = [config.risk_weight(c) for c in reasons]
            head = f"max({parts}) + {config.risk_rest_factor:g} x {sum(w) - max(w):.2f} = {base:.3f}"
    risk = base * (1 - config.fa_risk_reduction * min(1.0, max(0.0, fa_score)))
    return f"risk_base {head}; risk = {base:.3f} x (1 - {config.fa_risk_reduction:g} x FA {fa_score:.2f}) = {risk:.3f}"
