import pandas as pd

from dashboard.figures.common import Provenance, badge_of
from dashboard.figures.trade import composition_bars, controlled_by_tier, totals_series

REAL = Provenance("real", "Census")
SYN = Provenance("synthetic", "layer")


def _totals():
    return pd.DataFrame(
        {
            "year": [2019, 2020],
            "exports_usd": [106e9, 124e9],
            "imports_usd": [452e9, 435e9],
            "balance_usd": [-346e9, -311e9],
        }
    )


def test_series_in_billions_with_formatted_hover_and_events_in_range():
    events = pd.DataFrame(
        {
            "date": ["2020-01-15", "2030-01-01"],
            "title": ["Phase One", "Future"],
            "summary": ["signed", ""],
            "kind": ["talks", "tariff"],
        }
    )
    fig = totals_series(_totals(), events, "China", REAL)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["US exports"].y) == [106.0, 124.0]
    assert list(by_name["US exports"].customdata) == ["$106.0bn", "$124.0bn"]
    assert list(by_name["Balance"].customdata) == ["-$346.0bn", "-$311.0bn"]
    ev = by_name["Policy events"]
    assert [c[1] for c in ev.customdata] == ["Phase One", "Future"]  # a later event stretches the axis
    assert abs(ev.x[0] - (2020 + 14 / 365)) < 1e-9
    assert len(fig.layout.shapes) == 2 and fig.layout.xaxis.range[1] > 2030
    assert badge_of(fig) == "real" and "US$ billion" in fig.layout.title.text


def test_series_without_rows_is_an_explained_empty_figure():
    fig = totals_series(_totals().iloc[0:0], pd.DataFrame(), "Narnia", REAL)
    assert "Narnia" in fig.layout.annotations[0].text


def _comp():
    return pd.DataFrame(
        {
            "section": ["Machinery", "Machinery", "Agriculture"],
            "hs2": ["84", "85", "12"],
            "name": ["Machinery", "Electrical", "Oil seeds"],
            "value_usd": [6e9, 2e9, 2e9],
        }
    )


def test_composition_bars_colour_chapters_by_sector_with_their_share():
    fig = composition_bars(_comp(), "t", SYN)
    assert [t.name for t in fig.data] == ["Machinery", "Agriculture"]  # legend follows the largest chapter
    machinery = fig.data[0]
    assert list(machinery.x) == [2.0, 6.0] and machinery.customdata[1][:2] == ["$6.0bn", "60.0%"]
    assert badge_of(fig) == "synthetic"


def test_composition_bars_show_the_top_chapters_and_sum_the_rest():
    fig = composition_bars(_comp(), "t", SYN, top=2)
    assert sum(len(t.x) for t in fig.data) == 2
    assert any("1 other chapters: $2.0bn (20%)" in (a.text or "") for a in fig.layout.annotations)
    assert composition_bars(_comp().assign(value_usd=0.0), "t", SYN).layout.meta["empty"]


def test_controlled_bars_stack_tiers_in_policy_order_with_share_of_exports():
    df = pd.DataFrame(
        {
            "year": [2020, 2020, 2020],
            "tier": ["legacy", "foundational", "transactional"],
            "value_usd": [1e9, 2e9, 0.5e9],
        }
    )
    fig = controlled_by_tier(df, _totals(), "China", SYN)
    assert [t.name for t in fig.data] == ["Foundational", "Transactional", "Legacy"]
    assert fig.data[0].customdata[0][1] == "1.6%"  # 2bn of 124bn
    assert fig.layout.barmode == "stack"
    assert controlled_by_tier(df.iloc[0:0], _totals(), "China", SYN).layout.meta["empty"]


def test_event_hover_names_the_ccl_entries_and_the_source():
    events = pd.DataFrame(
        {
            "date": ["2023-08-11", "2020-01-15"],
            "title": ["NP2 rule", "Phase One"],
            "summary": ["NP2 to China", "signed"],
            "kind": ["us_control", "talks"],
            "source": ["88 FR 54875", ""],
            "eccns": ["2A290;2A291", ""],
        }
    )
    ev = {t.name: t for t in totals_series(_totals(), events, "China", REAL).data}["Policy events"]
    np2, phase_one = ev.customdata
    assert "CCL entries: 2A290, 2A291" in np2[3] and "Source: 88 FR 54875" in np2[3]
    assert phase_one[3] == ""  # nothing invented where the row names nothing
    assert "%{customdata[3]}" in ev.hovertemplate
