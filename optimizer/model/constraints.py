"""One function per constraint family of the package model (DESIGN.md section 4).

Each `define_*` takes the model container (`build.PackageModel`) and adds its rows under its family
name, returning them, so results can say which rows bind and a diagnosis can drop one family at a
time. The screens act before variables exist, because an item that can never enter gets no
variable at all (smaller models, and the reason is known without solving):

- `define_exclusions`: foundational (never, not relaxable), locked, FA below the threshold, a strong
  diversion signal on the item's codes (with `max_diversion`), opposed by an ally, value unknown. Forced items override the FA threshold and an unknown value (the
  analyst's explicit choice), never the foundational tier. With `allow_opposed`, an opposed item
  stays in and costs `ally_penalty` risk points per opposing ally.
"""

from __future__ import annotations

import math

import pulp

from optimizer import vocabulary
from optimizer.errors import DecontrolError
from optimizer.model.items import ally_columns, unknown_items
from optimizer.model.structure import VALUE_UNIT, PackageModel, parent_of
from optimizer.vocabulary import Reason

Rows = dict[str, pulp.LpConstraint]
GE, LE, EQ = pulp.LpConstraintGE, pulp.LpConstraintLE, pulp.LpConstraintEQ

#: Exclusion reasons, in the order they are checked (the first that applies is reported).
REASONS: tuple[str, ...] = vocabulary.REASONS  # optimizer.vocabulary.Reason


def define_exclusions(m: PackageModel) -> dict[str, tuple[str, str]]:
    """Decide which items get no variable, and why; note allies' oppositions and penalties.

    Foundational items are never eligible. Forced items must exist in the table and must not be
    foundational (DecontrolError otherwise); they override the FA threshold and an unknown value.
    An item an ally opposes is left out unless `allow_opposed` (then `define_ally_positions` and the
    penalty handle it); a forced one keeps its variable so the clash surfaces as infeasibility.
    Locks and forced items naming no item of the table are refused with the closest id as a
    suggestion: a mistyped lock would otherwise leave the item it meant free to be relieved.
    """
    sc = m.scenario
    known = set(m.ids)
    missing = unknown_items(sc.forced, known)
    if missing:
        raise DecontrolError(f"forced item(s) not in the item table: {', '.join(missing)}")
    absent = unknown_items(sc.locks, known)
    if absent:
        raise DecontrolError(
            f"locked item(s) not in the item table: {', '.join(absent)}; a lock that names no "
            "item keeps nothing controlled: correct or remove it"
        )
    tiers = m.attr("tier")
    found = sorted(i for i in sc.forced if tiers[i] == "foundational")
    if found:
        raise DecontrolError(
            f"forced item(s) {', '.join(found)} are foundational: a foundational item is never "
            "relieved (change its tier in the item table if that is really meant)"
        )
    nlr = sorted(i for i in sc.forced if tiers[i] == "nlr")
    if nlr:
        raise DecontrolError(
            f"forced item(s) {', '.join(nlr)} need no licence to the partner (nlr): there is nothing to relieve"
        )
    no_way = sorted(i for i in sc.forced if not m.offered.get(i))
    if no_way:
        raise DecontrolError(
            f"forced item(s) {', '.join(no_way)} offer none of the allowed instruments ({', '.join(sc.modes)})"
        )
    deciders = m.attr("decided_by")
    forced = set(sc.forced) if "forced" not in m.relaxed else set()
    locks = set(sc.locks) if "locks" not in m.relaxed else set()
    min_fa = sc.min_fa if "fa_threshold" not in m.relaxed else 0.0
    max_div = sc.max_diversion if "diversion" not in m.relaxed else None
    if max_div is not None and "diversion_score" not in m.items.columns:
        raise DecontrolError(
            "max_diversion is set but the item table has no diversion_score column: build it "
            "with the diversion exposure (decontrol optimize --partner ISO3 --max-diversion S) "
            "or add the column to the table"
        )
    divs = m.attr("diversion_score") if max_div is not None else {}
    signals = m.attr("diversion_signal") if max_div is not None and "diversion_signal" in m.items.columns else {}
    opposed = _oppositions(m)
    screen_allies = "ally_positions" not in m.relaxed and not sc.allow_opposed
    out: dict[str, tuple[str, str]] = {}
    fas, values = m.attr("fa_score"), m.attr("value_usd")
    for item in m.ids:
        tier, fa, value = tiers[item], fas[item], values[item]
        if tier == "nlr":
            out[item] = (Reason.NLR, "no licence required to the partner: nothing to relieve")
        elif tier == "foundational":
            out[item] = (Reason.FOUNDATIONAL, "foundational control: never in a package")
        elif not m.offered.get(item):
            out[item] = (Reason.NO_INSTRUMENT, f"none of the allowed instruments ({', '.join(sc.modes)}) exists for it")
        elif sc.bis_alone and deciders[item] not in ("", "bis"):
            out[item] = (Reason.NOT_BIS_ALONE, f"not for BIS alone: decided by {deciders[item]}")
        elif item in locks:
            out[item] = (Reason.LOCKED, "locked by the analyst")
        elif item in forced:
            continue
        elif fa < min_fa:
            out[item] = (Reason.FA_BELOW_THRESHOLD, f"foreign availability {fa:.2f} below the threshold {min_fa:.2f}")
        elif max_div is not None and not math.isnan(divs[item]) and divs[item] >= max_div:
            out[item] = (
                Reason.DIVERSION_SIGNAL,
                f"diversion signal {divs[item]:.2f} at or above {max_div:.2f}"
                + (f": {signals[item]}" if signals.get(item) else ""),
            )
        elif screen_allies and item in opposed:
            out[item] = (Reason.ALLY_OPPOSES, f"opposed by {', '.join(opposed[item])}")
        elif value is None or math.isnan(value):
            out[item] = (
                Reason.VALUE_UNKNOWN,
                "concession value unknown (software/technology or no HS mapping): it cannot count towards the target",
            )
    for item in sorted(forced):
        fa, value = m.attr("fa_score")[item], m.attr("value_usd")[item]
        if fa < min_fa:
            m.warnings.append(f"forced item {item} is below the FA threshold ({fa:.2f} < {min_fa:.2f})")
        if value is None or math.isnan(value):
            m.warnings.append(f"forced item {item} has no known value: it adds nothing to the target")
        if max_div is not None and not math.isnan(divs[item]) and divs[item] >= max_div:
            m.warnings.append(f"forced item {item} shows a strong diversion signal ({divs[item]:.2f} >= {max_div:.2f})")
    m.opposed = {i: a for i, a in opposed.items() if i not in out or out[i][0] == Reason.ALLY_OPPOSES}
    if not screen_allies and "ally_positions" not in m.relaxed and sc.ally_penalty > 0:
        m.penalty = {i: sc.ally_penalty * len(a) for i, a in opposed.items() if i not in out}
    m.excluded.update(out)
    m.candidates = [i for i in m.ids if i not in out]
    return out


def _oppositions(m: PackageModel) -> dict[str, list[str]]:
    """{item: [allies opposing]} over the allies the scenario considers (None: every ally column)."""
    sc, t = m.scenario, m.items
    cols = ally_columns(t.reset_index(drop=True))
    wanted = sc.allies if sc.allies is not None else tuple(sorted(cols))
    for iso in wanted:
        if iso not in cols:
            m.warnings.append(f"no positions for ally {iso} in the item table (no column ally_{iso})")
    use = [(iso, (t[cols[iso]] == "oppose").to_numpy()) for iso in wanted if iso in cols]
    out: dict[str, list[str]] = {}
    for k, item in enumerate(m.ids):
        opp = [iso for iso, flags in use if flags[k]]
        if opp:
            out[item] = opp
    return out


def define_ally_positions(m: PackageModel) -> Rows:
    """Allies' `oppose` positions that `define_exclusions` could not settle by leaving the item out:
    a forced item an ally opposes gets a row fixing it to zero, so the clash shows up as
    infeasibility the diagnosis can name (relaxing `ally_positions` or `forced`). With
    `allow_opposed` there are no rows: the penalty is in the risk expression instead.
    """
    rows: Rows = {}
    if "ally_positions" in m.relaxed or m.scenario.allow_opposed:
        return rows
    cands = set(m.candidates)
    for item, allies in m.opposed.items():
        if item in cands:
            rows[item] = m.add_row(
                "ally_positions",
                f"ally_{len(rows)}",
                pulp.LpConstraint(m.chosen([item]), LE, rhs=0),
                f"{item} is opposed by {', '.join(allies)}",
            )
    return rows


def define_mode_choice(m: PackageModel) -> Rows:
    """At most one instrument per item (no row for an item that offers only one)."""
    rows: Rows = {}
    for k, item in enumerate(m.candidates):
        if len(m.options_of(item)) < 2:
            continue
        rows[item] = m.add_row("mode_choice", f"mode_{k}", pulp.LpConstraint(m.chosen([item]), LE, rhs=1))
    return rows


def define_target(m: PackageModel, target_usd: float) -> Rows:
    """The concession target: value unlocked >= target (model units: US$ m). Always present, so a
    sweep can move its right-hand side (`build.set_target`)."""
    row = m.add_row(
        "target",
        "target",
        pulp.LpConstraint(m.value_expr(), GE, rhs=target_usd / VALUE_UNIT),
        "concession value must reach the target",
    )
    return {"target": row}


def define_forced(m: PackageModel) -> Rows:
    """Each forced item is relieved (in one of the offered modes)."""
    rows: Rows = {}
    for k, item in enumerate(m.scenario.forced):
        rows[item] = m.add_row(
            "forced",
            f"forced_{k}",
            pulp.LpConstraint(m.chosen([item]), EQ, rhs=1),
            f"{item} is forced into the package",
        )
    return rows


def define_max_items(m: PackageModel) -> Rows:
    """At most `max_items` items relieved."""
    n = m.scenario.max_items
    if n is None:
        return {}
    return {
        "max_items": m.add_row(
            "max_items", "max_items", pulp.LpConstraint(m.count_expr(), LE, rhs=n), f"at most {n} items"
        )
    }


def define_category_caps(m: PackageModel) -> Rows:
    """Per CCL category: at most `max_items` items and/or at most `max_value_share` of the package value.

    The share cap is linear: value(cat) <= s * value(all)  <=>  (1-s) value(cat) - s value(rest) <= 0.
    """
    rows: Rows = {}
    cat_of = m.items["category"]
    for cat, cap in m.scenario.category_caps.items():
        members = [i for i in m.candidates if cat_of[i] == cat]
        if cap.max_items is not None:
            rows[f"cap_items_{cat}"] = m.add_row(
                "category_caps",
                f"cap_items_{cat}",
                pulp.LpConstraint(m.chosen(members), LE, rhs=cap.max_items),
                f"at most {cap.max_items} items of category {cat}",
            )
        if cap.max_value_share is not None:
            s = cap.max_value_share
            inside = set(members)
            coef = {m.x[o]: (1 - s) * v if o[0] in inside else -s * v for o, v in m.value.items() if v}
            rows[f"cap_share_{cat}"] = m.add_row(
                "category_caps",
                f"cap_share_{cat}",
                pulp.LpConstraint(pulp.LpAffineExpression(coef), LE, rhs=0),
                f"category {cat} at most {s:.0%} of the package value",
            )
    return rows


def define_risk_budget(m: PackageModel) -> Rows:
    """Total risk (security risk plus ally penalties) within the budget."""
    b = m.scenario.risk_budget
    if b is None:
        return {}
    return {
        "risk_budget": m.add_row(
            "risk_budget", "risk_budget", pulp.LpConstraint(m.risk_expr(), LE, rhs=b), f"total risk at most {b:g}"
        )
    }


def define_coherence(m: PackageModel) -> Rows:
    """Software/technology (D/E) relief only together with relief of hardware (A/B/C) of its family.

    Applies when the family has A/B/C items in the table (whether or not they are eligible: if none
    is, the D/E item cannot be relieved); a family with only D/E entries is unrestricted.
    """
    if not m.scenario.coherence:
        return {}
    cands = set(m.candidates)
    hardware: dict[str, list[str]] = {}
    has_hw: set[str] = set()
    family, group = m.attr("family"), m.attr("group")
    for item in m.ids:
        fam = family[item]
        if group[item] in ("A", "B", "C"):
            has_hw.add(fam)
            if item in cands:
                hardware.setdefault(fam, []).append(item)
    rows: Rows = {}
    for item in m.candidates:
        fam = family[item]
        if group[item] in ("D", "E") and fam in has_hw:
            hw = hardware.get(fam, [])
            coef = {m.x[o]: -1.0 for h in hw for o in m.options_of(h)}
            coef.update({m.x[o]: 1.0 for o in m.options_of(item)})
            expr = pulp.LpAffineExpression(coef)
            rows[item] = m.add_row(
                "coherence",
                f"coherence_{len(rows)}",
                pulp.LpConstraint(expr, LE, rhs=0),
                f"{item} needs hardware of family {fam} relieved"
                + (f" ({', '.join(hw[:4])}{' ...' if len(hw) > 4 else ''})" if hw else " (none of it is eligible)"),
            )
    return rows


def define_nesting(m: PackageModel) -> Rows:
    """A sub-item (`2B001-rest`) is part of its parent entry: relieve one or the other, never both
    (the same trade would count twice)."""
    cands = set(m.candidates)
    rows: Rows = {}
    for item in m.candidates:
        parent = parent_of(item)
        if parent in cands:
            rows[item] = m.add_row(
                "nesting",
                f"nesting_{len(rows)}",
                pulp.LpConstraint(m.chosen([item, parent]), LE, rhs=1),
                f"{item} is part of {parent}: not both",
            )
    return rows


__all__ = [
    "REASONS",
    "define_ally_positions",
    "define_category_caps",
    "define_coherence",
    "define_exclusions",
    "define_forced",
    "define_max_items",
    "define_mode_choice",
    "define_nesting",
    "define_risk_budget",
    "define_target",
]
