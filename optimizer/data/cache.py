"""The user cache directory, the content digests of files, and the validation verdicts of data
directories: what lets a command skip work whose inputs it can prove unchanged.

Where: `$DECONTROL_CACHE_DIR`, else `$XDG_CACHE_HOME/decontrol`, else `~/.cache/decontrol`;
`DECONTROL_CACHE=0` turns every cache off. Everything in it is JSON (no pickle: a cache file is
data, never code), written to a temporary file renamed over the old one (`os.replace`), so
concurrent processes read either a whole old file or a whole new one. A file that cannot be read is
recomputed; a directory that cannot be written is no error (the work is then done each time).

**Digests** (`FileDigests`). Hashing the 17 MB of data files and the package's sources on every run
cost as much as the work the caches save, so each file's SHA-256 is kept (`digests-1.json`) with the
file's stat stamp: device, inode, size, mtime and ctime in nanoseconds. A recorded digest is reused
only while the stamp is unchanged *and* the file last changed more than `SETTLED_NS` before the
digest was taken; any other file is read and hashed again. The ctime cannot be set from user space
and moves on every write, rename or copy over the file (also when the mtime is put back, `touch
-d`, `cp -p`, `tar`), and the settling margin covers a write in the same clock tick as the hashing
(the "racy" case of git's index), so a reused digest is the digest of the bytes on disk.

**Validation verdicts** (`Verdicts`). Checking every table of a data directory (types, codes,
ranges, keys, references: `optimizer.data.validate.validate_dataset`) took 0.6 s of each command
that loads the data, for the same files each time. A data directory that passed is recorded under a
key made of the SHA-256 of every file the load resolved (`data_key`: the shipped data and any
overlay), the SHA-256 of every source file of the package and the pandas and pyarrow versions
(`code_digest`); the same key later means the same bytes checked by the same code, and the check is
skipped. Only a pass is recorded: a directory with problems is checked, and its problems listed,
every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from optimizer.data.files import sha256_file

_PACKAGE_DIR = Path(__file__).resolve().parent.parent

#: A recorded digest is reused only for a file whose last change (mtime and ctime) is at least this
#: much older than the hashing: a write in the clock tick of the hashing could leave the stamp as it was.
SETTLED_NS = 2_000_000_000

#: The digests file's name in the cache directory (its layout's version in the name).
DIGESTS_FILE = "digests-1.json"


def cache_dir() -> Path | None:
    """Where the caches live, or None when they are off (`DECONTROL_CACHE=0`)."""
    if os.environ.get("DECONTROL_CACHE", "1").strip().lower() in ("0", "off", "no", "false"):
        return None
    env = os.environ.get("DECONTROL_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "decontrol"


#: How a file is hashed when its digest is not reused (a name of its own, so tests can count the reads).
_sha = sha256_file


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
        write_json(self.path, self.known)
        self.changed = False


def write_json(path: Path, doc: Any) -> None:
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
        return  # an unwritable cache is no error: the work is done each time


def code_digest(digests: FileDigests | None = None, salt: str = "") -> str:
    """SHA-256 over every source file of the package (path and content's SHA-256), the pandas and
    pyarrow versions (they read the files) and `salt` (a cache's own layout version)."""
    import pandas as pd
    import pyarrow as pa

    digests = digests or FileDigests(None)
    h = hashlib.sha256(f"pandas {pd.__version__}|pyarrow {pa.__version__}|{salt}".encode())
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        h.update(str(path.relative_to(_PACKAGE_DIR)).encode() + b"\0")
        h.update(digests.sha(path).encode())
        h.update(b"\0")
    return h.hexdigest()


def data_key(dirs: tuple[Path, ...], paths: dict[str, Path | None], digests: FileDigests) -> list[Any]:
    """The data directories and, per table, the file the load resolved and its SHA-256."""
    return [
        [str(d) for d in dirs],
        [[n, str(p) if p else None, digests.sha(p) if p else None] for n, p in sorted(paths.items())],
    ]


#: Bumped when what a verdict means changes.
VERDICT_FORMAT = 1


class Verdicts:
    """Validation verdicts of data directories (module docstring): `key` for the files a load
    resolved, `passed` if that key was recorded, `record` after a pass."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.digests = FileDigests(where)
        self._code: str | None = None

    @classmethod
    def open(cls) -> Verdicts | None:
        """The verdicts in the cache directory; None when the cache is off."""
        where = cache_dir()
        return None if where is None else cls(where)

    def key(self, dirs: tuple[Path, ...], paths: dict[str, Path | None]) -> str:
        if self._code is None:
            self._code = code_digest(self.digests, f"verdict {VERDICT_FORMAT}")
        doc = json.dumps([VERDICT_FORMAT, data_key(dirs, paths, self.digests), self._code], sort_keys=True)
        return hashlib.sha256(doc.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.where / f"valid-{key}.json"

    def passed(self, key: str) -> bool:
        return self._path(key).is_file()

    def record(self, key: str, dirs: tuple[Path, ...]) -> None:
        write_json(self._path(key), {"format": VERDICT_FORMAT, "valid": True, "dirs": [str(d) for d in dirs]})
        self.digests.save()
