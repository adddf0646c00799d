"""Proof discipline (solve.py): `optimal` only when a path that proves it says so; an `infeasible`
verdict, and CBC's `optimal` with cuts and preprocessing on, are confirmed on a second path."""

from __future__ import annotations

import pandas as pd
import pytest

import optimizer.model.solve as solve_mod
from optimizer.model import Scenario, solve_package
from optimizer.model.build import build_model
from optimizer.model.cbc import CbcFile, run_cbc
from optimizer.model.items import validate_items
from optimizer.model.solve import CBC_OPTIONS, SolveOutcome, confirm, solve_model

#: Found by a target sweep of random 5-item tables (all three modes, a risk budget): CBC 2.10.3 with
#: the feasibility pump off and its probing cuts on calls {9B001 full, 2E991 approval} (risk
#: 0.736175) optimal, gap 0; {9B001 exception, 3A991 approval} meets the target at risk 0.656325.
WRONG_OPTIMAL = [
    {"eccn": "9B001", "tier": "legacy", "value_usd": 39570659.17, "risk": 0.4631, "fa_score": 0.5},
    {"eccn": "9E001", "tier": "legacy", "value_usd": 40314408.87, "risk": 1.8457, "fa_score": 0.5},
    {"eccn": "9D001", "tier": "legacy", "value_usd": 34752786.84, "risk": 1.1364, "fa_score": 0.5},
    {"eccn": "3A991", "tier": "legacy", "value_usd": 79719039.46, "risk": 1.6991, "fa_score": 0.5},
    {"eccn": "2E991", "tier": "legacy", "value_usd": 37415246.9, "risk": 1.0923, "fa_score": 0.5},
]
WRONG_SCENARIO = {
    "modes": ["lift", "exception", "approval"],
    "rel_gap": 0.001,
    "risk_budget": 2.48695,
    "coherence": False,
    "target_usd": 49783160.33,
}


def _wrong_optimal_model(solver: str = "cbc"):
    table = pd.DataFrame(WRONG_OPTIMAL)
    return table, build_model(validate_items(table)[0], Scenario.from_dict(WRONG_SCENARIO | {"solver": solver}))


def test_the_instance_still_fools_cbc_alone():
    """The regression instance must keep exercising the confirmation: CBC by itself gets it wrong."""
    _, m = _wrong_optimal_model()
    answer = run_cbc(CbcFile(m), options=CBC_OPTIONS, time_limit=10, rel_gap=0.001)
    chosen = {m.var_option[n] for n, v in answer.values.items() if v > 0.5 and n in m.var_option}
    assert answer.sol_status == 1 and chosen == {("9B001", "lift"), ("2E991", "approval")}


@pytest.mark.parametrize("solver", ["cbc", "highs", "auto"])
def test_wrong_optimal_is_not_reported(solver, brute):
    table, _ = _wrong_optimal_model()
    sc = Scenario.from_dict(WRONG_SCENARIO | {"solver": solver})
    res = solve_package(table, sc, with_marginal=False)
    best = brute(table, sc)
    assert best.choices == {"9B001": "exception", "3A991": "approval"}
    assert res.status == "optimal"
    assert res.risk == pytest.approx(best.risk, abs=1e-9), (res.choices(), res.solver)
    if solver == "cbc":  # CBC was asked; its package was beaten on the second path, and the result says so
        assert "HiGHS" in res.solver and any("improved on" in w for w in res.warnings)


def _fake_first(monkeypatch, status: str, which: str = "_solve_cbc"):
    """The first path returns `status` (as CBC's preprocessing did under a time limit); the second runs."""
    real = getattr(solve_mod, which)
    calls = []

    def fake(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            return SolveOutcome(
                status, "CBC (test)" if which == "_solve_cbc" else "HiGHS (test)", None, None, None, 0.01
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_mod, which, fake)
    return calls


@pytest.mark.parametrize("which,solver", [("_solve_cbc", "cbc"), ("_solve_highs", "highs")])
def test_false_infeasible_is_overruled_by_the_second_path(monkeypatch, small_table, which, solver):
    sc = Scenario.from_dict({"target_usd": 1.2e9, "solver": solver, "risk_budget": 5.0})
    calls = _fake_first(monkeypatch, "infeasible", which)
    res = solve_package(small_table, sc, with_marginal=False)
    assert len(calls) >= 1
    # after CBC, HiGHS proves its package; after HiGHS, CBC (cuts on) finds one but proves nothing
    assert res.status == ("optimal" if solver == "cbc" else "feasible") and res.achieved_usd >= 1.2e9
    assert any("called the model infeasible" in w for w in res.warnings)


def test_unconfirmed_infeasible_is_a_time_limit_not_a_verdict():
    first = SolveOutcome("infeasible", "CBC 2.10.3", None, None, None, 2.0)
    second = SolveOutcome("time_limit", "HiGHS 1.16", None, None, None, 2.0)
    out, _ = confirm(first, second, minimise=True, rel_gap=1e-3)
    assert out.status == "time_limit" and "could not confirm" in out.note and out.seconds == 4.0
    out, _ = confirm(
        first, SolveOutcome("infeasible", "HiGHS 1.16", None, None, None, 1.0), minimise=True, rel_gap=1e-3
    )
    assert out.status == "infeasible" and "confirmed by HiGHS" in out.solver


def test_unconfirmed_optimal_is_reported_feasible():
    first = SolveOutcome("optimal", "CBC 2.10.3", 1.0, 1.0, 0.0, 1.0)
    out, kept = confirm(first, SolveOutcome("time_limit", "HiGHS", None, None, None, 1.0), minimise=True, rel_gap=1e-3)
    assert kept and out.status == "feasible" and out.gap is None
    # the second path's package is worse but its bound proves the first within the gap
    out, kept = confirm(first, SolveOutcome("feasible", "HiGHS", 1.2, 0.9995, 0.17, 1.0), minimise=True, rel_gap=1e-3)
    assert kept and out.status == "optimal" and out.gap <= 1e-3
    # ... or does not
    out, kept = confirm(first, SolveOutcome("feasible", "HiGHS", 1.2, 0.9, 0.25, 1.0), minimise=True, rel_gap=1e-3)
    assert kept and out.status == "feasible" and out.gap == pytest.approx(0.1)
    # maximisation: a larger objective is better
    out, kept = confirm(
        SolveOutcome("optimal", "CBC", 10.0, 10.0, 0.0, 1.0),
        SolveOutcome("optimal", "HiGHS", 12.0, 12.0, 0.0, 1.0),
        minimise=False,
        rel_gap=1e-3,
    )
    assert not kept and out.objective == 12.0 and "improved on" in out.note


def test_trusted_cbc_path_is_not_rechecked(monkeypatch, small_table):
    """The knapsack-class CBC run (no cuts, no preprocessing) proves what it reports: no second run."""
    m = build_model(validate_items(small_table)[0], Scenario.from_dict({"target_usd": 1.2e9, "solver": "cbc"}))
    monkeypatch.setattr(solve_mod, "_solve_highs", lambda *a, **k: pytest.fail("HiGHS should not run"))
    assert solve_model(m).status == "optimal"


def _segfault_case(instance):
    """A small infeasible model (forced item, risk budget, value-share cap) on which CBC 2.10.3 with
    preprocessing off dies on a segmentation fault."""
    table, d = instance(1012, feasible_bias=1.0)
    return table, d | {"target_usd": 1924940746.82, "rel_gap": 0.001}


def test_cbc_crash_is_no_verdict(instance):
    from optimizer.model.cbc import CbcCrashed

    table, d = _segfault_case(instance)
    m = build_model(validate_items(table)[0], Scenario.from_dict(d))
    with pytest.raises(CbcCrashed):
        run_cbc(CbcFile(m), options=CBC_OPTIONS + ("preprocess off",), time_limit=10, rel_gap=0.001)


@pytest.mark.parametrize("solver", ["auto", "cbc", "highs"])
def test_infeasible_confirmed_despite_a_cbc_crash(instance, brute, solver):
    table, d = _segfault_case(instance)
    sc = Scenario.from_dict(d | {"solver": solver})
    assert brute(table, sc) is None
    res = solve_package(table, sc, with_marginal=False)
    assert res.status == "infeasible", (res.status, res.solver, res.warnings)
    assert "confirmed by" in res.solver


def test_auto_picks_the_solver_per_model_class(monkeypatch, small_table):
    from optimizer.model.solve import choose_solver

    table = validate_items(small_table)[0]
    knapsack = build_model(table, Scenario.from_dict({"target_usd": 1e9}))
    budget = build_model(table, Scenario.from_dict({"target_usd": 1e9, "risk_budget": 2.0}))
    top = build_model(table, Scenario.from_dict({"target_usd": 1e9}), objective="max-value")
    assert choose_solver(knapsack, "auto") == "knapsack" and choose_solver(knapsack, "auto", sweep=True) == "knapsack"
    assert choose_solver(budget, "auto") == "highs" and choose_solver(top, "auto") == "highs"
    monkeypatch.setattr(solve_mod, "KNAPSACK_MAX_BINARIES", 0)  # above it CBC's compiled branch and bound wins
    assert choose_solver(knapsack, "auto") == "cbc" and choose_solver(knapsack, "auto", sweep=True) == "cbc"
    assert choose_solver(budget, "cbc") == "cbc" and choose_solver(knapsack, "highs") == "highs"
    monkeypatch.setattr(solve_mod, "CBC_MAX_BINARIES", 1)  # a "large" knapsack package goes to HiGHS
    assert choose_solver(knapsack, "auto") == "highs" and choose_solver(knapsack, "auto", sweep=True) == "cbc"
