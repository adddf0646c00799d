"""The trade aggregates the pages show, computed once here so the CLI prints the same figures
(`decontrol trade`) that the Trade and Allies pages draw.

Plain functions of a `Dataset` (and, for the controlled-trade overlay, the item table). They return
numbers (US$, shares in [0, 1], None for "no data", never a $0 that means missing); the dashboard
caches them per dataset and formats them, the CLI prints them.

- `partner_totals`: the real Census totals (exports, imports, balance) per year;
- `us_chapter_flows`, `chapter_composition`: trade by HS chapter (real Census chapters for China
  where they exist, else the HS6 trade layer summed to chapters);
- `hs6_tiers`, `us_exports_to`, `controlled_trade`, `controlled_by_tier`: US exports in HS codes
  mapped to CCL items, each code once under its strictest tier, and their share of US exports;
- `exporter_totals`, `partner_import_share`, `ally_facts`: an ally's exports to the world and to the
  partner (bilateral rows, else the coalition model's proxy, said so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from optimizer.data.trade import AGGREGATES, imports_from_world, world_exports
from optimizer.vocabulary import TIERS

if TYPE_CHECKING:
    from optimizer.data.load import Dataset

US = "USA"
FLOWS: tuple[str, ...] = ("exports", "imports")
#: The overlay's total row: every mapped code, whatever its tier.
ALL_MAPPED = "all mapped codes"


# ------------------------------------------------------------------------------------------ totals
def partner_totals(ds: Dataset, partner: str, years: tuple[int, int]) -> pd.DataFrame:
    """Rows of the real partner totals for `partner` within `years` (inclusive), sorted by year."""
    t = ds.partner_totals
    t = t[(t["partner"] == partner) & (t["year"] >= years[0]) & (t["year"] <= years[1])]
    return t.sort_values("year").reset_index(drop=True)


# ------------------------------------------------------------------------------------------ chapters
def us_chapter_flows(trade: pd.DataFrame) -> pd.DataFrame:
    """US exports to and imports from each partner by year and HS chapter, from the HS6 trade layer.

    Columns year, partner, flow ('exports'/'imports'), hs2, value_usd: one pass over the trade table
    serves every partner and year.
    """
    ex = trade[(trade["exporter"] == US) & ~trade["importer"].isin(AGGREGATES)]
    im = trade[(trade["importer"] == US) & ~trade["exporter"].isin(AGGREGATES)]
    parts = []
    for flow, rows, partner_col in (("exports", ex, "importer"), ("imports", im, "exporter")):
        g = (
            rows.assign(hs2=rows["hs6"].str[:2])
            .groupby(["year", partner_col, "hs2"], as_index=False, observed=True)["value_usd"]
            .sum()
            .rename(columns={partner_col: "partner"})
        )
        parts.append(g.assign(flow=flow))
    out = pd.concat(parts, ignore_index=True)
    return out[["year", "partner", "flow", "hs2", "value_usd"]]


@dataclass(frozen=True)
class ChapterComposition:
    """Trade with a partner in one year and flow by HS chapter (hs2, value_usd), and where it comes
    from: `census` (real Census chapters), `layer` (the HS6 trade layer summed) or `none`."""

    frame: pd.DataFrame
    basis: str
    years: tuple[int, ...] = ()  # the years with a breakdown (to say what the data covers)


def chapter_composition(
    ds: Dataset, partner: str, year: int, flow: str, chapter_flows: pd.DataFrame | None = None
) -> ChapterComposition:
    """Real Census chapters for the partner where they exist, else the HS6 trade layer's chapters
    (`chapter_flows`: `us_chapter_flows(ds.trade)` already computed); an empty frame (`none`) when
    neither has the year."""
    if flow not in FLOWS:
        flow = "exports"
    china = ds.hs2_china
    real = china[
        (china["partner"] == partner)
        & (china["year"] == year)
        & (china["flow"] == ("export" if flow == "exports" else "import"))
    ]
    if len(real):
        return ChapterComposition(real[["hs2", "value_usd"]].reset_index(drop=True), "census")
    layer = us_chapter_flows(ds.trade) if chapter_flows is None else chapter_flows
    rows = layer[(layer["partner"] == partner) & (layer["year"] == year) & (layer["flow"] == flow)]
    if rows.empty:
        have = sorted(
            {int(y) for y in layer.loc[layer["partner"] == partner, "year"]}
            | {int(y) for y in china.loc[china["partner"] == partner, "year"]}
        )
        return ChapterComposition(pd.DataFrame(columns=["hs2", "value_usd"]), "none", tuple(have))
    return ChapterComposition(rows[["hs2", "value_usd"]].reset_index(drop=True), "layer")


# ------------------------------------------------------------------------------------------ controlled trade
def hs6_tiers(items: pd.DataFrame) -> pd.DataFrame:
    """One tier per HS6 code mapped to any item: the most restrictive tier among its items.

    An HS code is broader than the controlled item, and one code can carry items of several tiers;
    counting its trade once, under the strictest tier, avoids double counting in the overlay.
    """
    rank = {t: i for i, t in enumerate(TIERS)}
    rows = items.loc[items["hs6"].fillna("") != "", ["eccn", "tier", "hs6"]]
    exploded = rows.assign(hs6=rows["hs6"].str.split(";")).explode("hs6")
    exploded["hs6"] = exploded["hs6"].str.strip()
    exploded = exploded[exploded["hs6"] != ""]
    exploded["rank"] = exploded["tier"].map(rank).fillna(len(rank))
    best = exploded.sort_values("rank").drop_duplicates("hs6")
    return best[["hs6", "tier"]].sort_values("hs6").reset_index(drop=True)


def us_exports_to(trade: pd.DataFrame, partner: str) -> pd.DataFrame:
    """US exports to `partner` per year and HS6 (year, hs6, value_usd)."""
    rows = trade.loc[(trade["exporter"] == US) & (trade["importer"] == partner), ["year", "hs6", "value_usd"]]
    return rows.groupby(["year", "hs6"], as_index=False, observed=True)["value_usd"].sum()


def controlled_trade(
    ds: Dataset, items: pd.DataFrame, partner: str, years: tuple[int, int], us_exports: pd.DataFrame | None = None
) -> pd.DataFrame:
    """US exports to `partner` in HS codes mapped to CCL items, by year and tier (year, tier,
    value_usd); `us_exports`: `us_exports_to(ds.trade, partner)` already computed."""
    tiers = hs6_tiers(items)
    rows = us_exports_to(ds.trade, partner) if us_exports is None else us_exports
    rows = rows[(rows["year"] >= years[0]) & (rows["year"] <= years[1])]
    if rows.empty or tiers.empty:
        return pd.DataFrame(columns=["year", "tier", "value_usd"])
    merged = rows.merge(tiers, on="hs6")
    return merged.groupby(["year", "tier"], as_index=False)["value_usd"].sum()


def controlled_by_tier(
    ds: Dataset, controlled: pd.DataFrame, partner: str, year: int, us_exports: pd.DataFrame | None = None
) -> list[dict[str, Any]]:
    """The overlay's table in `year`: per tier (strictest first), then `all mapped codes`, the value
    (US$) and its share of US exports to the partner (real totals). `value_usd` None: no US export
    rows that year (no data, not $0); `share` None: no total to divide by."""
    d = controlled[controlled["year"] == year] if len(controlled) else controlled
    totals = partner_totals(ds, partner, (year, year))
    exports = float(totals["exports_usd"].iloc[0]) if len(totals) else float("nan")
    us = us_exports_to(ds.trade, partner) if us_exports is None else us_exports
    if us.empty or not (us["year"] == year).any():
        return [{"tier": t, "value_usd": None, "share": None} for t in (*TIERS, ALL_MAPPED)]
    values = {t: float(d.loc[d["tier"] == t, "value_usd"].sum()) if len(d) else 0.0 for t in TIERS}
    values[ALL_MAPPED] = sum(values.values())
    return [{"tier": t, "value_usd": v, "share": v / exports if exports else None} for t, v in values.items()]


# ------------------------------------------------------------------------------------------ allies
def partner_import_share(year_rows: pd.DataFrame, partner: str, year: int) -> float:
    """S: the partner's imports from the world over world exports, all goods, one year (0 if none)."""
    imports = float(imports_from_world(year_rows, partner, year)["value_usd"].sum())
    world = float(world_exports(year_rows, year)["value_usd"].sum())
    return imports / world if world > 0 else 0.0


def exporter_totals(trade: pd.DataFrame, partner: str, year: int) -> dict[str, Any]:
    """One year's exports per exporter, to the world (`world`) and to `partner` (`to_partner`), the
    exporters present, and the partner's share of world imports (`share`, the proxy's S)."""
    rows = trade.loc[trade["year"] == year]
    # world exports as the data layer defines them: the WLD row where reported, else the sum of the
    # bilateral rows (BACI has no WLD rows)
    world = world_exports(rows, year).groupby("exporter")["value_usd"].sum().to_dict()
    to_partner = rows.loc[rows["importer"] == partner].groupby("exporter")["value_usd"].sum().to_dict()
    return {
        "world": world,
        "to_partner": to_partner,
        "exporters": set(rows["exporter"].unique()),
        "share": partner_import_share(rows, partner, year),
    }


def ally_facts(ds: Dataset, ally: str, partner: str, year: int, totals: dict[str, Any] | None = None) -> dict[str, Any]:
    """Facts about one ally: its regimes and its exports, to the world and to `partner` (bilateral
    rows when the data has them, else world exports x the partner's share of world imports, the
    coalition model's proxy, labelled as such); `totals`: `exporter_totals` already computed."""
    reg = ds.regimes.loc[ds.regimes["iso3"] == ally]
    if totals is None:
        totals = exporter_totals(ds.trade, partner, year)
    world = float(totals["world"][ally]) if ally in totals["world"] else None  # None: no data, not $0
    names = dict(zip(ds.countries["iso3"], ds.countries["name"]))
    to_partner: float | None
    if ally in totals["to_partner"]:
        to_partner, basis = float(totals["to_partner"][ally]), "bilateral HS6 rows"
    elif world is not None and totals["share"] <= 0:
        to_partner, basis = (
            None,
            (
                f"no data: no {ally}->{partner} rows, and no imports of {partner} in {year} "
                "for the proxy (world exports x the partner's share of world imports)"
            ),
        )
    elif world is not None:
        share = totals["share"]
        to_partner = world * share
        basis = (
            f"proxy: no {ally}->{partner} rows, so world exports x {partner}'s share of world imports "
            f"({share:.1%}); the coalition model uses the same proxy"
        )
    else:
        to_partner, basis = None, f"no export rows for {ally} in {year}"
    return {
        "iso3": ally,
        "name": names.get(ally, ally),
        "partner": partner,
        "year": year,
        "regimes": sorted(reg["regime"].astype(str)),
        "regimes_as_of": str(reg["as_of"].max()) if "as_of" in reg and len(reg) else "",
        "world_exports_usd": world,
        "exports_to_partner_usd": to_partner,
        "basis": basis,
        "synthetic": bool(ds.trade_synthetic),
        "source": str(ds.trade_source),
    }


__all__ = [
    "ALL_MAPPED",
    "FLOWS",
    "ChapterComposition",
    "ally_facts",
    "chapter_composition",
    "controlled_by_tier",
    "controlled_trade",
    "exporter_totals",
    "hs6_tiers",
    "partner_import_share",
    "partner_totals",
    "us_chapter_flows",
    "us_exports_to",
]
