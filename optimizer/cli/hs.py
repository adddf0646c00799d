"""`decontrol hs` and `decontrol search`: the HS tree of a trade flow, and the control list by HS code or word.

    decontrol hs [PREFIX] --partner CHN [--year Y] [--flow exports|imports] [--format table|csv|json] [--data DIR]
    decontrol search QUERY [--partner CHN] [--year Y] [--format table|csv|json] [--data DIR]

`hs` prints what the Trade page's drill-down shows: the chapters of US trade with the partner, the
headings of a chapter (`hs 84`), the subheadings of a heading (`hs 8458`), or the CCL items the
concordance maps into a subheading (`hs 845891`). `search` finds items by ECCN, heading, reason,
HS code ("845891", "8458.91") or product name ("lathe"), as the Control list's search does.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from optimizer.cli.common import add_data_flag, add_format_flag, emit_frame, emit_json

if TYPE_CHECKING:
    from optimizer.data.load import Dataset


#: The partner `search` reads tiers for when no --partner is given.
SEARCH_PARTNER = "CHN"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "hs",
        help="US trade with a partner down the HS tree, and the CCL items mapped into a code",
        description="Chapters, then headings, then subheadings of US trade with the partner; at a "
        "subheading, the CCL items the concordance maps into it.",
    )
    p.add_argument("prefix", nargs="?", default="", help="HS chapter, heading or subheading (default: all chapters)")
    p.add_argument("--partner", default="CHN", metavar="ISO3", help="partner country (default CHN)")
    p.add_argument("--year", type=int, default=None, help="trade year (default: the latest)")
    p.add_argument("--flow", choices=("exports", "imports"), default="exports", help="US exports or imports")
    add_format_flag(p)
    add_data_flag(p)
    p.set_defaults(func=run_hs)

    s = sub.add_parser(
        "search",
        help="find control list items by HS code or word (heading, HS names, concordance)",
        description="Items whose ECCN, heading, reasons, HS codes, HS names or concordance rationale "
        "hold every word of the query.",
    )
    s.add_argument("query", help='e.g. "845891", "8458.91" or "lathe"')
    s.add_argument(
        "--partner", default=None, metavar="ISO3", help="partner whose item table (and tiers) is searched (default CHN)"
    )
    s.add_argument("--year", type=int, default=None, help="trade year (default: the latest)")
    add_format_flag(s)
    add_data_flag(s)
    s.set_defaults(func=run_search)


def _year(ds: Dataset, year: int | None) -> int:
    """The trade year asked for, checked against the data (None: the latest)."""
    from optimizer.data.trade import check_year

    return check_year(ds, year, "--year", needs="no HS breakdown")


def run_hs(args: argparse.Namespace) -> int:
    from optimizer.data.hs_tree import check_known, check_prefix, children, code_names, flow_by_hs6, items_in
    from optimizer.data.load import load_dataset
    from optimizer.estimation.item_table import check_partner

    check_prefix(args.prefix)  # a malformed code is refused before the data is read
    ds = load_dataset(args.data)
    partner = check_partner(ds, args.partner)
    label = "SYNTHETIC" if ds.trade_synthetic else "real"
    names = code_names(ds.hs6, ds.hs2)
    prefix = check_known(args.prefix, names, ds.trade["hs6"], ds.concordance.get("hs6", ds.hs6["hs6"].iloc[:0]))
    if len(prefix) == 6:
        table = items_in(ds.concordance, prefix)
        heads = dict(zip(ds.ccl["eccn"], ds.ccl["heading"]))
        table.insert(1, "heading", table["eccn"].map(lambda e: heads.get(e, heads.get(e.split("-")[0], ""))))
        table["heading"] = table["heading"].fillna("").astype(str).str.slice(0, 70)
        if args.format == "json":
            emit_json({"hs6": prefix, "name": names.get(prefix, ""), "items": table.to_dict(orient="records")})
        elif args.format == "csv":
            emit_frame(table, "csv")
        elif table.empty:
            print(f"no CCL items are mapped to {prefix} {names.get(prefix, '')} (analyst-made concordance)".rstrip())
        else:
            print(f"CCL items mapped to {prefix} {names.get(prefix, '')} (analyst-made concordance):")
            emit_frame(table.drop(columns=["rationale"]), "table")
        return 0
    year = _year(ds, args.year)
    level = children(flow_by_hs6(ds.trade, partner, year, args.flow), prefix, names, ds.concordance)
    if args.format == "json":
        emit_json(
            {
                "partner": partner,
                "year": year,
                "flow": args.flow,
                "prefix": prefix,
                "synthetic": bool(ds.trade_synthetic),
                "source": str(ds.trade_source),
                "codes": level.frame.to_dict(orient="records"),
            }
        )
    elif args.format == "csv":
        emit_frame(level.frame, "csv")
    else:
        from optimizer.formatting import cut_words, fmt_usd

        direction = "US exports to" if args.flow == "exports" else "US imports from"
        print(
            f"{direction} {partner}, {year}, {level.label} under {prefix or 'all chapters'} "
            f"({label} trade figures: {cut_words(ds.trade_source, 80)}): "
            + ("no data" if level.frame.empty else fmt_usd(level.total_usd))
        )
        if level.frame.empty:
            what = f"under {prefix} {names.get(prefix, '')}".rstrip() if prefix else "in any chapter"
            print(f"the trade table has no rows for {direction} {partner} {what} in {year}")
            return 0
        view = level.frame.copy()
        view["value"] = view["value_usd"].map(fmt_usd)
        view["share"] = view["share"].map(lambda v: f"{v:.1%}")
        view["name"] = view["name"].str.slice(0, 60)
        emit_frame(view[["code", "name", "value", "share", "items"]], "table")
    return 0


def run_search(args: argparse.Namespace) -> int:
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table
    from optimizer.search import search_items, search_text

    ds = load_dataset(args.data)
    partner = str(args.partner or SEARCH_PARTNER).strip().upper()
    items = build_item_table(ds, partner, _year(ds, args.year))
    found = search_items(items, search_text(items, ds.hs6, ds.concordance), args.query)
    table = found[[c for c in ("eccn", "heading", "tier", "reasons", "hs6") if c in found.columns]].copy()
    if args.format == "json":
        emit_json({"query": args.query, "partner": partner, "items": table.to_dict(orient="records")})
    elif args.format == "csv":
        emit_frame(table, "csv")
    elif table.empty:
        print(f"nothing matches {args.query!r} (ECCN, heading, reasons, HS codes and names of {len(items)} items)")
    else:
        print(f"{len(table)} of {len(items)} items match {args.query!r} (ECCN, heading, reasons, HS codes and names)")
        print(f"tiers for {partner}" + (" (the default; --partner to change)" if args.partner is None else ""))
        table["heading"] = table["heading"].str.slice(0, 70)
        table["hs6"] = table["hs6"].fillna("").str.slice(0, 40)
        emit_frame(table, "table")
    return 0
