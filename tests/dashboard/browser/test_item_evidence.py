"""The item panel's trade evidence (series with events, potential per code, supplier ranking), the
Control list's potential-vs-actual chart, and the eCFR links."""

import pytest

pytestmark = pytest.mark.browser


def _open_item(page, eccn: str) -> None:
    page.goto("/items")
    page.wait_for_selector("#items-grid .ag-row")
    page.fill("#items-search", eccn)
    page.wait_for_function("document.querySelectorAll('#items-grid .ag-center-cols-container .ag-row').length < 20")
    page.locator(f"#items-grid .ag-center-cols-container .ag-row[row-id='{eccn}'] .ag-cell[col-id='heading']").click()
    page.wait_for_selector("#items-evidence .js-plotly-plot")


def test_the_panel_shows_the_items_trade_over_time_its_suppliers_and_links(page, screenshot):
    _open_item(page, "5A003")
    evidence = page.locator("#items-evidence")
    assert "Trade evidence: China" in evidence.inner_text()
    page.wait_for_function(
        "[...document.querySelectorAll('#items-evidence .js-plotly-plot')].some(g => g.data && "
        "g.data.some(t => t.name === 'Policy events') && g.data.some(t => t.name === \"US share of China's imports\"))"
    )
    ranking = page.locator("#items-supplier-ranking")
    assert "Share of China's imports" in ranking.inner_text()
    assert ranking.locator("tbody tr").count() >= 3
    link = page.locator("#items-panel-body a.eccn-link").first
    assert link.inner_text() == "5A003"
    assert link.get_attribute("href").startswith(
        "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-774/"
    )
    assert link.get_attribute("target") == "_blank"
    real = page.locator("#items-panel-body a.provenance-badge").first  # a REAL badge with a known source
    assert real.inner_text() == "REAL DATA" and real.get_attribute("href").startswith("https://www.ecfr.gov/")
    screenshot(page, "items-panel-evidence")


def test_the_control_list_sets_potential_against_actual_exports(page):
    page.goto("/items")
    page.wait_for_selector("#items-grid .ag-row")
    page.locator("summary", has_text="Potential vs actual US exports").click()
    page.wait_for_function(
        "(() => { const g = document.querySelector('#items-potential .js-plotly-plot');"
        " return g && g.data && g.data.length === 3 && g.data[0].y.length === 15; })()"
    )
    assert "goods items with mapped HS codes" in page.locator("#items-potential-note").inner_text()
