"""Build `datasets/mirror_trade.parquet`: SYNTHETIC third-country mirror trade for the diversion signals.

    .venv/bin/python datasets/build/build_mirror.py

Flows of the CHPL codes and the high-confidence CCL-mapped HS codes, 2017-2024, among coalition
exporters, transit hubs and the targets (RUS, BLR, CHN), each reported twice: by the exporter (FOB)
and by the importer (CIF), with net weights. Reads only committed files: `chpl.csv`,
`concordance.csv` and the synthetic `trade.parquet` (for calibration). Deterministic: numpy
`default_rng([SEED, component...])`, sorted rows, fixed parquet options.

Calibration: coalition exporter X's exports of code c to the hubs and targets are shares of X's world
exports of c in the shipped layer (`X -> WLD`, 2019; back-cast to 2017-2018 with the drawn trend).
Shares, trends, re-export ratios, CIF/FOB margins and unit values are seeded draws around the
assumptions below, NOT measurements.

TEST PATTERNS. A few (hub, hs6, target) triples get planted diversion patterns (surges after the
control date, rising re-export ratios, mirror gaps, unit-value anomalies) so that the signals can be
validated. They are listed in `PLANTED` and in the parquet metadata `decontrol.test_patterns`, and are
synthetic: nothing in this file is evidence of diversion by any real country.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "datasets"
GENERATOR = "datasets/build/build_mirror.py"
SEED = 20261201
YEARS = tuple(range(2017, 2025))
CALIBRATION_YEAR = 2019

COALITION = (
    "USA",
    "DEU",
    "FRA",
    "ITA",
    "NLD",
    "BEL",
    "AUT",
    "CZE",
    "POL",
    "SWE",
    "GBR",
    "JPN",
    "KOR",
    "TWN",
    "CHE",
    "CAN",
)
#: Hubs and their share of a coalition exporter's world exports of a code (pre-period level).
HUBS = {
    "ARE": 0.010,
    "TUR": 0.012,
    "KAZ": 0.003,
    "KGZ": 0.0006,
    "ARM": 0.0006,
    "GEO": 0.0008,
    "UZB": 0.0012,
    "HKG": 0.030,
    "SGP": 0.025,
    "MYS": 0.020,
    "THA": 0.012,
    "VNM": 0.020,
    "IND": 0.015,
}
#: Direct coalition exports to the targets (share of world exports) before the controls, and the
#: factor they keep afterwards (Russia and Belarus: sanctions from 2022; China: chips rules from 2023).
TARGETS = {"RUS": (0.010, 2022, 0.08), "BLR": (0.0015, 2022, 0.08), "CHN": (0.080, 2023, 0.85)}
#: Pre-period re-export ratio hub -> target (hub's exports to the target over its imports from the
#: coalition); hubs not listed: 0.002. Hong Kong's entrepot trade with China is large and legal.
REEXPORT = {
    "RUS": {
        "KAZ": 0.08,
        "KGZ": 0.10,
        "ARM": 0.06,
        "GEO": 0.03,
        "UZB": 0.03,
        "ARE": 0.02,
        "TUR": 0.02,
        "HKG": 0.005,
        "IND": 0.004,
    },
    "BLR": {"KAZ": 0.01, "ARM": 0.01, "GEO": 0.005, "UZB": 0.005, "TUR": 0.003},
    "CHN": {"HKG": 0.50, "SGP": 0.10, "MYS": 0.08, "VNM": 0.06, "THA": 0.06, "IND": 0.01, "ARE": 0.01},
}
#: Common (unplanted) shift of every hub's re-export ratio after the target's control year: the
#: whole region reorients at once, which the peer comparison is meant to net out.
COMMON_SHIFT = {"RUS": 1.4, "BLR": 1.2, "CHN": 1.0}
TREND_MEAN, TREND_SD = 0.04, 0.03  # yearly log growth of coalition -> hub trade per (hub, code)
NOISE_SD = 0.12  # yearly log noise of each flow
CIF_MEAN, CIF_SD = 0.06, 0.02  # importer-reported (CIF) over exporter-reported (FOB) - 1
REPORT_SD = 0.04  # log noise between the two reports of one flow
PRESENCE = 0.75  # probability that a coalition exporter ships a code to a hub at all
QTY_MISSING = 0.08  # share of reports without a net weight

#: Planted test patterns: (hub, hs6, target, first treated year, coalition->hub surge factor,
#: share of the surge re-exported to the target, leg-1 gap (share of the surge the hub does not
#: record as imports), leg-2 gap (share of its re-exports the hub does not declare), unit-value
#: factor of the hub's re-exports (quantity x this: low value per kg)).
PLANTED: tuple[tuple[str, str, str, int, float, float, float, float, float], ...] = (
    ("KGZ", "854231", "RUS", 2022, 4.0, 0.7, 0.0, 0.30, 1.0),
    ("ARM", "854232", "RUS", 2022, 3.0, 0.6, 0.0, 0.0, 1.0),
    ("KAZ", "851762", "RUS", 2022, 2.5, 0.5, 0.30, 0.0, 1.0),
    ("ARE", "854239", "RUS", 2022, 2.0, 0.5, 0.0, 0.0, 3.0),
    ("TUR", "852691", "RUS", 2022, 2.5, 0.4, 0.0, 0.20, 1.0),
    ("UZB", "853221", "RUS", 2022, 3.0, 0.6, 0.0, 0.0, 1.0),
    ("GEO", "847150", "RUS", 2022, 2.0, 0.5, 0.20, 0.0, 1.0),
    ("KAZ", "848210", "RUS", 2022, 2.0, 0.4, 0.0, 0.0, 1.0),
    ("TUR", "854800", "RUS", 2022, 1.5, 0.3, 0.0, 0.0, 1.0),
    ("ARE", "880730", "RUS", 2022, 1.6, 0.3, 0.0, 0.0, 1.0),
    ("ARM", "853690", "BLR", 2022, 2.5, 0.5, 0.0, 0.0, 1.0),
    ("SGP", "854231", "CHN", 2023, 2.5, 0.6, 0.0, 0.0, 1.0),
    ("MYS", "848620", "CHN", 2023, 2.0, 0.5, 0.0, 0.25, 1.0),
    ("HKG", "854232", "CHN", 2023, 1.8, 0.5, 0.0, 0.0, 1.0),
    ("VNM", "903082", "CHN", 2023, 2.0, 0.5, 0.25, 0.0, 1.0),
    ("THA", "854239", "CHN", 2023, 2.5, 0.5, 0.0, 0.0, 3.0),
    ("IND", "847180", "CHN", 2023, 1.5, 0.3, 0.0, 0.0, 1.0),
)


def rng_for(*component: int) -> np.random.Generator:
    """One generator per draw site, so adding a draw elsewhere does not shift this one."""
    return np.random.default_rng([SEED, *component])


def codes() -> list[str]:
    """CHPL codes and the HS codes the concordance maps with high confidence, sorted."""
    chpl = pd.read_csv(DATASETS / "chpl.csv", dtype=str)["hs6"]
    conc = pd.read_csv(DATASETS / "concordance.csv", dtype=str)
    mapped = conc.loc[conc["confidence"] == "high", "hs6"]
    return sorted(set(chpl) | set(mapped))


def world_exports(hs6: list[str]) -> pd.DataFrame:
    """Coalition exporters' world exports per code in the calibration year (shipped synthetic layer)."""
    t = pq.read_table(
        DATASETS / "trade.parquet", filters=[("year", "=", CALIBRATION_YEAR), ("importer", "=", "WLD")]
    ).to_pandas()
    t = t[t["exporter"].isin(COALITION) & t["hs6"].isin(hs6) & (t["value_usd"] > 0)]
    return (
        t.pivot_table(index="hs6", columns="exporter", values="value_usd", aggfunc="sum")
        .reindex(index=hs6, columns=list(COALITION))
        .fillna(0.0)
    )


def build() -> tuple[pd.DataFrame, list[dict]]:
    """Both reports of every flow (canonical mirror columns) and the planted test patterns."""
    hs6 = codes()
    world = world_exports(hs6)
    years = np.array(YEARS)
    t0 = years - CALIBRATION_YEAR
    hubs = list(HUBS)
    planted = {(h, c, t): p for h, c, t, *p in PLANTED}
    unit_value = np.exp(rng_for(1).normal(np.log(80.0), 1.3, len(hs6)))  # USD per kg per code
    flows: list[tuple[int, str, str, str, float, float]] = []  # year, exporter, importer, hs6, FOB, kg

    for ci, code in enumerate(hs6):
        uv = unit_value[ci]
        hub_in = np.zeros((len(hubs), len(years)))  # coalition -> hub, true (exporter-reported) totals
        for hi, hub in enumerate(hubs):
            r = rng_for(2, ci, hi)
            trend = r.normal(TREND_MEAN, TREND_SD)
            level = HUBS[hub] * np.exp(r.normal(0.0, 0.5))
            surge = np.ones(len(years))
            for (ph, pc, _pt), (start, factor, *_rest) in planted.items():
                if ph == hub and pc == code:
                    surge = np.where(years >= start, factor, 1.0)
            for _xi, exp_ in enumerate(COALITION):
                base = world.at[code, exp_]
                if base <= 0 or r.random() > PRESENCE:
                    continue
                v = base * level * np.exp(trend * t0 + r.normal(0.0, NOISE_SD, len(years))) * surge
                hub_in[hi] += v
                for yi, y in enumerate(years):
                    flows.append((int(y), exp_, hub, code, v[yi], v[yi] / (uv * np.exp(r.normal(0, 0.15)))))
        for ti, (target, (share, ctrl_year, keep)) in enumerate(TARGETS.items()):
            r = rng_for(3, ci, ti)
            for _xi, exp_ in enumerate(COALITION):
                base = world.at[code, exp_]
                if base <= 0 or r.random() > PRESENCE:
                    continue
                after = np.where(years >= ctrl_year, keep, 1.0)
                v = base * share * np.exp(TREND_MEAN * t0 + r.normal(0.0, NOISE_SD, len(years))) * after
                for yi, y in enumerate(years):
                    flows.append((int(y), exp_, target, code, v[yi], v[yi] / (uv * np.exp(r.normal(0, 0.15)))))
            for hi, hub in enumerate(hubs):
                r = rng_for(4, ci, ti, hi)
                ratio = REEXPORT[target].get(hub, 0.002) * np.exp(r.normal(0.0, 0.3))
                shift = np.where(years >= ctrl_year, COMMON_SHIFT[target], 1.0)
                pattern = planted.get((hub, code, target))
                base_in = hub_in[hi].copy()
                if pattern is not None:  # re-exports follow the pre-surge imports plus a share of the surge
                    start, factor, reex = pattern[0], pattern[1], pattern[2]
                    pre = np.where(years >= start, hub_in[hi] / factor, hub_in[hi])
                    v = pre * ratio * shift + reex * (hub_in[hi] - pre)
                else:
                    v = base_in * ratio * shift
                v = v * np.exp(r.normal(0.0, NOISE_SD, len(years)))
                for yi, y in enumerate(years):
                    if v[yi] > 0:
                        flows.append((int(y), hub, target, code, v[yi], v[yi] / (uv * np.exp(r.normal(0, 0.15)))))

    df = pd.DataFrame(flows, columns=["year", "exporter", "importer", "hs6", "fob", "kg"])
    return _reports(df, planted), [
        {
            "hub": h,
            "hs6": c,
            "target": t,
            "first_year": p[0],
            "surge": p[1],
            "reexported_share": p[2],
            "leg1_gap": p[3],
            "leg2_gap": p[4],
            "unit_value_factor": p[5],
        }
        for (h, c, t), p in planted.items()
    ]


def _reports(df: pd.DataFrame, planted: dict) -> pd.DataFrame:
    """Exporter (FOB) and importer (CIF) reports of every flow, with the planted gaps and weights."""
    r = rng_for(5)
    n = len(df)
    cif = 1.0 + np.clip(r.normal(CIF_MEAN, CIF_SD, n), 0.0, None)
    imp_value = df["fob"].to_numpy() * cif * np.exp(r.normal(0.0, REPORT_SD, n))
    exp_value = df["fob"].to_numpy().copy()
    kg = df["kg"].to_numpy().copy()
    for (hub, code, target), (start, factor, _reex, gap1, gap2, uvf) in planted.items():
        post = (df["hs6"] == code) & (df["year"] >= start)
        leg1 = (post & (df["importer"] == hub) & df["exporter"].isin(COALITION)).to_numpy()
        imp_value[leg1] *= 1.0 - gap1 * (1.0 - 1.0 / factor)  # part of the surge not recorded as imports
        leg2 = (post & (df["exporter"] == hub) & (df["importer"] == target)).to_numpy()
        exp_value[leg2] *= 1.0 - gap2  # hub under-declares its re-exports
        kg[leg2] *= uvf  # more kilograms per dollar: low unit value
    imp_kg = kg * np.exp(r.normal(0.0, 0.03, n))
    miss_e, miss_i = r.random(n) < QTY_MISSING, r.random(n) < QTY_MISSING
    base = df[["year", "exporter", "importer", "hs6"]]
    exp_rep = base.assign(
        reporter="exporter", value_usd=np.round(exp_value), quantity_kg=np.where(miss_e, np.nan, np.round(kg, 1))
    )
    imp_rep = base.assign(
        reporter="importer", value_usd=np.round(imp_value), quantity_kg=np.where(miss_i, np.nan, np.round(imp_kg, 1))
    )
    out = pd.concat([exp_rep, imp_rep], ignore_index=True)
    out = out[out["value_usd"] > 0]
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["year", "exporter", "importer", "hs6", "reporter"], kind="stable", ignore_index=True)


def write_parquet(df: pd.DataFrame, patterns: list[dict], out: Path) -> str:
    """Write with fixed options and provenance metadata (the test patterns included); return sha256."""
    metadata = {
        "decontrol.source": (
            "SYNTHETIC third-country mirror trade (exporter- and importer-reported) for the CHPL and "
            "high-confidence CCL-mapped HS codes, 2017-2024; levels are shares of the synthetic layer's "
            "world exports by exporter; hub shares, trends, re-export ratios, CIF/FOB margins and unit "
            "values are seeded draws; contains PLANTED TEST PATTERNS (decontrol.test_patterns), not "
            "evidence. Replace with a real UN Comtrade import (both reporters) via --data DIR."
        ),
        "decontrol.synthetic": "true",
        "decontrol.seed": str(SEED),
        "decontrol.generator": GENERATOR,
        "decontrol.years": f"{YEARS[0]}-{YEARS[-1]}",
        "decontrol.test_patterns": json.dumps(patterns, sort_keys=True),
    }
    schema = pa.schema(
        [
            ("year", pa.int64()),
            ("exporter", pa.string()),
            ("importer", pa.string()),
            ("hs6", pa.string()),
            ("reporter", pa.string()),
            ("value_usd", pa.float64()),
            ("quantity_kg", pa.float64()),
        ]
    ).with_metadata(metadata)
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False).replace_schema_metadata(metadata)
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        table,
        out,
        compression="zstd",
        compression_level=9,
        use_dictionary=True,
        write_statistics=True,
        row_group_size=500_000,
        version="2.6",
    )
    return hashlib.sha256(out.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATASETS / "mirror_trade.parquet")
    args = parser.parse_args(argv)
    df, patterns = build()
    digest = write_parquet(df, patterns, args.out)
    print(f"wrote {args.out} rows={len(df):,} size={args.out.stat().st_size / 1e6:.1f} MB sha256={digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
