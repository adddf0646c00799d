import pytest

pytestmark = pytest.mark.browser


def _run_and_save(page, target: str, name: str) -> None:
    page.goto("/package")
    page.fill("#pkg-target", target)
    page.click("#pkg-run")
    page.wait_for_selector("#pkg-table table")
    page.wait_for_selector("#pkg-frontier .scatterlayer .point")
    page.wait_for_selector("#pkg-cancel:disabled")  # the background phase is done
    page.click("a.nav-link[href='/scenarios']")  # in-app navigation keeps the last run
    page.wait_for_function("document.querySelector('#scn-current-note')?.innerText?.includes('Last run')")
    page.fill("#scn-name", name)
    page.click("#scn-save")
    page.wait_for_selector("#scn-feedback .alert-success")


def test_save_compare_open_and_a_stale_save_is_refused(page, screenshot, live_home):
    _run_and_save(page, "0.002", "China 2m")
    _run_and_save(page, "0.005", "China 5m")
    page.wait_for_function("document.querySelector('#cmp-list')?.innerText?.includes('China 5m')")

    page.get_by_label("China 2m", exact=True).check()
    page.get_by_label("China 5m", exact=True).check()
    page.wait_for_selector("#cmp-diff .text-success")
    page.wait_for_selector("#cmp-frontier .scatterlayer .trace:nth-child(2)")
    assert "Package differences from 'China 2m'" in page.locator("#cmp-diff").inner_text()
    inputs = page.locator("#cmp-inputs")
    assert "Inputs that differ" in inputs.inner_text() and "Target" in inputs.inner_text()
    assert "Trade year" not in inputs.inner_text()  # the same in both scenarios
    assert inputs.locator("td.input-differs").count() >= 1
    page.wait_for_function(
        "document.querySelector('#cmp-frontier .js-plotly-plot').data.filter(t => t.marker && t.marker.symbol === 'star')"
        ".length === 2"
    )
    screenshot(page, "scenarios")
    screenshot(page, "scenarios-full", full_page=True)

    # open the first one into the builder: the form takes its target
    page.wait_for_load_state("networkidle")  # leaving the page would cut off a comparison still being drawn
    page.select_option("#cmp-pick", "China 2m")
    page.click("#scn-open")
    page.wait_for_url("**/package*")
    page.wait_for_function("document.querySelector('#pkg-target')?.value === '0.002'")
    # the scenario's package is there without a click on Run, and the builder says which scenario is open
    page.wait_for_function(
        "document.querySelector('#pkg-opened-note')?.innerText?.includes(\"Scenario 'China 2m' (version 1) is open\")"
    )
    page.wait_for_selector("#pkg-table table")
    page.wait_for_selector("#pkg-frontier .scatterlayer .point")
    page.wait_for_selector("#pkg-cancel:disabled")
    page.click("#pkg-run")
    page.wait_for_selector("#pkg-table table")
    page.wait_for_selector("#pkg-frontier .scatterlayer .point")
    page.wait_for_selector("#pkg-cancel:disabled")
    page.click("a.nav-link[href='/scenarios']")
    page.wait_for_function(
        "document.querySelector('#scn-current-note')?.innerText?.includes(\"opened from 'China 2m'\")"
    )
    assert page.input_value("#scn-name") == "China 2m"

    # meanwhile a colleague saves the same scenario: saving from the opened version is refused inline
    from optimizer.scenarios import ScenarioStore

    store = ScenarioStore(f"sqlite:///{live_home / 'scenarios.db'}")
    rec = store.get("China 2m")
    store.save("China 2m", rec.inputs, rec.results, author="kim", base_version=rec.version)
    store.dispose()
    page.click("#scn-save")
    page.wait_for_selector("#scn-feedback .alert-danger")
    assert "nothing was saved" in page.locator("#scn-feedback").inner_text()
    page.wait_for_load_state("networkidle")
