"""The package pipeline on the array model (`arrays.py`): solve, largest achievable, marginal risk,
binding rows - the same steps and rules as `package.solve_built` on a PuLP model.

`package.solve_package` takes this path for large tables (`use_array_path`). Each step mirrors its
PuLP twin and says which:

- the package: one HiGHS solve of the arrays (status, bound and gap from HiGHS). A verdict of
  *infeasible* is not reported from here: `solve_arrays_package` returns None and the caller runs
  the PuLP path, which confirms it on a second solver and diagnoses it (proof discipline,
  `solve.py`);
- the largest achievable (`achievable.achievable_on`): the closed form (every eligible item in its
  most valuable mode, coherence and nesting resolved) when that package satisfies every row but
  the target, evaluated on the arrays; otherwise max-value solves of the same arrays, reported as
  a range when not proven;
- the marginal risk (`duals.marginal_risk_per_bn`): the target row's dual in the LP relaxation;
- binding rows (`results.binding_constraints`), read from the package.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.model import arrays
from optimizer.model.achievable import (
    _HARMLESS,
    ACHIEVABLE_SECONDS,
    EXACT_GAP,
    EXACT_MAX_BINARIES,
    Achievable,
    nest_choices,
    same_figure,
)
from optimizer.model.arrays import (
    INF,
    ArrayModel,
    FloatArray,
    build_arrays,
    chosen_columns,
    label,
    load_arrays,
    run_arrays,
    set_array_objective,
    set_array_target,
    solve_arrays,
)
from optimizer.model.build import TIE, VALUE_UNIT
from optimizer.model.duals import USD_PER_BN
from optimizer.model.results import TIGHT, BindingConstraint, PackageResult, _round, package_result
from optimizer.model.scenario import Scenario
from optimizer.model.solve import SolveOutcome
from optimizer.vocabulary import Status


def use_array_path(table: pd.DataFrame, scenario: Scenario) -> bool:
    """Whether a package for `scenario` may go to the array path: the solver is `auto` or `highs`,
    HiGHS is installed, and the table could give `arrays.ARRAY_MIN_BINARIES` binaries (the model
    decides after its screens: `solve_package`)."""
    from optimizer.model import highs

    enough = len(table) * len(scenario.modes) >= arrays.ARRAY_MIN_BINARIES
    return scenario.solver in ("auto", "highs") and enough and highs.available()


def solve_arrays_package(am: ArrayModel, *, with_marginal: bool = True) -> PackageResult | None:
    """`package.solve_built` on the array model; None when HiGHS calls the model infeasible (the
    caller confirms that on the PuLP path)."""
    sc = am.base.scenario
    solved = package_solve(am)
    if solved is None:
        return None
    outcome, x, pi = solved
    choices = am.options(chosen_columns(am, x)) if x is not None else {}
    ach = array_achievable(am)
    if ach is not None and outcome.has_solution:
        ach.raise_low(sum(am.base.value[(i, md)] for i, md in choices.items()) * VALUE_UNIT, choices)
    best = None if ach is None else ach.low_usd
    marginal = None
    if with_marginal and outcome.has_solution:
        marginal = (
            max(0.0, pi) * USD_PER_BN / VALUE_UNIT if pi is not None else array_marginal_risk_per_bn(am, sc.target_usd)
        )
    res = package_result(am.base, outcome, choices, max_achievable_usd=best, marginal_risk_per_bn=marginal)
    if outcome.has_solution:
        res.binding_constraints = array_binding_constraints(am, choices)
    from optimizer.model.package import label_achievable

    label_achievable(res, ach)
    return res


def package_solve(am: ArrayModel) -> tuple[SolveOutcome, FloatArray | None, float | None] | None:
    """The package on the arrays: (outcome, column values, the LP relaxation's target dual when
    it was solved with the marginal's objective); None when HiGHS calls the model infeasible.
    See `ArraySweep.solve`."""
    sc = am.base.scenario
    return ArraySweep(am, time_limit=sc.time_limit_s, rel_gap=sc.rel_gap).solve()


#: Nodes the knapsack branch and bound may take on a point the rounded package does not prove
#: (`ArraySweep._knapsack`) before HiGHS's MIP runs.
ARRAY_NODE_BUDGET = 8


class ArraySweep:
    """Solves of one array model at any number of targets: the LP relaxation is handed to HiGHS
    once and kept, and a new target only moves the target row's bound, so each LP re-solve starts
    from the previous basis (dual simplex, warm); a MIP, when one is needed, is a fresh instance."""

    def __init__(self, am: ArrayModel, *, time_limit: float, rel_gap: float, knapsack_first: bool = False) -> None:
        self.am, self.time_limit, self.rel_gap = am, time_limit, rel_gap
        #: a sweep wants no LP dual: the knapsack solver (`mckp.py`) runs before any LP
        self.knapsack_first = knapsack_first
        self.row = am.row_range("target").start
        self._lp: Any = None
        self._mckp: Any = None

    def _target(self, h: Any) -> None:
        import highspy

        h.changeRowBounds(self.row, float(self.am.stacked()[3][self.row]), highspy.kHighsInf)

    def solve(self, target_usd: float | None = None) -> tuple[SolveOutcome, FloatArray | None, float | None] | None:
        """The package at `target_usd` (default: the model's target); None when HiGHS calls it
        infeasible.

        For min-risk and min-items with a relative gap above zero, the LP relaxation comes first:
        if a package rounded from it (`round_relaxation`) is within the gap of the LP's optimum -
        a proven lower bound on every package - it is reported `optimal` with that bound and gap,
        without a branch and bound (at 100k binaries that is a tenth of the MIP's time).
        Otherwise, and for max-value, HiGHS's MIP runs, starting from the rounded package when
        there is one. The third value is the LP's target dual when the LP has the marginal's
        objective (min-risk, `duals.py`).
        """
        am = self.am
        if target_usd is not None:
            set_array_target(am, target_usd)
        if self.knapsack_first and am.objective == "min-risk" and self.rel_gap > 0:
            got = self._knapsack(None)
            if got is not None:
                return got[0], got[1], None
        start: FloatArray | None = None
        pi: float | None = None
        lp_bound: float | None = None
        lp_seconds = 0.0
        if am.objective in ("min-risk", "min-items") and self.rel_gap > 0:
            if self._lp is None:
                self._lp = load_arrays(am, time_limit=self.time_limit, rel_gap=self.rel_gap, relaxation=True)
            else:
                self._target(self._lp)
            lp = run_arrays(self._lp, am, relaxation=True, time_limit=self.time_limit)
            lp_seconds = lp.outcome.seconds
            if lp.outcome.status == Status.INFEASIBLE:
                return None
            if lp.x is not None and lp.outcome.objective is not None:
                if am.objective == "min-risk" and lp.duals is not None:
                    pi = float(lp.duals[self.row])
                t0 = time.perf_counter()
                start = round_relaxation(am, lp.x)
                lp_seconds += time.perf_counter() - t0
                lp_bound = lp.outcome.objective
                if start is not None:
                    obj, bound = float(am.cost @ start), lp.outcome.objective
                    gap = max(0.0, obj - bound) / max(abs(obj), 1e-9)
                    if gap <= self.rel_gap:
                        return (
                            SolveOutcome(
                                Status.OPTIMAL,
                                f"{label()[:-1]}; LP bound, package rounded from it)",
                                obj,
                                bound,
                                gap,
                                lp_seconds,
                            ),
                            start,
                            pi,
                        )
        if lp_bound is not None and am.objective == "min-risk":
            got = self._knapsack(start)
            if got is not None:
                return got[0], got[1], pi
        # a fresh instance per MIP: HiGHS 1.16 re-running a MIP after a bound change can return the
        # previous package as optimal (sweep.HighsSweep.run), and passing the arrays costs little
        mip = solve_arrays(am, time_limit=self.time_limit, rel_gap=self.rel_gap, start=start)
        if mip.outcome.status == Status.INFEASIBLE:
            return None
        out = replace(mip.outcome, seconds=mip.outcome.seconds + lp_seconds)
        if lp_bound is not None and out.has_solution and out.objective is not None:
            out = _with_lp_bound(out, lp_bound, self.rel_gap)
        return out, mip.x, pi

    def _knapsack(self, start: FloatArray | None) -> tuple[SolveOutcome, FloatArray] | None:
        """The knapsack branch and bound (`mckp.py`) before the MIP, for a model it can read: the
        rounded package as its start, `ARRAY_NODE_BUDGET` nodes; its package when it proves it
        within the gap, else None (the MIP runs)."""
        from optimizer.model import mckp

        if self._mckp is None:
            self._mckp = mckp.Mckp.from_arrays(self.am) or False
        if self._mckp is False:
            return None
        problem = self._mckp
        target = float(self.am.stacked()[3][self.row])
        first = None if start is None else problem.from_columns(start)
        ans = problem.solve(target, self.rel_gap, self.time_limit, max_nodes=ARRAY_NODE_BUDGET, start=first)
        if ans.status != Status.OPTIMAL or ans.choice is None:
            return None
        label = ans.solver if start is None else f"{ans.solver}, from the LP's rounded package"
        return SolveOutcome(Status.OPTIMAL, label, ans.objective, ans.bound, ans.gap, ans.seconds), problem.to_columns(
            ans.choice
        )


def _with_lp_bound(out: SolveOutcome, lp_bound: float, rel_gap: float) -> SolveOutcome:
    """A minimising MIP's outcome with the LP relaxation's bound where that is the better one (a MIP
    stopped by its time limit before its root LP can report a bound of 0, a gap of 100%): the gap
    from the better bound, and `optimal` when that gap is within `rel_gap`."""
    assert out.objective is not None
    if out.bound is not None and out.bound >= lp_bound:
        return out
    gap = max(0.0, out.objective - lp_bound) / max(abs(out.objective), 1e-9)
    if out.gap is not None:
        gap = min(gap, out.gap)
    status = Status.OPTIMAL if out.status == Status.OPTIMAL or gap <= rel_gap else out.status
    return replace(out, bound=lp_bound, gap=gap, status=status)


def array_sweep_points(am: ArrayModel, targets: list[float], order: list[int], per_point: float) -> dict[int, Any]:
    """The frontier's points `order` (indices into `targets`) on one `ArraySweep`, in that order
    (the frontier passes them bottom up: each LP starts from its lower neighbour's basis, measured
    at about 0.1-0.2 s a point at 100k binaries, where a re-solve top down took 1-8 s, slower
    than a cold solve); `FrontierPoint`s as
    `frontier._run_chain` makes them. A point HiGHS calls infeasible lies below the largest
    achievable package's value, so that verdict cannot stand and is no verdict here (`time_limit`):
    `frontier.carry` gives the point a package found elsewhere on the sweep."""
    from optimizer.model.frontier import _point

    engine = ArraySweep(am, time_limit=per_point, rel_gap=am.base.scenario.rel_gap, knapsack_first=True)
    free = np.flatnonzero((am.risk == 0) & (am.value > 0))
    free = free[np.lexsort((free, -am.value[free]))]
    out: dict[int, Any] = {}
    for k in order:
        got = engine.solve(targets[k])
        if got is None:
            outcome = SolveOutcome(
                Status.TIME_LIMIT,
                label(),
                None,
                None,
                None,
                0.0,
                "HiGHS called a target below the largest achievable infeasible: no verdict",
            )
            choices: dict[str, str] = {}
        else:
            outcome, x, _ = got
            choices = am.options(chosen_columns(am, x)) if x is not None and outcome.has_solution else {}
        if outcome.has_solution and len(free):
            choices = array_polish(am, choices, free)
        out[k] = _point(am.base, targets[k], outcome, choices)
    return out


def array_polish(am: ArrayModel, choices: dict[str, str], free: npt.NDArray[np.int64]) -> dict[str, str]:
    """`frontier.polish` on the arrays: add or upgrade to risk-free columns (`free`, most valuable
    first) while every row still holds."""
    out = dict(choices)
    value = am.base.value
    for item, mode in _option_list(am, free):
        have = out.get(item)
        if have == mode or (have is not None and value[(item, have)] >= value[(item, mode)]):
            continue
        trial = out | {item: mode}
        if array_satisfies(am, trial):
            out = trial
    return out


def _option_list(am: ArrayModel, cols: npt.NDArray[np.int64]) -> list[tuple[str, str]]:
    cands = am.base.candidates
    return [(cands[int(am.col_item[c])], am.col_mode[int(c)]) for c in cols.tolist()]


# ---------------------------------------------------------------------- largest achievable
def array_best_modes(am: ArrayModel) -> dict[str, str] | None:
    """`achievable.best_modes` on the arrays: every eligible item in its most valuable mode (ties:
    the least risk, then the first mode), items without hardware for coherence left out, nesting
    resolved; None when a forced item lacks hardware (no closed form)."""
    cands = am.base.candidates
    blocked = np.zeros(len(cands), dtype=bool)
    coh = am.block("coherence")
    if coh is not None and len(coh):
        no_hw = am.hw_start[am.family_code[am.coherence_items] + 1] == am.hw_start[am.family_code[am.coherence_items]]
        blocked[am.coherence_items[no_hw]] = True
    forced = set(am.base.scenario.forced)
    if any(blocked[k] for k, i in enumerate(cands) if i in forced):
        return None
    cols = np.arange(am.n_cols)
    order = np.lexsort((cols, am.risk, -am.value, am.col_item))
    first = np.ones(len(order), dtype=bool)
    first[1:] = am.col_item[order[1:]] != am.col_item[order[:-1]]
    best_cols = order[first]
    best_cols = best_cols[~blocked[am.col_item[best_cols]]]
    out = {cands[k]: am.col_mode[c] for k, c in zip(am.col_item[best_cols].tolist(), best_cols.tolist())}
    nesting = am.block("nesting")
    if nesting is None or not len(nesting):
        return out
    return nest_choices(am.base, out)


def array_satisfies(am: ArrayModel, choices: dict[str, str], skip: tuple[str, ...] = ("target",)) -> bool:
    """`achievable.satisfies` on the arrays: whether the package meets every row (but `skip`'s
    families), with the same tolerance."""
    x = np.zeros(am.n_cols)
    x[am.columns_of(choices)] = 1.0
    return _satisfied(am, x, skip)


def _tolerances(am: ArrayModel) -> tuple[FloatArray, FloatArray]:
    """`satisfies`'s tolerance per row bound: 1e-9 of the bound, at least 1e-9."""
    _, _, _, lo, up = am.stacked()
    return (
        1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, 0.0))),
        1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(up), up, 0.0))),
    )


def _satisfied(am: ArrayModel, x: FloatArray, skip: tuple[str, ...] = ()) -> bool:
    act = am.activity(x)
    _, _, _, lo, up = am.stacked()
    keep = np.ones(len(act), dtype=bool)
    for family in skip:
        keep[am.row_range(family)] = False
    finite_up, finite_lo = np.isfinite(up) & keep, np.isfinite(lo) & keep
    eq = finite_up & finite_lo
    tol_lo, tol_up = _tolerances(am)
    if np.any((act - up > tol_up)[finite_up & ~eq]) or np.any((act - lo < -tol_lo)[finite_lo & ~eq]):
        return False
    return not np.any((np.abs(act - up) > tol_up)[eq])


# ---------------------------------------------------------------------- LP bound and a rounded package
def round_relaxation(am: ArrayModel, x_lp: FloatArray) -> FloatArray | None:
    """A package (0/1 per column) satisfying every row, made from an LP relaxation's solution; None
    when this simple repair cannot make one (the caller then runs the MIP).

    Tried three ways (the best package is returned): the LP's fractional columns rounded up, a row
    that broke (two modes of one item, a coherence row whose hardware was fractional, a
    value-share cap) losing its chosen column with a positive coefficient of least LP value, or of
    least value; and the fractional columns rounded down. The target is then met again by the
    cheapest of three fills - columns of items not yet relieved by cost per unit of value, the one
    cheapest column that covers the shortfall alone, or the cheapest change of one relieved item's
    mode that covers it - each made only where every row it touches keeps its bound; finally columns
    the target no longer needs are dropped, costliest first. With an LP solution that has few
    fractional values (a multiple-choice knapsack has at most two) the package is within a
    fraction of one item of the LP bound, which is what `solve_arrays_package` checks.
    """
    best: FloatArray | None = None
    up, down = (x_lp > 1e-6), (x_lp > 1.0 - 1e-6)
    for x0, keep in ((up, x_lp), (up, am.value), (down, am.value)):
        x = _repair(am, x0.astype(np.float64), keep)
        if x is not None and am.maximise:
            x = _fill_max(am, x)
        sign = -1.0 if am.maximise else 1.0
        if x is not None and (best is None or sign * float(am.cost @ x) < sign * float(am.cost @ best)):
            best = x
    return best


def _fill_max(am: ArrayModel, x: FloatArray) -> FloatArray:
    """For a max-value model: add columns of items not yet relieved that still fit every row, most
    valuable per unit of risk first (a greedy knapsack fill of what rounding left free)."""
    colptr, crow, cval = am.columnwise()
    _, _, _, lo, up = am.stacked()
    _, tol_up = _tolerances(am)
    act = am.activity(x)
    item_on = np.zeros(len(am.base.candidates), dtype=bool)
    item_on[am.col_item[x > 0.5]] = True
    col_of_nz = np.repeat(np.arange(am.n_cols), np.diff(colptr))
    for _ in range(3):
        over = act[crow] + cval > up[crow] + tol_up[crow]
        blocked = np.bincount(col_of_nz[over], minlength=am.n_cols) > 0
        free = np.flatnonzero(~blocked & ~item_on[am.col_item] & (am.cost > 0))
        if not len(free):
            break
        ratio = am.value[free] / np.maximum(am.risk[free], 1e-12)
        added = False
        for c in free[np.argsort(-ratio, kind="stable")].tolist():
            a, b = colptr[c], colptr[c + 1]
            r = crow[a:b]
            if item_on[am.col_item[c]] or np.any(act[r] + cval[a:b] > up[r] + tol_up[r]):
                continue
            x[c] = 1.0
            item_on[am.col_item[c]] = True
            act[r] += cval[a:b]
            added = True
        if not added:
            break
    return x


def _repair(am: ArrayModel, x: FloatArray, keep: FloatArray) -> FloatArray | None:
    """`round_relaxation` from one rounding `x` (0/1 per column, changed in place); a broken row
    loses its chosen column of least `keep` (the LP's value of the column, or its value)."""
    colptr, crow, cval = am.columnwise()
    indptr, indices, data, lo, up = am.stacked()
    tol_lo, tol_up = _tolerances(am)
    t = am.row_range("target").start
    act = am.activity(x)
    item_on = np.zeros(len(am.base.candidates), dtype=bool)
    item_on[am.col_item[x > 0.5]] = True

    def change(c: int, sign: float, x: FloatArray, act: FloatArray, on: npt.NDArray[np.bool_]) -> None:
        x[c] = 1.0 if sign > 0 else 0.0
        on[am.col_item[c]] = sign > 0
        a, b = colptr[c], colptr[c + 1]
        act[crow[a:b]] += sign * cval[a:b]

    def fits(c: int, act: FloatArray) -> bool:
        a, b = colptr[c], colptr[c + 1]
        r = crow[a:b]
        return bool(np.all(act[r] + cval[a:b] <= up[r] + tol_up[r]))

    for _ in range(10_000):  # repair the <= rows rounding broke
        bad = np.flatnonzero(act > up + tol_up)
        if not len(bad):
            break
        r = int(bad[0])
        cols, coefs = indices[indptr[r] : indptr[r + 1]], data[indptr[r] : indptr[r + 1]]
        sel = cols[(x[cols] > 0.5) & (coefs > 0)]
        if not len(sel):
            return None
        change(int(sel[np.lexsort((am.value[sel], keep[sel]))[0]]), -1.0, x, act, item_on)
    else:
        return None
    low = act < lo - tol_lo
    low[t] = False
    if low.any():
        return None
    if act[t] < lo[t] - tol_lo[t]:
        free = np.flatnonzero((am.value > 0) & ~item_on[am.col_item])
        best: tuple[float, FloatArray, FloatArray] | None = None
        # (a) greedy by cost per unit of value
        gx, gact, gon = x.copy(), act.copy(), item_on.copy()
        for c in free[np.argsort(am.cost[free] / am.value[free], kind="stable")].tolist():
            if gon[am.col_item[c]] or not fits(c, gact):
                continue
            change(c, 1.0, gx, gact, gon)
            if gact[t] >= lo[t] - tol_lo[t]:
                best = (float(am.cost @ gx), gx, gact)
                break
        # (b) the cheapest single column covering the shortfall
        covers = free[am.value[free] >= lo[t] - act[t]]
        for c in covers[np.argsort(am.cost[covers], kind="stable")].tolist():
            if fits(c, act):
                sx, sact, son = x.copy(), act.copy(), item_on.copy()
                change(c, 1.0, sx, sact, son)
                if best is None or float(am.cost @ sx) < best[0]:
                    best = (float(am.cost @ sx), sx, sact)
                break
        # (c) the cheapest change of one relieved item's mode covering the shortfall
        chosen_col = np.full(len(am.base.candidates), -1, dtype=np.int64)
        chosen_col[am.col_item[x > 0.5]] = np.flatnonzero(x > 0.5)
        other = np.flatnonzero(item_on[am.col_item] & (x < 0.5))
        was = chosen_col[am.col_item[other]]
        gain, extra = am.value[other] - am.value[was], am.cost[other] - am.cost[was]
        ok = gain >= lo[t] - act[t]
        for k in np.flatnonzero(ok)[np.argsort(extra[ok], kind="stable")].tolist():
            c, c0 = int(other[k]), int(was[k])
            ux, uact, uon = x.copy(), act.copy(), item_on.copy()
            change(c0, -1.0, ux, uact, uon)
            if fits(c, uact):
                change(c, 1.0, ux, uact, uon)
                if best is None or float(am.cost @ ux) < best[0]:
                    best = (float(am.cost @ ux), ux, uact)
                break
        if best is None:
            return None
        _, x, act = best
    surplus = act[t] - lo[t]
    spare = (
        np.flatnonzero((x > 0.5) & (am.value <= surplus) & (am.cost > 0))
        if not am.maximise
        else np.zeros(0, dtype=np.int64)
    )
    on = np.zeros(len(am.base.candidates), dtype=bool)
    for c in spare[np.argsort(-am.cost[spare], kind="stable")].tolist():
        if act[t] - am.value[c] < lo[t] - tol_lo[t]:
            continue
        first, last = int(colptr[c]), int(colptr[c + 1])
        touched = crow[first:last]
        after = act[touched] - cval[first:last]
        if np.all(after <= up[touched] + tol_up[touched]) and np.all(after >= lo[touched] - tol_lo[touched]):
            change(c, -1.0, x, act, on)
    return x if _satisfied(am, x) else None


def array_top_package(am: ArrayModel, best: dict[str, str]) -> dict[str, str]:
    """`achievable.top_package` on the arrays: the items with value in their most valuable mode,
    forced items, and for each coherence row whose D/E item is in but none of whose hardware is,
    the family's least-risk hardware in its least-risk mode."""
    base = am.base
    forced = set(base.scenario.forced)
    pen = base.penalty

    def risk(i: str, md: str) -> float:
        return base.risk[(i, md)] + pen.get(i, 0.0)

    out = {i: md for i, md in best.items() if base.value[(i, md)] > 0 or i in forced}
    cands = base.candidates
    for k in am.coherence_items.tolist():
        fam = int(am.family_code[k])
        hardware = [cands[h] for h in am.hw_sorted[am.hw_start[fam] : am.hw_start[fam + 1]].tolist()]
        if cands[k] in out and not any(h in out for h in hardware):
            h = min((i for i in set(hardware) if i in best), key=lambda i: (risk(i, best[i]), i), default=None)
            if h is not None:
                out[h] = min((o[1] for o in base.options_of(h)), key=lambda md: risk(h, md))
    return out


#: Above this many binaries the largest achievable's max-value MIP (after the LP stage) gets at most
#: ACHIEVABLE_SECONDS: at 100k binaries with a risk budget it ran 15 s to narrow a range the LP
#: stage had already put within 1e-4 (bench/bench_optimizer.py).
ACHIEVABLE_MIP_MAX_BINARIES = 50_000


def array_achievable(am: ArrayModel, time_limit: float | None = None) -> Achievable | None:
    """`achievable.achievable_on` on the arrays: the closed form when it holds; otherwise an LP
    stage first (the max-value LP relaxation's optimum bounds every package, a package rounded
    from it reaches its value: `round_relaxation`), then, unless those agree, the max-value MIP
    stages of the PuLP path (starting from the rounded package; above ACHIEVABLE_MIP_MAX_BINARIES
    at most ACHIEVABLE_SECONDS). The figure is the best package found and the least bound proven,
    "at least X, at most Y" when they differ."""
    sc = am.base.scenario
    if time_limit is None:
        time_limit = sc.time_limit_s
    best = array_best_modes(am)
    harmless = am.families() <= _HARMLESS
    if best is not None and (harmless or array_satisfies(am, best)):
        value = sum(am.base.value[(i, md)] for i, md in best.items()) * VALUE_UNIT
        return Achievable(round(value, 2), round(value, 2), True, "closed form", array_top_package(am, best))
    before = am.objective
    target = am.block("target")
    assert target is not None
    old = float(target.lower[0]) * VALUE_UNIT
    found: list[tuple[float, dict[str, str], SolveOutcome]] = []
    out: SolveOutcome | None = None
    try:
        set_array_objective(am, "max-value")
        set_array_target(am, 0.0)
        lp = solve_arrays(am, time_limit=time_limit, rel_gap=sc.rel_gap, relaxation=True)
        start = round_relaxation(am, lp.x) if lp.x is not None else None
        if start is not None and lp.outcome.objective is not None:
            # the LP stage: a rounded package below the LP relaxation's bound (proven when they meet)
            choices = am.options(chosen_columns(am, start))
            value = round(sum(am.base.value[(i, md)] for i, md in choices.items()) * VALUE_UNIT, 2)
            out = SolveOutcome(
                Status.FEASIBLE,
                f"{label()[:-1]}; LP relaxation bound)",
                float(am.cost @ start),
                lp.outcome.objective,
                None,
                lp.outcome.seconds,
            )
            found.append((value, choices, out))
        stages = [] if found and same_figure(found[0][0], _high(am, found[0][2])) else [(sc.rel_gap, time_limit)]
        if stages and am.n_cols > ACHIEVABLE_MIP_MAX_BINARIES:
            stages = [(sc.rel_gap, min(time_limit, ACHIEVABLE_SECONDS))]
        if stages and am.n_cols <= EXACT_MAX_BINARIES:
            stages.append((EXACT_GAP, min(time_limit, ACHIEVABLE_SECONDS)))
        for gap, limit in stages:
            run = solve_arrays(am, time_limit=limit, rel_gap=gap, start=start)
            out = run.outcome
            if not out.has_solution or run.x is None:
                break
            choices = am.options(chosen_columns(am, run.x))
            value = round(sum(am.base.value[(i, md)] for i, md in choices.items()) * VALUE_UNIT, 2)
            found.append((value, choices, out))
            if same_figure(value, _high(am, out)):
                break
    finally:
        set_array_target(am, old)
        set_array_objective(am, before)
    if not found:
        if out is not None and out.status == Status.TIME_LIMIT:
            ub = float(np.maximum.reduceat(am.value, am.cstart[:-1]).sum()) * VALUE_UNIT if am.n_cols else 0.0
            return Achievable(0.0, round(ub, 2), False, out.solver, {}, Status.TIME_LIMIT)
        return None
    low, choices, out = max(found, key=lambda f: f[0])
    high = max(low, min(_high(am, f[2]) for f in found))
    proven = same_figure(low, high)
    return Achievable(low, low if proven else high, proven, out.solver, choices, out.status)


def _high(am: ArrayModel, out: SolveOutcome) -> float:
    """`achievable._high`: the value bound proven by a max-value solve (its tie-break included)."""
    if out.bound is None:
        return float("inf")
    positive = am.value[am.value > 0]
    smallest = float(positive.min()) if len(positive) else 0.0
    return round((out.bound + TIE * smallest) * VALUE_UNIT, 2)


# ---------------------------------------------------------------------- marginal risk
def array_marginal_risk_per_bn(am: ArrayModel, target_usd: float) -> float | None:
    """`duals.marginal_risk_per_bn` on the arrays: the target row's dual in the min-risk LP
    relaxation at `target_usd`, per US$1bn; None when that LP has no solution."""
    sc = am.base.scenario
    before = am.objective
    target = am.block("target")
    assert target is not None
    old = float(target.lower[0]) * VALUE_UNIT
    try:
        if before != "min-risk":
            set_array_objective(am, "min-risk")
        set_array_target(am, target_usd)
        run = solve_arrays(am, time_limit=sc.time_limit_s, rel_gap=sc.rel_gap, relaxation=True)
    finally:
        set_array_target(am, old)
        if before != "min-risk":
            set_array_objective(am, before)
    if not run.outcome.has_solution or run.duals is None:
        return None
    pi = float(run.duals[am.row_range("target").start])
    return max(0.0, pi) * USD_PER_BN / VALUE_UNIT


# ---------------------------------------------------------------------- binding rows
def array_binding_constraints(am: ArrayModel, choices: dict[str, str]) -> list[BindingConstraint]:
    """`results.binding_constraints` on the arrays (same rules: see that module's docstring)."""
    x = np.zeros(am.n_cols)
    x[am.columns_of(choices)] = 1.0
    cands = am.base.candidates
    forced = set(am.base.scenario.forced)
    col_forced = (
        np.asarray([cands[k] in forced for k in am.col_item.tolist()], dtype=bool)
        if forced
        else np.zeros(am.n_cols, dtype=bool)
    )
    item_in = np.zeros(len(cands), dtype=bool)
    item_in[am.col_item[x > 0.5]] = True
    col_item_in = item_in[am.col_item]
    maximise = am.objective == "max-value"
    out: list[BindingConstraint] = []
    for family in ("target", "max_items", "risk_budget", "category_caps"):
        b = am.block(family)
        if b is None:
            continue
        for r, name in enumerate(b.names):
            idx, coef = b.indices[b.indptr[r] : b.indptr[r + 1]], b.data[b.indptr[r] : b.indptr[r + 1]]
            act = float(coef @ x[idx])
            ge = b.upper[r] == INF
            rhs = float(b.lower[r] if ge else b.upper[r])
            slack = act - rhs if ge else rhs - act
            if family == "target" and rhs <= 0:
                continue
            counts = family == "max_items" or name.startswith("cap_items")
            tight = slack < 0.5 if counts else abs(slack) <= TIGHT * max(1.0, abs(rhs))
            if ge:
                if maximise:
                    binds = tight
                else:
                    sel = (x[idx] > 0.5) & (coef > 0) & ~col_forced[idx]
                    binds = tight or (bool(sel.any()) and slack < float(coef[sel].min()))
            elif maximise:
                sel = (coef > 0) & ~col_item_in[idx]
                binds = tight or (bool(sel.any()) and slack < float(coef[sel].min()))
            else:
                binds = tight
            if binds:
                unit = VALUE_UNIT if family == "target" or name.startswith("cap_share") else 1.0
                out.append(BindingConstraint(name, family, b.notes.get(name, name), _round(slack * unit)))
    return out


__all__ = [
    "array_achievable",
    "array_best_modes",
    "array_binding_constraints",
    "array_marginal_risk_per_bn",
    "array_satisfies",
    "array_top_package",
    "build_arrays",
    "solve_arrays_package",
    "use_array_path",
]
