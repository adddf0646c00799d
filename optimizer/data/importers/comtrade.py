"""UN Comtrade CSV -> canonical trade table.

Two layouts are recognised from the header:

- the classic bulk/legacy CSV (`Classification, Year, Trade Flow Code, Trade Flow, Reporter Code,
  Reporter ISO, Partner Code, Partner ISO, Commodity Code, Trade Value (US$)`, ...);
- the current API / "Comtrade+" CSV (`refYear` or `period`, `reporterCode`, `reporterISO`,
  `partnerCode`, `partnerISO`, `flowCode` X/M, `cmdCode`, `primaryValue`, ...).

Mapping: exports (flow 2 / X) are reporter -> partner; imports (1 / M) are partner -> reporter, so
the same bilateral flow can be reported twice (the exporter's FOB export and the importer's CIF
import). The exporter's report is kept and the mirror import is dropped and counted. Partner
World (code 0 / WLD) becomes `WLD`. Re-exports and re-imports (3/4, RX/RM) and other flows are
dropped and counted: they are not the reporter's own production or use. Only 6-digit commodity
rows are kept (chapter and total rows would double count). In the API layout, rows broken down by
second partner, customs procedure or transport mode are dropped in favour of their totals.

Values are already US dollars. Classifications are not converted: an H5 (HS 2017) file keeps HS
2017 codes, which the report says.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.data.hs_revisions import CONVERTED_LABEL, HS12_LABEL, convert_frame
from optimizer.data.importers.common import (
    TAIWAN_CODE,
    ImportReport,
    Problems,
    check_size,
    check_utf8,
    code_to_iso3,
    drop_rows,
    finish_import,
    known_iso3,
    load_json,
    numeric_values,
    shipped_countries,
)
from optimizer.data.importers.mirror import mirror_rows, prepare_mirror_table, write_mirror_table
from optimizer.errors import DecontrolError

CHUNK_ROWS = 500_000
#: Comtrade classification codes of HS 2017 (converted to HS 2022 on import).
HS17_CLASSES = {"H5", "HS17", "HS2017"}

#: Canonical field -> column name, per layout.
CLASSIC = {
    "year": "Year",
    "flow": "Trade Flow Code",
    "reporter_code": "Reporter Code",
    "partner_code": "Partner Code",
    "commodity": "Commodity Code",
    "value": "Trade Value (US$)",
}
CLASSIC_OPTIONAL = {
    "reporter_iso": "Reporter ISO",
    "partner_iso": "Partner ISO",
    "flow_text": "Trade Flow",
    "period": "Period",
    "classification": "Classification",
    "reporter_name": "Reporter",
    "partner_name": "Partner",
    "partner2": "2nd Partner Code",
    "customs": "Customs Proc. Code",
    "mot": "Mode of Transport Code",
    "kg": "Netweight (kg)",
}
API = {
    "year": "refYear",
    "flow": "flowCode",
    "reporter_code": "reporterCode",
    "reporter_iso": "reporterISO",
    "partner_code": "partnerCode",
    "partner_iso": "partnerISO",
    "commodity": "cmdCode",
    "value": "primaryValue",
}
API_OPTIONAL = {
    "period": "period",
    "classification": "classificationCode",
    "reporter_name": "reporterDesc",
    "partner_name": "partnerDesc",
    "partner2": "partner2Code",
    "customs": "customsCode",
    "mot": "motCode",
    "freq": "freqCode",
    "kg": "netWgt",
}

#: Flow codes of the classic layout; code 0 (2021-vintage exports) leaves the flow to the `Trade Flow` text.
FLOW_CODES = {"1", "2", "3", "4"}
EXPORT_FLOWS = {"2", "X", "EXPORT"}
IMPORT_FLOWS = {"1", "M", "IMPORT"}
#: Comtrade partner codes that are not countries: bunkers, free zones, special categories, areas nes.
NON_COUNTRY_CODES = {837, 838, 839, 899}
#: Totals in the API layout's breakdown columns (anything else is a breakdown of them).
BREAKDOWN_TOTALS = {"partner2": {"0", ""}, "customs": {"C00", ""}, "mot": {"0", ""}}


def import_comtrade(
    path: Path, out_dir: Path, *, drop_unknown: bool = False, encoding: str = "utf-8", replace: bool = False
) -> ImportReport:
    """Import a Comtrade CSV (classic or API layout) or Comtrade+ API JSON into `out_dir/trade.parquet`."""
    path = Path(path)
    kind, header, frames = _open(path, encoding)
    layout, cols, optional = _layout(header, path)
    report = ImportReport("comtrade", path)
    code_map = _fallback_codes()
    known = known_iso3()
    problems = Problems(str(path))
    parts: list[pd.DataFrame] = []
    seen_classifications: set[str] = set()
    monthly = False
    unknown_seen: set[str] = set()
    areas_seen: set[str] = set()
    outside_seen: set[str] = set()
    rows_before = 0
    try:
        for raw in frames(list(cols.values()) + list(optional.values())):
            df = pd.DataFrame({k: raw[v] for k, v in {**cols, **optional}.items()})
            row_no = pd.Series(np.arange(len(df)) + rows_before + (2 if kind == "csv" else 1), index=df.index)
            monthly = monthly or _is_monthly(df)
            rows_before += len(df)
            part = _chunk(
                df,
                row_no,
                layout,
                code_map,
                known,
                report,
                problems,
                drop_unknown,
                seen_classifications,
                unknown_seen,
                areas_seen,
                outside_seen,
            )
            if part is not None:
                parts.append(part)
    except pd.errors.ParserError as exc:
        raise DecontrolError(f"{path}: not a well-formed CSV ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise DecontrolError(f"{path}: bytes that are not {encoding} ({exc.reason}); nothing was written") from None
    problems.raise_if_any("problems in the Comtrade file")
    if rows_before == 0:
        raise DecontrolError(f"{path}: no data rows (only a header)")
    kept = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["year", "exporter", "importer", "hs6", "value_usd", "flow", "cls", "kg"])
    )
    mirror = mirror_rows(kept, kept["cls"].isin(HS17_CLASSES)) if len(kept) else None
    kept = _drop_mirrors(kept, report).drop(columns="kg")
    report.rows_kept = len(kept)
    report.value_kept_usd = float(kept["value_usd"].sum())
    kept, n_converted, n_unknown = convert_frame(kept, kept["cls"].isin(HS17_CLASSES))
    classes = sorted(c for c in seen_classifications if c)
    what = "classic bulk CSV" if layout == "classic" else ("Comtrade+ API JSON" if kind == "json" else "Comtrade+ CSV")
    report.source = f"UN Comtrade ({what} {path.name}{', classification ' + '/'.join(classes) if classes else ''})"
    if n_converted:
        report.source += f"; {CONVERTED_LABEL}"
        report.notes.append(
            f"{CONVERTED_LABEL}: {n_converted:,} HS 2017 (H5) rows split over their HS 2022 codes"
            + (f" ({n_unknown:,} with codes not in HS 2017 kept unchanged)" if n_unknown else "")
        )
    older = set(classes) - {"H6", "HS22", "HS2022"} - HS17_CLASSES
    if older:
        report.source += f"; {'/'.join(sorted(older))}: {HS12_LABEL}"
        report.notes.append(f"classification {'/'.join(sorted(older))}: {HS12_LABEL}")
    report.notes.append("re-exports and re-imports are dropped (not the reporter's own goods)")
    if monthly:
        report.notes.append("monthly records summed to calendar years: check that every year has all 12 months")
    if areas_seen:
        report.notes.append(f"areas without an ISO3 code dropped: {', '.join(sorted(areas_seen))}")
    if outside_seen:
        report.notes.append(f"countries not in decontrol's countries.csv dropped: {', '.join(sorted(outside_seen))}")
    if unknown_seen:
        report.notes.append(f"unknown country codes dropped (--drop-unknown): {', '.join(sorted(unknown_seen))}")
    meta = {"layout": layout, "classification": "/".join(c + ("->HS22" if c in HS17_CLASSES else "") for c in classes)}
    mirror_table = (
        prepare_mirror_table(mirror, out_dir, source=f"{report.source}; both reporters' figures", replace=replace)
        if mirror is not None
        else None
    )
    report = finish_import(kept.drop(columns=["flow", "cls"]), out_dir, report, meta, replace=replace)
    if mirror_table is not None and mirror is not None:
        path = write_mirror_table(mirror_table, out_dir)
        both = _both_reported(mirror)
        report.notes.append(
            f"mirror trade for the diversion signals: {len(mirror):,} reports of bilateral flows, "
            f"{both:,} flows reported by both sides, written to {path.name}"
        )
    return report


def _both_reported(mirror: pd.DataFrame) -> int:
    """How many flows of a mirror frame have both the exporter's and the importer's report."""
    n = mirror.groupby(["year", "exporter", "importer", "hs6"], sort=False)["reporter"].nunique()
    return int((n == 2).sum())


#: What `decontrol data import-comtrade` reads, for messages about a file it cannot read.
READS = (
    "UN Comtrade classic bulk CSV (Year, Trade Flow Code, Reporter Code, Partner Code, Commodity Code, "
    "Trade Value (US$); ISO columns optional), Comtrade+ portal or API CSV (refYear or period, flowCode, "
    'reporterCode, partnerCode, cmdCode, primaryValue) and Comtrade+ API JSON ({"data": [records]})'
)


def _open(path: Path, encoding: str) -> tuple[str, list[str], Callable[[list[str]], Iterator[pd.DataFrame]]]:
    """(kind, header, frames): `frames(columns)` yields text frames of the wanted columns, chunk by chunk."""
    if not path.is_file():
        raise DecontrolError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise DecontrolError(f"{path}: the file is empty")
    check_size(path)
    encoding = check_utf8(path, encoding)
    with open(path, "rb") as fh:
        start = fh.read(4096).decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    if not start:
        raise DecontrolError(f"{path}: the file is empty")
    if start[0] in "[{":
        records = _json_records(path, path.read_text(encoding=encoding))
        frame = pd.DataFrame.from_records(records)
        frame = frame.apply(lambda col: col.map(_cell_text)).astype("str") if len(frame.columns) else frame
        frame.columns = [str(c).strip() for c in frame.columns]
        return "json", list(frame.columns), lambda _wanted: iter([frame])
    first = start.splitlines()[0]
    header = [c.strip().strip('"').strip() for c in pd.read_csv(io.StringIO(first + "\n"), dtype=str).columns]

    def frames(wanted: list[str]) -> Iterator[pd.DataFrame]:
        with warnings.catch_warnings():
            # a trailing comma on every data row (Comtrade+ portal CSV): index_col=False reads the
            # fields by the header and pandas warns that the empty last field is dropped
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            chunks = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                usecols=lambda c: c.strip() in wanted,
                chunksize=CHUNK_ROWS,
                encoding=encoding,
                index_col=False,
            )
            for raw in chunks:
                raw.columns = [c.strip() for c in raw.columns]
                yield raw

    return "csv", header, frames


def _cell_text(v: Any) -> str:
    """A JSON cell as the text a CSV download would hold (None -> '', 1.0 -> '1.0', True -> 'True')."""
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        raise DecontrolError(f"a record field holds a nested value ({str(v)[:60]}); Comtrade+ records are flat")
    return str(v)


def _json_records(path: Path, text: str) -> list[dict[str, Any]]:
    data = load_json(path, text)
    if isinstance(data, list) and data and isinstance(data[0], list):
        raise DecontrolError(
            f"{path}: this is an array of arrays (the US Census trade API layout), not Comtrade; "
            f"use `decontrol data import-census`. import-comtrade reads {READS}"
        )
    if isinstance(data, dict) and "data" in data:
        records = data["data"]
        if data.get("error"):
            raise DecontrolError(f"{path}: the Comtrade API answered with an error: {str(data['error'])[:200]}")
    elif isinstance(data, list):
        records = data
    else:
        keys = ", ".join(list(data)[:10]) if isinstance(data, dict) else type(data).__name__
        raise DecontrolError(
            f'{path}: JSON without a "data" list of records (found: {keys}); import-comtrade reads {READS}'
        )
    if not isinstance(records, list) or not records:
        raise DecontrolError(f'{path}: the JSON holds no records ("data" is empty): nothing to import')
    bad = [n for n, r in enumerate(records, start=1) if not isinstance(r, dict)]
    if bad:
        raise DecontrolError(f"{path}: {len(bad)} record(s) are not objects", [f"{path} record {n}" for n in bad[:20]])
    return records


def _layout(header: list[str], path: Path) -> tuple[str, dict[str, str], dict[str, str]]:
    """Which layout the header is, and the canonical -> actual column names present."""
    is_api = "primaryValue" in header or "cmdCode" in header
    is_classic = "Commodity Code" in header or "Trade Value (US$)" in header
    if not is_api and not is_classic:
        raise DecontrolError(f"{path}: not a Comtrade download: {_describe(header)}; import-comtrade reads {READS}")
    base, optional = (API, API_OPTIONAL) if is_api else (CLASSIC, CLASSIC_OPTIONAL)
    cols = dict(base)
    if is_api and "refYear" not in header and "period" in header:
        cols["year"] = "period"
    if not is_api and "Trade Flow Code" not in header and "Trade Flow" in header:
        cols["flow"] = "Trade Flow"
    missing = [c for c in cols.values() if c not in header]
    if missing:
        raise DecontrolError(
            f"{path}: missing column(s) {', '.join(missing)} for a Comtrade "
            f"{'API' if is_api else 'classic bulk'} layout (found: {', '.join(header[:40])})"
        )
    present = {k: v for k, v in optional.items() if v in header and v not in cols.values()}
    return ("api" if is_api else "classic"), cols, present


def _describe(header: list[str]) -> str:
    """What a header looks like, so a message can name the format seen."""
    cols = set(header)
    if {"t", "i", "j", "k", "v"} <= cols:
        return "its header t,i,j,k,v is a CEPII BACI file (use `decontrol data import-baci`)"
    if "CTY_CODE" in cols:
        return "its CTY_CODE column is a US Census trade API file (use `decontrol data import-census`)"
    return f"the header has {', '.join(header[:12]) or 'no columns'}"


def _fallback_codes() -> dict[int, str]:
    """Comtrade numeric codes -> ISO3 for rows with a blank ISO column (Comtrade uses BACI-like codes)."""
    try:
        countries = shipped_countries("to map Comtrade country codes")
    except DecontrolError:
        return {TAIWAN_CODE: "TWN"}
    table = code_to_iso3(countries, "m49")
    table.update(code_to_iso3(countries, "baci_code"))
    table[TAIWAN_CODE] = "TWN"
    return table


def _chunk(
    df: pd.DataFrame,
    row_no: pd.Series,
    layout: str,
    code_map: dict[int, str],
    known: frozenset[str] | None,
    report: ImportReport,
    problems: Problems,
    drop_unknown: bool,
    seen_classifications: set[str],
    unknown_seen: set[str],
    areas_seen: set[str],
    outside_seen: set[str],
) -> pd.DataFrame | None:
    n = len(df)
    value = numeric_values(df["value"], row_no, "value", problems)
    year_text = df["year"].str.strip().str[:4]
    year = pd.to_numeric(year_text, errors="coerce")
    problems.rows(year.isna(), row_no, "year", lambda i: f"{df['year'].iloc[i]!r} is not a year")
    report.rows_read += n
    report.value_read_usd += float(value.fillna(0).sum())
    if "classification" in df:
        seen_classifications.update(df["classification"].str.strip().unique())
    keep = pd.Series(True, index=df.index)
    v0 = value.fillna(0)
    for field, totals in BREAKDOWN_TOTALS.items():
        if field in df:
            keep = drop_rows(
                report,
                keep,
                ~df[field].str.strip().isin(totals),
                v0,
                "breakdown rows (2nd partner, customs procedure or transport mode): their total is kept",
            )
    flow = df["flow"].str.strip().str.upper()
    if "flow_text" in df:  # 2021-vintage files: code 0, the flow in the text (X, M, RX, RM, DX, FM)
        flow = flow.where(flow.isin(FLOW_CODES), df["flow_text"].str.strip().str.upper())
    is_x, is_m = flow.isin(EXPORT_FLOWS), flow.isin(IMPORT_FLOWS)
    keep = drop_rows(report, keep, ~(is_x | is_m), v0, "re-exports, re-imports and other flows")
    code = df["commodity"].str.strip()
    code = code.where(~(code.str.fullmatch(r"\d{5}")), code.str.zfill(6))  # lost leading zero
    keep = drop_rows(report, keep, ~code.str.fullmatch(r"\d{6}"), v0, "not a 6-digit HS code (totals and chapters)")
    for col in ("reporter_code", "partner_code"):  # UN numeric codes are 0-999; anything else is corrupt
        num = pd.to_numeric(df[col].str.strip(), errors="coerce")
        problems.rows(
            (df[col].str.strip() != "") & ~num.between(0, 999),
            row_no,
            CLASSIC[col] if layout == "classic" else API[col],
            lambda i: f"country code {df[col].iloc[i]!r} is not a UN numeric code (0-999)",
        )
    rep_iso, rep_status = _iso(df, "reporter", code_map, known)
    par_iso, par_status = _iso(df, "partner", code_map, known)
    unknown = (rep_status == "unknown") | (par_status == "unknown")
    if unknown.any() and not drop_unknown:
        for _who, status, col in (("reporter", rep_status, "reporter_code"), ("partner", par_status, "partner_code")):
            problems.rows(
                (status == "unknown") & keep,
                row_no,
                CLASSIC.get(col, col) if layout == "classic" else API[col],
                lambda i: f"unknown country code {df[col].iloc[i]!r} with no ISO3 code",
            )
    unknown_seen.update(
        df.loc[unknown & keep, "partner_code"].tolist() + df.loc[unknown & keep, "reporter_code"].tolist()
    )
    keep = drop_rows(report, keep, unknown, v0, "unknown country code (--drop-unknown)")
    area = (rep_status == "area") | (par_status == "area")
    areas_seen.update(_names(df, area & keep))
    keep = drop_rows(report, keep, area, v0, "exporter or importer is an area without an ISO3 code")
    outside = (rep_status == "outside") | (par_status == "outside")
    outside_seen.update(
        rep_iso[outside & keep & (rep_status == "outside")].tolist()
        + par_iso[outside & keep & (par_status == "outside")].tolist()
    )
    keep = drop_rows(report, keep, outside, v0, "exporter or importer not in decontrol's countries.csv")
    if problems:
        return None
    exporter = rep_iso.where(is_x, par_iso)
    importer = par_iso.where(is_x, rep_iso)
    cls = df["classification"].str.strip().str.upper() if "classification" in df else pd.Series("", index=df.index)
    kg = (
        pd.to_numeric(df["kg"].str.strip(), errors="coerce") if "kg" in df else pd.Series(np.nan, index=df.index)
    )  # weights are optional: a bad one is only "not reported"
    out = pd.DataFrame(
        {
            "year": year.astype("Int64"),
            "exporter": exporter,
            "importer": importer,
            "hs6": code,
            "value_usd": value,
            "flow": np.where(is_x, "X", "M"),
            "cls": cls,
            "kg": kg,
        }
    )[keep]
    out["year"] = out["year"].astype("int64")
    return out


def _is_monthly(df: pd.DataFrame) -> bool:
    """Monthly data: API freqCode M, or a 6-digit period (YYYYMM)."""
    if "freq" in df and df["freq"].str.strip().str.upper().eq("M").any():
        return True
    return "period" in df and df["period"].str.strip().str.fullmatch(r"\d{6}").any()


def _iso(
    df: pd.DataFrame, who: str, code_map: dict[int, str], known: frozenset[str] | None
) -> tuple[pd.Series, pd.Series]:
    """ISO3 per row and a status: ok, area (not a country), outside (not in countries.csv), unknown."""
    iso = (df[f"{who}_iso"] if f"{who}_iso" in df else pd.Series("", index=df.index)).str.strip().str.upper()
    codes = pd.to_numeric(df[f"{who}_code"].str.strip(), errors="coerce")
    iso = iso.where(codes != 0, "WLD")
    iso = iso.where(codes != TAIWAN_CODE, "TWN")
    valid = iso.str.fullmatch(r"[A-Z]{3}") & (iso != "N/A")
    fallback = codes.map(code_map)
    iso = iso.where(valid, fallback.fillna(""))
    valid = iso.str.fullmatch(r"[A-Z]{3}")
    name = df.get(f"{who}_name", pd.Series("", index=df.index)).str.strip().str.lower()
    area = codes.isin(NON_COUNTRY_CODES) | name.str.endswith(" nes") | name.str.endswith(", nes")
    status = pd.Series("ok", index=df.index)
    if known is not None:
        status = status.where(iso.isin(known) | ~valid, "outside")
    status = status.where(valid, "unknown")
    status = status.where(~area | (iso.isin(known) if known is not None else valid), "area")
    return iso, status


def _names(df: pd.DataFrame, mask: pd.Series) -> set[str]:
    out: set[str] = set()
    for who in ("reporter", "partner"):
        col = f"{who}_name" if f"{who}_name" in df else f"{who}_code"
        out.update(df.loc[mask, col].str.strip().tolist())
    return out


def _drop_mirrors(kept: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Keep the exporter's report where both sides report the same flow; count the mirror imports."""
    if kept.empty:
        return kept
    key = ["year", "exporter", "importer", "hs6"]
    exported = kept.loc[kept["flow"] == "X", key].drop_duplicates()
    imports = kept[kept["flow"] == "M"]
    mirrored = imports.merge(exported, on=key, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    if mirrored.any():
        dropped = imports[mirrored]
        report.drop(
            "importer-reported mirror of a flow the exporter also reports (export kept)",
            len(dropped),
            float(dropped["value_usd"].sum()),
        )
        kept = kept.drop(index=dropped.index)
    return kept
