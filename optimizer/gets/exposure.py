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
    "measure_id",
    "item_group",
    "status",
    "lapse_flag",
    "hs6_used",
    "hs6_basis",
    "us_imports_from_partner_usd",
    "us_imports_world_usd",
    "partner_share_of_us_imports",
    "partner_share_of_world_exports",
    "alternative_suppliers",
    "alternative_capacity_ratio",
    "year",
    "synthetic",
    "source",
]


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


def gets_table(
    ds: Any,
    partner: str,
    day: Any = None,
    year: int | None = None,
    horizon_days: int = 90,
    include_unsourced: bool = False,
    min_supplier_share: float = 0.02,
    top: int = 5,
) -> pd.DataFrame:
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
            out.append(
                {
                    "measure_id": r.measure_id,
                    "item_group": r.item_group,
                    "status": r.status,
                    "lapse_flag": r.lapse_flag,
                    "hs6_used": "",
                    "hs6_basis": basis,
                    "us_imports_from_partner_usd": np.nan,
                    "us_imports_world_usd": np.nan,
                    "partner_share_of_us_imports": np.nan,
                    "partner_share_of_world_exports": np.nan,
                    "alternative_suppliers": "",
                    "alternative_capacity_ratio": np.nan,
                }
            )
            continue
        imp = float((from_partner.reindex(weight.index).fillna(0.0) * weight).sum())
        tot = float((us_world.reindex(weight.index).fillna(0.0) * weight).sum())
        w = world[world["hs6"].isin(weight.index)].copy()
        w["value_usd"] = w["value_usd"] * w["hs6"].map(weight)
        by = w.groupby("exporter")["value_usd"].sum().sort_values(ascending=False)
        total = float(by.sum())
        share = by / total if total > 0 else by * 0.0
        alt = share[(~share.index.isin([partner, US])) & (share >= min_supplier_share)]
        out.append(
            {
                "measure_id": r.measure_id,
                "item_group": r.item_group,
                "status": r.status,
                "lapse_flag": r.lapse_flag,
                "hs6_used": ";".join(sorted(weight.index)),
                "hs6_basis": basis,
                "us_imports_from_partner_usd": round(imp, 2),
                "us_imports_world_usd": round(tot, 2),
                "partner_share_of_us_imports": imp / tot if tot > 0 else np.nan,
                "partner_share_of_world_exports": float(share.get(partner, 0.0)) if total > 0 else np.nan,
                "alternative_suppliers": "; ".join(f"{e} {v:.0%}" for e, v in alt.head(top).items()),
                "alternative_capacity_ratio": float(by[alt.index].sum()) / imp if imp > 0 else np.nan,
            }
        )
    table = pd.DataFrame(out)
    table["year"] = y
    table["synthetic"] = bool(ds.trade_synthetic)
    table["source"] = str(ds.trade_source)
    table = table[EXPOSURE_COLUMNS]
    table.attrs.update(measures.attrs, year=y)
    return table


MEMBER_COLUMNS: list[str] = [
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
]


def member_exposure(
    ds: Any,
    partner: str,
    members: list[str] | tuple[str, ...],
    day: Any = None,
    year: int | None = None,
    horizon_days: int = 90,
    include_unsourced: bool = False,
) -> pd.DataFrame:
    """MEMBER_COLUMNS, one row per (measure, member): who else is exposed to the partner's measure.

    The exposure an ally shares with the US: its own imports from the partner in the measure's codes
    (each code split among the measures listing it, as in `gets_table`). Where the trade table has
    bilateral rows partner -> member, they are used; where it has only the member's imports from the
    world, the proxy is those imports x the partner's share of world exports of each code (said in
    `basis`); where it has neither, the figure is missing ("no data"), never 0.
    """
    measures = measures_on(ds, partner, day, horizon_days)
    trade = ds.trade
    years = sorted(int(v) for v in trade["year"].unique()) if len(trade) else []
    if not years:
        raise DecontrolError("the trade table is empty: the exposure to the partner's measures cannot be measured")
    y = years[-1] if year is None else int(year)
    if y not in years:
        raise DecontrolError(f"no trade data for {y}: the trade table has {years[0]}-{years[-1]}")
    codes_of: dict[str, tuple[list[str], str]] = {}
    for r in measures.itertuples():
        codes, basis = _codes(r.hs6_codes), "as published"
        if not codes and include_unsourced:
            codes, basis = _unsourced_codes(r.hs6_unsourced), "UNSOURCED candidates"
        codes_of[r.measure_id] = (codes, basis if codes else "no HS codes recovered")
    listing: dict[str, int] = {}
    for codes, _ in codes_of.values():
        for h in set(codes):
            listing[h] = listing.get(h, 0) + 1
    rows = trade[(trade["year"] == y) & trade["hs6"].isin(sorted(listing))]
    world = world_exports(rows, y)
    totals = world.groupby("hs6")["value_usd"].sum()
    partner_share = (
        world[world["exporter"] == partner].set_index("hs6")["value_usd"].reindex(totals.index).fillna(0.0)
        / totals.where(totals > 0)
    ).fillna(0.0)
    year_rows = trade[trade["year"] == y]
    out = []
    for member in [str(m).strip().upper() for m in members]:
        has_bilateral = bool(((year_rows["exporter"] == partner) & (year_rows["importer"] == member)).any())
        has_world = bool((year_rows["importer"] == member).any())
        from_partner = bilateral(rows, partner, member, y).set_index("hs6")["value_usd"]
        from_world = imports_from_world(rows, member, y).set_index("hs6")["value_usd"]
        if has_bilateral:
            basis = f"bilateral rows {partner} -> {member}"
            per_code = from_partner
        elif has_world:
            basis = (
                f"proxy: {member}'s imports of the codes from the world x {partner}'s share of world exports "
                f"of each (no bilateral {partner} -> {member} rows in the data)"
            )
            per_code = from_world * partner_share.reindex(from_world.index).fillna(0.0)
        else:
            basis = f"no data: the trade table has no imports of {member} (import BACI or Comtrade data for it)"
            per_code = None
        for r in measures.itertuples():
            codes, hs_basis = codes_of[r.measure_id]
            weight = pd.Series({h: 1.0 / listing[h] for h in set(codes)}, dtype=float)
            row = {
                "measure_id": r.measure_id,
                "item_group": r.item_group,
                "status": r.status,
                "status_until": r.status_until,
                "lapse_flag": r.lapse_flag,
                "hs6_used": ";".join(sorted(weight.index)),
                "hs6_basis": hs_basis,
                "member": member,
                "imports_from_partner_usd": np.nan,
                "imports_world_usd": np.nan,
                "partner_share_of_imports": np.nan,
                "basis": basis,
            }
            if len(weight) and per_code is not None:
                imp = float((per_code.reindex(weight.index).fillna(0.0) * weight).sum())
                tot = float((from_world.reindex(weight.index).fillna(0.0) * weight).sum())
                row.update(
                    imports_from_partner_usd=round(imp, 2),
                    imports_world_usd=round(tot, 2),
                    partner_share_of_imports=imp / tot if tot > 0 else np.nan,
                )
            elif not len(weight):
                row["basis"] = "no HS codes recovered: exposure not measurable"
            out.append(row)
    table = pd.DataFrame(out, columns=MEMBER_COLUMNS[:-3])
    table["year"] = y
    table["synthetic"] = bool(ds.trade_synthetic)
    table["source"] = str(ds.trade_source)
    table.attrs.update(measures.attrs, year=y)
    return table[MEMBER_COLUMNS]


__all__ = ["EXPOSURE_COLUMNS", "MEMBER_COLUMNS", "gets_table", "member_exposure"]
