"""What a briefing contains, already filtered for its audience.

`Briefing` is assembled once (from a package run or a saved scenario) and rendered twice: as slides
and as a workbook. The audience filter (`optimizer.audience`) is applied here, before any renderer
sees the data, so an ally deck cannot leak an internal field through a forgotten column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from optimizer.audience import check_audience, items_for, package_for

#: Handling markings after current US practice (32 CFR 2002, the CUI Registry): the banner "CUI" at the
#: top and the bottom of every slide; a partner deck carries a limited dissemination control, "REL TO"
#: the US and the allies in the session when the scenario names them, else "DISPLAY ONLY" (shown in
#: the session, not handed over). Agencies add categories (e.g. "CUI//SP-EXPT"): `--marking` sets any text.
DEFAULT_MARKING = "CUI"
ALLY_MARKING = "CUI//DISPLAY ONLY"


def ally_marking(allies: list[str] | tuple[str, ...] = ()) -> str:
    """The partner deck's default marking: 'CUI//REL TO USA, JPN, NLD' for the allies named, else DISPLAY ONLY."""
    codes = sorted({str(a).upper() for a in allies if str(a).strip() and str(a).upper() != "USA"})
    return f"CUI//REL TO USA, {', '.join(codes)}" if codes else ALLY_MARKING


@dataclass
class Briefing:
    """Everything the renderers need, in plain Python/pandas types."""

    partner: str
    partner_name: str
    year: int
    package: dict[str, Any]  # PackageResult.to_dict()
    trade_totals: pd.DataFrame  # partner_totals rows for the partner (year, exports_usd, imports_usd, balance_usd)
    trade_source: str  # provenance of the totals (real Census data)
    hs6_source: str  # provenance of the HS6 layer
    hs6_synthetic: bool
    frontier: list[dict[str, Any]] = field(default_factory=list)  # points: target_usd, achieved_usd, risk
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    items: pd.DataFrame = field(default_factory=pd.DataFrame)  # the item table used
    assumptions: dict[str, Any] = field(default_factory=dict)  # scenario + estimation parameters
    provenance: dict[str, str] = field(default_factory=dict)  # dataset id, CCL vintage, ...
    exchange: dict[str, Any] | None = None  # ExchangeReport.to_dict() of an exchange scenario
    exchange_references: list[dict[str, Any]] = field(default_factory=list)  # ReferenceExchange dicts beside it
    audience: str = "internal"
    marking: str = ""
    title: str = ""
    option_name: str = ""  # the scenario's name (internal) or shareable title (ally): notes, or slide 1 for allies
    country_names: dict[str, str] = field(default_factory=dict)  # ISO3 -> name, for suppliers and allies
    allies: tuple[str, ...] = ()  # the allies in the session (ally_<ISO3> columns or the scenario's list)
    prepared_on: str = field(default_factory=lambda: date.today().isoformat())

    def for_audience(self) -> Briefing:
        """A copy with every internal field removed when the audience is an ally."""
        audience = check_audience(self.audience)
        allies = self.allies or tuple(c[5:] for c in self.items.columns if str(c).startswith("ally_"))
        marking = self.marking or (ally_marking(allies) if audience == "ally" else DEFAULT_MARKING)
        if audience == "internal":
            return _replace(self, marking=marking)
        return _replace(
            self,
            marking=marking,
            package=package_for(self.package, "ally"),
            frontier=[
                {k: p[k] for k in ("target_usd", "achieved_usd") if k in p} | {"n_items": len(p.get("items", []))}
                for p in self.frontier
            ],
            alternatives=[package_for(a, "ally") for a in self.alternatives],
            items=items_for(self.items, "ally"),
            assumptions={k: v for k, v in self.assumptions.items() if k in ALLY_ASSUMPTIONS},
            exchange=None,
            exchange_references=[],  # the US valuation of gets and gives is internal
        )


#: Assumptions an ally may see: targets and relief modes, not risk weights or tier rules.
ALLY_ASSUMPTIONS = (
    "partner",
    "year",
    "target_usd",
    "modes",
    "min_fa",
    "max_items",
    "value_method",
    "baseline_year",
    "objective_shared",
)


def _replace(b: Briefing, **changes: Any) -> Briefing:
    from dataclasses import replace

    return replace(b, **changes)
