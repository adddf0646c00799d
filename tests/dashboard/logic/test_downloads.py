"""Downloads of the pages' tables: the rows shown, their provenance, and nothing internal for allies."""

from __future__ import annotations

import base64
import io

import pandas as pd
import pytest

from dashboard.logic import downloads
from dashboard.logic.ally_view import internal_fields_in
from optimizer.errors import DecontrolError


def _csv(payload: dict) -> tuple[list[str], pd.DataFrame]:
    text = payload["content"] if not payload.get("base64") else base64.b64decode(payload["content"]).decode()
    text = text.lstrip("\ufeff")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    return comments, pd.read_csv(io.StringIO(text), comment="#", dtype={"hs6": str})


def test_control_list_file_holds_the_rows_shown_in_their_order_with_provenance(shipped_ds):
    shown = [{"eccn": "5A003"}, {"eccn": "2B991"}, {"eccn": "not-an-item"}]
    payload = downloads.items_download(shipped_ds, "CHN", None, shown, "internal", "csv")
    assert payload["filename"].endswith(".csv")
    comments, table = _csv(payload)
    assert table["eccn"].tolist() == ["5A003", "2B991"]
    assert {"tier", "risk", "value_usd"} <= set(table.columns)
    assert any(c.startswith("# SYNTHETIC: values") for c in comments)
    assert any(c.startswith("# REAL: ECCNs, headings") for c in comments)
    assert "2 of" in comments[0]


def test_an_allys_control_list_file_has_the_ally_columns_only(shipped_ds):
    shown = [{"eccn": "5A003"}, {"eccn": "2B991"}]
    ally = downloads.items_download(shipped_ds, "CHN", None, shown, "ally", "csv")
    _, table = _csv(ally)
    assert "tier" not in table.columns and "risk" not in table.columns
    assert internal_fields_in(ally) == []
    xlsx = downloads.items_download(shipped_ds, "CHN", None, shown, "ally", "xlsx")
    assert internal_fields_in(xlsx) == []
    internal = downloads.items_download(shipped_ds, "CHN", None, shown, "internal", "xlsx")
    assert "risk" in internal_fields_in(internal)  # the check can fail


def test_no_grid_rows_yet_is_an_inline_message_not_a_file(shipped_ds):
    with pytest.raises(DecontrolError, match="not loaded yet"):
        downloads.items_download(shipped_ds, "CHN", None, None, "internal", "csv")


RESULT = {
    "ok": True,
    "partner": "CHN",
    "year": 2024,
    "synthetic": True,
    "source": "synthetic HS6 layer",
    "package": {
        "status": "optimal",
        "items": [
            {"eccn": "5A003", "heading": "Telecom", "mode": "exception", "value_usd": 2.6e6, "risk": 0.18, "why": "x"}
        ],
        "excluded": [
            {"eccn": "3A090", "reason": "foundational", "detail": "advanced computing"},
            {"eccn": "2B991", "reason": "nlr", "detail": "no licence required"},
        ],
    },
}


def test_package_and_left_out_files_and_their_ally_versions():
    comments, lines = _csv(downloads.package_download(RESULT, None, "internal", "csv"))
    assert lines["eccn"].tolist() == ["5A003"] and "risk" in lines.columns
    assert any("SYNTHETIC" in c for c in comments)
    _, left = _csv(downloads.excluded_download(RESULT, None, "internal", "csv"))
    assert left[["eccn", "reason"]].values.tolist() == [["3A090", "foundational"], ["2B991", "nlr"]]
    ally = downloads.package_download(RESULT, None, "ally", "xlsx")
    assert internal_fields_in(ally) == []
    sheets = pd.read_excel(io.BytesIO(base64.b64decode(ally["content"])), sheet_name=None)
    assert list(sheets) == ["package", "left out", "sources"]
    assert sheets["left out"]["status"].unique().tolist() == ["not in package"]
    with pytest.raises(DecontrolError, match="run the package first"):
        downloads.package_download({"ok": False}, None, "internal", "csv")


def test_compare_needs_two_scenarios(shipped_ds):
    with pytest.raises(DecontrolError, match="two or more"):
        downloads.compare_download([], shipped_ds, "internal", "csv")


class _Rec:
    def __init__(self, name: str, target: float, items: list[dict]) -> None:
        self.name = name
        self.inputs = {"scenario": {"partner": "CHN", "target_usd": target}}
        self.results = {"status": "optimal", "achieved_usd": target, "items": items, "total_risk": 0.3}


def test_compare_file_has_totals_items_and_differences(shipped_ds):
    recs = [
        _Rec("A", 2e6, [{"eccn": "5A003", "mode": "lift"}]),
        _Rec("B", 5e6, [{"eccn": "5A003", "mode": "exception"}, {"eccn": "6C005", "mode": "lift"}]),
    ]
    comments, totals = _csv(downloads.compare_download(recs, shipped_ds, "internal", "csv"))
    assert totals["name"].tolist() == ["A", "B"] and "risk" in totals.columns
    assert totals["items"].tolist() == ["5A003:lift", "5A003:exception;6C005:lift"]
    assert comments[0] == "# Comparison of 2 scenarios: A, B"
    ally = downloads.compare_download(recs, shipped_ds, "ally", "xlsx")
    sheets = pd.read_excel(io.BytesIO(base64.b64decode(ally["content"])), sheet_name=None)
    assert list(sheets) == ["totals", "differences", "sources"] and "risk" not in sheets["totals"].columns
    assert sheets["differences"].loc[0, "added"] == "6C005"


def test_coalition_file_holds_each_members_gains_and_both_packages(shipped_ds):
    from dashboard.logic.allies import run_coalition
    from dashboard.state import item_table

    result = run_coalition(shipped_ds, item_table(shipped_ds, "CHN")["eccn"], "CHN", ["JPN", "NLD"], 1.0, "")
    comments, table = _csv(downloads.coalition_download(result, "csv"))
    assert set(table["package"]) >= {"member gains", "coalition"}
    assert set(table.loc[table["package"] == "member gains", "member"]) >= {"JPN", "NLD"}
    assert any("SYNTHETIC" in c for c in comments)
    xlsx = downloads.coalition_download(result, "xlsx")
    sheets = pd.read_excel(io.BytesIO(base64.b64decode(xlsx["content"])), sheet_name=None)
    assert list(sheets) == ["gains", "packages", "sources"]
