"""The inputs of the Package builder and the Allies page in the address: a copied link reopens them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.dashboard.conftest import WAIT_MS, _wait_for_function

pytestmark = pytest.mark.browser


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_the_builder_address_fills_the_form_without_running_and_follows_it(page, browser, live_server):
    page.goto("/package?partner=CHN&target=5m&fa=0.3&objective=max-value&risk=2&lock=4a994")
    page.wait_for_function("document.querySelector('#pkg-target').value === '0.005'")
    page.wait_for_function("document.querySelector('#pkg-risk-budget').value === '2'")
    assert page.locator("#pkg-locks").input_value() == "4A994"
    assert page.locator("#pkg-objective input[value='max-value']").is_checked()
    assert page.locator("#pkg-fa-threshold [role='slider']").first.get_attribute("aria-valuenow") == "0.3"
    page.wait_for_load_state("networkidle")
    assert page.locator("#pkg-kpis").inner_text().strip() == ""  # filled, not run: the run waits for Run
    assert page.locator("#pkg-url-alert").inner_text() == ""

    # the form writes the address: a changed target is in it, and a new browser reopens the same inputs
    page.fill("#pkg-target", "0.25")
    page.wait_for_function("new URLSearchParams(location.search).get('target') === '250m'")
    q = _query(page)
    assert q["fa"] == ["0.3"] and q["objective"] == ["max-value"] and q["risk"] == ["2"] and q["lock"] == ["4A994"]
    context = browser.new_context(base_url=live_server)
    try:
        other = context.new_page()
        other.set_default_timeout(WAIT_MS)
        other.goto(page.url)
        other.wait_for_selector("#pkg-target")
        _wait_for_function(other, "document.querySelector('#pkg-target').value === '0.25'")
        assert other.locator("#pkg-objective input[value='max-value']").is_checked()
        assert other.locator("#pkg-locks").input_value() == "4A994"
    finally:
        context.close()


def test_an_unreadable_builder_address_says_so_and_keeps_the_default(page):
    page.goto("/package?partner=CHN&target=2&objective=cheap")
    page.wait_for_selector("#pkg-url-alert .alert")
    text = page.locator("#pkg-url-alert").inner_text()
    assert "Target '2'" in text and "cheap" in text
    assert page.locator("#pkg-objective input[value='min-risk']").is_checked()
    assert float(page.locator("#pkg-target").input_value()) > 0  # the suggested target, not two dollars


def test_the_allies_address_reopens_partner_coalition_budget_and_positions(page):
    page.goto("/allies?partner=CHN&members=JPN,KOR&budget=1.5&positions=JPN+3A991+oppose")
    page.wait_for_function("document.querySelector('#ally-positions').value === 'JPN 3A991 oppose'")
    page.wait_for_selector("#ally-panels :text('1 opposed')")
    assert page.locator("#ally-risk-budget").input_value() == "1.5"
    checked = page.locator("#ally-members input:checked")
    assert sorted(checked.evaluate_all("els => els.map(e => e.value)")) == ["JPN", "KOR"]
    page.locator("#ally-members input[value='NLD']").check()
    page.wait_for_function("new URLSearchParams(location.search).get('members') === 'JPN,NLD,KOR'")
    assert _query(page)["positions"] == ["JPN 3A991 oppose"]

    page.goto("/allies?members=JPN,FRA")
    page.wait_for_selector("#ally-url-alert .alert")
    assert "FRA" in page.locator("#ally-url-alert").inner_text()
    page.wait_for_load_state("networkidle")


def test_the_grid_eccn_links_to_ecfr_and_an_item_from_the_address_is_the_highlighted_row(page):
    # an item far down the value order: the grid must scroll to it
    page.goto("/items?partner=CHN&item=0A998")
    page.wait_for_selector("#items-panel.show")
    row = "#items-grid .ag-pinned-left-cols-container .ag-row[row-id='0A998']"
    page.wait_for_selector(f"{row}.ag-row-selected")
    in_view = (
        "(() => { const r = document.querySelector('#items-grid .ag-center-cols-container .ag-row[row-id=\"0A998\"]');"
        " const v = document.querySelector('#items-grid .ag-body-viewport');"
        " if (!r || !v) return false; const a = r.getBoundingClientRect(), b = v.getBoundingClientRect();"
        " return a.top >= b.top && a.bottom <= b.bottom; })()"
    )
    page.wait_for_function(in_view)
    link = page.locator(f"{row} a.eccn-link")
    assert link.inner_text() == "0A998"
    assert link.get_attribute("href").endswith("part-774/appendix-Supplement%20No.%201%20to%20Part%20774#:~:text=0A998")
    assert link.get_attribute("target") == "_blank"

    # the link does not break row click -> panel: the next row's heading cell opens that item
    page.locator("#items-panel .btn-close").click()
    page.wait_for_selector("#items-panel", state="hidden")
    page.wait_for_function("!new URLSearchParams(location.search).has('item')")
    index = int(page.locator(f"{row}").get_attribute("row-index"))
    nxt = page.locator(f"#items-grid .ag-center-cols-container .ag-row[row-index='{index + 1}']")
    other = nxt.get_attribute("row-id")
    assert other and other != "0A998"
    nxt.locator("[col-id='heading']").click()
    page.wait_for_function(f"new URLSearchParams(location.search).get('item') === '{other}'")
    page.wait_for_selector(f"#items-grid .ag-row[row-id='{other}'].ag-row-selected")
    page.wait_for_function(f"document.querySelector('#items-panel .offcanvas-title').innerText.startsWith('{other}')")


def test_the_policy_events_list_links_an_eccn_to_its_item_whose_series_marks_the_event(page):
    page.goto("/?partner=CHN")
    table = "#trade-events .events-table"
    page.wait_for_selector(f"{table} tbody tr")
    # the latest ten of the range are listed; the 2020 rule is further back, behind "Show all"
    page.click("#trade-events-all:text-matches('^Show all [0-9]+ events$')")
    page.wait_for_selector(f"{table} tbody tr:has-text('Military end-use rule expanded')")
    row = page.locator(f"{table} tbody tr", has_text="Military end-use rule expanded")
    assert row.count() == 1 and "2020-06-29" in row.inner_text()
    assert row.locator("a[href^='https://www.federalregister.gov/citation/85-FR-23459']").count() == 1
    row.locator("a.event-eccn", has_text="3A991").click()
    page.wait_for_url("**/items?partner=CHN&item=3A991")
    page.wait_for_selector("#items-panel.show")
    page.wait_for_function("document.querySelector('#items-panel .offcanvas-title').innerText.startsWith('3A991')")
    # the item's time series marks the events that name 3A991 apart from the others
    page.wait_for_selector("#items-panel .legendtext:text('Events naming 3A991')")
    assert page.locator("#items-panel .legendtext:text('Policy events')").count() == 1
    page.wait_for_load_state("networkidle")
