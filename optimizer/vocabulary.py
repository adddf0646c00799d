"""The product's closed vocabularies, defined once: tiers, relief modes, solver statuses, allies'
positions and the reasons an item is left out of a package (DESIGN.md §2).

Each is a `StrEnum` whose values are the strings stored in item tables, scenario files, the scenario
database and the golden files, so `Tier.LEGACY == "legacy"` and a member reads and writes as that
text (JSON, CSV, pandas). The tuples (`TIERS`, `MODES`, ...) hold the plain strings in their documented
order (so a message quoting them reads as before), for the code that validates or sorts by them. This module imports nothing from the project,
so every layer can use it.
"""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """An item's tier for a partner: a policy judgement, except `NLR` (a fact of the destination)."""

    FOUNDATIONAL = "foundational"
    TRANSACTIONAL = "transactional"
    LEGACY = "legacy"
    NLR = "nlr"


class Mode(StrEnum):
    """A relief instrument (the package model's mode): see `optimizer.licensing.instruments`."""

    LIFT = "lift"
    EXCEPTION = "exception"
    APPROVAL = "approval"
    MEU_REMOVAL = "meu_removal"


class Status(StrEnum):
    """A solver run's true status (`optimizer.model.solve`)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"


class Reason(StrEnum):
    """Why an item is left out of a package, in the order the screens check them (the first that
    applies is reported)."""

    NLR = "nlr"
    FOUNDATIONAL = "foundational"
    NO_INSTRUMENT = "no_instrument"
    NOT_BIS_ALONE = "not_bis_alone"
    LOCKED = "locked"
    FA_BELOW_THRESHOLD = "fa_below_threshold"
    DIVERSION_SIGNAL = "diversion_signal"
    ALLY_OPPOSES = "ally_opposes"
    VALUE_UNKNOWN = "value_unknown"
    COHERENCE = "coherence"
    NOT_NEEDED = "not_needed"


class Position(StrEnum):
    """An ally's position on an item (or a group of items)."""

    SUPPORT = "support"
    NEUTRAL = "neutral"
    OPPOSE = "oppose"


#: Policy tiers: what an analyst may set (an override, a tier rule). `nlr` is never set by hand.
POLICY_TIERS: tuple[str, ...] = (Tier.FOUNDATIONAL.value, Tier.TRANSACTIONAL.value, Tier.LEGACY.value)
#: Every tier an item-table row can carry, strictest first (the order of legends and tables).
TIERS: tuple[str, ...] = tuple(t.value for t in Tier)
#: Relief instruments in the order the package model offers them.
MODES: tuple[str, ...] = tuple(m.value for m in Mode)
#: Solver statuses; a package exists for the first two.
STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
FOUND: tuple[str, ...] = (Status.OPTIMAL.value, Status.FEASIBLE.value)
#: Allies' positions, from the most to the least favourable.
POSITIONS: tuple[str, ...] = tuple(p.value for p in Position)
#: Exclusion reasons of the screens (`optimizer.model.constraints.define_exclusions`), in check order.
REASONS: tuple[str, ...] = tuple(r.value for r in Reason)

__all__ = ["FOUND", "MODES", "POLICY_TIERS", "REASONS", "STATUSES", "TIERS", "Mode", "Reason", "Status", "Tier"]
