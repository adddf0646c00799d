import math

import pandas as pd

from optimizer.evidence import events_for, item_codes, item_series


def test_codes_are_the_items_mapped_codes(ev_ds):
    assert item_codes(ev_ds, "2B991") == ["845891", "845961"]
    assert item_codes(ev_ds, "4A994") == ["847130"]


def test_total_series_sums_the_codes_and_divides_by_the_partners_imports(ev_ds):
    s = item_series(ev_ds, "2B991", "CHN")
    total = s[s["hs6"] == "all"].set_index("year")
    assert list(total.index) == [2023, 2024]
    assert total.loc[2024, "us_exports_to_partner"] == 50
    assert total.loc[2023, "us_exports_to_partner"] == 50
    assert total.loc[2024, "partner_imports_world"] == 500
    assert math.isclose(total.loc[2024, "us_share_of_partner_imports"], 50 / 500)
    assert math.isclose(total.loc[2024, "us_world_share"], 150 / 600)


def test_per_code_rows_follow_each_code(ev_ds):
    s = item_series(ev_ds, "2B991", "CHN").set_index(["year", "hs6"])
    assert s.loc[(2023, "845891"), "us_exports_to_partner"] == 40
    assert s.loc[(2024, "845891"), "us_exports_to_partner"] == 20
    assert math.isclose(s.loc[(2024, "845961"), "us_share_of_partner_imports"], 0.3)


def test_no_imports_is_an_unknown_share_not_zero(ev_ds):
    s = item_series(ev_ds, "4A994", "JPN")  # JPN imports nothing in this data
    assert s["us_share_of_partner_imports"].isna().all()


def test_an_unmapped_item_has_no_series(ev_ds):
    assert item_series(ev_ds, "9Z999", "CHN").empty


def test_events_for_keeps_the_partners_and_the_worldwide_ones_by_date():
    ev = pd.DataFrame(
        {
            "date": ["2025-05-01", "2024-01-01", "2025-01-01"],
            "title": ["b", "a", "c"],
            "summary": "",
            "kind": "us_control",
            "source": "s",
            "partners": ["CHN", "*", "JPN;KOR"],
        }
    )
    assert list(events_for(ev, "CHN")["title"]) == ["a", "b"]
    assert list(events_for(ev, "KOR")["title"]) == ["a", "c"]
