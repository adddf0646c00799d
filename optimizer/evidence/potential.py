"""Potential against actual US exports per item, in the spirit of ITC's Export Potential Map.

The Export Potential Map sets an exporter's supply against a market's demand. The data here has the
partner's imports (demand) and the US share of world exports (supply capacity) per HS6 code, so per
item, over its mapped codes h with controlled share s_h:

- potential = sum_h s_h x partner imports from the world_h x US share of world exports_h
  (what the US would sell the partner if it held its world market share there);
- actual    = sum_h s_h x US exports to the partner_h;
- gap       = sum_h s_h x max(0, potential_h - actual_h): the item table's unbound potential under
  the default `gap` method (codes where the US already sells more do not offset the others);
- value     = the part of the gap a licence requirement on the partner blocks (the item table's
  `value_usd`: licence-bound share x blocked share), 0 for an item that needs no licence.

All four are estimates from the trade layer and the analyst-made concordance (controlled shares).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from optimizer.estimation.item_table import item_context, table_from_context

METHOD = (
    "potential = partner imports from the world x US share of world exports, per mapped HS6 code; "
    "actual = US exports to the partner; gap = the shortfall per code; value = the part of the gap a "
    "licence requirement blocks (licence-bound x blocked share). Each code weighted by its controlled "
    "share (analyst-made concordance); after ITC's Export Potential Map (supply x demand)."
)

POTENTIAL_COLUMNS = ["eccn", "heading", "licence_required", "potential_usd", "actual_usd", "gap_usd", "value_usd"]


def potential_vs_actual(ds: Any, partner: str, year: int | None = None) -> pd.DataFrame:
    """One row per goods item with mapped codes: POTENTIAL_COLUMNS, largest potential first."""
    ctx = item_context(ds, partner, year)
    rows = ctx.value_rows
    s = rows["controlled_share"].astype(float)
    pot = rows["partner_imports_world"].astype(float) * rows["us_world_share"].astype(float)
    act = rows["us_exports_to_partner"].astype(float)
    per = pd.DataFrame(
        {
            "eccn": rows["eccn"],
            "potential_usd": s * pot,
            "actual_usd": s * act,
            "gap_usd": s * np.maximum(pot - act, 0.0),
        }
    )
    out = per.groupby("eccn", as_index=False).sum()
    table = table_from_context(ds, ctx)[["eccn", "heading", "group", "licence_required", "value_usd"]]
    out = out.merge(table, on="eccn", how="inner")
    out = out[~out["group"].astype(str).isin(["D", "E"])]  # software and technology: no goods trade
    out = out.sort_values(["potential_usd", "eccn"], ascending=[False, True])
    return out[POTENTIAL_COLUMNS].reset_index(drop=True)


CODE_COLUMNS = ["hs6", "name", "potential_usd", "actual_usd", "gap_usd"]


def code_potential(ds: Any, eccn: str, partner: str, year: int | None = None) -> pd.DataFrame:
    """Potential against actual US exports per mapped HS code of one item (CODE_COLUMNS, largest
    potential first), each weighted by its controlled share as `potential_vs_actual` sums them."""
    ctx = item_context(ds, partner, year)
    rows = ctx.value_rows[ctx.value_rows["eccn"] == eccn]
    s = rows["controlled_share"].astype(float)
    pot = rows["partner_imports_world"].astype(float) * rows["us_world_share"].astype(float)
    act = rows["us_exports_to_partner"].astype(float)
    out = pd.DataFrame(
        {
            "hs6": rows["hs6"].astype(str),
            "potential_usd": s * pot,
            "actual_usd": s * act,
            "gap_usd": s * np.maximum(pot - act, 0.0),
        }
    )
    names = ds.hs6[["hs6", "name"]].drop_duplicates("hs6") if len(ds.hs6) else pd.DataFrame(columns=["hs6", "name"])
    out = out.merge(names, on="hs6", how="left").fillna({"name": ""})
    out = out.sort_values(["potential_usd", "hs6"], ascending=[False, True])
    return out[CODE_COLUMNS].reset_index(drop=True)
