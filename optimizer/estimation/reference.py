"""The rule reference an edited item table is held to, cached on disk per data and code content.

`decontrol optimize/frontier --items FILE.csv` must refuse a table that lowers a rule-foundational
item or trades an `nlr` one (`optimizer.model.items.enforce_floor`), and take the licensing columns
from the licensing model. Both come from the validated dataset and the estimation (about 2 s: the
whole dataset read and validated, the tiers and licence requirements computed), for a few columns of
some 700 rows. `rule_reference` keeps those columns in the user cache directory
(`$DECONTROL_CACHE_DIR`, else `$XDG_CACHE_HOME/decontrol`, else `~/.cache/decontrol`), keyed by

- the SHA-256 of every data file the load would read (the shipped data and any overlay, as
  `load_dataset` resolves them), so any edit of a data file, even within one mtime tick, misses;
- the SHA-256 of every source file of the `optimizer` package and the pandas and pyarrow versions,
  so a change of the rules or of the code that applies them misses too;
- the partner and the year asked for.

The digests, the cache directory and the atomic JSON writes are those of `optimizer/data/cache.py`
(read its docstring for why a recorded digest is the digest of the bytes on disk). An entry is
written only after the dataset loaded *and validated* (an invalid directory raises as it always
did, and nothing is cached); the digests are written only when an entry is or when a hit had to
hash a file again. An entry that cannot be read is recomputed. `DECONTROL_CACHE=0` turns the cache
off.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.data.cache import FileDigests, cache_dir, code_digest, data_key, write_json
from optimizer.errors import DecontrolError
from optimizer.licensing import LICENSING_COLUMNS

#: Columns of the reference `enforce_floor` and the licensing alignment read.
REFERENCE_COLUMNS: tuple[str, ...] = ("eccn", "tier", "tier_floor", "tier_reason", "partner", *LICENSING_COLUMNS)

#: Bumped when the entry's layout changes.
FORMAT = 1


@dataclass(frozen=True)
class RuleReference:
    """The rule columns per item, and the data directory's trade provenance."""

    items: pd.DataFrame
    trade_synthetic: bool
    trade_source: str
    cached: bool = False
    #: False when the files changed while they were read: such a reference is used once, never stored
    storable: bool = True


def _data_key(data_dir: Path | None, digests: FileDigests | None = None) -> list[Any]:
    from optimizer.data.files import overlay_dirs, resolve_table_paths

    if data_dir is None and os.environ.get("DECONTROL_DATA"):
        data_dir = Path(os.environ["DECONTROL_DATA"])
    dirs = overlay_dirs(data_dir)
    return data_key(dirs, resolve_table_paths(dirs), digests or FileDigests(None))


def reference_key(
    data_key: list[Any], partner: str | None, year: int | None, digests: FileDigests | None = None
) -> str:
    """The entry's name: a digest of the data files (`_data_key`), the code, the partner and the year."""
    doc = json.dumps([FORMAT, data_key, code_digest(digests, f"format {FORMAT}"), partner, year], sort_keys=True)
    return hashlib.sha256(doc.encode()).hexdigest()


def _file_digests(data_key: list[Any]) -> dict[str, str | None]:
    return {str(n): sha for n, _, sha in data_key[1]}


def compute_reference(
    data_dir: Path | None, partner: str | None, year: int | None, expected: dict[str, str | None] | None = None
) -> RuleReference:
    """The reference from the validated dataset (no cache): the partner's item table, or without a
    partner the rule tiers alone (`static_items`, tier = rule tier). With `expected` (the SHA-256 per
    table the cache key was made of), a dataset the in-process cache of `load_dataset` still holds
    from older file contents (it is keyed by mtime and size) is loaded again; `consistent` in the
    result's `storable`: false when the files loaded are not those hashed (changed meanwhile)."""
    from optimizer.data.load import clear_cache, load_dataset
    from optimizer.estimation.config import EstimationConfig
    from optimizer.estimation.item_table import build_item_table, static_items

    ds = load_dataset(data_dir)
    if expected is not None and _loaded_digests(ds) != expected:
        clear_cache()
        ds = load_dataset(data_dir)
    if partner is None:
        ref = static_items(ds, EstimationConfig()).items.copy()
        ref["tier"] = ref["rule_tier"]
    else:
        ref = build_item_table(ds, partner, year)
    columns = [c for c in REFERENCE_COLUMNS if c in ref.columns]
    rows = [
        [
            bool(v) if c == "tier_floor" and not pd.isna(v) else (False if c == "tier_floor" else _text(v))
            for c, v in zip(columns, r)
        ]
        for r in ref[columns].itertuples(index=False, name=None)
    ]
    # built from the same rows as a cache entry, so a hit and a miss give the same frame
    doc = {"format": FORMAT, "columns": columns, "rows": rows}
    consistent = expected is None or _loaded_digests(ds) == expected
    return RuleReference(_frame(doc), bool(ds.trade_synthetic), str(ds.trade_source), storable=consistent)


def _loaded_digests(ds: Any) -> dict[str, str | None]:
    return {n: (i.sha256 if i.path is not None else None) for n, i in ds.provenance.items()}


def _frame(doc: dict[str, Any]) -> pd.DataFrame:
    columns = [str(c) for c in doc["columns"]]
    frame = pd.DataFrame(doc["rows"], columns=columns, dtype=object)
    if "tier_floor" in frame.columns:
        frame["tier_floor"] = frame["tier_floor"].astype(bool)
    return frame


def _text(v: Any) -> str | None:
    """A reference cell as JSON keeps it: text, or None for a missing value."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if not isinstance(v, str):
        raise TypeError(f"reference cell {v!r} is not text")
    return v


def _read_entry(path: Path) -> RuleReference | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or not {str(c) for c in doc["columns"]} <= set(REFERENCE_COLUMNS):
            return None
        return RuleReference(_frame(doc), bool(doc["trade_synthetic"]), str(doc["trade_source"]), cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_entry(path: Path, ref: RuleReference) -> None:
    doc = {
        "format": FORMAT,
        "columns": list(ref.items.columns),
        "rows": [[None if v is None else v for v in r] for r in ref.items.itertuples(index=False, name=None)],
        "trade_synthetic": ref.trade_synthetic,
        "trade_source": ref.trade_source,
    }
    write_json(path, doc)


def rule_reference(data_dir: Path | None, partner: str | None, year: int | None = None) -> RuleReference:
    """The rule reference for `partner` (None: the rule floor alone) on `data_dir`, from the cache
    when an entry for the same data, code, partner and year exists, else computed and stored."""
    where = cache_dir()
    if where is None:
        return compute_reference(data_dir, partner, year)
    digests = FileDigests(where)
    key = _data_key(data_dir, digests)
    path = where / f"rules-{reference_key(key, partner, year, digests)}.json"
    hit = _read_entry(path)
    if hit is not None:
        digests.save()
        return hit
    ref = compute_reference(data_dir, partner, year, _file_digests(key))
    if ref.storable:
        _write_entry(path, ref)
        digests.save()
    return ref


#: How an edited table's figures are labelled (the prefix is added once: a re-exported table keeps it).
EDITED = "edited item table"


def hold_to_rules(
    table: pd.DataFrame, data_dir: Path | None, partner: str | None, year: int | None, label: str = EDITED
) -> tuple[pd.DataFrame, list[str]]:
    """An analyst's item table held to the rules, wherever it comes in (`--items` of every command, a
    scenario's inline table, an imported scenario document): no row may lower a rule-foundational
    item (ITAR, military, WMD, chokepoint) or trade one that needs no licence to the partner;
    refused (`DecontrolError`, exit 2) with the rows named. With a partner (given, or the table's
    single `partner`), the licensing columns are taken from the licensing model for it (an older
    export without them cannot smuggle in an instrument that does not exist); without one, only
    the partner-independent floor applies and a warning says the licence requirements were not
    applied.

    Its figures say where they come from: a table without `synthetic`/`source` columns is labelled
    with the data directory's trade layer (so figures of unstated origin are never called real), and
    every source cell is prefixed with `label`, so a package from edited figures says so."""
    from optimizer.model.items import enforce_floor, validate_items

    if partner is None and "partner" in table.columns:
        found = sorted({str(p).strip().upper() for p in table["partner"] if str(p).strip()})
        partner = found[0] if len(found) == 1 else None
    clean, _ = validate_items(table, partner=partner if "partner" in table.columns and partner else None)
    clean.attrs["first_line"] = table.attrs.get("first_line", 2)
    if clean.empty:
        raise DecontrolError("the item table has no rows (a header and no items)")
    warnings: list[str] = []
    # the rule columns of the validated dataset, cached per data and code content
    rules = rule_reference(data_dir, partner, year if partner is not None else None)
    enforce_floor(clean, rules.items)
    out = table.copy()
    if partner is None:
        warnings.append(
            "the item table names no partner: the partner's licence requirements were not applied, "
            "only the rule floor; give the table a partner column (as `decontrol items` writes it) to "
            "apply them"
        )
    else:
        by_id = rules.items.set_index("eccn")
        ids = out["eccn"].astype(str).str.strip()
        for col in LICENSING_COLUMNS:
            out[col] = ids.map(by_id[col]).fillna("")
    if "synthetic" not in out.columns:
        out["synthetic"] = rules.trade_synthetic
        out["source"] = f"{label}; trade figures as in the data directory: {rules.trade_source}"
        warnings.append(
            "the item table has no synthetic/source columns: its figures are labelled with the data "
            f"directory's trade layer ({'SYNTHETIC' if rules.trade_synthetic else 'real'})"
        )
    else:
        cells = out["source"].astype(str).tolist() if "source" in out.columns else [""] * len(out)
        out["source"] = [
            c if c.startswith(EDITED) else (f"{label}: {c}" if c.strip() and c != "nan" else label) for c in cells
        ]
    out.attrs.update(table.attrs)
    return out, warnings


__all__ = [
    "EDITED",
    "REFERENCE_COLUMNS",
    "RuleReference",
    "cache_dir",
    "compute_reference",
    "hold_to_rules",
    "reference_key",
    "rule_reference",
]
