"""Imported by the job forkserver in the cancel test only: the frontier phase then takes 10 minutes
(longer than any deadline of the test, so only the cancel can end it).

Jobs start from a fresh interpreter (never forked from the server), so a monkeypatch in the test
process would not reach them; the forkserver's preload list is the way in."""

import time

from dashboard.logic import package


def slow_extras(ds, result, progress=lambda *_: None, **_kw):
    progress(10, "Tracing the trade-off frontier (30 packages)…")
    time.sleep(600)
    raise AssertionError("a cancelled run must not finish")


package.run_extras = slow_extras
