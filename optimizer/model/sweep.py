"""Solve one package model for many targets without rebuilding it: the frontier's engine.

Only the target row's right-hand side changes from point to point, so the model is handed to the
solver once and each point just moves that bound:

- CBC (`CbcSweep`): the MPS text is built once (`cbc.CbcFile`); each point writes it with the
  target line changed and runs CBC with the same options as `solve.py`.
- HiGHS (`HighsSweep`): the model is passed to highspy once (`highs.HighsMatrix`, item-major
  columns); each point changes the row bound and re-runs.

Statuses are read as in `solve.py` (a time-limited run with a package is `feasible`, never
`optimal`), and the same proof discipline applies per point: an `infeasible` point, and an
`optimal` one from CBC with cuts and preprocessing on, is confirmed on the other solver
(`solve.confirm`) before it is reported.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pulp

from optimizer.model import mckp
from optimizer.model.build import VALUE_UNIT, PackageModel
from optimizer.model.cbc import CbcCrashed, CbcFile, run_cbc
from optimizer.model.mckp import Mckp
from optimizer.model.solve import (
    CBC_OPTIONS,
    CBC_SAFE_OPTIONS,
    CbcSolver,
    SolveOutcome,
    cbc_options,
    confirm,
    get_solver,
    knapsack_problem,
    outcome_from,
)
from optimizer.vocabulary import Status

Choices = dict[str, str]


class _Sweep(ABC):
    """Shared reading of a point's package: {item: mode} and its objective from the model's coefficients."""

    def __init__(self, m: PackageModel, *, time_limit: float, rel_gap: float) -> None:
        self.m = m
        self.time_limit, self.rel_gap = time_limit, rel_gap
        self.objective = {v.name: c for v, c in (m.prob.objective or {}).items()}
        self.minimise = m.prob.sense != pulp.LpMaximize
        self._second: _Sweep | None = None

    def solve(self, target_usd: float) -> tuple[SolveOutcome, Choices]:
        """The package for one target (status as in `solve.py`) and its {item: mode}."""
        try:
            out, choices = self.run(target_usd)
        except CbcCrashed as exc:  # no verdict from CBC: the other solver's answer stands
            out, choices = self.second().run(target_usd)
            return replace(out, note=f"{exc}; {out.solver.split(' ')[0]}'s answer is reported"), choices
        if out.status == Status.INFEASIBLE or (out.status == Status.OPTIMAL and not self.trusted):
            engine = self.second()
            try:
                second, other = engine.run(target_usd)
            except CbcCrashed as exc:
                second, other = SolveOutcome(Status.TIME_LIMIT, f"CBC ({exc})", None, None, None, 0.0), {}
            out, kept_first = confirm(
                out, second, minimise=self.minimise, rel_gap=self.rel_gap, second_proves=engine.trusted
            )
            if not kept_first:
                choices = other
            elif not out.has_solution:
                choices = {}
        return out, choices

    #: Whether this engine's "optimal" is a proof (see solve.py).
    trusted = True

    @abstractmethod
    def run(self, target_usd: float) -> tuple[SolveOutcome, Choices]:
        """Solve the sweep's model at one target (each engine moves the target row its own way)."""

    def second(self) -> _Sweep:
        """The engine on the other solver path, used to confirm an untrusted verdict: HiGHS where it
        is installed, else CBC with its safe options (made once per sweep; HiGHS's own sweep says CBC)."""
        from optimizer.model import highs

        if self._second is None:
            self._second = (
                HighsSweep(self.m, time_limit=self.time_limit, rel_gap=self.rel_gap)
                if highs.available()
                else CbcSweep(self.m, time_limit=self.time_limit, rel_gap=self.rel_gap, options=CBC_SAFE_OPTIONS)
            )
        return self._second

    def _choices(self, names: Iterable[str]) -> tuple[Choices, float]:
        option = self.m.var_option
        chosen = [n for n in names if n in option]
        return {option[n][0]: option[n][1] for n in chosen}, sum(self.objective.get(n, 0.0) for n in chosen)


class CbcSweep(_Sweep):
    """CBC on one model, any number of targets (see the module docstring)."""

    def __init__(
        self, m: PackageModel, *, time_limit: float, rel_gap: float, options: tuple[str, ...] | None = None
    ) -> None:
        super().__init__(m, time_limit=time_limit, rel_gap=rel_gap)
        self.file = CbcFile(m)
        self.options = cbc_options(m) if options is None else options
        self.trusted = self.options != CBC_OPTIONS

    def run(self, target_usd: float) -> tuple[SolveOutcome, Choices]:
        answer = run_cbc(
            self.file, options=self.options, time_limit=self.time_limit, rel_gap=self.rel_gap, target_usd=target_usd
        )
        choices, objective = self._choices(n for n, v in answer.values.items() if v > 0.5)
        out = outcome_from(answer.status, answer.sol_status, answer.log, answer.seconds, objective, False, self.rel_gap)
        return (out, choices) if out.has_solution else (out, {})


class HighsSweep(_Sweep):
    """HiGHS on one model held in memory; each target only changes a row bound."""

    def __init__(self, m: PackageModel, *, time_limit: float, rel_gap: float) -> None:
        from optimizer.model import highs

        super().__init__(m, time_limit=time_limit, rel_gap=rel_gap)
        self.matrix = highs.HighsMatrix(m)
        self.h = highs.new_highs()
        highs.configure(self.h, time_limit, rel_gap)
        self.matrix.load(self.h)
        self.row = self.matrix.row_names.index("target")
        self.names = [v.name for v in self.matrix.variables]
        self.label = highs.label()

    def run(self, target_usd: float) -> tuple[SolveOutcome, Choices]:
        import highspy

        from optimizer.model import highs

        self.h.changeRowBounds(self.row, target_usd / VALUE_UNIT, highspy.kHighsInf)
        # HiGHS 1.16 re-running a MIP after a bound change (presolve on) can return the previous
        # target's package as "optimal" with a bound that does not match it; clearing the solver
        # state first makes each point a fresh solve of the same loaded model
        self.h.clearSolver()
        highs.limit_run(self.h, self.time_limit)
        answer = highs.run(self.h, self.matrix, rel_gap=self.rel_gap)
        if answer.values is None:
            return SolveOutcome(answer.status, self.label, None, None, None, answer.seconds), {}
        choices, objective = self._choices(n for n, v in zip(self.names, answer.values.tolist()) if v > 0.5)
        return SolveOutcome(answer.status, self.label, objective, answer.bound, answer.gap, answer.seconds), choices

    def second(self) -> _Sweep:
        if self._second is None:
            self._second = CbcSweep(self.m, time_limit=self.time_limit, rel_gap=self.rel_gap, options=CBC_SAFE_OPTIONS)
        return self._second


class KnapsackSweep(_Sweep):
    """The knapsack class's own solver (`mckp.py`: core DP, else branch and bound) in process; each target is a new search
    on the same arrays. Its "optimal" is a proof to the gap (Lagrangian bound); an `infeasible` is
    confirmed on HiGHS (or CBC) like any other (`_Sweep.solve`)."""

    def __init__(self, m: PackageModel, problem: Mckp, *, time_limit: float, rel_gap: float) -> None:
        super().__init__(m, time_limit=time_limit, rel_gap=rel_gap)
        self.problem = problem
        self.last: Any = None  # the last package found: meets every lower target (a start there)
        self._milp: CbcSweep | HighsSweep | None = None

    def run(self, target_usd: float) -> tuple[SolveOutcome, Choices]:
        ans = self.problem.solve(
            target_usd / VALUE_UNIT, self.rel_gap, self.time_limit, max_nodes=mckp.NODE_BUDGET, start=self.last
        )
        if ans.stopped == "nodes":  # a hard point: CBC's compiled branch and bound takes it from here
            if self._milp is None:
                cls = CbcSweep if CbcSolver().available() else HighsSweep
                self._milp = cls(self.m, time_limit=self.time_limit, rel_gap=self.rel_gap)
            return self._milp.run(target_usd)
        if ans.choice is not None:
            self.last = ans.choice
        if ans.choice is None:
            return SolveOutcome(ans.status, ans.solver, None, None, None, ans.seconds), {}
        choices = self.problem.choices(ans.choice)
        out = SolveOutcome(ans.status, ans.solver, ans.objective, ans.bound, ans.gap, ans.seconds)
        return out, choices


def make_sweep(m: PackageModel, time_limit: float | None = None) -> CbcSweep | HighsSweep | KnapsackSweep:
    """The sweep engine for the scenario's solver (`time_limit` per point; default the scenario's).

    `auto` takes the knapsack solver (core DP, then branch and bound) for a model it can read
    (`solve.choose_solver`: the bench shows it 6-7x faster than the CBC sweep at 2k-20k binaries);
    `cbc` and `highs` keep their MILP sweeps."""
    sc = m.scenario
    limit = sc.time_limit_s if time_limit is None else time_limit
    name = get_solver(sc.solver, m, sweep=True).name
    if name == "knapsack":
        problem = knapsack_problem(m)
        assert problem is not None, "auto picks the knapsack solver only for a model it can read"
        return KnapsackSweep(m, problem, time_limit=limit, rel_gap=sc.rel_gap)
    cls = HighsSweep if name == "highs" else CbcSweep
    return cls(m, time_limit=limit, rel_gap=sc.rel_gap)


__all__ = ["CbcSweep", "HighsSweep", "KnapsackSweep", "make_sweep"]
