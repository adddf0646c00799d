"""Comtrade importer: classic bulk and API layouts, flow mapping, mirrors, accounting, malformed input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.data.importers.comtrade import import_comtrade
from tests.optimizer.data.importers.conftest import snapshot

CLASSIC_HEADER = (
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,"
    "Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,"
    "2nd Partner ISO,Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,"
    "Commodity,Qty Unit Code,Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),"
    "Gross weight (kg),Trade Value (US$),CIF Trade Value (US$),FOB Trade Value (US$),Flag"
)


def classic_row(flow_code, flow, rep_code, rep, rep_iso, par_code, par, par_iso, commodity, value, year=2019, level=6):
    return (
        f'H6,{year},{year},{year},{level},1,{flow_code},{flow},{rep_code},"{rep}",{rep_iso},{par_code},"{par}",{par_iso},'
        f',,,,,,,{commodity},"Machines, semiconductor",1,No Quantity,0,,,,100,,{value},,,0'
    )


CLASSIC_ROWS = [
    classic_row(2, "Export", 392, "Japan", "JPN", 0, "World", "WLD", "848620", 9_000_000_000),
    classic_row(1, "Import", 156, "China", "CHN", 0, "World", "WLD", "848620", 14_000_000_000),
    classic_row(2, "Export", 490, "Other Asia, nes", "", 0, "World", "WLD", "848620", 500_000_000),
    classic_row(2, "Export", 842, "USA", "USA", 156, "China", "CHN", "848620", 2_000_000_000),
    classic_row(1, "Import", 156, "China", "CHN", 842, "USA", "USA", "848620", 2_100_000_000),  # mirror
    classic_row(1, "Import", 156, "China", "CHN", 392, "Japan", "JPN", "848620", 3_000_000_000),
    classic_row(3, "Re-Export", 842, "USA", "USA", 0, "World", "WLD", "848620", 70_000_000),
    classic_row(4, "Re-Import", 842, "USA", "USA", 0, "World", "WLD", "848620", 5_000_000),
    classic_row(2, "Export", 842, "USA", "USA", 0, "World", "WLD", "8486", 99_000_000_000, level=4),
    classic_row(2, "Export", 251, "France", "FRA", 0, "World", "WLD", "10121", 1_000),  # lost leading zero
]


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_classic_layout_maps_flows_and_accounts_for_everything(tmp_path):
    report = import_comtrade(write(tmp_path / "c.csv", CLASSIC_HEADER, CLASSIC_ROWS), tmp_path / "out")
    df = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    got = {(r.exporter, r.importer, r.hs6): r.value_usd for r in df.itertuples()}
    assert got == {
        ("JPN", "WLD", "848620"): 9e9,  # export to World: reporter -> WLD
        ("WLD", "CHN", "848620"): 14e9,  # import from World: WLD -> reporter
        ("TWN", "WLD", "848620"): 5e8,  # blank ISO, code 490 -> Taiwan
        ("USA", "CHN", "848620"): 2e9,  # the exporter's report wins over the mirror import
        ("JPN", "CHN", "848620"): 3e9,  # import: partner -> reporter
        ("FRA", "WLD", "010121"): 1e3,
    }
    assert report.dropped_rows == {
        "re-exports, re-imports and other flows": 2,
        "not a 6-digit HS code (totals and chapters)": 1,
        "importer-reported mirror of a flow the exporter also reports (export kept)": 1,
    }
    assert (
        report.dropped_value_usd["importer-reported mirror of a flow the exporter also reports (export kept)"] == 2.1e9
    )
    assert report.rows_read == 10 == report.rows_kept + report.rows_dropped
    assert df.value_usd.sum() == pytest.approx(report.value_kept_usd)
    assert report.value_read_usd == pytest.approx(report.value_kept_usd + sum(report.dropped_value_usd.values()))
    assert "H6" in report.source and any("re-exports" in n for n in report.notes)


API_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,"
    "flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,"
    "cmdCode,cmdDesc,aggrLevel,customsCode,motCode,netWgt,primaryValue"
)


def api_row(rep_code, rep_iso, flow, par_code, par_iso, cmd, value, partner2=0, customs="C00", mot=0):
    return (
        f"C,A,20220101,2022,52,2022,{rep_code},{rep_iso},x,{flow},x,{par_code},{par_iso},x,{partner2},W00,World,"
        f"HS,{cmd},x,6,{customs},{mot},1,{value}"
    )


def test_api_layout_keeps_totals_not_breakdowns(tmp_path):
    rows = [
        api_row(410, "KOR", "X", 156, "CHN", "854231", 1000.5),
        api_row(410, "KOR", "X", 156, "CHN", "854231", 600, mot=1000),  # breakdown by transport mode
        api_row(410, "KOR", "X", 156, "CHN", "854231", 400, customs="C01"),  # breakdown by customs procedure
        api_row(156, "CHN", "M", 0, "W00", "854231", 5000),  # World partner in the API is W00 / 0
        api_row(156, "CHN", "RM", 0, "W00", "854231", 50),
        api_row(156, "CHN", "M", 410, "KOR", "TOTAL", 70000),
    ]
    report = import_comtrade(write(tmp_path / "api.csv", API_HEADER, rows), tmp_path / "out")
    df = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    assert sorted(zip(df.exporter, df.importer, df.value_usd)) == [("KOR", "CHN", 1000.5), ("WLD", "CHN", 5000.0)]
    assert (
        report.dropped_rows["breakdown rows (2nd partner, customs procedure or transport mode): their total is kept"]
        == 2
    )
    assert report.value_read_usd == pytest.approx(77050.5)
    assert "Comtrade+ CSV" in report.source


@pytest.mark.parametrize(
    "rows, fragment",
    [
        ([CLASSIC_ROWS[0].replace("9000000000", "n/a")], "row 2, column value: 'n/a' is not a number"),
        ([CLASSIC_ROWS[1], CLASSIC_ROWS[0].replace("9000000000", "-5")], "row 3, column value: negative value '-5'"),
        (
            [classic_row(2, "Export", 777, "Atlantis", "", 156, "China", "CHN", "848620", 1)],
            "row 2, column Reporter Code: unknown country code '777'",
        ),
    ],
)
def test_malformed_rows_exit_2_naming_row_and_column(cli, tmp_path, rows, fragment):
    out = tmp_path / "out"
    code, _, stderr = cli(
        "data", "import-comtrade", str(write(tmp_path / "c.csv", CLASSIC_HEADER, rows)), "--out", str(out)
    )
    assert code == 2 and fragment in stderr, stderr
    assert snapshot(out) == {}


def test_missing_column_and_empty_file(cli, tmp_path):
    header = CLASSIC_HEADER.replace("Trade Value (US$),", "")
    code, _, stderr = cli(
        "data", "import-comtrade", str(write(tmp_path / "c.csv", header, [])), "--out", str(tmp_path / "o")
    )
    assert code == 2 and "missing column(s) Trade Value (US$)" in stderr
    (tmp_path / "empty.csv").write_text("")
    code, _, stderr = cli("data", "import-comtrade", str(tmp_path / "empty.csv"), "--out", str(tmp_path / "o"))
    assert code == 2 and "the file is empty" in stderr
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------- mirror trade (both reporters)
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "trade" / "comtrade"


def test_both_reports_of_every_bilateral_flow_go_to_the_mirror_table(tmp_path):
    """The API fixture: USA/JPN/DEU/... export to China and China reports importing from each."""
    report = import_comtrade(FIXTURES / "comtradeplus_api_H6_2022.csv", tmp_path)
    mirror = pd.read_parquet(tmp_path / "mirror_trade.parquet")
    trade = pd.read_parquet(tmp_path / "trade.parquet")
    bilateral = trade[(trade["exporter"] != "WLD") & (trade["importer"] != "WLD")]
    assert "WLD" not in set(mirror["exporter"]) | set(mirror["importer"])  # a world total has no mirror
    assert len(mirror) == 2 * len(bilateral) > 0  # every export to China here has China's mirror import
    assert set(mirror["reporter"]) == {"exporter", "importer"}
    usa = mirror[(mirror["exporter"] == "USA") & (mirror["importer"] == "CHN") & (mirror["hs6"] == "848620")]
    assert dict(zip(usa["reporter"], usa["value_usd"])) == {"exporter": 5684584.0, "importer": 5968813.0}
    assert set(usa["quantity_kg"]) == {100.0}
    assert any("both sides" in n and "mirror_trade.parquet" in n for n in report.notes)
    from optimizer.data.trade_file import read_trade_meta

    meta = read_trade_meta(tmp_path / "mirror_trade.parquet")
    assert not meta.synthetic and "UN Comtrade" in meta.source and "both reporters" in meta.source


def test_an_imported_mirror_table_replaces_the_synthetic_one_in_the_dataset(tmp_path):
    from optimizer.data.load import load_dataset

    import_comtrade(FIXTURES / "comtradeplus_api_H6_2022.csv", tmp_path)
    ds = load_dataset(tmp_path)
    written = pd.read_parquet(tmp_path / "mirror_trade.parquet")
    assert not ds.provenance["mirror_trade"].synthetic and len(ds.mirror_trade) == len(written)


def test_a_conflicting_mirror_row_writes_neither_table(tmp_path):
    import_comtrade(FIXTURES / "comtradeplus_api_H6_2022.csv", tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.glob("*.parquet")}
    src = (FIXTURES / "comtradeplus_api_H6_2022.csv").read_text(encoding="utf-8")
    changed = tmp_path / "changed.csv"
    changed.write_text(src.replace("5968813", "5968999"), encoding="utf-8")  # China's import from the USA
    with pytest.raises(Exception, match="another value"):
        import_comtrade(changed, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.parquet")} == before
