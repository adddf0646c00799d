"""`decontrol exchange`: the two-sided package (US gives against US asks) and the reference exchanges.

    decontrol exchange --partner CHN [--date YYYY-MM-DD] [--horizon DAYS] [--year Y] [--balance 1 | LOW:HIGH]
                       [--risk-price USD] [--supply-premium S] [--modes ..] [--lock ECCN ..] [--force ECCN ..]
                       [--min-fa F] [--max-items N] [--risk-budget R] [--bis-alone] [--unsourced]
                       [--slide OUT.pptx] [--xlsx OUT.xlsx] [--format table|csv|json] [--data DIR]
    decontrol exchange --partner CHN --frontier 0,0.5,1,2 [...]
    decontrol exchange --reference busan|london|geneva|all [--format ...]

Both go through `optimizer.gets.package` (`exchange_package`, `reference_exchange`), the functions
the dashboard's Gives and gets page calls. Exit codes: 0 an exchange was found (or a reference
valued), 2 bad input, 3 no exchange satisfies the balance and the constraints.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.cli.common import add_data_flag, add_format_flag, emit_frame, emit_json
from optimizer.errors import DecontrolError, InfeasibleError
from optimizer.formatting import fmt_number, fmt_usd
from optimizer.vocabulary import Status


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "exchange",
        help="two-sided package: US gives (decontrol) against US gets (partner relief)",
        description="Choose US gives (decontrol of items) and US asks (relief of the partner's own "
        "export controls) together, maximising the US net gain under a balance condition; "
        "or value a reference exchange of 2025 (--reference).",
    )
    p.add_argument("--partner", default=None, metavar="ISO3", help="partner country, e.g. CHN")
    p.add_argument(
        "--reference",
        default=None,
        metavar="NAME",
        help="value a past exchange (geneva, london, busan) or 'all', instead of optimising",
    )
    p.add_argument(
        "--date", default=None, metavar="YYYY-MM-DD", help="partner measures' status on this date (default: today)"
    )
    p.add_argument(
        "--horizon",
        default="90",
        metavar="DAYS",
        help="a suspension lapsing within this many days can be asked to be extended (default 90)",
    )
    p.add_argument("--year", type=int, default=None, help="trade year (default: the latest)")
    p.add_argument(
        "--balance",
        default="1",
        metavar="SHARE|LOW:HIGH",
        help="the partner's gain at least SHARE x the US gain (default 1), or within a band LOW:HIGH",
    )
    p.add_argument(
        "--fair",
        action="store_true",
        help="the max-min split of gains (the larger of the two sides' smaller gain) instead of the US net "
        "gain under --balance",
    )
    p.add_argument(
        "--risk-price",
        default="10m",
        metavar="USD",
        help="US$ per risk point of the gives in the US net gain (default 10m; a stated price)",
    )
    p.add_argument(
        "--supply-premium",
        default="0.25",
        metavar="S",
        help="share of US imports at risk that relief of a measure secures (default 0.25; an assumption)",
    )
    p.add_argument(
        "--modes",
        default=None,
        metavar="LIST",
        help="US relief instruments: lift,exception,approval,meu_removal (default all)",
    )
    p.add_argument("--lock", nargs="+", action="extend", default=None, metavar="ECCN", help="items never given")
    p.add_argument("--force", nargs="+", action="extend", default=None, metavar="ECCN", help="items always given")
    p.add_argument("--min-fa", default=None, metavar="F", help="foreign-availability threshold 0-1")
    p.add_argument("--max-items", default=None, metavar="N", help="at most N items given")
    p.add_argument("--risk-budget", default=None, metavar="R", help="risk of the gives at most R")
    p.add_argument("--bis-alone", action="store_true", default=None, help="only items BIS can decide alone")
    p.add_argument(
        "--unsourced",
        action="store_true",
        help="value measures without published HS codes on the unsourced candidates (labelled)",
    )
    p.add_argument("--time-limit", default=None, metavar="S", help="solver time limit, seconds (default 60)")
    p.add_argument(
        "--frontier",
        default=None,
        metavar="SHARES",
        help="instead of one exchange, the US net gain at each balance share, e.g. 0,0.5,1,1.5,2",
    )
    p.add_argument(
        "--slide",
        type=Path,
        default=None,
        metavar="OUT.pptx",
        help="also write a one-slide brief of the exchange next to the reference exchanges (internal)",
    )
    p.add_argument(
        "--xlsx",
        type=Path,
        default=None,
        metavar="OUT.xlsx",
        help="also write the exchange workbook (ledger, measures, reference exchanges, assumptions)",
    )
    p.add_argument("--marking", default="", help="handling marking on the slide (default: the internal marking)")
    add_format_flag(p, choices=("table", "csv", "json"))
    add_data_flag(p)
    p.set_defaults(func=run)


def _number(flag: str, text: str) -> float:
    from optimizer.validation import NumberError, read_number

    try:
        return read_number(str(text))
    except NumberError as exc:
        what = "a finite number" if exc.kind == "nonfinite" else "a number"
        raise DecontrolError(f"{flag} {text!r}: expected {what}") from None


def settings_from_args(args: argparse.Namespace) -> Any:
    """The exchange settings the flags give (DecontrolError naming the flag)."""
    from optimizer.cli.optimize import parse_usd
    from optimizer.gets.exchange import ExchangeSettings
    from optimizer.gets.package import parse_balance

    low, high = parse_balance(args.balance)
    price = parse_usd(
        args.risk_price,
        "--risk-price",
        what="a risk price",
        per="per risk point",
        field="the dashboard's risk price field is in millions",
    )
    premium = _number("--supply-premium", args.supply_premium)
    if not 0 <= premium <= 1:
        raise DecontrolError(f"--supply-premium {args.supply_premium!r}: expected a share between 0 and 1")
    return ExchangeSettings(
        balance_share=low,
        balance_upper=high,
        risk_price_usd=price,
        supply_premium=premium,
        objective="fair" if getattr(args, "fair", False) else "net_gain",
    )


def scenario_from_args(args: argparse.Namespace) -> Any:
    from optimizer.model.scenario import Scenario, with_overrides

    overrides: dict[str, Any] = {
        "modes": args.modes,
        "min_fa": args.min_fa,
        "max_items": args.max_items,
        "risk_budget": args.risk_budget,
        "bis_alone": args.bis_alone,
        "time_limit_s": args.time_limit,
    }
    if args.lock:
        overrides["locks"] = [x for v in args.lock for x in v.split(",") if x]
    if args.force:
        overrides["forced"] = [x for v in args.force for x in v.split(",") if x]
    return with_overrides(Scenario(), overrides)


def run(args: argparse.Namespace) -> int:
    from optimizer.data.load import load_dataset

    if args.reference is None and not args.partner:
        raise DecontrolError(
            "give --partner ISO3 (a proposed exchange) or --reference NAME (a past one: geneva, london, busan, all)"
        )
    try:
        horizon = int(str(args.horizon).strip())
    except ValueError:
        raise DecontrolError(f"--horizon {args.horizon!r}: expected a whole number of days") from None
    settings = settings_from_args(args)
    if args.reference is not None:
        return _reference(load_dataset(args.data), args, settings)
    for path, suffix in ((args.slide, ".pptx"), (args.xlsx, ".xlsx")):
        if path is not None and path.suffix.lower() != suffix:
            raise DecontrolError(f"{path} must end in {suffix}")
        if path is not None and not path.resolve().parent.is_dir():
            raise DecontrolError(f"folder {path.resolve().parent} does not exist")
    scenario = scenario_from_args(args)
    from optimizer.gets.package import exchange_package

    ds = load_dataset(args.data)
    if args.frontier is not None:
        return _frontier(ds, args, settings, scenario, horizon)
    rep = exchange_package(
        ds,
        args.partner,
        day=args.date,
        year=args.year,
        horizon_days=horizon,
        settings=settings,
        scenario=scenario,
        include_unsourced=args.unsourced,
    )
    out = rep.to_dict()
    if args.slide is not None or args.xlsx is not None:
        _write_brief(ds, rep, args, settings)
    if args.format == "json":
        emit_json(out)
    elif args.format == "csv":
        emit_frame(ledger_frame(out), "csv")
    else:
        _print_exchange(out)
    for w in rep.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if not rep.found:
        raise InfeasibleError(
            f"no exchange ({rep.status}): no choice of gives and gets meets the balance "
            f"({_balance_text(out['settings'])}) under the constraints"
        )
    return 0


def _frontier(ds: Any, args: argparse.Namespace, settings: Any, scenario: Any, horizon: int) -> int:
    from optimizer.gets.package import exchange_frontier

    shares = [_number("--frontier", x) for x in str(args.frontier).split(",") if x.strip()]
    points = exchange_frontier(
        ds,
        args.partner,
        shares,
        day=args.date,
        year=args.year,
        horizon_days=horizon,
        settings=settings,
        scenario=scenario,
        include_unsourced=args.unsourced,
    )
    frame = pd.DataFrame(points)
    frame["synthetic"] = bool(ds.trade_synthetic)
    if args.format == "json":
        emit_json(
            {
                "partner": args.partner,
                "synthetic": bool(ds.trade_synthetic),
                "source": str(ds.trade_source),
                "points": points,
            }
        )
    elif args.format == "csv":
        emit_frame(frame, "csv")
    else:
        print(f"US net gain against the balance (partner's gain >= share x US gain), {_label(ds.trade_synthetic)}:")
        view = frame.drop(columns=["synthetic"]).copy()
        for c in ("us_net_gain_usd", "us_gain_usd", "partner_gain_usd"):
            view[c] = view[c].map(fmt_usd)
        emit_frame(view, "table")
    return 0


def _write_brief(ds: Any, rep: Any, args: argparse.Namespace, settings: Any) -> None:
    """The slide and workbook of the exchange, with the reference exchanges valued alike (US-China only)."""
    from optimizer.briefing.exchange import write_exchange_slide, write_exchange_workbook
    from optimizer.gets.package import reference_exchange, reference_names

    refs = (
        [reference_exchange(ds, n, partner=rep.partner, year=rep.year, settings=settings) for n in reference_names(ds)]
        if rep.partner == "CHN"
        else []
    )
    if args.slide is not None:
        write_exchange_slide(rep, refs, args.slide, args.marking)
        print(
            f"wrote {args.slide} (internal; {'SYNTHETIC' if rep.gets_synthetic else 'real'} trade figures)",
            file=sys.stderr,
        )
    if args.xlsx is not None:
        write_exchange_workbook(rep, refs, args.xlsx)
        print(f"wrote {args.xlsx}", file=sys.stderr)


def ledger_frame(out: dict[str, Any]) -> pd.DataFrame:
    """Gives and gets as one table (a `side` column), every row with its real/synthetic label and source."""
    rows = [
        {
            "side": "US gives",
            "id": g["eccn"],
            "what": g["heading"],
            "relief": g["instrument"],
            "value_usd": g["value_usd"],
            "risk": g["risk"],
            "status": "",
            "hs6": g["hs6"],
            "unsourced_hs6": "",
            "basis": g["instrument_detail"],
            "synthetic": g["synthetic"],
            "source": g["source"],
        }
        for g in out["gives"]
    ]
    rows += [
        {
            "side": "US gets",
            "id": g["measure_id"],
            "what": g["item_group"],
            "relief": g["relief"],
            "value_usd": g["value_usd"],
            "risk": None,
            "status": g["status"],
            "hs6": g["hs6_used"],
            "unsourced_hs6": g["unsourced_hs6"],
            "basis": g["hs6_basis"],
            "synthetic": g["synthetic"],
            "source": g["source"],
        }
        for g in out["gets"]
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "side",
            "id",
            "what",
            "relief",
            "value_usd",
            "risk",
            "status",
            "hs6",
            "unsourced_hs6",
            "basis",
            "synthetic",
            "source",
        ],
    )


def _balance_text(s: dict[str, Any]) -> str:
    if s.get("objective") == "fair":
        return "max-min split: the smaller of the US net gain and the partner's gain, as large as possible"
    if s.get("balance_upper") is None:
        return f"partner's gain >= {s['balance_share']:g} x the US gain"
    return f"{s['balance_share']:g} x the US gain <= partner's gain <= {s['balance_upper']:g} x it"


def _label(synthetic: bool) -> str:
    return "SYNTHETIC trade figures" if synthetic else "real trade figures"


def _print_exchange(d: dict[str, Any]) -> None:
    from optimizer.gets.package import nothing_to_ask

    print(f"Exchange with {d['partner']}: measures on {d['date']}, trade {d['year']} - status {d['status']}")
    print(
        f"  US gives (the partner's gain): {fmt_usd(d['partner_gain_usd'])}/yr ({_label(d['gives_synthetic'])}; "
        "licence-bound value from the item table)"
    )
    print(f"  US gets (relief of partner measures): {fmt_usd(d['us_gain_usd'])}/yr ({_label(d['gets_synthetic'])})")
    ratio = d.get("balance_ratio")
    print(f"  balance: {_balance_text(d['settings'])}" + (f"; achieved {ratio:.2f}" if ratio is not None else ""))
    print(
        f"  risk of the gives {fmt_number(d['risk'], 4)} x {fmt_usd(d['settings']['risk_price_usd'])}/point: "
        f"US net gain {fmt_usd(d['us_net_gain_usd'])}/yr"
    )
    if d["gives"]:
        view = pd.DataFrame(d["gives"])[["eccn", "instrument", "value_usd", "risk", "hs6"]]
        view["value_usd"] = view["value_usd"].map(fmt_usd)
        view["risk"] = view["risk"].map(lambda v: fmt_number(v, 4))
        print("\nUS gives (decontrol):")
        emit_frame(view, "table")
    if d["gets"]:
        view = pd.DataFrame(d["gets"])[
            ["measure_id", "item_group", "relief", "status", "us_imports_from_partner_usd", "value_usd", "hs6_basis"]
        ]
        view["us_imports_from_partner_usd"] = view["us_imports_from_partner_usd"].map(fmt_usd)
        view["value_usd"] = view["value_usd"].map(fmt_usd)
        view = view.rename(columns={"us_imports_from_partner_usd": "US imports", "hs6_basis": "HS codes"})
        print("\nUS gets (relief of the partner's measures):")
        emit_frame(view, "table")
    if not d["gives"] and not d["gets"] and d["status"] == Status.OPTIMAL:
        if nothing_to_ask(d["measures"]):
            print(
                f"\nNo exchange to make: no partner measure on {d['date']} has a relief the US could ask for, so "
                "there is no get to balance a give (why, measure by measure: 'Not asked' below; try another --date)."
            )
        else:
            print(
                "\nNo exchange is worth making: at this risk price no give costs less than the gets it would "
                "balance (lower --risk-price, or raise --supply-premium)."
            )
    reasons = pd.Series([m["offer"] for m in d["measures"] if m["offer"] != "asked"]).value_counts()
    if len(reasons):
        print("\nNot asked: " + "; ".join(f"{n} {r}" for r, n in reasons.items()))
    if d["unsourced_hs6"]:
        print(f"UNSOURCED HS codes in the gets: {', '.join(d['unsourced_hs6'])}")
    print("\nAssumptions:")
    for a in d["assumptions"]:
        print(f"  - {a}")


def _reference(ds: Any, args: argparse.Namespace, settings: Any) -> int:
    from optimizer.estimation import build_item_table
    from optimizer.gets.package import REFERENCE_COLUMNS, reference_exchange, reference_names

    names = reference_names(ds) if str(args.reference).strip().lower() == "all" else [args.reference]
    partner = str(args.partner or "CHN").strip().upper()
    items = build_item_table(ds, partner, args.year)
    refs = [reference_exchange(ds, n, partner=partner, year=args.year, settings=settings, items=items) for n in names]
    if args.format == "json":
        emit_json({"references": [r.to_dict() for r in refs]})
        return 0
    if args.format == "csv":
        frame = pd.DataFrame(
            [{"exchange": r.name, "date": r.date} | ln for r in refs for ln in r.lines],
            columns=["exchange", "date", *REFERENCE_COLUMNS],
        )
        emit_frame(frame, "csv")
        return 0
    for r in refs:
        print(f"{r.name} ({r.date}), valued on trade {r.year} ({_label(r.synthetic)}):")
        by_code = any(ln["value_usd"] is not None for ln in r.lines if ln["side"] == "partner_gives")
        print(
            f"  {r.partner} gave (US gets): "
            + (f"{fmt_usd(r.partner_gives_usd)}/yr on published HS codes" if by_code else "nothing the model values")
            + (
                f", {fmt_usd(r.partner_gives_unsourced_usd)}/yr more on UNSOURCED codes"
                if r.partner_gives_unsourced_usd
                else ""
            )
        )
        by_item = any(ln["value_usd"] is not None for ln in r.lines if ln["side"] == "us_gives")
        print(
            "  US gave (the partner's gain): "
            + (f"{fmt_usd(r.us_gives_usd)}/yr from the item table" if by_item else "nothing the item table values")
            + (f", {fmt_usd(r.us_gives_unsourced_usd)}/yr on UNSOURCED codes" if r.us_gives_unsourced_usd else "")
        )
        print(f"  {r.not_valued} of {len(r.lines)} lines outside the model (not valued)")
        for ln in r.lines:
            side = "US gave" if ln["side"] == "us_gives" else f"{r.partner} gave"
            parts = ([fmt_usd(ln["value_usd"])] if ln["value_usd"] else []) + (
                [f"{fmt_usd(ln['unsourced_value_usd'])} on UNSOURCED codes"] if ln["unsourced_value_usd"] else []
            )
            value = " + ".join(parts) if ln["valued"] and parts else "not valued"
            print(
                f"  - {side}, {ln['relief'].replace('_', ' ')}: {value}. "
                f"{textwrap.shorten(ln['what'], 100, placeholder=' ...')}"
            )
            print(f"      {ln['basis']}")
        print()
    print("Assumptions:")
    for a in refs[-1].assumptions if refs else []:
        print(f"  - {a}")
    return 0
