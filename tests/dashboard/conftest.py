"""Fixtures of the dashboard tests: a tiny typed dataset for logic tests, a live server for browser tests."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.data.coerce import empty_frame
from optimizer.data.load import Dataset, FileInfo
from optimizer.data.schema import TABLES

_SRC = "US Census Bureau, test fixture"


def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """A frame with the schema's columns (missing ones empty), typed like the loader's output."""
    base = empty_frame(TABLES[name])
    if not rows:
        return base
    df = pd.DataFrame(rows)
    for col in base.columns:
        if col not in df:
            kind = base[col].dtype.kind
            df[col] = {"i": 0, "b": False, "f": float("nan")}.get(kind, "")
    return df[list(base.columns) + [c for c in df.columns if c not in base.columns]]


def make_dataset(**tables: pd.DataFrame | list[dict]) -> Dataset:
    """A `Dataset` from a few hand-written tables; all others empty. Trade marked synthetic."""
    frames = {}
    for name in TABLES:
        value = tables.get(name, [])
        frames[name] = value if isinstance(value, pd.DataFrame) else _frame(name, value)
    prov = {
        n: FileInfo(n, None, "", len(f), _SRC if n != "trade" else "SYNTHETIC test layer", n == "trade")
        for n, f in frames.items()
    }
    return Dataset(
        **frames,
        provenance=prov,
        trade_synthetic=True,
        trade_source="SYNTHETIC test layer",
        dataset_id=f"tiny{id(frames)}",
    )


@pytest.fixture()
def tiny_ds() -> Dataset:
    """China and Japan totals 2018-2020, Chinese chapters for 2018 (real), an HS6 layer for 2020."""
    totals = []
    for year, ex, im in ((2018, 120e9, 540e9), (2019, 106e9, 452e9), (2020, 124e9, 435e9)):
        totals.append(
            dict(
                year=year,
                partner="CHN",
                partner_name="China",
                exports_usd=ex,
                imports_usd=im,
                balance_usd=ex - im,
                source=_SRC,
            )
        )
        totals.append(
            dict(
                year=year,
                partner="JPN",
                partner_name="Japan",
                exports_usd=ex / 2,
                imports_usd=im / 4,
                balance_usd=ex / 2 - im / 4,
                source=_SRC,
            )
        )
    hs2_china = [
        dict(year=2018, flow="export", partner="CHN", hs2="84", value_usd=10e9),
        dict(year=2018, flow="export", partner="CHN", hs2="12", value_usd=3e9),
        dict(year=2018, flow="import", partner="CHN", hs2="85", value_usd=150e9),
    ]
    hs2 = [
        dict(hs2="12", name="Oil seeds", section="Agriculture"),
        dict(hs2="84", name="Machinery", section="Machinery"),
        dict(hs2="85", name="Electrical machinery", section="Electronics"),
    ]
    trade = pd.DataFrame(
        [
            dict(year=2020, exporter="USA", importer="CHN", hs6="848620", value_usd=2e9),
            dict(year=2020, exporter="USA", importer="CHN", hs6="847130", value_usd=1e9),
            dict(year=2020, exporter="USA", importer="CHN", hs6="120190", value_usd=5e9),
            dict(year=2020, exporter="USA", importer="WLD", hs6="848620", value_usd=9e9),
            dict(year=2020, exporter="CHN", importer="USA", hs6="851762", value_usd=40e9),
            dict(year=2020, exporter="USA", importer="JPN", hs6="848620", value_usd=1.5e9),
        ]
    )
    events = [
        dict(date="2018-07-06", title="Section 301 tariffs", summary="List 1 in force", kind="tariff"),
        dict(date="2020-01-15", title="Phase One deal", summary="signed", kind="talks"),
        dict(date="2012-01-01", title="Out of range", summary="", kind="talks"),
    ]
    countries = [dict(iso3="CHN", name="China"), dict(iso3="JPN", name="Japan"), dict(iso3="USA", name="United States")]
    return make_dataset(
        partner_totals=totals, hs2_china=hs2_china, hs2=hs2, trade=trade, events=events, countries=countries
    )


# ---------------------------------------------------------------------------------------------------
# Browser tests: one live server (a `decontrol serve` subprocess) and one headless Chromium per session.
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
NO_CHROMIUM = (
    "Debian chromium is not installed: run the README's test command (bash scripts/test.sh installs it), "
    "or deselect the browser tests with -m 'not browser'"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The deadline of every browser wait (ms). Generous on purpose: what a test waits for is computed by
#: the server (an item-table rebuild after an override, a diversion ranking, a background job that
#: starts a fresh interpreter and loads the data), which takes 2-8 s on an idle 2-core machine and
#: 20-40 s with both cores busy. A deadline, not a retry: an element that never appears still fails.
#: The server's own start (data load, first caches) gets twice that.
WAIT_MS = 90_000


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 2 * WAIT_MS / 1000) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the dashboard exited with code {proc.returncode}: {getattr(proc, 'log_text', lambda: '')()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the dashboard did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="session")
def live_home(tmp_path_factory) -> Path:
    """The live server's user home (its scenario database lives there)."""
    return tmp_path_factory.mktemp("decontrol-home")


@pytest.fixture(scope="session")
def live_server(live_home):
    """Base URL of `decontrol serve` on a free loopback port, with a throwaway user home."""
    if not Path(CHROMIUM).exists():
        # a failure, not a skip: a browser suite that silently skips passes on a machine that tests nothing
        pytest.fail(NO_CHROMIUM, pytrace=False)
    home = live_home
    port = _free_port()
    env = dict(os.environ, DECONTROL_HOME=str(home), PYTHONUNBUFFERED="1")
    env.pop("DECONTROL_DB", None)  # the scenario database under the throwaway home
    cmd = [sys.executable, "-c", "from dashboard.cli import main; main()", "serve", "--port", str(port)]
    # the server's log goes to a file: a pipe nobody reads fills up after a few hundred requests and
    # then blocks the server on its next log line
    log_path = home / "server.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - the server writes to it
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log_file, text=True)
    proc.log_text = lambda: log_path.read_text()[-4000:]  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/", proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log_file.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        # a failure, not a skip: a browser suite that silently skips passes on a machine that tests nothing
        pytest.fail(NO_CHROMIUM, pytrace=False)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _callback_output(post_data: str | None) -> str:
    """Which callback a failed Dash request was for (its output ids), to say what was cut off."""
    import json

    try:
        return str(json.loads(post_data or "{}").get("output", ""))[:200]
    except ValueError:
        return ""


class ConsoleLog:
    """Console errors and uncaught page errors seen by one browser page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        # net::ERR_ABORTED is the browser cancelling a request because the page navigated away (a
        # test clicking a link while a view still updates): not a fault of the app. Any other
        # failure (refused, reset, timed out) is.
        if "ERR_ABORTED" in str(request.failure):
            return
        self.errors.append(f"request failed: {request.url} {request.failure} {_callback_output(request.post_data)}")


def _wait_for_function(pg, expression: str, timeout: float | None = None, **_: object):
    """`page.wait_for_function` without eval in the page: the app's Content-Security-Policy forbids
    eval (as it should), and Playwright's own polling evals its predicate there. This polls the
    expression through `page.evaluate` (DevTools, outside the page's CSP) until it is truthy."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + (timeout if timeout is not None else WAIT_MS) / 1000
    while True:
        try:
            value = pg.evaluate(expression)
        except Error as exc:
            if "Content Security Policy" in str(exc):
                raise
            value = None  # e.g. the element is not there yet
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for: {expression}")
        time.sleep(0.1)


@pytest.fixture()
def page(browser, live_server):
    """A fresh 1366×768 page under the app's real CSP; the test fails if the browser logged any
    console error (a CSP violation by the app is one)."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server)
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    pg.wait_for_function = lambda expression, timeout=None, **kw: _wait_for_function(pg, expression, timeout)
    log = ConsoleLog(pg)
    pg.console_log = log  # type: ignore[attr-defined]
    yield pg
    errors = list(log.errors)  # before closing: closing aborts requests still in flight, by design
    context.close()
    assert errors == [], "browser console errors:\n" + "\n".join(errors)


@pytest.fixture()
def screenshot():
    """`screenshot(page, name)`: save the 1366×768 viewport to tests/screenshots/<name>.png (git-ignored)."""

    def _shot(pg, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot


@pytest.fixture(scope="session")
def shipped_ds():
    """The shipped default dataset (loaded once per session; treat as read-only)."""
    from optimizer.data.load import load_dataset

    return load_dataset()
