"""Write `datasets/MANIFEST.csv` (file, rows, bytes, sha256, kind) and the table in datasets/README.md.

Run after any change to a shipped data file:  .venv/bin/python datasets/build/write_manifest.py
`--check` only compares and exits 1 when the manifest or the README table is out of date (for CI).

Rows are data rows (CSV header excluded; parquet row count from its metadata). `kind` says what a
figure is: `real` (public source, transformed only), `synthetic` (generated; for trade.parquet read
from its `decontrol.synthetic` metadata key), `analyst` (policy judgement or analyst-made mapping).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path

import pyarrow.parquet as pq

DATASETS = Path(__file__).resolve().parent.parent
MANIFEST = "MANIFEST.csv"
README = "README.md"
START, END = "<!-- manifest:start -->", "<!-- manifest:end -->"
DATA_SUFFIXES = (".csv", ".parquet")

#: What each non-parquet file is; anything not listed is reported as 'unknown' so a new file
#: forces a conscious decision here.
KINDS = {
    "ccl.csv": "real",
    "hs6.csv": "real",
    "hs2.csv": "real",
    "countries.csv": "real",
    "regimes.csv": "real",
    "partner_totals.csv": "real",
    "hs2_china.csv": "real",
    "events.csv": "real",
    "concordance.csv": "analyst",
    "concordance_unmapped.csv": "analyst",
    "hs17_to_hs22.csv": "real",
    "policy/tier_overrides.csv": "analyst",
    "policy/fa_overrides.csv": "analyst",
    "policy/value_overrides.csv": "analyst",
    "licensing/country_chart.csv": "real",
    "licensing/chart_footnotes.csv": "real",
    "licensing/country_groups.csv": "real",
    "licensing/meu_items.csv": "real",
    "licensing/meu_destinations.csv": "real",
    "partner_measures.csv": "real",
    "partner_measure_status.csv": "real",
    "partner_measures_unsourced.csv": "analyst",
    "reference_exchanges.csv": "analyst",
    "chpl.csv": "real",
}


def data_files(root: Path = DATASETS) -> list[Path]:
    """Every shipped data file under `root` (build scripts and the manifest itself excluded)."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix in DATA_SUFFIXES and p.name != MANIFEST and "build" not in p.relative_to(root).parts
    )


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def count_rows(path: Path) -> int:
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    with open(path, newline="", encoding="utf-8") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def kind_of(path: Path, rel: str) -> str:
    if path.suffix == ".parquet":
        meta = pq.ParquetFile(path).schema_arrow.metadata or {}
        flag = meta.get(b"decontrol.synthetic", b"").decode().lower()
        return {"true": "synthetic", "false": "real"}.get(flag, "unknown")
    return KINDS.get(rel, "unknown")


def manifest_rows(root: Path = DATASETS) -> list[dict[str, object]]:
    rows = []
    for path in data_files(root):
        rel = path.relative_to(root).as_posix()
        rows.append(
            {
                "file": rel,
                "rows": count_rows(path),
                "bytes": path.stat().st_size,
                "sha256": sha256(path),
                "kind": kind_of(path, rel),
            }
        )
    return rows


def manifest_text(rows: list[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["file", "rows", "bytes", "sha256", "kind"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def readme_table(rows: list[dict[str, object]]) -> str:
    total = sum(int(r["bytes"]) for r in rows)
    lines = [START, "", "| file | rows | size | kind | sha256 (first 16) |", "|---|---:|---:|---|---|"]
    for r in rows:
        lines.append(
            f"| `{r['file']}` | {int(r['rows']):,} | {_size(int(r['bytes']))} | {r['kind']} | `{str(r['sha256'])[:16]}` |"
        )
    lines += ["", f"Total: {len(rows)} files, {_size(total)}. Full checksums in `MANIFEST.csv`.", "", END]
    return "\n".join(lines)


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def replace_section(readme: str, table: str) -> str:
    if START not in readme or END not in readme:
        raise SystemExit(f"{README} lacks the {START} ... {END} markers")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + table + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DATASETS)
    parser.add_argument("--check", action="store_true", help="exit 1 if MANIFEST.csv or the README table is stale")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    rows = manifest_rows(root)
    manifest = manifest_text(rows)
    readme_path = root / README
    readme = readme_path.read_text(encoding="utf-8")
    new_readme = replace_section(readme, readme_table(rows))
    manifest_path = root / MANIFEST
    old_manifest = manifest_path.read_text(encoding="utf-8") if manifest_path.exists() else ""
    if args.check:
        stale = [
            name for name, old, new in ((MANIFEST, old_manifest, manifest), (README, readme, new_readme)) if old != new
        ]
        if stale:
            print(f"out of date: {', '.join(stale)} (run datasets/build/write_manifest.py)", file=sys.stderr)
            return 1
        print("manifest up to date")
        return 0
    manifest_path.write_text(manifest, encoding="utf-8")
    readme_path.write_text(new_readme, encoding="utf-8")
    unknown = [r["file"] for r in rows if r["kind"] == "unknown"]
    print(f"wrote {MANIFEST} ({len(rows)} files) and the {README} table")
    if unknown:
        print(f"kind unknown for {unknown}: add them to KINDS", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
