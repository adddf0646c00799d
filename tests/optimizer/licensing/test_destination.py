"""The destination facts read from the shipped Country Chart and Country Groups (eCFR 2026)."""

from __future__ import annotations

from optimizer.licensing.destination import destination, group_members, un_embargo_destinations


def test_china_chart_row(shipped):
    d = destination(shipped, "CHN")
    assert {"NS1", "NS2", "MT1", "NP1", "NP2", "RS1", "RS2", "CC1"} <= d.chart_x
    assert "AT1" not in d.chart_x and "AT2" not in d.chart_x and "CC2" not in d.chart_x
    assert d.known and not d.embargo and not d.all_ccl_746_8
    assert d.groups == {"D1", "D3", "D4", "D5"} and d.meu_scope == "supp2"


def test_japan_has_no_ns2_and_is_in_group_b(shipped):
    d = destination(shipped, "JPN")
    assert "NS2" not in d.chart_x and "NS1" in d.chart_x and "NP1" not in d.chart_x
    assert d.in_group("B") and d.in_group("A:5") and not d.meu_scope


def test_embargo_rows_and_russia(shipped):
    for iso in ("CUB", "IRN", "PRK", "SYR"):
        d = destination(shipped, iso)
        assert d.embargo and not d.chart_x and "746" in d.embargo_text
    assert destination(shipped, "RUS").all_ccl_746_8 and destination(shipped, "BLR").all_ccl_746_8
    assert destination(shipped, "RUS").meu_scope == "all"


def test_hong_kong_takes_chinas_row_and_macau_has_its_own(shipped):
    hk = destination(shipped, "HKG")
    assert hk.chart_row == "CHN" and hk.chart_x == destination(shipped, "CHN").chart_x
    mac = destination(shipped, "MAC")
    assert mac.chart_row == "MAC" and not mac.in_group("D5")


def test_unknown_destination_is_flagged_not_guessed(shipped):
    d = destination(shipped, "ATA")
    assert not d.known and not d.chart_x


def test_groups_and_un_list(shipped):
    assert len(group_members(shipped, "A:1")) == 40 and "RUS" not in group_members(shipped, "A:1")
    assert "CHN" not in group_members(shipped, "A:4") and "JPN" in group_members(shipped, "A:4")
    assert {"IRQ", "PRK", "LBY", "SOM"} <= un_embargo_destinations(shipped)
    assert "CHN" not in un_embargo_destinations(shipped)
