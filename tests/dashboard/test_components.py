"""Shared components build (Dash checks their props only when they are made, in the callback)."""

from plotly.io.json import to_json_plotly

from dashboard.components import error_alert


def test_error_alert_lists_the_first_details_and_counts_the_rest():
    alert = error_alert("some positions cannot be read", [f"line {n}: bad" for n in range(1, 12)])
    text = to_json_plotly(alert)
    assert "some positions cannot be read" in text and "line 8: bad" in text and "line 9: bad" not in text
    assert "and 3 more" in text and alert.color == "danger"
    assert "small" in error_alert("x", compact=True).className
