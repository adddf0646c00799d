"""`solve_package`: the fixed pipeline build -> solve -> read solution -> duals -> post-process.

Each step is a module of its own (`build`, `solve`, `results`, `duals`, `achievable`, `diagnose`);
this one only runs them in order, so the dashboard, the CLI, the frontier and the alternatives all
get the same package for the same inputs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from optimizer.model import arrays
from optimizer.model.achievable import CENT, Achievable, achievable_on, max_achievable_on, same_figure
from optimizer.model.array_package import solve_arrays_package, use_array_path
from optimizer.model.build import VALUE_UNIT, PackageModel, build_model
from optimizer.model.diagnose import diagnose
from optimizer.model.duals import marginal_risk_per_bn
from optimizer.model.items import validate_items
from optimizer.model.results import PackageResult, infeasible_reasons, package_result, read_choices
from optimizer.model.scenario import Scenario
from optimizer.model.solve import solve_model
from optimizer.vocabulary import Status

if TYPE_CHECKING:
    from optimizer.model.frontier import FrontierResult


def prepare(
    items: pd.DataFrame, scenario: Scenario, known_eccns: set[str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """The validated item table for the scenario's partner, and warnings (see `items.validate_items`)."""
    return validate_items(items, known_eccns, partner=scenario.partner)


def solve_package(
    items: pd.DataFrame, scenario: Scenario, *, known_eccns: set[str] | None = None, with_marginal: bool = True
) -> PackageResult:
    """The best package for `scenario` on an item table (raw or validated).

    Always returns a result: `status` says whether a package was found (`optimal`, `feasible`) or not
    (`infeasible` with a `diagnosis`, `time_limit`). Bad input raises DecontrolError.

    The model is built as arrays and solved by HiGHS (`array_package.py`) when the scenario's solver
    is `auto` or `highs` and the model has at least `arrays.ARRAY_MIN_BINARIES` binaries (measured:
    the PuLP model's build dominates there); otherwise, or when HiGHS calls the arrays infeasible
    (confirmed and diagnosed on the PuLP path), as a PuLP model.
    """
    t0 = time.perf_counter()
    table, warnings = prepare(items, scenario, known_eccns)
    if use_array_path(table, scenario):
        am = arrays.build_arrays(table, scenario)
        if am.n_cols >= arrays.ARRAY_MIN_BINARIES:
            am.base.warnings[:0] = warnings
            res_or_none = solve_arrays_package(am, with_marginal=with_marginal)
            if res_or_none is not None:
                res_or_none.total_seconds = time.perf_counter() - t0
                return res_or_none
            # HiGHS called it infeasible: the PuLP path confirms that on a second solver and diagnoses it
        del am
    m = build_model(table, scenario)
    m.warnings[:0] = warnings
    res = solve_built(m, table, with_marginal=with_marginal)
    res.total_seconds = time.perf_counter() - t0
    return res


class PackageSession:
    """One item table and scenario, validated and built once, solved at any target: the package
    builder following its target as it is dragged (validation was two thirds of a package's time on
    the shipped table). Every other field of the scenario is fixed; a session is for one thread at a
    time (`lock`). Large tables (the array path) are solved afresh each time (`solve_package`)."""

    def __init__(self, items: pd.DataFrame, scenario: Scenario, *, known_eccns: set[str] | None = None) -> None:
        self.scenario = scenario
        self.lock = threading.Lock()
        self.table, self.warnings = prepare(items, scenario, known_eccns)
        self.items, self.known = items, known_eccns
        self.model: PackageModel | None = None
        if not use_array_path(self.table, scenario):
            self.model = build_model(self.table, scenario)
            self.warnings = self.warnings + self.model.warnings  # validation's, then the build's

    def solve(self, target_usd: float, *, with_marginal: bool = True) -> PackageResult:
        """The package at `target_usd` (the same result `solve_package` gives for the scenario with
        that target)."""
        from optimizer.model.build import set_target

        scenario = self.scenario.replace(target_usd=target_usd)
        if self.model is None:
            return solve_package(self.items, scenario, known_eccns=self.known, with_marginal=with_marginal)
        t0 = time.perf_counter()
        with self.lock:
            m = self.model
            m.scenario = scenario
            set_target(m, target_usd)
            m.warnings = list(self.warnings)
            res = solve_built(m, self.table, with_marginal=with_marginal)
        res.total_seconds = time.perf_counter() - t0
        return res


def solve_built(m: PackageModel, table: pd.DataFrame, *, with_marginal: bool = True) -> PackageResult:
    """Run the pipeline on a built model (the alternatives reuse it)."""
    sc = m.scenario
    outcome = solve_model(m)
    choices = read_choices(m) if outcome.has_solution else {}
    ach = achievable_on(m)
    if ach is not None:
        if outcome.has_solution:  # the package is a witness: the largest achievable is at least its value
            ach.raise_low(sum(m.value[(i, md)] for i, md in choices.items()) * VALUE_UNIT, choices)
        elif outcome.status == Status.INFEASIBLE:
            if ach.low_usd + CENT >= sc.target_usd:  # the max-value package meets the target: not infeasible
                choices = dict(ach.choices)
                outcome = replace(
                    outcome,
                    status=Status.FEASIBLE,
                    gap=None,
                    bound=None,
                    objective=None,
                    note=f"the solvers called the target infeasible, but the largest-achievable "
                    f"package ({ach.method}) meets it: that package is reported, unproven",
                )
            else:  # infeasibility confirmed on two paths: the maximum is below the target
                ach.high_usd = max(ach.low_usd, min(ach.high_usd, sc.target_usd))
                ach.proven = same_figure(ach.low_usd, ach.high_usd)
    best = None if ach is None else ach.low_usd
    marginal = marginal_risk_per_bn(m, sc.target_usd) if with_marginal and outcome.has_solution else None
    res = package_result(m, outcome, choices, max_achievable_usd=best, marginal_risk_per_bn=marginal)
    label_achievable(res, ach)
    if res.status == Status.INFEASIBLE:
        res.excluded = infeasible_reasons(
            m, None if ach is None else ach.choices, None if ach is None else ach.low_usd, sc.target_usd
        )
        res.diagnosis = diagnose(table, sc, model=m, max_achievable_usd=best, achievable=ach).to_dict()
    return res


def label_achievable(res: PackageResult | FrontierResult, ach: Achievable | None) -> None:
    """Put the largest achievable's bound and proof on a result (package or frontier)."""
    if ach is None:
        res.max_achievable_bound_usd, res.max_achievable_proven = None, None
        res.max_achievable_note = "no package satisfies the constraints (or none was found in time)"
        return
    res.max_achievable_usd = ach.low_usd
    res.max_achievable_bound_usd = ach.high_usd if ach.high_usd != float("inf") else None
    res.max_achievable_proven = ach.proven
    res.max_achievable_note = ach.note()


def max_achievable(items: pd.DataFrame, scenario: Scenario) -> float | None:
    """Largest concession value (US$) reachable under the scenario's constraints other than the
    target; None when those constraints admit no package at all."""
    table, _ = prepare(items, scenario)
    return max_achievable_on(build_model(table, scenario, objective="max-value", target_usd=0.0))


__all__ = ["PackageSession", "label_achievable", "max_achievable", "prepare", "solve_built", "solve_package"]
