"""`decontrol trade`: the trade figures the Trade and Allies pages show, printed.

    decontrol trade --partner CHN [--years 2015:2024] [--view totals|chapters|controlled|allies]
                    [--flow exports|imports] [--allies GBR,JPN,NLD] [--format table|csv|json] [--data DIR]

Every figure comes from `optimizer.data.aggregates` (the functions the dashboard calls):
- `totals`: US exports, imports and balance with the partner per year (real Census totals);
- `chapters`: trade in the last year of the range by HS chapter (real Census chapters for China
  where they exist, else the HS6 trade layer summed to chapters; the basis is printed);
- `controlled`: US exports in HS codes mapped to CCL items, each code once under its strictest
  tier, and their share of US exports to the partner (the Trade page's overlay table);
- `allies`: each ally's exports to the world and to the partner (bilateral rows, else the
  coalition model's proxy, said so) and its regimes (the Allies page's panels).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from optimizer.cli.common import add_data_flag, add_format_flag, emit_frame, emit_json

if TYPE_CHECKING:
    import pandas as pd

VIEWS: tuple[str, ...] = ("totals", "chapters", "controlled", "allies")
DEFAULT_ALLIES = "GBR,JPN,NLD"


#: The command's own options (the format and data flags are the shared ones).
_OPTIONS: dict[str, dict[str, Any]] = {
    "--partner": {"required": True, "metavar": "ISO3", "help": "partner country, e.g. CHN"},
    "--years": {"metavar": "FIRST:LAST", "help": "year range (default: every year of the totals)"},
    "--view": {"choices": VIEWS, "default": "totals", "help": "which figures (default totals)"},
    "--flow": {"choices": ("exports", "imports"), "default": "exports", "help": "for --view chapters"},
    "--allies": {"default": DEFAULT_ALLIES, "metavar": "ISO3,..", "help": f"for --view allies ({DEFAULT_ALLIES})"},
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "trade",
        help="trade with a partner: totals, by HS chapter, controlled trade by tier, allies' exports",
        description="Print the trade aggregates the dashboard's Trade and Allies pages show.",
    )
    for flag, options in _OPTIONS.items():
        p.add_argument(flag, **options)
    add_format_flag(p)
    add_data_flag(p)
    p.set_defaults(func=run)


def parse_years(text: str | None, available: list[int]) -> tuple[int, int]:
    """`2018:2024` or `2024` within the available years; None gives the full range."""
    from optimizer.errors import DecontrolError

    if not available:
        raise DecontrolError("the data has no partner totals")
    if not text:
        return available[0], available[-1]
    parts = str(text).split(":")
    try:
        ys = [int(p.strip()) for p in parts]
    except ValueError:
        raise DecontrolError(f"--years {text!r}: expected FIRST:LAST, e.g. 2018:2024") from None
    if len(ys) not in (1, 2):
        raise DecontrolError(f"--years {text!r}: expected FIRST:LAST, e.g. 2018:2024")
    lo, hi = ys[0], ys[-1]
    if lo > hi:
        raise DecontrolError(f"--years {text}: the first year must not be after the last")
    if hi < available[0] or lo > available[-1]:
        raise DecontrolError(f"--years {text!r}: the totals cover {available[0]}-{available[-1]}")
    return max(lo, available[0]), min(hi, available[-1])


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from optimizer.data import aggregates as agg
    from optimizer.data.load import load_dataset
    from optimizer.errors import DecontrolError

    ds = load_dataset(args.data)
    partner = str(args.partner).strip().upper()
    if partner not in set(ds.partner_totals["partner"]) and partner not in set(ds.trade["importer"]):
        raise DecontrolError(f"--partner {partner}: no trade data for this partner")
    years = parse_years(args.years, sorted(int(y) for y in ds.partner_totals["year"].unique()))
    trade_label = "SYNTHETIC" if ds.trade_synthetic else "REAL"
    head = ""
    if args.view == "totals":
        table = agg.partner_totals(ds, partner, years)
        cols = [c for c in ("year", "exports_usd", "imports_usd", "balance_usd") if c in table]
        table = table[cols]
        head = f"US trade with {partner}, {years[0]}-{years[1]} (REAL: Census partner totals)"
    elif args.view == "chapters":
        comp = agg.chapter_composition(ds, partner, years[1], args.flow)
        names = ds.hs2[["hs2", "name"]] if "name" in ds.hs2 else pd.DataFrame(columns=["hs2", "name"])
        table = comp.frame.merge(names, on="hs2", how="left")[["hs2", "name", "value_usd"]]
        table = table.sort_values("value_usd", ascending=False).reset_index(drop=True)
        basis = {"census": "REAL: Census chapters", "layer": f"{trade_label}: HS6 trade layer", "none": "no data"}
        head = f"US {args.flow} {'to' if args.flow == 'exports' else 'from'} {partner}, {years[1]}, by HS chapter ({basis[comp.basis]})"
    elif args.view == "controlled":
        from optimizer.estimation import build_item_table

        year = years[1]
        # the item table of the latest trade year, as on the Trade page
        items = build_item_table(ds, partner, int(ds.trade["year"].max()))
        controlled = agg.controlled_trade(ds, items, partner, years)
        table = pd.DataFrame(agg.controlled_by_tier(ds, controlled, partner, year))
        head = (
            f"US exports to {partner} in HS codes mapped to CCL items, {year}, each code once under its "
            f"strictest tier ({trade_label} trade; analyst-made concordance; an upper bound)"
        )
    else:
        from optimizer.data.trade import check_countries

        raw = [m for m in str(args.allies).split(",") if m.strip()]
        members = list(check_countries(ds, raw, role="ally", noun="an ally", many="allies", partner=partner))
        if not members:
            raise DecontrolError("--allies: name at least one ally (ISO3)")
        year = _layer_year(ds, years[1])
        totals = agg.exporter_totals(ds.trade, partner, year)
        rows = [agg.ally_facts(ds, m, partner, year, totals) for m in members]
        table = pd.DataFrame(rows)[
            ["iso3", "name", "year", "world_exports_usd", "exports_to_partner_usd", "regimes", "basis"]
        ]
        table["regimes"] = table["regimes"].map(", ".join)
        head = f"Allies' exports, {year}, to the world and to {partner} ({trade_label} trade)"
    return _emit(table, args.format, head, partner, years)


def _layer_year(ds: object, year: int) -> int:
    """The HS6 layer's year nearest at or below `year` (its latest when the range ends after it)."""
    trade = ds.trade  # type: ignore[attr-defined]
    have = sorted(int(y) for y in trade["year"].unique())
    below = [y for y in have if y <= year]
    return below[-1] if below else have[0]


def _emit(table: pd.DataFrame, fmt: str, head: str, partner: str, years: tuple[int, int]) -> int:
    if fmt == "json":
        emit_json({"partner": partner, "years": list(years), "title": head, "rows": table.to_dict(orient="records")})
    elif fmt == "csv":
        emit_frame(table, "csv")
    else:
        from optimizer.formatting import cut_words, fmt_share, fmt_usd

        view = table.copy()
        for col in view.columns:
            if col.endswith("_usd"):
                view[col] = view[col].map(lambda v: "no data" if v is None or v != v else fmt_usd(v))
        if "name" in view:
            view["name"] = view["name"].map(lambda t: cut_words(t, 60) if isinstance(t, str) else t)
        if "share" in view:
            view["share"] = view["share"].map(lambda v: fmt_share(v, 1))
        print(head)
        emit_frame(view, "table")
    return 0
