"""Trade helpers: world totals preferred where present, aggregates never double counted."""

from __future__ import annotations

import pandas as pd

from optimizer.data.trade import bilateral, imports_from_world, latest_year, trade_years, world_exports
from tests.optimizer.data.conftest import trade_frame


def test_world_exports_prefers_wld_rows_then_sums_bilateral():
    out = world_exports(trade_frame(), 2023)
    got = {(r.exporter, r.hs6): r.value_usd for r in out.itertuples()}
    assert got[("USA", "848620")] == 1000.0  # its WLD row, not 100 + 999 (EUU)
    assert got[("JPN", "848620")] == 320.0  # 300 to CHN + 20 to USA
    assert got[("DEU", "848620")] == 50.0
    assert got[("USA", "845811")] == 40.0
    assert ("WLD", "845811") not in got  # aggregates are not suppliers
    assert list(out.columns) == ["exporter", "hs6", "value_usd"]


def test_imports_from_world_for_one_importer_and_all():
    chn = imports_from_world(trade_frame(), "CHN", 2023)
    assert chn.set_index("hs6")["value_usd"].to_dict() == {"848620": 450.0}
    jpn = imports_from_world(trade_frame(), "JPN", 2023)
    assert jpn.set_index("hs6")["value_usd"].to_dict() == {"845811": 500.0}  # WLD row beats the 40 from USA
    every = imports_from_world(trade_frame(), None, 2023)
    assert set(every["importer"]) == {"CHN", "JPN", "USA"}  # EUU, WLD are aggregates
    assert every.loc[every.importer == "USA", "value_usd"].sum() == 27.0


def test_bilateral_and_years():
    t = trade_frame()
    assert bilateral(t, "USA", "CHN", 2022).to_dict("records") == [{"hs6": "848620", "value_usd": 80.0}]
    assert bilateral(t, "USA", "DEU", 2023).empty
    assert trade_years(t) == [2022, 2023] and latest_year(t) == 2023


def test_helpers_do_not_mutate_input():
    t = trade_frame()
    before = t.copy()
    world_exports(t, 2023), imports_from_world(t, "CHN", 2023), bilateral(t, "USA", "CHN", 2023)
    pd.testing.assert_frame_equal(t, before)
