"""Rebuild the shipped reference tables of `datasets/` from the raw public downloads.

Run from anywhere:  .venv/bin/python datasets/build/build_reference.py [--shared DIR] [--out DIR]

`--shared` is the folder of raw sources (default `../shared/data-sources` beside the repository);
each of its sub-folders has a SOURCE.md saying where the files came from. The output is
deterministic (sorted rows, fixed column order, `\\n` line ends), so a rebuild of unchanged inputs
gives byte-identical files and `datasets/MANIFEST.csv` checksums stay put. Columns follow
`optimizer/data/schema.py` exactly. Only this script (and its siblings) reads the raw sources:
runtime code reads the committed CSVs.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import pandas as pd

BUILD_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BUILD_DIR))

import build_licensing  # noqa: E402
import build_partner_measures  # noqa: E402
from ccl_reasons import is_wmd, parse_entry  # noqa: E402
from policy_events import EVENTS  # noqa: E402
from regime_members import regime_rows  # noqa: E402
from tables import write_csv  # noqa: E402

REPO = BUILD_DIR.parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data-sources"
DEFAULT_OUT = REPO / "datasets"

sys.path.insert(0, str(REPO))
from optimizer.data import schema  # noqa: E402

ECCN_RE = re.compile(r"^\d[A-E]\d{3}$")

CCL_2025_SOURCE = "eCFR 15 CFR 774 Supp. 1 (~2025-07), parsed at github.com/waynehacking8/eccn-agent@0bd163a"
CCL_2026_SOURCE = "eCFR 15 CFR 774 Supp. 1 (amended 2026-07-23), extract at github.com/jaepaly/2026sanbo@a932d26"
VINTAGE_2025 = "~2025-07"
VINTAGE_2026 = "2026-07-23"

#: Canonical order of the `regime` cell.
REGIME_ORDER = ("WA", "MTCR", "NSG", "AG", "CWC", "ML", "US")

#: Number range (third character of the ECCN) -> regime, after 15 CFR 774 Supp. 1 and the
#: CCL's own numbering convention. 5 and 6 are the munitions ("500/600 series"); 7/8 are not used.
RANGE_REGIME = {"0": "WA", "1": "MTCR", "2": "NSG", "3": "AG", "4": "CWC", "5": "ML", "6": "ML", "9": "US"}

#: Reason code -> regime whose list the control implements. NS_WW / NS_AC (US worldwide or
#: China-focused rules), NP2 (US-only nuclear) and CB3 (US-only, Syria) map to no regime.
REASON_REGIME = {
    "NS1": "WA",
    "NS2": "WA",
    "NS": "WA",
    "MT1": "MTCR",
    "MT": "MTCR",
    "NP1": "NSG",
    "CB1": "AG",
    "CB2": "AG",
    "CB": "AG",
    "CW": "CWC",
}

NO_HEADING = "[heading not recoverable from the 2026 eCFR extract]"


# ---------------------------------------------------------------- helpers


def normalise_text(text: str) -> str:
    """Straight quotes and single spaces: the 2026 extract uses typographic quotes."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2019", "'")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([.,;)])", r"\1", text)


def short_github(url: str) -> str:
    """https://github.com/o/r/blob/<sha40>/path -> github.com/o/r@<sha7>/path."""
    m = re.match(r"https?://github\.com/([^/]+/[^/]+)/blob/([0-9a-f]{7})[0-9a-f]*/(.+)", url)
    return f"github.com/{m.group(1)}@{m.group(2)}/{m.group(3)}" if m else url


# ---------------------------------------------------------------- CCL


def load_ccl_2025(shared: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """(summary rows, JSON entries) of the 2025 parse, keyed by ECCN (parse artefacts dropped)."""
    folder = shared / "ccl-eccn-agent-2025"
    with open(folder / "eccn_summary.csv", newline="", encoding="utf-8") as fh:
        summary = {r["eccn"]: r for r in csv.DictReader(fh) if ECCN_RE.match(r["eccn"])}
    data = json.loads((folder / "ccl_parsed_checked.json").read_text(encoding="utf-8"))
    entries = {
        e["code"]: e for cat in data for grp in cat["product_groups"] for e in grp["eccn"] if ECCN_RE.match(e["code"])
    }
    return summary, entries


def load_ccl_2026(shared: Path) -> dict[str, str]:
    """ECCN -> heading (None-valued headings of the extract become '')."""
    rows = json.loads((shared / "ccl-ecfr-2026sanbo" / "ecfr_part774_entries.json").read_text(encoding="utf-8"))
    out = {}
    for r in rows:
        heading = r.get("heading")
        out[r["code"]] = "" if heading in (None, "None") else normalise_text(heading)
    return out


def is_itar_placeholder(heading: str) -> bool:
    """The heading says the items themselves are 'subject to the ITAR' (USML, not EAR)."""
    return bool(re.search(r"\((?:These items are|This [^)]{0,40}? is)\s*\"?subject to the ITAR", heading))


def regimes_for(eccn: str, reasons: tuple[str, ...], itar: bool) -> str:
    """Regime(s) an entry implements, from its number range and its reasons.

    * range: 0xx WA, 1xx MTCR, 2xx NSG, 3xx AG, 4xx CWC, 5xx/6xx ML, 9xx US;
    * a 0xx entry whose known reasons include no multilateral reason (NS/MT/NP1/CB1-2/CW) is a
      US-only entry parked in the 0xx range (3A090, 4A090, 4D090, 4E091): US, not WA;
    * the 0x521 entries are US unilateral holding entries (15 CFR 742.6(a)(8)): US;
    * every reason adds the regime whose list it implements (NS1/NS2 -> WA, MT -> MTCR,
      NP1 -> NSG, CB1/CB2 -> AG, CW -> CWC), so 2B001 (NS2, NP1) is WA;NSG;
    * an ITAR placeholder adds ML.
    """
    digit = eccn[2]
    found: set[str] = set()
    multilateral = {REASON_REGIME[r] for r in reasons if r in REASON_REGIME}
    if eccn[2:] == "521" or (digit == "0" and reasons and not multilateral):
        found.add("US")
    else:
        found.add(RANGE_REGIME.get(digit, "US"))
    found |= multilateral
    if itar:
        found.add("ML")
    return ";".join(r for r in REGIME_ORDER if r in found)


def license_exceptions(summary_row: dict | None) -> str:
    """LVS / GBS / STA and the other list-based exceptions as a JSON object (blank values dropped)."""
    if summary_row is None:
        return ""
    out: dict[str, str] = {}
    for key in ("LVS", "GBS", "STA"):
        if summary_row[key].strip():
            out[key] = normalise_text(summary_row[key])
    other = json.loads(summary_row["other_license_exceptions_json"] or "{}")
    for key, value in other.items():
        if str(value).strip():
            out[key] = normalise_text(str(value))
    return json.dumps(out, ensure_ascii=False, sort_keys=False) if out else ""


def build_ccl(shared: Path) -> pd.DataFrame:
    """Every ECCN of either text: reasons from 2025, heading from 2026 where present."""
    summary, entries = load_ccl_2025(shared)
    headings_2026 = load_ccl_2026(shared)
    rows = []
    for eccn in sorted(set(entries) | set(headings_2026)):
        in_2025, in_2026 = eccn in entries, eccn in headings_2026
        heading_2026 = headings_2026.get(eccn, "")
        heading = heading_2026 or (normalise_text(entries[eccn]["description"]) if in_2025 else "") or NO_HEADING
        parsed = parse_entry(entries[eccn]["details"]) if in_2025 else None
        reasons = parsed.reasons if parsed else ()
        itar = is_itar_placeholder(heading)
        military = eccn[2] in "56" or itar
        if in_2025 and in_2026:
            source = (
                f"reasons: {CCL_2025_SOURCE}; heading: {CCL_2026_SOURCE}"
                if heading_2026
                else f"reasons and heading: {CCL_2025_SOURCE} (2026 extract has no heading)"
            )
            vintage = f"heading {VINTAGE_2026}; reasons {VINTAGE_2025}" if heading_2026 else VINTAGE_2025
        elif in_2025:
            source = f"{CCL_2025_SOURCE} (entry absent from the 2026 extract)"
            vintage = VINTAGE_2025
        else:
            source = f"{CCL_2026_SOURCE} (entry absent from the 2025 parse: reasons unknown)"
            vintage = VINTAGE_2026
        rows.append(
            {
                "eccn": eccn,
                "category": int(eccn[0]),
                "group": eccn[1],
                "heading": heading,
                "reasons": ";".join(reasons),
                "chart_columns": ";".join(parsed.chart_columns) if parsed else "",
                "non_chart_controls": ";".join(parsed.non_chart) if parsed else "",
                "paragraph_controls_json": json.dumps([r.as_json() for r in parsed.rows], ensure_ascii=False)
                if parsed
                else "[]",
                "wmd_scope": parsed.wmd_scope if parsed else "none",
                "license_exceptions_json": license_exceptions(summary.get(eccn)),
                "regime": regimes_for(eccn, reasons, itar),
                "military": military,
                "itar_placeholder": itar,
                "has_reasons": bool(reasons),
                "source": source,
                "vintage": vintage,
            }
        )
    frame = pd.DataFrame(rows)
    _check_ccl(frame)
    return frame


def _check_ccl(frame: pd.DataFrame) -> None:
    """Facts the rest of the product relies on; a parser change that breaks one stops the build."""
    by = frame.set_index("eccn")
    problems = []
    for eccn in ("2B991", "4A994"):
        if by.at[eccn, "reasons"] != "AT1":
            problems.append(f"{eccn} should be AT1-only, got {by.at[eccn, 'reasons']!r}")
    for eccn in ("3A090", "4A090"):
        if "RS_AC" not in by.at[eccn, "non_chart_controls"].split(";"):
            problems.append(f"{eccn} lacks its RS_AC control")
    if by.at["2B001", "wmd_scope"] != "partial":
        problems.append("2B001: NP applies to 2B001.a-.d only, wmd_scope should be 'partial'")
    bad_wmd = frame[
        (frame.wmd_scope == "none") & frame.reasons.str.split(";").map(lambda rs: any(is_wmd(r) for r in rs))
    ]
    if len(bad_wmd):
        problems.append(f"WMD reasons but wmd_scope 'none': {list(bad_wmd.eccn)}")
    if problems:
        raise SystemExit("ccl.csv checks failed:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------- HS

#: BACI HS22 V202501 merges 2710.12-2710.99 into one code; kept so BACI imports validate.
BACI_EXTRA_HS6 = {
    "271000": "Petroleum oils and oils obtained from bituminous minerals, not crude "
    "(BACI aggregate of 271012, 271019, 271020, 271091, 271099)"
}


def build_hs(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    """(hs6, hs2, code-set differences with BACI) from the Atlas HS 2022 table."""
    atlas = pd.read_csv(shared / "hs-classification-atlas" / "hs22.csv", dtype=str, keep_default_na=False)
    sectors = atlas[atlas.product_level == "1"].set_index("product_id")["name_short_en"]
    six = atlas[(atlas.product_level == "6") & atlas.code.str.fullmatch(r"\d{6}")].copy()
    headings = atlas[atlas.product_level == "4"].set_index("code")["name_en"].map(normalise_text)
    hs6 = pd.DataFrame(
        {
            "hs6": six.code,
            "name": six.name_en.map(normalise_text),
            "hs2": six.code.str[:2],
            "hs4": six.code.str[:4],
            "section": six.top_parent_id.map(sectors),
            "hs4_name": six.code.str[:4].map(headings).fillna(""),
        }
    )
    baci = pd.read_csv(
        shared / "baci-product-country-codes" / "product_codes_HS22_V202501.csv", dtype=str, keep_default_na=False
    )
    baci_codes = set(baci.product_code.str.zfill(6))
    atlas_codes = set(hs6.hs6)
    diff = {"atlas_only": sorted(atlas_codes - baci_codes), "baci_only": sorted(baci_codes - atlas_codes)}
    extra = []
    for code, name in BACI_EXTRA_HS6.items():
        section = hs6.loc[hs6.hs4 == code[:4], "section"].iloc[0]
        extra.append(
            {
                "hs6": code,
                "name": name,
                "hs2": code[:2],
                "hs4": code[:4],
                "section": section,
                "hs4_name": headings.get(code[:4], ""),
            }
        )
    hs6 = pd.concat([hs6, pd.DataFrame(extra)], ignore_index=True).sort_values("hs6").reset_index(drop=True)
    chapters = atlas[atlas.product_level == "2"]
    hs2 = (
        pd.DataFrame(
            {
                "hs2": chapters.code,
                "name": chapters.name_en.map(normalise_text),
                "section": chapters.top_parent_id.map(sectors),
            }
        )
        .sort_values("hs2")
        .reset_index(drop=True)
    )
    if hs6.section.isna().any() or hs2.section.isna().any():
        raise SystemExit("hs: some codes have no Atlas sector")
    return hs6, hs2, diff


# ---------------------------------------------------------------- countries

#: Atlas pseudo-locations that are not countries.
ATLAS_NOT_COUNTRIES = {"USP", "ANS"}
#: BACI 490 'Other Asia, nes' is Taiwan's trade (as in UN Comtrade); ISO 3166 has TW for Taiwan.
TAIWAN = {"baci_code": 490, "iso2": "TW"}
#: UN members in neither source (BACI counts them with France and Switzerland): ISO 3166 codes,
#: needed because they are CWC States Parties.
EXTRA_COUNTRIES = (
    {"iso3": "LIE", "name": "Liechtenstein", "m49": 438, "baci_code": None, "iso2": "LI"},
    {"iso3": "MCO", "name": "Monaco", "m49": 492, "baci_code": None, "iso2": "MC"},
)
#: ISO2 codes both sources lost (Namibia's 'NA' was read as a missing value upstream).
ISO2_FIXES = {"NAM": "NA"}


def build_countries(shared: Path) -> pd.DataFrame:
    """ISO3 + M49 (Atlas) + BACI code (BACI's own ISO3 column), plus WLD and EUU aggregates."""
    atlas = pd.read_csv(shared / "hs-classification-atlas" / "country.csv", dtype=str, keep_default_na=False)
    atlas = atlas[~atlas.iso3_code.isin(ATLAS_NOT_COUNTRIES)]
    baci = pd.read_csv(
        shared / "baci-product-country-codes" / "country_codes_V202301.csv", sep=";", dtype=str, keep_default_na=False
    )
    baci = baci[baci.iso_3digit_alpha != "N/A"]
    m49 = dict(zip(atlas.iso3_code, atlas.country_id))
    baci_code: dict[str, int] = {}
    baci_iso2: dict[str, str] = {}
    baci_name: dict[str, str] = {}
    for iso3, grp in baci.groupby("iso_3digit_alpha"):
        # Several BACI codes share an ISO3 for former entities (58 Belgium-Luxembourg, 280 FRG,
        # 711 SACU, 736 former Sudan): keep the current one, i.e. the code equal to the M49 code.
        pick = grp[grp.country_code == m49.get(iso3)] if len(grp) > 1 else grp
        if len(pick) != 1:
            raise SystemExit(f"countries: cannot choose a BACI code for {iso3}: {list(grp.country_code)}")
        baci_code[iso3] = int(pick.country_code.iloc[0])
        baci_iso2[iso3] = pick.iso_2digit_alpha.iloc[0]
        baci_name[iso3] = pick.country_name_abbreviation.iloc[0]
    rows = []
    for r in atlas.itertuples():
        rows.append(
            {
                "iso3": r.iso3_code,
                "name": r.name_short_en,
                "m49": int(r.country_id),
                "baci_code": baci_code.get(r.iso3_code),
                "iso2": r.iso2_code or baci_iso2.get(r.iso3_code, ""),
            }
        )
    for iso3 in sorted(set(baci_code) - set(atlas.iso3_code)):
        rows.append(
            {"iso3": iso3, "name": baci_name[iso3], "m49": None, "baci_code": baci_code[iso3], "iso2": baci_iso2[iso3]}
        )
    rows += [dict(r) for r in EXTRA_COUNTRIES if r["iso3"] not in set(atlas.iso3_code) | set(baci_code)]
    rows += [
        {"iso3": "WLD", "name": "World", "m49": None, "baci_code": None, "iso2": ""},
        {"iso3": "EUU", "name": "European Union", "m49": None, "baci_code": None, "iso2": ""},
    ]
    frame = pd.DataFrame(rows)
    twn = frame.iso3 == "TWN"
    frame.loc[twn, "baci_code"] = TAIWAN["baci_code"]
    frame.loc[twn, "iso2"] = TAIWAN["iso2"]
    for col in ("m49", "baci_code"):
        frame[col] = frame[col].astype("Int64")
    frame["iso2"] = frame["iso2"].replace("N/A", "")
    for iso3, iso2 in ISO2_FIXES.items():
        frame.loc[frame.iso3 == iso3, "iso2"] = iso2
    return frame.sort_values("iso3").reset_index(drop=True)


# ---------------------------------------------------------------- trade totals


def build_partner_totals(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "us-trade-totals" / "partner_totals.csv", dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            "year": raw.year.astype(int),
            "partner": raw.partner_iso3,
            "partner_name": raw.partner_name,
            "exports_usd": raw.exports_usd.astype("int64"),
            "imports_usd": raw.imports_usd.astype("int64"),
            "balance_usd": raw.balance_usd.astype("int64"),
            "source": "US Census Bureau, census.gov/foreign-trade/balance/country.xlsx: "
            + raw.basis
            + "; read from "
            + raw.source_url.map(short_github),
        }
    )
    if ((frame.exports_usd - frame.imports_usd) != frame.balance_usd).any():
        raise SystemExit("partner_totals: balance_usd != exports_usd - imports_usd")
    return frame.sort_values(["year", "partner"]).reset_index(drop=True)


HS2_CHINA_FILES = (
    ("china_exp.csv", "export", "CHN"),
    ("china_imp.csv", "import", "CHN"),
    ("US_total_export.csv", "export", "WLD"),
    ("US_total_impor.csv", "import", "WLD"),
)


def build_hs2_china(shared: Path) -> pd.DataFrame:
    """Annual sums of the monthly Census values, full years 2015-2018 only (2019 has one month)."""
    parts = []
    for name, flow, partner in HS2_CHINA_FILES:
        raw = pd.read_csv(shared / "census-hs2-china-2015-2018" / name, dtype={"Comm Code": str})
        raw["year"] = raw["Period"].str[:4].astype(int)
        raw = raw[raw.year.between(2015, 2018)]
        months = raw.groupby("year")["Period"].nunique()
        if (months != 12).any():
            raise SystemExit(f"hs2_china: {name} lacks months: {months.to_dict()}")
        agg = raw.groupby(["year", "Comm Code"], as_index=False)["Monthly Value"].sum()
        parts.append(
            pd.DataFrame(
                {
                    "year": agg.year,
                    "flow": flow,
                    "partner": partner,
                    "hs2": agg["Comm Code"].str.zfill(2),
                    "value_usd": agg["Monthly Value"].astype("int64"),
                }
            )
        )
    return pd.concat(parts).sort_values(["year", "flow", "partner", "hs2"]).reset_index(drop=True)


# ---------------------------------------------------------------- small tables


def build_regimes() -> pd.DataFrame:
    return pd.DataFrame(regime_rows()).sort_values(["regime", "iso3"]).reset_index(drop=True)


def build_events() -> pd.DataFrame:
    return pd.DataFrame(EVENTS).sort_values(["date", "title"]).reset_index(drop=True)


def write_policy_headers(out: Path) -> None:
    """Empty analyst-override tables (header only): overrides are the analyst's, never shipped."""
    for spec in (schema.TIER_OVERRIDES, schema.FA_OVERRIDES):
        write_csv(pd.DataFrame(columns=[c.name for c in spec.columns]), out / spec.filename, spec)


# ---------------------------------------------------------------- main


def build_all(shared: Path, out: Path) -> dict[str, object]:
    """Write every reference table into `out`; returns facts worth reporting (HS code differences)."""
    if not shared.is_dir():
        raise SystemExit(f"raw sources not found: {shared} (pass --shared DIR)")
    write_csv(build_ccl(shared), out / schema.CCL.filename, schema.CCL)
    hs6, hs2, hs_diff = build_hs(shared)
    write_csv(hs6, out / schema.HS6.filename, schema.HS6)
    write_csv(hs2, out / schema.HS2.filename, schema.HS2)
    write_csv(build_countries(shared), out / schema.COUNTRIES.filename, schema.COUNTRIES)
    write_csv(build_partner_totals(shared), out / schema.PARTNER_TOTALS.filename, schema.PARTNER_TOTALS)
    write_csv(build_hs2_china(shared), out / schema.HS2_CHINA.filename, schema.HS2_CHINA)
    write_csv(build_regimes(), out / schema.REGIMES.filename, schema.REGIMES)
    write_csv(build_events(), out / schema.EVENTS.filename, schema.EVENTS)
    write_policy_headers(out)
    build_licensing.build_all(shared, out)  # needs countries.csv, written above
    build_partner_measures.build_all(shared, out)
    return {"hs_vs_baci": hs_diff}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder of raw public sources")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="datasets folder to write")
    args = parser.parse_args(argv)
    facts = build_all(args.shared.resolve(), args.out.resolve())
    diff = facts["hs_vs_baci"]
    print(f"wrote reference tables to {args.out}")
    print(f"HS6 codes only in the Atlas: {diff['atlas_only']}; only in BACI: {diff['baci_only']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
