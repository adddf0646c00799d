"""The largest achievable value is exact or labelled and never contradicted by the same result; an
infeasible result names the binding reason per item."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

import optimizer.model.achievable as ach_mod
from optimizer.model import Scenario, compute_frontier, solve_package
from optimizer.model.achievable import Achievable


@pytest.mark.parametrize("seed", range(600, 630))
def test_largest_achievable_is_exact_and_never_below_the_package(seed, instance, brute):
    table, d = instance(seed, feasible_bias=1.0)
    d = d | {"rel_gap": 0.001, "risk_budget": d.get("risk_budget") or 1.5}  # a budget: no closed form
    sc = Scenario.from_dict(d)
    res = solve_package(table, sc, with_marginal=False)
    top = brute(table, sc, objective="max-value", target=0.0)
    if top is None:
        assert res.max_achievable_usd is None and res.max_achievable_proven is None
        return
    assert res.max_achievable_proven is True and res.max_achievable_note.startswith("exact")
    assert math.isclose(res.max_achievable_usd, -top.objective[0], rel_tol=1e-9, abs_tol=0.05)
    assert res.max_achievable_bound_usd == pytest.approx(res.max_achievable_usd, abs=0.01)
    if res.found:
        assert res.achieved_usd <= res.max_achievable_usd + 0.01


def _unproven(monkeypatch):
    """The max-value solve stops with a package 1% below its bound (as a time limit would leave it)."""
    real = ach_mod.solve_model

    def stopped(m, **kw):
        out = real(m, **kw)
        return replace(out, status="feasible", bound=out.objective * 1.01, gap=0.01)

    monkeypatch.setattr(ach_mod, "solve_model", stopped)


def test_unproven_largest_achievable_is_a_labelled_range(monkeypatch, small_table):
    _unproven(monkeypatch)
    sc = Scenario.from_dict({"target_usd": 1.0e9, "risk_budget": 0.5, "modes": ["lift", "exception"]})
    res = solve_package(small_table, sc, with_marginal=False)
    d = res.to_dict()
    assert d["max_achievable_proven"] is False
    assert d["max_achievable_usd"] < d["max_achievable_bound_usd"]
    assert "at least" in d["max_achievable_note"] and "at most" in d["max_achievable_note"]
    assert res.found and res.achieved_usd <= d["max_achievable_usd"] + 0.01  # never contradicted
    fr = compute_frontier(small_table, sc, points=4).to_dict()
    assert fr["max_achievable_proven"] is False and fr["max_achievable_bound_usd"] >= fr["max_achievable_usd"]
    assert all(p["achieved_usd"] is None or p["achieved_usd"] <= fr["max_achievable_usd"] + 0.01 for p in fr["points"])


def test_unproven_range_in_the_infeasible_diagnosis(monkeypatch, small_table):
    _unproven(monkeypatch)
    sc = Scenario.from_dict({"target_usd": 3.0e9, "risk_budget": 0.5, "modes": ["lift", "exception"]})
    res = solve_package(small_table, sc, with_marginal=False)
    assert res.status == "infeasible"
    diag = res.diagnosis
    assert diag["max_achievable_proven"] is False
    assert diag["max_achievable_usd"] <= diag["max_achievable_bound_usd"] <= 3.0e9
    assert "no package exceeds" in diag["message"]


def test_a_package_raises_the_figure():
    a = Achievable(100.0, 120.0, False, "HiGHS")
    a.raise_low(110.0, {"2B991": "lift"})
    assert (a.low_usd, a.high_usd, a.proven, a.choices) == (110.0, 120.0, False, {"2B991": "lift"})
    a.raise_low(125.0)
    assert a.low_usd == a.high_usd == 125.0 and a.proven


def _table(rows):
    return pd.DataFrame([{"tier": "legacy", "fa_score": 0.5} | r for r in rows])


def test_infeasible_names_the_binding_reason_per_item():
    t = _table(
        [
            {"eccn": "2B991", "value_usd": 1.0e9, "risk": 1.0},
            {"eccn": "3A991", "value_usd": 0.8e9, "risk": 1.0},
            {"eccn": "4A994", "value_usd": 0.5e9, "risk": 0.4},
            {"eccn": "5A991", "value_usd": 0.0, "risk": 0.1},
        ]
    )
    res = solve_package(
        t, Scenario.from_dict({"target_usd": 2e9, "risk_budget": 1.5, "modes": ["lift"]}), with_marginal=False
    )
    assert res.status == "infeasible"
    why = {e.eccn: e for e in res.excluded}
    assert why["2B991"].reason == why["4A994"].reason == "short_of_target"
    assert "US$1,500,000,000.00" in why["2B991"].detail and "US$500,000,000.00 short" in why["2B991"].detail
    assert why["3A991"].reason == "risk_budget" and "1.4 of 1.5" in why["3A991"].detail
    # not "not needed": no package meets the target, so nothing of value is surplus
    assert why["5A991"].reason == "no_value" and why["5A991"].detail == "adds no concession value"
    assert not any("lower cost" in e.detail for e in res.excluded)
    from optimizer.model.diagnose import diagnosis_lines

    d = res.to_dict()
    assert diagnosis_lines(d) == [
        "Largest achievable target: $1.50bn a year, under the other constraints.",
        "Binding rule: the risk budget. Lift the risk budget to reach up to $2.3bn.",
    ]
    assert "largest achievable target under the other constraints is $1.50bn" in d["diagnosis"]["message"]
    assert "risk_budget:" not in d["diagnosis"]["message"]
    ally = {k: v for k, v in d.items() if k in ("status", "target_usd", "achieved_usd", "max_achievable_usd")}
    assert diagnosis_lines(ally) == diagnosis_lines(d)[:1]
    assert (
        diagnosis_lines(
            solve_package(t, Scenario.from_dict({"target_usd": 1e9, "modes": ["lift"]}), with_marginal=False).to_dict()
        )
        == []
    )


@pytest.mark.parametrize(
    "value,floor,text",
    [
        (6353764.59, 6.35e6, "$6.35m"),
        (11105221.26, 11.1e6, "$11.1m"),
        (2.479e9, 2.47e9, "$2.47bn"),
        (125520.92, 125e3, "$125k"),
        (1e6, 1e6, "$1.00m"),
        (0.0, 0.0, "$0"),
    ],
)
def test_the_largest_target_is_rounded_down_and_prints_as_rounded(value, floor, text):
    from optimizer.formatting import floor_significant, fmt_usd_significant

    assert floor_significant(value) == pytest.approx(floor) and floor_significant(value) <= value
    assert fmt_usd_significant(floor_significant(value)) == text


def test_infeasible_reasons_for_limits_nesting_and_coherence():
    t = _table(
        [
            {"eccn": "4A994", "value_usd": 1.0e9, "risk": 0.5},
            {"eccn": "4A994-rest", "value_usd": 0.9e9, "risk": 0.4},
            {"eccn": "2B991", "value_usd": 0.7e9, "risk": 0.5},
            {"eccn": "2B992", "value_usd": 0.6e9, "risk": 0.5},
            {"eccn": "2E991", "value_usd": 0.5e9, "risk": 0.1},
        ]
    )
    sc = Scenario.from_dict({"target_usd": 5e9, "category_caps": {"2": {"max_items": 1}}, "max_items": 3})
    res = solve_package(t, sc, with_marginal=False)
    assert res.status == "infeasible"
    why = {e.eccn: e.reason for e in res.excluded}
    assert why["4A994-rest"] == "nesting" and why["4A994"] == "short_of_target"
    assert why["2B992"] == "category_caps"
    assert set(why.values()) <= {"short_of_target", "nesting", "category_caps", "max_items", "coherence"}
    assert "not_needed" not in why.values()


def test_the_diagnosis_names_bis_alone_and_nothing_to_offer():
    """`--bis-alone` is a rule the diagnosis can relax (it named none before); a partner for which every
    item is foundational or nlr has nothing to offer, which is the cause, whatever the rules."""
    from optimizer.model.diagnose import diagnosis_lines

    items = pd.DataFrame(
        {
            "eccn": ["2B001", "3A001", "5A002", "9A991"],
            "tier": ["legacy", "legacy", "foundational", "nlr"],
            "value_usd": [4e6, 3e6, 9e6, 1e6],
            "risk": [0.2, 0.3, 0.9, 0.0],
            "fa_score": [0.9, 0.9, 0.9, 0.9],
            "decided_by": ["regime", "bis", "", ""],
        }
    )
    res = solve_package(items, Scenario(target_usd=5e6, bis_alone=True)).to_dict()
    d = res["diagnosis"]
    assert res["status"] == "infeasible" and [b["constraint"] for b in d["blocking"]] == ["bis_alone"]
    assert "drop --bis-alone" in d["message"] and any("BIS can decide alone" in x for x in diagnosis_lines(res))
    none = items[items["tier"].isin(["foundational", "nlr"])]
    res = solve_package(none, Scenario(target_usd=1e6)).to_dict()
    assert res["diagnosis"]["nothing_to_offer"] == {"nlr": 1, "foundational": 1}
    assert "nothing to offer" in res["diagnosis"]["message"]
    assert diagnosis_lines(res)[-1].startswith("Nothing to offer: every item is foundational (1)")


def test_a_frontier_with_nothing_to_offer_is_one_point_and_says_why():
    """Every item foundational or nlr: not 30 identical empty packages, but one, and the reason."""
    items = pd.DataFrame(
        {
            "eccn": ["5A002", "9A991"],
            "tier": ["foundational", "nlr"],
            "value_usd": [9e6, 1e6],
            "risk": [0.9, 0.0],
            "fa_score": [0.9, 0.9],
        }
    )
    res = compute_frontier(items, Scenario(), points=30)
    assert len(res.points) == 1 and res.points[0].achieved_usd == 0 and res.max_achievable_usd == 0
    assert any("nothing to offer" in w for w in res.warnings)
