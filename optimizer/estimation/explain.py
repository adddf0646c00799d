"""Why an item has the figures it has: the per-HS6 value rows, the suppliers, the formulas.

Used by `decontrol items --explain ECCN` and the dashboard's item panel, so both show exactly the
numbers the item table was summed from.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import pandas as pd

from optimizer.errors import DecontrolError
from optimizer.estimation.config import EstimationConfig
from optimizer.estimation.foreign_availability import members_of, regime_label, regime_members, supplier_table
from optimizer.estimation.item_table import item_context, table_from_context, year_trade_for
from optimizer.estimation.reasons import parse_paragraph_controls, parse_reasons
from optimizer.estimation.risk import risk_formula
from optimizer.estimation.value import value_breakdown

US = "USA"


@dataclass(frozen=True)
class ItemExplanation:
    item: dict[str, Any]  # the item-table row
    value_breakdown: pd.DataFrame  # value.BREAKDOWN_COLUMNS; sums to item['potential_usd'] unless unknown/override
    suppliers: pd.DataFrame  # exporter, value_usd, share, role (US, partner, regime member, non-regime)
    paragraphs: list[dict[str, str]]  # reason, applies_to, chart
    value_formula: str
    risk_formula: str
    fa_formula: str

    def to_dict(self) -> dict[str, Any]:
        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                for r in df.to_dict(orient="records")
            ]

        item = {k: (None if isinstance(v, float) and v != v else v) for k, v in self.item.items()}
        return {
            "item": item,
            "value_breakdown": records(self.value_breakdown),
            "suppliers": records(self.suppliers),
            "paragraphs": self.paragraphs,
            "value_formula": self.value_formula,
            "risk_formula": self.risk_formula,
            "fa_formula": self.fa_formula,
        }


def value_breakdown_for(
    ds: Any, eccn: str, partner: str, year: int | None = None, config: EstimationConfig | None = None
) -> pd.DataFrame:
    """Per-HS6 rows (hs6, name, partner_imports_world, us_world_share, us_exports_to_partner,
    controlled_share, value_usd, ...) behind an item's value for `partner`."""
    ctx = item_context(ds, partner, year, config)
    _check_item(ctx.static.items, eccn)
    return value_breakdown(ctx.value_rows, eccn, ds.hs6)


def explain_item(
    ds: Any, eccn: str, partner: str, year: int | None = None, config: EstimationConfig | None = None
) -> ItemExplanation:
    """Everything behind one row of the item table."""
    ctx = item_context(ds, partner, year, config)
    eccn = _check_item(ctx.static.items, eccn)
    table = table_from_context(ds, ctx)
    row = table.loc[table["eccn"] == eccn].iloc[0].to_dict()
    row = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
    breakdown = value_breakdown(ctx.value_rows, eccn, ds.hs6)

    shares = ctx.static.shares[ctx.static.shares["eccn"] == eccn]
    sup = supplier_table(shares, year_trade_for(ds, ctx.year).world)
    sup = sup[sup["value_usd"] > 0].sort_values(["value_usd", "exporter"], ascending=[False, True])
    total = sup["value_usd"].sum()
    members, _ = members_of(row["regime"], regime_members(ds.regimes, ctx.config, ds.country_groups))
    sup = sup.assign(share=sup["value_usd"] / total if total > 0 else 0.0)
    sup["role"] = [
        ("US" if e == US else "partner" if e == ctx.partner else "regime member" if e in members else "non-regime")
        for e in sup["exporter"]
    ]
    sup = sup[["exporter", "value_usd", "share", "role"]].reset_index(drop=True)

    base = eccn.split("-", 1)[0]
    ccl_row = ds.ccl.loc[ds.ccl["eccn"].astype(str) == base]
    paragraphs = []
    if len(ccl_row):
        paragraphs = [
            {"reason": p.code, "applies_to": p.applies_to, "chart": p.chart}
            for p in parse_paragraph_controls(ccl_row.iloc[0].get("paragraph_controls_json"))
        ]
    c = ctx.config
    if c.value_method == "gap":
        vf = "value = sum over HS6 of max(0, partner imports from world x US share of world exports - US exports to partner) x controlled share"
    else:
        vf = f"value = sum over HS6 of max(0, US exports to partner in {c.baseline_year} - in {ctx.year}) x controlled share"
    vf = (
        "potential " + vf + "; then value = potential x licence-bound share x blocked share "
        f"(here {row['licence_required']}: licence-bound {row['licence_bound_usd']!r} US$, blocked share "
        f"{row['blocked_share']!r})"
    )
    w = c.fa_weights
    label = regime_label(row["regime"])
    who = (
        f"every supplier other than the US and {ctx.partner} (US-unilateral control)"
        if label == "US unilateral"
        else f"suppliers outside the US, {label} and {ctx.partner}"
    )
    ff = (
        f"fa_score = {w['non_regime']:g} x min(1, non-regime share / {c.fa_non_regime_saturation:g}) + "
        f"{w['capacity']:g} x partner capacity + {w['suppliers']:g} x min(1, suppliers / {c.fa_supplier_target}); "
        f"non-regime = {who}"
    )
    binding = parse_reasons(row["binding_reasons"])
    rf = risk_formula(
        binding if row["licence_required"] != "none" and binding != ("UNKNOWN",) else parse_reasons(row["reasons"]),
        float(row["fa_score"]),
        c,
    )
    return ItemExplanation(row, breakdown, sup, paragraphs, vf, rf, ff)


def _check_item(items: pd.DataFrame, eccn: str) -> str:
    ids = list(items["eccn"])
    e = str(eccn or "").strip()
    if e in ids:
        return e
    upper = {i.upper(): i for i in ids}
    if e.upper() in upper:
        return upper[e.upper()]
    close = difflib.get_close_matches(e.upper(), list(upper), n=5, cutoff=0.6)
    hint = f": did you mean {', '.join(upper[c] for c in close)}?" if close else ""
    raise DecontrolError(f"unknown ECCN '{eccn}'{hint}")
