"""CEPII BACI -> canonical trade table.

Input: a BACI zip as distributed (`BACI_HS22_Y{year}_V{version}.csv` with columns `t,i,j,k,v,q`,
plus `country_codes_V{version}.csv` and `product_codes_HS22_V{version}.csv`), or one BACI CSV (its
country codes then come from a `country_codes_V*.csv` next to it, else from the shipped
`countries.csv` column `baci_code`).

Units and codes: `v` is in THOUSAND US dollars (x 1000, rounded to the cent); `k` is written
without its leading zero (10121 -> 010121); `i`/`j` are BACI numeric codes (842 USA, 251 France,
490 "Other Asia, nes" = Taiwan, mapped to TWN); `q` (tonnes, often blank or "NA") is not read.

Streaming: a BACI year is ~11 million rows. The CSV is read in blocks by pyarrow's streaming
reader straight out of the zip member (no extraction), each block becomes a few numpy arrays of
codes and values, and the final table is aggregated on an integer composite key, so peak memory
stays at ~20 bytes per kept row plus one block. No Python loop ever touches a row.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from optimizer.data.coerce import MAX_ROW_USD
from optimizer.data.hs_revisions import CONVERTED_LABEL, HS12_LABEL, expand
from optimizer.data.importers.common import (
    TAIWAN_CODE,
    ImportReport,
    code_to_iso3,
    finish_import,
    known_iso3,
    shipped_countries,
)
from optimizer.errors import DecontrolError

DATA_RE = re.compile(r"(?:^|/)BACI_HS(\d{2})_Y(\d{4})_V(\w+)\.csv$", re.IGNORECASE)
COUNTRY_RE = re.compile(r"(?:^|/)country_codes_V(\w+)\.csv$", re.IGNORECASE)
PRODUCT_RE = re.compile(r"(?:^|/)product_codes_HS(\d{2})_V(\w+)\.csv$", re.IGNORECASE)
REQUIRED = ("t", "i", "j", "k", "v")
BLOCK_BYTES = 16 << 20
MAX_PROBLEMS = 20
AREA_REASON = "exporter or importer is an area without an ISO3 code"
OUTSIDE_REASON = "exporter or importer not in decontrol's countries.csv"
_NUMBER_RE = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"
_INTEGER_RE = r"^\s*\d+\s*$"
#: BACI and UN numeric country codes are three digits.
MAX_COUNTRY_CODE = 999
#: A zip member that inflates past this is refused (a BACI HS22 year is ~0.5 GB uncompressed).
MAX_MEMBER_BYTES = 8 << 30
#: Compression ratios above this are not CSV text (CSV compresses ~5-10x): a zip bomb.
MAX_RATIO = 200
#: Compression methods Python's zipfile reads without extra packages.
READABLE_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}


@dataclass(frozen=True)
class _Member:
    """One BACI data CSV: a zip member or a plain file."""

    label: str  # how messages name it
    open: Callable[[], IO[bytes]]
    hs: str = ""
    year: str = ""
    version: str = ""


@dataclass
class _Countries:
    """BACI numeric code -> index into `iso` (or -1: an area with no ISO3 code), as a dense array."""

    lookup: np.ndarray  # code -> index (-2: code unknown)
    iso: list[str | None]  # index -> ISO3 (None: no ISO3, e.g. 'Europe EFTA, nes')
    names: list[str]
    label: str

    @classmethod
    def build(cls, rows: list[tuple[int, str | None, str]], label: str) -> _Countries:
        size = max([c for c, _, _ in rows] + [999]) + 1
        lookup = np.full(size, -2, dtype=np.int32)
        isos = sorted({iso for _, iso, _ in rows if iso})
        index = {iso: n for n, iso in enumerate(isos)}
        names = {iso: name for _, iso, name in rows if iso}
        no_iso = sorted({name for _, iso, name in rows if not iso})
        iso_list: list[str | None] = list(isos) + [None] * len(no_iso)
        name_list = [names[i] for i in isos] + no_iso
        for code, iso, name in rows:
            lookup[code] = index[iso] if iso else len(isos) + no_iso.index(name)
        return cls(lookup, iso_list, name_list, label)

    def map(self, codes: np.ndarray) -> np.ndarray:
        """Codes -> indices; -2 where the code is not in the table."""
        out = np.full(codes.shape, -2, dtype=np.int32)
        ok = (codes >= 0) & (codes < len(self.lookup))
        out[ok] = self.lookup[codes[ok]]
        return out


def import_baci(
    path: Path,
    out_dir: Path,
    *,
    reporters: tuple[str, ...] | None = None,
    partners: tuple[str, ...] | None = None,
    hs_prefixes: tuple[str, ...] | None = None,
    drop_unknown: bool = False,
    replace: bool = False,
) -> ImportReport:
    """Import a BACI zip or CSV into `out_dir/trade.parquet` (atomic); returns the report."""
    path = Path(path)
    if not path.is_file():
        raise DecontrolError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise DecontrolError(f"{path}: the file is empty")
    report = ImportReport("baci", path)
    if zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
        with _open_zip(path) as zf:
            members, countries, products = _zip_contents(zf, path)
            kept = _read_members(members, countries, products, report, reporters, partners, hs_prefixes, drop_unknown)
    else:
        members, countries, products = _csv_contents(path)
        kept = _read_members(members, countries, products, report, reporters, partners, hs_prefixes, drop_unknown)
    hs = sorted({m.hs for m in members if m.hs})
    versions = sorted({m.version for m in members if m.version})
    report.source = (
        f"CEPII BACI{' HS' + '/'.join(hs) if hs else ''}{' V' + '/'.join(versions) if versions else ''}"
        f" ({path.name}); values converted from thousand USD"
    )
    if "17" in hs:
        report.source += f"; {CONVERTED_LABEL}"
    if set(hs) - {"22", "17"}:
        report.source += f"; {HS12_LABEL}"
        report.notes.append(f"product codes are HS 20{'/'.join(sorted(set(hs) - {'22', '17'}))}: {HS12_LABEL}")
    report.notes.append(f"country codes from {countries.label}")
    table = _assemble(kept, countries)
    if table.num_rows < report.rows_kept:
        report.notes.append(
            f"{report.rows_kept - table.num_rows:,} row(s) repeated a (year, exporter, importer, "
            "product) already seen and were summed into it"
        )
    meta = {
        "classification": "/".join("HS" + h + ("->HS22" if h == "17" else "") for h in hs),
        "vintage": "/".join("V" + v for v in versions),
        "members": ";".join(m.label for m in members),
    }
    return finish_import(table, out_dir, report, meta, keys_unique=True, replace=replace)


# --- inputs -------------------------------------------------------------------------------------


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DecontrolError(
            f"{path}: not a readable zip archive ({exc}); the download may be truncated or corrupt"
        ) from exc


def _zip_contents(zf: zipfile.ZipFile, path: Path) -> tuple[list[_Member], _Countries, set[int] | None]:
    names = zf.namelist()
    data = sorted(n for n in names if DATA_RE.search(n))
    if not data:
        raise DecontrolError(
            f"{path}: no BACI data file (BACI_HS22_Y<year>_V<version>.csv) in the zip",
            [f"members: {', '.join(names[:20])}"],
        )
    _check_members(zf, path, data + [n for n in names if COUNTRY_RE.search(n) or PRODUCT_RE.search(n)])
    members = []
    for n in data:
        m = DATA_RE.search(n)
        assert m is not None, "data members are the names DATA_RE matched"
        members.append(_Member(f"{path.name}:{n}", partial(zf.open, n), m.group(1), m.group(2), m.group(3)))
    country_files = [n for n in names if COUNTRY_RE.search(n)]
    if country_files:
        label = f"{path.name}:{country_files[0]}"
        countries = _read_country_table(_read_member_bytes(zf, country_files[0], path), label)
    else:
        countries = _shipped_country_table()
    product_files = [n for n in names if PRODUCT_RE.search(n)]
    products = (
        _read_product_codes(_read_member_bytes(zf, product_files[0], path), f"{path.name}:{product_files[0]}")
        if product_files
        else None
    )
    return members, countries, products


def _check_members(zf: zipfile.ZipFile, path: Path, names: list[str]) -> None:
    """Refuse encrypted members, compression methods we cannot read, and members that inflate too far."""
    problems = []
    for name in names:
        info = zf.getinfo(name)
        if info.flag_bits & 0x1:
            problems.append(
                f"{path}:{name}: the member is encrypted (password-protected); decontrol reads only "
                "unencrypted zips as CEPII distributes them"
            )
        elif info.compress_type not in READABLE_METHODS:
            problems.append(
                f"{path}:{name}: compression method {info.compress_type} is not supported (readable: "
                f"{', '.join(READABLE_METHODS.values())}); re-zip it with deflate"
            )
        elif info.file_size > MAX_MEMBER_BYTES:
            problems.append(
                f"{path}:{name}: inflates to {info.file_size:,} bytes, more than the {MAX_MEMBER_BYTES:,}-byte guard"
            )
        elif info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > (64 << 20):
            problems.append(
                f"{path}:{name}: compression ratio {info.file_size / info.compress_size:,.0f}:1 "
                f"(inflates to {info.file_size:,} bytes) is not CSV text: refused as a possible zip bomb"
            )
    if problems:
        raise DecontrolError(f"{path}: the zip cannot be read safely; nothing was written", problems)


def _read_member_bytes(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise DecontrolError(f"{path}: member {name} is corrupt ({exc})") from exc


def _csv_contents(path: Path) -> tuple[list[_Member], _Countries, set[int] | None]:
    m = DATA_RE.search(path.name)
    member = _Member(path.name, lambda: open(path, "rb"), *(m.groups() if m else ("", "", "")))  # noqa: SIM115 - an opener: the caller closes
    siblings = sorted(path.parent.glob(f"country_codes_V{m.group(3)}.csv")) if m else []
    if siblings:
        countries = _read_country_table(siblings[0].read_bytes(), str(siblings[0]))
    else:
        countries = _shipped_country_table()
    return [member], countries, None


def _read_country_table(raw: bytes, label: str) -> _Countries:
    """BACI country_codes file: comma (V202501: country_iso3) or semicolon (V202301: iso_3digit_alpha)."""
    text = raw.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise DecontrolError(f"{label}: the country code table is empty")
    header = text.splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    if "country_code" not in df.columns:
        raise DecontrolError(f"{label}: missing column 'country_code' (columns: {', '.join(df.columns)})")
    iso_col = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in df.columns), None)
    name_col = next(
        (c for c in ("country_name", "country_name_abbreviation", "country_name_full") if c in df.columns), None
    )
    codes = pd.to_numeric(df["country_code"], errors="coerce")
    if codes.isna().any():
        row = int(np.flatnonzero(codes.isna().to_numpy())[0]) + 2
        raise DecontrolError(
            f"{label} row {row}, column country_code: {df['country_code'].iloc[row - 2]!r} is not a number"
        )
    bad = ~codes.between(0, MAX_COUNTRY_CODE) | (codes != codes.round())
    if bad.any():
        raise DecontrolError(
            f"{label}: country codes must be whole numbers from 0 to {MAX_COUNTRY_CODE}; nothing was written",
            [
                f"{label} row {int(r) + 2}, column country_code: {df['country_code'].iloc[int(r)]!r}"
                for r in np.flatnonzero(bad.to_numpy())[:20]
            ],
        )
    dup = codes.duplicated(keep=False) & codes.notna()
    if dup.any():
        raise DecontrolError(
            f"{label}: a country code appears twice; nothing was written",
            [
                f"{label} row {int(r) + 2}, column country_code: {df['country_code'].iloc[int(r)]!r}"
                for r in np.flatnonzero(dup.to_numpy())[:20]
            ],
        )
    shipped = code_to_iso3(shipped_countries("to map BACI country codes"), "baci_code") if iso_col is None else {}
    rows = []
    for code, iso, name in zip(
        codes.astype(int), df[iso_col] if iso_col else [""] * len(df), df[name_col] if name_col else [""] * len(df)
    ):
        iso = iso.strip().upper()
        if code == TAIWAN_CODE:
            iso = "TWN"
        elif iso_col is None:
            iso = shipped.get(code, "")
        rows.append((int(code), iso if re.fullmatch(r"[A-Z]{3}", iso) else None, name.strip() or str(code)))
    note = "" if iso_col else " (ISO3 from decontrol's countries.csv baci_code)"
    return _Countries.build(rows, label + note)


def _shipped_country_table() -> _Countries:
    df = shipped_countries("to map BACI country codes (no country_codes_V*.csv next to the data)")
    if "baci_code" not in df.columns:
        raise DecontrolError("the shipped countries.csv has no baci_code column: cannot map BACI codes")
    codes = pd.to_numeric(df["baci_code"], errors="coerce")
    rows = [(int(c), iso, name) for c, iso, name in zip(codes, df["iso3"], df["name"]) if pd.notna(c)]
    if "TWN" in set(df["iso3"]) and TAIWAN_CODE not in {c for c, _, _ in rows}:
        rows.append((TAIWAN_CODE, "TWN", "Taiwan"))
    return _Countries.build(rows, "decontrol's countries.csv (baci_code)")


def _read_product_codes(raw: bytes, label: str) -> set[int]:
    text = raw.decode("utf-8-sig", errors="replace")
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    col = next((c for c in ("product_code", "code") if c in df.columns), None)
    if col is None:
        raise DecontrolError(f"{label}: missing column 'product_code' (columns: {', '.join(df.columns)})")
    return set(pd.to_numeric(df[col], errors="coerce").dropna().astype(int))


# --- streaming ----------------------------------------------------------------------------------


@dataclass
class _Kept:
    """Kept rows as two arrays per block: a composite int64 key and the value in USD (16 bytes a row)."""

    keys: list[np.ndarray]
    values: list[np.ndarray]
    n_iso: int


YEAR_BASE = 1900
HS_SPAN = 1_000_000


def _composite_key(t: np.ndarray, exp: np.ndarray, imp: np.ndarray, k: np.ndarray, n_iso: int) -> np.ndarray:
    """(year, exporter, importer, product) as one sortable int64; order = year, exporter, importer, HS."""
    return (((t - YEAR_BASE) * n_iso + exp) * n_iso + imp) * HS_SPAN + k


def _read_members(
    members: list[_Member],
    countries: _Countries,
    products: set[int] | None,
    report: ImportReport,
    reporters: tuple[str, ...] | None,
    partners: tuple[str, ...] | None,
    hs_prefixes: tuple[str, ...] | None,
    drop_unknown: bool,
) -> _Kept:
    kept = _Kept([], [], len(countries.iso))
    wanted_exp = _iso_indices(countries, reporters, "--reporters")
    wanted_imp = _iso_indices(countries, partners, "--partners")
    known = known_iso3()
    dropped_areas: set[str] = set()
    dropped_outside: set[str] = set()
    outside = np.array(
        [iso is not None and known is not None and iso not in known for iso in countries.iso], dtype=bool
    )
    no_iso = np.array([iso is None for iso in countries.iso], dtype=bool)
    product_codes = np.fromiter(products, dtype=np.int64) if products is not None else None
    converted = [0, 0]  # HS 2017 rows converted to HS 2022; of which codes not in HS 2017
    for member in members:
        _check_header(member)
        problems: list[str] = []
        rows_before = 0
        for batch in _batches(member):
            n = batch.num_rows
            cols = {c: batch.column(c) for c in REQUIRED}
            nulls = {c: np.asarray(cols[c].is_null()) for c in REQUIRED}
            for c, mask in nulls.items():
                _problem_rows(problems, member, rows_before, mask, c, lambda r: "missing value")
            t, i, j, k = (np.asarray(cols[c].fill_null(0)).astype(np.int64) for c in ("t", "i", "j", "k"))
            v = np.asarray(cols["v"].fill_null(0.0), dtype=np.float64)
            _problem_rows(problems, member, rows_before, v < 0, "v", lambda r: f"negative value {float(v[r])!r}")
            _problem_rows(
                problems, member, rows_before, ~np.isfinite(v), "v", lambda r: f"{float(v[r])!r} is not a finite number"
            )
            _problem_rows(
                problems,
                member,
                rows_before,
                np.isfinite(v) & (v > MAX_ROW_USD / 1000.0),
                "v",
                lambda r: (
                    f"{float(v[r])!r} thousand USD is an implausible value for one flow (more than "
                    f"${MAX_ROW_USD:,.0f}); check the unit"
                ),
            )
            _problem_rows(
                problems, member, rows_before, (t < YEAR_BASE) | (t > 2100), "t", lambda r: f"{t[r]} is not a year"
            )
            _problem_rows(
                problems,
                member,
                rows_before,
                (k < 10_000) | (k > 999_999),
                "k",
                lambda r: f"{k[r]} is not an HS 6-digit product code",
            )
            if product_codes is not None:
                uk, inv = np.unique(k, return_inverse=True)
                unknown_k = ~np.isin(uk, product_codes)
                if unknown_k.any():
                    _problem_rows(
                        problems,
                        member,
                        rows_before,
                        unknown_k[inv],
                        "k",
                        lambda r: f"product code {k[r]} is not in the product code table",
                    )
            ei, ii = countries.map(i), countries.map(j)
            with np.errstate(over="ignore", invalid="ignore"):  # such rows are problems above
                usd = np.round(v * 1000.0, 2)
            report.rows_read += n
            report.value_read_usd += float(usd.sum())
            unknown_rows = (ei == -2) | (ii == -2)
            if unknown_rows.any() and not drop_unknown:
                bad_i, bad_j = ei == -2, ii == -2
                _problem_rows(
                    problems,
                    member,
                    rows_before,
                    bad_i,
                    "i",
                    lambda r: f"unknown country code {i[r]} (not in {countries.label})",
                )
                _problem_rows(
                    problems,
                    member,
                    rows_before,
                    bad_j & ~bad_i,
                    "j",
                    lambda r: f"unknown country code {j[r]} (not in {countries.label})",
                )
            rows_before += n
            if problems:
                continue
            keep = np.ones(n, dtype=bool)
            keep = _drop(report, keep, unknown_rows, usd, "unknown country code (--drop-unknown)")
            ei_safe, ii_safe = np.where(ei < 0, 0, ei), np.where(ii < 0, 0, ii)
            area = no_iso[ei_safe] | no_iso[ii_safe]
            dropped_areas |= _names_hit(countries, ei, ii, area & keep, no_iso, names=True)
            keep = _drop(report, keep, area, usd, AREA_REASON)
            out = (outside[ei_safe] | outside[ii_safe]) & ~area
            dropped_outside |= _names_hit(countries, ei, ii, out & keep, outside, names=False)
            keep = _drop(report, keep, out, usd, OUTSIDE_REASON)
            if wanted_exp is not None:
                keep = _drop(report, keep, ~np.isin(ei, wanted_exp), usd, "exporter not in --reporters")
            if wanted_imp is not None:
                keep = _drop(report, keep, ~np.isin(ii, wanted_imp), usd, "importer not in --partners")
            if hs_prefixes is not None:
                uk, inv = np.unique(k, return_inverse=True)
                padded = np.char.zfill(uk.astype(str), 6)
                match = np.zeros(len(uk), dtype=bool)
                for p in hs_prefixes:
                    match |= np.char.startswith(padded, p)
                keep = _drop(report, keep, ~match[inv], usd, "HS code not under --hs-prefix")
            kt, ke, ki, kk, kv = t[keep], ei[keep], ii[keep], k[keep], usd[keep]
            if member.hs == "17":  # split each HS 2017 row over its HS 2022 codes (value conserved)
                rows, kk, weights, unknown = expand(kk)
                kt, ke, ki, kv = kt[rows], ke[rows], ki[rows], kv[rows] * weights
                converted[0] += int(keep.sum())
                converted[1] += unknown
            kept.keys.append(_composite_key(kt, ke, ki, kk, kept.n_iso))
            kept.values.append(kv)
            report.rows_kept += int(keep.sum())
            report.value_kept_usd += float(usd[keep].sum())
        if problems:
            raise DecontrolError(f"{member.label}: {len(problems)} problem(s); nothing was written", problems)
        if rows_before == 0:
            raise DecontrolError(f"{member.label}: no data rows (only a header)")
    if converted[0]:
        report.notes.append(
            f"{CONVERTED_LABEL}: {converted[0]:,} HS 2017 rows split over their HS 2022 codes"
            + (f" ({converted[1]:,} rows with codes not in HS 2017 kept unchanged)" if converted[1] else "")
        )
    if dropped_areas:
        report.notes.append(f"{AREA_REASON}: {', '.join(sorted(dropped_areas))}")
    if dropped_outside:
        report.notes.append(f"{OUTSIDE_REASON}: {', '.join(sorted(dropped_outside))}")
    return kept


def _drop(report: ImportReport, keep: np.ndarray, mask: np.ndarray, usd: np.ndarray, reason: str) -> np.ndarray:
    hit = mask & keep
    if hit.any():
        report.drop(reason, int(hit.sum()), float(usd[hit].sum()))
    return keep & ~mask


def _names_hit(
    countries: _Countries, ei: np.ndarray, ii: np.ndarray, rows: np.ndarray, flag: np.ndarray, *, names: bool
) -> set[str]:
    """Names (or ISO3 codes) of the flagged countries appearing in `rows`, for the report."""
    if not rows.any():
        return set()
    idx = np.unique(np.concatenate([ei[rows], ii[rows]]))
    return {(countries.names[x] if names else str(countries.iso[x])) for x in idx if x >= 0 and flag[x]}


def _iso_indices(countries: _Countries, wanted: tuple[str, ...] | None, flag: str) -> np.ndarray | None:
    if wanted is None:
        return None
    missing = [w for w in wanted if w not in countries.iso]
    if missing:
        raise DecontrolError(f"{flag}: {', '.join(missing)} not in the BACI country table ({countries.label})")
    return np.array([countries.iso.index(w) for w in wanted], dtype=np.int32)


def _problem_rows(
    problems: list[str],
    member: _Member,
    rows_before: int,
    mask: np.ndarray,
    column: str,
    describe: Callable[[int], str],
) -> None:
    if not mask.any():
        return
    positions = np.flatnonzero(mask)
    room = max(0, 50 - len(problems))
    for r in positions[:room]:
        problems.append(f"{member.label} row {rows_before + int(r) + 2}, column {column}: {describe(int(r))}")
    if len(positions) > room:
        problems.append(f"{member.label}, column {column}: {len(positions) - room} more row(s) with problems")


def _check_header(member: _Member) -> None:
    try:
        with member.open() as fh:
            first = fh.readline()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise DecontrolError(f"{member.label}: cannot be read ({exc}); the file may be truncated or corrupt") from exc
    header = first.decode("utf-8-sig", errors="replace").strip()
    if not header:
        raise DecontrolError(f"{member.label}: the file is empty")
    columns = [c.strip().strip('"').strip() for c in header.split(",")]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        seen = set(columns)
        what = (
            "this is a UN Comtrade file (use `decontrol data import-comtrade`)"
            if seen & {"cmdCode", "primaryValue", "Commodity Code", "Trade Value (US$)"} or header.startswith("{")
            else "this is a US Census trade API file (use `decontrol data import-census`)"
            if "CTY_CODE" in header
            else f"found {', '.join(columns[:12])}"
        )
        raise DecontrolError(
            f"{member.label}: missing column(s) {', '.join(missing)}: {what}; import-baci reads "
            "CEPII BACI zips and CSVs (t,i,j,k,v,q; V202301 to V202501 layouts)"
        )


def _batches(member: _Member) -> Iterator[pa.RecordBatch]:
    """Typed blocks of the member; a conversion error triggers a text re-scan to name the cell."""
    types = {"t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.int64(), "v": pa.float64()}
    convert = pacsv.ConvertOptions(column_types=types, include_columns=list(REQUIRED))
    read = pacsv.ReadOptions(block_size=BLOCK_BYTES)
    try:
        with member.open() as fh:
            reader = pacsv.open_csv(fh, read_options=read, convert_options=convert)
            yield from reader
    except pa.ArrowInvalid as exc:
        if "conversion error" in str(exc).lower():
            raise DecontrolError(
                f"{member.label}: non-numeric values; nothing was written", _locate_bad_cells(member) or [str(exc)]
            ) from exc
        raise DecontrolError(f"{member.label}: not a well-formed CSV ({exc})") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, pa.ArrowException) as exc:
        raise DecontrolError(f"{member.label}: cannot be read ({exc}); the file may be truncated or corrupt") from exc


def _locate_bad_cells(member: _Member) -> list[str]:
    """Second, text-only pass to name the rows and columns that are not numbers (error path only)."""
    import pyarrow.compute as pc

    convert = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in REQUIRED}, include_columns=list(REQUIRED), strings_can_be_null=True
    )
    found: list[str] = []
    rows_before = 0
    with member.open() as fh:
        for batch in pacsv.open_csv(
            fh, read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES), convert_options=convert
        ):
            for c in REQUIRED:
                col = batch.column(c)
                pattern = _NUMBER_RE if c == "v" else _INTEGER_RE
                ok = pc.fill_null(pc.match_substring_regex(col, pattern), True)
                bad = np.flatnonzero(~np.asarray(ok))
                for r in bad[: MAX_PROBLEMS - len(found)]:
                    text = col[int(r)].as_py()
                    why = (
                        "has a decimal comma: BACI writes a decimal point"
                        if re.fullmatch(r"\s*\d+,\d+\s*", text or "")
                        else "is not a number"
                    )
                    found.append(f"{member.label} row {rows_before + int(r) + 2}, column {c}: {text!r} {why}")
            rows_before += batch.num_rows
            if len(found) >= MAX_PROBLEMS:
                break
    return found


# --- output -------------------------------------------------------------------------------------


def _assemble(kept: _Kept, countries: _Countries) -> pa.Table:
    """Sum kept rows sharing (year, exporter, importer, hs6) and build the output table, sorted by key.

    Memory is the point here (a BACI year is 11M rows): the blocks are concatenated and freed, the
    key is sorted once, equal keys are summed with `np.add.reduceat`, and the text columns are
    dictionary-encoded (country and HS6 strings stored once, rows hold small integers).
    """
    keys = np.concatenate(kept.keys) if kept.keys else np.empty(0, np.int64)
    kept.keys.clear()
    values = np.concatenate(kept.values) if kept.values else np.empty(0, np.float64)
    kept.values.clear()
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    values = values[order]
    del order
    if len(keys):
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        keys, values = keys[starts], np.add.reduceat(values, starts)
        del starts
    n_iso = kept.n_iso
    rest, k = np.divmod(keys, HS_SPAN)
    del keys
    rest, imp = np.divmod(rest, n_iso)
    year, exp = np.divmod(rest, n_iso)
    del rest
    present = np.zeros(HS_SPAN, dtype=bool)
    present[k] = True
    hs_codes = np.flatnonzero(present)
    lookup = np.zeros(HS_SPAN, dtype=np.int32)
    lookup[hs_codes] = np.arange(len(hs_codes), dtype=np.int32)
    iso = pa.array([x or "" for x in countries.iso], pa.string())
    hs_dict = pa.array(np.char.zfill(hs_codes.astype(str), 6).tolist(), pa.string())
    return pa.table(
        {
            "year": pa.array((year + YEAR_BASE).astype(np.int32)),
            "exporter": pa.DictionaryArray.from_arrays(pa.array(exp.astype(np.int16)), iso),
            "importer": pa.DictionaryArray.from_arrays(pa.array(imp.astype(np.int16)), iso),
            "hs6": pa.DictionaryArray.from_arrays(pa.array(lookup[k]), hs_dict),
            "value_usd": pa.array(values),
        }
    )
