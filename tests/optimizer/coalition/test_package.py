"""Coalition mode end to end: hand-computed gains, both packages side by side, shipped-data policy."""

from __future__ import annotations

import json

import pytest

from optimizer.coalition import coalition_package
from optimizer.errors import DecontrolError
from optimizer.model.scenario import Scenario

S = 650 / 1900
DEU_2B991 = round((150 - 300 * S) * 0.5, 2)


def test_gains_by_hand_and_allies_gain_nothing_from_us_unilateral_relief(ds):
    # the hand-made chart binds every column on CHN (conftest.binding_chart), so US values are the potentials (2B991 15, 4A994 5, 9A991 7.5) x China's blocked share 0.301;
    # JPN and DEU do not control 9xx entries (US-unilateral): relief gives them nothing.
    r = coalition_package(ds, "CHN", ["JPN", "DEU"], Scenario(risk_budget=0.41, rel_gap=0.0, min_fa=0.0))
    assert r.status == "optimal" and r.members == ["USA", "JPN", "DEU"]
    g = {m.member: m for m in r.member_gains}
    assert g["USA"].potential_usd == pytest.approx(0.301 * (15 + 5 + 7.5), abs=0.02)
    assert g["JPN"].potential_usd == 0.0 and g["DEU"].potential_usd == 0.0
    assert sum("gains nothing from any eligible item" in w for w in r.warnings) == 2
    # UN does not bind on China, so 9A991 carries only its AT risk and all three fit the budget
    assert r.coalition.item_ids() == ["2B991", "4A994", "9A991"] == r.us_only.item_ids()
    assert r.coalition.risk_used <= 0.41
    line = r.coalition.items[0]
    assert line.values_usd["JPN"] == 0.0 and line.values_usd["DEU"] == 0.0


def test_exclusions_name_their_reasons_and_to_dict_is_strict_json(ds):
    r = coalition_package(ds, "CHN", ["JPN", "DEU"], Scenario(risk_budget=0.1, rel_gap=0.0, min_fa=0.0))
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    reasons = {e["eccn"]: e["reason"] for e in d["coalition"]["excluded"]}
    assert reasons["2B001"] == reasons["3A090"] == "foundational"
    assert reasons["4D994"] == "value_unknown"
    assert reasons["4A994"] == "not_needed"  # does not fit the budget
    assert d["coalition"]["excluded_counts"]["foundational"] == 2
    assert d["synthetic"] is True and d["notes"]["data"].startswith("SYNTHETIC")
    assert d["min_relative_gain"] == d["coalition"]["min_relative_gain"]
    assert next(s["step"] for s in d["coalition"]["steps"]) == "max-min relative gain"
    assert d["us_only"]["steps"][0]["step"] == "max US value (US$ m)"
    assert d["scenario"]["risk_budget"] == 0.1 and d["scenario"]["modes"] == ["lift", "meu_removal"]


def test_members_positions_screen_the_coalition_not_the_us_only_package(ds):
    """The US-only optimum silently took the allies' oppositions (so it was no US-only package)."""
    sc = Scenario(risk_budget=0.41, rel_gap=0.0, min_fa=0.0)
    r = coalition_package(
        ds, "CHN", ["JPN", "DEU"], sc, positions={"JPN": {"9A991": "oppose"}, "GBR": {"2B991": "oppose"}}
    )
    alone = coalition_package(ds, "CHN", ["JPN", "DEU"], sc)
    assert "9A991" not in r.coalition.item_ids()
    assert r.us_only.item_ids() == alone.us_only.item_ids() and "9A991" in r.us_only.item_ids()
    assert any(
        w.startswith("the US-only package does not apply the allies' positions") and "9A991 (opposed by JPN)" in w
        for w in r.warnings
    )
    assert {"eccn": "9A991", "reason": "ally_opposes", "detail": "opposed by JPN"} in r.coalition.excluded
    assert "2B991" in r.coalition.item_ids()  # GBR is not a member: its position does not count
    assert any("positions of GBR ignored" in w for w in r.warnings)


def test_infeasible_is_a_status_not_an_exception(ds):
    r = coalition_package(ds, "CHN", ["JPN"], Scenario(risk_budget=0.01, forced=["9A991"], min_fa=0.0))
    assert r.status == "infeasible" and not r.found and r.coalition.items == []
    assert r.us_only.status == "infeasible"
    json.dumps(r.to_dict(), allow_nan=False)


def test_nothing_eligible_is_an_empty_package_with_reasons(ds):
    r = coalition_package(ds, "CHN", ["JPN", "DEU"], Scenario(risk_budget=1, min_fa=0.99))
    assert r.status == "optimal" and r.coalition.items == [] and r.us_only.items == []
    assert r.min_relative_gain is None
    assert r.coalition.excluded_counts() == {"foundational": 2, "fa_below_threshold": 4}
    assert sum("gains nothing from any eligible item" in w for w in r.warnings) == 3


def test_bad_input(ds):
    with pytest.raises(DecontrolError, match="risk budget"):
        coalition_package(ds, "CHN", ["JPN"], Scenario())
    with pytest.raises(DecontrolError, match="foundational"):
        coalition_package(ds, "CHN", ["JPN"], Scenario(risk_budget=5, forced=["2B001"]))
    with pytest.raises(DecontrolError, match="unknown partner"):
        coalition_package(ds, "XXX", ["JPN"], Scenario(risk_budget=5))


@pytest.mark.parametrize("budget", [0.5, 1.0])
def test_shipped_data_never_touches_foundational_items_and_compares_fairly(budget):
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    ds = load_dataset()
    r = coalition_package(
        ds, "CHN", ["USA", "JPN", "NLD", "GBR"], Scenario(risk_budget=budget, rel_gap=0.0, min_fa=0.0)
    )
    tier = build_item_table(ds, "CHN").set_index("eccn")["tier"]
    for side in (r.coalition, r.us_only):
        assert side.status == "optimal" and side.items
        assert not any(tier[i] == "foundational" for i in side.item_ids())
        assert side.risk_used <= budget + 1e-9
        for m in r.members:  # gains are the sums of the items' values
            assert side.gains_usd[m] == pytest.approx(sum(i.values_usd[m] or 0.0 for i in side.items), abs=0.05)
    # the US-only package is feasible for the max-min and vice versa: each wins on its own objective
    assert r.coalition.min_relative_gain >= r.us_only.min_relative_gain - 1e-6
    assert r.us_only.gains_usd["USA"] >= r.coalition.gains_usd["USA"] * (1 - 1e-6)
    assert r.synthetic and r.proxied == ["JPN", "NLD", "GBR"]
