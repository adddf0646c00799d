"""Turn the raw text of a table into the typed frame the rest of decontrol works with.

CSV files are read with every column as text (so `010121` keeps its leading zero and `842` is not
silently a float), validated as text (so messages can quote what the user wrote), then coerced here:
codes and names `str`, years and codes `int` (nullable `Int64` where an optional column has blanks),
money and shares `float`, flags `bool`. Dates stay ISO `YYYY-MM-DD` strings: they are validated, and
strings survive JSON, CSV and the dashboard's stores unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.data.schema import TableSpec

#: Text accepted for a `bool` column (case-insensitive); anything else is a validation problem.
TRUE_TEXT = frozenset({"true", "1", "yes", "y", "t"})
FALSE_TEXT = frozenset({"false", "0", "no", "n", "f", ""})

#: Columns holding codes: surrounding blanks are never meaningful in them.
CODE_COLUMNS = frozenset(
    {
        "hs6",
        "hs4",
        "hs2",
        "iso3",
        "iso2",
        "exporter",
        "importer",
        "partner",
        "eccn",
        "regime",
        "tier",
        "confidence",
        "flow",
        "group",
    }
)


#: Thousands separators the way English-locale exports write them: 1,234 or 12,345,678.90
THOUSANDS_RE = r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$"
#: A decimal comma: 1234,56 or 1.234,56 (continental European locale). Never read as a number:
#: dropping the comma would multiply the value by 100 silently.
DECIMAL_COMMA_RE = r"^[-+]?(\d{1,3}(\.\d{3})+|\d+),\d+$"

#: No single (year, exporter, importer, HS6) flow comes near this (world goods trade is ~$25tn a
#: year; the largest HS6 flows are ~$0.2tn): a larger value is a unit or parsing error.
MAX_ROW_USD = 1e13


def number_text(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers, decimal-comma mask) of stripped text: thousands separators removed, decimal commas NaN."""
    raw = text.astype("str").str.strip()
    thousands = raw.str.fullmatch(THOUSANDS_RE)
    decimal_comma = raw.str.fullmatch(DECIMAL_COMMA_RE) & ~thousands
    t = raw.where(~thousands, raw.str.replace(",", "", regex=False))
    num = pd.to_numeric(t.where((t != "") & ~decimal_comma, None), errors="coerce").astype("float64")
    return num, decimal_comma


def empty_frame(spec: TableSpec) -> pd.DataFrame:
    """A frame with the table's columns and dtypes and no rows (optional tables that are absent)."""
    return pd.DataFrame({c.name: pd.Series(dtype=_empty_dtype(c.dtype)) for c in spec.columns})


def _empty_dtype(dtype: str) -> str:
    return {"int": "int64", "float": "float64", "bool": "bool"}.get(dtype, "str")


def parse_bool(text: pd.Series) -> pd.Series:
    """Vectorised text -> bool; unknown text becomes False (the validator reports it first)."""
    lowered = text.fillna("").astype("str").str.strip().str.lower()
    return lowered.isin(TRUE_TEXT).astype(bool)


def to_int(values: pd.Series) -> pd.Series:
    """Numbers -> int64, or nullable Int64 when some cells are blank."""
    num = pd.to_numeric(values, errors="coerce")
    if num.isna().any():
        return num.round().astype("Int64")
    return num.round().astype(np.int64) if num.dtype.kind == "f" else num.astype(np.int64)


def coerce_frame(raw: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Typed copy of `raw` with every schema column (missing optional columns added empty).

    Extra columns a user added are kept as text after the schema columns: they may be notes the
    analyst wants to see again, and dropping them silently would be surprising.
    """
    out: dict[str, pd.Series] = {}
    n = len(raw)
    for col in spec.columns:
        if col.name in raw.columns:
            s = raw[col.name]
        else:
            s = pd.Series([None] * n, index=raw.index, dtype="object")
        if col.dtype == "int":
            out[col.name] = to_int(s)
        elif col.dtype == "float":
            out[col.name] = s.astype("float64") if s.dtype.kind in "iuf" else number_text(s)[0]
        elif col.dtype == "bool":
            out[col.name] = s.astype(bool) if s.dtype == bool else parse_bool(s)
        else:
            out[col.name] = _clean_text(s, strip=col.name in CODE_COLUMNS)
    typed = pd.DataFrame(out, index=raw.index)
    extras = [c for c in raw.columns if c not in typed.columns]
    for c in extras:
        typed[c] = raw[c]
    return typed.reset_index(drop=True)


def _clean_text(s: pd.Series, *, strip: bool) -> pd.Series:
    """Text with blanks as ''; code columns stripped. Cheap on clean columns of millions of rows."""
    if str(s.dtype) != "str" or s.isna().any():
        s = s.astype("object").where(s.notna(), "").astype("str")
    if strip:
        uniq = pd.Series(pd.unique(s), dtype="str")
        if (uniq != uniq.str.strip()).any():
            s = s.str.strip()
    return s
