"""What every build script writes the same way: a table with exactly its schema's columns."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from optimizer.data import schema


def write_csv(frame: pd.DataFrame, path: Path, spec: schema.TableSpec) -> None:
    """Write `frame` with exactly the schema's columns, deterministic bytes (so a rebuild of unchanged
    inputs is byte-identical and the manifest checksums stay put)."""
    cols = [c.name for c in spec.columns]
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise SystemExit(f"{spec.filename}: build produced no column(s) {missing}")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame[cols].to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def build_main(
    doc: str,
    build_all: Callable[[Path, Path], object],
    default_shared: Path,
    default_out: Path,
    done: str,
    argv: list[str] | None = None,
) -> int:
    """The command line every build script shares: --shared (raw sources) and --out (datasets folder)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=default_shared, help="folder of raw public sources")
    parser.add_argument("--out", type=Path, default=default_out, help="datasets folder to write")
    args = parser.parse_args(argv)
    build_all(args.shared.resolve(), args.out.resolve())
    print(f"{done} {args.out}")
    return 0
