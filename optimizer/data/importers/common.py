"""What every importer shares: flag parsing, country tables, the import report, the final write.

The report is the importer's promise to the analyst: rows read, rows kept, rows dropped per reason
(with their value), and the total written, which must equal the total kept (`finish_import` checks
this before anything is written). Nothing is dropped without a line in the report.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from optimizer.data.coerce import MAX_ROW_USD, number_text
from optimizer.data.trade_file import TRADE_ARROW_SCHEMA, TRADE_COLUMNS, read_trade_meta, write_trade_table
from optimizer.errors import DecontrolError
from optimizer.paths import SHIPPED_DATA_DIR

#: Relative tolerance of the conservation check (float sums over millions of rows).
CONSERVATION_RTOL = 1e-9

#: "Other Asia, nes" (code 490) is how the UN and CEPII report Taiwan.
TAIWAN_CODE = 490


@dataclass
class ImportReport:
    """Accounting of one import, printed by the CLI and stored in the parquet metadata."""

    importer: str
    input_path: Path
    source: str = ""
    rows_read: int = 0
    value_read_usd: float = 0.0
    dropped_rows: dict[str, int] = field(default_factory=dict)
    dropped_value_usd: dict[str, float] = field(default_factory=dict)
    rows_kept: int = 0
    value_kept_usd: float = 0.0
    rows_written: int = 0
    value_written_usd: float = 0.0
    years: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    out_path: Path | None = None

    def drop(self, reason: str, rows: int, value_usd: float) -> None:
        """Account for rows left out (no-op for zero rows)."""
        if rows:
            self.dropped_rows[reason] = self.dropped_rows.get(reason, 0) + int(rows)
            self.dropped_value_usd[reason] = self.dropped_value_usd.get(reason, 0.0) + float(value_usd)

    @property
    def rows_dropped(self) -> int:
        return sum(self.dropped_rows.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "importer": self.importer,
            "input": str(self.input_path),
            "source": self.source,
            "out": str(self.out_path) if self.out_path else None,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_dropped": self.rows_dropped,
            "rows_written": self.rows_written,
            "value_read_usd": self.value_read_usd,
            "value_kept_usd": self.value_kept_usd,
            "value_written_usd": self.value_written_usd,
            "dropped": [
                {"reason": r, "rows": n, "value_usd": self.dropped_value_usd.get(r, 0.0)}
                for r, n in self.dropped_rows.items()
            ],
            "years": self.years,
            "notes": self.notes,
        }

    def lines(self) -> list[str]:
        """Human-readable summary for the terminal."""
        out = [
            f"imported {self.input_path} ({self.source})",
            f"  rows read     {self.rows_read:>14,}   value {_usd(self.value_read_usd)}",
            f"  rows kept     {self.rows_kept:>14,}   value {_usd(self.value_kept_usd)}",
            f"  rows dropped  {self.rows_dropped:>14,}",
        ]
        for reason, n in self.dropped_rows.items():
            out.append(f"    - {reason}: {n:,} rows, {_usd(self.dropped_value_usd.get(reason, 0.0))}")
        out.append(
            f"  written       {self.rows_written:>14,}   value {_usd(self.value_written_usd)}   (equals value kept)"
        )
        out.append(f"  years         {', '.join(map(str, self.years))}")
        out += [f"  note: {n}" for n in self.notes]
        out.append(f"  -> {self.out_path}")
        return out


def _usd(v: float) -> str:
    return f"${v:,.0f}"


def parse_iso_list(text: str | None, flag: str) -> tuple[str, ...] | None:
    """`CHN,USA` -> ('CHN', 'USA'); None when the flag is absent."""
    if text is None:
        return None
    codes = tuple(c.strip().upper() for c in text.split(",") if c.strip())
    bad = [c for c in codes if not re.fullmatch(r"[A-Z]{3}", c)]
    if bad or not codes:
        raise DecontrolError(f"{flag}: expected comma-separated ISO3 codes such as CHN,USA; got {text!r}")
    return codes


def parse_hs_prefixes(text: str | None) -> tuple[str, ...] | None:
    """`84,8542` -> ('84', '8542'): HS prefixes of 1-6 digits."""
    if text is None:
        return None
    prefixes = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [p for p in prefixes if not re.fullmatch(r"\d{1,6}", p)]
    if bad or not prefixes:
        raise DecontrolError(f"--hs-prefix: expected comma-separated HS prefixes such as 84,85; got {text!r}")
    return prefixes


def shipped_countries(required_for: str) -> pd.DataFrame:
    """The shipped `countries.csv` as text (iso3, name, m49, baci_code)."""
    path = SHIPPED_DATA_DIR / "countries.csv"
    if not path.is_file():
        raise DecontrolError(f"{path} is missing: it is needed {required_for}")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return df


def known_iso3() -> frozenset[str] | None:
    """ISO3 codes decontrol knows (shipped countries.csv); None if that file is not there."""
    path = SHIPPED_DATA_DIR / "countries.csv"
    if not path.is_file():
        return None
    return frozenset(shipped_countries("")["iso3"].str.strip())


def code_to_iso3(countries: pd.DataFrame, column: str) -> dict[int, str]:
    """Numeric code (`baci_code` or `m49`) -> ISO3 from countries.csv, Taiwan's 490 included."""
    if column not in countries.columns:
        return {}
    codes = pd.to_numeric(countries[column], errors="coerce")
    table = {int(c): iso for c, iso in zip(codes, countries["iso3"]) if pd.notna(c)}
    if "TWN" in set(countries["iso3"]):
        table.setdefault(TAIWAN_CODE, "TWN")
    return table


def finish_import(
    frame: pd.DataFrame | pa.Table,
    out_dir: Path,
    report: ImportReport,
    meta: dict[str, str],
    *,
    keys_unique: bool = False,
    replace: bool = False,
) -> ImportReport:
    """Sum duplicate keys, check value conservation, add to `out_dir/trade.parquet` atomically.

    `frame` holds the kept rows (canonical columns; several source rows may share a key, e.g.
    HS10 lines of one HS6 code or months of one year). `report.value_kept_usd` must already hold
    their total. `keys_unique=True` skips the group-by when the caller knows no key repeats.

    An existing imported `trade.parquet` in `out_dir` is added to (other years, reporters, sources):
    rows sharing a key with it must agree on the value, else the import is refused naming the rows,
    unless `replace` (the new rows then replace the old ones on those keys). The file's
    `decontrol.sources` metadata lists every import with its own provenance (`data info` shows it).
    """
    if isinstance(frame, pa.Table):
        table = frame.select(list(TRADE_COLUMNS)) if keys_unique else _aggregate_arrow(frame)
        written = float(pc.sum(table["value_usd"]).as_py() or 0.0)
        rows = table.num_rows
        years = sorted(int(y) for y in pc.unique(table["year"]).to_pylist())
    else:
        df = frame.groupby(["year", "exporter", "importer", "hs6"], as_index=False, sort=False)["value_usd"].sum()
        written = float(df["value_usd"].sum())
        rows = len(df)
        years = sorted(int(y) for y in df["year"].unique())
        df = df.sort_values(["year", "exporter", "importer", "hs6"], kind="stable", ignore_index=True)
        table = pa.Table.from_pandas(df.loc[:, list(TRADE_COLUMNS)], preserve_index=False)
    if rows == 0:
        raise DecontrolError(
            f"{report.input_path}: no rows left to import ({report.rows_read:,} read, all dropped: {_reasons(report)})"
        )
    if not np.isclose(written, report.value_kept_usd, rtol=CONSERVATION_RTOL, atol=0.5):
        raise AssertionError(f"value not conserved: kept {report.value_kept_usd!r}, written {written!r}")
    report.rows_written, report.value_written_usd, report.years = rows, written, years
    entries = {
        "input": report.input_path.name,
        "importer": report.importer,
        "rows_read": str(report.rows_read),
        "rows_kept": str(report.rows_kept),
        "value_usd": repr(written),
        "notes": " | ".join(report.notes),
    }
    entries.update(meta)
    this = {
        "source": report.source,
        "input": report.input_path.name,
        "importer": report.importer,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "years": years,
        "rows": rows,
        "value_usd": written,
        "classification": meta.get("classification", ""),
        "exporters": sorted(str(x) for x in pc.unique(pc.cast(table["exporter"], pa.string())).to_pylist())[:50],
        "notes": report.notes,
    }
    out_dir = Path(out_dir)
    target = out_dir / "trade.parquet"
    sources = [this]
    source = report.source
    if target.is_file():
        table, sources, source = _add_to_existing(target, table, this, report, replace)
        if table is None:  # an identical re-import: the file is left as it is
            report.out_path = target
            return report
        entries["value_usd"] = repr(float(pc.sum(table["value_usd"]).as_py() or 0.0))
    entries["sources"] = json.dumps(sources)
    report.out_path = write_trade_table(table, out_dir, source=source, synthetic=False, meta=entries)
    return report


def _add_to_existing(
    target: Path, new: pa.Table, this: dict[str, Any], report: ImportReport, replace: bool
) -> tuple[pa.Table | None, list[dict[str, Any]], str]:
    """The existing imported table plus `new`; overlapping keys checked (or replaced). None: nothing new."""
    meta = read_trade_meta(target)
    if meta.synthetic:
        raise DecontrolError(
            f"{target} is a synthetic trade layer: import into an empty directory (imports never "
            "mix with synthetic rows)"
        )
    try:
        old_sources = json.loads(meta.extra.get("sources", "")) if meta.extra.get("sources") else None
    except ValueError:
        old_sources = None
    if not old_sources:
        old_sources = [
            {
                "source": meta.source,
                "input": meta.extra.get("input", ""),
                "importer": meta.extra.get("importer", ""),
                "imported_at": meta.extra.get("imported_at", ""),
                "notes": [],
            }
        ]
    keys = ["year", "exporter", "importer", "hs6"]
    old_all = _plain(pq.read_table(target))
    new = _plain(new)
    # only rows of the new file's years can overlap: the rest of the old table stays in Arrow untouched
    in_years = pc.is_in(old_all["year"], value_set=pc.unique(new["year"]))
    old_rest, old_cand = old_all.filter(pc.invert(in_years)), old_all.filter(in_years)
    old_df, new_df = old_cand.to_pandas(), new.to_pandas()
    both = old_df.merge(new_df, on=keys, how="inner", suffixes=("_old", "_new"))
    differ = both[~np.isclose(both["value_usd_old"], both["value_usd_new"], rtol=1e-6, atol=0.5)]
    if len(differ) and not replace:
        where = ", ".join(s.get("input") or s.get("source", "") for s in old_sources)
        details = [
            f"{r.year} {r.exporter} -> {r.importer} HS {r.hs6}: ${r.value_usd_old:,.2f} already in {target.name} "
            f"vs ${r.value_usd_new:,.2f} in {report.input_path.name}"
            for r in differ.head(20).itertuples()
        ]
        if len(differ) > 20:
            details.append(f"... {len(differ) - 20:,} more row(s)")
        raise DecontrolError(
            f"{report.input_path}: {len(differ):,} row(s) overlap the data already in {target.parent} "
            f"(from {where}) with a different value; nothing was written. Re-run with --replace to "
            "replace those rows with the new file's, or import into another directory",
            details,
        )
    if len(both):
        overlap = both[keys]
        if replace:
            hit = old_df.merge(overlap, on=keys, how="left", indicator=True)["_merge"].eq("both").to_numpy()
            old_df = old_df[~hit]
            report.notes.append(
                f"--replace: {len(both):,} row(s) already in the directory replaced by this file's "
                f"({len(differ):,} with a different value)"
            )
        else:
            hit = new_df.merge(overlap, on=keys, how="left", indicator=True)["_merge"].eq("both").to_numpy()
            new_df = new_df[~hit]
            report.notes.append(f"{len(both):,} row(s) were already in the directory with the same value (kept once)")
    this["notes"] = report.notes
    if new_df.empty and not (replace and len(both)):
        report.notes.append(
            f"every row of {report.input_path.name} was already in {target} with the same value: nothing changed"
        )
        return None, list(old_sources), meta.source
    parts = [old_rest] + [
        pa.Table.from_pandas(f[keys + ["value_usd"]], schema=TRADE_ARROW_SCHEMA, preserve_index=False)
        for f in (old_df, new_df)
    ]
    combined = pa.concat_tables(parts)
    expected = (
        float(pc.sum(old_rest["value_usd"]).as_py() or 0.0)
        + float(old_df["value_usd"].sum())
        + float(new_df["value_usd"].sum())
    )
    if not np.isclose(float(pc.sum(combined["value_usd"]).as_py() or 0.0), expected, rtol=CONSERVATION_RTOL, atol=0.5):
        raise AssertionError("value not conserved while adding to the existing trade table")
    sources = list(old_sources) + [this]
    report.notes.append(f"added to {target}: it now holds {combined.num_rows:,} rows from {len(sources)} import(s)")
    label = "; ".join(dict.fromkeys(s.get("source", "") for s in sources))
    return combined, sources, label


def _plain(table: pa.Table) -> pa.Table:
    """The canonical columns with plain (not dictionary-encoded) types, so tables concatenate."""
    return pa.table([table.column(f.name).cast(f.type) for f in TRADE_ARROW_SCHEMA], schema=TRADE_ARROW_SCHEMA)


def _reasons(report: ImportReport) -> str:
    return "; ".join(f"{r} ({n:,})" for r, n in report.dropped_rows.items()) or "no rows in the input"


def _aggregate_arrow(table: pa.Table) -> pa.Table:
    """Sum rows sharing a key."""
    keys = ["year", "exporter", "importer", "hs6"]
    grouped = table.group_by(keys, use_threads=False).aggregate([("value_usd", "sum")])
    return grouped.rename_columns(keys + ["value_usd"]).select(list(TRADE_COLUMNS))


class Problems:
    """Problems found in an input, listed per row up to a cap, then counted."""

    cap = 50

    def __init__(self, label: str) -> None:
        self.label = label
        self.messages: list[str] = []
        self.overflow = 0

    def __bool__(self) -> bool:
        return bool(self.messages)

    def rows(self, mask: pd.Series, row_numbers: pd.Series, column: str, describe: Callable[[int], str]) -> None:
        """One message per flagged row (`describe(value_index)` says what is wrong)."""
        flagged = np.flatnonzero(np.asarray(mask, dtype=bool))
        room = max(0, self.cap - len(self.messages))
        for pos in flagged[:room]:
            self.messages.append(
                f"{self.label} row {int(row_numbers.iloc[pos])}, column {column}: {describe(int(pos))}"
            )
        self.overflow += max(0, len(flagged) - room)

    def raise_if_any(self, what: str) -> None:
        if self.messages:
            details = self.messages + ([f"... {self.overflow:,} more row(s) with problems"] if self.overflow else [])
            raise DecontrolError(f"{self.label}: {what}; nothing was written", details)


def numeric_values(
    text: pd.Series, row_numbers: pd.Series, column: str, problems: Problems, scale: float = 1.0
) -> pd.Series:
    """Money column as float (x `scale`, e.g. 1000 for thousand USD), every bad cell a problem naming the row.

    Refused: blanks, non-numbers, negatives, non-finite values (inf, nan), values above
    `MAX_ROW_USD` after scaling, and decimal commas ("1234,56": converting it would silently
    multiply by 100). Thousands separators ("1,234,567") are accepted.
    """
    values, decimal_comma = number_text(text)
    values = values * scale
    blank = text.astype("str").str.strip() == ""
    problems.rows(blank, row_numbers, column, lambda i: "missing value")
    problems.rows(
        decimal_comma,
        row_numbers,
        column,
        lambda i: (
            f"{text.iloc[i]!r} has a decimal comma: export the file with a decimal point "
            "(a comma is read as a thousands separator only in groups of three digits)"
        ),
    )
    bad = values.isna() & ~blank & ~decimal_comma
    problems.rows(bad, row_numbers, column, lambda i: f"{text.iloc[i]!r} is not a number")
    finite = np.isfinite(values.to_numpy())
    problems.rows(
        ~finite & values.notna().to_numpy(), row_numbers, column, lambda i: f"{text.iloc[i]!r} is not a finite number"
    )
    problems.rows(values < 0, row_numbers, column, lambda i: f"negative value {text.iloc[i]!r}")
    problems.rows(
        finite & (values.to_numpy() > MAX_ROW_USD),
        row_numbers,
        column,
        lambda i: (
            f"{text.iloc[i]!r} is an implausible value for one flow (more than ${MAX_ROW_USD:,.0f}); check the unit"
        ),
    )
    return values


#: Text inputs (CSV, JSON) larger than this are refused before reading (a BACI zip streams instead).
MAX_TEXT_BYTES = 4 << 30
#: Nesting deeper than this is not a trade download (Comtrade+ JSON is 3 deep, Census 2).
MAX_JSON_DEPTH = 8


def check_utf8(path: Path, encoding: str = "utf-8", chunk: int = 1 << 20) -> str:
    """The encoding to read `path` with; non-UTF-8 bytes are refused naming the row and column.

    A Latin-1 / Windows-1252 file (older Comtrade+ portal downloads, Excel on Windows) is read only
    when the analyst says so (`--encoding latin-1`): guessing could turn names into mojibake silently.
    """
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        return encoding
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    done = 0
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            try:
                decoder.decode(block, final=len(block) < chunk)
            except UnicodeDecodeError as exc:
                offset = done + exc.start
                fh.seek(0)
                head = fh.read(offset + 1)
                line_start = head.rfind(b"\n", 0, offset) + 1
                row = head.count(b"\n", 0, offset) + 1
                col = len(next(csv.reader([head[line_start:offset].decode("latin-1")]), [""]))
                raise DecontrolError(
                    f"{path} row {row}, field {col}: byte 0x{head[offset]:02x} is not UTF-8 (byte offset {offset}); "
                    "if the file is Latin-1 or Windows-1252, re-run with --encoding latin-1 (or cp1252); "
                    "nothing was written"
                ) from None
            done += len(block)
    return "utf-8-sig"


def check_size(path: Path, limit: int = MAX_TEXT_BYTES) -> None:
    """Refuse a text input larger than `limit` before reading it into memory."""
    size = path.stat().st_size
    if size > limit:
        raise DecontrolError(
            f"{path}: {size:,} bytes is more than the {limit:,} bytes a text download is "
            "read in one piece; split it (e.g. one file per year)"
        )


def load_json(path: Path, text: str) -> Any:
    """`json.loads` with a depth guard: deeply nested input is refused, never a RecursionError."""
    import json

    brackets = re.sub(r"[^\[\]{}]", "", re.sub(r'"(?:[^"\\]|\\.)*"', "", text))  # strings skipped
    steps = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    depth = np.cumsum(np.where((steps == ord("[")) | (steps == ord("{")), 1, -1)) if len(steps) else np.zeros(1)
    if depth.max() > MAX_JSON_DEPTH:
        raise DecontrolError(
            f"{path}: JSON nested more than {MAX_JSON_DEPTH} levels deep; a trade download is "
            "a flat list of records; nothing was written"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DecontrolError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); the download may be truncated"
        ) from exc
    except RecursionError:
        raise DecontrolError(f"{path}: JSON nested too deeply; nothing was written") from None


def drop_rows(report: ImportReport, keep: pd.Series, mask: pd.Series, value: pd.Series, reason: str) -> pd.Series:
    """Account for rows newly excluded by `mask` under `reason`; returns the updated keep mask."""
    hit = mask & keep
    if hit.any():
        report.drop(reason, int(hit.sum()), float(value[hit].sum()))
    return keep & ~mask
