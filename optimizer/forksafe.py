"""A lock that a forked child gets fresh.

Dash background jobs run in forked children. Only the forking thread survives a fork, so a lock
another thread held at that moment would stay locked for ever in the child and its first cache
lookup would hang. Module-level caches (loader, item table, dashboard state) use this lock instead.
"""

from __future__ import annotations

import os
import threading
import weakref

_locks: weakref.WeakSet[ForkSafeLock] = weakref.WeakSet()


class ForkSafeLock:
    """A `threading.Lock` (`with`, acquire, release), replaced by an unlocked one in a forked child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        _locks.add(self)

    def renew(self) -> None:
        self._lock = threading.Lock()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> ForkSafeLock:
        self._lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def _renew_all() -> None:
    for lock in list(_locks):
        lock.renew()


os.register_at_fork(after_in_child=_renew_all)
