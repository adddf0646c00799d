"""Hand a PuLP package model to HiGHS in memory (highspy), with columns in item-major order.

PuLP's own HiGHS call adds columns one by one in *name-sorted* order (`x_10_full` before
`x_1_full`) and rows one by one; measured on this model, that order, not HiGHS, made HiGHS look slow
(bench/bench_optimizer.py). Here the model's binaries keep their build order (item by item, each
item's modes together), then any other variable its rows or objective use; the matrix goes to
`Highs.passModel` as numpy arrays in one call. Values and row duals are set on the PuLP objects as
PuLP would set them, so everything downstream reads the model as usual.

The matrix is cached on the model (`solver_cache["highs_matrix"]`) while its objective and rows are
the same objects, as `cbc.CbcFile` caches its column section: the duals' LP relaxation and the
largest-achievable solve reuse it. Bounds and right-hand sides are read afresh on every solve.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pulp

from optimizer.errors import DecontrolError
from optimizer.model.build import PackageModel
from optimizer.model.rows import model_rows
from optimizer.vocabulary import FOUND, Status

#: HiGHS options used on every solve (see solve.py's docstring for the tolerance). The absolute gap
#: (default 1e-6, i.e. US$1 of value or 1e-6 risk) would stop a solve before the relative gap the
#: caller asked for on small objectives and leave tie-breaks unresolved; HiGHS stops at whichever
#: gap is met first, so a small absolute gap costs nothing when the relative one is looser.
HIGHS_OPTIONS: dict[str, object] = {"mip_feasibility_tolerance": 1e-9, "threads": 1, "mip_abs_gap": 1e-9}

_BANNER_LOCK = threading.Lock()
_BANNER_DONE = False


@dataclass
class HighsAnswer:
    """What one HiGHS run returned (objective and bound in the PuLP model's own sense)."""

    status: str  # one of solve.STATUSES
    values: np.ndarray | None  # a value per variable of `HighsMatrix.variables` (None: no solution)
    duals: np.ndarray | None  # a dual per row (PuLP's sign convention), relaxations only
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float


def available() -> bool:
    return importlib.util.find_spec("highspy") is not None


def new_highs() -> Any:
    """A `highspy.Highs` with its output off. HiGHS prints a banner to the process's standard output
    when the first instance is made, which would corrupt the CLI's JSON; it is sent to /dev/null."""
    global _BANNER_DONE
    if not available():
        raise DecontrolError("the HiGHS solver is not installed (pip install highspy), use --solver cbc")
    import highspy

    with _BANNER_LOCK:
        if _BANNER_DONE:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, 1)
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(null)
            _BANNER_DONE = True
    h.setOptionValue("output_flag", False)
    return h


class HighsMatrix:
    """The model as numpy arrays: item-major columns, row-wise matrix (see the module docstring)."""

    def __init__(self, m: PackageModel) -> None:
        prob = m.prob
        named = model_rows(prob)
        self.rows = list(named.values())
        self.row_names = list(named)
        self.maximise = prob.sense == pulp.LpMaximize
        key = (prob.objective, tuple(map(id, self.rows)))
        cached = m.solver_cache.get("highs_matrix")
        if cached is not None and cached[0][0] is key[0] and cached[0][1] == key[1]:
            self.variables, self.cost, self.offset, self.start, self.index, self.value = cached[1:]
        else:
            self._build(m)
            m.solver_cache["highs_matrix"] = (
                key,
                self.variables,
                self.cost,
                self.offset,
                self.start,
                self.index,
                self.value,
            )

    def _build(self, m: PackageModel) -> None:
        variables = list(m.x.values())
        col = {v.name: k for k, v in enumerate(variables)}
        start, index, value = [0], [], []
        for row in self.rows:
            for var, coef in row.items():
                if not coef:
                    continue
                k = col.get(var.name)
                if k is None:
                    k = col[var.name] = len(variables)
                    variables.append(var)
                index.append(k)
                value.append(coef)
            start.append(len(index))
        cost = {}
        objective = m.prob.objective or pulp.LpAffineExpression()
        for var, coef in objective.items():
            k = col.get(var.name)
            if k is None:
                k = col[var.name] = len(variables)
                variables.append(var)
            cost[k] = coef
        self.variables = variables
        sign = -1.0 if self.maximise else 1.0  # HiGHS minimises, as PuLP hands it the model (duals alike)
        self.offset = sign * float(objective.constant or 0.0)
        self.cost = np.zeros(len(variables))
        if cost:
            self.cost[list(cost)] = sign * np.fromiter(cost.values(), float, len(cost))
        self.start = np.asarray(start, dtype=np.int32)
        self.index = np.asarray(index, dtype=np.int32)
        self.value = np.asarray(value, dtype=np.float64)

    def bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Column bounds, integrality, row bounds from the PuLP objects as they are now."""
        inf = 1e30
        n = len(self.variables)
        lo, up, integer = np.empty(n), np.empty(n), np.zeros(n, dtype=np.int32)
        for k, v in enumerate(self.variables):
            lo[k] = -inf if v.lowBound is None else v.lowBound
            up[k] = inf if v.upBound is None else v.upBound
            integer[k] = v.cat == pulp.LpInteger
        rlo, rup = np.empty(len(self.rows)), np.empty(len(self.rows))
        for r, row in enumerate(self.rows):
            rhs = -row.constant
            rlo[r] = rhs if row.sense in (pulp.LpConstraintGE, pulp.LpConstraintEQ) else -inf
            rup[r] = rhs if row.sense in (pulp.LpConstraintLE, pulp.LpConstraintEQ) else inf
        return lo, up, integer, rlo, rup

    def load(self, h: Any, relaxation: bool = False) -> None:
        """Pass the model to `h` in one call."""
        import highspy

        lo, up, integer, rlo, rup = self.bounds()
        if relaxation:
            integer = np.zeros_like(integer)
        status = h.passModel(
            len(self.variables),
            len(self.rows),
            len(self.index),
            int(highspy.MatrixFormat.kRowwise),
            int(highspy.ObjSense.kMinimize),
            self.offset,
            self.cost,
            lo,
            up,
            rlo,
            rup,
            self.start,
            self.index,
            self.value,
            integer,
        )
        if status == highspy.HighsStatus.kError:
            raise DecontrolError("HiGHS rejected the model")


def configure(h: Any, time_limit: float, rel_gap: float) -> None:
    for key, val in HIGHS_OPTIONS.items():
        h.setOptionValue(key, val)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(rel_gap))


def run(h: Any, matrix: HighsMatrix, relaxation: bool = False, rel_gap: float | None = None) -> HighsAnswer:
    """Run `h` (already loaded and configured) and read its true status (see `solve.highs_status`).

    With `rel_gap`, an "optimal" whose own objective and bound are further apart than that gap
    (and than the absolute gap) is reported `feasible` with the gap they show (`checked_gap`)."""
    from optimizer.model.solve import highs_status

    t0 = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t0
    info = h.getInfo()
    status = highs_status(h.getModelStatus(), int(info.primal_solution_status) == 2, h.modelStatusToString)
    if status not in FOUND:
        return HighsAnswer(status, None, None, None, None, None, seconds)
    sol = h.getSolution()
    values = np.asarray(sol.col_value)
    sign = -1.0 if matrix.maximise else 1.0
    obj = sign * float(info.objective_function_value)
    if relaxation:
        return HighsAnswer(Status.OPTIMAL, values, np.asarray(sol.row_dual), obj, obj, 0.0, seconds)
    b = float(info.mip_dual_bound)
    bound = sign * b if abs(b) < 1e300 else None
    g = float(info.mip_gap)
    gap = max(0.0, g) if abs(g) < 1e300 else (0.0 if status == Status.OPTIMAL else None)
    status, gap = checked_gap(status, gap, obj, bound, rel_gap)
    return HighsAnswer(status, values, None, obj, bound, gap, seconds)


def limit_run(h: Any, seconds: float) -> None:
    """Give the next run of `h` `seconds`: HiGHS compares its time limit with the instance's run
    clock, which keeps counting across runs, so a reused instance (a sweep) would otherwise reach
    the limit after a few points and stop every later one at once."""
    h.setOptionValue("time_limit", float(h.getRunTime()) + float(seconds))


def checked_gap(
    status: str, gap: float | None, objective: float, bound: float | None, rel_gap: float | None
) -> tuple[str, float | None]:
    """HiGHS's "optimal" checked against its own objective and bound: when they are further apart
    than `rel_gap` and than the absolute gap (HIGHS_OPTIONS), the package is not proven - `feasible`
    with that gap (seen after re-running a MIP with a changed row bound: `sweep.HighsSweep`)."""
    if status != Status.OPTIMAL or rel_gap is None or bound is None:
        return status, gap
    apart = abs(objective - bound)
    own = apart / max(abs(objective), 1e-9)
    if own > rel_gap + 1e-9 and apart > float(HIGHS_OPTIONS["mip_abs_gap"]) * 10:  # type: ignore[arg-type]
        return Status.FEASIBLE, own
    return status, gap


def solve(m: PackageModel, *, time_limit: float, rel_gap: float, relaxation: bool = False) -> HighsAnswer:
    """One HiGHS solve of `m` in memory; values (and duals of a relaxation) are set on the PuLP objects."""
    matrix = HighsMatrix(m)
    h = new_highs()
    configure(h, time_limit, rel_gap)
    matrix.load(h, relaxation)
    answer = run(h, matrix, relaxation, rel_gap=None if relaxation else rel_gap)
    assign(m, matrix, answer)
    return answer


def assign(m: PackageModel, matrix: HighsMatrix, answer: HighsAnswer) -> None:
    """Set values (and duals) on the PuLP objects as PuLP's HiGHS interface would."""
    if answer.values is None:
        for var in matrix.variables:
            var.varValue = None
        return
    for var, val in zip(matrix.variables, answer.values.tolist()):
        var.varValue = val
    duals = answer.duals.tolist() if answer.duals is not None else [None] * len(matrix.rows)
    for row, pi in zip(matrix.rows, duals):
        row.pi = pi


@lru_cache(maxsize=1)
def version() -> str:
    # imported here: importlib.metadata (and the email package it loads) is 5 ms of a process that
    # never names HiGHS, such as a frontier on the knapsack solver
    from importlib import metadata

    try:
        return metadata.version("highspy")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "?"


def label() -> str:
    return f"HiGHS {version()} (highspy in memory, item-major columns)"


__all__ = [
    "HIGHS_OPTIONS",
    "HighsAnswer",
    "HighsMatrix",
    "assign",
    "available",
    "checked_gap",
    "configure",
    "label",
    "limit_run",
    "new_highs",
    "run",
    "solve",
    "version",
]
