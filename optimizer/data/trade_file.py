"""Reading and writing `trade.parquet` with its provenance metadata.

The trade table is the only table that can be real (an imported BACI/Comtrade/Census download) or
synthetic (the shipped, calibrated demo layer), so the file itself says which: parquet key-value
metadata `decontrol.source` and `decontrol.synthetic` (plus `decontrol.imported_at`,
`decontrol.input` and free-form `decontrol.notes` / `decontrol.vintage`). A parquet without that
metadata is something a user produced elsewhere: we treat it as real, source "user-supplied <path>".

Writing is atomic (temp file in the target directory, then `os.replace`) so an interrupted or
failed import never leaves a partial `trade.parquet` that a later load would trust.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from optimizer.errors import DecontrolError

META_PREFIX = "decontrol."
TRADE_COLUMNS = ("year", "exporter", "importer", "hs6", "value_usd")

TRADE_ARROW_SCHEMA = pa.schema(
    [
        ("year", pa.int32()),
        ("exporter", pa.string()),
        ("importer", pa.string()),
        ("hs6", pa.string()),
        ("value_usd", pa.float64()),
    ]
)


@dataclass(frozen=True)
class TradeMeta:
    """What a trade.parquet says about itself."""

    source: str
    synthetic: bool
    has_metadata: bool
    extra: dict[str, str]


def read_trade_meta(path: Path) -> TradeMeta:
    """The `decontrol.*` metadata of a trade parquet (a file without it counts as real, user-supplied)."""
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DecontrolError(f"{path}: not a readable parquet file ({exc})") from exc
    raw = schema.metadata or {}
    meta = {
        k.decode(): v.decode(errors="replace")
        for k, v in raw.items()
        if k.decode(errors="replace").startswith(META_PREFIX)
    }
    meta = {k[len(META_PREFIX) :]: v for k, v in meta.items()}
    if "source" not in meta and "synthetic" not in meta:
        return TradeMeta(f"user-supplied {path}", False, False, meta)
    synthetic = meta.get("synthetic", "false").strip().lower() in ("true", "1", "yes")
    return TradeMeta(meta.get("source", f"user-supplied {path}"), synthetic, True, meta)


def write_trade_parquet(
    df: pd.DataFrame, out_dir: Path, *, source: str, synthetic: bool, meta: dict[str, str] | None = None
) -> Path:
    """Write the canonical trade table to `out_dir/trade.parquet` atomically, with provenance.

    `df` must have the canonical columns; rows are sorted by key so files diff and compress well.
    `meta` adds further `decontrol.<key>` entries (input file name, classification, ...).
    """
    missing = [c for c in TRADE_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"trade frame lacks columns {missing}")
    frame = df.loc[:, list(TRADE_COLUMNS)].sort_values(["year", "exporter", "importer", "hs6"], kind="stable")
    table = pa.Table.from_pandas(frame, schema=TRADE_ARROW_SCHEMA, preserve_index=False)
    return write_trade_table(table, out_dir, source=source, synthetic=synthetic, meta=meta)


def write_trade_table(
    table: pa.Table, out_dir: Path, *, source: str, synthetic: bool, meta: dict[str, str] | None = None
) -> Path:
    """Arrow form of `write_trade_parquet` (no pandas round trip for tens of millions of rows)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = _conform(table.select(list(TRADE_COLUMNS)))
    entries = {
        "source": source,
        "synthetic": "true" if synthetic else "false",
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    entries.update(meta or {})
    kv = {f"{META_PREFIX}{k}": str(v) for k, v in entries.items()}
    target = out_dir / "trade.parquet"
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".trade.", suffix=".parquet.tmp")
    os.close(fd)
    try:
        # store_schema=False: dictionary-encoded text columns read back as plain strings; the
        # provenance then goes into the file's key-value metadata explicitly.
        with pq.ParquetWriter(tmp, table.schema, compression="zstd", store_schema=False) as writer:
            writer.write_table(table)
            writer.add_key_value_metadata(kv)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _conform(table: pa.Table) -> pa.Table:
    """Cast to the canonical types; dictionary-encoded string columns stay encoded (no copy of
    millions of strings: parquet stores them dictionary-encoded anyway)."""
    columns = []
    for f in TRADE_ARROW_SCHEMA:
        col = table.column(f.name)
        if pa.types.is_dictionary(col.type) and pa.types.is_string(col.type.value_type) and pa.types.is_string(f.type):
            columns.append(col)
        else:
            columns.append(col.cast(f.type))
    return pa.table(columns, names=[f.name for f in TRADE_ARROW_SCHEMA])
