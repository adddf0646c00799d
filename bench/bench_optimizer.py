"""Benchmark: the optimizer's solver paths against each other and a naive PuLP + CBC baseline, same run.

Paths measured on the same tables (issue 16): `auto` (what the optimizer picks per model class
and size), `cbc` (the lean-MPS CBC run, and the CBC sweep for frontiers), `highs` (highspy in
memory: from `arrays.ARRAY_MIN_BINARIES` binaries the model built as numpy arrays straight from the
item table, `array_package.py`; below, the PuLP model's matrix, item-major columns),
`highs-pulp` (HiGHS on the PuLP model at every size: the path before the arrays), and the naive
baseline (a new PuLP model
per solve built with `lpSum` over generators, PuLP's `COIN_CMD` defaults on the same CBC binary, same 0.1% gap).

Model classes: `knapsack` (min risk, target only: most packages, every frontier point) and
`budget` (a risk budget at 40% of the table's risk: cuts and preprocessing matter, the largest
achievable needs a max-value solve). Tables: the shipped CHN item table (real where real exists,
synthetic HS6 layer) and generated tables of about 2k-1M binaries (synthetic, drawn like the real
table: lognormal values, D/E values half unknown, risk = reason weight x (1 - 0.5 FA), 10%
foundational). Package = `solve_package` end to end (build, solve, largest achievable, marginal
risk, reading); its peak memory is measured in a child process of its own (`--one`); `cpu` is
the CPU time of that process and its CBC children (the machine is shared: wall times depend on the
neighbours' load). At sizes above `--naive-max` only the naive build is timed (a naive solve at 1M
is not run: its build alone takes about 25 s and the PuLP model's memory); naive frontiers above 2k
are timed on 3 points and scaled to 30 (said so in the output).

Run: .venv/bin/python bench/bench_optimizer.py [--sizes 2000,20000,100000,1000000] [--quick]
Results are printed and saved to bench/results/ (git-ignored); the README quotes a run.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
import warnings
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", category=DeprecationWarning)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pulp  # noqa: E402

from optimizer.model import Scenario, compute_frontier, solve_package  # noqa: E402
from optimizer.model.build import VALUE_UNIT  # noqa: E402
from optimizer.model.cbc import cbc_path  # noqa: E402

MODES = ["lift", "exception", "approval"]
GAP = 0.001
RESULTS = ROOT / "bench" / "results"
#: (reason weight, share of items): AT-only, NS2, NP2, RS2, NS1 - the estimation's default weights.
WEIGHTS = [(0.05, 0.45), (0.5, 0.2), (0.4, 0.1), (0.3, 0.1), (1.0, 0.15)]
ELIGIBLE_SHARE = 0.9 * (1 - 0.4 * 0.5)  # not foundational, value known


def generate_items(n_binaries: int, seed: int = 0) -> pd.DataFrame:
    """An item table that yields about `n_binaries` (item, mode) binaries with all three modes."""
    rng = np.random.default_rng(seed)
    n = max(1, round(n_binaries / len(MODES) / ELIGIBLE_SHARE))
    k = np.arange(n)
    cat, grp, num, sub = k % 10, np.array(list("ABCDE"))[(k // 10) % 5], (k // 50) % 1000, k // 50000
    ids = [f"{c}{g}{x:03d}" + (f"-s{s}" if s else "") for c, g, x, s in zip(cat, grp, num, sub)]
    w, p = zip(*WEIGHTS)
    base = rng.choice(w, size=n, p=p)
    fa = rng.beta(2, 2, n)
    value = np.round(np.exp(rng.normal(12, 2.5, n)), 2)
    value[np.isin(grp, ["D", "E"]) & (rng.random(n) < 0.5)] = np.nan
    tier = np.where(rng.random(n) < 0.1, "foundational", np.where(base >= 1.0, "transactional", "legacy"))
    return pd.DataFrame(
        {
            "eccn": ids,
            "tier": tier,
            "value_usd": value,
            "risk": np.round(base * (1 - 0.5 * fa), 6),
            "fa_score": np.round(fa, 4),
            "synthetic": True,
        }
    )


# ---------------------------------------------------------------------- naive baseline
def naive_model(table: pd.DataFrame, target_usd: float) -> tuple[pulp.LpProblem, dict, float]:
    """The same min-risk model built the obvious way: lpSum over generators, a new model each time."""
    t0 = time.perf_counter()
    t = table[(table["tier"] != "foundational") & table["value_usd"].notna()]
    share = {"lift": (1.0, 1.0), "exception": (0.7, 0.5), "approval": (0.4, 0.25)}
    prob = pulp.LpProblem("naive", pulp.LpMinimize)
    x = {(i, m): pulp.LpVariable(f"x_{k}_{m}", cat="Binary") for k, i in enumerate(t["eccn"]) for m in MODES}
    value = dict(zip(t["eccn"], t["value_usd"] / VALUE_UNIT))
    risk = dict(zip(t["eccn"], t["risk"]))
    prob += pulp.lpSum(risk[i] * share[m][1] * x[i, m] for (i, m) in x)
    prob += pulp.lpSum(value[i] * share[m][0] * x[i, m] for (i, m) in x) >= target_usd / VALUE_UNIT, "target"
    for i in t["eccn"]:
        prob += pulp.lpSum(x[i, m] for m in MODES) <= 1, f"one_{i}"
    return prob, x, time.perf_counter() - t0


def naive_solve(table: pd.DataFrame, target_usd: float) -> tuple[float, float, float]:
    """(seconds total, seconds building, objective) of one naive solve."""
    t0 = time.perf_counter()
    prob, _, build_s = naive_model(table, target_usd)
    prob.solve(pulp.COIN_CMD(path=cbc_path(), msg=False, gapRel=GAP))  # PuLP's own CBC call
    return time.perf_counter() - t0, build_s, float(pulp.value(prob.objective) or 0.0)


# ---------------------------------------------------------------------- measurements
PATHS = ("auto", "cbc", "highs", "highs-pulp")


def use_path(solver: str) -> str:
    """The scenario's solver for a bench path: `highs-pulp` is HiGHS on the PuLP model (the array
    path switched off, as before it existed); `highs` takes the array path from its threshold."""
    from optimizer.model import arrays

    if solver == "highs-pulp":
        arrays.ARRAY_MIN_BINARIES = 10**12
        return "highs"
    return solver


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (CBC): on a shared, loaded machine
    the wall time says as much about the neighbours as about the code."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def scenario_for(table: pd.DataFrame, cls: str, solver: str = "auto") -> Scenario:
    """30% of the table's (closed-form) largest achievable; `budget`: risk budget at 40% of its risk."""
    t = table[(table["tier"] != "foundational") & table["value_usd"].notna()]
    d = {
        "modes": MODES,
        "rel_gap": GAP,
        "solver": solver,
        "time_limit_s": 120.0,
        "target_usd": round(0.3 * float(t["value_usd"].sum()), 2),
    }
    if cls == "budget":
        d["risk_budget"] = round(0.4 * float(t["risk"].sum()), 6)
        d["target_usd"] = round(0.2 * float(t["value_usd"].sum()), 2)
    return Scenario.from_dict(d)


def one_package(n: int, cls: str, solver: str) -> dict:
    """One package end to end in this process (the child of `--one`): times, status, memory."""
    table = generate_items(n)
    sc = scenario_for(table, cls, use_path(solver))
    t0, c0 = time.perf_counter(), cpu_seconds()
    res = solve_package(table, sc)
    total, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    self_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    child_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6
    eligible = int(((table["tier"] != "foundational") & table["value_usd"].notna()).sum())
    return {
        "binaries": eligible * len(MODES),
        "total_s": total,
        "cpu_s": cpu,
        "solver_s": res.solve_seconds,
        "status": res.status,
        "gap": res.gap,
        "max_achievable_note": res.max_achievable_note,
        "solver": res.solver,
        "objective": (res.risk or 0.0) + (res.ally_penalty or 0.0),
        "achieved_usd": res.achieved_usd,
        "max_achievable_usd": res.max_achievable_usd,
        "max_achievable_proven": res.max_achievable_proven,
        "peak_gb": self_gb,
        "solver_peak_gb": child_gb,
    }


def package_in_child(n: int, cls: str, solver: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", f"{n},{cls},{solver}"], capture_output=True, text=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if out.returncode != 0 or not lines:
        return {"status": f"failed ({out.returncode}): {out.stderr.strip().splitlines()[-1:]}", "total_s": math.nan}
    return json.loads(lines[-1])


def naive_frontier(table: pd.DataFrame, top: float, points: int, sample: int | None) -> tuple[float, int]:
    targets = np.linspace(0.0, top * (1 - 1e-9), points)
    pick = targets if sample is None else targets[np.linspace(0, points - 1, sample).astype(int)]
    t0 = time.perf_counter()
    for t in pick:
        naive_solve(table, float(t))
    return (time.perf_counter() - t0) * points / len(pick), len(pick)


def frontier_row(label: str, table: pd.DataFrame, solver: str, points: int) -> dict:
    from optimizer.model import arrays

    threshold = arrays.ARRAY_MIN_BINARIES
    sc = scenario_for(table, "knapsack", use_path(solver))
    t0, c0 = time.perf_counter(), cpu_seconds()
    try:
        fr = compute_frontier(table, sc, points=points)
    finally:
        arrays.ARRAY_MIN_BINARIES = threshold
    total, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    statuses = [p.status for p in fr.points]
    eligible = int(((table["tier"] != "foundational") & table["value_usd"].notna()).sum())
    return {
        "case": label,
        "what": f"frontier {points} pts",
        "class": "knapsack",
        "path": solver,
        "total_s": total,
        "cpu_s": cpu,
        "binaries": eligible * len(MODES),
        "solver_s": fr.solve_seconds,
        "status": ",".join(sorted(set(statuses))),
        "points_with_package": sum(p.achieved_usd is not None for p in fr.points),
        "points": len(fr.points),
        "gap": max((p.gap or 0.0) for p in fr.points) if fr.points else None,
        "max_achievable_usd": fr.max_achievable_usd,
        "max_achievable_proven": fr.max_achievable_proven,
        "solver": fr.solver,
        "top": fr.points[-1].solver if fr.points else "",
    }


def fmt_gap(g: float | None) -> str:
    return "-" if g is None or (isinstance(g, float) and math.isnan(g)) else f"{g:.4%}"


def show(r: dict) -> None:
    mem = f"  peak {r['peak_gb']:.2f} GB (CBC {r['solver_peak_gb']:.2f} GB)" if r.get("peak_gb") else ""
    naive = f"  naive {r['naive_s']:.2f} s ({r['naive_s'] / r['total_s']:.1f}x)" if r.get("naive_s") else ""
    if r.get("naive_build_s"):
        naive += f"  naive build only {r['naive_build_s']:.2f} s"
    if r.get("naive_scaled_from"):
        naive += f" [naive timed on {r['naive_scaled_from']} points, scaled]"
    pts = f"  points with a package {r['points_with_package']}/{r['points']}" if "points" in r else ""
    ach = (
        "exact"
        if r.get("max_achievable_proven")
        else ("labelled range" if r.get("max_achievable_proven") is False else "-")
    )
    cpu = f", cpu {r['cpu_s']:.2f} s" if r.get("cpu_s") is not None else ""
    print(
        f"{r['case']:>12} {r['what']:<16} {r['class']:<8} {r.get('binaries', ''):>8} {r['path']:<10} "
        f"{r['total_s']:8.2f} s (solver {r.get('solver_s') or 0:7.2f} s{cpu})  "
        f"{r['status']} / {fmt_gap(r.get('gap'))}"
        f"  largest achievable {ach}{pts}{mem}{naive}  [{r.get('solver', '')[:60]}]",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000,20000,100000,1000000", help="generated table sizes in binaries")
    ap.add_argument("--points", type=int, default=30)
    ap.add_argument("--naive-max", type=int, default=100000, help="largest size with a full naive package solve")
    ap.add_argument("--frontier-max", type=int, default=100000, help="largest size with frontiers")
    ap.add_argument("--budget-max", type=int, default=100000, help="largest size with the budget class")
    ap.add_argument(
        "--large-paths",
        default="auto",
        help="paths measured above --naive-max (auto: the array path; highs-pulp: the PuLP model, "
        "182-194 s and 4.8 GB at 1M before the array path)",
    )
    ap.add_argument("--paths", default=",".join(PATHS), help="paths measured up to --naive-max")
    ap.add_argument("--quick", action="store_true", help="CHN and 2k only")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        n, cls, solver = args.one.split(",")
        print(json.dumps(one_package(int(n), cls, solver), default=float))
        return
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    rows: list[dict] = []

    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    chn = build_item_table(load_dataset(None), "CHN")
    print("Packages and frontiers per path (total = the whole pipeline; naive PuLP+CBC in the same run)\n")
    for cls in ("knapsack", "budget"):
        for solver in PATHS[:3]:  # shipped data is far below the array path's threshold
            sc = scenario_for(chn, cls, solver)
            t0 = time.perf_counter()
            res = solve_package(chn, sc)
            row = {
                "case": "shipped CHN",
                "what": "package",
                "class": cls,
                "path": solver,
                "total_s": time.perf_counter() - t0,
                "solver_s": res.solve_seconds,
                "status": res.status,
                "gap": res.gap,
                "solver": res.solver,
                "max_achievable_proven": res.max_achievable_proven,
            }
            if cls == "knapsack" and solver == "auto":
                row["naive_s"] = naive_solve(chn, sc.target_usd)[0]
            rows.append(row)
            show(row)
    for solver in PATHS[:3]:
        rows.append(frontier_row("shipped CHN", chn, solver, args.points))
        show(rows[-1])
    for n in sizes:
        table = generate_items(n)
        label = f"gen {n // 1000}k" if n < 10**6 else f"gen {n // 10**6}M"
        for cls in ("knapsack", "budget"):
            if cls == "budget" and n > args.budget_max:
                continue
            for solver in tuple(args.paths.split(",")) if n <= args.naive_max else tuple(args.large_paths.split(",")):
                r = package_in_child(n, cls, solver)
                row = {"case": label, "what": "package", "class": cls, "path": solver} | r
                if solver == "auto" and cls == "knapsack":
                    sc = scenario_for(table, cls)
                    if n <= args.naive_max:
                        row["naive_s"] = naive_solve(table, sc.target_usd)[0]
                    else:
                        row["naive_build_s"] = naive_model(table, sc.target_usd)[2]
                rows.append(row)
                show(row)
        if n <= args.frontier_max:
            for solver in args.paths.split(","):
                row = frontier_row(label, table, solver, args.points)
                if solver == "auto":
                    sample = None if n <= 2000 else 3
                    row["naive_s"], used = naive_frontier(table, row["max_achievable_usd"], args.points, sample)
                    row["naive_scaled_from"] = used if sample else None
                rows.append(row)
                show(row)
    print("\nSummary")
    for r in rows:
        show(r)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"optimizer-{stamp}.json"
    path.write_text(json.dumps({"rows": rows, "gap": GAP}, indent=1, default=float))
    print(f"\nsaved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
