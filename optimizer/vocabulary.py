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

#: An item's tier for a partner: a policy judgement, except `NLR` (a fact of the destination).
#: (Functional form: each member's value is its name in lower case, `Tier.NLR == "nlr"`.)
Tier = StrEnum("Tier", ["FOUNDATIONAL", "TRANSACTIONAL", "LEGACY", "NLR"])
#: A relief instrument (the package model's mode): see `optimizer.licensing.instruments`.
Mode = StrEnum("Mode", ["LIFT", "EXCEPTION", "APPROVAL", "MEU_REMOVAL"])
#: A solver run's true status (`optimizer.model.solve`).
Status = StrEnum("Status", ["OPTIMAL", "FEASIBLE", "INFEASIBLE", "TIME_LIMIT"])
#: An ally's position on an item (or a group of items).
Position = StrEnum("Position", ["SUPPORT", "NEUTRAL", "OPPOSE"])
#: Why an item is left out of a package: first the screens', in the order they check them (the first
#: that applies is reported), from `NLR` to `NOT_NEEDED`; then, from `SHORT_OF_TARGET`, why an item is
#: out of a scenario no package meets (`optimizer.model.results.infeasible_reasons`).
Reason = StrEnum(
    "Reason",
    [
        "NLR",
        "FOUNDATIONAL",
        "NO_INSTRUMENT",
        "NOT_BIS_ALONE",
        "LOCKED",
        "FA_BELOW_THRESHOLD",
        "DIVERSION_SIGNAL",
        "ALLY_OPPOSES",
        "VALUE_UNKNOWN",
        "COHERENCE",
        "NOT_NEEDED",
        "SHORT_OF_TARGET",
        "NO_VALUE",
        "NOT_IN_BEST",
        "RISK_BUDGET",
        "MAX_ITEMS",
        "CATEGORY_CAPS",
        "NESTING",
        "ALLY_POSITIONS",
        "FORCED",
        "MODE_CHOICE",
        "NO_PACKAGE",
    ],
)

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
_NO_PACKAGE_FROM = [*Reason].index(Reason.SHORT_OF_TARGET)
#: Exclusion reasons of the screens (`optimizer.model.constraints.define_exclusions`), in check order.
REASONS: tuple[str, ...] = tuple(r.value for r in [*Reason][:_NO_PACKAGE_FROM])
#: Why an item is out of a scenario no package meets (`optimizer.model.results.infeasible_reasons`).
INFEASIBLE_REASONS: tuple[str, ...] = tuple(r.value for r in [*Reason][_NO_PACKAGE_FROM:])

#: Why an item is left out, in words: one label per reason code, read by the dashboard's "items left
#: out", the briefing deck and workbook and the CLI. The screens' reasons (`Reason`, in check order)
#: come first, then the reasons of a scenario no package meets (`optimizer.model.results.infeasible_reasons`).
REASON_LABELS: dict[str, str] = {
    Reason.NLR.value: "No licence required to the partner (nothing to relieve)",
    Reason.FOUNDATIONAL.value: "Foundational control (never in a package)",
    Reason.NO_INSTRUMENT.value: "None of the allowed instruments exists for it",
    Reason.NOT_BIS_ALONE.value: "Not for BIS alone (regime, statute or another agency)",
    Reason.LOCKED.value: "Kept controlled by the analyst",
    Reason.FA_BELOW_THRESHOLD.value: "Foreign availability below the threshold",
    Reason.DIVERSION_SIGNAL.value: "Its codes show a strong diversion signal",
    Reason.ALLY_OPPOSES.value: "Opposed by an ally",
    Reason.VALUE_UNKNOWN.value: "Value unknown (software, technology or no HS mapping)",
    Reason.COHERENCE.value: "Software or technology without its hardware",
    Reason.NOT_NEEDED.value: "Not needed to reach the target",
    Reason.SHORT_OF_TARGET.value: "In the largest achievable package, still short of the target",
    Reason.NO_VALUE.value: "Adds no concession value",
    Reason.NOT_IN_BEST.value: "Not in the best package found (largest achievable not proven)",
    Reason.RISK_BUDGET.value: "Would break the risk budget",
    Reason.MAX_ITEMS.value: "Would break the maximum number of items",
    Reason.CATEGORY_CAPS.value: "Would break a cap per category",
    Reason.NESTING.value: "Its parent entry or sub-item is in the package",
    Reason.ALLY_POSITIONS.value: "Fixed out by an ally's position",
    Reason.FORCED.value: "Would clash with the items that must be in",
    Reason.MODE_CHOICE.value: "Would break the one-instrument-per-item rule",
    Reason.NO_PACKAGE.value: "No package satisfies the constraints",
}


def reason_label(reason: str) -> str:
    """A reason code in words (`REASON_LABELS`); an unknown code as its words ("a_b" -> "A b")."""
    if reason in REASON_LABELS:
        return REASON_LABELS[reason]
    text = str(reason).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


__all__ = [
    "FOUND",
    "INFEASIBLE_REASONS",
    "MODES",
    "POLICY_TIERS",
    "REASONS",
    "REASON_LABELS",
    "STATUSES",
    "TIERS",
    "Mode",
    "Reason",
    "Status",
    "Tier",
    "reason_label",
]
