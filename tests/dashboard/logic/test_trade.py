import pandas as pd
import pytest

from dashboard.logic import trade


def test_partner_options_are_focus_partners_with_totals_china_first(tiny_ds):
    opts = trade.partner_options(tiny_ds)
    assert [o["value"] for o in opts] == ["CHN", "JPN"]
    assert opts[0]["label"] == "China (CHN)"
    assert trade.check_partner(tiny_ds, "XXX") == "CHN" and trade.check_partner(tiny_ds, "JPN") == "JPN"


def test_year_range_is_clamped_to_the_data(tiny_ds):
    assert trade.clamp_years(tiny_ds, None) == (2018, 2020)
    assert trade.clamp_years(tiny_ds, [2020, 1990]) == (2018, 2020)
    assert trade.clamp_years(tiny_ds, [2019, 2019]) == (2019, 2019)


def test_kpis_state_year_unit_change_and_real_source(tiny_ds):
    exports, imports, balance = trade.trade_kpis(tiny_ds, "CHN", (2018, 2020))
    assert exports.label == "US exports, 2020" and exports.value == "$124.0bn"
    assert "+3% vs 2018" in exports.detail
    assert imports.value == "$435.0bn" and "-19% vs 2018" in imports.detail
    assert balance.value == "-$311.0bn" and balance.tone == "danger"
    assert balance.detail == "deficit narrowed by $109.0bn since 2018"  # read the right way round
    assert exports.provenance.kind == "real" and "Census" in exports.provenance.source


def test_kpis_for_a_single_year_have_no_change(tiny_ds):
    k = trade.trade_kpis(tiny_ds, "JPN", (2019, 2019))
    assert k[0].detail == "goods, Census basis" and k[2].detail == "deficit"


def test_series_figure_keeps_events_of_the_years(tiny_ds):
    fig = trade.series_figure(tiny_ds, "CHN", (2018, 2020))
    events = next(t for t in fig.data if t.name == "Policy events")
    assert [c[1] for c in events.customdata] == ["Section 301 tariffs", "Phase One deal"]


def test_composition_prefers_real_census_chapters(tiny_ds):
    c = trade.composition(tiny_ds, "CHN", 2018, "exports")
    assert c.provenance.kind == "real"
    assert set(c.frame["hs2"]) == {"84", "12"} and c.frame["value_usd"].sum() == 13e9
    assert dict(zip(c.frame["hs2"], c.frame["section"]))["84"] == "Machinery"


def test_composition_falls_back_to_the_labelled_synthetic_layer(tiny_ds):
    c = trade.composition(tiny_ds, "CHN", 2020, "exports")
    assert c.provenance.kind == "synthetic" and "synthetic" in c.note
    assert dict(zip(c.frame["hs2"], c.frame["value_usd"])) == {"84": 3e9, "12": 5e9}
    imports = trade.composition(tiny_ds, "CHN", 2020, "imports")
    assert imports.frame["value_usd"].sum() == 40e9


def test_composition_without_data_says_which_years_exist(tiny_ds):
    c = trade.composition(tiny_ds, "JPN", 2018, "exports")
    assert c.frame.empty and "data covers 2020–2020" in c.note
    fig, note = trade.composition_figure(tiny_ds, "JPN", 2018, "exports")
    assert fig.layout.meta["empty"] and note == c.note


def test_hs6_tier_is_the_strictest_of_its_items():
    items = pd.DataFrame(
        {
            "eccn": ["A", "B", "C", "D"],
            "tier": ["legacy", "foundational", "legacy", "legacy"],
            "hs6": ["848620;847130", "848620", "", None],
        }
    )
    t = trade.hs6_tiers(items)
    assert dict(zip(t["hs6"], t["tier"])) == {"847130": "legacy", "848620": "foundational"}


def test_controlled_trade_counts_us_exports_to_the_partner_once(tiny_ds):
    items = pd.DataFrame({"eccn": ["A", "B"], "tier": ["legacy", "foundational"], "hs6": ["848620;847130", "848620"]})
    df = trade.controlled_trade(tiny_ds, items, "CHN", (2018, 2020))
    assert dict(zip(df["tier"], df["value_usd"])) == {"foundational": 2e9, "legacy": 1e9}
    fig, note = trade.controlled_figure(tiny_ds, items, "CHN", (2018, 2020))
    assert fig.layout.meta["provenance"] == "synthetic" and "upper bound" in note
    assert "covers 2020–2020 only" in note


def test_controlled_summary_gives_each_tier_and_the_share_of_exports(tiny_ds):
    df = pd.DataFrame({"year": [2020, 2020], "tier": ["legacy", "foundational"], "value_usd": [1e9, 2e9]})
    rows = trade.controlled_summary(df, tiny_ds, "CHN", 2020)
    assert rows[0] == {"tier": "foundational", "value": "$2.0bn", "share": "1.6%"}
    assert rows[1]["value"] == "$0" and rows[-1]["value"] == "$3.0bn"
    # 2019 is outside the HS6 trade layer (2020 only): no data, never $0
    outside = trade.controlled_summary(df, tiny_ds, "CHN", 2019)
    assert outside[-1] == {"tier": "all mapped codes", "value": "no data", "share": "n/a"}


@pytest.mark.parametrize(
    "now,then,words",
    [
        (-295.4e9, -367.3e9, "deficit narrowed by $71.9bn since 2015"),
        (-400e9, -367.3e9, "deficit widened by $32.7bn since 2015"),
        (17.9e9, 14.1e9, "surplus grew by $3.8bn since 2015"),
        (5e9, 14.1e9, "surplus shrank by $9.1bn since 2015"),
        (-5e9, 14.1e9, "deficit; a surplus of $14.1bn in 2015"),
    ],
)
def test_the_balance_change_reads_the_right_way_round(now, then, words):
    """A deficit next to '+$71.9bn vs 2015' read as a deficit grown by that much."""
    assert trade.balance_change(now, then, 2015) == words


def test_events_are_those_of_the_partner_and_the_axis_reaches_the_latest(shipped_ds):
    """China's rare-earth controls showed on US trade with Japan; 2025 events were cut off by a 2024 axis."""

    def shown(partner, years):
        fig = trade.series_figure(shipped_ds, partner, years)
        (ev,) = [t for t in fig.data if t.name == "Policy events"]
        return fig, [c[1] for c in ev.customdata], list(ev.x)

    fig, titles, xs = shown("CHN", (2015, 2024))
    assert "Busan Trump-Xi meeting" in titles and max(xs) > 2025.8
    assert fig.layout.xaxis.range[1] >= max(xs)
    _, jpn, _ = shown("JPN", (2015, 2024))
    assert "Framework for AI Diffusion" in jpn and "China controls seven rare earth elements" not in jpn
    _, early, _ = shown("CHN", (2015, 2020))  # a range that ends before the data does keeps to its years
    assert all(not t.startswith("Busan") for t in early)


def test_the_ally_overlay_says_no_data_outside_the_trade_layer_never_0(shipped_ds):
    """The ally's table read '$0' for a year the HS6 layer does not cover (the analyst's said 'no data')."""
    _, _, table = trade.controlled_view(shipped_ds, "CHN", [2015, 2016], audience="ally")
    text = str(table)
    assert "'no data'" in text and "'$0'" not in text
    _, _, covered = trade.controlled_view(shipped_ds, "CHN", [2024, 2024], audience="ally")
    assert "'no data'" not in str(covered)


def test_the_events_list_links_eccns_to_the_control_list_and_partners_to_their_trade(shipped_ds):
    """The list under the chart: the events of the partner and years, each ECCN a rule itemises a
    link to the Control list with the item open for this partner, Federal Register sources linked."""
    from dash import dcc, html

    def links(node, kind):
        out, stack = [], [node]
        while stack:
            n = stack.pop()
            if isinstance(n, kind):
                out.append(n)
            kids = getattr(n, "children", None)
            stack.extend(kids if isinstance(kids, list) else [kids] if kids is not None else [])
        return out

    table, _, _ = trade.events_view(shipped_ds, "CHN", [2015, 2024], clicks=1)  # all of them
    hrefs = {ln.href for ln in links(table, dcc.Link)}
    known = set(shipped_ds.ccl["eccn"].astype(str))
    itemised = {e for cell in shipped_ds.events["eccns"].dropna() for e in str(cell).split(";") if e.strip() in known}
    assert itemised and {f"/items?partner=CHN&item={e}" for e in itemised} <= hrefs
    anchors = [a.href for a in links(table, html.A) if a.href]
    assert "https://www.federalregister.gov/citation/88-FR-54875" in anchors
    text = str(table)
    assert "Busan Trump-Xi meeting" in text and "Framework for AI Diffusion" in text
    early = str(trade.events_view(shipped_ds, "CHN", [2015, 2019], clicks=1)[0])
    assert "Busan" not in early and "Huawei added to the Entity List" in early
    jpn = str(trade.events_view(shipped_ds, "JPN", [2015, 2024], clicks=1)[0])
    assert "China controls seven rare earth elements" not in jpn


def test_the_events_list_shows_the_latest_until_show_all_is_clicked(shipped_ds):
    """A long range lists its latest events (the browser pays for every row); the toggle says how
    many there are, shows them all, and folds them back."""
    every = trade.shown_events(shipped_ds, "CHN", (2015, 2024))
    assert len(every) > trade.EVENTS_SHOWN
    table, label, hidden = trade.events_view(shipped_ds, "CHN", [2015, 2024])
    rows = str(table).count("Tr(")
    assert rows == 1 + trade.EVENTS_SHOWN and not hidden and label == f"Show all {len(every)} events"
    assert f"the {trade.EVENTS_SHOWN} latest of {len(every)}" in str(table)
    assert str(every["title"].iloc[-1]) in str(table) and str(every["title"].iloc[0]) not in str(table)
    table, label, _ = trade.events_view(shipped_ds, "CHN", [2015, 2024], clicks=1)
    assert str(table).count("Tr(") == 1 + len(every) and label == f"Show the {trade.EVENTS_SHOWN} latest only"
    assert trade.events_view(shipped_ds, "CHN", [2015, 2024], clicks=2)[1] == f"Show all {len(every)} events"
    short = trade.shown_events(shipped_ds, "CHN", (2018, 2018))
    assert 0 < len(short) <= trade.EVENTS_SHOWN
    _, label, hidden = trade.events_view(shipped_ds, "CHN", [2018, 2018])
    assert hidden and label == ""
