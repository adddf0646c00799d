"""Diversion page in the browser: ranking with its provenance, pair chart, tier filter, ally view, download."""

import pytest

pytestmark = pytest.mark.browser


def test_diversion_page_ranks_pairs_and_hides_the_mapping_from_allies(page, screenshot):
    page.goto("/diversion")
    page.select_option("#div-target", "RUS")
    page.wait_for_selector("#div-table table")
    page.wait_for_function("() => document.querySelector('#div-banner').innerText.includes('2022-02-24')")
    banner = page.locator("#div-banner").inner_text()
    assert "SYNTHETIC" in banner and "no row is evidence" in banner and "Weights" in banner
    assert "ECCNs (mapped)" in page.locator("#div-table thead").inner_text()
    page.wait_for_selector("#div-pair-figure .scatterlayer .trace")
    page.wait_for_function("() => document.querySelector('#div-pair-figure').innerText.includes('KGZ 854231')")
    page.wait_for_selector("#div-matrix .js-plotly-plot")
    screenshot(page, "diversion", full_page=True)

    page.locator("#div-tiers label", has_text="Tier 1").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#div-table tbody tr td:nth-child(4)')].every(td => td.innerText === '1')"
    )
    tiers = page.locator("#div-table tbody tr td:nth-child(4)").all_inner_texts()
    assert tiers and set(tiers) == {"1"}

    with page.expect_download() as dl:
        page.click("#div-csv")
    assert dl.value.suggested_filename == "diversion_RUS_synthetic.csv"

    page.click("#nav-ally-preview")
    # the ally's table replaces the analyst's: wait for its header, not only for the old one to go
    # (between the two the table is briefly empty)
    page.wait_for_function(
        "(() => { const t = document.querySelector('#div-table thead')?.innerText || '';"
        " return t.includes('Re-export') && !t.includes('ECCNs'); })()"
    )
    page.wait_for_load_state("networkidle")
