"""An item's diversion exposure: the diversion signals of the HS codes its ECCN maps to.

The link from the enforcement evidence to the package. Relief on an item whose codes already leak
through third countries is relief the partner (or the targets behind it) would use to widen the
leak, and an agreement with allies is then better spent on enforcement. So the item panel shows the
exposure, and the optimizer can leave such items out (`Scenario.max_diversion`, the
`diversion_signal` screen of `define_exclusions`).

Which targets count for a partner (`targets_for`): the partner itself when it is a diversion target
(China, Russia, Belarus); Hong Kong and Macau count for China (their own controls follow China's,
15 CFR 738 Supp. 1 lists them apart, but goods move freely into the mainland); any other partner
(an ally, a hub) counts for every target, because relief to it is relief to a possible way
station. An item's score is the highest combined score (0-1, `signals.combine`) of any (hub, code,
target) pair of its mapped codes; the pair is named so the reader can check the evidence on the
Diversion page. Items with no mapped code in the mirror table have no score (NaN), not 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from optimizer.data.load import Dataset
from optimizer.diversion import rank as rk
from optimizer.diversion.report import diversion_report
from optimizer.errors import DecontrolError

#: The score at or above which a signal is called strong (the validation's alarm threshold).
STRONG_SIGNAL = 0.5
#: Partners whose diversion counts as the target's (moves into the mainland are not recorded).
TARGET_OF: dict[str, str] = {"HKG": "CHN", "MAC": "CHN"}
COLUMNS: tuple[str, ...] = ("eccn", "diversion_score", "diversion_signal", "diversion_pairs_strong")


@dataclass(frozen=True)
class Exposure:
    """Per ECCN: the strongest signal of its codes for the partner's targets, with provenance."""

    table: pd.DataFrame  # COLUMNS, one row per ECCN that has at least one scored pair
    partner: str
    targets: tuple[str, ...]
    synthetic: bool
    source: str

    @property
    def data_label(self) -> str:
        return "SYNTHETIC" if self.synthetic else "real"

    def of(self, eccn: str) -> dict[str, object] | None:
        """The exposure row of `eccn` (its base entry's when a sub-item has none), else None."""
        t = self.table
        for key in (eccn, eccn.split("-", 1)[0]):
            hit = t[t["eccn"] == key]
            if len(hit):
                return dict(hit.iloc[0])
        return None


def targets_for(partner: str) -> tuple[str, ...]:
    """The diversion targets whose signals bear on relief to `partner` (module docstring)."""
    p = TARGET_OF.get(partner, partner)
    return (p,) if p in rk.CONTROL_DATES else tuple(rk.CONTROL_DATES)


def item_exposure(ds: Dataset, partner: str, eccns: list[str] | None = None) -> Exposure | None:
    """The diversion exposure of every mapped item for `partner` (`eccns`: only these items and
    their base entries, e.g. for one item panel); None without a mirror table."""
    if ds.mirror_trade.empty:
        return None
    targets = targets_for(partner)
    conc = ds.concordance[["eccn", "hs6"]].drop_duplicates() if not ds.concordance.empty else None
    codes = None
    if eccns is not None and conc is not None:
        wanted = set(eccns) | {e.split("-", 1)[0] for e in eccns}
        conc = conc[conc["eccn"].isin(wanted)]
        codes = set(conc["hs6"])
    frames = [diversion_report(ds, t, codes=codes).table for t in targets] if codes != set() else []
    pairs = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else None
    info = ds.provenance.get("mirror_trade")
    synthetic = bool(info.synthetic) if info is not None else True
    source = info.source if info is not None else "unknown"
    if pairs is None or conc is None:
        return Exposure(pd.DataFrame(columns=list(COLUMNS)), partner, targets, synthetic, source)
    scored = conc.merge(pairs[["hub", "hs6", "target", "combined"]], on="hs6")
    scored = scored.sort_values(
        ["eccn", "combined", "hub", "hs6", "target"], ascending=[True, False, True, True, True], kind="mergesort"
    )
    top = scored.drop_duplicates("eccn").set_index("eccn")
    strong = scored[scored["combined"] >= STRONG_SIGNAL].groupby("eccn").size()
    label = "SYNTHETIC" if synthetic else "real"
    out = pd.DataFrame(
        {
            "eccn": top.index,
            "diversion_score": top["combined"].round(4).to_numpy(),
            "diversion_signal": [
                f"{r.hub} → {r.target}, HS {r.hs6}, score {r.combined:.2f} ({label} mirror trade)"
                for r in top.itertuples()
            ],
            "diversion_pairs_strong": [int(strong.get(e, 0)) for e in top.index],
        }
    )
    return Exposure(out.reset_index(drop=True), partner, targets, synthetic, source)


def with_diversion(items: pd.DataFrame, exposure: Exposure | None) -> pd.DataFrame:
    """`items` with `diversion_score` and `diversion_signal` joined on the item id (a sub-item takes
    its base entry's exposure when it has none of its own); no exposure: empty scores."""
    out = items.copy()
    if exposure is None or exposure.table.empty:
        out["diversion_score"] = float("nan")
        out["diversion_signal"] = ""
        return out
    t = exposure.table.set_index("eccn")
    ids = out["eccn"].astype(str)
    key = ids.where(ids.isin(t.index), ids.str.split("-", n=1).str[0])
    out["diversion_score"] = key.map(t["diversion_score"]).astype(float).to_numpy()
    out["diversion_signal"] = key.map(t["diversion_signal"]).fillna("").to_numpy()
    return out


def diversion_for(ds: Dataset, items: pd.DataFrame, partner: str) -> pd.DataFrame:
    """`items` with the diversion exposure for `partner` (the optimizer's `max_diversion` screen
    reads it); a DecontrolError when the data has no mirror trade table to measure it on."""
    exposure = item_exposure(ds, partner)
    if exposure is None:
        raise DecontrolError(
            "the diversion screen needs the mirror trade table (mirror_trade.parquet), which this "
            "data does not have: drop --max-diversion or add the table (datasets/README.md)"
        )
    out = with_diversion(items, exposure)
    out.attrs = dict(items.attrs)
    return out


def for_scenario(
    ds: Dataset, items: pd.DataFrame, partner: str | None, max_diversion: float | None, exposure: Exposure | None = None
) -> pd.DataFrame:
    """The item table a scenario is solved on: with the diversion exposure joined when the scenario
    screens on it (`max_diversion` set and the table has no scores yet), else unchanged. Every path
    that solves a scenario (CLI, builder, scenario runner, coalition) calls this one function."""
    if max_diversion is None or "diversion_score" in items.columns or not partner:
        return items
    if exposure is not None:
        out = with_diversion(items, exposure)
        out.attrs = dict(items.attrs)
        return out
    return diversion_for(ds, items, partner)


__all__ = [
    "COLUMNS",
    "STRONG_SIGNAL",
    "Exposure",
    "diversion_for",
    "for_scenario",
    "item_exposure",
    "targets_for",
    "with_diversion",
]
