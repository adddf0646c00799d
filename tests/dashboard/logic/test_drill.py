"""The Trade page's drill-down view: the largest codes of a level until "Show all" is clicked."""

from __future__ import annotations

from dashboard.logic import drill


def _codes(body) -> list[str]:
    table = body[0]
    return [row.children[0].children.children for row in table.children[1].children]


def test_a_level_lists_its_largest_codes_until_show_all_is_clicked(shipped_ds):
    crumbs, body, label, hidden = drill.drill_view(shipped_ds, "CHN", [2016, 2020], "exports", "84", "internal")
    codes = _codes(body)
    total = int(label.split()[2])
    assert len(codes) == drill.DRILL_SHOWN < total and not hidden and label == f"Show all {total} codes"
    assert all(c.startswith("84") and len(c) == 4 for c in codes)
    assert f"The {drill.DRILL_SHOWN} largest of {total} codes" in str(body[1].children)
    _, body, label, _ = drill.drill_view(shipped_ds, "CHN", [2016, 2020], "exports", "84", "internal", clicks=1)
    every = _codes(body)
    assert len(every) == total and every[: drill.DRILL_SHOWN] == codes  # largest first, the same order
    assert label == f"Show the {drill.DRILL_SHOWN} largest only" and "largest of" not in str(body[1].children)


def test_a_short_level_and_the_item_list_hide_the_toggle(shipped_ds):
    _, body, label, hidden = drill.drill_view(shipped_ds, "CHN", [2016, 2020], "exports", "8458", "internal")
    assert 0 < len(_codes(body)) <= drill.DRILL_SHOWN and hidden and label == ""
    _, body, label, hidden = drill.drill_view(shipped_ds, "CHN", [2016, 2020], "exports", "845891", "internal")
    assert "2B991" in str(body) and hidden and label == ""
    _, body, label, hidden = drill.drill_view(shipped_ds, "CHN", [2016, 2020], "exports", "8x", "internal")
    assert "showing all chapters" in str(body) and hidden
