"""The analyst's ally-view preview: a banner, the allies' navigation, forms and filters."""

import pytest

pytestmark = pytest.mark.browser


def test_the_preview_shows_the_ally_view_with_a_banner_and_turns_off_again(page, screenshot):
    page.goto("/items")
    page.wait_for_selector("#items-grid .ag-row")
    assert page.locator("#nav-preview-banner").is_hidden()
    assert page.locator("#items-tiers input").count() > 0  # the analyst's tier filter
    page.locator("#nav-ally-preview").check()
    page.wait_for_selector("#nav-preview-banner", state="visible")
    assert "Ally view preview" in page.locator("#nav-preview-banner").inner_text()
    # the page is redrawn as an ally's: no tier filter, no override form, no tier column
    page.wait_for_function("document.querySelectorAll('#items-tiers input').length === 0")
    page.wait_for_selector("#items-grid .ag-row")
    assert page.locator("#items-override-save").count() == 0
    page.wait_for_function("!document.querySelector(\"#items-grid .ag-header-cell[col-id='tier']\")")
    # navigation: only the allies' pages
    assert page.locator("a.nav-link[href='/package']").is_hidden()
    assert page.locator("a.nav-link[href='/allies']").is_hidden()
    assert page.locator("a.nav-link[href='/scenarios']").is_visible()
    screenshot(page, "ally-preview")
    page.goto("/package")  # a page allies cannot open says so (the preview persists in the session)
    page.wait_for_selector("text=not in the ally view")
    page.locator("#nav-ally-preview").uncheck()
    page.wait_for_selector("#nav-preview-banner", state="hidden")
    page.wait_for_selector("#pkg-run")
    assert page.locator("a.nav-link[href='/package']").is_visible()
