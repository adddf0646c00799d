"""The view in the address bar: parsing, checking against the data, writing back."""

from __future__ import annotations

from dash import no_update

from dashboard.logic.url_state import (
    items_url_view,
    parse_query,
    problems_alert,
    query_string,
    same_path,
    trade_url_view,
    years_param,
)


def test_query_round_trip_and_paths():
    assert parse_query("?partner=CHN&year=2023&item=2B001&x=") == {"partner": "CHN", "year": "2023", "item": "2B001"}
    assert (
        query_string({"partner": "CHN", "years": "2015-2023", "item": None, "hs": ""}) == "?partner=CHN&years=2015-2023"
    )
    assert query_string({}) == ""
    assert same_path("/items/", "/items") and same_path(None, "/") and not same_path("/items", "/")
    assert (
        years_param([2015, 2023]) == "2015-2023" and years_param([2020, 2020]) == "2020" and years_param(None) is None
    )


def test_items_address_is_checked_against_the_data(shipped_ds):
    view = items_url_view(shipped_ds, "?partner=jpn&year=2023&item=2b001", {"2B001"})
    assert view.values == {"partner": "JPN", "year": 2023, "item": "2B001"} and view.problems == []
    bad = items_url_view(shipped_ds, "?partner=XYZ&year=1990&item=9Z999", {"2B001"})
    assert bad.values == {} and len(bad.problems) == 3
    assert "XYZ" in bad.problems[0] and "1990" in bad.problems[1] and "9Z999" in bad.problems[2]
    assert problems_alert(bad) is not no_update and problems_alert(view) is no_update


def test_trade_address_years_flow_and_hs(shipped_ds):
    view = trade_url_view(shipped_ds, "?partner=JPN&years=2023-2016&flow=imports&hs=8458")
    assert view.values == {"partner": "JPN", "years": [2016, 2023], "flow": "imports", "hs": "8458"}
    assert trade_url_view(shipped_ds, "?years=2010-2017").values["years"][0] == 2015  # clipped to the data
    bad = trade_url_view(shipped_ds, "?years=1900-1901&flow=both&hs=8x")
    assert bad.values == {} and len(bad.problems) == 3


def test_scenarios_address_picks_and_compares_known_scenarios_only():
    from dashboard.logic.url_state import query_list, scenarios_url_view

    search = query_string({"scenario": "China 5m", "compare": ["China 2m", "China 5m", "gone"]})
    assert search == "?scenario=China+5m&compare=China+2m&compare=China+5m&compare=gone"
    assert query_list(search, "compare") == ["China 2m", "China 5m", "gone"]
    view = scenarios_url_view(search, ["China 2m", "China 5m"])
    assert view.values == {"scenario": "China 5m", "compare": ["China 2m", "China 5m"]}
    assert view.problems == ["Not among the saved scenarios, left out of the comparison: gone."]
    unknown = scenarios_url_view("?scenario=x", ["China 2m"])
    assert unknown.values == {} and "No saved scenario 'x'" in unknown.problems[0]


def test_a_chapter_bar_click_names_its_chapter():
    from dashboard.logic.drill import chapter_from_click, drill_target

    assert chapter_from_click({"points": [{"y": "84 Nuclear reactors, boilers…", "x": 1.2}]}) == "84"
    assert chapter_from_click({"points": [{"y": "other"}]}) is None and chapter_from_click(None) is None
    assert drill_target({"type": "row", "code": "8458"}, 1, "84") == "8458"
    assert drill_target({"type": "row", "code": "8458"}, None, "84") is None  # a row appearing, no click
