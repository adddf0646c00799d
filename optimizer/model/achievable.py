"""The largest concession value any package can reach under the scenario's other constraints.

It bounds the frontier, tells the analyst how far a target can go, and is the first half of an
infeasibility diagnosis. It is a max-value solve with the target row at zero on the same model;
when nothing but the target, the mode choice, forced items and coherence constrain the package,
the answer is known without a solver (every eligible item in its most valuable mode) and is
computed directly.
"""

from __future__ import annotations

from optimizer.model.build import VALUE_UNIT, PackageModel, set_objective, set_target
from optimizer.model.solve import solve_model

#: Families whose rows never stop every eligible item from entering at its most valuable mode.
_HARMLESS = frozenset({"mode_choice", "target", "forced", "coherence"})


def max_achievable_on(m: PackageModel) -> float | None:
    """Largest value (US$) under `m`'s constraints other than the target; None if no package is
    feasible (or, on a very large model, none was found within the time limit).

    Leaves the model's objective and target as they were; variable values are overwritten.
    """
    closed = _closed_form(m)
    if closed is not None:
        return closed
    before, row = m.objective, m.rows["target"]["target"]
    old_rhs = -row.constant
    try:
        set_objective(m, "max-value")
        set_target(m, 0.0)
        out = solve_model(m)
    finally:
        row.changeRHS(old_rhs)
        set_objective(m, before)
    if not out.has_solution:
        return None
    value = sum(m.value[o] for o, var in m.x.items() if (var.varValue or 0.0) > 0.5)  # not the tie-broken objective
    return round(value * VALUE_UNIT, 2)


def _closed_form(m: PackageModel) -> float | None:
    """Sum of each eligible item's best value, when that package is feasible by construction."""
    families = {f for f, rows in m.rows.items() if rows}
    if not families <= _HARMLESS:
        return None
    blocked = set()
    for name, row in m.rows.get("coherence", {}).items():
        if all(coef > 0 for coef in row.values()):  # a D/E row with no hardware left to relieve
            blocked |= {m.var_option[v.name][0] for v in row}
    if blocked & set(m.scenario.forced):
        return None  # a forced item that cannot be relieved: let the solver say infeasible
    total = 0.0
    for item in m.candidates:
        if item not in blocked:
            total += max((m.value[o] for o in m.options_of(item)), default=0.0)
    return round(total * VALUE_UNIT, 2)


__all__ = ["max_achievable_on"]
