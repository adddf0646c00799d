"""Scenario validation names the bad field; dicts and JSON round-trip."""

from __future__ import annotations

import json

import pytest

from optimizer.errors import DecontrolError
from optimizer.model.scenario import CategoryCap, ModeParams, Scenario, read_scenario_json, with_overrides


def test_defaults_and_round_trip():
    sc = Scenario.from_dict(
        {
            "target_usd": 2e9,
            "objective": "max-value",
            "min_fa": 0.5,
            "max_items": 4,
            "modes": ["approval", "lift"],
            "mode_params": {"exception": {"value_share": 0.6}},
            "locks": ["2b991"],
            "forced": ["4A994-rest"],
            "risk_budget": 3,
            "category_caps": {"3": {"max_items": 2}},
            "allow_opposed": True,
            "ally_penalty": 0.5,
            "allies": ["gbr"],
            "solver": "highs",
            "partner": "chn",
        }
    )
    assert sc.modes == ("lift", "approval")  # canonical order
    assert sc.mode_params["exception"] == ModeParams(0.6, 0.5)
    assert sc.mode_params["lift"] == ModeParams(1.0, 1.0)
    assert sc.locks == ("2B991",) and sc.forced == ("4A994-rest",)
    assert sc.category_caps == {"3": CategoryCap(max_items=2)}
    assert sc.allies == ("GBR",) and sc.partner == "CHN"
    again = Scenario.from_dict(json.loads(json.dumps(sc.to_dict())))
    assert again == sc


@pytest.mark.parametrize(
    "field,value,words",
    [
        ("target_usd", -1, "target_usd"),
        ("target_usd", "lots", "target_usd"),
        ("target_usd", float("inf"), "target_usd"),
        ("objective", "max-fun", "objective"),
        ("modes", ["lift", "waiver"], "modes"),
        ("modes", [], "modes"),
        ("solver", "gurobi", "solver"),
        ("min_fa", 1.5, "min_fa"),
        ("max_items", 2.5, "max_items"),
        ("risk_budget", -0.1, "risk_budget"),
        ("mode_params", {"lift": {"value_share": 0}}, "mode_params"),
        ("category_caps", {"X": {"max_items": 1}}, "category_caps"),
        ("category_caps", {"3": {"max_value_share": 2}}, "category_caps"),
        ("allies", ["UK1"], "allies"),
        ("allow_opposed", "maybe", "allow_opposed"),
        ("time_limit_s", 0, "time_limit_s"),
        ("rel_gap", True, "rel_gap"),
        ("colour", "red", "unknown field"),
    ],
)
def test_bad_fields_are_named(field, value, words):
    with pytest.raises(DecontrolError) as exc:
        Scenario.from_dict({field: value})
    text = exc.value.render()
    assert words in text


def test_lock_and_force_clash():
    with pytest.raises(DecontrolError, match="both locked and forced"):
        Scenario.from_dict({"locks": ["2B991"], "forced": ["2B991"]})


def test_several_problems_listed_together():
    with pytest.raises(DecontrolError) as exc:
        Scenario.from_dict({"target_usd": -5, "objective": "nope"})
    assert "2 problems" in exc.value.message and len(exc.value.details) == 2


def test_overrides_are_validated():
    base = Scenario.from_dict({"target_usd": 1e9, "max_items": 3})
    sc = with_overrides(base, {"target_usd": 2e9, "max_items": None, "modes": "full,exception"})
    assert sc.target_usd == 2e9 and sc.max_items == 3 and sc.modes == ("lift", "exception")
    with pytest.raises(DecontrolError, match="min_fa"):
        with_overrides(base, {"min_fa": "abc"})


def test_scenario_file(tmp_path):
    p = tmp_path / "s.json"
    p.write_text("\ufeff" + json.dumps({"target_usd": 1e9, "modes": ["lift"]}), encoding="utf-8")
    assert Scenario.from_json_file(p).target_usd == 1e9
    stored = tmp_path / "stored.json"
    stored.write_text(json.dumps({"format": "decontrol-scenario", "inputs": {"scenario": {"target_usd": 5}}}))
    assert read_scenario_json(stored) == {"target_usd": 5}
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(DecontrolError, match="not valid JSON"):
        read_scenario_json(bad)
    with pytest.raises(DecontrolError, match="no such scenario file"):
        read_scenario_json(tmp_path / "missing.json")
