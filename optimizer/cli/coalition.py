"""`decontrol coalition`: a coordinated package for the US and allies, next to the US-only package.

    decontrol coalition --partner CHN --members USA,JPN,NLD,GBR --risk-budget R [--year Y]
        [--min-fa F] [--max-items N] [--lock ECCN ..] [--force ECCN ..] [--positions FILE.json]
        [--solver cbc|highs] [--time-limit S] [--rel-gap G] [--format table|json] [--data DIR]

The coalition package maximises the smallest relative gain among members (each member's unlocked
exports over its potential), then their total, under the risk budget; the US-only package maximises
US value under the same budget. `--positions` holds allies' positions, {"JPN": {"2B991": "oppose"}}.

Exit codes: 0 packages found; 2 bad input (unknown member, negative budget, a member equal to the
partner, ...); 3 no package: infeasible, or stopped at the time limit before finding one (JSON is
printed in every case with --format json).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import pandas as pd

from optimizer.cli.common import add_data_flag, emit_frame, emit_json
from optimizer.errors import DecontrolError, InfeasibleError
from optimizer.formatting import cut_words, fmt_number, fmt_share, fmt_usd
from optimizer.licensing.instruments import basis_cite, instrument_cite
from optimizer.model.scenario import DEFAULT_MIN_FA, SOLVERS, Scenario
from optimizer.vocabulary import Status

if TYPE_CHECKING:
    from optimizer.coalition.result import CoalitionResult, PackageItem


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "coalition",
        help="a coordinated package for the US and allies vs the US-only package",
        description="Find the package that maximises the smallest relative gain among the US "
        "and chosen allies (each member's unlocked exports from its own trade) under "
        "a risk budget, and show it next to the US-only optimum under the same budget.",
    )
    p.add_argument("--partner", required=True, metavar="ISO3", help="partner country, e.g. CHN")
    p.add_argument(
        "--members",
        required=True,
        metavar="LIST",
        help="coalition members, ISO3 comma-separated (the US is always one), e.g. USA,JPN,NLD,GBR",
    )
    p.add_argument("--risk-budget", required=True, metavar="R", help="total risk at most R (shared by both packages)")
    p.add_argument("--year", type=int, default=None, help="trade year (default: the latest in the data)")
    p.add_argument(
        "--min-fa",
        default=None,
        metavar="F",
        help=f"foreign-availability threshold 0-1 (default {DEFAULT_MIN_FA:g}, as in the dashboard)",
    )
    p.add_argument("--max-items", default=None, metavar="N", help="at most N items")
    p.add_argument("--lock", nargs="+", action="extend", default=None, metavar="ECCN", help="items never relieved")
    p.add_argument("--force", nargs="+", action="extend", default=None, metavar="ECCN", help="items always relieved")
    p.add_argument(
        "--positions",
        type=Path,
        default=None,
        metavar="FILE.json",
        help='allies\' positions per item, {"JPN": {"2B991": "oppose"}}: an opposed item is left out',
    )
    p.add_argument("--solver", choices=SOLVERS, default="cbc", help="cbc (default) or highs")
    p.add_argument("--time-limit", default=None, metavar="S", help="solver time limit per solve, seconds (default 60)")
    p.add_argument("--rel-gap", default=None, metavar="G", help="relative optimality gap (default 0.001)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default table)")
    add_data_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from optimizer.coalition import coalition_package
    from optimizer.data.load import load_dataset

    scenario = scenario_from_args(args)
    members = [m for m in str(args.members).replace(" ", ",").split(",") if m.strip()]
    if not members:
        raise DecontrolError("--members is empty: name the coalition, e.g. --members USA,JPN,NLD")
    positions = read_positions(args.positions) if args.positions else None
    ds = load_dataset(args.data)
    result = coalition_package(ds, args.partner, members, scenario, positions=positions)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.format == "json":
        emit_json(result.to_dict())
    else:
        write_table(result, sys.stdout)
    if not result.found:
        what = (
            "no package satisfies the constraints (forced items, locks, the risk budget, max items)"
            if result.status == Status.INFEASIBLE
            else f"no package found within the time limit of {scenario.time_limit_s:g} s (not proven infeasible)"
        )
        raise InfeasibleError(what)
    return 0


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """The shared constraints of both packages; DecontrolError naming the flag for a bad value."""
    budget = _budget(args.risk_budget)
    fields: dict[str, Any] = {
        "risk_budget": budget,
        "objective": "max-value",
        "modes": ["lift", "meu_removal"],
        "solver": args.solver,
        "year": args.year,
        "partner": args.partner,
    }
    for key, value in (
        ("min_fa", args.min_fa),
        ("max_items", args.max_items),
        ("time_limit_s", args.time_limit),
        ("rel_gap", args.rel_gap),
    ):
        if value is not None:
            fields[key] = value
    if args.lock:
        fields["locks"] = [x for v in args.lock for x in v.split(",") if x]
    if args.force:
        fields["forced"] = [x for v in args.force for x in v.split(",") if x]
    return Scenario.from_dict(fields)


def _budget(text: str) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise DecontrolError(f"--risk-budget {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise DecontrolError(f"--risk-budget {text!r} must be a finite number >= 0 (total risk of the package)")
    return value


def read_positions(path: Path) -> dict[str, dict[str, str]]:
    """{ISO3: {eccn: position}} from a JSON file; DecontrolError if unreadable or mis-shaped."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DecontrolError(f"no such positions file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DecontrolError(f"cannot read positions file {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DecontrolError(f"positions file {path} is not valid JSON: {exc}") from None
    from optimizer.validation import positions_shape_ok

    if not positions_shape_ok(data):
        raise DecontrolError(f'positions file {path} must hold {{"ISO3": {{"ECCN": "support|neutral|oppose"}}}}')
    return {str(k): {str(e): p for e, p in v.items()} for k, v in data.items()}


# ---------------------------------------------------------------------- table output
def write_table(result: CoalitionResult, out: TextIO) -> None:
    """The comparison for a terminal: headline, members side by side, both packages' items."""
    co, us = result.coalition, result.us_only
    out.write(
        f"Coalition package for {result.partner}, {result.year}: members {', '.join(result.members)}; "
        f"risk budget {fmt_number(result.risk_budget, 3)}; "
        f"foreign-availability threshold {float(result.scenario.get('min_fa', DEFAULT_MIN_FA)):.2f}\n"
    )
    out.write(
        ("SYNTHETIC trade figures" if result.synthetic else "Real trade figures") + f" ({_short(result.source)})\n"
    )
    if result.proxied:
        out.write(f"Proxy values (no bilateral rows): {', '.join(result.proxied)}\n")
    out.write(
        f"coalition: {co.status} ({co.solver}), smallest relative gain {fmt_share(co.min_relative_gain, 1)}; "
        f"US-only: {us.status}, smallest relative gain {fmt_share(us.min_relative_gain, 1)}\n\n"
    )
    rows = [
        {
            "member": g.member,
            "potential": fmt_usd(g.potential_usd),
            "coalition gain": fmt_usd(g.coalition_gain_usd),
            "coalition %": fmt_share(g.coalition_relative_gain, 1),
            "US-only gain": fmt_usd(g.us_only_gain_usd),
            "US-only %": fmt_share(g.us_only_relative_gain, 1),
            "basis": "proxy" if g.member in result.proxied else ("item table" if g.member == "USA" else "bilateral"),
        }
        for g in result.member_gains
    ]
    emit_frame(pd.DataFrame(rows), "table", out)
    for side in (co, us):
        out.write(f"\n{side.label} package ({side.objective}): ")
        if not side.found:
            out.write(f"none ({side.status})\n")
            continue
        out.write(
            f"{len(side.items)} items, risk {fmt_number(side.risk_used, 3)}, "
            f"members' total {fmt_usd(side.total_value_usd)}\n"
        )
        if side.items:
            emit_frame(pd.DataFrame([_item_row(i, result.members) for i in side.items]), "table", out)


def _item_row(item: PackageItem, members: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "eccn": item.eccn,
        "tier": item.tier,
        "risk": fmt_number(item.risk, 3),
        "fa": fmt_number(item.fa_score, 2),
    }
    for m in members:
        row[m] = fmt_usd(item.values_usd.get(m))
    # the relief and the licence requirement on the partner it removes (the concession's basis)
    row["relief"] = instrument_cite({"mode": item.mode, "instrument": item.instrument})
    row["relieves"] = basis_cite({"licence_basis": item.licence_basis})
    row["why"] = item.why
    return row


def _short(text: str, n: int = 90) -> str:
    return cut_words(text, n)
