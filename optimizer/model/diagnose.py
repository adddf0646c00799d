"""Why no package meets the target: the largest achievable target, and which constraint blocks.

The largest achievable target is a max-value solve under every other constraint. To name the
blocking constraint each active family (or screen) is relaxed in turn, and the largest achievable
target recomputed: a family whose relaxation alone lets the target be met blocks it. Foundational
items are never relaxed. When no single relaxation suffices the diagnosis says so and gives the
value reachable with all of them relaxed together.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from optimizer.formatting import floor_significant, fmt_usd_significant
from optimizer.formatting import fmt_usd as usd
from optimizer.model.achievable import Achievable, achievable_on, max_achievable_on
from optimizer.model.build import PackageModel, build_model
from optimizer.model.scenario import MODES, Scenario
from optimizer.vocabulary import Status

#: What each relaxation means, in the analyst's words.
RELAXATIONS: dict[str, str] = {
    "locks": "unlock the locked items",
    "fa_threshold": "drop the foreign-availability threshold",
    "diversion": "accept items whose codes show strong diversion signals",
    "ally_positions": "accept items an ally opposes",
    "forced": "stop forcing items",
    "max_items": "lift the maximum number of items",
    "category_caps": "lift the caps per category",
    "risk_budget": "lift the risk budget",
    "coherence": "allow software/technology relief without hardware",
    "nesting": "allow a sub-item together with its parent",
    "modes": "offer full relief (all modes)",
    "bis_alone": "include items a regime or another agency decides with BIS (drop --bis-alone)",
}


#: Each relaxable rule by name, for a reader ("Binding rule: the foreign-availability threshold").
RULE_NAMES: dict[str, str] = {
    "locks": "the locked items",
    "fa_threshold": "the foreign-availability threshold",
    "ally_positions": "allies' oppositions",
    "forced": "the forced items",
    "max_items": "the maximum number of items",
    "category_caps": "the caps per category",
    "risk_budget": "the risk budget",
    "coherence": "software/technology only with its hardware",
    "nesting": "a sub-item never with its parent",
    "modes": "the relief instruments allowed",
    "bis_alone": "only what BIS can decide alone",
}


@dataclass
class Diagnosis:
    target_usd: float
    max_achievable_usd: float | None  # None: the other constraints admit no package at all
    blocking: list[dict[str, Any]] = field(default_factory=list)  # {constraint, action, max_achievable_usd}
    all_relaxed_usd: float | None = None  # reachable with every relaxable constraint dropped
    message: str = ""
    #: {tier: count} when every item is foundational or needs no licence to the partner (nothing to
    #: relieve, whatever the rules): the cause, not a constraint to relax
    nothing_to_offer: dict[str, int] = field(default_factory=dict)
    max_achievable_bound_usd: float | None = None  # proven upper bound on the largest achievable
    max_achievable_proven: bool | None = None

    @property
    def largest_target_usd(self) -> float | None:
        """The largest achievable rounded down to three significant digits: a target that is met,
        printed the same way in the message, the builder's button and the deck."""
        return None if self.max_achievable_usd is None else largest_target_usd(self.max_achievable_usd)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"largest_target_usd": self.largest_target_usd}


def nothing_to_offer_counts(items: pd.DataFrame) -> dict[str, int]:
    """{"nlr": n, "foundational": m} when every item of the table is foundational or needs no licence
    to the partner (no rule's relaxation can help: there is nothing to relieve), else {}. (The
    builder's note at target $0, `estimation.space.nothing_to_offer`, says it from a package's
    exclusions.)"""
    tiers = items["tier"].astype(str).value_counts().to_dict() if "tier" in items and len(items) else {}
    if not tiers or set(tiers) - {"nlr", "foundational"}:
        return {}
    return {t: int(tiers.get(t, 0)) for t in ("nlr", "foundational")}


def nothing_to_offer_text(counts: dict[str, int]) -> str:
    """The one wording of `nothing_to_offer_counts`, for the message, the builder's lines and the frontier."""
    return (
        f"nothing to offer: every item is foundational ({counts.get('foundational', 0)}) or needs no licence "
        f"to the partner ({counts.get('nlr', 0)}: nothing to relieve)"
    )


def largest_target_usd(max_achievable_usd: float) -> float:
    """See `Diagnosis.largest_target_usd`."""
    return floor_significant(max_achievable_usd, 3)


def active_relaxations(m: PackageModel) -> list[str]:
    """The relaxable constraints that actually restrict this scenario."""
    sc = m.scenario
    out = []
    if sc.locks:
        out.append("locks")
    if sc.min_fa > 0:
        out.append("fa_threshold")
    if sc.max_diversion is not None:
        out.append("diversion")
    if m.opposed and not sc.allow_opposed:
        out.append("ally_positions")
    for fam in ("forced", "max_items", "category_caps", "risk_budget", "coherence", "nesting"):
        if m.rows.get(fam):
            out.append(fam)
    if max(sc.params(k).value_share for k in MODES) > max(sc.params(k).value_share for k in sc.modes):
        out.append("modes")
    if sc.bis_alone:
        out.append("bis_alone")
    return out


def diagnose(
    items: pd.DataFrame,
    scenario: Scenario,
    model: PackageModel | None = None,
    max_achievable_usd: float | None = None,
    achievable: Achievable | None = None,
) -> Diagnosis:
    """Diagnose an infeasible scenario on a validated item table (`model`: its built model, if at
    hand; `achievable`: its largest achievable, with bound and proof, if already computed)."""
    m = model or build_model(items, scenario)
    if achievable is None and model is None:
        achievable = achievable_on(m)
    best = achievable.low_usd if achievable is not None else (max_achievable_usd if model is not None else None)
    target = scenario.target_usd
    blocking = []
    for name in active_relaxations(m):
        value = _relaxed_max(items, scenario, {name})
        if value is not None and value + 0.005 >= target:
            blocking.append({"constraint": name, "action": RELAXATIONS[name], "max_achievable_usd": value})
    everything = _relaxed_max(items, scenario, set(active_relaxations(m)))
    d = Diagnosis(target, best, blocking, everything, nothing_to_offer=nothing_to_offer_counts(items))
    if achievable is not None:
        d.max_achievable_bound_usd = achievable.high_usd if achievable.high_usd != float("inf") else None
        d.max_achievable_proven = achievable.proven
    d.message = _message(d)
    return d


def diagnosis_lines(package: dict[str, Any]) -> list[str]:
    """Why a package dict (`PackageResult.to_dict()`, or its ally view) has no package, in lines a
    deck, a workbook and the builder print alike: the largest achievable target, then the rule that
    binds and how far relaxing it reaches. An ally's view has no diagnosis: only the first line,
    from `max_achievable_usd`. [] when a package was found."""
    if package.get("achieved_usd") is not None or package.get("status") not in (Status.INFEASIBLE, None):
        return []
    d = package.get("diagnosis") or {}
    best = d.get("max_achievable_usd", package.get("max_achievable_usd"))
    if best is None:
        return ["No package satisfies the constraints, whatever the target."]
    lines = [
        f"Largest achievable target: {fmt_usd_significant(largest_target_usd(best))} a year, under the other "
        "constraints."
    ]
    if not d:
        return lines
    nothing = d.get("nothing_to_offer") or {}
    if nothing:
        text = nothing_to_offer_text(nothing)
        return [*lines, f"{text[:1].upper()}{text[1:]}, whatever the rules."]
    for b in d.get("blocking") or []:
        name = RULE_NAMES.get(b["constraint"], b["constraint"].replace("_", " "))
        action = str(b["action"])
        lines.append(
            f"Binding rule: {name}. {action[:1].upper() + action[1:]} to reach up to {usd(b['max_achievable_usd'])}."
        )
    if not d.get("blocking"):
        every = d.get("all_relaxed_usd")
        if every is not None and every + 0.005 >= float(d.get("target_usd") or 0):
            lines.append(f"No single rule binds: relaxing them all allows up to {usd(every)}.")
        else:
            lines.append(
                f"No rule binds: even with every rule relaxed only {usd(every or 0)} is reachable from the "
                "items that are not foundational."
            )
    return lines


def _relaxed_max(items: pd.DataFrame, scenario: Scenario, relax: set[str]) -> float | None:
    # relaxations of the scenario itself; the others are constraint families the builder leaves out
    sc = scenario.replace(modes=list(MODES)) if "modes" in relax else scenario
    sc = sc.replace(bis_alone=False) if "bis_alone" in relax else sc
    m = build_model(items, sc, relax=frozenset(relax - {"modes", "bis_alone"}), objective="max-value", target_usd=0.0)
    return max_achievable_on(m)


def _message(d: Diagnosis) -> str:
    if d.max_achievable_usd is None:
        head = "no package satisfies the constraints, whatever the target"
    else:
        if d.max_achievable_proven is False and d.max_achievable_bound_usd is not None:
            head = (
                f"the target {usd(d.target_usd)} cannot be met: under the other constraints a package "
                f"reaches {usd(d.max_achievable_usd)}, and no package exceeds {usd(d.max_achievable_bound_usd)} "
                "(the largest achievable is not proven within the time limit)"
            )
        else:
            head = (
                f"the target {usd(d.target_usd)} cannot be met: the largest achievable target under the other "
                f"constraints is {fmt_usd_significant(d.largest_target_usd)}"
            )
    if d.nothing_to_offer:
        return f"{head}; {nothing_to_offer_text(d.nothing_to_offer)}"
    if d.blocking:
        parts = [f"{b['action']} (up to {usd(b['max_achievable_usd'])})" for b in d.blocking]
        return f"{head}; the target becomes reachable if you " + " or ".join(parts)
    if d.all_relaxed_usd is not None and d.all_relaxed_usd + 0.005 >= d.target_usd:
        return f"{head}; no single constraint blocks it: relaxing them all allows up to {usd(d.all_relaxed_usd)}"
    cap = usd(d.all_relaxed_usd) if d.all_relaxed_usd is not None else "nothing"
    return f"{head}; even with every constraint relaxed only {cap} is reachable from the non-foundational items"


__all__ = [
    "Diagnosis",
    "RELAXATIONS",
    "RULE_NAMES",
    "active_relaxations",
    "diagnose",
    "diagnosis_lines",
    "largest_target_usd",
    "nothing_to_offer_counts",
    "nothing_to_offer_text",
]
