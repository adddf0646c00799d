"""A hand-made dataset whose member values can be computed by hand, and random small instances.

Trade, year 2024 (USD):
    845891 (lathes)   world exports USA 100, JPN 200, DEU 300, CHN 150, ITA 250 (total 1000)
                      CHN imports 500; USA -> CHN 20; JPN -> CHN 50
    847130 (laptops)  world exports USA 10, JPN 10, CHN 80 (total 100); CHN imports 100;
                      USA -> CHN 0; JPN -> CHN 3
    880240 (aircraft) world exports USA 400, DEU 400 (total 800); CHN imports 50; USA -> CHN 10
DEU has no bilateral rows to CHN (its exports there are proxied); JPN has.
CHN's share of world imports (all goods): (500 + 100 + 50) / (1000 + 100 + 800) = 650 / 1900.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from optimizer.data.coerce import empty_frame
from optimizer.data.load import Dataset
from optimizer.data.schema import TABLES

_ids = itertools.count()

WORLD = {
    "845891": {"USA": 100, "JPN": 200, "DEU": 300, "CHN": 150, "ITA": 250},
    "847130": {"USA": 10, "JPN": 10, "CHN": 80},
    "880240": {"USA": 400, "DEU": 400},
}
CHN_IMPORTS = {"845891": 500, "847130": 100, "880240": 50}
TO_CHN = {"USA": {"845891": 20, "847130": 0, "880240": 10}, "JPN": {"845891": 50, "847130": 3}}
SHARE_CHN = 650 / 1900

CCL = [
    # eccn, reasons, regime, wmd_scope
    ("2B991", "AT1", "US", "none"),
    ("4A994", "AT1", "US", "none"),
    ("9A991", "AT1;UN", "US", "none"),
    ("4D994", "AT1", "US", "none"),
    ("2B001", "NS2;NP1;AT1", "WA;NSG", "entire"),
    ("3A090", "RS_AC;AT1", "US", "none"),
]
CONCORDANCE = [
    ("2B991", "845891", 0.5),
    ("4A994", "847130", 0.5),
    ("9A991", "880240", 0.5),
    ("4D994", "847130", 0.3),
    ("2B001", "845891", 0.4),
    ("3A090", "847130", 0.2),
]
COUNTRIES = ["USA", "CHN", "JPN", "DEU", "ITA", "GBR", "WLD", "EUU"]
WA = ["USA", "JPN", "DEU", "ITA", "GBR"]


def trade_frame() -> pd.DataFrame:
    rows = []
    for hs6, by in WORLD.items():
        for exp, v in by.items():
            rows.append((2024, exp, "WLD", hs6, float(v)))
    for hs6, v in CHN_IMPORTS.items():
        rows.append((2024, "WLD", "CHN", hs6, float(v)))
    for exp, by in TO_CHN.items():
        for hs6, v in by.items():
            rows.append((2024, exp, "CHN", hs6, float(v)))
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "hs6", "value_usd"])


def binding_chart(*partners: str) -> pd.DataFrame:
    """A hand-made Country Chart with a row for each test partner in which every column has an X,
    AT1 included. The real 2026 chart has no AT X for any destination but the embargoed ones, so the
    hand-made AT-only items would need no licence; this test destination keeps them licensable, so the
    estimation formulas can be checked on them."""
    from optimizer.data.schema import CHART_COLUMNS

    base = empty_frame(TABLES["country_chart"])
    rows = [
        {
            "iso3": p,
            "iso2": p[:2],
            "chart_name": p,
            "row_type": "graded",
            "footnotes": "",
            **dict.fromkeys(CHART_COLUMNS, True),
            "pointer_text": "",
            "as_of": "2026-07-23",
            "source": "test chart",
        }
        for p in partners
    ]
    return pd.DataFrame(rows, columns=base.columns)


def make_dataset(trade: pd.DataFrame | None = None) -> Dataset:
    frames = {name: empty_frame(spec) for name, spec in TABLES.items()}
    ccl = pd.DataFrame(CCL, columns=["eccn", "reasons", "regime", "wmd_scope"])
    ccl["category"] = ccl["eccn"].str[0].astype(int)
    ccl["group"] = ccl["eccn"].str[1]
    ccl["heading"] = "heading of " + ccl["eccn"]
    ccl["military"] = False
    ccl["itar_placeholder"] = False
    ccl["has_reasons"] = True
    ccl["paragraph_controls_json"] = ""
    for col in ("chart_columns", "non_chart_controls"):
        ccl[col] = ""
    ccl["license_exceptions_json"] = "{}"
    ccl["source"] = ccl["vintage"] = "test"
    frames["ccl"] = ccl
    conc = pd.DataFrame(CONCORDANCE, columns=["eccn", "hs6", "controlled_share"])
    conc["confidence"] = "high"
    conc["rationale"] = "test mapping"
    frames["concordance"] = conc
    frames["trade"] = trade if trade is not None else trade_frame()
    frames["countries"] = pd.DataFrame({"iso3": COUNTRIES, "name": COUNTRIES})
    frames["country_chart"] = binding_chart("CHN")
    frames["regimes"] = pd.DataFrame(
        [("WA", c, "2025-01-01", "test") for c in WA] + [("NSG", c, "2025-01-01", "test") for c in WA + ["CHN"]],
        columns=["regime", "iso3", "as_of", "source"],
    )
    frames["hs6"] = pd.DataFrame(
        {
            "hs6": list(WORLD),
            "name": ["lathes", "laptops", "aircraft"],
            "hs2": ["84", "84", "88"],
            "hs4": ["8458", "8471", "8802"],
        }
    )
    return Dataset(
        **frames,
        provenance={},
        trade_synthetic=True,
        trade_source="hand-made test trade",
        dataset_id=f"coalition{next(_ids)}",
    )


@pytest.fixture()
def ds() -> Dataset:
    return make_dataset()


@pytest.fixture()
def make_ds():
    return make_dataset


@pytest.fixture()
def instance():
    """The random-instance factory: `instance(seed, n=8, members=(...))`."""
    return random_instance


def random_instance(seed: int, n: int = 8, members: tuple[str, ...] = ("USA", "JPN", "DEU")):
    """A validated-shape item table and a wide value table with foundational items, low-FA items,
    zero values and one unknown value; risk budget about a third of the total risk."""
    rng = np.random.default_rng(seed)
    ids = [f"{k % 10}A{100 + k}" for k in range(n)]
    tiers = rng.choice(["legacy", "legacy", "legacy", "transactional", "foundational"], size=n)
    risk = np.round(rng.uniform(0.05, 1.0, size=n), 3)
    fa = np.round(rng.uniform(0.0, 1.0, size=n), 2)
    values = pd.DataFrame(index=pd.Index(ids, name="eccn"))
    for m in members:
        v = np.round(rng.uniform(0, 100e6, size=n), 2)
        v[rng.random(n) < 0.3] = 0.0
        values[m] = v
    unknown = int(rng.integers(n))
    values.iloc[unknown] = np.nan
    items = pd.DataFrame(
        {"eccn": ids, "tier": tiers, "value_usd": values["USA"].to_numpy(), "risk": risk, "fa_score": fa}
    )
    budget = round(float(risk.sum()) / 3, 3)
    return items, values, budget
