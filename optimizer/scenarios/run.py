"""Run what a scenario's inputs describe: one function for the CLI, the briefing and the dashboard.

A scenario's `inputs` hold the `Scenario` dict (partner, year, target, constraints) and, when the
analyst worked from an edited item table rather than the estimated one, that table inline (a path
would not survive being mailed to a colleague). Allies' positions, when given, are kept as
`inputs["ally_positions"]` = {ISO3: {ECCN: support|neutral|oppose}} and become the item table's
`ally_<ISO3>` columns, so a saved scenario re-runs with the positions it was decided under.
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


def make_inputs(
    scenario: Scenario, items: pd.DataFrame | None = None, ally_positions: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    """The inputs document of a scenario (items only when they are an analyst's own table)."""
    inputs: dict[str, Any] = {"scenario": scenario.to_dict()}
    if items is not None:
        inputs["items"] = items.astype(object).where(items.notna(), None).to_dict(orient="records")
    if ally_positions:
        inputs["ally_positions"] = {str(iso): dict(by_item) for iso, by_item in ally_positions.items()}
    return inputs


def _with_positions(table: pd.DataFrame, inputs: dict[str, Any]) -> pd.DataFrame:
    """The table with the inputs' ally positions as `ally_<ISO3>` columns (unchanged when there are none)."""
    positions = inputs.get("ally_positions")
    if not positions:
        return table
    if not isinstance(positions, dict) or not all(isinstance(v, dict) for v in positions.values()):
        raise DecontrolError("scenario ally_positions must map ISO3 codes to {ECCN: support|neutral|oppose}")
    from optimizer.estimation import attach_ally_positions

    out = attach_ally_positions(table, positions)
    out.attrs.update(table.attrs)
    return out


def items_for_inputs(
    inputs: dict[str, Any], data_dir: Path | None = None
) -> tuple[pd.DataFrame, set[str] | None, list[str], Any]:
    """The item table a scenario runs on: its inline table, or the estimate for its partner and year."""
    from optimizer.data.load import load_dataset

    scenario = Scenario.from_dict(inputs.get("scenario") or {})
    ds = load_dataset(data_dir)
    known = set(ds.ccl["eccn"].astype(str))
    if inputs.get("items"):
        from optimizer.estimation.reference import hold_to_rules

        # an analyst's own table, or one in an imported document: held to the rule floor and the
        # partner's licensing like an `--items` file, so no scenario can package 3A090
        table = pd.DataFrame(inputs["items"])
        table.attrs["first_line"] = 1
        table, held = hold_to_rules(table, data_dir, scenario.partner, scenario.year, "item table of the scenario")
        table, warnings = validate_items(table, known)
        return _with_positions(table, inputs), known, held + list(warnings), ds
    if not scenario.partner:
        raise DecontrolError("the scenario names no partner and carries no item table")
    from optimizer.diversion.exposure import for_scenario
    from optimizer.estimation import build_item_table

    table = build_item_table(ds, scenario.partner, scenario.year)
    warnings = list(table.attrs.get("warnings", []))
    table = for_scenario(ds, table, scenario.partner, scenario.max_diversion)
    return _with_positions(table, inputs), known, warnings, ds


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
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"
