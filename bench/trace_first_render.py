"""Where a cold first render spends its time, per page, from Chromium's performance timeline.

For each page, a fresh browser context (empty cache) loads the page under a devtools trace; the
script prints, as medians over the runs: the time to the page's key content (the selectors of
`bench_dashboard.PAGES`), the scripts fetched (count, bytes), the script compile and evaluation time
per bundle (trace events `v8.compile` and `EvaluateScript`), when the layout request starts and ends,
the callbacks' requests (count, first start, last end) and the main thread's layout and paint time.
"render" is Playwright's wait for the selector (as the benchmark reports it), "drawn" when the page
first drew it (`bench_dashboard.seen_script`): Playwright checks only every 500 ms after the first 270.

Run against a running server: .venv/bin/python bench/trace_first_render.py URL [--runs 3]
(or without URL: it starts `decontrol serve` on the shipped data like bench_dashboard.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_dashboard import CHROMIUM, CHROMIUM_ARGS, PAGES, seen_ms, seen_script, start_server

CATEGORIES = ["devtools.timeline", "v8", "disabled-by-default-devtools.timeline"]


def short(url: str) -> str:
    name = url.split("?")[0].rsplit("/", 1)[-1]
    for part in (".min.js", ".js"):
        if name.endswith(part):
            base = name[: -len(part)]
            return base.split(".v")[0] if ".v" in base else base
    return name


def trace_costs(trace: dict) -> tuple[dict[str, float], float, float]:
    """Compile + evaluate ms per script; total layout ms and paint ms on the renderer main thread."""
    per: dict[str, float] = defaultdict(float)
    layout = paint = 0.0
    for ev in trace.get("traceEvents", []):
        if ev.get("ph") != "X":
            continue
        dur = ev.get("dur", 0) / 1000
        name = ev.get("name")
        data = (ev.get("args") or {}).get("data") or {}
        if (name == "EvaluateScript" and data.get("url")) or (
            name in ("v8.compile",) and (ev.get("args") or {}).get("data", {}).get("url")
        ):
            per[short(data["url"])] += dur
        elif name == "Layout":
            layout += dur
        elif name == "Paint":
            paint += dur
    return per, layout, paint


def one_run(browser, url: str, path: str, selector: str) -> dict:
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    ctx.add_init_script(seen_script(selector))
    page = ctx.new_page()
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        browser.start_tracing(page=page, path=f.name, categories=CATEGORIES)
        t0 = time.perf_counter()
        page.goto(url + path)
        page.wait_for_selector(selector, timeout=60_000)
        total = time.perf_counter() - t0
        browser.stop_tracing()
        trace = json.loads(Path(f.name).read_text())
    seen = seen_ms(page)
    entries = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => ({name: e.name, type: e.initiatorType, "
        "start: e.startTime, end: e.responseEnd, size: e.encodedBodySize}))"
    )
    nav = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0]; "
        "return {resp: n.responseEnd, dcl: n.domContentLoadedEventEnd}; }"
    )
    ctx.close()
    scripts = [e for e in entries if e["type"] == "script"]
    layout = [e for e in entries if "_dash-layout" in e["name"]]
    cbs = [e for e in entries if "_dash-update-component" in e["name"]]
    per, lay, paint = trace_costs(trace)
    return {
        "total_ms": total * 1000,
        "seen_ms": seen,
        "html_ms": nav["resp"],
        "dcl_ms": nav["dcl"],
        "scripts": len(scripts),
        "script_kb": sum(e["size"] for e in scripts) / 1024,
        "scripts_loaded_ms": max((e["end"] for e in scripts), default=0),
        "layout_start_ms": layout[0]["start"] if layout else 0,
        "layout_end_ms": layout[0]["end"] if layout else 0,
        "callbacks": len(cbs),
        "cb_first_ms": min((e["start"] for e in cbs), default=0),
        "cb_last_ms": max((e["end"] for e in cbs), default=0),
        "js": dict(per),
        "layout_paint_ms": lay + paint,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url", nargs="?")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", nargs="*", default=list(PAGES))
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    proc = None
    url = args.url
    if not url:
        proc, url = start_server(tempfile.mkdtemp(prefix="decontrol-trace-"))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            one_run(browser, url, "/", PAGES["/"])  # the server's own first requests are not the page's
            for path in args.pages:
                runs = [one_run(browser, url, path, PAGES[path]) for _ in range(args.runs)]

                def med(k: str, runs: list[dict] = runs) -> float:
                    return statistics.median(r[k] for r in runs)

                print(
                    f"{path}: render {med('total_ms'):.0f} ms (drawn in the page at {med('seen_ms'):.0f}) | html {med('html_ms'):.0f} | "
                    f"{med('scripts'):.0f} scripts {med('script_kb'):.0f} kB loaded by {med('scripts_loaded_ms'):.0f} | "
                    f"DCL {med('dcl_ms'):.0f} | layout req {med('layout_start_ms'):.0f}-{med('layout_end_ms'):.0f} | "
                    f"{med('callbacks'):.0f} callbacks {med('cb_first_ms'):.0f}-{med('cb_last_ms'):.0f} | "
                    f"layout+paint {med('layout_paint_ms'):.0f}",
                    flush=True,
                )
                names = sorted(
                    {n for r in runs for n in r["js"]},
                    key=lambda n: -statistics.median(r["js"].get(n, 0) for r in runs),
                )
                print(
                    "   compile+eval ms: "
                    + ", ".join(f"{n} {statistics.median(r['js'].get(n, 0) for r in runs):.0f}" for n in names[:9]),
                    flush=True,
                )
            browser.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
