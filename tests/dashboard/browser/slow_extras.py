"""Imported by the job forkserver in the cancel test only: the frontier phase then takes 10 minutes
(longer than any deadline of the test, so only the cancel can end it).

Jobs start from a fresh interpreter (never forked from the server), so a monkeypatch in the test
process would not reach them; the forkserver's preload list is the way in."""

import time

#: What the job shows while it runs this frontier (the real one never says it): the test waits for it.
SLOW_PROGRESS_TEXT = "Tracing the slow test frontier (only Cancel ends it)"


def slow_extras(ds, result, progress=lambda *_: None, **_kw):
    progress(10, SLOW_PROGRESS_TEXT + "…")
    time.sleep(600)
    raise AssertionError("a cancelled run must not finish")


if __name__ == "slow_extras":  # the forkserver's preload; the test imports it only for the text
    from dashboard.logic import package

    package.run_extras = slow_extras
