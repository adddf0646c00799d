"""Background jobs of the dashboard (the Package builder's frontier and alternatives), chosen by
configuration so that progress, cancel and results work from any worker of any host.

- `diskcache` (one machine, any number of workers): results and progress in one job directory
  shared by the workers, `<root>/decontrol-jobs-<owner pid>`. A job is *not* forked from the
  worker: a worker is threaded, and a fork copies locks other threads hold (a job once hung for ever
  on an inherited diskcache lock). Jobs start from a `forkserver`, a fresh single-threaded
  interpreter, so they inherit no lock, no listening socket and no open cache connection; the
  forkserver reaps them (no zombies). Each job watches the process that owns the job directory and
  exits within a second when it is gone (a `kill -9` of the server leaves no orphan); directories of
  servers that are no longer running are removed at the next start, and the owner removes its own
  on every orderly stop.
- `redis://...` (several machines): Dash's Celery manager over Redis; the jobs run in Celery's own
  worker processes (`decontrol serve --jobs redis://...` starts them beside the web workers).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dash
import diskcache
import psutil

from optimizer.errors import DecontrolError

JOB_DIR_PREFIX = "decontrol-jobs-"
#: How long a finished job's result waits for its poll (seconds).
RESULT_EXPIRY = 3600
#: Modules the forkserver imports once, so each job starts in well under a second; the last loads
#: the server's dataset there (`dashboard.job_preload`), so jobs do not read it again.
FORKSERVER_PRELOAD = ["dashboard.app", "dashboard.logic.package", "optimizer.model.solve", "dashboard.job_preload"]
#: The data directory the forkserver loads ("" = the shipped data); set by `warm`.
PRELOAD_DATA_ENV = "DECONTROL_JOBS_PRELOAD_DATA"


@dataclass(frozen=True)
class JobsConfig:
    """Where background jobs run: `url` None or a directory -> diskcache; `redis://...` -> Celery."""

    url: str | None = None

    @property
    def kind(self) -> str:
        return "celery" if self.url and self.url.startswith(("redis://", "rediss://")) else "diskcache"

    def check(self) -> None:
        if self.url and "://" in self.url and self.kind != "celery":
            raise DecontrolError(
                f"--jobs {self.url}: expected a directory (one machine) or redis://HOST:PORT/DB (several machines)"
            )


def job_root() -> Path:
    """Where job directories live: `$DECONTROL_JOBS_DIR`, else the system temporary directory."""
    return Path(os.environ.get("DECONTROL_JOBS_DIR") or tempfile.gettempdir())


def clean_stale_job_dirs(root: Path | None = None) -> list[Path]:
    """Remove the job directories whose owning server is no longer running (after a `kill -9` or a
    power cut nothing else would); returns what was removed."""
    root = root or job_root()
    removed = []
    for d in root.glob(f"{JOB_DIR_PREFIX}*"):
        pid = d.name.removeprefix(JOB_DIR_PREFIX)
        if not pid.isdigit() or not d.is_dir():
            continue
        if not psutil.pid_exists(int(pid)):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def owned_job_dir(owner_pid: int | None = None, root: Path | None = None) -> Path:
    """The job directory of the server process `owner_pid` (default: this one), created now after
    removing stale ones, and removed when this process exits in order (atexit and SIGTERM)."""
    owner = owner_pid or os.getpid()
    root = root or job_root()
    clean_stale_job_dirs(root)
    d = root / f"{JOB_DIR_PREFIX}{owner}"
    d.mkdir(parents=True, exist_ok=True)
    if owner == os.getpid():
        remove_on_exit(d)
    return d


def remove_on_exit(path: Path) -> None:
    """Remove `path` when this process exits in order, and turn SIGTERM into an orderly exit so that
    happens. Forked children (gunicorn workers) inherit the hook but leave the directory alone: a
    worker that exits must not take the job directory of the still running server with it."""
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(remove)
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # atexit handlers run (the default action would skip them)


def max_jobs() -> int:
    """Jobs that compute at once on this host (`$DECONTROL_MAX_JOBS`, default: the CPU count). Each
    job holds its own copy of the data while it computes, so this bounds the host's memory."""
    try:
        return max(1, int(os.environ.get("DECONTROL_MAX_JOBS") or os.cpu_count() or 2))
    except ValueError:
        return max(1, os.cpu_count() or 2)


def _take_slot(job_dir: Path, slots: int) -> Any:
    """Block until one of `slots` lock files in `job_dir` is ours (released when the process ends,
    however it ends: the kernel drops an flock with its holder)."""
    import fcntl

    while True:
        for i in range(slots):
            fh = open(job_dir / f"slot-{i}.lock", "a+")  # noqa: SIM115 - the open handle holds the lock
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fh
            except OSError:
                fh.close()
        time.sleep(0.2)


def _run_job(job_fn: Any, owner_pid: int, job_dir: str, slots: int, *args: Any) -> None:
    """The body of a job process: a watchdog ending it when the owner is gone, a computing slot
    (queued jobs wait small, before they load any data), then the Dash job."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if not psutil.pid_exists(owner_pid):
                os._exit(3)  # the server is gone: nobody can read the result

    threading.Thread(target=watch, name="decontrol-job-watchdog", daemon=True).start()
    slot = _take_slot(Path(job_dir), slots)
    try:
        job_fn(*args)
    finally:
        slot.close()


class ForkserverDiskcacheManager(dash.DiskcacheManager):
    """Dash's diskcache manager, with jobs started from a forkserver (never forked from a threaded
    worker) and job-state checks that tolerate a job ending between two calls."""

    def __init__(self, cache: diskcache.Cache, owner_pid: int, expire: int = RESULT_EXPIRY) -> None:
        super().__init__(cache, cache_by=None, expire=expire)
        self.owner_pid = owner_pid
        self._ctx: Any = None

    def _context(self) -> Any:
        if self._ctx is None:
            import multiprocess

            self._ctx = multiprocess.get_context("forkserver")
            self._ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
        return self._ctx

    def warm(self, data_dir: Path | None) -> threading.Thread:
        """Start the forkserver now, in a thread, with the dataset of `data_dir` (None: shipped)
        loaded in it: the first job then waits for neither the imports nor the data. Idempotent."""
        os.environ[PRELOAD_DATA_ENV] = "" if data_dir is None else str(data_dir)

        def start() -> None:
            with contextlib.suppress(Exception):  # a failed warm-up only means the first job starts cold
                self._context()
                from multiprocess import forkserver

                forkserver.ensure_running()

        t = threading.Thread(target=start, name="decontrol-forkserver-warmup", daemon=True)
        t.start()
        return t

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> int:
        ctx = self._context()
        ctx.active_children()  # reap finished jobs' handles: no file descriptor stays open per job
        proc = ctx.Process(
            target=_run_job,
            args=(
                job_fn,
                self.owner_pid,
                self.handle.directory,
                max_jobs(),
                key,
                self._make_progress_key(key),
                args,
                context,
            ),
            name="decontrol-job",
        )
        proc.start()
        return proc.pid

    def job_running(self, job: Any) -> bool:
        try:
            return super().job_running(job)
        except psutil.Error:  # ended between the existence check and the status read
            return False

    def terminate_job(self, job: Any) -> None:
        # a job that ended between Dash's existence check and the kill is already what we want
        with contextlib.suppress(psutil.Error):
            super().terminate_job(job)

    def terminate_unhealthy_job(self, job: Any) -> bool:
        try:
            return super().terminate_unhealthy_job(job)
        except psutil.Error:
            return False


def diskcache_manager(cache_dir: Path | None = None, owner_pid: int | None = None) -> ForkserverDiskcacheManager:
    """The one-machine manager over `cache_dir` (default: this process's own job directory)."""
    owner = owner_pid or int(os.environ.get("DECONTROL_JOBS_OWNER") or os.getpid())
    if cache_dir is None:
        cache_dir = owned_job_dir(owner)
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    return ForkserverDiskcacheManager(diskcache.Cache(str(cache_dir)), owner)


def celery_app(url: str) -> Any:
    """A Celery app over Redis at `url` (broker and result backend)."""
    try:
        from celery import Celery
    except ImportError:
        raise DecontrolError("--jobs redis://... needs Celery: pip install 'decontrol[team]'") from None
    app = Celery("decontrol", broker=url, backend=url)
    app.conf.update(
        task_acks_late=False,
        worker_prefetch_multiplier=1,
        result_expires=RESULT_EXPIRY,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


def celery_manager(url: str) -> Any:
    """The several-machines manager: Dash's CeleryManager over Redis at `url`."""
    return dash.CeleryManager(celery_app(url), cache_by=None, expire=RESULT_EXPIRY)


def manager(config: JobsConfig, cache_dir: Path | None = None) -> Any:
    """The background-callback manager `config` asks for."""
    config.check()
    if config.kind == "celery":
        return celery_manager(str(config.url))
    return diskcache_manager(Path(config.url) if config.url else cache_dir)
