"""`decontrol data ...`: import real trade downloads, check a data directory, describe it.

    decontrol data import-baci PATH --out DIR [--reporters ISO3,..] [--partners ISO3,..] [--hs-prefix 84,85]
    decontrol data import-comtrade PATH --out DIR [--encoding latin-1]
    decontrol data import-census PATH --out DIR [--partial-years] [--encoding latin-1]
    decontrol data check DIR          # DIR laid over the shipped datasets/; exit 2 listing every problem
    decontrol data info DIR [--format table|json]

An imported directory holds only `trade.parquet`; use it with `--data DIR` anywhere (or
`DECONTROL_DATA=DIR`): every other table still comes from the shipped `datasets/`. Several imports
into one DIR add up (a row another import gave with a different value is refused; `--replace` takes
the new file's). HS 2017 data is converted to HS 2022 with the shipped weights, and says so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from optimizer.cli.common import add_format_flag, emit_frame, emit_json
from optimizer.data.coverage import coverage
from optimizer.data.importers.common import ImportReport, parse_hs_prefixes, parse_iso_list
from optimizer.data.schema import PARTNERS
from optimizer.errors import DataValidationError
from optimizer.formatting import cut_words

if TYPE_CHECKING:
    from optimizer.data.load import Dataset


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    data = sub.add_parser(
        "data",
        help="import trade data, check and describe data directories",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    dsub = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    dsub.required = True

    p = dsub.add_parser("import-baci", help="import a CEPII BACI zip or CSV (values in thousand USD -> USD)")
    p.add_argument(
        "path", type=Path, metavar="PATH", help="BACI_HS22_V<version>.zip or one BACI_HS22_Y<year>_V<version>.csv"
    )
    _out_flags(p)
    p.add_argument("--reporters", metavar="ISO3,..", help="keep only these exporters")
    p.add_argument("--partners", metavar="ISO3,..", help="keep only these importers")
    p.add_argument("--hs-prefix", metavar="84,85", help="keep only HS codes starting with these digits")
    p.set_defaults(func=_import_baci)

    p = dsub.add_parser(
        "import-comtrade", help="import a UN Comtrade CSV (classic bulk, Comtrade+ portal or API) or Comtrade+ API JSON"
    )
    p.add_argument("path", type=Path, metavar="PATH")
    _out_flags(p)
    _encoding_flag(p)
    p.set_defaults(func=_import_comtrade)

    p = dsub.add_parser("import-census", help="import a US Census international trade API JSON or CSV")
    p.add_argument("path", type=Path, metavar="PATH")
    _out_flags(p)
    _encoding_flag(p)
    p.add_argument(
        "--partial-years",
        action="store_true",
        help="keep years with fewer than 12 months (default: drop them and say so)",
    )
    p.set_defaults(func=_import_census)

    p = dsub.add_parser("check", help="validate DIR laid over the shipped datasets/ (exit 2 listing every problem)")
    p.add_argument("dir", type=Path, metavar="DIR")
    p.set_defaults(func=_check)

    p = dsub.add_parser("info", help="per file: rows, real or synthetic, source, vintage, checksum; trade totals")
    p.add_argument(
        "dir", type=Path, metavar="DIR", nargs="?", default=None, help="data directory (default: the shipped datasets/)"
    )
    add_format_flag(p, choices=("table", "json"))
    p.set_defaults(func=_info)


def _out_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory to write trade.parquet into")
    p.add_argument(
        "--replace",
        action="store_true",
        help="where DIR already holds rows with the same (year, exporter, importer, HS6) and another "
        "value, replace them with this file's (default: refuse, naming the rows)",
    )
    p.add_argument(
        "--drop-unknown",
        action="store_true",
        help="leave out rows with country codes that cannot be mapped (default: stop with an error)",
    )
    add_format_flag(p, choices=("table", "json"))


def _encoding_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--encoding",
        default="utf-8",
        metavar="NAME",
        help="text encoding of the file (default utf-8; e.g. latin-1 or cp1252 for older portal downloads)",
    )


def _emit_report(report: ImportReport, fmt: str) -> int:
    if fmt == "json":
        emit_json(report.as_dict())
    else:
        print("\n".join(report.lines()))
        print(f"use it with: decontrol ... --data {report.out_path.parent if report.out_path else '?'}")
    return 0


def _import_baci(args: argparse.Namespace) -> int:
    from optimizer.data.importers.baci import import_baci

    report = import_baci(
        args.path,
        args.out,
        reporters=parse_iso_list(args.reporters, "--reporters"),
        partners=parse_iso_list(args.partners, "--partners"),
        hs_prefixes=parse_hs_prefixes(args.hs_prefix),
        drop_unknown=args.drop_unknown,
        replace=args.replace,
    )
    return _emit_report(report, args.format)


def _import_comtrade(args: argparse.Namespace) -> int:
    from optimizer.data.importers.comtrade import import_comtrade

    report = import_comtrade(
        args.path, args.out, drop_unknown=args.drop_unknown, encoding=args.encoding, replace=args.replace
    )
    return _emit_report(report, args.format)


def _import_census(args: argparse.Namespace) -> int:
    from optimizer.data.importers.census import import_census

    report = import_census(
        args.path,
        args.out,
        partial_years=args.partial_years,
        drop_unknown=args.drop_unknown,
        encoding=args.encoding,
        replace=args.replace,
    )
    return _emit_report(report, args.format)


def _check(args: argparse.Namespace) -> int:
    from optimizer.data.files import overlay_dirs, resolve_table_paths
    from optimizer.data.validate import check_dir

    problems = check_dir(args.dir)
    if problems:
        raise DataValidationError(f"{args.dir}: {len(problems)} problem(s) found", problems)
    paths = resolve_table_paths(overlay_dirs(args.dir))
    present = {n: p for n, p in paths.items() if p is not None}
    print(f"OK: {len(present)} table file(s) valid ({args.dir} over the shipped datasets/)")
    for name, path in present.items():
        print(f"  {name:<15} {path}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from optimizer.data.load import load_dataset

    ds = load_dataset(args.dir, validate=False)
    files = pd.DataFrame([{**info.as_dict(), "sha256": info.sha256[:12]} for info in ds.provenance.values()])
    by_year, partners = trade_summary(ds.trade)
    cover = coverage(ds.trade, ds.concordance)
    sources = trade_sources(ds)
    if args.format == "json":
        emit_json(
            {
                "dataset_id": ds.dataset_id,
                "data_dirs": [str(d) for d in ds.data_dirs],
                "trade_synthetic": ds.trade_synthetic,
                "trade_source": ds.trade_source,
                "files": files.to_dict("records"),
                "coverage": cover,
                "trade_sources": sources,
                "trade_by_year": _records(by_year),
                "us_trade_by_partner": _records(partners),
            }
        )
        return 0
    out = sys.stdout
    out.write(f"dataset {ds.dataset_id}  ({' over '.join(str(d) for d in reversed(ds.data_dirs))})\n")
    label = "SYNTHETIC" if ds.trade_synthetic else "REAL"
    out.write(f"trade layer: {label} - {ds.trade_source}\n\n")
    shown = files.assign(
        kind=files["kind"].replace({"synthetic": "SYNTHETIC"}),
        source=files["source"].map(lambda s: _clip(s, 60)),
        vintage=files["vintage"].map(lambda s: _clip(s, 30)),
    )[["table", "rows", "kind", "source", "vintage", "sha256", "file"]]
    emit_frame(shown.fillna(""), "table", out)
    if sources:
        out.write(f"\ntrade imports ({len(sources)}), each with its own provenance\n")
        for n, src in enumerate(sources, start=1):
            years = ", ".join(map(str, src.get("years", []))) or "?"
            out.write(
                f"  {n}. {src.get('source', '')}\n     input {src.get('input', '')}, imported "
                f"{src.get('imported_at', '')}, years {years}, {src.get('rows', '?')} rows, "
                f"{_bn(src['value_usd']) if 'value_usd' in src else '?'} US$ bn\n"
            )
            for note in src.get("notes", []):
                if "HS 20" in note or "convert" in note or "PARTIAL" in note:
                    out.write(f"     note: {note}\n")
    out.write("\ncoverage of the trade table\n")
    for line in coverage_lines(cover):
        out.write(f"  {line}\n")

    def money(df: pd.DataFrame) -> pd.DataFrame:
        return df.assign(**{c: df[c].map(_bn) for c in df.columns if c not in ("year", "rows", "partner")})

    out.write(f"\ntrade by year (US$ billion; {label.lower()})\n")
    emit_frame(money(by_year), "table", out)
    out.write(f"\nUS trade with focus partners (US$ billion; from the {label.lower()} trade table)\n")
    emit_frame(money(partners), "table", out)
    return 0


def trade_sources(ds: Dataset) -> list[dict[str, Any]]:
    """The imports a user's trade.parquet was built from (its `decontrol.sources` metadata); [] if none."""
    import json

    from optimizer.data.trade_file import read_trade_meta

    info = ds.provenance.get("trade")
    if info is None or info.path is None or info.synthetic:
        return []
    try:
        return json.loads(read_trade_meta(info.path).extra.get("sources", "[]"))
    except ValueError:
        return []


def _clip(text: str, width: int) -> str:
    return cut_words(text, width)


def _bn(value: float) -> str:
    """US$ billion with three decimals; 'no data' where the table has no row (never 0.000)."""
    return "no data" if pd.isna(value) else f"{value / 1e9:,.3f}"


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with None (JSON null) where there is no data."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def _listed(values: list[Any], limit: int = 12) -> str:
    shown = ", ".join(map(str, values[:limit]))
    return f"{len(values)}: {shown}" + (", ..." if len(values) > limit else "")


def coverage_lines(cover: dict[str, Any]) -> list[str]:
    """What the trade table covers, one fact a line (`data info`)."""
    if not cover.get("rows"):
        return ["no trade rows"]
    years = cover["years"]
    lines = [
        f"years {', '.join(map(str, years))}",
        f"exporters (reporters) {_listed(cover['exporters'])}",
        f"importers (partners) {_listed(cover['importers'])}",
        f"HS codes {cover['hs6_codes']:,}",
    ]
    if "items_mapped" in cover:
        lines.append(
            f"mapped HS codes with data {cover['mapped_hs6_with_data']:,} of {cover['mapped_hs6']:,}; "
            f"mapped items with data {cover['items_with_data']:,} of {cover['items_mapped']:,}"
        )
    return lines


def trade_summary(trade: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Totals per year by kind of row, and US exports/imports per focus partner and year."""
    if trade.empty:
        return pd.DataFrame(columns=["year", "rows"]), pd.DataFrame(columns=["year", "partner"])
    kind = pd.Series("bilateral", index=trade.index)
    kind = kind.where(trade["importer"] != "WLD", "exports to world").where(
        trade["exporter"] != "WLD", "imports from world"
    )
    by_year = trade.assign(kind=kind).pivot_table(index="year", columns="kind", values="value_usd", aggfunc="sum")
    by_year.insert(0, "rows", trade.groupby("year").size())
    by_year = by_year.reset_index()
    by_year.columns.name = None
    us = trade[(trade["exporter"] == "USA") | (trade["importer"] == "USA")]
    exp = us[us["exporter"] == "USA"].groupby(["year", "importer"])["value_usd"].sum().rename("us_exports_usd")
    imp = us[us["importer"] == "USA"].groupby(["year", "exporter"])["value_usd"].sum().rename("us_imports_usd")
    exp.index.names = imp.index.names = ["year", "partner"]
    partners = pd.concat([exp, imp], axis=1).reset_index()  # a flow absent from the data stays NaN: no data
    partners = partners[partners["partner"].isin(PARTNERS + ("WLD",))].sort_values(["partner", "year"])
    return by_year, partners.reset_index(drop=True)
