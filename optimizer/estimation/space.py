"""The concession space for a partner: what its licence requirements leave to negotiate about.

This is what an analyst sees first (the Control list, the Package builder, `decontrol items`): how
many items need a licence to the partner and how much trade that binds, how many need none (`nlr`:
no item relief possible, however much trade they carry), how many need one only for military end
uses, and what the candidates (neither foundational nor `nlr`, value known) could unlock at most.
The dashboard's default target is a round share of that maximum, never a constant that may be
infeasible for the partner.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

#: Share of the largest achievable value the builder starts from.
DEFAULT_TARGET_SHARE = 0.5


@dataclass(frozen=True)
class ConcessionSpace:
    """Counts and US$/yr figures of one item table (see the module docstring)."""

    partner: str
    year: int
    items: int
    licensed_items: int  # licence required on all or some paragraphs
    licensed_potential_usd: float  # their unbound potential (gap formula), known values only
    licence_bound_usd: float  # the part the binding requirements cover
    end_use_only_items: int
    end_use_only_potential_usd: float
    end_use_only_bound_usd: float  # the military end-use share of it
    nlr_items: int
    nlr_potential_usd: float  # trade in codes of items that need no licence: no relief possible
    candidates: int  # neither foundational nor nlr
    candidate_value_usd: float  # what relieving every candidate in full would unlock
    value_unknown: int  # candidates whose value is unknown (software, technology)
    synthetic: bool
    source: str

    @property
    def suggested_target_usd(self) -> float:
        return suggested_target_usd(self.candidate_value_usd)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"suggested_target_usd": self.suggested_target_usd}


def _sum(s: pd.Series) -> float:
    return float(pd.to_numeric(s, errors="coerce").fillna(0.0).sum())


def concession_space(table: pd.DataFrame) -> ConcessionSpace:
    """The concession space of an item table (`build_item_table` output)."""
    lic = table["licence_required"].astype(str)
    tier = table["tier"].astype(str)
    licensed = lic.isin(["all", "some"])
    euo = lic == "end_use_only"
    nlr = tier == "nlr"
    cand = ~tier.isin(["foundational", "nlr"])
    return ConcessionSpace(
        partner=str(table.attrs.get("partner", table["partner"].iloc[0] if len(table) else "")),
        year=int(table.attrs.get("year", table["year"].iloc[0] if len(table) else 0)),
        items=len(table),
        licensed_items=int(licensed.sum()),
        licensed_potential_usd=_sum(table.loc[licensed, "potential_usd"]),
        licence_bound_usd=_sum(table.loc[licensed, "licence_bound_usd"]),
        end_use_only_items=int(euo.sum()),
        end_use_only_potential_usd=_sum(table.loc[euo, "potential_usd"]),
        end_use_only_bound_usd=_sum(table.loc[euo, "licence_bound_usd"]),
        nlr_items=int(nlr.sum()),
        nlr_potential_usd=_sum(table.loc[nlr, "potential_usd"]),
        candidates=int(cand.sum()),
        candidate_value_usd=_sum(table.loc[cand, "value_usd"]),
        value_unknown=int((cand & table["value_usd"].isna()).sum()),
        synthetic=bool(table.attrs.get("synthetic", False)),
        source=str(table.attrs.get("source", "")),
    )


def suggested_target_usd(achievable_usd: float, share: float = DEFAULT_TARGET_SHARE) -> float:
    """A round share of the achievable value: `share` of it, rounded down to one significant digit
    (US$ 380m -> US$ 300m), so the default target is always feasible; 0 when nothing is achievable."""
    x = float(achievable_usd) * share
    if not math.isfinite(x) or x <= 0:
        return 0.0
    scale = 10 ** math.floor(math.log10(x))
    return float(math.floor(x / scale) * scale)


def nothing_to_offer(package: dict[str, Any], partner: str) -> str:
    """Why a package is empty when the partner's licence requirements leave no candidate at all
    (every item needs no licence to it or is foundational); '' otherwise."""
    from collections import Counter

    if package.get("items"):
        return ""
    counts = Counter(e.get("reason") for e in package.get("excluded", []))
    if not counts or set(counts) - {"nlr", "foundational"}:
        return ""
    return (
        f"Nothing to offer {partner}: {counts.get('nlr', 0)} items need no licence to it (nothing to relieve) "
        f"and {counts.get('foundational', 0)} are foundational."
    )


def space_lines(space: ConcessionSpace, name: str | None = None) -> list[str]:
    """The concession space in plain lines (CLI table header, deck notes)."""
    from optimizer.formatting import fmt_usd

    who = name or space.partner
    label = "SYNTHETIC" if space.synthetic else "real"
    return [
        f"Concession space for {who}, {space.year} ({label} trade figures):",
        f"  {space.licensed_items} items need a licence to {who}: potential {fmt_usd(space.licensed_potential_usd)}, "
        f"licence-bound {fmt_usd(space.licence_bound_usd)}",
        f"  {space.end_use_only_items} items need one only for military end uses (744.21): "
        f"potential {fmt_usd(space.end_use_only_potential_usd)}, military end-use share "
        f"{fmt_usd(space.end_use_only_bound_usd)}",
        f"  {space.nlr_items} items need no licence (nlr, no item relief possible): "
        f"trade potential {fmt_usd(space.nlr_potential_usd)}",
        f"  {space.candidates} candidates (neither foundational nor nlr): at most {fmt_usd(space.candidate_value_usd)} "
        f"a year unlocked{f', {space.value_unknown} of unknown value' if space.value_unknown else ''}",
    ]


__all__ = [
    "ConcessionSpace",
    "DEFAULT_TARGET_SHARE",
    "concession_space",
    "nothing_to_offer",
    "space_lines",
    "suggested_target_usd",
]
