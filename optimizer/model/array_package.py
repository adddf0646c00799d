"""The package pipeline on the array model (`arrays.py`): solve, largest achievable, marginal risk,
binding rows - the same steps and rules as `package.solve_built` on a PuLP model.

`package.solve_package` takes this path for large tables (`use_array_path`). Each step mirrors its
PuLP twin and says which:

- the package: one HiGHS solve of the arrays (status, bound and gap from HiGHS). A verdict of
  *infeasible* is not reported from here: `solve_arrays_package` returns None and the caller runs
  the PuLP path, which confirms it on a second solver and diagnoses it (proof discipline,
  `solve.py`);
- the largest achievable (`achievable.achievable_on`): the closed form (every eligible item in its
  most valuable mode, coherence and nesting resolved) when that package satisfies every row but
  the target, evaluated on the arrays; otherwise max-value solves of the same arrays, reported as
  a range when not proven;
- the marginal risk (`duals.marginal_risk_per_bn`): the target row's dual in the LP relaxation;
- binding rows (`results.binding_constraints`), read from the package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.model.achievable import (
    _HARMLESS,
    ACHIEVABLE_SECONDS,
    EXACT_GAP,
    EXACT_MAX_BINARIES,
    Achievable,
    nest_choices,
    same_figure,
)
from optimizer.model.arrays import (
    ARRAY_MIN_BINARIES,
    INF,
    ArrayModel,
    build_arrays,
    chosen_columns,
    set_array_objective,
    set_array_target,
    solve_arrays,
)
from optimizer.model.build import TIE, VALUE_UNIT
from optimizer.model.duals import USD_PER_BN
from optimizer.model.results import TIGHT, BindingConstraint, PackageResult, _round, package_result
from optimizer.model.scenario import Scenario
from optimizer.model.solve import SolveOutcome


def use_array_path(table: pd.DataFrame, scenario: Scenario) -> bool:
    """Whether a package for `scenario` may go to the array path: the solver is `auto` or `highs`,
    HiGHS is installed, and the table could give ARRAY_MIN_BINARIES binaries (the model decides
    after its screens: `solve_package`)."""
    from optimizer.model import highs
    return (scenario.solver in ("auto", "highs") and len(table) * len(scenario.modes) >= ARRAY_MIN_BINARIES
            and highs.available())


def solve_arrays_package(am: ArrayModel, *, with_marginal: bool = True) -> PackageResult | None:
    """`package.solve_built` on the array model; None when HiGHS calls the model infeasible (the
    caller confirms that on the PuLP path)."""
    sc = am.base.scenario
    first = solve_arrays(am, time_limit=sc.time_limit_s, rel_gap=sc.rel_gap)
    outcome = first.outcome
    if outcome.status == "infeasible":
        return None
    choices = am.options(chosen_columns(am, first.x)) if first.x is not None else {}
    ach = array_achievable(am)
    if ach is not None and outcome.has_solution:
        ach.raise_low(sum(am.base.value[(i, md)] for i, md in choices.items()) * VALUE_UNIT, choices)
    best = None if ach is None else ach.low_usd
    marginal = array_marginal_risk_per_bn(am, sc.target_usd) if with_marginal and outcome.has_solution else None
    res = package_result(am.base, outcome, choices, max_achievable_usd=best, marginal_risk_per_bn=marginal)
    if outcome.has_solution:
        res.binding_constraints = array_binding_constraints(am, choices)
    from optimizer.model.package import label_achievable
    label_achievable(res, ach)
    return res


# ---------------------------------------------------------------------- largest achievable
def array_best_modes(am: ArrayModel) -> dict[str, str] | None:
    """`achievable.best_modes` on the arrays: every eligible item in its most valuable mode (ties:
    the least risk, then the first mode), items without hardware for coherence left out, nesting
    resolved; None when a forced item lacks hardware (no closed form)."""
    cands = am.base.candidates
    blocked = np.zeros(len(cands), dtype=bool)
    coh = am.block("coherence")
    if coh is not None and len(coh):
        no_hw = am.hw_start[am.family_code[am.coherence_items] + 1] == am.hw_start[am.family_code[am.coherence_items]]
        blocked[am.coherence_items[no_hw]] = True
    forced = set(am.base.scenario.forced)
    if any(blocked[k] for k, i in enumerate(cands) if i in forced):
        return None
    cols = np.arange(am.n_cols)
    order = np.lexsort((cols, am.risk, -am.value, am.col_item))
    first = np.ones(len(order), dtype=bool)
    first[1:] = am.col_item[order[1:]] != am.col_item[order[:-1]]
    best_cols = order[first]
    best_cols = best_cols[~blocked[am.col_item[best_cols]]]
    out = {cands[k]: am.col_mode[c] for k, c in zip(am.col_item[best_cols].tolist(), best_cols.tolist())}
    nesting = am.block("nesting")
    if nesting is None or not len(nesting):
        return out
    return nest_choices(am.base, out)


def array_satisfies(am: ArrayModel, choices: dict[str, str], skip: tuple[str, ...] = ("target",)) -> bool:
    """`achievable.satisfies` on the arrays: whether the package meets every row (but `skip`'s
    families), with the same tolerance."""
    x = np.zeros(am.n_cols)
    x[am.columns_of(choices)] = 1.0
    act = am.activity(x)
    _, _, _, lo, up = am.stacked()
    keep = np.ones(len(act), dtype=bool)
    for family in skip:
        keep[am.row_range(family)] = False
    finite_up, finite_lo = np.isfinite(up) & keep, np.isfinite(lo) & keep
    eq = finite_up & finite_lo
    tol_up = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(up), up, 0.0)))
    tol_lo = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, 0.0)))
    if np.any((act - up > tol_up)[finite_up & ~eq]) or np.any((act - lo < -tol_lo)[finite_lo & ~eq]):
        return False
    return not np.any((np.abs(act - up) > tol_up)[eq])


def array_top_package(am: ArrayModel, best: dict[str, str]) -> dict[str, str]:
    """`achievable.top_package` on the arrays: the items with value in their most valuable mode,
    forced items, and for each coherence row whose D/E item is in but none of whose hardware is,
    the family's least-risk hardware in its least-risk mode."""
    base = am.base
    forced = set(base.scenario.forced)
    pen = base.penalty

    def risk(i: str, md: str) -> float:
        return base.risk[(i, md)] + pen.get(i, 0.0)

    out = {i: md for i, md in best.items() if base.value[(i, md)] > 0 or i in forced}
    cands = base.candidates
    for k in am.coherence_items.tolist():
        fam = int(am.family_code[k])
        hardware = [cands[h] for h in am.hw_sorted[am.hw_start[fam]:am.hw_start[fam + 1]].tolist()]
        if cands[k] in out and not any(h in out for h in hardware):
            h = min((i for i in set(hardware) if i in best), key=lambda i: (risk(i, best[i]), i), default=None)
            if h is not None:
                out[h] = min((o[1] for o in base.options_of(h)), key=lambda md: risk(h, md))
    return out


def array_achievable(am: ArrayModel, time_limit: float | None = None) -> Achievable | None:
    """`achievable.achievable_on` on the arrays (same stages, same figures and labels)."""
    sc = am.base.scenario
    if time_limit is None:
        time_limit = sc.time_limit_s
    best = array_best_modes(am)
    harmless = am.families() <= _HARMLESS
    if best is not None and (harmless or array_satisfies(am, best)):
        value = sum(am.base.value[(i, md)] for i, md in best.items()) * VALUE_UNIT
        return Achievable(round(value, 2), round(value, 2), True, "closed form", array_top_package(am, best))
    before = am.objective
    target = am.block("target")
    assert target is not None
    old = float(target.lower[0]) * VALUE_UNIT
    found: list[tuple[float, dict[str, str], SolveOutcome]] = []
    out: SolveOutcome | None = None
    try:
        set_array_objective(am, "max-value")
        set_array_target(am, 0.0)
        stages = [(sc.rel_gap, time_limit)]
        if am.n_cols <= EXACT_MAX_BINARIES:
            stages.append((EXACT_GAP, min(time_limit, ACHIEVABLE_SECONDS)))
        for gap, limit in stages:
            run = solve_arrays(am, time_limit=limit, rel_gap=gap)
            out = run.outcome
            if not out.has_solution or run.x is None:
                break
            choices = am.options(chosen_columns(am, run.x))
            value = round(sum(am.base.value[(i, md)] for i, md in choices.items()) * VALUE_UNIT, 2)
            found.append((value, choices, out))
            if same_figure(value, _high(am, out)):
                break
    finally:
        set_array_target(am, old)
        set_array_objective(am, before)
    if not found:
        if out is not None and out.status == "time_limit":
            ub = float(np.maximum.reduceat(am.value, am.cstart[:-1]).sum()) * VALUE_UNIT if am.n_cols else 0.0
            return Achievable(0.0, round(ub, 2), False, out.solver, {}, "time_limit")
        return None
    low, choices, out = max(found, key=lambda f: f[0])
    high = max(low, min(_high(am, f[2]) for f in found))
    proven = same_figure(low, high)
    return Achievable(low, low if proven else high, proven, out.solver, choices, out.status)


def _high(am: ArrayModel, out: SolveOutcome) -> float:
    """`achievable._high`: the value bound proven by a max-value solve (its tie-break included)."""
    if out.bound is None:
        return float("inf")
    positive = am.value[am.value > 0]
    smallest = float(positive.min()) if len(positive) else 0.0
    return round((out.bound + TIE * smallest) * VALUE_UNIT, 2)


# ---------------------------------------------------------------------- marginal risk
def array_marginal_risk_per_bn(am: ArrayModel, target_usd: float) -> float | None:
    """`duals.marginal_risk_per_bn` on the arrays: the target row's dual in the min-risk LP
    relaxation at `target_usd`, per US$1bn; None when that LP has no solution."""
    sc = am.base.scenario
    before = am.objective
    target = am.block("target")
    assert target is not None
    old = float(target.lower[0]) * VALUE_UNIT
    try:
        if before != "min-risk":
            set_array_objective(am, "min-risk")
        set_array_target(am, target_usd)
        run = solve_arrays(am, time_limit=sc.time_limit_s, rel_gap=sc.rel_gap, relaxation=True)
    finally:
        set_array_target(am, old)
        if before != "min-risk":
            set_array_objective(am, before)
    if not run.outcome.has_solution or run.duals is None:
        return None
    pi = float(run.duals[am.row_range("target").start])
    return max(0.0, pi) * USD_PER_BN / VALUE_UNIT


# ---------------------------------------------------------------------- binding rows
def array_binding_constraints(am: ArrayModel, choices: dict[str, str]) -> list[BindingConstraint]:
    """`results.binding_constraints` on the arrays (same rules: see that module's docstring)."""
    x = np.zeros(am.n_cols)
    x[am.columns_of(choices)] = 1.0
    cands = am.base.candidates
    forced = set(am.base.scenario.forced)
    col_forced = np.asarray([cands[k] in forced for k in am.col_item.tolist()], dtype=bool) if forced \
        else np.zeros(am.n_cols, dtype=bool)
    item_in = np.zeros(len(cands), dtype=bool)
    item_in[am.col_item[x > 0.5]] = True
    col_item_in = item_in[am.col_item]
    maximise = am.objective == "max-value"
    out: list[BindingConstraint] = []
    for family in ("target", "max_items", "risk_budget", "category_caps"):
        b = am.block(family)
        if b is None:
            continue
        for r, name in enumerate(b.names):
            idx, coef = b.indices[b.indptr[r]:b.indptr[r + 1]], b.data[b.indptr[r]:b.indptr[r + 1]]
            act = float(coef @ x[idx])
            ge = b.upper[r] == INF
            rhs = float(b.lower[r] if ge else b.upper[r])
            slack = act - rhs if ge else rhs - act
            if family == "target" and rhs <= 0:
                continue
            counts = family == "max_items" or name.startswith("cap_items")
            tight = slack < 0.5 if counts else abs(slack) <= TIGHT * max(1.0, abs(rhs))
            if ge:
                if maximise:
                    binds = tight
                else:
                    sel = (x[idx] > 0.5) & (coef > 0) & ~col_forced[idx]
                    binds = tight or (bool(sel.any()) and slack < float(coef[sel].min()))
            elif maximise:
                sel = (coef > 0) & ~col_item_in[idx]
                binds = tight or (bool(sel.any()) and slack < float(coef[sel].min()))
            else:
                binds = tight
            if binds:
                unit = VALUE_UNIT if family == "target" or name.startswith("cap_share") else 1.0
                out.append(BindingConstraint(name, family, b.notes.get(name, name), _round(slack * unit)))
    return out


__all__ = ["array_achievable", "array_best_modes", "array_binding_constraints", "array_marginal_risk_per_bn",
           "array_satisfies", "array_top_package", "build_arrays", "solve_arrays_package", "use_array_path"]
