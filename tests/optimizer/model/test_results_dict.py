"""`PackageResult.from_dict` reads what `to_dict` wrote, for packages and for infeasible results."""

import json

import pytest

from optimizer.model import PackageResult, Scenario, find_alternatives, solve_package
from optimizer.vocabulary import Reason


@pytest.mark.parametrize(
    "scenario",
    [
        {"target_usd": 1.0e9, "risk_budget": 0.5, "modes": ["lift", "exception"]},
        {"target_usd": 1.0e9, "objective": "max-value", "max_items": 2},
        {"target_usd": 1e15},  # infeasible: a diagnosis, reasons, no lines
    ],
)
def test_round_trip(small_table, scenario):
    res = solve_package(small_table, Scenario.from_dict(scenario))
    d = res.to_dict()
    back = PackageResult.from_dict(json.loads(json.dumps(d)))
    assert back.to_dict() == d
    assert back.found == res.found and back.choices() == res.choices()
    assert [type(b).__name__ for b in back.binding_constraints] == ["BindingConstraint"] * len(res.binding_constraints)
    assert res.excluded and all(isinstance(e.reason, Reason) for e in res.excluded + back.excluded)
    assert json.loads(json.dumps(d))["excluded"] == d["excluded"]  # a member writes as its code


def test_a_reason_code_this_version_does_not_know_reads_as_text():
    back = PackageResult.from_dict({"excluded": [{"eccn": "1A001", "reason": "some_later_reason"}]})
    assert back.excluded[0].reason == "some_later_reason" and not isinstance(back.excluded[0].reason, Reason)


def test_alternatives_round_trip(small_table):
    sc = Scenario.from_dict({"target_usd": 1.0e9})
    for alt in find_alternatives(small_table, sc, n=2):
        assert PackageResult.from_dict(alt.to_dict()).to_dict() == alt.to_dict()


def test_a_result_saved_before_a_run_reads_as_empty():
    r = PackageResult.from_dict({})
    assert r.status == "" and not r.found and r.achieved_usd is None and r.n_items == 0


def test_an_allys_cut_reads_with_its_internal_fields_missing(small_table):
    from optimizer.audience import package_for

    res = solve_package(small_table, Scenario.from_dict({"target_usd": 1.0e9}))
    cut = PackageResult.from_dict(package_for(res.to_dict(), "ally"))
    assert cut.item_ids() == res.item_ids() and cut.achieved_usd == res.achieved_usd
    assert cut.risk is None and all(line.risk is None for line in cut.items)
