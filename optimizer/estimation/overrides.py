"""Analyst overrides: reading the optional value overrides, filtering by partner, recording tiers.

Tier and FA overrides are schema tables (`policy/tier_overrides.csv`, `policy/fa_overrides.csv`)
loaded with the dataset. Tier overrides recorded by analysts are kept first of all in an append-only
history in the scenario database (`TierOverrideLog`: who, when, from -> to, reason; rows are only
ever added); the CSV the loader reads is then rewritten from it (the latest decision per ECCN),
under a lock, so concurrent recorders never drop each other's decisions. Value overrides (`policy/value_overrides.csv`: eccn, partner, value_usd,
reason, author, date) are optional and read here from the data directories, the user's directory
winning over the shipped one, like every other file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import DecontrolError
from optimizer.estimation.config import TIERS

VALUE_OVERRIDES_FILE = "policy/value_overrides.csv"
VALUE_OVERRIDE_COLUMNS = ["eccn", "partner", "value_usd", "reason", "author", "date"]
TIER_OVERRIDE_COLUMNS = ["eccn", "tier", "reason", "author", "date"]
HISTORY_COLUMNS = ["id", "eccn", "from_tier", "to_tier", "reason", "author", "date", "recorded_at"]


class TierOverrideLog:
    """The append-only history of tier decisions in the scenario database (table
    `tier_override_history`, created by its migrations). `record` only ever inserts."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text

        self.engine = engine
        self.table = Table(
            "tier_override_history",
            MetaData(),
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("eccn", String(16)),
            Column("from_tier", String(32)),
            Column("to_tier", String(32)),
            Column("reason", Text),
            Column("author", String(120)),
            Column("date", String(10)),
            Column("recorded_at", DateTime(timezone=True)),
        )

    def record(self, eccn: str, from_tier: str, to_tier: str, reason: str, author: str, date: str) -> int:
        """Append one decision; returns its id (the database orders concurrent recorders)."""
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.begin() as c:
                res = c.execute(
                    self.table.insert().values(
                        eccn=eccn,
                        from_tier=from_tier,
                        to_tier=to_tier,
                        reason=reason,
                        author=author,
                        date=date,
                        recorded_at=dt.datetime.now(dt.UTC),
                    )
                )
                return int(res.inserted_primary_key[0])
        except SQLAlchemyError as exc:
            raise DecontrolError(
                f"the tier override was not recorded: the database refused it ({str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]})"
            ) from None

    def history(self, eccn: str | None = None) -> pd.DataFrame:
        """Every decision (optionally of one ECCN), oldest first."""
        from sqlalchemy import select

        q = select(self.table).order_by(self.table.c.id)
        if eccn:
            q = q.where(self.table.c.eccn == eccn)
        with self.engine.connect() as c:
            rows = [dict(r._mapping) for r in c.execute(q)]
        df = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
        df["recorded_at"] = df["recorded_at"].astype(str)
        return df

    def latest(self) -> pd.DataFrame:
        """The decision in force per ECCN, in the loader's shape (eccn, tier, reason, author, date)."""
        h = self.history()
        last = h.sort_values("id").drop_duplicates("eccn", keep="last")
        return last.rename(columns={"to_tier": "tier"})[TIER_OVERRIDE_COLUMNS].sort_values("eccn", ignore_index=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside `path` for a read-modify-write of it (processes and threads alike)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def for_partner(overrides: pd.DataFrame, partner: str) -> pd.DataFrame:
    """Rows of an (eccn, partner, ...) override table that apply to `partner`."""
    if overrides is None or overrides.empty or "partner" not in overrides:
        return pd.DataFrame(columns=list(overrides.columns) if overrides is not None else [])
    return overrides.loc[overrides["partner"].astype(str).str.upper() == partner].reset_index(drop=True)


def read_value_overrides(data_dirs: Iterable[Path]) -> pd.DataFrame:
    """The highest-priority `policy/value_overrides.csv` among `data_dirs` (lowest priority first).

    Missing file: empty table. Bad rows raise DecontrolError naming file, row and column.
    """
    path = next(
        (
            Path(d) / VALUE_OVERRIDES_FILE
            for d in reversed(list(data_dirs))
            if (Path(d) / VALUE_OVERRIDES_FILE).is_file()
        ),
        None,
    )
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
    bad = [
        f"{path.name} row {i + 2}, column value_usd: {df.at[i, 'value_usd']!r} is not a number >= 0"
        for i in df.index[(values.isna()) | (values < 0)]
    ]
    if bad:
        raise DecontrolError(f"value overrides in {path} have problems", bad)
    df["value_usd"] = values.astype(float)
    df["eccn"] = df["eccn"].str.strip()
    df["partner"] = df["partner"].str.strip().str.upper()
    return df[VALUE_OVERRIDE_COLUMNS]


def record_tier_override(
    path: Path,
    eccn: str,
    tier: str,
    reason: str,
    author: str,
    date: str | None = None,
    *,
    log: TierOverrideLog | None = None,
    from_tier: str = "",
) -> pd.DataFrame:
    """Record a tier decision for `eccn`: appended to `log` (the full history) when given, and
    written to the tier-overrides CSV at `path` as the decision in force for that ECCN, atomically
    and under a lock (a concurrent recorder's decision is never dropped).

    For the dashboard's "change tier" action: the analyst's file (e.g. under a user data
    directory), never the shipped policy file unless that is deliberate. Returns the new table
    (latest decision per ECCN, the shape `apply_tier_overrides` reads).
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
    with _locked(path):
        if log is not None:
            log.record(eccn.strip(), from_tier, tier, reason.strip(), author.strip(), date)
        if path.is_file():
            table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            table = pd.DataFrame(columns=TIER_OVERRIDE_COLUMNS)
        if log is not None:  # the history decides: every ECCN it knows takes its latest decision
            latest = log.latest()
            table = pd.concat([table[~table["eccn"].isin(latest["eccn"])], latest], ignore_index=True)
        else:
            table = table[table["eccn"] != eccn.strip()]
            row = pd.DataFrame(
                [[eccn.strip(), tier, reason.strip(), author.strip(), date]], columns=TIER_OVERRIDE_COLUMNS
            )
            table = pd.concat([table, row], ignore_index=True)
        table = table[TIER_OVERRIDE_COLUMNS].sort_values("eccn", ignore_index=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tier_overrides.", suffix=".csv")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                table.to_csv(fh, index=False, quoting=csv.QUOTE_MINIMAL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return table
