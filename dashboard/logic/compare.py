"""Comparing saved scenarios side by side: totals, what each package adds, drops or relieves
differently from the first one chosen, and their frontiers overlaid.

Frontiers are computed from each scenario's inputs (`optimizer.model.compute_frontier`) and cached
per dataset and inputs, so reopening a comparison costs nothing. Allies get the same comparison
through `optimizer.audience` (no risk, value against number of items).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dashboard.figures.common import Kind, Provenance
from dashboard.state import memo
from optimizer.audience import package_for
from optimizer.errors import DecontrolError
from optimizer.model.results import PackageResult

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
) -> list[dict]:
    """The frontier of a scenario's inputs (cached per dataset and inputs): achieved value, risk, items."""
    key = ("compare-frontier", json.dumps(inputs, sort_keys=True, default=str), points)

    def compute() -> list[dict]:
        from optimizer.model import compute_frontier
        from optimizer.model.scenario import Scenario
        from optimizer.scenarios.run import items_for_inputs

        items, known, _warnings, _ds = items_for_inputs(inputs, data_dir)
        scenario = Scenario.from_dict(inputs.get("scenario") or {})
        front = compute_frontier(items, scenario, points=points, known_eccns=known).to_dict()
        return [
            {"achieved_usd": p.get("achieved_usd"), "risk": p.get("risk"), "n_items": p.get("n_items", 0)}
            for p in front.get("points", [])
            if p.get("achieved_usd") is not None
        ]

    return memo(ds, key, compute)


def frontier_series(ds: Any, records: list[Any], data_dir: Path | None, audience: str = "internal") -> dict[str, list]:
    """name -> frontier points (allies: without the risk of each point)."""
    out = {}
    for rec in records:
        try:
            pts = frontier_points(ds, rec.inputs or {}, data_dir)
        except DecontrolError:
            pts = []
        out[rec.name] = pts if audience == "internal" else [{k: p[k] for k in ("achieved_usd", "n_items")} for p in pts]
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
