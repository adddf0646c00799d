"""The coalition gains chart: shares of potential per member, both packages, provenance badge."""

from dashboard.figures.allies import member_gains_bars
from dashboard.figures.common import Provenance, badge_of

PROV = Provenance("synthetic", "synthetic HS6 layer")


def test_bars_show_each_members_share_for_both_packages():
    gains = [
        {"member": "USA", "coalition_rel": 0.5, "us_only_rel": 0.9, "coalition_usd": 5e9, "us_only_usd": 9e9},
        {"member": "JPN", "coalition_rel": 0.5, "us_only_rel": 0.1, "coalition_usd": 1e9, "us_only_usd": 2e8},
    ]
    fig = member_gains_bars(gains, PROV)
    assert [t.name for t in fig.data] == ["Coalition package", "US-only package"]
    assert list(fig.data[0].y) == [50.0, 50.0] and list(fig.data[1].y) == [90.0, 10.0]
    assert next(iter(fig.data[1].customdata[1])) == "10.0%"
    assert badge_of(fig) == "synthetic"


def test_no_member_with_value_is_an_empty_state():
    fig = member_gains_bars([{"member": "JPN", "coalition_rel": None, "us_only_rel": None}], PROV)
    assert not fig.data and "No member" in fig.layout.annotations[0].text
