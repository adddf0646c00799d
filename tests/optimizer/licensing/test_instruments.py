"""Relief instruments per item and partner, and who can decide."""

from __future__ import annotations

from optimizer.licensing.instruments import decided_by, item_instruments


def test_instruments_follow_the_requirement():
    assert item_instruments("none", (), (), False, "CHN", "China") == {}
    assert list(item_instruments("end_use_only", ("MEU",), (), False, "CHN", "China")) == ["meu_removal"]
    ns = item_instruments("all", ("NS2",), ("LVS", "GBS"), False, "CHN", "China")
    assert list(ns) == ["lift", "exception", "approval"]
    assert "GBS (740.4)" in ns["exception"] and "742.4(b)" in ns["approval"] and "738 Supp. 1" in ns["lift"]
    # in Country Group B the exception already reaches the partner; with a non-NS reason it serves nothing
    assert "exception" not in item_instruments("all", ("NS2",), ("GBS",), True, "TWN", "Taiwan")
    assert "exception" not in item_instruments("all", ("NS2", "RS2"), ("GBS",), False, "CHN", "China")


def test_who_decides():
    assert decided_by(("NS2",), "all", "", "", False)[0] == "regime"
    assert decided_by(("NP2",), "all", "", "", False)[0] == "bis"
    assert decided_by(("MEU",), "end_use_only", "", "", False)[0] == "bis"
    assert decided_by(("CC1",), "all", "", "statute: Tiananmen", False) == ("statute", "statute: Tiananmen")
    assert decided_by(("SS",), "all", "", "", False)[0] == "statute"
    assert (
        decided_by(
            ("NP1",), "all", "equipment subject to the Nuclear Regulatory Commission (10 CFR part 110)", "", False
        )[0]
        == "agency"
    )


def test_item_table_names_instruments_and_deciders(tables):
    c = tables["CHN"]
    assert c.loc["5A003", "instruments"] == "lift;exception;approval" and c.loc["5A003", "decided_by"] == "regime"
    assert c.loc["3A991", "decided_by"] == "bis"
    assert "Wassenaar" in c.loc["5A003", "decided_by_detail"]


def test_a_lines_relief_and_basis_in_words_with_their_citations():
    """The deck and the builder say which exception (LVS, not only 'eligibility') and which licence
    requirement on the partner the relief removes (the concession's basis)."""
    from optimizer.licensing.instruments import basis_cite, instrument_cite

    lvs = {
        "mode": "exception",
        "instrument": "Make China eligible for licence exception LVS (740.3) for this ECCN (740.2; Country Group B)",
        "licence_basis": "Licence required to China for NS2 (Country Chart NS column 2); 15 CFR 738 Supp. 1, 742.4.",
    }
    assert instrument_cite(lvs) == "Licence exception LVS (740.3; 740.2, Country Group B)"
    assert basis_cite(lvs) == "Licence for NS2 (Country Chart NS column 2)"
    lift = {
        "mode": "lift",
        "instrument": "Lift: take the X out of China's Country Chart row for NS2 (15 CFR 738 Supp. 1)",
    }
    assert instrument_cite(lift) == "Lift the licence requirement (15 CFR 738 Supp. 1)" and basis_cite(lift) == ""
    odd = {"licence_basis": "Licence requirement to China assumed: the reasons are not in the data. Check it."}
    assert basis_cite(odd) == "Licence requirement to China assumed: the reasons are not in the data"
