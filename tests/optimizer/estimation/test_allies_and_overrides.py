"""Ally position columns and the recorded tier override used by the dashboard."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.errors import DecontrolError
from optimizer.estimation import build_item_table, record_tier_override
from optimizer.estimation.allies import attach_ally_positions


def test_ally_columns(ds):
    t = build_item_table(ds, "CHN")
    out = attach_ally_positions(t, {"jpn": {"2B991": "oppose"}, "NLD": {"4A994": "Support"}})
    row = out.set_index("eccn")
    assert row.loc["2B991", "ally_JPN"] == "oppose" and row.loc["4A994", "ally_JPN"] == "neutral"
    assert row.loc["4A994", "ally_NLD"] == "support"
    assert "ally_JPN" not in t  # the input is not changed


def test_ally_problems_listed(ds):
    t = build_item_table(ds, "CHN")
    with pytest.raises(DecontrolError) as exc:
        attach_ally_positions(t, {"JP": {}, "GBR": {"2B991": "maybe", "9Z999": "oppose"}})
    text = exc.value.render()
    assert "'JP' is not an ISO3 code" in text and "'maybe'" in text and "9Z999: no such item" in text


def test_record_tier_override_writes_a_loadable_file(tmp_path, make_ds):
    path = tmp_path / "policy" / "tier_overrides.csv"
    record_tier_override(path, "2B991", "foundational", "held back", "A. Analyst", "2025-06-01")
    table = record_tier_override(path, "6A003", "Legacy", "broad availability", "B. Analyst", "2025-06-02")
    assert list(table["eccn"]) == ["2B991", "6A003"]
    table = record_tier_override(path, "2B991", "transactional", "changed my mind", "A. Analyst", "2025-06-03")
    on_disk = pd.read_csv(path, dtype=str)
    assert len(on_disk) == 2 and on_disk.set_index("eccn").loc["2B991", "tier"] == "transactional"
    t = build_item_table(make_ds(tier_overrides=on_disk), "CHN").set_index("eccn")
    assert t.loc["2B991", "tier"] == "transactional" and "changed my mind" in t.loc["2B991", "tier_reason"]
    assert t.loc["6A003", "tier"] == "legacy"


@pytest.mark.parametrize(
    "args, words",
    [
        (("2B991", "maybe", "x", "y"), "not one of"),
        (("2B991", "legacy", " ", "y"), "needs a reason"),
        (("2B991", "legacy", "x", ""), "needs an author"),
    ],
)
def test_record_tier_override_rejects_bad_input(tmp_path, args, words):
    with pytest.raises(DecontrolError, match=words):
        record_tier_override(tmp_path / "t.csv", *args)
    assert not (tmp_path / "t.csv").exists()
