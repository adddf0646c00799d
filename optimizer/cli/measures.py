"""`decontrol measures`: the partner's own export controls and their status on a date.

    decontrol measures --partner CHN [--date YYYY-MM-DD] [--horizon DAYS] [--exposure [--year Y] [--unsourced]]
                       [--format table|csv|json] [--data DIR]

What the US asks for in an exchange: each measure (announcement, item, the HS codes it printed), its
status on the date (in force, suspended, not yet in force, or unknown where the record cannot tell),
and a flag when a suspension has lapsed or lapses within the horizon (default 90 days). HS codes the
announcement did not print are listed apart as unsourced candidates. With `--exposure`, the US
exposure each measure creates (`optimizer.gets.exposure`): US imports from the partner in its codes,
the partner's share of US imports and of world exports, and the alternative suppliers.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from optimizer.cli.common import add_data_flag, add_format_flag, emit_frame, emit_json

if TYPE_CHECKING:
    from optimizer.data.load import Dataset


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "measures",
        help="the partner's own export controls and their status on a date",
        description="List the partner's export-control measures (e.g. China's critical-mineral "
        "controls) with their status on a date and lapsing suspensions flagged.",
    )
    p.add_argument("--partner", required=True, metavar="ISO3", help="partner country, e.g. CHN")
    p.add_argument("--date", default=None, metavar="YYYY-MM-DD", help="status on this date (default: today)")
    p.add_argument(
        "--horizon", default="90", metavar="DAYS", help="flag suspensions that lapse within this many days (default 90)"
    )
    p.add_argument(
        "--exposure",
        action="store_true",
        help="add the US exposure per measure (US imports from the partner, shares, alternative suppliers)",
    )
    p.add_argument("--year", type=int, default=None, help="trade year for --exposure (default: the latest)")
    p.add_argument(
        "--unsourced",
        action="store_true",
        help="with --exposure, use the unsourced HS candidates where no code was published (labelled)",
    )
    add_format_flag(p)
    add_data_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from optimizer.data.load import load_dataset
    from optimizer.errors import DecontrolError
    from optimizer.gets.measures import measures_on

    try:
        horizon = int(str(args.horizon).strip())
    except ValueError:
        raise DecontrolError(f"--horizon {args.horizon!r}: expected a whole number of days") from None
    ds = load_dataset(args.data)
    partner = str(args.partner).strip().upper()
    table = measures_on(ds, partner, args.date, horizon)
    if args.exposure:
        return _exposure(ds, partner, args, horizon)
    if args.format == "json":
        emit_json(
            {
                "partner": table.attrs["partner"],
                "date": table.attrs["date"],
                "horizon_days": horizon,
                "measures": table.to_dict(orient="records"),
            }
        )
    elif args.format == "csv":
        emit_frame(table, "csv")
    else:
        counts = table["status"].value_counts()
        flagged = table[table["lapse_flag"] != ""]
        print(
            f"Export controls of {table.attrs['partner']} on {table.attrs['date']} (real: public announcements; "
            f"record as of {table['status_as_of'].iloc[0]}): "
            + ", ".join(f"{int(n)} {s.replace('_', ' ')}" for s, n in counts.items())
        )
        if len(flagged):
            print(f"{len(flagged)} flagged within {horizon} days:")
            for r in flagged.itertuples():
                print(f"  {r.measure_id}: {r.lapse_flag}")
        view = table[["measure_id", "item_group", "status", "status_until", "hs6_codes", "hs6_unsourced"]].copy()
        view["item_group"] = view["item_group"].str.slice(0, 34)
        view["hs6_unsourced"] = view["hs6_unsourced"].str.slice(0, 40)
        emit_frame(view, "table")
    return 0


def _exposure(ds: Dataset, partner: str, args: argparse.Namespace, horizon: int) -> int:
    from optimizer.formatting import fmt_share, fmt_usd
    from optimizer.gets.exposure import gets_table

    table = gets_table(ds, partner, args.date, args.year, horizon, include_unsourced=args.unsourced)
    if args.format == "json":
        emit_json(
            {
                "partner": partner,
                "date": table.attrs["date"],
                "year": table.attrs["year"],
                "synthetic": bool(ds.trade_synthetic),
                "source": str(ds.trade_source),
                "measures": table.to_dict(orient="records"),
            }
        )
        return 0
    if args.format == "csv":
        emit_frame(table, "csv")
        return 0
    label = "SYNTHETIC" if ds.trade_synthetic else "real"
    print(
        f"US exposure to the export controls of {partner}, trade {table.attrs['year']} ({label} trade figures: "
        f"{str(ds.trade_source)[:90]}); status on {table.attrs['date']}"
    )
    view = table[["measure_id", "status", "hs6_basis"]].copy()
    view["US imports from partner"] = table["us_imports_from_partner_usd"].map(fmt_usd)
    view["share of US imports"] = table["partner_share_of_us_imports"].map(lambda v: fmt_share(v) if v == v else "n/a")
    view["share of world exports"] = table["partner_share_of_world_exports"].map(
        lambda v: fmt_share(v) if v == v else "n/a"
    )
    view["alternatives"] = table["alternative_suppliers"].str.slice(0, 40)
    emit_frame(view, "table")
    return 0
