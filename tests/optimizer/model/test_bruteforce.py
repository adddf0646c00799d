"""Optimality against brute force on many small random instances: every objective, several modes,
every side constraint; infeasibility diagnosis against the brute-force largest achievable target."""

from __future__ import annotations

import math

import pytest

from optimizer.model import Scenario, max_achievable, solve_package
from optimizer.model.diagnose import RELAXATIONS

SEEDS = range(45)


def _close(a: float, b: float, rel: float = 1e-6, abs_: float = 1e-6) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@pytest.mark.parametrize("seed", SEEDS)
def test_package_matches_brute_force(seed, instance, brute):
    table, d = instance(seed)
    sc = Scenario.from_dict(d)
    res = solve_package(table, sc, with_marginal=False)
    best = brute(table, sc)
    if best is None:
        assert res.status == "infeasible", (d, res.choices())
        return
    assert res.status == "optimal", (d, res.status)
    if sc.objective == "min-risk":
        assert _close(res.risk + res.ally_penalty, best.objective[0]), (d, res.choices(), best.choices)
    elif sc.objective == "max-value":
        assert _close(res.achieved_usd, -best.objective[0], abs_=0.05), (d, res.choices(), best.choices)
    else:
        assert res.n_items == best.objective[0], (d, res.choices(), best.choices)
        assert _close(res.risk + res.ally_penalty, best.objective[1]), (d, res.choices(), best.choices)
    # the package itself satisfies every rule (brute force restricted to exactly these choices)
    assert res.achieved_usd >= sc.target_usd - 0.05
    foundational = set(table.loc[table["tier"] == "foundational", "eccn"])
    assert not foundational & set(res.choices())
    assert set(sc.forced) <= set(res.choices())
    assert not set(sc.locks) & set(res.choices())
    if sc.max_items is not None:
        assert res.n_items <= sc.max_items
    if sc.risk_budget is not None:
        assert res.risk + res.ally_penalty <= sc.risk_budget + 1e-7


@pytest.mark.parametrize("seed", range(100, 122))
def test_infeasible_diagnosis_matches_brute_force(seed, instance, brute):
    table, d = instance(seed, objective="min-risk", feasible_bias=0.0)
    sc = Scenario.from_dict(d)
    res = solve_package(table, sc, with_marginal=False)
    if brute(table, sc) is not None:
        assert res.found
        return
    assert res.status == "infeasible"
    diag = res.diagnosis
    top = brute(table, sc, objective="max-value", target=0.0)
    if top is None:
        assert diag["max_achievable_usd"] is None
    else:
        assert _close(diag["max_achievable_usd"], -top.objective[0], abs_=0.05)
        assert _close(res.max_achievable_usd, -top.objective[0], abs_=0.05)
        assert diag["max_achievable_usd"] < sc.target_usd
    claimed = {b["constraint"] for b in diag["blocking"]}
    for name in RELAXATIONS:
        relaxed = brute(table, sc, relax={name}, objective="max-value", target=0.0)
        reaches = relaxed is not None and -relaxed.objective[0] >= sc.target_usd - 0.01
        if name in claimed:
            assert reaches, (name, d)
        elif reaches:  # a family the diagnosis did not name must not be active in this scenario
            assert name not in _active(sc, table), (name, d, diag)
    assert diag["message"]


def _active(sc: Scenario, table) -> set[str]:
    from optimizer.model.build import build_model
    from optimizer.model.diagnose import active_relaxations
    from optimizer.model.items import validate_items

    return set(active_relaxations(build_model(validate_items(table)[0], sc)))


@pytest.mark.parametrize("seed", range(200, 210))
def test_max_achievable_matches_brute_force(seed, instance, brute):
    table, d = instance(seed)
    sc = Scenario.from_dict(d)
    top = brute(table, sc, objective="max-value", target=0.0)
    got = max_achievable(table, sc)
    if top is None:
        assert got is None
    else:
        assert _close(got, -top.objective[0], abs_=0.05)


@pytest.mark.parametrize("seed", range(300, 308))
def test_highs_agrees_with_brute_force(seed, instance, brute):
    table, d = instance(seed)
    sc = Scenario.from_dict(d | {"solver": "highs"})
    res = solve_package(table, sc, with_marginal=False)
    best = brute(table, sc)
    if best is None:
        assert res.status == "infeasible"
        return
    assert res.status == "optimal" and "HiGHS" in res.solver
    got = {
        "min-risk": (res.risk or 0) + (res.ally_penalty or 0),
        "max-value": -(res.achieved_usd or 0),
        "min-items": res.n_items,
    }[sc.objective]
    assert _close(got, best.objective[0], abs_=0.05)
