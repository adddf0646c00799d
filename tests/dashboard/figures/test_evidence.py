import pandas as pd

from dashboard.figures.common import Provenance, badge_of
from dashboard.figures.evidence import item_series_figure, potential_figure

PROV = Provenance("synthetic", "test layer")


def _series(codes=("845891", "845961")) -> pd.DataFrame:
    rows = []
    for year in (2023, 2024):
        rows.append(
            dict(
                year=year,
                hs6="all",
                us_exports_to_partner=50.0,
                partner_imports_world=500.0,
                us_share_of_partner_imports=0.1,
                us_world_share=0.25,
            )
        )
        for c in codes:
            rows.append(
                dict(
                    year=year,
                    hs6=c,
                    us_exports_to_partner=25.0,
                    partner_imports_world=250.0,
                    us_share_of_partner_imports=0.1,
                    us_world_share=0.25,
                )
            )
    return pd.DataFrame(rows)


EVENTS = pd.DataFrame(
    {
        "date": ["2024-06-01", "2025-10-09", "2010-01-01"],
        "title": ["a", "b", "old"],
        "summary": ["", "", ""],
        "kind": ["us_control", "china_control", "talks"],
    }
)


def test_series_has_exports_shares_per_code_lines_and_events():
    fig = item_series_figure(_series(), EVENTS, "2B991", "China", PROV)
    names = [t.name for t in fig.data]
    assert names[0] == "US exports, all mapped codes"
    assert "US exports, HS 845891" in names and "US share of China's imports" in names
    assert [t.visible for t in fig.data if "HS " in t.name] == ["legendonly", "legendonly"]
    ev = next(t for t in fig.data if t.name == "Policy events")
    assert [c[1] for c in ev.customdata] == ["a", "b"]  # the 2010 event is before the plotted years
    assert fig.layout.xaxis.range[1] > 2025.7  # later events stretch the axis
    assert len(fig.layout.shapes) == 2
    assert badge_of(fig) == "synthetic"


def test_series_of_one_code_draws_no_per_code_line_and_empty_series_says_why():
    fig = item_series_figure(_series(codes=("845891",)), EVENTS.iloc[:0], "X", "China", PROV)
    assert not any("HS " in (t.name or "") for t in fig.data)
    empty = item_series_figure(_series().iloc[:0], EVENTS, "9Z999", "China", PROV)
    assert empty.layout.meta == {"empty": True}


def test_potential_bars_group_potential_actual_and_value_largest_on_top():
    rows = pd.DataFrame(
        {
            "eccn": ["A", "B", "C"],
            "potential_usd": [30.0, 20.0, 0.0],
            "actual_usd": [5.0, 1.0, 0.0],
            "value_usd": [2.0, None, 0.0],
        }
    )
    fig = potential_figure(rows, "t", "eccn", PROV)
    assert [t.name.split(" (")[0] for t in fig.data] == ["Potential", "Actual US exports", "Blocked by a licence"]
    assert list(fig.data[0].y) == ["B", "A"]  # C has no trade; reversed so the largest is drawn on top
    assert list(fig.data[2].customdata) == ["unknown", "$2"]
    assert badge_of(fig) == "synthetic"
    per_code = potential_figure(rows.drop(columns="value_usd").rename(columns={"eccn": "hs6"}), "t", "hs6", PROV)
    assert len(per_code.data) == 2


def test_events_that_name_the_item_are_marked_apart_from_the_others():
    events = EVENTS.assign(eccns=["2B991;3A991", "", "2B991"])
    fig = item_series_figure(_series(), events, "2B991-rest", "China", PROV)
    own = next(t for t in fig.data if t.name == "Events naming 2B991")
    other = next(t for t in fig.data if t.name == "Policy events")
    assert [c[1] for c in own.customdata] == ["a"] and own.marker.symbol == "star"
    assert [c[1] for c in other.customdata] == ["b"]
    assert sorted(s.line.dash for s in fig.layout.shapes) == ["dot", "solid"]
    # an item no event names: every event drawn the plain way
    plain = item_series_figure(_series(), events, "4A994", "China", PROV)
    assert not any("naming" in (t.name or "") for t in plain.data)
