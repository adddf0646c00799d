import pytest

pytestmark = pytest.mark.browser


def test_trade_page_loads_with_kpis_badges_and_figures(page, screenshot):
    page.goto("/")
    page.wait_for_selector("#trade-kpis .kpi-value")
    page.wait_for_selector("#trade-series .main-svg")
    page.wait_for_selector("#trade-controlled .main-svg")
    page.wait_for_timeout(500)
    assert page.locator("#trade-kpis .kpi-value").first.inner_text().startswith("$")
    assert page.locator("#trade-kpis .provenance-badge").first.get_attribute("title").startswith("Source: US Census")
    screenshot(page, "trade")
