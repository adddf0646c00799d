"""Build the calibrated synthetic HS6 trade layer `datasets/trade.parquet` (SYNTHETIC, labelled so).

Why it exists: no public source reachable by this project has bilateral trade at HS6 or world
exports by exporter. The product still needs an HS6 layer to estimate concession values and
foreign availability, so we ship a deterministic synthetic layer that is calibrated to every real
figure we do have, and that `--data DIR` replaces with real BACI/Comtrade/Census data unchanged.

What is real and what is not
----------------------------
Real (inputs, never shipped by this script):
  * US exports to / imports from each partner and the world per year 2019-2024 (Census basis,
    `partner_totals`): the layer's US rows sum EXACTLY (to the dollar) to these totals.
  * US-China and US-world trade by HS chapter 2015-2018 (Census): the average 2015-2018 chapter
    shares set the chapter mix of US trade with China (CHN) and with every other partner (world mix).
  * UN Comtrade exporter shares of world exports of 848620, 903082 and 903141 (2016-2020): only the
    SHARES shape the supplier structure of semiconductor manufacturing equipment; no value is copied.
Synthetic (seeded, documented assumptions):
  * The year-to-year drift of chapter shares (random walk, sigma 4%/yr) and the split of a chapter
    over its HS6 codes (lognormal market sizes, sigma 2.0, with a handful of analyst boosts for codes
    known to dominate their chapter; partner (0.5) and year (0.08/yr) noise).
  * World exports per HS6: the US exports to the world at the code divided by a US share of world
    exports drawn per product family (e.g. aircraft 18-28%, semiconductors 5-9%); the non-US rest
    split over ~40 exporters by family supplier weights (core suppliers ~80%, long tail ~20%).
  * Each partner's imports from the world: world exports x the partner's share of world imports x a
    family tilt (e.g. China and Taiwan import far more chips and fab tools than their average).

Rows produced (canonical columns year, exporter, importer, hs6, value_usd), years 2019-2024:
  * USA -> p and p -> USA for p in the 8 partners, at every HS 2022 code (whole dollars, largest
    remainder rounding so each (year, partner, flow) sums exactly to the real total);
  * USA -> WLD and WLD -> USA: the 8 partners plus a rest-of-world remainder allocated with the
    world chapter mix, so the totals equal the real world totals and USA->WLD >= sum of USA->p;
  * X -> WLD for ~40 exporters X (world exports by exporter, the foreign-availability proxy;
    each partner's own exports are its "capacity inside the partner" and are >= its exports to the US);
  * WLD -> p for the 8 partners (the partner's imports from the world, >= its imports from the US).
There is no WLD -> WLD row: world exports of a code = the sum over the listed exporters.

Determinism: numpy `default_rng` seeded from SEED and a fixed component id per draw; the parquet is
written with fixed options and sorted rows, so the same inputs give the same bytes.

Run:  .venv/bin/python datasets/build/build_synthetic.py [--out datasets/trade.parquet]
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data-sources"
DATASETS = REPO / "datasets"
GENERATOR = "datasets/build/build_synthetic.py"

SEED = 20240917
YEARS = tuple(range(2019, 2025))
PARTNERS = ("CHN", "JPN", "GBR", "AUS", "NLD", "DEU", "KOR", "TWN")

#: Rough shares of world goods exports (%, early 2020s, rounded): the default supplier weights and
#: the long tail of every family. Together they stand for "the world" (no rest-of-world row).
EXPORTER_WEIGHTS: dict[str, float] = {
    "USA": 8.3,
    "CHN": 14.4,
    "DEU": 7.4,
    "NLD": 3.9,
    "JPN": 3.0,
    "KOR": 2.7,
    "ITA": 2.6,
    "BEL": 2.4,
    "HKG": 2.4,
    "FRA": 2.5,
    "MEX": 2.3,
    "CAN": 2.4,
    "GBR": 2.1,
    "SGP": 2.0,
    "TWN": 1.9,
    "IND": 1.8,
    "CHE": 1.8,
    "RUS": 2.0,
    "ARE": 2.0,
    "SAU": 1.7,
    "ESP": 1.7,
    "AUS": 1.8,
    "POL": 1.4,
    "VNM": 1.5,
    "MYS": 1.4,
    "IRL": 1.0,
    "THA": 1.2,
    "BRA": 1.3,
    "CZE": 0.9,
    "AUT": 0.8,
    "SWE": 0.8,
    "IDN": 1.2,
    "NOR": 1.0,
    "TUR": 1.0,
    "DNK": 0.5,
    "HUN": 0.6,
    "ISR": 0.3,
    "PHL": 0.3,
    "FIN": 0.4,
    "CHL": 0.4,
}
EXPORTERS: tuple[str, ...] = tuple(sorted(EXPORTER_WEIGHTS))

#: Rough shares of world goods imports (%) of each partner: scale of its imports from the world.
IMPORT_SHARE: dict[str, float] = {
    "CHN": 10.6,
    "JPN": 3.6,
    "GBR": 3.5,
    "AUS": 1.3,
    "NLD": 3.4,
    "DEU": 6.4,
    "KOR": 2.9,
    "TWN": 1.7,
}


@dataclass(frozen=True)
class Family:
    """A product family: which codes, the US share of world exports, who supplies the rest."""

    name: str
    prefixes: tuple[str, ...]
    us_share: tuple[float, float]  # uniform range of the US share of world exports
    core: dict[str, float]  # core non-US suppliers, relative weights
    import_tilt: dict[str, float]  # partner import-share multipliers for this family


SME_CODES = ("848610", "848620", "848630", "848640", "848690", "903082", "903141")

#: Ordered: the first family whose prefix matches an HS6 code wins.
FAMILIES: tuple[Family, ...] = (
    Family(
        "semiconductor manufacturing equipment",
        SME_CODES,
        (0.18, 0.26),
        {},  # core from Comtrade
        {"CHN": 3.0, "TWN": 6.0, "KOR": 3.5, "JPN": 1.5},
    ),
    Family(
        "semiconductors",
        ("8541", "8542"),
        (0.05, 0.09),
        {"TWN": 25, "CHN": 18, "KOR": 14, "MYS": 9, "SGP": 9, "JPN": 5, "VNM": 5, "PHL": 4},
        {"CHN": 3.0, "TWN": 2.5, "KOR": 1.5},
    ),
    Family(
        "machine tools",
        tuple(str(h) for h in range(8456, 8467)),
        (0.06, 0.10),
        {"DEU": 22, "JPN": 18, "CHN": 17, "ITA": 9, "TWN": 7, "CHE": 6, "KOR": 4},
        {"CHN": 2.0},
    ),
    Family(
        "aircraft and aero-engines",
        ("88", "8411", "840710", "840910"),
        (0.18, 0.28),
        {"FRA": 30, "DEU": 22, "GBR": 12, "CAN": 8, "BRA": 3, "ITA": 4, "ESP": 4, "SGP": 3},
        {"CHN": 1.5},
    ),
    Family(
        "arms and ammunition",
        ("93",),
        (0.15, 0.25),
        {
            "DEU": 12,
            "ITA": 10,
            "AUT": 7,
            "CZE": 7,
            "BEL": 6,
            "BRA": 5,
            "TUR": 5,
            "FRA": 6,
            "GBR": 5,
            "ISR": 5,
            "KOR": 5,
            "SWE": 3,
            "RUS": 4,
        },
        {"CHN": 0.1, "AUS": 2.0},
    ),
    Family(
        "chemicals",
        ("28", "29", "38"),
        (0.08, 0.14),
        {
            "DEU": 16,
            "CHN": 15,
            "BEL": 7,
            "NLD": 8,
            "JPN": 6,
            "IND": 5,
            "IRL": 5,
            "CHE": 5,
            "FRA": 5,
            "KOR": 5,
            "SGP": 3,
        },
        {"CHN": 1.3},
    ),
    Family(
        "pharmaceuticals",
        ("30",),
        (0.08, 0.12),
        {"DEU": 18, "CHE": 15, "IRL": 11, "BEL": 9, "NLD": 6, "ITA": 6, "FRA": 6, "GBR": 5, "IND": 4, "DNK": 4},
        {},
    ),
    Family(
        "plastics and rubber",
        ("39", "40"),
        (0.08, 0.13),
        {"CHN": 18, "DEU": 14, "KOR": 6, "BEL": 5, "NLD": 5, "JPN": 5, "SAU": 5, "ITA": 3, "TWN": 4, "THA": 3},
        {"CHN": 1.3},
    ),
    Family(
        "base metals",
        tuple(str(c) for c in range(72, 84)),
        (0.05, 0.09),
        {
            "CHN": 20,
            "DEU": 10,
            "JPN": 6,
            "KOR": 6,
            "RUS": 6,
            "IND": 5,
            "ITA": 4,
            "BEL": 3,
            "BRA": 3,
            "CHL": 4,
            "AUS": 3,
            "CAN": 4,
        },
        {"CHN": 1.5},
    ),
    Family(
        "computers and telecom equipment",
        ("8471", "8473", "8517", "8525", "8526", "8528", "8529"),
        (0.05, 0.08),
        {"CHN": 45, "MEX": 9, "VNM": 10, "TWN": 7, "NLD": 4, "KOR": 3, "MYS": 3, "THA": 3},
        {"CHN": 1.2, "TWN": 1.5},
    ),
    Family(
        "instruments and optics",
        ("90",),
        (0.12, 0.20),
        {
            "DEU": 14,
            "CHN": 12,
            "JPN": 8,
            "NLD": 7,
            "CHE": 6,
            "IRL": 6,
            "MEX": 6,
            "KOR": 4,
            "SGP": 4,
            "GBR": 4,
            "FRA": 3,
        },
        {"CHN": 1.3},
    ),
    Family(
        "vehicles",
        ("87",),
        (0.06, 0.10),
        {
            "DEU": 25,
            "JPN": 13,
            "MEX": 10,
            "CHN": 8,
            "KOR": 7,
            "CAN": 5,
            "ESP": 5,
            "FRA": 4,
            "BEL": 4,
            "CZE": 4,
            "GBR": 4,
            "ITA": 4,
        },
        {},
    ),
    Family(
        "ships",
        ("89",),
        (0.05, 0.08),
        {"KOR": 20, "CHN": 25, "JPN": 12, "ITA": 6, "NLD": 5, "DEU": 6, "NOR": 3, "FIN": 3},
        {},
    ),
    Family(
        "machinery",
        ("84",),
        (0.08, 0.12),
        {"CHN": 25, "DEU": 15, "JPN": 7, "ITA": 6, "KOR": 4, "MEX": 5, "NLD": 4, "TWN": 4},
        {"CHN": 1.2},
    ),
    Family(
        "electrical equipment",
        ("85",),
        (0.05, 0.09),
        {"CHN": 35, "DEU": 9, "TWN": 5, "KOR": 5, "JPN": 5, "MEX": 6, "VNM": 5, "MYS": 3},
        {"CHN": 1.2},
    ),
    Family(
        "energy and minerals",
        ("25", "26", "27"),
        (0.08, 0.14),
        {"SAU": 12, "RUS": 14, "CAN": 8, "AUS": 10, "NOR": 6, "ARE": 6, "BRA": 4, "CHL": 4, "IDN": 4, "NLD": 4},
        {"CHN": 2.5, "JPN": 1.5, "KOR": 1.5, "AUS": 0.4},
    ),
    Family(
        "agriculture and food",
        tuple(f"{c:02d}" for c in range(1, 25)),
        (0.08, 0.15),
        {
            "BRA": 10,
            "NLD": 9,
            "DEU": 6,
            "CHN": 6,
            "FRA": 5,
            "ESP": 5,
            "CAN": 5,
            "AUS": 4,
            "IND": 4,
            "IDN": 4,
            "THA": 3,
            "ITA": 4,
            "MEX": 3,
        },
        {"CHN": 1.5, "JPN": 1.3},
    ),
    Family(
        "textiles, apparel, footwear",
        tuple(str(c) for c in range(50, 68)),
        (0.05, 0.07),
        {"CHN": 40, "VNM": 10, "IND": 6, "ITA": 6, "DEU": 5, "TUR": 4, "IDN": 2},
        {},
    ),
    Family("other manufactures", ("",), (0.05, 0.10), {}, {}),
)

#: Analyst priors: codes known to dominate their chapter get their market size multiplied, so the
#: synthetic concentration within chapters resembles real trade (soybeans, aircraft, chips, cars...).
MARKET_BOOST: dict[str, float] = {
    "120190": 300,
    "100590": 30,
    "020230": 10,
    "271012": 60,
    "271019": 60,
    "270900": 200,
    "271111": 80,
    "271121": 30,
    "300490": 40,
    "300215": 30,
    "880240": 80,
    "880230": 20,
    "841191": 20,
    "841112": 20,
    "854231": 80,
    "854232": 30,
    "854239": 40,
    "854233": 20,
    "848620": 40,
    "848690": 10,
    "870323": 60,
    "870324": 40,
    "870380": 30,
    "870899": 30,
    "847130": 40,
    "847150": 20,
    "847330": 40,
    "851713": 60,
    "851762": 40,
    "851770": 20,
    "710812": 60,
    "710813": 10,
    "901890": 20,
    "902780": 10,
    "903180": 5,
    "390110": 10,
}
MARKET_SIGMA = 2.0  # lognormal spread of market sizes across HS6 codes

CORE_SHARE = 0.8  # share of non-US world exports that goes to a family's core suppliers
TAIL_PRESENCE = 0.6  # probability that a small non-core exporter exports a given code at all
TAIWAN_SME_WEIGHT = 0.05  # Taiwan is not a Comtrade reporter: assumed share of non-US SME exports
MAX_US_SHARE_OF_IMPORTS = 0.85  # a partner's imports from the world >= its imports from the US / this


# ----------------------------------------------------------------------------------------------
# Inputs


def hs6_codes() -> np.ndarray:
    """HS 2022 subheadings, chapters 01-97 (datasets/hs6.csv if built, else the Atlas list)."""
    shipped = DATASETS / "hs6.csv"
    if shipped.exists():
        codes = pd.read_csv(shipped, dtype={"hs6": str})["hs6"]
    else:
        atlas = pd.read_csv(SHARED / "hs-classification-atlas" / "hs22.csv", dtype={"code": str})
        codes = atlas.loc[atlas["product_level"] == 6, "code"]
    codes = set(codes[codes.str.fullmatch(r"\d{6}") & (codes.str[:2] <= "97")])
    # A "XXXX00" code beside real subheadings of XXXX is an aggregate (BACI's 271000): skip it,
    # its trade is already in the subheadings.
    subdivided = {c[:4] for c in codes if not c.endswith("00")}
    return np.array(sorted(c for c in codes if not (c.endswith("00") and c[:4] in subdivided)))


def partner_totals() -> pd.DataFrame:
    """Real US exports/imports per (year, partner) incl. WLD, in whole dollars."""
    shipped = DATASETS / "partner_totals.csv"
    path = shipped if shipped.exists() else SHARED / "us-trade-totals" / "partner_totals.csv"
    df = pd.read_csv(path).rename(columns={"partner_iso3": "partner"})
    df = df[df["year"].isin(YEARS) & df["partner"].isin((*PARTNERS, "WLD"))]
    return df.set_index(["year", "partner"])[["exports_usd", "imports_usd"]].round().astype("int64")


def chapter_shares_2015_2018(file: str) -> pd.Series:
    """Average 2015-2018 share of each HS chapter (01-97) in a Census monthly chapter file.

    Census-only chapters 98/99 (special provisions, low-value shipments) are dropped and the rest
    renormalised: the synthetic layer has HS 2022 codes only.
    """
    df = pd.read_csv(SHARED / "census-hs2-china-2015-2018" / file, dtype={"Comm Code": str})
    df = df[df["Period"].str[:4].isin(["2015", "2016", "2017", "2018"])]
    df = df[df["Comm Code"].str.fullmatch(r"\d{2}") & (df["Comm Code"] <= "97")]
    by_year = df.assign(year=df["Period"].str[:4]).pivot_table(
        index="Comm Code", columns="year", values="Monthly Value", aggfunc="sum", fill_value=0
    )
    shares = (by_year / by_year.sum()).mean(axis=1)
    return shares / shares.sum()


def sme_exporter_shares() -> dict[str, dict[str, float]]:
    """Non-US exporter shares of world exports of 848620/903082/903141, 2016-2020 (UN Comtrade).

    Only shares are kept; values never leave this function. Also returns the real US share as
    key "USA". Taiwan (not a Comtrade reporter) gets an assumed share of the non-US exports.
    """
    df = pd.read_csv(SHARED / "comtrade-sme-2016-2020" / "comtrade_848620_903082_903141_world_2016-2020.csv")
    df = df[(df["Trade Flow"] == "Export") & df["Reporter ISO"].isin(EXPORTERS)]
    out: dict[str, dict[str, float]] = {}
    for code, grp in df.groupby(df["Commodity Code"].astype(str)):
        tot = grp.groupby("Reporter ISO")["Trade Value (US$)"].sum()
        share = tot / tot.sum()
        non_us = share.drop("USA", errors="ignore")
        non_us = non_us / non_us.sum() * (1 - TAIWAN_SME_WEIGHT)
        weights = {k: float(v) for k, v in non_us.items()}
        weights["TWN"] = weights.get("TWN", 0.0) + TAIWAN_SME_WEIGHT
        weights["USA"] = float(share.get("USA", 0.0))
        out[code] = weights
    return out


# ----------------------------------------------------------------------------------------------
# Helpers


def rng_for(*component: int) -> np.random.Generator:
    """A generator for one named draw: adding a draw never shifts the others."""
    return np.random.default_rng([SEED, *component])


def allocate_exact(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer dollar total over weights; the parts sum exactly to `total`.

    Largest-remainder (Hamilton) rounding; ties go to the lower index, so it is deterministic.
    """
    w = np.asarray(weights, dtype=float)
    if total == 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    raw = w / w.sum() * total
    base = np.floor(raw).astype(np.int64)
    short = int(total - base.sum())
    if short:
        order = np.argsort(-(raw - base), kind="stable")
        base[order[:short]] += 1
    return base


def family_index(codes: np.ndarray) -> np.ndarray:
    """Index into FAMILIES of each code (first matching prefix wins)."""
    out = np.full(len(codes), -1)
    for i, fam in enumerate(FAMILIES):
        hit = (out == -1) & np.array([c.startswith(fam.prefixes) for c in codes])
        out[hit] = i
    return out


def supplier_weights(core: dict[str, float], exporters: list[str], default: np.ndarray) -> np.ndarray:
    """Normalised supplier weights: CORE_SHARE to the core suppliers, the rest to the others.

    No core: the default (world-export) weights. A core that already covers every exporter (the
    Comtrade SME shares) is used as it is.
    """
    cvec = np.array([core.get(e, 0.0) for e in exporters])
    if cvec.sum() <= 0:
        return default / default.sum()
    tail = np.where(cvec > 0, 0.0, default)
    if tail.sum() <= 0:
        return cvec / cvec.sum()
    return CORE_SHARE * cvec / cvec.sum() + (1 - CORE_SHARE) * tail / tail.sum()


def chapter_code_weights(codes: np.ndarray, chapter_share: pd.Series, code_weight: np.ndarray) -> np.ndarray:
    """Weight of each code = its chapter's share x its normalised weight within the chapter."""
    chapters = pd.Series(codes).str[:2].to_numpy()
    w = np.zeros(len(codes))
    for ch in np.unique(chapters):
        m = chapters == ch
        w[m] = chapter_share.get(ch, 0.0) * code_weight[m] / code_weight[m].sum()
    return w


def drifted_shares(base: pd.Series, years: tuple[int, ...], sigma: float, comp: int) -> dict[int, pd.Series]:
    """Chapter shares per year: the base mix with a seeded multiplicative random walk."""
    rng = rng_for(comp)
    walk = np.cumsum(rng.normal(0.0, sigma, size=(len(years), len(base))), axis=0)
    out = {}
    for i, y in enumerate(years):
        s = base * np.exp(walk[i])
        out[y] = s / s.sum()
    return out


# ----------------------------------------------------------------------------------------------
# Layers


@dataclass(frozen=True)
class Structure:
    """The synthetic product structure every layer shares, so the layers agree with each other.

    market[y][j]: relative size of world trade in code j; shares[y][j, k]: share of exporter
    EXPORTERS[k] in world exports of code j (rows sum to 1); import_weight[p][j]: partner p's
    propensity to import code j (share of world imports x family tilt x noise).
    """

    codes: np.ndarray
    market: dict[int, np.ndarray]
    shares: dict[int, np.ndarray]
    import_weight: dict[str, np.ndarray]


def product_structure(codes: np.ndarray) -> Structure:
    """Draw market sizes, exporter shares by product family and partner import propensities."""
    n, usa = len(codes), EXPORTERS.index("USA")
    fam = family_index(codes)
    sme = sme_exporter_shares()
    market_walk = np.cumsum(rng_for(30).normal(0.0, 0.08, (len(YEARS), n)), axis=0)
    market_base = np.exp(rng_for(31).normal(0.0, MARKET_SIGMA, n))
    market_base *= np.array([MARKET_BOOST.get(c, 1.0) for c in codes])

    lo = np.array([FAMILIES[i].us_share[0] for i in fam])
    hi = np.array([FAMILIES[i].us_share[1] for i in fam])
    us_share = lo + (hi - lo) * rng_for(10).random(n)
    for j, code in enumerate(codes):  # SME codes: the real Comtrade US share where known
        if code in sme:
            us_share[j] = sme[code]["USA"]
    us_share_walk = np.cumsum(rng_for(11).normal(0.0, 0.04, (len(YEARS), n)), axis=0)

    non_us = [e for e in EXPORTERS if e != "USA"]
    default = np.array([EXPORTER_WEIGHTS[e] for e in non_us])
    weights = np.zeros((n, len(non_us)))
    for i, family in enumerate(FAMILIES):
        core = dict(family.core)
        if family.name.startswith("semiconductor manufacturing"):
            core = {k: v for k, v in sme["848620"].items() if k != "USA"}
        weights[fam == i] = supplier_weights(core, non_us, default)
    for j, code in enumerate(codes):  # per-code Comtrade shares for the three SME codes
        if code in sme:
            weights[j] = supplier_weights({k: v for k, v in sme[code].items() if k != "USA"}, non_us, default)
    weights *= np.exp(rng_for(12).normal(0.0, 0.4, weights.shape))
    always = np.array([e in PARTNERS for e in non_us])
    present = (rng_for(13).random(weights.shape) < TAIL_PRESENCE) | always
    top = weights >= np.quantile(weights, 0.9, axis=1, keepdims=True)
    weights *= present | top
    chn = non_us.index("CHN")
    share_walk = np.cumsum(rng_for(14).normal(0.0, 0.05, (len(YEARS), len(non_us))), axis=0)

    market, shares = {}, {}
    for y_i, y in enumerate(YEARS):
        market[y] = market_base * np.exp(market_walk[y_i])
        us = np.clip(us_share * np.exp(us_share_walk[y_i]), 0.03, 0.35)
        trend = np.exp(share_walk[y_i])
        trend[chn] *= 1.03**y_i  # China's share of world exports kept rising over 2019-2024
        w = weights * trend
        w = w / w.sum(axis=1, keepdims=True)
        s = np.insert(w * (1.0 - us)[:, None], usa, us, axis=1)
        shares[y] = s

    import_weight = {}
    for p_i, p in enumerate(PARTNERS):
        tilt = np.array([FAMILIES[i].import_tilt.get(p, 1.0) for i in fam])
        noise = np.exp(rng_for(20, p_i).normal(0.0, 0.3, n))
        import_weight[p] = IMPORT_SHARE[p] / 100.0 * tilt * noise
    return Structure(codes, market, shares, import_weight)


def us_bilateral(st: Structure, totals: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """USA<->partner and USA<->WLD rows, summing exactly to the real totals.

    Within a chapter, a code's weight follows the shared structure (US exports to p: market x US
    share x p's import propensity; p's exports to the US: market x p's export share), times seeded
    noise; across chapters the real Census chapter mix (drifting) decides. Returns the frame and
    the US world exports/imports by code per year (the anchors of the world layer).
    """
    codes, n = st.codes, len(st.codes)
    usa = EXPORTERS.index("USA")
    chapter_base = {
        ("export", "CHN"): chapter_shares_2015_2018("china_exp.csv"),
        ("import", "CHN"): chapter_shares_2015_2018("china_imp.csv"),
        ("export", "world"): chapter_shares_2015_2018("US_total_export.csv"),
        ("import", "world"): chapter_shares_2015_2018("US_total_impor.csv"),
    }
    frames, us_world = [], {}
    for f, flow in enumerate(("export", "import")):
        col = "exports_usd" if flow == "export" else "imports_usd"
        sum_partners = {y: np.zeros(n, dtype=np.int64) for y in YEARS}
        for p_i, p in enumerate((*PARTNERS, "ROW")):
            mix = chapter_base[(flow, "CHN" if p == "CHN" else "world")]
            if p not in ("CHN", "ROW"):  # partner-specific tilt of the world mix
                tilt = np.exp(rng_for(2, f, p_i).normal(0.0, 0.25, len(mix)))
                mix = (mix * tilt) / (mix * tilt).sum()
            shares = drifted_shares(mix, YEARS, 0.04, comp=3_000 + 100 * f + p_i)
            noise = np.exp(rng_for(4, f, p_i).normal(0.0, 0.5, n))
            year_walk = np.cumsum(rng_for(5, f, p_i).normal(0.0, 0.08, (len(YEARS), n)), axis=0)
            for y_i, y in enumerate(YEARS):
                s = st.shares[y]
                if flow == "export":
                    demand = st.import_weight[p] if p != "ROW" else 1.0
                    structure = st.market[y] * s[:, usa] * demand
                elif p == "ROW":
                    others = [EXPORTERS.index(q) for q in PARTNERS] + [usa]
                    structure = st.market[y] * (1.0 - s[:, others].sum(axis=1))
                else:
                    structure = st.market[y] * s[:, EXPORTERS.index(p)]
                if p == "ROW":
                    total = int(totals.loc[(y, "WLD"), col]) - int(sum(totals.loc[(y, q), col] for q in PARTNERS))
                else:
                    total = int(totals.loc[(y, p), col])
                w = chapter_code_weights(codes, shares[y], structure * noise * np.exp(year_walk[y_i]))
                values = allocate_exact(total, w)
                if p == "ROW":
                    values = values + sum_partners[y]
                    us_world[(flow, y)] = values
                    p_out = "WLD"
                else:
                    sum_partners[y] += values
                    p_out = p
                exporter, importer = ("USA", p_out) if flow == "export" else (p_out, "USA")
                frames.append(
                    pd.DataFrame(
                        {"year": y, "exporter": exporter, "importer": importer, "hs6": codes, "value_usd": values}
                    )
                )
    return pd.concat(frames, ignore_index=True), us_world


def world_exports(st: Structure, us_world: dict, bilateral: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    """Exporter -> WLD rows for the ~40 exporters, anchored on the US exports to the world.

    World exports of a code = US exports to the world / the US share; each other exporter gets
    its share, but a partner never exports less to the world than 1.05 x what it sells to the US.
    Returns the frame and the world total per code and year (sum over exporters).
    """
    codes = st.codes
    usa = EXPORTERS.index("USA")
    us_from = bilateral[bilateral["importer"] == "USA"].pivot_table(
        index=["year", "hs6"], columns="exporter", values="value_usd", aggfunc="sum"
    )
    is_partner = np.array([e in PARTNERS for e in EXPORTERS])
    frames, world_total = [], {}
    for y in YEARS:
        us = us_world[("export", y)].astype(float)
        s = st.shares[y]
        world = us / s[:, usa]
        vals = np.round(world[:, None] * s)
        vals[:, usa] = us
        to_us = us_from.loc[y].reindex(index=codes, columns=list(EXPORTERS)).fillna(0.0).to_numpy()
        vals = np.where(is_partner[None, :], np.maximum(vals, np.ceil(1.05 * to_us)), vals)
        world_total[y] = vals.sum(axis=1)
        for k, e in enumerate(EXPORTERS):
            keep = vals[:, k] > 0
            frames.append(
                pd.DataFrame(
                    {"year": y, "exporter": e, "importer": "WLD", "hs6": codes[keep], "value_usd": vals[keep, k]}
                )
            )
    return pd.concat(frames, ignore_index=True), world_total


def partner_imports(st: Structure, world_total: dict[int, np.ndarray], bilateral: pd.DataFrame) -> pd.DataFrame:
    """WLD -> partner rows: world exports x the partner's import propensity, >= its US imports."""
    codes = st.codes
    us_to = bilateral[bilateral["exporter"] == "USA"].pivot_table(
        index=["year", "hs6"], columns="importer", values="value_usd", aggfunc="sum"
    )
    frames = []
    for p in PARTNERS:
        for y in YEARS:
            from_us = us_to.loc[y].reindex(codes)[p].fillna(0.0).to_numpy()
            vals = np.round(np.maximum(world_total[y] * st.import_weight[p], from_us / MAX_US_SHARE_OF_IMPORTS))
            keep = vals > 0
            frames.append(
                pd.DataFrame({"year": y, "exporter": "WLD", "importer": p, "hs6": codes[keep], "value_usd": vals[keep]})
            )
    return pd.concat(frames, ignore_index=True)


def build() -> pd.DataFrame:
    """The whole synthetic layer, canonical columns, sorted by the table key."""
    st = product_structure(hs6_codes())
    bilateral, us_world = us_bilateral(st, partner_totals())
    bilateral = bilateral[bilateral["value_usd"] > 0]
    exports, world_total = world_exports(st, us_world, bilateral)
    imports = partner_imports(st, world_total, bilateral)
    us_to_world = (bilateral["exporter"] == "USA") & (bilateral["importer"] == "WLD")
    df = pd.concat([bilateral[~us_to_world], exports, imports], ignore_index=True)
    df["year"] = df["year"].astype("int64")
    df["value_usd"] = df["value_usd"].astype("float64")
    return df.sort_values(["year", "exporter", "importer", "hs6"], kind="stable", ignore_index=True)


def write_parquet(df: pd.DataFrame, out: Path) -> str:
    """Write with fixed options and provenance metadata; return the file's sha256."""
    metadata = {
        "decontrol.source": (
            "SYNTHETIC HS6 trade layer calibrated to real Census totals: US<->partner and US<->world "
            "rows sum exactly to US Census partner totals 2019-2024 (country.xlsx, Apr-2025 vintage); "
            "chapter mix from Census HS2 trade 2015-2018 (China and world); SME supplier shares from "
            "UN Comtrade 2016-2020 (shares only); everything below chapter level, world exports by "
            "exporter and partner imports from the world are seeded synthetic draws. Replace with "
            "real data via `decontrol data import-baci`, `import-comtrade` or `import-census`."
        ),
        "decontrol.synthetic": "true",
        "decontrol.seed": str(SEED),
        "decontrol.generator": GENERATOR,
        "decontrol.years": f"{YEARS[0]}-{YEARS[-1]}",
    }
    schema = pa.schema(
        [
            ("year", pa.int64()),
            ("exporter", pa.string()),
            ("importer", pa.string()),
            ("hs6", pa.string()),
            ("value_usd", pa.float64()),
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
    parser.add_argument("--out", type=Path, default=DATASETS / "trade.parquet")
    args = parser.parse_args(argv)
    df = build()
    digest = write_parquet(df, args.out)
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} rows={len(df):,} size={size:.1f} MB sha256={digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
