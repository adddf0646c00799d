"""The explanation of one item shows the same figures the table was built from."""

from __future__ import annotations

import json

import pytest

from optimizer.errors import DecontrolError
from optimizer.estimation import build_item_table, explain_item


def test_explanation_matches_the_table(ds):
    ex = explain_item(ds, "2B991", "CHN")
    row = build_item_table(ds, "CHN").set_index("eccn").loc["2B991"]
    assert ex.item["value_usd"] == pytest.approx(row["value_usd"])
    assert ex.value_breakdown["value_usd"].sum() == pytest.approx(row["potential_usd"], abs=0.01)
    assert ex.item["fa_score"] == pytest.approx(row["fa_score"])
    sup = ex.suppliers.set_index("exporter")
    assert sup["share"].sum() == pytest.approx(1.0)
    assert sup.loc["CHN", "role"] == "partner" and sup.loc["USA", "role"] == "US"
    assert sup.loc["DEU", "role"] == "non-regime"  # a US-unilateral control has no regime partners
    assert ex.paragraphs == [{"reason": "AT1", "applies_to": "entire entry", "chart": "AT Column 1"}]
    assert "partner imports from world x US share" in ex.value_formula
    assert "0.5 x min(1, non-regime share / 0.5)" in ex.fa_formula
    assert ex.risk_formula.startswith("risk_base AT1 0.05 = 0.050; risk = 0.050 x (1 - 0.5 x FA 0.75)")
    assert "every supplier other than the US and CHN" in ex.fa_formula


def test_regime_roles_and_json(ds):
    ex = explain_item(ds, "2B001", "CHN")
    roles = dict(zip(ex.suppliers["exporter"], ex.suppliers["role"]))
    assert roles["DEU"] == "regime member" and roles["TWN"] == "non-regime"
    d = json.loads(json.dumps(ex.to_dict()))
    assert d["item"]["eccn"] == "2B001" and d["value_breakdown"][0]["hs6"] == "845891"


def test_unknown_value_explained(ds):
    ex = explain_item(ds, "4d994", "CHN")  # case-insensitive
    assert ex.item["eccn"] == "4D994"
    assert ex.item["value_usd"] != ex.item["value_usd"]  # NaN
    assert ex.to_dict()["item"]["value_usd"] is None


def test_unknown_eccn_suggests_close_ones(ds):
    with pytest.raises(DecontrolError, match=r"unknown ECCN '2B99': did you mean .*2B991"):
        explain_item(ds, "2B99", "CHN")
