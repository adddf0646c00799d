"""A small HTTP client of a running `decontrol serve`, speaking the Dash renderer's protocol: view
callbacks and background jobs (start, poll with the signed handles, cancel). Used by
`bench/bench_server.py` and by the tests that run jobs through several workers.

Only the standard library, so it measures the server and not a client library.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, *args: str, env: dict[str, str] | None = None, log: Path | None = None) -> subprocess.Popen:
    """`decontrol serve --port PORT ARGS` in a subprocess (its output to `log`)."""
    exe = Path(sys.executable).with_name("decontrol")
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - the server writes to it
    return subprocess.Popen(
        [str(exe), "serve", "--port", str(port), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(base: str, proc: subprocess.Popen | None = None, timeout: float = 90.0) -> float:
    """Seconds until `base` answers (raises when the server exits or the time runs out)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/login", timeout=2):
                return time.monotonic() - t0
        except urllib.error.HTTPError:
            return time.monotonic() - t0
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not answer within {timeout:.0f} s")


class Client:
    """One browser-like session: cookies, the page's end id (background handles are signed for it)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.end_id: str | None = None
        self.callback_map: dict[str, Any] = {}

    def request(self, path: str, body: Any = None, form: dict | None = None, timeout: float = 60.0) -> tuple[int, Any]:
        data, headers = None, {}
        if body is not None:
            data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
        elif form is not None:
            data, headers = urllib.parse.urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        req = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                raw, status, ctype = r.read(), r.status, r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raw, status, ctype = exc.read(), exc.code, exc.headers.get("Content-Type", "")
        return status, (json.loads(raw) if "json" in ctype and raw else raw.decode("utf-8", "replace"))

    def login(self, user: str, password: str) -> int:
        _, page = self.request("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        status, _ = self.request("/login", form={"csrf": token, "username": user, "password": password})
        return status

    def open_page(self) -> None:
        """Load the index (for the signed end id) and the callback list."""
        status, page = self.request("/")
        if status != 200:
            raise RuntimeError(f"GET / answered {status}")
        config = json.loads(
            re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.S).group(1)
        )
        self.end_id = config.get("end_id")
        _, deps = self.request("/_dash-dependencies")
        self.callback_map = {d["output"]: d for d in deps}

    def _key(self, first_output: str) -> str:
        return next(
            k for k in self.callback_map if k.startswith(f"..{first_output}.") or k.startswith(f"{first_output}.")
        )

    def callback_body(self, first_output: str, inputs: list[dict], state: list[dict] | None = None) -> dict:
        key = self._key(first_output)
        outs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in key.strip(".").split("...")]
        return {
            "output": key,
            "outputs": outs if len(outs) > 1 else outs[0],
            "inputs": inputs,
            "state": state or [],
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        }

    def callback(
        self,
        first_output: str,
        inputs: list[dict],
        state: list[dict] | None = None,
        query: dict | None = None,
        timeout: float = 60.0,
    ) -> tuple[int, Any]:
        q = {"endId": self.end_id or "", **(query or {})}
        return self.request(
            "/_dash-update-component?" + urllib.parse.urlencode(q, doseq=True),
            self.callback_body(first_output, inputs, state),
            timeout=timeout,
        )

    def run_job(
        self,
        first_output: str,
        inputs: list[dict],
        timeout: float = 120.0,
        poll: float = 0.2,
        other: Client | None = None,
    ) -> dict[str, Any]:
        """Start a background job, then poll it (through `other` when given: another connection, so
        another worker may answer) until it answers. Returns status, seconds, polls, progress seen."""
        t0 = time.monotonic()
        status, start = self.callback(first_output, inputs)
        if status != 200 or "cacheKey" not in (start if isinstance(start, dict) else {}):
            return {"ok": False, "status": status, "error": str(start)[:300], "seconds": time.monotonic() - t0}
        poller = other or self
        handles = {"cacheKey": start["cacheKey"], "job": start["job"]}
        progress, polls = [], 0
        while time.monotonic() - t0 < timeout:
            time.sleep(poll)
            polls += 1
            status, answer = poller.callback(first_output, inputs, query=handles)
            if status != 200:
                return {"ok": False, "status": status, "error": str(answer)[:300], "seconds": time.monotonic() - t0}
            if isinstance(answer, dict) and answer.get("progress"):
                progress.append(answer["progress"])
            if isinstance(answer, dict) and "response" in answer:
                return {
                    "ok": True,
                    "status": 200,
                    "response": answer["response"],
                    "progress": progress,
                    "polls": polls,
                    "seconds": time.monotonic() - t0,
                }
            if status == 204 or (isinstance(answer, str) and not answer.strip()):
                return {
                    "ok": False,
                    "status": status,
                    "ended": "no output (job ended without a result)",
                    "polls": polls,
                    "seconds": time.monotonic() - t0,
                }
        return {"ok": False, "status": 0, "error": "timed out", "hung": True, "seconds": time.monotonic() - t0}


def package_result(
    target_bn: float | None = None, partner: str = "CHN", data_dir: Path | None = None
) -> dict[str, Any]:
    """Phase 1 of a package run computed here (the input of the builder's background job); the target
    defaults to the builder's own suggestion for the partner (always feasible)."""
    from dashboard.layouts.package import MODE_OPTIONS
    from dashboard.logic.package import run_package, suggested_target_bn
    from dashboard.logic.package_inputs import FormValues
    from dashboard.state import AppState

    ds = AppState(data_dir).dataset()
    target = suggested_target_bn(ds, partner) if target_bn is None else target_bn
    modes = [o["value"] for o in MODE_OPTIONS]  # every relief the builder offers (read, not assumed)
    return run_package(ds, FormValues(partner=partner, target_bn=target, modes=modes))


def extras_inputs(result: dict[str, Any]) -> list[dict]:
    return [{"id": "pkg-result", "property": "data", "value": result}]
