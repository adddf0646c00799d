"""Validate a data directory against the schema contract, reporting every problem at once.

Each message names the file, the row as a spreadsheet user sees it (CSV: the header is row 1, so the
first data row is row 2; parquet has no header row, its first row is row 1), the column and what is
wrong, e.g. `.../concordance.csv row 7, column hs6: '84862' is not a 6-digit HS code`.

All checks are vectorised: the trade table can have millions of rows. Code columns are checked on
their distinct values and only the offending rows are looked up, and each check lists at most
`MAX_ROWS_PER_CHECK` rows before summarising the rest in one line, so a file that is wrong
everywhere still produces a readable report.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.data.coerce import FALSE_TEXT, MAX_ROW_USD, TRUE_TEXT, number_text
from optimizer.data.files import overlay_dirs, resolve_table_paths
from optimizer.data.read import read_raw_table
from optimizer.data.schema import TABLES, TableSpec
from optimizer.errors import DataValidationError, DecontrolError
from optimizer.vocabulary import POLICY_TIERS

MAX_ROWS_PER_CHECK = 50

HS_DIGITS = {"hs6": 6, "hs4": 4, "hs2": 2}

#: Columns whose values must be allowed text, per table.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("tier_overrides", "tier"): POLICY_TIERS,
    ("concordance", "confidence"): ("high", "medium", "low"),
    ("hs2_china", "flow"): ("export", "import"),
    ("ccl", "group"): ("A", "B", "C", "D", "E"),
    ("ccl", "wmd_scope"): ("entire", "partial", "none"),
    ("regimes", "regime"): ("WA", "MTCR", "NSG", "AG", "CWC"),
}

#: Columns holding ISO3 codes that must appear in countries.csv.
COUNTRY_REFS: dict[str, tuple[str, ...]] = {
    "regimes": ("iso3",),
    "partner_totals": ("partner",),
    "hs2_china": ("partner",),
    "fa_overrides": ("partner",),
    "trade": ("exporter", "importer"),
}

#: Money columns that cannot be negative (a balance can).
NON_NEGATIVE = frozenset({"value_usd", "exports_usd", "imports_usd"})
#: Columns that are shares in [0, 1].
FRACTIONS = frozenset({"controlled_share", "fa_score"})
#: Tables whose `eccn` must name a CCL entry (sub-items `2B001-rest` refer to their base `2B001`).
ECCN_REFS = ("concordance", "tier_overrides", "fa_overrides")

YEAR_RANGE = (1900, 2100)
_DATE_RE = r"\d{4}-\d{2}-\d{2}"


class _Problems:
    """Collects messages for one file, capping the rows listed per check."""

    def __init__(self, path: Path, csv: bool) -> None:
        self.label = str(path)
        self.csv = csv
        self.messages: list[str] = []

    def row(self, pos: int) -> int:
        return pos + 2 if self.csv else pos + 1

    def file(self, what: str) -> None:
        self.messages.append(f"{self.label}: {what}")

    def rows(
        self, mask: pd.Series | np.ndarray, column: str, values: pd.Series, describe: Callable[[object], str]
    ) -> None:
        """One message per offending row (up to the cap), then a count of the rest."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        for pos in positions[:MAX_ROWS_PER_CHECK]:
            self.messages.append(
                f"{self.label} row {self.row(int(pos))}, column {column}: {describe(values.iloc[int(pos)])}"
            )
        rest = len(positions) - MAX_ROWS_PER_CHECK
        if rest > 0:
            self.messages.append(f"{self.label}, column {column}: {rest} more row(s) with the same problem")


def _text(s: pd.Series) -> pd.Series:
    """A column as stripped text with blanks as '' (works for typed parquet columns too)."""
    if s.dtype.kind in "OSU" or str(s.dtype) in ("str", "string"):
        return s.fillna("").astype("str").str.strip()
    return s.astype("object").where(s.notna(), "").astype("str").str.strip()


def _bad_by_unique(s: pd.Series, ok: Callable[[pd.Series], pd.Series]) -> pd.Series | None:
    """Mask of rows whose value fails `ok`, testing each distinct value once (None: all fine)."""
    uniq = pd.Series(pd.unique(s))
    good = ok(_text(uniq)).to_numpy(dtype=bool)
    if good.all():
        return None
    return s.isin(uniq[~good].tolist())


def _quote(v: object) -> str:
    return "blank" if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "" else repr(str(v))


def check_table(
    spec: TableSpec, df: pd.DataFrame, path: Path, *, csv: bool, refs: dict[str, set[str]] | None = None
) -> list[str]:
    """Every problem in one table (columns, types, codes, ranges, enums, keys, references)."""
    p = _Problems(path, csv)
    refs = refs or {}
    missing = [c for c in spec.required_columns if c not in df.columns]
    for c in missing:
        p.file(f"missing column {c!r} (required columns: {', '.join(spec.required_columns)})")
    present = {c.name: c for c in spec.columns if c.name in df.columns}
    if len(df) == 0 and not spec.optional:
        p.file("no data rows")
    key_cols = [k for k in spec.key if k in present]

    for name, col in present.items():
        s = df[name]
        if col.dtype in ("int", "float"):
            _check_numeric(p, name, col.dtype, col.required or name in key_cols, s)
        elif col.dtype == "bool":
            if s.dtype != bool:
                bad = _bad_by_unique(s, lambda u: u.str.lower().isin(TRUE_TEXT | FALSE_TEXT))
                if bad is not None:
                    p.rows(bad, name, s, lambda v: f"{_quote(v)} is not true/false")
        elif col.dtype == "date":
            t = _text(s)
            ok = t.str.fullmatch(_DATE_RE) & pd.to_datetime(t, format="%Y-%m-%d", errors="coerce").notna()
            bad = ~ok & ((t != "") | col.required)
            p.rows(bad, name, s, lambda v: f"{_quote(v)} is not a date (YYYY-MM-DD)")
        if name in HS_DIGITS:
            n = HS_DIGITS[name]
            digits = rf"\d{{{n}}}"
            bad = _bad_by_unique(s, lambda u: u.str.fullmatch(digits))
            if bad is not None:
                p.rows(bad, name, s, partial(_hs_message, n=n))
        elif name in key_cols and col.dtype == "str":
            bad = _bad_by_unique(s, lambda u: u != "")
            if bad is not None:
                p.rows(bad, name, s, lambda v: "missing value (part of the key)")
        enum = ENUMS.get((spec.name, name))
        if enum is not None:
            allowed = set(enum)
            bad = _bad_by_unique(s, lambda u: u.isin(allowed) | ((u == "") & (not col.required)))
            if bad is not None:
                p.rows(bad, name, s, lambda v: f"{_quote(v)} is not one of {', '.join(enum)}")
        if name in COUNTRY_REFS.get(spec.name, ()) and "countries" in refs:
            known = refs["countries"]
            bad = _bad_by_unique(s, lambda u: u.isin(known))
            if bad is not None:
                p.rows(bad, name, s, lambda v: f"unknown ISO3 code {_quote(v)} (not in countries.csv)")
    _check_ranges(p, spec, df, present)
    if spec.name in ECCN_REFS and "eccn" in present and "ccl" in refs:
        known = refs["ccl"]
        bad = _bad_by_unique(df["eccn"], lambda u: u.str.split("-", n=1).str[0].isin(known))
        if bad is not None:
            p.rows(bad, "eccn", df["eccn"], lambda v: f"ECCN {_quote(v)} is not in ccl.csv")
    if spec.name == "concordance" and "hs6" in present and "hs6" in refs:
        known = refs["hs6"]
        bad = _bad_by_unique(df["hs6"], lambda u: u.isin(known) | ~u.str.fullmatch(r"\d{6}"))
        if bad is not None:
            p.rows(bad, "hs6", df["hs6"], lambda v: f"HS code {_quote(v)} is not in hs6.csv")
    if key_cols == list(spec.key) and key_cols:
        _check_duplicates(p, df, key_cols)
    return p.messages


def _hs_message(v: object, n: int) -> str:
    s = str(v).strip()
    hint = f" (leading zero lost? write '{s.zfill(n)}')" if s.isdigit() and len(s) == n - 1 else ""
    return f"{_quote(v)} is not a {n}-digit HS code{hint}"


def _check_numeric(p: _Problems, name: str, dtype: str, required: bool, s: pd.Series) -> None:
    if s.dtype.kind in "iuf":
        num = s.astype("float64")
        blank = num.isna()
        nonnum = pd.Series(False, index=s.index)
    else:
        text = _text(s)
        num, decimal_comma = number_text(text)
        blank = text == ""
        nonnum = num.isna() & ~blank & ~decimal_comma
        p.rows(
            decimal_comma,
            name,
            s,
            lambda v: (
                f"{_quote(v)} has a decimal comma: write a decimal point "
                "(a comma is read only as a thousands separator)"
            ),
        )
    p.rows(nonnum, name, s, lambda v: f"{_quote(v)} is not a number")
    finite = np.isfinite(num.to_numpy(dtype="float64", na_value=np.nan))
    p.rows(num.notna() & ~finite, name, s, lambda v: f"{_quote(v)} is not a finite number")
    if name == "value_usd":
        p.rows(
            finite & (num.to_numpy(dtype="float64", na_value=np.nan) > MAX_ROW_USD),
            name,
            s,
            lambda v: f"{_quote(v)} is an implausible value for one flow (more than ${MAX_ROW_USD:,.0f})",
        )
    if required:
        p.rows(blank, name, s, lambda v: "missing value")
    if dtype == "int":
        frac = num.notna() & (num != np.floor(num.fillna(0)))
        p.rows(frac, name, s, lambda v: f"{_quote(v)} is not a whole number")
    if name in NON_NEGATIVE:
        p.rows(num < 0, name, s, lambda v: f"negative value {_quote(v)}")
    if name in FRACTIONS:
        p.rows((num < 0) | (num > 1), name, s, lambda v: f"{_quote(v)} is outside [0, 1]")
    if name == "year":
        lo, hi = YEAR_RANGE
        p.rows((num < lo) | (num > hi), name, s, lambda v: f"year {_quote(v)} is outside {lo}-{hi}")


def _check_ranges(p: _Problems, spec: TableSpec, df: pd.DataFrame, present: dict[str, Any]) -> None:
    if spec.name == "ccl" and "category" in present:
        num = pd.to_numeric(_text(df["category"]), errors="coerce")
        p.rows((num < 0) | (num > 9), "category", df["category"], lambda v: f"category {_quote(v)} is not 0-9")


def _check_duplicates(p: _Problems, df: pd.DataFrame, key: list[str]) -> None:
    keyframe = df[key]
    if len(key) == 1:
        dup = keyframe[key[0]].duplicated(keep="first")
    else:
        dup = keyframe.duplicated(keep="first")
    if not dup.any():
        return
    involved = keyframe[keyframe.duplicated(keep=False)].copy()
    involved["_pos"] = np.arange(len(df))[keyframe.duplicated(keep=False).to_numpy()]
    first = involved.groupby(key, sort=False, dropna=False)["_pos"].transform("min")
    first_of = dict(zip(involved["_pos"], first))
    positions = np.flatnonzero(dup.to_numpy())
    for pos in positions[:MAX_ROWS_PER_CHECK]:
        values = ", ".join(f"{k}={keyframe[k].iloc[pos]!s}" for k in key)
        p.messages.append(
            f"{p.label} row {p.row(int(pos))}: duplicate key ({values}), first seen on row {p.row(int(first_of[pos]))}"
        )
    rest = len(positions) - MAX_ROWS_PER_CHECK
    if rest > 0:
        p.messages.append(f"{p.label}: {rest} more duplicate key row(s)")


def reference_sets(raw: dict[str, pd.DataFrame]) -> dict[str, set[str]]:
    """Codes other tables must refer to: countries' ISO3, CCL ECCNs, HS6 codes."""
    refs: dict[str, set[str]] = {}
    for table, column, ref in (("countries", "iso3", "countries"), ("ccl", "eccn", "ccl"), ("hs6", "hs6", "hs6")):
        df = raw.get(table)
        if df is not None and column in df.columns and len(df):
            refs[ref] = set(_text(df[column]))
    return refs


def validate_dataset(raw: dict[str, pd.DataFrame], paths: dict[str, Path | None]) -> list[str]:
    """Every problem across the tables of one resolved data directory (raw frames as read)."""
    problems: list[str] = []
    for name, spec in TABLES.items():
        if paths.get(name) is None and not spec.optional:
            problems.append(
                f"missing file {spec.filename} (neither in the data directory nor in the shipped datasets/)"
            )
    refs = reference_sets(raw)
    for name, df in raw.items():
        spec = TABLES[name]
        path = paths[name]
        assert path is not None
        problems += check_table(spec, df, path, csv=not spec.filename.endswith(".parquet"), refs=refs)
    return problems


def read_all(paths: dict[str, Path | None]) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Raw frames of every present table; unreadable files become problems instead of exceptions."""
    raw: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for name, path in paths.items():
        if path is None:
            continue
        try:
            raw[name] = read_raw_table(TABLES[name], path)
        except DecontrolError as exc:
            problems.append(exc.message)
    return raw, problems


def check_dir(data_dir: Path | None) -> list[str]:
    """All problems of `data_dir` laid over the shipped datasets (empty list: valid)."""
    paths = resolve_table_paths(overlay_dirs(data_dir))
    raw, problems = read_all(paths)
    return problems + validate_dataset(raw, paths)


def raise_if_problems(problems: list[str], what: str) -> None:
    if problems:
        raise DataValidationError(f"{what}: {len(problems)} problem(s) found", problems)
