"""An item's trade over time: US exports to the partner of the item's mapped HS codes, the partner's
imports of them from the world, and the US share of those imports, by year (all codes together and
per code), next to the policy events that concern the partner.

The values are those of the mapped HS codes as a whole, not weighted by the controlled share: an HS
code is broader than the controlled item, and the trend of the code is the evidence; the controlled
share (an analyst estimate) only scales the item table's value.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimizer.data.trade import bilateral, imports_from_world, trade_years, world_exports
from optimizer.estimation.config import EstimationConfig
from optimizer.estimation.item_table import static_items

US = "USA"
ALL_CODES = "all"

SERIES_COLUMNS = [
    "year",
    "hs6",
    "us_exports_to_partner",
    "partner_imports_world",
    "us_share_of_partner_imports",
    "us_world_share",
]


def item_codes(ds: Any, eccn: str) -> list[str]:
    """The HS6 codes mapped to the item (as the item table uses them), sorted."""
    shares = static_items(ds, EstimationConfig()).shares
    return sorted(shares.loc[shares["eccn"] == eccn, "hs6"].astype(str).unique())


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype(float)


def item_series(ds: Any, eccn: str, partner: str) -> pd.DataFrame:
    """One row per (year, code) and per year for all codes (`hs6 == "all"`): SERIES_COLUMNS.

    `us_share_of_partner_imports` is NaN where the partner imported nothing (not 0: no market, not
    a market the US lost). Empty when the item has no mapped code.
    """
    codes = item_codes(ds, eccn)
    if not codes or ds.trade.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "hs6" else float) for c in SERIES_COLUMNS})
    rows = ds.trade[ds.trade["hs6"].isin(codes)]
    frames = []
    idx = pd.Index(codes, name="hs6")
    for year in trade_years(ds.trade):
        imp = imports_from_world(rows, partner, year).set_index("hs6")["value_usd"].reindex(idx, fill_value=0.0)
        usx = bilateral(rows, US, partner, year).set_index("hs6")["value_usd"].reindex(idx, fill_value=0.0)
        world = world_exports(rows, year)
        wtot = world.groupby("hs6")["value_usd"].sum().reindex(idx, fill_value=0.0)
        wus = world.loc[world["exporter"] == US].set_index("hs6")["value_usd"].reindex(idx, fill_value=0.0)
        per = pd.DataFrame(
            {
                "year": year,
                "hs6": codes,
                "us_exports_to_partner": usx.to_numpy(),
                "partner_imports_world": imp.to_numpy(),
                "world": wtot.to_numpy(),
                "us_world": wus.to_numpy(),
            }
        )
        total = pd.DataFrame(
            {
                "year": [year],
                "hs6": [ALL_CODES],
                "us_exports_to_partner": [float(usx.sum())],
                "partner_imports_world": [float(imp.sum())],
                "world": [float(wtot.sum())],
                "us_world": [float(wus.sum())],
            }
        )
        frames += [total, per]
    out = pd.concat(frames, ignore_index=True)
    out["us_share_of_partner_imports"] = _ratio(out["us_exports_to_partner"], out["partner_imports_world"])
    out["us_world_share"] = _ratio(out["us_world"], out["world"])
    out["year"] = out["year"].astype(int)
    return out[SERIES_COLUMNS]


def events_for(events: pd.DataFrame, partner: str) -> pd.DataFrame:
    """The policy events that concern `partner` (its ISO3 in `partners`, or '*'), by date."""
    if events is None or events.empty:
        return pd.DataFrame(columns=["date", "title", "summary", "kind", "source"])
    if "partners" not in events.columns:
        return events.sort_values("date").reset_index(drop=True)

    def concerns(cell: object) -> bool:
        codes = {c.strip().upper() for c in str(cell or "*").split(";")}
        return "*" in codes or partner.upper() in codes

    return events[events["partners"].map(concerns)].sort_values("date").reset_index(drop=True)
