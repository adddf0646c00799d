"""The synthetic HS6 trade layer: labelled, calibrated to the real totals, consistent, deterministic.

Reads the committed files; the rebuild test runs only where the raw sources
(`../shared/data-sources`) sit beside the clone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from optimizer.data import schema

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
BUILD = DATASETS / "build"
SHARED = ROOT.parent / "shared" / "data-sources"
TRADE = DATASETS / "trade.parquet"
YEARS = list(range(2019, 2025))


def _build_module():
    name = "datasets_build_build_synthetic"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BUILD / "build_synthetic.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses resolve their module through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    return pd.read_parquet(TRADE)


@pytest.fixture(scope="module")
def totals() -> pd.DataFrame:
    df = pd.read_csv(DATASETS / "partner_totals.csv")
    return df[df["year"].isin(YEARS)].set_index(["year", "partner"])


def _pivot(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    return rows.pivot_table(index=["year", "hs6"], columns=by, values="value_usd", aggfunc="sum", fill_value=0.0)


def test_labelled_synthetic_with_provenance():
    meta = {k.decode(): v.decode() for k, v in pq.read_schema(TRADE).metadata.items()}
    assert meta["decontrol.synthetic"] == "true"
    assert "SYNTHETIC" in meta["decontrol.source"] and "Census" in meta["decontrol.source"]
    assert meta["decontrol.generator"] == "datasets/build/build_synthetic.py"
    assert meta["decontrol.seed"].isdigit()


def test_canonical_columns_and_key(trade):
    assert list(trade.columns) == [c.name for c in schema.TRADE.columns]
    assert sorted(trade["year"].unique()) == YEARS
    assert trade["hs6"].str.fullmatch(r"\d{6}").all()
    assert (trade["value_usd"] >= 0).all() and trade["value_usd"].notna().all()
    assert not trade.duplicated(list(schema.TRADE.key)).any()


@pytest.mark.parametrize("flow", ["export", "import"])
def test_us_rows_sum_exactly_to_the_real_partner_totals(trade, totals, flow):
    us_side, other = ("exporter", "importer") if flow == "export" else ("importer", "exporter")
    col = "exports_usd" if flow == "export" else "imports_usd"
    rows = trade[trade[us_side] == "USA"]
    sums = rows.groupby(["year", other])["value_usd"].sum()
    for partner in (*schema.PARTNERS, "WLD"):
        for year in YEARS:
            assert abs(sums[(year, partner)] - totals.loc[(year, partner), col]) <= 1.0, (flow, partner, year)


def test_every_partner_trades_every_hs_code(trade):
    n_codes = trade["hs6"].nunique()
    assert n_codes > 5000
    us_out = trade[(trade["exporter"] == "USA") & (trade["importer"] != "WLD")]
    per = us_out.groupby(["year", "importer"])["hs6"].nunique()
    assert per.min() >= 0.95 * n_codes


@pytest.mark.parametrize("flow", ["export", "import"])
def test_china_chapter_mix_follows_the_real_2015_2018_mix(trade, flow):
    h2 = pd.read_csv(DATASETS / "hs2_china.csv", dtype={"hs2": str})
    real = h2[(h2["flow"] == flow) & (h2["partner"] == "CHN") & h2["year"].between(2015, 2018) & (h2["hs2"] <= "97")]
    real = real.groupby(["year", "hs2"])["value_usd"].sum()
    real = (real / real.groupby("year").transform("sum")).groupby("hs2").mean()
    exporter, importer = ("USA", "CHN") if flow == "export" else ("CHN", "USA")
    rows = trade[(trade["exporter"] == exporter) & (trade["importer"] == importer)]
    syn = rows.assign(hs2=rows["hs6"].str[:2]).groupby(["year", "hs2"])["value_usd"].sum()
    syn = syn / syn.groupby("year").transform("sum")
    for year in YEARS:
        diff = (syn.loc[year].reindex(real.index, fill_value=0.0) - real).abs()
        assert diff.sum() < 0.2 and diff.max() < 0.06, (flow, year, diff.nlargest(3).to_dict())


def test_every_concordance_code_has_ten_or_more_exporters(trade):
    codes = set(pd.read_csv(DATASETS / "concordance.csv", dtype={"hs6": str})["hs6"])
    world = trade[(trade["importer"] == "WLD") & (trade["exporter"] != "WLD") & (trade["value_usd"] > 0)]
    n = world.groupby(["year", "hs6"])["exporter"].nunique()
    for year in YEARS:
        per_code = n.loc[year].reindex(sorted(codes), fill_value=0)
        assert per_code.min() >= 10, per_code.nsmallest(3).to_dict()


def test_partners_export_capacity_is_present(trade):
    world = trade[trade["importer"] == "WLD"]
    for partner in schema.PARTNERS:
        assert world[world["exporter"] == partner]["hs6"].nunique() > 5000, partner


def test_world_rows_are_consistent_with_bilateral_rows(trade):
    us_out = _pivot(trade[trade["exporter"] == "USA"], "importer")
    assert (us_out["WLD"] + 1e-6 >= us_out[list(schema.PARTNERS)].sum(axis=1)).all()

    imports = _pivot(trade[trade["exporter"] == "WLD"], "importer")
    for partner in schema.PARTNERS:
        from_us = us_out[partner].reindex(imports.index, fill_value=0.0)
        assert (imports[partner] + 1e-6 >= from_us).all(), partner

    world = _pivot(trade[trade["importer"] == "WLD"], "exporter")
    to_us = _pivot(trade[trade["importer"] == "USA"], "exporter")
    for partner in schema.PARTNERS:
        exported = world[partner].reindex(to_us.index, fill_value=0.0)
        assert (exported + 1e-6 >= to_us[partner]).all(), partner


def test_us_share_of_world_exports_is_plausible(trade):
    world = trade[trade["importer"] == "WLD"]
    total = world.groupby(["year", "hs6"])["value_usd"].sum()
    us = world[world["exporter"] == "USA"].set_index(["year", "hs6"])["value_usd"]
    share = (us / total).dropna()
    assert 0.05 <= share.median() <= 0.15
    assert share.max() <= 0.4


def test_largest_remainder_allocation_is_exact():
    build = _build_module()
    parts = build.allocate_exact(1_000_000_007, [3.0, 1.0, 1e-9, 2.5])
    assert parts.sum() == 1_000_000_007 and (parts >= 0).all()
    assert list(build.allocate_exact(10, [1.0, 1.0, 1.0])) == [4, 3, 3]
    assert build.allocate_exact(0, [1.0, 2.0]).sum() == 0


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.exists(), reason="raw sources (../shared/data-sources) not present")
def test_rebuild_is_byte_identical(tmp_path):
    build = _build_module()
    digest = build.write_parquet(build.build(), tmp_path / "trade.parquet")
    assert digest == hashlib.sha256(TRADE.read_bytes()).hexdigest()
