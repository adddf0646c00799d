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


def test_package_address_fills_the_form_and_refuses_what_it_cannot_read(shipped_ds):
    from dashboard.logic.url_state import package_url_view

    view = package_url_view(
        shipped_ds,
        "?partner=chn&year=2023&target=5m&fa=0.3&objective=max-value&risk=2.5&max=4&modes=lift,exception"
        "&lock=4a994+2b991&allies=penalty&penalty=1.5&coherence=0&nodiv=1&cap=3:2&oppose=JPN:3A991",
    )
    assert view.problems == []
    v = view.values
    assert v["partner"] == "CHN" and v["year"] == 2023 and abs(v["target_bn"] - 0.005) < 1e-12
    assert v["min_fa"] == 0.3 and v["objective"] == "max-value" and v["risk_budget"] == 2.5 and v["max_items"] == 4
    assert v["modes"] == ["lift", "exception"] and v["locks"] == "4A994, 2B991"
    assert v["ally_policy"] == "penalty" and v["ally_penalty"] == 1.5
    assert v["coherence"] is False and v["no_diversion"] is True
    assert v["caps"] == {"3": 2} and v["ally_oppose"] == {"JPN": "3A991"}

    bad = package_url_view(shipped_ds, "?partner=XYZ&target=2&fa=7&objective=cheap&modes=gift&max=0&oppose=FRA:1A001")
    assert bad.values == {}
    assert (
        len(bad.problems) == 7 and "'2'" in bad.problems[1] and "cheap" in bad.problems[2] and "'7'" in bad.problems[3]
    )
    # numbers that parse but are no setting: a message each, never int(inf)
    odd = package_url_view(shipped_ds, "?max=inf&risk=nan&penalty=-inf&fa=inf&cap=3:inf")
    assert odd.values == {} and len(odd.problems) == 5
    assert any("'inf'" in p for p in odd.problems) and any("'nan'" in p for p in odd.problems)


def test_package_query_round_trips_through_the_reader(shipped_ds):
    from dashboard.logic.package_inputs import FormValues
    from dashboard.logic.url_state import package_query, package_url_view, usd_param

    assert usd_param(0.005) == "5m" and usd_param(2.5) == "2.5bn" and usd_param(0.0004) == "400k"
    default = FormValues(
        partner="CHN", year="2023", target_bn=0.005, modes=["lift", "exception", "approval", "meu_removal"]
    )
    assert package_query(default) == "?partner=CHN&year=2023&target=5m"
    form = FormValues(
        partner="JPN",
        year=2023,
        target_bn=0.25,
        objective="min-items",
        min_fa=0.2,
        max_items=3,
        modes=["lift"],
        risk_budget=4,
        locks="2b991, 4A994",
        forced="",
        caps={"3": 2, "4": None},
        ally_oppose={"NLD": "3A991 3B001"},
        ally_policy="penalty",
        ally_penalty=2,
        coherence=False,
        bis_alone=True,
        no_diversion=True,
    )
    q = package_query(form)
    back = package_url_view(shipped_ds, q).values
    assert back == {
        "partner": "JPN",
        "year": 2023,
        "target_bn": 0.25,
        "objective": "min-items",
        "min_fa": 0.2,
        "max_items": 3,
        "risk_budget": 4.0,
        "modes": ["lift"],
        "locks": "2B991, 4A994",
        "ally_policy": "penalty",
        "ally_penalty": 2.0,
        "coherence": False,
        "bis_alone": True,
        "no_diversion": True,
        "caps": {"3": 2},
        "ally_oppose": {"NLD": "3A991, 3B001"},
    }


def test_allies_address_round_trip(shipped_ds):
    from dashboard.logic.allies import ALLY_CHOICES
    from dashboard.logic.url_state import POSITIONS_IN_URL, allies_query, allies_url_view

    q = allies_query("CHN", ["NLD", "JPN"], 1.5, "JPN 3A991 oppose", ALLY_CHOICES)
    assert q == "?partner=CHN&members=JPN%2CNLD&budget=1.5&positions=JPN+3A991+oppose"
    view = allies_url_view(shipped_ds, q, ALLY_CHOICES)
    assert view.problems == [] and view.values == {
        "partner": "CHN",
        "members": ["JPN", "NLD"],
        "budget": 1.5,
        "positions": "JPN 3A991 oppose",
    }
    assert (
        allies_url_view(shipped_ds, allies_query("CHN", [], 1, "", ALLY_CHOICES), ALLY_CHOICES).values["members"] == []
    )
    assert "positions" not in allies_query("CHN", ["JPN"], 1, "x" * (POSITIONS_IN_URL + 1), ALLY_CHOICES)
    bad = allies_url_view(shipped_ds, "?partner=XYZ&members=JPN,FRA&budget=-1", ALLY_CHOICES)
    assert bad.values == {"members": ["JPN"]} and len(bad.problems) == 3 and "FRA" in bad.problems[1]
