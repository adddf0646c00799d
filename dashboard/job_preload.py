"""Imported once by the job forkserver: loads the server's dataset there, so every background job
(forked from the forkserver) starts with it in memory instead of reading it again.

A job is a fresh process (`dashboard.jobs`); without this each one spends seconds reading the
parquet and CSV tables before it computes anything (3.6 s of a 4-5 s frontier job on shipped data,
idle 2-core machine). The forkserver reads `$DECONTROL_JOBS_PRELOAD_DATA` (set by
`ForkserverDiskcacheManager.warm` before it starts the forkserver: "" is the shipped data, else the
server's data directory). Nothing goes stale: the loader's cache is keyed on the files' sizes and
times, so a job whose data changed since (an analyst's tier override) loads it again.
"""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.jobs import PRELOAD_DATA_ENV as ENV


def preload() -> None:
    """Load the dataset the server named, if any; a failure only means jobs load it themselves."""
    if ENV not in os.environ:
        return
    from optimizer.data.load import load_dataset
    from optimizer.errors import DecontrolError

    value = os.environ[ENV]
    try:
        load_dataset(Path(value) if value else None)
    except (DecontrolError, OSError):  # the job will load it and report the problem where a user sees it
        return


preload()
