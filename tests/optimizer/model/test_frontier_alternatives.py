"""Frontier (monotone, exact at each point, entry targets, knees) and MGA alternatives (within tolerance,
distinct, as many as exist)."""

from __future__ import annotations

import itertools
import math

import pytest

from optimizer.errors import DecontrolError
from optimizer.model import Scenario, compute_frontier, find_alternatives, solve_package
from optimizer.model.frontier import FrontierPoint, knees


@pytest.mark.parametrize("seed", range(400, 409))
def test_frontier_is_monotone_and_exact(seed, instance, brute):
    table, d = instance(seed, objective="min-risk")
    sc = Scenario.from_dict(d)
    fr = compute_frontier(table, sc, points=7)
    top = brute(table, sc, objective="max-value", target=0.0)
    if top is None:
        assert fr.points == [] and fr.max_achievable_usd is None
        return
    assert math.isclose(fr.max_achievable_usd, -top.objective[0], rel_tol=1e-9, abs_tol=0.05)
    assert len(fr.points) == 7 and fr.points[0].target_usd == 0.0
    risks = [p.risk for p in fr.points]
    assert all(p.status == "optimal" for p in fr.points)
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(risks))
    for p in fr.points[::3]:
        best = brute(table, sc, objective="min-risk", target=p.target_usd)
        assert math.isclose(p.risk, best.objective[0], rel_tol=1e-6, abs_tol=1e-9)
        assert p.achieved_usd >= p.target_usd - 0.05
    for item, target in fr.entry_target_usd.items():
        first = next(p for p in fr.points if any(l["eccn"] == item for l in p.items))
        assert first.target_usd == target


def test_frontier_points_validated(small_table):
    with pytest.raises(DecontrolError, match="points"):
        compute_frontier(small_table, Scenario(), points=1)


def test_frontier_json_shape(small_table):
    d = compute_frontier(small_table, Scenario.from_dict({"modes": ["lift", "approval"]}), points=5).to_dict()
    assert set(d) >= {"points", "knees", "entry_target_usd", "max_achievable_usd", "solver", "synthetic"}
    p = d["points"][-1]
    assert set(p) >= {"target_usd", "achieved_usd", "risk", "items"}
    assert set(p["items"][0]) == {"eccn", "mode", "value_usd", "risk"}


def test_knees_where_the_slope_doubles():
    pts = [
        FrontierPoint(t, v, r, "optimal", 0.0)
        for t, v, r in [(0, 0, 0), (1, 1, 1), (2, 2, 2), (3, 3, 5), (4, 4, 8), (5, 5, 9)]
    ]
    assert knees(pts) == [2]


@pytest.mark.parametrize("seed", range(500, 511))
def test_alternatives_within_tolerance_and_distinct(seed, instance, near_optimal_sets):
    table, d = instance(seed, n_items=6)
    sc = Scenario.from_dict(d)
    base = solve_package(table, sc)
    alts = find_alternatives(table, sc, n=3, tolerance=0.2)
    if not base.found:
        assert alts == []
        return
    sets = [frozenset(base.choices())] + [frozenset(a.choices()) for a in alts]
    assert len(set(sets)) == len(sets)  # each a different item set
    near = near_optimal_sets(table, sc, 0.2)
    assert set(sets) <= near
    assert len(alts) == min(3, len(near) - 1)  # as many as exist, up to n
    opt = base.objective_value
    for a in alts:
        assert a.found
        if sc.objective == "min-risk":
            assert a.risk + a.ally_penalty <= 1.2 * (base.risk + base.ally_penalty) + 1e-7
        elif sc.objective == "max-value":
            assert a.achieved_usd >= 0.8 * base.achieved_usd - 0.05
        else:
            assert a.n_items <= math.floor(1.2 * base.n_items + 1e-9)
        assert a.objective == sc.objective and a.objective_value is not None and opt is not None


def test_alternatives_arguments_checked(small_table):
    with pytest.raises(DecontrolError, match="alternatives"):
        find_alternatives(small_table, Scenario(), n=0)
    with pytest.raises(DecontrolError, match="tolerance"):
        find_alternatives(small_table, Scenario(), tolerance=-1)


def test_frontier_same_with_highs_and_one_worker(small_table):
    sc = Scenario.from_dict({"modes": ["lift", "exception", "approval"], "rel_gap": 0})
    cbc = compute_frontier(small_table, sc.replace(solver="cbc"), points=6)
    one = compute_frontier(small_table, sc.replace(solver="cbc"), points=6, workers=1)
    highs = compute_frontier(small_table, sc.replace(solver="highs"), points=6)
    auto = compute_frontier(small_table, sc, points=6)
    assert "HiGHS" in highs.solver and "CBC" in cbc.solver and "knapsack" in auto.solver
    for x, y in zip(cbc.points, auto.points):
        assert x.risk == pytest.approx(y.risk, abs=1e-9)
    for a, b, c in zip(cbc.points, one.points, highs.points):
        assert a.risk == pytest.approx(b.risk, abs=1e-9)
        assert a.risk == pytest.approx(c.risk, abs=1e-9)


@pytest.mark.parametrize("solver", ["auto", "highs", "cbc"])
def test_no_frontier_point_is_dominated(solver, instance, packages):
    """Pareto: on random small instances no package meeting the rules has less risk and at least
    the value of a frontier point, or the same risk and more value; risk and value never fall."""
    checked = 0
    for seed in range(700, 740):
        table, d = instance(seed, feasible_bias=1.0)
        sc = Scenario.from_dict(d | {"rel_gap": 0.0, "solver": solver})
        fr = compute_frontier(table, sc, points=8)
        _, _, _, ok, value, risk, _ = packages(table, sc, target=-math.inf)
        if not ok.any():
            assert fr.points == []
            continue
        assert fr.max_achievable_usd == pytest.approx(float(value[ok].max()), abs=0.05)
        v, r = value[ok], risk[ok]
        for p in fr.points:
            assert p.status in ("optimal", "feasible") and p.achieved_usd >= p.target_usd - 0.05, (seed, p)
            less_risk = (r < p.risk - 1e-9) & (v >= p.achieved_usd - 0.005)
            more_value = (r <= p.risk + 1e-12) & (v > p.achieved_usd + 0.05)
            assert not less_risk.any() and not more_value.any(), (seed, d, p)
            checked += 1
        pts = fr.points
        assert all(
            b.risk >= a.risk - 1e-12 and b.achieved_usd >= a.achieved_usd - 0.005 for a, b in itertools.pairwise(pts)
        ), seed
    assert checked >= 200


def test_top_point_from_the_closed_form(small_table):
    """With no budget or limit the top point is every valued item in its most valuable mode, found
    without a solver; it is the largest achievable exactly."""
    sc = Scenario.from_dict({"modes": ["lift", "exception"]})
    fr = compute_frontier(small_table, sc, points=5)
    top = fr.points[-1]
    assert top.target_usd == fr.max_achievable_usd and top.achieved_usd == pytest.approx(fr.max_achievable_usd)
    assert "closed form" in top.solver and top.status == "optimal" and fr.max_achievable_proven
    assert {l["eccn"]: l["mode"] for l in top.items} == {"2B991": "lift", "2D991": "lift", "3A991": "lift"}


def test_carry_takes_least_risk_then_most_value():
    from optimizer.model.frontier import carry

    a = FrontierPoint(0.0, 5.0, 1.0, "optimal", 0.0)
    b = FrontierPoint(4.0, 4.0, 1.0, "optimal", 0.0)  # same risk as a, less value: a is carried up
    c = FrontierPoint(8.0, None, None, "time_limit", None)  # no package of its own: d meets it
    d = FrontierPoint(9.0, 10.0, 2.0, "optimal", 0.0)
    out = carry([a, b, c, d])
    assert out[1].achieved_usd == 5.0 and out[1].status == "optimal"
    assert out[2].achieved_usd == 10.0 and out[2].status == "feasible" and out[2].gap is None
    assert out[0] is a and out[3] is d
