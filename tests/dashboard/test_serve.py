"""`decontrol serve` as a team deploys it: gunicorn with two workers, background jobs that any worker
can poll, a worker killed mid-job, the whole server killed with SIGKILL and restarted, SIGTERM
cleaning up, and jobs on Celery over a real Redis (Debian's redis-server on loopback)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("server_client", ROOT / "bench" / "server_client.py")
sc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sc)

pytestmark = pytest.mark.slow
KEY = "k" * 48


@pytest.fixture(scope="module")
def result():
    """Phase 1 of a package run (the input of the builder's background job)."""
    return sc.package_result()


@pytest.fixture()
def env(tmp_path):
    return {
        "DECONTROL_HOME": str(tmp_path / "home"),
        "DECONTROL_JOBS_DIR": str(tmp_path / "jobs"),
        "DECONTROL_SECRET_KEY": KEY,
    }


def _start(tmp_path, env, *args):
    (tmp_path / "jobs").mkdir(exist_ok=True)
    port = sc.free_port()
    proc = sc.start_server(port, *args, env=env, log=tmp_path / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        sc.wait_until_up(base, proc)
    except RuntimeError:
        proc.kill()
        raise AssertionError((tmp_path / "server.log").read_text()[-3000:]) from None
    return proc, port, base


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _workers(proc) -> list[psutil.Process]:
    """The gunicorn workers (children of the arbiter that serve HTTP, not job helpers)."""
    return [
        c
        for c in psutil.Process(proc.pid).children()
        if "forkserver" not in " ".join(c.cmdline()) and "resource_tracker" not in " ".join(c.cmdline())
    ]


def test_two_workers_run_a_job_that_survives_the_worker_that_started_it(tmp_path, env, result):
    proc, _port, base = _start(tmp_path, env, "--workers", "2")
    try:
        workers = _workers(proc)
        assert len(workers) == 2
        client = sc.Client(base)
        client.open_page()
        status, start = client.callback("pkg-extras", sc.extras_inputs(result))
        assert status == 200 and "cacheKey" in start
        for w in workers:  # both workers that could have started it die; the job goes on
            w.kill()
        time.sleep(0.5)
        handles = {"cacheKey": start["cacheKey"], "job": start["job"]}
        deadline, answer = time.monotonic() + 90, None
        while time.monotonic() < deadline:
            try:
                status, answer = client.callback("pkg-extras", sc.extras_inputs(result), query=handles, timeout=10)
            except OSError:
                time.sleep(0.3)  # the arbiter is starting new workers
                continue
            if status == 200 and isinstance(answer, dict) and "response" in answer:
                break
            time.sleep(0.3)
        assert isinstance(answer, dict) and "response" in answer, answer
        frontier = answer["response"]["pkg-extras"]["data"]["frontier"]
        assert frontier["points"]  # the result came from the shared job directory through a new worker
        assert len(_workers(proc)) == 2 and not {w.pid for w in workers} & {w.pid for w in _workers(proc)}
        # no zombie, and the job's process is gone once it answered
        time.sleep(1.5)
        zombies = [c for c in psutil.Process(proc.pid).children(recursive=True) if c.status() == psutil.STATUS_ZOMBIE]
        assert zombies == []
    finally:
        _stop(proc)
    assert not list((tmp_path / "jobs").glob("decontrol-jobs-*"))  # SIGTERM removed the job directory


def test_a_sigkill_mid_job_leaves_no_orphan_and_the_server_restarts(tmp_path, env, result):
    proc, port, base = _start(tmp_path, env, "--workers", "2")
    client = sc.Client(base)
    client.open_page()
    status, start = client.callback("pkg-extras", sc.extras_inputs(result))
    assert status == 200
    time.sleep(0.5)
    tree = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]  # workers, forkservers, the job
    assert any("forkserver" in " ".join(psutil.Process(p).cmdline()) for p in tree)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(5)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(
        psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in tree
    ):
        time.sleep(0.3)
    left = [p for p in tree if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert left == [], [psutil.Process(p).cmdline() for p in left]  # workers, forkservers and the job all ended
    stale = list((tmp_path / "jobs").glob("decontrol-jobs-*"))
    assert stale  # a SIGKILL runs no clean-up ...
    again = sc.start_server(port, "--workers", "2", env=env, log=tmp_path / "again.log")
    try:
        sc.wait_until_up(base, again)  # ... the port is free again, and the new server removes it
        assert [d.name for d in (tmp_path / "jobs").glob("decontrol-jobs-*")] == [f"decontrol-jobs-{again.pid}"]
        fresh = sc.Client(base)
        fresh.open_page()
        out = fresh.run_job("pkg-extras", sc.extras_inputs(result), timeout=90)
        assert out["ok"], out
    finally:
        _stop(again)


def test_several_workers_with_users_need_the_signing_key(tmp_path, env):
    from dashboard import auth

    users = tmp_path / "users.json"
    auth.add_user(users, "ana", "analyst", "analyst-pass-1")
    no_key = {k: v for k, v in {**os.environ, **env}.items() if k != "DECONTROL_SECRET_KEY"}
    r = subprocess.run(
        [
            str(Path(os.sys.executable).with_name("decontrol")),
            "serve",
            "--workers",
            "2",
            "--users",
            str(users),
            "--port",
            str(sc.free_port()),
        ],
        env=no_key,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert r.returncode == 2 and "DECONTROL_SECRET_KEY" in r.stderr


@pytest.fixture()
def redis_url(tmp_path):
    """A throwaway redis-server on a free loopback port (Debian's redis-server; scripts/test.sh installs it)."""
    exe = shutil.which("redis-server")
    if exe is None:
        # a failure, not a skip: the jobs-on-Celery tests must not pass untested
        pytest.fail(
            "Debian redis-server is not installed: run the README's test command (bash scripts/test.sh installs it)",
            pytrace=False,
        )
    port = sc.free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


def test_jobs_on_celery_over_redis_through_two_workers(tmp_path, env, result, redis_url):
    proc, _port, base = _start(tmp_path, env, "--workers", "2", "--jobs", redis_url, "--job-workers", "1")
    try:
        starter, poller = sc.Client(base), sc.Client(base)
        starter.open_page()
        poller.open_page()  # a second browser tab: its own connection, the same signing of handles
        poller.end_id = starter.end_id
        out = starter.run_job("pkg-extras", sc.extras_inputs(result), timeout=120, other=poller)
        assert out["ok"], (out, (tmp_path / "server.log").read_text()[-3000:])
        assert out["response"]["pkg-extras"]["data"]["frontier"]["points"]
        assert any(p.get("pkg-progress.value") for p in out["progress"])  # progress travelled through Redis
        import redis

        keys = redis.Redis.from_url(redis_url).keys("*")
        assert keys  # the results and the broker really are in this Redis
    finally:
        _stop(proc)
    # the Celery workers stop with the server
    time.sleep(1)
    assert not [
        p
        for p in psutil.process_iter(["cmdline"])
        if "dashboard.wsgi:celery" in " ".join(p.info["cmdline"] or []) and p.status() != psutil.STATUS_ZOMBIE
    ]


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _is_job(p: psutil.Process) -> bool:
    """A job process: forked by a worker's forkserver (whose command line it inherits), so its parent
    is the forkserver and its grandparent the worker; the forkserver and its resource tracker are not jobs."""
    try:
        parent = p.parent()
        grand = parent.parent() if parent is not None else None
        return (
            parent is not None
            and grand is not None
            and "forkserver" in " ".join(parent.cmdline())
            and "forkserver" not in " ".join(grand.cmdline())
        )
    except psutil.Error:
        return False


def test_a_job_is_cancelled_through_another_connection(tmp_path, env, result):
    """The job is held in the queue (the test takes the host's one computing slot), so it is
    certainly running when another connection cancels it, however fast the computation would be."""
    import fcntl

    proc, _port, base = _start(tmp_path, env | {"DECONTROL_MAX_JOBS": "1"}, "--workers", "2")
    slot = None
    try:
        dirs, deadline = [], time.monotonic() + 30
        while not dirs and time.monotonic() < deadline:
            dirs = list((tmp_path / "jobs").glob("decontrol-jobs-*"))
            time.sleep(0.1)
        assert dirs, "the server made no job directory"
        slot = open(dirs[0] / "slot-0.lock", "a+")  # noqa: SIM115 - the open handle holds the lock
        fcntl.flock(slot, fcntl.LOCK_EX)
        client, other = sc.Client(base), sc.Client(base)
        client.open_page()
        other.open_page()
        other.end_id = client.end_id  # the same page: its handles are signed for its end id
        before = {p.pid for p in psutil.Process(proc.pid).children(recursive=True)}
        status, start = client.callback("pkg-extras", sc.extras_inputs(result))
        assert status == 200
        jobs, deadline = [], time.monotonic() + 15
        while not jobs and time.monotonic() < deadline:  # a worker's first job starts its forkserver first
            time.sleep(0.2)
            jobs = [p for p in _children(proc.pid) if p.pid not in before and _is_job(p)]
        assert jobs  # the job's process, forked by a worker's forkserver, waiting for the computing slot
        status, _ = other.callback(
            "pkg-cancel", [{"id": "pkg-cancel", "property": "n_clicks", "value": 1}], query={"cancelJob": start["job"]}
        )
        assert status in (200, 204)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(j.is_running() and j.status() != psutil.STATUS_ZOMBIE for j in jobs):
            time.sleep(0.2)
        alive = [j for j in jobs if j.is_running() and j.status() != psutil.STATUS_ZOMBIE]
        assert not alive, [(j.pid, j.cmdline()[:4], j.ppid()) for j in alive]
        status, answer = client.callback(
            "pkg-extras", sc.extras_inputs(result), query={"cacheKey": start["cacheKey"], "job": start["job"]}
        )
        assert status == 204 or not (isinstance(answer, dict) and "response" in answer)  # cancelled: no result
    finally:
        if slot is not None:
            slot.close()
        _stop(proc)
