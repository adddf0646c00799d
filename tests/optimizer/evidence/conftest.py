"""A hand-made dataset for the evidence functions, small enough to check every number by hand.

Item 4A994 maps 847130 (controlled share 0.5), item 2B991 maps 845891 and 845961 (0.5 each).
Trade 2023 and 2024 (USD):
    845891  world exports USA 100, JPN 300, CHN 100 (500); CHN imports 400; USA -> CHN 20 (2024), 40 (2023);
            JPN -> CHN 200 (both years)
    845961  world exports USA 50, DEU 50 (100); CHN imports 100; USA -> CHN 30 (2024), 10 (2023)
    847130  world exports USA 10, CHN 80, KOR 10 (100); CHN imports 100; no US row to CHN
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

# the estimation tests' dataset builder (a conftest is not importable by name)
_spec = importlib.util.spec_from_file_location(
    "estimation_conftest", Path(__file__).resolve().parent.parent / "estimation" / "conftest.py"
)
assert _spec and _spec.loader
_est = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_est)

WORLD = {
    "845891": {"USA": 100, "JPN": 300, "CHN": 100},
    "845961": {"USA": 50, "DEU": 50},
    "847130": {"USA": 10, "CHN": 80, "KOR": 10},
}
CHN_IMPORTS = {"845891": 400, "845961": 100, "847130": 100}
US_TO_CHN = {2024: {"845891": 20, "845961": 30}, 2023: {"845891": 40, "845961": 10}}


def _trade() -> pd.DataFrame:
    rows = []
    for year in (2023, 2024):
        for hs6, by in WORLD.items():
            rows += [(year, e, "WLD", hs6, float(v)) for e, v in by.items()]
        rows += [(year, "WLD", "CHN", hs6, float(v)) for hs6, v in CHN_IMPORTS.items()]
        rows += [(year, "USA", "CHN", hs6, float(v)) for hs6, v in US_TO_CHN[year].items()]
        rows.append((year, "JPN", "CHN", "845891", 200.0))
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "hs6", "value_usd"])


@pytest.fixture()
def ev_ds():
    conc = pd.DataFrame(
        [("2B991", "845891", "high", 0.5), ("2B991", "845961", "high", 0.5), ("4A994", "847130", "high", 0.5)],
        columns=["eccn", "hs6", "confidence", "controlled_share"],
    )
    conc["rationale"] = "test mapping"
    return _est.make_dataset(concordance=conc, trade=_trade())
