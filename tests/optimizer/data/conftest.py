"""A tiny but complete data directory in the canonical format, written fresh for each test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.data.load import clear_cache
from optimizer.data.trade_file import write_trade_parquet

CSV_TABLES: dict[str, str] = {
    "ccl.csv": (
        "eccn,category,group,heading,reasons,chart_columns,non_chart_controls,paragraph_controls_json,"
        "wmd_scope,license_exceptions_json,regime,military,itar_placeholder,has_reasons,source,vintage\n"
        "2B001,2,B,Machine tools,NS1;NS2;NP1;AT1,NS1;NS2;NP1;AT1,,[],partial,{},WA;NSG,false,false,true,eCFR,2025-07-01\n"
        "2B991,2,B,Numerical control units,AT1,AT1,,[],none,{},US,false,false,true,eCFR,2025-07-01\n"
        "3B001,3,B,Semiconductor equipment,NS2;RS2;AT1,NS2;AT1,,[],none,{},WA,false,false,true,eCFR,2025-07-01\n"
    ),
    "hs6.csv": "hs6,name,hs2,hs4,section\n010121,Horses,01,0101,Agriculture\n848620,Semiconductor machines,84,8486,Machinery\n845811,Lathes,84,8458,Machinery\n",
    "hs2.csv": "hs2,name,section\n01,Live animals,Agriculture\n84,Machinery,Machinery\n",
    "countries.csv": (
        "iso3,name,m49,baci_code,iso2\nUSA,United States,840,842,US\nCHN,China,156,156,CN\n"
        "JPN,Japan,392,392,JP\nDEU,Germany,276,276,DE\nWLD,World,0,,\nEUU,European Union,,,\n"
    ),
    "regimes.csv": "regime,iso3,as_of,source\nWA,USA,2025-01-01,wassenaar.org\nNSG,CHN,2025-01-01,nsg-online.org\n",
    "partner_totals.csv": (
        "year,partner,partner_name,exports_usd,imports_usd,balance_usd,source\n"
        "2023,CHN,China,147800000000,427200000000,-279400000000,Census\n"
    ),
    "hs2_china.csv": "year,flow,partner,hs2,value_usd\n2018,export,CHN,84,1000\n2018,import,CHN,84,2000\n",
    "events.csv": "date,title,summary,kind,source\n2022-10-07,Advanced computing rule,BIS rule,us_control,Federal Register\n",
    "concordance.csv": (
        "eccn,hs6,confidence,rationale,controlled_share\n"
        "2B001,845811,medium,lathes,0.2\n3B001,848620,high,SME,0.5\n2B991-rest,845811,low,NC units,0.1\n"
    ),
}

TRADE_ROWS = [
    # year, exporter, importer, hs6, value_usd
    (2023, "USA", "CHN", "848620", 100.0),
    (2023, "JPN", "CHN", "848620", 300.0),
    (2023, "DEU", "CHN", "848620", 50.0),
    (2023, "USA", "WLD", "848620", 1000.0),  # USA reports a world total: used instead of the sum
    (2023, "JPN", "USA", "848620", 20.0),
    (2023, "USA", "EUU", "848620", 999.0),  # aggregate importer: never summed
    (2023, "CHN", "USA", "845811", 7.0),
    (2023, "WLD", "JPN", "845811", 500.0),  # JPN imports from world, reported as a total
    (2023, "USA", "JPN", "845811", 40.0),
    (2022, "USA", "CHN", "848620", 80.0),
]


def trade_frame(rows=TRADE_ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "hs6", "value_usd"])


def write_dir(
    root: Path, *, trade: pd.DataFrame | None = None, synthetic: bool = True, tables: dict[str, str] | None = None
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (CSV_TABLES if tables is None else tables).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    if trade is not None:
        write_trade_parquet(trade, root, source="test fixture", synthetic=synthetic)
    return root


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture()
def shipped(tmp_path) -> Path:
    """A complete 'shipped' directory with a synthetic trade layer."""
    return write_dir(tmp_path / "shipped", trade=trade_frame(), synthetic=True)
