"""A tiny hand-made dataset whose figures can be computed by hand (see the test modules).

Trade, year 2024 (USD), HS 845891 ("lathes"):
    world exports by exporter: USA 100, DEU 300, JPN 200, CHN 150, ITA 150, TWN 100 (total 1000)
    CHN imports from the world 500, US exports to CHN 20 (2019: 50)
HS 845961 ("milling"): world exports USA 50, DEU 50; CHN imports 40; US exports to CHN 30 (2019: 10)
HS 847130 ("laptops"): world exports USA 10, CHN 80, KOR 10; CHN imports 100; US exports to CHN 0
Regimes: WA = USA, DEU, JPN, GBR, NLD, KOR, ITA; NSG = WA + CHN.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data.coerce import empty_frame
from optimizer.data.load import Dataset
from optimizer.data.schema import TABLES

_ids = itertools.count()


def para(*rows: tuple[str, str, str]) -> str:
    return json.dumps([{"reason": r, "applies_to": a, "chart": c} for r, a, c in rows])


CCL_ROWS = [
    # eccn, reasons, regime, wmd_scope, military, itar, has_reasons, paragraphs
    ("2B991", "AT1", "US", "none", False, False, True, para(("AT1", "entire entry", "AT Column 1"))),
    (
        "2B001",
        "NS2;NP1;AT1",
        "WA;NSG",
        "partial",
        False,
        False,
        True,
        para(
            ("NS2", "entire entry", "NS Column 2"),
            ("NP1", "2B001.a, .b, .c and .d", "NP Column 1"),
            ("AT1", "entire entry", "AT Column 1"),
        ),
    ),
    (
        "2B006",
        "NS2;NP1;AT1",
        "WA;NSG",
        "entire",
        False,
        False,
        True,
        para(
            ("NS2", "entire entry", "NS Column 2"),
            ("NP1", "entire entry", "NP Column 1"),
            ("AT1", "entire entry", "AT Column 1"),
        ),
    ),
    ("1C350", "CB2;CW;AT1", "AG;CWC", "entire", False, False, True, ""),
    ("1C011", "MT1;NS1;AT1", "WA;MTCR", "entire", False, False, True, ""),
    ("0A606", "NS1;RS1;AT1;UN", "WA;ML", "none", True, False, True, ""),
    ("9A005", "", "US", "none", True, True, False, ""),
    ("1A102", "", "MTCR", "none", False, False, False, ""),
    ("3A090", "RS_AC;AT1", "US", "none", False, False, True, ""),
    (
        "5A992",
        "RS_AC;AT1",
        "US",
        "none",
        False,
        False,
        True,
        para(("RS_AC", "items controlled by 5A992.z.1", "worldwide"), ("AT1", "entire entry", "AT Column 1")),
    ),
    ("3B001", "NS2;AT1", "WA", "none", False, False, True, ""),
    ("4A994", "AT1", "US", "none", False, False, True, ""),
    ("4D994", "AT1", "US", "none", False, False, True, ""),
    ("2A290", "NP2;AT1", "US", "none", False, False, True, ""),
    ("6A003", "NS1;NS2;RS1;AT1", "WA", "none", False, False, True, ""),
    ("9A991", "AT1;UN", "US", "none", False, False, True, ""),
    ("0A978", "CC1", "US", "none", False, False, True, ""),
    ("4A001", "NS2;NP;AT1", "WA;NSG", "none", False, False, True, ""),
    ("1C992", "RS_IQ;AT1;RU;FP", "US", "none", False, False, True, ""),
]

CONCORDANCE_ROWS = [
    # eccn, hs6, confidence, controlled_share (None = blank)
    ("2B991", "845891", "high", 0.5),
    ("2B991", "845961", "medium", None),
    ("2B001", "845891", "high", 0.6),
    ("2B001-rest", "845891", "high", 0.4),
    ("4A994", "847130", "high", 0.5),
    ("4D994", "847130", "low", 0.3),
    ("6A003", "845961", "low", 0.1),
]

COUNTRIES = ["USA", "CHN", "DEU", "JPN", "GBR", "NLD", "KOR", "ITA", "TWN", "WLD"]
WA = ["USA", "DEU", "JPN", "GBR", "NLD", "KOR", "ITA"]

WORLD_2024 = {
    "845891": {"USA": 100, "DEU": 300, "JPN": 200, "CHN": 150, "ITA": 150, "TWN": 100},
    "845961": {"USA": 50, "DEU": 50},
    "847130": {"USA": 10, "CHN": 80, "KOR": 10},
}
CHN_IMPORTS = {"845891": 500, "845961": 40, "847130": 100}
US_TO_CHN = {2024: {"845891": 20, "845961": 30}, 2019: {"845891": 50, "845961": 10}}


def ccl_frame(rows=CCL_ROWS) -> pd.DataFrame:
    df = pd.DataFrame(
        rows,
        columns=[
            "eccn",
            "reasons",
            "regime",
            "wmd_scope",
            "military",
            "itar_placeholder",
            "has_reasons",
            "paragraph_controls_json",
        ],
    )
    df["category"] = df["eccn"].str[0].astype(int)
    df["group"] = df["eccn"].str[1]
    df["heading"] = "heading of " + df["eccn"]
    df["chart_columns"] = ""
    df["non_chart_controls"] = ""
    df["license_exceptions_json"] = "{}"
    df["source"] = "test"
    df["vintage"] = "test"
    return df


def trade_frame() -> pd.DataFrame:
    rows = []
    for year in (2019, 2024):
        for hs6, by in WORLD_2024.items():
            for exp, v in by.items():
                rows.append((year, exp, "WLD", hs6, float(v)))
        for hs6, v in CHN_IMPORTS.items():
            rows.append((year, "WLD", "CHN", hs6, float(v)))
        for hs6, v in US_TO_CHN[year].items():
            rows.append((year, "USA", "CHN", hs6, float(v)))
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


def make_dataset(
    *,
    ccl: pd.DataFrame | None = None,
    concordance: pd.DataFrame | None = None,
    trade: pd.DataFrame | None = None,
    tier_overrides: pd.DataFrame | None = None,
    fa_overrides: pd.DataFrame | None = None,
    data_dirs: tuple[Path, ...] = (),
    synthetic: bool = True,
) -> Dataset:
    frames = {name: empty_frame(spec) for name, spec in TABLES.items()}
    frames["ccl"] = ccl if ccl is not None else ccl_frame()
    if concordance is None:
        concordance = pd.DataFrame(CONCORDANCE_ROWS, columns=["eccn", "hs6", "confidence", "controlled_share"])
        concordance["rationale"] = "test mapping"
    frames["concordance"] = concordance
    frames["trade"] = trade if trade is not None else trade_frame()
    frames["countries"] = pd.DataFrame({"iso3": COUNTRIES, "name": COUNTRIES})
    frames["country_chart"] = binding_chart("CHN", "JPN")
    frames["regimes"] = pd.DataFrame(
        [("WA", c, "2025-01-01", "test") for c in WA] + [("NSG", c, "2025-01-01", "test") for c in WA + ["CHN"]],
        columns=["regime", "iso3", "as_of", "source"],
    )
    frames["hs6"] = pd.DataFrame(
        {
            "hs6": ["845891", "845961", "847130"],
            "name": ["lathes", "milling machines", "laptops"],
            "hs2": ["84"] * 3,
            "hs4": ["8458", "8459", "8471"],
        }
    )
    if tier_overrides is not None:
        frames["tier_overrides"] = tier_overrides
    if fa_overrides is not None:
        frames["fa_overrides"] = fa_overrides
    return Dataset(
        **frames,
        provenance={},
        trade_synthetic=synthetic,
        trade_source="hand-made test trade",
        dataset_id=f"test{next(_ids)}",
        data_dirs=data_dirs,
    )


@pytest.fixture()
def ds() -> Dataset:
    return make_dataset()


@pytest.fixture()
def make_ds():
    """The dataset factory: `make_ds(concordance=..., tier_overrides=...)`."""
    return make_dataset


@pytest.fixture()
def ccl_rows() -> list[tuple]:
    return list(CCL_ROWS)


@pytest.fixture()
def make_ccl():
    return ccl_frame
