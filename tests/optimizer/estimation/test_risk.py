"""Risk formula on hand-computed cases."""

from __future__ import annotations

import pytest

from optimizer.estimation import EstimationConfig, build_item_table
from optimizer.estimation.risk import risk_after_fa, risk_base, risk_formula

C = EstimationConfig()


def test_max_plus_aggregation():
    # NS1 1.0, NS2 0.5, RS1 0.6, AT1 0.05 -> 1.0 + 0.25 x 1.15
    assert risk_base(("NS1", "NS2", "RS1", "AT1"), C) == pytest.approx(1.2875)
    assert risk_base(("AT1",), C) == pytest.approx(0.05)


def test_sum_aggregation_is_a_setting():
    c = C.replace(risk_aggregation="sum")
    assert risk_base(("NS1", "NS2", "RS1", "AT1"), c) == pytest.approx(2.15)


def test_unknown_reasons_get_the_cautious_default():
    assert risk_base((), C) == C.unknown_reasons_risk


def test_fa_reduces_risk():
    assert list(risk_after_fa([1.0, 1.0, 2.0], [0.0, 1.0, 0.5], C)) == pytest.approx([1.0, 0.5, 1.5])
    c = C.replace(fa_risk_reduction=0.0)
    assert list(risk_after_fa([1.0], [1.0], c)) == [1.0]


def test_item_risk_in_the_table(ds):
    t = build_item_table(ds, "CHN").set_index("eccn")
    assert t.loc["6A003", "risk_base"] == pytest.approx(1.2875)
    r = t.loc["2B991"]
    assert r["risk"] == pytest.approx(r["risk_base"] * (1 - 0.5 * r["fa_score"]), abs=1e-6)
    # the rest sub-item of 2B001 weighs only its remaining reasons NS2, AT1: 0.5 + 0.25 x 0.05
    assert t.loc["2B001-rest", "risk_base"] == pytest.approx(0.5125)


def test_changed_weight_changes_risk(ds):
    t = build_item_table(ds, "CHN", config=C.replace(risk_weights={"AT": 0.5})).set_index("eccn")
    assert t.loc["4A994", "risk_base"] == pytest.approx(0.5)


def test_formula_text():
    f = risk_formula(("NS1", "AT1"), 0.5, C)
    # 1.0 + 0.25 x 0.05 = 1.0125; x (1 - 0.5 x 0.5) = 0.759
    assert "max(NS1 1.00, AT1 0.05) + 0.25 x 0.05 = 1.012" in f and f.endswith("= 0.759")
