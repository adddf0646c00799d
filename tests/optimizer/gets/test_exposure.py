"""Who else is exposed to the partner's measures (`member_exposure`), recomputed by hand on the tiny
fixture of `test_measures`: bilateral rows where the data has them, the stated proxy where it has only
the member's imports from the world, "no data" (never 0) where it has neither."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.gets.exposure import gets_table, member_exposure
from tests.optimizer.gets.test_measures import _tiny


def _with_members():
    ds = _tiny()
    extra = [
        ("CHN", "KOR", "811292", 30.0),
        ("WLD", "KOR", "811292", 45.0),  # KOR: bilateral rows
        ("WLD", "JPN", "811292", 200.0),
        ("WLD", "JPN", "381800", 80.0),
    ]  # JPN: imports from the world only
    rows = pd.DataFrame(
        [{"year": 2024, "exporter": e, "importer": i, "hs6": h, "value_usd": v} for e, i, h, v in extra]
    )
    ds.trade = pd.concat([ds.trade, rows], ignore_index=True)
    return ds


def test_member_exposure_by_hand():
    ds = _with_members()
    t = member_exposure(ds, "CHN", ["USA", "KOR", "JPN", "AUS"], "2026-01-01").set_index(["measure_id", "member"])
    # the US reads as the gets table does
    us = gets_table(ds, "CHN", "2026-01-01").set_index("measure_id")
    assert t.at[("a", "USA"), "imports_from_partner_usd"] == pytest.approx(us.at["a", "us_imports_from_partner_usd"])
    # KOR: bilateral CHN -> KOR in 811292 only (381800 has no KOR rows: 0 for that code)
    assert t.at[("a", "KOR"), "imports_from_partner_usd"] == pytest.approx(30.0)
    assert t.at[("a", "KOR"), "partner_share_of_imports"] == pytest.approx(30 / 45)
    assert t.at[("a", "KOR"), "basis"] == "bilateral rows CHN -> KOR"
    # JPN: world imports x CHN's share of world exports per code: 811292 900/1000, 381800 100/200 (halved: a and b)
    assert t.at[("a", "JPN"), "imports_from_partner_usd"] == pytest.approx(200 * 0.9 + 80 * 0.5 / 2)
    assert t.at[("b", "JPN"), "imports_from_partner_usd"] == pytest.approx(80 * 0.5 / 2)
    assert t.at[("a", "JPN"), "basis"].startswith("proxy: JPN's imports")
    # AUS: no imports at all in the data: missing, never 0
    assert pd.isna(t.at[("a", "AUS"), "imports_from_partner_usd"]) and t.at[("a", "AUS"), "basis"].startswith("no data")
    # c has no published codes
    assert pd.isna(t.at[("c", "KOR"), "imports_from_partner_usd"])
    assert t.at[("c", "KOR"), "basis"].startswith("no HS codes recovered")
    assert bool(t["synthetic"].all()) and (t["source"] == "hand-made test trade").all()


def test_member_exposure_with_unsourced_codes_and_bad_year():
    from optimizer.errors import DecontrolError

    t = member_exposure(_with_members(), "CHN", ["USA"], "2026-01-01", include_unsourced=True).set_index("measure_id")
    assert t.at["c", "hs6_basis"] == "UNSOURCED candidates" and t.at["c", "imports_from_partner_usd"] == pytest.approx(
        7
    )
    with pytest.raises(DecontrolError, match="no trade data for 2019"):
        member_exposure(_with_members(), "CHN", ["USA"], "2026-01-01", year=2019)
