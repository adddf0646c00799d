"""Benchmark: `decontrol data import-baci` on a synthetic BACI-format year vs a naive row loop.

Generates BACI-format data in a temporary directory (numpy; unique (i, j, k) keys, v in thousand
USD with three decimals, q mixing numbers, blanks and the padded "NA" BACI writes), zips it with a
country code table as CEPII distributes it, then measures in fresh subprocesses:

- the importer on 1M and 2M rows (wall time, peak RSS), extrapolated linearly to a full BACI
  year of 11M rows and compared with the goal (<= 60 s, <= 2 GB); the memory slope between the two
  sizes is conservative (read buffers are counted as if they grew with rows);
- a naive baseline in the same run: the `csv` module looping over rows with dict lookups, on a
  100k-row sample, extrapolated per row.

Run: .venv/bin/python bench/bench_import_baci.py [--rows 1000000] [--hs 17]   (--rows 11000000 measures a full
year directly: ~1 minute, ~0.5 GB of temporary files)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
FULL_YEAR_ROWS = 11_000_000
GOAL_SECONDS, GOAL_BYTES = 60.0, 2 * 1024**3


def country_table() -> tuple[list[int], str]:
    """~200 BACI-like numeric codes with ISO3 names that decontrol knows (from the shipped countries.csv)."""
    import pandas as pd

    df = pd.read_csv(ROOT / "datasets" / "countries.csv", dtype=str, keep_default_na=False)
    df = df[pd.to_numeric(df["baci_code"], errors="coerce").notna()]
    codes = df["baci_code"].astype(int).tolist()
    text = "country_code,country_name,country_iso2,country_iso3\n" + "".join(
        f'{c},"{n}",{i2},{i3}\n' for c, n, i2, i3 in zip(codes, df["name"], df["iso2"], df["iso3"])
    )
    return codes, text


def generate(rows: int, codes: list[int], path: Path, seed: int = 7, hs_revision: str = "22") -> Path:
    rng = np.random.default_rng(seed)
    n_c, n_k = len(codes), 5_300
    if hs_revision == "17":  # real HS 2017 codes, so every row goes through the HS 2017 -> 2022 split
        import pandas as pd

        pool = pd.read_csv(ROOT / "datasets" / "hs17_to_hs22.csv", dtype={"hs17": str})["hs17"].astype(int).unique()
    else:
        pool = np.arange(10_121, 970_600)
    hs = np.sort(rng.choice(pool, n_k, replace=False))
    keys = np.unique(rng.integers(0, n_c * n_c * n_k, int(rows * 1.05)))
    keys = rng.permutation(keys)[:rows]
    keys.sort()
    i, rest = np.divmod(keys, n_c * n_k)
    j, k = np.divmod(rest, n_k)
    v = np.round(rng.lognormal(3.0, 2.5, rows), 3)
    q = np.where(rng.random(rows) < 0.1, "           NA", np.round(rng.lognormal(1, 2, rows), 3).astype(str))
    q = np.where(rng.random(rows) < 0.05, "", q)
    table = pa.table(
        {
            "t": np.full(rows, 2022, np.int32),
            "i": np.asarray(codes)[i],
            "j": np.asarray(codes)[j],
            "k": hs[k],
            "v": v,
            "q": q,
        }
    )
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
    return path


def make_zip(csv: Path, countries: str, path: Path, hs_revision: str = "22") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.write(csv, f"BACI_HS{hs_revision}_Y2022_V202501.csv")
        z.writestr("country_codes_V202501.csv", countries)
    return path


#: Peak RSS of this process image. /proc VmHWM resets at exec, unlike getrusage's ru_maxrss, which
#: on Linux keeps the parent's footprint at fork time and would charge the generated data to the child.
PEAK = """
def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

CHILD_OURS = (
    PEAK
    + """
import json, sys, time
from pathlib import Path
from optimizer.data.importers.baci import import_baci
t0 = time.perf_counter()
r = import_baci(Path(sys.argv[1]), Path(sys.argv[2]))
dt = time.perf_counter() - t0
print(json.dumps({"seconds": dt, "rows": r.rows_read, "written": r.rows_written,
                  "maxrss_kb": peak_kb()}))
"""
)

CHILD_NAIVE = (
    PEAK
    + """
import csv, json, sys, time
from pathlib import Path
codes = {}
for row in csv.DictReader(open(sys.argv[2])):
    codes[int(row["country_code"])] = row["country_iso3"]
t0 = time.perf_counter()
out = {}
n = 0
with open(sys.argv[1], newline="") as fh:
    reader = csv.reader(fh)
    header = next(reader)
    for t, i, j, k, v, q in reader:
        n += 1
        if n > int(sys.argv[3]):
            break
        key = (int(t), codes[int(i)], codes[int(j)], k.zfill(6))
        out[key] = out.get(key, 0.0) + round(float(v) * 1000.0, 2)
dt = time.perf_counter() - t0
print(json.dumps({"seconds": dt, "rows": min(n, int(sys.argv[3])), "maxrss_kb": peak_kb()}))
"""
)


def child(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--naive-rows", type=int, default=100_000)
    ap.add_argument(
        "--hs",
        choices=("22", "17"),
        default="22",
        help="17: HS 2017 codes, measuring the conversion to HS 2022 (rows are split over new codes)",
    )
    args = ap.parse_args()
    codes, countries = country_table()
    with tempfile.TemporaryDirectory(prefix="bench-baci-") as tmp:
        tmp = Path(tmp)
        runs = []
        # two sizes above one read block give the memory slope; a full-year size is measured directly
        sizes = [args.rows] if args.rows >= FULL_YEAR_ROWS else [args.rows, 2 * args.rows]
        for rows in sizes:
            t0 = time.perf_counter()
            csv = generate(rows, codes, tmp / f"baci_{rows}.csv", hs_revision=args.hs)
            z = make_zip(csv, countries, tmp / f"BACI_HS{args.hs}_V202501_{rows}.zip", args.hs)
            gen = time.perf_counter() - t0
            res = child(CHILD_OURS, str(z), str(tmp / f"out_{rows}"))
            res["csv_mb"] = csv.stat().st_size / 1e6
            res["zip_mb"] = z.stat().st_size / 1e6
            runs.append(res)
            print(
                f"ours   {rows:>10,} rows  {res['seconds']:6.2f} s  {rows / res['seconds']:>12,.0f} rows/s  "
                f"peak RSS {res['maxrss_kb'] / 1024:7.0f} MB  (csv {res['csv_mb']:.0f} MB, zip {res['zip_mb']:.0f} MB; "
                f"generated in {gen:.1f} s)"
            )
        (tmp / "cc.csv").write_text(countries)
        naive = child(CHILD_NAIVE, str(tmp / f"baci_{args.rows}.csv"), str(tmp / "cc.csv"), str(args.naive_rows))
        naive_rate = naive["rows"] / naive["seconds"]
        print(
            f"naive  {naive['rows']:>10,} rows  {naive['seconds']:6.2f} s  {naive_rate:>12,.0f} rows/s  "
            f"peak RSS {naive['maxrss_kb'] / 1024:7.0f} MB  (csv module row loop, dict lookups)"
        )
        big = runs[-1]
        rate = big["rows"] / big["seconds"]
        print(f"\nspeed-up vs naive (rows/s): {rate / naive_rate:.1f}x")
        small = runs[0]
        slope = (big["maxrss_kb"] - small["maxrss_kb"]) * 1024 / max(1, big["rows"] - small["rows"])
        rss_full = big["maxrss_kb"] * 1024 + slope * (FULL_YEAR_ROWS - big["rows"])
        secs_full = FULL_YEAR_ROWS / rate
        how = "measured at" if big["rows"] >= FULL_YEAR_ROWS else "extrapolated to"
        print(
            f"{how} a full BACI year ({FULL_YEAR_ROWS:,} rows): {secs_full:.0f} s (goal <= {GOAL_SECONDS:.0f} s), "
            f"peak RSS ~{rss_full / 1024**3:.2f} GB at {slope:.0f} bytes/row (goal <= 2 GB); "
            f"naive loop would take ~{FULL_YEAR_ROWS / naive_rate:.0f} s"
        )
        print("meets goal" if secs_full <= GOAL_SECONDS and rss_full <= GOAL_BYTES else "MISSES goal")


if __name__ == "__main__":
    main()
