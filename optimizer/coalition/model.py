"""The coalition package: maximise the smallest relative gain among members, then the total.

Built on the package model of `optimizer.model` (`build_model`: the same screens and rows as
`decontrol optimize` - foundational items never enter, locks, forced items, the FA threshold,
members' `oppose` positions, max items, category caps, the risk budget, coherence, nesting), with
full relief only and the US item table's risk. On top of it:

    y_i  binary, item i relieved by the whole coalition (the variable of its single option: lift, or meu_removal)
    t    continuous in [0, 1]
    maximise t  subject to  t <= sum_i v_mi y_i / P_m   for every member m with P_m > 0

v_mi is member m's unlocked exports from item i (`values.member_values`), and its **potential**
P_m = sum of v_mi over the eligible items (those the screens leave in): the relative gain
gain_m / P_m is the share of what the member could gain from any package on these items, so a
small exporter and a large one weigh alike (fair burden sharing, as in max-min solutions of
negotiation-support systems). A member with P_m = 0 has nothing to gain from any eligible item;
its relative gain is undefined and it is left out of the max-min (with a warning).

Ties are broken lexicographically: (2) fix t >= t* - `MAXMIN_TOLERANCE` and maximise the total
value of all members; (3) fix that total (to within a relative `TOTAL_TOLERANCE`) and minimise
risk, so no item that adds nothing to anyone is relieved. The US-only package is the max-value
package for the US under the same constraints, with the same minimum-risk tie-break.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pulp

from optimizer.model.build import VALUE_UNIT, PackageModel, build_model
from optimizer.model.results import read_choices
from optimizer.model.scenario import Scenario
from optimizer.model.solve import SolveOutcome, solve_model
from optimizer.vocabulary import Status

#: How far below the optimal smallest relative gain step (2) may go (absolute, on a 0-1 scale).
MAXMIN_TOLERANCE = 1e-6
#: Relative slack on the total value fixed in step (3).
TOTAL_TOLERANCE = 1e-6
#: Instruments of coalition packages (relief is coordinated: every member lifts its requirement; an
#: item that needs a licence only for military end uses offers removal from Supp. No. 2 instead). Each
#: item offers exactly one of them, so y_i is the variable of its single option.
MODES: tuple[str, ...] = ("lift", "meu_removal")

#: A lexicographic step's `fix(choices)`: the row that keeps its optimum while the next steps run.
_Fix = Callable[[dict[str, str]], pulp.LpConstraint]
#: (name, sense, objective, fix) of one lexicographic step.
_Objective = tuple[str, int, pulp.LpAffineExpression, _Fix | None]


@dataclass(frozen=True)
class Step:
    """One solve of a lexicographic sequence."""

    name: str
    status: str
    objective: float | None
    gap: float | None
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.name,
            "status": self.status,
            "objective": self.objective,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Solved:
    """A package found by a lexicographic sequence: the model, the combined outcome, the choices."""

    model: PackageModel
    outcome: SolveOutcome
    choices: dict[str, str]
    steps: list[Step] = field(default_factory=list)
    potentials: dict[str, float] = field(default_factory=dict)  # US$, members of the max-min only
    warnings: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.outcome.has_solution

    @property
    def chosen(self) -> list[str]:
        return [i for i in self.model.items.index if i in self.choices]


def potentials(values: pd.DataFrame, eligible: list[str]) -> dict[str, float]:
    """P_m: each member's summed value (US$) over the eligible items (unknown values count 0)."""
    v = values.reindex(eligible).fillna(0.0).clip(lower=0.0)
    return {m: float(v[m].sum()) for m in values.columns}


def relative_gains(chosen: list[str], values: pd.DataFrame, pots: dict[str, float]) -> dict[str, float | None]:
    """gain_m / P_m for a package (None where P_m is 0)."""
    gains = gains_usd(chosen, values)
    return {m: (gains[m] / pots[m] if pots.get(m, 0.0) > 0 else None) for m in values.columns}


def gains_usd(chosen: list[str], values: pd.DataFrame) -> dict[str, float]:
    """Each member's unlocked exports (US$) from a package (unknown values count 0)."""
    v = values.reindex(list(chosen)).fillna(0.0).clip(lower=0.0)
    return {m: float(v[m].sum()) for m in values.columns}


def min_relative_gain(rel: dict[str, float | None]) -> float | None:
    known = [r for r in rel.values() if r is not None]
    return min(known) if known else None


def coalition_model(items: pd.DataFrame, scenario: Scenario) -> PackageModel:
    """The package model with the scenario's screens and rows, full relief only, max value set."""
    return build_model(items, scenario.replace(modes=list(MODES), objective="max-value"), objective="max-value")


def solve_maxmin(items: pd.DataFrame, values: pd.DataFrame, scenario: Scenario) -> Solved:
    """The coalition package on a validated item table and a wide value table (index item id,
    one column per member, US$). Steps: max-min relative gain, max total value, min risk."""
    m = coalition_model(items, scenario)
    x = {i: m.x[m.options_of(i)[0]] for i in m.candidates}
    values = values.reindex(m.items.index)
    pots = potentials(values, m.candidates)
    counted = [mem for mem, p in pots.items() if p > 0]
    warnings = [
        f"{mem} gains nothing from any eligible item: it is left out of the max-min (its relative gain is undefined)"
        for mem, p in pots.items()
        if p <= 0
    ]
    v = values.reindex(m.candidates).fillna(0.0).clip(lower=0.0)
    steps: list[Step] = []
    sequence: list[_Objective] = []
    if counted:
        t = m.prob.add_variable("min_relative_gain", 0.0, 1.0)
        for k, mem in enumerate(counted):
            coef = {x[i]: float(v.at[i, mem]) / pots[mem] for i in m.candidates if v.at[i, mem] > 0}
            expr = pulp.LpAffineExpression(coef) - t
            m.add_row(
                "coalition",
                f"relative_gain_{k}",
                pulp.LpConstraint(expr, pulp.LpConstraintGE, rhs=0),
                f"{mem}'s relative gain is at least the smallest",
            )
        counted_values = values[counted]

        def fix_t(choices: dict[str, str]) -> pulp.LpConstraint:
            best = min_relative_gain(relative_gains(list(choices), counted_values, pots))
            assert best is not None, "every counted member has a potential, hence a relative gain"
            return pulp.LpConstraint(
                pulp.LpAffineExpression({t: 1.0}), pulp.LpConstraintGE, rhs=best - MAXMIN_TOLERANCE
            )

        sequence.append(("max-min relative gain", pulp.LpMaximize, pulp.LpAffineExpression({t: 1.0}), fix_t))
    total = pulp.LpAffineExpression(
        {x[i]: float(v.loc[i].sum()) / VALUE_UNIT for i in m.candidates if v.loc[i].sum() > 0}
    )
    sequence.append(("max total value of members (US$ m)", pulp.LpMaximize, total, _keep(total, m)))
    sequence.append(("min risk", pulp.LpMinimize, m.risk_expr(), None))
    outcome, choices = _lexicographic(m, sequence, steps)
    return Solved(m, outcome, choices, steps, {mem: pots[mem] for mem in counted}, warnings)


def solve_us_only(items: pd.DataFrame, scenario: Scenario) -> Solved:
    """The US-only package: max US value under the same constraints, then min risk."""
    m = coalition_model(items, scenario)
    value = m.value_expr()
    steps: list[Step] = []
    sequence: list[_Objective] = [
        ("max US value (US$ m)", pulp.LpMaximize, value, _keep(value, m)),
        ("min risk", pulp.LpMinimize, m.risk_expr(), None),
    ]
    outcome, choices = _lexicographic(m, sequence, steps)
    return Solved(m, outcome, choices, steps)


def _lexicographic(
    m: PackageModel, sequence: list[_Objective], steps: list[Step]
) -> tuple[SolveOutcome, dict[str, str]]:
    """Solve each (name, sense, objective, fix) in turn; `fix(choices)` is the row that keeps the
    step's optimum while the next steps run.

    Returns the combined outcome (status: the first step's if it found nothing; `feasible` if any
    step stopped unproven or found nothing after an earlier package; gap: the first step's) and the
    last package found. Objective values are those the solver reports for its own expression.
    """
    choices: dict[str, str] = {}
    first: SolveOutcome | None = None
    proven = True
    seconds = 0.0
    for k, (name, sense, expr, fix) in enumerate(sequence):
        m.prob.sense = sense
        m.prob.setObjective(expr)
        out = solve_model(m, warm_start=k > 0 and m.scenario.solver == "cbc")
        seconds += out.seconds
        steps.append(Step(name, out.status, out.objective, out.gap, out.seconds))
        first = first or out
        if not out.has_solution:
            if k == 0:
                return SolveOutcome(out.status, out.solver, None, None, None, seconds), {}
            proven = False
            _restore(m, choices)
            break
        proven = proven and out.status == Status.OPTIMAL
        choices = read_choices(m)
        if fix is not None:
            m.add_row("lexicographic", f"lexicographic_{k}", fix(choices), f"keeps the optimum of: {name}")
    status = Status.OPTIMAL if proven else Status.FEASIBLE
    assert first is not None, "the sequence has at least one step"
    head = steps[0]
    return SolveOutcome(status, first.solver, head.objective, first.bound, head.gap, seconds), choices


def _keep(expr: pulp.LpAffineExpression, m: PackageModel) -> _Fix:
    """A `fix` for a maximised expression of the binaries: expr >= its value at the package found
    (computed from the 0/1 choices, so solver round-off in the binaries does not leak in), less a
    relative TOTAL_TOLERANCE."""

    def fix(choices: dict[str, str]) -> pulp.LpConstraint:
        best = float(expr.constant) + sum(
            coef for var, coef in expr.items() if choices.get(m.var_option[var.name][0]) == m.var_option[var.name][1]
        )
        return pulp.LpConstraint(expr, pulp.LpConstraintGE, rhs=best - TOTAL_TOLERANCE * max(1.0, abs(best)))

    return fix


def _restore(m: PackageModel, choices: dict[str, str]) -> None:
    """Put the last package back on the variables after a step that found none."""
    for (item, mode), var in m.x.items():
        var.varValue = 1.0 if choices.get(item) == mode else 0.0
