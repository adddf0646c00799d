"""The trade-off frontier: least risk for each concession target from 0 to the largest achievable.

One model is built and reused: each point only moves the target row's right-hand side. Points are
solved from the highest target down, each starting from the package of the point above it trimmed
to the new target (a feasible package, so the solver starts with a good incumbent; CBC only).

Each point is a min-risk package under the scenario's other constraints (whatever the scenario's
objective: the frontier is the value-risk trade-off). `knees` are the points where the risk paid
per extra dollar at least doubles (`KNEE_RATIO`); `entry_target_usd` is the lowest swept target at
which an item is in the package (packages are not nested, so an item can enter, leave and return;
the first entry is given).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from optimizer.model.achievable import max_achievable_on
from optimizer.model.build import VALUE_UNIT, PackageModel, build_model, set_objective, set_target
from optimizer.model.package import prepare
from optimizer.model.results import read_choices
from optimizer.model.scenario import Scenario
from optimizer.model.solve import SolveOutcome, solve_model

#: A knee: the slope (risk per dollar) after the point is at least this multiple of the slope before it.
KNEE_RATIO = 2.0
MAX_POINTS = 200


@dataclass
class FrontierPoint:
    target_usd: float
    achieved_usd: float | None
    risk: float | None              # security risk plus ally penalties (the objective)
    status: str
    gap: float | None
    n_items: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)   # {eccn, mode, value_usd, risk}
    solve_seconds: float = 0.0


@dataclass
class FrontierResult:
    points: list[FrontierPoint]
    knees: list[int]                            # indices into points
    entry_target_usd: dict[str, float]          # item -> lowest swept target where it is in the package
    max_achievable_usd: float | None
    solver: str = ""
    solve_seconds: float = 0.0
    synthetic: bool = False
    warnings: list[str] = field(default_factory=list)
    scenario: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["knees"] = [{"index": k, "target_usd": self.points[k].target_usd,
                       "achieved_usd": self.points[k].achieved_usd, "risk": self.points[k].risk}
                      for k in self.knees]
        return _clean(d)


def compute_frontier(items: pd.DataFrame, scenario: Scenario, points: int = 30, *,
                     known_eccns: set[str] | None = None) -> FrontierResult:
    """Min-risk packages for `points` targets evenly spaced from 0 to the largest achievable."""
    if not isinstance(points, int) or isinstance(points, bool) or not 2 <= points <= MAX_POINTS:
        from optimizer.errors import DecontrolError
        raise DecontrolError(f"points must be a whole number from 2 to {MAX_POINTS}, got {points!r}")
    table, warnings = prepare(items, scenario, known_eccns)
    m = build_model(table, scenario, objective="min-risk")
    m.warnings[:0] = warnings
    top = max_achievable_on(m)
    synthetic = bool(table["synthetic"].any()) if "synthetic" in table else False
    res = FrontierResult([], [], {}, top, synthetic=synthetic, warnings=list(m.warnings),
                         scenario=scenario.to_dict())
    if top is None:
        res.warnings.append("no package satisfies the constraints, whatever the target: the frontier is empty")
        return res
    # a hair below the top, so rounding in the value units never makes the last point infeasible
    targets = np.linspace(0.0, top * (1 - 1e-9), points)
    set_objective(m, "min-risk")
    previous: dict[str, str] | None = None
    solved: list[FrontierPoint] = []
    for target in targets[::-1]:
        set_target(m, float(target))
        warm = previous is not None and _start_from(m, previous, float(target))
        out = solve_model(m, warm_start=warm)
        choices = read_choices(m) if out.has_solution else {}
        solved.append(_point(m, float(target), out, choices))
        res.solver = out.solver
        if out.has_solution:
            previous = choices
    res.points = solved[::-1]
    res.solve_seconds = sum(p.solve_seconds for p in res.points)
    res.knees = knees(res.points)
    res.entry_target_usd = entry_targets(res.points)
    return res


def _point(m: PackageModel, target: float, out: SolveOutcome, choices: dict[str, str]) -> FrontierPoint:
    if not out.has_solution:
        return FrontierPoint(target, None, None, out.status, out.gap, solve_seconds=out.seconds)
    lines = [{"eccn": i, "mode": md, "value_usd": round(m.value[(i, md)] * VALUE_UNIT, 2),
              "risk": m.risk[(i, md)] + m.penalty.get(i, 0.0)} for i, md in choices.items()]
    return FrontierPoint(target, round(sum(l["value_usd"] for l in lines), 2), sum(l["risk"] for l in lines),
                         out.status, out.gap, len(lines), lines, out.seconds)


def _start_from(m: PackageModel, previous: dict[str, str], target: float) -> bool:
    """Set the variables to `previous` trimmed to `target` (drop the costliest items per dollar while
    the target still holds); fall back to `previous` itself when trimming would break a row.
    Returns whether the start satisfies every row (it is only passed to the solver then)."""
    forced = set(m.scenario.forced)
    need = target / VALUE_UNIT
    have = sum(m.value[(i, md)] for i, md in previous.items())
    keep = dict(previous)
    cost = lambda i: (m.risk[(i, keep[i])] + m.penalty.get(i, 0.0)) / max(m.value[(i, keep[i])], 1e-12)
    for item in sorted(previous, key=lambda i: (-cost(i), i)):
        v = m.value[(item, previous[item])]
        if item not in forced and have - v >= need:
            have -= v
            del keep[item]
    for start in (keep, previous):
        _assign(m, start)
        if all(row.valid(1e-7) for fam in m.rows.values() for row in fam.values()):
            return True
    return False


def _assign(m: PackageModel, choices: dict[str, str]) -> None:
    for o, var in m.x.items():
        var.varValue = 1.0 if choices.get(o[0]) == o[1] else 0.0


def knees(points: list[FrontierPoint]) -> list[int]:
    """Indices of points where the risk per extra dollar at least doubles (KNEE_RATIO)."""
    pts = [(k, p.achieved_usd, p.risk) for k, p in enumerate(points) if p.achieved_usd is not None]
    out = []
    for (k0, v0, r0), (k1, v1, r1), (k2, v2, r2) in zip(pts, pts[1:], pts[2:]):
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


def _clean(o: Any) -> Any:
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if hasattr(o, "item") and not isinstance(o, (str, bytes)):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


__all__ = ["FrontierPoint", "FrontierResult", "KNEE_RATIO", "compute_frontier", "entry_targets", "knees"]
