"""Licence requirement per item and partner, on the shipped chart and on small hand-made rows."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.estimation.reasons import ParagraphControl
from optimizer.licensing.destination import Destination
from optimizer.licensing.requirement import item_requirement, reason_scope


def _dest(iso="XXX", chart=(), groups=(), meu="", embargo=False, known=True) -> Destination:
    return Destination(
        iso,
        iso,
        iso if known else "",
        frozenset(chart),
        embargo,
        "see Part 746" if embargo else "",
        False,
        frozenset(groups),
        meu,
        "744.21(a)(1)" if meu else "",
        "presumption of denial",
        (),
        "2026-07-23",
        known,
    )


def test_at1_only_item_is_nlr_for_china_and_japan(tables):
    for partner in ("CHN", "JPN"):
        row = tables[partner].loc["1A995"]
        assert row["reasons"] == "AT1" and row["licence_required"] == "none" and row["tier"] == "nlr"
        assert (
            row["value_usd"] == 0 and "AT columns bind only the Part 746 embargo destinations" in row["licence_basis"]
        )
        assert row["instruments"] == ""


def test_supp2_items_are_end_use_only_for_china_and_nlr_for_japan(tables):
    for eccn in ("3A991", "4A994"):
        c, j = tables["CHN"].loc[eccn], tables["JPN"].loc[eccn]
        assert c["licence_required"] == "end_use_only" and c["binding_reasons"] == "MEU" and c["meu_listed"]
        assert c["instruments"] == "meu_removal" and "744.21" in c["licence_basis"]
        assert j["licence_required"] == "none" and j["tier"] == "nlr"


def test_ns2_binds_on_china_not_on_japan(tables):
    c, j = tables["CHN"].loc["2B001-rest"], tables["JPN"].loc["2B001-rest"]
    assert c["licence_required"] == "all" and c["binding_reasons"] == "NS2" and "738 Supp. 1" in c["licence_basis"]
    assert j["licence_required"] == "none"


def test_embargo_destinations_need_a_licence_for_every_item(tables):
    for partner in ("IRN", "RUS"):
        t = tables[partner]
        assert (t["licence_required"] == "all").all()
        assert not t["tier"].isin(["legacy", "transactional", "nlr"]).any()  # sanctions, not concessions


def test_chinas_and_japans_tables_differ_where_the_chart_says(tables):
    c, j = tables["CHN"], tables["JPN"]
    differ = c["licence_required"] != j.reindex(c.index)["licence_required"]
    assert differ.sum() > 100
    assert (c.loc[c["binding_reasons"].str.contains("NS2"), "licence_required"] != "none").all()


def test_advanced_computing_scope_by_country_group():
    row = ParagraphControl(
        "RS_AC",
        "3A090.b",
        "To or within destinations specified in Country Groups D:1, D:4, "
        "and D:5 of supplement no. 1 to part 740 of the EAR.",
    )
    assert reason_scope("RS_AC", [row], _dest("CHN", groups=("D1", "D4", "D5")), frozenset()).binds
    assert not reason_scope("RS_AC", [row], _dest("JPN", groups=("A1", "B")), frozenset()).binds
    macau = ParagraphControl(
        "NS_AC",
        "entire entry",
        "To or within Macau or a destination specified in Country "
        "Group D:5 of supplement no. 1 to part 740 of the EAR.",
    )
    assert reason_scope("NS_AC", [macau], _dest("MAC", groups=("D1",)), frozenset()).binds
    assert not reason_scope("NS_AC", [macau], _dest("VNM", groups=("D1",)), frozenset()).binds
    crv = ParagraphControl("RS_CRV", "entire entry", "China, Russia, or Venezuela (see § 742.6(a)(7)).")
    assert reason_scope("RS_CRV", [crv], _dest("VEN"), frozenset()).binds
    assert not reason_scope("RS_CRV", [crv], _dest("IND"), frozenset()).binds


def test_some_paragraphs_and_cautious_unknowns():
    rows = (
        ParagraphControl("NS2", "6A002.a.1 only", "NS Column 2"),
        ParagraphControl("AT1", "entire entry", "AT Column 1"),
    )
    r = item_requirement("6A999", ("NS2", "AT1"), rows, {}, _dest(chart=("NS2",)), frozenset(), None)
    assert r.level == "some" and r.binding == ("NS2",) and "some paragraphs" in r.basis
    unknown = item_requirement("6A999", ("NS2",), (), {}, _dest(known=False), frozenset(), None)
    assert unknown.level == "all" and unknown.cautious and "assumed" in unknown.basis
    no_reasons = item_requirement("4A611", (), (), {}, _dest(chart=("NS1",)), frozenset(), None)
    assert no_reasons.level == "all" and no_reasons.binding == ("UNKNOWN",)


def test_licence_bound_value_by_hand():
    """value = potential x (1 | partial share) x blocked share; MEU: x military end-use share x MEU
    blocked share; nlr 0; an exception that meets every shipment already in reach: 0."""
    from optimizer.estimation.config import EstimationConfig
    from optimizer.estimation.value import licence_bound_values

    cfg = EstimationConfig()
    values = pd.DataFrame(
        {
            "eccn": ["A", "B", "C", "D", "E"],
            "value_usd": [100.0, 100.0, 100.0, 100.0, float("nan")],
            "value_basis": ["gap"] * 5,
            "value_override": [False] * 5,
        }
    )
    licence = pd.DataFrame(
        {
            "licence_required": ["all", "some", "end_use_only", "all", "none"],
            "binding_reasons": ["NS2", "NS2", "MEU", "NS1", ""],
            "exceptions_in_reach": ["", "", "", "GBS", ""],
        },
        index=pd.Index(list("ABCDE"), name="eccn"),
    )
    out = licence_bound_values(values, licence, "CHN", "China", cfg, "SYNTHETIC trade: test").set_index("eccn")
    assert out.at["A", "value_usd"] == pytest.approx(100 * 0.301)
    assert out.at["B", "licence_bound_usd"] == pytest.approx(50) and out.at["B", "value_usd"] == pytest.approx(
        50 * 0.301
    )
    assert out.at["C", "value_usd"] == pytest.approx(100 * 0.10 * 0.62)
    assert out.at["D", "value_usd"] == 0 and "met by licence exception GBS" in out.at["D", "value_basis"]
    assert out.at["E", "value_usd"] == 0 and out.at["E", "value_basis"].startswith("no licence required to China")
    assert out.at["A", "potential_usd"] == 100 and "SYNTHETIC" in out.at["A", "value_basis"]
    assert EstimationConfig().blocked_share("JPN") == pytest.approx(0.05)


@pytest.mark.parametrize("partner", ["CHN", "JPN", "TWN"])
def test_every_row_says_its_rule(tables, partner):
    t = tables[partner]
    assert t["licence_basis"].str.len().gt(20).all()
    assert t["licence_required"].isin(["all", "some", "end_use_only", "none"]).all()
    assert pd.Series(t.index).is_unique
