"""What a trade table covers, and which estimator inputs it cannot provide.

Real downloads are partial as a rule: one year, a few HS codes, a Census file with only US imports,
a Comtrade extract with only "World" partners. The estimators then cannot compute some figures; this
module says which and why, in one place, so the item table, `decontrol data info` and the dashboard
name the same missing input with the same words instead of showing `$0` for "no data".

Two inputs matter (see DESIGN.md, concession value and foreign availability):

- **the partner's imports from the world** (concession value's M_h): rows with `importer == partner`;
- **world exports by exporter** (the US share of world exports u_h, and every foreign-availability
  component): exporters other than the US and the partner, and the US's own world exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from optimizer.data.trade import AGGREGATES

US = "USA"

#: Fewer exporters than this (besides the US and the partner) is not a world picture.
MIN_WORLD_EXPORTERS = 3

NEEDS_WORLD = "foreign availability and the US share of world exports need a BACI or Comtrade world file"


@dataclass(frozen=True)
class MissingInputs:
    """The inputs a partner-year lacks: key -> sentence naming the input and what needs it."""

    partner: str
    year: int
    messages: dict[str, str] = field(default_factory=dict)

    @property
    def partner_imports(self) -> bool:
        """True when the partner's imports are missing (concession values are then unknown)."""
        return "partner_imports" in self.messages

    @property
    def us_world_exports(self) -> bool:
        """True when US exports to the world are missing (the US world share is then unknown)."""
        return "us_world_exports" in self.messages

    def value_unknown_reason(self) -> str | None:
        """Why every goods item's concession value is unknown, or None when it can be estimated."""
        for key in ("partner_imports", "us_world_exports"):
            if key in self.messages:
                return "unknown: " + self.messages[key]
        return None

    def lines(self) -> list[str]:
        return list(self.messages.values())


def missing_inputs(trade: pd.DataFrame, partner: str, year: int) -> MissingInputs:
    """Name every estimator input the trade table lacks for `partner` in `year`."""
    rows = trade.loc[trade["year"] == int(year), ["exporter", "importer"]]
    out: dict[str, str] = {}
    if rows.empty:
        out["year"] = f"no trade rows for {year}"
        out["partner_imports"] = (
            f"no imports of {partner} in {year}: concession value needs the partner's imports from the world"
        )
        out["world_exports"] = f"no world exports by exporter in {year}: {NEEDS_WORLD}"
        return MissingInputs(partner, int(year), out)
    exporters = set(pd.unique(rows["exporter"])) - AGGREGATES
    # US exports alone are not the partner's imports from the world (a Census exports file)
    if not ((rows["importer"] == partner) & (rows["exporter"] != US)).any():
        out["partner_imports"] = (
            f"no imports of {partner} in {year} from the world or from suppliers other "
            f"than the US: concession value needs the partner's imports from the world "
            f"(a BACI file, or Comtrade with {partner} as reporter)"
        )
    if US not in exporters:
        out["us_world_exports"] = (
            f"no US exports in {year}: concession value needs the US share of world "
            "exports (a BACI file, Comtrade with the USA as reporter, or a Census exports file)"
        )
    others = exporters - {US, partner}
    if len(others) < MIN_WORLD_EXPORTERS:
        seen = ", ".join(sorted(others)) or "none"
        out["world_exports"] = (
            f"no world exports by exporter in {year} (third-country exporters: {seen}): {NEEDS_WORLD}"
        )
    return MissingInputs(partner, int(year), out)


def coverage(trade: pd.DataFrame, concordance: pd.DataFrame | None = None) -> dict[str, Any]:
    """Years, reporters (exporters), partners (importers), HS codes, and mapped codes/items with data."""
    if trade.empty:
        return {
            "rows": 0,
            "years": [],
            "exporters": [],
            "importers": [],
            "hs6_codes": 0,
            "mapped_hs6_with_data": 0,
            "mapped_hs6": 0,
            "items_with_data": 0,
            "items_mapped": 0,
        }
    codes = set(pd.unique(trade["hs6"]))
    out = {
        "rows": len(trade),
        "years": sorted(int(y) for y in pd.unique(trade["year"])),
        "exporters": sorted(str(x) for x in pd.unique(trade["exporter"])),
        "importers": sorted(str(x) for x in pd.unique(trade["importer"])),
        "hs6_codes": len(codes),
    }
    if concordance is not None and len(concordance):
        conc = concordance.assign(hs6=concordance["hs6"].astype(str), eccn=concordance["eccn"].astype(str))
        has = conc["hs6"].isin(codes)
        out.update(
            mapped_hs6=int(conc["hs6"].nunique()),
            mapped_hs6_with_data=int(conc.loc[has, "hs6"].nunique()),
            items_mapped=int(conc["eccn"].nunique()),
            items_with_data=int(conc.loc[has, "eccn"].nunique()),
        )
    return out
