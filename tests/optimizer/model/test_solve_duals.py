"""True solver status (a time-limited run is never called optimal), marginal risk from LP duals, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pulp
import pytest

from optimizer.model import Scenario, solve_package
from optimizer.model.build import build_model, set_target
from optimizer.model.items import validate_items
from optimizer.model.solve import cbc_status, highs_status, solve_model


def test_cbc_status_reads_sol_status():
    assert cbc_status(pulp.LpStatusOptimal, pulp.LpSolutionOptimal) == "optimal"
    assert cbc_status(pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible) == "feasible"
    assert cbc_status(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound) == "time_limit"
    assert cbc_status(pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible) == "infeasible"


def test_highs_status_reads_model_status():
    import highspy

    S = highspy.HighsModelStatus
    assert highs_status(S.kOptimal, True) == "optimal"
    assert highs_status(S.kTimeLimit, True) == "feasible"
    assert highs_status(S.kTimeLimit, False) == "time_limit"
    assert highs_status(S.kInfeasible, False) == "infeasible"


def _hard_table(n: int = 300) -> pd.DataFrame:
    """Subset-sum-like: risk proportional to value, so proving optimality takes a long search."""
    rng = np.random.default_rng(7)
    v = rng.integers(10**6, 10**9, n).astype(float)
    ids = [f"{i % 10}{'ABC'[i // 1000]}{i % 1000:03d}" for i in range(n)]
    return pd.DataFrame(
        {
            "eccn": ids,
            "tier": "legacy",
            "value_usd": v,
            "risk": v / 1e9 * (1 + rng.uniform(0, 1e-3, n)),
            "fa_score": 0.5,
        }
    )


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_time_limited_run_is_not_called_optimal(solver):
    t = _hard_table()
    sc = Scenario.from_dict(
        {
            "target_usd": float(t["value_usd"].sum() * 0.37) + 0.5,
            "rel_gap": 0,
            "time_limit_s": 0.2,
            "solver": solver,
            "modes": ["lift", "exception", "approval"],
            "max_items": 250,
            "risk_budget": 1e6,
        }
    )
    res = solve_package(t, sc, with_marginal=False)
    assert res.status in ("feasible", "time_limit")
    if res.status == "feasible":
        assert res.gap is not None and res.gap > 0 and res.items


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_tiny_target_on_one_big_item(solver):
    """The root LP is integral within tolerance here; CBC's fast settings once called this infeasible."""
    t = pd.DataFrame([{"eccn": "2B991", "tier": "legacy", "value_usd": 1e9, "risk": 0.1, "fa_score": 0.5}])
    res = solve_package(t, Scenario.from_dict({"target_usd": 1, "solver": solver, "modes": ["lift"]}))
    assert res.status == "optimal" and res.choices() == {"2B991": "lift"}


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_marginal_risk_matches_lp_finite_difference(small_table, solver):
    sc = Scenario.from_dict(
        {"target_usd": 1.3e9, "modes": ["lift", "exception", "approval"], "solver": solver, "rel_gap": 0}
    )
    res = solve_package(small_table, sc)
    assert res.marginal_risk_per_bn is not None and res.marginal_risk_per_bn > 0
    assert "approximation" in res.marginal_risk_note

    m = build_model(validate_items(small_table)[0], sc)
    lp = []
    for target in (1.3e9, 1.3e9 + 1e7):
        set_target(m, target)
        out = solve_model(m, relaxation=True)
        lp.append(out.objective)
    slope = (lp[1] - lp[0]) / 1e7 * 1e9
    assert res.marginal_risk_per_bn == pytest.approx(slope, rel=1e-4)


def test_same_input_same_package(small_table, instance):
    table, d = instance(7, n_items=7, objective="min-risk")
    for t, sc in (
        (small_table, Scenario.from_dict({"target_usd": 1e9, "modes": ["lift", "approval"]})),
        (table, Scenario.from_dict(d)),
    ):
        a, b = solve_package(t, sc).to_dict(), solve_package(t, sc).to_dict()
        for d_ in (a, b):
            d_.pop("solve_seconds")
            d_.pop("total_seconds", None)
        assert a == b


def test_tie_breaks_leave_out_items_that_change_nothing():
    t = pd.DataFrame(
        [
            {"eccn": "2B991", "tier": "legacy", "value_usd": 1e9, "risk": 0.3, "fa_score": 0.5},
            {"eccn": "3A991", "tier": "legacy", "value_usd": 2e8, "risk": 0.0, "fa_score": 0.5},  # free but not needed
            {"eccn": "4A994", "tier": "legacy", "value_usd": 0.0, "risk": 0.2, "fa_score": 0.5},  # no value
        ]
    )
    res = solve_package(t, Scenario.from_dict({"target_usd": 1e9, "rel_gap": 0, "modes": ["lift"]}))
    assert res.choices() == {"2B991": "lift"}
    res = solve_package(t, Scenario.from_dict({"objective": "max-value", "risk_budget": 5, "rel_gap": 0}))
    assert set(res.choices()) == {"2B991", "3A991"} and res.objective_value == pytest.approx(1.2e9)
