"""Briefing an exchange: the one-slide deck (native chart of the balance next to the reference exchanges,
the ledger, the marking, the provenance and unsourced codes), the workbook sheets, and an exchange
scenario's full deck (the slide for analysts, never for allies)."""

from __future__ import annotations

import pytest
from pptx import Presentation

from optimizer.briefing.exchange import build_exchange_slide, exchange_sheets, write_exchange_slide
from optimizer.gets.exchange import ExchangeSettings
from optimizer.gets.package import (
    exchange_inputs,
    exchange_package,
    exchange_results,
    reference_exchange,
    reference_names,
)

SETTINGS = ExchangeSettings(risk_price_usd=1e7)


@pytest.fixture(scope="module")
def shipped():
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    ds = load_dataset()
    items = build_item_table(ds, "CHN")
    rep = exchange_package(ds, "CHN", day="2026-12-01", settings=SETTINGS, items=items)
    refs = [reference_exchange(ds, n, settings=SETTINGS, items=items) for n in reference_names(ds)]
    return ds, rep, refs


def test_the_slide(shipped, tmp_path, deck_text):
    _, rep, refs = shipped
    path = write_exchange_slide(rep, refs, tmp_path / "ex.pptx", marking="TEST MARKING")
    prs = Presentation(str(path))
    assert len(prs.slides) == 1
    text = deck_text(prs)
    assert text.count("TEST MARKING") == 2
    assert "SYNTHETIC" in text and "UNSOURCED HS codes: 271119, 290110" in text
    assert "Gives and gets with CHN" in text and "5A003" in text
    chart = next(s for s in prs.slides[0].shapes if s.has_chart).chart
    plot = chart.plots[0]
    assert list(plot.categories) == ["Proposal (2026-12)", "Geneva (2025-05)", "London (2025-06)", "Busan (2025-10)"]
    series = {s.name: list(s.values) for s in plot.series}
    assert series["US gives (partner's gain)"][0] == pytest.approx(rep.partner_gain_usd / 1e6, abs=0.01)
    assert series["US gets (published HS codes)"][3] == pytest.approx(refs[2].partner_gives_usd / 1e6, abs=0.01)
    assert series["US gets on UNSOURCED HS codes"][3] == pytest.approx(
        refs[2].partner_gives_unsourced_usd / 1e6, abs=0.01
    )
    assert series["US gives on UNSOURCED HS codes"][2] == pytest.approx(refs[1].us_gives_unsourced_usd / 1e6, abs=0.01)


def test_an_empty_exchange_says_why(shipped, deck_text):
    ds, _, _ = shipped
    from optimizer.estimation import build_item_table

    rep = exchange_package(
        ds, "CHN", day="2026-12-01", settings=ExchangeSettings(risk_price_usd=1e9), items=build_item_table(ds, "CHN")
    )
    assert "nothing is worth giving at this risk price" in deck_text(build_exchange_slide(rep))


def test_the_workbook_sheets(shipped):
    _, rep, refs = shipped
    sheets = exchange_sheets(rep, refs)
    assert list(sheets) == ["Exchange ledger", "Partner measures", "Reference exchanges", "Exchange assumptions"]
    ledger = sheets["Exchange ledger"]
    assert len(ledger) == len(rep.gives) + len(rep.gets) and ledger["synthetic"].all()
    assert set(ledger["side"]) == {"US gives", "US gets"}
    assert len(sheets["Partner measures"]) == len(rep.measures)
    ref = sheets["Reference exchanges"]
    assert set(ref["exchange"]) == {"Geneva", "London", "Busan"}
    assert (ref.loc[ref["exchange"] == "London", "unsourced_hs6"] == "271119;290110").any()
    about = dict(zip(sheets["Exchange assumptions"]["parameter"], sheets["Exchange assumptions"]["value"]))
    assert about["supply premium"] == "0.25" and about["trade figures"].startswith("SYNTHETIC")


def test_an_exchange_scenario_briefs_its_gives_and_gets_to_analysts_only(shipped, tmp_path, cli, deck_text):
    from optimizer.scenarios import ScenarioStore

    _, rep, _ = shipped
    url = f"sqlite:///{tmp_path / 's.db'}"
    ScenarioStore(url).save("exchange A", exchange_inputs(rep), exchange_results(rep))
    code, _, err = cli(
        "brief",
        "--scenario",
        "exchange A",
        "--db",
        url,
        "-o",
        str(tmp_path / "in.pptx"),
        "--xlsx",
        str(tmp_path / "in.xlsx"),
    )
    assert code == 0, err
    assert "Gives and gets with China" in deck_text(tmp_path / "in.pptx")
    import openpyxl

    assert "Exchange ledger" in openpyxl.load_workbook(tmp_path / "in.xlsx").sheetnames
    code, _, err = cli(
        "brief",
        "--scenario",
        "exchange A",
        "--db",
        url,
        "-o",
        str(tmp_path / "ally.pptx"),
        "--xlsx",
        str(tmp_path / "ally.xlsx"),
        "--audience",
        "ally",
    )
    assert code == 0, err
    assert "Gives and gets" not in deck_text(tmp_path / "ally.pptx")
    assert "Exchange ledger" not in openpyxl.load_workbook(tmp_path / "ally.xlsx").sheetnames


def test_the_exchange_workbook_has_a_banner_and_numbers_as_numbers(shipped, tmp_path):
    import openpyxl

    from optimizer.briefing.exchange import write_exchange_workbook

    _, rep, refs = shipped
    wb = openpyxl.load_workbook(write_exchange_workbook(rep, refs, tmp_path / "ex.xlsx"))
    for ws in wb:
        assert str(ws["A1"].value).startswith("CUI") and "SYNTHETIC" in str(ws["A1"].value)
        assert ws.freeze_panes == "B3"
    about = {r[0].value: r[1].value for r in wb["Exchange assumptions"].iter_rows(min_row=3)}
    assert about["supply premium"] == 0.25  # stored as a number, not the text '0.25'
