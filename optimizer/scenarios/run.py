"""Run what a scenario's inputs describe: one function for the CLI, the briefing and the dashboard.

A scenario's `inputs` hold the `Scenario` dict (partner, year, target, constraints) and, when the
analyst worked from an edited item table rather than the estimated one, that table inline (a path
would not survive being mailed to a colleague).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import DecontrolError
from optimizer.model import PackageResult, Scenario, solve_package
from optimizer.model.items import validate_items


@dataclass
class ScenarioRun:
    scenario: Scenario
    items: pd.DataFrame
    known_eccns: set[str] | None
    result: PackageResult
    dataset_id: str
    vintage: str
    warnings: list[str]


def make_inputs(scenario: Scenario, items: pd.DataFrame | None = None) -> dict[str, Any]:
    """The inputs document of a scenario (items only when they are an analyst's own table)."""
    inputs: dict[str, Any] = {"scenario": scenario.to_dict()}
    if items is not None:
        inputs["items"] = items.astype(object).where(items.notna(), None).to_dict(orient="records")
    return inputs


def items_for_inputs(inputs: dict[str, Any], data_dir: Path | None = None) -> tuple[pd.DataFrame, set[str] | None, list[str], Any]:
    """The item table a scenario runs on: its inline table, or the estimate for its partner and year."""
    from optimizer.data.load import load_dataset
    scenario = Scenario.from_dict(inputs.get("scenario") or {})
    ds = load_dataset(data_dir)
    known = set(ds.ccl["eccn"].astype(str))
    if inputs.get("items"):
        table = pd.DataFrame(inputs["items"])
        table, warnings = validate_items(table, known)
        return table, known, list(warnings), ds
    if not scenario.partner:
        raise DecontrolError("the scenario names no partner and carries no item table")
    from optimizer.estimation import build_item_table
    table = build_item_table(ds, scenario.partner, scenario.year)
    return table, known, list(table.attrs.get("warnings", [])), ds


def run_inputs(inputs: dict[str, Any], data_dir: Path | None = None) -> ScenarioRun:
    scenario = Scenario.from_dict(inputs.get("scenario") or {})
    items, known, warnings, ds = items_for_inputs(inputs, data_dir)
    if scenario.year is None and items.attrs.get("year") is not None:
        scenario = scenario.replace(year=int(items.attrs["year"]))  # record the year actually used
    result = solve_package(items, scenario, known_eccns=known)
    result.warnings[:0] = warnings
    ccl_vintage = ds.provenance["ccl"].vintage if "ccl" in ds.provenance else ""
    vintage = f"CCL {ccl_vintage}; trade: {ds.trade_source}"[:200]
    return ScenarioRun(scenario, items, known, result, ds.dataset_id, vintage, warnings)


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
