"""The server-side state of one dashboard: which data it shows, and caches of derived frames.

The dataset loader and the item-table builder already cache their own work; this module adds the
dashboard's view aggregates (e.g. US trade by chapter) keyed on the dataset identity, so a view
callback never rescans the 1.8M-row trade table. Nothing here is per browser session: every user of
one server sees the same data, and per-user choices live in the browser (dcc.Store, URL).

Analyst tier overrides made in the dashboard go to a *workspace* directory laid over the shipped
data: the `--data DIR` the server was started with, else `user_home()/data`. The shipped
`datasets/` are never written.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optimizer.data.load import Dataset, load_dataset
from optimizer.data.schema import TIER_OVERRIDES
from optimizer.forksafe import ForkSafeLock
from optimizer.paths import user_home

_CACHE_SIZE = 64
_cache: OrderedDict[tuple, tuple[Any, Any]] = OrderedDict()
_lock = ForkSafeLock()
_pending: dict[tuple, threading.Event] = {}
_stores: dict[tuple, Any] = {}
_store_lock = ForkSafeLock()
_load_lock = ForkSafeLock()  # one dataset load at a time: concurrent callbacks wait for it, not redo it


def memo(ds: Any, key: tuple, fn: Callable[[], Any]) -> Any:
    """`fn()` cached per (dataset object, key); an entry keeps its dataset, so `id(ds)` stays unique.

    Single flight: while one thread computes a key, others asking for it wait for that result
    instead of computing it again (callbacks of one page often need the same frame at once).
    """
    full = (getattr(ds, "dataset_id", ""), id(ds)) + key
    while True:
        with _lock:
            hit = _cache.get(full)
            if hit is not None and hit[0] is ds:
                _cache.move_to_end(full)
                return hit[1]
            pending = _pending.get(full)
            if pending is None:
                pending = _pending[full] = threading.Event()
                break
        pending.wait()  # another thread is computing it; then look again
    try:
        value = fn()
        with _lock:
            _cache[full] = (ds, value)
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        return value
    finally:
        with _lock:
            _pending.pop(full, None)
        pending.set()


def _reset_after_fork() -> None:
    """In a forked background job only the forking thread survives: a lock another thread held at
    the fork would stay locked for ever, and a computation it had under way would never finish.
    The locks are `ForkSafeLock`s (fresh in the child); here the child forgets other threads'
    pending work (it redoes it).
    """
    _pending.clear()


os.register_at_fork(after_in_child=_reset_after_fork)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


@dataclass(frozen=True)
class AppState:
    """What one running dashboard serves: the user's data directory (None: shipped data only)."""

    data_dir: Path | None = None
    home: Path | None = None  # None: optimizer.paths.user_home() at call time
    db_url: str | None = None  # scenario database URL; None: ScenarioStore's default (DECONTROL_DB or SQLite)

    def scenario_db_url(self) -> str:
        """The scenario database: `db_url`, else SQLite under `home`, else the store's default."""
        from optimizer.scenarios.store import default_db_url

        if self.db_url:
            return self.db_url
        return f"sqlite:///{self.home / 'scenarios.db'}" if self.home is not None else default_db_url()

    def scenario_store(self) -> Any:
        """The scenario store (one engine per URL, kept for the server's life)."""
        from optimizer.scenarios import ScenarioStore

        key = ("scenario_store", self.db_url, str(self.home))
        with _store_lock:  # one creation at a time: concurrent first callbacks would race on CREATE TABLE
            store = _stores.get(key)
            if store is None:
                store = _stores[key] = ScenarioStore(self.scenario_db_url())
        return store

    def override_log(self) -> Any:
        """The append-only tier-decision history, in the scenario database."""
        from optimizer.estimation.overrides import TierOverrideLog

        return TierOverrideLog(self.scenario_store().engine)

    @property
    def workspace_dir(self) -> Path:
        """Where the dashboard records analyst overrides (created on first write)."""
        if self.data_dir is not None:
            return Path(self.data_dir)
        return (self.home or user_home()) / "data"

    @property
    def tier_overrides_path(self) -> Path:
        return self.workspace_dir / TIER_OVERRIDES.filename

    def effective_data_dir(self) -> Path | None:
        """The directory laid over the shipped data: `--data`, else the workspace once it exists."""
        if self.data_dir is not None:
            return Path(self.data_dir)
        ws = self.workspace_dir
        return ws if ws.is_dir() else None

    def dataset(self) -> Dataset:
        """The current dataset (the loader caches it and reloads when a file changes)."""
        with _load_lock:
            return load_dataset(self.effective_data_dir())


def item_table(ds: Any, partner: str, year: int | None = None) -> Any:
    """`optimizer.estimation.build_item_table` with the default config, cached per dataset.

    Shared between callbacks: treat it as read-only.
    """
    from optimizer.estimation import build_item_table

    if year is None and len(ds.trade):
        year = int(ds.trade["year"].max())
    return memo(ds, ("item_table", partner, year), lambda: build_item_table(ds, partner, year))


def diversion_exposure(ds: Any, partner: str) -> Any:
    """Every item's diversion exposure for `partner` (the builder's diversion screen), cached per
    dataset: seconds on first use per partner, then free."""
    from optimizer.diversion.exposure import item_exposure

    return memo(ds, ("diversion_all", partner), lambda: item_exposure(ds, partner))


def item_diversion(ds: Any, eccn: str, partner: str) -> Any:
    """`optimizer.diversion.exposure.item_exposure` of one item, cached per dataset (a second or
    two per item on the shipped mirror table: only the item's own codes are scored)."""
    from optimizer.diversion.exposure import item_exposure

    return memo(ds, ("diversion", eccn, partner), lambda: item_exposure(ds, partner, [eccn]))


def item_explanation(ds: Any, eccn: str, partner: str, year: int | None = None) -> Any:
    """`optimizer.estimation.explain_item`, cached per dataset (the panel reopens items often)."""
    from optimizer.estimation import explain_item

    return memo(ds, ("explain", eccn, partner, year), lambda: explain_item(ds, eccn, partner, year))
