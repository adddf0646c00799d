"""Census importer: API JSON and CSV, monthly -> annual, HS10 -> HS6, Schedule C codes, malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data.importers.census import import_census
from optimizer.data.importers.census_countries import SCHEDULE_C
from tests.optimizer.data.importers.conftest import snapshot


def months(year: int, n: int = 12) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, n + 1)]


def export_rows() -> list[list[str]]:
    rows = [["CTY_CODE", "CTY_NAME", "E_COMMODITY", "ALL_VAL_MO", "COMM_LVL", "time"]]
    for t in months(2023):
        rows += [
            ["5700", "CHINA", "8486200000", "100", "HS10", t],
            ["5700", "CHINA", "8486200090", "11", "HS10", t],  # two HS10 lines of one HS6
            ["5700", "CHINA", "8486", "999", "HS4", t],  # a heading total: would double count
            ["-", "TOTAL FOR ALL COUNTRIES", "8486200000", "1000", "HS10", t],
            ["0003", "EUROPEAN UNION", "8486200000", "40", "HS10", t],
            ["4XXX", "EUROPE", "8486200000", "45", "HS10", t],
            ["5880", "JAPAN", "0101210000", "3", "HS10", t],
        ]
    rows += [["5700", "CHINA", "8486200000", "7", "HS10", t] for t in months(2024, 6)]
    return rows


def write_json(path: Path, rows) -> Path:
    path.write_text(json.dumps(rows))
    return path


def test_json_exports_sum_months_truncate_hs10_and_keep_complete_years(tmp_path):
    report = import_census(write_json(tmp_path / "exports.json", export_rows()), tmp_path / "out")
    df = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    got = {(r.year, r.exporter, r.importer, r.hs6): r.value_usd for r in df.itertuples()}
    assert got == {
        (2023, "USA", "CHN", "848620"): 12 * 111.0,
        (2023, "USA", "WLD", "848620"): 12 * 1000.0,
        (2023, "USA", "EUU", "848620"): 12 * 40.0,
        (2023, "USA", "JPN", "010121"): 12 * 3.0,
    }
    reasons = report.dropped_rows
    assert (
        reasons["commodity rows at other levels than HS10 (totals, chapters, headings: kept rows add up to them)"] == 12
    )
    assert reasons["Census country groups (continents, OECD, APEC, ...): members are rows"] == 12
    assert reasons["incomplete year 2024 (months 1-6; --partial-years keeps it)"] == 6
    assert report.value_written_usd == pytest.approx(12 * 1154.0) == report.value_kept_usd
    assert report.value_read_usd == pytest.approx(report.value_kept_usd + sum(report.dropped_value_usd.values()))
    assert "total exports" in report.source


def test_partial_years_flag_keeps_and_labels_them(tmp_path):
    report = import_census(write_json(tmp_path / "e.json", export_rows()), tmp_path / "out", partial_years=True)
    df = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    assert df.loc[df.year == 2024, "value_usd"].tolist() == [42.0]
    assert any("2024 is a PARTIAL year: months 1-6" in n for n in report.notes)


def test_csv_imports_with_lost_leading_zeros(tmp_path):
    lines = ["CTY_CODE,CTY_NAME,I_COMMODITY,GEN_VAL_MO,YEAR,MONTH"]
    for m in range(1, 13):
        lines += [
            f"5830,TAIWAN,854231,{1000 + m},2022,{m}",
            f"3,EUROPEAN UNION,10121,5,2022,{m}",
        ]  # Excel dropped the zeros: 0003, 010121
    path = tmp_path / "imports.csv"
    path.write_text("\n".join(lines) + "\n")
    report = import_census(path, tmp_path / "out")
    df = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    got = {(r.exporter, r.importer, r.hs6): r.value_usd for r in df.itertuples()}
    assert got == {("TWN", "USA", "854231"): 12 * 1000 + 78, ("EUU", "USA", "010121"): 60.0}
    assert "general imports" in report.source


def test_year_to_date_values_use_december(tmp_path):
    rows = [["CTY_CODE", "CTY_NAME", "E_COMMODITY", "ALL_VAL_YR", "time"]]
    rows += [["5800", "KOREA, SOUTH", "854231", str(100 * m), f"2023-{m:02d}"] for m in range(1, 13)]
    report = import_census(write_json(tmp_path / "ytd.json", rows), tmp_path / "out")
    df = pd.read_parquet(tmp_path / "out" / "trade.parquet")
    assert df.value_usd.tolist() == [1200.0] and df.importer.tolist() == ["KOR"]
    assert report.rows_kept == 1


def test_schedule_c_covers_the_focus_partners():
    assert {
        SCHEDULE_C[c] for c in ("5700", "5880", "4120", "6021", "4210", "4280", "5800", "5830", "1220", "2010")
    } == {"CHN", "JPN", "GBR", "AUS", "NLD", "DEU", "KOR", "TWN", "CAN", "MEX"}
    assert len(SCHEDULE_C) > 150 and len(set(SCHEDULE_C.values())) == len(SCHEDULE_C)


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda r: r[1].__setitem__(3, "12a"), "row 2, column ALL_VAL_MO: '12a' is not a number"),
        (lambda r: r[2].__setitem__(3, "-4"), "row 3, column ALL_VAL_MO: negative value '-4'"),
        (lambda r: r[1].__setitem__(0, "9999"), "row 2, column CTY_CODE: unknown Census country code '9999'"),
        (lambda r: [row.pop(3) for row in r], "missing value column (ALL_VAL_MO or ALL_VAL_YR)"),
        (lambda r: r[3].__setitem__(5, "2023-13"), "row 4, column time: month 13 is not 1-12"),
    ],
)
def test_malformed_json_exits_2_and_writes_nothing(cli, tmp_path, mutate, fragment):
    rows = export_rows()
    mutate(rows)
    out = tmp_path / "out"
    code, _, stderr = cli("data", "import-census", str(write_json(tmp_path / "e.json", rows)), "--out", str(out))
    assert code == 2 and fragment in stderr, stderr
    assert snapshot(out) == {}


def test_truncated_and_empty_files(cli, tmp_path):
    text = json.dumps(export_rows())
    (tmp_path / "cut.json").write_text(text[: len(text) // 2])
    code, _, stderr = cli("data", "import-census", str(tmp_path / "cut.json"), "--out", str(tmp_path / "o"))
    assert code == 2 and "not valid JSON" in stderr and "truncated" in stderr
    (tmp_path / "empty.json").write_text("  \n")
    code, _, stderr = cli("data", "import-census", str(tmp_path / "empty.json"), "--out", str(tmp_path / "o"))
    assert code == 2 and "the file is empty" in stderr
    assert not (tmp_path / "o").exists()
