"""Concession value on hand-computed cases (fixture figures in conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.estimation import EstimationConfig, build_item_table, value_breakdown_for
from optimizer.estimation.value import item_values, value_rows

S1 = 0.5 / 1.1  # 2B991's share of 845891 after the cap (2B001 claims 0.6 of the same code)


def test_gap_formula_by_hand(ds):
    t = build_item_table(ds, "CHN").set_index("eccn")
    # 845891: max(0, 500 x 100/1000 - 20) = 30 -> x 0.4545;  845961: max(0, 40 x 0.5 - 30) = 0
    assert t.loc["2B991", "potential_usd"] == pytest.approx(30 * S1, abs=0.01)
    # 847130: max(0, 100 x 10/100 - 0) = 10 -> x 0.5
    assert t.loc["4A994", "potential_usd"] == pytest.approx(5.0)
    assert t.loc["6A003", "potential_usd"] == 0.0  # negative gap is clipped, not negative
    assert t.loc["2B991", "value_basis"].startswith("gap 2024")


def test_baseline_formula_by_hand(ds):
    cfg = EstimationConfig(value_method="baseline", baseline_year=2019)
    t = build_item_table(ds, "CHN", config=cfg).set_index("eccn")
    # 845891: max(0, 50 - 20) = 30 x S1; 845961: max(0, 10 - 30) = 0
    assert t.loc["2B991", "potential_usd"] == pytest.approx(30 * S1, abs=0.01)
    assert t.loc["4A994", "potential_usd"] == 0.0  # no US exports in either year
    assert t.loc["2B991", "value_basis"].startswith("exports lost since 2019 (vs 2024)")


def test_breakdown_is_what_the_value_sums_and_shows_every_input(ds):
    b = value_breakdown_for(ds, "2B991", "CHN")
    assert list(b["hs6"]) == ["845891", "845961"]  # largest first
    r = b.iloc[0]
    assert r["name"] == "lathes"
    assert (r["partner_imports_world"], r["us_world_share"], r["us_exports_to_partner"]) == (500, 0.1, 20)
    assert r["controlled_share"] == pytest.approx(S1)
    assert r["controlled_share_raw"] == 0.5
    assert b.iloc[1]["controlled_share"] == pytest.approx(0.2)  # medium default
    t = build_item_table(ds, "CHN").set_index("eccn")
    assert b["value_usd"].sum() == pytest.approx(t.loc["2B991", "potential_usd"], abs=0.01)


def test_software_and_technology_value_is_unknown_not_zero(ds):
    t = build_item_table(ds, "CHN").set_index("eccn")
    assert pd.isna(t.loc["4D994", "value_usd"])
    assert t.loc["4D994", "value_basis"].startswith("unknown: software/technology")
    assert pd.isna(t.loc["2A290", "value_usd"])
    assert t.loc["2A290", "value_basis"].startswith("unknown: no HS mapping")


def test_value_overrides_from_the_policy_file(make_ds, tmp_path):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "value_overrides.csv").write_text(
        "eccn,partner,value_usd,reason,author,date\n"
        "4D994,CHN,2500000,licence data: software sales,A. Analyst,2025-06-01\n"
        "4A994,JPN,1,other partner,A,2025-06-01\n",
        encoding="utf-8",
    )
    ds = make_ds(data_dirs=(tmp_path,))
    t = build_item_table(ds, "CHN").set_index("eccn")
    assert t.loc["4D994", "potential_usd"] == 2_500_000
    assert bool(t.loc["4D994", "value_override"])
    assert "licence data: software sales" in t.loc["4D994", "value_basis"]
    assert "A. Analyst" in t.loc["4D994", "value_basis"]
    assert t.loc["4A994", "potential_usd"] == pytest.approx(5.0)  # the JPN row does not apply


def test_bad_value_override_is_a_clear_error(make_ds, tmp_path):
    from optimizer.errors import DecontrolError

    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "value_overrides.csv").write_text(
        "eccn,partner,value_usd,reason,author,date\n4D994,CHN,-5,x,y,2025-01-01\n", encoding="utf-8"
    )
    with pytest.raises(DecontrolError) as exc:
        build_item_table(make_ds(data_dirs=(tmp_path,)), "CHN")
    assert "row 2, column value_usd" in exc.value.render()


def test_value_rows_pure():
    shares = pd.DataFrame({"eccn": ["X", "X"], "hs6": ["000001", "000002"], "controlled_share": [0.5, 1.0]})
    per = pd.DataFrame(
        {
            "hs6": ["000001", "000002"],
            "partner_imports_world": [1000.0, 10.0],
            "us_world_share": [0.2, 0.5],
            "us_exports_to_partner": [50.0, 100.0],
        }
    )
    rows = value_rows(shares, per)
    assert list(rows["value_usd"]) == [75.0, 0.0]  # (1000 x 0.2 - 50) x 0.5; max(0, 5 - 100)
    v = item_values(pd.DataFrame({"eccn": ["X", "Y"], "group": ["A", "C"]}), rows, "gap").set_index("eccn")
    assert v.loc["X", "value_usd"] == 75.0
    assert pd.isna(v.loc["Y", "value_usd"])
