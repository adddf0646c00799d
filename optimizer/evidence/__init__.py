"""Evidence behind an item's figures, drawn from the trade data: its trade over time with the policy
events of the partner, its potential against actual US exports, and who supplies its codes.

Pure functions of the dataset (no Dash), used by the Control list's item panel and page; every
frame they return holds facts from trade data only (no tier, no risk), so allies may see them.
"""

from optimizer.evidence.item_series import events_for, item_codes, item_series
from optimizer.evidence.potential import code_potential, potential_vs_actual
from optimizer.evidence.suppliers import supplier_ranking

__all__ = ["code_potential", "events_for", "item_codes", "item_series", "potential_vs_actual", "supplier_ranking"]
