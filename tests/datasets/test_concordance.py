"""The analyst-made ECCN -> HS6 concordance: validity, coverage, and the build's own checks.

Reads only committed files (datasets/ and datasets/build/concordance_source.csv), so it runs the
same in CI and locally.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data import schema

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
BUILD = DATASETS / "build"


def _build_module():
    """datasets/build/build_concordance.py loaded by path (datasets/build is not a package)."""
    name = "datasets_build_build_concordance"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BUILD / "build_concordance.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses resolve their module through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def conc() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "concordance.csv", dtype={"eccn": str, "hs6": str})


@pytest.fixture(scope="module")
def unmapped() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "concordance_unmapped.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def ccl() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "ccl.csv", dtype=str)


@pytest.fixture(scope="module")
def hs6() -> set[str]:
    return set(pd.read_csv(DATASETS / "hs6.csv", dtype={"hs6": str})["hs6"])


def test_columns_follow_the_schema(conc):
    assert list(conc.columns) == [c.name for c in schema.CONCORDANCE.columns]
    assert not conc.duplicated(list(schema.CONCORDANCE.key)).any()


def test_every_hs6_is_a_valid_hs2022_subheading(conc, hs6):
    assert conc["hs6"].str.fullmatch(r"\d{6}").all()
    assert sorted(set(conc["hs6"]) - hs6) == []


def test_every_eccn_is_on_the_ccl(conc, unmapped, ccl):
    bases = set(conc["eccn"].str.removesuffix("-rest")) | set(unmapped["eccn"])
    assert sorted(bases - set(ccl["eccn"])) == []


def test_sub_items_split_only_partial_wmd_or_listed_chokepoint_entries(conc, ccl):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "datasets" / "build"))
    from build_concordance import CHOKEPOINT_SPLITS

    partial = set(ccl.loc[ccl["wmd_scope"] == "partial", "eccn"])
    rest = {e.removesuffix("-rest") for e in conc["eccn"] if e.endswith("-rest")}
    assert rest, "the -rest sub-items are part of the design"
    assert sorted(rest - partial - set(CHOKEPOINT_SPLITS)) == []
    assert "5A992" in rest  # mass-market encryption judged apart from the advanced-computing .z paragraphs
    # the entry itself keeps rows for its WMD paragraphs
    assert rest <= set(conc["eccn"])


def test_confidence_share_and_rationale(conc):
    assert set(conc["confidence"]) <= {"high", "medium", "low"}
    assert ((conc["controlled_share"] > 0) & (conc["controlled_share"] <= 1)).all()
    assert conc["rationale"].fillna("").str.strip().ne("").all()


def test_shares_on_one_hs_code_describe_disjoint_slices(conc):
    total = conc.groupby("hs6")["controlled_share"].sum()
    assert total.max() <= 1.0 + 1e-9, total[total > 1].to_dict()


def test_coverage_of_goods_entries(conc, unmapped, ccl):
    goods = set(ccl.loc[ccl["group"].isin(["A", "B", "C"]), "eccn"])
    mapped = set(conc["eccn"].str.removesuffix("-rest")) & goods
    explained = set(unmapped["eccn"]) & goods
    assert len(mapped) / len(goods) >= 0.90, (len(mapped), len(goods))
    assert mapped.isdisjoint(explained)
    assert sorted(goods - mapped - explained) == [], "every A/B/C entry mapped or explained"
    assert unmapped["why"].str.strip().ne("").all()


def test_itar_placeholders_are_unmapped_and_key_legacy_items_mapped(conc, unmapped, ccl):
    itar = set(ccl.loc[ccl["itar_placeholder"].astype(str) == "True", "eccn"])
    goods_itar = {e for e in itar if e[1] in "ABC"}
    assert goods_itar <= set(unmapped["eccn"])
    for eccn, heading in (
        ("2B991", "84"),
        ("4A994", "8471"),
        ("3A001-rest", "8542"),
        ("3B001", "8486"),
        ("9A991", "8802"),
        ("0A501", "930"),
    ):
        codes = conc.loc[conc["eccn"] == eccn, "hs6"]
        assert codes.str.startswith(heading).any(), eccn


def test_committed_files_are_the_expansion_of_the_source(conc, unmapped):
    build = _build_module()
    expected, expected_unmapped = build.expand(build.read_source(), build.load_reference())
    pd.testing.assert_frame_equal(conc, expected, check_dtype=False, atol=1e-12)
    pd.testing.assert_frame_equal(unmapped, expected_unmapped, check_dtype=False)


def _reference(build):
    return build.Reference(
        hs6=frozenset({"845811", "845891", "847130"}),
        eccns=frozenset({"2B001", "2B991", "4A994"}),
        goods_eccns=("2B001", "2B991", "4A994"),
        partial_wmd=frozenset({"2B001"}),
    )


def _source(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["eccn", "hs6", "confidence", "controlled_share", "rationale"])


def test_expand_heading_tokens_and_default_shares():
    build = _build_module()
    conc, miss = build.expand(
        _source(
            ("2B991", "8458", "high", "", "NC lathes"),
            ("2B001", "845811:0.1", "medium", "", "precise lathes"),
            ("4A994", "", "", "", "not goods here"),
        ),
        _reference(build),
    )
    rows = {(e, h): s for e, h, s in conc[["eccn", "hs6", "controlled_share"]].itertuples(index=False)}
    assert rows == {("2B991", "845811"): 0.5, ("2B991", "845891"): 0.5, ("2B001", "845811"): 0.1}
    assert list(miss["eccn"]) == ["4A994"]


@pytest.mark.parametrize(
    "row, fragment",
    [
        (("2B991", "999999", "high", "", "x"), "not an HS 2022 subheading"),
        (("2B999", "845811", "high", "", "x"), "not on the Commerce Control List"),
        (("2B991", "845811", "certain", "", "x"), "confidence"),
        (("2B991", "845811:1.5", "high", "", "x"), "not in (0, 1]"),
        (("2B991", "845811", "high", "", ""), "rationale is empty"),
        (("2B991-rest", "845811", "high", "", "x"), "partial"),
        (("2B991", "845811:0.7", "high", "", "x"), "add up to"),
    ],
)
def test_expand_rejects_bad_rows(row, fragment):
    build = _build_module()
    base = [("2B001", "845811:0.4", "high", "", "lathes"), ("4A994", "847130", "high", "", "pc")]
    with pytest.raises(build.ConcordanceError) as err:
        build.expand(_source(*base, row), _reference(build))
    assert any(fragment in p for p in err.value.problems), err.value.problems


def test_expand_reports_goods_entries_left_out():
    build = _build_module()
    with pytest.raises(build.ConcordanceError) as err:
        build.expand(_source(("2B001", "845811", "high", "", "lathes")), _reference(build))
    missing = [p for p in err.value.problems if "neither mapped" in p]
    assert len(missing) == 2  # 2B991 and 4A994
