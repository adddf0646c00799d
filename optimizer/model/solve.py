"""Run a named solver on the package model, and report only what the solvers proved.

CBC (a binary: `cbc.cbc_path`) and HiGHS (highspy, in memory: `highs.py`) are both available; every
result names the one whose package it reports, and the one that confirmed it. `auto` (the
scenario's default) picks per model class on measurements (bench/bench_optimizer.py, see
`choose_solver`).

PuLP's status alone is not enough: a time-limited run that found a package but did not prove it
optimal still reports `Optimal`, so the status here comes from `sol_status` for CBC (2 = integer
feasible, not proven) and from the HiGHS model status for HiGHS.

Statuses: `optimal` (proven within the relative gap), `feasible` (a package, not proven within the
gap: `gap` says how far from proven, None when no bound holds), `infeasible`, `time_limit` (stopped
before any package).

**Proof discipline.** A verdict is reported as it stands only when it came from a path that proves
it: HiGHS's branch and bound, or CBC without cuts and preprocessing (the settings used for the
min-risk knapsack class). Two verdicts are always confirmed on a second path before they are
reported:
- *infeasible*, from either solver (CBC's preprocessing, under a time limit on a busy machine, has
  called a feasible 100k model "infeasible or unbounded"): the other solver runs; if it finds a
  package, that package is reported; if it cannot settle it in its time, the status is
  `time_limit`, never `infeasible`;
- *optimal* from CBC with cuts and preprocessing on (budgets, limits, other objectives): CBC 2.10.3
  with the feasibility pump off and its probing cuts on returns "optimal", gap 0, for packages up to
  a third riskier than the best on small models (tests/optimizer/model/test_proof.py has such an
  instance); HiGHS solves the same model and the better package is reported, `optimal` only if
  HiGHS proved its bound too.
The second path gets the same time limit as the first.

CBC options (measured): the feasibility pump is always off; a min-risk model whose only aggregate
row is the target (a multiple-choice knapsack: the frontier, most packages) runs without cuts,
preprocessing, diving heuristics and strong branching (2-5x faster; those settings are 20x slower
with a budget or limits, where cuts and diving matter).

Both solvers run with an integrality tolerance of 1e-9 instead of 1e-6: with values up to US$10bn
(1e4 model units) the default let a solver take 1e-7 of a large item as "integral", i.e. count
value that rounding then removes; at 1e-9 the resolution is a few dollars. Measured: no slower.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

import pulp

from optimizer.errors import DecontrolError
from optimizer.model.build import PackageModel
from optimizer.model.cbc import CbcCrashed
from optimizer.vocabulary import FOUND, STATUSES, Status

#: Extra CBC command-line options (see the module docstring and the benchmark).
CBC_OPTIONS: tuple[str, ...] = ("feas off", f"integerT {1e-9}")
#: Added for min-risk models whose only aggregate row is the target (see the module docstring).
CBC_KNAPSACK_OPTIONS: tuple[str, ...] = ("cuts off", "preprocess off", "diveopt 0", "strong 0")
#: CBC as the second path after HiGHS (or when HiGHS is missing). Not without preprocessing: CBC 2.10.3
#: segfaults on some small infeasible models with preprocessing off (a regression test has one).
CBC_SAFE_OPTIONS: tuple[str, ...] = CBC_OPTIONS
#: Row families that keep a min-risk model a plain multiple-choice knapsack.
_KNAPSACK_FAMILIES = frozenset({"mode_choice", "target", "forced", "coherence", "nesting", "ally_positions"})


@dataclass(frozen=True)
class SolveOutcome:
    """What a solver run established."""

    status: str  # one of STATUSES (`optimizer.vocabulary.Status`)
    solver: str  # e.g. "CBC 2.10.3 (PuLP 3.3.2)"
    objective: float | None  # objective value of the package found (None: no package)
    bound: float | None  # best proven bound on the objective, when the solver reports one
    gap: float | None  # relative gap |objective - bound| / |objective| (0 when proven optimal)
    seconds: float  # wall-clock time of the solve call(s)
    note: str = ""  # what a confirming second path changed, in plain words

    @property
    def has_solution(self) -> bool:
        return self.status in FOUND


#: The solver names a scenario, the CLI (`--solver`) and the dashboard accept.
SOLVER_NAMES: tuple[str, ...] = ("auto", "cbc", "highs")


class Solver(Protocol):
    """One solver path: runs the model once and reads the status the solver itself reports.

    `run` sets the values (and, for a relaxation, the row duals) on the PuLP objects and returns
    what the run established; it does not confirm anything (`solve_model` does). `trusted(m)`:
    whether its "optimal" on `m` is a proof (see the module docstring). Implementations use only
    PuLP's public API (`prob.constraints()`, variables' bounds and `varValue`, rows' `pi`)."""

    name: str

    def available(self) -> bool: ...

    def trusted(self, m: PackageModel) -> bool: ...

    def run(
        self, m: PackageModel, *, time_limit: float, rel_gap: float, relaxation: bool = False, warm_start: bool = False
    ) -> SolveOutcome: ...


class CbcSolver:
    """CBC as a child process on a lean MPS file (`cbc.py`); options per model class (`cbc_options`).
    `options` overrides them (the confirming path uses CBC_SAFE_OPTIONS)."""

    name = "cbc"

    def __init__(self, options: tuple[str, ...] | None = None) -> None:
        self.options = options

    def available(self) -> bool:
        from optimizer.model.cbc import cbc_path

        try:
            cbc_path()
        except DecontrolError:
            return False
        return True

    def options_for(self, m: PackageModel) -> tuple[str, ...]:
        return cbc_options(m) if self.options is None else self.options

    def trusted(self, m: PackageModel) -> bool:
        return self.options_for(m) != CBC_OPTIONS  # no cuts, no preprocessing: its "optimal" is a proof

    def run(
        self, m: PackageModel, *, time_limit: float, rel_gap: float, relaxation: bool = False, warm_start: bool = False
    ) -> SolveOutcome:
        return _solve_cbc(m, time_limit, rel_gap, warm_start, relaxation, self.options_for(m))


class HighsSolver:
    """HiGHS in memory through highspy (`highs.py`); its "optimal" is a proof."""

    name = "highs"

    def available(self) -> bool:
        return highs_available()

    def trusted(self, m: PackageModel) -> bool:
        return True

    def run(
        self, m: PackageModel, *, time_limit: float, rel_gap: float, relaxation: bool = False, warm_start: bool = False
    ) -> SolveOutcome:
        return _solve_highs(m, time_limit, rel_gap, relaxation)


class KnapsackSolver:
    """The knapsack class's own branch and bound in process (`mckp.py`), for models it can read
    (`Mckp.from_model`); its "optimal" is a proof to the gap (Lagrangian bound). Relaxations (the
    marginal risk's LP) go to HiGHS, or CBC without it."""

    name = "knapsack"

    def available(self) -> bool:
        return True

    def trusted(self, m: PackageModel) -> bool:
        return True

    def run(
        self, m: PackageModel, *, time_limit: float, rel_gap: float, relaxation: bool = False, warm_start: bool = False
    ) -> SolveOutcome:
        from optimizer.model.mckp import NODE_BUDGET

        if relaxation:
            lp: Solver = HighsSolver() if highs_available() else CbcSolver()
            return lp.run(m, time_limit=time_limit, rel_gap=rel_gap, relaxation=True)
        problem = knapsack_problem(m)
        if problem is None:  # pragma: no cover - choose_solver picks this path only for readable models
            raise DecontrolError("the knapsack solver cannot read this model")
        target = -m.rows["target"]["target"].constant
        ans = problem.solve(target, rel_gap, time_limit, max_nodes=NODE_BUDGET)
        if ans.stopped == "nodes":  # a hard instance: CBC's compiled branch and bound takes it from here
            milp: Solver = CbcSolver() if CbcSolver().available() else HighsSolver()
            return milp.run(m, time_limit=time_limit, rel_gap=rel_gap)
        chosen = set() if ans.choice is None else {m.x[o] for o in problem.options(ans.choice)}
        for v in m.x.values():
            v.varValue = (1.0 if v in chosen else 0.0) if ans.choice is not None else None
        return SolveOutcome(ans.status, ans.solver, ans.objective, ans.bound, ans.gap, ans.seconds)


def knapsack_problem(m: PackageModel) -> Any:
    """The model read as a knapsack (`mckp.Mckp`), cached on the model while its objective and rows
    are the same objects; None when the model is not of that class."""
    from optimizer.model.mckp import Mckp

    key = (id(m.prob.objective), len(m.prob.constraints()), tuple(map(id, m.prob.constraints())))
    cached = m.solver_cache.get("mckp")
    if cached is not None and cached[0] == key:
        return cached[1]
    problem = Mckp.from_model(m) if knapsack_class(m) else None
    m.solver_cache["mckp"] = (key, problem)
    return problem


#: Up to this many binaries `auto` solves a knapsack-class model (one package or a frontier) with
#: the in-process knapsack solver (`mckp.py`: the core DP of `mckp_dp.py`, else the branch and
#: bound, which hands a hard instance to CBC after `mckp.NODE_BUDGET` nodes). Measured
#: (bench/bench_optimizer.py, `bench_frontier_cli.py`; generated tables, 30-point frontier in
#: process, load 5-6): 2k binaries 0.085 s against CBC's sweep 0.60 s; 6k 0.17 s against 1.27 s;
#: 20k 0.62 s against 4.6 s; packages 1.4-1.7x faster. Above `arrays.ARRAY_MIN_BINARIES` the array
#: path takes over (its sweep runs the same solver first).
KNAPSACK_MAX_BINARIES = 1_000_000


def get_solver(name: str, m: PackageModel | None = None, sweep: bool = False) -> Solver:
    """The solver called `name` ('auto' picks per model class: `choose_solver`, which needs `m`)."""
    if name == "auto":
        if m is None:
            raise DecontrolError("the solver 'auto' picks per model: give the model")
        name = choose_solver(m, name, sweep=sweep)
    if name == "cbc":
        return CbcSolver()
    if name == "highs":
        return HighsSolver()
    if name == "knapsack":
        return KnapsackSolver()
    raise DecontrolError(f"unknown solver '{name}': expected {', '.join(SOLVER_NAMES)}")


def knapsack_class(m: PackageModel) -> bool:
    """A min-risk model whose only aggregate row is the target (a multiple-choice knapsack)."""
    families = {f for f, rows in m.rows.items() if rows}
    return m.objective == "min-risk" and families <= _KNAPSACK_FAMILIES


#: Above this many binaries one knapsack-class package goes to HiGHS: at 1M binaries CBC's process
#: alone peaked at 5.2 GB next to the model's 4.8 GB, while HiGHS in memory took the whole package to
#: 4.8 GB in about the same wall time (bench/bench_optimizer.py, README).
CBC_MAX_BINARIES = 500_000


def choose_solver(m: PackageModel, name: str, sweep: bool = False) -> str:
    """The solver for `name`: 'auto' picks per model class, 'cbc' and 'highs' are kept.

    Measured (bench/bench_optimizer.py, README "Solvers and speed"): a knapsack-class model (min
    risk, no aggregate row but the target) is solved fastest by CBC without cuts or preprocessing,
    one package up to CBC_MAX_BINARIES or a sweep of them (`sweep`: the frontier), and that path
    proves what it reports; every other model (risk budget, item or category limits, max-value,
    min-items, the largest achievable) by HiGHS in memory, which is also the path whose "optimal"
    holds there.
    """
    if name != "auto":
        return name
    from optimizer.model import highs

    if len(m.x) <= KNAPSACK_MAX_BINARIES and knapsack_problem(m) is not None:
        return "knapsack"
    if not highs.available():
        return "cbc"
    if knapsack_class(m) and (sweep or len(m.x) <= CBC_MAX_BINARIES):
        return "cbc"
    return "highs"


def solve_model(
    m: PackageModel,
    *,
    solver: str | None = None,
    time_limit: float | None = None,
    rel_gap: float | None = None,
    warm_start: bool = False,
    relaxation: bool = False,
) -> SolveOutcome:
    """Solve `m` in place (variable values and row duals are set on the PuLP objects).

    Defaults come from the scenario. `warm_start` passes the variables' current values as a starting
    package (CBC only); `relaxation` solves the LP relaxation (for duals). Verdicts are confirmed as
    the module docstring says.
    """
    sc = m.scenario
    limit = sc.time_limit_s if time_limit is None else time_limit
    gap = sc.rel_gap if rel_gap is None else rel_gap
    path = get_solver(solver or sc.solver, m)
    if not m.x:
        return _without_variables(m, path.name)
    minimise = m.prob.sense != pulp.LpMaximize
    try:
        first = path.run(m, time_limit=limit, rel_gap=gap, relaxation=relaxation, warm_start=warm_start)
    except CbcCrashed as exc:  # no verdict from CBC: HiGHS answers
        if not highs_available():
            raise
        out = HighsSolver().run(m, time_limit=limit, rel_gap=gap, relaxation=relaxation)
        return replace(out, note=f"{exc}; HiGHS's answer is reported")
    if relaxation:
        return first
    trusted = path.trusted(m)
    if first.status == Status.INFEASIBLE or (first.status == Status.OPTIMAL and not trusted):
        saved = _values(m)
        second, proves = _second_path(m, path.name, limit, gap)
        out, kept_first = confirm(first, second, minimise=minimise, rel_gap=gap, second_proves=proves)
        if kept_first:
            _restore(m, saved)
        return out
    return first


def _second_path(m: PackageModel, first: str, limit: float, gap: float) -> tuple[SolveOutcome, bool]:
    """The confirming run and whether its "optimal" is a proof: HiGHS after CBC or the knapsack
    branch and bound; CBC (safe options, cuts on: no proof) after HiGHS or when HiGHS is missing.
    A crash of CBC is no verdict (`time_limit`)."""
    if first != "highs" and highs_available():
        return HighsSolver().run(m, time_limit=limit, rel_gap=gap), True
    try:
        return CbcSolver(CBC_SAFE_OPTIONS).run(m, time_limit=limit, rel_gap=gap), False
    except CbcCrashed as exc:
        return SolveOutcome(Status.TIME_LIMIT, f"CBC ({exc})", None, None, None, 0.0), False


def highs_available() -> bool:
    from optimizer.model import highs

    return highs.available()


def confirm(
    first: SolveOutcome, second: SolveOutcome, *, minimise: bool, rel_gap: float, second_proves: bool = True
) -> tuple[SolveOutcome, bool]:
    """Combine a verdict with its confirmation on a second path (see the module docstring).

    Returns the outcome to report and whether it is the first path's package (False: the second's
    package, whose values are then the ones on the model). Objectives are in the model's own sense.
    `second_proves`: whether the second path's "optimal" is a proof (not for CBC with cuts on).
    """
    seconds = first.seconds + second.seconds
    both = f"{first.solver}; checked with {second.solver}"
    if first.status == Status.INFEASIBLE:
        if second.has_solution:
            if not second_proves and second.status == Status.OPTIMAL:
                second = replace(second, status=Status.FEASIBLE, gap=None)
            return replace(
                second,
                seconds=seconds,
                solver=f"{second.solver} (after {first.solver} said infeasible)",
                note=f"{_name(first)} called the model infeasible; {_name(second)} found a package",
            ), False
        if second.status == Status.INFEASIBLE:
            return replace(first, seconds=seconds, solver=f"{first.solver}; confirmed by {second.solver}"), True
        return SolveOutcome(
            Status.TIME_LIMIT,
            both,
            None,
            None,
            None,
            seconds,
            f"{_name(first)} called the model infeasible, which {_name(second)} could not confirm "
            "within the time limit: no verdict",
        ), True
    # first is a package CBC called optimal with cuts and preprocessing on
    if not second.has_solution:
        if second.status == Status.INFEASIBLE:
            note = f"{_name(second)} called the model infeasible although {_name(first)} found a package"
        else:
            note = f"{_name(first)}'s optimum could not be confirmed by {_name(second)} within the time limit"
        return replace(
            first, status=Status.FEASIBLE, gap=None, bound=None, seconds=seconds, solver=both, note=note
        ), True
    f, g = first.objective or 0.0, second.objective or 0.0
    gap = _gap(f, second.bound)
    within = gap is not None and gap <= rel_gap + 1e-7
    if (g < f if minimise else g > f) and abs(g - f) > 1e-7 * max(1.0, abs(f)) and not within:
        return replace(
            second,
            seconds=seconds,
            solver=f"{second.solver} (better than {first.solver})",
            note=f"{_name(first)} called a package optimal that {_name(second)} improved on "
            f"(objective {f:.6g} -> {g:.6g}): the better package is reported",
        ), False
    # the first package is within the gap of the second's bound (or at least as good as its package)
    proven = within or second.status == Status.OPTIMAL
    return replace(
        first,
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        bound=second.bound,
        gap=(0.0 if gap is None else min(gap, rel_gap)) if proven else gap,
        seconds=seconds,
        solver=f"{first.solver}; confirmed by {second.solver}",
    ), True


def _name(out: SolveOutcome) -> str:
    return out.solver.split(" ")[0]


def _values(m: PackageModel) -> list[tuple[pulp.LpVariable, float | None]]:
    """The values of every variable CBC just set (its column list is cached on the model)."""
    cached = m.solver_cache.get("cbc_columns")
    variables = cached[1] if cached is not None else list(m.x.values())
    return [(v, v.varValue) for v in variables]


def _restore(m: PackageModel, saved: list[tuple[pulp.LpVariable, float | None]]) -> None:
    for v, val in saved:
        v.varValue = val


def _without_variables(m: PackageModel, name: str) -> SolveOutcome:
    """No item can enter: the empty package, if the target is zero (the solvers need columns)."""
    row = m.rows["target"]["target"]
    label = {"cbc": "CBC", "highs": "HiGHS"}.get(name, name) + " (not called: no eligible item)"
    if -row.constant <= 0:
        return SolveOutcome(Status.OPTIMAL, label, 0.0, 0.0, 0.0, 0.0)
    return SolveOutcome(Status.INFEASIBLE, label, None, None, None, 0.0)


# ---------------------------------------------------------------------- CBC
def cbc_options(m: PackageModel) -> tuple[str, ...]:
    """CBC options for this model (see the module docstring)."""
    if knapsack_class(m):
        return CBC_OPTIONS + CBC_KNAPSACK_OPTIONS
    return CBC_OPTIONS


def _solve_cbc(
    m: PackageModel, limit: float, gap: float, warm: bool, relaxation: bool, options: tuple[str, ...] = CBC_OPTIONS
) -> SolveOutcome:
    from optimizer.model.cbc import CbcFile, assign, run_cbc

    f = CbcFile(m)
    start = [float(v.varValue or 0.0) for v in f.variables] if warm else None
    answer = run_cbc(f, options=options, time_limit=limit, rel_gap=gap, relaxation=relaxation, start=start)
    assign(m, f, answer)
    return outcome_from(
        answer.status,
        answer.sol_status,
        answer.log,
        answer.seconds,
        float(pulp.value(m.prob.objective) or 0.0),
        relaxation,
        gap,
    )


def outcome_from(
    status: int, sol_status: int, log: str, seconds: float, objective: float, relaxation: bool, rel_gap: float
) -> SolveOutcome:
    """A SolveOutcome from CBC's status codes and log (the objective is evaluated by the caller)."""
    label = f"CBC {_cbc_version(log)} ({cbc_origin()})"
    st = cbc_status(status, sol_status, relaxation)
    if st not in FOUND:
        return SolveOutcome(st, label, None, None, None, seconds)
    if relaxation:
        return SolveOutcome(Status.OPTIMAL, label, objective, objective, 0.0, seconds)
    bound = _cbc_bound(log)
    gap = _gap(objective, bound)
    if st == Status.OPTIMAL:  # CBC stopped because the gap is within rel_gap; its printed bound is rounded
        gap = 0.0 if gap is None else min(gap, rel_gap)
    return SolveOutcome(st, label, objective, bound, gap, seconds)


def cbc_origin() -> str:
    """Where the CBC binary came from, for the solver label."""
    from optimizer.model.cbc import cbc_path

    path = cbc_path()
    return f"bundled with PuLP {pulp.__version__}" if f"{os.sep}pulp{os.sep}" in path else path


def cbc_status(status: int, sol_status: int, relaxation: bool = False) -> str:
    """The true status of a CBC run from PuLP's `status` and `sol_status`.

    PuLP reports a time-limited run that found a package as `status` Optimal with `sol_status`
    LpSolutionIntegerFeasible (2): that is `feasible`, not `optimal`.
    """
    if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        return Status.INFEASIBLE
    if status == pulp.LpStatusNotSolved or sol_status == pulp.LpSolutionNoSolutionFound:
        return Status.TIME_LIMIT
    if status != pulp.LpStatusOptimal:
        raise DecontrolError(f"CBC ended with status {pulp.LpStatus.get(status, status)}")
    if sol_status == pulp.LpSolutionOptimal or relaxation:
        return Status.OPTIMAL
    if sol_status == pulp.LpSolutionIntegerFeasible:
        return Status.FEASIBLE
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
def _solve_highs(m: PackageModel, limit: float, rel_gap: float, relaxation: bool) -> SolveOutcome:
    from optimizer.model import highs

    answer = highs.solve(m, time_limit=limit, rel_gap=rel_gap, relaxation=relaxation)
    if answer.values is None:
        return SolveOutcome(answer.status, highs.label(), None, None, None, answer.seconds)
    obj = float(pulp.value(m.prob.objective) or 0.0)
    return SolveOutcome(answer.status, highs.label(), obj, answer.bound, answer.gap, answer.seconds)


def highs_status(model_status: Any, has_solution: bool, describe: Callable[[Any], str] = str) -> str:
    """The true status of a HiGHS run from its model status (not PuLP's, which maps a time-limited
    run with a solution to Optimal) and whether a feasible primal solution exists."""
    import highspy

    S = highspy.HighsModelStatus
    if model_status == S.kOptimal:
        return Status.OPTIMAL
    if model_status in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return Status.INFEASIBLE
    if model_status in (
        S.kTimeLimit,
        S.kInterrupt,
        S.kHighsInterrupt,
        S.kIterationLimit,
        S.kSolutionLimit,
        S.kMemoryLimit,
        S.kObjectiveBound,
        S.kObjectiveTarget,
    ):
        return Status.FEASIBLE if has_solution else Status.TIME_LIMIT
    raise DecontrolError(f"HiGHS ended with status {describe(model_status)}")


# ---------------------------------------------------------------------- helpers
def _gap(obj: float, bound: float | None) -> float | None:
    """Relative gap; CBC prints its bound rounded, so noise below zero is read as zero."""
    if bound is None:
        return None
    return abs(obj - bound) / max(abs(obj), 1e-9)


__all__ = [
    "SOLVER_NAMES",
    "CbcSolver",
    "HighsSolver",
    "KNAPSACK_MAX_BINARIES",
    "KnapsackSolver",
    "knapsack_problem",
    "Solver",
    "get_solver",
    "CBC_KNAPSACK_OPTIONS",
    "CBC_MAX_BINARIES",
    "CBC_OPTIONS",
    "CBC_SAFE_OPTIONS",
    "STATUSES",
    "SolveOutcome",
    "cbc_options",
    "cbc_status",
    "choose_solver",
    "confirm",
    "highs_status",
    "knapsack_class",
    "solve_model",
]
