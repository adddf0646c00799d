"""The lean MPS writer gives CBC the same model PuLP's own writer does: continuous variables,
fixed and free bounds, maximisation, and a target moved per run."""

from __future__ import annotations

import pulp
import pytest

from optimizer.model import Scenario
from optimizer.model.build import build_model, set_target
from optimizer.model.cbc import CbcFile, cbc_path, run_cbc
from optimizer.model.items import validate_items
from optimizer.model.solve import CBC_OPTIONS, solve_model


def _model(small_table, **sc):
    return build_model(
        validate_items(small_table)[0],
        Scenario.from_dict({"modes": ["lift", "exception", "approval"], "rel_gap": 0} | sc),
    )


def _pulp_objective(m) -> float:
    copy = m.prob.deepcopy()
    copy.solve(pulp.COIN_CMD(path=cbc_path(), msg=False, gapRel=0))  # PuLP's own CBC call, public API
    assert copy.status == pulp.LpStatusOptimal
    return float(pulp.value(copy.objective))


def test_same_optimum_as_pulps_own_cbc_call(small_table):
    m = _model(small_table, target_usd=1.4e9)
    out = solve_model(m)
    assert out.status == "optimal"
    assert out.objective == pytest.approx(_pulp_objective(m), abs=1e-9)


def test_continuous_variable_fixed_bounds_and_maximisation(small_table):
    m = _model(small_table, target_usd=0.0, objective="max-value")
    t = m.prob.add_variable("floor", -5.0, 5.0)  # continuous, negative lower bound
    m.add_row("extra", "extra", pulp.LpConstraint(m.value_expr() - 100 * t, pulp.LpConstraintGE, rhs=0))
    m.x[("3A991", "lift")].lowBound = m.x[("3A991", "lift")].upBound = 0  # fixed: FX bound
    m.prob.setObjective(pulp.LpAffineExpression({t: 1.0}) + 1e-3 * m.value_expr())
    m.prob.sense = pulp.LpMaximize
    out = solve_model(m)
    assert out.status == "optimal"
    assert t.varValue == pytest.approx(5.0)
    assert m.x[("3A991", "lift")].varValue == 0
    assert out.objective == pytest.approx(_pulp_objective(m), abs=1e-7)


def test_target_moved_per_run(small_table):
    m = _model(small_table, target_usd=0.5e9)
    f = CbcFile(m)
    for target in (0.5e9, 1.2e9, 2.4e9):
        answer = run_cbc(f, options=CBC_OPTIONS, time_limit=10, rel_gap=0, target_usd=target)
        set_target(m, target)
        assert answer.status == pulp.LpStatusOptimal
        value = sum(m.value[m.var_option[n]] for n, v in answer.values.items() if v > 0.5 and n in m.var_option)
        assert value * 1e6 >= target - 1e-3
        got = sum(c for var, c in m.prob.objective.items() if answer.values.get(var.name, 0) > 0.5)
        assert got == pytest.approx(_pulp_objective(m), abs=1e-9)
