"""`decontrol items`: the item table for a partner (CSV/JSON/table), or the figures behind one item.

    decontrol items --partner CHN [--year 2024] [--tier legacy] [--format table|csv|json]
                    [--data DIR] [--config FILE.json] [--value-method gap|baseline --baseline-year Y]
                    [--sort eccn|value|risk|fa] [--out FILE] [--explain ECCN]

CSV is written for Excel: UTF-8 with a byte-order mark when it goes to a file or a pipe, no index,
text cells quoted (so ';'-joined lists stay in one cell whatever the list separator of the locale).
The analyst can edit it and feed it back with `decontrol optimize --items FILE.csv`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from optimizer.cli.common import add_data_flag, emit_json
from optimizer.errors import DecontrolError
from optimizer.estimation.config import ITEM_TIERS as TIERS
from optimizer.estimation.config import EstimationConfig
from optimizer.estimation.foreign_availability import fa_display, fa_known
from optimizer.formatting import cut_words, fmt_share, fmt_usd

TABLE_COLUMNS = ["eccn", "tier", "value_usd", "risk", "fa_score", "reasons", "regime", "hs6", "heading"]
SORTS = {"eccn": None, "value": "value_usd", "risk": "risk", "fa": "fa_score"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "items",
        help="the item table (tier, value, risk, foreign availability) for a partner",
        description="Build the item table for a partner: one row per CCL item with its tier "
        "(and why), concession value, security risk and foreign availability.",
    )
    p.add_argument("--partner", required=True, metavar="ISO3", help="partner country, e.g. CHN, JPN, GBR")
    p.add_argument("--year", type=int, default=None, help="trade year (default: the latest in the data)")
    p.add_argument(
        "--tier",
        action="append",
        default=None,
        metavar="TIER",
        help=f"only items of this tier ({', '.join(TIERS)}); repeat or comma-separate for several",
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default table)")
    add_data_flag(p)
    p.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE.json",
        help='estimation settings (JSON object; see EstimationConfig), e.g. {"risk_weights": {"NS2": 0.7}}',
    )
    p.add_argument(
        "--value-method",
        choices=("gap", "baseline"),
        default=None,
        help="concession value: gap to the US world share (default) or exports lost since --baseline-year",
    )
    p.add_argument(
        "--baseline-year", type=int, default=None, metavar="Y", help="baseline year for --value-method baseline"
    )
    p.add_argument("--sort", choices=tuple(SORTS), default="eccn", help="row order (default eccn: CCL order)")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument(
        "--explain",
        default=None,
        metavar="ECCN",
        help="show the figures behind one item: per-HS6 value rows, suppliers, formulas",
    )
    p.set_defaults(func=run)


def _config(args: argparse.Namespace) -> EstimationConfig:
    config = EstimationConfig.from_json_file(args.config) if args.config else EstimationConfig()
    changes: dict[str, Any] = {}
    if args.value_method:
        changes["value_method"] = args.value_method
    if args.baseline_year is not None:
        changes["baseline_year"] = args.baseline_year
        changes.setdefault("value_method", "baseline")
    return config.replace(**changes) if changes else config


def _tiers(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    tiers = [t.strip().lower() for v in values for t in v.split(",") if t.strip()]
    bad = [t for t in tiers if t not in TIERS]
    if bad:
        raise DecontrolError(f"unknown tier '{bad[0]}': expected one of {', '.join(TIERS)}")
    return tiers


def run(args: argparse.Namespace) -> int:
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table, explain_item
    from optimizer.estimation.space import concession_space

    config = _config(args)
    tiers = _tiers(args.tier)
    ds = load_dataset(args.data)
    if args.explain:
        ex = explain_item(ds, args.explain, args.partner, args.year, config)
        with _output(args.out, args.format) as out:
            _emit_explanation(ex, ds, args.format, out)
        return 0
    table = build_item_table(ds, args.partner, args.year, config)
    space = concession_space(table)
    for w in table.attrs.get("warnings", []):
        print(f"warning: {w}", file=sys.stderr)
    if tiers:
        table = table[table["tier"].isin(tiers)]
    if SORTS[args.sort]:
        table = table.sort_values(
            [SORTS[args.sort], "eccn"], ascending=[False, True], na_position="last", kind="stable"
        )
    table = table.reset_index(drop=True)
    with _output(args.out, args.format) as out:
        if args.format == "csv":
            write_csv(table, out)
        elif args.format == "json":
            write_json(table, out)
        else:
            _emit_table(table, ds, out, space)
    return 0


class _output:
    """Standard output, or FILE written atomically enough for a CLI (closed on exit)."""

    def __init__(self, path: Path | None, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self.fh: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        try:
            self.fh = open(self.path, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise DecontrolError(f"cannot write {self.path}: {exc.strerror}") from None
        return self.fh

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()
            if exc[0] is None:
                print(f"wrote {self.path}", file=sys.stderr)


def write_csv(table: pd.DataFrame, out: TextIO) -> None:
    """Excel-friendly CSV: BOM unless writing to a terminal, text cells quoted, no index."""
    if not (out is sys.stdout and sys.stdout.isatty()):
        out.write("\ufeff")
    buf = io.StringIO()
    table.to_csv(buf, index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    out.write(buf.getvalue())


def write_json(table: pd.DataFrame, out: TextIO) -> None:
    """A list of objects with the table's keys; NaN becomes null."""
    emit_json(json.loads(table.to_json(orient="records", force_ascii=False)), out)


def _provenance(ds: Any) -> str:
    kind = "SYNTHETIC" if ds.trade_synthetic else "REAL"
    src = str(ds.trade_source)
    return f"trade data {kind}: {cut_words(src, 160)}"


def space_lines(space: Any, name: str | None = None) -> list[str]:
    from optimizer.estimation.space import space_lines as lines

    return lines(space, name)


def _emit_table(table: pd.DataFrame, ds: Any, out: TextIO, space: Any = None) -> None:
    partner, year = table.attrs.get("partner", ""), table.attrs.get("year", "")
    counts = table["tier"].value_counts()
    out.write(f"Item table for {partner}, {year} ({table.attrs.get('value_method', 'gap')} value). {_provenance(ds)}\n")
    if space is not None:
        out.write("\n".join(space_lines(space, table.attrs.get("partner_name"))) + "\n")
        out.write(
            f"  Licensing as of {table.attrs.get('licensing_as_of') or 'unknown'} "
            "(Country Chart and Groups, eCFR; Supp. No. 2 to Part 744, eCFR 2026-09-24)\n"
        )
    out.write(
        f"{len(table)} items shown: "
        + ", ".join(f"{counts.get(t, 0)} {t}" for t in TIERS)
        + f"; {_known_value(table['value_usd'])}\n\n"
    )
    view = pd.DataFrame(
        {
            "eccn": table["eccn"],
            "tier": table["tier"],
            "licence": table["licence_required"],
            "binding": table["binding_reasons"],
            "relief": table["instruments"],
            "value": table["value_usd"].map(fmt_usd),
            "risk": table["risk"].map(lambda v: f"{v:.3f}"),
            "fa": pd.Series([fa_display(v, b) for v, b in zip(table["fa_score"], table["fa_basis"])], index=table.index)
            + table["fa_override"].map({True: "*", False: ""}),
            "reasons": table["reasons"],
            "regime": table["regime"],
            "hs6": table["hs6"].map(lambda s: cut_words(s, 20)),
            "heading": table["heading"].map(lambda s: cut_words(s, 50)),
        }
    )
    if view.empty:
        out.write("(no items)\n")
        return
    out.write(view.to_string(index=False) + "\n")
    if table["fa_override"].any():
        out.write("* analyst FA override\n")


def _known_value(values: pd.Series) -> str:
    """'known value $1.2bn (3 items unknown)'; never '$0' when no value is known at all."""
    known = values.notna()
    if not known.any():
        return "no item value known (see the warnings above)"
    unknown = int((~known).sum())
    return f"known value {fmt_usd(values[known].sum())}" + (f" ({unknown} items unknown)" if unknown else "")


def _emit_explanation(ex: Any, ds: Any, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        d = ex.to_dict()
        d["synthetic"] = bool(ds.trade_synthetic)
        d["trade_source"] = str(ds.trade_source)
        emit_json(d, out)
        return
    if fmt == "csv":
        write_csv(ex.value_breakdown, out)
        return
    it = ex.item
    w = out.write
    w(f"{it['eccn']} ({it['partner']}, {it['year']}): {it['heading']}\n")
    w(f"{_provenance(ds)}\n\n")
    w(f"Tier      {it['tier']} ({it['tier_source']}): {it['tier_reason']}\n")
    w(f"Reasons   {it['reasons'] or '(unknown)'}   regime {it['regime'] or '-'}   family {it['family']}\n")
    w(f"Licence   {it['licence_required']} (binding: {it['binding_reasons'] or 'none'}): {it['licence_basis']}\n")
    w(
        f"Relief    {it['instruments'] or 'none (nothing to relieve)'}; decided by {it['decided_by']}: "
        f"{it['decided_by_detail']}\n"
    )
    w(
        f"Value     {fmt_usd(it['value_usd'])} of potential {fmt_usd(it['potential_usd'])}  [{it['value_basis']}]\n"
        f"          {ex.value_formula}\n"
    )
    if len(ex.value_breakdown):
        b = ex.value_breakdown
        # the value is unknown because the data lacks an input: an absent input reads "no data", not $0
        nodata = str(it["value_basis"]).startswith("unknown: no ")
        money = (lambda v: "no data" if not v else fmt_usd(v)) if nodata else fmt_usd
        view = pd.DataFrame(
            {
                "hs6": b["hs6"],
                "name": b["name"].map(lambda s: cut_words(s, 40)),
                "partner imports": b["partner_imports_world"].map(money),
                "US world share": b["us_world_share"].map(lambda v: "no data" if nodata and not v else fmt_share(v)),
                "US exports to partner": b["us_exports_to_partner"].map(money),
                "controlled share": b["controlled_share"].map(lambda v: f"{v:.3f}"),
                "value": b["value_usd"].map(lambda v: "unknown" if nodata else fmt_usd(v)),
            }
        )
        if "us_exports_to_partner_baseline" in b:
            view.insert(5, "US exports, baseline", b["us_exports_to_partner_baseline"].map(money))
        w(_indent(view.to_string(index=False)) + "\n")
    w(
        f"\nFA        {fa_display(it['fa_score'], it['fa_basis'])} ({it['fa_basis']}{', analyst override' if it['fa_override'] else ''})\n"
    )
    w(f"          {ex.fa_formula}\n")
    w(
        f"          non-regime share {fmt_share(it['fa_non_regime_share'])}, all non-US {fmt_share(it['fa_all_foreign_share'])}, "
        + (
            f"capacity {it['fa_partner_capacity']:.2f}, suppliers {it['fa_supplier_count']}\n"
            if fa_known(it["fa_basis"])
            else "capacity no data, suppliers no data\n"
        )
    )
    w(f"          {it['fa_evidence']}\n")
    if len(ex.suppliers):
        s = ex.suppliers.head(10)
        view = pd.DataFrame(
            {
                "exporter": s["exporter"],
                "exports (controlled share)": s["value_usd"].map(fmt_usd),
                "share": s["share"].map(fmt_share),
                "role": s["role"],
            }
        )
        w(_indent(view.to_string(index=False)) + "\n")
    w(f"\nRisk      {it['risk']:.3f}\n          {ex.risk_formula}\n")
    if ex.paragraphs:
        w("\nControls by paragraph\n")
        for p in ex.paragraphs:
            w(f"  {p['reason']:<6} {p['applies_to'][:100]}\n")


def _indent(text: str, pad: str = "          ") -> str:
    return "\n".join(pad + line for line in text.splitlines())
