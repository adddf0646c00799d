"""BACI importer: units, codes, filters, accounting, and atomic failure on malformed input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data.importers.baci import import_baci
from optimizer.data.trade_file import read_trade_meta
from tests.optimizer.data.importers.conftest import snapshot

# v in THOUSAND USD; k without its leading zero; q in the three shapes BACI uses.
DATA = """t,i,j,k,v,q
2022,842,156,10121,1.5,NA
2022,156,842,848620,2000.125,           NA
2022,490,842,848620,3,
2022,697,842,848620,4,1.0
2022,842,251,901380,0.001,2.5
2022,251,156,848620,10,3
"""
COUNTRIES_V2025 = """country_code,country_name,country_iso2,country_iso3
842,USA,US,USA
156,China,CN,CHN
251,France,FR,FRA
490,"Other Asia, nes",N/A,S19
697,"Europe EFTA, nes",N/A,N/A
"""
COUNTRIES_V2023 = """country_code;country_name_abbreviation;country_name_full;iso_2digit_alpha;iso_3digit_alpha
842;USA;USA, Puerto Rico and US Virgin Islands;US;USA
156;China;China;CN;CHN
251;France;France, Monaco;FR;FRA
490;Other Asia, nes;Other Asia, not elsewhere specified;N/A;N/A
697;Europe EFTA, nes;Europe EFTA, not elsewhere specified;N/A;N/A
"""
PRODUCTS = 'product_code,description\n10121,"Horses: live, pure-bred breeding animals"\n848620,SME\n901380,Other\n'


def baci_zip(path: Path, data: str = DATA, countries: str = COUNTRIES_V2025, version: str = "V202501") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"BACI_HS22_Y2022_{version}.csv", data)
        z.writestr(f"country_codes_{version}.csv", countries)
        z.writestr(f"product_codes_HS22_{version}.csv", PRODUCTS)
        z.writestr("Readme.txt", "BACI\nValues in thousand USD\n")
    return path


def read(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "trade.parquet")


def test_zip_import_converts_units_codes_and_conserves_totals(tmp_path):
    report = import_baci(baci_zip(tmp_path / "BACI_HS22_V202501.zip"), tmp_path / "out")
    df = read(tmp_path / "out")
    got = {(r.exporter, r.importer, r.hs6): r.value_usd for r in df.itertuples()}
    assert got[("USA", "CHN", "010121")] == 1500.0  # thousand USD -> USD, leading zero restored
    assert got[("CHN", "USA", "848620")] == 2_000_125.0
    assert got[("TWN", "USA", "848620")] == 3000.0  # 490 "Other Asia, nes" is Taiwan
    assert got[("USA", "FRA", "901380")] == 1.0  # 251 -> FRA
    assert ("EFTA" not in "".join(df.exporter)) and len(df) == 5
    assert report.rows_read == 6 and report.rows_kept == 5
    assert report.value_read_usd == pytest.approx(2_018_626.0)
    assert report.dropped_rows == {"exporter or importer is an area without an ISO3 code": 1}
    assert report.dropped_value_usd["exporter or importer is an area without an ISO3 code"] == 4000.0
    assert df.value_usd.sum() == pytest.approx(report.value_read_usd - 4000.0) == report.value_written_usd
    assert any("Europe EFTA, nes" in n for n in report.notes)
    assert df.hs6.str.len().eq(6).all() and df.year.eq(2022).all()


def test_metadata_marks_real_data_with_its_source(tmp_path):
    import_baci(baci_zip(tmp_path / "BACI_HS22_V202501.zip"), tmp_path / "out")
    meta = read_trade_meta(tmp_path / "out" / "trade.parquet")
    assert meta.synthetic is False and meta.has_metadata
    assert meta.source.startswith("CEPII BACI HS22 V202501")
    assert meta.extra["input"] == "BACI_HS22_V202501.zip" and meta.extra["imported_at"]


def test_semicolon_country_table_of_v202301(tmp_path):
    import_baci(baci_zip(tmp_path / "b.zip", countries=COUNTRIES_V2023, version="V202301"), tmp_path / "out")
    assert set(read(tmp_path / "out").exporter) == {"USA", "CHN", "TWN", "FRA"}


def test_single_csv_uses_shipped_baci_codes_or_a_sibling_table(tmp_path):
    csv = tmp_path / "BACI_HS22_Y2022_V202501.csv"
    csv.write_text(DATA.replace("2022,697,842,848620,4,1.0\n", ""))
    report = import_baci(csv, tmp_path / "out")
    assert "countries.csv" in report.notes[-1]
    assert read(tmp_path / "out").value_usd.sum() == pytest.approx(2_014_626.0)
    (tmp_path / "country_codes_V202501.csv").write_text(COUNTRIES_V2025)
    report = import_baci(csv, tmp_path / "out2")
    assert "country_codes_V202501.csv" in report.notes[-1]


def test_filters_account_for_every_dropped_row(tmp_path):
    report = import_baci(
        baci_zip(tmp_path / "b.zip"),
        tmp_path / "out",
        reporters=("USA", "CHN", "FRA"),
        partners=("CHN", "USA"),
        hs_prefixes=("84", "01"),
    )
    df = read(tmp_path / "out")
    assert sorted(zip(df.exporter, df.importer, df.hs6)) == [
        ("CHN", "USA", "848620"),
        ("FRA", "CHN", "848620"),
        ("USA", "CHN", "010121"),
    ]
    assert report.dropped_rows["exporter not in --reporters"] == 1  # TWN
    assert report.dropped_rows["importer not in --partners"] == 1  # FRA
    assert report.rows_read == report.rows_kept + report.rows_dropped
    assert report.value_read_usd == pytest.approx(report.value_kept_usd + sum(report.dropped_value_usd.values()))


def test_unknown_filter_country_is_an_error(tmp_path):
    from optimizer.errors import DecontrolError

    with pytest.raises(DecontrolError, match="--reporters: XYZ not in the BACI country table"):
        import_baci(baci_zip(tmp_path / "b.zip"), tmp_path / "out", reporters=("XYZ",))


@pytest.mark.parametrize(
    "data, fragment",
    [
        ("t,i,j,k,q\n2022,842,156,10121,NA\n", "missing column(s) v"),
        (
            "t,i,j,k,v,q\n2022,842,156,10121,1.5,NA\n2022,842,156,10129,abc,NA\n",
            "row 3, column v: 'abc' is not a number",
        ),
        ("t,i,j,k,v,q\n2022,842,156,10121,1.5,NA\n2022,842,156,10129,-2,NA\n", "row 3, column v: negative value -2.0"),
        ("t,i,j,k,v,q\n2022,842,999,10121,1.5,NA\n", "row 2, column j: unknown country code 999"),
        (
            "t,i,j,k,v,q\n2022,842,156,777777,1.5,NA\n",
            "row 2, column k: product code 777777 is not in the product code table",
        ),
        ("t,i,j,k,v,q\n2022,842,156,10121,1.5,NA\n22,842,156,10121,1.5,NA\n", "row 3, column t: 22 is not a year"),
        ("", "the file is empty"),
        ("t,i,j,k,v,q\n", "no data rows"),
    ],
)
def test_malformed_members_exit_2_and_write_nothing(cli, tmp_path, data, fragment):
    out = tmp_path / "out"
    out.mkdir()
    (out / "trade.parquet").write_bytes(b"previous import")
    before = snapshot(out)
    code, stdout, stderr = cli("data", "import-baci", str(baci_zip(tmp_path / "b.zip", data=data)), "--out", str(out))
    assert code == 2, stderr
    assert fragment in stderr and "b.zip:BACI_HS22_Y2022_V202501.csv" in stderr
    assert "Traceback" not in stderr
    assert snapshot(out) == before


def test_truncated_and_corrupt_zips_exit_2(cli, tmp_path):
    whole = baci_zip(tmp_path / "b.zip", data="t,i,j,k,v,q\n" + "2022,842,156,10121,1.5,NA\n" * 20000).read_bytes()
    (tmp_path / "truncated.zip").write_bytes(whole[: len(whole) // 2])
    corrupt = bytearray(whole)
    corrupt[300:400] = bytes(b ^ 0xFF for b in corrupt[300:400])
    (tmp_path / "corrupt.zip").write_bytes(bytes(corrupt))
    for name, fragment in (("truncated.zip", "not a readable zip archive"), ("corrupt.zip", "corrupt")):
        code, _, stderr = cli("data", "import-baci", str(tmp_path / name), "--out", str(tmp_path / "out"))
        assert code == 2 and fragment in stderr and name in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_drop_unknown_keeps_going_and_reports(tmp_path):
    data = "t,i,j,k,v,q\n2022,842,156,10121,1.5,NA\n2022,842,999,10121,2,NA\n"
    report = import_baci(baci_zip(tmp_path / "b.zip", data=data), tmp_path / "out", drop_unknown=True)
    assert report.dropped_rows == {"unknown country code (--drop-unknown)": 1}
    assert read(tmp_path / "out").value_usd.tolist() == [1500.0]


def test_countries_outside_decontrols_list_are_dropped_and_named(tmp_path):
    countries = COUNTRIES_V2025 + "20,Andorra,AD,AND\n"
    data = DATA + "2022,20,842,848620,5,\n"
    report = import_baci(baci_zip(tmp_path / "b.zip", data=data, countries=countries), tmp_path / "out")
    assert report.dropped_rows["exporter or importer not in decontrol's countries.csv"] == 1
    assert any("AND" in n for n in report.notes)


def test_imported_directory_loads_as_real_trade(cli, tmp_path):
    code, stdout, _ = cli("data", "import-baci", str(baci_zip(tmp_path / "b.zip")), "--out", str(tmp_path / "out"))
    assert code == 0
    assert "rows read                  6" in stdout and "$2,018,626" in stdout and "equals value kept" in stdout
    code, stdout, _ = cli(
        "data", "import-baci", str(baci_zip(tmp_path / "b.zip")), "--out", str(tmp_path / "o2"), "--format", "json"
    )
    import json

    assert json.loads(stdout)["value_written_usd"] == pytest.approx(2_014_626.0)
