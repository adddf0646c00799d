"""load_dataset: overlay semantics, typing, provenance, caching, errors."""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from optimizer.data.load import load_dataset
from optimizer.data.schema import TABLES
from optimizer.errors import DataValidationError, DecontrolError
from tests.optimizer.data.conftest import trade_frame, write_dir


def test_every_table_is_typed(shipped):
    ds = load_dataset(shipped_dir=shipped)
    assert ds.hs6["hs6"].tolist()[0] == "010121"
    assert ds.hs2["hs2"].tolist()[0] == "01"
    assert ds.ccl["category"].dtype == "int64"
    assert ds.ccl["military"].dtype == bool and not ds.ccl["military"].any()
    assert ds.ccl["has_reasons"].all()
    assert ds.trade["year"].dtype == "int64"
    assert ds.trade["value_usd"].dtype == "float64"
    assert ds.partner_totals["balance_usd"].iloc[0] == -279_400_000_000.0
    assert ds.countries.loc[ds.countries.iso3 == "WLD", "baci_code"].isna().all()
    assert ds.countries["baci_code"].dtype == "Int64"
    assert ds.concordance["controlled_share"].dtype == "float64"
    for name, spec in TABLES.items():
        assert [c.name for c in spec.columns] == list(ds.table(name).columns)[: len(spec.columns)]


def test_absent_optional_tables_are_empty_with_schema_columns(shipped):
    ds = load_dataset(shipped_dir=shipped)
    assert ds.tier_overrides.empty and list(ds.tier_overrides.columns) == [
        c.name for c in TABLES["tier_overrides"].columns
    ]
    assert ds.provenance["tier_overrides"].path is None


def test_provenance_and_trade_flags(shipped):
    ds = load_dataset(shipped_dir=shipped)
    assert ds.trade_synthetic is True
    assert ds.trade_source == "test fixture"
    info = ds.provenance["ccl"]
    assert info.rows == 3 and len(info.sha256) == 64 and info.shipped and not info.synthetic
    assert info.vintage == "2025-07-01"
    assert len(ds.dataset_id) == 12


def test_overlay_replaces_only_present_files(shipped, tmp_path):
    user = tmp_path / "user"
    write_dir(user, tables={}, trade=trade_frame()[lambda d: d.year == 2022], synthetic=False)
    ds = load_dataset(user, shipped_dir=shipped)
    assert ds.trade["year"].unique().tolist() == [2022]
    assert ds.trade_synthetic is False
    assert ds.provenance["trade"].shipped is False
    assert ds.provenance["ccl"].shipped is True and len(ds.ccl) == 3
    assert ds.data_dirs == (shipped.resolve(), user.resolve())
    base = load_dataset(shipped_dir=shipped)
    assert base.dataset_id != ds.dataset_id


def test_overlay_csv_replaces_shipped_csv(shipped, tmp_path):
    user = write_dir(
        tmp_path / "user", tables={"concordance.csv": "eccn,hs6,confidence,rationale\n3B001,848620,high,x\n"}
    )
    ds = load_dataset(user, shipped_dir=shipped)
    assert len(ds.concordance) == 1
    assert ds.concordance["controlled_share"].isna().all()  # optional column absent -> NaN
    assert ds.provenance["concordance"].source.startswith("user-supplied")


def test_parquet_without_metadata_counts_as_real_user_supplied(shipped, tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    pq.write_table(pa.Table.from_pandas(trade_frame(), preserve_index=False), user / "trade.parquet")
    ds = load_dataset(user, shipped_dir=shipped)
    assert ds.trade_synthetic is False
    assert ds.trade_source == f"user-supplied {(user / 'trade.parquet').resolve()}"


def test_cache_returns_same_object_until_a_file_changes(shipped):
    a = load_dataset(shipped_dir=shipped)
    assert load_dataset(shipped_dir=shipped) is a
    path = shipped / "events.csv"
    path.write_text(path.read_text() + "2023-01-01,Another,x,talks,\n")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    b = load_dataset(shipped_dir=shipped)
    assert b is not a and len(b.events) == 2


def test_invalid_data_raises_with_every_problem(shipped, tmp_path):
    user = write_dir(
        tmp_path / "user", tables={"hs6.csv": "hs6,name,hs2,hs4\n10121,Horses,01,0101\n848620,Machines,84,8486\n"}
    )
    with pytest.raises(DataValidationError) as info:
        load_dataset(user, shipped_dir=shipped)
    text = info.value.render()
    assert "hs6.csv row 2, column hs6: '10121' is not a 6-digit HS code (leading zero lost? write '010121')" in text
    # the concordance still refers to 845811, now missing from hs6.csv
    assert "HS code '845811' is not in hs6.csv" in text


def test_validate_false_loads_bad_data(shipped, tmp_path):
    user = write_dir(tmp_path / "user", tables={"hs2.csv": "hs2,name\n1,Live animals\n"})
    ds = load_dataset(user, validate=False, shipped_dir=shipped)
    assert ds.hs2["hs2"].tolist() == ["1"]


def test_missing_directory_and_missing_required_file(shipped, tmp_path):
    with pytest.raises(DecontrolError, match="does not exist"):
        load_dataset(tmp_path / "nope", shipped_dir=shipped)
    (shipped / "ccl.csv").unlink()
    with pytest.raises(DataValidationError) as info:
        load_dataset(shipped_dir=shipped)
    assert "missing file ccl.csv" in info.value.render()


def test_empty_and_broken_files_are_named(shipped, tmp_path):
    user = write_dir(tmp_path / "user", tables={"events.csv": ""})
    (user / "trade.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(DataValidationError) as info:
        load_dataset(user, shipped_dir=shipped)
    text = info.value.render()
    assert "events.csv: the file is empty" in text
    assert "trade.parquet: not a readable parquet file" in text


def test_decontrol_data_env_is_the_default_overlay(shipped, tmp_path, monkeypatch):
    user = write_dir(tmp_path / "user", tables={"events.csv": "date,title,summary,kind\n2024-01-02,A,b,talks\n"})
    monkeypatch.setenv("DECONTROL_DATA", str(user))
    ds = load_dataset(shipped_dir=shipped)
    assert ds.events["title"].tolist() == ["A"] and ds.data_dirs[-1] == user.resolve()
