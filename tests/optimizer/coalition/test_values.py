"""Members' unlocked exports on hand-computed cases (figures in conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer.coalition.values import PROXY_BASIS, check_members, member_values, wide_values
from optimizer.errors import DecontrolError
from optimizer.estimation import EstimationConfig, build_item_table
from optimizer.estimation.value import exporter_columns, value_rows

S = 650 / 1900  # CHN's share of world imports, all goods (conftest)


def test_member_with_bilateral_rows_by_hand(ds):
    w = wide_values(member_values(ds, "CHN", ["USA", "JPN"]), "potential_usd")
    # 845891: max(0, 500 x 200/1000 - 50) = 50 -> x 0.5
    assert w.at["2B991", "JPN"] == pytest.approx(25.0)
    # 847130: max(0, 100 x 10/100 - 3) = 7 -> x 0.5 (4A994) and x 0.2 (3A090)
    assert w.at["4A994", "JPN"] == pytest.approx(3.5)
    assert w.at["3A090", "JPN"] == pytest.approx(1.4)
    assert w.at["9A991", "JPN"] == 0.0  # JPN exports no aircraft
    assert pd.isna(w.at["4D994", "JPN"])  # software: unknown, not zero


def test_member_without_bilateral_rows_is_proxied_and_flagged(ds):
    v = member_values(ds, "CHN", ["USA", "JPN", "DEU"])
    assert v.attrs["proxied"] == ["DEU"]
    assert v.attrs["partner_import_share"] == pytest.approx(S)
    w = wide_values(v, "potential_usd")
    # 845891: max(0, 500 x 300/1000 - 300 x S) -> x 0.5
    assert w.at["2B991", "DEU"] == pytest.approx((150 - 300 * S) * 0.5, abs=0.01)
    # 880240: 50 x 0.5 - 400 x S < 0 -> 0
    assert w.at["9A991", "DEU"] == 0.0
    basis = v.set_index(["member", "eccn"])["basis"]
    assert basis["DEU", "2B991"].startswith(PROXY_BASIS)
    assert f"{S:.1%}" in basis["DEU", "2B991"]
    assert not basis["JPN", "2B991"].startswith("proxy")
    assert "bilateral rows" in basis["JPN", "2B991"]
    assert basis["DEU", "4D994"].startswith("unknown: software/technology")


def test_us_values_equal_the_item_table(ds):
    v = wide_values(member_values(ds, "CHN", ["JPN", "DEU"]))
    t = build_item_table(ds, "CHN").set_index("eccn")["value_usd"]
    assert v["USA"].reindex(t.index).equals(t)


def test_us_values_equal_the_item_table_on_shipped_data():
    from optimizer.data.load import load_dataset

    ds = load_dataset()
    v = member_values(ds, "CHN", ["USA", "JPN", "NLD", "GBR"])
    t = build_item_table(ds, "CHN").set_index("eccn")
    us = v[v["member"] == "USA"].set_index("eccn")
    assert us["value_usd"].reindex(t.index).equals(t["value_usd"])
    assert (us["basis"].reindex(t.index) == t["value_basis"]).all()
    assert v.attrs["synthetic"] is True
    # the shipped synthetic layer has no ally -> CHN rows: every ally is proxied, and says so
    assert v.attrs["proxied"] == ["JPN", "NLD", "GBR"]
    mapped = v[(v["member"] != "USA") & v["potential_usd"].notna()]
    assert len(mapped) and mapped["basis"].str.startswith(PROXY_BASIS).all()


def test_members_are_checked_and_the_us_comes_first(ds):
    assert check_members(ds, "CHN", ["jpn", "DEU", "JPN"]) == ("USA", "JPN", "DEU")
    assert check_members(ds, "CHN", ["DEU", "USA"]) == ("USA", "DEU")
    for bad, words in (
        (["USA", "XXX"], "unknown member 'XXX'"),
        (["USA", "CHN"], "is the partner"),
        (["USA", "WLD"], "group of countries"),
        (["USA"], "at least one ally"),
    ):
        with pytest.raises(DecontrolError) as exc:
            check_members(ds, "CHN", bad)
        assert words in exc.value.render()
    with pytest.raises(DecontrolError) as exc:
        check_members(ds, "CHN", ["XXX", "CHN"])
    assert "2 bad coalition members" in exc.value.render()


def test_member_without_any_exports_is_an_error(ds):
    with pytest.raises(DecontrolError, match=r"no export data for member.*GBR"):
        member_values(ds, "CHN", ["USA", "GBR"])


def test_only_the_gap_method(ds):
    with pytest.raises(DecontrolError, match="gap method"):
        member_values(ds, "CHN", ["JPN"], config=EstimationConfig(value_method="baseline", baseline_year=2024))


def test_value_rows_for_another_exporter_reads_its_own_columns():
    assert exporter_columns() == ("us_world_share", "us_exports_to_partner", "us_exports_to_partner_baseline")
    assert exporter_columns("JPN")[:2] == ("jpn_world_share", "jpn_exports_to_partner")
    shares = pd.DataFrame({"eccn": ["X"], "hs6": ["000001"], "controlled_share": [0.5]})
    per = pd.DataFrame(
        {
            "hs6": ["000001"],
            "partner_imports_world": [1000.0],
            "us_world_share": [0.2],
            "us_exports_to_partner": [50.0],
            "jpn_world_share": [0.1],
            "jpn_exports_to_partner": [120.0],
        }
    )
    assert value_rows(shares, per)["value_usd"].tolist() == [75.0]  # (200 - 50) x 0.5
    assert value_rows(shares, per, exporter="JPN")["value_usd"].tolist() == [0.0]  # max(0, 100 - 120)
    per.loc[0, "jpn_exports_to_partner"] = 20.0
    assert np.isclose(value_rows(shares, per, exporter="JPN")["value_usd"].iloc[0], 40.0)


def test_allies_gain_nothing_from_relief_of_a_control_they_do_not_apply(ds):
    """9xx entries are US-unilateral: relieving them unlocks nothing for JPN or DEU (issue: coalition
    credit only for controls a member also applies), and the basis says why."""
    v = member_values(ds, "CHN", ["USA", "JPN", "DEU"])
    w = wide_values(v)
    pot = wide_values(v, "potential_usd")
    assert pot.at["2B991", "JPN"] > 0 and w.at["2B991", "JPN"] == 0.0 and w.at["2B991", "DEU"] == 0.0
    basis = v.set_index(["member", "eccn"])["basis"]
    assert "does not control 2B991" in basis["JPN", "2B991"]
    us = build_item_table(ds, "CHN").set_index("eccn")
    assert w.at["2B991", "USA"] == pytest.approx(us.at["2B991", "value_usd"])
