"""The trade-off frontier: least risk for each concession target from 0 to the largest achievable.

One model is built and reused: each point only moves the target row's right-hand side
(`sweep.py`). Large tables (from `arrays.ARRAY_MIN_BINARIES` binaries, solver `auto` or `highs`)
are built as arrays and swept on HiGHS (`array_package.array_sweep_points`: each point's LP
relaxation warm-started from the last, a package rounded from it, the MIP only where that is not
within the gap). With CBC, two solver processes share the points (interleaved, so both get easy and
hard ones). Starting each point from the package of its neighbour was measured and did not help
CBC on this model (it costs more to write than it saves), so points start cold.

The frontier is Pareto (value vs risk): each point minimises risk with ties broken toward more
value (`build.set_objective(ties="value")`), and every package found anywhere on the sweep is
carried to every point whose target it meets - up (a lower point's package that happens to meet a
higher target) and down (a higher point's package with less risk, possible within the gap) -
taking the least risk, then the most value. So no point is weakly dominated by another package of
the sweep, risk and achieved value never fall along the curve, and a point stopped by its time
limit still gets a package when another point's meets its target (status `feasible`). The top
point is the largest achievable: when that is known in closed form (`achievable.py`) its package
is too (every item with value in its most valuable mode, least-risk hardware for coherence), so
it is filled without a solve.

Each point is a min-risk package under the scenario's other constraints (whatever the scenario's
objective: the frontier is the value-risk trade-off). `knees` are the points where the risk paid
per extra dollar at least doubles (`KNEE_RATIO`); `entry_target_usd` is the lowest swept target at
which an item is in the package (packages are not nested, so an item can enter, leave and return;
the first entry is given).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from optimizer.errors import DecontrolError
from optimizer.jsonsafe import json_safe
from optimizer.model import arrays
from optimizer.model.achievable import achievable_on, satisfies
from optimizer.model.array_package import array_achievable, array_sweep_points, use_array_path
from optimizer.model.arrays import set_array_objective
from optimizer.model.build import VALUE_UNIT, PackageModel, build_model, set_objective
from optimizer.model.diagnose import nothing_to_offer_counts, nothing_to_offer_text
from optimizer.model.package import label_achievable, prepare
from optimizer.model.results import table_source
from optimizer.model.scenario import Scenario
from optimizer.model.solve import SolveOutcome
from optimizer.model.sweep import CbcSweep, HighsSweep, KnapsackSweep, make_sweep
from optimizer.vocabulary import Status

#: A knee: the slope (risk per dollar) after the point is at least this multiple of the slope before it.
KNEE_RATIO = 2.0
MAX_POINTS = 200
#: CBC processes run side by side in a sweep (the machine's second core halves the wall time).
WORKERS = 2
#: The scenario's time limit bounds the whole sweep: each point gets its share, but at least this.
MIN_POINT_SECONDS = 1.0


@dataclass
class FrontierPoint:
    target_usd: float
    achieved_usd: float | None
    risk: float | None  # security risk plus ally penalties (the objective)
    status: str
    gap: float | None
    n_items: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)  # {eccn, mode, value_usd, risk}
    solve_seconds: float = 0.0
    solver: str = ""


@dataclass
class FrontierResult:
    points: list[FrontierPoint]
    knees: list[int]  # indices into points
    entry_target_usd: dict[str, float]  # item -> lowest swept target where it is in the package
    max_achievable_usd: float | None
    solver: str = ""
    solve_seconds: float = 0.0
    synthetic: bool = False
    warnings: list[str] = field(default_factory=list)
    scenario: dict[str, Any] = field(default_factory=dict)
    max_achievable_bound_usd: float | None = None  # proven upper bound (see PackageResult)
    max_achievable_proven: bool | None = None
    max_achievable_note: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        # the fields as they are (json_safe below copies every dict and list): dataclasses.asdict
        # deep-copies each point's item dicts first, a third of the 6 ms of a 30-point frontier
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["points"] = [{f.name: getattr(p, f.name) for f in fields(p)} for p in self.points]
        d["knees"] = [
            {
                "index": k,
                "target_usd": self.points[k].target_usd,
                "achieved_usd": self.points[k].achieved_usd,
                "risk": self.points[k].risk,
            }
            for k in self.knees
        ]
        return json_safe(d)


def compute_frontier(
    items: pd.DataFrame,
    scenario: Scenario,
    points: int = 30,
    *,
    known_eccns: set[str] | None = None,
    workers: int = WORKERS,
) -> FrontierResult:
    """Min-risk packages for `points` targets evenly spaced from 0 to the largest achievable.

    With CBC the sweep runs as `workers` interleaved chains of solver processes (points are
    independent once the model is fixed). The scenario's `time_limit_s` bounds the whole sweep:
    each point gets its share (at least MIN_POINT_SECONDS); a point stopped by it says so in its
    status and gap.
    """
    if not isinstance(points, int) or isinstance(points, bool) or not 2 <= points <= MAX_POINTS:
        raise DecontrolError(f"points must be a whole number from 2 to {MAX_POINTS}, got {points!r}")
    table, warnings = prepare(items, scenario, known_eccns)
    am = None
    if use_array_path(table, scenario):  # large tables: the model as arrays, the sweep on HiGHS (array_package.py)
        am = arrays.build_arrays(table, scenario, objective="min-risk")
        if am.n_cols < arrays.ARRAY_MIN_BINARIES:
            am = None
    m = build_model(table, scenario, objective="min-risk") if am is None else am.base
    m.warnings[:0] = warnings
    ach = achievable_on(m) if am is None else array_achievable(am)
    synthetic = bool(table["synthetic"].any()) if "synthetic" in table else False
    res = FrontierResult(
        [],
        [],
        {},
        None,
        synthetic=synthetic,
        warnings=list(m.warnings),
        scenario=scenario.to_dict(),
        source=table_source(table),
    )
    label_achievable(res, ach)
    if ach is None:
        res.warnings.append("no package satisfies the constraints, whatever the target: the frontier is empty")
        return res
    nothing = nothing_to_offer_counts(table)
    if nothing:  # every point would be the empty package: one point, and the reason
        res.warnings.append(f"the frontier is the empty package alone ({nothing_to_offer_text(nothing)})")
        points = 2  # the sweep's least; one point is kept
    if ach.status == Status.TIME_LIMIT and not ach.choices:
        res.warnings.append("the largest achievable was not found within the time limit: the frontier is empty")
        return res
    top = ach.low_usd
    closed = ach.method == "closed form"
    # a hair below the top, so rounding in the value units never makes the last point infeasible;
    # the closed-form top point is filled at the top itself
    targets = [float(t) for t in np.linspace(0.0, top * (1 - 1e-9), points)]
    if closed:
        targets[-1] = top
    order = list(range(points - 1 if closed else points))[::-1]
    solved: dict[int, FrontierPoint] = {}
    if closed:
        label = "closed form (no solver: every item with value in its most valuable mode)"
        solved[points - 1] = _point(
            m, targets[-1], SolveOutcome(Status.OPTIMAL, label, None, None, 0.0, 0.0), ach.choices
        )
    if am is not None:
        set_array_objective(am, "min-risk", ties="value")
        per_point = max(MIN_POINT_SECONDS, scenario.time_limit_s / points)
        solved.update(array_sweep_points(am, targets, sorted(order), per_point))
    else:
        solved.update(_pulp_sweep(m, targets, order, points, workers))
    extra = (
        [] if closed else [_point(m, top, SolveOutcome(Status.OPTIMAL, ach.method, None, None, 0.0, 0.0), ach.choices)]
    )
    res.points = carry([solved[k] for k in range(points)], extra)
    if nothing:
        res.points = res.points[:1]
    for p in res.points:  # a package is a witness: the largest achievable is at least its value
        ach.raise_low(p.achieved_usd)
    label_achievable(res, ach)
    res.solver = next((p.solver for p in res.points[:-1] if p.solver), res.points[-1].solver)
    res.solve_seconds = sum(p.solve_seconds for p in res.points)
    res.knees = knees(res.points)
    res.entry_target_usd = entry_targets(res.points)
    return res


def _pulp_sweep(
    m: PackageModel, targets: list[float], order: list[int], points: int, workers: int
) -> dict[int, FrontierPoint]:
    """The points `order` on the PuLP model: with CBC as `workers` interleaved chains of solver
    processes, else one chain."""
    sc = m.scenario
    set_objective(m, "min-risk", ties="value")
    first = make_sweep(m, max(MIN_POINT_SECONDS, sc.time_limit_s / points)) if m.x and order else None
    cbc = isinstance(first, CbcSweep)  # CBC runs as child processes: two chains use both cores
    n_chains = max(1, min(int(workers), len(order))) if cbc and order else 1
    chains = [order[k::n_chains] for k in range(n_chains)]
    per_point = max(MIN_POINT_SECONDS, sc.time_limit_s * n_chains / points)
    engines: list[CbcSweep | HighsSweep | KnapsackSweep | None] = [first] * len(chains)
    if n_chains > 1:
        engines = [make_sweep(m, per_point) for _ in chains]
    if n_chains == 1:
        return _run_chain(m, targets, chains[0], engines[0])
    solved: dict[int, FrontierPoint] = {}
    with ThreadPoolExecutor(max_workers=n_chains) as pool:
        for part in pool.map(lambda k: _run_chain(m, targets, chains[k], engines[k]), range(n_chains)):
            solved.update(part)
    return solved


def _run_chain(
    m: PackageModel, targets: list[float], chain: list[int], engine: CbcSweep | HighsSweep | KnapsackSweep | None
) -> dict[int, FrontierPoint]:
    """Solve the points of one chain on one sweep engine (None: no eligible item)."""
    out: dict[int, FrontierPoint] = {}
    if engine is None:  # the largest achievable is 0 and the empty package is every point
        for k in chain:
            out[k] = FrontierPoint(targets[k], 0.0, 0.0, Status.OPTIMAL, 0.0, solver="(no solver: no eligible item)")
        return out
    free = _free_options(m)
    for k in chain:
        outcome, choices = engine.solve(targets[k])
        if outcome.has_solution and free:
            choices = polish(m, choices, free)
        out[k] = _point(m, targets[k], outcome, choices)
    return out


def _free_options(m: PackageModel) -> list[tuple[str, str]]:
    """Options that carry no risk (with penalties) but some value, most valuable first."""
    free = [o for o in m.x if m.risk[o] + m.penalty.get(o[0], 0.0) == 0 and m.value[o] > 0]
    return sorted(free, key=lambda o: (-m.value[o], o))


def polish(m: PackageModel, choices: dict[str, str], free: list[tuple[str, str]]) -> dict[str, str]:
    """Add or upgrade to risk-free options while every rule still holds: the same risk for more
    value. The tie-break toward value (`set_objective(ties="value")`) is worth less than the LP
    solvers' tolerances when the values at stake are small, so packages of exactly equal risk are
    settled here, directly."""
    out = dict(choices)
    for item, mode in free:
        have = out.get(item)
        if have == mode or (have is not None and m.value[(item, have)] >= m.value[(item, mode)]):
            continue
        trial = out | {item: mode}
        if satisfies(m, trial):
            out = trial
    return out


def _point(m: PackageModel, target: float, out: SolveOutcome, choices: dict[str, str]) -> FrontierPoint:
    if not out.has_solution:
        return FrontierPoint(target, None, None, out.status, out.gap, solve_seconds=out.seconds, solver=out.solver)
    lines: list[dict[str, Any]] = [
        {
            "eccn": i,
            "mode": md,
            "value_usd": round(m.value[(i, md)] * VALUE_UNIT, 2),
            "risk": m.risk[(i, md)] + m.penalty.get(i, 0.0),
        }
        for i, md in sorted(choices.items())
    ]
    return FrontierPoint(
        target,
        round(sum(l["value_usd"] for l in lines), 2),
        sum(l["risk"] for l in lines),
        out.status,
        out.gap,
        len(lines),
        lines,
        out.seconds,
        out.solver,
    )


def carry(points: list[FrontierPoint], extra: Sequence[FrontierPoint] = ()) -> list[FrontierPoint]:
    """Every package found on the sweep (and `extra` ones, e.g. the largest-achievable package) is
    a candidate for every point whose target it meets: each point takes the least risk, then the
    most value (see the module docstring). A point keeps its own status and gap when its own solve
    found a package (the carried one is at least as good); a point without one gets `feasible`."""
    found = [
        (p, p.risk, p.achieved_usd) for p in [*points, *extra] if p.risk is not None and p.achieved_usd is not None
    ]
    out = []
    for p in points:
        meets = [(q, r, v) for q, r, v in found if v >= p.target_usd - 0.005]
        pick = min(meets, key=lambda qrv: (round(qrv[1], 12), -qrv[2]), default=None)
        if pick is None:
            out.append(p)
            continue
        best, best_risk, best_usd = pick
        if best is p or (
            p.risk is not None
            and p.achieved_usd is not None
            and (round(p.risk, 12), -p.achieved_usd) <= (round(best_risk, 12), -best_usd)
        ):
            out.append(p)
            continue
        status, gap = (p.status, p.gap) if p.risk is not None else (Status.FEASIBLE, None)
        out.append(
            FrontierPoint(
                p.target_usd,
                best.achieved_usd,
                best.risk,
                status,
                gap,
                best.n_items,
                best.items,
                p.solve_seconds,
                p.solver,
            )
        )
    return out


def knees(points: list[FrontierPoint]) -> list[int]:
    """Indices of points where the risk per extra dollar at least doubles (KNEE_RATIO)."""
    pts = [
        (k, p.achieved_usd, p.risk) for k, p in enumerate(points) if p.achieved_usd is not None and p.risk is not None
    ]
    out = []
    for (_k0, v0, r0), (k1, v1, r1), (_k2, v2, r2) in zip(pts, pts[1:], pts[2:]):
        if v1 - v0 <= 0 or v2 - v1 <= 0:
            continue
        before, after = (r1 - r0) / (v1 - v0), (r2 - r1) / (v2 - v1)
        if after > 0 and (before <= 0 or after / before >= KNEE_RATIO):
            out.append(k1)
    return out


def entry_targets(points: list[FrontierPoint]) -> dict[str, float]:
    """Lowest swept target at which each item is in the package."""
    out: dict[str, float] = {}
    for p in points:
        for line in p.items:
            out.setdefault(line["eccn"], p.target_usd)
    return dict(sorted(out.items(), key=lambda kv: (kv[1], kv[0])))


__all__ = [
    "FrontierPoint",
    "FrontierResult",
    "KNEE_RATIO",
    "carry",
    "compute_frontier",
    "entry_targets",
    "knees",
    "polish",
]
