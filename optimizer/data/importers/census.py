"""US Census Bureau international trade API (JSON or CSV) -> canonical trade table.

Input: the API's JSON answer, an array of arrays whose first row is the header, e.g.
`["CTY_CODE","CTY_NAME","E_COMMODITY","ALL_VAL_MO","time"]` (exports, `timeseries/intltrade/
exports/hs`) or `["CTY_CODE","CTY_NAME","I_COMMODITY","GEN_VAL_MO","time"]` (imports), or a CSV with
the same columns. The flow comes from the commodity column: `E_COMMODITY` exports (exporter USA),
`I_COMMODITY` imports (importer USA). Values: `ALL_VAL_MO` (total exports) / `GEN_VAL_MO` (general
imports) monthly, or the year-to-date `ALL_VAL_YR` / `GEN_VAL_YR`; `CON_VAL_*` (imports for
consumption) is used only when no general-imports column is there, and the report says so.

Years: monthly values are summed to calendar years. Only complete years are kept by default (all
12 months present in the file); an incomplete year is dropped and reported, or kept as a partial
year with `--partial-years`. Year-to-date values use the December row of each year (the annual
total), or with `--partial-years` the latest month present.

Commodities: HS10 codes are truncated to HS6 and summed; when a file mixes levels (`COMM_LVL`
HS2/HS4/HS6/HS10), only the finest level is kept so nothing is counted twice. Countries map via
Schedule C (`census_countries.py`); the world total becomes `WLD`, the EU `EUU`, other groups are
dropped.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.data.hs_revisions import CONVERTED_LABEL, HS12_LABEL, convert_frame
from optimizer.data.importers.census_countries import EU_CODE, SCHEDULE_C, WORLD_CODES, is_group_code
from optimizer.data.importers.common import (
    ImportReport,
    Problems,
    check_size,
    check_utf8,
    drop_rows,
    finish_import,
    known_iso3,
    load_json,
    numeric_values,
)
from optimizer.errors import DecontrolError

VALUE_COLUMNS = {
    "export": (("ALL_VAL_MO", "month"), ("ALL_VAL_YR", "ytd")),
    "import": (("GEN_VAL_MO", "month"), ("GEN_VAL_YR", "ytd"), ("CON_VAL_MO", "month"), ("CON_VAL_YR", "ytd")),
}


def import_census(
    path: Path,
    out_dir: Path,
    *,
    partial_years: bool = False,
    drop_unknown: bool = False,
    encoding: str = "utf-8",
    replace: bool = False,
) -> ImportReport:
    """Import a Census API JSON or CSV file into `out_dir/trade.parquet` (atomic)."""
    path = Path(path)
    raw = _read(path, encoding)
    flow, commodity_col, value_col, value_kind = _columns(raw, path)
    report = ImportReport("census", path)
    problems = Problems(str(path))
    row_no = pd.Series(np.arange(len(raw)) + 2, index=raw.index)
    value = numeric_values(raw[value_col], row_no, value_col, problems)
    year, month = _periods(raw, row_no, problems)
    problems.raise_if_any("problems in the Census file")
    report.rows_read = len(raw)
    report.value_read_usd = float(value.sum())
    v = value

    keep = pd.Series(True, index=raw.index)
    code = raw[commodity_col].astype("str").str.strip()
    code = _restore_leading_zero(code)
    level = _level(raw, code)
    finest = 10 if (level == 10).any() else 6
    keep = drop_rows(
        report,
        keep,
        level != finest,
        v,
        f"commodity rows at other levels than HS{finest} (totals, chapters, headings: kept rows add up to them)",
    )

    cty = raw["CTY_CODE"].astype("str").str.strip()
    cty = cty.where(~cty.str.fullmatch(r"\d{1,3}"), cty.str.zfill(4))
    world_present = [c for c in WORLD_CODES if (cty == c).any()]
    group = cty.map(is_group_code) | cty.isin(world_present[1:])  # one world total only
    keep = drop_rows(report, keep, group, v, "Census country groups (continents, OECD, APEC, ...): members are rows")
    iso = cty.map(SCHEDULE_C)
    iso = iso.where(~cty.isin(WORLD_CODES), "WLD").where(cty != EU_CODE, "EUU")
    unknown = iso.isna() & keep
    if unknown.any() and not drop_unknown:
        names = raw.get("CTY_NAME", cty)
        problems.rows(
            unknown,
            row_no,
            "CTY_CODE",
            lambda i: (
                f"unknown Census country code {cty.iloc[i]!r} ({names.iloc[i]}); "
                "use --drop-unknown to leave such rows out"
            ),
        )
        problems.raise_if_any("unknown country codes")
    if unknown.any():
        report.notes.append(
            "unknown country codes dropped (--drop-unknown): " + ", ".join(sorted(cty[unknown].unique()))
        )
    keep = drop_rows(report, keep, iso.isna(), v, "unknown country code (--drop-unknown)")
    known = known_iso3()
    if known is not None:
        outside = iso.notna() & ~iso.isin(known | {"WLD", "EUU"})
        if (outside & keep).any():
            report.notes.append(
                "countries not in decontrol's countries.csv dropped: " + ", ".join(sorted(iso[outside & keep].unique()))
            )
        keep = drop_rows(report, keep, outside, v, "country not in decontrol's countries.csv")

    keep = _select_periods(report, keep, year, month, value_kind, partial_years, v)

    partner = iso.fillna("")
    usa = pd.Series("USA", index=raw.index)
    out = pd.DataFrame(
        {
            "year": year,
            "exporter": partner if flow == "import" else usa,
            "importer": usa if flow == "import" else partner,
            "hs6": code.str[:6],
            "value_usd": v,
        }
    )[keep]
    report.rows_kept = len(out)
    report.value_kept_usd = float(out["value_usd"].sum())
    # Census HS codes follow the HS revision in force: HS 2017 for 2017-2021, HS 2012 before
    out, n_converted, n_unknown = convert_frame(out, out["year"].between(2017, 2021))
    older = sorted(int(y) for y in out.loc[out["year"] < 2017, "year"].unique())
    basis = {"ALL": "total exports", "GEN": "general imports", "CON": "imports for consumption"}[value_col[:3]]
    report.source = f"US Census Bureau international trade API ({path.name}; {basis}, {value_col}, Census basis)"
    if n_converted:
        report.source += f"; {CONVERTED_LABEL} for 2017-2021"
        report.notes.append(
            f"{CONVERTED_LABEL}: {n_converted:,} rows of 2017-2021 (HS 2017) split over their "
            "HS 2022 codes" + (f" ({n_unknown:,} with codes not in HS 2017 kept)" if n_unknown else "")
        )
    if older:
        report.source += f"; {', '.join(map(str, older))}: {HS12_LABEL}"
        report.notes.append(f"{', '.join(map(str, older))}: {HS12_LABEL}")
    if value_col.startswith("CON"):
        report.notes.append("no general-imports column: imports for consumption (CON_VAL) used instead")
    if finest == 10:
        report.notes.append("HS10 codes truncated to HS6 and summed")
    meta = {"flow": flow, "value_column": value_col}
    return finish_import(out, out_dir, report, meta, replace=replace)


READS = (
    "US Census international trade API JSON (an array of arrays, header row first, e.g. CTY_CODE, CTY_NAME, "
    "E_COMMODITY or I_COMMODITY, ALL_VAL_MO or GEN_VAL_MO, time) or the same rows saved as CSV"
)


def _read(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    if not path.is_file():
        raise DecontrolError(f"{path}: no such file")
    check_size(path)
    encoding = check_utf8(path, encoding)
    text = path.read_text(encoding=encoding)
    if not text.strip():
        raise DecontrolError(f"{path}: the file is empty")
    if text.lstrip().startswith(("[", "{")):
        return _from_json(text, path)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise DecontrolError(f"{path}: not a well-formed CSV ({exc})") from exc
    df.columns = [str(c).strip() for c in df.columns]
    if "CTY_CODE" not in df.columns and len(df) and "CTY_CODE" in {str(v).strip() for v in df.iloc[0]}:
        # the API's JSON saved without promoting its header row: columns 0,1,2..., the header as row 1
        df = pd.DataFrame(df.iloc[1:].to_numpy(), columns=[str(v).strip() for v in df.iloc[0]])
    if df.columns[0] in ("", "Unnamed: 0") and "CTY_CODE" in df.columns:
        df = df.drop(columns=df.columns[0])  # the row index pandas (or R) wrote as a first, unnamed column
    if df.empty:
        raise DecontrolError(f"{path}: no data rows (only a header)")
    return df


def _from_json(text: str, path: Path) -> pd.DataFrame:
    data = load_json(path, text)
    if isinstance(data, dict) and "data" in data:
        raise DecontrolError(
            f'{path}: this is a Comtrade+ API JSON ({{"data": [...]}}), not a Census file; use '
            f"`decontrol data import-comtrade`. import-census reads {READS}"
        )
    if not isinstance(data, list) or not data or not isinstance(data[0], list):
        raise DecontrolError(
            f"{path}: not the Census API layout (found a JSON {type(data).__name__}); import-census reads {READS}"
        )
    header = [str(h).strip() for h in data[0]]
    if len(data) < 2:
        raise DecontrolError(f"{path}: no data rows (only a header)")
    bad = [n for n, row in enumerate(data[1:], start=2) if not isinstance(row, list) or len(row) != len(header)]
    if bad:
        raise DecontrolError(
            f"{path}: {len(bad)} row(s) do not have the header's {len(header)} fields",
            [f"{path} row {n}" for n in bad[:20]],
        )
    seen: dict[str, int] = {}
    unique = []
    for h in header:  # the API repeats a column that is both requested and a predicate
        seen[h] = seen.get(h, 0) + 1
        unique.append(h if seen[h] == 1 else f"{h}.{seen[h] - 1}")
    nested = [n for n, row in enumerate(data[1:], start=2) if any(isinstance(c, (list, dict)) for c in row)]
    if nested:
        raise DecontrolError(
            f"{path}: {len(nested)} row(s) hold nested values; Census rows are flat",
            [f"{path} row {n}" for n in nested[:20]],
        )
    df = pd.DataFrame(data[1:], columns=unique)
    return df.astype("object").where(df.notna(), "").astype("str")


def _columns(raw: pd.DataFrame, path: Path) -> tuple[str, str, str, str]:
    cols = set(raw.columns)
    has_e, has_i = "E_COMMODITY" in cols, "I_COMMODITY" in cols
    if has_e == has_i:
        seen = set(map(str, raw.columns))
        what = (
            "its header t,i,j,k,v is a CEPII BACI file (use `decontrol data import-baci`)"
            if {"t", "i", "j", "k", "v"} <= seen
            else "its columns are a UN Comtrade file (use `decontrol data import-comtrade`)"
            if seen & {"cmdCode", "primaryValue", "Commodity Code", "Trade Value (US$)"}
            else f"found columns {', '.join(list(raw.columns)[:12])}"
        )
        raise DecontrolError(
            f"{path}: expected exactly one of E_COMMODITY (exports) or I_COMMODITY (imports): "
            f"{what}; import-census reads {READS}"
        )
    flow = "export" if has_e else "import"
    if "CTY_CODE" not in cols:
        raise DecontrolError(f"{path}: missing column CTY_CODE (found: {', '.join(raw.columns)})")
    for col, kind in VALUE_COLUMNS[flow]:
        if col in cols:
            return flow, ("E_COMMODITY" if has_e else "I_COMMODITY"), col, kind
    wanted = " or ".join(c for c, _ in VALUE_COLUMNS[flow])
    raise DecontrolError(f"{path}: missing value column ({wanted}) for {flow}s (found: {', '.join(raw.columns)})")


def _periods(raw: pd.DataFrame, row_no: pd.Series, problems: Problems) -> tuple[pd.Series, pd.Series]:
    """Year and month per row from `time` (YYYY-MM) or `YEAR` + `MONTH`."""
    if "time" in raw.columns:
        t = raw["time"].astype("str").str.strip()
        ok = t.str.fullmatch(r"\d{4}-\d{2}")
        problems.rows(~ok, row_no, "time", lambda i: f"{t.iloc[i]!r} is not a month (YYYY-MM)")
        year = pd.to_numeric(t.str[:4], errors="coerce")
        month = pd.to_numeric(t.str[5:7], errors="coerce")
    elif "YEAR" in raw.columns and "MONTH" in raw.columns:
        year = pd.to_numeric(raw["YEAR"].str.strip(), errors="coerce")
        month = pd.to_numeric(raw["MONTH"].str.strip(), errors="coerce")
        problems.rows(year.isna(), row_no, "YEAR", lambda i: f"{raw['YEAR'].iloc[i]!r} is not a year")
        problems.rows(month.isna(), row_no, "MONTH", lambda i: f"{raw['MONTH'].iloc[i]!r} is not a month")
    else:
        raise DecontrolError(f"{problems.label}: missing period column: 'time' (YYYY-MM) or YEAR and MONTH")
    bad_month = month.notna() & ~month.between(1, 12)
    problems.rows(
        bad_month,
        row_no,
        "time" if "time" in raw.columns else "MONTH",
        lambda i: f"month {int(month.iloc[i])} is not 1-12",
    )
    return year.fillna(0).astype("int64"), month.fillna(0).astype("int64")


def _restore_leading_zero(code: pd.Series) -> pd.Series:
    """Spreadsheet-mangled codes: 5 digits were HS6 (010121), 9 digits HS10, 3 HS4, 1 HS2."""
    digits = code.str.fullmatch(r"\d+")
    odd = digits & (code.str.len() % 2 == 1)
    return code.where(~odd, "0" + code)


def _level(raw: pd.DataFrame, code: pd.Series) -> pd.Series:
    """Commodity level in digits (2/4/6/10), from COMM_LVL where present, else from the code."""
    length = code.str.len().where(code.str.fullmatch(r"\d+"), 0)
    if "COMM_LVL" in raw.columns:
        lvl = pd.to_numeric(raw["COMM_LVL"].str.strip().str.upper().str.replace("HS", "", regex=False), errors="coerce")
        return lvl.fillna(0).astype(int).where(lvl == length, 0)
    return length.astype(int)


def _select_periods(
    report: ImportReport, keep: pd.Series, year: pd.Series, month: pd.Series, kind: str, partial: bool, v: pd.Series
) -> pd.Series:
    """Monthly: drop incomplete years (or keep them, noted). YTD: keep each year's last month only."""
    months = pd.DataFrame({"year": year, "month": month}).drop_duplicates()  # the months the file covers
    per_year = months.groupby("year")["month"].agg(lambda m: sorted(set(m)))
    if kind == "month":
        incomplete = {int(y): m for y, m in per_year.items() if len(m) < 12}
        for y, m in incomplete.items():
            span = f"{min(m)}-{max(m)}" if m == list(range(min(m), max(m) + 1)) else ",".join(map(str, m))
            if partial:
                report.notes.append(f"{y} is a PARTIAL year: months {span} only (--partial-years)")
            else:
                keep = drop_rows(
                    report, keep, year == y, v, f"incomplete year {y} (months {span}; --partial-years keeps it)"
                )
        report.notes.append("monthly values summed to calendar years")
        return keep
    last = {int(y): max(m) for y, m in per_year.items()}
    for y, m in last.items():
        if m != 12 and not partial:
            keep = drop_rows(
                report,
                keep,
                year == y,
                v,
                f"incomplete year {y} (year-to-date through month {m}; --partial-years keeps it)",
            )
        elif m != 12:
            report.notes.append(f"{y} is a PARTIAL year: year-to-date through month {m} (--partial-years)")
    last_month = year.map(last).fillna(12)
    keep = drop_rows(
        report,
        keep,
        month != last_month,
        v,
        "year-to-date rows before each year's last month (the last month holds the year's total)",
    )
    report.notes.append("year-to-date values: each year's last month used as the annual total")
    return keep
