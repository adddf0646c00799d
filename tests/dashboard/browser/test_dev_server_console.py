"""No console errors on any page, with Dash's prop checks on (`decontrol serve --debug`).

Dash validates component props only in debug mode, so the production server the other browser tests
use cannot see an "Invalid prop" error; this runs each page (and the builder's Run, an item panel)
on the development server and fails on any console error, page error or error in Dash's debug menu.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard.pages import PAGES
from tests.dashboard.conftest import CHROMIUM, NO_CHROMIUM

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def debug_server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(NO_CHROMIUM, pytrace=False)
    home = tmp_path_factory.mktemp("decontrol-debug-home")
    port = _free_port()
    env = dict(os.environ, DECONTROL_HOME=str(home), PYTHONUNBUFFERED="1")
    env.pop("DECONTROL_DB", None)
    log = open(home / "server.log", "w")  # noqa: SIM115 - the server writes to it until the fixture ends
    # its own process group: the development server's reloader forks a child that must go with it
    proc = subprocess.Popen(
        [sys.executable, "-c", "from dashboard.cli import main; main()", "serve", "--debug", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the development server did not start: " + (home / "server.log").read_text()[-2000:]
                    ) from None
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.mark.parametrize("path", [p.path for p in PAGES])
def test_no_console_error_on_any_page_with_prop_checks_on(browser, debug_server, path):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=debug_server)
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    try:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        if path == "/package":
            page.click("#pkg-run")
            page.wait_for_selector("#pkg-table table")
        if path == "/items":
            page.locator("#items-grid .ag-center-cols-container .ag-row .ag-cell[col-id='heading']").first.click()
            page.wait_for_selector("#items-panel-body .panel-section")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        menu = page.evaluate(
            "[...document.querySelectorAll('.dash-debug-menu__error-count, .dash-fe-error__title,"
            " .dash-error-card__message')].map(e => e.innerText)"
        )
    finally:
        context.close()
    assert errors == [] and menu == [], "\n".join(errors + menu)
