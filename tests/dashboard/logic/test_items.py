import math

import pandas as pd
from dash import no_update

from dashboard.logic import items
from dashboard.state import AppState


def _items():
    return pd.DataFrame(
        {
            "eccn": ["2B991", "3A001", "0A998"],
            "heading": ["NC units", "Electronics", "Oil"],
            "tier": ["legacy", "foundational", "legacy"],
            "tier_source": ["rule", "override: a, 2026-01-01", "rule"],
            "reasons": ["AT1", "NS1;MT1", "RU;FP"],
            "regime": ["US", "WA;MTCR", "US"],
            "category": [2, 3, 0],
            "group": ["B", "A", "A"],
            "value_usd": [4.7e8, 2e9, math.nan],
            "value_basis": ["gap", "gap", "unknown"],
            "fa_score": [0.96, 0.3, 0.0],
            "fa_basis": ["trade data"] * 3,
            "risk": [0.03, 1.2, 0.1],
            "hs6": ["845710;845811", "854231", ""],
            "licence_required": ["end_use_only", "all", "none"],
            "binding_reasons": ["MEU", "NS1;MT1", ""],
            "licence_basis": ["744.21", "738 Supp. 1", "NLR"],
        }
    )


def test_grid_rows_keep_numbers_for_sorting_and_text_for_display():
    rows = items.grid_rows(_items())
    by = {r["eccn"]: r for r in rows}
    assert by["2B991"]["value_text"] == "$470.0m" and by["2B991"]["value_usd"] == 4.7e8
    assert by["0A998"]["value_usd"] is None and by["0A998"]["value_text"] == "unknown"
    assert by["3A001"]["reasons"] == "NS1, MT1" and by["3A001"]["regime"] == "WA, MTCR"
    assert by["2B991"]["hs6_count"] == 2 and by["0A998"]["hs6_count"] == 0
    assert [r["eccn"] for r in items.grid_rows(_items(), ["foundational"])] == ["3A001"]


def test_columns_pin_the_eccn_and_scale_value_bars_to_the_largest_value():
    cols = {c["field"]: c for c in items.column_defs(_items(), 2024)}
    assert cols["eccn"]["pinned"] == "left"
    assert cols["value_usd"]["cellRendererParams"]["max"] == 2e9 and "2024" in cols["value_usd"]["headerName"]
    assert cols["tier"]["cellRenderer"] == "TierChip" and cols["fa_score"]["cellRendererParams"]["max"] == 1.0


def test_the_eccn_column_links_to_the_ecfr_text_ecfr_url_gives():
    from optimizer.sources import ecfr_url

    eccn = {c["field"]: c for c in items.column_defs(_items(), 2024)}["eccn"]
    assert eccn["cellRenderer"] == "EccnLink"
    assert eccn["cellRendererParams"]["base"] + "2B991" == ecfr_url("2B991")


def test_override_form_validation_names_each_missing_field():
    assert items.validate_override("2B991", "transactional", "widely available abroad", "ana") == {}
    p = items.validate_override(None, "bogus", "short", " ")
    assert set(p) == {"eccn", "tier", "reason", "author"}
    assert "10 characters" in p["reason"]


def test_override_view_reports_problems_inline_without_recording(tmp_path):
    state = AppState(None, home=tmp_path)
    out = items.override_view(state, "2B991", "legacy", "", "", 3)
    feedback, reason_invalid, reason_msg, author_invalid, _, version = out
    assert reason_invalid and author_invalid and "reason" in reason_msg.lower()
    assert version is no_update  # an untouched version does not re-render the panel (and reset the form)
    assert not state.tier_overrides_path.exists()


def test_recording_an_override_writes_the_workspace_and_changes_the_tier(tmp_path, shipped_ds):
    state = AppState(None, home=tmp_path)
    before = items.item_table(state.dataset(), "CHN")
    assert before.set_index("eccn").at["2B991", "tier"] == "foundational"  # military end use only (744.21)
    out = items.override_view(state, "2B991", "transactional", "kept as leverage for the next round", "ana", 0)
    assert out[-1] == 1 and "Recorded: 2B991 is transactional" in out[0].children
    assert state.tier_overrides_path.is_file()
    assert state.effective_data_dir() == tmp_path / "data"
    after = items.item_table(state.dataset(), "CHN").set_index("eccn")
    assert after.at["2B991", "tier"] == "transactional"
    # the shipped data is untouched
    assert items.item_table(shipped_ds, "CHN").set_index("eccn").at["2B991", "tier"] == "foundational"


def test_the_panel_shows_every_tier_decision_and_none_is_lost(tmp_path, shipped_ds):
    import json

    state = AppState(None, home=tmp_path)
    eccn = "5A003"  # legacy for China: not a rule floor, needs a licence
    first_tier = items.item_table(state.dataset(), "CHN").set_index("eccn").at[eccn, "tier"]
    items.override_view(state, eccn, "transactional", "kept as leverage for the next round", "ana", 0, "CHN")
    items.override_view(state, eccn, "foundational", "interagency asked to hold it back", "bo", 1, "CHN")
    history = state.override_log().history(eccn)
    assert list(history["from_tier"]) == [first_tier, "transactional"]
    _, body, tier = items.panel_view(state.dataset(), eccn, "CHN", None, history)
    text = json.dumps([b.to_plotly_json() for b in body], default=str)
    assert tier == "foundational"
    assert "Tier decisions (2)" in text and "kept as leverage" in text and "hold it back" in text


def test_items_view_on_the_shipped_data(shipped_ds):
    rows, cols, summary = items.items_view(shipped_ds, "CHN", None, ["legacy"])
    assert rows and all(r["tier"] == "legacy" for r in rows)
    assert "China, 2024" in summary[0].children and summary[1].children == "SYNTHETIC"


def test_panel_explains_the_item(shipped_ds):
    title, body, tier = items.panel_view(shipped_ds, "2B991", "CHN", 2024)
    assert title == "2B991 · China, 2024" and tier == "foundational"
    text = str(body)
    assert "Reasons for control, by paragraph" in text and "HS mapping" in text and "Foreign availability" in text


def test_panel_without_selection_is_an_empty_state(shipped_ds):
    title, body, tier = items.panel_view(shipped_ds, None, "CHN", 2024)
    assert tier is None and "Select a row" in str(body)


def test_unknown_year_falls_back_to_the_latest(shipped_ds):
    assert items.check_year(shipped_ds, "1999") == max(items.item_years(shipped_ds))
    assert items.check_year(shipped_ds, None) == max(items.item_years(shipped_ds))


def test_an_override_the_rules_forbid_is_refused_inline_and_records_nothing(tmp_path):
    state = AppState(None, home=tmp_path)
    out = items.override_view(state, "3A090", "legacy", "trade it as a bargaining chip", "ana", 0, "CHN")
    assert "rule-foundational" in str(out[0]) and out[-1] is no_update
    out = items.override_view(state, "1A995", "transactional", "trade it as a bargaining chip", "ana", 0, "CHN")
    assert "needs no licence to CHN" in str(out[0]) and out[-1] is no_update
    assert not state.tier_overrides_path.exists()


def test_panel_shows_the_items_diversion_exposure_labelled_synthetic(shipped_ds):
    _, body, _ = items.panel_view(shipped_ds, "2B001-rest", "CHN", 2024)
    section = str(body[-1])
    assert "Diversion exposure (mirror trade)" in section and "SYNTHETIC" in section
    assert "MYS → CHN, HS 845891, score 0.40" in section and "Diversion page" in section
    _, body, _ = items.panel_view(shipped_ds, "1A001", "CHN", 2024)
    assert "No signal measured" in str(body[-1])  # no mapped code in the mirror table: not a zero


def test_software_without_trade_data_has_unknown_availability_not_zero(shipped_ds):
    """5D002-type entries (no HS mapping) read 'FA score 0.00', as if nobody else supplied them."""
    rows, _, _ = items.items_view(shipped_ds, "CHN", None, None)
    by_id = {r["eccn"]: r for r in rows}
    assert by_id["0D001"]["fa_text"] == "unknown" and by_id["5A003"]["fa_text"] == "0.56"
    _, body, _ = items.panel_view(shipped_ds, "0D001", "CHN", 2024)
    text = str(body)
    assert "FA score unknown" in text and "FA score 0.00" not in text


def test_a_click_names_the_clicked_row_a_selection_the_selected_one():
    rows = [{"eccn": "2B991"}]
    assert items.clicked_item(rows, {"rowId": "5A003"}, {"items-grid.cellClicked": "items-grid"}) == "5A003"
    assert items.clicked_item(rows, {"rowId": "5A003"}, {"items-grid.selectedRows": "items-grid"}) == "2B991"
    assert items.clicked_item([], None, {"items-grid.selectedRows": "items-grid"}) is None
    # the selection the page sets from the address ({"ids": [...]}) before the grid hands back its rows
    assert items.clicked_item({"ids": ["0A998"]}, None, {"items-grid.selectedRows": "items-grid"}) == "0A998"
