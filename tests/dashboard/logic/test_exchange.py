"""The Gives and gets page's logic on the shipped data: the measures and shared exposure (the ally view
from a whitelist), the form checks, the same core API as the CLI, the ledger, saving and downloads."""

from __future__ import annotations

import io
import json

import pytest

from dashboard.figures.common import badge_of
from dashboard.logic import exchange
from dashboard.logic.ally_view import internal_fields_in
from optimizer.errors import DecontrolError

FORM = dict(partner="CHN", day="2026-12-01", horizon=90, balance="1", risk_price_m=10, premium=0.25, unsourced=False)


def _text(component) -> str:
    return (
        json.dumps(component.to_plotly_json(), default=str) if hasattr(component, "to_plotly_json") else str(component)
    )


def test_measures_and_shared_exposure_for_an_ally(shipped_ds):
    v = exchange.measures_view(shipped_ds, "CHN", "2026-12-01", 90, ["JPN", "KOR"], False, "ally")
    text = _text(v.banner) + _text(v.table)
    assert internal_fields_in(json.loads(json.dumps(text))) == []
    assert "JPN imports from CHN" in text and "USA imports from CHN" in text
    assert "proxy" in text and "SYNTHETIC" in text and "2023-23#ga1" in text
    assert "none published" in text  # measures without codes say so; their imports read "no data"
    assert badge_of(v.figure) == "synthetic"
    # the unsourced candidates are labelled wherever they are used
    assert "UNSOURCED" not in text
    with_candidates = _text(exchange.measures_view(shipped_ds, "CHN", "2026-12-01", 90, [], True, "ally").table)
    assert "UNSOURCED" in with_candidates


def test_lapsing_suspensions_are_flagged(shipped_ds):
    v = exchange.measures_view(shipped_ds, "CHN", "2026-10-01", 60, [], False, "internal")
    assert "flagged" in _text(v.banner) and "2026-11-10" in _text(v.banner)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("balance", "lots", "--balance"),
        ("risk_price_m", "x", "risk price"),
        ("premium", 1.5, "supply premium"),
        ("day", "2026-02-30", "is not a date"),
        ("horizon", "soon", "horizon"),
        ("partner", None, "choose a partner"),
    ],
)
def test_bad_form_values_name_the_field(field, value, message):
    with pytest.raises(DecontrolError, match=message):
        exchange.params_from_form(**(FORM | {field: value}))


def test_the_page_calls_the_cli_s_core_api(shipped_ds):
    from optimizer.gets.exchange import ExchangeSettings
    from optimizer.gets.package import exchange_package

    p = exchange.params_from_form(**FORM)
    page = exchange.run_exchange(shipped_ds, p)
    core = exchange_package(shipped_ds, "CHN", day="2026-12-01", settings=ExchangeSettings(risk_price_usd=1e7))
    assert page.to_dict() == core.to_dict()
    v = exchange.ledger_view(shipped_ds, page, exchange.references(shipped_ds, "CHN", p.settings()))
    assert badge_of(v.figure) == "synthetic"
    assert [x.split("<br>")[0] for x in v.figure.data[0].x] == [
        "Proposal (2026-12-01)",
        "Geneva (2025-05)",
        "London (2025-06)",
        "Busan (2025-10)",
    ]
    text = _text(v.gives) + _text(v.gets) + _text(v.references)
    assert "5A003" in text and "2023-23#ga5" in text and "not valued" in text and "UNSOURCED" in text


def test_a_zero_band_gives_nothing_and_asks_everything(shipped_ds):
    """Band 0:0 holds the partner's gain at 0: the US gives nothing and every measure it can ask is asked."""
    p = exchange.params_from_form(**(FORM | {"balance": "0:0"}))
    report = exchange.run_exchange(shipped_ds, p)
    v = exchange.ledger_view(shipped_ds, report, [])
    assert report.found and not report.gives and report.partner_gain_usd == 0
    offered = {m["measure_id"] for m in report.measures if m["offer"] in ("asked",) or m["offer"].startswith("offered")}
    assert {g["measure_id"] for g in report.gets} == offered
    assert "No gives" in _text(v.gives)


def test_an_empty_exchange_names_its_cause(shipped_ds):
    """Before any measure is in force there is nothing to ask for; with measures to ask for, a high risk
    price is why nothing is worth making."""
    early = exchange.run_exchange(shipped_ds, exchange.params_from_form(**(FORM | {"day": "2020-01-01"})))
    assert early.found and not early.gives and not early.gets
    text = _text(exchange.ledger_view(shipped_ds, early, []).status)
    assert "no partner measure on 2020-01-01 has a relief the US could ask for" in text and "risk price" not in text
    costly = exchange.run_exchange(shipped_ds, exchange.params_from_form(**(FORM | {"risk_price_m": 100})))
    assert costly.found and not costly.gives and not costly.gets
    text = _text(exchange.ledger_view(shipped_ds, costly, []).status)
    assert "No exchange is worth making at this risk price" in text and "ask for" not in text


def test_save_recomputes_on_the_server(shipped_ds, tmp_path):
    from optimizer.scenarios import ScenarioStore

    store = ScenarioStore(f"sqlite:///{tmp_path / 's.db'}")
    params = exchange.params_from_form(**FORM).to_dict()
    assert exchange.save_exchange(store, shipped_ds, "", params) == ("Give the scenario a name.", False)
    message, ok = exchange.save_exchange(store, shipped_ds, "CHN exchange", params, "ana")
    assert ok, message
    rec = store.get("CHN exchange")
    assert rec.inputs["exchange"]["partner"] == "CHN" and rec.inputs["exchange"]["date"] == "2026-12-01"
    assert [i["eccn"] for i in rec.results["items"]] == [g["eccn"] for g in rec.results["exchange"]["gives"]]
    assert rec.results["exchange"]["gets"] and rec.author == "ana"
    assert rec.results["n_items"] == len(rec.results["items"]) and rec.inputs["scenario"]["year"] == 2024
    # the saved scenario lists like any package on the Scenarios page
    from dashboard.logic.scenarios import scenario_rows

    row = next(r for r in scenario_rows(store) if r["name"] == "CHN exchange")
    assert row["partner"] == "CHN" and row["n_items"] == len(rec.results["items"])
    assert exchange.save_exchange(store, shipped_ds, "x", None)[1] is False


def test_downloads(shipped_ds):
    params = exchange.params_from_form(**FORM).to_dict()
    slide = exchange.download(shipped_ds, params, "pptx")
    assert slide["filename"] == "exchange-CHN-2026-12-01-synthetic.pptx"
    import base64

    from pptx import Presentation

    prs = Presentation(io.BytesIO(base64.b64decode(slide["content"])))
    assert len(prs.slides) == 1
    book = exchange.download(shipped_ds, params, "xlsx")
    assert book["filename"].endswith(".xlsx")
    with pytest.raises(DecontrolError, match="run the two-sided optimizer first"):
        exchange.download(shipped_ds, None, "pptx")


def test_fair_in_the_balance_field_asks_for_the_max_min_split():
    params = exchange.params_from_form("CHN", "2026-12-01", 90, "fair", 10, 0.25, False)
    assert params.settings().objective == "fair"
    assert exchange.params_from_form("CHN", "2026-12-01", 90, "1", 10, 0.25, False).settings().objective == "net_gain"
