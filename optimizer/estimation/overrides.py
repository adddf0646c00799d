"""Analyst overrides: reading the optional value overrides, filtering by partner, recording tiers.

Tier and FA overrides are schema tables (`policy/tier_overrides.csv`, `policy/fa_overrides.csv`)
loaded with the dataset. Value overrides (`policy/value_overrides.csv`: eccn, partner, value_usd,
reason, author, date) are optional and read here from the data directories, the user's directory
winning over the shipped one, like every other file.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from optimizer.errors import DecontrolError
from optimizer.estimation.config import TIERS

VALUE_OVERRIDES_FILE = "policy/value_overrides.csv"
VALUE_OVERRIDE_COLUMNS = ["eccn", "partner", "value_usd", "reason", "author", "date"]
TIER_OVERRIDE_COLUMNS = ["eccn", "tier", "reason", "author", "date"]


def for_partner(overrides: pd.DataFrame, partner: str) -> pd.DataFrame:
    """Rows of an (eccn, partner, ...) override table that apply to `partner`."""
    if overrides is None or overrides.empty or "partner" not in overrides:
        return pd.DataFrame(columns=list(overrides.columns) if overrides is not None else [])
    return overrides.loc[overrides["partner"].astype(str).str.upper() == partner].reset_index(drop=True)


def read_value_overrides(data_dirs: Iterable[Path]) -> pd.DataFrame:
    """The highest-priority `policy/value_overrides.csv` among `data_dirs` (lowest priority first).

    Missing file: empty table. Bad rows raise DecontrolError naming file, row and column.
    """
    path = next((Path(d) / VALUE_OVERRIDES_FILE for d in reversed(list(data_dirs))
                 if (Path(d) / VALUE_OVERRIDES_FILE).is_file()), None)
    if path is None:
        return pd.DataFrame(columns=VALUE_OVERRIDE_COLUMNS)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DecontrolError(f"cannot read {path}: {exc}") from None
    missing = [c for c in ("eccn", "partner", "value_usd") if c not in df.columns]
    if missing:
        raise DecontrolError(f"{path}: missing column(s) {', '.join(missing)}")
    for c in VALUE_OVERRIDE_COLUMNS:
        if c not in df:
            df[c] = ""
    values = pd.to_numeric(df["value_usd"], errors="coerce")
    bad = [f"{path.name} row {i + 2}, column value_usd: {df.at[i, 'value_usd']!r} is not a number >= 0"
           for i in df.index[(values.isna()) | (values < 0)]]
    if bad:
        raise DecontrolError(f"value overrides in {path} have problems", bad)
    df["value_usd"] = values.astype(float)
    df["eccn"] = df["eccn"].str.strip()
    df["partner"] = df["partner"].str.strip().str.upper()
    return df[VALUE_OVERRIDE_COLUMNS]


def record_tier_override(path: Path, eccn: str, tier: str, reason: str, author: str,
                         date: str | None = None) -> pd.DataFrame:
    """Write (or replace) the override of `eccn` in the tier-overrides CSV at `path`, atomically.

    For the dashboard's "change tier" action: the analyst's file (e.g. under a user data
    directory), never the shipped policy file unless that is deliberate. Returns the new table.
    """
    tier = tier.strip().lower()
    if tier not in TIERS:
        raise DecontrolError(f"tier {tier!r} is not one of {', '.join(TIERS)}")
    if not eccn.strip():
        raise DecontrolError("a tier override needs an ECCN")
    if not reason.strip():
        raise DecontrolError("a tier override needs a reason")
    if not author.strip():
        raise DecontrolError("a tier override needs an author")
    date = date or dt.date.today().isoformat()
    path = Path(path)
    if path.is_file():
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        table = pd.DataFrame(columns=TIER_OVERRIDE_COLUMNS)
    table = table[table["eccn"] != eccn.strip()]
    row = pd.DataFrame([[eccn.strip(), tier, reason.strip(), author.strip(), date]], columns=TIER_OVERRIDE_COLUMNS)
    table = pd.concat([table, row], ignore_index=True).sort_values("eccn", ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tier_overrides.", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            table.to_csv(fh, index=False, quoting=csv.QUOTE_MINIMAL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return table
