"""`decontrol optimize` and `decontrol frontier`: packages and the value-risk trade-off from the CLI.

    decontrol optimize (--partner ISO3 [--year Y] [--data DIR] | --items FILE.csv) --target USD
        [--objective min-risk|max-value|min-items] [--min-fa F] [--max-items N]
        [--modes lift,exception,approval,meu_removal] [--mode-share MODE=V/R] [--lock ECCN ..] [--force ECCN ..]
        [--risk-budget R]
        [--cap CAT:N] [--cap-share CAT:S] [--allies ISO3,..] [--allow-opposed --ally-penalty P]
        [--no-coherence] [--bis-alone] [--solver auto|cbc|highs] [--time-limit S] [--rel-gap G]
        [--scenario FILE.json] [--alternatives N [--tolerance T]] [--format json|csv|table]
    decontrol frontier ... --points N

Flags override the values of `--scenario FILE.json` (the `Scenario` dict). Targets accept plain
dollars or suffixes: 2e9, 2000000000, 2bn, 750m, $1.5bn; a bare number below 1000 (`--target 2`)
is refused as having no unit.

Exit codes: 0 a package was found; 2 bad input (message, no traceback); 3 no package: infeasible
(the message gives the largest achievable target and what blocks), or stopped at the time limit
before finding one. JSON output is printed in every case, so scripts can read the diagnosis.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from optimizer.cli.common import add_data_flag, emit_frame, emit_json
from optimizer.errors import DecontrolError, InfeasibleError
from optimizer.formatting import fmt_number, fmt_share, fmt_usd
from optimizer.model.scenario import DEFAULT_MIN_FA, OBJECTIVES, SOLVERS, Scenario, read_scenario_json, with_overrides
from optimizer.vocabulary import Status, reason_label

if TYPE_CHECKING:
    # pandas, the audience columns and the risk scale are imported where a table is made or printed:
    # `decontrol optimize --help` needs none of them, and JSON output needs no audience or risk module
    import pandas as pd

    from optimizer.data.load import Dataset

#: A number without a unit below this is refused rather than read as dollars: nobody means a target
#: of US$ 2 a year, and "2" typed from the dashboard's billions field must not become one.
BARE_MINIMUM_USD = 1000.0
_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "t": 1e12}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "optimize",
        help="suggest a decontrol package for a concession target",
        description="Find the package of legacy items that meets a concession target at the "
        "least risk (or another objective) under the given constraints.",
    )
    _scenario_flags(p)
    p.add_argument(
        "--alternatives", type=int, default=0, metavar="N", help="also give N diverse near-optimal packages (1-20)"
    )
    p.add_argument(
        "--tolerance",
        type=float,
        default=0.05,
        metavar="T",
        help="alternatives stay within this share of the optimum (default 0.05)",
    )
    p.set_defaults(func=run_optimize)

    f = sub.add_parser(
        "frontier",
        help="least-risk packages for targets from 0 to the largest achievable",
        description="Sweep the concession target from 0 to the largest achievable and give the "
        "least-risk package at each point, the knees and each item's entry target.",
    )
    _scenario_flags(f, target_required=False)
    f.add_argument("--points", type=int, default=30, metavar="N", help="number of targets (default 30)")
    f.set_defaults(func=run_frontier)


def _scenario_flags(p: argparse.ArgumentParser, target_required: bool = True) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--partner", metavar="ISO3", help="build the item table for this partner (e.g. CHN)")
    src.add_argument(
        "--items",
        type=Path,
        metavar="FILE.csv",
        help="an analyst's item table (eccn, tier, value_usd, risk, fa_score, ...)",
    )
    p.add_argument("--year", type=int, default=None, help="trade year for --partner (default: latest)")
    add_data_flag(p)
    p.add_argument(
        "--target",
        default=None,
        metavar="USD",
        help="concession target, US$ per year (2e9, 2bn, 750m)"
        + ("" if target_required else " (ignored by the sweep)"),
    )
    p.add_argument("--objective", choices=OBJECTIVES, default=None, help="default min-risk")
    p.add_argument(
        "--min-fa",
        type=str,
        default=None,
        metavar="F",
        help=f"foreign-availability threshold 0-1 (default {DEFAULT_MIN_FA:g}, as in the dashboard)",
    )
    p.add_argument("--max-items", type=str, default=None, metavar="N", help="at most N items")
    p.add_argument(
        "--modes",
        default=None,
        metavar="LIST",
        help="relief instruments allowed: lift,exception,approval,meu_removal (default: all; each item "
        "offers only those that exist for it and the partner; 'full' is read as lift)",
    )
    p.add_argument(
        "--mode-share",
        action="append",
        default=None,
        metavar="MODE=V/R",
        help="share of the value a mode unlocks and of the risk it carries, e.g. exception=0.6/0.4 "
        "(defaults: lift 1/1, exception 0.7/0.5, approval 0.4/0.25, meu_removal 1/1; assumptions, "
        "not estimates)",
    )
    p.add_argument("--lock", nargs="+", action="extend", default=None, metavar="ECCN", help="items never relieved")
    p.add_argument("--force", nargs="+", action="extend", default=None, metavar="ECCN", help="items always relieved")
    p.add_argument("--risk-budget", type=str, default=None, metavar="R", help="total risk at most R")
    p.add_argument(
        "--cap",
        action="append",
        default=None,
        metavar="CAT:N",
        help="at most N items of CCL category CAT (repeat for several)",
    )
    p.add_argument(
        "--cap-share",
        action="append",
        default=None,
        metavar="CAT:S",
        help="category CAT at most share S (0-1) of the package value",
    )
    p.add_argument("--allies", default=None, metavar="LIST", help="ally positions considered (ISO3,..; default all)")
    p.add_argument(
        "--allow-opposed",
        action="store_true",
        default=None,
        help="allow items an ally opposes, at --ally-penalty risk points per opposing ally",
    )
    p.add_argument("--ally-penalty", type=str, default=None, metavar="P", help="risk points per opposing ally")
    p.add_argument(
        "--max-diversion",
        type=str,
        default=None,
        metavar="S",
        help="leave out items whose codes show a diversion signal with combined score >= S (0-1; "
        "0.5 = the validated alarm threshold); needs the mirror trade table",
    )
    p.add_argument(
        "--bis-alone",
        dest="bis_alone",
        action="store_true",
        default=None,
        help="only items BIS can decide alone (no multilateral regime, statute or other agency)",
    )
    p.add_argument(
        "--no-coherence",
        dest="coherence",
        action="store_false",
        default=None,
        help="allow software/technology relief without relief of its hardware",
    )
    p.add_argument(
        "--solver",
        choices=SOLVERS,
        default=None,
        help="auto (default: chosen per model class, see optimizer/model/README.md), cbc or highs",
    )
    p.add_argument("--time-limit", type=str, default=None, metavar="S", help="solver time limit, seconds (default 60)")
    p.add_argument("--rel-gap", type=str, default=None, metavar="G", help="relative optimality gap (default 0.001)")
    p.add_argument("--scenario", type=Path, default=None, metavar="FILE.json", help="scenario file; flags override it")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default table)")


# ---------------------------------------------------------------------- inputs
def parse_usd(
    text: str,
    name: str = "target",
    *,
    what: str = "a concession target",
    per: str = "a year",
    field: str = "the dashboard's target field is in billions",
) -> float:
    """'2e9', '2,000,000,000', '2bn', '$750m' -> US$; DecontrolError for anything else or a negative.
    `name` is the amount's name in the messages (a flag, e.g. '--risk-price'), `what` what it is, `per`
    what a dollar of it is per, `field` the unit of the dashboard's field for it (a unit-less amount
    below BARE_MINIMUM_USD is refused, not read as dollars)."""
    s = str(text).strip().lower().replace(",", "").replace("_", "").replace("$", "").replace("usd", "").strip()
    m = re.fullmatch(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([a-z]*)", s)
    if not m or m.group(2) not in _SUFFIX:
        raise DecontrolError(f"{name} {text!r} is not an amount in US dollars (e.g. 2e9, 2bn, 750m)")
    value = float(m.group(1)) * _SUFFIX[m.group(2)]
    if value < 0:
        raise DecontrolError(f"{name} {text!r} is negative: {what} is an amount >= 0")
    if value != value or value == float("inf"):
        raise DecontrolError(f"{name} {text!r} is not a finite amount")
    if not m.group(2) and 0 < value < BARE_MINIMUM_USD:
        raise DecontrolError(
            f"{name} {text!r} has no unit, so it would be {value:g} US dollars {per}: write the "
            f"unit ({m.group(1)}bn, {m.group(1)}m, {m.group(1)}k) or the amount in full dollars "
            f"({field}, this flag is not)"
        )
    return value


def _caps(args: argparse.Namespace, base: dict[str, Any]) -> dict[str, Any] | None:
    if not args.cap and not args.cap_share:
        return None
    caps = {k: dict(v) for k, v in (base.get("category_caps") or {}).items()}
    for flag, key, values in (
        ("--cap", "max_items", args.cap or []),
        ("--cap-share", "max_value_share", args.cap_share or []),
    ):
        for v in values:
            cat, sep, amount = str(v).partition(":")
            if not sep or not cat.strip() or not amount.strip():
                raise DecontrolError(
                    f"{flag} {v!r}: expected CATEGORY:{'N' if key == 'max_items' else 'SHARE'}, e.g. 3:2"
                )
            caps.setdefault(cat.strip(), {})[key] = amount.strip()
    return caps


def _mode_params(args: argparse.Namespace, base: dict[str, Any]) -> dict[str, Any] | None:
    if not args.mode_share:
        return None
    params = {k: dict(v) for k, v in (base.get("mode_params") or {}).items()}
    for v in args.mode_share:
        mode, sep, shares = str(v).partition("=")
        value, slash, risk = shares.partition("/")
        if not sep or not slash or not mode.strip():
            raise DecontrolError(f"--mode-share {v!r}: expected MODE=VALUE_SHARE/RISK_SHARE, e.g. exception=0.6/0.4")
        params[mode.strip().lower()] = {"value_share": value.strip(), "risk_share": risk.strip()}
    return params


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """The scenario file (if any) with the flags laid over it; validated."""
    base = read_scenario_json(args.scenario) if args.scenario else {}
    sc = Scenario.from_dict(base)
    overrides: dict[str, Any] = {
        "target_usd": parse_usd(args.target) if args.target is not None else None,
        "objective": args.objective,
        "min_fa": args.min_fa,
        "max_items": args.max_items,
        "modes": args.modes,
        "mode_params": _mode_params(args, base),
        "risk_budget": args.risk_budget,
        "category_caps": _caps(args, base),
        "allies": args.allies,
        "allow_opposed": args.allow_opposed,
        "ally_penalty": args.ally_penalty,
        "coherence": args.coherence,
        "bis_alone": args.bis_alone,
        "solver": args.solver,
        "time_limit_s": args.time_limit,
        "rel_gap": args.rel_gap,
        "year": args.year,
        "max_diversion": getattr(args, "max_diversion", None),
        "partner": args.partner,
    }
    if args.lock:
        overrides["locks"] = list(sc.locks) + [x for v in args.lock for x in v.split(",") if x]
    if args.force:
        overrides["forced"] = list(sc.forced) + [x for v in args.force for x in v.split(",") if x]
    return with_overrides(sc, overrides)


def load_items(args: argparse.Namespace, scenario: Scenario) -> tuple[pd.DataFrame, set[str] | None, list[str]]:
    """The item table (built for --partner, or read from --items), the CCL's ECCNs, and warnings."""
    if args.items is not None:
        from optimizer.model.items import read_items_csv

        table = read_items_csv(args.items)
        known, warn = _ccl_eccns(args.data)
        table, more = align_with_rules(table, args, scenario)
        check_allies(None, scenario, table, args.data)
        if scenario.max_diversion is not None and "diversion_score" not in table.columns and scenario.partner:
            from optimizer.data.load import load_dataset
            from optimizer.diversion.exposure import for_scenario

            table = for_scenario(load_dataset(args.data), table, scenario.partner, scenario.max_diversion)
        return table, known, warn + more
    partner = scenario.partner
    if partner is None:
        raise DecontrolError("give --partner ISO3 (build the item table) or --items FILE.csv (an edited table)")
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    ds = load_dataset(args.data)
    table = build_item_table(ds, partner, scenario.year)
    check_allies(ds, scenario, table)
    warnings = list(table.attrs.get("warnings", []))
    from optimizer.diversion.exposure import for_scenario

    table = for_scenario(ds, table, partner, scenario.max_diversion)
    return table, set(ds.ccl["eccn"].astype(str)), warnings


def check_allies(ds: Dataset | None, scenario: Scenario, table: pd.DataFrame, data: Path | None = None) -> None:
    """Refuse (exit 2) an ally of `--allies` that is not a country of countries.csv (or is a group of
    countries, or the partner), unless the item table has positions for it (an edited table's own
    `ally_<code>` column). A real ally without positions stays a warning of the solve. `ds`: the
    loaded dataset (None: loaded from `data` only when some ally has no column)."""
    from optimizer.model.items import ally_columns

    have = ally_columns(table.reset_index(drop=True))
    rest = [a for a in scenario.allies or () if a not in have]
    if not rest:
        return
    from optimizer.data.trade import check_countries

    if ds is None:
        from optimizer.data.load import load_dataset

        ds = load_dataset(data)
    check_countries(ds, rest, role="ally", noun="an ally", many="allies", partner=scenario.partner)


def align_with_rules(
    table: pd.DataFrame, args: argparse.Namespace, scenario: Scenario
) -> tuple[pd.DataFrame, list[str]]:
    """An `--items` table held to the rules (`optimizer.estimation.reference.hold_to_rules`)."""
    from optimizer.estimation.reference import EDITED, hold_to_rules

    return hold_to_rules(table, args.data, scenario.partner, scenario.year, f"{EDITED} {Path(args.items).name}")


def _ccl_eccns(data: Path | None) -> tuple[set[str] | None, list[str]]:
    """ECCNs of the CCL in the data directory (only ccl.csv is read: the check must stay cheap)."""
    from optimizer.data.files import overlay_dirs, resolve_table_paths
    from optimizer.data.read import read_text_csv

    path = resolve_table_paths(overlay_dirs(data)).get("ccl")
    if path is None:
        return None, ["no CCL in the data directory: item ids were not checked against it"]
    try:
        ccl = read_text_csv(path, columns=("eccn",))
    except DecontrolError as exc:
        return None, [f"the CCL could not be read ({exc.message}): item ids were not checked against it"]
    if "eccn" not in ccl:
        return None, [f"{path} has no eccn column: item ids were not checked against it"]
    return set(ccl["eccn"].astype(str).str.strip()), []


# ---------------------------------------------------------------------- optimize
def run_optimize(args: argparse.Namespace) -> int:
    from optimizer.model import find_alternatives, solve_package

    sc = scenario_from_args(args)
    if args.target is None and not (args.scenario and "target_usd" in read_scenario_json(args.scenario)):
        raise DecontrolError("give --target USD (the concession target, e.g. 2bn), or a scenario file with target_usd")
    if args.alternatives and not 1 <= args.alternatives <= 20:
        raise DecontrolError(f"--alternatives must be from 1 to 20, got {args.alternatives}")
    items, known, warnings = load_items(args, sc)
    res = solve_package(items, sc, known_eccns=known)
    res.warnings[:0] = warnings
    alts = (
        find_alternatives(items, sc, n=args.alternatives, tolerance=args.tolerance, base=res, known_eccns=known)
        if args.alternatives and res.found
        else []
    )
    out = res.to_dict()
    if args.alternatives:
        out["alternatives"] = [a.to_dict() for a in alts]
    if args.format == "json":
        emit_json(out)
    elif args.format == "csv":
        emit_frame(_lines_frame(out["items"], out), "csv")
    else:
        _print_package(out)
    for w in res.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if not res.found:
        raise InfeasibleError(_no_package_message(out))
    return 0


def _no_package_message(out: dict[str, Any]) -> str:
    if out["status"] == Status.TIME_LIMIT:
        return (
            f"no package found within the time limit ({out['time_limit_s']:g} s); the problem was not proven "
            "infeasible: raise --time-limit"
        )
    diag = out.get("diagnosis") or {}
    return "infeasible: " + (diag.get("message") or "no package meets the target under the constraints")


def _lines_frame(lines: list[dict[str, Any]], out: dict[str, Any] | None = None) -> pd.DataFrame:
    """Package lines as a table; with `out` (the result), every row also says whether its figures are
    synthetic and where they come from, so a CSV never travels without its provenance."""
    import pandas as pd

    from optimizer.audience import LINE_COLUMNS

    frame = (
        pd.DataFrame(lines, columns=None).reindex(columns=list(LINE_COLUMNS))
        if lines
        else pd.DataFrame(columns=list(LINE_COLUMNS))
    )
    if out is not None:
        frame["synthetic"] = bool(out.get("synthetic"))
        frame["source"] = str(out.get("source") or out.get("trade_source") or "")
    return frame


def fa_threshold_line(scenario: dict[str, Any]) -> str:
    """The foreign-availability threshold a run used, said with every package (the same request
    must not rank a different set of eligible items in two places without saying why)."""
    used = float(scenario.get("min_fa", DEFAULT_MIN_FA))
    note = "the default" if used == DEFAULT_MIN_FA else f"default {DEFAULT_MIN_FA:.2f}"
    return f"foreign-availability threshold {used:.2f} ({note}; items below it are left out)"


def _print_package(d: dict[str, Any]) -> None:
    from optimizer.estimation.risk import RISK_UNIT

    data = "SYNTHETIC trade figures" if d["synthetic"] else "real trade figures"
    print(f"Package ({data}) - status {d['status']}" + (f", gap {fmt_share(d['gap'], 2)}" if d.get("gap") else ""))
    achieved = fmt_usd(d["achieved_usd"]) if d["achieved_usd"] is not None else "no package"
    top = fmt_usd(d["max_achievable_usd"]) if d["max_achievable_usd"] is not None else "none (no package at all)"
    print(f"  target {fmt_usd(d['target_usd'])}, achieved {achieved}, largest achievable {top}")
    print(f"  {fa_threshold_line(d.get('scenario') or {})}")
    print(
        f"  {d['n_items']} items, risk {fmt_number(d['risk'], 4)} {RISK_UNIT}"
        + (f" (+ ally penalty {fmt_number(d['ally_penalty'], 3)})" if d.get("ally_penalty") else "")
    )
    if d.get("marginal_risk_per_bn") is not None:
        print(f"  marginal risk per extra $1bn: {fmt_number(d['marginal_risk_per_bn'], 4)} (approximation, LP duals)")
    print(f"  solver {d['solver']}: {d['solve_seconds']:.2f} s solving, {d['total_seconds']:.2f} s in all")
    if d["items"]:
        view = _lines_frame(d["items"])
        view["value_usd"] = view["value_usd"].map(fmt_usd)
        view["risk"] = view["risk"].map(lambda v: fmt_number(v, 4))
        view["fa_score"] = view["fa_score"].map(fmt_share)
        view["heading"] = view["heading"].fillna("").astype(str).str.slice(0, 40)
        print()
        emit_frame(view, "table")
    if d["binding_constraints"]:
        print("\nBinding: " + "; ".join(b["detail"] for b in d["binding_constraints"]))
    counts = Counter(e["reason"] for e in d["excluded"])
    if counts:
        print("Left out: " + "; ".join(f"{reason_label(r)}: {n}" for r, n in counts.most_common()))
    if d.get("diagnosis"):
        print("\n" + d["diagnosis"]["message"])
    for k, alt in enumerate(d.get("alternatives", []), start=1):
        items = ", ".join(f"{l['eccn']}({l['mode'][0]})" for l in alt["items"])
        print(f"Alternative {k}: {fmt_usd(alt['achieved_usd'])}, risk {fmt_number(alt['risk'], 4)}: {items}")


# ---------------------------------------------------------------------- frontier
def run_frontier(args: argparse.Namespace) -> int:
    from optimizer.model import compute_frontier

    sc = scenario_from_args(args)
    items, known, warnings = load_items(args, sc)
    res = compute_frontier(items, sc, points=args.points, known_eccns=known)
    res.warnings[:0] = warnings
    out = res.to_dict()
    if args.format == "json":
        emit_json(out)
    else:
        import pandas as pd

        rows = pd.DataFrame(
            [
                {
                    "target_usd": p["target_usd"],
                    "achieved_usd": p["achieved_usd"],
                    "risk": p["risk"],
                    "n_items": p["n_items"],
                    "status": p["status"],
                    "items": ";".join(f"{l['eccn']}:{l['mode']}" for l in p["items"]),
                }
                for p in out["points"]
            ],
            columns=["target_usd", "achieved_usd", "risk", "n_items", "status", "items"],
        )
        if args.format == "csv":
            rows["synthetic"] = bool(out.get("synthetic"))
            rows["source"] = str(out.get("source") or out.get("trade_source") or "")
            emit_frame(rows, "csv")
        else:
            data = "SYNTHETIC trade figures" if out["synthetic"] else "real trade figures"
            print(
                f"Frontier ({data}): {len(rows)} point{'' if len(rows) == 1 else 's'} up to {fmt_usd(out['max_achievable_usd'])}, "
                f"solver {out['solver']}, {out['solve_seconds']:.2f} s; " + fa_threshold_line(out.get("scenario") or {})
            )
            view = rows.copy()
            for c in ("target_usd", "achieved_usd"):
                view[c] = view[c].map(fmt_usd)
            view["risk"] = view["risk"].map(lambda v: fmt_number(v, 4))
            view["items"] = view["items"].str.slice(0, 60)
            emit_frame(view, "table")
            if out["knees"]:
                print("Knees at " + ", ".join(fmt_usd(k["target_usd"]) for k in out["knees"]))
    for w in res.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if not out["points"]:
        raise InfeasibleError("infeasible: no package satisfies the constraints, whatever the target")
    return 0
