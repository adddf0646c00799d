"""The largest concession value any package can reach under the scenario's other constraints.

It bounds the frontier, tells the analyst how far a target can go, and is the first half of an
infeasibility diagnosis. It is exact or labelled, never a solver's stopping point called the maximum:

- **closed form** when the package of every eligible item in its most valuable mode satisfies every
  row but the target (always so when nothing but the mode choice, forced items and coherence
  constrain the package; also whenever a budget or limit happens not to bind): no solver;
- otherwise a max-value solve at the scenario's gap, then (on models up to EXACT_MAX_BINARIES)
  one **to a proven bound** (relative gap `EXACT_GAP`, at most ACHIEVABLE_SECONDS): `low` is the
  value of the best package found, `high` the best bound proven; `proven` when they agree to a
  cent or 1e-6 of the figure (the resolution of the objective's tie-break; `high` is then `low`). Otherwise the figure is "at least low, at most high", and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulp

from optimizer.model.build import TIE, VALUE_UNIT, PackageModel, set_objective, set_target
from optimizer.model.rows import model_rows
from optimizer.model.solve import SolveOutcome, solve_model
from optimizer.vocabulary import Status

#: Families whose rows never stop every eligible item from entering at its most valuable mode.
_HARMLESS = frozenset({"mode_choice", "target", "forced", "coherence"})
#: Relative gap of the max-value solve: proven to the solvers' precision, not to the scenario's gap.
EXACT_GAP = 1e-9
#: The max-value solve's time limit (at most the scenario's): proving the last dollars of a knapsack
#: with a budget can take a minute at 20k binaries (measured 52 s) while the gap is ~1e-6 within
#: a second; after this the figure is reported as the range it lies in.
ACHIEVABLE_SECONDS = 5.0
#: The proving stage runs on models up to this size only: above it HiGHS was measured to overrun
#: its time limit severalfold on a tiny gap (20k binaries with a budget: 18 s for a 5 s limit).
EXACT_MAX_BINARIES = 5000
#: Two figures within this many US$ are the same figure.
CENT = 0.01
#: ... or within this share of the figure: the max-value objective's tie-break (least risk among
#: packages of equal value, `build.set_objective`) is worth less than 1e-6 of the smallest item's
#: value, so a solver's bound on the objective bounds the value only to that resolution.
PROVEN_REL = 1e-6


def same_figure(low: float, high: float) -> bool:
    """Whether a bound proves a figure (see CENT and PROVEN_REL)."""
    return high - low <= max(CENT, PROVEN_REL * abs(low))


@dataclass
class Achievable:
    """The largest achievable value: the best package found (`low_usd`) and a proven bound (`high_usd`)."""

    low_usd: float
    high_usd: float
    proven: bool
    method: str  # "closed form" or the solver's name
    choices: dict[str, str] = field(default_factory=dict)  # the package reaching low_usd
    status: str = Status.OPTIMAL

    def raise_low(self, value_usd: float | None, choices: dict[str, str] | None = None) -> None:
        """A package reaching `value_usd` exists: the figure is at least that (never contradicted)."""
        if value_usd is not None and value_usd > self.low_usd:
            self.low_usd = round(value_usd, 2)
            self.choices = dict(choices or {})
            self.high_usd = max(self.high_usd, self.low_usd)
            self.proven = same_figure(self.low_usd, self.high_usd)

    def note(self) -> str:
        """The figure in words: exact, or the range it is known to lie in."""
        if self.status == Status.TIME_LIMIT and not self.choices and self.low_usd == 0:
            return (
                f"not found within the time limit: at most US${self.high_usd:,.2f} (every eligible item in "
                "its most valuable mode)"
            )
        if self.proven:
            return f"exact ({self.method})"
        return (
            f"not proven within the time limit: at least US${self.low_usd:,.2f} (a package reaches it), "
            f"at most US${self.high_usd:,.2f} ({self.method}'s bound)"
        )


def max_achievable_on(m: PackageModel) -> float | None:
    """Largest value (US$) reachable under `m`'s constraints other than the target (the best package
    found when not proven: see `achievable_on`); None if no package is feasible (or, on a very large
    model, none was found within the time limit)."""
    a = achievable_on(m)
    return None if a is None else a.low_usd


def achievable_on(m: PackageModel, time_limit: float | None = None) -> Achievable | None:
    """The largest achievable value of `m` (see the module docstring); None when no package exists
    or none was found in time. `time_limit`: of the max-value solve (default: the scenario's; the
    proving stage gets at most ACHIEVABLE_SECONDS). Leaves the model's objective and target as they were; variable values
    are overwritten."""
    if time_limit is None:
        time_limit = m.scenario.time_limit_s
    best = best_modes(m)
    harmless = {f for f, rows in m.rows.items() if rows} <= _HARMLESS
    if best is not None and (harmless or satisfies(m, best)):
        value = sum(m.value[(i, md)] for i, md in best.items()) * VALUE_UNIT
        return Achievable(round(value, 2), round(value, 2), True, "closed form", top_package(m, best))
    before, row = m.objective, m.rows["target"]["target"]
    old_rhs = -row.constant
    found: list[tuple[float, dict[str, str], SolveOutcome]] = []
    out: SolveOutcome | None = None
    try:
        set_objective(m, "max-value")
        set_target(m, 0.0)
        stages = [(m.scenario.rel_gap, time_limit)]
        if len(m.x) <= EXACT_MAX_BINARIES:
            stages.append((EXACT_GAP, min(time_limit, ACHIEVABLE_SECONDS)))
        for gap, limit in stages:
            out = solve_model(m, rel_gap=gap, time_limit=limit)
            if not out.has_solution:
                break
            choices = {o[0]: o[1] for o, var in m.x.items() if (var.varValue or 0.0) > 0.5}
            value = round(sum(m.value[(i, md)] for i, md in choices.items()) * VALUE_UNIT, 2)
            found.append((value, choices, out))
            if same_figure(value, _high(m, out)):
                break
    finally:
        row.changeRHS(old_rhs)
        set_objective(m, before)
    if not found:
        if out is not None and out.status == Status.TIME_LIMIT:  # no verdict: bounded by every item at its best
            ub = sum(max((m.value[o] for o in m.options_of(i)), default=0.0) for i in m.candidates) * VALUE_UNIT
            return Achievable(0.0, round(ub, 2), False, out.solver, {}, Status.TIME_LIMIT)
        return None
    low, choices, out = max(found, key=lambda f: f[0])
    high = max(low, min(_high(m, f[2]) for f in found))
    proven = same_figure(low, high)
    return Achievable(low, low if proven else high, proven, out.solver, choices, out.status)


def _high(m: PackageModel, out: SolveOutcome) -> float:
    """Proven upper bound (US$) on the value from a max-value solve: objective = value - tie-break
    <= bound for every package, and the whole tie-break is below TIE x the smallest value
    (`build.set_objective`), so value <= bound + that. Infinite when the solver gave no bound."""
    if out.bound is None:
        return float("inf")
    smallest = min((v for v in m.value.values() if v > 0), default=0.0)
    return round((out.bound + TIE * smallest) * VALUE_UNIT, 2)


def best_modes(m: PackageModel) -> dict[str, str] | None:
    """Every eligible item in its most valuable mode (ties: the least risk), items a coherence row
    leaves without hardware left out; None when a forced item is among those (no closed form)."""
    blocked = set()
    for row in m.rows.get("coherence", {}).values():
        if all(coef > 0 for coef in row.values()):  # a D/E row with no hardware left to relieve
            blocked |= {m.var_option[v.name][0] for v in row}
    if blocked & set(m.scenario.forced):
        return None
    out: dict[str, str] = {}
    for item in m.candidates:
        opts = m.options_of(item)
        if item in blocked or not opts:
            continue
        best = max(opts, key=lambda o: (m.value[o], -(m.risk[o] + m.penalty.get(item, 0.0))))
        out[item] = best[1]
    return _nest(m, out)


def _nest(m: PackageModel, out: dict[str, str]) -> dict[str, str]:
    """Nesting (a sub-item and its parent, never both): per parent, keep the parent or its
    sub-items, whichever side is worth more (ties: less risk). Exact, since each nesting row pairs
    one sub-item with its parent and the sides do not interact otherwise."""
    if not m.rows.get("nesting"):
        return out
    return nest_choices(m, out)


def nest_choices(m: PackageModel, out: dict[str, str]) -> dict[str, str]:
    """`_nest`'s choice, for a model known to have nesting rows (the array model calls it too)."""
    from optimizer.model.build import parent_of

    subs: dict[str, list[str]] = {}
    for item in out:
        parent = parent_of(item)
        if parent in out:
            subs.setdefault(parent, []).append(item)
    forced = set(m.scenario.forced)
    for parent, kids in subs.items():

        def side(items: list[str]) -> tuple[float, float]:
            return (
                sum(m.value[(i, out[i])] for i in items),
                -sum(m.risk[(i, out[i])] + m.penalty.get(i, 0.0) for i in items),
            )

        keep_parent = side([parent]) >= side(kids)
        if parent in forced or (keep_parent and not forced & set(kids)):
            drop = kids
        else:
            drop = [parent]
        for i in drop:
            out.pop(i, None)
    return out


def satisfies(m: PackageModel, choices: dict[str, str], skip: tuple[str, ...] = ("target",)) -> bool:
    """Whether the package meets every row of `m` (but those named in `skip`), evaluated directly."""
    chosen = {m.x[(i, md)] for i, md in choices.items()}
    for name, row in model_rows(m.prob).items():
        if name in skip:
            continue
        act = sum(coef for var, coef in row.items() if var in chosen) + row.constant
        if row.sense == pulp.LpConstraintLE and act > 1e-9 * max(1.0, abs(row.constant)):
            return False
        if row.sense == pulp.LpConstraintGE and act < -1e-9 * max(1.0, abs(row.constant)):
            return False
        if row.sense == pulp.LpConstraintEQ and abs(act) > 1e-9 * max(1.0, abs(row.constant)):
            return False
    return True


def top_package(m: PackageModel, best: dict[str, str]) -> dict[str, str]:
    """The least-risk package reaching the closed-form maximum: the items with value in their most
    valuable mode (`best`), forced items, and for each family whose software/technology is in it but
    none of whose hardware is, that family's least-risk hardware (coherence)."""

    def risk(i: str, md: str) -> float:
        return m.risk[(i, md)] + m.penalty.get(i, 0.0)

    forced = set(m.scenario.forced)
    out = {i: md for i, md in best.items() if m.value[(i, md)] > 0 or i in forced}
    for row in m.rows.get("coherence", {}).values():
        items_in: list[str] = []
        hardware: list[str] = []
        for v, c in row.items():
            (items_in if c > 0 else hardware).append(m.var_option[v.name][0])
        if any(i in out for i in items_in) and not any(h in out for h in hardware):
            h = min((i for i in set(hardware) if i in best), key=lambda i: (risk(i, best[i]), i), default=None)
            if h is not None:
                out[h] = min((o[1] for o in m.options_of(h)), key=lambda md: risk(h, md))
    return out


__all__ = [
    "ACHIEVABLE_SECONDS",
    "Achievable",
    "CENT",
    "EXACT_GAP",
    "PROVEN_REL",
    "same_figure",
    "achievable_on",
    "best_modes",
    "max_achievable_on",
    "satisfies",
    "top_package",
]
