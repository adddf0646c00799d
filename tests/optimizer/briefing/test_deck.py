"""Briefing deck and workbook: slide count, native charts, marking on every slide, nothing internal for allies."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

from optimizer.audience import INTERNAL_MARKERS
from optimizer.briefing import Briefing, write_deck, write_workbook
from optimizer.briefing.template import visible_markings
from optimizer.errors import DecontrolError


def _frontier_chart(prs):
    """The deck's frontier (the one scatter-with-lines chart)."""
    from pptx.enum.chart import XL_CHART_TYPE

    return next(
        sh.chart
        for s in prs.slides
        for sh in s.shapes
        if sh.has_chart and sh.chart.chart_type == XL_CHART_TYPE.XY_SCATTER_LINES
    )


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


def test_the_package_slide_says_the_licence_each_relief_removes(briefing, tmp_path, deck_text):
    """A concession says its licence basis: each package row carries the requirement on the partner
    that the relief removes, for allies and analysts alike."""
    from dataclasses import replace

    items = [
        dict(line, licence_basis="Licence required to China for NS2 (Country Chart NS column 2); 15 CFR 738 Supp. 1.")
        for line in briefing.package["items"]
    ]
    rich = replace(briefing, package={**briefing.package, "items": items})
    for audience in ("internal", "ally"):
        prs = Presentation(str(write_deck(replace(rich, audience=audience), tmp_path / f"{audience}.pptx")))
        text = deck_text(prs).replace("\u00a0", " ")  # citations are kept on one line with no-break spaces
        assert text.count("Licence for NS2 (Country Chart NS column 2)") == 2, audience


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


# -- the deck as a briefer reads it --------------------------------------------------------------

LONG_HEADING = (
    'Dimensional inspection or measuring systems, equipment, position feedback units and "electronic '
    'assemblies", as follows (see List of Items Controlled), excluding calibration standards'
)


@pytest.fixture()
def rich(briefing) -> Briefing:
    """The fixture with a long legal heading on an entry that has no curated name, suppliers as the FA
    score reads them, an ally's positions and a frontier spanning three orders of magnitude."""
    from dataclasses import replace

    package = dict(briefing.package)
    package["items"] = [
        *package["items"],
        {"eccn": "2B996", "heading": LONG_HEADING, "mode": "lift", "value_usd": 2e6, "risk": 0.1, "fa_score": 0.5},
    ]
    items = pd.concat(
        [briefing.items, pd.DataFrame([{"eccn": "2B996", "heading": LONG_HEADING, "value_usd": 2e6}])],
        ignore_index=True,
    )
    items["fa_top_suppliers"] = [
        "DEU 46% [regime]; CHN 14% [partner]; USA 9% [US]; VNM 7%",
        "TWN 30%; USA 20% [US]; JPN 10% [regime]",
        "KOR 12% [regime]",
    ]
    items["ally_JPN"] = ["support", "oppose", "neutral"]
    frontier = [{"target_usd": t, "achieved_usd": t, "risk": t / 2e9, "items": []} for t in (0, 2e6, 1e8, 2.3e9, 4e9)]
    return replace(
        briefing,
        package=package,
        items=items,
        frontier=frontier,
        country_names={"DEU": "Germany", "VNM": "Viet Nam", "TWN": "Taiwan", "JPN": "Japan", "KOR": "Korea"},
        option_name="q3-internal-draft-7",
    )


def _texts(prs) -> list[str]:
    """Every text on the slides, piece by piece (runs of a text box joined per paragraph, table cells,
    chart categories), for per-string checks."""
    out = []
    for slide in prs.slides:
        for sh in slide.shapes:
            if sh.has_text_frame:
                out += [p.text for p in sh.text_frame.paragraphs]
            if sh.has_table:
                out += [c.text for row in sh.table.rows for c in row.cells]
            if sh.has_chart:
                out += [str(c) for c in sh.chart.plots[0].categories]
    return out


def _notes(prs) -> list[str]:
    return [s.notes_slide.notes_text_frame.text if s.has_notes_slide else "" for s in prs.slides]


@pytest.mark.parametrize("audience", ["internal", "ally"])
def test_every_slide_has_its_number_and_notes_with_sources(rich, tmp_path, audience):
    from pptx.enum.shapes import PP_PLACEHOLDER
    from pptx.oxml.ns import qn

    rich.audience = audience
    prs = Presentation(str(write_deck(rich, tmp_path / "d.pptx")))
    for i, slide in enumerate(prs.slides, start=1):
        nums = [sh for sh in slide.placeholders if sh.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER]
        assert len(nums) == 1, f"slide {i} has no slide number"
        fld = nums[0].element.find(".//" + qn("a:fld"))
        assert fld is not None and fld.get("type") == "slidenum" and nums[0].text_frame.text == str(i)
    notes = _notes(prs)
    assert all("Sources:" in n and "Assumptions:" in n for n in notes), notes
    assert all("dataset abc" in n for n in notes)  # the dataset id lives in the notes ...
    assert "abc" not in " ".join(_texts(prs)).split()  # ... and not on the slides


def test_ally_notes_hold_no_internal_field_either(rich, tmp_path):
    rich.audience = "ally"
    prs = Presentation(str(write_deck(rich, tmp_path / "a.pptx")))
    notes = " ".join(_notes(prs)).lower()
    for marker in (*INTERNAL_MARKERS, "foundational"):
        assert marker not in notes, marker
    assert "allies' positions" not in " ".join(_texts(prs)).lower()  # positions are internal


def test_no_heading_is_cut_mid_word(rich, tmp_path):
    from optimizer.briefing.names import SHORT_NAMES, heading_name
    from optimizer.formatting import cut_words

    prs = Presentation(str(write_deck(rich, tmp_path / "d.pptx")))
    source = [LONG_HEADING, *rich.items["heading"], *SHORT_NAMES.values()]
    words = set(re.findall(r"[\w-]+", " ".join(source)))
    cut = [t for t in _texts(prs) if "…" in t]
    for t in cut:
        for piece in t.split("…")[:-1]:
            last = re.findall(r"[\w-]+$", piece.rstrip())
            assert not last or last[0] in words or last[0].lower() in {w.lower() for w in words}, (t, last)
    assert any(t.startswith("2B996 Dimensional inspection") for t in _texts(prs))
    assert cut_words("Dimensional inspection or measuring systems", 20) == "Dimensional…"
    assert cut_words("Dimensional inspection", 30) == "Dimensional inspection"
    assert heading_name(LONG_HEADING) == "Dimensional inspection or measuring…"


def test_bar_charts_start_at_zero_and_the_frontier_shows_the_proposal(rich, tmp_path):
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.oxml.ns import qn

    for audience in ("internal", "ally"):
        rich.audience = audience
        prs = Presentation(str(write_deck(rich, tmp_path / f"{audience}.pptx")))
        charts = [sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart]
        bars = [c for c in charts if c.chart_type in (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.COLUMN_CLUSTERED)]
        assert bars
        assert all(c.value_axis.minimum_scale == 0 for c in bars)
    rich.audience = "internal"
    prs = Presentation(str(write_deck(rich, tmp_path / "i.pptx")))
    scatter = _frontier_chart(prs)
    x_axis = scatter.category_axis
    assert x_axis._element.find(qn("c:scaling")).find(qn("c:logBase")) is not None  # 2m .. 4bn: log scale
    assert "log scale" in x_axis.axis_title.text_frame.text
    proposed = scatter.plots[0].series[1]
    assert len(list(proposed.values)) == 1 and "Proposed" in proposed.points[0].data_label.text_frame.text


def test_slide_one_has_a_title_and_bottom_line_not_the_scenario_name(rich, tmp_path):
    prs = Presentation(str(write_deck(rich, tmp_path / "d.pptx")))
    first = prs.slides[0]
    assert first.shapes.title.text == "Export-control relief for China: $2.3bn a year from 3 items"
    text = " ".join(_texts(prs))
    assert "q3-internal-draft-7" not in text and "optimal" not in text.lower()
    one = " ".join(t for sh in first.shapes if sh.has_text_frame for t in [sh.text_frame.text])
    for part in ("Offer:", "Worth:", "Risks:", "Other suppliers: Germany, Taiwan"):
        assert part in one, part
    assert "LP duals" not in text
    assert prs.slides[1].shapes.title.text == "Executive summary"


def test_foreign_suppliers_and_allies_slides(rich, tmp_path):
    prs = Presentation(str(write_deck(rich, tmp_path / "d.pptx")))
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]
    fa = prs.slides[titles.index("Who else supplies these items")]
    table = next(sh.table for sh in fa.shapes if sh.has_table)
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows}
    assert rows["2B991 NC units and machine tools"][1] == "Germany 46%*, Viet Nam 7%"
    assert rows["2B991 NC units and machine tools"][2] == "14%"  # China's own share
    allies = prs.slides[titles.index("Allies' positions")]
    cells = [[c.text for c in r.cells] for r in next(sh.table for sh in allies.shapes if sh.has_table).rows]
    assert cells[0][-1] == "Japan" and ["4A994 Computers and assemblies", "yes", "oppose"] in cells
    rich.audience = "ally"
    ally = Presentation(str(write_deck(rich, tmp_path / "a.pptx")))
    assert "Allies' positions" not in [s.shapes.title.text for s in ally.slides if s.shapes.title is not None]
    assert visible_markings(ally.slides[0])[0][1] == "CUI//REL TO USA, JPN"


def test_default_markings_follow_cui_practice_and_stay_editable(briefing, tmp_path):
    from optimizer.briefing.template import TEMPLATE_PATH, open_template

    prs = Presentation(str(write_deck(briefing, tmp_path / "d.pptx")))
    assert {t for s in prs.slides for _, t in visible_markings(s)} == {"CUI"}
    briefing.audience = "ally"
    prs = Presentation(str(write_deck(briefing, tmp_path / "a.pptx")))
    assert {t for s in prs.slides for _, t in visible_markings(s)} == {"CUI//DISPLAY ONLY"}
    # the marking lives in the master: one edit there re-marks every slide
    assert not any(sh.name.startswith("Marking") for s in prs.slides for sh in s.shapes)
    assert TEMPLATE_PATH.is_file()
    # a restyled template without marking boxes gets them
    bare = Presentation(str(TEMPLATE_PATH))
    for sh in [sh for sh in bare.slide_master.shapes if sh.name.startswith("Marking")]:
        sh.element.getparent().remove(sh.element)
    bare.save(str(tmp_path / "bare.pptx"))
    again = open_template("CUI//SP-EXPT", tmp_path / "bare.pptx")
    assert (
        sorted(sh.text_frame.text for sh in again.slide_master.shapes if sh.name.startswith("Marking"))
        == ["CUI//SP-EXPT"] * 2
    )


def test_the_template_ships_with_the_package():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "templates/*.pptx" in data["optimizer.briefing"]
    assert (root / "optimizer" / "briefing" / "templates" / "briefing.pptx").is_file()


# -- the workbook ---------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["internal", "ally"])
def test_workbook_has_formats_filters_banner_and_no_numeric_text(rich, tmp_path, audience):
    from optimizer.briefing.workbook import PERCENT_FORMAT, USD_FORMAT

    rich.audience = audience
    wb = openpyxl.load_workbook(write_workbook(rich, tmp_path / "b.xlsx"))
    assert {"Frontier", "Alternatives"} <= set(wb.sheetnames)
    for ws in wb:
        assert "SYNTHETIC" in str(ws["A1"].value), ws.title  # the banner row
        assert ws.freeze_panes == "B3" and ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:"), ws.title
        headers = [c.value for c in ws[2]]
        assert all(h and "_" not in str(h) for h in headers), (ws.title, headers)
        code_cols = {j for j, h in enumerate(headers) if str(h) in ("ECCN", "HS6 codes", "Category", "Group")}
        for row in ws.iter_rows(min_row=3):
            for j, c in enumerate(row):
                if isinstance(c.value, str) and j not in code_cols:
                    try:
                        float(c.value)
                    except ValueError:
                        continue
                    raise AssertionError(f"{ws.title}!{c.coordinate} holds the number {c.value!r} as text")
    pkg = wb["Package"]
    header = [c.value for c in pkg[2]]
    value = pkg.cell(row=3, column=header.index("Value unlocked (US$/yr)") + 1)
    fa = pkg.cell(row=3, column=header.index("Foreign availability") + 1)
    assert isinstance(value.value, (int, float)) and value.number_format == USD_FORMAT
    assert isinstance(fa.value, float) and fa.number_format == PERCENT_FORMAT
    rows = {r[0].value: r[1] for r in wb["Assumptions"].iter_rows(min_row=3)}
    assert rows["target_usd"].value == 2e9 and rows["target_usd"].number_format == USD_FORMAT
    assert rows["year"].value == 2024 and rows["year"].number_format == "0"


def test_numeric_text_is_caught():
    """The check above can fail: text that reads as a number becomes a number, codes stay text."""
    from optimizer.briefing.workbook import _numeric

    out = _numeric(pd.DataFrame({"value": ["2000000000.0", "abc", None], "hs6": ["010121", "847190", "x"]}))
    assert out["value"].tolist()[:2] == [2e9, "abc"] and out["hs6"].tolist() == ["010121", "847190", "x"]


@pytest.mark.parametrize(("audience", "count"), [("internal", 7), ("ally", 5)])
def test_an_infeasible_deck_has_no_empty_chart_or_table(briefing, tmp_path, audience, count):
    """No package: the deck said why on the package slide, then showed an empty bar chart '(none) $0.0m',
    an empty supplier table and a one-row alternatives table."""
    briefing.package = {
        "status": "infeasible",
        "target_usd": 1e10,
        "achieved_usd": None,
        "max_achievable_usd": 6.35e6,
        "items": [],
        "excluded": [{"eccn": "3A090", "reason": "foundational"}, {"eccn": "2B001", "reason": "fa_below_threshold"}],
    }
    briefing.alternatives, briefing.audience = [], audience
    prs = Presentation(str(write_deck(briefing, tmp_path / "inf.pptx")))
    assert len(prs.slides) == count
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert titles[0] == "Export-control relief for China: no package reaches $10.0bn a year"
    assert not {"Who else supplies these items", "Alternative packages", "Exports unlocked by item"} & set(titles)
    assert "(none)" not in " ".join(_texts(prs))


def test_an_unmet_target_is_drawn_on_the_frontier(briefing, tmp_path):
    briefing.package = {"status": "infeasible", "target_usd": 2e9, "achieved_usd": None, "items": [], "excluded": []}
    briefing.frontier = [{"target_usd": t, "achieved_usd": t, "risk": t / 1e6, "items": []} for t in (1e6, 3e6, 6e6)]
    prs = Presentation(str(write_deck(briefing, tmp_path / "inf.pptx")))
    chart = _frontier_chart(prs)
    names = [s.name for s in chart.plots[0].series]
    assert names[-1] == "Target $2.0bn"
    xs = [float(v.text) for v in chart.plots[0].series[-1]._element.xpath("./c:xVal//c:v")]
    assert xs == [2000.0, 2000.0]  # US$ m on a log axis from $1m
    assert chart.category_axis.axis_title.text_frame.text == "Exports unlocked, US$ m per year (log scale)"


def test_a_long_package_continues_on_more_slides_and_stays_on_them(briefing, tmp_path):
    from pptx.util import Inches

    from optimizer.briefing.deck import PACKAGE_ROWS

    line = {"heading": "Optical equipment", "mode": "lift", "value_usd": 1e6, "risk": 0.3, "fa_score": 0.5}
    briefing.package["items"] = [
        {**line, "eccn": f"6A{k:03d}", "why": "value/risk rank 1 of 20 eligible items"} for k in range(PACKAGE_ROWS + 3)
    ]
    prs = Presentation(str(write_deck(briefing, tmp_path / "long.pptx")))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert titles.count("Proposed package (1 of 2)") == 1 and titles.count("Proposed package (2 of 2)") == 1
    tables = [sh for s in prs.slides for sh in s.shapes if sh.has_table and "Proposed package" in s.shapes.title.text]
    assert sum(len(t.table.rows) - 1 for t in tables) == PACKAGE_ROWS + 3  # every item, none dropped
    # rows of two lines: the table ends above the source line and the marking
    assert all(t.top + Inches(0.5) * len(t.table.rows) < prs.slide_height - Inches(0.85) for t in tables)


def test_nothing_to_offer_says_so_without_an_empty_frontier(briefing, tmp_path):
    """Japan: every item needs no licence or is foundational; the deck showed an empty trade-off chart."""
    briefing.partner, briefing.partner_name = "JPN", "Japan"
    briefing.package = {
        "status": "infeasible",
        "target_usd": 1e6,
        "achieved_usd": None,
        "max_achievable_usd": 0.0,
        "items": [],
        "excluded": [{"eccn": "4A994", "reason": "nlr"}, {"eccn": "3A090", "reason": "foundational"}],
    }
    briefing.frontier = [{"target_usd": 0.0, "achieved_usd": 0.0, "risk": 0.0, "items": []}]
    briefing.alternatives = []
    prs = Presentation(str(write_deck(briefing, tmp_path / "jpn.pptx")))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert titles[0] == "Export-control relief for Japan: nothing to offer"
    assert not any(t.startswith("Trade-off") for t in titles)
    assert "Nothing to offer Japan: 1 items need no licence" in " ".join(_texts(prs))
