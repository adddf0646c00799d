"""The diversion briefing slide: labelled, marked, and without the ECCN mapping for allies."""

from __future__ import annotations

import pytest
from pptx import Presentation

from optimizer.audience import INTERNAL_MARKERS
from optimizer.briefing.content import ALLY_MARKING
from optimizer.data.load import load_dataset
from optimizer.diversion.report import diversion_report
from optimizer.diversion.slide import write_slide
from optimizer.errors import DecontrolError


@pytest.fixture(scope="module")
def rep():
    return diversion_report(load_dataset(), "RUS", tiers=("1", "2"))


def test_internal_and_ally_slides(rep, tmp_path, deck_text):
    internal = deck_text(write_slide(rep, tmp_path / "in.pptx"))
    ally = deck_text(write_slide(rep, tmp_path / "ally.pptx", audience="ally"))
    for text in (internal, ally):
        assert "SYNTHETIC DATA with planted test patterns" in text and "2022-02-24" in text
        assert "Weights of the combined score: growth 0.35" in text and "not a finding" in text
        assert rep.table.iloc[0]["hub"] in text and rep.table.iloc[0]["hs6"] in text
    assert "ECCNs (mapped, internal)" in internal and "ECCNs" not in ally
    assert ally.count(ALLY_MARKING) == 2
    assert not [m for m in INTERNAL_MARKERS if m in ally.lower()]
    assert len(Presentation(str(tmp_path / "ally.pptx")).slides) == 1


def test_bad_path_is_refused_without_a_file(rep, tmp_path):
    with pytest.raises(DecontrolError, match=r"must be a \.pptx"):
        write_slide(rep, tmp_path / "s.pdf")
    with pytest.raises(DecontrolError, match="does not exist"):
        write_slide(rep, tmp_path / "nope" / "s.pptx")
    assert list(tmp_path.iterdir()) == []
