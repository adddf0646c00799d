"""Who may see what: the analyst sees everything, an ally sees shared facts only.

In what-if sessions allies see the trade facts and the packages, never internal judgements: tier
rationale and `transactional` tags (a "bargaining chip" must not be visible as one), risk scores and
weights, marginal risk, notes, override authors. The filter is a *whitelist* applied on the server
(callbacks, exports, CLI), so a new internal column added later stays hidden by default.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import pandas as pd

from optimizer.errors import DecontrolError

Audience = Literal["internal", "ally"]
AUDIENCES: tuple[str, ...] = ("internal", "ally")

#: Item-table columns an ally may see: identification, facts about the control, trade evidence.
ALLY_ITEM_COLUMNS: tuple[str, ...] = (
    "eccn",
    "partner",
    "year",
    "heading",
    "category",
    "group",
    "family",
    "reasons",
    "regime",
    # the partner's licence requirements are public regulation (15 CFR 738, 740, 744): shared facts
    "licence_required",
    "binding_reasons",
    "licence_basis",
    "licence_sections",
    "meu_listed",
    "exceptions_allowed",
    "exceptions_in_reach",
    "instruments",
    "instrument_detail",
    "decided_by",
    "decided_by_detail",
    "hs6",
    "potential_usd",
    "licence_bound_usd",
    "value_usd",
    "value_basis",
    "fa_score",
    "fa_non_regime_share",
    "fa_all_foreign_share",
    "fa_partner_exports_usd",
    "fa_partner_capacity",
    "fa_supplier_count",
    "fa_top_suppliers",
    "synthetic",
    "source",
)

#: Package-line fields an ally may see (a whitelist: a field it does not name never reaches an ally).
ALLY_LINE_FIELDS: tuple[str, ...] = (
    "eccn",
    "mode",
    "instrument",
    "licence_required",
    "binding_reasons",
    "licence_basis",
    "decided_by",
    "value_usd",
    "fa_score",
    "category",
    "group",
    "heading",
)
#: A package line as a table, in column order (the CLI's `optimize --format csv|table`, the
#: dashboard's package download): what an ally may see, then the analyst's own columns.
LINE_COLUMNS: tuple[str, ...] = (*ALLY_LINE_FIELDS, "risk", "tier", "why")

#: Package-level fields an ally may see.
ALLY_PACKAGE_FIELDS: tuple[str, ...] = (
    "status",
    "target_usd",
    "achieved_usd",
    "max_achievable_usd",
    "partner",
    "year",
    "synthetic",
    "n_items",
    "items",
    "solve_seconds",
    "solver",
    "data_source",
)

#: Fields of the shared exposure to a partner's measures an ally may see (`gets.exposure.member_exposure`):
#: public measures, their status, HS codes and trade figures; never the US valuation of a get, the
#: supply premium, the risk price or which measures the US would ask for.
ALLY_EXPOSURE_FIELDS: tuple[str, ...] = (
    "measure_id",
    "item_group",
    "status",
    "status_until",
    "lapse_flag",
    "hs6_used",
    "hs6_basis",
    "member",
    "imports_from_partner_usd",
    "imports_world_usd",
    "partner_share_of_imports",
    "basis",
    "year",
    "synthetic",
    "source",
)

#: Words that must never reach an ally, used by tests and as a last check on exported text.
INTERNAL_MARKERS: tuple[str, ...] = (
    "risk",
    "tier_reason",
    "transactional",
    "bargaining",
    "override_author",
    "notes",
    "marginal",
)
#: The markers among them that name an internal *field*, not a word: found only where they stand on
#: their own as a key, a cell, a label or a part of an identifier (`"notes"`, `Notes:`, `,notes,`,
#: `analyst_notes`), never as a word of running text ("banknotes", "Subheading Notes 1 & 2" in an HS
#: name).
FIELD_MARKERS: tuple[str, ...] = ("notes",)
_FIELD_PATTERNS = {m: re.compile(rf"(?:(?<=\\n)|(?<![a-z0-9 ])){m}(?![a-z0-9 ])") for m in FIELD_MARKERS}


def internal_markers_in(text: str) -> list[str]:
    """The `INTERNAL_MARKERS` found in `text` (any case): a word marker anywhere, a field marker
    (`FIELD_MARKERS`) where it stands on its own. [] means the text is safe for an ally."""
    low = text.lower()
    return [m for m in INTERNAL_MARKERS if (_FIELD_PATTERNS[m].search(low) if m in _FIELD_PATTERNS else m in low)]


def check_audience(audience: str) -> Audience:
    if audience not in AUDIENCES:
        raise DecontrolError(f"unknown audience '{audience}': expected one of {', '.join(AUDIENCES)}")
    return audience  # type: ignore[return-value]


def items_for(items: pd.DataFrame, audience: str) -> pd.DataFrame:
    """The item table as `audience` may see it (ally: whitelisted columns only)."""
    if check_audience(audience) == "internal":
        return items
    cols = [c for c in ALLY_ITEM_COLUMNS if c in items.columns]
    return items.loc[:, cols].copy()


def package_for(package: dict[str, Any], audience: str) -> dict[str, Any]:
    """A package result dict as `audience` may see it (ally: no risk, no tiers, no exclusion reasons)."""
    if check_audience(audience) == "internal":
        return package
    out = {k: v for k, v in package.items() if k in ALLY_PACKAGE_FIELDS and k != "items"}
    out["items"] = [{k: v for k, v in line.items() if k in ALLY_LINE_FIELDS} for line in package.get("items", [])]
    out["n_items"] = len(out["items"])
    return out


def exposure_for(rows: list[dict[str, Any]], audience: str) -> list[dict[str, Any]]:
    """Shared-exposure rows as `audience` may see them (ally: whitelisted fields only)."""
    if check_audience(audience) == "internal":
        return rows
    return [{k: v for k, v in r.items() if k in ALLY_EXPOSURE_FIELDS} for r in rows]
