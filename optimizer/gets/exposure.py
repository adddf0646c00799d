"""The "gets" table: the US exposure each of the partner's measures creates, in its HS codes.

Per measure m with HS6 codes H_m (the sourced codes; unsourced candidates only when asked, and
then labelled), in trade year y:

- `us_imports_from_partner_usd` = sum over h in H_m of the partner's exports to the US, each code
  split equally among the measures that list it (several measures print the same basket codes, e.g.
  3818.00 for gallium and germanium compounds), so summing measures never counts a dollar twice;
- `us_imports_world_usd` the same over US imports from the world; `partner_share_of_us_imports` their ratio
  (dependence);
- `partner_share_of_world_exports` = the partner's exports to the world / world exports of H_m
  (leverage: how much of the world's supply the partner holds);
- `alternative_suppliers`: exporters other than the partner and the US with at least
  `min_supplier_share` of world exports of H_m, largest first, and `alternative_capacity_ratio` =
  their world exports / US imports from the partner (can others replace the partner's sales to the
  US? >= 1 means their exports exceed them; it says nothing of prices or lead times);
- the measure's status on the date (`measures.measures_on`).

Every row says whether the trade figures are real or synthetic and where they come from.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from optimizer.data.trade import bilateral, imports_from_world, world_exports
from optimizer.errors import DecontrolError
from optimizer.gets.measures import measures_on

US = "USA"
EXPOSURE_COLUMNS: list[str] = [
    "measure_id", "item_group", "status", "lapse_flag", "hs6_used", "hs6_basis", "us_imports_from_partner_usd",
    "us_imports_world_usd", "partner_share_of_us_imports", "partner_share_of_world_exports",
    "alternative_suppliers", "alternative_capacity_ratio", "year", "synthetic", "source"]


def _codes(cell: Any) -> list[str]:
    return [c.strip() for c in str(cell or "").split(";") if len(c.strip()) == 6 and c.strip().isdigit()]


def _unsourced_codes(cell: Any) -> list[str]:
    """'261100;281990 (low, unsourced); ...' -> the codes."""
    out: list[str] = []
    for part in str(cell or "").split(";"):
        token = part.strip().split(" ")[0]
        if len(token) == 6 and token.isdigit():
            out.append(token)
    return out


def gets_table(ds: Any, partner: str, day: Any = None, year: int | None = None, horizon_days: int = 90,
               include_unsourced: bool = False, min_supplier_share: float = 0.02, top: int = 5) -> pd.DataFrame:
    """EXPOSURE_COLUMNS for every measure of `partner` (see the module docstring)."""
    measures = measures_on(ds, partner, day, horizon_days)
    trade = ds.trade
    if not len(trade):
        raise DecontrolError("the trade table is empty: the US exposure to the partner's measures cannot be measured")
    years = sorted(int(y) for y in trade["year"].unique())
    y = years[-1] if year is None else int(year)
    if y not in years:
        raise DecontrolError(f"no trade data for {y}: the trade table has {years[0]}-{years[-1]}")
    per_measure: dict[str, tuple[list[str], str]] = {}
    for r in measures.itertuples():
        codes, basis = _codes(r.hs6_codes), "as published"
        if not codes and include_unsourced:
            codes, basis = _unsourced_codes(r.hs6_unsourced), "UNSOURCED candidates"
        per_measure[r.measure_id] = (codes, basis if codes else "no HS codes recovered")
    listing: dict[str, int] = {}
    for codes, _ in per_measure.values():
        for h in set(codes):
            listing[h] = listing.get(h, 0) + 1
    all_codes = sorted(listing)
    rows = trade[(trade["year"] == y) & trade["hs6"].isin(all_codes)]
    from_partner = bilateral(rows, partner, US, y).set_index("hs6")["value_usd"]
    us_world = imports_from_world(rows, US, y).set_index("hs6")["value_usd"]
    world = world_exports(rows, y)
    out = []
    for r in measures.itertuples():
        codes, basis = per_measure[r.measure_id]
        weight = pd.Series({h: 1.0 / listing[h] for h in set(codes)}, dtype=float)
        if not len(weight):
            out.append({"measure_id": r.measure_id, "item_group": r.item_group, "status": r.status,
                        "lapse_flag": r.lapse_flag, "hs6_used": "", "hs6_basis": basis,
                        "us_imports_from_partner_usd": np.nan, "us_imports_world_usd": np.nan,
                        "partner_share_of_us_imports": np.nan, "partner_share_of_world_exports": np.nan,
                        "alternative_suppliers": "", "alternative_capacity_ratio": np.nan})
            continue
        imp = float((from_partner.reindex(weight.index).fillna(0.0) * weight).sum())
        tot = float((us_world.reindex(weight.index).fillna(0.0) * weight).sum())
        w = world[world["hs6"].isin(weight.index)].copy()
        w["value_usd"] = w["value_usd"] * w["hs6"].map(weight)
        by = w.groupby("exporter")["value_usd"].sum().sort_values(ascending=False)
        total = float(by.sum())
        share = by / total if total > 0 else by * 0.0
        alt = share[(~share.index.isin([partner, US])) & (share >= min_supplier_share)]
        out.append({
            "measure_id": r.measure_id, "item_group": r.item_group, "status": r.status, "lapse_flag": r.lapse_flag,
            "hs6_used": ";".join(sorted(weight.index)), "hs6_basis": basis,
            "us_imports_from_partner_usd": round(imp, 2), "us_imports_world_usd": round(tot, 2),
            "partner_share_of_us_imports": imp / tot if tot > 0 else np.nan,
            "partner_share_of_world_exports": float(share.get(partner, 0.0)) if total > 0 else np.nan,
            "alternative_suppliers": "; ".join(f"{e} {v:.0%}" for e, v in alt.head(top).items()),
            "alternative_capacity_ratio": float(by[alt.index].sum()) / imp if imp > 0 else np.nan})
    table = pd.DataFrame(out)
    table["year"] = y
    table["synthetic"] = bool(ds.trade_synthetic)
    table["source"] = str(ds.trade_source)
    table = table[EXPOSURE_COLUMNS]
    table.attrs.update(measures.attrs, year=y)
    return table


__all__ = ["EXPOSURE_COLUMNS", "gets_table"]
