"""The rule reference an edited item table is held to, cached on disk per data and code content.

`decontrol optimize/frontier --items FILE.csv` must refuse a table that lowers a rule-foundational
item or trades an `nlr` one (`optimizer.model.items.enforce_floor`), and take the licensing columns
from the licensing model. Both come from the validated dataset and the estimation (about 2 s: the
whole dataset read and validated, the tiers and licence requirements computed), for a few columns of
some 700 rows. `rule_reference` keeps those columns in the user cache directory
(`$DECONTROL_CACHE_DIR`, else `$XDG_CACHE_HOME/decontrol`, else `~/.cache/decontrol`), keyed by

- the SHA-256 of every data file the load would read (the shipped data and any overlay, as
  `load_dataset` resolves them), so any edit of a data file, even within one mtime tick, misses;
- the SHA-256 of every source file of the `optimizer` package and the pandas version, so a change
  of the rules or of the code that applies them misses too;
- the partner and the year asked for.

Hashing the 17 MB of data files and the sources on every run cost as much as the rest of the
look-up, so each file's SHA-256 is kept beside the entries (`digests-1.json`) with the file's stat
stamp: device, inode, size, mtime and ctime in nanoseconds. A recorded digest is reused only while
the stamp is unchanged *and* the file last changed more than `SETTLED_NS` before the digest was
taken; any other file is read and hashed again. The ctime cannot be set from user space and moves
on every write, rename or copy over the file (also when the mtime is put back, `touch -d`, `cp -p`,
`tar`), and the settling margin covers a write in the same clock tick as the hashing (the "racy"
case of git's index), so a reused digest is the digest of the bytes on disk. The digests are
written only when an entry is (after a valid load) or when a hit had to hash a file again.

An entry is written only after the dataset loaded *and validated* (an invalid directory raises as it
always did, and nothing is cached), as JSON (no pickle: a cache file is data, never code) to a
temporary file renamed over the entry (`os.replace`), so concurrent processes read either a whole
old entry or a whole new one. An entry that cannot be read is recomputed; a cache directory that
cannot be written is no error (the reference is then computed each time). `DECONTROL_CACHE=0`
turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.licensing import LICENSING_COLUMNS

#: Columns of the reference `enforce_floor` and the licensing alignment read.
REFERENCE_COLUMNS: tuple[str, ...] = ("eccn", "tier", "tier_floor", "tier_reason", "partner", *LICENSING_COLUMNS)

#: Bumped when the entry's layout changes.
FORMAT = 1

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RuleReference:
    """The rule columns per item, and the data directory's trade provenance."""

    items: pd.DataFrame
    trade_synthetic: bool
    trade_source: str
    cached: bool = False
    #: False when the files changed while they were read: such a reference is used once, never stored
    storable: bool = True


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is off."""
    if os.environ.get("DECONTROL_CACHE", "1").strip().lower() in ("0", "off", "no", "false"):
        return None
    env = os.environ.get("DECONTROL_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "decontrol"


#: A recorded digest is reused only for a file whose last change (mtime and ctime) is at least this
#: much older than the hashing: a write in the clock tick of the hashing could leave the stamp as it was.
SETTLED_NS = 2_000_000_000

#: The digests file's name in the cache directory (its layout's version in the name).
DIGESTS_FILE = "digests-1.json"


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class FileDigests:
    """SHA-256 per file, reused from the digests file while a file's stat stamp is unchanged and
    settled (see the module docstring); `changed` says whether anything had to be hashed again."""

    def __init__(self, where: Path | None) -> None:
        self.path = where / DIGESTS_FILE if where is not None else None
        self.known: dict[str, list[Any]] = self._read() if self.path is not None else {}
        self.changed = False

    def _read(self) -> dict[str, list[Any]]:
        assert self.path is not None
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return doc if isinstance(doc, dict) else {}

    def sha(self, path: Path) -> str:
        """The SHA-256 of `path`'s content: recorded, or read and hashed now (and recorded when settled)."""
        st = os.stat(path)
        stamp = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        rec = self.known.get(str(path))
        if (
            isinstance(rec, list)
            and len(rec) == 3
            and rec[0] == stamp
            and isinstance(rec[1], str)
            and isinstance(rec[2], int)
            and max(st.st_mtime_ns, st.st_ctime_ns) < rec[2] - SETTLED_NS
        ):
            return rec[1]
        hashed_at = time.time_ns()
        digest = _sha(path)
        after = os.stat(path)
        if [after.st_dev, after.st_ino, after.st_size, after.st_mtime_ns, after.st_ctime_ns] == stamp:
            self.known[str(path)] = [stamp, digest, hashed_at]
            self.changed = True
        return digest

    def save(self) -> None:
        """Write the digests (temporary file renamed over the old one); an unwritable cache is no error."""
        if self.path is None or not self.changed:
            return
        _write_json(self.path, self.known)
        self.changed = False


def _code_digest(digests: FileDigests | None = None) -> str:
    """SHA-256 over every source file of the package (path and content's SHA-256)."""
    digests = digests or FileDigests(None)
    h = hashlib.sha256(f"pandas {pd.__version__}|format {FORMAT}".encode())
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        h.update(str(path.relative_to(_PACKAGE_DIR)).encode() + b"\0")
        h.update(digests.sha(path).encode())
        h.update(b"\0")
    return h.hexdigest()


def _data_key(data_dir: Path | None, digests: FileDigests | None = None) -> list[Any]:
    from optimizer.data.files import overlay_dirs, resolve_table_paths

    digests = digests or FileDigests(None)
    if data_dir is None and os.environ.get("DECONTROL_DATA"):
        data_dir = Path(os.environ["DECONTROL_DATA"])
    dirs = overlay_dirs(data_dir)
    paths = resolve_table_paths(dirs)
    return [
        [str(d) for d in dirs],
        [[n, str(p) if p else None, digests.sha(p) if p else None] for n, p in sorted(paths.items())],
    ]


def reference_key(
    data_key: list[Any], partner: str | None, year: int | None, digests: FileDigests | None = None
) -> str:
    """The entry's name: a digest of the data files (`_data_key`), the code, the partner and the year."""
    doc = json.dumps([FORMAT, data_key, _code_digest(digests), partner, year], sort_keys=True)
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
    _write_json(path, doc)


def _write_json(path: Path, doc: Any) -> None:
    """`doc` as JSON at `path`, through a temporary file renamed over it (readers see a whole file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return  # an unwritable cache is no error: the reference is computed each time


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


__all__ = ["REFERENCE_COLUMNS", "RuleReference", "cache_dir", "compute_reference", "reference_key", "rule_reference"]
