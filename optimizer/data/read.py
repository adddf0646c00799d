"""Read one table file as the user wrote it, before any typing.

CSVs are read entirely as text (`dtype=str`, no NA guessing) so that validation can quote the cell
and codes keep their leading zeros; a UTF-8 BOM (Excel's "CSV UTF-8") is accepted. The trade table
is parquet and arrives typed. Unreadable files become a `DecontrolError` naming the file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from optimizer.data.schema import TableSpec
from optimizer.errors import DecontrolError


def read_raw_table(spec: TableSpec, path: Path) -> pd.DataFrame:
    """The table at `path`: all-text for CSV, arrow-typed for parquet."""
    if spec.filename.endswith(".parquet"):
        return read_parquet_frame(path)
    return read_text_csv(path)


def read_text_csv(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig")
    except pd.errors.EmptyDataError as exc:
        raise DecontrolError(f"{path}: the file is empty (expected a header row and data)") from exc
    except pd.errors.ParserError as exc:
        raise DecontrolError(f"{path}: not a well-formed CSV file ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise DecontrolError(f"{path}: not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'") from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df


def read_parquet_frame(path: Path) -> pd.DataFrame:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DecontrolError(f"{path}: not a readable parquet file ({exc})") from exc
    return table.to_pandas()
