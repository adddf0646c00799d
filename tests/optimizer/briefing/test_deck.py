"""Briefing deck and workbook: slide count, native charts, marking on every slide, nothing internal for allies."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

from optimizer.audience import INTERNAL_MARKERS
from optimizer.briefing import Briefing, write_deck, write_workbook
from optimizer.briefing.template import visible_markings
from optimizer.errors import DecontrolError


@pytest.fixture()
def briefing() -> Briefing:
    package = {
        "status": "optimal",
        "target_usd": 2e9,
        "achieved_usd": 2.3e9,
        "risk": 1.7,
        "max_achievable_usd": 9e9,
        "marginal_risk_per_bn": 0.4,
        "binding_constraints": ["target"],
        "synthetic": True,
        "items": [
            {
                "eccn": "2B991",
                "heading": "Numerical control units",
                "mode": "lift",
                "value_usd": 1.5e9,
                "risk": 0.9,
                "fa_score": 0.8,
                "why": "cheapest risk per dollar",
                "tier_reason": "bargaining chip",
            },
            {
                "eccn": "4A994",
                "heading": "Computers",
                "mode": "exception",
                "value_usd": 0.8e9,
                "risk": 0.8,
                "fa_score": 0.9,
                "why": "high FA",
            },
        ],
        "excluded": [
            {"eccn": "3A090", "reason": "foundational"},
            {"eccn": "1C350", "reason": "foundational"},
            {"eccn": "5A992", "reason": "not_needed"},
        ],
    }
    items = pd.DataFrame(
        [
            {
                "eccn": "2B991",
                "heading": "NC units",
                "tier": "transactional",
                "tier_reason": "bargaining chip",
                "risk": 0.9,
                "risk_base": 1.0,
                "value_usd": 1.5e9,
                "fa_score": 0.8,
                "synthetic": True,
            },
            {
                "eccn": "4A994",
                "heading": "Computers",
                "tier": "legacy",
                "tier_reason": "AT-only 9xx",
                "risk": 0.8,
                "risk_base": 1.0,
                "value_usd": 0.8e9,
                "fa_score": 0.9,
                "synthetic": True,
            },
        ]
    )
    totals = pd.DataFrame(
        {
            "year": range(2015, 2025),
            "exports_usd": [1.2e11] * 10,
            "imports_usd": [4.5e11] * 10,
            "balance_usd": [-3.3e11] * 10,
        }
    )
    return Briefing(
        partner="CHN",
        partner_name="China",
        year=2024,
        package=package,
        trade_totals=totals,
        trade_source="US Census Bureau, Census basis (real)",
        hs6_source="synthetic layer seed 20250101",
        hs6_synthetic=True,
        frontier=[
            {"target_usd": t, "achieved_usd": t * 1.05, "risk": t / 2e9, "items": []} for t in (0, 1e9, 2e9, 4e9)
        ],
        alternatives=[{"achieved_usd": 2.2e9, "risk": 1.75, "items": [{"eccn": "2B991", "mode": "lift", "risk": 0.9}]}],
        items=items,
        assumptions={"target_usd": 2e9, "modes": ["lift", "exception"], "risk_weights": {"NS1": 1.0}},
        provenance={"dataset_id": "abc", "ccl_vintage": "eCFR 2026-07-23"},
    )


@pytest.mark.parametrize("audience", ["internal", "ally"])
def test_deck_has_native_charts_and_marking_everywhere(briefing, tmp_path, audience, deck_text):
    briefing.audience, briefing.marking = audience, "NEGOTIATION DRAFT - TEST"
    path = write_deck(briefing, tmp_path / "deck.pptx")
    prs = Presentation(str(path))
    # title, summary, trade, package, frontier | value by item, availability, alternatives, (excluded), assumptions
    assert len(prs.slides) == (9 if audience == "internal" else 8)
    assert prs.slide_width > prs.slide_height * 1.7  # 16:9
    charts = [sh for s in prs.slides for sh in s.shapes if sh.has_chart]
    assert len(charts) >= 2
    assert not any(sh.shape_type == 13 for s in prs.slides for sh in s.shapes)  # 13 = picture
    for slide in prs.slides:
        marks = [(top, text) for top, text in visible_markings(slide) if text == "NEGOTIATION DRAFT - TEST"]
        tops = sorted(top for top, _ in marks)
        assert len(marks) == 2 and tops[0] < prs.slide_height / 10 and tops[1] > prs.slide_height * 0.9
    text = deck_text(prs)
    assert "SYNTHETIC" in text


def test_ally_deck_and_workbook_hold_no_internal_field(briefing, tmp_path, deck_text):
    briefing.audience = "ally"
    prs = Presentation(str(write_deck(briefing, tmp_path / "ally.pptx")))
    text = deck_text(prs).lower()
    for marker in INTERNAL_MARKERS:
        assert marker not in text, marker
    assert "bargaining" not in text and "foundational" not in text
    wb = openpyxl.load_workbook(write_workbook(briefing, tmp_path / "ally.xlsx"))
    assert "Excluded" not in wb.sheetnames
    cells = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None).lower()
    for marker in INTERNAL_MARKERS:
        assert marker not in cells, marker


def test_internal_deck_shows_risk_and_exclusions(briefing, tmp_path, deck_text):
    prs = Presentation(str(write_deck(briefing, tmp_path / "internal.pptx")))
    text = deck_text(prs)
    assert "Security risk" in text and "foundational" in text
    wb = openpyxl.load_workbook(write_workbook(briefing, tmp_path / "internal.xlsx"))
    assert wb.sheetnames == ["Package", "Excluded", "Frontier", "Alternatives", "Items", "Assumptions"]
    assert wb["Package"].max_row == 4  # banner, header, two items


def test_wrong_suffix_is_refused(briefing, tmp_path):
    with pytest.raises(DecontrolError, match=r"\.pptx"):
        write_deck(briefing, tmp_path / "deck.pdf")
    assert not list(tmp_path.iterdir())


def test_assumptions_read_as_a_briefer_would():
    from optimizer.briefing.deck import assumption_lines

    lines = assumption_lines(
        {
            "target_usd": 2e9,
            "min_fa": 0.0,
            "modes": ["lift", "exception"],
            "mode_params": {
                "lift": {"value_share": 1.0, "risk_share": 1.0},
                "exception": {"value_share": 0.7, "risk_share": 0.5},
                "approval": {"value_share": 0.4, "risk_share": 0.25},
            },
            "allow_opposed": False,
            "ally_penalty": 0.5,
            "coherence": True,
            "rel_gap": 0.001,
            "locks": [],
            "risk_budget": None,
        }
    )
    assert lines == [
        "Concession target per year: $2.0bn",
        "Foreign-availability threshold: none (0: every score counts)",
        "Relief instruments allowed: lift the licence requirement, licence exception eligibility",
        "Relief instruments (share of value, share of risk): lift the licence requirement 100%, 100%; "
        "licence exception eligibility 70%, 50%",
        "Items an ally opposes allowed: no",
        "Software/technology only with its hardware entry: yes",
        "Accepted optimality gap: 0.1%",
    ]


def test_frontier_axis_is_in_the_unit_of_the_range(cli, tmp_path):
    """China's concession space is a few million: in US$ bn its ticks read 0.001-0.007 and rounding
    merged neighbouring packages into one x value."""
    from pptx import Presentation

    out = tmp_path / "chn.pptx"
    code, _, err = cli("brief", "--partner", "CHN", "--target", "5m", "-o", str(out))
    assert code == 0, err
    charts = [sh.chart for slide in Presentation(str(out)).slides for sh in slide.shapes if sh.has_chart]
    scatter = next(
        c
        for c in charts
        if c.category_axis.has_title and "Exports unlocked" in c.category_axis.axis_title.text_frame.text
    )
    assert scatter.category_axis.axis_title.text_frame.text == "Exports unlocked, US$ m per year"
    xs = [float(v.text) for v in scatter.plots[0].series[0]._element.xpath("./c:xVal//c:v")]
    assert max(xs) > 1  # millions (6.35 at the top), not 0.006 billions
