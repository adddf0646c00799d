"""The mirror trade table from a real download that carries both reporters (UN Comtrade).

The diversion signals (`optimizer/diversion/`) compare what the exporter declared with what the
importer declared for the same flow. The Comtrade importer keeps one side for `trade.parquet` (the
exporter's); this module keeps both, one row per flow and reporter, as `mirror_trade.parquet`
(`schema.MIRROR_TRADE`), so a real import replaces the shipped synthetic layer with no code
change. Rows with a World partner are left out (a world total has no mirror). BACI cannot feed it:
BACI reconciles the two reports into one figure.

Weights (`quantity_kg`) come from Comtrade's net weight where the download has it; an HS 2017 row
split over HS 2022 codes splits its weight in the same proportion as its value.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from optimizer.data.hs_revisions import convert_frame
from optimizer.data.schema import MIRROR_TRADE
from optimizer.data.trade_file import META_PREFIX, read_trade_meta
from optimizer.errors import DecontrolError

KEY: list[str] = ["year", "exporter", "importer", "hs6", "reporter"]
COLUMNS: list[str] = [*KEY, "value_usd", "quantity_kg"]
SCHEMA = pa.schema(
    [
        ("year", pa.int64()),
        ("exporter", pa.string()),
        ("importer", pa.string()),
        ("hs6", pa.string()),
        ("reporter", pa.string()),
        ("value_usd", pa.float64()),
        ("quantity_kg", pa.float64()),
    ]
)


def mirror_rows(kept: pd.DataFrame, hs17: pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """Both reports of every bilateral flow: `kept` is the importer's canonical frame before its
    mirror imports are dropped (`flow` X = the exporter's report, M = the importer's; `kg` optional).
    `hs17` marks rows whose codes are HS 2017 (converted here to HS 2022, weights split alike)."""
    bilateral = (kept["exporter"] != "WLD") & (kept["importer"] != "WLD")
    f = kept[bilateral]
    kg = f["kg"] if "kg" in f.columns else pd.Series(np.nan, index=f.index)
    out = pd.DataFrame(
        {
            "year": f["year"].astype("int64"),
            "exporter": f["exporter"],
            "importer": f["importer"],
            "hs6": f["hs6"],
            "reporter": np.where(f["flow"] == "X", "exporter", "importer"),
            "value_usd": f["value_usd"].astype(float),
            "quantity_kg": kg.astype(float),
        }
    )
    if hs17 is not None:
        mask = np.asarray(hs17, dtype=bool)[bilateral.to_numpy()]
        with np.errstate(divide="ignore", invalid="ignore"):
            out["_kg_per_usd"] = np.where(out["value_usd"] > 0, out["quantity_kg"] / out["value_usd"], np.nan)
        out["_converted"] = mask
        out, _, _ = convert_frame(out.reset_index(drop=True), mask)
        split = out["_converted"].to_numpy(bool)  # only split rows get a recomputed weight
        out["quantity_kg"] = np.where(split, out["_kg_per_usd"] * out["value_usd"], out["quantity_kg"])
        out = out.drop(columns=["_kg_per_usd", "_converted"])
    out.loc[~(out["quantity_kg"] > 0), "quantity_kg"] = np.nan
    agg = out.groupby(KEY, as_index=False, sort=True).agg(
        value_usd=("value_usd", "sum"), quantity_kg=("quantity_kg", lambda s: s.sum(min_count=1))
    )
    return agg.loc[:, COLUMNS]


def prepare_mirror_table(rows: pd.DataFrame, out_dir: Path, *, source: str, replace: bool = False) -> pa.Table | None:
    """The mirror table to write to `out_dir` (None: no bilateral rows), checked before anything is
    written so that an import either writes both its tables or neither.

    Like the trade table, an existing imported file is added to; rows sharing a key with it must
    agree on the value unless `replace`. A synthetic file there is refused (import into a directory
    of your own)."""
    if rows.empty:
        return None
    out_dir = Path(out_dir)
    target = out_dir / MIRROR_TRADE.filename
    sources = [source]
    if target.is_file():
        meta = read_trade_meta(target)
        if meta.synthetic:
            raise DecontrolError(f"{target} is a synthetic mirror layer: import into a directory of your own")
        old = pd.read_parquet(target)
        both = old.merge(rows, on=KEY, suffixes=("_old", "_new"))
        differ = both[~np.isclose(both["value_usd_old"], both["value_usd_new"], rtol=1e-9, atol=0.5)]
        if len(differ) and not replace:
            r = differ.iloc[0]
            raise DecontrolError(
                f"{len(differ):,} mirror-trade row(s) already in {target} with another value, e.g. "
                f"{r['year']} {r['exporter']}->{r['importer']} {r['hs6']} ({r['reporter']}): "
                f"{r['value_usd_old']:,.0f} vs {r['value_usd_new']:,.0f}; use --replace to "
                "replace them; nothing was written"
            )
        merged = pd.concat([old.loc[:, COLUMNS], rows], ignore_index=True)
        rows = merged.drop_duplicates(KEY, keep="last").sort_values(KEY, ignore_index=True)
        prior = meta.source
        if prior and prior not in sources:
            sources.insert(0, prior)
    kv = {
        f"{META_PREFIX}source": " + ".join(sources),
        f"{META_PREFIX}synthetic": "false",
        f"{META_PREFIX}imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    table = pa.Table.from_pandas(rows.loc[:, COLUMNS], schema=SCHEMA, preserve_index=False)
    return table.replace_schema_metadata({k.encode(): v.encode() for k, v in kv.items()})


def write_mirror_table(table: pa.Table, out_dir: Path) -> Path:
    """Write a prepared mirror table to `out_dir/mirror_trade.parquet` atomically."""
    out_dir = Path(out_dir)
    target = out_dir / MIRROR_TRADE.filename
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".mirror_trade.", suffix=".parquet.tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


__all__ = ["COLUMNS", "mirror_rows", "prepare_mirror_table", "write_mirror_table"]
