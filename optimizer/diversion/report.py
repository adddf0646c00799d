"""The diversion ranking a reader sees: signals plus CHPL tier, mapped ECCNs and where the data is from.

This is the one entry point the CLI (and later a page) calls, so every output carries the same
provenance: whether the mirror table is real or synthetic, its source, the control date and the
years compared, and the weights of the combined score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from optimizer.data.load import Dataset
from optimizer.diversion import rank as rk
from optimizer.diversion import signals as sg
from optimizer.errors import DecontrolError

CHPL_TIERS: tuple[str, ...] = ("1", "2", "3.A", "3.B", "4.A", "4.B")


@dataclass(frozen=True)
class DiversionReport:
    """A ranked (hub, HS6, target) table with the numbers behind each score and its provenance."""

    table: pd.DataFrame
    target: str
    since: date
    since_note: str
    periods: rk.Periods
    weights: dict[str, float]
    synthetic: bool
    source: str
    hubs: tuple[str, ...]
    tiers: tuple[str, ...] = field(default=())

    @property
    def data_label(self) -> str:
        return "SYNTHETIC" if self.synthetic else "real"


def parse_tiers(text: str | None) -> tuple[str, ...]:
    """'1,2' -> ('1', '2'); '3' means 3.A and 3.B; unknown tiers are a DecontrolError naming them."""
    if not text:
        return ()
    out: list[str] = []
    for part in (p.strip().upper() for p in text.split(",") if p.strip()):
        hits = [t for t in CHPL_TIERS if t == part or t.split(".")[0] == part]
        if not hits:
            raise DecontrolError(f"unknown CHPL tier {part!r}: use {', '.join(CHPL_TIERS)} (or 3, 4 for both parts)")
        out += [t for t in hits if t not in out]
    return tuple(out)


def parse_hubs(text: str | None, known: set[str]) -> tuple[str, ...]:
    """'ARE,TUR' -> ('ARE', 'TUR'), each an ISO3 code of countries.csv; default: the usual hubs."""
    if not text:
        return rk.HUBS
    hubs = tuple(dict.fromkeys(h.strip().upper() for h in text.split(",") if h.strip()))
    bad = [h for h in hubs if h not in known]
    if bad:
        raise DecontrolError(f"unknown hub country code(s) {', '.join(bad)}: use ISO3 codes such as ARE, TUR, KAZ")
    if len(hubs) < 2:
        raise DecontrolError("give at least two hubs: each hub's growth is compared with its peer hubs")
    return hubs


def parse_weights(text: str | None) -> dict[str, float]:
    """'growth=0.5,mirror=0.5' -> weights (signals not named get 0); default DEFAULT_WEIGHTS."""
    if not text:
        return dict(sg.DEFAULT_WEIGHTS)
    weights = {k: 0.0 for k in sg.DEFAULT_WEIGHTS}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in weights:
            raise DecontrolError(f"unknown signal {name!r} in --weights: use {', '.join(sg.DEFAULT_WEIGHTS)}")
        try:
            w = float(value)
        except ValueError:
            raise DecontrolError(f"--weights {name}={value!r}: not a number") from None
        if not w >= 0:
            raise DecontrolError(f"--weights {name}={value}: weights cannot be negative")
        weights[name] = w
    if sum(weights.values()) <= 0:
        raise DecontrolError("--weights: at least one weight must be positive")
    return weights


def diversion_report(
    ds: Dataset,
    target: str,
    since: date | None = None,
    *,
    tiers: tuple[str, ...] = (),
    hubs: tuple[str, ...] = rk.HUBS,
    weights: dict[str, float] | None = None,
    codes: set[str] | None = None,
) -> DiversionReport:
    """Rank (hub, HS6) pairs for `target` on the dataset's mirror trade table (`codes`: only these
    HS6 codes; a code's scores do not depend on other codes, so this is a cheap exact subset)."""
    if ds.mirror_trade.empty:
        raise DecontrolError(
            "no mirror trade table (mirror_trade.parquet) in the data: the diversion signals "
            "need both reporters' figures (see datasets/README.md)"
        )
    if target not in set(ds.countries["iso3"]):
        raise DecontrolError(f"unknown target country code {target!r}")
    if since is None and target not in rk.CONTROL_DATES:
        raise DecontrolError(f"no default control date for {target}: give --since YYYY-MM-DD")
    if tiers:
        in_tiers = set(ds.chpl.loc[ds.chpl["tier"].isin(tiers), "hs6"])
        if not in_tiers:
            raise DecontrolError(f"no CHPL code in tier(s) {', '.join(tiers)} (is chpl.csv present?)")
        codes = in_tiers if codes is None else codes & in_tiers
    note = rk.CONTROL_DATES[target][1] if since is None else "date given by the user"
    weights = dict(sg.DEFAULT_WEIGHTS if weights is None else weights)
    table, per = rk.rank_pairs(ds.mirror_trade, target, since, hubs=hubs, codes=codes, weights=weights)
    table = _annotate(table, ds)
    info = ds.provenance.get("mirror_trade")
    synthetic = bool(info.synthetic) if info is not None else True
    source = info.source if info is not None else "unknown"
    return DiversionReport(
        table, target, per.since, note, per, weights, synthetic, source, tuple(h for h in hubs if h != target), tiers
    )


def _annotate(table: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Add the CHPL tier, the ECCNs the concordance maps to the code, and the code's name."""
    if table.empty:
        return table
    tier = ds.chpl.set_index("hs6")["tier"] if not ds.chpl.empty else pd.Series(dtype=str)
    eccns = (
        ds.concordance.sort_values("eccn").groupby("hs6")["eccn"].agg(lambda s: ";".join(dict.fromkeys(s)))
        if not ds.concordance.empty
        else pd.Series(dtype=str)
    )
    names = ds.hs6.set_index("hs6")["name"] if not ds.hs6.empty else pd.Series(dtype=str)
    out = table.copy()
    out.insert(4, "chpl_tier", out["hs6"].map(tier).fillna(""))
    out.insert(5, "eccns", out["hs6"].map(eccns).fillna(""))
    out.insert(6, "hs6_name", out["hs6"].map(names).fillna(""))
    return out
