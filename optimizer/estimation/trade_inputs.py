"""The trade figures the estimators need for one partner and year, per mapped HS6 code.

Everything downstream (value, foreign availability, evidence) reads these few per-HS6 numbers,
computed here once with the data layer's helpers (`optimizer.data.trade`), so "world exports" or
"the partner's imports" mean the same thing in the item table, the explanation and the dashboard.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.data.trade import bilateral, imports_from_world, world_exports

US = "USA"

PER_HS6_COLUMNS = [
    "hs6",
    "world_exports_usd",
    "us_world_exports_usd",
    "us_world_share",
    "partner_imports_world",
    "us_exports_to_partner",
    "partner_exports_world",
]


def trade_slice(trade: pd.DataFrame, year: int, hs6_codes: Iterable[str]) -> pd.DataFrame:
    """Rows of one year on the given codes only (a full BACI year is ~11M rows; items map ~1k codes)."""
    codes = pd.Index(pd.unique(pd.Series(list(hs6_codes), dtype=str)))
    rows = trade[(trade["year"] == int(year))]
    return rows[rows["hs6"].isin(codes)].reset_index(drop=True)


@dataclass(frozen=True)
class YearTrade:
    """Partner-independent figures of one year: world exports by exporter and per-HS6 totals."""

    year: int
    rows: pd.DataFrame  # the year slice (canonical columns)
    world: pd.DataFrame  # exporter, hs6, value_usd
    totals: pd.DataFrame  # hs6, world_exports_usd, us_world_exports_usd, us_world_share


def year_trade(rows: pd.DataFrame, year: int) -> YearTrade:
    world = world_exports(rows, year)
    total = world.groupby("hs6")["value_usd"].sum()
    us = world.loc[world["exporter"] == US].set_index("hs6")["value_usd"].reindex(total.index, fill_value=0.0)
    share = (us / total.where(total > 0)).fillna(0.0)
    totals = pd.DataFrame(
        {
            "hs6": total.index,
            "world_exports_usd": total.to_numpy(),
            "us_world_exports_usd": us.to_numpy(),
            "us_world_share": share.to_numpy(),
        }
    )
    return YearTrade(int(year), rows, world, totals.reset_index(drop=True))


def partner_per_hs6(
    yt: YearTrade, partner: str, hs6_codes: Iterable[str], baseline: YearTrade | None = None
) -> pd.DataFrame:
    """One row per code in `hs6_codes`: world totals plus the partner's imports, its own exports and
    US exports to it (and, with `baseline`, US exports to it in the baseline year). Missing -> 0."""
    codes = pd.Index(pd.unique(pd.Series(list(hs6_codes), dtype=str)), name="hs6")
    out = yt.totals.set_index("hs6").reindex(codes).fillna(0.0)
    imp = imports_from_world(yt.rows, partner, yt.year).set_index("hs6")["value_usd"]
    out["partner_imports_world"] = imp.reindex(codes).fillna(0.0).to_numpy()
    usx = bilateral(yt.rows, US, partner, yt.year).set_index("hs6")["value_usd"]
    out["us_exports_to_partner"] = usx.reindex(codes).fillna(0.0).to_numpy()
    px = yt.world.loc[yt.world["exporter"] == partner].set_index("hs6")["value_usd"]
    out["partner_exports_world"] = px.reindex(codes).fillna(0.0).to_numpy()
    if baseline is not None:
        bx = bilateral(baseline.rows, US, partner, baseline.year).set_index("hs6")["value_usd"]
        out["us_exports_to_partner_baseline"] = bx.reindex(codes).fillna(0.0).to_numpy()
    out = out.reset_index()
    for col in out.columns[1:]:
        out[col] = out[col].astype(np.float64)
    return out
