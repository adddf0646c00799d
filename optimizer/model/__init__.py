"""The optimizer engine: decontrol packages from the item table (DESIGN.md section 4).

    solve_package(items, scenario) -> PackageResult
    compute_frontier(items, scenario, points=30) -> FrontierResult
    find_alternatives(items, scenario, n=4, tolerance=0.05) -> list[PackageResult]
    max_achievable(items, scenario) -> float | None

`items` is the item table (from `optimizer.estimation.build_item_table`, or an analyst's edited CSV
read with `read_items_csv`); `scenario` a `Scenario` (`Scenario.from_dict` validates a dict).
Pure Python over PuLP: CBC by default, HiGHS on request.

The names are imported on first use: importing one module of the package (`optimizer.model.scenario`
to read the flags, `frontier` for a sweep) runs this file first, and importing every module here
would load the alternatives, the diagnosis and the array path into a process that needs none of them.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optimizer.model.alternatives import find_alternatives
    from optimizer.model.frontier import FrontierPoint, FrontierResult, compute_frontier
    from optimizer.model.items import read_items_csv, validate_items
    from optimizer.model.package import max_achievable, solve_package
    from optimizer.model.results import ExcludedItem, PackageLine, PackageResult
    from optimizer.model.scenario import CategoryCap, ModeParams, Scenario

#: Where each name of the package lives (module of `optimizer.model`).
_LAZY = {
    "find_alternatives": "alternatives",
    "FrontierPoint": "frontier",
    "FrontierResult": "frontier",
    "compute_frontier": "frontier",
    "read_items_csv": "items",
    "validate_items": "items",
    "max_achievable": "package",
    "solve_package": "package",
    "ExcludedItem": "results",
    "PackageLine": "results",
    "PackageResult": "results",
    "CategoryCap": "scenario",
    "ModeParams": "scenario",
    "Scenario": "scenario",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f"optimizer.model.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optimizer.model' has no attribute {name!r}")


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
