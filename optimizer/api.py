"""decontrol's core in one place: the module to open first.

Everything the CLI, the dashboard, the scenario runner and the briefing compute goes through the
functions named here (they live in the subpackages; this module only gathers them, so a newcomer
sees the whole path from a partner and a target to a package in one screen):

    from optimizer import api

    ds = api.load_dataset()                          # the shipped data (or api.load_dataset("my/data"))
    items = api.item_table(ds, "CHN")                # one row per CCL item for the partner: tier, value, risk, FA
    space = api.concession_space(items)              # what the licence requirements leave to negotiate
    sc = api.Scenario.from_dict({"target_usd": 5e6})  # validated: every field checked by name
    res = api.solve_package(items, sc)               # PackageResult: lines, exclusions with reasons, totals
    res.achieved_usd, res.status == api.Status.OPTIMAL
    same = api.PackageResult.from_dict(res.to_dict())  # the JSON the CLI prints, typed again
    fr = api.compute_frontier(items, sc, points=30)  # least risk at targets from 0 to the largest achievable
    alts = api.find_alternatives(items, sc, n=4, base=res)
    co = api.coalition_package(ds, "CHN", ["GBR", "JPN"], api.Scenario.from_dict({"target_usd": 0, "risk_budget": 1}))
    ex = api.exchange_package(ds, "CHN", day="2026-12-01")   # US gives against US gets

    # the trade figures of the Trade and Allies pages (`decontrol trade` prints them)
    api.partner_totals(ds, "CHN", (2015, 2024))
    api.controlled_by_tier(ds, api.controlled_trade(ds, items, "CHN", (2024, 2024)), "CHN", 2024)
    api.ally_facts(ds, "JPN", "CHN", 2024)

Layers: `optimizer.data` (load and validate the tables; trade aggregates) -> `optimizer.estimation`
(the item table) -> `optimizer.model` (the package model, solvers, frontier, alternatives) and its
users `optimizer.coalition`, `optimizer.gets` (exchange), `optimizer.scenarios`, `optimizer.briefing`.
The vocabulary (tiers, modes, statuses, exclusion reasons) is `optimizer.vocabulary`; number
formats are `optimizer.formatting`. See ARCHITECTURE.md for the data flow.
"""

from __future__ import annotations

from optimizer.coalition.package import coalition_package
from optimizer.coalition.result import CoalitionResult
from optimizer.data.aggregates import (
    ChapterComposition,
    ally_facts,
    chapter_composition,
    controlled_by_tier,
    controlled_trade,
    exporter_totals,
    hs6_tiers,
    partner_import_share,
    partner_totals,
    us_chapter_flows,
    us_exports_to,
)
from optimizer.data.load import Dataset, load_dataset
from optimizer.errors import DecontrolError
from optimizer.estimation.config import EstimationConfig
from optimizer.estimation.item_table import build_item_table
from optimizer.estimation.space import ConcessionSpace, concession_space
from optimizer.formatting import fmt_share, fmt_usd
from optimizer.gets.package import exchange_frontier, exchange_package, reference_exchange
from optimizer.model.alternatives import find_alternatives
from optimizer.model.frontier import FrontierPoint, FrontierResult, compute_frontier
from optimizer.model.items import read_items_csv, validate_items
from optimizer.model.package import max_achievable, solve_package
from optimizer.model.results import BindingConstraint, ExcludedItem, PackageLine, PackageResult
from optimizer.model.scenario import DEFAULT_MIN_FA, Scenario
from optimizer.vocabulary import MODES, REASONS, STATUSES, TIERS, Mode, Reason, Status, Tier

#: The item table for a partner (and year: default the latest trade year) - the one input of every
#: package model; an analyst may edit it as CSV and feed it back (`read_items_csv`).
item_table = build_item_table

__all__ = [
    "DEFAULT_MIN_FA",
    "MODES",
    "REASONS",
    "STATUSES",
    "TIERS",
    "BindingConstraint",
    "ChapterComposition",
    "CoalitionResult",
    "ConcessionSpace",
    "Dataset",
    "DecontrolError",
    "EstimationConfig",
    "ExcludedItem",
    "FrontierPoint",
    "FrontierResult",
    "Mode",
    "PackageLine",
    "PackageResult",
    "Reason",
    "Scenario",
    "Status",
    "Tier",
    "ally_facts",
    "build_item_table",
    "chapter_composition",
    "coalition_package",
    "compute_frontier",
    "concession_space",
    "controlled_by_tier",
    "controlled_trade",
    "exchange_frontier",
    "exchange_package",
    "exporter_totals",
    "find_alternatives",
    "fmt_share",
    "fmt_usd",
    "hs6_tiers",
    "item_table",
    "load_dataset",
    "max_achievable",
    "partner_import_share",
    "partner_totals",
    "read_items_csv",
    "reference_exchange",
    "solve_package",
    "us_chapter_flows",
    "us_exports_to",
    "validate_items",
]
