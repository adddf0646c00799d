"""What an analyst expects: search by HS code and product, the view in the URL, drill-down, downloads."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

CENTER_ROWS = "#items-grid .ag-center-cols-container .ag-row"


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


@pytest.mark.parametrize("query", ["845891", "lathe"])
def test_hs_code_and_product_word_find_2b991_and_the_count_says_so(page, query):
    page.goto("/items")
    page.wait_for_selector("#items-grid .ag-row")
    page.fill("#items-search", query)
    page.wait_for_function(f"document.querySelectorAll('{CENTER_ROWS}').length < 20")
    page.wait_for_selector(f"{CENTER_ROWS}[row-id='2B991']")
    shown = page.locator(CENTER_ROWS).count()
    page.wait_for_function("document.querySelector('#items-search-count').innerText.includes('items match')")
    assert page.locator("#items-search-count").inner_text().startswith(f"{shown} of ")


def test_an_items_address_opens_partner_year_and_item_and_the_address_follows_the_inputs(page):
    page.goto("/items?partner=JPN&year=2023&item=2B001")
    page.wait_for_selector("#items-panel.show")
    page.wait_for_function("document.querySelector('#items-panel .offcanvas-title').innerText.startsWith('2B001')")
    title = page.locator("#items-panel .offcanvas-title").inner_text()
    assert "Japan" in title and "2023" in title
    assert page.locator("#items-partner").input_value() == "JPN"
    assert page.locator("#items-year").input_value() == "2023"
    page.locator("#items-panel .btn-close").click()
    page.wait_for_selector("#items-panel", state="hidden")
    page.wait_for_function("!new URLSearchParams(location.search).has('item')")  # a closed panel shows the list
    page.select_option("#items-partner", "CHN")
    page.wait_for_function("new URLSearchParams(location.search).get('partner') === 'CHN'")
    assert _query(page)["year"] == ["2023"]
    page.fill("#items-search", "5A003")
    page.wait_for_function(f"document.querySelectorAll('{CENTER_ROWS}').length < 20")
    page.locator(f"{CENTER_ROWS}[row-id='5A003'] .ag-cell[col-id='heading']").click()
    page.wait_for_function("new URLSearchParams(location.search).get('item') === '5A003'")


def test_unknown_values_in_the_address_get_a_message_and_a_default(page):
    page.goto("/items?partner=XYZ&item=9Z999")
    page.wait_for_selector("#items-url-alert .alert")
    text = page.locator("#items-url-alert").inner_text()
    assert "Unknown partner 'XYZ'" in text and "No item '9Z999'" in text
    page.wait_for_selector("#items-grid .ag-row")
    assert page.locator("#items-partner").input_value() == "CHN"
    assert page.locator("#items-panel.show").count() == 0


def test_a_trade_address_opens_partner_and_years_and_the_drill_down_reaches_the_control_list(page):
    page.goto("/?partner=JPN&years=2016-2020")
    page.wait_for_selector("#trade-kpis .card")
    page.wait_for_function("document.querySelector('#trade-kpis').innerText.includes('2020')")
    assert page.locator("#trade-partner").input_value() == "JPN"
    assert "vs 2016" in page.locator("#trade-kpis").inner_text()
    page.select_option("#trade-partner", "CHN")
    page.wait_for_function("new URLSearchParams(location.search).get('partner') === 'CHN'")
    assert _query(page)["years"] == ["2016-2020"]

    # chapter -> heading -> subheading -> the items mapped into it
    page.click("#trade-drill-body button:text-is('84')")
    page.wait_for_selector("#trade-drill-crumbs .breadcrumb-item.active:text-matches('^84 ')")
    assert _query(page).get("hs") == ["84"]
    # a level lists its 20 largest codes; 8458 is further down, behind "Show all"
    page.wait_for_selector("#trade-drill-all:text-matches('^Show all [0-9]+ codes$')")
    assert page.locator("#trade-drill-body tbody tr").count() == 20
    page.click("#trade-drill-all")
    page.wait_for_selector("#trade-drill-body button:text-is('8458')")
    assert page.locator("#trade-drill-all").inner_text() == "Show the 20 largest only"
    page.click("#trade-drill-body button:text-is('8458')")
    page.wait_for_selector("#trade-drill-body button:text-is('845891')")
    page.click("#trade-drill-body button:text-is('845891')")
    page.wait_for_selector("#trade-drill-body a.drill-item:text-is('2B991')")
    crumbs = page.locator("#trade-drill-crumbs .breadcrumb-item").all_inner_texts()
    assert [c.split(" ")[0] for c in crumbs] == ["All", "84", "8458", "845891"]
    # the breadcrumb goes back up
    page.click("#trade-drill-crumbs button:text-matches('^8458 ')")
    page.wait_for_selector("#trade-drill-body button:text-is('845891')")
    assert _query(page).get("hs") == ["8458"]
    page.click("#trade-drill-body button:text-is('845891')")
    page.click("#trade-drill-body a.drill-item:text-is('2B991')")
    page.wait_for_selector("#items-panel.show")
    page.wait_for_function("document.querySelector('#items-panel .offcanvas-title').innerText.startsWith('2B991')")
    assert urlparse(page.url).path == "/items" and _query(page)["item"] == ["2B991"]


def test_a_trade_address_with_junk_years_says_so_and_shows_all_years(page):
    page.goto("/?years=1900-1901&hs=8x")
    page.wait_for_selector("#trade-url-alert .alert")
    text = page.locator("#trade-url-alert").inner_text()
    assert "1900-1901" in text and "'8x'" in text
    page.wait_for_selector("#trade-drill-body button:text-is('84')")


def _read_download(page, selector: str) -> tuple[str, str]:
    """Click `selector`, wait for the file, return (suggested name, text)."""
    with page.expect_download() as info:
        page.click(selector)
    download = info.value
    path = download.path()
    return download.suggested_filename, open(path, encoding="utf-8-sig").read()


def _csv_parts(text: str) -> tuple[list[str], list[str]]:
    lines = text.splitlines()
    return [ln for ln in lines if ln.startswith("#")], [ln for ln in lines if not ln.startswith("#")]


def test_the_control_list_csv_holds_the_rows_the_search_shows_with_provenance(page):
    page.goto("/items")
    page.wait_for_selector("#items-grid .ag-row")
    page.fill("#items-search", "lathe")
    page.wait_for_function(f"document.querySelectorAll('{CENTER_ROWS}').length < 20")
    page.wait_for_selector(f"{CENTER_ROWS}[row-id='2B991']")
    shown = sorted(page.locator(CENTER_ROWS).evaluate_all("rows => rows.map(r => r.getAttribute('row-id'))"))
    name, text = _read_download(page, "#items-csv")
    assert name.endswith(".csv") and "CHN" in name
    comments, rows = _csv_parts(text)
    assert comments[0].startswith("# Commerce Control List items for China") and f"{len(shown)} of" in comments[0]
    assert any(c.startswith("# SYNTHETIC: values") for c in comments)
    assert rows[0].split(",")[:3] == ["eccn", "heading", "tier"] and "risk" in rows[0]
    assert sorted(r.split(",")[0] for r in rows[1:]) == shown
    # without a search the file holds every row of the grid, not only those drawn on screen
    page.fill("#items-search", "")
    page.wait_for_function("document.querySelector('#items-search-count').innerText === ''")
    total = int(page.locator("#items-summary").inner_text().split(" of ")[0].replace(",", ""))
    assert total > 100 and page.locator(CENTER_ROWS).count() < total  # the grid draws a window of rows
    _, text = _read_download(page, "#items-csv")
    assert len(pd.read_csv(io.StringIO(text), comment="#")) == total


def test_the_package_and_left_out_downloads(page):
    page.goto("/package")
    page.wait_for_selector("#pkg-side-trade .h6")
    page.fill("#pkg-target", "0.005")
    page.click("#pkg-run")
    page.wait_for_selector("#pkg-table table")
    table_rows = page.locator("#pkg-table tbody tr").count()
    name, text = _read_download(page, "#pkg-csv")
    comments, rows = _csv_parts(text)
    assert name.startswith("package_CHN") and comments[0].startswith("# Proposed package for CHN")
    header = rows[0].split(",")
    assert any("SYNTHETIC" in c for c in comments) and header[0] == "eccn"
    assert {"heading", "mode", "value_usd", "risk", "tier", "why"} <= set(header)  # the analyst's columns
    assert len(rows) - 1 == table_rows
    name, text = _read_download(page, "#pkg-excluded-csv")
    comments, rows = _csv_parts(text)
    assert name.startswith("left-out_CHN") and rows[0] == "eccn,reason,reason_label,detail" and len(rows) > 100
    assert any(r.split(",")[1] == "foundational" for r in rows[1:])
    page.wait_for_selector("#pkg-cancel:disabled")  # the background phase is done before the page closes


def test_a_scenarios_address_picks_the_scenario_and_the_address_follows_the_pick(page, live_home):
    from optimizer.scenarios.store import ScenarioStore

    store = ScenarioStore(f"sqlite:///{live_home / 'scenarios.db'}")
    saved = {r.name for r in store.list()}
    for name, target in (("URL test A", 2e6), ("URL test B", 5e6)):
        if name in saved:
            continue
        store.save(
            name,
            {"scenario": {"partner": "CHN", "target_usd": target, "year": 2024}},
            {"status": "optimal", "achieved_usd": target, "items": [{"eccn": "5A003", "mode": "exception"}]},
            author="test",
        )
    store.dispose()
    page.goto("/scenarios?scenario=URL%20test%20B")
    page.wait_for_function("document.querySelector('#cmp-list')?.innerText?.includes('URL test B')")
    page.wait_for_function("document.querySelector('#cmp-pick').value === 'URL test B'")
    page.select_option("#cmp-pick", "URL test A")
    page.wait_for_function("new URLSearchParams(location.search).get('scenario') === 'URL test A'")

    page.goto("/scenarios?scenario=no%20such%20scenario")
    page.wait_for_selector("#cmp-url-alert .alert")
    assert "No saved scenario 'no such scenario'" in page.locator("#cmp-url-alert").inner_text()
    page.wait_for_function("document.querySelector('#cmp-pick').value !== ''")


def test_clicking_a_chapter_bar_drills_into_its_headings(page):
    page.goto("/?partner=CHN")
    page.wait_for_selector("#trade-composition .bars .point")
    # the drill-down's chapter rows come after the figures; a click before they arrive can race
    # their first update (seen once in a fresh-clone run), so the page is settled first
    page.wait_for_selector("#trade-drill-body tbody button")
    labels = page.locator("#trade-composition .ytick text").all_text_contents()
    page.locator("#trade-composition .bars .point path").first.click(force=True)
    page.wait_for_function("new URLSearchParams(location.search).get('hs')")
    chapter = _query(page)["hs"][0]
    assert chapter in {label.split(" ")[0] for label in labels}  # one of the chapters drawn
    page.wait_for_selector(f"#trade-drill-crumbs .breadcrumb-item.active:text-matches('^{chapter} ')")
    codes = page.locator("#trade-drill-body tbody button").all_inner_texts()
    assert codes and all(len(c) == 4 and c.startswith(chapter) for c in codes)


def test_the_coalition_download_is_the_run_shown(page):
    page.goto("/allies")
    page.wait_for_selector("#ally-panels .card")
    page.click("#ally-csv")  # nothing run yet: a message, no file
    page.wait_for_selector("#ally-alert .alert")
    assert "Run the coalition first" in page.locator("#ally-alert").inner_text()
    page.click("#ally-run")
    page.wait_for_selector("#ally-coalition table")
    name, text = _read_download(page, "#ally-csv")
    comments, rows = _csv_parts(text)
    assert name.startswith("coalition_CHN") and comments[0].startswith("# Coalition package vs US-only optimum")
    assert any("SYNTHETIC" in c for c in comments) and rows[0].startswith("package,")
    kinds = {r.split(",")[0] for r in rows[1:]}
    assert {"member gains", "coalition", "us_only"} <= kinds
