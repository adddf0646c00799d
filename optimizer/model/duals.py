"""Marginal risk per extra US$1bn of target, from the dual of the target row in the LP relaxation.

A package changes item by item, so the true "price" of a higher target is a step function; the LP
relaxation (items may be relieved fractionally) gives its slope at the current target. It is an
approximation and is labelled as one wherever it is shown. The risk counted is the objective's
risk: security risk plus any ally penalties.
"""

from __future__ import annotations

from optimizer.model.build import VALUE_UNIT, PackageModel, set_objective, set_target
from optimizer.model.solve import solve_model

USD_PER_BN = 1e9


def marginal_risk_per_bn(m: PackageModel, target_usd: float) -> float | None:
    """d(min risk)/d(target) x US$1bn in the LP relaxation at `target_usd`; None if that LP is infeasible.

    Leaves the model as it found it (objective, target); variable values are overwritten, so read
    the package before calling this.
    """
    before, row = m.objective, m.rows["target"]["target"]
    old_rhs = -row.constant
    try:
        if before != "min-risk":
            set_objective(m, "min-risk")
        set_target(m, target_usd)
        out = solve_model(m, relaxation=True)
        pi = row.pi
    finally:
        row.changeRHS(old_rhs)
        if before != "min-risk":
            set_objective(m, before)
    if not out.has_solution or pi is None:
        return None
    return max(0.0, float(pi)) * USD_PER_BN / VALUE_UNIT


__all__ = ["USD_PER_BN", "marginal_risk_per_bn"]
