"""Benchmark: building the item table on the shipped data (goal: < 1 s per partner; the dashboard
rebuilds it whenever the partner or a parameter changes).

Measures, in one run on the same data:
- cold build (first call: tiers, controlled shares and the year's trade slice are computed),
- warm builds for each focus partner (partner-independent parts come from the cache),
- a naive baseline: per item, filter the full trade table for its HS codes and compute value and
  foreign availability with pandas on those rows (the obvious loop). It is timed on a sample of
  mapped items and extrapolated to all mapped items (said so in the output).

Run: .venv/bin/python bench/bench_item_table.py [--sample 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from optimizer.data.load import load_dataset
from optimizer.data.schema import PARTNERS
from optimizer.estimation import EstimationConfig, build_item_table
from optimizer.estimation.item_table import clear_cache, static_items

GOAL_S = 1.0


def naive_item(trade: pd.DataFrame, shares: pd.DataFrame, partner: str, year: int) -> tuple[float, float]:
    """Value and non-US share of one item the obvious way: filter the whole table per item."""
    rows = trade[(trade["year"] == year) & trade["hs6"].isin(shares["hs6"])]
    value = 0.0
    world_total = non_us = 0.0
    for hs6, share in zip(shares["hs6"], shares["controlled_share"]):
        r = rows[rows["hs6"] == hs6]
        world = r[r["importer"] == "WLD"].groupby("exporter")["value_usd"].sum()
        total = world.sum()
        us = world.get("USA", 0.0)
        imports = r[(r["exporter"] == "WLD") & (r["importer"] == partner)]["value_usd"].sum()
        us_to = r[(r["exporter"] == "USA") & (r["importer"] == partner)]["value_usd"].sum()
        u = us / total if total > 0 else 0.0
        value += max(0.0, imports * u - us_to) * share
        world_total += total * share
        non_us += (total - us) * share
    return value, (non_us / world_total if world_total else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=40, help="items timed for the naive baseline")
    args = ap.parse_args()

    t0 = time.perf_counter()
    ds = load_dataset()
    load_s = time.perf_counter() - t0
    print(
        f"dataset load: {load_s:.2f} s ({len(ds.trade):,} trade rows, {len(ds.concordance):,} concordance rows; "
        f"trade {'SYNTHETIC' if ds.trade_synthetic else 'real'})"
    )

    clear_cache()
    t0 = time.perf_counter()
    table = build_item_table(ds, "CHN")
    cold = time.perf_counter() - t0
    warm: dict[str, float] = {}
    for p in PARTNERS:
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            build_item_table(ds, p)
            runs.append(time.perf_counter() - t0)
        warm[p] = statistics.median(runs)
    cfg = EstimationConfig(risk_weights={"NS2": 0.7})
    t0 = time.perf_counter()
    build_item_table(ds, "CHN", config=cfg)
    new_cfg = time.perf_counter() - t0

    shares = static_items(ds, EstimationConfig()).shares
    mapped = sorted(set(shares["eccn"]))
    sample = mapped[: args.sample]
    year = int(table["year"].iloc[0])
    t0 = time.perf_counter()
    for e in sample:
        naive_item(ds.trade, shares[shares["eccn"] == e], "CHN", year)
    naive_sample = time.perf_counter() - t0
    naive_all = naive_sample / max(1, len(sample)) * len(mapped)

    warm_med = statistics.median(warm.values())
    print(f"items: {len(table)} rows, {len(mapped)} with HS codes")
    print(
        f"cold build (CHN):                 {cold:.3f} s   goal < {GOAL_S:.1f} s  {'OK' if cold < GOAL_S else 'MISSED'}"
    )
    print("warm build per partner (median of 3): " + ", ".join(f"{p} {s:.3f}" for p, s in warm.items()))
    print(
        f"warm build, median over partners: {warm_med:.3f} s   goal < {GOAL_S:.1f} s  {'OK' if warm_med < GOAL_S else 'MISSED'}"
    )
    print(f"build after a config change:      {new_cfg:.3f} s")
    print(
        f"naive per-item loop (value + non-US share only): {naive_sample:.2f} s for {len(sample)} items "
        f"-> extrapolated {naive_all:.1f} s for {len(mapped)} items"
    )
    print(f"speed-up vs naive: cold x{naive_all / cold:.0f}, warm x{naive_all / warm_med:.0f}")


if __name__ == "__main__":
    main()
