import pytest

pytestmark = pytest.mark.browser


def test_control_list_grid_search_panel_and_override(page, screenshot):
    page.goto("/items")
    page.wait_for_selector("#items-grid .ag-row")
    assert page.locator("#items-grid .ag-pinned-left-cols-container .ag-row").count() > 0  # ECCN pinned
    assert page.locator("#items-grid .tier-chip").count() > 0 and page.locator("#items-grid .bar-cell").count() > 0
    screenshot(page, "items")

    page.fill("#items-search", "2B991")
    page.wait_for_function("document.querySelectorAll('#items-grid .ag-center-cols-container .ag-row').length < 20")
    assert page.locator("#items-grid .ag-row[row-id='2B991']").count() > 0
    page.locator("#items-grid .ag-center-cols-container .ag-row[row-id='2B991'] .ag-cell[col-id='heading']").click()
    page.wait_for_selector("#items-panel-body .panel-section")
    assert page.locator("#items-panel .offcanvas-title").inner_text().startswith("2B991")
    panel = page.locator("#items-panel-body").inner_text()
    assert "Reasons for control, by paragraph" in panel and "Foreign availability" in panel
    screenshot(page, "items-panel")

    page.click("#items-override-save")  # no reason, no author: inline messages, nothing recorded
    page.wait_for_selector("#items-override-reason.is-invalid")
    page.select_option("#items-override-tier", "transactional")
    page.fill("#items-override-reason", "kept as leverage for the next round of talks")
    page.fill("#items-override-author", "test analyst")
    page.click("#items-override-save")
    page.wait_for_selector("#items-override-feedback .alert-success")
    assert "2B991 is transactional" in page.locator("#items-override-feedback").inner_text()
    page.wait_for_function(
        "[...document.querySelectorAll('#items-grid .tier-chip')].some(e => e.textContent.startsWith('transactional'))"
    )


def test_a_closed_item_panel_reopens_on_a_second_click_of_the_same_row(page):
    """The row stayed selected after the panel was closed, so clicking it again changed nothing."""
    page.goto("/items")
    page.wait_for_selector("#items-grid .ag-row")
    page.fill("#items-search", "5A003")
    page.wait_for_function("document.querySelectorAll('#items-grid .ag-center-cols-container .ag-row').length < 20")
    cell = page.locator("#items-grid .ag-center-cols-container .ag-row[row-id='5A003'] .ag-cell[col-id='heading']")
    cell.click()
    page.wait_for_selector("#items-panel.show")
    page.wait_for_function("document.querySelector('#items-panel .offcanvas-title').innerText.startsWith('5A003')")
    page.locator("#items-panel .btn-close").click()
    page.wait_for_selector("#items-panel", state="hidden")
    cell.click()
    page.wait_for_selector("#items-panel.show")
    page.wait_for_function("document.querySelector('#items-panel .offcanvas-title').innerText.startsWith('5A003')")


def test_the_summary_counts_what_the_search_shows(page):
    """'647 of 647 items shown' stayed above a grid the search had cut to one row."""
    page.goto("/items")
    page.wait_for_selector("#items-grid .ag-row")
    assert page.locator("#items-search-count").inner_text() == ""
    page.fill("#items-search", "5A003")
    page.wait_for_function("document.querySelector('#items-search-count').innerText.includes('items match')")
    shown = page.locator("#items-grid .ag-center-cols-container .ag-row").count()
    text = page.locator("#items-search-count").inner_text()
    assert text.startswith(f"{shown} of ") and text.endswith("items match \u201c5A003\u201d")
    assert "items shown" not in page.locator("#items-summary").inner_text()
