"""Gives and gets page in the browser: the measures with status and exposure, the two-sided optimizer's
ledger and balance next to the reference exchanges, a bad input inline, saving, the slide download,
and the ally view (the shared exposure only)."""

import pytest

pytestmark = pytest.mark.browser


def test_gives_and_gets_page(page, screenshot):
    page.goto("/exchange")
    page.fill("#exg-date", "2026-12-01")
    page.press("#exg-date", "Enter")
    page.wait_for_selector("#exg-measures table")
    page.wait_for_function("() => document.querySelector('#exg-measures-banner').innerText.includes('2026-12-01')")
    banner = page.locator("#exg-measures-banner").inner_text()
    assert "SYNTHETIC" in banner and "proxy" in banner
    head = page.locator("#exg-measures thead").inner_text()
    assert "JPN imports from CHN" in head and "USA imports from CHN" in head
    page.wait_for_selector("#exg-exposure .barlayer .trace")

    page.fill("#exg-balance", "lots")
    page.click("#exg-run")
    page.wait_for_function("() => document.querySelector('#exg-status').innerText.includes('--balance')")
    page.fill("#exg-balance", "1")
    page.click("#exg-run")
    page.wait_for_function("() => document.querySelector('#exg-status').innerText.includes('Exchange optimal')")
    assert "5A003" in page.locator("#exg-gives").inner_text()
    assert "2023-23#ga5" in page.locator("#exg-gets").inner_text()
    assert "BALANCE" in page.locator("#exg-kpis").inner_text().upper()
    refs = page.locator("#exg-references").inner_text()
    assert "Busan" in refs and "not valued" in refs and "UNSOURCED" in refs
    page.wait_for_selector("#exg-balance-figure .barlayer .trace")
    page.wait_for_load_state("networkidle")
    screenshot(page, "exchange", full_page=True)

    page.fill("#exg-save-name", "CHN exchange (browser)")
    page.click("#exg-save")
    page.wait_for_function("() => document.querySelector('#exg-save-feedback').innerText.includes('Saved')")
    with page.expect_download() as dl:
        page.click("#exg-slide")
    assert dl.value.suggested_filename == "exchange-CHN-2026-12-01-synthetic.pptx"

    # the ally-view preview redraws the page as an ally's: the shared exposure, no optimizer, no gives
    page.click("#nav-ally-preview")
    page.wait_for_selector("#nav-preview-banner", state="visible")
    page.wait_for_function("() => !document.querySelector('#exg-run')")
    page.wait_for_selector("#exg-measures table")
    assert page.locator("#exg-gives").count() == 0
    assert "5A003" not in page.locator("#nav-page").inner_text()
    page.wait_for_load_state("networkidle")
