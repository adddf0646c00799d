"""`solve_package`: the fixed pipeline build -> solve -> read solution -> duals -> post-process.

Each step is a module of its own (`build`, `solve`, `results`, `duals`, `achievable`, `diagnose`);
this one only runs them in order, so the dashboard, the CLI, the frontier and the alternatives all
get the same package for the same inputs.
"""

from __future__ import annotations

import time

import pandas as pd

from optimizer.model.achievable import max_achievable_on
from optimizer.model.build import PackageModel, build_model
from optimizer.model.diagnose import diagnose
from optimizer.model.duals import marginal_risk_per_bn
from optimizer.model.items import validate_items
from optimizer.model.results import PackageResult, package_result, read_choices
from optimizer.model.scenario import Scenario
from optimizer.model.solve import solve_model


def prepare(items: pd.DataFrame, scenario: Scenario, known_eccns: set[str] | None = None,
            ) -> tuple[pd.DataFrame, list[str]]:
    """The validated item table for the scenario's partner, and warnings (see `items.validate_items`)."""
    return validate_items(items, known_eccns, partner=scenario.partner)


def solve_package(items: pd.DataFrame, scenario: Scenario, *, known_eccns: set[str] | None = None,
                  with_marginal: bool = True) -> PackageResult:
    """The best package for `scenario` on an item table (raw or validated).

    Always returns a result: `status` says whether a package was found (`optimal`, `feasible`) or not
    (`infeasible` with a `diagnosis`, `time_limit`). Bad input raises DecontrolError.
    """
    t0 = time.perf_counter()
    table, warnings = prepare(items, scenario, known_eccns)
    m = build_model(table, scenario)
    m.warnings[:0] = warnings
    res = solve_built(m, table, with_marginal=with_marginal)
    res.total_seconds = time.perf_counter() - t0
    return res


def solve_built(m: PackageModel, table: pd.DataFrame, *, with_marginal: bool = True) -> PackageResult:
    """Run the pipeline on a built model (the alternatives reuse it)."""
    sc = m.scenario
    outcome = solve_model(m)
    choices = read_choices(m) if outcome.has_solution else {}
    best = max_achievable_on(m)
    marginal = marginal_risk_per_bn(m, sc.target_usd) if with_marginal and outcome.has_solution else None
    res = package_result(m, outcome, choices, max_achievable_usd=best, marginal_risk_per_bn=marginal)
    if outcome.status == "infeasible":
        res.diagnosis = diagnose(table, sc, model=m, max_achievable_usd=best).to_dict()
    return res


def max_achievable(items: pd.DataFrame, scenario: Scenario) -> float | None:
    """Largest concession value (US$) reachable under the scenario's constraints other than the
    target; None when those constraints admit no package at all."""
    table, _ = prepare(items, scenario)
    return max_achievable_on(build_model(table, scenario, objective="max-value", target_usd=0.0))


__all__ = ["max_achievable", "prepare", "solve_built", "solve_package"]
