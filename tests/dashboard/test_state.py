import threading
import time

import pytest

from dashboard.state import AppState, memo


class _Ds:
    dataset_id = "x"


def test_memo_caches_per_dataset_object_and_key():
    ds, other = _Ds(), _Ds()
    calls = []
    assert memo(ds, ("k",), lambda: calls.append(1) or 41) == 41
    assert memo(ds, ("k",), lambda: calls.append(1) or 42) == 41
    assert memo(other, ("k",), lambda: 43) == 43 and len(calls) == 1


def test_memo_computes_a_key_once_when_threads_ask_together():
    ds, calls, out = _Ds(), [], []

    def slow():
        calls.append(1)
        time.sleep(0.1)
        return "v"

    threads = [threading.Thread(target=lambda: out.append(memo(ds, ("slow",), slow))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == ["v"] * 4 and len(calls) == 1


def test_memo_does_not_cache_a_failure():
    ds = _Ds()
    with pytest.raises(ZeroDivisionError):
        memo(ds, ("bad",), lambda: 1 / 0)
    assert memo(ds, ("bad",), lambda: "ok") == "ok"


def test_workspace_is_the_data_dir_or_under_the_user_home(tmp_path):
    assert AppState(tmp_path / "mine").workspace_dir == tmp_path / "mine"
    home = AppState(None, home=tmp_path)
    assert home.workspace_dir == tmp_path / "data" and home.effective_data_dir() is None
    (tmp_path / "data").mkdir()
    assert home.effective_data_dir() == tmp_path / "data"
    assert home.tier_overrides_path == tmp_path / "data" / "policy" / "tier_overrides.csv"


def test_a_forked_background_job_does_not_inherit_held_locks_or_pending_work():
    """Dash forks background jobs while other callbacks run: the child must not wait for them."""
    import os

    import dashboard.state as st

    ds = _Ds()
    holding, release = threading.Event(), threading.Event()

    def hold_lock_and_compute():
        with st._load_lock:
            holding.set()
            release.wait(5)

    def slow_memo():
        memo(ds, ("pending",), lambda: release.wait(5) or "parent")

    threads = [threading.Thread(target=hold_lock_and_compute), threading.Thread(target=slow_memo)]
    for t in threads:
        t.start()
    holding.wait(5)
    time.sleep(0.05)  # let the memo register its pending computation
    pid = os.fork()
    if pid == 0:  # the child: one thread, like a Dash background job
        ok = st._load_lock.acquire(timeout=2)
        ok = ok and memo(ds, ("pending",), lambda: "child") == "child"
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    release.set()
    for t in threads:
        t.join()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
