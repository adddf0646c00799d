"""Estimation: from the CCL, the concordance and trade data to the item table the optimizer reads.

Modules, in the order the table is built: `config` (every parameter), `reasons` and `tiers`
(policy tier per item), `shares` (controlled shares, capped per HS code), `trade_inputs` (per-HS6
trade figures), `value` (concession value), `foreign_availability` (15 CFR 768 proxies), `risk`,
`item_table` (assembly, caching), `explain` (the figures behind one row), `overrides` and `allies`.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optimizer.estimation.allies import attach_ally_positions
    from optimizer.estimation.config import EstimationConfig
    from optimizer.estimation.explain import ItemExplanation, explain_item, value_breakdown_for
    from optimizer.estimation.item_table import ITEM_COLUMNS, build_item_table
    from optimizer.estimation.overrides import record_tier_override

#: Where each name of the package lives: imported on first use, so a command that needs one module of
#: the estimation (`risk.RISK_UNIT`, `reference`) does not import the item table's whole machinery.
_LAZY = {
    "attach_ally_positions": "allies",
    "EstimationConfig": "config",
    "ItemExplanation": "explain",
    "explain_item": "explain",
    "value_breakdown_for": "explain",
    "ITEM_COLUMNS": "item_table",
    "build_item_table": "item_table",
    "record_tier_override": "overrides",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f"optimizer.estimation.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optimizer.estimation' has no attribute {name!r}")


__all__ = [
    "EstimationConfig",
    "attach_ally_positions",
    "ITEM_COLUMNS",
    "ItemExplanation",
    "build_item_table",
    "explain_item",
    "record_tier_override",
    "value_breakdown_for",
]
