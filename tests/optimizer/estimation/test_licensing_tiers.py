"""Destination-aware tiers on the shipped data: nlr, targeted and military-relevant requirements,
statutory short supply, the 5A992 split, and a floor that no override lowers."""

from __future__ import annotations

import pytest

from optimizer.data.load import load_dataset
from optimizer.estimation import build_item_table


@pytest.fixture(scope="module")
def shipped():
    return load_dataset()


@pytest.fixture(scope="module")
def chn(shipped):
    return build_item_table(shipped, "CHN").set_index("eccn")


def test_np2_for_china_is_not_legacy(chn, shipped):
    row = chn.loc["1C298"]
    assert row["binding_reasons"] == "NP2" and row["tier"] == "foundational" and "88 FR 54875" in row["tier_reason"]
    assert build_item_table(shipped, "TWN").set_index("eccn").loc["1C298", "tier"] == "nlr"  # no NP2 X for Taiwan


def test_military_relevant_ns2_is_not_legacy_for_d5_partners(chn, shipped):
    assert chn.loc["8A001", "tier"] == "foundational" and "D:5" in chn.loc["8A001", "tier_reason"]
    assert build_item_table(shipped, "TWN").set_index("eccn").loc["8A001", "tier"] == "legacy"  # NS2 binds, not D:5


def test_short_supply_is_labelled_statutory(chn):
    row = chn.loc["1C980"]
    assert "statutory short-supply" in row["tier_reason"] and row["decided_by"] == "statute" and not row["tier_floor"]


def test_5a992_is_split_from_its_advanced_computing_paragraphs(chn):
    assert chn.loc["5A992", "tier"] == "foundational" and chn.loc["5A992", "tier_floor"]
    rest = chn.loc["5A992-rest"]
    assert rest["reasons"] == "AT1" and rest["instruments"] == "meu_removal"
    assert rest["tier"] == "foundational" and "military end uses" in rest["tier_reason"]  # 744.21 only


def test_overrides_cannot_lower_the_floor_or_make_nlr_items_candidates(tmp_path):
    import shutil

    from optimizer.paths import SHIPPED_DATA_DIR

    data = tmp_path / "data"
    (data / "policy").mkdir(parents=True)
    (data / "policy" / "tier_overrides.csv").write_text(
        "eccn,tier,reason,author,date\n3A090,legacy,trade it,ana,2026-12-01\n1A995,transactional,x,ana,2026-12-01\n"
        "0A501,transactional,y,ana,2026-12-01\n",
        encoding="utf-8",
    )
    shutil.copy(SHIPPED_DATA_DIR / "ccl.csv", data / "ccl.csv")
    t = build_item_table(load_dataset(data), "CHN").set_index("eccn")
    assert t.loc["3A090", "tier"] == "foundational" and t.loc["1A995", "tier"] == "nlr"
    assert t.loc["0A501", "tier"] == "foundational"
    warnings = " ".join(t.attrs["warnings"])
    assert "3A090 to legacy ignored" in warnings and "1A995 to transactional ignored" in warnings
    assert "0A501 to transactional ignored" in warnings


def test_risk_rests_on_the_binding_reasons(chn):
    assert chn.loc["9A991", "risk_base"] == pytest.approx(0.8)  # military end use, not AT1 + UN
    assert chn.loc["2B001-rest", "risk_base"] == pytest.approx(0.5)  # NS2 only
