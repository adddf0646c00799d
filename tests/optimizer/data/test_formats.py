"""Every download layout decontrol reads, from fixtures in the exact layouts (tests/fixtures/trade/).

Per format: totals conserved (the value written equals the value the fixture holds minus what the
report says it dropped), units converted (BACI thousand USD -> USD), codes mapped (numeric -> ISO3,
Taiwan's 490 -> TWN, lost leading zeros restored). Against the real shipped countries.csv.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "trade"
COUNTRIES = {"USA", "CHN", "JPN", "DEU", "KOR", "TWN", "NLD", "FRA"}


def read(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "trade.parquet")


def baci_fixture_usd(name: str) -> float:
    """Sum of `v` in a BACI fixture, in USD (v is thousand USD)."""
    df = pd.read_csv(FIXTURES / "baci" / name, dtype={"k": str}, skipinitialspace=True)
    return float(df["v"].sum() * 1000)


def test_baci_zip_v202501_two_years_converts_thousands_and_maps_codes(tmp_path):
    z = tmp_path / "BACI_HS22_V202501.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in (
            "BACI_HS22_Y2022_V202501.csv",
            "BACI_HS22_Y2023_V202501.csv",
            "country_codes_V202501.csv",
            "product_codes_HS22_V202501.csv",
        ):
            zf.write(FIXTURES / "baci" / name, f"BACI_HS22_V202501/{name}")
    from optimizer.data.importers.baci import import_baci

    report = import_baci(z, tmp_path / "out")
    df = read(tmp_path / "out")
    expected = baci_fixture_usd("BACI_HS22_Y2022_V202501.csv") + baci_fixture_usd("BACI_HS22_Y2023_V202501.csv")
    assert df["value_usd"].sum() == pytest.approx(expected, rel=1e-12)  # x 1000, nothing lost
    assert report.value_written_usd == pytest.approx(expected, rel=1e-12) and report.rows_dropped == 0
    assert sorted(df["year"].unique()) == [2022, 2023]
    assert set(df["exporter"]) == COUNTRIES and "490" not in set(df["exporter"])
    assert "010121" in set(df["hs6"])  # 10121 -> 010121
    one = df[(df.year == 2022) & (df.exporter == "USA") & (df.importer == "CHN") & (df.hs6 == "848620")]
    raw = pd.read_csv(FIXTURES / "baci" / "BACI_HS22_Y2022_V202501.csv")
    v = raw[(raw.i == 842) & (raw.j == 156) & (raw.k == 848620)]["v"].iloc[0]
    assert one["value_usd"].iloc[0] == pytest.approx(v * 1000)


def test_baci_v202401b_padded_values_and_zero_padded_codes(tmp_path):
    from optimizer.data.importers.baci import import_baci

    report = import_baci(FIXTURES / "baci" / "BACI_HS22_Y2022_V202401b.csv", tmp_path / "out")
    df = read(tmp_path / "out")
    assert df["value_usd"].sum() == pytest.approx(baci_fixture_usd("BACI_HS22_Y2022_V202401b.csv"), rel=1e-12)
    assert "V202401b" in report.source and set(df["hs6"].str.len()) == {6} and "010121" in set(df["hs6"])
    assert set(df["importer"]) == COUNTRIES


@pytest.mark.parametrize(
    "name, kind",
    [
        ("classic_H5_2019.csv", "classic bulk CSV"),
        ("classic_H5_2019_no_iso.csv", "classic bulk CSV"),
        ("classic_H5_2021_flow_text.csv", "classic bulk CSV"),
        ("comtradeplus_api_H6_2022.csv", "Comtrade+ CSV"),
        ("comtradeplus_api_H6_2022.json", "Comtrade+ API JSON"),
        ("comtradeplus_portal_H6_2022.csv", "Comtrade+ CSV"),
    ],
)
def test_comtrade_layouts_keep_exports_and_imports_and_conserve_value(tmp_path, name, kind):
    from optimizer.data.importers.comtrade import import_comtrade

    encoding = "latin-1" if "portal" in name else "utf-8"
    report = import_comtrade(FIXTURES / "comtrade" / name, tmp_path / "out", encoding=encoding)
    df = read(tmp_path / "out")
    assert kind in report.source
    # the fixture: 8 reporters x 3 codes to World, 7 x 3 to CHN, 3 CHN imports from World (+ mirrors, RX)
    assert len(df.groupby(["exporter", "importer"])) == 8 + 7 + 1 and set(df["exporter"]) - {"WLD"} == COUNTRIES
    if "H5" in name:  # HS 2017: split over HS 2022 codes, labelled
        assert "HS 2017 codes converted to HS 2022" in report.source and len(df) > 48
    else:
        assert len(df) == 48 and "converted to HS 2022" not in report.source
    assert set(df.loc[df.exporter == "WLD", "importer"]) == {"CHN"}  # imports from World kept
    assert "TWN" in set(df["exporter"])  # 490 / S19 -> TWN
    assert report.value_read_usd == pytest.approx(report.value_written_usd + sum(report.dropped_value_usd.values()))
    assert report.dropped_rows.get("re-exports, re-imports and other flows", 0) == (0 if "H6" in name else 3)


def test_comtrade_classic_without_iso_columns_equals_the_file_with_them(tmp_path):
    from optimizer.data.importers.comtrade import import_comtrade

    import_comtrade(FIXTURES / "comtrade" / "classic_H5_2019.csv", tmp_path / "a")
    import_comtrade(FIXTURES / "comtrade" / "classic_H5_2019_no_iso.csv", tmp_path / "b")
    pd.testing.assert_frame_equal(read(tmp_path / "a"), read(tmp_path / "b"))


def test_comtrade_portal_csv_in_utf8_reads_without_a_flag(tmp_path):
    from optimizer.data.importers.comtrade import import_comtrade

    latin = FIXTURES / "comtrade" / "comtradeplus_portal_H6_2022.csv"
    utf8 = tmp_path / "TradeData_utf8.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + latin.read_bytes().decode("latin-1").encode("utf-8"))  # with a BOM
    import_comtrade(utf8, tmp_path / "a")
    import_comtrade(latin, tmp_path / "b", encoding="latin-1")
    pd.testing.assert_frame_equal(read(tmp_path / "a"), read(tmp_path / "b"))


def test_comtrade_portal_csv_in_latin1_is_refused_without_the_encoding_flag(cli, tmp_path):
    code, out, err = cli(
        "data",
        "import-comtrade",
        str(FIXTURES / "comtrade" / "comtradeplus_portal_H6_2022.csv"),
        "--out",
        str(tmp_path / "out"),
    )
    assert code == 2 and "row 2, field 22: byte 0xe9 is not UTF-8" in err and "--encoding latin-1" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "name, flow, rows",
    [
        ("exports_hs6_2023.json", "export", 3 * 3 + 1),
        ("exports_hs6_2023_raw.csv", "export", 3 * 3 + 1),
        ("imports_hs6_2023.json", "import", 3 * 3),
        ("imports_hs6_2023_pandas.csv", "import", 3 * 3),
    ],
)
def test_census_json_and_the_csv_clients_save_it_as(tmp_path, name, flow, rows):
    from optimizer.data.importers.census import import_census

    report = import_census(FIXTURES / "census" / name, tmp_path / "out")
    df = read(tmp_path / "out")
    assert len(df) == rows and set(df["year"]) == {2023}  # 12 months summed
    side = df["exporter"] if flow == "export" else df["importer"]
    assert set(side) == {"USA"}
    partners = set(df["importer"] if flow == "export" else df["exporter"])
    assert partners - {"WLD"} == {"CHN", "JPN", "DEU"}
    assert report.value_written_usd == pytest.approx(report.value_read_usd)


def test_census_json_and_its_csv_copies_agree(tmp_path):
    from optimizer.data.importers.census import import_census

    import_census(FIXTURES / "census" / "imports_hs6_2023.json", tmp_path / "a")
    import_census(FIXTURES / "census" / "imports_hs6_2023_pandas.csv", tmp_path / "b")
    pd.testing.assert_frame_equal(read(tmp_path / "a"), read(tmp_path / "b"))


@pytest.mark.parametrize(
    "command, fixture, fragment",
    [
        ("import-comtrade", "baci/BACI_HS22_Y2022_V202501.csv", "CEPII BACI file (use `decontrol data import-baci`)"),
        ("import-comtrade", "census/imports_hs6_2023.json", "US Census trade API layout"),
        ("import-census", "comtrade/comtradeplus_api_H6_2022.json", "Comtrade+ API JSON"),
        ("import-census", "baci/BACI_HS22_Y2022_V202501.csv", "CEPII BACI file"),
        (
            "import-baci",
            "comtrade/comtradeplus_api_H6_2022.csv",
            "UN Comtrade file (use `decontrol data import-comtrade`)",
        ),
        ("import-baci", "census/imports_hs6_2023_pandas.csv", "US Census trade API file"),
    ],
)
def test_a_file_of_another_format_is_named_with_the_formats_read(cli, tmp_path, command, fixture, fragment):
    code, out, err = cli("data", command, str(FIXTURES / fixture), "--out", str(tmp_path / "out"))
    assert code == 2 and fragment in err and "reads" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


# --- malformed values: exit 2 naming file, row and column; the data directory byte-identical -------------


def snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _baci_csv(tmp_path: Path, rows: list[str], name: str = "BACI_HS22_Y2022_V202501.csv") -> Path:
    p = tmp_path / name
    p.write_text("t,i,j,k,v,q\n" + "\n".join(rows) + "\n")
    return p


def _comtrade(tmp_path: Path, value: str) -> Path:
    return _comtrade_cell(tmp_path, "primaryValue", value)


def _comtrade_cell(tmp_path: Path, column: str, value: str) -> Path:
    """The Comtrade+ API CSV fixture's first two rows, with one cell of the second row replaced."""
    src = (FIXTURES / "comtrade" / "comtradeplus_api_H6_2022.csv").read_text().splitlines()
    rows = list(csv.reader(src[:3]))
    col = rows[0].index(column)
    rows[2][col] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    p = tmp_path / "bad.csv"
    p.write_text(buf.getvalue())
    return p


def _zip(tmp_path: Path, *, method=zipfile.ZIP_DEFLATED, size: int | None = None, encrypted: bool = False) -> Path:
    p = tmp_path / "BACI_HS22_V202501.zip"
    body = (FIXTURES / "baci" / "BACI_HS22_Y2022_V202501.csv").read_bytes()
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("BACI_HS22_Y2022_V202501.csv", body)
    if method != zipfile.ZIP_DEFLATED or size or encrypted:
        raw = bytearray(p.read_bytes())
        # patch the local and central headers: flag bits (offset 6/8), method (8/10), size (22/24)
        for sig, flag_at, method_at, size_at in ((b"PK\x03\x04", 6, 8, 22), (b"PK\x01\x02", 8, 10, 24)):
            at = raw.find(sig)
            if encrypted:
                raw[at + flag_at] |= 0x1
            if method != zipfile.ZIP_DEFLATED:
                raw[at + method_at : at + method_at + 2] = int(method).to_bytes(2, "little")
            if size:
                raw[at + size_at : at + size_at + 4] = size.to_bytes(4, "little")
        p.write_bytes(bytes(raw))
    return p


MALFORMED = [
    (
        "import-baci",
        lambda t: _baci_csv(t, ["2022,842,156,848620,inf,1"]),
        "row 2, column v: inf is not a finite number",
    ),
    (
        "import-baci",
        lambda t: _baci_csv(t, ["2022,842,156,848620,1e306,1"]),
        "row 2, column v: 1e+306 thousand USD is an implausible",
    ),
    (
        "import-baci",
        lambda t: _baci_csv(t, ["2022,842,156,848620,1,1", '2022,842,156,848620,"12,5",1']),
        "row 3, column v: '12,5' has a decimal comma",
    ),
    ("import-baci", lambda t: _baci_csv(t, ["2022,-842,156,848620,1,1"]), "row 2, column i: unknown country code -842"),
    (
        "import-baci",
        lambda t: (
            _baci_csv(t, ["2022,842,156,848620,1,1"]),
            (t / "country_codes_V202501.csv").write_text(
                "country_code,country_name,country_iso2,country_iso3\n-842,USA,US,USA\n156,China,CN,CHN\n"
            ),
        )[0],
        "row 2, column country_code: '-842'",
    ),
    (
        "import-baci",
        lambda t: (
            _baci_csv(t, ["2022,842,156,848620,1,1"]),
            (t / "country_codes_V202501.csv").write_text(
                "country_code,country_name,country_iso2,country_iso3\n842,USA,US,USA\n99999999,China,CN,CHN\n"
            ),
        )[0],
        "row 3, column country_code: '99999999'",
    ),
    ("import-baci", lambda t: _zip(t, encrypted=True), "the member is encrypted"),
    ("import-baci", lambda t: _zip(t, method=99), "compression method 99 is not supported"),
    ("import-baci", lambda t: _zip(t, size=0xFFFFFFFF), "refused as a possible zip bomb"),
    (
        "import-comtrade",
        lambda t: _comtrade_cell(t, "reporterCode", "-842"),
        "row 3, column reporterCode: country code '-842' is not a UN numeric code (0-999)",
    ),
    (
        "import-comtrade",
        lambda t: _comtrade_cell(t, "partnerCode", "156000"),
        "row 3, column partnerCode: country code '156000' is not a UN numeric code",
    ),
    ("import-comtrade", lambda t: _comtrade(t, "1234,56"), "row 3, column value: '1234,56' has a decimal comma"),
    ("import-comtrade", lambda t: _comtrade(t, "1.234,56"), "row 3, column value: '1.234,56' has a decimal comma"),
    ("import-comtrade", lambda t: _comtrade(t, "inf"), "row 3, column value: 'inf' is not a finite number"),
    ("import-comtrade", lambda t: _comtrade(t, "NaN"), "row 3, column value: 'NaN' is not a number"),
    ("import-comtrade", lambda t: _comtrade(t, "1e306"), "row 3, column value: '1e306' is an implausible value"),
    (
        "import-comtrade",
        lambda t: (t / "x.json").write_text('{"data": ' + "[" * 50 + "]" * 50 + "}") and t / "x.json",
        "JSON nested more than 8 levels deep",
    ),
    (
        "import-comtrade",
        lambda t: (t / "x.json").write_text('{"data": [{"refYear": {"a": 1}}]}') and t / "x.json",
        "nested value",
    ),
    (
        "import-census",
        lambda t: (t / "c.json").write_text("[" * 100000 + "]" * 100000) and t / "c.json",
        "JSON nested more than 8 levels deep",
    ),
    (
        "import-census",
        lambda t: (
            (t / "c.csv").write_bytes(
                b"CTY_CODE,CTY_NAME,I_COMMODITY,GEN_VAL_MO,time\n5700,CHINA,848620,100,2023-01\n5700,CH\xffNA,848620,1,2023-02\n"
            )
            and t / "c.csv"
        ),
        "row 3, field 2: byte 0xff is not UTF-8",
    ),
]


@pytest.mark.parametrize("command, make, fragment", MALFORMED, ids=[f"{c}-{f[:30]}" for c, _, f in MALFORMED])
def test_malformed_input_exits_2_naming_the_cell_and_leaves_the_directory_byte_identical(
    cli, tmp_path, command, make, fragment
):
    out = tmp_path / "data"
    from optimizer.data.importers.baci import import_baci

    import_baci(FIXTURES / "baci" / "BACI_HS22_Y2022_V202401b.csv", out)  # a directory with data in it
    before = snapshot(out)
    src = tmp_path / "src"
    src.mkdir()
    path = make(src)
    code, _, err = cli("data", command, str(path), "--out", str(out))
    assert code == 2, err
    assert fragment in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert snapshot(out) == before


# --- HS revisions ----------------------------------------------------------------------------------


def test_baci_hs17_is_converted_to_hs22_conserving_totals_and_labelled(tmp_path):
    from optimizer.data.hs_revisions import hs17_weights
    from optimizer.data.importers.baci import import_baci

    report = import_baci(FIXTURES / "baci" / "BACI_HS17_Y2021_V202401b.csv", tmp_path / "out")
    df = read(tmp_path / "out")
    raw = pd.read_csv(FIXTURES / "baci" / "BACI_HS17_Y2021_V202401b.csv", dtype={"k": str}, skipinitialspace=True)
    assert df["value_usd"].sum() == pytest.approx(raw["v"].sum() * 1000, rel=1e-12)
    assert "880330" not in set(df["hs6"]) and "880730" in set(df["hs6"])  # HS 2017 parts of aircraft -> 8807
    w = hs17_weights()
    share = w.weights[
        w.starts[list(w.from_codes).index(880330)]
        + list(w.to_codes[w.starts[list(w.from_codes).index(880330)] :][:8]).index(880730)
    ]
    usa_chn = raw[(raw.i == 842) & (raw.j == 156) & (raw.k == "880330")]["v"].iloc[0] * 1000
    got = df[(df.exporter == "USA") & (df.importer == "CHN") & (df.hs6 == "880730")]["value_usd"].iloc[0]
    assert got == pytest.approx(usa_chn * share)
    assert "HS 2017 codes converted to HS 2022" in report.source
    per_code = df.groupby("hs6")["value_usd"].sum()
    assert per_code["845811"] == pytest.approx(raw[raw.k == "845811"]["v"].sum() * 1000 * 0.9884579165279872, rel=1e-9)


def test_hs17_conversion_label_reaches_the_figures(tmp_path):
    from optimizer.data.importers.baci import import_baci
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    import_baci(FIXTURES / "baci" / "BACI_HS17_Y2021_V202401b.csv", tmp_path / "out")
    ds = load_dataset(tmp_path / "out")
    table = build_item_table(ds, "CHN")
    assert ds.trade_synthetic is False and "converted to HS 2022" in ds.trade_source
    assert table["source"].str.contains("converted to HS 2022").all()
    assert table.loc[table["eccn"] == "9A991", "value_usd"].notna().all()  # 880730 is an HS 2022-only code


def test_baci_hs12_is_kept_unconverted_and_says_so(tmp_path):
    from optimizer.data.importers.baci import import_baci

    report = import_baci(FIXTURES / "baci" / "BACI_HS12_Y2019_V202401b.csv", tmp_path / "out")
    assert "HS 2012 codes kept as reported, NOT converted" in report.source
    assert read(tmp_path / "out")["value_usd"].sum() == pytest.approx(baci_fixture_usd("BACI_HS12_Y2019_V202401b.csv"))


def test_census_2017_to_2021_is_converted_and_earlier_years_labelled(tmp_path):
    from optimizer.data.importers.census import import_census

    rows = [["CTY_CODE", "CTY_NAME", "I_COMMODITY", "GEN_VAL_MO", "time"]]
    for year in (2016, 2021):
        rows += [["5700", "CHINA", "880330", "1000", f"{year}-{m:02d}"] for m in range(1, 13)]
    p = tmp_path / "c.json"
    p.write_text(json.dumps(rows))
    report = import_census(p, tmp_path / "out")
    df = read(tmp_path / "out")
    assert set(df.loc[df.year == 2016, "hs6"]) == {"880330"}  # HS 2012: not converted
    assert "880730" in set(df.loc[df.year == 2021, "hs6"])
    assert df.groupby("year")["value_usd"].sum().tolist() == pytest.approx([12000.0, 12000.0])
    assert "2016: HS 2012 codes kept as reported" in report.source and "converted to HS 2022" in report.source


def test_a_real_zip_bomb_member_is_refused_before_it_is_inflated(cli, tmp_path):
    """80 MB of one repeated row compresses ~1000:1: refused from the zip directory, nothing inflated."""
    import resource

    z = tmp_path / "BACI_HS22_V202501.zip"
    row = b"2022,842,156,848620,1.000,1.000\n"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("BACI_HS22_Y2022_V202501.csv", "w") as fh:
        fh.write(b"t,i,j,k,v,q\n")
        block = row * (1 << 15)
        for _ in range((80 << 20) // len(block)):
            fh.write(block)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code, _, err = cli("data", "import-baci", str(z), "--out", str(tmp_path / "out"))
    assert code == 2 and "refused as a possible zip bomb" in err
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KiB: nothing inflated
    assert not (tmp_path / "out").exists()
