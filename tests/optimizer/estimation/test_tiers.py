"""Each tier rule on a hand-made CCL, sub-items, partner bars and overrides."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.errors import DecontrolError
from optimizer.estimation.config import EstimationConfig
from optimizer.estimation.tiers import apply_tier_overrides, assign_tiers, family_of, item_ids, rule_tier

CFG = EstimationConfig()


@pytest.fixture()
def tiers(ds):
    return assign_tiers(ds.ccl, item_ids(ds.ccl, ds.concordance), CFG).set_index("eccn")


@pytest.mark.parametrize(
    "eccn, tier, words",
    [
        ("9A005", "foundational", "ITAR placeholder"),
        ("0A606", "foundational", "military 600-series"),
        ("2B001", "foundational", "WMD reason NP1 (NSG) on some paragraphs"),
        ("2B006", "foundational", "WMD reason NP1 (NSG)"),
        ("1C350", "foundational", "WMD reasons CB2 (Australia Group), CW (CWC)"),
        ("1C011", "foundational", "MT1 (MTCR)"),
        ("4A001", "foundational", "NP (NSG)"),  # bare NP: read as the WMD column
        ("3A090", "foundational", "chokepoint control: advanced-computing"),
        ("3B001", "foundational", "chokepoint control: semiconductor manufacturing equipment"),
        ("5A992", "foundational", "chokepoint reason RS_AC"),  # RS_AC on .z paragraphs only
        ("1A102", "foundational", "reasons unknown (2026 heading only); MTCR range"),
        ("2B991", "legacy", "anti-terrorism only (AT1)"),
        ("4A994", "legacy", "anti-terrorism only"),
        ("9A991", "legacy", "UN binds only on embargoed"),
        ("2A290", "legacy", "NP2-only civil nuclear"),
        ("1C992", "legacy", "RS_IQ, RU, FP bind only"),
        ("6A003", "foundational", "not a legacy pattern (NS1, RS1): held out of packages until an analyst tags it"),
        ("0A978", "foundational", "(CC1)"),
    ],
)
def test_rule_tiers(tiers, eccn, tier, words):
    row = tiers.loc[eccn]
    assert row["tier"] == tier
    assert words in row["tier_reason"]
    assert row["tier_source"] == "rule"


def test_every_ccl_entry_and_sub_item_gets_a_tier(ds, tiers):
    assert set(ds.ccl["eccn"]) | {"2B001-rest"} == set(tiers.index)
    assert tiers["tier"].isin(["foundational", "transactional", "legacy"]).all()


def test_rest_sub_item_tier_from_remaining_paragraphs(tiers):
    rest = tiers.loc["2B001-rest"]
    assert rest["base_eccn"] == "2B001"
    assert rest["item_reasons"] == "NS2;AT1"
    assert rest["tier"] == "legacy"
    assert "paragraphs of 2B001 outside NP1" in rest["tier_reason"]
    assert tiers.loc["2B001", "tier"] == "foundational"  # the parent stays foundational as a whole


def test_rest_of_an_entry_whose_wmd_reason_covers_everything_stays_foundational(make_ds, make_ccl):
    conc = pd.DataFrame(
        {
            "eccn": ["2B006-rest", "5A992-rest"],
            "hs6": ["845891", "847130"],
            "confidence": ["high", "high"],
            "controlled_share": [0.1, 0.1],
            "rationale": ["t", "t"],
        }
    )
    ds = make_ds(concordance=conc)
    t = assign_tiers(ds.ccl, item_ids(ds.ccl, ds.concordance), CFG).set_index("eccn")
    assert t.loc["2B006-rest", "tier"] == "foundational"
    assert "cover the entire entry" in t.loc["2B006-rest", "tier_reason"]
    # the RS_AC control of 5A992 reaches only the .z paragraphs: the rest is AT-only legacy
    assert t.loc["5A992-rest", "tier"] == "legacy"
    assert t.loc["5A992-rest", "item_reasons"] == "AT1"


def test_sub_items_of_unknown_entries_are_not_items(make_ds):
    conc = pd.DataFrame(
        {
            "eccn": ["7A999-rest"],
            "hs6": ["845891"],
            "confidence": ["high"],
            "controlled_share": [0.1],
            "rationale": ["t"],
        }
    )
    ds = make_ds(concordance=conc)
    assert "7A999-rest" not in set(item_ids(ds.ccl, ds.concordance)["eccn"])


def test_remainder_tier_is_a_setting(ds):
    cfg = CFG.replace(remainder_tier="transactional")
    t = assign_tiers(ds.ccl, item_ids(ds.ccl, ds.concordance), cfg).set_index("eccn")
    assert t.loc["6A003", "tier"] == "transactional"
    assert "neither foundational nor a legacy pattern (NS1, RS1)" in t.loc["6A003", "tier_reason"]
    assert t.loc["2B991", "tier"] == "legacy"


def test_partner_bar_makes_crime_control_items_foundational_for_china_only(ds):
    ids = item_ids(ds.ccl, ds.concordance)
    cfg = CFG.replace(remainder_tier="transactional")
    chn = assign_tiers(ds.ccl, ids, cfg, partner="CHN").set_index("eccn")
    jpn = assign_tiers(ds.ccl, ids, cfg, partner="JPN").set_index("eccn")
    assert chn.loc["0A978", "tier"] == "foundational"
    assert "CC1 barred for CHN: Tiananmen sanctions" in chn.loc["0A978", "tier_reason"]
    assert jpn.loc["0A978", "tier"] == "transactional"


def test_overrides_replace_the_rule_and_show_who_and_why(ds):
    ov = pd.DataFrame(
        [
            ("2B991", "foundational", "bargaining chip held back", "A. Analyst", "2025-05-01"),
            ("6A003", "legacy", "broad availability", "B. Analyst", "2025-05-02"),
            ("9Z999", "legacy", "stale row", "C", "2025-01-01"),
        ],
        columns=["eccn", "tier", "reason", "author", "date"],
    )
    t = assign_tiers(ds.ccl, item_ids(ds.ccl, ds.concordance), CFG, overrides=ov)
    warnings = t.attrs["warnings"]
    t = t.set_index("eccn")
    row = t.loc["2B991"]
    assert (row["tier"], row["tier_source"], row["rule_tier"]) == ("foundational", "override", "legacy")
    assert "bargaining chip held back" in row["tier_reason"]
    assert "A. Analyst, 2025-05-01" in row["tier_reason"]
    assert "rule said legacy" in row["tier_reason"]
    assert t.loc["6A003", "tier"] == "legacy"
    assert t.loc["4A994", "tier_source"] == "rule"
    assert warnings == ["tier override for 9Z999 ignored: no such item"]


def test_override_with_a_bad_tier_is_a_clear_error(ds):
    ov = pd.DataFrame(
        [("2B991", "maybe", "x", "y", "2025-01-01")], columns=["eccn", "tier", "reason", "author", "date"]
    )
    t = assign_tiers(ds.ccl, item_ids(ds.ccl, ds.concordance), CFG)
    with pytest.raises(DecontrolError) as exc:
        apply_tier_overrides(t, ov)
    assert "row 2" in exc.value.render() and "'maybe'" in exc.value.render()


def test_rule_tier_order_military_before_wmd():
    tier, why = rule_tier(
        "9A610", ("NS1", "MT1"), military=True, itar_placeholder=False, has_reasons=True, wmd_scope="entire", config=CFG
    )
    assert (tier, why) == ("foundational", "military 600-series entry (moved from the USML)")


def test_family():
    assert family_of("2B001") == "2x001"
    assert family_of("2B001-rest") == "2x001"
    assert family_of("4E993") == "4x993"
