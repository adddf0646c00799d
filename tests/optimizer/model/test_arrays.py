"""The array model (`optimizer.model.arrays`) is the PuLP model: same columns in the same order, same
rows with the same names and bounds, same objective with its tie-breaks, same optimum - on random
small tables of every constraint family; and the array pipeline (`array_package`) reports what the
PuLP pipeline reports."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from optimizer.model import Scenario, solve_package
from optimizer.model import arrays as arrays_module
from optimizer.model.array_package import (
    _satisfied,
    array_binding_constraints,
    array_satisfies,
    round_relaxation,
    solve_arrays_package,
)
from optimizer.model.arrays import ArrayModel, build_arrays, set_array_objective
from optimizer.model.build import PackageModel, build_model, set_objective
from optimizer.model.highs import HighsMatrix, checked_gap
from optimizer.model.items import validate_items
from optimizer.model.sweep import HighsSweep

BIG = 1e30


def medium_instance(seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """20-60 items over a few families (hardware and software), sub-items of some entries, two
    allies, instruments per item (some offer meu_removal), and a scenario drawing every family."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 60))
    ids: list[str] = []
    while len(ids) < n:
        item = f"{rng.integers(0, 4)}{'ABCDE'[rng.integers(0, 5)]}{rng.integers(0, 6):03d}"
        if rng.random() < 0.15:
            item += "-rest"
        if item not in ids:
            ids.append(item)
    modes = ["lift", "exception", "approval", "meu_removal"]
    rows = []
    for item in ids:
        offer = [m for m in modes if rng.random() < 0.6] or ["lift"]
        rows.append(
            {
                "eccn": item,
                "tier": str(rng.choice(["legacy", "transactional", "foundational", "nlr"], p=[0.6, 0.2, 0.12, 0.08])),
                "value_usd": np.nan
                if item[1] in "DE" and rng.random() < 0.3
                else round(float(rng.lognormal(17, 2)), 2),
                "risk": 0.0 if rng.random() < 0.1 else round(float(rng.uniform(0.01, 2.0)), 4),
                "fa_score": round(float(rng.uniform(0, 1)), 3),
                "instruments": ";".join(offer),
                "ally_GBR": str(rng.choice(["support", "neutral", "oppose"], p=[0.3, 0.6, 0.1])),
                "ally_JPN": str(rng.choice(["support", "neutral", "oppose"], p=[0.3, 0.6, 0.1])),
                "synthetic": True,
            }
        )
    table = pd.DataFrame(rows)
    ok = table[~table["tier"].isin(["foundational", "nlr"])]
    sc: dict[str, Any] = {
        "objective": str(rng.choice(["min-risk", "max-value", "min-items"], p=[0.6, 0.2, 0.2])),
        "rel_gap": 0.0,
        "time_limit_s": 30,
        "solver": "highs",
    }
    # explicit either way: the scenario's default threshold is 0.5, and these instances were drawn at 0
    sc["min_fa"] = 0.2 if rng.random() < 0.3 else 0.0
    if rng.random() < 0.3:
        sc["max_items"] = int(rng.integers(2, 10))
    if rng.random() < 0.4 or sc["objective"] == "max-value":
        sc["risk_budget"] = round(float(rng.uniform(0.2, 0.8)) * float(table["risk"].sum()), 4)
    if rng.random() < 0.4:
        sc["category_caps"] = {"1": {"max_items": 2}, "2": {"max_value_share": 0.4}}
    if rng.random() < 0.3:
        sc["allow_opposed"], sc["ally_penalty"] = True, 0.3
    if rng.random() < 0.2 and len(ok):
        sc["forced"] = [str(ok["eccn"].iloc[0])]
    if rng.random() < 0.2 and len(ok) > 1:
        sc["locks"] = [str(ok["eccn"].iloc[-1])]
    if rng.random() < 0.15:
        sc["coherence"] = False
    sc["target_usd"] = round(float(rng.uniform(0.05, 0.5)) * float(ok["value_usd"].fillna(0).sum()), 2)
    return table, sc


def _instances() -> list[tuple[str, int]]:
    return [("small", s) for s in range(40)] + [("medium", s) for s in range(40)]


def _make(kind: str, seed: int, instance: Any) -> tuple[pd.DataFrame, Scenario]:
    if kind == "small":
        table, d = instance(seed)
        d = d | {"solver": "highs"}
    else:
        table, d = medium_instance(seed)
    return validate_items(table)[0], Scenario.from_dict(d)


def _dense(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    out = np.zeros((n_rows, n_cols))
    for r in range(n_rows):
        for k in range(int(indptr[r]), int(indptr[r + 1])):
            out[r, int(indices[k])] += float(data[k])
    return out


def assert_same_model(m: PackageModel, am: ArrayModel) -> None:
    """Columns, rows, bounds, matrix and objective of the two builds agree."""
    mat = HighsMatrix(m)
    assert [m.var_option[v.name] for v in mat.variables] == [
        (am.candidates[k], md) for k, md in zip(am.col_item.tolist(), am.col_mode)
    ]
    assert mat.row_names == am.row_names
    assert m.candidates == am.candidates and m.excluded == am.base.excluded
    assert m.value == am.base.value and m.risk == am.base.risk and m.penalty == am.base.penalty
    lo, up, integer, rlo, rup = mat.bounds()
    assert np.all(lo == 0) and np.all(up == 1) and np.all(integer == 1)
    indptr, indices, data, alo, aup = am.stacked()
    assert np.array_equal(np.clip(alo, -BIG, BIG), rlo) and np.array_equal(np.clip(aup, -BIG, BIG), rup)
    n_rows, n_cols = len(mat.row_names), len(mat.variables)
    assert np.allclose(
        _dense(indptr, indices, data, n_rows, n_cols),
        _dense(mat.start, mat.index, mat.value, n_rows, n_cols),
        rtol=1e-13,
        atol=0,
    )
    sign = -1.0 if mat.maximise else 1.0
    assert am.maximise == mat.maximise
    assert np.allclose(am.cost, sign * mat.cost, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("kind", "seed"), _instances())
def test_array_model_is_the_pulp_model(kind: str, seed: int, instance: Any) -> None:
    table, sc = _make(kind, seed, instance)
    m, am = build_model(table, sc), build_arrays(table, sc)
    if not m.x:
        assert am.n_cols == 0
        return
    assert_same_model(m, am)
    for objective, ties in (("min-risk", "value"), ("max-value", "items"), ("min-items", "items")):
        set_objective(m, objective, ties=ties)
        set_array_objective(am, objective, ties=ties)
        m.solver_cache.clear()
        assert_same_model(m, am)


def _same(a: float | None, b: float | None, rel: float = 1e-7, abs_: float = 0.02) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@pytest.mark.parametrize(("kind", "seed"), _instances())
def test_array_pipeline_reports_what_the_pulp_pipeline_reports(kind: str, seed: int, instance: Any) -> None:
    table, sc = _make(kind, seed, instance)
    am = build_arrays(table, sc)
    if am.n_cols == 0:
        return
    res = solve_arrays_package(am)
    ref = solve_package(table, sc)  # below the size threshold: the PuLP path
    assert "arrays" not in ref.solver
    if res is None:  # HiGHS on the arrays said infeasible: so must the PuLP path (after its confirmation)
        assert ref.status == "infeasible"
        return
    assert "arrays" in res.solver
    assert res.status == ref.status == "optimal", (res.status, ref.status)
    assert _same(res.risk, ref.risk, abs_=1e-7) and _same(res.ally_penalty, ref.ally_penalty, abs_=1e-7)
    if sc.objective == "max-value":
        assert _same(res.achieved_usd, ref.achieved_usd)
    if sc.objective == "min-items":
        assert res.n_items == ref.n_items
    assert _same(res.max_achievable_usd, ref.max_achievable_usd)
    assert _same(res.max_achievable_bound_usd, ref.max_achievable_bound_usd)
    assert res.max_achievable_proven == ref.max_achievable_proven
    assert _same(res.marginal_risk_per_bn, ref.marginal_risk_per_bn, rel=1e-6, abs_=1e-9)
    # the PuLP path's package read on the arrays: it satisfies them, and the same rows bind
    assert array_satisfies(am, ref.choices())
    assert [(b.name, b.slack, b.detail) for b in array_binding_constraints(am, ref.choices())] == [
        (b.name, b.slack, b.detail) for b in ref.binding_constraints
    ]
    if res.choices() == ref.choices():  # the same package reads the same: reasons, binding rows
        assert [(e.eccn, e.reason, e.detail) for e in res.excluded] == [
            (e.eccn, e.reason, e.detail) for e in ref.excluded
        ]
        assert [(b.name, b.slack) for b in res.binding_constraints] == [
            (b.name, b.slack) for b in ref.binding_constraints
        ]
        assert [vars(line) for line in res.items] == [vars(line) for line in ref.items]


def test_solve_package_takes_the_array_path_by_size(instance: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    table, d = medium_instance(3)
    sc = Scenario.from_dict(d | {"solver": "auto"})
    small = solve_package(table, sc)
    assert "arrays" not in small.solver
    monkeypatch.setattr(arrays_module, "ARRAY_MIN_BINARIES", 1)
    large = solve_package(table, sc)
    assert "arrays" in large.solver
    assert large.status == small.status
    assert _same(large.risk, small.risk, abs_=1e-7)
    # the CBC path never goes to arrays
    assert "arrays" not in solve_package(table, sc.replace(solver="cbc")).solver


def test_an_infeasible_array_model_is_confirmed_and_diagnosed_on_the_pulp_path(monkeypatch: pytest.MonkeyPatch) -> None:
    table, d = medium_instance(5)
    sc = Scenario.from_dict(d | {"solver": "auto", "target_usd": 1e15})
    monkeypatch.setattr(arrays_module, "ARRAY_MIN_BINARIES", 1)
    res = solve_package(table, sc)
    assert res.status == "infeasible"
    assert "arrays" not in res.solver and "confirmed" in res.solver
    assert res.diagnosis is not None and res.diagnosis["max_achievable_usd"] is not None
    assert {e.reason for e in res.excluded} != {"not_needed"}


@pytest.mark.parametrize("seed", range(40))
def test_a_package_rounded_from_the_lp_is_within_the_gap_of_the_optimum(seed: int) -> None:
    """With a relative gap, min-risk and min-items packages may come from the LP relaxation's bound
    and a package rounded from it (`package_solve`): whichever way it was proven, `optimal` means
    within the gap of the true optimum, and the package satisfies every row."""
    table, d = medium_instance(seed)
    if d["objective"] == "max-value":
        d["objective"] = "min-risk"
    table = validate_items(table)[0]
    gap = 0.05
    am = build_arrays(table, Scenario.from_dict(d | {"rel_gap": gap}))
    if am.n_cols == 0:
        return
    res = solve_arrays_package(am)
    exact = solve_package(table, Scenario.from_dict(d | {"rel_gap": 0.0}))
    if res is None:
        assert exact.status == "infeasible"
        return
    assert res.status == exact.status == "optimal"
    x = np.zeros(am.n_cols)
    x[am.columns_of(res.choices())] = 1.0
    assert _satisfied(am, x)
    assert res.gap is not None and res.gap <= gap
    if d["objective"] == "min-risk":
        assert res.risk + res.ally_penalty <= (exact.risk + exact.ally_penalty) * (1 + gap) + 1e-9
        assert res.risk + res.ally_penalty >= exact.risk + exact.ally_penalty - 1e-9
    else:
        assert res.n_items >= exact.n_items


def test_round_relaxation_repairs_a_fractional_mode_choice() -> None:
    """An LP solution splitting one item between two modes rounds to a package of one mode per
    item that meets the target."""
    table, d = medium_instance(7)
    table = validate_items(table)[0]
    am = build_arrays(table, Scenario.from_dict(d | {"objective": "min-risk", "rel_gap": 0.01}))
    first = int(np.flatnonzero(np.diff(am.cstart) >= 2)[0])
    x_lp = np.zeros(am.n_cols)
    x_lp[am.cstart[first] : am.cstart[first + 1]] = 0.5
    x = round_relaxation(am, x_lp)
    assert x is not None and _satisfied(am, x)


@pytest.mark.parametrize("seed", range(20))
def test_array_frontier_matches_the_pulp_frontier(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The frontier swept on the arrays (LP warm starts, rounded packages, MIP where needed) has
    the PuLP sweep's points: the same targets and, exactly at gap 0 and within the gap otherwise,
    the same least risk; its points are never dominated by one another."""
    from optimizer.model import compute_frontier

    table, d = medium_instance(seed)
    gap = 0.0 if seed % 2 else 0.02
    sc = Scenario.from_dict(d | {"objective": "min-risk", "rel_gap": gap, "solver": "highs"})
    ref = compute_frontier(table, sc, points=8)
    monkeypatch.setattr(arrays_module, "ARRAY_MIN_BINARIES", 1)
    got = compute_frontier(table, sc, points=8)
    assert [p.target_usd for p in got.points] == [p.target_usd for p in ref.points]
    assert _same(got.max_achievable_usd, ref.max_achievable_usd)
    assert got.max_achievable_proven == ref.max_achievable_proven
    if not got.points:
        return
    assert any("arrays" in p.solver for p in got.points[:-1]) or got.points[-1].solver.startswith("closed")
    for p, q in zip(got.points, ref.points):
        assert p.risk is not None and q.risk is not None, (p, q)
        assert p.achieved_usd is not None and p.achieved_usd >= p.target_usd - 0.01
        assert p.risk <= q.risk * (1 + gap) + 1e-9
        if gap == 0:
            assert math.isclose(p.risk, q.risk, rel_tol=1e-7, abs_tol=1e-9)
    for p in got.points:  # no point weakly dominated by another point's package
        for q in got.points:
            assert not (q.risk < p.risk - 1e-12 and q.achieved_usd >= p.achieved_usd) or q.achieved_usd < p.target_usd


# ---------------------------------------------------------------------- HiGHS sweeps re-solve one loaded model
# HiGHS 1.16 re-running a MIP after a row-bound change (presolve on) returned the previous target's
# package as "optimal" with a bound that did not match it: each point must be a fresh solve's optimum.
def test_a_reused_highs_sweep_gives_each_target_its_own_optimum() -> None:
    table, d = medium_instance(13)
    sc = Scenario.from_dict(d | {"objective": "min-risk", "rel_gap": 0.0, "solver": "highs"})
    m = build_model(validate_items(table)[0], sc, objective="min-risk")
    set_objective(m, "min-risk")
    engine = HighsSweep(m, time_limit=10, rel_gap=0.0)
    for target in (5460819806.913466, 2730409903.456733):  # high, then low (the frontier's order)
        out, choices = engine.run(target)
        fresh = solve_package(table, sc.replace(target_usd=target))
        assert out.status == "optimal"
        got = sum(m.risk[(i, md)] + m.penalty.get(i, 0.0) for i, md in choices.items())
        assert math.isclose(got, fresh.risk + fresh.ally_penalty, rel_tol=1e-9, abs_tol=1e-9), (target, choices)


def test_an_optimal_whose_bound_does_not_match_is_feasible() -> None:
    status, gap = checked_gap("optimal", 0.0, 1.3269, -3.3e-11, 0.0)
    assert status == "feasible" and gap is not None and math.isclose(gap, 1.0)
    assert checked_gap("optimal", 0.0, 1.3269, 1.3269, 0.0) == ("optimal", 0.0)
    assert checked_gap("optimal", 0.0, 1e-10, 0.0, 0.001) == ("optimal", 0.0)  # within the absolute gap
    assert checked_gap("feasible", 0.2, 1.0, 0.8, 0.001) == ("feasible", 0.2)


def test_a_stopped_mip_takes_the_lp_bound_when_it_is_better() -> None:
    from optimizer.model.array_package import _with_lp_bound
    from optimizer.model.solve import SolveOutcome

    stopped = SolveOutcome("feasible", "HiGHS", 1.0, 0.0, 1.0, 4.0)
    assert _with_lp_bound(stopped, 0.9995, 0.001).status == "optimal"
    late = _with_lp_bound(stopped, 0.9, 0.001)
    assert late.status == "feasible" and late.bound == 0.9 and late.gap is not None and math.isclose(late.gap, 0.1)
    proven = SolveOutcome("optimal", "HiGHS", 1.0, 0.9995, 0.0005, 1.0)
    assert _with_lp_bound(proven, 0.9, 0.001) == proven
