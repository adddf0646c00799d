import pytest

pytestmark = pytest.mark.browser


def _run_and_save(page, target: str, name: str) -> None:
    page.goto("/package")
    page.fill("#pkg-target", target)
    page.click("#pkg-run")
    page.wait_for_selector("#pkg-table table", timeout=30_000)
    page.wait_for_selector("#pkg-frontier .scatterlayer .point", timeout=30_000)
    page.wait_for_selector("#pkg-cancel:disabled")  # the background phase is done
    page.click("a.nav-link[href='/scenarios']")  # in-app navigation keeps the last run
    page.wait_for_function("document.querySelector('#scn-current-note')?.innerText?.includes('Last run')")
    page.fill("#scn-name", name)
    page.click("#scn-save")
    page.wait_for_selector("#scn-feedback .alert-success")


def test_save_compare_open_and_a_stale_save_is_refused(page, screenshot, live_home):
    _run_and_save(page, "0.5", "China 0.5bn")
    _run_and_save(page, "0.6", "China 0.6bn")
    page.wait_for_function("document.querySelector('#cmp-list')?.innerText?.includes('China 0.6bn')")

    page.get_by_label("China 0.5bn", exact=True).check()
    page.get_by_label("China 0.6bn", exact=True).check()
    page.wait_for_selector("#cmp-diff .text-success")
    page.wait_for_selector("#cmp-frontier .scatterlayer .trace:nth-child(2)", timeout=30_000)
    assert "Package differences from 'China 0.5bn'" in page.locator("#cmp-diff").inner_text()
    screenshot(page, "scenarios")
    screenshot(page, "scenarios-full", full_page=True)

    # open the first one into the builder: the form takes its target
    page.wait_for_load_state("networkidle")  # leaving the page would cut off a comparison still being drawn
    page.select_option("#cmp-pick", "China 0.5bn")
    page.click("#scn-open")
    page.wait_for_url("**/package")
    page.wait_for_function("document.querySelector('#pkg-target')?.value === '0.5'")
    page.click("#pkg-run")
    page.wait_for_selector("#pkg-table table", timeout=30_000)
    page.wait_for_selector("#pkg-frontier .scatterlayer .point", timeout=30_000)
    page.wait_for_selector("#pkg-cancel:disabled")
    page.click("a.nav-link[href='/scenarios']")
    page.wait_for_function("document.querySelector('#scn-current-note')?.innerText?.includes(\"opened from 'China 0.5bn'\")")
    assert page.input_value("#scn-name") == "China 0.5bn"

    # meanwhile a colleague saves the same scenario: saving from the opened version is refused inline
    from optimizer.scenarios import ScenarioStore
    store = ScenarioStore(f"sqlite:///{live_home / 'scenarios.db'}")
    rec = store.get("China 0.5bn")
    store.save("China 0.5bn", rec.inputs, rec.results, author="kim", base_version=rec.version)
    store.dispose()
    page.click("#scn-save")
    page.wait_for_selector("#scn-feedback .alert-danger")
    assert "nothing was saved" in page.locator("#scn-feedback").inner_text()
    page.wait_for_load_state("networkidle")
