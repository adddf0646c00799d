"""Controlled shares: confidence defaults and the per-HS6 cap (no double counting)."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.estimation.config import EstimationConfig
from optimizer.estimation.shares import effective_shares


def conc(rows):
    df = pd.DataFrame(rows, columns=["eccn", "hs6", "confidence", "controlled_share"])
    df["rationale"] = "t"
    return df


def test_blank_share_takes_the_confidence_default():
    s = effective_shares(
        conc([("2B991", "845961", "medium", None), ("2B992", "845962", "low", None)]), EstimationConfig()
    ).set_index("eccn")
    assert s.loc["2B991", "controlled_share"] == pytest.approx(0.2)
    assert s.loc["2B992", "controlled_share"] == pytest.approx(0.05)


def test_shares_on_one_code_are_scaled_to_sum_to_at_most_one():
    s = effective_shares(
        conc(
            [
                ("2B991", "845891", "high", 0.5),
                ("2B001", "845891", "high", 0.6),
                ("2B001-rest", "845891", "high", 0.4),
                ("4D994", "845891", "low", 0.3),
                ("4A994", "847130", "high", 0.5),
            ]
        ),
        EstimationConfig(),
    ).set_index("eccn")
    # claim on 845891 = 0.5 + 0.6 (the sub-item is part of its parent; D items have no goods trade)
    assert s.loc["2B991", "share_scale"] == pytest.approx(1 / 1.1)
    assert s.loc["2B991", "controlled_share"] == pytest.approx(0.5 / 1.1)
    assert s.loc["2B001", "controlled_share"] == pytest.approx(0.6 / 1.1)
    assert s.loc["2B001-rest", "controlled_share"] == pytest.approx(0.4 / 1.1)
    assert s.loc["2B001", "controlled_share"] + s.loc["2B991", "controlled_share"] == pytest.approx(1.0)
    assert s.loc["4A994", "controlled_share"] == pytest.approx(0.5)  # alone on its code: untouched
    assert s.loc["4A994", "controlled_share_raw"] == pytest.approx(0.5)


def test_sub_item_counts_when_its_parent_is_not_on_the_code():
    s = effective_shares(
        conc([("2B001-rest", "845891", "high", 0.7), ("2B991", "845891", "high", 0.6)]), EstimationConfig()
    ).set_index("eccn")
    assert s["controlled_share"].sum() == pytest.approx(1.0)


def test_cap_is_a_setting():
    s = effective_shares(
        conc([("2B991", "845891", "high", 0.5), ("2B992", "845891", "high", 0.5)]),
        EstimationConfig(max_share_per_hs6=0.5),
    )
    assert s["controlled_share"].sum() == pytest.approx(0.5)


def test_empty_concordance():
    s = effective_shares(conc([]), EstimationConfig())
    assert s.empty and "controlled_share" in s
