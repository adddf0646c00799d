"""Run a named solver on the package model and read back the *true* status.

CBC (bundled with PuLP 3.3) is the default and HiGHS (highspy) an option; both are named in every
result. PuLP's status alone is not enough: a time-limited run that found a package but did not prove
it optimal still reports `Optimal`, so the status here comes from `sol_status` for CBC (2 = integer
feasible, not proven) and from the HiGHS model status for HiGHS.

Statuses: `optimal` (proven within the relative gap), `feasible` (a package, stopped by the time
limit; `gap` says how far from proven), `infeasible`, `time_limit` (stopped before any package).

CBC options were chosen on measurements (bench/bench_optimizer.py, and option sweeps over
generated tables of 2k-20k binaries at several targets). The feasibility pump spends most of the
time on this model and finds nothing the other heuristics miss, so it is always off. A min-risk
model whose only aggregate row is the target (a multiple-choice knapsack: the frontier, most
packages) is solved 2-5x faster without cuts, preprocessing, diving heuristics and strong
branching; with a risk budget, item or category limits, or another objective, those settings can
be 20x slower (cuts and diving matter there), so they are used for that model class only. (Turning
all heuristics off was as fast but made CBC call a feasible one-item model infeasible when the
root LP was integral within tolerance; as a guard, an `infeasible` verdict reached with the fast
settings is always re-checked with the plain ones.)

HiGHS runs without presolve: on this model it was slower at every size measured (2k, 20k, 100k
binaries), and at 100k its presolve ran for 133 s through a 30 s time limit and found nothing,
while HiGHS without presolve proved 0.05% in 9 s (CBC: 1.8 s).

Both solvers run with an integrality tolerance of 1e-9 instead of 1e-6: with values up to US$10bn
(1e4 model units) the default let a solver take 1e-7 of a large item as "integral", i.e. count
value that rounding then removes; at 1e-9 the resolution is a few dollars. Measured: no slower.
"""

from __future__ import annotations

import importlib.util
import re
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import metadata

import pulp

from optimizer.errors import DecontrolError
from optimizer.model.build import PackageModel

#: Extra CBC command-line options (see the module docstring and the benchmark).
CBC_OPTIONS: tuple[str, ...] = ("feas off", f"integerT {1e-9}")
#: Added for min-risk models whose only aggregate row is the target (see the module docstring).
CBC_KNAPSACK_OPTIONS: tuple[str, ...] = ("cuts off", "preprocess off", "diveopt 0", "strong 0")
#: Row families that keep a min-risk model a plain multiple-choice knapsack.
_KNAPSACK_FAMILIES = frozenset({"mode_choice", "target", "forced", "coherence", "nesting", "ally_positions"})
#: Extra HiGHS options (see the benchmark).
HIGHS_OPTIONS: dict[str, object] = {"mip_feasibility_tolerance": 1e-9, "presolve": "off"}

STATUSES: tuple[str, ...] = ("optimal", "feasible", "infeasible", "time_limit")


@dataclass(frozen=True)
class SolveOutcome:
    """What a solver run established."""

    status: str                 # one of STATUSES
    solver: str                 # e.g. "CBC 2.10.3 (PuLP 3.3.2)"
    objective: float | None     # objective value of the package found (None: no package)
    bound: float | None         # best proven bound on the objective, when the solver reports one
    gap: float | None           # relative gap |objective - bound| / |objective| (0 when proven optimal)
    seconds: float              # wall-clock time of the solve call

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


def solve_model(m: PackageModel, *, solver: str | None = None, time_limit: float | None = None,
                rel_gap: float | None = None, warm_start: bool = False, relaxation: bool = False) -> SolveOutcome:
    """Solve `m` in place (variable values and row duals are set on the PuLP objects).

    Defaults come from the scenario. `warm_start` passes the variables' current values as a starting
    package (CBC only); `relaxation` solves the LP relaxation (for duals).
    """
    sc = m.scenario
    name = solver or sc.solver
    limit = sc.time_limit_s if time_limit is None else time_limit
    gap = sc.rel_gap if rel_gap is None else rel_gap
    if not m.x:
        return _without_variables(m, name)
    if name == "cbc":
        options = cbc_options(m)
        out = _solve_cbc(m, limit, gap, warm_start, relaxation, options)
        if out.status == "infeasible" and options != CBC_OPTIONS:  # re-check with the plain settings
            again = _solve_cbc(m, limit, gap, warm_start, relaxation, CBC_OPTIONS)
            return replace(again, seconds=out.seconds + again.seconds)
        return out
    if name == "highs":
        return _solve_highs(m.prob, limit, gap, relaxation)
    raise DecontrolError(f"unknown solver '{name}': expected cbc or highs")


def _without_variables(m: PackageModel, name: str) -> SolveOutcome:
    """No item can enter: the empty package, if the target is zero (the solvers need columns)."""
    row = m.rows["target"]["target"]
    label = {"cbc": "CBC", "highs": "HiGHS"}.get(name, name) + " (not called: no eligible item)"
    if -row.constant <= 0:
        return SolveOutcome("optimal", label, 0.0, 0.0, 0.0, 0.0)
    return SolveOutcome("infeasible", label, None, None, None, 0.0)


# ---------------------------------------------------------------------- CBC
def cbc_options(m: PackageModel) -> tuple[str, ...]:
    """CBC options for this model (see the module docstring)."""
    families = {f for f, rows in m.rows.items() if rows}
    if m.objective == "min-risk" and families <= _KNAPSACK_FAMILIES:
        return CBC_OPTIONS + CBC_KNAPSACK_OPTIONS
    return CBC_OPTIONS


def _solve_cbc(m: PackageModel, limit: float, gap: float, warm: bool, relaxation: bool,
               options: tuple[str, ...] = CBC_OPTIONS) -> SolveOutcome:
    from optimizer.model.cbc import CbcFile, assign, run_cbc
    f = CbcFile(m)
    start = [float(v.varValue or 0.0) for v in f.variables] if warm else None
    answer = run_cbc(f, options=options, time_limit=limit, rel_gap=gap, relaxation=relaxation, start=start)
    assign(m, f, answer)
    return outcome_from(answer.status, answer.sol_status, answer.log, answer.seconds,
                        float(pulp.value(m.prob.objective) or 0.0), relaxation, gap)


def outcome_from(status: int, sol_status: int, log: str, seconds: float, objective: float,
                 relaxation: bool, rel_gap: float) -> SolveOutcome:
    """A SolveOutcome from CBC's status codes and log (the objective is evaluated by the caller)."""
    label = f"CBC {_cbc_version(log)} (bundled with PuLP {pulp.__version__})"
    st = cbc_status(status, sol_status, relaxation)
    if st not in ("optimal", "feasible"):
        return SolveOutcome(st, label, None, None, None, seconds)
    if relaxation:
        return SolveOutcome("optimal", label, objective, objective, 0.0, seconds)
    bound = _cbc_bound(log)
    gap = _gap(objective, bound)
    if st == "optimal":  # CBC stopped because the gap is within rel_gap; its printed bound is rounded
        gap = 0.0 if gap is None else min(gap, rel_gap)
    return SolveOutcome(st, label, objective, bound, gap, seconds)


def cbc_status(status: int, sol_status: int, relaxation: bool = False) -> str:
    """The true status of a CBC run from PuLP's `status` and `sol_status`.

    PuLP reports a time-limited run that found a package as `status` Optimal with `sol_status`
    LpSolutionIntegerFeasible (2): that is `feasible`, not `optimal`.
    """
    if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        return "infeasible"
    if status == pulp.LpStatusNotSolved or sol_status == pulp.LpSolutionNoSolutionFound:
        return "time_limit"
    if status != pulp.LpStatusOptimal:
        raise DecontrolError(f"CBC ended with status {pulp.LpStatus.get(status, status)}")
    if sol_status == pulp.LpSolutionOptimal or relaxation:
        return "optimal"
    if sol_status == pulp.LpSolutionIntegerFeasible:
        return "feasible"
    raise DecontrolError(f"CBC ended with an unexpected solution status {sol_status}")


def _cbc_bound(log: str) -> float | None:
    """CBC's best bound: from "best possible" (full precision) if logged, else the rounded summary."""
    found = re.findall(r"\(best possible ([-+0-9.eE]+)\)", log)
    if not found:
        found = re.findall(r"^(?:Lower|Upper) bound:\s+(\S+)", log, re.M)
    try:
        return float(found[-1]) if found else None
    except ValueError:
        return None


def _cbc_version(log: str) -> str:
    m = re.search(r"^Version:\s*(\S+)", log, re.M)
    return m.group(1) if m else "(bundled)"


# ---------------------------------------------------------------------- HiGHS
def _solve_highs(prob: pulp.LpProblem, limit: float, rel_gap: float, relaxation: bool) -> SolveOutcome:
    if importlib.util.find_spec("highspy") is None:  # a clear message before PuLP fails vaguely
        raise DecontrolError("the HiGHS solver is not installed (pip install highspy), use --solver cbc")
    cmd = pulp.HiGHS(msg=False, timeLimit=limit, gapRel=rel_gap, mip=not relaxation, threads=1, **HIGHS_OPTIONS)
    t0 = time.perf_counter()
    try:
        prob.solve(cmd)
    except pulp.PulpSolverError as exc:
        raise DecontrolError(f"the HiGHS solver failed: {exc}") from None
    seconds = time.perf_counter() - t0
    label = f"HiGHS {_highs_version()} (highspy, PuLP {pulp.__version__})"
    h = prob.solverModel
    info = h.getInfo()
    status = highs_status(h.getModelStatus(), int(info.primal_solution_status) == 2, h.modelStatusToString)
    if status not in ("optimal", "feasible"):
        return SolveOutcome(status, label, None, None, None, seconds)
    obj = float(pulp.value(prob.objective) or 0.0)
    bound = _highs_bound(prob, info, obj, relaxation)
    if relaxation:
        gap: float | None = 0.0
    else:
        gap = max(0.0, float(info.mip_gap)) if _finite(info.mip_gap) else (0.0 if status == "optimal" else None)
    return SolveOutcome(status, label, obj, bound, gap, seconds)


def highs_status(model_status, has_solution: bool, describe=str) -> str:
    """The true status of a HiGHS run from its model status (not PuLP's, which maps a time-limited
    run with a solution to Optimal) and whether a feasible primal solution exists."""
    import highspy
    S = highspy.HighsModelStatus
    if model_status == S.kOptimal:
        return "optimal"
    if model_status in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return "infeasible"
    if model_status in (S.kTimeLimit, S.kInterrupt, S.kHighsInterrupt, S.kIterationLimit, S.kSolutionLimit,
                        S.kMemoryLimit, S.kObjectiveBound, S.kObjectiveTarget):
        return "feasible" if has_solution else "time_limit"
    raise DecontrolError(f"HiGHS ended with status {describe(model_status)}")


def _highs_bound(prob: pulp.LpProblem, info, obj: float, relaxation: bool) -> float | None:
    if relaxation:
        return obj
    b = float(info.mip_dual_bound)
    if not _finite(b):
        return None
    return -b if prob.sense == pulp.LpMaximize else b  # PuLP hands HiGHS a minimisation


@lru_cache(maxsize=1)
def _highs_version() -> str:
    try:
        return metadata.version("highspy")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "?"


# ---------------------------------------------------------------------- helpers
def _finite(v: float) -> bool:
    return v is not None and abs(float(v)) < 1e300


def _gap(obj: float, bound: float | None) -> float | None:
    """Relative gap; CBC prints its bound rounded, so noise below zero is read as zero."""
    if bound is None:
        return None
    return abs(obj - bound) / max(abs(obj), 1e-9)


__all__ = ["CBC_KNAPSACK_OPTIONS", "CBC_OPTIONS", "HIGHS_OPTIONS", "cbc_options", "STATUSES", "SolveOutcome", "cbc_status", "highs_status", "solve_model"]
