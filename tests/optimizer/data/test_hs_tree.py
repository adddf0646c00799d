"""The HS tree: chapters -> headings -> subheadings -> the CCL items mapped into a code."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.data.hs_tree import (
    breadcrumb,
    check_known,
    check_prefix,
    children,
    code_names,
    flow_by_hs6,
    heading_names,
    items_in,
)
from optimizer.errors import DecontrolError

HS6 = pd.DataFrame(
    {
        "hs6": ["845811", "845891", "845710", "854231", "010121"],
        "name": [
            "Lathes; horizontal, numerically controlled",
            "Lathes; numerically controlled, other",
            "Machining centres; for working metal",
            "Electronic integrated circuits; processors",
            "Horses; live, pure-bred",
        ],
    }
)
HS2 = pd.DataFrame({"hs2": ["84", "85", "01"], "name": ["Machinery", "Electrical machinery", "Animals; live"]})
CONC = pd.DataFrame(
    {
        "eccn": ["2B991", "2B991", "2B001", "3A991"],
        "hs6": ["845891", "845710", "845891", "854231"],
        "confidence": ["high", "high", "medium", "low"],
        "controlled_share": [0.5, 0.6, 0.1, 0.02],
        "rationale": ["NC lathes", "NC centres", "precision lathes", "ICs"],
    }
)
FLOW = pd.DataFrame({"hs6": ["845811", "845891", "845710", "854231", "010121"], "value_usd": [10.0, 30, 20, 40, 0]})


def test_chapters_then_headings_then_subheadings_sum_to_their_parent():
    names = code_names(HS6, HS2)
    top = children(FLOW, "", names, CONC)
    assert list(top.frame["code"]) == ["84", "85", "01"] and top.total_usd == 100
    assert dict(zip(top.frame["code"], top.frame["value_usd"])) == {"84": 60, "85": 40, "01": 0}
    assert dict(zip(top.frame["code"], top.frame["items"])) == {"84": 2, "85": 1, "01": 0}
    heads = children(FLOW, "84", names, CONC)
    assert list(heads.frame["code"]) == ["8458", "8457"] and heads.total_usd == 60
    assert heads.frame["share"].round(3).tolist() == [0.667, 0.333]
    assert heads.frame.loc[0, "name"] == "Lathes" and heads.code_length == 4
    subs = children(FLOW, "8458", names, CONC)
    assert list(subs.frame["code"]) == ["845891", "845811"]
    assert dict(zip(subs.frame["code"], subs.frame["items"])) == {"845891": 2, "845811": 0}


def test_a_subheading_has_items_not_children_and_bad_prefixes_are_refused():
    with pytest.raises(DecontrolError, match="subheading"):
        children(FLOW, "845891", code_names(HS6, HS2))
    for bad in ("8", "84x", "8458911"):
        with pytest.raises(DecontrolError, match="not an HS"):
            check_prefix(bad)
    assert check_prefix("8458.91") == "845891"


def test_items_in_a_code_at_any_level():
    assert list(items_in(CONC, "845891")["eccn"]) == ["2B001", "2B991"]
    assert sorted(set(items_in(CONC, "84")["eccn"])) == ["2B001", "2B991"]
    assert items_in(CONC, "01").empty


def test_breadcrumb_and_heading_names():
    names = code_names(HS6, HS2)
    assert breadcrumb("845891", names) == [
        ("", "All chapters"),
        ("84", "84 Machinery"),
        ("8458", "8458 Lathes"),
        ("845891", "845891 Lathes; numerically controlled, other"),
    ]
    assert heading_names(HS6)["8542"] == "Electronic integrated circuits"


def test_a_heading_keeps_its_own_name_where_the_table_has_one():
    named = HS6.assign(hs4_name=["Lathes for removing metal" if str(c).startswith("8458") else "" for c in HS6["hs6"]])
    names = heading_names(named)
    assert names["8458"] == "Lathes for removing metal"
    assert names["8542"] == heading_names(HS6)["8542"]  # blank: still derived from the subheadings


def test_flow_by_hs6_reads_the_direction():
    trade = pd.DataFrame(
        {
            "year": [2024, 2024, 2024, 2023],
            "exporter": ["USA", "CHN", "USA", "USA"],
            "importer": ["CHN", "USA", "CHN", "CHN"],
            "hs6": ["845891", "845891", "845891", "845891"],
            "value_usd": [5.0, 7.0, 1.0, 100.0],
        }
    )
    assert flow_by_hs6(trade, "CHN", 2024, "exports")["value_usd"].tolist() == [6.0]
    assert flow_by_hs6(trade, "CHN", 2024, "imports")["value_usd"].tolist() == [7.0]
    with pytest.raises(DecontrolError):
        flow_by_hs6(trade, "CHN", 2024, "both")


def test_shipped_data_845891_maps_2b991():
    from optimizer.data.load import load_dataset

    ds = load_dataset()
    assert "2B991" in set(items_in(ds.concordance, "845891")["eccn"])
    assert heading_names(ds.hs6)["8458"] == "Lathes for removing metal"  # the Atlas heading name


def test_check_known_takes_codes_of_the_nomenclature_or_the_data():
    names = {"84": "Machinery", "8458": "Lathes", "845891": "Lathes; NC"}
    trade_codes = pd.Series(["990001"])
    assert check_known("", names) == ""
    assert check_known("8458.91", names) == "845891"
    assert check_known("99", names, trade_codes) == "99"  # outside the list, but the data holds it
    for bad in ("77", "7799", "845899"):
        with pytest.raises(DecontrolError, match=f"no HS code {bad} in the nomenclature"):
            check_known(bad, names, trade_codes, pd.Series([], dtype=str))
    with pytest.raises(DecontrolError, match="not an HS chapter"):
        check_known("8x", names)
