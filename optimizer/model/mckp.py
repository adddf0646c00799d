"""A dedicated branch and bound for the knapsack class: the frontier's and the builder's engine.

A min-risk model whose only aggregate row is the target (`solve.knapsack_class`) is a
multiple-choice knapsack - at most one mode per item, value at least the target, least risk - with
per-item rows (forced: some mode; ally positions: none) and coherence rows (a D/E item only with at
least one A/B/C item of its family). `Mckp.from_model` reads that structure from the PuLP model's
rows (public API only) and returns None for anything else, which then goes to a MILP solver.

The bound is the Lagrangian relaxation of the target row: for a multiplier `lam >= 0`,
`L(lam) = lam*T + sum over families of min (c - lam*a)·x` under the per-item and coherence rules,
each family settled exactly in closed form (either no hardware and no software of the family, or at
least one hardware item: each item then takes its best option or none, the cheapest hardware item
added if none is worth taking). Every `L(lam)` is a valid lower bound on every package; the best
multiplier is found by intersecting the two supporting lines around the target (finite: each step
meets a new facet), and each side's minimiser is a package (the upper side's meets the target and
the coherence rules by construction: an incumbent). Branching fixes one item whose choice differs
between the two sides to each of its options and to none; best bound first; a node is closed when
its bound is within the relative gap of the best package. The reported bound is the smallest
bound left open or closed by the gap, so `optimal` is a proof to the gap, as from a MILP solver
(`tests/optimizer/model/test_mckp.py` checks the optimum against brute force and HiGHS).
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pulp

from optimizer.model import mckp_dp
from optimizer.model.build import VALUE_UNIT, PackageModel
from optimizer.model.rows import model_rows
from optimizer.vocabulary import Status

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Label of this path in results.
LABEL = "decontrol knapsack branch and bound (Lagrangian bound on the target row)"
#: Label of the exact core DP (`mckp_dp.py`), which `Mckp.solve` runs first.
DP_LABEL = "decontrol knapsack solver (reduced-cost fixing and a DP on the core; Lagrangian bound)"
#: Nodes per solve before it stops with the best package found (`feasible`, gap shown).
MAX_NODES = 20_000
#: Nodes the solver interface lets one solve take before handing the model to a MILP solver
#: (`solve.KnapsackSolver`, `sweep.KnapsackSweep`): past a few dozen nodes CBC's compiled branch
#: and bound is faster than this one's (about 1-6 ms a node in numpy).
NODE_BUDGET = 40
_FREE, _NONE = -2, -1


@dataclass
class MckpAnswer:
    status: str  # optimal | feasible | infeasible | time_limit
    choice: IntArray | None  # per item: option slot (0..K-1) or -1 for none
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    nodes: int
    stopped: str = ""  # "nodes" or "time" when the search stopped before its proof
    solver: str = ""  # the method that found it (a label for results); the branch and bound's by default

    def __post_init__(self) -> None:
        if not self.solver:
            self.solver = LABEL


class Mckp:
    """The knapsack-class model as padded arrays: items x slots (each item's options, in build order)."""

    def __init__(
        self,
        cost: FloatArray,
        value: FloatArray,
        allowed: BoolArray,
        none_ok: BoolArray,
        comp: IntArray,
        is_support: BoolArray,
        items: list[str] | None = None,
        modes: list[list[str]] | None = None,
    ) -> None:
        comp, allowed = comp.copy(), allowed.copy()
        with_support = set(comp[(comp >= 0) & is_support].tolist())
        orphan = (comp >= 0) & ~np.isin(comp, list(with_support))
        allowed[orphan & ~is_support] = False  # software of a family with no hardware item: never
        comp[orphan] = -1
        renumber = {g: k for k, g in enumerate(sorted(with_support))}
        comp = np.array([renumber.get(int(g), -1) for g in comp.tolist()], dtype=np.int64)
        self.cost = np.where(allowed, cost, 0.0)
        self.value = np.where(allowed, value, 0.0)
        self.allowed = allowed
        self.none_ok = none_ok
        self.comp = comp  # family component per item, -1 for items in no coherence row
        self.is_support = is_support  # hardware (support) item of its component
        self.n_comp = int(comp.max()) + 1 if len(comp) else 0
        self.cstart = np.zeros(0, dtype=np.int64)  # column offsets per item (`from_arrays` only)
        self.items = items or [str(i) for i in range(len(cost))]
        self.modes = modes or [[str(k) for k in range(cost.shape[1])] for _ in range(len(cost))]
        in_comp = comp >= 0
        self._sup = in_comp & is_support
        self._dep = in_comp & ~is_support
        self._free = ~in_comp
        sup_idx = np.flatnonzero(self._sup)
        self._sup_order = sup_idx[np.argsort(comp[sup_idx], kind="stable")]
        sorted_comp = comp[self._sup_order]
        self._sup_comp = sorted_comp
        self._sup_starts = (
            np.flatnonzero(np.r_[True, sorted_comp[1:] != sorted_comp[:-1]]) if len(sorted_comp) else sorted_comp
        )
        self._dep_idx = np.flatnonzero(self._dep)
        self._rows = np.arange(len(cost))
        total = float(np.abs(self.cost).sum()) + 1.0
        vals = np.unique(np.concatenate([[0.0], self.value[allowed]]))
        step = float(np.diff(vals).min()) if len(vals) > 1 else 1.0
        self.lam_max = 4.0 * total / max(step, 1e-12)

    # ------------------------------------------------------------------ reading the model
    @classmethod
    def from_model(cls, m: PackageModel) -> Mckp | None:
        """The structure of a knapsack-class PuLP model, or None if its rows are anything else."""
        if m.objective != "min-risk" or m.prob.sense != pulp.LpMinimize or not m.x:
            return None
        items = list(m.candidates)
        pos = {i: k for k, i in enumerate(items)}
        width = max(len(m.options_of(i)) for i in items)
        slot: dict[str, tuple[int, int]] = {}
        modes: list[list[str]] = []
        for k, i in enumerate(items):
            opts = m.options_of(i)
            modes.append([md for _, md in opts])
            for s, o in enumerate(opts):
                slot[m.x[o].name] = (k, s)
        n = len(items)
        cost, value = np.zeros((n, width)), np.zeros((n, width))
        allowed = np.zeros((n, width), dtype=bool)
        for k, s in slot.values():
            allowed[k, s] = True
        objective = m.prob.objective or pulp.LpAffineExpression()
        for var, c in objective.items():
            if var.name not in slot:
                return None
            cost[slot[var.name]] = c
        for k, i in enumerate(items):  # fixed bounds from other code (none here normally)
            for s, o in enumerate(m.options_of(i)):
                v = m.x[o]
                if v.upBound is not None and v.upBound < 0.5:
                    allowed[k, s] = False
                if v.lowBound is not None and v.lowBound > 0.5:
                    return None
        none_ok = np.ones(n, dtype=bool)
        support: dict[int, frozenset[int]] = {}
        for name, row in model_rows(m.prob).items():
            terms = [(slot.get(v.name), c) for v, c in row.items() if c]
            if any(t is None for t, _ in terms):
                return None
            rhs = -row.constant
            owners = {t[0] for t, _ in terms if t is not None}
            if name == "target":
                if row.sense != pulp.LpConstraintGE:
                    return None
                for t, c in terms:
                    value[t] = c
                continue
            one_item = len(owners) == 1 and all(c == 1 for _, c in terms)
            if one_item and row.sense == pulp.LpConstraintLE and rhs == 1:
                continue  # mode choice: at most one option per item, which the slots are
            if one_item and row.sense == pulp.LpConstraintLE and rhs == 0:
                allowed[next(iter(owners))] = False  # fixed to none (ally position, coherence without support)
                continue
            if one_item and row.sense == pulp.LpConstraintEQ and rhs == 1:
                none_ok[next(iter(owners))] = False  # forced
                continue
            if row.sense == pulp.LpConstraintLE and rhs == 0:
                plus = {t[0] for t, c in terms if t is not None and c == 1}
                minus = {t[0] for t, c in terms if t is not None and c == -1}
                if (
                    len(plus) != 1
                    or len(plus) + len(minus) != len(owners)
                    or len(terms) != sum(len(m.options_of(items[k])) for k in owners)
                ):
                    return None
                d = next(iter(plus))
                if d in support:
                    return None
                support[d] = frozenset(minus)
                continue
            return None
        for k in range(n):
            if not none_ok[k] and not allowed[k].any():
                none_ok[k] = True  # forced yet fixed out: an infeasible model, left to the MILP path
                return None
        comp = np.full(n, -1, dtype=np.int64)
        is_support = np.zeros(n, dtype=bool)
        groups: dict[frozenset[int], int] = {}
        for d, sup in support.items():
            g = groups.setdefault(sup, len(groups))
            if comp[d] >= 0 or is_support[d]:
                return None
            comp[d] = g
        for sup, g in groups.items():
            for s in sup:
                if s in support or (comp[s] >= 0 and comp[s] != g):
                    return None  # an item both software and hardware, or hardware of two families
                comp[s] = g
                is_support[s] = True
        del pos
        return cls(cost, value, allowed, none_ok, comp, is_support, items, modes)

    @classmethod
    def from_arrays(cls, am: Any) -> Mckp | None:
        """The same structure from an `arrays.ArrayModel` (the large-table path), or None."""
        if am.objective != "min-risk" or am.maximise or am.n_cols == 0:
            return None
        if not am.families() <= {"mode_choice", "target", "coherence", "forced", "ally_positions"}:
            return None
        cstart = np.asarray(am.cstart, dtype=np.int64)
        n = len(cstart) - 1
        col_item = np.asarray(am.col_item, dtype=np.int64)
        slot = np.arange(am.n_cols) - cstart[col_item]
        width = int(np.diff(cstart).max())
        cost, value = np.zeros((n, width)), np.zeros((n, width))
        allowed = np.zeros((n, width), dtype=bool)
        cost[col_item, slot] = am.cost
        allowed[col_item, slot] = True
        target = am.block("target")
        if target is None or len(target) != 1:
            return None
        value[col_item[target.indices], slot[target.indices]] = target.data
        none_ok = np.ones(n, dtype=bool)
        support: dict[int, frozenset[int]] = {}
        for fam in ("forced", "ally_positions", "coherence"):
            b = am.block(fam)
            if b is None:
                continue
            for r in range(len(b)):
                cols = b.indices[b.indptr[r] : b.indptr[r + 1]]
                coef = b.data[b.indptr[r] : b.indptr[r + 1]]
                owners = np.unique(col_item[cols])
                if fam != "coherence":
                    if len(owners) != 1 or not np.all(coef == 1):
                        return None
                    if fam == "forced" and b.lower[r] == 1:
                        none_ok[owners[0]] = False
                    elif fam == "ally_positions" and b.upper[r] == 0:
                        allowed[owners[0]] = False
                    else:
                        return None
                    continue
                plus = np.unique(col_item[cols[coef == 1]])
                minus = np.unique(col_item[cols[coef == -1]])
                if len(plus) != 1 or len(plus) + len(minus) != len(owners) or b.upper[r] != 0:
                    return None
                if len(cols) != int((cstart[owners + 1] - cstart[owners]).sum()):
                    return None  # not every option of each item in the row
                d = int(plus[0])
                if not len(minus):
                    allowed[d] = False
                    continue
                if d in support:
                    return None
                support[d] = frozenset(int(x) for x in minus)
        comp = np.full(n, -1, dtype=np.int64)
        is_support = np.zeros(n, dtype=bool)
        groups: dict[frozenset[int], int] = {}
        for d, sup in support.items():
            comp[d] = groups.setdefault(sup, len(groups))
        for sup, g in groups.items():
            for s_ in sup:
                if s_ in support or (comp[s_] >= 0 and comp[s_] != g):
                    return None
                comp[s_] = g
                is_support[s_] = True
        if (~none_ok & ~allowed.any(axis=1)).any():
            return None  # forced yet fixed out: left to the MILP path
        modes = [list(am.col_mode[int(cstart[k]) : int(cstart[k + 1])]) for k in range(n)]
        out = cls(cost, value, allowed, none_ok, comp, is_support, list(am.candidates), modes)
        out.cstart = cstart
        return out

    def to_columns(self, choice: IntArray) -> FloatArray:
        """A package as 0/1 per column of the array model it was read from (`from_arrays`)."""
        x = np.zeros(int(self.cstart[-1]))
        on = np.flatnonzero(choice >= 0)
        x[self.cstart[on] + choice[on]] = 1.0
        return x

    def from_columns(self, x: FloatArray) -> IntArray:
        cols = np.flatnonzero(x > 0.5)
        item = np.searchsorted(self.cstart, cols, side="right") - 1
        choice = np.full(len(self.cost), _NONE, dtype=np.int64)
        choice[item] = cols - self.cstart[item]
        return choice

    def options(self, choice: IntArray) -> list[tuple[str, str]]:
        """The (item, mode) options of a package."""
        return [(self.items[k], self.modes[k][int(s)]) for k, s in enumerate(choice.tolist()) if s >= 0]

    def choices(self, choice: IntArray) -> dict[str, str]:
        return {self.items[k]: self.modes[k][int(s)] for k, s in enumerate(choice.tolist()) if s >= 0}

    # ------------------------------------------------------------------ the Lagrangian subproblem
    def _inner(self, lam: float, allowed: BoolArray, none_ok: BoolArray) -> tuple[IntArray, float] | None:
        """The minimiser of sum (c - lam a) x under the per-item and coherence rules, and its value
        (None: no package satisfies the fixings)."""
        r = self.cost - lam * self.value
        r[~allowed] = np.inf
        arg = r.argmin(axis=1)
        best_opt = r[self._rows, arg]
        forced = ~none_ok
        take = (best_opt < 0) | forced
        contrib = np.where(take, best_opt, 0.0)
        if np.isinf(contrib).any():
            return None
        choice = np.where(take, arg, _NONE)
        if not self.n_comp:
            return choice, float(contrib.sum())
        total = float(contrib[self._free].sum())
        nc = self.n_comp
        comp = self.comp
        member = comp >= 0
        cm = comp[member]
        # configuration b: at least one hardware item of the family chosen
        b = np.bincount(cm, weights=contrib[member], minlength=nc)
        so = self._sup_order
        sup_taken = take[so]
        any_sup = np.logical_or.reduceat(sup_taken, self._sup_starts)
        extra_cost = np.where(sup_taken, np.inf, best_opt[so])  # forcing one more hardware item in
        extra = np.minimum.reduceat(extra_cost, self._sup_starts)
        b = b + np.where(any_sup, 0.0, extra)
        # configuration a: nothing of the family (only when no item of it is forced)
        blocked = np.bincount(cm, weights=forced[member], minlength=nc) > 0
        g = np.where(blocked, b, np.minimum(b, 0.0))
        if np.isinf(g).any():
            return None
        total += float(g.sum())
        use_b = blocked | (b <= 0.0)
        choice[member & ~use_b[np.maximum(comp, 0)]] = _NONE
        need = use_b & ~any_sup
        if need.any():  # the cheapest hardware item of each family that needs one
            hit = np.flatnonzero(need[self._sup_comp] & (extra_cost == extra[self._sup_comp]))
            firsts = hit[np.r_[True, self._sup_comp[hit][1:] != self._sup_comp[hit][:-1]]]
            k = so[firsts]
            choice[k] = arg[k]
        return choice, total

    def _eval(self, choice: IntArray) -> tuple[float, float]:
        """(objective, value) of a package."""
        on = choice >= 0
        rows = np.flatnonzero(on)
        cols = choice[on]
        return float(self.cost[rows, cols].sum()), float(self.value[rows, cols].sum())

    def bound(
        self, target: float, allowed: BoolArray, none_ok: BoolArray, hint: float | None = None
    ) -> tuple[float, IntArray | None, IntArray | None, float] | None:
        """(Lagrangian bound, the package below the target, the package meeting it, the multiplier)
        at the best multiplier; None when no package meets the target under the fixings. `hint`: a
        multiplier to try first (the parent node's)."""

        def side(lam: float) -> tuple[float, float, IntArray] | None:
            got = self._inner(lam, allowed, none_ok)
            if got is None:
                return None
            c, v = self._eval(got[0])
            return c, v, got[0]

        lo_s = hi_s = None
        if hint is not None and hint > 0:  # bracket the multiplier near the parent's
            first = side(hint)
            if first is None:
                return None
            if first[1] >= target:
                hi_s = first
                for f in (0.999, 0.9, 0.5):
                    got = side(hint * f)
                    assert got is not None
                    if got[1] < target:
                        lo_s = got
                        break
                    hi_s = got
            else:
                lo_s = first
                for f in (1.001, 1.1, 2.0):
                    got = side(hint * f)
                    assert got is not None
                    if got[1] >= target:
                        hi_s = got
                        break
                    lo_s = got
        if lo_s is None:
            lo_s = side(0.0)
            if lo_s is None:
                return None
            if lo_s[1] >= target:
                return lo_s[0], None, lo_s[2], 0.0  # the unconstrained least-cost package meets the target
        if hi_s is None:
            hi_s = side(self.lam_max)
            if hi_s is None or hi_s[1] < target:
                return None
        c_lo, v_lo, x_lo = lo_s
        c_hi, v_hi, x_hi = hi_s
        best, best_lam = -np.inf, 0.0
        for _ in range(200):
            # supporting lines L = c + lam (T - v) of the two sides meet at lam
            lam = (c_hi - c_lo) / (v_hi - v_lo)
            meet = c_lo + lam * (target - v_lo)
            sub = self._inner(lam, allowed, none_ok)
            if sub is None:  # pragma: no cover - the same fixings were feasible at both ends
                return None
            x, inner = sub
            here = lam * target + inner
            if here > best:
                best, best_lam = here, lam
            if here >= meet - 1e-12 * max(1.0, abs(meet)):
                break
            c, v = self._eval(x)
            if v >= target:
                c_hi, v_hi, x_hi = c, v, x
            else:
                c_lo, v_lo, x_lo = c, v, x
        return best, x_lo, x_hi, best_lam

    # ------------------------------------------------------------------ improving a package
    def improve(self, choice: IntArray, target: float) -> IntArray:
        """Drop or downgrade options while the target and the coherence rules still hold (costliest
        first): the same package for less."""
        out = choice.copy()
        _, v = self._eval(out)
        on = np.flatnonzero(out >= 0)
        cost_on = self.cost[on, out[on]]
        for k in on[np.argsort(-cost_on)].tolist():
            s = int(out[k])
            c_now, a_now = float(self.cost[k, s]), float(self.value[k, s])
            cands = [(float(self.cost[k, t]), float(self.value[k, t]), int(t)) for t in np.flatnonzero(self.allowed[k])]
            if self.none_ok[k]:
                cands.append((0.0, 0.0, _NONE))
            for c, a, t in sorted(cands):
                if c >= c_now:
                    break
                if v - a_now + a < target:
                    continue
                if t == _NONE and not self._may_drop(out, k):
                    continue
                out[k] = t
                v = v - a_now + a
                break
        return out

    def coherent(self, choice: IntArray) -> bool:
        """Whether a package keeps every rule but the target: allowed modes, forced items chosen, and
        software of a family only with some hardware of it."""
        on = choice >= 0
        if (~self.none_ok & ~on).any() or not self.allowed[np.flatnonzero(on), choice[on]].all():
            return False
        if not self.n_comp:
            return True
        member = self.comp >= 0
        hw = np.bincount(self.comp[member & self.is_support & on], minlength=self.n_comp)
        sw = np.bincount(self.comp[member & ~self.is_support & on], minlength=self.n_comp)
        return bool(((sw == 0) | (hw > 0)).all())

    def _may_drop(self, choice: IntArray, k: int) -> bool:
        g = int(self.comp[k])
        if g < 0 or not self.is_support[k]:
            return True
        fam = self.comp == g
        others = fam & self.is_support & (choice >= 0)
        others[k] = False
        return bool(others.any()) or not bool((fam & ~self.is_support & (choice >= 0)).any())

    # ------------------------------------------------------------------ branch and bound
    def solve(
        self,
        target: float,
        rel_gap: float,
        time_limit: float,
        max_nodes: int = MAX_NODES,
        start: IntArray | None = None,
    ) -> MckpAnswer:
        """The least-cost package meeting `target` (model units), proven within `rel_gap` unless
        stopped by `time_limit` or `max_nodes`. `start`: a package to begin from (a sweep's
        neighbour: one meeting a higher target meets this one too).

        The exact core DP (`mckp_dp.solve_dp`: reduced-cost fixing, then dynamic programming on the
        groups left) runs first; the branch and bound only where it hands the point back."""
        exact = mckp_dp.solve_dp(self, target, rel_gap, time_limit, start=start)
        if exact is not None:
            return exact
        return self.branch_and_bound(target, rel_gap, time_limit, max_nodes, start)

    def branch_and_bound(
        self,
        target: float,
        rel_gap: float,
        time_limit: float,
        max_nodes: int = MAX_NODES,
        start: IntArray | None = None,
    ) -> MckpAnswer:
        """The best-first search on the Lagrangian bound (module docstring): the path `solve` takes
        when the core DP (`mckp_dp.py`) cannot (a family with too many configurations, too many
        states)."""
        t0 = time.perf_counter()
        n, _ = self.cost.shape
        state0 = np.full(n, _FREE, dtype=np.int64)
        best_x: IntArray | None = None
        best_c = np.inf
        closed_low = np.inf  # least bound among nodes closed by the gap (not by the incumbent itself)
        heap: list[tuple[float, int, IntArray]] = []
        counter = 0
        nodes = 0

        if start is not None and self._eval(start)[1] >= target:
            best_x = self.improve(start, target)
            best_c = self._eval(best_x)[0]

        def expand(
            state: IntArray, hint: float | None = None
        ) -> tuple[float, IntArray | None, IntArray | None, float] | None:
            fixed = state != _FREE
            allowed = self.allowed.copy()
            none_ok = self.none_ok.copy()
            if fixed.any():
                idx = np.flatnonzero(fixed)
                allowed[idx] = False
                to_opt = idx[state[idx] >= 0]
                allowed[to_opt, state[to_opt]] = True
                none_ok[to_opt] = False
                to_none = idx[state[idx] == _NONE]
                none_ok[to_none] = True
            return self.bound(target, allowed, none_ok, hint)

        def tol(c: float) -> float:
            return rel_gap * max(abs(c), 1e-9) + 1e-12 * max(1.0, abs(c))

        root = expand(state0)
        if root is None:
            return MckpAnswer(Status.INFEASIBLE, None, None, None, None, time.perf_counter() - t0, 1)
        heapq.heappush(heap, (root[0], counter, state0))
        pending = {counter: root}
        stopped = ""
        while heap:
            lb, key, state = heapq.heappop(heap)
            got = pending.pop(key)
            if best_x is not None and lb >= best_c - tol(best_c):
                if lb < best_c:
                    closed_low = min(closed_low, lb)
                for other_lb, other_key, _ in heap:
                    if other_lb < best_c:
                        closed_low = min(closed_low, other_lb)
                    pending.pop(other_key, None)
                heap.clear()
                break
            nodes += 1
            if nodes > max_nodes or time.perf_counter() - t0 > time_limit:
                heapq.heappush(heap, (lb, key, state))
                pending[key] = got
                stopped = "nodes" if nodes > max_nodes else "time"
                break
            _, x_lo, x_hi, lam_here = got
            if x_hi is not None:
                cand = self.improve(x_hi, target)
                c, _ = self._eval(cand)
                if c < best_c:
                    best_c, best_x = c, cand
            if x_lo is None or x_hi is None:
                continue  # the least-cost package of this node meets the target: settled
            differ = np.flatnonzero((x_lo != x_hi) & (state == _FREE))
            if not len(differ):
                continue  # pragma: no cover - the two sides differ in a free item
            delta = np.abs(
                self.value[differ, np.maximum(x_hi[differ], 0)] * (x_hi[differ] >= 0)
                - self.value[differ, np.maximum(x_lo[differ], 0)] * (x_lo[differ] >= 0)
            )
            k = int(differ[np.argmax(delta)])
            states = [int(s) for s in np.flatnonzero(self.allowed[k])] + ([_NONE] if self.none_ok[k] else [])
            for s in states:
                child = state.copy()
                child[k] = s
                sub = expand(child, lam_here)
                if sub is None or sub[0] >= best_c:
                    continue
                if sub[2] is not None:  # its package meeting the target: a better incumbent, early
                    cand = self.improve(sub[2], target)
                    c, _ = self._eval(cand)
                    if c < best_c:
                        best_c, best_x = c, cand
                    if sub[0] >= best_c - tol(best_c):
                        if sub[0] < best_c:
                            closed_low = min(closed_low, sub[0])
                        continue
                counter += 1
                pending[counter] = sub
                heapq.heappush(heap, (max(sub[0], lb), counter, child))
        seconds = time.perf_counter() - t0
        if best_x is None:
            status = Status.TIME_LIMIT if stopped else Status.INFEASIBLE
            return MckpAnswer(status, None, None, None, None, seconds, nodes, stopped)
        open_low = min((h[0] for h in heap), default=np.inf)
        bound = min(best_c, closed_low, open_low)
        gap = abs(best_c - bound) / max(abs(best_c), 1e-9)
        status = Status.FEASIBLE if stopped and gap > rel_gap + 1e-12 else Status.OPTIMAL
        return MckpAnswer(
            status,
            best_x,
            best_c,
            bound,
            min(gap, rel_gap) if status == Status.OPTIMAL else gap,
            seconds,
            nodes,
            stopped if status != Status.OPTIMAL else "",
        )


def target_units(target_usd: float) -> float:
    return target_usd / VALUE_UNIT


__all__ = ["DP_LABEL", "LABEL", "MAX_NODES", "NODE_BUDGET", "Mckp", "MckpAnswer", "target_units"]
