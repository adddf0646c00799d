import math

from optimizer.evidence import code_potential, potential_vs_actual


def test_potential_is_imports_times_us_world_share_weighted_by_controlled_share(ev_ds):
    p = potential_vs_actual(ev_ds, "CHN", 2024).set_index("eccn")
    # 847130: 0.5 x 100 x 10/100 = 5; no US exports
    assert math.isclose(p.loc["4A994", "potential_usd"], 5.0)
    assert p.loc["4A994", "actual_usd"] == 0
    assert math.isclose(p.loc["4A994", "gap_usd"], 5.0)
    # 845891: 0.5 x 400 x 100/500 = 40 vs 0.5 x 20 = 10; 845961: 0.5 x 100 x 0.5 = 25 vs 0.5 x 30 = 15
    assert math.isclose(p.loc["2B991", "potential_usd"], 65.0)
    assert math.isclose(p.loc["2B991", "actual_usd"], 25.0)
    assert math.isclose(p.loc["2B991", "gap_usd"], 40.0)


def test_the_gap_does_not_net_codes_where_the_us_sells_more(ev_ds):
    p = potential_vs_actual(ev_ds, "CHN", 2023).set_index("eccn")
    # 845891: 40 vs 0.5 x 40 = 20 (gap 20); 845961: 25 vs 5 (gap 20)
    assert math.isclose(p.loc["2B991", "gap_usd"], 40.0)
    assert math.isclose(p.loc["2B991", "actual_usd"], 25.0)


def test_rows_come_largest_potential_first_with_the_item_tables_value(ev_ds):
    p = potential_vs_actual(ev_ds, "CHN", 2024)
    assert list(p["eccn"]) == ["2B991", "4A994"]
    assert "value_usd" in p and "risk" not in p and "tier" not in p


def test_code_potential_splits_the_item(ev_ds):
    c = code_potential(ev_ds, "2B991", "CHN", 2024).set_index("hs6")
    assert math.isclose(c.loc["845891", "potential_usd"], 40.0)
    assert math.isclose(c.loc["845961", "actual_usd"], 15.0)
    assert (
        c["potential_usd"].sum()
        == potential_vs_actual(ev_ds, "CHN", 2024).set_index("eccn").loc["2B991", "potential_usd"]
    )
