import pytest

from dashboard.pages import PAGES

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


def test_navigation_bar_links_switch_pages_and_keep_the_partner(page):
    page.goto("/")
    page.wait_for_selector("#trade-kpis .kpi-value")
    page.select_option("#trade-partner", "JPN")
    page.wait_for_function("document.querySelector('#trade-series .gtitle').textContent.includes('Japan')")
    page.click("nav a.nav-link:has-text('Control list')")
    page.wait_for_selector("#items-grid .ag-row")
    assert page.url.split("?")[0].endswith("/items")  # the query says the view (partner, year)
    assert page.input_value("#items-partner") == "JPN"
    assert page.locator("nav a.nav-link.active").inner_text() == "Control list"
    page.click("nav a.nav-link:has-text('Package builder')")
    page.wait_for_selector("#pkg-side-trade .h6")
    assert "Japan" in page.locator("#pkg-side-trade").inner_text()
    assert page.title() == "Package builder · decontrol"


def test_keyboard_focus_is_visible(page):
    page.goto("/")
    page.wait_for_selector("#trade-kpis .kpi-value")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "focused elements must show an outline"


def test_unknown_path_says_so_with_links(page):
    page.goto("/nowhere")
    page.wait_for_selector("text=Page not found")
    assert page.locator("#nav-page a").count() == len(PAGES)
