"""The shipped CHPL table and the synthetic mirror trade table: schema, labels, determinism.

Rebuild tests run only where the raw sources (`../shared/data-sources`) sit beside the clone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from optimizer.data import schema

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
SHARED = ROOT.parent / "shared" / "data-sources"


def _module(name: str):
    key = f"datasets_build_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, DATASETS / "build" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def test_chpl_has_the_fifty_codes_in_six_tiers():
    df = pd.read_csv(DATASETS / "chpl.csv", dtype=str, keep_default_na=False)
    assert list(df.columns) == [c.name for c in schema.CHPL.columns]
    assert len(df) == 50 and df["hs6"].is_unique and df["hs6"].str.fullmatch(r"\d{6}").all()
    assert df["tier"].value_counts().to_dict() == {"1": 4, "2": 5, "3.A": 16, "3.B": 9, "4.A": 11, "4.B": 5}
    assert set(df.loc[df["highest_priority"] == "True", "tier"]) == {"1", "2"}
    hs6 = set(pd.read_csv(DATASETS / "hs6.csv", dtype=str)["hs6"])
    assert set(df["hs6"]) <= hs6


@pytest.mark.skipif(not (SHARED / "chpl").is_dir(), reason="raw CHPL folder not beside the clone")
def test_chpl_rebuild_is_byte_identical(tmp_path):
    out = tmp_path / "chpl.csv"
    _module("build_chpl").main(["--shared", str(SHARED), "--out", str(out)])
    assert out.read_bytes() == (DATASETS / "chpl.csv").read_bytes()


def test_mirror_table_is_labelled_synthetic_and_declares_its_test_patterns():
    pf = pq.ParquetFile(DATASETS / "mirror_trade.parquet")
    meta = {k.decode(): v.decode() for k, v in (pf.schema_arrow.metadata or {}).items()}
    assert meta["decontrol.synthetic"] == "true" and "SYNTHETIC" in meta["decontrol.source"]
    assert "PLANTED TEST PATTERNS" in meta["decontrol.source"]
    patterns = json.loads(meta["decontrol.test_patterns"])
    assert len(patterns) == 17 and {p["target"] for p in patterns} == {"RUS", "BLR", "CHN"}
    assert pf.schema_arrow.names == [c.name for c in schema.MIRROR_TRADE.columns]


def test_mirror_table_has_both_reports_of_every_flow_and_cif_above_fob():
    df = pd.read_parquet(DATASETS / "mirror_trade.parquet")
    assert set(df["reporter"]) == {"exporter", "importer"}
    assert not df.duplicated(list(schema.MIRROR_TRADE.key)).any()
    wide = df.pivot_table(index=["year", "exporter", "importer", "hs6"], columns="reporter", values="value_usd")
    assert wide.notna().all(axis=1).mean() > 0.99
    ratio = (wide["importer"] / wide["exporter"]).median()
    assert 1.03 < ratio < 1.09  # the CIF/FOB margin of the generator
    assert {"RUS", "BLR", "CHN"} <= set(df["importer"]) and "USA" in set(df["exporter"])


@pytest.mark.skipif(not (DATASETS / "trade.parquet").is_file(), reason="no trade layer")
def test_mirror_rebuild_is_byte_identical(tmp_path):
    out = tmp_path / "mirror_trade.parquet"
    _module("build_mirror").main(["--out", str(out)])
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert digest == hashlib.sha256((DATASETS / "mirror_trade.parquet").read_bytes()).hexdigest()
