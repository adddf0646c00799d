from dashboard.figures.common import Provenance, badge_of
from dashboard.figures.package import frontier

SYN = Provenance("synthetic", "layer")


def _points(risks):
    return [{"index": i, "value_usd": (i + 1) * 1e9, "risk": r, "n_items": i + 1} for i, r in enumerate(risks)]


def test_frontier_points_carry_their_index_for_clicks_and_formatted_hover():
    fig = frontier(_points([0.1, 0.2, 0.4]), SYN, target_usd=2e9)
    line = fig.data[0]
    assert [c[0] for c in line.customdata] == [0, 1, 2]
    assert line.customdata[1][1:] == ["$2.0bn", "0.20", "2 items"]
    assert list(line.x) == [1.0, 2.0, 3.0]
    assert fig.layout.yaxis.type == "linear" and badge_of(fig) == "synthetic"
    assert any("target $2.0bn" in (a.text or "") for a in fig.layout.annotations)


def test_frontier_marks_the_selected_point_and_the_shown_package():
    fig = frontier(_points([0.1, 0.2]), SYN, selected=1, shown=(1.5e9, 0.15, "Proposed package"))
    names = [t.name for t in fig.data]
    assert names == ["Packages (least risk for the value)", "Shown package", "Proposed package"]
    assert list(fig.data[1].x) == [2.0] and fig.data[2].marker.symbol == "star"


def test_frontier_uses_a_log_risk_axis_when_risks_span_orders_of_magnitude_and_drops_empty_packages():
    pts = _points([0.02, 0.1, 12.0]) + [{"index": 9, "value_usd": 0.0, "risk": 0.0, "n_items": 0}]
    fig = frontier(pts, SYN)
    assert fig.layout.yaxis.type == "log" and len(fig.data[0].x) == 3


def test_frontier_without_points_is_an_explained_empty_state():
    assert "Run the optimizer" in frontier([], SYN).layout.annotations[0].text


def test_a_target_far_beyond_the_frontier_is_named_not_plotted():
    fig = frontier(_points([0.1, 0.2]), SYN, target_usd=500e9)
    assert fig.layout.xaxis.range[1] < 10 and not fig.layout.shapes
    assert any("beyond the largest achievable" in (a.text or "") for a in fig.layout.annotations)
