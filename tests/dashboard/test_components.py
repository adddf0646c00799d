"""Shared components build (Dash checks their props only when they are made, in the callback)."""

from plotly.io.json import to_json_plotly

from dashboard.components import error_alert


def test_error_alert_lists_the_first_details_and_counts_the_rest():
    alert = error_alert("some positions cannot be read", [f"line {n}: bad" for n in range(1, 12)])
    text = to_json_plotly(alert)
    assert "some positions cannot be read" in text and "line 8: bad" in text and "line 9: bad" not in text
    assert "and 3 more" in text and alert.color == "danger"
    assert "small" in error_alert("x", compact=True).className


def test_a_real_badge_links_to_its_known_source_and_others_do_not():
    from dashboard.components import provenance_badge
    from dashboard.figures.common import Provenance

    real = provenance_badge(Provenance("real", "Commerce Country Chart, 15 CFR 738 Supp. 1"))
    assert real.href.endswith("Part%20738") and real.target == "_blank"
    assert "Source: Commerce Country Chart" in real.title
    assert getattr(provenance_badge(Provenance("real", "Policy timeline")), "href", None) is None
    assert getattr(provenance_badge(Provenance("synthetic", "Census-calibrated layer")), "href", None) is None


def test_eccn_links_point_at_the_ecfr_text():
    from dashboard.components import eccn_link, eccn_links

    a = eccn_link("5A003")
    assert a.children == "5A003" and a.href.endswith("#:~:text=5A003") and a.target == "_blank"
    parts = eccn_links(["1A001", "2B001"])
    assert [getattr(p, "children", p) for p in parts] == ["1A001", ", ", "2B001"]
    assert eccn_links([]) == ["none"]


def test_the_show_all_toggle_folds_a_long_list_and_hides_for_a_short_one():
    from dashboard.components import toggle_state

    assert toggle_state(36, 10, 0, "events", "latest") == (10, "Show all 36 events", False)
    assert toggle_state(36, 10, 1, "events", "latest") == (36, "Show the 10 latest only", False)
    assert toggle_state(36, 10, 2, "events", "latest")[0] == 10  # each click flips it
    assert toggle_state(10, 10, None, "events", "latest") == (10, "", True)
