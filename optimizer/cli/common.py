"""Flags and output helpers shared by several commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pandas as pd  # imported where a table is written: `decontrol --help` loads no pandas


def add_data_flag(p: argparse.ArgumentParser) -> None:
    """`--data DIR`: a data directory laid over the shipped `datasets/` (its files replace the shipped ones)."""
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="data directory overlaid on the shipped datasets/ (e.g. an imported BACI trade.parquet)",
    )


def add_format_flag(
    p: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "csv", "json"), default: str = "table"
) -> None:
    p.add_argument("--format", choices=choices, default=default, help=f"output format (default {default})")


def emit_frame(df: pd.DataFrame, fmt: str, out: TextIO | None = None) -> None:
    """Write a table as CSV (Excel-friendly: UTF-8 BOM), JSON (list of objects) or an aligned text table."""
    import pandas as pd

    out = out or sys.stdout
    if fmt == "csv":
        out.write("\ufeff" if out is sys.stdout and not sys.stdout.isatty() else "")
        df.to_csv(out, index=False)
    elif fmt == "json":
        out.write(df.to_json(orient="records", indent=1, force_ascii=False))
        out.write("\n")
    else:
        with pd.option_context(
            "display.max_rows", None, "display.max_columns", None, "display.width", 200, "display.max_colwidth", 60
        ):
            out.write(df.to_string(index=False) + "\n")


def emit_json(obj: Any, out: TextIO | None = None) -> None:
    """`obj` as indented JSON. Encoded to one string and written once: `json.dump` writes every
    token to the stream (a frontier's 110 KB took 20-30 ms that way, 4-8 ms as one write); the text
    is the same."""
    out = out or sys.stdout
    out.write(json.dumps(obj, indent=1, ensure_ascii=False, default=_json_default))
    out.write("\n")


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")
