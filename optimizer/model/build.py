"""Build the package model once: one binary per eligible (item, relief mode), then every constraint family.

The pipeline (after PyPSA's `optimization/`): **build** (this module, one `define_*` per constraint
family in `constraints.py`) -> **solve** (`solve.py`) -> **read the solution** (`results.py`) ->
**duals** (`duals.py`) -> **post-process** (reasons, binding constraints, diagnosis).

Expressions are built from dicts with `LpAffineExpression` (summing generators with `lpSum` is about
ten times slower), and the model is built once per scenario: a sweep over targets only changes the
right-hand side of the `target` row (`set_target`).

Units inside the model: concession value in US$ millions (`VALUE_UNIT`), so no coefficient is
larger than about 1e4 and the solvers' tolerances behave; risk in the item table's own index.
"""

from __future__ import annotations

import pandas as pd
import pulp

from optimizer.model import constraints as C
from optimizer.model.scenario import MODE_ALIASES, Scenario
from optimizer.model.structure import TIE, VALUE_UNIT, Option, PackageModel, parent_of

#: Row families in build order; `relax` in `build_model` may drop any of them but `mode_choice` and
#: `target`, and any of the SCREENS.
FAMILIES: tuple[str, ...] = (
    "mode_choice",
    "target",
    "forced",
    "max_items",
    "category_caps",
    "risk_budget",
    "ally_positions",
    "coherence",
    "nesting",
)
#: Rules on which items may enter at all (applied before variables exist; relaxable in a diagnosis).
SCREENS: tuple[str, ...] = ("locks", "fa_threshold", "ally_positions")


def build_model(
    items: pd.DataFrame,
    scenario: Scenario,
    *,
    relax: frozenset[str] = frozenset(),
    objective: str | None = None,
    target_usd: float | None = None,
) -> PackageModel:
    """The package model for a *validated* item table (see `items.validate_items`).

    `relax` drops constraint families or screens by name (FAMILIES, SCREENS) - the infeasibility
    diagnosis relaxes one at a time; foundational items are never relaxed. `objective` overrides the
    scenario's ('max-value' for the largest achievable target), `target_usd` its target.
    """
    table = items.set_index("eccn", drop=False)
    obj = objective or scenario.objective
    sense = pulp.LpMaximize if obj == "max-value" else pulp.LpMinimize
    m = PackageModel(
        scenario=scenario,
        items=table,
        prob=pulp.LpProblem("decontrol_package", sense),
        objective=obj,
        relaxed=frozenset(relax),
        ids=table.index.tolist(),
        offered=offered_modes(table, scenario.modes),
    )
    C.define_exclusions(m)
    _add_variables(m)
    C.define_mode_choice(m)
    C.define_target(m, scenario.target_usd if target_usd is None else target_usd)
    for family, define in (
        ("forced", C.define_forced),
        ("max_items", C.define_max_items),
        ("category_caps", C.define_category_caps),
        ("risk_budget", C.define_risk_budget),
        ("ally_positions", C.define_ally_positions),
        ("coherence", C.define_coherence),
        ("nesting", C.define_nesting),
    ):
        if family not in m.relaxed:
            define(m)
    set_objective(m, obj)
    return m


def offered_modes(items: pd.DataFrame, modes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """{item: the scenario's modes the item offers}: the instruments of its `instruments` cell (the
    destination-aware item table), or, for a table without that column (an older export), every
    allowed mode but `meu_removal` (which only the licensing model can tell applies)."""
    if "instruments" not in items.columns:
        generic = tuple(x for x in modes if x != "meu_removal")
        return dict.fromkeys(items.index.tolist(), generic)
    out: dict[str, tuple[str, ...]] = {}
    for item, cell in zip(items.index.tolist(), items["instruments"].tolist()):
        have = {MODE_ALIASES.get(p.strip(), p.strip()) for p in str(cell or "").split(";") if p.strip()}
        out[item] = tuple(x for x in modes if x in have)
    return out


def _add_variables(m: PackageModel) -> None:
    """x[item, mode] binary for every candidate item and each allowed mode it offers; value and risk
    per option."""
    sc = m.scenario
    t = m.items
    value = t["value_usd"].fillna(0.0).to_numpy() / VALUE_UNIT
    risk = t["risk"].to_numpy()
    pos = {item: k for k, item in enumerate(m.ids)}
    for k, item in enumerate(m.candidates):
        r = pos[item]
        modes = m.offered[item]
        m.item_options[item] = [(item, mode) for mode in modes]
        for mode in modes:
            p = sc.params(mode)
            o = (item, mode)
            m.x[o] = m.prob.add_variable(f"x_{k}_{mode}", 0, 1, cat=pulp.LpBinary)
            m.var_option[m.x[o].name] = o
            m.value[o] = float(value[r] * p.value_share)
            m.risk[o] = float(risk[r] * p.risk_share)


def set_objective(m: PackageModel, objective: str, ties: str = "items") -> None:
    """Set the objective: min risk (with ally penalties), max value, or min items.

    Each carries a tie-break far below anything that matters, so items that change nothing are left
    out: min-risk adds TIE x the smallest positive risk per relieved item (a zero-risk item is not
    relieved for nothing); max-value subtracts risk scaled so that all of it together is worth less
    than TIE x the smallest value (an item without value is not relieved for nothing); min-items
    adds the risk scaled below one item (the count comes first, the least risk breaks ties).
    Reported objective values are computed from the package, without the tie-breaks.

    `ties="value"` (min-risk only, the frontier's): among packages of equal risk the one with the
    most value wins - all the value together is worth less than TIE x the smallest positive risk,
    and an item without value still costs a sliver - so no frontier point is weakly dominated by a
    package of the same risk and more value.
    """
    risk = m.risk_expr()
    worst = 1.0 + sum(
        max((m.risk[o] + m.penalty.get(i, 0.0) for o in m.options_of(i)), default=0.0) for i in m.candidates
    )
    if objective == "min-risk":
        m.prob.sense = pulp.LpMinimize
        eps = TIE * min((c for c in risk.values() if c > 0), default=1.0)
        if ties == "value":
            value = m.value_expr()
            total = sum(value.values())
            per = eps / total if total > 0 else 0.0
            sliver = per * min((c for c in value.values() if c > 0), default=1.0) * 1e-3
            m.prob.setObjective(
                pulp.LpAffineExpression({v: risk.get(v, 0.0) - per * value.get(v, 0.0) + sliver for v in m.x.values()})
            )
        else:
            m.prob.setObjective(pulp.LpAffineExpression({v: risk.get(v, 0.0) + eps for v in m.x.values()}))
    elif objective == "max-value":
        m.prob.sense = pulp.LpMaximize
        value = m.value_expr()
        eps = TIE * min((c for c in value.values() if c > 0), default=1.0) / worst
        m.prob.setObjective(
            pulp.LpAffineExpression(
                {v: value.get(v, 0.0) - eps * risk.get(v, 0.0) for v in m.x.values() if value.get(v) or risk.get(v)}
            )
        )
    elif objective == "min-items":
        m.prob.sense = pulp.LpMinimize
        m.prob.setObjective(pulp.LpAffineExpression({v: 1.0 + risk.get(v, 0.0) / worst for v in m.x.values()}))
    else:  # pragma: no cover - Scenario validates the objective
        raise ValueError(objective)
    m.objective = objective


def set_target(m: PackageModel, target_usd: float) -> None:
    """Move the target row's right-hand side (a sweep reuses one model this way)."""
    m.rows["target"]["target"].changeRHS(target_usd / VALUE_UNIT)


__all__ = [
    "FAMILIES",
    "Option",
    "PackageModel",
    "SCREENS",
    "TIE",
    "VALUE_UNIT",
    "build_model",
    "offered_modes",
    "parent_of",
    "set_objective",
    "set_target",
]
