"""Allies page in the browser: ally panels, a coalition run next to the US-only optimum, bad positions."""

import pytest

pytestmark = pytest.mark.browser


def test_allies_page_shows_panels_and_the_coalition_package(page, screenshot):
    page.goto("/allies")
    page.wait_for_selector("#ally-panels .card")
    assert page.locator("#ally-panels .card").count() == 3
    panels = page.locator("#ally-panels").inner_text()
    assert "Regimes:" in panels and "Japan" in panels and "SYNTHETIC" in panels

    page.click("#ally-run")
    page.wait_for_selector("#ally-coalition table")
    page.wait_for_selector("#ally-coalition .js-plotly-plot")
    text = page.locator("#ally-coalition").inner_text()
    assert "Coalition package" in text and "US-only package" in text and "share of its potential" in text
    # the two packages as their difference: items only in one, and a count of those in both
    summary = page.locator("#ally-diff-summary").inner_text()
    assert "only in the coalition package" in summary and "in both" in summary
    assert "Only in the US-only package" in text
    assert page.locator("#ally-coalition a.eccn-link").count() >= 1 or "None." in text
    screenshot(page, "allies", full_page=True)

    # a position on an item that does not exist: an inline message naming it, the run left alone
    page.fill("#ally-positions", "JPN 9Z999 oppose")
    page.locator("#ally-positions").blur()
    page.wait_for_selector("#ally-alert .alert-danger")
    assert "9Z999" in page.locator("#ally-alert").inner_text()
    assert "Coalition package" in page.locator("#ally-coalition").inner_text()
    page.wait_for_load_state("networkidle")


def test_positions_open_the_package_builder_with_the_oppositions(page):
    page.goto("/allies")
    page.wait_for_selector("#ally-panels .card")
    page.fill("#ally-positions", "JPN 3A991 oppose")
    page.locator("#ally-positions").blur()
    page.wait_for_selector("#ally-panels :text('1 opposed')")
    page.click("#ally-to-builder")
    page.wait_for_url("**/package*")
    page.wait_for_function("() => [...document.querySelectorAll('textarea, input')].some(e => e.value === '3A991')")
    page.wait_for_load_state("networkidle")
    # the navigation highlights the page shown, and the builder keeps the one FA threshold
    assert page.locator("nav a.nav-link.active").all_inner_texts() == ["Package builder"]
    assert page.locator("[role='slider']").first.get_attribute("aria-valuenow") == "0.5"
