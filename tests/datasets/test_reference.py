"""The committed reference tables in `datasets/`: schema, counts and the facts the product relies on.

These tests read only the committed files. The rebuild test runs only where the raw sources
(`../shared/data-sources`) sit beside the clone, and then checks the rebuild is byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data import schema

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
BUILD = DATASETS / "build"
SHARED = ROOT.parent / "shared" / "data-sources"

#: The files build_reference.py writes.
REFERENCE_SPECS = (
    schema.CCL,
    schema.HS6,
    schema.HS2,
    schema.COUNTRIES,
    schema.REGIMES,
    schema.PARTNER_TOTALS,
    schema.HS2_CHINA,
    schema.EVENTS,
    schema.TIER_OVERRIDES,
    schema.FA_OVERRIDES,
)


def _module(name: str):
    """A build script loaded by path (datasets/build is not a package)."""
    qualified = f"datasets_build_{name}"
    if qualified not in sys.modules:
        spec = importlib.util.spec_from_file_location(qualified, BUILD / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module  # dataclasses resolve their module through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[qualified]


def read(spec: schema.TableSpec) -> pd.DataFrame:
    return pd.read_csv(DATASETS / spec.filename, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def ccl() -> pd.DataFrame:
    return read(schema.CCL).set_index("eccn", drop=False)


# ---------------------------------------------------------------- schema


@pytest.mark.parametrize("spec", REFERENCE_SPECS, ids=lambda s: s.name)
def test_columns_match_schema_in_order(spec):
    with open(DATASETS / spec.filename, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == [c.name for c in spec.columns]


@pytest.mark.parametrize("spec", REFERENCE_SPECS, ids=lambda s: s.name)
def test_keys_unique_and_required_cells_filled(spec):
    frame = read(spec)
    if spec.key:
        assert not frame.duplicated(list(spec.key)).any()
    for col in spec.columns:
        if col.required and col.name not in ("reasons", "chart_columns"):
            assert (frame[col.name] != "").all(), f"{spec.filename}: blank {col.name}"


def test_policy_override_tables_are_header_only():
    for spec in (schema.TIER_OVERRIDES, schema.FA_OVERRIDES):
        assert len(read(spec)) == 0


def test_shipped_directory_passes_the_loader():
    from optimizer.data.load import load_dataset

    data = load_dataset()
    assert len(data.ccl) >= 637


# ---------------------------------------------------------------- CCL


def test_ccl_covers_both_texts(ccl):
    assert len(ccl) >= 637
    assert ccl.eccn.str.fullmatch(r"\d[A-E]\d{3}").all()
    assert (ccl.category == ccl.eccn.str[0]).all() and (ccl.group == ccl.eccn.str[1]).all()
    # only in 2026 (ITAR placeholder) and only in 2025
    assert ccl.at["9A005", "has_reasons"] == "False" and ccl.at["9A005", "itar_placeholder"] == "True"
    assert ccl.at["8D001", "has_reasons"] == "True"


def test_legacy_at_only_entries(ccl):
    for eccn in ("2B991", "4A994"):
        assert ccl.at[eccn, "reasons"] == "AT1"
        assert ccl.at[eccn, "wmd_scope"] == "none"
        assert ccl.at[eccn, "regime"] == "US"


def test_advanced_computing_entries_have_non_chart_rs(ccl):
    for eccn in ("3A090", "4A090"):
        assert "RS_AC" in ccl.at[eccn, "non_chart_controls"].split(";")
        assert ccl.at[eccn, "regime"] == "US"
        rows = json.loads(ccl.at[eccn, "paragraph_controls_json"])
        assert any(r["reason"] == "RS_AC" and "742.6(a)(6)" in r["chart"] for r in rows)


def test_2b001_np_applies_to_some_paragraphs_only(ccl):
    assert ccl.at["2B001", "wmd_scope"] == "partial"
    assert ccl.at["2B001", "reasons"].split(";") == ["NS2", "NP1", "AT1"]
    assert ccl.at["2B001", "regime"] == "WA;NSG"


def test_free_text_reasons_normalised(ccl):
    assert set(ccl.at["0A521", "reasons"].split(";")) == {"RS1"}  # "subject to RS1 controls"
    assert "CW" in ccl.at["1C350", "non_chart_controls"].split(";")
    assert "FP" in ccl.at["3A232", "reasons"].split(";")  # "foreign policy"


def test_every_500_600_series_entry_is_military(ccl):
    series = ccl[ccl.eccn.str[2].isin(["5", "6"])]
    assert len(series) > 50
    assert (series.military == "True").all()
    assert (ccl.loc[ccl.itar_placeholder == "True", "military"] == "True").all()


def test_reason_codes_come_from_the_vocabulary(ccl):
    vocab = set(_module("ccl_reasons").CODE_ORDER)
    for col in ("reasons", "chart_columns", "non_chart_controls"):
        codes = {c for cell in ccl[col] for c in cell.split(";") if c}
        assert codes <= vocab, codes - vocab
    for row in ccl.itertuples():
        reasons = set(filter(None, row.reasons.split(";")))
        assert set(filter(None, row.chart_columns.split(";"))) <= reasons
        assert set(filter(None, row.non_chart_controls.split(";"))) <= reasons
        assert (row.has_reasons == "True") == bool(reasons)


def test_json_cells_parse(ccl):
    for cell in ccl.paragraph_controls_json:
        rows = json.loads(cell)
        assert isinstance(rows, list) and all(set(r) == {"reason", "applies_to", "chart"} for r in rows)
    for cell in ccl.license_exceptions_json:
        if cell:
            assert isinstance(json.loads(cell), dict)


def test_wmd_scope_and_regime_values(ccl):
    assert set(ccl.wmd_scope) <= {"entire", "partial", "none"}
    tokens = {t for cell in ccl.regime for t in cell.split(";")}
    assert tokens <= {"WA", "MTCR", "NSG", "AG", "CWC", "ML", "US"}
    wmd = ccl.reasons.str.contains(r"\b(?:NP1|MT1?|CB\d?|CW)\b")
    assert (ccl.loc[wmd, "wmd_scope"] != "none").all()


# ---------------------------------------------------------------- HS


def test_hs_codes():
    hs6, hs2 = read(schema.HS6), read(schema.HS2)
    assert 5600 <= len(hs6) <= 5700
    assert hs6.hs6.str.fullmatch(r"\d{6}").all()
    assert (hs6.hs2 == hs6.hs6.str[:2]).all() and (hs6.hs4 == hs6.hs6.str[:4]).all()
    assert len(hs2) == 97 and set(hs6.hs2) <= set(hs2.hs2)
    assert (hs6.section != "").all()
    assert {"848620", "854231", "271000"} <= set(hs6.hs6)


# ---------------------------------------------------------------- countries and regimes


def test_countries_cover_partners_and_baci_codes():
    c = read(schema.COUNTRIES).set_index("iso3")
    assert set(schema.PARTNERS) <= set(c.index)
    assert {"WLD", "EUU"} <= set(c.index)
    expected = {"USA": "842", "FRA": "251", "IND": "699", "CHE": "757", "NOR": "579", "TWN": "490", "CHN": "156"}
    for iso3, code in expected.items():
        assert c.at[iso3, "baci_code"] == code
    assert c.at["USA", "m49"] == "840" and c.at["TWN", "iso2"] == "TW"


def test_every_iso3_used_elsewhere_is_a_country():
    known = set(read(schema.COUNTRIES).iso3)
    assert set(read(schema.REGIMES).iso3) <= known
    assert set(read(schema.PARTNER_TOTALS).partner) <= known
    assert set(read(schema.HS2_CHINA).partner) <= known


def test_regime_membership():
    r = read(schema.REGIMES)
    members = r.groupby("regime").iso3.apply(set)
    assert {k: len(v) for k, v in members.items()} == {"WA": 42, "MTCR": 35, "NSG": 48, "AG": 43, "CWC": 193}
    supplier = ("WA", "MTCR", "NSG", "AG")
    assert [g for g in supplier if "CHN" in members[g]] == ["NSG"]
    assert "RUS" in members["WA"]
    assert [g for g in supplier if "IND" in members[g]] == ["WA", "MTCR", "AG"]
    assert not {"EGY", "ISR", "PRK"} & members["CWC"]
    assert pd.to_datetime(r.as_of, format="%Y-%m-%d").notna().all()


# ---------------------------------------------------------------- trade totals


def test_hs2_china_export_totals_match_census():
    t = read(schema.HS2_CHINA)
    t["value_usd"] = t.value_usd.astype(float)
    exports = t[(t.flow == "export") & (t.partner == "CHN")].groupby("year").value_usd.sum() / 1e9
    assert exports.round(2).to_dict() == {"2015": 115.87, "2016": 115.55, "2017": 129.89, "2018": 120.34}
    assert set(t.flow) == {"export", "import"} and set(t.partner) == {"CHN", "WLD"}
    assert t.hs2.str.fullmatch(r"\d{2}").all()


def test_partner_totals_balance_and_coverage():
    p = read(schema.PARTNER_TOTALS)
    num = p[["exports_usd", "imports_usd", "balance_usd"]].astype("int64")
    assert (num.exports_usd - num.imports_usd == num.balance_usd).all()
    assert set(p.year.astype(int)) == set(range(2015, 2025))
    assert set(schema.PARTNERS) | {"WLD", "EUU"} <= set(p.partner)
    china_2015 = num[(p.partner == "CHN") & (p.year == "2015")].exports_usd.iloc[0]
    assert round(china_2015 / 1e9, 2) == 115.87


# ---------------------------------------------------------------- events


def test_events_sorted_dated_and_kinded():
    e = read(schema.EVENTS)
    dates = pd.to_datetime(e.date, format="%Y-%m-%d")
    assert dates.is_monotonic_increasing
    assert set(e.kind) <= {"us_control", "china_control", "tariff", "talks", "licensing"}
    for date in (
        "2020-12-01",
        "2022-10-07",
        "2023-10-17",
        "2024-12-02",
        "2025-01-15",
        "2025-04-02",
        "2025-04-04",
        "2025-05-12",
        "2025-09-29",
        "2025-10-09",
        "2025-10-10",
    ):
        assert date in set(e.date), date
    assert (e.source != "").all()


# ---------------------------------------------------------------- manifest and rebuild


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_is_current_for_reference_files():
    manifest = pd.read_csv(DATASETS / "MANIFEST.csv", dtype=str).set_index("file")
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    for spec in REFERENCE_SPECS:
        assert manifest.at[spec.filename, "sha256"] == _sha(DATASETS / spec.filename), spec.filename
        assert f"`{spec.filename}`" in readme


def test_regime_lists_check_their_counts():
    regimes = _module("regime_members")
    regimes.check()
    assert len(regimes.regime_rows()) == 42 + 35 + 48 + 43 + 193


def test_regime_rule_unit_cases():
    build = _module("build_reference")
    assert build.regimes_for("2B991", ("AT1",), False) == "US"
    assert build.regimes_for("3A090", ("RS_AC", "AT1"), False) == "US"
    assert build.regimes_for("3A001", ("NS1", "MT1", "NP1", "AT1"), False) == "WA;MTCR;NSG"
    assert build.regimes_for("1C991", ("CB3", "AT1"), False) == "US"
    assert build.regimes_for("9A610", ("NS1", "MT1", "AT1"), False) == "WA;MTCR;ML"
    assert build.regimes_for("9A005", (), True) == "WA;ML"
    assert build.regimes_for("0A521", ("RS1",), False) == "US"


@pytest.mark.skipif(not SHARED.is_dir(), reason="raw sources ../shared/data-sources not present")
def test_rebuild_is_byte_identical(tmp_path):
    build = _module("build_reference")
    build.build_all(SHARED, tmp_path)
    for spec in REFERENCE_SPECS:
        assert _sha(tmp_path / spec.filename) == _sha(DATASETS / spec.filename), spec.filename


# ---------------------------------------------------------------- reason parser on small texts

TABLE = """License Requirements

*Reason for Control:* NS, MT, AT

| Control(s) | Country chart |
|---|---|
| NS applies to entire entry | NS Column 2. |
| MT applies to 9X999.a when usable in "missiles" | MT Column 1. |
| NP applies to entire entry<br>AT applies to entire entry | NP Column 1<br>AT Column 1 |

List Based License Exceptions
| XX applies to nothing | NS Column 1 |
"""

PARAGRAPHS = """License Requirements

*Reason for Control:* CB, CW, AT, CC 1, Foreign policy

*Control(s):* CW applies to 1C999.b and .c. The Commerce Country Chart is not designed to determine licensing requirements.

| RS applies to 3X090.a | To or within any destination worldwide. See § 742.6(a)(6)(iii)(A) of the EAR. |
"""


def test_parser_reads_table_rows_and_stacked_rows():
    parsed = _module("ccl_reasons").parse_entry(TABLE)
    assert parsed.reasons == ("NS2", "MT1", "NP1", "AT1")
    assert parsed.non_chart == ()
    assert parsed.wmd_scope == "entire"  # NP1 on the entire entry
    assert [r.applies_to for r in parsed.rows][:2] == ["entire entry", '9X999.a when usable in "missiles"']


def test_parser_paragraphs_free_text_and_non_chart_codes():
    parsed = _module("ccl_reasons").parse_entry(PARAGRAPHS)
    assert set(parsed.reasons) == {"CW", "RS_AC", "CB", "AT", "CC1", "FP"}
    assert parsed.chart_columns == ("CC1",)
    assert parsed.wmd_scope == "partial"  # CW applies to .b and .c only
    cw = next(r for r in parsed.rows if r.reason == "CW")
    assert cw.applies_to == "1C999.b and .c"


def test_parser_never_invents_a_column():
    parsed = _module("ccl_reasons").parse_entry(
        "*Reason for Control:* NS, AT\n\nAT applies to entire entry | AT Column 1 |"
    )
    assert parsed.reasons == ("NS", "AT1")
    assert re.fullmatch(r"[A-Z]{2}", parsed.reasons[0])
