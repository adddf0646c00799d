"""The Package builder's form: from raw widget values to a checked `Scenario`, with messages per field.

A negotiator types a target in US$ billions, ECCN lists for locks, forced items and allies'
oppositions, and caps per CCL category. This module turns those values into the scenario dict that
`optimizer.model.Scenario.from_dict` checks, and maps every problem back to the field it concerns so
the page can show it next to that field (a negative target, an unknown ECCN with a suggestion)
instead of failing at Run.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from optimizer.data.schema import ALLIES
from optimizer.diversion.exposure import STRONG_SIGNAL
from optimizer.errors import DecontrolError
from optimizer.model.items import unknown_items as optimizer_unknown_items
from optimizer.model.scenario import DEFAULT_MIN_FA, OBJECTIVES, Scenario, normalise_item_id
from optimizer.validation import number_or_blank

BN = 1e9
CATEGORIES: tuple[str, ...] = tuple(str(i) for i in range(10))
ALLY_POLICIES: tuple[str, ...] = ("exclude", "penalty", "ignore")


@dataclass(frozen=True)
class FormValues:
    """The raw values of the form's widgets, as Dash hands them over (strings, numbers or None)."""

    partner: str | None = None
    year: Any = None
    target_bn: Any = None
    objective: str | None = "min-risk"
    min_fa: Any = DEFAULT_MIN_FA
    max_items: Any = None
    modes: list[str] | None = None
    risk_budget: Any = None
    caps: dict[str, Any] = field(default_factory=dict)  # category -> max items (None/'' = no cap)
    locks: str | None = ""
    forced: str | None = ""
    ally_oppose: dict[str, str] = field(default_factory=dict)  # ISO3 -> ECCNs the ally opposes
    ally_policy: str | None = "exclude"
    ally_penalty: Any = 0.5
    coherence: bool = True
    bis_alone: bool = False
    no_diversion: bool = False  # leave out items with strong diversion signals (max_diversion)


@dataclass(frozen=True)
class Checked:
    """A valid scenario and ally positions, or the problems per field (`ok` is False)."""

    scenario: Scenario | None
    positions: dict[str, tuple[str, ...]]  # ISO3 -> opposed item ids
    problems: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.scenario is not None and not self.problems


def parse_item_list(text: str | None) -> list[str]:
    """'2b991, 3A991 4a994;' -> ['2B991', '3A991', '4A994'] (commas, spaces or semicolons; no repeats)."""
    out: list[str] = []
    for part in re.split(r"[,;\s]+", text or ""):
        if part:
            item = normalise_item_id(part)
            if item not in out:
                out.append(item)
    return out


def unknown_items(ids: list[str], known: set[str]) -> list[str]:
    """Messages for ids not in the item table, each with the closest known id as a suggestion (the
    optimizer's own check, `optimizer.model.items.unknown_items`, so the CLI says the same)."""
    return [f"unknown ECCN {m}" for m in optimizer_unknown_items(ids, known)]


#: A float from a widget value; None for blank; NaN for text that is not a number.
_number = number_or_blank


def check_form(values: FormValues, items: pd.DataFrame) -> Checked:
    """Check the form against the item table; build the scenario when everything is valid."""
    problems: dict[str, str] = {}
    known = set(items["eccn"].astype(str))
    tiers = dict(zip(items["eccn"].astype(str), items["tier"].astype(str)))

    target = _number(values.target_bn)
    if target is None:
        problems["target"] = "Enter a target in US$ billions per year (e.g. 2.5)."
    elif math.isnan(target):
        problems["target"] = "The target must be a number of US$ billions (e.g. 2.5)."
    elif target < 0:
        problems["target"] = "The target cannot be negative: enter US$ billions per year, 0 or more."

    max_items = _number(values.max_items)
    if max_items is not None and (math.isnan(max_items) or max_items < 1 or max_items != int(max_items)):
        problems["max_items"] = "Max items must be a whole number of at least 1 (blank: no limit)."

    risk_budget = _number(values.risk_budget)
    if values.objective == "max-value":
        if risk_budget is None:
            problems["risk_budget"] = "Maximising value needs a risk budget (total risk points allowed)."
        elif math.isnan(risk_budget) or risk_budget < 0:
            problems["risk_budget"] = "The risk budget must be a number, 0 or more."
    elif risk_budget is not None and (math.isnan(risk_budget) or risk_budget < 0):
        problems["risk_budget"] = "The risk budget must be a number, 0 or more (blank: none)."

    caps: dict[str, dict[str, int]] = {}
    bad_caps = []
    for cat in CATEGORIES:
        v = _number(values.caps.get(cat))
        if v is None:
            continue
        if math.isnan(v) or v < 0 or v != int(v):
            bad_caps.append(cat)
        else:
            caps[cat] = {"max_items": int(v)}
    if bad_caps:
        problems["caps"] = f"Category cap(s) {', '.join(bad_caps)}: enter a whole number of items, 0 or more."

    locks, forced = parse_item_list(values.locks), parse_item_list(values.forced)
    for name, ids in (("locks", locks), ("forced", forced)):
        msgs = unknown_items(ids, known)
        if msgs:
            problems[name] = "; ".join(msgs) + "."
    found = [i for i in forced if tiers.get(i) == "foundational"]
    if found and "forced" not in problems:
        problems["forced"] = (
            f"{', '.join(found)} {'is' if len(found) == 1 else 'are'} foundational: never in a "
            "package (change the tier on the Control list if that is really meant)."
        )
    both = sorted(set(locks) & set(forced))
    if both and "forced" not in problems:
        problems["forced"] = f"{', '.join(both)} cannot be both locked and forced."

    positions: dict[str, tuple[str, ...]] = {}
    for iso in ALLIES:
        ids = parse_item_list(values.ally_oppose.get(iso))
        msgs = unknown_items(ids, known)
        if msgs:
            problems[f"ally_{iso}"] = "; ".join(msgs) + "."
        elif ids:
            positions[iso] = tuple(ids)
    policy = values.ally_policy if values.ally_policy in ALLY_POLICIES else "exclude"
    penalty = _number(values.ally_penalty)
    if policy == "penalty" and (penalty is None or math.isnan(penalty) or penalty < 0):
        problems["ally_penalty"] = "The penalty must be a number of risk points, 0 or more."

    modes = [m for m in (values.modes or []) if m]
    if not modes:
        problems["modes"] = "Choose at least one relief mode."

    if problems:
        return Checked(None, positions, problems)
    assert target is not None, "a missing target is a problem above"
    raw = {
        "target_usd": target * BN,
        "objective": values.objective if values.objective in OBJECTIVES else "min-risk",
        "min_fa": _min_fa(values.min_fa),
        "max_items": int(max_items) if max_items else None,
        "modes": modes,
        "locks": locks,
        "forced": forced,
        "category_caps": caps,
        "risk_budget": risk_budget,
        "allies": sorted(positions) if policy != "ignore" else [],
        "allow_opposed": policy == "penalty",
        "ally_penalty": float(penalty or 0.0) if policy == "penalty" else 0.0,
        "coherence": bool(values.coherence),
        "bis_alone": bool(values.bis_alone),
        "partner": values.partner,
        "max_diversion": STRONG_SIGNAL if values.no_diversion else None,
        "year": int(values.year) if _number(values.year) else None,
    }
    try:
        scenario = Scenario.from_dict(raw)
    except DecontrolError as exc:  # anything the form did not anticipate, shown as a general problem
        return Checked(None, positions, {"general": exc.render()})
    return Checked(scenario, positions, {})


def _min_fa(value: Any) -> float:
    """The slider's value; the documented default when the widget sends none (never a silent 0)."""
    number = _number(value)
    return DEFAULT_MIN_FA if number is None else float(number)


def with_ally_positions(items: pd.DataFrame, positions: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """A copy of the item table with an `ally_<ISO3>` column per ally: 'oppose' for the listed items,
    'neutral' elsewhere (the optimizer's documented ally-position columns)."""
    out = items.copy()
    for iso, opposed in positions.items():
        out[f"ally_{iso}"] = out["eccn"].isin(set(opposed)).map({True: "oppose", False: "neutral"})
    return out


def form_values(
    partner: Any,
    year: Any,
    target_bn: Any,
    objective: Any,
    min_fa: Any,
    max_items: Any,
    modes: Any,
    risk_budget: Any,
    caps: list[Any] | None,
    locks: Any,
    forced: Any,
    ally_oppose: list[Any] | None,
    ally_policy: Any,
    ally_penalty: Any,
    coherence: Any,
    bis_alone: Any = False,
    no_diversion: Any = False,
) -> FormValues:
    """FormValues from the widgets in the order the callbacks list them (caps in category order 0-9,
    allies' oppositions in `ALLIES` order, as the layout creates them)."""
    return FormValues(
        partner=partner,
        year=year,
        target_bn=target_bn,
        objective=objective,
        min_fa=min_fa,
        max_items=max_items,
        modes=list(modes or []),
        risk_budget=risk_budget,
        caps=dict(zip(CATEGORIES, caps or [])),
        locks=locks,
        forced=forced,
        ally_oppose={iso: v for iso, v in zip(ALLIES, ally_oppose or []) if v},
        ally_policy=ally_policy,
        ally_penalty=ally_penalty,
        coherence=bool(coherence),
        bis_alone=bool(bis_alone),
        no_diversion=bool(no_diversion),
    )
