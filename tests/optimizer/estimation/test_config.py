"""EstimationConfig: defaults, JSON round-trip, merge semantics, validation naming the bad key."""

from __future__ import annotations

import json

import pytest

from optimizer.errors import DecontrolError
from optimizer.estimation.config import EstimationConfig


def test_defaults_and_round_trip():
    c = EstimationConfig()
    d = c.to_dict()
    assert d["risk_weights"]["NS1"] == 1.0 and d["risk_weights"]["AT"] == 0.05
    assert d["value_method"] == "gap"
    again = EstimationConfig.from_dict(json.loads(json.dumps(d)))
    assert again == c
    assert hash(again) == hash(c)


def test_mapping_settings_merge_one_key():
    c = EstimationConfig.from_dict({"risk_weights": {"NS2": 0.7}})
    assert c.risk_weights["NS2"] == 0.7
    assert c.risk_weights["NS1"] == 1.0
    assert c != EstimationConfig() and hash(c) != hash(EstimationConfig())


def test_replace_validates():
    c = EstimationConfig().replace(value_method="baseline", baseline_year=2019)
    assert (c.value_method, c.baseline_year) == ("baseline", 2019)


def test_config_is_immutable():
    c = EstimationConfig()
    with pytest.raises(TypeError):
        c.risk_weights["NS1"] = 0.0  # type: ignore[index]


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"no_such": 1}, "unknown estimation setting 'no_such'"),
        ({"risk_weights": {"NS1": "high"}}, "'risk_weights.NS1' must be a number"),
        ({"risk_weights": {"NS1": -1}}, "'risk_weights.NS1' must be >= 0"),
        ({"value_method": "magic"}, "'value_method' must be one of gap, baseline"),
        ({"value_method": "baseline"}, "'baseline_year' is required"),
        ({"fa_weights": {"capacity": 0.9}}, "'fa_weights' must sum to 1"),
        ({"fa_weights": {"bogus": 0.1}}, "'fa_weights' must be one of"),
        ({"min_supplier_share": 2}, "'min_supplier_share' must be <= 1"),
        ({"fa_risk_reduction": True}, "'fa_risk_reduction' must be a number"),
        ({"controlled_share_by_confidence": {"high": 1.5}}, "'controlled_share_by_confidence.high' must be <= 1"),
        ({"remainder_tier": "legacy"}, "'remainder_tier' must be one of"),
        ({"year": 2024.5}, "'year' must be a whole number"),
        ({"legacy_reasons": "AT"}, "'legacy_reasons' must be a list"),
        ({"fa_supplier_target": 0}, "'fa_supplier_target' must be >= 1"),
    ],
)
def test_bad_settings_name_the_key(changes, words):
    with pytest.raises(DecontrolError) as exc:
        EstimationConfig.from_dict(changes)
    assert words in exc.value.message


def test_json_file(tmp_path):
    p = tmp_path / "c.json"
    p.write_text('{"fa_risk_reduction": 0.8}', encoding="utf-8")
    assert EstimationConfig.from_json_file(p).fa_risk_reduction == 0.8
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(DecontrolError, match="not valid JSON"):
        EstimationConfig.from_json_file(p)
    with pytest.raises(DecontrolError, match="does not exist"):
        EstimationConfig.from_json_file(tmp_path / "missing.json")
    p.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DecontrolError, match="JSON object"):
        EstimationConfig.from_json_file(p)


def test_risk_weight_lookup_exact_then_family_then_unknown():
    c = EstimationConfig()
    assert c.risk_weight("NS2") == 0.5  # exact
    assert c.risk_weight("CB3") == 1.0  # family CB
    assert c.risk_weight("CC2") == 0.2  # family CC
    assert c.risk_weight("RS_XY") == 0.6  # family RS (bare RS weight)
    assert c.risk_weight("ZZ") == c.unknown_reason_weight
