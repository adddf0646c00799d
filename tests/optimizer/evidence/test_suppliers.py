import math

from optimizer.evidence import supplier_ranking


def test_ranked_by_weighted_world_exports_with_shares(ev_ds):
    r = supplier_ranking(ev_ds, "4A994", "CHN", 2024)
    assert list(r["exporter"]) == ["CHN", "KOR", "USA"]
    assert list(r["rank"]) == [1, 2, 3]
    assert math.isclose(r.loc[0, "world_exports_usd"], 40.0)
    assert math.isclose(r.loc[0, "world_share"], 0.8)


def test_exports_to_the_partner_are_measured_only_where_the_data_has_the_flow(ev_ds):
    r = supplier_ranking(ev_ds, "2B991", "CHN", 2024).set_index("exporter")
    # JPN -> CHN 845891: 0.5 x 200 = 100 of CHN's weighted imports 0.5 x 400 + 0.5 x 100 = 250
    assert math.isclose(r.loc["JPN", "exports_to_partner_usd"], 100.0)
    assert math.isclose(r.loc["JPN", "partner_share"], 0.4)
    assert math.isclose(r.loc["USA", "partner_share"], 25.0 / 250.0)
    assert math.isnan(r.loc["DEU", "exports_to_partner_usd"])  # no DEU -> CHN row: not measured
    assert math.isnan(r.loc["CHN", "partner_share"])  # the partner does not supply itself


def test_top_limits_the_rows(ev_ds):
    assert len(supplier_ranking(ev_ds, "2B991", "CHN", 2024, top=2)) == 2
    assert supplier_ranking(ev_ds, "9Z999", "CHN", 2024).empty
