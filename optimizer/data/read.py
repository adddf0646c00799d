"""Read one table file as the user wrote it, before any typing.

CSVs are read entirely as text (`dtype=str`, no NA guessing) so that validation can quote the cell
and codes keep their leading zeros; a UTF-8 BOM (Excel's "CSV UTF-8") is accepted. The trade table
is parquet and arrives typed. Unreadable files become a `DecontrolError` naming the file.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from optimizer.data.schema import TableSpec
from optimizer.errors import DecontrolError


def read_raw_table(spec: TableSpec, path: Path) -> pd.DataFrame:
    """The table at `path`: all-text for CSV, arrow-typed for parquet."""
    if spec.filename.endswith(".parquet"):
        return read_parquet_frame(path)
    return read_text_csv(path)


def read_text_csv(path: Path, columns: Collection[str] | None = None) -> pd.DataFrame:
    """The CSV at `path` as text. With `columns`, only those (named after stripping blanks) are kept,
    so a check that needs one column does not build the others (the CCL's eccn column alone: 3 ms
    where the whole table took 25-40 ms). The whole file is still decoded (not UTF-8, empty: refused
    as without), but pandas then does not see a row with more cells than the header: such a read is
    a quick look, never a validation (the dataset's own load validates every table)."""
    wanted = None if columns is None else frozenset(columns)
    try:
        df = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            encoding="utf-8-sig",
            usecols=None if wanted is None else (lambda c: str(c).strip() in wanted),
        )
    except pd.errors.EmptyDataError as exc:
        raise DecontrolError(f"{path}: the file is empty (expected a header row and data)") from exc
    except pd.errors.ParserError as exc:
        raise DecontrolError(f"{path}: not a well-formed CSV file ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise DecontrolError(f"{path}: not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'") from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df


def read_parquet_frame(path: Path) -> pd.DataFrame:
    # imported here: reading a CSV (the CCL check of `--items`) needs no parquet reader (10 ms to import)
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DecontrolError(f"{path}: not a readable parquet file ({exc})") from exc
    return table.to_pandas()
