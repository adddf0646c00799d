"""Load a data directory (laid over the shipped `datasets/`) into one typed, provenance-aware object.

`load_dataset()` is what every other part of decontrol calls: the estimators, the optimizer, the CLI
and the dashboard. It resolves which file each table comes from (`files.py`), reads it as written
(`read.py`), validates everything at once (`validate.py`), types it (`coerce.py`) and records where
each figure came from (`FileInfo`), including whether the trade layer is real or synthetic.

Loads are cached in-process keyed on the resolved file paths and their mtimes and sizes: the
dashboard calls `load_dataset()` from many callbacks, and re-reading a large trade file each time
would be slow. Frames in a cached `Dataset` are shared: treat them as read-only (copy before editing).

Across processes, a data directory's validation verdict is kept (`optimizer.data.cache.Verdicts`):
files that passed, checked by the same code, are not checked again (0.6 s of each command on the
shipped data). The files are read and typed every time; a directory with problems is checked, and
its problems listed, every time.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.data.cache import FileDigests, Verdicts
from optimizer.data.coerce import coerce_frame, empty_frame
from optimizer.data.files import overlay_dirs, resolve_table_paths, sha256_file
from optimizer.data.schema import TABLES, TableSpec
from optimizer.data.trade_file import read_trade_meta
from optimizer.data.validate import raise_if_problems, read_all, validate_dataset
from optimizer.errors import DecontrolError
from optimizer.forksafe import ForkSafeLock
from optimizer.paths import SHIPPED_DATA_DIR

_CACHE_SIZE = 4


@dataclass(frozen=True)
class FileInfo:
    """Where one table came from and whether its figures are real."""

    table: str
    path: Path | None  # None: optional table absent
    sha256: str
    rows: int
    source: str
    synthetic: bool
    vintage: str = ""
    notes: str = ""
    shipped: bool = True  # False: from the user's data directory
    #: What the figures are: "real" (a public source), "synthetic", "analyst" (made or judged by an
    #: analyst: the concordance, overrides, reference exchanges), "user-supplied" (a CSV in the user's
    #: data directory, whose origin the file does not say), "absent"
    kind: str = "real"

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "file": str(self.path) if self.path else None,
            "rows": self.rows,
            "kind": self.kind,
            "real": self.kind == "real",
            "synthetic": self.synthetic,
            "source": self.source,
            "vintage": self.vintage,
            "notes": self.notes,
            "shipped": self.shipped,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Dataset:
    """Every canonical table, typed, plus provenance. Frames are shared: do not mutate them."""

    ccl: pd.DataFrame
    hs6: pd.DataFrame
    hs2: pd.DataFrame
    countries: pd.DataFrame
    regimes: pd.DataFrame
    partner_totals: pd.DataFrame
    hs2_china: pd.DataFrame
    events: pd.DataFrame
    concordance: pd.DataFrame
    trade: pd.DataFrame
    tier_overrides: pd.DataFrame
    fa_overrides: pd.DataFrame
    country_chart: pd.DataFrame
    chart_footnotes: pd.DataFrame
    country_groups: pd.DataFrame
    meu_items: pd.DataFrame
    meu_destinations: pd.DataFrame
    partner_measures: pd.DataFrame
    partner_measure_status: pd.DataFrame
    partner_measures_unsourced: pd.DataFrame
    reference_exchanges: pd.DataFrame
    chpl: pd.DataFrame
    mirror_trade: pd.DataFrame
    provenance: dict[str, FileInfo]
    trade_synthetic: bool
    trade_source: str
    dataset_id: str
    data_dirs: tuple[Path, ...] = field(default=())

    def table(self, name: str) -> pd.DataFrame:
        """A table by its schema name (e.g. for loops over `schema.TABLES`)."""
        if name not in TABLES:
            raise KeyError(name)
        return getattr(self, name)


_cache: OrderedDict[tuple[Any, ...], Dataset] = OrderedDict()
_lock = ForkSafeLock()  # fresh in forked background jobs


def load_dataset(
    data_dir: Path | None = None, *, validate: bool = True, shipped_dir: Path = SHIPPED_DATA_DIR
) -> Dataset:
    """The dataset of `data_dir` overlaid on the shipped `datasets/` (cached; same object on a hit).

    `data_dir=None` means `$DECONTROL_DATA` when that is set, else the shipped data alone.

    Raises `DataValidationError` listing every problem when `validate` is true and the data is bad,
    and `DecontrolError` when the directory does not exist.
    """
    if data_dir is None and os.environ.get("DECONTROL_DATA"):
        data_dir = Path(os.environ["DECONTROL_DATA"])
    dirs = overlay_dirs(data_dir, shipped_dir)
    paths = resolve_table_paths(dirs)
    key = (validate, dirs, tuple((n, _stat_key(p)) for n, p in sorted(paths.items())))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    dataset = _load(dirs, paths, validate)
    with _lock:
        _cache[key] = dataset
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return dataset


def clear_cache() -> None:
    """Forget cached loads (tests; after editing files within the same mtime tick)."""
    with _lock:
        _cache.clear()


def _stat_key(path: Path | None) -> tuple[Any, ...]:
    if path is None:
        return (None,)
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


def _load(dirs: tuple[Path, ...], paths: dict[str, Path | None], validate: bool) -> Dataset:
    verdicts = Verdicts.open() if validate else None
    key = verdicts.key(dirs, paths) if verdicts is not None else None
    raw, problems = read_all(paths)
    where = " over ".join(str(d) for d in reversed(dirs))
    if validate:
        _validate(raw, problems, dirs, paths, where, verdicts, key)
    elif problems:
        raise DecontrolError(f"cannot read data in {where}", problems)
    else:
        missing = [TABLES[n].filename for n, p in paths.items() if p is None and not TABLES[n].optional]
        if missing:
            raise DecontrolError(f"data in {where} lacks required file(s): {', '.join(missing)}")
    shipped_dir = dirs[0]
    digests = verdicts.digests if verdicts is not None else None
    frames: dict[str, pd.DataFrame] = {}
    provenance: dict[str, FileInfo] = {}
    for name, spec in TABLES.items():
        path = paths[name]
        frames[name] = coerce_frame(raw[name], spec) if name in raw else empty_frame(spec)
        provenance[name] = _file_info(spec, path, frames[name], shipped_dir, digests)
    trade_info = provenance["trade"]
    digest = hashlib.sha256("|".join(f"{n}:{i.sha256}" for n, i in sorted(provenance.items())).encode())
    return Dataset(
        **frames,
        provenance=provenance,
        trade_synthetic=trade_info.synthetic,
        trade_source=trade_info.source,
        dataset_id=digest.hexdigest()[:12],
        data_dirs=dirs,
    )


def _validate(
    raw: dict[str, pd.DataFrame],
    problems: list[str],
    dirs: tuple[Path, ...],
    paths: dict[str, Path | None],
    where: str,
    verdicts: Verdicts | None,
    key: str | None,
) -> None:
    """Raise `DataValidationError` listing every problem, unless a pass is recorded for these files
    (`key`, taken before they were read, and still their key after: a file written meanwhile is
    checked); a pass is recorded on the same condition."""
    if verdicts is None or key is None:
        raise_if_problems(problems + validate_dataset(raw, paths), f"data in {where} is not valid")
        return
    if not problems and verdicts.passed(key) and verdicts.key(dirs, paths) == key:
        verdicts.digests.save()
        return
    raise_if_problems(problems + validate_dataset(raw, paths), f"data in {where} is not valid")
    if verdicts.key(dirs, paths) == key:
        verdicts.record(key, dirs)


def _file_info(
    spec: TableSpec, path: Path | None, frame: pd.DataFrame, shipped_dir: Path, digests: FileDigests | None
) -> FileInfo:
    if path is None:
        return FileInfo(spec.name, None, "", 0, "absent (optional table)", False, kind="absent")
    shipped = path.parent == shipped_dir or shipped_dir in path.parents
    checksum = digests.sha(path) if digests is not None else sha256_file(path)
    if spec.filename.endswith(".parquet"):  # trade.parquet, mirror_trade.parquet: they say if synthetic
        meta = read_trade_meta(path)
        return FileInfo(
            spec.name,
            path,
            checksum,
            len(frame),
            meta.source,
            meta.synthetic,
            vintage=meta.extra.get("vintage", meta.extra.get("imported_at", "")),
            notes=meta.extra.get("notes", ""),
            shipped=shipped,
            kind="synthetic" if meta.synthetic else "real",
        )
    source = spec.description if shipped else f"user-supplied {path}"
    kind = (
        _manifest_kinds(shipped_dir).get(path.relative_to(shipped_dir).as_posix(), "real")
        if shipped
        else "user-supplied"
    )
    return FileInfo(
        spec.name,
        path,
        checksum,
        len(frame),
        source,
        False,
        vintage=_vintage(frame),
        notes=_column_summary(frame, "source"),
        shipped=shipped,
        kind=kind,
    )


def _manifest_kinds(shipped_dir: Path) -> dict[str, str]:
    """{file: kind} from the shipped data's MANIFEST.csv (real, synthetic, analyst); {} without one."""
    import csv

    try:
        with open(shipped_dir / "MANIFEST.csv", encoding="utf-8", newline="") as fh:
            return {row["file"]: row["kind"] for row in csv.DictReader(fh) if row.get("file") and row.get("kind")}
    except (OSError, KeyError, csv.Error):
        return {}


def _vintage(frame: pd.DataFrame) -> str:
    """The distinct `vintage` / `as_of` values of a table, if it records them."""
    for col in ("vintage", "as_of"):
        if col in frame.columns and len(frame):
            return _column_summary(frame, col)
    return ""


def _column_summary(frame: pd.DataFrame, col: str, limit: int = 3) -> str:
    if col not in frame.columns or not len(frame):
        return ""
    counts = frame[col].astype("str").value_counts()
    shown = [v for v in counts.index[:limit] if v]
    more = len(counts) - limit
    return "; ".join(shown) + (f"; +{more} more" if more > 0 else "")
