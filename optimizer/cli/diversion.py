"""`decontrol diversion`: ranked diversion signals (hub, HS6, target) from mirror trade data.

    decontrol diversion --target RUS|BLR|CHN [--since YYYY-MM-DD] [--tier 1,2] [--hubs ARE,TUR,...]
                        [--weights growth=0.35,reexport=0.3,mirror=0.2,unit_value=0.15] [--top N]
                        [--format table|csv|json] [--data DIR]
                        [--slide OUT.pptx [--audience internal|ally] [--marking TEXT]]
    decontrol diversion --validate [--format table|json] [--data DIR]

Every output says whether the mirror table is real or synthetic and names its source; the weights of
the combined score are printed with the ranking. `--validate` measures the ranking on the test
patterns a synthetic table declares (see optimizer/diversion/README.md).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from optimizer.cli.common import add_data_flag, emit_frame, emit_json
from optimizer.errors import DecontrolError
from optimizer.formatting import cut_words, fmt_usd

if TYPE_CHECKING:
    from optimizer.diversion.report import DiversionReport

TARGETS = ("RUS", "BLR", "CHN")
TABLE_COLUMNS = [
    "rank",
    "hub",
    "hs6",
    "target",
    "chpl_tier",
    "combined",
    "growth_score",
    "reexport_score",
    "mirror_score",
    "unit_value_score",
    "excess_growth_pct",
    "did_z",
    "reexport_ratio_pre",
    "reexport_ratio_post",
    "coalition_to_hub_post_usd",
    "hub_to_target_post_usd",
]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "diversion",
        help="diversion/transshipment signals from mirror trade data",
        description="Rank (hub, HS6) pairs by signs of diversion of coalition exports to a "
        "target through third countries: growth after the control against the "
        "hub's trend and peer hubs, re-export ratio, mirror gaps, unit values.",
    )
    p.add_argument("--target", type=str.upper, choices=TARGETS, default=None, help="target country")
    p.add_argument(
        "--since",
        default=None,
        metavar="YYYY-MM-DD",
        help="control date (default: RUS 2022-02-24, BLR 2022-03-02, CHN 2022-10-07)",
    )
    p.add_argument(
        "--tier",
        default=None,
        metavar="1,2",
        help="only CHPL codes of these tiers (1, 2, 3.A, 3.B, 4.A, 4.B; 3 = 3.A and 3.B)",
    )
    p.add_argument(
        "--hubs", default=None, metavar="ISO3,...", help="hubs to rank and compare (default: the 13 usual hubs)"
    )
    p.add_argument("--weights", default=None, metavar="NAME=W,...", help="weights of the combined score")
    p.add_argument(
        "--top", type=int, default=25, metavar="N", help="rows shown in table format (default 25; csv/json: all)"
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default table)")
    p.add_argument("--validate", action="store_true", help="measure the ranking on the declared test patterns")
    p.add_argument(
        "--slide",
        type=Path,
        default=None,
        metavar="OUT.pptx",
        help="also write a one-slide briefing of the top pairs for an enforcement-cooperation discussion",
    )
    p.add_argument(
        "--audience",
        choices=("internal", "ally"),
        default="internal",
        help="slide audience: ally leaves out the analyst-made ECCN mapping (default internal)",
    )
    p.add_argument("--marking", default="", help="handling marking on the slide (default by audience)")
    add_data_flag(p)
    p.set_defaults(func=run)


def parse_date(text: str | None) -> date | None:
    """YYYY-MM-DD -> date; anything else is a DecontrolError naming the value."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DecontrolError(f"--since {text!r} is not a date (YYYY-MM-DD)") from None


def run(args: argparse.Namespace) -> int:
    from optimizer.data.load import load_dataset
    from optimizer.diversion.report import diversion_report, parse_hubs, parse_tiers, parse_weights

    if args.validate:
        return _validate(args)
    if args.target is None:
        raise DecontrolError("give --target RUS, BLR or CHN (or --validate)")
    if args.top < 1:
        raise DecontrolError(f"--top {args.top}: must be at least 1")
    since = parse_date(args.since)
    tiers = parse_tiers(args.tier)
    weights = parse_weights(args.weights)
    if args.weights:  # a signal left out of --weights is off, not at its default: say so
        named = {part.partition("=")[0].strip() for part in args.weights.split(",")}
        off = [k for k in weights if k not in named]
        if off:
            print(f"warning: --weights names no weight for {', '.join(off)}: those signals count 0", file=sys.stderr)
    ds = load_dataset(args.data)
    hubs = parse_hubs(args.hubs, set(ds.countries["iso3"]))
    rep = diversion_report(ds, args.target, since, tiers=tiers, hubs=hubs, weights=weights)
    if args.slide is not None:
        from optimizer.diversion.slide import write_slide

        write_slide(rep, args.slide, args.audience, args.marking)
        print(f"wrote {args.slide} ({args.audience} audience; {rep.data_label} mirror trade data)", file=sys.stderr)
    table = rep.table.assign(data=rep.data_label)
    if args.format == "json":
        emit_json(
            {
                "target": rep.target,
                "since": rep.since.isoformat(),
                "since_note": rep.since_note,
                "pre_years": list(rep.periods.pre),
                "post_years": list(rep.periods.post),
                "weights": rep.weights,
                "synthetic": rep.synthetic,
                "data": rep.data_label,
                "source": rep.source,
                "hubs": list(rep.hubs),
                "tiers": list(rep.tiers),
                "rows": _records(table),
            }
        )
    elif args.format == "csv":
        emit_frame(table, "csv")
    else:
        _print_table(rep, table.head(args.top))
    return 0


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in df.to_dict(orient="records")
    ]


def _print_table(rep: DiversionReport, table: pd.DataFrame) -> None:
    out = sys.stdout
    out.write(
        f"Diversion signals for {rep.target} ({rep.data_label} mirror trade data: {cut_words(rep.source, 160)})\n"
    )
    out.write(
        f"Control {rep.since.isoformat()} ({rep.since_note}); pre years {rep.periods.pre[0]}-"
        f"{rep.periods.pre[-1]}, post years {rep.periods.post[0]}-{rep.periods.post[-1]}; "
        f"{len(rep.hubs)} hubs compared\n"
    )
    out.write("Weights: " + ", ".join(f"{k} {v:g}" for k, v in rep.weights.items()) + "\n")
    if rep.synthetic:
        out.write("SYNTHETIC data with planted test patterns: these rows are not evidence about any country.\n")
    if table.empty:
        out.write("no (hub, HS6) pair with coalition exports in the data for this selection\n")
        return
    show = table[TABLE_COLUMNS].copy()
    for col in ("coalition_to_hub_post_usd", "hub_to_target_post_usd"):
        show[col] = show[col].map(fmt_usd)
    emit_frame(
        show.round(3).rename(
            columns={"coalition_to_hub_post_usd": "coal_to_hub/yr", "hub_to_target_post_usd": "hub_to_target/yr"}
        ),
        "table",
    )


def _validate(args: argparse.Namespace) -> int:
    from optimizer.data.load import load_dataset
    from optimizer.diversion.validation import ALARM_THRESHOLD, validate

    results = validate(load_dataset(args.data))
    if args.format == "json":
        emit_json({"alarm_threshold": ALARM_THRESHOLD, "targets": [r.as_dict() for r in results]})
        return 0
    print("Validation on the planted test patterns of the SYNTHETIC mirror table (k = patterns planted per target)")
    for r in results:
        print(
            f"{r.target}: {r.found_top_k}/{r.planted} planted found in the top {r.k}, {r.found_top_2k}/{r.planted} "
            f"in the top {2 * r.k}; false alarms in the top {r.k}: {r.false_alarms_top_k} "
            f"(+{r.spillover_top_k} planted for another target); unplanted pairs scoring >= {ALARM_THRESHOLD}: "
            f"{r.unplanted_above_threshold} of {r.unplanted_pairs}"
            + (f"; missed: {', '.join(r.missed)}" if r.missed else "")
        )
    return 0
