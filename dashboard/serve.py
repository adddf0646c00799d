"""`decontrol serve`: the dashboard under gunicorn, one command for one worker or many.

The app is built once in this process (the gunicorn arbiter) before any worker exists, so the data
is loaded once per host and shared copy-on-write by the workers (gunicorn's preload), and a bad
configuration fails here with a clear message (exit 2) instead of in every worker. The caches are
warmed without a background thread, so no thread is alive when the arbiter forks its workers.
Workers are threaded (gthread); background jobs never fork from them (see `dashboard.jobs`).

With `--jobs redis://...`, Celery workers for the background jobs are started beside the web
workers and stopped with them (and they die with this process even after a `kill -9`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dashboard.app import ENV, app_from_env
from dashboard.jobs import ForkserverDiskcacheManager, JobsConfig


def environment(
    *,
    data: Path | None = None,
    db: str | None = None,
    users: Path | None = None,
    auth_header: str | None = None,
    trusted_proxies: Sequence[str] = (),
    jobs: str | None = None,
    workers: int = 1,
) -> dict[str, str]:
    """The `dashboard.app.ENV` variables these options set (what every worker reads); options not
    given leave the variable as the environment has it (e.g. a DECONTROL_DB set by the operator)."""
    values = {
        "data": str(data) if data else "",
        "db": db or "",
        "users": str(users) if users else "",
        "auth_header": auth_header or "",
        "trusted_proxies": ",".join(trusted_proxies),
        "jobs": jobs or "",
        "workers": str(workers),
    }
    return {ENV[k]: v for k, v in values.items() if v}


def _die_with_parent() -> None:
    """In a child of this server: get SIGTERM when the server dies, however it dies (Linux)."""
    # without prctl (not Linux) the child's own watchdog on the server's pid still ends it
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_celery_workers(env: dict[str, str], concurrency: int) -> subprocess.Popen:
    """Celery workers for `env`'s Redis jobs, stopped at this process's exit."""
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "dashboard.wsgi:celery",
        "worker",
        "--loglevel",
        "WARNING",
        "--concurrency",
        str(concurrency),
        "--pool",
        "prefork",
        "--without-gossip",
        "--without-mingle",
    ]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, preexec_fn=_die_with_parent)

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    atexit.register(stop)
    return proc


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "timeout": 120,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "worker_tmp_dir": "/dev/shm" if Path("/dev/shm").is_dir() else None,
        "proc_name": "decontrol",
    }


def run(env: dict[str, str], *, host: str, port: int, workers: int, threads: int, job_workers: int = 2) -> int:
    """Build the app here, then serve it with gunicorn until stopped."""
    from gunicorn.app.base import BaseApplication

    app = app_from_env({**os.environ, **env})  # DecontrolError (exit 2) for a bad configuration, before any worker
    os.environ.update(env)  # for the Celery workers (the web workers are forks of this process)
    jobs = JobsConfig(env.get(ENV["jobs"]) or None)
    if jobs.kind == "celery" and job_workers > 0:
        start_celery_workers(env, job_workers)

    def post_fork(_server: Any, _worker: Any) -> None:
        """Each worker starts its jobs' forkserver at once, with the data loaded (the master forks
        no threads, so the warm-up cannot happen before the fork)."""
        manager = app._background_manager
        if isinstance(manager, ForkserverDiskcacheManager):
            from dashboard.state import AppState

            manager.warm(AppState(Path(env[ENV["data"]]) if env.get(ENV["data"]) else None).effective_data_dir())

    class _Gunicorn(BaseApplication):
        def load_config(self) -> None:
            for key, value in gunicorn_options(host, port, workers, threads).items():
                if value is not None:
                    self.cfg.set(key, value)
            self.cfg.set("post_fork", post_fork)

        def load(self) -> Any:
            return app.server

    print(
        f"decontrol dashboard on http://{host}:{port}/ ({workers} worker{'s' if workers > 1 else ''}, "
        f"jobs: {jobs.kind})",
        file=sys.stderr,
        flush=True,
    )
    _Gunicorn().run()
    return 0
