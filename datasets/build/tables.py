"""What every build script writes the same way: a table with exactly its schema's columns."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from optimizer.data import schema  # noqa: E402


def write_csv(frame: pd.DataFrame, path: Path, spec: schema.TableSpec) -> None:
    """Write `frame` with exactly the schema's columns, deterministic bytes (so a rebuild of unchanged
    inputs is byte-identical and the manifest checksums stay put)."""
    cols = [c.name for c in spec.columns]
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise SystemExit(f"{spec.filename}: build produced no column(s) {missing}")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame[cols].to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
