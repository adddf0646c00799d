"""Benchmark: load and faults on `decontrol serve` as a team runs it (gunicorn, 2 workers).

Measured in one run, on the shipped default data (real Census totals, the labelled synthetic HS6
layer), against `decontrol serve --workers 2` in a subprocess on loopback:

1. Memory per process after start and warm-up: RSS, USS (memory only this process holds) and PSS
   (shared pages split between sharers) of the arbiter and each worker; the data is loaded once in
   the arbiter and shared copy-on-write (gunicorn preload).
2. Load: N concurrent clients (default 20) for D seconds (default 30). Each client loops over the
   view callbacks of the Trade and Control list pages (totals, composition, controlled-trade
   overlay, control list grid, item panel; partners and years cycling) and, every few requests, a
   package run: phase 1 (the `Run` callback, a solve on the request thread) and phase 2 (the
   frontier and alternatives as a background job, polled with its signed handles until it answers).
   Every second the server's process tree is sampled: processes, zombies, open file descriptors,
   USS+RSS. Reported: requests, errors (any HTTP status other than 200/204, or a refused
   connection), hung jobs (no answer within 120 s), p50/p95 latency of views and runs, and the
   samples' first / peak / last values.
3. Fault: a package job is started, one worker is killed with SIGKILL while the job runs, polling
   goes on through the surviving and respawned workers: whether the job still answered (or ended
   cleanly, with no output), how long until the server answered again, and whether new jobs run.

Run: .venv/bin/python bench/bench_server.py [--clients 20] [--seconds 30] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server_client as sc

MB = 1024 * 1024


def tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def memory(pid: int) -> dict[str, Any]:
    """RSS/USS/PSS (MB) of the arbiter and of each of its direct children."""
    out = {}
    for p in tree(pid):
        try:
            m = p.memory_full_info()
            role = (
                "arbiter"
                if p.pid == pid
                else (
                    "forkserver"
                    if "forkserver" in " ".join(p.cmdline())
                    else "resource tracker"
                    if "resource_tracker" in " ".join(p.cmdline())
                    else "worker"
                    if p.ppid() == pid
                    else "job"
                )
            )
            out[f"{role} {p.pid}"] = {"rss": round(m.rss / MB), "uss": round(m.uss / MB), "pss": round(m.pss / MB)}
        except psutil.Error:
            continue
    return out


def sample(pid: int) -> dict[str, float]:
    procs = tree(pid)
    fds = zombies = 0
    rss = uss = 0.0
    for p in procs:
        try:
            if p.status() == psutil.STATUS_ZOMBIE:
                zombies += 1
                continue
            fds += p.num_fds()
            m = p.memory_full_info()
            rss += m.rss / MB
            uss += m.uss / MB
        except psutil.Error:
            continue
    return {
        "t": time.monotonic(),
        "procs": len(procs),
        "zombies": zombies,
        "fds": fds,
        "rss_mb": round(rss),
        "uss_mb": round(uss),
    }


def run_form(partner: str, target_bn: float, modes: list[str]) -> tuple[list[dict], list[dict]]:
    """Inputs and state of the builder's `Run` callback, as the browser sends them."""
    from dashboard import ids
    from dashboard.logic.package_inputs import CATEGORIES
    from optimizer.data.schema import ALLIES

    def v(cid, prop, value):
        return {"id": cid, "property": prop, "value": value}

    inputs = [v(ids.PKG_RUN, "n_clicks", 1), v(ids.PKG_USE_MAX, "n_clicks", None)]
    state = [
        v(ids.PKG_PARTNER, "value", partner),
        v(ids.PKG_YEAR, "value", None),
        v(ids.PKG_TARGET, "value", target_bn),
        v(ids.PKG_OBJECTIVE, "value", "min-risk"),
        v(ids.PKG_FA_THRESHOLD, "value", 0.0),
        v(ids.PKG_MAX_ITEMS, "value", None),
        v(ids.PKG_MODES, "value", modes),
        v(ids.PKG_RISK_BUDGET, "value", None),
        [v({"type": ids.PKG_CAP, "cat": c}, "value", None) for c in CATEGORIES],
        v(ids.PKG_LOCKS, "value", ""),
        v(ids.PKG_FORCED, "value", ""),
        [v({"type": ids.PKG_ALLY, "iso": iso}, "value", "") for iso in ALLIES],
        v(ids.PKG_ALLY_POLICY, "value", "exclude"),
        v(ids.PKG_ALLY_PENALTY, "value", 0.5),
        v(ids.PKG_COHERENCE, "value", True),
        v(ids.PKG_RESULT, "data", None),
    ]
    return inputs, state


class Load:
    """Shared counters of the load phase."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.view_ms: list[float] = []
        self.run_ms: list[float] = []
        self.job_s: list[float] = []
        self.errors: list[str] = []
        self.hung = 0
        self.requests = 0

    def add(self, kind: str, ms: float, status: int, what: str) -> None:
        with self.lock:
            self.requests += 1
            (self.view_ms if kind == "view" else self.run_ms).append(ms)
            if status not in (200, 204):
                self.errors.append(f"{what}: HTTP {status}")


def client_loop(
    base: str, stop: float, load: Load, partners: list[str], eccns: list[str], modes: list[str], seed: int
) -> None:
    from dashboard import ids

    rnd = random.Random(seed)
    c = sc.Client(base)
    try:
        c.open_page()
    except Exception as exc:  # noqa: BLE001 - a refused page is an error of the run, counted
        with load.lock:
            load.errors.append(f"open page: {exc}")
        return
    n = 0
    while time.monotonic() < stop:
        n += 1
        p = rnd.choice(partners)
        years = rnd.choice([None, [2018, 2024], [2020, 2024]])
        views = [
            (
                ids.TRADE_KPIS,
                [
                    {"id": ids.TRADE_PARTNER, "property": "value", "value": p},
                    {"id": ids.TRADE_YEARS, "property": "value", "value": years},
                ],
                [],
            ),
            (
                ids.TRADE_COMPOSITION,
                [
                    {"id": ids.TRADE_PARTNER, "property": "value", "value": p},
                    {"id": ids.TRADE_YEARS, "property": "value", "value": years},
                    {"id": ids.TRADE_FLOW, "property": "value", "value": rnd.choice(["exports", "imports"])},
                ],
                [],
            ),
            (
                ids.TRADE_CONTROLLED,
                [
                    {"id": ids.TRADE_PARTNER, "property": "value", "value": p},
                    {"id": ids.TRADE_YEARS, "property": "value", "value": years},
                    {"id": ids.ALLY_PREVIEW, "property": "value", "value": False},
                ],
                [],
            ),
            (
                ids.ITEMS_GRID,
                [
                    {"id": ids.ITEMS_PARTNER, "property": "value", "value": p},
                    {"id": ids.ITEMS_YEAR, "property": "value", "value": None},
                    {"id": ids.ITEMS_TIERS, "property": "value", "value": ["legacy", "transactional"]},
                    {"id": ids.ITEMS_OVERRIDE_VERSION, "property": "data", "value": 0},
                    {"id": ids.ALLY_PREVIEW, "property": "value", "value": False},
                ],
                [],
            ),
            (
                ids.ITEMS_PANEL,
                [
                    {"id": ids.ITEMS_SELECTED, "property": "data", "value": rnd.choice(eccns)},
                    {"id": ids.ITEMS_OVERRIDE_VERSION, "property": "data", "value": 0},
                ],
                [
                    {"id": ids.ITEMS_PARTNER, "property": "value", "value": p},
                    {"id": ids.ITEMS_YEAR, "property": "value", "value": None},
                    {"id": ids.ALLY_PREVIEW, "property": "value", "value": False},
                ],
            ),
        ]
        try:
            if n % 6 == 0:  # a package run: phase 1 on the request, phase 2 as a background job
                inputs, state = run_form(rnd.choice(["CHN", "JPN"]), rnd.choice([0.002, 0.004, 0.006]), modes)
                t0 = time.perf_counter()
                status, answer = c.callback(ids.PKG_RESULT, inputs, state, timeout=120)
                load.add("run", (time.perf_counter() - t0) * 1000, status, "package run")
                result = (
                    answer.get("response", {}).get(ids.PKG_RESULT, {}).get("data") if isinstance(answer, dict) else None
                )
                if result and result.get("ok"):
                    out = c.run_job(ids.PKG_EXTRAS, sc.extras_inputs(result), timeout=120, poll=0.3)
                    with load.lock:
                        load.requests += out.get("polls", 0) + 1
                        if out.get("hung"):
                            load.hung += 1
                        elif not out["ok"]:
                            load.errors.append(f"job: {out}")
                        else:
                            load.job_s.append(out["seconds"])
            else:
                first, inputs, state = rnd.choice(views)
                t0 = time.perf_counter()
                status, _ = c.callback(first, inputs, state, timeout=60)
                load.add("view", (time.perf_counter() - t0) * 1000, status, first)
        except OSError as exc:
            with load.lock:
                load.requests += 1
                load.errors.append(f"connection: {exc}")


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = ap.parse_args(argv)

    from dashboard.layouts.package import MODE_OPTIONS
    from dashboard.logic.trade import partner_options
    from dashboard.state import AppState, item_table

    tmp = Path(tempfile.mkdtemp(prefix="decontrol-bench-server-"))
    env = {
        "DECONTROL_HOME": str(tmp / "home"),
        "DECONTROL_JOBS_DIR": str(tmp),
        "DECONTROL_SECRET_KEY": os.urandom(24).hex(),
    }
    os.environ.update({"DECONTROL_HOME": env["DECONTROL_HOME"]})
    ds = AppState().dataset()
    partners = [o["value"] for o in partner_options(ds)][:6]
    eccns = list(item_table(ds, "CHN")["eccn"][:200])
    modes = [o["value"] for o in MODE_OPTIONS]

    port = sc.free_port()
    base = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    proc = sc.start_server(port, "--workers", str(args.workers), env=env, log=tmp / "server.log")
    report: dict[str, Any] = {
        "data": "shipped default (real Census totals; synthetic HS6 layer)",
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
    }
    try:
        report["start_s"] = round(sc.wait_until_up(base, proc, timeout=120), 1)
        warm = sc.Client(base)
        warm.open_page()
        report["memory_after_start_mb"] = memory(proc.pid)

        # ---- load
        load = Load()
        samples = [sample(proc.pid)]
        stop = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client_loop, args=(base, stop, load, partners, eccns, modes, i), daemon=True)
            for i in range(args.clients)
        ]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            time.sleep(1.0)
            samples.append(sample(proc.pid))
            if time.monotonic() > stop + 180:
                break
        hung_clients = sum(t.is_alive() for t in threads)
        time.sleep(2.0)
        samples.append(sample(proc.pid))
        report["load"] = {
            "requests": load.requests,
            "errors": len(load.errors),
            "error_examples": load.errors[:5],
            "hung_jobs": load.hung + hung_clients,
            "jobs_done": len(load.job_s),
            "view_ms_p50": pct(load.view_ms, 0.5),
            "view_ms_p95": pct(load.view_ms, 0.95),
            "views": len(load.view_ms),
            "run_ms_p50": pct(load.run_ms, 0.5),
            "run_ms_p95": pct(load.run_ms, 0.95),
            "runs": len(load.run_ms),
            "job_s_p50": pct(load.job_s, 0.5),
            "job_s_p95": pct(load.job_s, 0.95),
            **{
                f"{k}_first_peak_last": [samples[0][k], max(s[k] for s in samples), samples[-1][k]]
                for k in ("procs", "zombies", "fds", "rss_mb", "uss_mb")
            },
        }
        report["memory_after_load_mb"] = memory(proc.pid)

        # ---- fault: kill a worker mid-job
        from dashboard import ids

        c = sc.Client(base)
        c.open_page()
        inputs, state = run_form("CHN", 0.004, modes)
        _, answer = c.callback(ids.PKG_RESULT, inputs, state, timeout=120)
        result = answer["response"][ids.PKG_RESULT]["data"]
        status, start = c.callback(ids.PKG_EXTRAS, sc.extras_inputs(result))
        workers = [
            p
            for p in psutil.Process(proc.pid).children()
            if "forkserver" not in " ".join(p.cmdline()) and "resource_tracker" not in " ".join(p.cmdline())
        ]
        victim = workers[0]
        time.sleep(0.3)
        os.kill(victim.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        handles = {"cacheKey": start["cacheKey"], "job": start["job"]}
        outcome, first_answer = "hung", None
        while time.monotonic() - killed_at < 120:
            try:
                st, ans = c.callback(ids.PKG_EXTRAS, sc.extras_inputs(result), query=handles, timeout=10)
            except OSError:
                time.sleep(0.2)
                continue
            if first_answer is None:
                first_answer = time.monotonic() - killed_at
            if st == 200 and isinstance(ans, dict) and "response" in ans:
                outcome = f"answered (frontier with {len(ans['response'][ids.PKG_EXTRAS]['data']['frontier']['points'])} points)"
                break
            if st == 204:
                outcome = "ended cleanly without output"
                break
            if st not in (200, 204):
                outcome = f"HTTP {st}"
                break
            time.sleep(0.3)
        after = sc.Client(base)
        after.open_page()
        again = after.run_job(ids.PKG_EXTRAS, sc.extras_inputs(result), timeout=120)
        report["fault"] = {
            "killed_worker": victim.pid,
            "job_outcome": outcome,
            "first_answer_after_kill_s": round(first_answer, 2) if first_answer is not None else None,
            "job_outcome_s": round(time.monotonic() - killed_at, 1),
            "new_job_after_kill": f"ok in {again['seconds']:.1f} s" if again["ok"] else str(again)[:200],
            "workers_now": len(
                [
                    p
                    for p in psutil.Process(proc.pid).children()
                    if "forkserver" not in " ".join(p.cmdline()) and "resource_tracker" not in " ".join(p.cmdline())
                ]
            ),
        }
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except Exception:  # noqa: BLE001
            proc.kill()
        report["job_dirs_left_after_sigterm"] = len(list(tmp.glob("decontrol-jobs-*")))
        report["total_s"] = round(time.monotonic() - t0, 1)
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    ok = report.get("load", {}).get("errors", 1) == 0 and report.get("load", {}).get("hung_jobs", 1) == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
