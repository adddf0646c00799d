"""Where each table of a data directory comes from: the overlay of a user directory on `datasets/`.

A data directory given with `--data DIR` only needs the files it changes (typically an imported
`trade.parquet`); every schema file it lacks is taken from the shipped `datasets/`. Keeping the
resolution in one small function lets the loader, the validator and `decontrol data info` agree on
exactly which file each table was read from.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from optimizer.data.schema import TABLES
from optimizer.errors import DecontrolError
from optimizer.paths import SHIPPED_DATA_DIR


def overlay_dirs(data_dir: Path | None, shipped_dir: Path = SHIPPED_DATA_DIR) -> tuple[Path, ...]:
    """The directories searched, lowest priority first: the shipped dir, then `data_dir` if given."""
    shipped = Path(shipped_dir).resolve()
    if data_dir is None:
        return (shipped,)
    user = Path(data_dir).expanduser()
    if not user.exists():
        raise DecontrolError(f"data directory {user} does not exist")
    if not user.is_dir():
        raise DecontrolError(f"data directory {user} is not a directory")
    user = user.resolve()
    return (shipped,) if user == shipped else (shipped, user)


def resolve_table_paths(dirs: tuple[Path, ...]) -> dict[str, Path | None]:
    """For each schema table, the file of the highest-priority directory that has it (None: absent)."""
    found: dict[str, Path | None] = {}
    for name, spec in TABLES.items():
        found[name] = None
        for d in reversed(dirs):
            candidate = d / spec.filename
            if candidate.is_file():
                found[name] = candidate
                break
    return found


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks (trade files can be hundreds of MB)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
