import json

from dashboard import ids
from dashboard.logic.coalition_diff import difference_view


def _side(*eccns, total=0.0):
    return {
        "items": [{"eccn": e, "heading": f"h {e}", "values_usd": {"JPN": 1e6}, "risk": 0.5} for e in eccns],
        "total_usd": total,
    }


def _find(node, target):
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == target:
            return node
        return next((f for v in node.values() if (f := _find(v, target)) is not None), None)
    if isinstance(node, list):
        return next((f for v in node if (f := _find(v, target)) is not None), None)
    return None


def test_the_view_lists_items_only_in_one_package_and_counts_those_in_both():
    view = json.loads(
        json.dumps(
            [
                c.to_plotly_json()
                for c in difference_view(_side("1A001", "2B001", "3A001"), _side("3A001", "4A994"), ["JPN"])
            ],
            default=lambda o: o.to_plotly_json(),
        )
    )
    summary = _find(view, ids.ALLY_DIFF_SUMMARY)
    assert summary["props"]["children"] == "2 only in the coalition package · 1 only in the US-only package · 1 in both"
    coalition = json.dumps(_find(view, ids.ALLY_DIFF_COALITION))
    us_only = json.dumps(_find(view, ids.ALLY_DIFF_US_ONLY))
    assert (
        '"1A001"' in coalition and '"2B001"' in coalition and '"3A001"' not in coalition and '"4A994"' not in coalition
    )
    assert '"4A994"' in us_only and '"1A001"' not in us_only
    assert "part-774" in coalition  # each ECCN links to its eCFR text
    assert '"3A001"' in json.dumps(_find(view, ids.ALLY_DIFF_BOTH))
