"""Who supplies an item: the top exporters of its mapped HS codes to the world and to the partner.

The foreign-availability score reads world exports (weighted by controlled share) by supplier role;
this ranking shows the same codes from both ends: each exporter's share of world exports and its
share of the partner's imports (the bilateral rows), so an analyst sees whether the suppliers that
make the item available in the world are the ones that actually serve the partner.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimizer.data.trade import AGGREGATES, imports_from_world, world_exports
from optimizer.estimation.config import EstimationConfig
from optimizer.estimation.item_table import static_items

RANKING_COLUMNS = ["rank", "exporter", "world_exports_usd", "world_share", "exports_to_partner_usd", "partner_share"]


def supplier_ranking(ds: Any, eccn: str, partner: str, year: int, top: int = 10) -> pd.DataFrame:
    """The `top` exporters by world exports of the item's codes, weighted by controlled share
    (as the FA score weighs them), with their exports to the partner: RANKING_COLUMNS.

    `partner_share` is the exporter's share of the partner's imports of those codes from the world
    (`imports_from_world`: the partner's WLD row where the data has one). Both are NaN for an
    exporter the data has no bilateral row from to the partner: not measured, not zero (the shipped
    synthetic layer holds only US bilateral flows; a BACI download holds them all). The partner
    itself is ranked too (its exports are its own capacity).
    """
    shares = static_items(ds, EstimationConfig()).shares
    s = shares.loc[shares["eccn"] == eccn, ["hs6", "controlled_share"]].astype({"hs6": str})
    empty = pd.DataFrame({c: pd.Series(dtype=float) for c in RANKING_COLUMNS})
    if s.empty or ds.trade.empty:
        return empty
    rows = ds.trade[(ds.trade["year"] == int(year)) & ds.trade["hs6"].isin(s["hs6"])]
    world = world_exports(rows, year).merge(s, on="hs6")
    world["w"] = world["value_usd"] * world["controlled_share"]
    by_world = world.groupby("exporter")["w"].sum()
    bil = rows[(rows["importer"] == partner) & ~rows["exporter"].isin(AGGREGATES)].merge(s, on="hs6")
    bil["w"] = bil["value_usd"] * bil["controlled_share"]
    by_partner = bil.groupby("exporter")["w"].sum()
    imp = imports_from_world(rows, partner, year).merge(s, on="hs6")
    partner_total = float((imp["value_usd"] * imp["controlled_share"]).sum())
    out = pd.DataFrame({"world_exports_usd": by_world}).join(
        pd.DataFrame({"exports_to_partner_usd": by_partner}), how="outer"
    )
    out["world_exports_usd"] = out["world_exports_usd"].fillna(0.0)
    out = out[(out["world_exports_usd"] > 0) | (out["exports_to_partner_usd"] > 0)]
    if out.empty:
        return empty
    wt = out["world_exports_usd"].sum()
    out["world_share"] = out["world_exports_usd"] / wt if wt > 0 else float("nan")
    out["partner_share"] = out["exports_to_partner_usd"] / partner_total if partner_total > 0 else float("nan")
    out.loc[out.index == partner, ["exports_to_partner_usd", "partner_share"]] = float("nan")
    out = out.rename_axis("exporter").reset_index()
    out = out.sort_values(["world_exports_usd", "exporter"], ascending=[False, True]).head(top)
    out["rank"] = range(1, len(out) + 1)
    return out[RANKING_COLUMNS].reset_index(drop=True)
