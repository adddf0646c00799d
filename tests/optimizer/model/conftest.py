"""Small random instances and an independent brute-force solver for the optimizer tests.

The brute force enumerates every assignment of (no relief | one offered mode) to each item with
numpy and applies DESIGN.md section 4's rules directly from the item table - it shares no code with
`optimizer.model`, so agreement is evidence, not tautology.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from optimizer.model.scenario import MODES, Scenario

#: Modes a table without an `instruments` column offers (meu_removal needs the licensing model).
GENERIC_MODES = tuple(m for m in MODES if m != "meu_removal")

POOL = [
    "2A991",
    "2B991",
    "2D991",
    "2E991",
    "3A991",
    "3D991",
    "4A994",
    "4A994-rest",
    "4D994",
    "5A991",
    "5E991",
    "9A991",
    "9E991",
    "1C991",
    "6A991",
    "7D994",
]


def make_instance(
    seed: int, n_items: int | None = None, objective: str | None = None, feasible_bias: float = 0.8
) -> tuple[pd.DataFrame, dict]:
    """A random item table (4-7 items) and scenario dict exercising every constraint family."""
    rng = np.random.default_rng(seed)
    n = n_items or int(rng.integers(4, 8))
    ids = sorted(rng.choice(POOL, size=n, replace=False), key=POOL.index)
    rows = []
    for item in ids:
        group = item[1]
        unknown = group in "DE" and rng.random() < 0.3
        rows.append(
            {
                "eccn": item,
                "tier": "foundational" if rng.random() < 0.12 else str(rng.choice(["legacy", "transactional"])),
                "value_usd": np.nan if unknown else round(float(rng.lognormal(19, 1.0)), 2),
                "risk": 0.0 if rng.random() < 0.08 else round(float(rng.uniform(0.05, 2.0)), 4),
                "fa_score": round(float(rng.uniform(0, 1)), 3),
                "ally_GBR": str(rng.choice(["support", "neutral", "oppose"], p=[0.3, 0.55, 0.15])),
                "ally_JPN": str(rng.choice(["support", "neutral", "", "oppose"], p=[0.3, 0.4, 0.15, 0.15])),
                "synthetic": True,
            }
        )
    table = pd.DataFrame(rows)
    modes = [m for m in GENERIC_MODES if rng.random() < 0.6] or ["lift"]
    sc: dict = {
        "objective": objective or str(rng.choice(["min-risk", "max-value", "min-items"])),
        "modes": modes,
        "rel_gap": 0.0,
        "time_limit_s": 30,
    }
    if rng.random() < 0.3:
        sc["mode_params"] = {
            "exception": {
                "value_share": round(float(rng.uniform(0.3, 0.9)), 2),
                "risk_share": round(float(rng.uniform(0.1, 0.8)), 2),
            }
        }
    eligible = [r["eccn"] for r in rows if r["tier"] != "foundational"]
    # no threshold unless drawn (explicit: the instances, their seeds and their known cases do not
    # depend on the default threshold)
    sc["min_fa"] = round(float(rng.uniform(0, 0.5)), 2) if rng.random() < 0.4 else 0.0
    if rng.random() < 0.4:
        sc["max_items"] = int(rng.integers(1, 4))
    if eligible and rng.random() < 0.3:
        sc["locks"] = [str(rng.choice(eligible))]
    free = [e for e in eligible if e not in sc.get("locks", [])]
    if free and rng.random() < 0.3:
        sc["forced"] = [str(rng.choice(free))]
    total_risk = float(table["risk"].sum())
    if rng.random() < 0.4 or sc["objective"] == "max-value":
        sc["risk_budget"] = round(float(rng.uniform(0.2, 0.9)) * total_risk, 4)
    if rng.random() < 0.35:
        cat = str(rng.choice([i[0] for i in ids]))
        sc["category_caps"] = {
            cat: (
                {"max_items": 1} if rng.random() < 0.5 else {"max_value_share": round(float(rng.uniform(0.3, 0.8)), 2)}
            )
        }
    if rng.random() < 0.4:
        sc["allow_opposed"] = True
        sc["ally_penalty"] = round(float(rng.uniform(0, 1)), 3)
    if rng.random() < 0.3:
        sc["allies"] = ["GBR"]
    if rng.random() < 0.15:
        sc["coherence"] = False
    total_value = float(table["value_usd"].fillna(0).sum())
    frac = float(rng.uniform(0.05, 0.7)) if rng.random() < feasible_bias else float(rng.uniform(0.7, 1.2))
    sc["target_usd"] = 0.0 if sc["objective"] == "max-value" and rng.random() < 0.5 else round(frac * total_value, 2)
    return table, sc


@dataclass
class Brute:
    """Best assignment found by enumeration: objective tuple and {item: mode}."""

    objective: tuple[float, ...]
    choices: dict[str, str]
    value: float
    risk: float


def _assignments(
    table: pd.DataFrame, sc: Scenario, relax: set[str], offered: dict[str, list[str]] | None = None
) -> tuple[list[str], np.ndarray, list[list]]:
    """Every assignment of "not relieved" or one mode to each item. `offered`: {item: modes} the built
    model offers (an item absent from it has no option but "not relieved"); default: the scenario's
    modes for every item (the rules below then decide which may enter)."""
    modes = list(GENERIC_MODES) if "modes" in relax else list(sc.modes)
    ids = list(table["eccn"])
    options = []
    for item in ids:
        options.append([None] + (modes if offered is None else list(offered.get(item, []))))
    combos = np.array(list(itertools.product(*[range(len(o)) for o in options])), dtype=np.int8)
    return ids, combos, options


def enumerate_packages(
    table: pd.DataFrame,
    sc: Scenario,
    relax: set[str] = frozenset(),
    target: float | None = None,
    offered: dict[str, list[str]] | None = None,
):
    """Every assignment with its feasibility, value, risk (with ally penalties) and item count
    (`target` None: the scenario's; `offered`: see `_assignments`)."""
    target = sc.target_usd if target is None else target
    ids, combos, options = _assignments(table, sc, relax, offered)
    n_rows = len(combos)
    ok = np.ones(n_rows, dtype=bool)
    value = np.zeros(n_rows)
    risk = np.zeros(n_rows)
    count = np.zeros(n_rows)
    chosen = combos > 0
    cats = [i[0] for i in ids]
    val_by_cat = {c: np.zeros(n_rows) for c in set(cats)}
    cnt_by_cat = {c: np.zeros(n_rows) for c in set(cats)}
    forced = set() if "forced" in relax else set(sc.forced)
    locks = set() if "locks" in relax else set(sc.locks)
    min_fa = 0.0 if "fa_threshold" in relax else sc.min_fa
    allies = sc.allies if sc.allies is not None else ("GBR", "JPN")
    for k, (_, r) in enumerate(table.iterrows()):
        item = r["eccn"]
        pick = combos[:, k]
        opp = sum(1 for a in allies if f"ally_{a}" in r and r[f"ally_{a}"] == "oppose")
        excluded = (
            r["tier"] == "foundational"
            or item in locks
            or (
                item not in forced
                and (r["fa_score"] < min_fa or (isinstance(r["value_usd"], float) and math.isnan(r["value_usd"])))
            )
        )
        if opp and "ally_positions" not in relax and not sc.allow_opposed:
            excluded = True  # forced + opposed: must be 0, and the forced check below fails
        if excluded:
            ok &= pick == 0
        v = 0.0 if math.isnan(r["value_usd"]) else float(r["value_usd"])
        pen = sc.ally_penalty * opp if (sc.allow_opposed and "ally_positions" not in relax) else 0.0
        for j, mode in enumerate(options[k]):
            if mode is None:
                continue
            p = sc.mode_params[mode]
            sel = pick == j
            value += sel * v * p.value_share
            risk += sel * (float(r["risk"]) * p.risk_share + pen)
            val_by_cat[cats[k]] += sel * v * p.value_share
        count += pick > 0
        cnt_by_cat[cats[k]] += pick > 0
        if item in forced:
            ok &= pick > 0
    ok &= value >= target - 1e-6
    if sc.max_items is not None and "max_items" not in relax:
        ok &= count <= sc.max_items
    if sc.risk_budget is not None and "risk_budget" not in relax:
        ok &= risk <= sc.risk_budget + 1e-9
    if "category_caps" not in relax:
        for cat, cap in sc.category_caps.items():
            if cat not in cnt_by_cat:
                continue
            if cap.max_items is not None:
                ok &= cnt_by_cat[cat] <= cap.max_items
            if cap.max_value_share is not None:
                ok &= val_by_cat[cat] <= cap.max_value_share * value + 1e-6
    if sc.coherence and "coherence" not in relax:
        for k, item in enumerate(ids):
            if item[1] in "DE":
                fam = (item[0], item.split("-")[0][2:])
                hw = [
                    j for j, other in enumerate(ids) if other[1] in "ABC" and (other[0], other.split("-")[0][2:]) == fam
                ]
                if hw:
                    ok &= ~chosen[:, k] | chosen[:, hw].any(axis=1)
    if "nesting" not in relax:
        for k, item in enumerate(ids):
            if "-" in item and item.split("-")[0] in ids:
                ok &= ~(chosen[:, k] & chosen[:, ids.index(item.split("-")[0])])
    return ids, combos, options, ok, value, risk, count


def _keys(objective: str, value: np.ndarray, risk: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Sort keys, smaller is better (min-items: count first, then risk)."""
    if objective == "min-risk":
        return np.stack([risk], axis=1)
    if objective == "max-value":
        return np.stack([-value], axis=1)
    return np.stack([count, risk], axis=1)


def brute_force(
    table: pd.DataFrame,
    sc: Scenario,
    relax: set[str] = frozenset(),
    objective: str | None = None,
    target: float | None = None,
) -> Brute | None:
    """Best package by enumeration under DESIGN.md's rules (None: no feasible assignment)."""
    ids, combos, options, ok, value, risk, count = enumerate_packages(table, sc, relax, target)
    if not ok.any():
        return None
    idx = np.flatnonzero(ok)
    keys = _keys(objective or sc.objective, value[idx], risk[idx], count[idx])
    best = np.lexsort(keys.T[::-1])[0]
    i = idx[best]
    choices = {ids[k]: options[k][combos[i, k]] for k in range(len(ids)) if combos[i, k] > 0}
    return Brute(tuple(float(x) for x in keys[best]), choices, float(value[i]), float(risk[i]))


def near_optimal_item_sets(table: pd.DataFrame, sc: Scenario, tolerance: float) -> set[frozenset[str]]:
    """Every item set with some mode assignment within `tolerance` of the optimum (brute force)."""
    best = brute_force(table, sc)
    if best is None:
        return set()
    ids, combos, _, ok, value, risk, count = enumerate_packages(table, sc)
    if sc.objective == "min-risk":
        ok &= risk <= (1 + tolerance) * best.objective[0] + 1e-9
    elif sc.objective == "max-value":
        ok &= value >= (1 - tolerance) * -best.objective[0] - 1e-6
    else:
        ok &= count <= math.floor(best.objective[0] * (1 + tolerance) + 1e-9)
    return {frozenset(ids[k] for k in range(len(ids)) if combos[i, k] > 0) for i in np.flatnonzero(ok)}


@pytest.fixture()
def instance():
    return make_instance


@pytest.fixture()
def brute():
    return brute_force


@pytest.fixture()
def packages():
    return enumerate_packages


@pytest.fixture()
def near_optimal_sets():
    return near_optimal_item_sets


@pytest.fixture(scope="session")
def small_table() -> pd.DataFrame:
    """A hand-made table: legacy goods, a D/E pair, a foundational item, ally columns."""
    return pd.DataFrame(
        [
            {
                "eccn": "2B991",
                "tier": "legacy",
                "value_usd": 900e6,
                "risk": 0.30,
                "fa_score": 0.8,
                "ally_GBR": "neutral",
            },
            {
                "eccn": "2D991",
                "tier": "legacy",
                "value_usd": 100e6,
                "risk": 0.05,
                "fa_score": 0.9,
                "ally_GBR": "neutral",
            },
            {
                "eccn": "3A991",
                "tier": "legacy",
                "value_usd": 1500e6,
                "risk": 0.40,
                "fa_score": 0.7,
                "ally_GBR": "support",
            },
            {
                "eccn": "4A994",
                "tier": "transactional",
                "value_usd": 600e6,
                "risk": 0.10,
                "fa_score": 0.4,
                "ally_GBR": "oppose",
            },
            {
                "eccn": "5D991",
                "tier": "legacy",
                "value_usd": float("nan"),
                "risk": 0.2,
                "fa_score": 0.9,
                "ally_GBR": "neutral",
            },
            {
                "eccn": "3A090",
                "tier": "foundational",
                "value_usd": 5000e6,
                "risk": 1.0,
                "fa_score": 0.1,
                "ally_GBR": "oppose",
            },
        ]
    )
