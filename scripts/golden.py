"""The headline numbers on the shipped data, pinned in `tests/golden/headline.json`.

    .venv/bin/python scripts/golden.py            # print the current figures
    .venv/bin/python scripts/golden.py --write    # rewrite the golden file (state why in the commit)

`tests/test_golden.py` compares the figures computed now with the file, so a change to a headline
number (China's and Japan's concession space, China's default package, the largest achievable
value, the frontier's end points) fails the suite until someone rewrites the file on purpose.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "headline.json"
PARTNERS = ("CHN", "JPN")


def _usd(v: float | None) -> float | None:
    return None if v is None else round(float(v), -3)  # to the thousand dollars: float noise never flips it


def headline() -> dict[str, Any]:
    """Every pinned figure, computed on the shipped data with the default settings."""
    sys.path.insert(0, str(ROOT))
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table
    from optimizer.estimation.space import concession_space
    from optimizer.model import Scenario, compute_frontier, solve_package

    ds = load_dataset()
    out: dict[str, Any] = {}
    for partner in PARTNERS:
        table = build_item_table(ds, partner)
        space = concession_space(table).to_dict()
        money = {k: _usd(v) for k, v in space.items() if k.endswith("_usd")}
        counts = {k: v for k, v in space.items() if isinstance(v, int) and not isinstance(v, bool)}
        largest = solve_package(table, Scenario.from_dict({"objective": "max-value"}))
        target = space["suggested_target_usd"]
        package = solve_package(table, Scenario.from_dict({"target_usd": target}))
        frontier = compute_frontier(table, Scenario(), points=10)
        out[partner] = {
            "space": counts | money,
            "largest_achievable_usd": _usd(largest.achieved_usd),
            "package": {
                "target_usd": target,
                "status": package.status,
                "choices": package.choices(),
                "achieved_usd": _usd(package.achieved_usd),
                "risk": None if package.risk is None else round(package.risk, 4),
            },
            "frontier": {"points": len(frontier.points), "max_achievable_usd": _usd(frontier.max_achievable_usd)},
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite tests/golden/headline.json")
    args = parser.parse_args(argv)
    figures = headline()
    text = json.dumps(figures, indent=2, sort_keys=True) + "\n"
    if args.write:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
