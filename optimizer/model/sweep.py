"""Solve one package model for many targets without rebuilding it: the frontier's engine.

Only the target row's right-hand side changes from point to point, so the model is handed to the
solver once and each point just moves that bound:

- CBC (`CbcSweep`): the MPS text is built once (`cbc.CbcFile`); each point writes it with the
  target line changed and runs CBC with the same options as `solve.py`.
- HiGHS (`HighsSweep`): the model is built in highspy once; each point changes the row bound and
  re-runs (HiGHS keeps the model in memory).

Statuses are read as in `solve.py` (a time-limited run with a package is `feasible`, never
`optimal`).
"""

from __future__ import annotations

import time
from dataclasses import replace

import pulp

from optimizer.model.build import VALUE_UNIT, PackageModel
from optimizer.model.cbc import CbcFile, run_cbc
from optimizer.model.solve import CBC_OPTIONS, SolveOutcome, cbc_options, outcome_from

Choices = dict[str, str]


class CbcSweep:
    """CBC on one model, any number of targets (see the module docstring)."""

    def __init__(self, m: PackageModel, *, time_limit: float, rel_gap: float) -> None:
        self.m = m
        self.time_limit, self.rel_gap = time_limit, rel_gap
        self.file = CbcFile(m)
        self.options = cbc_options(m)
        self.objective = {v.name: c for v, c in (m.prob.objective or {}).items()}

    def solve(self, target_usd: float) -> tuple[SolveOutcome, Choices]:
        """The package for one target (status as in `solve.py`) and its {item: mode}."""
        out, choices = self._run(target_usd, self.options)
        if out.status == "infeasible" and self.options != CBC_OPTIONS:  # re-check with the plain settings
            again, choices = self._run(target_usd, CBC_OPTIONS)
            return replace(again, seconds=out.seconds + again.seconds), choices
        return out, choices

    def _run(self, target_usd: float, options: tuple[str, ...]) -> tuple[SolveOutcome, Choices]:
        answer = run_cbc(self.file, options=options, time_limit=self.time_limit, rel_gap=self.rel_gap,
                         target_usd=target_usd)
        option = self.m.var_option
        chosen = [name for name, v in answer.values.items() if v > 0.5 and name in option]
        objective = sum(self.objective.get(name, 0.0) for name in chosen)
        out = outcome_from(answer.status, answer.sol_status, answer.log, answer.seconds, objective, False,
                           self.rel_gap)
        if not out.has_solution:
            return out, {}
        return out, {option[name][0]: option[name][1] for name in chosen}


class HighsSweep:
    """HiGHS on one model held in memory; each target only changes a row bound."""

    def __init__(self, m: PackageModel, *, time_limit: float, rel_gap: float) -> None:
        from optimizer.model.solve import HIGHS_OPTIONS, _highs_version
        self.m = m
        self.cmd = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=rel_gap, threads=1, **HIGHS_OPTIONS)
        self.cmd.createAndConfigureSolver(m.prob)
        self.cmd.buildSolverModel(m.prob)
        self.h = m.prob.solverModel
        self.row = m.rows["target"]["target"].index
        self.vars = list(m.x.items())
        self.label = f"HiGHS {_highs_version()} (highspy, PuLP {pulp.__version__})"

    def solve(self, target_usd: float) -> tuple[SolveOutcome, Choices]:
        import highspy
        from optimizer.model.solve import _finite, highs_status
        self.h.changeRowBounds(self.row, target_usd / VALUE_UNIT, highspy.kHighsInf)
        t0 = time.perf_counter()
        self.h.run()
        seconds = time.perf_counter() - t0
        info = self.h.getInfo()
        st = highs_status(self.h.getModelStatus(), int(info.primal_solution_status) == 2,
                          self.h.modelStatusToString)
        if st not in ("optimal", "feasible"):
            return SolveOutcome(st, self.label, None, None, None, seconds), {}
        col = self.h.getSolution().col_value
        choices = {o[0]: o[1] for o, v in self.vars if col[v.index] > 0.5}
        sign = -1.0 if self.m.prob.sense == pulp.LpMaximize else 1.0
        obj = sign * float(info.objective_function_value)
        bound = sign * float(info.mip_dual_bound) if _finite(info.mip_dual_bound) else None
        gap = max(0.0, float(info.mip_gap)) if _finite(info.mip_gap) else (0.0 if st == "optimal" else None)
        return SolveOutcome(st, self.label, obj, bound, gap, seconds), choices


def make_sweep(m: PackageModel, time_limit: float | None = None) -> CbcSweep | HighsSweep:
    """The sweep engine for the scenario's solver (`time_limit` per point; default the scenario's)."""
    sc = m.scenario
    cls = HighsSweep if sc.solver == "highs" else CbcSweep
    return cls(m, time_limit=sc.time_limit_s if time_limit is None else time_limit, rel_gap=sc.rel_gap)


__all__ = ["CbcSweep", "HighsSweep", "make_sweep"]
