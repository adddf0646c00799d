"""Diverse near-optimal packages, after PyPSA's modelling-to-generate-alternatives (MGA).

A negotiator needs room: packages almost as good as the best one but built from other items, so a
concession the partner rejects can be swapped. After the optimum, the objective becomes a
constraint (risk <= (1 + tolerance) x optimum for min-risk; value >= (1 - tolerance) x optimum for
max-value; items <= the optimum count plus `tolerance` of it for min-items), and each alternative
minimises its overlap with the packages found so far (an item costs one per earlier package that
holds it), with a cut forbidding any earlier item set. Ties go to the better objective.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import pulp

from optimizer.errors import DecontrolError
from optimizer.model.build import PackageModel, build_model
from optimizer.model.package import prepare, solve_built
from optimizer.model.results import PackageResult, package_result, read_choices
from optimizer.model.scenario import Scenario
from optimizer.model.solve import solve_model

#: Weight of the (normalised) objective next to the overlap count: only breaks ties.
TIE_BREAK = 1e-3


def find_alternatives(
    items: pd.DataFrame,
    scenario: Scenario,
    n: int = 4,
    tolerance: float = 0.05,
    *,
    base: PackageResult | None = None,
    known_eccns: set[str] | None = None,
) -> list[PackageResult]:
    """Up to `n` packages, each a different item set, within `tolerance` of the optimum.

    `base`: the optimal package if already solved (else it is solved here). Returns fewer than `n`
    when no further distinct package is within the tolerance; none when the scenario is infeasible.
    """
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 20:
        raise DecontrolError(f"the number of alternatives must be a whole number from 1 to 20, got {n!r}")
    if not isinstance(tolerance, (int, float)) or isinstance(tolerance, bool) or not 0 <= tolerance <= 1:
        raise DecontrolError(f"the tolerance must be a number between 0 and 1, got {tolerance!r}")
    table, warnings = prepare(items, scenario, known_eccns)
    m = build_model(table, scenario)
    m.warnings[:0] = warnings
    if base is None:
        base = solve_built(m, table, with_marginal=False)
    if not base.found:
        return []
    primary = _primary(m)
    opt = _value_of(m, primary, base.choices())
    _near_optimal(m, primary, opt, tolerance)
    earlier = [set(base.choices())]
    out: list[PackageResult] = []
    for _ in range(n):
        _exclude(m, earlier[-1], len(earlier))
        _overlap_objective(m, earlier, primary, opt)
        outcome = solve_model(m)
        if not outcome.has_solution:
            break
        choices = read_choices(m)
        res = package_result(m, outcome, choices, max_achievable_usd=base.max_achievable_usd)
        res.objective = scenario.objective
        res.objective_value = {
            "min-risk": (res.risk or 0.0) + (res.ally_penalty or 0.0),
            "max-value": res.achieved_usd,
            "min-items": float(res.n_items),
        }[scenario.objective]
        res.warnings.append(
            f"alternative {len(out) + 1}: within {tolerance:.0%} of the optimum "
            f"({scenario.objective}), sharing {len(set(choices) & set(base.choices()))} "
            f"of its items with the proposal"
        )
        out.append(res)
        earlier.append(set(choices))
    return out


def _primary(m: PackageModel) -> pulp.LpAffineExpression:
    obj = m.scenario.objective
    exprs: dict[str, Callable[[], pulp.LpAffineExpression]] = {
        "min-risk": m.risk_expr,
        "max-value": m.value_expr,
        "min-items": m.count_expr,
    }
    return exprs[obj]()


def _value_of(m: PackageModel, expr: pulp.LpAffineExpression, choices: dict[str, str]) -> float:
    return sum(
        coef for var, coef in expr.items() if choices.get(m.var_option[var.name][0]) == m.var_option[var.name][1]
    )


def _near_optimal(m: PackageModel, primary: pulp.LpAffineExpression, opt: float, tol: float) -> None:
    obj = m.scenario.objective
    if obj == "max-value":
        row = pulp.LpConstraint(primary, pulp.LpConstraintGE, rhs=(1 - tol) * opt - 1e-9)
    elif obj == "min-items":
        row = pulp.LpConstraint(primary, pulp.LpConstraintLE, rhs=math.floor(opt * (1 + tol) + 1e-9))
    else:
        row = pulp.LpConstraint(primary, pulp.LpConstraintLE, rhs=(1 + tol) * opt + 1e-9)
    m.add_row("near_optimal", "near_optimal", row, f"within {tol:.0%} of the optimum ({obj})")


def _exclude(m: PackageModel, items: set[str], k: int) -> None:
    """No-good cut: the next package's item set differs from `items` (adds or drops at least one)."""
    inside = m.chosen(sorted(items))
    outside = m.chosen([i for i in m.candidates if i not in items])
    m.add_row("distinct", f"distinct_{k}", pulp.LpConstraint(inside - outside, pulp.LpConstraintLE, rhs=len(items) - 1))


def _overlap_objective(m: PackageModel, earlier: list[set[str]], primary: pulp.LpAffineExpression, opt: float) -> None:
    weight: dict[str, int] = {}
    for s in earlier:
        for i in s:
            weight[i] = weight.get(i, 0) + 1
    sign = -1.0 if m.scenario.objective == "max-value" else 1.0
    scale = TIE_BREAK * sign / max(abs(opt), 1e-9)
    coef = {var: scale * c for var, c in primary.items()}
    for i, w in weight.items():
        for o in m.options_of(i):
            coef[m.x[o]] = coef.get(m.x[o], 0.0) + w
    m.prob.sense = pulp.LpMinimize
    m.prob.setObjective(pulp.LpAffineExpression(coef))
    m.objective = "overlap"


__all__ = ["find_alternatives"]
