"""What a coalition run found: the coalition package next to the US-only package.

Both packages are described the same way (`PackageSide`): items with every member's unlocked
exports, risk used, each member's gain in US dollars and relative to its potential, the smallest
relative gain, why every other item was left out, the rows that bind, and the solver's true status
per lexicographic step. `CoalitionResult.to_dict()` is the JSON the CLI prints and the dashboard
reads; every figure there says whether the trade behind it is synthetic and which members' values
rest on the no-bilateral-rows proxy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from optimizer.jsonsafe import json_safe
from optimizer.vocabulary import FOUND

RELATIVE_GAIN_NOTE = (
    "relative gain = the member's unlocked exports from the package / its potential, "
    "the sum of its unlocked exports over every eligible item (what relieving all of "
    "them would unlock); the coalition package maximises the smallest relative gain, "
    "then the members' total, then minimises risk"
)
US_ONLY_NOTE = (
    "US-only package = the largest US value under the same risk budget and constraints "
    "(ties: least risk); allies' gains under it are read from the same value table"
)


@dataclass
class PackageItem:
    """One relieved item with what it unlocks for each member (None: unknown value)."""

    eccn: str
    heading: str
    tier: str
    risk: float
    fa_score: float
    values_usd: dict[str, float | None]
    total_usd: float
    why: str = ""
    mode: str = ""  # the relief instrument chosen
    instrument: str = ""  # what the relief is, with its CFR section
    licence_basis: str = ""  # the licence requirement on the partner it relieves (the concession's basis)


@dataclass
class PackageSide:
    """One package (coalition or US-only) and what it gives each member."""

    label: str
    objective: str
    status: str
    solver: str
    gap: float | None
    seconds: float
    items: list[PackageItem] = field(default_factory=list)
    risk_used: float | None = None
    total_value_usd: float | None = None  # summed over members
    gains_usd: dict[str, float] = field(default_factory=dict)
    relative_gains: dict[str, float | None] = field(default_factory=dict)
    min_relative_gain: float | None = None
    excluded: list[dict[str, str]] = field(default_factory=list)  # {eccn, reason, detail}
    binding_constraints: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.status in FOUND

    def item_ids(self) -> list[str]:
        return [i.eccn for i in self.items]

    def excluded_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.excluded:
            out[e["reason"]] = out.get(e["reason"], 0) + 1
        return out


@dataclass
class MemberGain:
    """One member's side-by-side figures."""

    member: str
    potential_usd: float
    coalition_gain_usd: float | None
    coalition_relative_gain: float | None
    us_only_gain_usd: float | None
    us_only_relative_gain: float | None
    in_maxmin: bool
    basis: str


@dataclass
class CoalitionResult:
    """The coalition package, the US-only package under the same risk budget, and their comparison."""

    status: str
    partner: str
    year: int
    members: list[str]
    risk_budget: float
    coalition: PackageSide
    us_only: PackageSide
    member_gains: list[MemberGain]
    proxied: list[str] = field(default_factory=list)
    partner_import_share: float | None = None
    synthetic: bool = False
    source: str = ""
    warnings: list[str] = field(default_factory=list)
    scenario: dict[str, Any] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.coalition.found

    @property
    def min_relative_gain(self) -> float | None:
        return self.coalition.min_relative_gain

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for side in ("coalition", "us_only"):
            d[side]["n_items"] = len(getattr(self, side).items)
            d[side]["excluded_counts"] = getattr(self, side).excluded_counts()
        d["min_relative_gain"] = self.min_relative_gain
        d["notes"] = {
            "relative_gain": RELATIVE_GAIN_NOTE,
            "us_only": US_ONLY_NOTE,
            "data": ("SYNTHETIC trade figures: " if self.synthetic else "real trade figures: ") + self.source,
        }
        return json_safe(d)
