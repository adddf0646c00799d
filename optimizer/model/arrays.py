"""The package model built as arrays straight from the item table, for large tables.

At a million binaries the PuLP model itself is the cost: a `LpVariable` per binary and a dict per
row (the coherence rows of a large table hold millions of coefficients) took longer to build than
HiGHS takes to solve, and most of the memory. This module builds the *same model* (the same
columns in the same item-major order, the same rows in the same order with the same names, the same
objective with its tie-breaks) as numpy arrays in compressed-row form, and hands them to HiGHS in
one `Highs.passModel` call. `tests/optimizer/model/test_arrays.py` checks on random small tables
that the two builds are one model (objective, matrix, bounds) with one optimum.

Reused from the PuLP build, so the rules are written once: the screens (`constraints.
define_exclusions`: which items get a variable and why not), the offered modes, the mode parameters
and the objective's tie-break weights (`build.TIE`). One `array_*` function per constraint family
mirrors each `constraints.define_*`.

The model's `base` is a `PackageModel` without PuLP variables or rows: it carries the screens'
verdicts, the options and their value and risk, so `results.package_result` writes the package's
lines and reasons exactly as for a PuLP model.

Proof discipline as in `solve.py`: statuses come from HiGHS's model status; a verdict of
*infeasible* is never reported from this path alone - the caller (`package.solve_package`) then
runs the PuLP path, which confirms it on CBC and diagnoses it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pulp

from optimizer.model import constraints as C
from optimizer.model.build import TIE, VALUE_UNIT, PackageModel, offered_modes, parent_of
from optimizer.model.scenario import Scenario
from optimizer.model.solve import SolveOutcome
from optimizer.vocabulary import FOUND, Status

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

INF = math.inf
#: Binaries from which `package.solve_package` builds arrays instead of a PuLP model (when the
#: solver is `auto` or `highs` and HiGHS is installed). Measured on the bench's generated tables
#: (knapsack class, one package end to end, shared machine): 20k binaries 1.18 s on arrays vs 0.98 s
#: PuLP + CBC; 50k 0.76 s vs 2.51 s; 100k 2.2 s vs 8.8 s (bench/bench_optimizer.py, README). Below,
#: the PuLP model costs little and keeps CBC's knapsack path, whose verdicts need no second path.
ARRAY_MIN_BINARIES = 30_000


@dataclass
class RowBlock:
    """The rows of one constraint family in compressed-row form: row r holds the columns
    `indices[indptr[r]:indptr[r+1]]` with coefficients `data[...]`; `lower <= row <= upper`."""

    family: str
    names: list[str]
    indptr: IntArray
    indices: IntArray
    data: FloatArray
    lower: FloatArray
    upper: FloatArray
    notes: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names)


def _block(
    family: str,
    names: list[str],
    lengths: IntArray,
    indices: IntArray,
    data: FloatArray,
    lower: FloatArray | float,
    upper: FloatArray | float,
    notes: dict[str, str] | None = None,
) -> RowBlock:
    n = len(names)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    lo = np.full(n, lower, dtype=np.float64) if np.isscalar(lower) else np.asarray(lower, dtype=np.float64)
    up = np.full(n, upper, dtype=np.float64) if np.isscalar(upper) else np.asarray(upper, dtype=np.float64)
    return RowBlock(
        family,
        names,
        indptr,
        np.asarray(indices, dtype=np.int64),
        np.asarray(data, dtype=np.float64),
        lo,
        up,
        notes or {},
    )


def _segments(starts: IntArray, lengths: IntArray) -> IntArray:
    """The concatenation of `arange(s, s + n)` for each (s, n), vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64)


@dataclass
class ArrayModel:
    """The package model as arrays (see the module docstring).

    Columns are item-major: candidate `k`'s options are columns `cstart[k]:cstart[k+1]`, in the
    scenario's mode order, exactly the PuLP build's variable order.
    """

    base: PackageModel  # screens, options, value and risk (no PuLP variables or rows)
    col_item: IntArray  # candidate index of each column
    col_mode: list[str]  # relief mode of each column
    cstart: IntArray  # first column of each candidate (len = candidates + 1)
    value: FloatArray  # value unlocked per column, model units (US$ m)
    risk: FloatArray  # risk carried per column, with the ally penalty (the objective's risk)
    blocks: list[RowBlock] = field(default_factory=list)
    cost: FloatArray = field(default_factory=lambda: np.zeros(0))
    maximise: bool = False
    objective: str = "min-risk"
    family_code: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # per candidate
    hw_sorted: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # hardware candidates by family
    hw_start: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # their family offsets
    coherence_items: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # D/E candidate per row
    _stacked: tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray] | None = field(default=None, repr=False)
    _columnwise: tuple[IntArray, IntArray, FloatArray] | None = field(default=None, repr=False)

    @property
    def n_cols(self) -> int:
        return len(self.col_item)

    @property
    def candidates(self) -> list[str]:
        return self.base.candidates

    def block(self, family: str) -> RowBlock | None:
        for b in self.blocks:
            if b.family == family:
                return b
        return None

    def families(self) -> set[str]:
        """The families with at least one row (as `{f for f, rows in m.rows.items() if rows}`)."""
        return {b.family for b in self.blocks if len(b)}

    @property
    def row_names(self) -> list[str]:
        return [n for b in self.blocks for n in b.names]

    def stacked(self) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
        """All rows in one compressed-row matrix (indptr, indices, data, lower, upper), cached;
        column indices sorted within each row and zero coefficients dropped, as a solver sees them."""
        if self._stacked is None:
            parts_ptr, parts_idx, parts_val, lo, up = [np.zeros(1, dtype=np.int64)], [], [], [], []
            offset = 0
            for b in self.blocks:
                parts_ptr.append(b.indptr[1:] + offset)
                offset += int(b.indptr[-1])
                parts_idx.append(b.indices)
                parts_val.append(b.data)
                lo.append(b.lower)
                up.append(b.upper)
            indptr = np.concatenate(parts_ptr)
            indices = np.concatenate(parts_idx) if parts_idx else np.zeros(0, dtype=np.int64)
            data = np.concatenate(parts_val) if parts_val else np.zeros(0)
            rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
            keep = data != 0
            rows, indices, data = rows[keep], indices[keep], data[keep]
            order = np.lexsort((indices, rows))
            rows, indices, data = rows[order], indices[order], data[order]
            indptr = np.zeros(len(indptr), dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=len(indptr) - 1), out=indptr[1:])
            self._stacked = (
                indptr,
                indices,
                data,
                np.concatenate(lo) if lo else np.zeros(0),
                np.concatenate(up) if up else np.zeros(0),
            )
        return self._stacked

    def columnwise(self) -> tuple[IntArray, IntArray, FloatArray]:
        """The stacked matrix by column (colptr, row indices, coefficients), cached: what a column
        added to or dropped from a package changes."""
        if self._columnwise is None:
            indptr, indices, data, _, _ = self.stacked()
            rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
            order = np.argsort(indices, kind="stable")
            colptr = np.zeros(self.n_cols + 1, dtype=np.int64)
            np.cumsum(np.bincount(indices, minlength=self.n_cols), out=colptr[1:])
            self._columnwise = (colptr, rows[order], data[order])
        return self._columnwise

    def activity(self, x: FloatArray) -> FloatArray:
        """Each row's left-hand side at column values `x`."""
        indptr, indices, data, _, _ = self.stacked()
        rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        return np.asarray(np.bincount(rows, weights=data * x[indices], minlength=len(indptr) - 1), dtype=np.float64)

    def row_range(self, family: str) -> slice:
        """The positions of a family's rows in the stacked matrix."""
        k = 0
        for b in self.blocks:
            if b.family == family:
                return slice(k, k + len(b))
            k += len(b)
        return slice(k, k)

    def options(self, cols: IntArray | list[int]) -> dict[str, str]:
        """{item: mode} of the given columns."""
        cands = self.base.candidates
        return {cands[int(self.col_item[c])]: self.col_mode[int(c)] for c in cols}

    def columns_of(self, choices: dict[str, str]) -> IntArray:
        """The columns of a package {item: mode}."""
        pos = self.candidate_pos()
        out = []
        for item, mode in choices.items():
            k = pos[item]
            for c in range(int(self.cstart[k]), int(self.cstart[k + 1])):
                if self.col_mode[c] == mode:
                    out.append(c)
        return np.asarray(out, dtype=np.int64)

    def candidate_pos(self) -> dict[str, int]:
        cached = self.base.solver_cache.get("candidate_pos")
        if cached is None:
            cached = self.base.solver_cache["candidate_pos"] = {i: k for k, i in enumerate(self.base.candidates)}
        pos: dict[str, int] = cached
        return pos


# ---------------------------------------------------------------------- build
def build_arrays(
    items: pd.DataFrame,
    scenario: Scenario,
    *,
    relax: frozenset[str] = frozenset(),
    objective: str | None = None,
    target_usd: float | None = None,
) -> ArrayModel:
    """The package model of a *validated* item table as arrays: `build.build_model`'s model
    (same arguments), without PuLP objects."""
    table = items.set_index("eccn", drop=False)
    obj = objective or scenario.objective
    sense = pulp.LpMaximize if obj == "max-value" else pulp.LpMinimize
    base = PackageModel(
        scenario=scenario,
        items=table,
        prob=pulp.LpProblem("decontrol_package", sense),
        objective=obj,
        relaxed=frozenset(relax),
        ids=table.index.tolist(),
        offered=offered_modes(table, scenario.modes),
    )
    C.define_exclusions(base)
    am = _columns(base)
    array_mode_choice(am)
    array_target(am, scenario.target_usd if target_usd is None else target_usd)
    for family, define in (
        ("forced", array_forced),
        ("max_items", array_max_items),
        ("category_caps", array_category_caps),
        ("risk_budget", array_risk_budget),
        ("ally_positions", array_ally_positions),
        ("coherence", array_coherence),
        ("nesting", array_nesting),
    ):
        if family not in base.relaxed:
            define(am)
    set_array_objective(am, obj)
    return am


def _columns(base: PackageModel) -> ArrayModel:
    """One column per candidate item and offered mode (`build._add_variables`), value and risk per column.

    The base model's option lists and value/risk dicts are filled too (the results read them)."""
    sc, t = base.scenario, base.items
    value_all = t["value_usd"].fillna(0.0).to_numpy(dtype=np.float64) / VALUE_UNIT
    risk_all = t["risk"].to_numpy(dtype=np.float64)
    pos = {item: k for k, item in enumerate(base.ids)}
    rows = np.fromiter((pos[i] for i in base.candidates), dtype=np.int64, count=len(base.candidates))
    counts = np.fromiter((len(base.offered[i]) for i in base.candidates), dtype=np.int64, count=len(base.candidates))
    cstart = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=cstart[1:])
    col_item = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    col_mode = [mode for i in base.candidates for mode in base.offered[i]]
    vshare = {md: sc.params(md).value_share for md in sc.modes}
    rshare = {md: sc.params(md).risk_share for md in sc.modes}
    value = value_all[rows][col_item] * np.fromiter((vshare[md] for md in col_mode), np.float64, len(col_mode))
    risk = risk_all[rows][col_item] * np.fromiter((rshare[md] for md in col_mode), np.float64, len(col_mode))
    options = [(base.candidates[k], md) for k, md in zip(col_item.tolist(), col_mode)]
    for k, item in enumerate(base.candidates):
        base.item_options[item] = options[cstart[k] : cstart[k + 1]]
    base.value = dict(zip(options, value.tolist()))
    base.risk = dict(zip(options, risk.tolist()))
    penalty = np.fromiter((base.penalty.get(i, 0.0) for i in base.candidates), np.float64, len(base.candidates))
    return ArrayModel(
        base=base, col_item=col_item, col_mode=col_mode, cstart=cstart, value=value, risk=risk + penalty[col_item]
    )


# ---------------------------------------------------------------------- constraint families
def _item_rows(
    am: ArrayModel,
    family: str,
    names: list[str],
    items: list[list[int]],
    lower: float,
    upper: float,
    notes: dict[str, str] | None = None,
) -> RowBlock:
    """Rows counting the items relieved (any mode) of each list of candidate indices."""
    cand = np.asarray([k for ks in items for k in ks], dtype=np.int64)
    owners = np.asarray([r for r, ks in enumerate(items) for _ in ks], dtype=np.int64)
    n_opts = am.cstart[cand + 1] - am.cstart[cand]
    idx = _segments(am.cstart[cand], n_opts)
    lengths = np.bincount(np.repeat(owners, n_opts), minlength=len(items)).astype(np.int64)
    return _block(family, names, lengths, idx, np.ones(len(idx)), lower, upper, notes)


def _add(am: ArrayModel, block: RowBlock) -> RowBlock:
    am.blocks.append(block)
    am._stacked = am._columnwise = None
    return block


def array_mode_choice(am: ArrayModel) -> RowBlock:
    """`define_mode_choice`: at most one instrument per item (no row for an item that offers only one)."""
    counts = np.diff(am.cstart)
    ks = np.flatnonzero(counts >= 2)
    return _add(
        am,
        _block(
            "mode_choice",
            [f"mode_{k}" for k in ks.tolist()],
            counts[ks],
            _segments(am.cstart[ks], counts[ks]),
            np.ones(int(counts[ks].sum())),
            -INF,
            1.0,
        ),
    )


def array_target(am: ArrayModel, target_usd: float) -> RowBlock:
    """`define_target`: value unlocked >= target (model units). Always present."""
    cols = np.flatnonzero(am.value != 0)
    return _add(
        am,
        _block(
            "target",
            ["target"],
            np.asarray([len(cols)]),
            cols,
            am.value[cols],
            target_usd / VALUE_UNIT,
            INF,
            {"target": "concession value must reach the target"},
        ),
    )


def array_forced(am: ArrayModel) -> RowBlock:
    """`define_forced`: each forced item relieved in one of its modes."""
    pos = am.candidate_pos()
    forced = list(am.base.scenario.forced)
    names = [f"forced_{k}" for k in range(len(forced))]
    notes = {n: f"{item} is forced into the package" for n, item in zip(names, forced)}
    return _add(am, _item_rows(am, "forced", names, [[pos[i]] if i in pos else [] for i in forced], 1.0, 1.0, notes))


def array_max_items(am: ArrayModel) -> RowBlock | None:
    """`define_max_items`: at most `max_items` items relieved."""
    n = am.base.scenario.max_items
    if n is None:
        return None
    return _add(
        am,
        _block(
            "max_items",
            ["max_items"],
            np.asarray([am.n_cols]),
            np.arange(am.n_cols),
            np.ones(am.n_cols),
            -INF,
            float(n),
            {"max_items": f"at most {n} items"},
        ),
    )


def array_category_caps(am: ArrayModel) -> RowBlock | None:
    """`define_category_caps`: per CCL category, at most `max_items` items and/or at most
    `max_value_share` of the package value ((1-s) value(cat) - s value(rest) <= 0)."""
    caps = am.base.scenario.category_caps
    if not caps:
        return None
    cat_of = am.base.items["category"]
    cat = np.asarray([str(cat_of[i]) for i in am.base.candidates], dtype=object)
    names: list[str] = []
    notes: dict[str, str] = {}
    lengths, idx, data, upper = [], [], [], []
    valued = np.flatnonzero(am.value != 0)
    for c, cap in caps.items():
        inside = cat == c
        if cap.max_items is not None:
            ks = np.flatnonzero(inside)
            cols = _segments(am.cstart[ks], np.diff(am.cstart)[ks])
            name = f"cap_items_{c}"
            names.append(name)
            notes[name] = f"at most {cap.max_items} items of category {c}"
            lengths.append(len(cols))
            idx.append(cols)
            data.append(np.ones(len(cols)))
            upper.append(float(cap.max_items))
        if cap.max_value_share is not None:
            s = cap.max_value_share
            member = inside[am.col_item[valued]]
            name = f"cap_share_{c}"
            names.append(name)
            notes[name] = f"category {c} at most {s:.0%} of the package value"
            lengths.append(len(valued))
            idx.append(valued)
            data.append(np.where(member, (1 - s) * am.value[valued], -s * am.value[valued]))
            upper.append(0.0)
    return _add(
        am,
        _block(
            "category_caps",
            names,
            np.asarray(lengths, dtype=np.int64),
            np.concatenate(idx),
            np.concatenate(data),
            -INF,
            np.asarray(upper),
            notes,
        ),
    )


def array_risk_budget(am: ArrayModel) -> RowBlock | None:
    """`define_risk_budget`: total risk (with ally penalties) within the budget."""
    b = am.base.scenario.risk_budget
    if b is None:
        return None
    cols = np.flatnonzero(am.risk != 0)
    return _add(
        am,
        _block(
            "risk_budget",
            ["risk_budget"],
            np.asarray([len(cols)]),
            cols,
            am.risk[cols],
            -INF,
            float(b),
            {"risk_budget": f"total risk at most {b:g}"},
        ),
    )


def array_ally_positions(am: ArrayModel) -> RowBlock | None:
    """`define_ally_positions`: a forced item an ally opposes is fixed to zero (no rows with
    `allow_opposed`: the penalty is in the risk)."""
    base = am.base
    if "ally_positions" in base.relaxed or base.scenario.allow_opposed:
        return None
    pos = am.candidate_pos()
    hits = [(item, allies) for item, allies in base.opposed.items() if item in pos]
    names = [f"ally_{k}" for k in range(len(hits))]
    notes = {n: f"{item} is opposed by {', '.join(allies)}" for n, (item, allies) in zip(names, hits)}
    return _add(am, _item_rows(am, "ally_positions", names, [[pos[i]] for i, _ in hits], -INF, 0.0, notes))


def array_coherence(am: ArrayModel) -> RowBlock | None:
    """`define_coherence`: a D/E item only with some relieved A/B/C item of its family, where the
    table has A/B/C items of that family (eligible or not: none eligible means the D/E item cannot
    enter). One row per such D/E candidate: its options +1, every option of the family's eligible
    hardware -1, <= 0."""
    base = am.base
    if not base.scenario.coherence:
        return None
    family, group = base.attr("family"), base.attr("group")
    codes, uniques = pd.factorize(pd.Series([family[i] for i in base.ids], dtype=object))
    code_of = dict(zip(base.ids, codes.tolist()))
    is_hw_id = np.asarray([group[i] in ("A", "B", "C") for i in base.ids], dtype=bool)
    has_hw = np.zeros(len(uniques), dtype=bool)
    has_hw[codes[is_hw_id]] = True
    fam = np.asarray([code_of[i] for i in base.candidates], dtype=np.int64)
    grp = [group[i] for i in base.candidates]
    is_hw = np.asarray([g in ("A", "B", "C") for g in grp], dtype=bool)
    is_de = np.asarray([g in ("D", "E") for g in grp], dtype=bool)
    hw = np.flatnonzero(is_hw)
    hw_sorted = hw[np.argsort(fam[hw], kind="stable")]
    hw_start = np.zeros(len(uniques) + 1, dtype=np.int64)
    np.cumsum(np.bincount(fam[hw], minlength=len(uniques)), out=hw_start[1:])
    am.family_code, am.hw_sorted, am.hw_start = fam, hw_sorted, hw_start
    rows = np.flatnonzero(is_de & has_hw[fam])
    am.coherence_items = rows
    own_n = am.cstart[rows + 1] - am.cstart[rows]
    # the hardware of each row: candidates hw_sorted[hw_start[f]:hw_start[f+1]], all their options
    f = fam[rows]
    n_hw = hw_start[f + 1] - hw_start[f]
    hw_items = hw_sorted[_segments(hw_start[f], n_hw)]
    hw_opts = am.cstart[hw_items + 1] - am.cstart[hw_items]
    hw_cols = _segments(am.cstart[hw_items], hw_opts)
    per_row_hw = np.bincount(np.repeat(np.arange(len(rows)), n_hw), weights=hw_opts, minlength=len(rows)).astype(
        np.int64
    )
    # row r: its hardware columns (-1) then its own columns (+1)
    lengths = per_row_hw + own_n
    total = int(lengths.sum())
    indices = np.empty(total, dtype=np.int64)
    data = np.empty(total)
    starts = np.zeros(len(rows), dtype=np.int64)
    if len(rows):
        np.cumsum(lengths[:-1], out=starts[1:])
    hw_pos = _segments(starts, per_row_hw)
    own_pos = _segments(starts + per_row_hw, own_n)
    indices[hw_pos], data[hw_pos] = hw_cols, -1.0
    indices[own_pos], data[own_pos] = _segments(am.cstart[rows], own_n), 1.0
    names = [f"coherence_{r}" for r in range(len(rows))]
    cands = base.candidates
    notes: dict[str, str] = {}
    for name, k, fk in zip(names, rows.tolist(), f.tolist()):
        hw_names = [cands[h] for h in hw_sorted[hw_start[fk] : hw_start[fk + 1]].tolist()]
        fam_name = family[cands[k]]
        notes[name] = f"{cands[k]} needs hardware of family {fam_name} relieved" + (
            f" ({', '.join(hw_names[:4])}{' ...' if len(hw_names) > 4 else ''})"
            if hw_names
            else " (none of it is eligible)"
        )
    return _add(am, _block("coherence", names, lengths, indices, data, -INF, 0.0, notes))


def array_nesting(am: ArrayModel) -> RowBlock | None:
    """`define_nesting`: a sub-item and its parent entry, never both."""
    pos = am.candidate_pos()
    pairs = [(item, parent) for item in am.base.candidates if (parent := parent_of(item)) is not None and parent in pos]
    names = [f"nesting_{k}" for k in range(len(pairs))]
    notes = {n: f"{item} is part of {parent}: not both" for n, (item, parent) in zip(names, pairs)}
    return _add(am, _item_rows(am, "nesting", names, [[pos[i], pos[p]] for i, p in pairs], -INF, 1.0, notes))


# ---------------------------------------------------------------------- objective
def set_array_objective(am: ArrayModel, objective: str, ties: str = "items") -> None:
    """`build.set_objective` on the arrays: the same coefficients, tie-breaks included."""
    risk, value = am.risk, am.value
    per_item_worst = np.maximum.reduceat(risk, am.cstart[:-1]) if am.n_cols else np.zeros(0)
    worst = 1.0 + float(per_item_worst.sum())
    pos_risk, pos_value = risk[risk > 0], value[value > 0]
    if objective == "min-risk":
        eps = TIE * (float(pos_risk.min()) if len(pos_risk) else 1.0)
        if ties == "value":
            total = float(value[value != 0].sum())
            per = eps / total if total > 0 else 0.0
            sliver = per * (float(pos_value.min()) if len(pos_value) else 1.0) * 1e-3
            cost = risk - per * value + sliver
        else:
            cost = risk + eps
        am.maximise = False
    elif objective == "max-value":
        eps = TIE * (float(pos_value.min()) if len(pos_value) else 1.0) / worst
        cost = value - eps * risk
        am.maximise = True
    elif objective == "min-items":
        cost = 1.0 + risk / worst
        am.maximise = False
    else:  # pragma: no cover - Scenario validates the objective
        raise ValueError(objective)
    am.cost = np.asarray(cost, dtype=np.float64)
    am.objective = objective
    am.base.objective = objective


def set_array_target(am: ArrayModel, target_usd: float) -> None:
    """Move the target row's lower bound (model units)."""
    b = am.block("target")
    assert b is not None
    b.lower[0] = target_usd / VALUE_UNIT
    if am._stacked is not None:
        am._stacked[3][am.row_range("target").start] = target_usd / VALUE_UNIT


# ---------------------------------------------------------------------- solve
#: HiGHS options of the array path on top of `highs.HIGHS_OPTIONS`. Presolve off: measured at
#: 100k-1M binaries, HiGHS's presolve costs more than it saves on this model (bench/bench_optimizer.py).
ARRAY_HIGHS_OPTIONS: dict[str, Any] = {"presolve": "off"}


@dataclass
class ArraySolve:
    """One HiGHS run on the arrays: the outcome, the column values, the row duals (relaxations)."""

    outcome: SolveOutcome
    x: FloatArray | None
    duals: FloatArray | None


def label() -> str:
    from optimizer.model import highs

    return f"HiGHS {highs.version()} (highspy in memory, item-major columns, model built as arrays)"


def solve_arrays(
    am: ArrayModel, *, time_limit: float, rel_gap: float, relaxation: bool = False, start: FloatArray | None = None
) -> ArraySolve:
    """Solve the array model with HiGHS; the status is HiGHS's model status (`solve.highs_status`).

    `start`: a package (0/1 per column) HiGHS may start from."""
    h = load_arrays(am, time_limit=time_limit, rel_gap=rel_gap, relaxation=relaxation)
    return run_arrays(h, am, relaxation=relaxation, start=start, rel_gap=rel_gap)


def load_arrays(am: ArrayModel, *, time_limit: float, rel_gap: float, relaxation: bool = False) -> Any:
    """A `highspy.Highs` holding the array model (the LP relaxation with `relaxation`), configured;
    a sweep keeps it and only moves the target row's bound between runs."""
    import highspy

    from optimizer.errors import DecontrolError
    from optimizer.model import highs

    indptr, indices, data, rlo, rup = am.stacked()
    n = am.n_cols
    if n == 0:
        raise DecontrolError("the array model has no columns")  # callers route empty models to PuLP
    h = highs.new_highs()
    highs.configure(h, time_limit, rel_gap)
    for key, val in ARRAY_HIGHS_OPTIONS.items():
        h.setOptionValue(key, val)
    sign = -1.0 if am.maximise else 1.0
    big = 1e30
    integrality = np.zeros(n, dtype=np.int32) if relaxation else np.ones(n, dtype=np.int32)
    status = h.passModel(
        n,
        len(rlo),
        len(indices),
        int(highspy.MatrixFormat.kRowwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        sign * am.cost,
        np.zeros(n),
        np.ones(n),
        np.clip(rlo, -big, big),
        np.clip(rup, -big, big),
        indptr.astype(np.int32),
        indices.astype(np.int32),
        data,
        integrality,
    )
    if status == highspy.HighsStatus.kError:
        raise DecontrolError("HiGHS rejected the model")
    return h


def run_arrays(
    h: Any,
    am: ArrayModel,
    *,
    relaxation: bool = False,
    start: FloatArray | None = None,
    rel_gap: float | None = None,
    time_limit: float | None = None,
) -> ArraySolve:
    """Run a loaded `Highs` (`load_arrays`) and read its true status, bound and gap (an "optimal"
    checked against `rel_gap`: `highs.checked_gap`). A relaxation not solved to optimality is no
    bound: it is reported `time_limit`, without values. `time_limit`: of this run (HiGHS counts
    its limit from the instance's first run: `highs.limit_run`)."""
    from optimizer.model.highs import checked_gap, limit_run
    from optimizer.model.solve import _gap, highs_status

    if start is not None and not relaxation:
        h.setSolution(_solution(start))
    if time_limit is not None:
        limit_run(h, time_limit)
    t0 = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t0
    info = h.getInfo()
    st = highs_status(h.getModelStatus(), int(info.primal_solution_status) == 2, h.modelStatusToString)
    if relaxation and st == Status.FEASIBLE:
        st = Status.TIME_LIMIT
    if st not in FOUND:
        return ArraySolve(SolveOutcome(st, label(), None, None, None, seconds), None, None)
    sol = h.getSolution()
    x = np.asarray(sol.col_value, dtype=np.float64)
    obj = float(am.cost @ x)
    if relaxation:
        return ArraySolve(
            SolveOutcome(Status.OPTIMAL, label(), obj, obj, 0.0, seconds), x, np.asarray(sol.row_dual, dtype=np.float64)
        )
    sign = -1.0 if am.maximise else 1.0
    b = float(info.mip_dual_bound)
    bound = sign * b if abs(b) < 1e300 else None
    g = float(info.mip_gap)
    gap = max(0.0, g) if abs(g) < 1e300 else (0.0 if st == Status.OPTIMAL else None)
    if gap is None and bound is not None:
        gap = _gap(obj, bound)
    st, gap = checked_gap(st, gap, obj, bound, rel_gap)
    return ArraySolve(SolveOutcome(st, label(), obj, bound, gap, seconds), x, None)


def _solution(x: FloatArray) -> Any:
    import highspy

    s = highspy.HighsSolution()
    s.col_value = list(map(float, x))
    s.value_valid = True
    return s


def chosen_columns(am: ArrayModel, x: FloatArray) -> IntArray:
    return np.flatnonzero(x > 0.5)


__all__ = [
    "ARRAY_HIGHS_OPTIONS",
    "ARRAY_MIN_BINARIES",
    "ArrayModel",
    "ArraySolve",
    "RowBlock",
    "array_category_caps",
    "array_coherence",
    "array_ally_positions",
    "array_forced",
    "array_max_items",
    "array_mode_choice",
    "array_nesting",
    "array_risk_budget",
    "array_target",
    "build_arrays",
    "chosen_columns",
    "label",
    "load_arrays",
    "run_arrays",
    "set_array_objective",
    "set_array_target",
    "solve_arrays",
]
