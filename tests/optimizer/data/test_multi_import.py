"""Several imports into one data directory add up; a disagreeing overlap is refused or, with --replace, replaced."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data.trade_file import read_trade_meta

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "trade"


def snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _total(d: Path) -> float:
    return float(pd.read_parquet(d / "trade.parquet")["value_usd"].sum())


def test_other_years_reporters_and_sources_add_up_with_per_source_provenance(cli, tmp_path):
    d = tmp_path / "data"
    steps = [
        ("import-baci", "baci/BACI_HS22_Y2022_V202501.csv"),
        ("import-census", "census/imports_hs6_2023.json"),
        ("import-comtrade", "comtrade/classic_H5_2019.csv"),
    ]
    singles = []
    for n, (command, fixture) in enumerate(steps):
        code, _, err = cli("data", command, str(FIXTURES / fixture), "--out", str(tmp_path / f"alone{n}"))
        assert code == 0, err
        singles.append(pd.read_parquet(tmp_path / f"alone{n}" / "trade.parquet"))
        code, _, err = cli("data", command, str(FIXTURES / fixture), "--out", str(d))
        assert code == 0, err
    both = pd.read_parquet(d / "trade.parquet")
    keys = ["year", "exporter", "importer", "hs6"]
    union = pd.concat(singles).sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(both.sort_values(keys, ignore_index=True), union, check_dtype=False)
    sources = json.loads(read_trade_meta(d / "trade.parquet").extra["sources"])
    assert [s["input"] for s in sources] == [Path(f).name for _, f in steps]
    assert [s["years"] for s in sources] == [[2022], [2023], [2019]]
    code, out, err = cli("data", "info", str(d))
    assert code == 0 and "trade imports (3), each with its own provenance" in out
    assert "US Census Bureau" in out and "CEPII BACI" in out and "UN Comtrade" in out


def test_a_real_disagreement_between_sources_is_refused(cli, tmp_path):
    """BACI's 2023 CHN -> USA flows (reconciled CIF/FOB) differ from Census's general imports."""
    d = tmp_path / "data"
    assert cli("data", "import-baci", str(FIXTURES / "baci" / "BACI_HS22_Y2023_V202501.csv"), "--out", str(d))[0] == 0
    before = snapshot(d)
    code, out, err = cli("data", "import-census", str(FIXTURES / "census" / "imports_hs6_2023.json"), "--out", str(d))
    assert code == 2 and "9 row(s) overlap" in err and "from BACI_HS22_Y2023_V202501.csv" in err
    assert snapshot(d) == before


def _census_variant(tmp_path: Path, factor: float) -> Path:
    rows = json.loads((FIXTURES / "census" / "imports_hs6_2023.json").read_text())
    for r in rows[1:]:
        r[3] = str(round(int(r[3]) * factor))
    p = tmp_path / f"imports_x{factor}.json"
    p.write_text(json.dumps(rows))
    return p


def test_identical_reimport_changes_nothing(cli, tmp_path):
    d = tmp_path / "data"
    assert cli("data", "import-census", str(FIXTURES / "census" / "imports_hs6_2023.json"), "--out", str(d))[0] == 0
    before = snapshot(d)
    code, out, err = cli("data", "import-census", str(FIXTURES / "census" / "imports_hs6_2023.json"), "--out", str(d))
    assert code == 0 and "nothing changed" in out
    assert snapshot(d) == before


def test_a_disagreeing_overlap_is_refused_naming_the_rows_and_nothing_is_written(cli, tmp_path):
    d = tmp_path / "data"
    assert cli("data", "import-census", str(FIXTURES / "census" / "imports_hs6_2023.json"), "--out", str(d))[0] == 0
    before = snapshot(d)
    code, out, err = cli("data", "import-census", str(_census_variant(tmp_path, 2.0)), "--out", str(d))
    assert code == 2
    assert "9 row(s) overlap the data already in" in err and "--replace" in err
    assert "2023 CHN -> USA HS 845811" in err and "imports_hs6_2023.json" in err
    assert snapshot(d) == before


def test_replace_swaps_the_overlapping_rows_and_keeps_the_rest(cli, tmp_path):
    d = tmp_path / "data"
    assert cli("data", "import-baci", str(FIXTURES / "baci" / "BACI_HS22_Y2022_V202501.csv"), "--out", str(d))[0] == 0
    assert cli("data", "import-census", str(FIXTURES / "census" / "imports_hs6_2023.json"), "--out", str(d))[0] == 0
    baci_2022 = float(pd.read_parquet(d / "trade.parquet").query("year == 2022")["value_usd"].sum())
    code, out, err = cli("data", "import-census", str(_census_variant(tmp_path, 2.0)), "--out", str(d), "--replace")
    assert code == 0, err
    assert "--replace: 9 row(s) already in the directory replaced" in out
    df = pd.read_parquet(d / "trade.parquet")
    doubled = pd.read_parquet(d / "trade.parquet").query("year == 2023")["value_usd"].sum()
    single = _single(tmp_path, FIXTURES / "census" / "imports_hs6_2023.json")
    assert doubled == pytest.approx(2 * single, rel=1e-6)
    assert df.query("year == 2022")["value_usd"].sum() == pytest.approx(baci_2022)  # other rows untouched


def _single(tmp_path: Path, path: Path) -> float:
    from optimizer.data.importers.census import import_census

    import_census(path, tmp_path / "single")
    return _total(tmp_path / "single")


def test_an_import_never_mixes_with_a_synthetic_layer(cli, tmp_path):
    from optimizer.data.trade_file import write_trade_parquet

    d = tmp_path / "data"
    write_trade_parquet(
        pd.DataFrame({"year": [2022], "exporter": ["USA"], "importer": ["CHN"], "hs6": ["848620"], "value_usd": [1.0]}),
        d,
        source="synthetic demo",
        synthetic=True,
    )
    before = snapshot(d)
    code, out, err = cli("data", "import-census", str(FIXTURES / "census" / "imports_hs6_2023.json"), "--out", str(d))
    assert code == 2 and "synthetic trade layer" in err
    assert snapshot(d) == before
