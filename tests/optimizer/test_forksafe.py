"""A lock held by another thread at a fork is free in the child (background jobs would hang on it)."""

import os
import threading

import pytest

from optimizer.forksafe import ForkSafeLock


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_lock_held_by_another_thread_at_the_fork_is_free_in_the_child():
    lock = ForkSafeLock()
    held, release = threading.Event(), threading.Event()

    def hold():
        with lock:
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    pid = os.fork()
    if pid == 0:  # child: must get the lock at once
        got = lock.acquire(timeout=2)
        os._exit(0 if got else 1)
    _, status = os.waitpid(pid, 0)
    release.set()
    t.join()
    assert os.waitstatus_to_exitcode(status) == 0
    assert lock.acquire(timeout=1)  # and the parent's lock is free again
    lock.release()
