"""How well the ranking finds the planted test patterns of a synthetic mirror table.

The synthetic builder (`datasets/build/build_mirror.py`) writes the patterns it planted into the
parquet metadata `decontrol.test_patterns`. For each target: recall in the top k (k = the number of
patterns planted for that target, and 2k), false alarms in the top k (pairs with no pattern planted
for any target), and the false-alarm rate at a score threshold over all unplanted pairs. A real mirror
table has no such metadata, so there is nothing to validate against (the CLI says so).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from optimizer.data.load import Dataset
from optimizer.diversion.report import diversion_report
from optimizer.errors import DecontrolError

ALARM_THRESHOLD = 0.5


def planted_patterns(path: Path) -> list[dict[str, Any]]:
    """The test patterns a synthetic mirror parquet declares (empty: none declared)."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"decontrol.test_patterns")
    return json.loads(raw.decode()) if raw else []


@dataclass(frozen=True)
class TargetValidation:
    target: str
    planted: int
    k: int
    found_top_k: int
    found_top_2k: int
    false_alarms_top_k: int  # unplanted pairs (for every target) among the top k
    spillover_top_k: int  # pairs planted for another target among the top k
    unplanted_pairs: int
    unplanted_above_threshold: int  # unplanted pairs with combined >= ALARM_THRESHOLD
    missed: tuple[str, ...]  # planted pairs outside the top 2k, "HUB hs6 (rank)"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, missed=list(self.missed))


def validate(ds: Dataset) -> list[TargetValidation]:
    """Recall and false alarms per target of the planted patterns (DecontrolError when none)."""
    info = ds.provenance.get("mirror_trade")
    if info is None or info.path is None:
        raise DecontrolError("no mirror trade table to validate")
    patterns = planted_patterns(Path(info.path))
    if not patterns:
        raise DecontrolError(f"{info.path} declares no test patterns (real data has none): nothing to validate")
    any_target = {(p["hub"], p["hs6"]) for p in patterns}
    out = []
    for target in sorted({p["target"] for p in patterns}):
        mine = {(p["hub"], p["hs6"]) for p in patterns if p["target"] == target}
        table = diversion_report(ds, target).table
        pairs = list(zip(table["hub"], table["hs6"]))
        k = len(mine)
        rank_of = {pair: i + 1 for i, pair in enumerate(pairs)}
        top_k, top_2k = set(pairs[:k]), set(pairs[: 2 * k])
        unplanted = table[[pair not in any_target for pair in pairs]]
        out.append(
            TargetValidation(
                target,
                k,
                k,
                len(mine & top_k),
                len(mine & top_2k),
                sum(1 for pair in pairs[:k] if pair not in any_target),
                sum(1 for pair in pairs[:k] if pair in any_target and pair not in mine),
                len(unplanted),
                int((unplanted["combined"] >= ALARM_THRESHOLD).sum()),
                tuple(f"{h} {c} ({rank_of.get((h, c), 'absent')})" for h, c in sorted(mine - top_2k)),
            )
        )
    return out
