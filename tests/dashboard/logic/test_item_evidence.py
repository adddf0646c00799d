"""The item panel's evidence sections and the Control list's potential chart, on the shipped data."""

import json

from plotly.utils import PlotlyJSONEncoder

from dashboard import ids
from dashboard.logic import ally_view, item_evidence
from dashboard.logic.ally_view import internal_fields_in


def _text(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder)


def test_the_evidence_section_draws_the_series_with_the_partners_events(shipped_ds):
    section = item_evidence.evidence_section(shipped_ds, "5A003", "CHN", "China", 2024)
    assert section.id == ids.ITEMS_EVIDENCE
    graph = section.children[1]
    names = [t.name for t in graph.figure.data]
    assert "Policy events" in names and "US share of China's imports" in names
    assert "How potential is defined" in _text(section)


def test_the_supplier_table_ranks_exporters_with_their_roles(shipped_ds):
    table = item_evidence.supplier_table(shipped_ds, "5A003", "CHN", "China", 2024, {"USA": "US", "CHN": "partner"})
    text = _text(table)
    assert table.id == ids.ITEMS_SUPPLIER_RANKING
    assert "Role" in text and "(itself)" in text and "Share of China's imports" in text
    assert "Role" not in _text(item_evidence.supplier_table(shipped_ds, "5A003", "CHN", "China", 2024))


def test_the_ally_panel_carries_the_evidence_and_no_internal_field(shipped_ds):
    _, body, _ = ally_view.ally_panel_view(shipped_ds, "5A003", "CHN", 2024)
    payload = json.loads(json.dumps(body, cls=PlotlyJSONEncoder))
    text = json.dumps(payload)
    assert ids.ITEMS_EVIDENCE in text and ids.ITEMS_SUPPLIER_RANKING in text and "eccn-link" in text
    assert internal_fields_in(payload) == []


def test_the_potential_chart_shows_the_top_items_and_says_its_method(shipped_ds):
    fig, note = item_evidence.potential_view(shipped_ds, "CHN", "China", 2024)
    assert len(fig.data) == 3 and len(fig.data[0].y) == 15
    assert "US share of world exports" in note and "Export Potential Map" in note
