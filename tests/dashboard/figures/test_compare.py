"""The Scenarios page's overlay draws typed frontier points (`FrontierPoint`)."""

from dashboard.figures.common import Provenance
from dashboard.figures.compare import frontiers_overlay
from optimizer.model.frontier import FrontierPoint

PROV = Provenance("synthetic", "test")


def _pt(usd, risk, n):
    return FrontierPoint(target_usd=usd or 1.0, achieved_usd=usd, risk=risk, status="optimal", gap=0.0, n_items=n)


def test_analysts_see_risk_against_value_and_unreached_points_are_left_out():
    pts = [_pt(2e9, 3.0, 2), _pt(None, None, 0), _pt(1e9, 1.0, 1)]
    fig = frontiers_overlay({"a": pts}, PROV, chosen={"a": {"achieved_usd": 1e9, "n_items": 1, "risk": 1.0}})
    line, star = fig.data
    assert list(line.x) == [1.0, 2.0] and list(line.y) == [1.0, 3.0]
    assert star.meta == {"chosen": "a"} and list(star.y) == [1.0]


def test_allies_see_value_against_items_without_risk():
    pts = [_pt(2e9, None, 2), _pt(1e9, None, 1)]
    (line,) = frontiers_overlay({"a": pts}, PROV, "ally").data
    assert list(line.x) == [1, 2] and list(line.y) == [1.0, 2.0]
    assert "risk" not in line.hovertemplate
