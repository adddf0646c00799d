"""Solve one package model for many targets without rebuilding it: the frontier's engine.

Only the target row's right-hand side changes from point to point, so the model is handed to the
solver once and each point just moves that bound:

- CBC (`CbcSweep`): PuLP writes the MPS file once; each point writes it again with the target line
  replaced (a string substitution), runs CBC with the same options as `solve.py`, and reads the
  solution file directly. PuLP's per-solve MPS writing and solution reading would otherwise cost
  as much as CBC itself on a 2k-binary model.
- HiGHS (`HighsSweep`): the model is built in highspy once; each point changes the row bound and
  re-runs (HiGHS keeps the model in memory).

Statuses are read as in `solve.py` (a time-limited run with a package is `feasible`, never
`optimal`).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
import uuid
from dataclasses import replace

import pulp

from optimizer.errors import DecontrolError
from optimizer.model.build import VALUE_UNIT, PackageModel
from optimizer.model.solve import (CBC_OPTIONS, SolveOutcome, _cbc_bound, _cbc_version, _gap, cbc_options,
                                   cbc_status)

Choices = dict[str, str]


class CbcSweep:
    """CBC on one model, any number of targets (see the module docstring)."""

    def __init__(self, m: PackageModel, *, time_limit: float, rel_gap: float) -> None:
        self.m = m
        self.time_limit, self.rel_gap = time_limit, rel_gap
        self.cmd = pulp.PULP_CBC_CMD(msg=False)
        if not self.cmd.available():
            raise DecontrolError(f"the CBC solver is not available at {self.cmd.path}")
        self.dir = tempfile.mkdtemp(prefix="decontrol-sweep-")
        base = os.path.join(self.dir, "model.mps")
        row = m.rows["target"]["target"]
        old = row.constant
        row.changeRHS(1.0)  # any non-zero value: the line is replaced per point
        try:
            _, var_names, row_names, _ = m.prob.writeMPS(base, rename=1)
        finally:
            row.constant = old
        with open(base, encoding="utf-8") as fh:
            text = fh.read()
        os.unlink(base)
        target_name = row_names["target"]
        line = re.compile(rf"^    RHS       {re.escape(target_name):<8}  .*$", re.M)
        found = line.search(text)
        if not found:
            raise RuntimeError("target row not found in the MPS file")  # a defect, not bad input
        self.head, self.tail = text[:found.start()], text[found.end():]
        self.target_name = target_name
        self.option_of = {var_names[v.name]: m.var_option[v.name] for v in m.x.values()}
        self.options = cbc_options(m)
        self.label = ""

    def solve(self, target_usd: float) -> tuple[SolveOutcome, Choices]:
        """The package for one target (status as in `solve.py`) and its {item: mode}."""
        out, choices = self._run(target_usd, self.options)
        if out.status == "infeasible" and self.options != CBC_OPTIONS:  # re-check with the plain settings
            again, choices = self._run(target_usd, CBC_OPTIONS)
            return replace(again, seconds=out.seconds + again.seconds), choices
        return out, choices

    def _run(self, target_usd: float, options: tuple[str, ...]) -> tuple[SolveOutcome, Choices]:
        tag = uuid.uuid4().hex[:8]
        mps, sol, log = (os.path.join(self.dir, f"{tag}.{ext}") for ext in ("mps", "sol", "log"))
        with open(mps, "w", encoding="utf-8") as fh:
            fh.write(self.head)
            fh.write("    RHS       %-8s  % .12e" % (self.target_name, target_usd / VALUE_UNIT))
            fh.write(self.tail)
        args = [self.cmd.path, mps]
        if self.m.prob.sense == pulp.LpMaximize:
            args.append("-max")
        args += ["-sec", f"{self.time_limit}", "-timeMode", "elapsed", "-ratio", f"{self.rel_gap}"]
        for opt in options:
            args += ["-" + opt.split()[0], *opt.split()[1:]]
        args += ["-solve", "-printingOptions", "all", "-solution", sol]
        t0 = time.perf_counter()
        try:
            with open(log, "w") as out:
                code = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
            seconds = time.perf_counter() - t0
            with open(log, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            if code != 0 or not os.path.exists(sol):
                raise DecontrolError(f"the CBC solver failed (exit code {code})")
            status, sol_status = self.cmd.get_status(sol)
            values = self._read_values(sol)
        finally:
            for f in (mps, sol, log):
                if os.path.exists(f):
                    os.unlink(f)
        self.label = f"CBC {_cbc_version(text)} (PuLP {pulp.__version__})"
        st = cbc_status(status, sol_status)
        if st not in ("optimal", "feasible"):
            return SolveOutcome(st, self.label, None, None, None, seconds), {}
        choices = {self.option_of[n][0]: self.option_of[n][1] for n, v in values.items() if v > 0.5}
        obj = sum(coef for var, coef in self.m.prob.objective.items()
                  if choices.get(self.m.var_option[var.name][0]) == self.m.var_option[var.name][1])
        bound = _cbc_bound(text)
        gap = (0.0 if bound is None else _gap(obj, bound)) if st == "optimal" else _gap(obj, bound)
        return SolveOutcome(st, self.label, obj, bound if bound is not None else obj, gap, seconds), choices

    def _read_values(self, path: str) -> dict[str, float]:
        values: dict[str, float] = {}
        with open(path) as fh:
            fh.readline()
            for line in fh:
                parts = line.split()
                if len(parts) < 3:
                    continue
                if parts[0] == "**":
                    parts = parts[1:]
                name = parts[1]
                if name in self.option_of:
                    values[name] = float(parts[2])
        return values

    def close(self) -> None:
        try:
            os.rmdir(self.dir)
        except OSError:
            pass


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

    def close(self) -> None:
        pass


def make_sweep(m: PackageModel) -> CbcSweep | HighsSweep:
    """The sweep engine for the scenario's solver."""
    sc = m.scenario
    cls = HighsSweep if sc.solver == "highs" else CbcSweep
    return cls(m, time_limit=sc.time_limit_s, rel_gap=sc.rel_gap)


__all__ = ["CbcSweep", "HighsSweep", "make_sweep"]
