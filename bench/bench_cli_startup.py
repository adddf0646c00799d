"""Benchmark: how long `decontrol --help` takes (goal: <= 0.25 s), against baselines in the same run.

Each command is a fresh process, run `--runs` times in turn (interleaved, so a busy machine slows
every one alike); the median wall time is reported, with its ratio to the interpreter's own start-up:
- `python -c pass`: the floor, nothing of decontrol imported,
- `decontrol --help`: the console script as a user types it (the command modules are not imported:
  their one-line help comes from `optimizer.cli.COMMANDS`),
- `decontrol optimize --help`: one command's parser, which imports what that command needs,
- eager parser: every command module imported and registered, which is what `decontrol --help` did
  before (pandas, pyarrow, PuLP and SQLAlchemy loaded up front).

Run: .venv/bin/python bench/bench_cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_S = 0.25
PY = sys.executable
DECONTROL = str(Path(PY).with_name("decontrol"))
EAGER = (
    "from dashboard.cli import register_overrides, register_serve, register_users; "
    "from optimizer.cli import build_parser; "
    "build_parser((register_serve, register_users, register_overrides)).format_help()"
)

CASES = {
    "python -c pass": [PY, "-c", "pass"],
    "decontrol --help": [DECONTROL, "--help"],
    "decontrol optimize --help": [DECONTROL, "optimize", "--help"],
    "eager parser (every command module)": [PY, "-c", EAGER],
}


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    if not Path(DECONTROL).exists():
        print(f"no console script at {DECONTROL}: install decontrol into this interpreter's venv", file=sys.stderr)
        return 2
    for cmd in CASES.values():  # warm the file cache once
        timed(cmd)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.runs):
        for name, cmd in CASES.items():
            times[name].append(timed(cmd))
    base = statistics.median(times["python -c pass"])
    print(f"{args.runs} runs each, median wall time of a fresh process")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:40s} {med * 1000:7.0f} ms  ({med / base:5.1f}x python -c pass; min {min(ts) * 1000:.0f} ms)")
    helps = statistics.median(times["decontrol --help"])
    eager = statistics.median(times["eager parser (every command module)"])
    print(
        f"decontrol --help: {helps:.3f} s (goal <= {GOAL_S} s: {'met' if helps <= GOAL_S else 'NOT met'}); "
        f"{eager / helps:.1f}x faster than the eager parser"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
