"""`decontrol scenario` and `decontrol brief` end to end on the shipped data (SQLite in a temp dir)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from pptx import Presentation

from optimizer.audience import INTERNAL_MARKERS
from optimizer.briefing.template import visible_markings


@pytest.fixture()
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'scenarios.db'}"


def test_save_list_export_import_round_trip(cli, db, tmp_path):
    code, out, err = cli("scenario", "save", "China 3m", "--partner", "CHN", "--target", "3m", "--db", db)
    assert code == 0, err
    assert "version 1" in out and "SYNTHETIC" in out
    code, out, _ = cli("scenario", "list", "--format", "json", "--db", db)
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["China 3m"]
    assert rows[0]["partner"] == "CHN" and rows[0]["year"] == 2024 and rows[0]["synthetic"] is True
    path = tmp_path / "s.json"
    assert cli("scenario", "export", "China 3m", "-o", str(path), "--db", db)[0] == 0
    doc = json.loads(path.read_text())
    assert doc["format"] == "decontrol-scenario" and doc["results"]["status"] == "optimal"
    assert cli("scenario", "import", str(path), "--name", "copy", "--db", db)[0] == 0
    code, out, _ = cli("scenario", "list", "--format", "json", "--db", db)
    assert sorted(r["name"] for r in json.loads(out)) == ["China 3m", "copy"]
    # a name already taken: each command says which of its flags saves or imports it
    code, _, err = cli("scenario", "save", "China 3m", "--partner", "CHN", "--target", "4m", "--db", db)
    assert code == 2 and "--base-version V" in err and "decontrol scenario list" in err
    code, _, err = cli("scenario", "import", str(path), "--name", "copy", "--db", db)
    assert code == 2 and "'copy' already exists" in err and "--name NEW" in err


def test_stale_save_exits_2_and_keeps_the_stored_version(cli, db):
    assert cli("scenario", "save", "s", "--partner", "CHN", "--target", "3m", "--db", db)[0] == 0
    assert cli("scenario", "save", "s", "--partner", "CHN", "--target", "4m", "--base-version", "1", "--db", db)[0] == 0
    code, _, err = cli("scenario", "save", "s", "--partner", "CHN", "--target", "5m", "--base-version", "1", "--db", db)
    assert code == 2 and "nothing was saved" in err and "Traceback" not in err
    code, out, _ = cli("scenario", "show", "s", "--format", "json", "--db", db)
    assert json.loads(out)["version"] == 2 and json.loads(out)["inputs"]["scenario"]["target_usd"] == 4e6


@pytest.mark.parametrize(
    "content",
    [
        "{broken",
        '{"format": "decontrol-scenario", "format_version": 1, "name": "x", '
        '"inputs": {"scenario": {"target_usd": "lots"}}, "results": {}}',
    ],
)
def test_malformed_import_exits_2_and_stores_nothing(cli, db, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, _, err = cli("scenario", "import", str(path), "--db", db)
    assert code == 2 and "nothing was stored" in err
    code, out, _ = cli("scenario", "list", "--format", "json", "--db", db)
    assert json.loads(out) == []


def test_brief_from_flags_writes_deck_and_workbook(cli, tmp_path, deck_text):
    deck, book = tmp_path / "b.pptx", tmp_path / "b.xlsx"
    code, out, err = cli(
        "brief", "--partner", "CHN", "--target", "3m", "-o", str(deck), "--xlsx", str(book), "--marking", "TEST MARKING"
    )
    assert code == 0, err
    prs = Presentation(str(deck))
    assert len(prs.slides) >= 5
    assert all([t for _, t in visible_markings(s)] == ["TEST MARKING"] * 2 for s in prs.slides)
    assert sum(sh.has_chart for s in prs.slides for sh in s.shapes) >= 2
    assert openpyxl.load_workbook(book).sheetnames == [
        "Package",
        "Excluded",
        "Frontier",
        "Alternatives",
        "Items",
        "Assumptions",
    ]
    assert "Foreign-availability threshold: 0.50 (items scoring below it are left out)" in deck_text(deck)


def test_ally_brief_from_saved_scenario_leaks_nothing_internal(cli, db, tmp_path, deck_text):
    assert cli("scenario", "save", "s", "--partner", "CHN", "--target", "3m", "--db", db)[0] == 0
    deck, book = tmp_path / "a.pptx", tmp_path / "a.xlsx"
    code, _, err = cli(
        "brief", "--scenario", "s", "--db", db, "--audience", "ally", "-o", str(deck), "--xlsx", str(book)
    )
    assert code == 0, err
    texts = [deck_text(deck)]
    wb = openpyxl.load_workbook(book)
    texts += [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    blob = "\n".join(texts).lower()
    for marker in INTERNAL_MARKERS + ("foundational", "tier"):
        assert marker not in blob, marker


def test_brief_bad_inputs_exit_2(cli, tmp_path, db):
    assert cli("brief", "--partner", "CHN", "--target", "3m", "-o", str(tmp_path / "x.pdf"))[0] == 2
    assert cli("brief", "--scenario", "no such", "--db", db, "-o", str(tmp_path / "x.pptx"))[0] == 2
    assert cli("brief", "--partner", "CHN", "--target", "-1", "-o", str(tmp_path / "x.pptx"))[0] == 2
    assert not (tmp_path / "x.pptx").exists()


@pytest.mark.parametrize("audience", ["internal", "ally"])
def test_an_infeasible_brief_carries_the_diagnosis(cli, tmp_path, deck_text, audience):
    """The deck said 'Binding constraints: - none' and the workbook had no diagnosis at all."""
    deck, book = tmp_path / "inf.pptx", tmp_path / "inf.xlsx"
    code, out, err = cli(
        "brief", "--partner", "CHN", "--target", "10m", "--audience", audience, "-o", str(deck), "--xlsx", str(book)
    )
    assert code == 0, err
    text = deck_text(deck)
    assert "No package reaches the $10.0m target" in text and "Largest achievable target: $6.35m a year" in text
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(book)["Assumptions"].iter_rows(min_row=3, values_only=True)}
    assert float(rows["result.largest_achievable_target_usd"]) == 6.35e6
    assert rows["result.diagnosis.1"].startswith("Largest achievable target: $6.35m")
    if audience == "internal":
        assert "Binding rule: the foreign-availability threshold" in text and "- none" not in text
        assert rows["result.diagnosis.2"].startswith("Binding rule: the foreign-availability threshold")
    else:
        assert "Binding rule" not in text and "result.diagnosis.2" not in rows


def test_brief_on_a_restyled_template(cli, tmp_path):
    """Staff restyle the shipped template in PowerPoint and brief on it: its look and its marking boxes
    carry over; a missing template is refused before anything runs."""
    from pptx.dml.color import RGBColor

    from optimizer.briefing.template import TEMPLATE_PATH

    prs = Presentation(str(TEMPLATE_PATH))
    box = next(sh for sh in prs.slide_master.shapes if sh.name == "Marking top")
    box.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(0x00, 0x66, 0x33)
    prs.save(str(tmp_path / "green.pptx"))
    out = tmp_path / "b.pptx"
    code, _, err = cli(
        "brief", "--partner", "CHN", "--target", "3m", "-o", str(out), "--template", str(tmp_path / "green.pptx")
    )
    assert code == 0, err
    deck = Presentation(str(out))
    top = next(sh for sh in deck.slide_master.shapes if sh.name == "Marking top")
    assert top.text_frame.text == "CUI" and top.text_frame.paragraphs[0].runs[0].font.color.rgb == RGBColor(
        0, 0x66, 0x33
    )
    assert all([t for _, t in visible_markings(s)] == ["CUI", "CUI"] for s in deck.slides)
    code, _, err = cli(
        "brief", "--partner", "CHN", "--target", "3m", "-o", str(out), "--template", str(tmp_path / "no.pptx")
    )
    assert code == 2 and "template" in err
