"""The item table on the shipped data: policy invariants a negotiator relies on."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.data.load import load_dataset
from optimizer.data.schema import PARTNERS
from optimizer.estimation import EstimationConfig, build_item_table
from optimizer.estimation.reasons import is_chokepoint_reason, is_wmd, parse_reasons

CFG = EstimationConfig()


@pytest.fixture(scope="module")
def shipped():
    return load_dataset()


@pytest.fixture(scope="module")
def chn(shipped):
    return build_item_table(shipped, "CHN")


def test_every_eccn_has_a_tier(shipped, chn):
    assert set(shipped.ccl["eccn"]) <= set(chn["eccn"])
    assert chn["tier"].isin(["foundational", "transactional", "legacy", "nlr"]).all()
    assert chn["tier_reason"].str.len().gt(0).all()


def test_wmd_military_and_chokepoint_items_are_foundational(shipped, chn):
    base = chn[~chn["eccn"].str.contains("-")]
    entry_reasons = base["eccn"].map(dict(zip(shipped.ccl["eccn"], shipped.ccl["reasons"]))).map(parse_reasons)
    wmd = entry_reasons.map(lambda rs: any(is_wmd(r, CFG) for r in rs))
    choke = entry_reasons.map(lambda rs: any(is_chokepoint_reason(r, CFG) for r in rs))
    military = base["eccn"].str[2].isin(["5", "6"])
    x090 = base["eccn"].str[2:].isin(["090", "091"])
    listed = base["eccn"].isin(list(CFG.chokepoints))
    assert wmd.sum() > 200 and military.sum() > 80 and choke.sum() > 10
    must = wmd | choke | military | x090 | listed
    # foundational, or needing no licence to China at all (e.g. 0E502: CC2 has no X for China)
    wrong = base.loc[must & ~base["tier"].isin(["foundational", "nlr"]), "eccn"].tolist()
    assert wrong == []
    # sub-items carry only the reasons of their remaining paragraphs: none of them WMD or chokepoint
    for rs, tier in zip(chn["reasons"].map(parse_reasons), chn["tier"]):
        if any(is_wmd(r, CFG) or is_chokepoint_reason(r, CFG) for r in rs):
            assert tier in ("foundational", "nlr")


def test_at_only_classics_need_a_licence_to_china_only_for_military_end_uses(chn):
    """The classic 9xx "legacy" entries need no item licence to China; what remains is the military
    end-use rule (744.21), whose relief would reach military end users: not legacy by default."""
    t = chn.set_index("eccn")
    for eccn in ("2B991", "4A994", "3A991", "9A991"):
        assert t.loc[eccn, "licence_required"] == "end_use_only", eccn
        assert t.loc[eccn, "tier"] == "foundational" and "744.21" in t.loc[eccn, "tier_reason"], eccn
        assert t.loc[eccn, "instruments"] == "meu_removal" and not t.loc[eccn, "tier_floor"]


def test_figures_finite_and_in_range(chn):
    known = chn["value_usd"].dropna()
    assert np.isfinite(known).all() and (known >= 0).all()
    assert np.isfinite(chn["risk"]).all() and (chn["risk"] >= 0).all()
    assert chn["fa_score"].between(0, 1).all()
    soft = chn["group"].isin(["D", "E"]) & ~chn["value_override"]
    assert chn.loc[soft & (chn["tier"] != "nlr"), "value_usd"].isna().all()
    assert (chn.loc[soft & (chn["tier"] == "nlr"), "value_usd"] == 0).all()  # nothing to relieve


def test_dozens_of_legacy_items_have_value_for_china(chn):
    legacy = chn[(chn["tier"] == "legacy") & (chn["value_usd"] > 0)]
    assert len(legacy) >= 24


@pytest.mark.parametrize("partner", PARTNERS)
def test_every_focus_partner_builds(shipped, partner):
    t = build_item_table(shipped, partner)
    assert len(t) >= 637 and t["fa_score"].between(0, 1).all()
    assert (t["value_usd"].dropna() >= 0).all()
