"""The cancel button of the builder's background phase, on a server whose frontier never ends.

The job forkserver is one per process and its preload decides whether the frontier is the slow one
(`slow_extras`). The forkserver is a fresh interpreter: it imports its preload list on the path of
its environment, not on this process's `sys.path` (multiprocess's `forkserver.main` is handed
`sys_path` and does not apply it), and it skips a module it cannot import without a word. So the
test directory goes on `PYTHONPATH`, and the test waits for the slow frontier's own progress text:
a job that runs the real frontier fails the test instead of racing the cancel. This test must
still fail on a cancel that does not stop the job or loses the package.
"""

import contextlib

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture()
def slow_run_server(tmp_path, monkeypatch):
    """The dashboard in a thread of this process, with a frontier phase that never ends by itself (so it can be
    cancelled): the job forkserver preloads `slow_extras`, which patches the frontier phase."""
    import os
    import threading
    from pathlib import Path

    from werkzeug.serving import make_server

    from dashboard import jobs
    from dashboard.app import create_app

    monkeypatch.setenv("DECONTROL_HOME", str(tmp_path))
    # the forkserver finds `slow_extras` on the path of its environment only (see the module note)
    here = str(Path(__file__).resolve().parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p))
    monkeypatch.setattr(jobs, "FORKSERVER_PRELOAD", [*jobs.FORKSERVER_PRELOAD, "slow_extras"])
    # The forkserver is one per process and keeps the preload list it started with: one started
    # earlier in this process would run the real (fast) frontier and the test would race it.
    # Stop it now so the job's forkserver is started with `slow_extras`, and again afterwards so
    # no later job in this process inherits the slow frontier.
    _stop_forkserver()
    app = create_app(cache_dir=tmp_path / "jobs")
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    _stop_forkserver()


def _stop_forkserver() -> None:
    """Stop this process's job forkserver; first end any job still running (only a failed run leaves
    one), since the forkserver outlives its jobs and `_stop` waits for it (the slow one: 10 minutes)."""
    import psutil
    from multiprocess import forkserver

    pid = forkserver._forkserver._forkserver_pid
    if pid is not None:
        with contextlib.suppress(psutil.Error):
            jobs = psutil.Process(pid).children()
            for job in jobs:
                job.kill()
            psutil.wait_procs(jobs, timeout=10)
    forkserver._forkserver._stop()


def test_cancel_stops_a_slow_frontier_and_keeps_the_package(browser, slow_run_server):
    from tests.dashboard.browser.slow_extras import SLOW_PROGRESS_TEXT
    from tests.dashboard.conftest import WAIT_MS, _wait_for_function

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.wait_for_function = lambda expression, timeout=None, **kw: _wait_for_function(page, expression, timeout)
    page.goto(slow_run_server + "/package")
    page.wait_for_selector("#pkg-side-trade .h6")
    page.click("#pkg-run")
    page.wait_for_selector("#pkg-table table")  # the package is shown at once
    page.wait_for_selector("#pkg-cancel:not([disabled])")
    assert page.locator("#pkg-run").is_disabled()
    # a cold job start: a fresh forkserver importing the app, then the job loading the data (WAIT_MS);
    # the slow frontier's own text, so a job that runs the real frontier cannot pass
    page.wait_for_function(f"document.querySelector('#pkg-progress-text').innerText.includes({SLOW_PROGRESS_TEXT!r})")
    page.click("#pkg-cancel")
    page.wait_for_selector("#pkg-run:not([disabled])")
    page.wait_for_selector("#pkg-cancel[disabled]")
    assert page.locator("#pkg-table table").count() == 1
    assert "traced after the package" in page.locator("#pkg-frontier").inner_text()
    context.close()
