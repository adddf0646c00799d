"""The optimizer engine: decontrol packages from the item table (DESIGN.md section 4).

    solve_package(items, scenario) -> PackageResult
    compute_frontier(items, scenario, points=30) -> FrontierResult
    find_alternatives(items, scenario, n=4, tolerance=0.05) -> list[PackageResult]
    max_achievable(items, scenario) -> float | None

`items` is the item table (from `optimizer.estimation.build_item_table`, or an analyst's edited CSV
read with `read_items_csv`); `scenario` a `Scenario` (`Scenario.from_dict` validates a dict).
Pure Python over PuLP: CBC by default, HiGHS on request.
"""

from optimizer.model.alternatives import find_alternatives
from optimizer.model.frontier import FrontierPoint, FrontierResult, compute_frontier
from optimizer.model.items import read_items_csv, validate_items
from optimizer.model.package import max_achievable, solve_package
from optimizer.model.results import ExcludedItem, PackageLine, PackageResult
from optimizer.model.scenario import CategoryCap, ModeParams, Scenario

__all__ = [
    "CategoryCap",
    "ExcludedItem",
    "FrontierPoint",
    "FrontierResult",
    "ModeParams",
    "PackageLine",
    "PackageResult",
    "Scenario",
    "compute_frontier",
    "find_alternatives",
    "max_achievable",
    "read_items_csv",
    "solve_package",
    "validate_items",
]
