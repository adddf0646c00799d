"""Comparing saved scenarios side by side: totals, what each package adds, drops or relieves
differently from the first one chosen, and their frontiers overlaid.

Frontiers are computed from each scenario's inputs (`optimizer.model.compute_frontier`) and cached
per dataset and inputs, so reopening a comparison costs nothing. Allies get the same comparison
through `optimizer.audience` (no risk, value against number of items).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard.figures.common import Kind, Provenance
from dashboard.state import memo
from optimizer.audience import package_for
from optimizer.errors import DecontrolError
from optimizer.model.results import PackageResult

if TYPE_CHECKING:
    from optimizer.model.frontier import FrontierPoint

BN = 1e9
FRONTIER_POINTS = 12


def package_lines(results: dict[str, Any]) -> dict[str, str]:
    """ECCN -> relief mode of a stored package."""
    return {str(line["eccn"]): str(line.get("mode", "lift")) for line in results.get("items") or []}


def package_diff(base: dict[str, str], other: dict[str, str]) -> dict[str, list]:
    """What `other` adds to, removes from, or relieves in another mode than `base` (ECCN -> mode)."""
    return {
        "added": sorted(set(other) - set(base)),
        "removed": sorted(set(base) - set(other)),
        "mode_changed": sorted((e, base[e], other[e]) for e in set(base) & set(other) if base[e] != other[e]),
    }


def totals_rows(records: list[Any], audience: str = "internal") -> list[dict[str, Any]]:
    """One row of totals per scenario (risk only for the internal audience)."""
    rows = []
    for rec in records:
        res = PackageResult.from_dict(package_for(rec.results or {}, audience))
        sc = (rec.inputs or {}).get("scenario") or {}
        row = {
            "name": rec.name,
            "partner": sc.get("partner") or res.partner or "",
            "target_bn": float(sc.get("target_usd") or 0) / BN,
            "achieved_bn": float(res.achieved_usd or 0) / BN,
            "n_items": res.n_items,
            "status": res.status,
        }
        if audience == "internal":
            row["risk"] = (rec.results or {}).get("total_risk", (rec.results or {}).get("risk"))
        rows.append(row)
    return rows


def diffs(records: list[Any]) -> list[dict[str, Any]]:
    """The package diff of every scenario after the first against the first."""
    if len(records) < 2:
        return []
    base = package_lines(records[0].results or {})
    return [
        {"name": r.name, "against": records[0].name, **package_diff(base, package_lines(r.results or {}))}
        for r in records[1:]
    ]


def frontier_points(
    ds: Any, inputs: dict[str, Any], data_dir: Path | None, points: int = FRONTIER_POINTS
) -> list[FrontierPoint]:
    """The frontier of a scenario's inputs (cached per dataset and inputs): its points that reached a
    package (achieved value, risk, number of items), without their lines."""
    key = ("compare-frontier", json.dumps(inputs, sort_keys=True, default=str), points)

    def compute() -> list[FrontierPoint]:
        from optimizer.model import compute_frontier
        from optimizer.model.scenario import Scenario
        from optimizer.scenarios.run import items_for_inputs

        items, known, _warnings, _ds = items_for_inputs(inputs, data_dir)
        scenario = Scenario.from_dict(inputs.get("scenario") or {})
        front = compute_frontier(items, scenario, points=points, known_eccns=known)
        return [replace(p, items=[]) for p in front.points if p.achieved_usd is not None]

    return memo(ds, key, compute)


def frontier_series(
    ds: Any, records: list[Any], data_dir: Path | None, audience: str = "internal"
) -> dict[str, list[FrontierPoint]]:
    """name -> frontier points (allies: without the risk of each point)."""
    out = {}
    for rec in records:
        try:
            pts = frontier_points(ds, rec.inputs or {}, data_dir)
        except DecontrolError:
            pts = []
        out[rec.name] = pts if audience == "internal" else [replace(p, risk=None) for p in pts]
    return out


def compare_provenance(ds: Any, audience: str = "internal") -> Provenance:
    """Synthetic when the trade layer is; else an analyst estimate (concordance and, internally, judgements)."""
    kind: Kind = "synthetic" if ds.trade_synthetic else "analyst"
    judged = "tiers and risk weights" if audience == "internal" else "package choices"
    return Provenance(
        kind,
        f"{ds.trade_source} + analyst-made concordance, {judged}; "
        "frontiers recomputed from each scenario's saved inputs",
    )


#: The scenario inputs a comparison can differ on, with their labels (Scenario.to_dict keys, then
#: the allies' stated oppositions); in the order a builder's form reads.
INPUT_LABELS: dict[str, str] = {
    "partner": "Partner",
    "year": "Trade year",
    "target_usd": "Target",
    "objective": "Objective",
    "min_fa": "Foreign-availability threshold",
    "max_items": "Max items",
    "modes": "Relief modes",
    "mode_params": "Mode value and risk shares",
    "risk_budget": "Risk budget",
    "category_caps": "Caps per category",
    "locks": "Locked out",
    "forced": "Forced in",
    "allies": "Allies whose positions count",
    "allow_opposed": "Opposed items allowed at a penalty",
    "ally_penalty": "Penalty per opposition",
    "coherence": "Technology only with its hardware",
    "bis_alone": "BIS alone",
    "max_diversion": "Max diversion score",
    "solver": "Solver",
    "time_limit_s": "Time limit (s)",
    "rel_gap": "Relative gap",
    "ally_positions": "Allies' oppositions",
}
#: What an ally may see of a scenario's inputs (no objective wording, risk budget, locks or positions).
ALLY_INPUTS: tuple[str, ...] = ("partner", "year", "target_usd", "min_fa", "max_items", "modes")


def _input_text(key: str, value: Any) -> str:
    """A scenario input as a reader compares it (money in US$, lists joined, None spelled out)."""
    from dashboard.theme import fmt_bn

    if key == "target_usd":
        return fmt_bn(float(value or 0))
    if key == "year" and value is None:
        return "latest"
    if value is None or value == [] or value == {}:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{k}: {_input_text('', v) if not isinstance(v, dict) else json.dumps(v, sort_keys=True)}"
            for k, v in sorted(value.items())
        )
    return str(value)


def scenario_inputs(inputs: dict[str, Any]) -> dict[str, str]:
    """Input key -> display text of one scenario's saved inputs (defaults filled in, so a scenario
    saved before an input existed compares as its default)."""
    from optimizer.model.scenario import Scenario

    sc = Scenario.from_dict((inputs or {}).get("scenario") or {}).to_dict()
    out = {k: _input_text(k, sc.get(k)) for k in INPUT_LABELS if k in sc}
    positions = (inputs or {}).get("ally_positions") or {}
    opposed = {
        iso: sorted(e for e, p in by.items() if str(p).lower() == "oppose") for iso, by in sorted(positions.items())
    }
    out["ally_positions"] = "; ".join(f"{iso}: {', '.join(es)}" for iso, es in opposed.items() if es) or "none"
    return out


def input_diff(records: list[Any], audience: str = "internal") -> list[dict[str, Any]]:
    """The inputs that differ between the scenarios: [{"key", "label", "values": [text per record]}],
    in `INPUT_LABELS` order; [] when they all share every input. Allies: `ALLY_INPUTS` only."""
    per = [scenario_inputs(r.inputs or {}) for r in records]
    keys = [k for k in INPUT_LABELS if audience == "internal" or k in ALLY_INPUTS]
    rows = []
    for k in keys:
        values = [p.get(k, "none") for p in per]
        if len(set(values)) > 1:
            rows.append({"key": k, "label": INPUT_LABELS[k], "values": values})
    return rows


def chosen_points(records: list[Any], audience: str = "internal") -> dict[str, dict[str, Any]]:
    """name -> the saved package's point (achieved_usd, n_items and, internally, risk): where each
    scenario's chosen package sits on the overlaid frontiers."""
    out = {}
    for rec in records:
        res = rec.results or {}
        items = res.get("items") or []
        if res.get("achieved_usd") is None:
            continue
        point = {"achieved_usd": float(res["achieved_usd"]), "n_items": len(items)}
        risk = res.get("total_risk", res.get("risk"))
        if audience == "internal" and risk is not None:
            point["risk"] = float(risk)
        out[rec.name] = point
    return out
