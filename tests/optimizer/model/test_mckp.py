"""The knapsack branch and bound (`mckp.py`) and the solver interface: the same optimum as brute
force and as the MILP solvers, each named solver giving the same package on shipped data, statuses
read from the solver that ran."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from optimizer.model import Scenario, compute_frontier, solve_package
from optimizer.model.build import build_model, set_objective
from optimizer.model.items import validate_items
from optimizer.model.mckp import Mckp
from optimizer.model.solve import SOLVER_NAMES, get_solver, knapsack_problem, solve_model


@pytest.fixture(scope="module")
def default_items():
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    return build_item_table(load_dataset(None), "CHN")


def _random_problem(rng: np.random.Generator) -> tuple[Mckp, float]:
    """Items with 1-3 options (some disallowed, some forced), families with hardware and software."""
    n, k = int(rng.integers(1, 8)), int(rng.integers(1, 4))
    cost = np.round(rng.random((n, k)) * rng.choice([1, 10]), 3) - (rng.random((n, k)) < 0.1) * 0.01
    value = np.round(rng.random((n, k)) * 10, 2) * (rng.random((n, k)) > 0.1)
    allowed = rng.random((n, k)) < 0.85
    none_ok = rng.random(n) > 0.1
    comp = np.full(n, -1)
    support = np.zeros(n, dtype=bool)
    if n >= 3 and rng.random() < 0.7:
        groups = int(rng.integers(1, 3))
        for i in range(n):
            if rng.random() < 0.7:
                comp[i] = int(rng.integers(0, groups))
                support[i] = rng.random() < 0.5
    target = float(rng.random() * value.max(initial=0) * n * 0.6)
    return Mckp(cost, value, allowed, none_ok, comp, support), target


def _brute(p: Mckp, target: float) -> float:
    best = math.inf
    choices = [[-1] * bool(p.none_ok[i]) + list(np.flatnonzero(p.allowed[i])) for i in range(len(p.cost))]
    for combo in itertools.product(*choices):
        x = np.array(combo)
        c, v = p._eval(x)
        if v < target - 1e-12:
            continue
        coherent = all(
            not ((p.comp == g) & ~p.is_support & (x >= 0)).any() or ((p.comp == g) & p.is_support & (x >= 0)).any()
            for g in range(p.n_comp)
        )
        if coherent:
            best = min(best, c)
    return best


@pytest.mark.parametrize("method", ["solve", "branch_and_bound"])
@pytest.mark.parametrize("seed", range(6))
def test_branch_and_bound_matches_brute_force(seed, method):
    """`solve` (the core DP, `mckp_dp.py`) and the branch and bound alone: the brute-force optimum."""
    rng = np.random.default_rng(seed)
    for _ in range(80):
        p, target = _random_problem(rng)
        best = _brute(p, target)
        ans = getattr(p, method)(target, 0.0, 10.0)
        if math.isinf(best):
            assert ans.status == "infeasible" and ans.choice is None
            continue
        assert ans.status == "optimal" and ans.objective == pytest.approx(best, abs=1e-9)
        assert ans.bound is not None and ans.bound <= best + 1e-9
        c, v = p._eval(ans.choice)
        assert c == pytest.approx(ans.objective, abs=1e-12) and v >= target - 1e-12


@pytest.mark.parametrize("method", ["solve", "branch_and_bound"])
@pytest.mark.parametrize("seed", range(6))
def test_gap_is_a_proof(seed, method):
    """At a relative gap the package is within it of the brute-force optimum."""
    rng = np.random.default_rng(100 + seed)
    for _ in range(60):
        p, target = _random_problem(rng)
        best = _brute(p, target)
        ans = getattr(p, method)(target, 0.05, 10.0)
        if math.isinf(best):
            continue
        assert ans.objective is not None and ans.bound is not None
        assert ans.bound <= best + 1e-9
        assert ans.objective - best <= 0.05 * max(abs(ans.objective), 1e-9) + 1e-9


@pytest.mark.parametrize("seed", range(30))
def test_named_solvers_same_optimum_on_random_models(seed, instance, brute):
    """Every named solver on the same PuLP model: the brute-force optimum, the status from the solver."""
    table, d = instance(seed, objective="min-risk")
    d = {k: v for k, v in d.items() if k not in ("risk_budget", "max_items", "category_caps")} | {"rel_gap": 0}
    sc = Scenario.from_dict(d)
    best = brute(table, sc)
    m = build_model(validate_items(table)[0], sc)
    readable = knapsack_problem(m) is not None
    for name in ("cbc", "highs", *(["knapsack"] if readable else [])):
        out = solve_model(m, solver=name)
        if best is None:
            assert out.status == "infeasible", (name, d)
            continue
        assert out.status == "optimal", (name, out)
        risk = sum(m.risk[o] + m.penalty.get(o[0], 0.0) for o, v in m.x.items() if (v.varValue or 0) > 0.5)
        assert risk == pytest.approx(best.objective[0], rel=1e-6, abs=1e-6), (name, d)


def test_knapsack_reads_only_its_class(small_table):
    table = validate_items(small_table)[0]
    assert knapsack_problem(build_model(table, Scenario.from_dict({"target_usd": 1e9}))) is not None
    budget = build_model(table, Scenario.from_dict({"target_usd": 1e9, "risk_budget": 2.0}))
    assert knapsack_problem(budget) is None
    assert knapsack_problem(build_model(table, Scenario.from_dict({"target_usd": 1e9}), objective="max-value")) is None
    assert set(SOLVER_NAMES) == {"auto", "cbc", "highs"}
    assert get_solver("cbc").name == "cbc" and get_solver("highs").name == "highs"
    with pytest.raises(Exception, match="unknown solver"):
        get_solver("glpk")


def test_named_solvers_same_package_on_shipped_data(default_items):
    """Shipped CHN table, default scenario: auto (the knapsack branch and bound), CBC and HiGHS agree."""
    sc = Scenario.from_dict({"target_usd": 5e6, "rel_gap": 0})
    results = {name: solve_package(default_items, sc.replace(solver=name)) for name in SOLVER_NAMES}
    assert "knapsack" in results["auto"].solver
    risks = {name: r.risk for name, r in results.items()}
    assert all(r.status == "optimal" for r in results.values()), {n: r.status for n, r in results.items()}
    assert max(risks.values()) - min(risks.values()) <= 1e-9, risks
    assert len({frozenset(r.choices().items()) for r in results.values()}) == 1
    fronts = {name: compute_frontier(default_items, sc.replace(solver=name), points=12) for name in SOLVER_NAMES}
    for a, b, c in zip(*(f.points for f in fronts.values())):
        assert a.risk == pytest.approx(b.risk, abs=1e-9) and a.risk == pytest.approx(c.risk, abs=1e-9)


def test_frontier_sweep_matches_highs_on_generated_table(monkeypatch):
    """A few hundred binaries with coherence families: the knapsack sweep and HiGHS, point by point."""
    import sys

    import optimizer.model.solve as solve_mod
    from optimizer.model import mckp

    monkeypatch.setattr(solve_mod, "KNAPSACK_MAX_BINARIES", 10**6)  # the knapsack path at this size
    monkeypatch.setattr(mckp, "NODE_BUDGET", 10**6)  # and no hand-over to CBC
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    from bench_optimizer import generate_items, scenario_for

    table = generate_items(600, seed=3)
    sc = scenario_for(table, "knapsack").replace(rel_gap=1e-6)
    auto = compute_frontier(table, sc, points=10)
    highs = compute_frontier(table, sc.replace(solver="highs"), points=10)
    assert "knapsack" in auto.solver
    for a, b in zip(auto.points, highs.points):
        assert a.status == "optimal" and b.status == "optimal"
        assert a.risk == pytest.approx(b.risk, rel=2e-6, abs=1e-9)
    m = build_model(validate_items(table)[0], sc)
    set_objective(m, "min-risk", ties="value")
    p = knapsack_problem(m)
    assert p is not None and p.n_comp > 0  # the generated table has coherence families


def test_no_pulp_api_that_pulp4_removes(small_table):
    """Packages, frontiers and the duals on every named solver raise none of PuLP 3.3's PuLP-4
    deprecation warnings (the constraints mapping, PULP_CBC_CMD, LpVariable built directly)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*PuLP 4\.0", category=DeprecationWarning)
        for solver in SOLVER_NAMES:
            sc = Scenario.from_dict({"target_usd": 1.2e9, "solver": solver, "modes": ["lift", "exception"]})
            assert solve_package(small_table, sc).found
            assert solve_package(small_table, sc.replace(risk_budget=2.0)).status in ("optimal", "infeasible")
            compute_frontier(small_table, sc, points=4)


def test_read_from_arrays_is_the_pulp_models_structure():
    """`Mckp.from_arrays` (the large-table path) reads the same problem as `Mckp.from_model`."""
    import sys
    from pathlib import Path

    from optimizer.model import arrays
    from optimizer.model.arrays import set_array_objective

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    from bench_optimizer import generate_items, scenario_for

    table = generate_items(900, seed=5)
    sc = scenario_for(table, "knapsack")
    valid = validate_items(table)[0]
    m = build_model(valid, sc, objective="min-risk")
    set_objective(m, "min-risk", ties="value")
    am = arrays.build_arrays(valid, sc, objective="min-risk")
    set_array_objective(am, "min-risk", ties="value")
    a, b = Mckp.from_model(m), Mckp.from_arrays(am)
    assert a is not None and b is not None and a.items == b.items and a.modes == b.modes
    assert np.array_equal(a.allowed, b.allowed) and np.array_equal(a.none_ok, b.none_ok)
    assert np.allclose(a.cost, b.cost, rtol=1e-12, atol=1e-15) and np.allclose(a.value, b.value)
    assert np.array_equal(a.is_support, b.is_support) and np.array_equal(a.comp >= 0, b.comp >= 0)
    families = {frozenset(np.flatnonzero(p.comp == g).tolist()) for p in (a,) for g in range(p.n_comp)}
    assert families == {frozenset(np.flatnonzero(b.comp == g).tolist()) for g in range(b.n_comp)}
    target = float(a.value.max(axis=1).sum()) * 0.4
    x, y = a.solve(target, 1e-6, 30.0), b.solve(target, 1e-6, 30.0)
    assert x.objective == pytest.approx(y.objective, rel=1e-9)
    assert np.array_equal(b.from_columns(b.to_columns(y.choice)), y.choice)


def test_a_search_stopped_by_its_node_budget_says_so_and_the_sweep_hands_the_point_over(monkeypatch):
    """`stopped` survives into the answer of a search that found a package (it was lost, so a sweep
    point past `NODE_BUDGET` came back `feasible` from the branch and bound instead of going to the
    MILP solver), and the sweep's point is then the MILP solver's, proven like HiGHS's."""
    import sys
    from pathlib import Path

    import optimizer.model.solve as solve_mod
    from optimizer.model import mckp, mckp_dp
    from optimizer.model.sweep import KnapsackSweep, make_sweep

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    from bench_optimizer import generate_items, scenario_for

    table = generate_items(600, seed=3)
    sc = scenario_for(table, "knapsack")
    m = build_model(validate_items(table)[0], sc, objective="min-risk")
    set_objective(m, "min-risk", ties="value")
    p = knapsack_problem(m)
    assert p is not None
    top = float(p.value.max(axis=1).clip(min=0).sum())
    stopped = [
        a
        for a in (p.branch_and_bound(top * f, 1e-6, 10.0, max_nodes=1) for f in np.linspace(0.05, 0.6, 12))
        if a.stopped
    ]
    assert stopped and all(a.stopped == "nodes" and a.status == "feasible" for a in stopped)
    assert all(a.choice is not None and a.gap is not None and a.gap > 1e-6 for a in stopped)

    monkeypatch.setattr(solve_mod, "KNAPSACK_MAX_BINARIES", 10**6)
    monkeypatch.setattr(mckp, "NODE_BUDGET", 1)
    monkeypatch.setattr(mckp_dp, "solve_dp", lambda *a, **k: None)  # the core DP hands every point back
    sweep = make_sweep(m)
    assert isinstance(sweep, KnapsackSweep)
    sc_h = sc.replace(solver="highs")
    mh = build_model(validate_items(table)[0], sc_h, objective="min-risk")
    set_objective(mh, "min-risk", ties="value")
    highs = make_sweep(mh)
    handed = 0
    for f in np.linspace(0.05, 0.6, 8):
        out, _ = sweep.solve(top * f * 1e6)
        ref, _ = highs.solve(top * f * 1e6)
        assert out.status == "optimal" and ref.status == "optimal"
        handed += "knapsack" not in out.solver
        assert out.objective == pytest.approx(ref.objective, rel=2 * sc.rel_gap, abs=1e-9)
    assert handed > 0
