"""Read a solved model into a `PackageResult`: lines with why each was chosen, a reason for every item
left out, totals, binding constraints, the solver's status and gap.

A result never claims more than the solver established: `status` is the true status from
`solve.py`, `gap` how far from proven optimal the package may be, and the marginal risk is labelled
an approximation (it comes from the LP relaxation, see `duals.py`).

"Binding" is read from the package itself, without further solves:
- for min-risk / min-items, the target binds when no chosen item could be dropped without missing
  it; a `<=` row (max items, risk budget, category cap) binds when it is tight;
- for max-value, a `<=` row binds when no item left out would still fit in it; the target binds
  when it is tight.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

import pandas as pd
import pulp

from optimizer.jsonsafe import json_safe
from optimizer.licensing.instruments import read_instruments
from optimizer.model.build import VALUE_UNIT, Option, PackageModel
from optimizer.model.rows import model_rows
from optimizer.model.solve import SolveOutcome
from optimizer.vocabulary import FOUND, Reason

#: Relative tolerance below which a row counts as tight.
TIGHT = 1e-6


@dataclass
class PackageLine:
    """One relieved item."""

    eccn: str
    mode: str
    value_usd: float | None  # value this relief unlocks (mode share applied); None if unknown
    risk: float  # security risk carried (mode share applied)
    fa_score: float
    ally_penalty: float = 0.0
    heading: str = ""
    tier: str = ""
    category: str = ""
    group: str = ""
    family: str = ""
    why: str = ""
    instrument: str = ""  # what the relief is, with its CFR section (from the item table)
    licence_required: str = ""  # all / some / end_use_only (the partner's licence requirement)
    binding_reasons: str = ""
    licence_basis: str = ""
    decided_by: str = ""


@dataclass
class ExcludedItem:
    """An item left out and why (reason: a `vocabulary.Reason`; read back by `from_dict`, the member
    of its stored code)."""

    eccn: str
    reason: str
    detail: str = ""


@dataclass
class BindingConstraint:
    name: str
    family: str
    detail: str
    slack: float  # room left, in the row's own unit (US$ for value rows)


@dataclass
class PackageResult:
    """A package (or the reasons there is none). `to_dict()` is the JSON the CLI prints."""

    status: str
    objective: str
    target_usd: float
    achieved_usd: float | None
    risk: float | None
    ally_penalty: float | None
    objective_value: float | None
    max_achievable_usd: float | None  # the best package found under the other constraints
    items: list[PackageLine] = field(default_factory=list)
    excluded: list[ExcludedItem] = field(default_factory=list)
    binding_constraints: list[BindingConstraint] = field(default_factory=list)
    marginal_risk_per_bn: float | None = None
    marginal_risk_note: str = (
        "approximation: extra risk per extra US$1bn of target, from the duals of the "
        "LP relaxation (a package can only change item by item)"
    )
    solver: str = ""
    gap: float | None = None
    rel_gap: float = 0.0
    time_limit_s: float = 0.0
    solve_seconds: float = 0.0  # the package's solver run
    total_seconds: float = 0.0  # the whole pipeline (build, solves, duals, reading)
    synthetic: bool = False
    source: str = ""  # where the item table's trade figures come from
    partner: str | None = None
    year: int | None = None
    warnings: list[str] = field(default_factory=list)
    diagnosis: dict[str, Any] | None = None
    scenario: dict[str, Any] = field(default_factory=dict)
    max_achievable_bound_usd: float | None = None  # proven upper bound (equal to the above when proven)
    max_achievable_proven: bool | None = None  # None: no figure
    max_achievable_note: str = ""  # "exact (...)" or the range it lies in

    @property
    def found(self) -> bool:
        return self.status in FOUND

    @property
    def n_items(self) -> int:
        return len(self.items)

    def item_ids(self) -> list[str]:
        return [l.eccn for l in self.items]

    def choices(self) -> dict[str, str]:
        """{item: mode} of the package."""
        return {l.eccn: l.mode for l in self.items}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN -> None). Built field by field: `asdict` deep-copies and is slow on the
        tens of thousands of exclusions of a large table."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "excluded"}
        d["items"] = [vars(l).copy() for l in self.items]
        d["binding_constraints"] = [vars(b).copy() for b in self.binding_constraints]
        d["warnings"] = list(self.warnings)
        d["n_items"] = self.n_items
        d = json_safe(d)
        d["excluded"] = [vars(e).copy() for e in self.excluded]  # text only: nothing to clean
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PackageResult:
        """The result `to_dict()` wrote (a stored scenario, a dashboard store, the CLI's JSON), typed
        again: `from_dict(r.to_dict()).to_dict() == r.to_dict()`. Keys it does not know (a caller's
        additions, the derived `n_items`) are ignored; missing ones take their defaults (figures None,
        status ''), so `from_dict({})` is the empty result of a scenario saved before a run."""
        known = {f.name for f in fields(cls)}
        kw: dict[str, Any] = dict.fromkeys(_REQUIRED)  # a record saved before a run has none of them
        kw.update({"status": "", "objective": "", "target_usd": 0.0})
        kw.update({k: v for k, v in d.items() if k in known and k not in _NESTED})
        kw["items"] = [_typed(PackageLine, x) for x in d.get("items") or []]
        kw["excluded"] = [_typed(ExcludedItem, x) for x in d.get("excluded") or []]
        for e in kw["excluded"]:
            e.reason = _REASON_OF.get(e.reason, e.reason)  # a code this version does not know stays text
        kw["binding_constraints"] = [_typed(BindingConstraint, x) for x in d.get("binding_constraints") or []]
        kw["warnings"] = list(d.get("warnings") or [])
        return cls(**kw)


_NESTED = frozenset({"items", "excluded", "binding_constraints", "warnings"})
_REASON_OF: dict[Any, Reason] = {r.value: r for r in Reason}
_REQUIRED = ("achieved_usd", "risk", "ally_penalty", "objective_value", "max_achievable_usd")


def _typed(kind: type[Any], row: Mapping[str, Any]) -> Any:
    """A `PackageLine`, `ExcludedItem` or `BindingConstraint` from its dict (unknown keys ignored; a
    field without a default that the dict lacks, e.g. `risk` in an ally's cut, reads None)."""
    own = fields(kind)
    kw = {f.name: None for f in own if f.default is MISSING and f.default_factory is MISSING}
    kw.update({k: v for k, v in row.items() if k in {f.name for f in own}})
    return kind(**kw)


def read_choices(m: PackageModel) -> dict[str, str]:
    """{item: mode} from the variables' current values (call right after a successful solve)."""
    out: dict[str, str] = {}
    for (item, mode), var in m.x.items():
        v = var.varValue
        if v is not None and v > 0.5:
            out[item] = mode
    return out


def package_result(
    m: PackageModel,
    outcome: SolveOutcome,
    choices: dict[str, str],
    *,
    target_usd: float | None = None,
    max_achievable_usd: float | None = None,
    marginal_risk_per_bn: float | None = None,
) -> PackageResult:
    """Assemble the result for `choices` (from `read_choices`) found by `outcome` on `m`."""
    sc, t = m.scenario, m.items
    target = sc.target_usd if target_usd is None else target_usd
    res = PackageResult(
        status=outcome.status,
        objective=m.objective,
        target_usd=target,
        achieved_usd=None,
        risk=None,
        ally_penalty=None,
        objective_value=outcome.objective,
        max_achievable_usd=max_achievable_usd,
        solver=outcome.solver,
        gap=outcome.gap,
        rel_gap=sc.rel_gap,
        time_limit_s=sc.time_limit_s,
        solve_seconds=outcome.seconds,
        synthetic=bool(t["synthetic"].any()) if "synthetic" in t else False,
        source=table_source(t),
        partner=sc.partner or _single(t, "partner"),
        year=sc.year or _single_int(t, "year"),
        warnings=list(m.warnings),
        scenario=sc.to_dict(),
    )
    if outcome.note:
        res.warnings.append(outcome.note)
    if not outcome.has_solution:
        res.excluded = _excluded(m, {})
        return res
    res.items = _lines(m, choices)
    res.achieved_usd = _round_usd(sum(l.value_usd or 0.0 for l in res.items))
    res.risk = float(sum(l.risk for l in res.items))
    res.ally_penalty = float(sum(l.ally_penalty for l in res.items))
    res.objective_value = {
        "min-risk": res.risk + res.ally_penalty,
        "max-value": res.achieved_usd,
        "min-items": float(len(res.items)),
    }.get(m.objective, outcome.objective)
    if res.achieved_usd + 0.01 < target:
        res.warnings.append(
            f"the package falls short of the target by US${target - res.achieved_usd:,.2f} (solver tolerance)"
        )
    res.excluded = _excluded(m, choices)
    res.binding_constraints = binding_constraints(m, choices)
    res.marginal_risk_per_bn = marginal_risk_per_bn
    if m.objective == "max-value" and sc.risk_budget is None:
        res.warnings.append("max-value without a risk budget relieves every eligible item the other constraints allow")
    return res


def table_source(table: pd.DataFrame) -> str:
    """The distinct `source` cells of an item table ('' when it has none), for provenance."""
    if "source" not in table:
        return ""
    return "; ".join(dict.fromkeys(s for s in table["source"].astype(str) if s and s != "nan"))


# ---------------------------------------------------------------------- lines
def _lines(m: PackageModel, choices: dict[str, str]) -> list[PackageLine]:
    sc = m.scenario
    first = {i: m.options_of(i)[0] for i in m.candidates if m.options_of(i)}
    ratio = {i: (m.value[o] / m.risk[o]) if m.risk[o] > 0 else math.inf for i, o in first.items()}
    ranked = sorted(first, key=lambda i: (-ratio[i], i))
    rank = {i: k + 1 for k, i in enumerate(ranked)}
    group, family, value_usd = m.attr("group"), m.attr("family"), m.attr("value_usd")
    chosen_hw_for: dict[str, list[str]] = {}
    for item in choices:
        if group[item] in ("D", "E"):
            chosen_hw_for.setdefault(family[item], []).append(item)
    order = {i: k for k, i in enumerate(m.ids)}
    lines = []
    for item in sorted(choices, key=order.__getitem__):
        mode = choices[item]
        o: Option = (item, mode)
        raw_value = value_usd[item]
        unknown = raw_value is None or (isinstance(raw_value, float) and math.isnan(raw_value))
        p = sc.params(mode)
        why = []
        if item in sc.forced:
            why.append("forced by the analyst")
        elif not unknown:
            why.append(f"value/risk rank {rank[item]} of {len(ranked)} eligible items")
        if p.value_share != 1.0 or p.risk_share != 1.0:
            why.append(f"{mode}: {p.value_share:.0%} of the value for {p.risk_share:.0%} of the risk")
        if group[item] in ("A", "B", "C") and chosen_hw_for.get(family[item]):
            why.append("hardware that allows relief of " + ", ".join(chosen_hw_for[family[item]]))
        if item in m.opposed and m.penalty.get(item):
            why.append(f"opposed by {', '.join(m.opposed[item])} (penalty {m.penalty[item]:g})")
        lines.append(
            PackageLine(
                eccn=item,
                mode=mode,
                value_usd=None if unknown else _round_usd(m.value[o] * VALUE_UNIT),
                risk=m.risk[o],
                fa_score=float(m.attr("fa_score")[item]),
                ally_penalty=m.penalty.get(item, 0.0),
                heading=str(m.attr("heading")[item]),
                tier=str(m.attr("tier")[item]),
                category=str(m.attr("category")[item]),
                group=str(group[item]),
                family=str(family[item]),
                why="; ".join(why),
                instrument=read_instruments(m.attr("instrument_detail")[item]).get(mode, ""),
                licence_required=str(m.attr("licence_required")[item]),
                binding_reasons=str(m.attr("binding_reasons")[item]),
                licence_basis=str(m.attr("licence_basis")[item]),
                decided_by=str(m.attr("decided_by")[item]),
            )
        )
    return lines


# ---------------------------------------------------------------------- excluded
def _excluded(m: PackageModel, choices: dict[str, str]) -> list[ExcludedItem]:
    out = [ExcludedItem(i, r, d) for i, (r, d) in m.excluded.items()]
    cands = set(m.candidates)
    hw_ok: dict[str, bool] = {}
    hw_any: set[str] = set()
    family, group = m.attr("family"), m.attr("group")
    for item in m.ids:
        fam = family[item]
        if group[item] in ("A", "B", "C"):
            hw_any.add(fam)
            hw_ok[fam] = hw_ok.get(fam, False) or item in cands
    coherent = m.scenario.coherence and "coherence" not in m.relaxed
    for item in m.candidates:
        if item in choices:
            continue
        fam = family[item]
        if coherent and group[item] in ("D", "E") and fam in hw_any and not hw_ok.get(fam):
            out.append(ExcludedItem(item, Reason.COHERENCE, f"no hardware entry of family {fam} can be relieved"))
        elif m.objective == "max-value":
            out.append(ExcludedItem(item, Reason.NOT_NEEDED, "does not fit within the risk budget and other limits"))
        else:
            out.append(ExcludedItem(item, Reason.NOT_NEEDED, "the target is met at lower cost without it"))
    order = {i: k for k, i in enumerate(m.ids)}
    return sorted(out, key=lambda e: order.get(e.eccn, 0))


#: Reasons an item is out of an infeasible scenario's package (see `infeasible_reasons`), by row family.
BLOCKING_REASONS: dict[str, Reason] = {
    "risk_budget": Reason.RISK_BUDGET,
    "max_items": Reason.MAX_ITEMS,
    "category_caps": Reason.CATEGORY_CAPS,
    "nesting": Reason.NESTING,
    "coherence": Reason.COHERENCE,
    "ally_positions": Reason.ALLY_POSITIONS,
    "forced": Reason.FORCED,
    "mode_choice": Reason.MODE_CHOICE,
}


def infeasible_reasons(
    m: PackageModel, best: dict[str, str] | None, best_usd: float | None, target_usd: float
) -> list[ExcludedItem]:
    """Why each item is out when no package meets the target: the binding reason per item.

    `best` is the largest-achievable package (max value under every rule but the target). An item
    in it is there, and the target is still out of reach (`short_of_target`); an item outside it is
    kept out by the rows that adding it (in any of its modes) would break - the risk budget, the
    item or category limits, nesting with its parent, coherence, an ally's position - named with
    the figures. `best` None: no package satisfies the rules at all (`no_package`).
    """
    out = [ExcludedItem(i, r, d) for i, (r, d) in m.excluded.items()]
    if best is None:
        out += [
            ExcludedItem(
                i, Reason.NO_PACKAGE, "no package satisfies the constraints, whatever the target (see the diagnosis)"
            )
            for i in m.candidates
        ]
        return _in_table_order(m, out)
    family_of = {name: fam for fam, rows in m.rows.items() for name in rows}
    chosen = {m.x[(i, md)] for i, md in best.items() if (i, md) in m.x}
    activity: dict[str, float] = {}
    member: dict[str, list[tuple[str, float]]] = {}
    rows_by_name = model_rows(m.prob)
    for name, row in rows_by_name.items():
        if family_of.get(name, "target") == "target" or row.sense == pulp.LpConstraintGE:
            continue
        act = row.constant
        for var, coef in row.items():
            if var in chosen:
                act += coef
            member.setdefault(var.name, []).append((name, coef))
        activity[name] = act
    short = target_usd - (best_usd or 0.0)
    for item in m.candidates:
        if item in best:
            out.append(
                ExcludedItem(
                    item,
                    Reason.SHORT_OF_TARGET,
                    f"in the largest achievable package (US${best_usd:,.2f} under the other "
                    f"constraints), which is still US${short:,.2f} short of the target",
                )
            )
            continue
        broken: list[list[str]] = []
        for o in m.options_of(item):
            rows = [
                name
                for name, coef in member.get(m.x[o].name, [])
                if activity[name] + coef > 1e-9 * max(1.0, abs(rows_by_name[name].constant))
            ]
            broken.append(rows)
        rows = min(broken, key=len) if broken else []
        if not rows:
            value = max((m.value[o] for o in m.options_of(item)), default=0.0)
            # not "not needed": no package meets the target, so every item of value would be needed
            if value <= 0:
                out.append(ExcludedItem(item, Reason.NO_VALUE, "adds no concession value"))
            else:
                out.append(
                    ExcludedItem(
                        item,
                        Reason.NOT_IN_BEST,
                        "not in the best package found (the largest achievable is not proven optimal)",
                    )
                )
            continue
        name = rows[0]
        fam = family_of.get(name, name)
        note = m.notes.get(name, name)
        row = rows_by_name[name]
        if fam in ("risk_budget", "max_items") or name.startswith("cap_items"):
            used = activity[name] - row.constant
            detail = f"{note}: the largest achievable package already uses {used:g} of {-row.constant:g}"
        else:
            detail = note
        out.append(ExcludedItem(item, BLOCKING_REASONS.get(fam, fam), f"adding it would break the rule: {detail}"))
    return _in_table_order(m, out)


def _in_table_order(m: PackageModel, out: list[ExcludedItem]) -> list[ExcludedItem]:
    order = {i: k for k, i in enumerate(m.ids)}
    return sorted(out, key=lambda e: order.get(e.eccn, 0))


# ---------------------------------------------------------------------- binding
def binding_constraints(m: PackageModel, choices: dict[str, str]) -> list[BindingConstraint]:
    """The aggregate rows that hold the package where it is (see the module docstring). Forced items
    and allies' fixings always hold; the lines' `why` says so instead."""
    chosen = {(i, md) for i, md in choices.items()}
    maximise = m.objective == "max-value"
    out: list[BindingConstraint] = []
    for family in ("target", "max_items", "risk_budget", "category_caps"):
        for name, row in m.rows.get(family, {}).items():
            act = sum(coef * (1.0 if _opt_of(m, var) in chosen else 0.0) for var, coef in row.items())
            rhs = -row.constant
            slack = act - rhs if row.sense == pulp.LpConstraintGE else rhs - act
            if family == "target" and rhs <= 0:
                continue
            counts = family == "max_items" or name.startswith("cap_items")
            tight = slack < 0.5 if counts else abs(slack) <= TIGHT * max(1.0, abs(rhs))
            if row.sense == pulp.LpConstraintGE:
                if maximise:
                    binds = tight
                else:
                    coefs = [
                        coef
                        for var, coef in row.items()
                        if _opt_of(m, var) in chosen and coef > 0 and _opt_of(m, var)[0] not in m.scenario.forced
                    ]
                    binds = tight or (bool(coefs) and slack < min(coefs))
            else:
                if maximise:
                    coefs = [coef for var, coef in row.items() if coef > 0 and _opt_of(m, var)[0] not in choices]
                    binds = tight or (bool(coefs) and slack < min(coefs))
                else:
                    binds = tight
            if binds:
                unit = VALUE_UNIT if family == "target" or name.startswith("cap_share") else 1.0
                out.append(BindingConstraint(name, family, m.notes.get(name, name), _round(slack * unit)))
    return out


def _opt_of(m: PackageModel, var: pulp.LpVariable) -> Option:
    return m.var_option[var.name]


# ---------------------------------------------------------------------- helpers
def _single(t: pd.DataFrame, col: str) -> str | None:
    if col not in t:
        return None
    vals = {str(v) for v in t[col] if str(v)}
    return vals.pop() if len(vals) == 1 else None


def _single_int(t: pd.DataFrame, col: str) -> int | None:
    v = _single(t, col)
    try:
        return int(float(v)) if v is not None else None
    except ValueError:
        return None


def _round_usd(x: float) -> float:
    return round(float(x), 2)


def _round(x: float) -> float:
    return float(f"{x:.6g}")


__all__ = [
    "BLOCKING_REASONS",
    "BindingConstraint",
    "ExcludedItem",
    "infeasible_reasons",
    "PackageLine",
    "PackageResult",
    "binding_constraints",
    "package_result",
    "read_choices",
]
